//! The ordered side of a table scan: batches merged in row order into the file's
//! result, then the summary warnings, policy violations and inventory.

use super::{ChunkOut, Classifier, HitOutcome, MAX_ROW_ERRORS};
use crate::audit::FileResult;
use crate::classify::FieldRole;
use crate::finding::InventoryEntry;
use crate::model::{Category, Exposure, InventoryKind};
use crate::policy::{RecordChecker, RecordOutcomes, record_violations};
use crate::source::SourceError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-column totals for the inventory.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ColumnTotals {
    pub non_empty: u64,
    pub categories: BTreeMap<Category, u64>,
    /// Inventory matches are counted once per record (records never straddle
    /// the byte ranges of a split file, so totals of ranges add up).
    #[serde(skip)]
    pub last_counted: Option<(u64, Category)>,
}

/// What a table's rows add up to besides findings: the inventory's totals, the
/// per-record policy outcomes, and the records worth an error or a warning (the
/// first [`MAX_ROW_ERRORS`] of each listed). The byte ranges of a split file add
/// theirs up in order ([`TableTally::append`]) into the single scan's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct TableTally {
    pub totals: Vec<ColumnTotals>,
    pub outcomes: RecordOutcomes,
    /// (record, fields) of ragged records, and how many there were.
    pub ragged: Vec<(u64, usize)>,
    pub ragged_total: usize,
    /// (record, column, bytes) of fields cut at `--max-field-size`.
    pub clipped: Vec<(u64, usize, usize)>,
    pub clipped_total: usize,
    /// Errors reading the table (they end it).
    pub read_errors: Vec<String>,
}

impl TableTally {
    /// Add the tally of the rows that follow.
    pub fn append(&mut self, other: TableTally) {
        if other.totals.len() > self.totals.len() {
            self.totals
                .resize_with(other.totals.len(), ColumnTotals::default);
        }
        for (t, o) in self.totals.iter_mut().zip(other.totals) {
            t.non_empty += o.non_empty;
            for (c, n) in o.categories {
                *t.categories.entry(c).or_default() += n;
            }
        }
        self.outcomes.append(other.outcomes);
        self.ragged.extend(other.ragged);
        self.ragged.truncate(MAX_ROW_ERRORS);
        self.ragged_total += other.ragged_total;
        self.clipped.extend(other.clipped);
        self.clipped.truncate(MAX_ROW_ERRORS);
        self.clipped_total += other.clipped_total;
        self.read_errors.extend(other.read_errors);
    }
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
    pub tally: TableTally,
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
            self.tally
                .totals
                .resize_with(headers.len(), ColumnTotals::default);
        }
        self.result.summary.records += batch.records;
        for chunk in batch.chunks {
            let tally = &mut self.tally;
            tally.outcomes.append(chunk.outcomes);
            self.result.record_names.extend(chunk.names);
            for (t, n) in tally.totals.iter_mut().zip(&chunk.non_empty) {
                t.non_empty += n;
            }
            tally.ragged_total += chunk.ragged.len();
            tally.ragged.extend(chunk.ragged);
            tally.ragged.truncate(MAX_ROW_ERRORS);
            tally.clipped_total += chunk.clipped.len();
            tally.clipped.extend(chunk.clipped);
            tally.clipped.truncate(MAX_ROW_ERRORS);
            // The first batch's hits, classified now that its columns are known:
            // one at a time (one wide field can hold a hundred thousand).
            if let Some(c) = late {
                for h in chunk.hits {
                    if let Some(outcome) = c.classify(h) {
                        self.add(outcome);
                    }
                }
            }
            for outcome in chunk.classified {
                self.add(outcome);
            }
        }
        // A read error of the batch after this one.
        self.tally
            .read_errors
            .extend(batch.error.map(|e| e.message));
    }

    fn add(&mut self, outcome: HitOutcome) {
        match outcome {
            HitOutcome::Inventory { col, row, category } => {
                let Some(t) = self.tally.totals.get_mut(col) else {
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
                if free_text && let Some(t) = self.tally.totals.get_mut(col) {
                    *t.categories.entry(category).or_default() += 1;
                }
                let exposure = Exposure::of(!free_text, category, false);
                self.result.push_finding(finding, exposure, self.cap);
            }
            HitOutcome::Counted {
                col,
                free_text,
                rule,
                count,
            } => {
                let rule = &self.rules.rules[rule];
                if free_text && let Some(t) = self.tally.totals.get_mut(col) {
                    *t.categories.entry(rule.category).or_default() += count;
                }
                self.result.count_unlisted(&rule.id, count, self.cap);
            }
        }
    }
}

/// What a table's reader says about the whole table once its rows are read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ReaderEnd {
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

/// The table as the scan leaves it for its summary: columns, roles, tally.
struct TableEnd<'a> {
    pub display: &'a str,
    /// The columns as reports show them, and their roles.
    pub headers: &'a [String],
    pub roles: &'a [FieldRole],
    pub tally: TableTally,
    /// Fields a record should have, and `--max-field-size`, for the messages.
    pub width: usize,
    pub max_field: usize,
}

/// A table's rows once scanned: what its summary is made of.
pub(super) struct Rows {
    pub tally: TableTally,
    /// The columns as reports show them, and their roles.
    pub shown: Vec<String>,
    pub roles: Vec<FieldRole>,
    /// The column names values were matched with.
    pub headers: Vec<String>,
    pub checker: Option<RecordChecker>,
    pub width: usize,
    pub max_field: usize,
}

impl Rows {
    /// The summary warnings, policy violations and inventory of the table.
    pub fn finish(self, display: &str, reader: ReaderEnd, result: &mut FileResult) {
        result.columns = self
            .shown
            .iter()
            .enumerate()
            .map(|(i, shown)| crate::audit::TableColumn {
                header: self.headers.get(i).cloned().unwrap_or_default(),
                shown: shown.clone(),
                inventory: match self.roles.get(i) {
                    Some(FieldRole::Structured(c) | FieldRole::HeaderOnly(c)) => Some(*c),
                    _ => None,
                },
            })
            .collect();
        let end = TableEnd {
            display,
            headers: &self.shown,
            roles: &self.roles,
            tally: self.tally,
            width: self.width,
            max_field: self.max_field,
        };
        finish_table(end, reader, self.checker.as_ref(), result);
    }
}

/// Summary warnings, policy violations and the inventory, once every batch is in.
fn finish_table(
    end: TableEnd<'_>,
    reader: ReaderEnd,
    checker: Option<&RecordChecker>,
    result: &mut FileResult,
) {
    let TableEnd {
        display,
        headers,
        roles,
        tally,
        width,
        max_field,
    } = end;
    for (row, col, len) in &tally.clipped {
        result.warnings.push(SourceError::new(
            display,
            format!(
                "record {row}, column {}: field of {len} bytes; only the first {max_field} bytes scanned (--max-field-size)",
                col + 1
            ),
        ));
    }
    if tally.clipped_total > MAX_ROW_ERRORS {
        result.warnings.push(SourceError::new(
            display,
            format!(
                "{} more fields longer than {max_field} bytes (--max-field-size); only their start scanned",
                tally.clipped_total - MAX_ROW_ERRORS
            ),
        ));
    }
    for w in reader.warnings {
        result.warnings.push(SourceError::new(display, w));
    }
    for (row, len) in &tally.ragged {
        result.errors.push(SourceError::new(
            display,
            format!("record {row}: {len} fields where the header has {width}; scanned anyway"),
        ));
    }
    for e in tally.read_errors.into_iter().chain(reader.errors) {
        result.errors.push(SourceError::new(display, e));
    }
    if tally.ragged_total > MAX_ROW_ERRORS {
        result.errors.push(SourceError::new(
            display,
            format!(
                "{} more records with the wrong number of fields; scanned anyway",
                tally.ragged_total - MAX_ROW_ERRORS
            ),
        ));
    }
    if let Some(c) = checker {
        result
            .violations
            .extend(record_violations(display, c, tally.outcomes));
    }
    inventory(display, headers, roles, tally.totals, result);
}

/// The inventory lines of a table's columns.
fn inventory(
    display: &str,
    headers: &[String],
    roles: &[FieldRole],
    totals: Vec<ColumnTotals>,
    result: &mut FileResult,
) {
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
            path: display.to_string(),
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
