//! Our own evaluation set (`tests/eval/`): hand-written CRM notes in five languages and
//! small CRM/ERP exports with real header styles. The binary scans them; findings are
//! matched to the labels and precision, recall and F1 are printed per category and per
//! language (run with `-- --nocapture`, or `scripts/eval.sh`). The thresholds in
//! `tests/eval/thresholds.json` are a ratchet: what the rules reach today, rounded down.
//! `EVAL_RATCHET=1` raises them to today's numbers (never lowers them);
//! `EVAL_VERBOSE=1` lists every missed label and every false finding.

use crate::common::*;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
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

#[derive(Deserialize)]
struct Label {
    category: String,
    span: String,
}

#[derive(Deserialize)]
struct Note {
    id: String,
    lang: String,
    text: String,
    labels: Vec<Label>,
}

/// A labelled span as character offsets: every occurrence of the label's text.
struct LabelSpans {
    category: String,
    span: String,
    occurrences: Vec<(usize, usize)>,
}

fn char_occurrences(text: &str, span: &str) -> Vec<(usize, usize)> {
    let len = span.chars().count();
    text.match_indices(span)
        .map(|(b, _)| {
            let start = text[..b].chars().count();
            (start, start + len)
        })
        .collect()
}

/// Load one language's notes, checking the file itself: ids unique and prefixed by
/// the language, known categories, every span present in its text.
fn load_notes(lang: &str) -> Vec<Note> {
    let path = eval_dir().join("notes").join(format!("{lang}.jsonl"));
    let text = std::fs::read_to_string(&path).expect("notes file");
    let mut ids = BTreeSet::new();
    let mut notes = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let n: Note = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
        assert_eq!(n.lang, lang, "{}: wrong lang", n.id);
        assert!(n.id.starts_with(&format!("{lang}-")), "{}: id prefix", n.id);
        assert!(ids.insert(n.id.clone()), "{}: duplicate id", n.id);
        assert!(!n.text.contains(['\n', '\r']), "{}: one line", n.id);
        for l in &n.labels {
            assert!(
                CATEGORIES.contains(&l.category.as_str()),
                "{}: unknown category {}",
                n.id,
                l.category
            );
            assert!(
                n.text.contains(&l.span),
                "{}: span {:?} not in text",
                n.id,
                l.span
            );
        }
        notes.push(n);
    }
    notes
}

fn write_notes_csv(dir: &Path, lang: &str, notes: &[Note]) {
    let mut csv = format!("{NOTE_COLUMN}\n");
    for n in notes {
        csv.push('"');
        csv.push_str(&n.text.replace('"', "\"\""));
        csv.push_str("\"\n");
    }
    std::fs::write(dir.join(format!("{lang}.csv")), csv).expect("write notes csv");
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

/// A finding in a note: its category and character span.
struct Hit {
    category: String,
    start: usize,
    end: usize,
    value: String,
}

/// Findings of the notes scan by (language, 0-based note index).
fn hits_by_note(report: &Value) -> BTreeMap<(String, usize), Vec<Hit>> {
    let mut map: BTreeMap<(String, usize), Vec<Hit>> = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        let loc = &f["location"];
        if loc["column"].as_str() != Some(NOTE_COLUMN) {
            continue;
        }
        let lang = file_stem(f["path"].as_str().unwrap_or_default());
        let row = loc["row"].as_u64().expect("row") as usize;
        map.entry((lang, row - 1)).or_default().push(Hit {
            category: f["category"].as_str().unwrap_or_default().to_string(),
            start: loc["start"].as_u64().unwrap_or(0) as usize,
            end: loc["end"].as_u64().unwrap_or(0) as usize,
            value: f["value"].as_str().unwrap_or_default().to_string(),
        });
    }
    map
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Score one note: counts per category, and the misses and false findings for the log.
fn score_note(
    note: &Note,
    hits: &[Hit],
    counts: &mut BTreeMap<String, Counts>,
    log: &mut Vec<String>,
) {
    let labels: Vec<LabelSpans> = note
        .labels
        .iter()
        .map(|l| LabelSpans {
            category: l.category.clone(),
            span: l.span.clone(),
            occurrences: char_occurrences(&note.text, &l.span),
        })
        .collect();
    for l in &labels {
        let c = counts.entry(l.category.clone()).or_default();
        c.labels += 1;
        let found = hits.iter().any(|h| {
            h.category == l.category && l.occurrences.iter().any(|&o| overlaps(o, (h.start, h.end)))
        });
        if found {
            c.found += 1;
        } else {
            log.push(format!("  miss  {} {}: {:?}", note.id, l.category, l.span));
        }
    }
    for h in hits.iter().filter(|h| h.category != "person_name") {
        let c = counts.entry(h.category.clone()).or_default();
        c.findings += 1;
        let true_hit = labels.iter().any(|l| {
            l.category == h.category && l.occurrences.iter().any(|&o| overlaps(o, (h.start, h.end)))
        });
        if true_hit {
            c.true_findings += 1;
        } else {
            log.push(format!("  false {} {}: {:?}", note.id, h.category, h.value));
        }
    }
}

/// Per-language, per-category counts over the whole note set.
fn score_notes(
    notes: &BTreeMap<&str, Vec<Note>>,
    report: &Value,
    log: &mut Vec<String>,
) -> BTreeMap<String, BTreeMap<String, Counts>> {
    let hits = hits_by_note(report);
    let mut by_lang = BTreeMap::new();
    for (lang, list) in notes {
        let mut counts = BTreeMap::new();
        for (i, note) in list.iter().enumerate() {
            let h = hits.get(&(lang.to_string(), i)).map_or(&[][..], |v| &v[..]);
            score_note(note, h, &mut counts, log);
        }
        by_lang.insert(lang.to_string(), counts);
    }
    by_lang
}

/// The table's rows, named as in `thresholds.json`.
fn note_rows(by_lang: &BTreeMap<String, BTreeMap<String, Counts>>) -> Vec<(String, Counts)> {
    let sum = |langs: &[&str], cats: &[&str]| {
        let mut c = Counts::default();
        for l in langs {
            for cat in cats {
                if let Some(x) = by_lang.get(*l).and_then(|m| m.get(*cat)) {
                    c.add(*x);
                }
            }
        }
        c
    };
    let ordinary: Vec<&str> = CATEGORIES
        .iter()
        .copied()
        .filter(|c| !SPECIAL.contains(c))
        .collect();
    let mut rows = Vec::new();
    for cat in CATEGORIES {
        rows.push((format!("category/{cat}"), sum(&LANGS, &[cat])));
    }
    for lang in LANGS {
        rows.push((format!("language/{lang}"), sum(&[lang], &CATEGORIES)));
    }
    for lang in LANGS {
        rows.push((format!("special/{lang}"), sum(&[lang], &SPECIAL)));
    }
    for lang in LANGS {
        rows.push((format!("ordinary/{lang}"), sum(&[lang], &ordinary)));
    }
    rows.push(("overall/special".into(), sum(&LANGS, &SPECIAL)));
    rows.push(("overall/ordinary".into(), sum(&LANGS, &ordinary)));
    rows.push(("overall/all".into(), sum(&LANGS, &CATEGORIES)));
    rows.into_iter().filter(|(_, c)| !c.is_empty()).collect()
}

#[derive(Deserialize)]
struct Expect {
    personal: BTreeMap<String, String>,
    not_personal: Vec<String>,
    /// Free-text columns: scored by the notes, not here.
    #[serde(default)]
    free_text: Vec<String>,
}

/// Export scores: (personal columns right, personal total, clean non-personal, total).
#[derive(Default)]
struct ExportScore {
    personal_right: usize,
    personal: usize,
    clean: usize,
    not_personal: usize,
}

fn csv_headers(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("export");
    let first = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches('\u{feff}');
    let delim = [';', '\t', ',']
        .into_iter()
        .find(|d| first.contains(*d))
        .unwrap_or(',');
    first
        .split(delim)
        .map(|h| h.trim().trim_matches('"').to_string())
        .collect()
}

fn score_exports(report: &Value, exports: &[PathBuf], log: &mut Vec<String>) -> ExportScore {
    let mut inventory: BTreeMap<(String, String), BTreeMap<String, u64>> = BTreeMap::new();
    for e in report["inventory"].as_array().expect("inventory") {
        let key = (
            file_stem(e["path"].as_str().unwrap_or_default()),
            e["field"].as_str().unwrap_or_default().to_string(),
        );
        let cats = e["categories"].as_object().expect("categories");
        let cats = cats
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)));
        inventory.insert(key, cats.collect());
    }
    let mut s = ExportScore::default();
    for csv in exports {
        let name = file_stem(&csv.to_string_lossy());
        let expect: Expect = serde_json::from_str(
            &std::fs::read_to_string(csv.with_extension("expect.json")).expect("expect file"),
        )
        .unwrap_or_else(|e| panic!("{name}.expect.json: {e}"));
        let headers = csv_headers(csv);
        let listed: BTreeSet<&String> = expect
            .personal
            .keys()
            .chain(&expect.not_personal)
            .chain(&expect.free_text)
            .collect();
        for h in &headers {
            assert!(
                listed.contains(h),
                "{name}: header {h:?} not in its expect file"
            );
        }
        for h in &listed {
            assert!(
                headers.contains(h),
                "{name}: expected header {h:?} not in the CSV"
            );
        }
        for (h, want) in &expect.personal {
            assert!(CATEGORIES.contains(&want.as_str()) || want == "person_name");
            s.personal += 1;
            let got = inventory.get(&(name.clone(), h.clone()));
            let top = got.and_then(|c| c.iter().max_by_key(|(_, n)| **n).map(|(k, _)| k));
            if top == Some(want) {
                s.personal_right += 1;
            } else {
                log.push(format!("  export {name}: {h:?} wanted {want}, got {top:?}"));
            }
        }
        for h in &expect.not_personal {
            s.not_personal += 1;
            match inventory.get(&(name.clone(), h.clone())) {
                None => s.clean += 1,
                Some(c) => log.push(format!("  export {name}: {h:?} not personal, got {c:?}")),
            }
        }
    }
    s
}

fn floor2(x: f64) -> f64 {
    (x * 100.0 + 1e-9).floor() / 100.0
}

fn print_table(rows: &[(String, Counts)], exports: &ExportScore) {
    println!("\nevaluation set (tests/eval), today's rules:");
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "row", "labels", "found", "finds", "P", "R", "F1"
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
        "exports: personal columns with the right category {}/{} = {:.3}; \
         non-personal columns not inventoried {}/{} = {:.3}",
        exports.personal_right,
        exports.personal,
        ratio(exports.personal_right, exports.personal),
        exports.clean,
        exports.not_personal,
        ratio(exports.clean, exports.not_personal)
    );
}

/// Every measured number, named as in `thresholds.json`.
fn measured(rows: &[(String, Counts)], exports: &ExportScore) -> BTreeMap<String, f64> {
    let mut m = BTreeMap::new();
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
    let export_score = score_exports(&exports_report, &exports, &mut log);

    print_table(&rows, &export_score);
    if std::env::var_os("EVAL_VERBOSE").is_some() {
        println!("misses and false findings:\n{}", log.join("\n"));
    }
    check_thresholds(&measured(&rows, &export_score));
}
