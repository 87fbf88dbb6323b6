//! Our own evaluation set (`tests/eval/`): hand-written CRM notes in five languages and
//! small CRM/ERP exports with real header styles. The binary scans them; findings are
//! matched to the labels and precision, recall and F1 are printed per category and per
//! language (run with `-- --nocapture`, or `scripts/eval.sh`). The thresholds in
//! `tests/eval/thresholds.json` are a ratchet: what the rules reach today, rounded down.
//! `EVAL_RATCHET=1` raises them to today's numbers (never lowers them);
//! `EVAL_VERBOSE=1` lists every missed label and every false finding.

mod exports;
mod notes;

use crate::common::*;
use exports::{ExportScore, score_exports};
use notes::{Note, load_notes, note_rows, score_notes, write_notes_csv};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The categories a label may name; `person_name` is not labelled in notes (see README).
const CATEGORIES: [&str; 18] = [
    "email",
    "phone",
    "national_id",
    "payment_card",
    "bank_account",
    "ip_address",
    "date_of_birth",
    "postal_address",
    "credential",
    "health",
    "religion",
    "ethnicity",
    "political",
    "trade_union",
    "sex_life",
    "biometric",
    "genetic",
    "criminal",
];
const SPECIAL: [&str; 9] = [
    "health",
    "religion",
    "ethnicity",
    "political",
    "trade_union",
    "sex_life",
    "biometric",
    "genetic",
    "criminal",
];
const LANGS: [&str; 5] = ["sv", "en", "no", "da", "fi"];
const NOTE_COLUMN: &str = "note";

fn eval_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval")
}

fn scan(paths: &[&Path], extra: &[&str]) -> Value {
    let out = gdpr_audit()
        .args(["scan", "--no-config", "--quiet", "--fail-on", "none"])
        .args(["--format", "json", "--show-values"])
        .args(extra)
        .args(paths)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn file_stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Counts for one row of the table.
#[derive(Default, Clone, Copy)]
struct Counts {
    labels: usize,
    found: usize,
    findings: usize,
    true_findings: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.labels += o.labels;
        self.found += o.found;
        self.findings += o.findings;
        self.true_findings += o.true_findings;
    }
    fn precision(self) -> f64 {
        ratio(self.true_findings, self.findings)
    }
    fn recall(self) -> f64 {
        ratio(self.found, self.labels)
    }
    fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn is_empty(self) -> bool {
        self.labels == 0 && self.findings == 0
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn floor2(x: f64) -> f64 {
    (x * 100.0 + 1e-9).floor() / 100.0
}

fn print_table(rows: &[(String, Counts)], exports: &BTreeMap<String, ExportScore>) {
    println!("\nevaluation set (tests/eval), today's rules:");
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "notes", "labels", "found", "finds", "P", "R", "F1"
    );
    for (name, c) in rows {
        println!(
            "{:<26} {:>6} {:>6} {:>6} {:>6.3} {:>6.3} {:>6.3}",
            name,
            c.labels,
            c.found,
            c.findings,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    println!(
        "\n{:<36} {:>18} {:>24}",
        "exports", "personal: right", "not personal: left out"
    );
    let mut total = ExportScore::default();
    let line = |name: &str, s: ExportScore| {
        println!(
            "{:<36} {:>4}/{:<3} = {:.3} {:>10}/{:<3} = {:.3}",
            name,
            s.personal_right,
            s.personal,
            ratio(s.personal_right, s.personal),
            s.clean,
            s.not_personal,
            ratio(s.clean, s.not_personal)
        )
    };
    for (name, s) in exports {
        line(name, *s);
        total.add(*s);
    }
    line("all exports", total);
}

/// Every measured number, named as in `thresholds.json`.
fn measured(
    rows: &[(String, Counts)],
    exports: &BTreeMap<String, ExportScore>,
) -> BTreeMap<String, f64> {
    let mut m = BTreeMap::new();
    let mut total = ExportScore::default();
    exports.values().for_each(|s| total.add(*s));
    let exports = total;
    for (name, c) in rows {
        m.insert(format!("{name}/precision"), c.precision());
        m.insert(format!("{name}/recall"), c.recall());
        m.insert(format!("{name}/f1"), c.f1());
    }
    let personal = ratio(exports.personal_right, exports.personal);
    m.insert("exports/personal_right_category".into(), personal);
    let clean = ratio(exports.clean, exports.not_personal);
    m.insert("exports/not_personal_clean".into(), clean);
    m
}

/// Compare with the ratchet; with `EVAL_RATCHET=1`, raise it to today's floors.
fn check_thresholds(measured: &BTreeMap<String, f64>) {
    let path = eval_dir().join("thresholds.json");
    let mut thresholds: BTreeMap<String, f64> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("thresholds.json"))
            .expect("thresholds json");
    let mut below = Vec::new();
    let mut above = Vec::new();
    for (k, &v) in measured {
        let t = thresholds.get(k).copied().unwrap_or(0.0);
        if v + 1e-9 < t {
            below.push(format!("  {k}: {v:.3} < threshold {t:.2}"));
        } else if floor2(v) > t {
            above.push(format!("  {k}: {t:.2} -> {:.2}", floor2(v)));
        }
    }
    if !above.is_empty() {
        println!("better than the ratchet (EVAL_RATCHET=1 raises it):");
        println!("{}", above.join("\n"));
    }
    if std::env::var_os("EVAL_RATCHET").is_some() && below.is_empty() {
        for (k, &v) in measured {
            let t = thresholds.entry(k.clone()).or_insert(0.0);
            *t = t.max(floor2(v));
        }
        let json = serde_json::to_string_pretty(&thresholds).expect("json");
        std::fs::write(&path, json + "\n").expect("write thresholds");
    }
    assert!(below.is_empty(), "below the ratchet:\n{}", below.join("\n"));
}

#[test]
fn evaluation_set_reaches_its_thresholds() {
    let notes: BTreeMap<&str, Vec<Note>> = LANGS.iter().map(|&l| (l, load_notes(l))).collect();
    let total: usize = notes.values().map(Vec::len).sum();
    assert!(total >= 600, "at least 600 notes, found {total}");
    let dir = tempfile::tempdir().expect("tempdir");
    for (lang, list) in &notes {
        assert!(list.len() >= 100, "{lang}: at least 100 notes");
        write_notes_csv(dir.path(), lang, list);
    }
    let notes_report = scan(&[dir.path()], &["--delimiter", ","]);
    let mut log = Vec::new();
    let by_lang = score_notes(&notes, &notes_report, &mut log);
    let rows = note_rows(&by_lang);

    let mut exports: Vec<PathBuf> = std::fs::read_dir(eval_dir().join("exports"))
        .expect("exports dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    exports.sort();
    assert!(exports.len() >= 10, "at least ten exports");
    let export_paths: Vec<&Path> = exports.iter().map(PathBuf::as_path).collect();
    let exports_report = scan(&export_paths, &[]);
    let export_scores = score_exports(&exports_report, &exports, &mut log);

    print_table(&rows, &export_scores);
    if std::env::var_os("EVAL_VERBOSE").is_some() {
        println!("misses and false findings:\n{}", log.join("\n"));
    }
    check_thresholds(&measured(&rows, &export_scores));
}
