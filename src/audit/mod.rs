//! The audit: the report's data — summary, sources, inventory, findings, violations
//! and to-do items — as the JSON contract has it (schema version 1, changed only by
//! adding fields). The scan driver builds it; judgement reads it and adds to it; the
//! renderers only read it. It may use the vocabulary, sources (errors), the rules'
//! pack version and the findings store.

mod coverage;
mod file_result;
mod groups;
mod items;
pub mod partial;
mod record_list;

pub use coverage::Coverage;
pub use file_result::{FileResult, RangeOut, SourceSummary, TableColumn};
pub use groups::{FindingGroups, Group, Regroup};
pub use items::{AllowlistUse, BaselineOutcome, ScoreFactors, TodoItem, Violation, Wording};
pub use record_list::RecordList;

use crate::finding::InventoryEntry;
use crate::model::{Category, Severity};
use crate::source::SourceError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub rules_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ErrorEntry {
    pub path: String,
    pub error: String,
}

impl From<SourceError> for ErrorEntry {
    fn from(e: SourceError) -> Self {
        ErrorEntry {
            path: e.path,
            error: e.message,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub records: u64,
    pub messages: u64,
    pub findings: u64,
    #[serde(default)]
    pub by_severity: BTreeMap<Severity, u64>,
    #[serde(default)]
    pub by_category: BTreeMap<Category, u64>,
    pub errors: Vec<ErrorEntry>,
    #[serde(default)]
    pub warnings: Vec<ErrorEntry>,
    #[serde(default)]
    pub skipped: Vec<ErrorEntry>,
    #[serde(default)]
    pub sources: Vec<SourceSummary>,
    /// The id of the fingerprint key (a hash of it, never the key): reports and
    /// baselines whose fingerprints can be compared share it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint_key_id: Option<String>,
    /// Set when the scan was compared with a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineOutcome>,
    /// Each allowlist entry of the config and how many findings it suppressed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowlist: Vec<AllowlistUse>,
}

/// A whole audit result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// What was read and what was not: first, because it qualifies everything else.
    /// Derived from `summary` (see [`Report::refresh_coverage`]).
    #[serde(default)]
    pub coverage: Coverage,
    pub summary: Summary,
    pub inventory: Vec<InventoryEntry>,
    /// In their final order; large scans keep most of them on disk (see `store`).
    pub findings: crate::store::FindingStore,
    pub todo: Vec<TodoItem>,
    /// Policy violations (needs a gdpr-audit.yaml); empty without one.
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// The findings counted by to-do item as they were added; `None` for a saved
    /// report, whose findings are counted again when needed. Code that replaces
    /// `findings` calls `refresh_counts` (a count that no longer matches is caught
    /// by `finding_groups`).
    #[serde(skip)]
    groups: Option<FindingGroups>,
    /// (source, row) → the record's `id_field` value, in clear: only the
    /// export-action files, whose purpose is to name records, print it. Never
    /// serialized.
    #[serde(skip)]
    pub record_names: BTreeMap<(String, u64), String>,
    /// Source → its table columns and their roles (see [`TableColumn`]); not
    /// serialized.
    #[serde(skip)]
    pub columns: BTreeMap<String, Vec<TableColumn>>,
}

/// Reports are equal when what they say is: the groups kept for the plan are a
/// cache of the findings.
impl PartialEq for Report {
    fn eq(&self, other: &Self) -> bool {
        self.schema_version == other.schema_version
            && self.tool == other.tool
            && self.coverage == other.coverage
            && self.summary == other.summary
            && self.inventory == other.inventory
            && self.findings == other.findings
            && self.todo == other.todo
            && self.violations == other.violations
    }
}

impl Report {
    /// Assemble per-file results (already in path order) into one report.
    pub fn assemble(
        results: Vec<FileResult>,
        discovery_errors: Vec<SourceError>,
        skipped: Vec<(String, String)>,
    ) -> Report {
        let mut report = Report::begin(discovery_errors, skipped);
        for r in results {
            report.add(r);
        }
        report
    }

    /// Whether `path` (a source, or a message file of a Maildir) is mail: its items
    /// count messages, and its fields are mail parts.
    pub fn is_mail(&self, path: &str) -> bool {
        is_mail_source(&self.summary.sources, path)
    }

    /// Work out the coverage from the summary: after scanning, and for a saved report
    /// (whose coverage may be missing or from an older version).
    pub fn refresh_coverage(&mut self) {
        self.coverage = Coverage::of(&self.summary);
    }

    /// An empty report to which scan results are added as they come.
    pub fn begin(discovery_errors: Vec<SourceError>, skipped: Vec<(String, String)>) -> Report {
        let summary = Summary {
            files: 0,
            bytes: 0,
            records: 0,
            messages: 0,
            findings: 0,
            by_severity: BTreeMap::new(),
            by_category: BTreeMap::new(),
            errors: discovery_errors.into_iter().map(ErrorEntry::from).collect(),
            warnings: Vec::new(),
            skipped: skipped
                .into_iter()
                .map(|(path, error)| ErrorEntry { path, error })
                .collect(),
            sources: Vec::new(),
            fingerprint_key_id: None,
            baseline: None,
            allowlist: Vec::new(),
        };
        Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: "gdpr-audit".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                rules_version: crate::rules::PACK_VERSION.into(),
            },
            coverage: Coverage::default(),
            summary,
            inventory: Vec::new(),
            findings: crate::store::FindingStore::new(),
            todo: Vec::new(),
            violations: Vec::new(),
            record_names: BTreeMap::new(),
            columns: BTreeMap::new(),
            groups: Some(FindingGroups::new()),
        }
    }

    /// Add one file's results (in path order): only its findings' store grows; the
    /// rest are aggregates.
    pub fn add(&mut self, r: FileResult) {
        let summary = &mut self.summary;
        summary.files += 1;
        summary.bytes += r.summary.bytes;
        summary.records += r.summary.records;
        summary.messages += r.summary.messages;
        summary.findings += r.finding_counts.values().sum::<u64>();
        summary
            .errors
            .extend(r.errors.into_iter().map(ErrorEntry::from));
        summary
            .warnings
            .extend(r.warnings.into_iter().map(ErrorEntry::from));
        for (row, name) in r.record_names {
            self.record_names
                .insert((r.summary.path.clone(), row), name);
        }
        summary.skipped.extend(
            r.skipped
                .into_iter()
                .map(|(path, error)| ErrorEntry { path, error }),
        );
        if !r.columns.is_empty() {
            self.columns.insert(r.summary.path.clone(), r.columns);
        }
        summary.sources.push(r.summary);
        self.inventory.extend(r.inventory);
        self.violations.extend(r.violations);
        for (k, n) in r.by_severity {
            *summary.by_severity.entry(k).or_default() += n;
        }
        for (k, n) in r.by_category {
            *summary.by_category.entry(k).or_default() += n;
        }
        self.findings.append(r.findings);
        if let Some(g) = self.groups.as_mut() {
            g.merge(r.groups);
        }
    }

    /// Recount `by_severity`, `by_category` and the to-do groups from the findings
    /// held (after an allowlist or baseline removed some). `summary.findings` keeps
    /// the exact count, which can be higher when per-rule caps stopped storing
    /// findings.
    pub fn refresh_counts(&mut self) {
        let mut regroup = Regroup::new(&self.summary.sources, &self.inventory);
        let mut by_severity = BTreeMap::new();
        let mut by_category = BTreeMap::new();
        for f in &self.findings {
            *by_severity.entry(f.severity).or_default() += 1;
            *by_category.entry(f.category).or_default() += 1;
            regroup.add(&f);
        }
        self.groups = Some(regroup.groups);
        self.summary.by_severity = by_severity;
        self.summary.by_category = by_category;
    }

    /// The findings counted by to-do item: kept from the scan, or counted now
    /// (a saved report, or findings replaced since).
    pub fn finding_groups(&self) -> std::borrow::Cow<'_, FindingGroups> {
        match &self.groups {
            Some(g) if g.total() == self.findings.len() => std::borrow::Cow::Borrowed(g),
            _ => std::borrow::Cow::Owned(FindingGroups::from_report(self)),
        }
    }

    /// The findings counted by to-do item, given up (the plan moves their records
    /// into its items); counted now if they were not kept.
    pub fn take_finding_groups(&mut self) -> FindingGroups {
        match self.groups.take() {
            Some(g) if g.total() == self.findings.len() => g,
            _ => FindingGroups::from_report(self),
        }
    }

    /// The most severe finding, if any (from the counts, not the findings).
    pub fn worst_severity(&self) -> Option<Severity> {
        self.summary
            .by_severity
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, _)| *s)
            .max()
    }
}

/// Whether `path` belongs to a mail source (mbox, .eml, Maildir, Outlook) among `sources`.
pub fn is_mail_source(sources: &[SourceSummary], path: &str) -> bool {
    let owner = crate::source::owning_source(path, sources.iter().map(|s| s.path.as_str()));
    sources.iter().find(|s| s.path == owner).is_some_and(|s| {
        matches!(
            s.kind.as_str(),
            "mbox" | "eml" | "maildir" | "msg" | "pst" | "ost"
        )
    })
}
