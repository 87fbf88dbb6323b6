//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary under test, with a fixed fingerprint key so reports are stable.
pub fn gdpr_audit() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("gdpr-audit").expect("binary built");
    c.env("GDPR_AUDIT_KEY", "integration-test-key")
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    c
}

/// `../shared` beside the repository: present in CI, absent in a user's clone.
pub fn shared_dir() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.join("corpus/gen_corpus.py").exists().then_some(p)
}

/// Generate the shared synthetic corpus at `scale` into a new temp dir, or None
/// (with a note) when `../shared` is not there.
pub fn corpus(scale: u32) -> Option<(tempfile::TempDir, PathBuf)> {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared is not present (it is in CI)");
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("corpus");
    let status = Command::new("python3")
        .arg(shared.join("corpus/gen_corpus.py"))
        .arg(&out)
        .args(["--scale", &scale.to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        status.status.success(),
        "gen_corpus failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    Some((dir, out))
}

/// Run score.py on a report and return its metrics JSON.
pub fn score(report: &Path, corpus: &Path, only: &str) -> serde_json::Value {
    let shared = shared_dir().expect("shared");
    let metrics = report.with_extension("metrics.json");
    let out = Command::new("python3")
        .arg(shared.join("corpus/score.py"))
        .arg(report)
        .arg("--labels")
        .arg(corpus.join("labels.jsonl"))
        .args(["--only", only])
        .arg("--inventory")
        .arg(corpus.join("inventory.jsonl"))
        .arg("--json")
        .arg(&metrics)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    serde_json::from_str(&std::fs::read_to_string(&metrics).expect("metrics"))
        .expect("metrics json")
}

/// Every category present must reach `min` precision and recall.
pub fn assert_scores(m: &serde_json::Value, min: f64) {
    let cats = m["categories"].as_object().expect("categories");
    let mut bad = Vec::new();
    for (cat, v) in cats {
        let labels = v["labels"].as_u64().unwrap_or(0);
        let findings = v["findings"].as_u64().unwrap_or(0);
        if labels == 0 && findings == 0 {
            continue;
        }
        let p = v["precision"].as_f64().unwrap_or(0.0);
        let r = v["recall"].as_f64().unwrap_or(0.0);
        if p < min || r < min {
            bad.push(format!(
                "{cat}: precision {p:.3} recall {r:.3} (labels {labels}, findings {findings})"
            ));
        }
    }
    assert!(bad.is_empty(), "below {min}:\n{}", bad.join("\n"));
    let missing = m["inventory"]["missing"]
        .as_array()
        .map(|a| a.len())
        .unwrap_or(0);
    assert_eq!(
        missing, 0,
        "inventory lines missing: {}",
        m["inventory"]["missing"]
    );
}
