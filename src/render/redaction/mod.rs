//! Redaction: cleaned copies of the scanned sources. What is cleaned is chosen the
//! way the to-do list chooses — every finding, never the inventory — narrowed by
//! category, severity and the config's allowlist (already applied to the report);
//! `--drop expired` leaves out the records the retention check found expired.
//! The plan here turns a report into edits per record; [`copies`] writes them with
//! the sources' [`RecordWriter`](crate::source::record::RecordWriter)s, and [`log`]
//! keeps the record of what was done (masked values only).

mod by_place;
pub mod copies;
pub mod erasure;
pub mod log;
pub mod mail;
pub mod proof;

use crate::audit::Report;
use crate::finding::Finding;
use crate::i18n::Lang;
use crate::model::{Category, Location, Severity, ViolationKind};
use crate::source::record::{RecordEdit, TextEdit};
use serde::Serialize;
use std::collections::BTreeMap;

/// What replaces a redacted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Replace {
    /// The masked shape (`########-####`).
    Mask,
    /// A label in the report language (`[health data removed]`).
    Label,
    /// Nothing.
    Remove,
}

/// Which findings are redacted.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these categories (all when empty).
    pub categories: Vec<Category>,
    pub min_severity: Option<Severity>,
}

impl Selection {
    pub fn wants(&self, f: &Finding) -> bool {
        (self.categories.is_empty() || self.categories.contains(&f.category))
            && self.min_severity.is_none_or(|s| f.severity >= s)
    }
}

/// How to redact.
#[derive(Debug, Clone)]
pub struct RedactOptions {
    pub selection: Selection,
    pub replace: Replace,
    pub lang: Lang,
    /// Leave out the records `retention_expired` names.
    pub drop_expired: bool,
    /// Replace the findings (off when only an erasure plan is applied).
    pub findings: bool,
}

impl RedactOptions {
    /// The text that replaces a value of `category` whose masked form is `masked`.
    pub fn replacement(&self, category: Category, masked: &str) -> String {
        match self.replace {
            Replace::Mask => masked.to_string(),
            Replace::Label => crate::i18n::redaction_label(self.lang, category).to_string(),
            Replace::Remove => String::new(),
        }
    }
}

/// One change, as the redaction log lists it: never a value, only its mask.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The file changed (a Maildir message file, else the source).
    pub path: String,
    /// Row or message number.
    pub record: u64,
    /// Column or mail part; empty for a dropped record.
    pub field: String,
    pub action: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The masked value that was replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Replaced,
    Dropped,
}

/// A finding of the scan in a mail text, as the copy looks for it again: where it
/// is (part, line, characters in the line) and the keyed fingerprint its value
/// must have there.
#[derive(Debug, Clone)]
pub struct KnownMatch {
    pub part: String,
    pub line: usize,
    pub start: usize,
    pub end: usize,
    pub rule: String,
    pub category: Category,
    pub fingerprint: String,
    pub masked: String,
    /// Found in the mail's own texts (a location of another kind is never matched
    /// by place: its message is matched again).
    pub placed: bool,
}

impl KnownMatch {
    fn of(f: Finding) -> KnownMatch {
        let (part, line, start, end, placed) = match f.location {
            Location::Email {
                part,
                line,
                start,
                end,
                ..
            } => (part, line, start, end, true),
            _ => (String::new(), 0, 0, 0, false),
        };
        KnownMatch {
            part,
            line,
            start,
            end,
            rule: f.rule,
            category: f.category,
            fingerprint: f.fingerprint,
            masked: f.redacted,
            placed,
        }
    }
}

/// What is to change in one source.
#[derive(Debug, Clone, Default)]
pub struct SourcePlan {
    /// Record number → its edit, in record order.
    pub records: BTreeMap<u64, RecordEdit>,
    /// What the edits are, for the log.
    pub changes: Vec<Change>,
    /// Mail: the messages (file as reported, message number) with findings to
    /// replace, and those findings; see [`mail`] for how they are found again.
    pub messages: BTreeMap<(String, u64), Vec<KnownMatch>>,
    /// Mail messages left out (file as reported, message number): an erasure
    /// plan's `delete_record`.
    pub dropped: std::collections::BTreeSet<(String, u64)>,
    /// Mail messages where a plan's subject is mentioned: every identifier of
    /// these categories in them is replaced.
    pub mentions: BTreeMap<(String, u64), std::collections::BTreeSet<Category>>,
}

/// The plan for every source of `report`, by source (as displayed). Mail sources
/// get their dropped messages here; their text is redacted while the copy is
/// written (see [`mail`]), because a message's parts are re-read there anyway.
pub fn plan(report: &Report, opts: &RedactOptions) -> BTreeMap<String, SourcePlan> {
    let sources: Vec<&str> = report
        .summary
        .sources
        .iter()
        .map(|s| s.path.as_str())
        .collect();
    let mut plans: BTreeMap<String, SourcePlan> = BTreeMap::new();
    // Findings come file by file: the source of the one before is looked up once.
    let mut owner: (String, String) = Default::default();
    for f in report.findings.iter() {
        if !opts.findings || !opts.selection.wants(&f) {
            continue;
        }
        if owner.0 != f.path {
            let source = crate::source::owning_source(&f.path, sources.iter().copied());
            owner = (f.path.clone(), source.to_string());
        }
        let plan = match plans.get_mut(&owner.1) {
            Some(p) => p,
            None => plans.entry(owner.1.clone()).or_default(),
        };
        let Location::Csv {
            row,
            column,
            start,
            end,
        } = &f.location
        else {
            plan.messages
                .entry((f.path.clone(), f.location.record()))
                .or_default()
                .push(KnownMatch::of(f));
            continue;
        };
        plan.records.entry(*row).or_default().edits.push(TextEdit {
            field: column.clone(),
            start: *start,
            end: *end,
            with: opts.replacement(f.category, &f.redacted),
        });
        plan.changes.push(Change {
            path: f.path.clone(),
            record: *row,
            field: column.clone(),
            action: ChangeKind::Replaced,
            rule: Some(f.rule.clone()),
            category: Some(f.category),
            masked: Some(f.redacted.clone()),
        });
    }
    if opts.drop_expired {
        for v in report
            .violations
            .iter()
            .filter(|v| v.kind == ViolationKind::RetentionExpired)
        {
            let plan = plans.entry(v.path.clone()).or_default();
            for &row in &v.rows {
                plan.records.entry(row).or_default().drop = true;
                plan.changes.push(Change {
                    path: v.path.clone(),
                    record: row,
                    field: String::new(),
                    action: ChangeKind::Dropped,
                    rule: None,
                    category: None,
                    masked: None,
                });
            }
        }
    }
    for plan in plans.values_mut() {
        for edit in plan.records.values_mut() {
            merge_overlaps(&mut edit.edits);
        }
        plan.changes.sort_by_key(|c| c.record);
    }
    plans
}

/// Edits of one field sorted by position; overlapping ones (two rules matched the
/// same text) become one covering both, with the first one's replacement.
pub fn merge_overlaps(edits: &mut Vec<TextEdit>) {
    edits.sort_by(|a, b| {
        (&a.field, a.start, std::cmp::Reverse(a.end)).cmp(&(
            &b.field,
            b.start,
            std::cmp::Reverse(b.end),
        ))
    });
    let mut out: Vec<TextEdit> = Vec::with_capacity(edits.len());
    for e in edits.drain(..) {
        match out.last_mut() {
            Some(last) if last.field == e.field && e.start < last.end => {
                last.end = last.end.max(e.end);
            }
            _ => out.push(e),
        }
    }
    *edits = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(field: &str, start: usize, end: usize, with: &str) -> TextEdit {
        TextEdit {
            field: field.into(),
            start,
            end,
            with: with.into(),
        }
    }

    #[test]
    fn overlapping_matches_become_one_edit() {
        let mut v = vec![
            e("b", 0, 3, "x"),
            e("a", 5, 9, "y"),
            e("a", 2, 6, "z"),
            e("a", 12, 14, "w"),
        ];
        merge_overlaps(&mut v);
        assert_eq!(
            v,
            vec![e("a", 2, 9, "z"), e("a", 12, 14, "w"), e("b", 0, 3, "x")]
        );
    }

    #[test]
    fn labels_are_in_the_report_language_and_mask_keeps_the_shape() {
        let mut o = RedactOptions {
            selection: Selection::default(),
            replace: Replace::Label,
            lang: Lang::Sv,
            drop_expired: false,
            findings: true,
        };
        assert_eq!(
            o.replacement(Category::NationalId, "######-####"),
            "[personnummer borttaget]"
        );
        o.lang = Lang::En;
        assert_eq!(
            o.replacement(Category::Health, "d*******"),
            "[health data removed]"
        );
        o.replace = Replace::Mask;
        assert_eq!(
            o.replacement(Category::NationalId, "######-####"),
            "######-####"
        );
        o.replace = Replace::Remove;
        assert_eq!(o.replacement(Category::NationalId, "######-####"), "");
    }

    #[test]
    fn selection_narrows_by_category_and_severity() {
        let f = crate::finding::sample("fp", 3);
        let mut s = Selection::default();
        assert!(s.wants(&f));
        s.categories = vec![Category::Health];
        assert_eq!(s.wants(&f), f.category == Category::Health);
        s.categories.clear();
        s.min_severity = Some(Severity::Critical);
        assert_eq!(s.wants(&f), f.severity == Severity::Critical);
    }
}
