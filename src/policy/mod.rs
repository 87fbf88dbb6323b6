//! Policies: a `gdpr-audit.yaml` says what each source is for, its lawful basis,
//! which fields it is meant to hold, how long records may be kept and how marketing
//! consent is recorded. The checks compare the scanned data with it and report
//! violations, which become to-do items and, for record-level actions, CSV lists of
//! the records to delete or update.
//!
//! * [`config`]: the file format, validation, discovery, glob matching;
//! * [`dates`]: the date forms exports use, and retention periods;
//! * this module: the policy as loaded ([`Config`], [`SourcePolicy`]) and what
//!   the checks need to know of the audit ([`Catalog`]);
//! * [`checks`]: per-record checks (streaming, called by the scanner for every CSV
//!   row or message);
//! * [`sources`]: the per-source checks of a scan against it (after the scan,
//!   from the audit);
//! * [`todo_items`]: what the checks hand on: violations as to-do items.
//!
//! The violations themselves are audit data ([`crate::audit::Violation`]); the
//! draft config `init` writes and the `--export-actions` lists are outputs
//! ([`crate::render`]).

pub mod checks;
pub mod config;
pub mod dates;
pub mod record_names;
mod sources;
mod todo_items;

pub use checks::{RecordChecker, RecordOutcomes, record_violations};
pub use config::{CONFIG_FILE, ConfigError, DEFAULT_OPT_IN_VALUES, discover};
pub use dates::Period;
pub use sources::source_violations;
pub use todo_items::{todo_item, violations_to_todo};

use crate::audit::{Report, Violation};
use crate::model::{Category, InventoryKind, MailPart, ViolationKind};
use crate::source::SourceKind;
use crate::todo;
use globset::GlobMatcher;
use std::collections::BTreeMap;
use std::fmt;

// ---------------------------------------------------------------- the policy

/// A loaded, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from (as given), for messages.
    pub name: String,
    pub sources: Vec<SourcePolicy>,
    pub fingerprint_key: Option<String>,
    pub allowlist: Vec<AllowEntry>,
}

/// Art. 6(1) grounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LawfulBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LawfulBasis {
    pub const ALL: [LawfulBasis; 6] = [
        LawfulBasis::Consent,
        LawfulBasis::Contract,
        LawfulBasis::LegalObligation,
        LawfulBasis::VitalInterests,
        LawfulBasis::PublicTask,
        LawfulBasis::LegitimateInterests,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal_obligation",
            LawfulBasis::VitalInterests => "vital_interests",
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::LegitimateInterests => "legitimate_interests",
        }
    }
    pub fn parse(s: &str) -> Option<LawfulBasis> {
        LawfulBasis::ALL.into_iter().find(|b| b.as_str() == s)
    }
    /// `Art. 6(1)(a)` … `(f)`.
    pub fn article(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "Art. 6(1)(a)",
            LawfulBasis::Contract => "Art. 6(1)(b)",
            LawfulBasis::LegalObligation => "Art. 6(1)(c)",
            LawfulBasis::VitalInterests => "Art. 6(1)(d)",
            LawfulBasis::PublicTask => "Art. 6(1)(e)",
            LawfulBasis::LegitimateInterests => "Art. 6(1)(f)",
        }
    }
}

/// What a field is declared to hold; overrides automatic column classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldDecl {
    Category(Category),
    FreeText,
    NotPersonal,
}

impl FieldDecl {
    pub fn parse(s: &str) -> Option<FieldDecl> {
        match s {
            "free_text" => Some(FieldDecl::FreeText),
            "not_personal" => Some(FieldDecl::NotPersonal),
            _ => Category::parse(s).map(FieldDecl::Category),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FieldDecl::Category(c) => c.as_str(),
            FieldDecl::FreeText => "free_text",
            FieldDecl::NotPersonal => "not_personal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// The column holding the date the period runs from; `None` for mail (the Date
    /// header) or when it is still a placeholder.
    pub date_field: Option<String>,
    /// `None` while `keep_for` is a `TODO` placeholder: nothing is checked.
    pub keep_for: Option<Period>,
    /// Why records must be kept whatever anyone asks (a law, e.g. Bokföringslagen
    /// 7 kap. 2 §): an erasure keeps them restricted until `keep_for` has passed.
    pub legal_hold: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marketing {
    pub opt_in_field: String,
    /// Lower-case; compared case-insensitively with trimmed values.
    pub opt_in_values: Vec<String>,
    pub consent_date_field: Option<String>,
    pub list_field: Option<String>,
    pub list_values: Vec<String>,
}

/// One `sources:` entry.
#[derive(Debug, Clone)]
pub struct SourcePolicy {
    /// The glob as written.
    pub path: String,
    /// Line of the entry's `path:` in the config, for messages.
    pub line: u64,
    /// `None` when missing or a placeholder.
    pub purpose: Option<String>,
    /// `None` when missing or a placeholder.
    pub lawful_basis: Option<LawfulBasis>,
    pub balancing_test: Option<String>,
    /// `None` when the entry has no `fields:` key at all (mail: nothing to check).
    pub fields: Option<BTreeMap<String, FieldDecl>>,
    pub id_field: Option<String>,
    pub retention: Option<Retention>,
    pub marketing: Option<Marketing>,
    pub special_categories_basis: Option<String>,
    /// Keys whose value is still a `TODO` placeholder (`purpose`, `lawful_basis`,
    /// `balancing_test`, `retention.keep_for`, `retention.date_field`,
    /// `special_categories_basis`).
    pub placeholders: Vec<String>,
    pub(crate) glob: GlobMatcher,
}

/// An allowlist entry (used by the allowlist issue; parsed and validated here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    pub path: Option<String>,
    pub rule: Option<String>,
    pub category: Option<Category>,
    pub field: Option<String>,
    pub fingerprint: Option<String>,
    pub reason: String,
    pub line: u64,
}

impl SourcePolicy {
    /// Whether the glob matches `path` or a suffix of it that starts after a `/`
    /// (`crm/contacts*.csv` matches `/tmp/x/crm/contacts.csv`). `*` and `?` stop at
    /// `/`; `**` crosses it.
    pub fn matches(&self, path: &str) -> bool {
        glob_matches_suffix(&self.glob, &path.replace('\\', "/"))
    }

    /// How `column` is declared: an exact name first, then ignoring case and blanks.
    /// A mail attachment (`attachment:<name>`) is covered by a declared `attachment`.
    pub fn field_decl(&self, column: &str) -> Option<FieldDecl> {
        let fields = self.fields.as_ref()?;
        if let Some(d) = fields.get(column) {
            return Some(*d);
        }
        let wanted = column.trim();
        let found = fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(wanted))
            .map(|(_, d)| *d);
        found.or_else(|| {
            wanted
                .split_once(':')
                .filter(|(kind, _)| kind.eq_ignore_ascii_case(MailPart::ATTACHMENT))
                .and_then(|_| self.field_decl(MailPart::ATTACHMENT))
        })
    }

    /// `crm/contacts*.csv (gdpr-audit.yaml line 3)`-style label for messages.
    pub fn label(&self) -> String {
        format!("source `{}` (line {})", self.path, self.line)
    }
}

impl fmt::Display for FieldDecl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------- the report, per source

/// What the report says about each source, as the policy checks need it.
pub struct Catalog {
    /// Sources in report order, then any path only findings or inventory name.
    pub sources: Vec<String>,
    /// The same, to find a path's source by its prefixes (a zip of thousands of
    /// exports has thousands of sources).
    index: SourceIndex,
    kinds: BTreeMap<String, SourceKind>,
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
            .map(|s| (s.path.clone(), s.kind))
            .collect();
        let mut c = Catalog {
            sources: Vec::new(),
            index: SourceIndex::default(),
            kinds,
            categories: BTreeMap::new(),
            fields: BTreeMap::new(),
        };
        let known = SourceIndex::of(&sources);
        let mut seen = SourceIndex::of(&sources);
        let mut add = |c: &mut Catalog, src: String, field: String, cat: Category, n: u64| {
            if seen.0.insert(src.clone()) {
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
            let src = known.owner(&e.path).to_string();
            for (cat, n) in &e.categories {
                if *n > 0 {
                    add(&mut c, src.clone(), e.field.clone(), *cat, *n);
                }
            }
        }
        for (src, field, cat, n) in report.finding_groups().counts() {
            add(&mut c, src.to_string(), field.to_string(), cat, n);
        }
        c.index = SourceIndex::of(&sources);
        c.sources = sources;
        c
    }

    pub fn owner<'a>(&'a self, path: &'a str) -> &'a str {
        self.index.owner(path)
    }

    pub fn kind(&self, source: &str) -> Option<SourceKind> {
        self.kinds.get(source).copied()
    }

    pub fn is_mail(&self, source: &str) -> bool {
        self.kind(source).is_some_and(SourceKind::is_mail)
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

/// Whether `glob` matches `path` or any part of it that starts after a `/`
/// (`crm/contacts*.csv` matches `/data/export/crm/contacts.csv`): how policy
/// sources and allowlist entries name paths.
pub fn glob_matches_suffix(glob: &GlobMatcher, path: &str) -> bool {
    glob.is_match(path)
        || path
            .match_indices('/')
            .any(|(i, _)| glob.is_match(&path[i + 1..]))
        // A sheet (`book.xlsx#Kontakter`) is also matched by its workbook.
        || sheet_of(path).is_some_and(|book| glob_matches_suffix(glob, book))
}

/// Highest weight first; among equal weights the first in vocabulary order.
pub fn most_sensitive(cats: impl Iterator<Item = Category>) -> Option<Category> {
    cats.max_by(|a, b| {
        todo::category_weight(*a)
            .total_cmp(&todo::category_weight(*b))
            .then(b.cmp(a))
    })
}
/// The source a path belongs to: itself, or the Maildir folder above it.
/// Sources by name, for [`crate::source::owning_source`]'s answer in a few hash
/// lookups: the longest source that `path` continues with a `/`, else `path`.
#[derive(Default)]
struct SourceIndex(std::collections::HashSet<String>);

impl SourceIndex {
    fn of(sources: &[String]) -> SourceIndex {
        SourceIndex(sources.iter().cloned().collect())
    }

    fn owner<'a>(&self, path: &'a str) -> &'a str {
        path.match_indices('/')
            .rev()
            .map(|(i, _)| &path[..i])
            .find(|prefix| !prefix.is_empty() && self.0.contains(*prefix))
            .unwrap_or(path)
    }
}

/// The workbook of a sheet's path (`dir/book.xlsx#Kontakter` → `dir/book.xlsx`).
pub fn sheet_of(path: &str) -> Option<&str> {
    let (book, sheet) = path.rsplit_once('#')?;
    (!sheet.contains('/') && !book.is_empty()).then_some(book)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::finding::{Finding, InventoryEntry};
    use crate::model::{Location, Severity};

    pub(crate) fn report_with(
        sources: &[(&str, SourceKind, u64)],
        inventory: Vec<InventoryEntry>,
        findings: Vec<Finding>,
    ) -> Report {
        let mut r = Report::assemble(Vec::new(), Vec::new(), Vec::new());
        for (path, kind, records) in sources {
            r.summary.sources.push(crate::audit::SourceSummary {
                path: path.to_string(),
                kind: *kind,
                bytes: 0,
                records: if *kind == SourceKind::Csv {
                    *records
                } else {
                    0
                },
                messages: if *kind == SourceKind::Csv {
                    0
                } else {
                    *records
                },
                encoding: None,
                delimiter: None,
                items: Default::default(),
            });
        }
        r.inventory = inventory;
        r.findings = crate::store::FindingStore::from_vec(findings);
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
            decided_by: None,
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

    #[test]
    fn owners_group_maildir_files_under_their_folder() {
        let sources = vec![
            "mail/maildir".to_string(),
            "x.zip".to_string(),
            "x.zip!/a/b.zip".to_string(),
        ];
        let index = SourceIndex::of(&sources);
        for path in [
            "mail/maildir/cur/1:2,S",
            "mail/maildirx/a",
            "mail/maildir",
            "x.zip!/a/b.zip!/c.csv",
            "x.zip!/d.csv",
            "/abs/path.csv",
        ] {
            let linear = crate::source::owning_source(path, sources.iter().map(String::as_str));
            assert_eq!(index.owner(path), linear, "{path}");
        }
        assert_eq!(index.owner("mail/maildir/cur/1:2,S"), "mail/maildir");
        assert_eq!(index.owner("mail/maildirx/a"), "mail/maildirx/a");
        assert_eq!(
            most_sensitive([Category::Phone, Category::Email].into_iter()),
            Some(Category::Email)
        );
    }
}
