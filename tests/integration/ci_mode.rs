//! CI mode against the shared corpus: thresholds, keyed baselines, diff, and that no
//! labelled value reaches a baseline, SARIF or diff output (needs `../shared`).

use crate::common::*;
use std::path::Path;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn fingerprints(report: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fp").to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn baseline_gate_catches_exactly_one_new_personnummer() {
    let Some((dir, corpus)) = corpus(1) else {
        return;
    };
    let data = dir.path().join("data");
    copy_tree(&corpus.join("crm"), &data);
    gdpr_audit()
        .args(["scan", "--quiet", "--format", "json", "--fail-on", "high"])
        .arg(&data)
        .assert()
        .code(1);
    let baseline = dir.path().join("baseline.json");
    gdpr_audit()
        .args(["baseline", "--quiet", "--output"])
        .arg(&baseline)
        .arg(&data)
        .assert()
        .success();
    let out = gdpr_audit()
        .args(["scan", "--format", "json", "--baseline"])
        .arg(&baseline)
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("0 new"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let contacts = data.join("contacts.csv");
    let mut text = std::fs::read(&contacts).expect("read");
    text.extend_from_slice(
        "99999;;;;;;;;;;;;;;Kunden uppgav personnummer 19121212-1212 i telefon.\r\n".as_bytes(),
    );
    std::fs::write(&contacts, text).expect("write");
    let out = gdpr_audit()
        .args(["scan", "--format", "json", "--baseline"])
        .arg(&baseline)
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = r["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["category"], "national_id");
    assert_eq!(findings[0]["location"]["row"], 2201);
    let todo = r["todo"].as_array().expect("todo");
    assert!(
        todo.iter().any(|t| t["category"] == "national_id"
            && t["records"]
                .as_array()
                .is_some_and(|rs| rs.contains(&serde_json::json!(2201)))),
        "{todo:?}"
    );
}

#[test]
fn no_labelled_value_in_baseline_sarif_or_diff() {
    let Some((dir, corpus)) = corpus(1) else {
        return;
    };
    let base = dir.path().join("b.json");
    let sarif = dir.path().join("r.sarif");
    let r1 = dir.path().join("r1.json");
    let r2 = dir.path().join("r2.json");
    let inputs = [corpus.join("crm"), corpus.join("mail")];
    gdpr_audit()
        .args(["baseline", "--quiet", "--output"])
        .arg(&base)
        .args(&inputs)
        .assert()
        .success();
    gdpr_audit()
        .args(["scan", "--quiet", "--format", "sarif", "--output"])
        .arg(&sarif)
        .args(&inputs)
        .assert()
        .code(1);
    gdpr_audit()
        .args(["scan", "--quiet", "--format", "json", "--output"])
        .arg(&r1)
        .args(&inputs)
        .assert()
        .code(1);
    gdpr_audit()
        .args([
            "scan",
            "--quiet",
            "--format",
            "json",
            "--threads",
            "1",
            "--output",
        ])
        .arg(&r2)
        .args(&inputs)
        .assert()
        .code(1);
    let mut outputs = vec![
        std::fs::read_to_string(&base).expect("b"),
        std::fs::read_to_string(&sarif).expect("s"),
    ];
    for format in ["table", "json", "markdown"] {
        let d = gdpr_audit()
            .args(["diff", "--format", format])
            .arg(&r1)
            .arg(&r2)
            .output()
            .expect("runs");
        assert_eq!(
            d.status.code(),
            Some(0),
            "nothing new between two reports of the same data"
        );
        outputs.push(String::from_utf8_lossy(&d.stdout).into_owned());
    }
    let diff: serde_json::Value = serde_json::from_slice(
        &gdpr_audit()
            .args(["diff", "--format", "json"])
            .arg(&r1)
            .arg(&r2)
            .output()
            .expect("runs")
            .stdout,
    )
    .expect("json");
    assert_eq!(diff["totals"]["new"], 0);
    assert_eq!(diff["totals"]["fixed"], 0);
    let labels = std::fs::read_to_string(corpus.join("labels.jsonl")).expect("labels");
    // The tool's own vocabulary: special-category labels are trigger words
    // ("fingerprint", "Pingstkyrkan") that also name rules and JSON keys. They are
    // not data about anyone; every identifier, address and phrase is checked.
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut vocabulary = String::from("fingerprint");
    // Rule files only: rules/vocabulary/ holds column headers and people's names,
    // which are data this test must keep checking.
    for e in std::fs::read_dir(&rules_dir)
        .expect("rules")
        .flatten()
        .filter(|e| e.path().is_file())
    {
        vocabulary.push_str(
            &std::fs::read_to_string(e.path())
                .expect("rule file")
                .to_lowercase(),
        );
    }
    let mut checked = 0;
    for line in labels.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("label");
        let value = v["value"].as_str().expect("value");
        if value.chars().count() < 4 || vocabulary.contains(&value.to_lowercase()) {
            continue;
        }
        checked += 1;
        for (i, out) in outputs.iter().enumerate() {
            assert!(
                !out.contains(value),
                "output {i} contains the labelled value {value}"
            );
        }
    }
    assert!(checked > 1000, "checked {checked} values");
}

#[test]
fn fingerprints_survive_shuffled_rows_and_thread_counts() {
    let Some((dir, corpus)) = corpus(1) else {
        return;
    };
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    copy_tree(&corpus.join("crm"), &a);
    copy_tree(&corpus.join("crm"), &b);
    for name in ["contacts.csv", "activities.csv"] {
        let text = std::fs::read_to_string(b.join(name)).expect("read");
        let sep = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut lines: Vec<&str> = text.split(sep).filter(|l| !l.is_empty()).collect();
        let header = lines.remove(0);
        lines.reverse();
        let third = lines.len() / 3;
        lines.rotate_left(third);
        std::fs::write(
            b.join(name),
            format!("{header}{sep}{}{sep}", lines.join(sep)),
        )
        .expect("write");
    }
    let run = |dir: &Path, threads: &str| -> serde_json::Value {
        let out = gdpr_audit()
            .args(["scan", "--quiet", "--format", "json", "--threads", threads])
            .arg(dir)
            .output()
            .expect("runs");
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let fa = fingerprints(&run(&a, "1"));
    let fb = fingerprints(&run(&b, "2"));
    assert!(!fa.is_empty());
    assert_eq!(fa, fb);
}
