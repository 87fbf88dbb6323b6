//! The ordered side of a table scan: batches merged in row order into the file's
//! result, then the summary warnings, policy violations and inventory.

use super::{ChunkOut, Classifier, HitOutcome, MAX_ROW_ERRORS};
use crate::audit::FileResult;
use crate::classify::FieldRole;
use crate::finding::InventoryEntry;
use crate::model::{Category, Exposure, InventoryKind};
use crate::policy::{RecordChecker, RecordOutcomes, record_violations};
use crate::source::table::TableReader;
use crate::source::{Source, SourceError};
use std::collections::BTreeMap;

/// Per-column totals for the inventory.
pub(super) struct ColumnTotals {
    pub non_empty: u64,
    pub categories: BTreeMap<Category, u64>,
    pub last_counted: Option<(u64, Category)>,
}

/// One scanned batch, and the error reading the one after it, if any.
pub(super) struct BatchOut {
    pub chunks: Vec<ChunkOut>,
    pub records: u64,
    pub error: Option<SourceError>,
}

/// What the scanned batches add up to, merged in row order. The merge of one
/// batch runs while the next is scanned.
pub(super) struct Merge<'a> {
    pub result: &'a mut FileResult,
    /// The columns known so far (JSON tables add some as they go).
    pub headers: Vec<String>,
    pub totals: Vec<ColumnTotals>,
    pub outcomes: RecordOutcomes,
    pub ragged_total: usize,
    pub clipped_total: usize,
    pub max_field: usize,
    pub cap: usize,
    pub rules: &'a crate::rules::RuleSet,
    /// Fields a record should have (all header columns, also past --max-columns).
    pub width: usize,
}

impl Merge<'_> {
    /// Add a batch. `late` classifies hits still unclassified: those of the first
    /// batch, scanned before the columns' roles were known.
    pub fn absorb(&mut self, batch: BatchOut, headers: &[String], late: Option<&Classifier<'_>>) {
        if headers.len() > self.headers.len() {
            self.headers = headers.to_vec();
            self.totals.resize_with(headers.len(), || ColumnTotals {
                non_empty: 0,
                categories: BTreeMap::new(),
                last_counted: None,
            });
        }
        let path = self.result.summary.path.clone();
        self.result.summary.records += batch.records;
        for chunk in batch.chunks {
            self.outcomes.append(chunk.outcomes);
            self.result.record_names.extend(chunk.names);
            for (t, n) in self.totals.iter_mut().zip(&chunk.non_empty) {
                t.non_empty += n;
            }
            for (row, len) in chunk.ragged {
                self.ragged_total += 1;
                if self.ragged_total <= MAX_ROW_ERRORS {
                    self.result.errors.push(SourceError::new(
                        &path,
                        format!(
                            "record {row}: {len} fields where the header has {}; scanned anyway",
                            self.width
                        ),
                    ));
                }
            }
            for (row, col, len) in chunk.clipped {
                self.clipped_total += 1;
                if self.clipped_total <= MAX_ROW_ERRORS {
                    self.result.warnings.push(SourceError::new(
                        &path,
                        format!(
                            "record {row}, column {}: field of {len} bytes; only the first {} bytes scanned (--max-field-size)",
                            col + 1,
                            self.max_field
                        ),
                    ));
                }
            }
            let first: Vec<HitOutcome> = match late {
                Some(c) => chunk
                    .hits
                    .into_iter()
                    .filter_map(|h| c.classify(h))
                    .collect(),
                None => Vec::new(),
            };
            for outcome in first.into_iter().chain(chunk.classified) {
                self.add(outcome);
            }
        }
        // A read error of the batch after this one.
        self.result.errors.extend(batch.error);
    }

    fn add(&mut self, outcome: HitOutcome) {
        match outcome {
            HitOutcome::Inventory { col, row, category } => {
                let Some(t) = self.totals.get_mut(col) else {
                    return;
                };
                if t.last_counted != Some((row, category)) {
                    *t.categories.entry(category).or_default() += 1;
                    t.last_counted = Some((row, category));
                }
            }
            HitOutcome::Finding {
                col,
                free_text,
                finding,
            } => {
                let category = finding.category;
                // Free-text columns list what they turned out to hold.
                if free_text && let Some(t) = self.totals.get_mut(col) {
                    *t.categories.entry(category).or_default() += 1;
                }
                let exposure = Exposure::of(!free_text, category, false);
                self.result.push_finding(finding, exposure, self.cap);
            }
            HitOutcome::Counted {
                col,
                free_text,
                rule,
            } => {
                let rule = &self.rules.rules[rule];
                if free_text && let Some(t) = self.totals.get_mut(col) {
                    *t.categories.entry(rule.category).or_default() += 1;
                }
                self.result.count_unlisted(&rule.id, self.cap);
            }
        }
    }
}

/// Summary warnings, policy violations and the inventory, once every batch is in.
pub(super) fn finish_csv(
    source: &Source,
    headers: &[String],
    roles: &[FieldRole],
    merge: Merge<'_>,
    reader: &mut dyn TableReader,
    checker: Option<&RecordChecker>,
) {
    let Merge {
        result,
        totals,
        outcomes,
        ragged_total,
        clipped_total,
        max_field,
        ..
    } = merge;
    if clipped_total > MAX_ROW_ERRORS {
        result.warnings.push(SourceError::new(
            &source.display,
            format!(
                "{} more fields longer than {max_field} bytes (--max-field-size); only their start scanned",
                clipped_total - MAX_ROW_ERRORS
            ),
        ));
    }
    for w in reader.take_warnings() {
        result.warnings.push(SourceError::new(&source.display, w));
    }
    for e in reader.take_errors() {
        result.errors.push(SourceError::new(&source.display, e));
    }
    if ragged_total > MAX_ROW_ERRORS {
        result.errors.push(SourceError::new(
            &source.display,
            format!(
                "{} more records with the wrong number of fields; scanned anyway",
                ragged_total - MAX_ROW_ERRORS
            ),
        ));
    }
    if let Some(c) = checker {
        result
            .violations
            .extend(record_violations(&source.display, c, outcomes));
    }
    for (col, (header, t)) in headers.iter().zip(totals).enumerate() {
        let role = roles.get(col).copied().unwrap_or(FieldRole::FreeText);
        let (kind, categories) = match role {
            FieldRole::Structured(c) | FieldRole::HeaderOnly(c) => {
                let mut cats = t.categories;
                // A header-declared column whose category no pattern detects (names,
                // streets) holds that category in every non-empty value.
                let n = cats.entry(c).or_default();
                if *n == 0 {
                    *n = t.non_empty;
                }
                (InventoryKind::Structured, cats)
            }
            FieldRole::FreeText => (InventoryKind::FreeText, t.categories),
        };
        if categories.values().all(|&n| n == 0) {
            continue;
        }
        result.inventory.push(InventoryEntry {
            path: source.display.clone(),
            field: header.clone(),
            kind,
            categories,
            values: t.non_empty,
            content_type: None,
            size: None,
            decided_by: matches!(role, FieldRole::HeaderOnly(_)).then(|| "header".to_string()),
        });
    }
}
