//! The notes: loading and checking the JSON Lines files, writing them as a CSV to scan,
//! and matching findings to labels by category and overlapping character span.

use super::{CATEGORIES, Counts, LANGS, NOTE_COLUMN, SPECIAL, eval_dir, file_stem};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Deserialize)]
pub(super) struct Label {
    pub(super) category: String,
    pub(super) span: String,
}

#[derive(Deserialize)]
pub(super) struct Note {
    pub(super) id: String,
    lang: String,
    pub(super) text: String,
    pub(super) labels: Vec<Label>,
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
pub(super) fn load_notes(lang: &str) -> Vec<Note> {
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

pub(super) fn write_notes_csv(dir: &Path, lang: &str, notes: &[Note]) {
    let mut csv = format!("{NOTE_COLUMN}\n");
    for n in notes {
        csv.push('"');
        csv.push_str(&n.text.replace('"', "\"\""));
        csv.push_str("\"\n");
    }
    std::fs::write(dir.join(format!("{lang}.csv")), csv).expect("write notes csv");
}

/// A finding in a note: its category and character span.
pub(super) struct Hit {
    pub(super) category: String,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: String,
}

/// Findings of the notes scan by (language, 0-based note index).
pub(super) fn hits_by_note(report: &Value) -> BTreeMap<(String, usize), Vec<Hit>> {
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

/// Same category, and the finding's span overlaps one occurrence of the label's.
fn covers(label: &LabelSpans, hit: &Hit) -> bool {
    label.category == hit.category
        && label
            .occurrences
            .iter()
            .any(|&(start, end)| start < hit.end && hit.start < end)
}

/// Score one note: counts per category, and the misses and false findings for the log.
pub(super) fn score_note(
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
        if hits.iter().any(|h| covers(l, h)) {
            c.found += 1;
        } else {
            log.push(format!("  miss  {} {}: {:?}", note.id, l.category, l.span));
        }
    }
    for h in hits.iter().filter(|h| h.category != "person_name") {
        let c = counts.entry(h.category.clone()).or_default();
        c.findings += 1;
        if labels.iter().any(|l| covers(l, h)) {
            c.true_findings += 1;
        } else {
            log.push(format!("  false {} {}: {:?}", note.id, h.category, h.value));
        }
    }
}

/// Per-language, per-category counts over the whole note set.
pub(super) fn score_notes(
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
pub(super) fn note_rows(
    by_lang: &BTreeMap<String, BTreeMap<String, Counts>>,
) -> Vec<(String, Counts)> {
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

#[test]
fn matching_counts_overlap_category_and_every_occurrence() {
    let note: Note = serde_json::from_str(
        r#"{"id":"x-1","lang":"x","text":"Åsa är sjuk, sjuk igen; ring 070-1","labels":[
            {"category":"health","span":"sjuk"},{"category":"phone","span":"070-1"}]}"#,
    )
    .expect("note");
    let hit = |category: &str, start, end| Hit {
        category: category.into(),
        start,
        end,
        value: String::new(),
    };
    // Character offsets (Å is one character): the second "sjuk" is at 13..17.
    let hits = [
        hit("health", 13, 17),
        hit("religion", 7, 11),
        hit("phone", 0, 3),
        hit("person_name", 0, 3),
    ];
    let mut counts = BTreeMap::new();
    let mut log = Vec::new();
    score_note(&note, &hits, &mut counts, &mut log);
    let health = counts["health"];
    assert_eq!((health.labels, health.found), (1, 1));
    assert_eq!((health.findings, health.true_findings), (1, 1));
    assert_eq!(
        (
            counts["religion"].findings,
            counts["religion"].true_findings
        ),
        (1, 0)
    );
    let phone = counts["phone"];
    assert_eq!((phone.labels, phone.found, phone.findings), (1, 0, 1));
    assert!(
        !counts.contains_key("person_name"),
        "names in notes are not scored"
    );
    assert_eq!(log.len(), 3, "{log:?}");
}
