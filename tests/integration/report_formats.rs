//! The report formats (table, Markdown, HTML, CSV, SARIF): each renders from a scan
//! and from a saved JSON report, SARIF validates against the 2.1.0 schema, input
//! text is escaped or defused, `--lang sv` is Swedish, and no value leaks without
//! `--show-values`. Snapshots pin the table, Markdown and CSV of a fixed report.

use gdpr_audit::audit::{Report, Wording};
use gdpr_audit::i18n::Lang;
use gdpr_audit::render::{Format, RenderOptions};
use gdpr_audit::rules::{RuleSet, RuleSetBuilder};
use serde_json::{Value, json};
use std::path::Path;

/// A small rule set of our own, so results do not move when the bundled pack does.
const RULES: &str = r#"rules:
  - id: se.personnummer
    name: Swedish personal identity number
    description: A Swedish personnummer outside the field meant for it.
    category: national_id
    severity: high
    patterns: ['\b(?:19|20)?\d{6}[-+]?\d{4}\b']
    validator: se_personnummer
    article: Art. 87
    action: Remove the number from free text; keep it only in the protected id field.
  - id: contact.phone
    name: Phone number
    category: phone
    severity: low
    patterns: ['\b0\d{1,3}-\d{2,3} ?\d{2} ?\d{2}\b']
    columns: ['(?i)^(telefon|phone)$']
  - id: contact.email
    name: E-mail address
    category: email
    severity: low
    patterns: ['[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}']
    columns: ['(?i)^(e-?post|email)$']
  - id: health.sick
    name: Sick leave
    category: health
    severity: critical
    keywords: ['sjukskriv*']
    article: Art. 9
    action: Delete health information from CRM notes.
"#;

const CSV: &str = "namn;telefon;epost;anteckningar\n\
Anna Svensson;070-123 45 67;anna.svensson@example.se;Ring om avtalet\n\
Bo Ek;08-555 12 34;bo.ek@example.com;Pnr 19121212-1212, sjukskriven till maj\n\
Cecilia Berg;070-111 22 33;cecilia@example.org;mejla cecilia.privat@example.org eller 070-123 45 67\n";

const MBOX: &str = "From anna@example.se Mon Jan  6 10:00:00 2025\n\
From: Anna Svensson <anna.svensson@example.se>\n\
To: support@example.com\n\
Subject: Sjukskrivning\n\
Date: Mon, 6 Jan 2025 10:00:00 +0100\n\
Message-ID: <m1@example.se>\n\
\n\
Hej, jag är sjukskriven denna vecka. Mitt personnummer är 19121212-1212.\n\
Ring 070-123 45 67.\n\n";

/// Values planted in the fixture: none may appear in any format without --show-values.
const PLANTED: &[&str] = &[
    "19121212-1212",
    "070-123 45 67",
    "cecilia.privat@example.org",
    "anna.svensson@example.se",
    "sjukskriven",
    "Sjukskrivning",
];

const FORMATS: &[&str] = &["table", "markdown", "html", "csv", "sarif"];

fn bin() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("gdpr-audit").expect("binary built");
    c.env("GDPR_AUDIT_KEY", "test-key")
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    c
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("crm")).unwrap();
    std::fs::create_dir_all(dir.path().join("mail")).unwrap();
    std::fs::write(dir.path().join("crm/kontakter.csv"), CSV).unwrap();
    std::fs::write(dir.path().join("mail/inbox.mbox"), MBOX).unwrap();
    std::fs::write(dir.path().join("rules.yaml"), RULES).unwrap();
    dir
}

/// `scan crm mail` in `dir` with our rules; returns stdout.
fn scan(dir: &Path, extra: &[&str]) -> String {
    let out = bin()
        .current_dir(dir)
        .args([
            "scan",
            "crm",
            "mail",
            "--no-default-rules",
            "--rules",
            "rules.yaml",
        ])
        .args(["--fail-on", "none"])
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "scan {extra:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Scan to JSON, save it as `saved.json` in `dir`, and return it parsed.
fn save_json(dir: &Path) -> Value {
    let text = scan(dir, &["--format", "json"]);
    std::fs::write(dir.join("saved.json"), &text).unwrap();
    serde_json::from_str(&text).expect("json report")
}

fn report_cmd(dir: &Path, extra: &[&str]) -> String {
    let out = bin()
        .current_dir(dir)
        .args(["report", "saved.json"])
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "report {extra:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn every_format_renders_from_a_scan_and_from_a_saved_report() {
    let dir = fixture();
    let json = save_json(dir.path());
    assert!(
        !json["todo"].as_array().unwrap().is_empty(),
        "the fixture must give to-do items: {json}"
    );
    for f in FORMATS {
        let from_scan = scan(dir.path(), &["--format", f]);
        let from_saved = report_cmd(dir.path(), &["--format", f]);
        assert!(from_scan.len() > 100, "{f}: {from_scan}");
        assert!(from_saved.len() > 100, "{f}: {from_saved}");
        // Only SARIF depends on the rule metadata, which a saved report lacks.
        if *f != "sarif" {
            assert_eq!(from_scan, from_saved, "{f} differs between scan and report");
        }
    }
}

fn sarif_schema() -> Option<Value> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&p) else {
        println!("skipped: ../shared not present");
        return None;
    };
    Some(serde_json::from_str(&text).expect("schema is JSON"))
}

fn assert_valid_sarif(schema: &Value, text: &str) -> Value {
    let v: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let validator = jsonschema::validator_for(schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    v
}

#[test]
fn sarif_validates_and_points_at_rows_and_messages() {
    let Some(schema) = sarif_schema() else { return };
    let dir = fixture();
    let json = save_json(dir.path());
    for text in [
        scan(dir.path(), &["--format", "sarif"]),
        report_cmd(dir.path(), &["--format", "sarif"]),
        report_cmd(dir.path(), &["--format", "sarif", "--lang", "sv"]),
    ] {
        let v = assert_valid_sarif(&schema, &text);
        let run = &v["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
        for r in results {
            let loc = &r["locations"][0];
            let uri = loc["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(
                uri == "crm/kontakter.csv" || uri == "mail/inbox.mbox",
                "{uri}"
            );
            let fqn = loc["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap();
            assert!(fqn.contains("#row=") || fqn.contains("#message="), "{fqn}");
            assert!(r["partialFingerprints"]["gdprAuditFingerprint/v1"].is_string());
            let idx = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], r["ruleId"]);
        }
    }
    // Our rule's remediation and article reach the descriptor's help.
    let v: Value = serde_json::from_str(&scan(dir.path(), &["--format", "sarif"])).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let pnr = rules
        .iter()
        .find(|r| r["id"] == "se.personnummer")
        .expect("rule listed");
    let help = pnr["help"]["markdown"].as_str().unwrap();
    assert!(
        help.contains("protected id field") && help.contains("Art. 87"),
        "{help}"
    );
    assert_eq!(pnr["defaultConfiguration"]["level"], "error");
    assert_eq!(
        pnr["properties"]["tags"],
        json!(["privacy", "gdpr", "national_id"])
    );
}

#[test]
fn csv_has_a_header_and_one_row_per_todo_item() {
    let dir = fixture();
    let json = save_json(dir.path());
    let text = scan(dir.path(), &["--format", "csv"]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    assert_eq!(header.len(), 13);
    assert_eq!(&header[0], "ID");
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let todo = json["todo"].as_array().unwrap();
    assert_eq!(rows.len(), todo.len());
    for (row, item) in rows.iter().zip(todo) {
        assert_eq!(&row[0], item["id"].as_str().unwrap());
        assert_eq!(&row[1], item["priority"].as_str().unwrap());
        let records: Vec<String> = item["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(&row[10], records.join(" "));
    }
}

/// Rule metadata for the in-code reports.
fn rules() -> RuleSet {
    let mut b = RuleSetBuilder::new(false);
    b.add_text("test-rules.yaml", RULES);
    b.build().expect("test rules compile")
}

#[allow(clippy::too_many_arguments)]
fn csv_finding(
    rule: &str,
    cat: &str,
    sev: &str,
    conf: f64,
    path: &str,
    row: u64,
    col: &str,
    masked: &str,
) -> Value {
    json!({
        "rule": rule, "category": cat, "severity": sev, "confidence": conf, "path": path,
        "location": {"type": "csv", "row": row, "column": col, "start": 4, "end": 17},
        "redacted": masked, "fingerprint": format!("fp-{rule}-{row}-{col}"),
    })
}

fn mail_finding(rule: &str, cat: &str, sev: &str, message: u64, part: &str, masked: &str) -> Value {
    json!({
        "rule": rule, "category": cat, "severity": sev, "confidence": 0.85, "path": "mail/kundtjanst.mbox",
        "location": {"type": "email", "message": message, "message_id": format!("<m{message}@example.se>"),
                     "part": part, "line": 2, "start": 0, "end": 11},
        "redacted": masked, "fingerprint": format!("fp-{rule}-m{message}-{part}"),
        "message": {"date": "2025-03-04 09:12", "from": "e***@***.se", "subject": "S***** ** ****"},
    })
}

/// A fixed report: a CRM export deep in a directory tree and a mailbox.
fn fixed_report(lang: Lang) -> Report {
    let p = "exports/2025/q3/crm/kontakter.csv";
    let v = json!({
        "schema_version": 1,
        "tool": {"name": "gdpr-audit", "version": env!("CARGO_PKG_VERSION"), "rules_version": "2026.11.1"},
        "summary": {
            "files": 3, "bytes": 48213, "records": 150, "messages": 12, "findings": 12,
            "errors": [{"path": "exports/broken.csv", "error": "invalid UTF-8 in record 7"}],
            "warnings": [{"path": "mail/kundtjanst.mbox", "error": "message 9: attachment not scanned (application/pdf)"}],
            "skipped": [],
            "baseline": {"file": "gdpr-audit-baseline.json", "known": 10, "new": 12, "fixed": 2},
            "allowlist": [{"reason": "Demo account test data", "selector": "path=exports/demo/*.csv", "suppressed": 3}],
            "sources": [
                {"path": p, "kind": "csv", "bytes": 40000, "records": 150, "messages": 0, "encoding": "UTF-8", "delimiter": ";"},
                {"path": "mail/kundtjanst.mbox", "kind": "mbox", "bytes": 8213, "records": 0, "messages": 12}
            ]
        },
        "inventory": [
            {"path": p, "field": "personnummer", "kind": "structured", "categories": {"national_id": 150}, "values": 150},
            {"path": p, "field": "e-post", "kind": "structured", "categories": {"email": 150}, "values": 150},
            {"path": p, "field": "anteckningar", "kind": "free_text",
             "categories": {"national_id": 2, "health": 4, "phone": 1, "email": 2}, "values": 61},
            {"path": "mail/kundtjanst.mbox", "field": "header:from", "kind": "structured",
             "categories": {"email": 12, "person_name": 10}, "values": 12},
            {"path": "mail/kundtjanst.mbox", "field": "intyg.txt", "kind": "attachment", "categories": {},
             "values": 1, "content_type": "text/plain", "size": 512}
        ],
        "findings": [
            csv_finding("se.personnummer", "national_id", "high", 0.95, p, 3, "anteckningar", "########-####"),
            csv_finding("health.sick", "health", "critical", 0.8, p, 4, "anteckningar", "s**********"),
            csv_finding("contact.phone", "phone", "low", 0.6, p, 8, "anteckningar", "###-### ## ##"),
            csv_finding("contact.email", "email", "low", 0.7, p, 8, "anteckningar", "a***@***.se"),
            csv_finding("se.personnummer", "national_id", "high", 0.95, p, 17, "anteckningar", "######-####"),
            csv_finding("health.sick", "health", "critical", 0.8, p, 17, "anteckningar", "d*******"),
            csv_finding("health.sick", "health", "critical", 0.8, p, 21, "anteckningar", "s**********"),
            csv_finding("health.sick", "health", "critical", 0.8, p, 34, "anteckningar", "c*****"),
            csv_finding("contact.email", "email", "low", 0.7, p, 21, "anteckningar", "k***@***.com"),
            mail_finding("health.sick", "health", "critical", 3, "body", "s**********"),
            mail_finding("se.personnummer", "national_id", "high", 3, "attachment:intyg.txt", "########-####"),
            mail_finding("contact.phone", "phone", "low", 7, "body", "###-### ## ##"),
        ],
        "todo": [],
        "violations": [{
            "kind": "retention_expired", "path": p, "field": "senaste_köp",
            "records": ["1004", "1017"], "rows": [4, 17], "count": 2, "article": "Art. 5(1)(e)",
            "message": "2 records older than the 24 months kept (dates read as YYYY-MM-DD)"
        }]
    });
    let mut r: Report = serde_json::from_value(v).expect("fixed report");
    r.refresh_counts();
    let mut todo = gdpr_audit::todo::plan(&r, Some(&rules()), lang);
    todo.extend(gdpr_audit::policy::violations_to_todo(
        &r.violations,
        &r,
        lang,
    ));
    gdpr_audit::todo::sort_items(&mut todo);
    r.todo = todo;
    r
}

fn render(report: &Report, format: Format, lang: Lang) -> String {
    let rules = rules();
    let opts = RenderOptions {
        verbose: false,
        lang,
        color: false,
        width: 80,
        rules: &rules,
    };
    let mut out = Vec::new();
    gdpr_audit::render::render(report, format, &opts, &mut out).expect("renders");
    String::from_utf8(out).expect("utf-8")
}

fn version_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"gdpr-audit \d+\.\d+\.\d+\S*", "gdpr-audit [VERSION]"),
        (r"/tmp/\.tmp\w+", "[TMP]"),
    ]
}

#[test]
fn snapshot_table() {
    let text = render(&fixed_report(Lang::En), Format::Table, Lang::En);
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
    }
    assert!(
        text.contains("…/q3/crm/kontakter.csv"),
        "long paths are cut on the left:\n{text}"
    );
    insta::with_settings!({filters => version_filters()}, {
        insta::assert_snapshot!(text);
    });
}

#[test]
fn snapshot_markdown() {
    let text = render(&fixed_report(Lang::En), Format::Markdown, Lang::En);
    insta::with_settings!({filters => version_filters()}, {
        insta::assert_snapshot!(text);
    });
}

#[test]
fn snapshot_csv() {
    let text = render(&fixed_report(Lang::En), Format::Csv, Lang::En);
    insta::with_settings!({filters => version_filters()}, {
        insta::assert_snapshot!(text);
    });
}

#[test]
fn fixed_report_sarif_validates() {
    let Some(schema) = sarif_schema() else { return };
    let text = render(&fixed_report(Lang::En), Format::Sarif, Lang::En);
    let v = assert_valid_sarif(&schema, &text);
    let r = &v["runs"][0]["results"][0];
    assert_eq!(
        r["message"]["text"],
        "Swedish personal identity number in anteckningar (record 3)"
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "exports/2025/q3/crm/kontakter.csv#row=3/column=anteckningar"
    );
    let notes = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(
        notes.as_array().unwrap().len(),
        3,
        "the coverage verdict, errors and warnings are notifications"
    );
}

#[test]
fn csv_defuses_formulas_in_cells() {
    let mut report = fixed_report(Lang::En);
    let it = &mut report.todo[0];
    it.wording = Wording::Saved(Box::new((
        "=HYPERLINK(\"https://evil.example\",\"click\")".into(),
        "-1+1".into(),
    )));
    it.path = "+cmd|' /C calc'!A0".into();
    it.field = "@SUM(1+1)".into();
    let rules = rules();
    let opts = RenderOptions {
        verbose: false,
        lang: Lang::En,
        color: false,
        width: 80,
        rules: &rules,
    };
    let mut out = Vec::new();
    gdpr_audit::render::csv::render(&report, &opts, &mut out).unwrap();
    let mut r = csv::Reader::from_reader(out.as_slice());
    // Coverage rows (no to-do id) come first; the first to-do item follows.
    let row = r
        .records()
        .map(Result::unwrap)
        .find(|row| !row[0].is_empty())
        .unwrap();
    assert_eq!(&row[4], "'=HYPERLINK(\"https://evil.example\",\"click\")");
    assert_eq!(&row[7], "'+cmd|' /C calc'!A0");
    assert_eq!(&row[8], "'@SUM(1+1)");
    assert_eq!(&row[12], "'-1+1");
    assert!(!row[0].starts_with('\''), "ordinary cells are left alone");
}

const EVIL_FIELD: &str = "<script>alert(1)</script>|x";
const EVIL_PATH: &str = "crm/<img src=x onerror=alert(2)>`|.csv";

/// The fixed report with attacker-chosen path, field and error texts.
fn evil_report() -> Report {
    let mut r = fixed_report(Lang::En);
    let old = "exports/2025/q3/crm/kontakter.csv";
    let mut findings = r.findings.to_vec();
    for f in &mut findings {
        if f.path == old {
            f.path = EVIL_PATH.into();
            if let gdpr_audit::model::Location::Csv { column, .. } = &mut f.location {
                *column = EVIL_FIELD.into();
            }
            f.redacted = "<b>**</b>\n| x |".into();
        }
    }
    r.findings = gdpr_audit::store::FindingStore::from_vec(findings);
    for e in &mut r.inventory {
        if e.path == old {
            e.path = EVIL_PATH.into();
            e.field = EVIL_FIELD.into();
        }
    }
    r.summary.sources[0].path = EVIL_PATH.into();
    r.summary.errors[0].error = "bad <iframe src=javascript:alert(3)> [link](javascript:x)".into();
    r.violations[0].path = EVIL_PATH.into();
    r.violations[0].field = EVIL_FIELD.into();
    r.summary.allowlist[0].reason = "<script>alert(4)</script>".into();
    let mut todo = gdpr_audit::todo::plan(&r, Some(&rules()), Lang::En);
    todo.extend(gdpr_audit::policy::violations_to_todo(
        &r.violations,
        &r,
        Lang::En,
    ));
    r.todo = todo;
    r
}

#[test]
fn markdown_escapes_input_text() {
    let text = render(&evil_report(), Format::Markdown, Lang::En);
    for bad in ["<script", "<img", "<iframe", "<b>", "[link](javascript"] {
        assert!(!text.contains(bad), "{bad} unescaped in:\n{text}");
    }
    assert!(
        text.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\|x"),
        "{text}"
    );
    // Every row of a table has as many cell separators as its header.
    let mut expected = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            expected = None;
            continue;
        }
        let pipes = unescaped_pipes(line);
        match expected {
            None => expected = Some(pipes),
            Some(n) => assert_eq!(pipes, n, "a cell broke out of its row: {line}"),
        }
    }
}

/// Pipes not preceded by an odd number of backslashes (GFM cell separators).
fn unescaped_pipes(line: &str) -> usize {
    let mut n = 0;
    let mut backslashes = 0;
    for c in line.chars() {
        if c == '|' && backslashes % 2 == 0 {
            n += 1;
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    n
}

#[test]
fn html_escapes_input_text_and_is_self_contained() {
    let text = render(&evil_report(), Format::Html, Lang::En);
    for bad in ["<script>alert", "<img", "<iframe", "<b>**"] {
        assert!(!text.contains(bad), "{bad} unescaped");
    }
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;|x"));
    assert_eq!(
        text.matches("<script").count(),
        1,
        "only our own inline script"
    );
    assert!(text.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
    ));
    assert!(text.contains("<meta name=\"referrer\" content=\"no-referrer\">"));
    for id in [
        "<table id=\"todo\">",
        "<tr class=\"todo-row\" data-priority=\"P",
        "<svg id=\"chart-category\"",
        "<svg id=\"chart-source\"",
        "<table id=\"inventory\">",
    ] {
        assert!(text.contains(id), "missing {id}");
    }
    let clean = render(&fixed_report(Lang::En), Format::Html, Lang::En);
    assert!(
        !clean.contains("http://") && !clean.contains("https://"),
        "no URL at all"
    );
    for needle in ["src=", "href=", "url(", "@import"] {
        assert!(!clean.contains(needle), "{needle} would load something");
    }
}

#[test]
fn swedish_reports_have_swedish_headings() {
    let dir = fixture();
    save_json(dir.path());
    let md = scan(dir.path(), &["--format", "markdown", "--lang", "sv"]);
    assert!(
        md.contains("## Att göra") && md.contains("## Sammanfattning"),
        "{md}"
    );
    assert!(!md.contains("To-do list"));
    let html = report_cmd(dir.path(), &["--format", "html", "--lang", "sv"]);
    assert!(html.contains("<html lang=\"sv\">") && html.contains(">Att göra<"));
    assert!(html.contains("Fynd per kategori"));
    let table = report_cmd(dir.path(), &["--format", "table", "--lang", "sv"]);
    assert!(
        table.contains("Att göra") && table.contains("Åtgärd"),
        "{table}"
    );
    let csv = scan(dir.path(), &["--format", "csv", "--lang", "sv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("Prioritet") && header.contains("Åtgärd"),
        "{header}"
    );
    assert!(
        csv.contains("Ta bort") || csv.contains("Radera"),
        "titles in Swedish: {csv}"
    );
}

#[test]
fn no_value_leaks_without_show_values() {
    let dir = fixture();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for f in FORMATS {
        outputs.push((f.to_string(), scan(dir.path(), &["--format", f])));
        // The bundled pack too (with ours on top), whatever it finds.
        let out = bin()
            .current_dir(dir.path())
            .args([
                "scan",
                "crm",
                "mail",
                "--rules",
                "rules.yaml",
                "--fail-on",
                "none",
                "--format",
                f,
            ])
            .output()
            .unwrap();
        outputs.push((
            format!("{f} (bundled pack)"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ));
    }
    for (f, text) in &mut outputs {
        if f.starts_with("sarif") {
            // Rule descriptions quote made-up examples; only results must be clean.
            let mut v: Value = serde_json::from_str(text).expect("SARIF is JSON");
            v["runs"][0]["tool"] = Value::Null;
            *text = v.to_string();
        }
        for v in PLANTED {
            assert!(!text.contains(v), "{f} shows {v} without --show-values");
        }
    }
    // With --show-values the human formats show values; SARIF never does.
    let md = scan(dir.path(), &["--format", "markdown", "--show-values"]);
    assert!(md.contains("19121212-1212"), "{md}");
    let sarif = scan(dir.path(), &["--format", "sarif", "--show-values"]);
    for v in PLANTED {
        assert!(!sarif.contains(v), "SARIF shows {v}");
    }
}

#[test]
fn table_fits_narrow_terminals() {
    let report = fixed_report(Lang::Sv);
    let rules = rules();
    for width in [40u16, 60, 80, 120] {
        let opts = RenderOptions {
            verbose: false,
            lang: Lang::Sv,
            color: false,
            width,
            rules: &rules,
        };
        let mut out = Vec::new();
        gdpr_audit::render::table::render(&report, &opts, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for line in text.lines() {
            assert!(
                line.chars().count() <= width as usize,
                "wider than {width}: {line}"
            );
        }
    }
    // Colour only when asked for.
    let opts = RenderOptions {
        verbose: false,
        lang: Lang::En,
        color: true,
        width: 80,
        rules: &rules,
    };
    let mut out = Vec::new();
    gdpr_audit::render::table::render(&report, &opts, &mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("\x1b["));
    assert!(!render(&report, Format::Table, Lang::En).contains('\x1b'));
}
