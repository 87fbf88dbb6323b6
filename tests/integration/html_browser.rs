//! The HTML report in a real browser: headless Chromium loads the file (which its
//! CSP forbids to fetch anything), runs the inline script and dumps the DOM. Runs
//! only where `chromium` is installed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RULES: &str = r#"rules:
  - id: se.personnummer
    name: Swedish personal identity number
    category: national_id
    severity: high
    patterns: ['\b(?:19|20)?\d{6}[-+]?\d{4}\b']
    validator: se_personnummer
  - id: contact.phone
    name: Phone number
    category: phone
    severity: low
    patterns: ['\b0\d{1,3}-\d{2,3} ?\d{2} ?\d{2}\b']
    columns: ['(?i)^(telefon|phone)$']
  - id: health.sick
    name: Sick leave
    category: health
    severity: critical
    keywords: ['sjukskriv*']
"#;

const CSV: &str = "namn;telefon;anteckningar\n\
Anna Svensson;070-123 45 67;Ring om avtalet\n\
Bo Ek;08-555 12 34;Pnr 19121212-1212, sjukskriven till maj\n\
Cecilia Berg;070-111 22 33;ring 070-123 45 67 efter lunch\n";

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
}

/// Run `cmd`, killing it after `limit`; returns its stdout.
fn run_with_timeout(mut cmd: Command, limit: Duration) -> String {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().expect("reader thread")
}

fn write_report(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("crm")).unwrap();
    std::fs::write(dir.join("crm/kontakter.csv"), CSV).unwrap();
    std::fs::write(dir.join("rules.yaml"), RULES).unwrap();
    let out = dir.join("report.html");
    assert_cmd::Command::cargo_bin("gdpr-audit")
        .expect("binary built")
        .current_dir(dir)
        .env("GDPR_AUDIT_KEY", "test-key")
        .args(["scan", "crm", "--no-default-rules", "--rules", "rules.yaml"])
        .args(["--fail-on", "none", "--format", "html", "--output"])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        println!("skipped: chromium not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let html_path = write_report(dir.path());
    let source = std::fs::read_to_string(&html_path).unwrap();

    // Self-contained: nothing that could make a request.
    assert!(
        !source.contains("http://") && !source.contains("https://"),
        "a URL in the report"
    );
    for needle in ["src=", "href=", "url(", "@import"] {
        assert!(!source.contains(needle), "{needle} in the report");
    }

    let profile = tempfile::tempdir().expect("profile dir");
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg("--dump-dom")
    .arg(format!("file://{}", html_path.display()));
    let dom = run_with_timeout(cmd, Duration::from_secs(60));

    assert!(dom.contains("class=\"todo-row\""), "no to-do rows:\n{dom}");
    let chart = dom
        .split("id=\"chart-category\"")
        .nth(1)
        .and_then(|rest| rest.split("</svg>").next())
        .expect("category chart in the DOM");
    assert!(chart.contains("<rect"), "category chart has no bars");
    assert!(dom.contains("id=\"chart-source\""), "no source chart");
    assert!(dom.contains("id=\"inventory\""), "no inventory table");
    // The inline script ran under the CSP: it fills in the row count.
    let rows = dom.matches("class=\"todo-row\"").count();
    assert!(
        dom.contains(&format!(">{rows} / {rows} shown<")),
        "the filter script did not run:\n{dom}"
    );
}
