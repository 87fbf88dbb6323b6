//! Acceptance against the shared synthetic corpus (needs `../shared`; skipped in a
//! user's clone, run in CI).

mod common;
use common::*;

#[test]
fn csv_exports_score_above_095_and_inventory_is_complete() {
    let Some((_dir, corpus)) = corpus(1) else {
        return;
    };
    let report = corpus.parent().expect("parent").join("csv.json");
    let out = gdpr_audit()
        .args(["scan", "--format", "json", "--show-values", "--output"])
        .arg(&report)
        .arg(corpus.join("crm"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings at or above high: exit 1; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = score(&report, &corpus, "csv");
    assert_scores(&m, 0.95);
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let deals = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with("deals.csv")))
        .count();
    assert_eq!(deals, 0, "deals.csv holds no personal data");
}

#[test]
fn mailboxes_score_above_095_and_headers_are_inventory() {
    let Some((_dir, corpus)) = corpus(1) else {
        return;
    };
    let report = corpus.parent().expect("parent").join("mail.json");
    gdpr_audit()
        .args(["scan", "--format", "json", "--show-values", "--output"])
        .arg(&report)
        .arg(corpus.join("mail"))
        .assert()
        .code(1);
    let m = score(&report, &corpus, "email");
    assert_scores(&m, 0.95);
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let header_findings = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["location"]["part"]
                .as_str()
                .is_some_and(|p| p.starts_with("header:"))
        })
        .count();
    assert_eq!(
        header_findings, 0,
        "address headers are inventory, not findings"
    );
}

#[test]
fn same_report_whatever_the_thread_count() {
    let Some((_dir, corpus)) = corpus(1) else {
        return;
    };
    let run = |threads: &str| {
        gdpr_audit()
            .args(["scan", "--format", "json", "--threads", threads])
            .arg(corpus.join("crm"))
            .arg(corpus.join("mail"))
            .output()
            .expect("runs")
            .stdout
    };
    let one = run("1");
    let two = run("2");
    assert!(!one.is_empty());
    assert!(
        one == two,
        "reports differ between --threads 1 and --threads 2"
    );
}
