//! The exports: each CSV's expectation file against the report's inventory.

use super::{CATEGORIES, file_stem};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Expect {
    personal: BTreeMap<String, String>,
    not_personal: Vec<String>,
    /// Free-text columns: scored by the notes, not here.
    #[serde(default)]
    free_text: Vec<String>,
}

/// One export's (or all exports') column counts.
#[derive(Default, Clone, Copy)]
pub(super) struct ExportScore {
    /// Personal columns inventoried with the expected category as their main one.
    pub(super) personal_right: usize,
    pub(super) personal: usize,
    /// Non-personal columns the inventory leaves out.
    pub(super) clean: usize,
    pub(super) not_personal: usize,
}

impl ExportScore {
    pub(super) fn add(&mut self, o: ExportScore) {
        self.personal_right += o.personal_right;
        self.personal += o.personal;
        self.clean += o.clean;
        self.not_personal += o.not_personal;
    }
}

/// The header row, split on the first of `;`, tab or `,` that it holds (the exports
/// quote no header that contains a delimiter).
fn csv_headers(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("export");
    let first = text.lines().next().unwrap_or_default();
    let first = first.trim_start_matches('\u{feff}');
    let delim = [';', '\t', ',']
        .into_iter()
        .find(|d| first.contains(*d))
        .unwrap_or(',');
    first
        .split(delim)
        .map(|h| h.trim().trim_matches('"').to_string())
        .collect()
}

/// The expectation file, checked: every header in exactly one list, known categories.
fn load_expect(csv: &Path, name: &str) -> Expect {
    let path = csv.with_extension("expect.json");
    let text = std::fs::read_to_string(&path).expect("expect file");
    let expect: Expect =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}.expect.json: {e}"));
    let listed: Vec<&String> = expect
        .personal
        .keys()
        .chain(&expect.not_personal)
        .chain(&expect.free_text)
        .collect();
    let unique: BTreeSet<&String> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "{name}: a header listed twice");
    let headers = csv_headers(csv);
    assert_eq!(
        headers.iter().collect::<BTreeSet<_>>(),
        unique,
        "{name}: the expect file must list every header of the CSV, and only those"
    );
    for want in expect.personal.values() {
        assert!(
            CATEGORIES.contains(&want.as_str()) || want == "person_name",
            "{name}: unknown category {want}"
        );
    }
    expect
}

/// Inventory entries by (file stem, column): category counts.
type Inventory = BTreeMap<(String, String), BTreeMap<String, u64>>;

fn inventory(report: &Value) -> Inventory {
    let mut inv = Inventory::new();
    for e in report["inventory"].as_array().expect("inventory") {
        let key = (
            file_stem(e["path"].as_str().unwrap_or_default()),
            e["field"].as_str().unwrap_or_default().to_string(),
        );
        let cats = e["categories"].as_object().expect("categories");
        let cats = cats
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)));
        inv.insert(key, cats.collect());
    }
    inv
}

/// Score every export; misses go to `log`.
pub(super) fn score_exports(
    report: &Value,
    exports: &[PathBuf],
    log: &mut Vec<String>,
) -> BTreeMap<String, ExportScore> {
    let inv = inventory(report);
    let mut scores = BTreeMap::new();
    for csv in exports {
        let name = file_stem(&csv.to_string_lossy());
        let expect = load_expect(csv, &name);
        let mut s = ExportScore::default();
        for (h, want) in &expect.personal {
            s.personal += 1;
            let got = inv.get(&(name.clone(), h.clone()));
            let top = got.and_then(|c| c.iter().max_by_key(|(_, n)| **n).map(|(k, _)| k));
            if top == Some(want) {
                s.personal_right += 1;
            } else {
                log.push(format!("  export {name}: {h:?} wanted {want}, got {top:?}"));
            }
        }
        for h in &expect.not_personal {
            s.not_personal += 1;
            match inv.get(&(name.clone(), h.clone())) {
                None => s.clean += 1,
                Some(c) => log.push(format!("  export {name}: {h:?} not personal, got {c:?}")),
            }
        }
        scores.insert(name, s);
    }
    scores
}
