//! Partial reports: what one shard of a sharded scan (`scan --shard K/N`) hands to
//! `merge`. A partial is the per-file results of the scan, serialized as JSON
//! Lines — a `partial` header naming the scan and the shard, then per result (a file;
//! a workbook's sheet, an archive's member) a `file` line (its summary, counts, inventory, errors, violations and to-do
//! groups) followed by its `finding` lines (each finding's bytes as the report
//! will hold them, without their layout), then an `end` line. Everything a file contributes is
//! decided within the file, so the merge is the single scan's own assembly of
//! per-file results, in the order discovery gave the files.

mod merge;
mod read;

pub use merge::{MergeError, Parts};
pub use read::PartReader;

use super::{
    ErrorEntry, FileResult, FindingGroups, Group, RangeOut, SourceSummary, ToolInfo, Violation,
};
use crate::finding::InventoryEntry;
use crate::model::{Action, Category, Severity};
use crate::source::SourceError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Version of the partial format; `merge` refuses parts of another.
pub const PARTIAL_FORMAT: u32 = 2;

/// What makes two shards parts of one scan: the same tool and rules, the same
/// policy file and fingerprint key, the same options, and the same inputs found
/// the same way. Only fingerprints: a partial never holds the config or the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanIdentity {
    pub tool: ToolInfo,
    /// Hash of the rule files' text.
    pub rules: String,
    /// Hash of the policy file, if one was used.
    pub config: Option<String>,
    /// The fingerprint key's public id (a hash of the key, never the key): equal
    /// exactly when the keys are.
    pub key: String,
    /// Hash of the options that change what a scan reports.
    pub options: String,
    /// The paths scanned, as given (and `--files-from`'s).
    pub inputs: Vec<String>,
    /// How many sources discovery found, and a hash of them (path, kind, size)
    /// with what it could not read or skipped.
    pub sources: u64,
    pub discovery: String,
    /// What the shards scan between them: whole files and the byte ranges of the
    /// files larger than `--shard-size` (which is in `options`).
    pub units: u64,
}

impl ScanIdentity {
    /// The first field in which `other` differs, for the error message.
    pub fn difference(&self, other: &ScanIdentity) -> Option<&'static str> {
        if self.tool != other.tool {
            Some("tool or rule-pack version")
        } else if self.rules != other.rules {
            Some("rules")
        } else if self.config != other.config {
            Some("policy config")
        } else if self.key != other.key {
            Some("fingerprint key (give every shard the same GDPR_AUDIT_KEY or --key-file)")
        } else if self.options != other.options {
            Some("scan options")
        } else if self.inputs != other.inputs {
            Some("inputs")
        } else if self.sources != other.sources
            || self.discovery != other.discovery
            || self.units != other.units
        {
            Some("files found in the inputs")
        } else {
            None
        }
    }
}

/// The first line of a partial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    pub format: u32,
    pub scan: ScanIdentity,
    /// This part is shard `shard` of `shards` (1-based).
    pub shard: u64,
    pub shards: u64,
    /// What discovery could not read, and what it skipped: every shard finds the
    /// same, and the report lists it once.
    pub discovery_errors: Vec<ErrorEntry>,
    pub skipped: Vec<ErrorEntry>,
    /// The date the per-record checks used (`--as-of`): the merge checks the
    /// records of a file split into byte ranges as the single scan does.
    pub as_of: String,
    /// `--max-findings-per-rule`, which the byte ranges of a split file share.
    pub max_findings_per_rule: u64,
    /// `--show-values`: how the merge shows the `id_field` values of a split
    /// file's violations.
    pub show_values: bool,
}

/// One file's result without its findings (they follow on lines of their own).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartFile {
    /// The place among all sources discovery found of the source this result is
    /// of (a workbook or an archive gives several results, in order).
    pub index: u64,
    pub summary: SourceSummary,
    pub finding_counts: BTreeMap<String, u64>,
    pub inventory: Vec<InventoryEntry>,
    pub errors: Vec<ErrorEntry>,
    pub warnings: Vec<ErrorEntry>,
    /// Parts passed over on purpose (archive members that are not exports, ...).
    #[serde(default)]
    pub skipped: Vec<ErrorEntry>,
    pub violations: Vec<Violation>,
    pub by_severity: BTreeMap<Severity, u64>,
    pub by_category: BTreeMap<Category, u64>,
    pub groups: Vec<GroupRow>,
    /// How many `finding` lines follow.
    pub findings: u64,
    /// One byte range of a file split across shards (`--shard-size`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<RangeOut>,
}

/// One to-do group of a file, as [`FindingGroups::iter`] gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub source: String,
    pub field: String,
    pub action: Action,
    pub category: Category,
    pub count: u64,
    /// The sum's exact bits: the merged to-do scores are the single scan's.
    pub confidence_sum_bits: u64,
    pub records: Vec<u64>,
    pub messages: BTreeSet<String>,
    pub rule: String,
    pub exposure_free: bool,
}

/// The last line: what the part holds, so a part cut short is caught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartEnd {
    /// Units of the scan this shard covered: whole sources (a source may give no
    /// result, or several) and byte ranges of split ones.
    pub sources: u64,
    pub files: u64,
    pub findings: u64,
}

/// One line of a partial.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartLine {
    Partial(Box<PartHeader>),
    File(Box<PartFile>),
    End(PartEnd),
}

/// How a finding's line starts: `{"finding":` then the finding's encoded bytes
/// made compact ([`crate::store::compact`]), then `}`. Written and read as bytes,
/// so the finding is never parsed and comes back exactly as it was encoded.
pub const FINDING_LINE_START: &[u8] = b"{\"finding\":";

impl PartFile {
    /// A file's result as its part carries it; the clear `id_field` values
    /// (`record_names`, for export-action files only) stay behind.
    pub fn of(index: u64, r: &FileResult) -> PartFile {
        let entries = |v: &[SourceError]| v.iter().cloned().map(ErrorEntry::from).collect();
        PartFile {
            index,
            summary: r.summary.clone(),
            finding_counts: r.finding_counts.clone(),
            inventory: r.inventory.clone(),
            errors: entries(&r.errors),
            warnings: entries(&r.warnings),
            skipped: r
                .skipped
                .iter()
                .map(|(path, error)| ErrorEntry {
                    path: path.clone(),
                    error: error.clone(),
                })
                .collect(),
            violations: r.violations.clone(),
            by_severity: r.by_severity.clone(),
            by_category: r.by_category.clone(),
            groups: r
                .groups
                .iter()
                .map(|(source, field, action, category, g)| GroupRow {
                    source: source.to_string(),
                    field: field.to_string(),
                    action,
                    category,
                    count: g.count,
                    confidence_sum_bits: g.confidence_sum.to_bits(),
                    records: g.records.iter().collect(),
                    messages: g.messages.clone(),
                    rule: g.rule.to_string(),
                    exposure_free: g.exposure_free,
                })
                .collect(),
            findings: r.findings.len(),
            range: r.range.clone(),
        }
    }

    /// The file's result again, without findings (the reader adds them).
    pub fn into_result(self) -> FileResult {
        let errors = |v: Vec<ErrorEntry>| {
            v.into_iter()
                .map(|e| SourceError::new(e.path, e.error))
                .collect()
        };
        let mut groups = FindingGroups::new();
        for g in self.groups {
            let group = Group {
                count: g.count,
                confidence_sum: f64::from_bits(g.confidence_sum_bits),
                records: g.records.into(),
                messages: g.messages,
                rule: g.rule.into(),
                exposure_free: g.exposure_free,
            };
            groups.insert(&g.source, &g.field, g.action, g.category, group);
        }
        FileResult {
            summary: self.summary,
            findings: crate::store::FindingStore::new(),
            finding_counts: self.finding_counts,
            inventory: self.inventory,
            errors: errors(self.errors),
            warnings: errors(self.warnings),
            skipped: self
                .skipped
                .into_iter()
                .map(|e| (e.path, e.error))
                .collect(),
            violations: self.violations,
            by_severity: self.by_severity,
            by_category: self.by_category,
            groups,
            record_names: BTreeMap::new(),
            range: self.range,
            columns: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
