//! Hostile probe 7 on a real terminal: text from the inputs (a column name, a
//! value) holding an OSC sequence, BEL and a bidi override reaches a terminal
//! only as visible replacements, in `scan -f markdown`, `scan -f csv` and
//! `diff`, while the same formats written to a file stay exact. The terminal is
//! a pseudo-terminal made by util-linux `script`; without one the test says so
//! and passes.

use std::path::Path;
use std::process::Command;

const INJECTED: &str = "\u{1b}]0;pwned\u{7}\u{202e}";

/// What `args` print on a pseudo-terminal, or `None` when none can be made here.
fn on_a_terminal(dir: &Path, args: &[&str]) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("gdpr-audit");
    let quoted: Vec<String> = std::iter::once(bin.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let out = Command::new("script")
        .args(["-qec", &quoted.join(" "), "/dev/null"])
        .current_dir(dir)
        .env("GDPR_AUDIT_KEY", "tty-test-key-0123456789")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // `script` exits with the command's code; 0 or 1 (findings) is a run.
    match out.status.code() {
        Some(0 | 1) if !text.is_empty() => Some(text),
        _ => {
            eprintln!(
                "note: no pseudo-terminal here (script: {:?}); the terminal half of this test was skipped",
                out.status
            );
            None
        }
    }
}

#[test]
fn input_text_reaches_a_terminal_only_as_visible_replacements() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("notes.csv"),
        format!("id,Notes{INJECTED}\n1,pnr 19121212-1212 sjukskriven {INJECTED}\n"),
    )
    .unwrap();
    std::fs::write(d.join("empty.csv"), "id,Notes\n1,inget\n").unwrap();
    let scan_json = |file: &str, out: &str| {
        let status = Command::new(assert_cmd::cargo::cargo_bin("gdpr-audit"))
            .args([
                "scan",
                "--no-config",
                "--quiet",
                "--fail-on",
                "none",
                "-f",
                "json",
                "-o",
                out,
                file,
            ])
            .current_dir(d)
            .env("GDPR_AUDIT_KEY", "tty-test-key-0123456789")
            .status()
            .unwrap();
        assert!(status.success());
    };
    scan_json("empty.csv", "old.json");
    scan_json("notes.csv", "new.json");
    // Written to a file, the Markdown report keeps the name exact.
    let file = Command::new(assert_cmd::cargo::cargo_bin("gdpr-audit"))
        .args([
            "scan",
            "--no-config",
            "--quiet",
            "-f",
            "markdown",
            "-o",
            "report.md",
            "notes.csv",
        ])
        .current_dir(d)
        .env("GDPR_AUDIT_KEY", "tty-test-key-0123456789")
        .status()
        .unwrap();
    assert_eq!(file.code(), Some(1));
    let md = std::fs::read_to_string(d.join("report.md")).unwrap();
    assert!(
        md.contains("\u{1b}]0;pwned"),
        "the file lost the exact name"
    );
    let runs: [&[&str]; 3] = [
        &[
            "scan",
            "--no-config",
            "--quiet",
            "-f",
            "markdown",
            "notes.csv",
        ],
        &["scan", "--no-config", "--quiet", "-f", "csv", "notes.csv"],
        &["diff", "old.json", "new.json"],
    ];
    for args in runs {
        let Some(text) = on_a_terminal(d, args) else {
            return;
        };
        assert!(
            text.contains("]0;pwned"),
            "{args:?} did not show the name: {text}"
        );
        for raw in ["\u{1b}]0;", "\u{7}", "\u{202e}"] {
            assert!(
                !text.contains(raw),
                "{args:?} printed {raw:?} raw: {text:?}"
            );
        }
    }
}
