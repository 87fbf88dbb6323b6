//! What the human-readable renderers (table, Markdown, HTML) share: grouping
//! findings by category and source, and small formatting helpers.

use super::Report;
use crate::audit::{RecordList, SourceSummary};
use crate::finding::{Finding, InventoryEntry};
use crate::i18n::{self, Lang};
use crate::model::{Category, Priority, Severity};
use crate::todo::category_weight;
use std::collections::BTreeMap;

/// How many distinct samples a category/file/field group shows.
pub(crate) const SAMPLES: usize = 3;

/// What a report may show of a finding: the value with `--show-values`, else the mask.
pub(crate) fn shown(f: &Finding) -> &str {
    f.value.as_deref().unwrap_or(&f.redacted)
}
/// The source a finding belongs to: its own path, or the Maildir folder above it.
pub(crate) fn owner<'a>(path: &'a str, sources: &'a [SourceSummary]) -> &'a str {
    crate::source::owning_source(path, sources.iter().map(|s| s.path.as_str()))
}

/// One file/field of a category: how many findings, the worst severity, samples.
pub(crate) struct Place {
    pub path: String,
    pub field: String,
    pub count: u64,
    pub samples: Vec<String>,
}

pub(crate) struct CategoryGroup {
    pub category: Category,
    pub count: u64,
    pub severity: Severity,
    pub places: Vec<Place>,
}

/// (path, field) → (count, samples). Owned: findings may be read back from disk
/// one at a time, so nothing can borrow from them.
type PlaceMap = BTreeMap<(String, String), (u64, Vec<String>)>;

/// Findings per category, most serious category first (severity, weight, count);
/// places in path/field order with up to `max_samples` distinct samples each.
pub(crate) fn findings_by_category(report: &Report, max_samples: usize) -> Vec<CategoryGroup> {
    let mut map: BTreeMap<Category, (u64, Severity, PlaceMap)> = BTreeMap::new();
    for f in &report.findings {
        let g = map
            .entry(f.category)
            .or_insert((0, f.severity, BTreeMap::new()));
        g.0 += 1;
        g.1 = g.1.max(f.severity);
        let p =
            g.2.entry((
                owner(&f.path, &report.summary.sources).to_string(),
                f.location.group_field().to_string(),
            ))
            .or_default();
        p.0 += 1;
        let v = shown(&f);
        if p.1.len() < max_samples && !p.1.iter().any(|s| s == v) {
            p.1.push(v.to_string());
        }
    }
    let mut groups: Vec<CategoryGroup> = map
        .into_iter()
        .map(|(category, (count, severity, places))| CategoryGroup {
            category,
            count,
            severity,
            places: places
                .into_iter()
                .map(|((path, field), (count, samples))| Place {
                    path,
                    field,
                    count,
                    samples,
                })
                .collect(),
        })
        .collect();
    groups.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(category_weight(b.category).total_cmp(&category_weight(a.category)))
            .then(b.count.cmp(&a.count))
            .then(a.category.cmp(&b.category))
    });
    groups
}

/// Findings per source (mailbox or file) and severity, most findings first.
pub(crate) fn findings_by_source(report: &Report) -> Vec<(String, BTreeMap<Severity, u64>, u64)> {
    let mut map: BTreeMap<String, BTreeMap<Severity, u64>> = BTreeMap::new();
    for f in &report.findings {
        *map.entry(owner(&f.path, &report.summary.sources).to_string())
            .or_default()
            .entry(f.severity)
            .or_default() += 1;
    }
    let mut v: Vec<_> = map
        .into_iter()
        .map(|(p, m)| {
            let n: u64 = m.values().sum();
            (p, m, n)
        })
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    v
}

/// To-do items per priority, in priority order, only those present.
pub(crate) fn priority_counts(report: &Report) -> Vec<(Priority, usize)> {
    Priority::ALL
        .into_iter()
        .map(|p| (p, report.todo.iter().filter(|i| i.priority == p).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// "2, 5, 9 … 12 more": the first `max` record numbers.
pub(crate) fn records_list(records: &RecordList, max: usize, more_word: &str) -> String {
    let head: Vec<String> = records.iter().take(max).map(|n| n.to_string()).collect();
    more(head.join(", "), records.len(), max, more_word)
}

pub(crate) fn more(head: String, total: usize, max: usize, more_word: &str) -> String {
    if total > max {
        format!("{head} … {} {more_word}", total - max)
    } else {
        head
    }
}

/// "534 B", "1.2 MB".
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Keep the end of a path, which names the file: `…/crm/contacts.csv`.
pub(crate) fn truncate_left(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max || max < 2 {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n - (max - 1)).collect();
    // Prefer cutting at a separator so the file name stays whole.
    match tail.find('/') {
        Some(i) if i + 1 < tail.len() && tail.len() - i > max / 3 => format!("…{}", &tail[i..]),
        _ => format!("…{tail}"),
    }
}

pub(crate) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// An inventory entry's categories ("phone numbers (3)"), or for an attachment that
/// was listed but not scanned its type and size.
pub(crate) fn inventory_categories(
    e: &InventoryEntry,
    lang: Lang,
    counts_in_parens: bool,
) -> String {
    if e.categories.is_empty() {
        let mut v: Vec<String> = e.content_type.iter().cloned().collect();
        v.extend(e.size.map(human_bytes));
        return v.join(", ");
    }
    let cats: Vec<String> = e
        .categories
        .iter()
        .map(|(c, n)| {
            let name = i18n::category_name(lang, *c);
            let n = i18n::thousands(lang, *n);
            if counts_in_parens {
                format!("{name} ({n})")
            } else {
                format!("{name} {n}")
            }
        })
        .collect();
    cats.join(", ")
}

/// " · fingerprint key 1a2b…" for the header line, or nothing for a report made
/// without one.
pub(crate) fn key_id_note(report: &Report, lang: Lang) -> String {
    let word = match lang {
        Lang::En => "fingerprint key",
        Lang::Sv => "fingeravtrycksnyckel",
    };
    report
        .summary
        .fingerprint_key_id
        .as_deref()
        .map(|id| format!(" · {word} {id}"))
        .unwrap_or_default()
}

/// "3 new, 10 already known (not shown), 2 fixed since".
pub(crate) fn baseline_counts(b: &crate::audit::BaselineOutcome, lang: Lang) -> String {
    let rt = i18n::render_texts(lang);
    let n = |v: u64| i18n::thousands(lang, v);
    format!(
        "{} {}, {} {}, {} {}",
        n(b.new),
        rt.baseline_new,
        n(b.known),
        rt.baseline_known,
        n(b.fixed),
        rt.baseline_fixed
    )
}

/// The language's own name for the HTML `lang` attribute.
pub(crate) fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Sv => "sv",
    }
}

/// Split `title` into (is-a-quoted-known-string, text) runs. Only the exact strings
/// in `known`, wrapped in backticks, count as quoted: a backtick inside a path cannot
/// confuse it.
pub(crate) fn split_quoted<'a>(title: &'a str, known: &[&str]) -> Vec<(bool, &'a str)> {
    let mut parts = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    'outer: while i < title.len() {
        if title.as_bytes()[i] == b'`' {
            let mut ks: Vec<&str> = known.to_vec();
            ks.sort_by_key(|k| std::cmp::Reverse(k.len()));
            for k in ks {
                let end = i + 1 + k.len();
                if title[i + 1..].starts_with(k) && title.as_bytes().get(end) == Some(&b'`') {
                    if plain_start < i {
                        parts.push((false, &title[plain_start..i]));
                    }
                    parts.push((true, &title[i + 1..end]));
                    i = end + 1;
                    plain_start = i;
                    continue 'outer;
                }
            }
        }
        i += title[i..].chars().next().map_or(1, char::len_utf8);
    }
    if plain_start < title.len() {
        parts.push((false, &title[plain_start..]));
    }
    parts
}
