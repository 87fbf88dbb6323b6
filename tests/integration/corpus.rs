//! Acceptance against the shared synthetic corpus (needs `../shared`; skipped in a
//! user's clone, run in CI).

use crate::common::*;

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
            f["location"]["part"].as_str().is_some_and(|p| {
                ["from", "to", "cc", "bcc", "reply-to", "sender"]
                    .iter()
                    .any(|h| p == format!("header:{h}"))
            })
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

#[test]
fn every_format_renders_and_every_finding_is_in_exactly_one_todo_item() {
    let Some((_dir, corpus)) = corpus(1) else {
        return;
    };
    let dir = corpus.parent().expect("parent").to_path_buf();
    let json = dir.join("all.json");
    gdpr_audit()
        .args(["scan", "--quiet", "--format", "json", "--output"])
        .arg(&json)
        .arg(corpus.join("crm"))
        .arg(corpus.join("mail"))
        .assert()
        .code(1);
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report")).expect("json");
    let findings = r["findings"].as_array().expect("findings").len() as u64;
    let todo = r["todo"].as_array().expect("todo");
    assert!(!todo.is_empty());
    let counted: u64 = todo
        .iter()
        .filter(|t| t.get("violation").is_none())
        .map(|t| t["count"].as_u64().expect("count"))
        .sum();
    assert_eq!(counted, findings, "to-do counts add up to the findings");
    for format in ["table", "markdown", "html", "csv", "sarif"] {
        let out = gdpr_audit()
            .args(["report", "--format", format])
            .arg(&json)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.len() > 1000, "{format} output is too short");
    }
}
