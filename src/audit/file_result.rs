//! What scanning one source yields, as the audit adds it up: the source's summary
//! line, its findings (in order), inventory, errors and per-record violations.

use super::{FindingGroups, Violation};
use crate::finding::InventoryEntry;
use crate::model::Exposure;
use crate::source::{Source, SourceError, SourceKind};
use crate::store::EncodedFinding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What was scanned in one source, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSummary {
    pub path: String,
    pub kind: SourceKind,
    pub bytes: u64,
    pub records: u64,
    pub messages: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Outlook items by kind (`mail`, `contact`, `appointment`, ...), for .msg and
    /// .pst sources.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub items: BTreeMap<String, u64>,
}

/// A table's column as the scan read it: the name its values were matched with,
/// the name findings give it, and the category whose values are its inventory
/// (a structured column), if any.
#[derive(Debug, Clone, PartialEq)]
pub struct TableColumn {
    pub header: String,
    pub shown: String,
    pub inventory: Option<crate::model::Category>,
}

/// The result of scanning one source.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub summary: SourceSummary,
    pub findings: crate::store::FindingStore,
    /// Exact number of findings per rule, even when stored findings were capped.
    pub finding_counts: BTreeMap<String, u64>,
    pub inventory: Vec<InventoryEntry>,
    pub errors: Vec<SourceError>,
    pub warnings: Vec<SourceError>,
    /// (path, reason) for parts passed over on purpose (archive members that are
    /// not exports, chart sheets).
    pub skipped: Vec<(String, String)>,
    /// Per-record policy violations (retention, marketing consent, unreadable dates).
    pub violations: Vec<Violation>,
    /// Stored findings per severity and category, counted as they are pushed so
    /// the report need not read them back.
    pub by_severity: BTreeMap<crate::model::Severity, u64>,
    pub by_category: BTreeMap<crate::model::Category, u64>,
    /// Stored findings counted by to-do item, for the plan.
    pub groups: FindingGroups,
    /// Row → `id_field` value of the records with hits (for export-action files).
    pub record_names: BTreeMap<u64, String>,
    /// Set when this is one byte range of a file split for a sharded scan.
    pub range: Option<RangeOut>,
    /// A table's columns and their roles (empty for other sources): what checks
    /// a rewritten record the way the scan would.
    pub columns: Vec<TableColumn>,
}

/// One byte range of a file split for a sharded scan (`--shard-size`): which
/// range, the bytes it covered, and what the scan of the file needs of it to
/// make the single scan's result of the whole file (its kind's own state).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RangeOut {
    /// Range `part` (0-based) of `parts`.
    pub part: u64,
    pub parts: u64,
    /// Bytes `start..end` of the file.
    pub start: u64,
    pub end: u64,
    /// Kept as the JSON it was written as: parsed only when the file is joined.
    pub state: Box<serde_json::value::RawValue>,
}

impl FileResult {
    pub fn new(source: &Source) -> FileResult {
        FileResult {
            summary: SourceSummary {
                path: source.display.clone(),
                kind: source.kind,
                bytes: source.bytes,
                records: 0,
                messages: 0,
                encoding: None,
                delimiter: None,
                items: BTreeMap::new(),
            },
            findings: crate::store::FindingStore::new(),
            finding_counts: BTreeMap::new(),
            inventory: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            skipped: Vec::new(),
            violations: Vec::new(),
            by_severity: BTreeMap::new(),
            by_category: BTreeMap::new(),
            groups: FindingGroups::new(),
            record_names: BTreeMap::new(),
            range: None,
            columns: Vec::new(),
        }
    }

    /// Add the result of the next byte range of the same file: its findings after
    /// these, its counts added. Its first `skip_warnings` warnings are about the
    /// whole file and already here.
    pub fn append_range(&mut self, other: FileResult, skip_warnings: usize) {
        self.summary.records += other.summary.records;
        self.summary.messages += other.summary.messages;
        self.findings.append(other.findings);
        for (rule, n) in other.finding_counts {
            *self.finding_counts.entry(rule).or_default() += n;
        }
        for (k, n) in other.by_severity {
            *self.by_severity.entry(k).or_default() += n;
        }
        for (k, n) in other.by_category {
            *self.by_category.entry(k).or_default() += n;
        }
        self.groups.merge(other.groups);
        self.inventory.extend(other.inventory);
        self.errors.extend(other.errors);
        self.warnings
            .extend(other.warnings.into_iter().skip(skip_warnings));
        self.skipped.extend(other.skipped);
        self.violations.extend(other.violations);
        self.record_names.extend(other.record_names);
    }

    /// Keep a finding (encoded on a worker thread), counting it exactly and storing
    /// it up to the per-rule cap.
    pub fn push_finding(&mut self, e: EncodedFinding, exposure: Exposure, cap: usize) {
        if self.count(&e.rule, 1, cap) {
            *self.by_severity.entry(e.severity).or_default() += 1;
            *self.by_category.entry(e.category).or_default() += 1;
            self.groups.add(e.facts(), &self.summary.path, exposure);
            self.findings.push_encoded(e);
        }
    }

    /// Count `count` findings that were never made because they could not be listed.
    pub fn count_unlisted(&mut self, rule: &str, count: u64, cap: usize) {
        let _ = self.count(rule, count, cap);
    }

    /// Count `count` findings of `rule`; true while the last is within the cap.
    /// Crossing the cap is a warning.
    fn count(&mut self, rule: &str, count: u64, cap: usize) -> bool {
        let n = match self.finding_counts.get_mut(rule) {
            Some(n) => n,
            None => self.finding_counts.entry(rule.to_string()).or_default(),
        };
        let before = *n;
        *n += count;
        let n = *n;
        let cap = cap as u64;
        if before <= cap && n > cap {
            self.warnings.push(SourceError::new(
                &self.summary.path,
                format!(
                    "more than {cap} findings of rule {rule} (--max-findings-per-rule); the rest are counted, not listed"
                ),
            ));
        }
        n <= cap
    }

    /// Findings are already in their final order — records in file order, fields in
    /// column or part order, matches by position — because batches are merged in
    /// order; only the inventory needs sorting.
    pub fn finish(&mut self) {
        self.inventory
            .sort_by(|a, b| (&a.path, &a.field, a.kind).cmp(&(&b.path, &b.field, b.kind)));
        // The same attachment name in many messages is one inventory line.
        self.inventory.dedup_by(|b, a| {
            if a.path != b.path || a.field != b.field || a.kind != b.kind {
                return false;
            }
            a.values += b.values;
            for (c, n) in &b.categories {
                *a.categories.entry(*c).or_default() += n;
            }
            if let (Some(x), Some(y)) = (a.size.as_mut(), b.size) {
                *x += y;
            }
            true
        });
    }
}
