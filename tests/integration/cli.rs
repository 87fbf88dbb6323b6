//! The binary as a user drives it: formats, exit codes, masking, bad input.

use crate::common::gdpr_audit;
use std::path::{Path, PathBuf};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Values planted in the fixtures below; none may appear without --show-values.
const PLANTED: &[&str] = &[
    "19121212-1212",
    "121212-1212",
    "070-123 45 67",
    "kalle.anka@example.se",
    "4111 1111 1111 1111",
    "Hemligt123!",
];

fn fixture_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("good.csv"),
        "id;namn;anteckningar\n1;Kalle;Personnummer 19121212-1212, ring 070-123 45 67\n2;Kajsa;mejla kalle.anka@example.se\n3;Musse;Kort 4111 1111 1111 1111, lösenord: Hemligt123!\n",
    )
    .expect("write");
    // A ragged record: the report names its number and scans it anyway.
    std::fs::write(
        dir.path().join("broken.csv"),
        "id,notes\n1,ok\n2,sjukskriven,extra,fields\n3,fine\n",
    )
    .expect("write");
    dir
}

fn json_of(args: &[&str], dir: &Path) -> (serde_json::Value, String, Option<i32>) {
    let out = gdpr_audit().args(args).arg(dir).output().expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn examples_scan_renders_table_and_fails_on_high() {
    let out = gdpr_audit()
        .args(["scan", "--format", "table"])
        .arg(examples())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kontakter.csv"), "{text}");
}

#[test]
fn report_validates_against_the_published_schema() {
    let (report, _, _) = json_of(&["scan", "--format", "json"], &examples());
    let schema_out = gdpr_audit().arg("schema").output().expect("runs");
    let schema: serde_json::Value =
        serde_json::from_slice(&schema_out.stdout).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(report["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert!(report["todo"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn malformed_csv_is_reported_with_its_record_and_the_rest_scanned() {
    let dir = fixture_dir();
    let (r, _, code) = json_of(&["scan", "--format", "json"], dir.path());
    assert_eq!(code, Some(1));
    let errors = r["summary"]["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|e| e["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("broken.csv"))
            && e["error"].as_str().is_some_and(|m| m.contains("record 2"))),
        "{errors:?}"
    );
    let findings = r["findings"].as_array().expect("findings");
    assert!(findings.iter().any(
        |f| f["path"].as_str().is_some_and(|p| p.ends_with("good.csv"))
            && f["category"] == "national_id"
    ));
    // The ragged record is still scanned.
    assert!(findings.iter().any(|f| {
        f["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("broken.csv"))
            && f["category"] == "health"
    }));
}

#[test]
fn no_value_leaks_without_show_values() {
    let dir = fixture_dir();
    for format in ["json", "table", "markdown", "html", "csv", "sarif"] {
        let out = gdpr_audit()
            .args(["scan", "--format", format])
            .arg(dir.path())
            .output()
            .expect("runs");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for v in PLANTED {
            assert!(!all.contains(v), "{format} output leaks {v}");
        }
    }
    let (r, stderr, _) = json_of(&["scan", "--format", "json", "--show-values"], dir.path());
    assert!(
        stderr.contains("--show-values"),
        "a warning is printed: {stderr}"
    );
    let values: Vec<&str> = r["findings"]
        .as_array()
        .expect("f")
        .iter()
        .filter_map(|f| f["value"].as_str())
        .collect();
    assert!(values.contains(&"19121212-1212"), "{values:?}");
}

#[test]
fn masked_identifier_reveals_only_its_shape() {
    let dir = fixture_dir();
    let (r, _, _) = json_of(&["scan", "--format", "json"], dir.path());
    let f = r["findings"]
        .as_array()
        .expect("f")
        .iter()
        .find(|f| f["category"] == "national_id")
        .expect("a national id");
    assert_eq!(f["redacted"], "########-####");
    assert!(f.get("value").is_none());
    let email = r["findings"]
        .as_array()
        .expect("f")
        .iter()
        .find(|f| f["category"] == "email")
        .expect("an email");
    assert_eq!(email["redacted"], "k***@***.se");
}

#[test]
fn fail_on_none_never_fails_and_min_confidence_filters() {
    let dir = fixture_dir();
    gdpr_audit()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(dir.path())
        .assert()
        .code(0);
    let (all, _, _) = json_of(&["scan", "--format", "json"], dir.path());
    let (few, _, _) = json_of(
        &["scan", "--format", "json", "--min-confidence", "0.95"],
        dir.path(),
    );
    let n = |r: &serde_json::Value| r["findings"].as_array().map(Vec::len).unwrap_or(0);
    assert!(n(&few) < n(&all));
    assert!(
        few["findings"]
            .as_array()
            .expect("f")
            .iter()
            .all(|f| f["confidence"].as_f64().unwrap_or(0.0) >= 0.95)
    );
}

#[test]
fn usage_errors_and_missing_input_exit_2() {
    gdpr_audit()
        .args(["scan", "--min-confidence", "3"])
        .arg(examples())
        .assert()
        .code(2);
    gdpr_audit()
        .args(["scan", "/nonexistent/path/for/gdpr-audit"])
        .assert()
        .code(2);
    gdpr_audit().args(["scan"]).assert().code(2);
}

#[test]
fn output_is_written_atomically_and_never_over_an_input() {
    let dir = fixture_dir();
    let out_file = dir.path().join("report.json");
    gdpr_audit()
        .args(["scan", "--format", "json", "--output"])
        .arg(&out_file)
        .arg(dir.path().join("good.csv"))
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&out_file).expect("written");
    assert!(text.starts_with('{'));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let input = dir.path().join("good.csv");
    let before = std::fs::read(&input).expect("read");
    gdpr_audit()
        .args(["scan", "--output"])
        .arg(&input)
        .arg(&input)
        .assert()
        .code(2);
    assert_eq!(before, std::fs::read(&input).expect("read"));
}

#[test]
fn rules_commands() {
    gdpr_audit().args(["rules", "test"]).assert().success();
    let list = gdpr_audit().args(["rules", "list"]).output().expect("runs");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("se.personnummer"), "{text}");
    let show = gdpr_audit()
        .args(["rules", "show", "se.personnummer"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&show.stdout).contains("se_personnummer"));
    gdpr_audit()
        .args(["rules", "show", "no.such.rule"])
        .assert()
        .code(2);
}

#[test]
fn a_bad_rule_file_is_an_error_naming_file_rule_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, "rules:\n  - id: my.rule\n    name: Mine\n    category: health\n    severity: high\n    patterns: ['(unclosed']\n").expect("write");
    let out = gdpr_audit()
        .args(["scan", "--rules"])
        .arg(&f)
        .arg(examples())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.yaml:6") && err.contains("my.rule") && err.contains("invalid pattern"),
        "{err}"
    );
    let failing = dir.path().join("failing.yaml");
    std::fs::write(&failing, "rules:\n  - id: my.rule\n    name: Mine\n    category: health\n    severity: high\n    keywords: [migrän]\n    examples: {match: ['huvudvärk'], no_match: []}\n").expect("write");
    let out = gdpr_audit()
        .args(["rules", "test"])
        .arg(&failing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL my.rule"));
}

#[test]
fn man_page_completions_and_version() {
    let v = gdpr_audit().arg("--version").output().expect("runs");
    assert!(String::from_utf8_lossy(&v.stdout).contains("rule pack"));
    let man = gdpr_audit().arg("man").output().expect("runs");
    assert!(String::from_utf8_lossy(&man.stdout).contains(".TH"));
    let comp = gdpr_audit()
        .args(["completions", "bash"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&comp.stdout).contains("gdpr-audit"));
}

#[test]
fn allowlist_entries_suppress_and_count_with_their_reason() {
    let dir = fixture_dir();
    let cfg = dir.path().join("policy.yaml");
    std::fs::write(
        &cfg,
        "allowlist:\n  - {path: \"good.csv\", category: email, reason: \"test addresses of our own staff\"}\n  - {rule: no.such.rule, reason: \"stale entry\"}\n",
    )
    .expect("write");
    let (r, _, _) = json_of(
        &[
            "scan",
            "--format",
            "json",
            "--config",
            cfg.to_str().expect("utf8"),
        ],
        dir.path(),
    );
    let findings = r["findings"].as_array().expect("findings");
    assert!(
        findings.iter().all(|f| f["category"] != "email"),
        "{findings:?}"
    );
    let uses = r["summary"]["allowlist"]
        .as_array()
        .expect("allowlist summary");
    assert_eq!(uses[0]["reason"], "test addresses of our own staff");
    assert_eq!(uses[0]["suppressed"], 1);
    assert_eq!(uses[1]["suppressed"], 0);
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "allowlist:\n  - {path: \"good.csv\"}\n").expect("write");
    let out = gdpr_audit()
        .args(["scan", "--config"])
        .arg(&bad)
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("reason"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
