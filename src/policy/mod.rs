//! Policies: a `gdpr-audit.yaml` says what each source is for, its lawful basis,
//! which fields it is meant to hold, how long records may be kept and how marketing
//! consent is recorded. The checks compare the scanned data with it and report
//! violations, which become to-do items and, for record-level actions, CSV lists of
//! the records to delete or update.
//!
//! * [`config`]: the file format, validation, discovery, glob matching;
//! * [`dates`]: the date forms exports use, and retention periods;
//! * [`checks`]: per-record checks (streaming, called by the scanner for every CSV
//!   row or message) and per-source checks (after the scan, from the report);
//! * [`init`]: the draft config (a first record of processing activities);
//! * [`export`]: `--export-actions`: one CSV of affected records per action.

pub mod checks;
pub mod config;
pub mod dates;
pub mod export;
pub mod init;

pub use checks::{RecordChecker, RecordOutcomes, record_violations, source_violations};
pub use config::{
    AllowEntry, CONFIG_FILE, Config, ConfigError, FieldDecl, LawfulBasis, Marketing, Retention,
    SourcePolicy, discover,
};
pub use export::{ExportError, export_actions, export_actions_with};
pub use init::draft_config;

use crate::finding::InventoryKind;
use crate::i18n::{self, Lang};
use crate::model::{Category, Location};
use crate::report::Report;
use crate::todo::{self, Action, ScoreFactors, TodoItem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    RetentionExpired,
    MarketingWithoutConsent,
    UndeclaredPersonalData,
    NoLawfulBasis,
    SpecialCategoryWithoutBasis,
    UnparseableDate,
}

impl ViolationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::RetentionExpired => "retention_expired",
            ViolationKind::MarketingWithoutConsent => "marketing_without_consent",
            ViolationKind::UndeclaredPersonalData => "undeclared_personal_data",
            ViolationKind::NoLawfulBasis => "no_lawful_basis",
            ViolationKind::SpecialCategoryWithoutBasis => "special_category_without_basis",
            ViolationKind::UnparseableDate => "unparseable_date",
        }
    }

    /// What a person does about it.
    pub fn action(self) -> Action {
        match self {
            ViolationKind::RetentionExpired => Action::Delete,
            ViolationKind::MarketingWithoutConsent => Action::ObtainConsent,
            ViolationKind::SpecialCategoryWithoutBasis => Action::RestrictAccess,
            ViolationKind::UndeclaredPersonalData
            | ViolationKind::NoLawfulBasis
            | ViolationKind::UnparseableDate => Action::Document,
        }
    }
}

/// A difference between the policy and the data. `message` holds counts, field
/// names and the date format assumed, never a value from the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub kind: ViolationKind,
    /// The source (a file, or a Maildir folder).
    pub path: String,
    /// The field concerned; empty when the whole source is.
    pub field: String,
    /// The affected records: `id_field` values (else row numbers) for CSV,
    /// Message-IDs (else message numbers) for mail.
    pub records: Vec<String>,
    /// Row or message numbers of `records`, in the same order (empty when there
    /// are no records).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<u64>,
    pub count: u64,
    pub article: String,
    pub message: String,
}

/// What the report says about each source, as the policy checks need it.
pub(crate) struct Catalog {
    /// Sources in report order, then any path only findings or inventory name.
    pub sources: Vec<String>,
    kinds: BTreeMap<String, String>,
    /// source → category → values (inventory) plus findings.
    pub categories: BTreeMap<String, BTreeMap<Category, u64>>,
    /// (source, field) → category → values plus findings.
    pub fields: BTreeMap<(String, String), BTreeMap<Category, u64>>,
}

impl Catalog {
    pub fn new(report: &Report) -> Catalog {
        let mut sources: Vec<String> = report
            .summary
            .sources
            .iter()
            .map(|s| s.path.clone())
            .collect();
        let kinds = report
            .summary
            .sources
            .iter()
            .map(|s| (s.path.clone(), s.kind.clone()))
            .collect();
        let mut c = Catalog {
            sources: Vec::new(),
            kinds,
            categories: BTreeMap::new(),
            fields: BTreeMap::new(),
        };
        let known = sources.clone();
        let mut add = |c: &mut Catalog, src: String, field: String, cat: Category, n: u64| {
            if !sources.contains(&src) {
                sources.push(src.clone());
            }
            *c.categories
                .entry(src.clone())
                .or_default()
                .entry(cat)
                .or_default() += n;
            *c.fields
                .entry((src, field))
                .or_default()
                .entry(cat)
                .or_default() += n;
        };
        for e in &report.inventory {
            if e.kind == InventoryKind::Attachment {
                continue;
            }
            let src = owner(&e.path, &known).to_string();
            for (cat, n) in &e.categories {
                if *n > 0 {
                    add(&mut c, src.clone(), e.field.clone(), *cat, *n);
                }
            }
        }
        for f in &report.findings {
            let src = owner(&f.path, &known).to_string();
            add(&mut c, src, group_field(&f.location), f.category, 1);
        }
        c.sources = sources;
        c
    }

    pub fn owner<'a>(&'a self, path: &'a str) -> &'a str {
        owner(path, &self.sources)
    }

    pub fn kind(&self, source: &str) -> Option<&str> {
        self.kinds.get(source).map(String::as_str)
    }

    pub fn is_mail(&self, source: &str) -> bool {
        matches!(self.kind(source), Some("mbox" | "eml" | "maildir"))
    }

    /// The most sensitive category of a source, or of one of its fields.
    pub fn worst(&self, source: &str, field: Option<&str>) -> Option<Category> {
        let cats = match field {
            None => self.categories.get(source),
            Some(f) => self.fields.get(&(source.to_string(), f.to_string())),
        }?;
        most_sensitive(cats.keys().copied())
    }
}

/// Highest weight first; among equal weights the first in vocabulary order.
pub(crate) fn most_sensitive(cats: impl Iterator<Item = Category>) -> Option<Category> {
    cats.max_by(|a, b| {
        todo::category_weight(*a)
            .total_cmp(&todo::category_weight(*b))
            .then(b.cmp(a))
    })
}

/// The source a path belongs to: itself, or the Maildir folder above it.
pub(crate) fn owner<'a>(path: &'a str, sources: &'a [String]) -> &'a str {
    sources
        .iter()
        .filter(|s| {
            path.len() > s.len() && path.starts_with(s.as_str()) && path.as_bytes()[s.len()] == b'/'
        })
        .max_by_key(|s| s.len())
        .map(String::as_str)
        .unwrap_or(path)
}

/// The field as the to-do list groups it: attachments by kind, others as named.
pub(crate) fn group_field(loc: &Location) -> String {
    match loc {
        Location::Csv { column, .. } => column.clone(),
        Location::Email { part, .. } => match part.split_once(':') {
            Some(("attachment", _)) => "attachment".into(),
            _ => part.clone(),
        },
    }
}

/// Every violation as a to-do item, scored like the findings' items (see
/// [`crate::todo`]): weight of the category concerned × exposure 1.0 (the data sits
/// where it is kept) × volume × confidence (1.0; 0.5 for unreadable dates, which
/// may or may not be expired) × age (1.5 for records kept past their retention
/// period). The category is the field's most sensitive one for
/// `undeclared_personal_data` and `special_category_without_basis`, otherwise the
/// source's most sensitive one (everything in an expired record goes with it).
pub fn violations_to_todo(violations: &[Violation], report: &Report, lang: Lang) -> Vec<TodoItem> {
    let catalog = Catalog::new(report);
    let mut items: Vec<TodoItem> = violations
        .iter()
        .map(|v| todo_item(v, &catalog, lang))
        .collect();
    todo::sort_items(&mut items);
    items
}

fn violation_category(v: &Violation, c: &Catalog) -> Category {
    let source = c.worst(&v.path, None);
    match v.kind {
        ViolationKind::UndeclaredPersonalData => c.worst(&v.path, Some(&v.field)).or(source),
        ViolationKind::SpecialCategoryWithoutBasis => {
            let special = |key: Option<&str>| {
                let cats = match key {
                    None => c.categories.get(&v.path),
                    Some(f) => c.fields.get(&(v.path.clone(), f.to_string())),
                };
                most_sensitive(cats?.keys().copied().filter(|c| c.is_special()))
            };
            special(Some(&v.field))
                .or_else(|| special(None))
                .or(Some(Category::Health))
        }
        _ => source,
    }
    .unwrap_or(Category::PersonName)
}

pub(crate) fn todo_item(v: &Violation, c: &Catalog, lang: Lang) -> TodoItem {
    let action = v.kind.action();
    let category = violation_category(v, c);
    let weight = todo::category_weight(category);
    let exposure = 1.0;
    let affected = if v.records.is_empty() {
        v.count
    } else {
        v.records.len() as u64
    }
    .max(1);
    let volume = 1.0 + (affected as f64).log10();
    let confidence = if v.kind == ViolationKind::UnparseableDate {
        0.5
    } else {
        1.0
    };
    let age = if v.kind == ViolationKind::RetentionExpired {
        1.5
    } else {
        1.0
    };
    let score = (weight * exposure * volume * confidence * age * 10.0).round() / 10.0;
    let priority = todo::priority_of(score).to_string();
    let mail = c.is_mail(&v.path);
    let mut records: Vec<u64> = if c.kind(&v.path) == Some("maildir") {
        Vec::new()
    } else {
        v.rows.clone()
    };
    records.sort_unstable();
    records.dedup();
    let mut messages: Vec<String> = if mail {
        v.records
            .iter()
            .zip(&v.rows)
            .filter(|(id, n)| **id != n.to_string())
            .map(|(id, _)| id.clone())
            .collect()
    } else {
        Vec::new()
    };
    messages.sort();
    messages.dedup();
    TodoItem {
        id: item_key(v, category),
        priority: priority.clone(),
        score,
        action,
        title: i18n::violation_title(lang, v.kind, category, &v.path, &v.field, affected),
        category,
        article: v.article.clone(),
        path: v.path.clone(),
        field: v.field.clone(),
        count: v.count,
        records,
        messages,
        why: i18n::violation_why(
            lang, v.kind, category, weight, exposure, volume, confidence, age, score, &priority,
        ),
        factors: ScoreFactors {
            weight,
            exposure,
            volume: (volume * 1000.0).round() / 1000.0,
            confidence,
            age,
        },
    }
}

/// The item id: [`todo::item_id`] over the field and the violation kind, so two
/// kinds on one field never share an id.
fn item_key(v: &Violation, category: Category) -> String {
    let field = format!("{}#{}", v.field, v.kind.as_str());
    todo::item_id(v.kind.action(), category, &v.path, &field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, InventoryEntry};
    use crate::model::Severity;

    pub(crate) fn report_with(
        sources: &[(&str, &str, u64)],
        inventory: Vec<InventoryEntry>,
        findings: Vec<Finding>,
    ) -> Report {
        let mut r = Report::assemble(Vec::new(), Vec::new(), Vec::new());
        for (path, kind, records) in sources {
            r.summary.sources.push(crate::scan::SourceSummary {
                path: path.to_string(),
                kind: kind.to_string(),
                bytes: 0,
                records: if *kind == "csv" { *records } else { 0 },
                messages: if *kind == "csv" { 0 } else { *records },
                encoding: None,
                delimiter: None,
            });
        }
        r.inventory = inventory;
        r.findings = findings;
        r
    }

    pub(crate) fn inv(
        path: &str,
        field: &str,
        kind: InventoryKind,
        cats: &[(Category, u64)],
    ) -> InventoryEntry {
        InventoryEntry {
            path: path.into(),
            field: field.into(),
            kind,
            categories: cats.iter().copied().collect(),
            values: cats.iter().map(|c| c.1).sum(),
            content_type: None,
            size: None,
        }
    }

    pub(crate) fn finding(path: &str, loc: Location, cat: Category) -> Finding {
        Finding {
            rule: format!("test_{cat}"),
            category: cat,
            severity: Severity::High,
            confidence: 0.9,
            path: path.into(),
            location: loc,
            value: None,
            redacted: "***".into(),
            fingerprint: "f".into(),
            message: None,
        }
    }

    pub(crate) fn csv_loc(row: u64, column: &str) -> Location {
        Location::Csv {
            row,
            column: column.into(),
            start: 0,
            end: 1,
        }
    }

    fn violation(kind: ViolationKind, path: &str, field: &str, n: u64) -> Violation {
        Violation {
            kind,
            path: path.into(),
            field: field.into(),
            records: (1..=n).map(|i| format!("C{i}")).collect(),
            rows: (1..=n).collect(),
            count: n,
            article: "Art. 5(1)(e)".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn retention_takes_the_sources_most_sensitive_category_and_the_age_factor() {
        let r = report_with(
            &[("c/contacts.csv", "csv", 100)],
            vec![
                inv(
                    "c/contacts.csv",
                    "email",
                    InventoryKind::Structured,
                    &[(Category::Email, 90)],
                ),
                inv(
                    "c/contacts.csv",
                    "personnummer",
                    InventoryKind::Structured,
                    &[(Category::NationalId, 80)],
                ),
            ],
            Vec::new(),
        );
        let items = violations_to_todo(
            &[
                violation(
                    ViolationKind::RetentionExpired,
                    "c/contacts.csv",
                    "last_purchase_date",
                    1,
                ),
                violation(
                    ViolationKind::MarketingWithoutConsent,
                    "c/contacts.csv",
                    "marketing_opt_in",
                    1,
                ),
            ],
            &r,
            Lang::En,
        );
        let ret = items.iter().find(|i| i.action == Action::Delete).unwrap();
        assert_eq!(ret.category, Category::NationalId);
        assert_eq!(ret.factors.age, 1.5);
        assert_eq!(ret.score, 12.0);
        assert_eq!(ret.priority, "P2");
        assert_eq!(ret.records, [1]);
        let mkt = items
            .iter()
            .find(|i| i.action == Action::ObtainConsent)
            .unwrap();
        assert_eq!(mkt.score, 8.0);
        assert_ne!(ret.id, mkt.id);
        assert!(ret.title.contains("retention"), "{}", ret.title);
        assert!(ret.why.contains("× 1.50"), "{}", ret.why);
        // A special category in the source lifts retention to P1 sooner.
        let r2 = report_with(
            &[("c/contacts.csv", "csv", 100)],
            Vec::new(),
            vec![finding(
                "c/contacts.csv",
                csv_loc(3, "notes"),
                Category::Health,
            )],
        );
        let items = violations_to_todo(
            &[violation(
                ViolationKind::RetentionExpired,
                "c/contacts.csv",
                "d",
                2,
            )],
            &r2,
            Lang::Sv,
        );
        assert_eq!(items[0].category, Category::Health);
        assert_eq!(items[0].priority, "P1");
        assert!(items[0].title.starts_with("Radera"), "{}", items[0].title);
    }

    #[test]
    fn mail_items_list_message_ids_and_maildir_has_no_numbers() {
        let r = report_with(
            &[("m/inbox.mbox", "mbox", 3), ("m/maildir", "maildir", 2)],
            Vec::new(),
            Vec::new(),
        );
        let mut v = violation(
            ViolationKind::RetentionExpired,
            "m/inbox.mbox",
            "header:date",
            2,
        );
        v.records = vec!["<a@x>".into(), "2".into()];
        let mut w = v.clone();
        w.path = "m/maildir".into();
        w.rows = vec![1, 1];
        let items = violations_to_todo(&[v, w], &r, Lang::En);
        let mbox = items.iter().find(|i| i.path == "m/inbox.mbox").unwrap();
        assert_eq!(mbox.records, [1, 2]);
        assert_eq!(mbox.messages, ["<a@x>"]);
        let md = items.iter().find(|i| i.path == "m/maildir").unwrap();
        assert!(md.records.is_empty());
        assert_eq!(md.messages, ["<a@x>", "2"]);
    }

    #[test]
    fn owners_group_maildir_files_under_their_folder() {
        let sources = vec!["mail/maildir".to_string()];
        assert_eq!(owner("mail/maildir/cur/1:2,S", &sources), "mail/maildir");
        assert_eq!(owner("mail/maildirx/a", &sources), "mail/maildirx/a");
        assert_eq!(
            most_sensitive([Category::Phone, Category::Email].into_iter()),
            Some(Category::Email)
        );
    }
}
