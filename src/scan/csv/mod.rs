//! One CSV export: read batches on one thread while the previous batch is scanned
//! on all of them; profile the columns on the first batch; then classify.

use super::{MatcherPool, Matchers, ScanOptions, char_span, clip};
use crate::audit::FileResult;
use crate::classify::{ColumnProfile, FieldRole, decide};
use crate::engine::{Match, Matcher};
use crate::model::{Category, Location};
use crate::policy::{FieldDecl, RecordChecker, RecordOutcomes};
use crate::source::csv::{CsvReader, CsvRecord};
use crate::source::{Source, SourceError};
use crate::store::EncodedFinding;
use merge::{BatchOut, ColumnTotals, Merge, finish_csv};
use rayon::prelude::*;

mod merge;
use std::collections::BTreeMap;

const BATCH_ROWS: usize = 4096;
const BATCH_BYTES: usize = 2 * 1024 * 1024;
const CHUNK_ROWS: usize = 256;
/// Ragged-record errors listed per file; the rest are counted.
const MAX_ROW_ERRORS: usize = 20;

/// A match in one cell, with the value cut out (the only per-match allocation).
struct CellHit {
    row: u64,
    col: usize,
    m: Match,
    start: usize,
    end: usize,
    value: String,
}

/// A hit once its column's role is known.
enum HitOutcome {
    /// A match of the column's own category: counted once per record.
    Inventory {
        col: usize,
        row: u64,
        category: Category,
    },
    /// A finding, ready to store; `free_text` columns list what they hold.
    Finding {
        col: usize,
        free_text: bool,
        finding: EncodedFinding,
    },
}

/// What classification needs, shared by all threads.
struct Classifier<'a> {
    roles: &'a [FieldRole],
    headers: &'a [String],
    rules: &'a crate::rules::RuleSet,
    opts: &'a ScanOptions,
    path: &'a str,
}

impl Classifier<'_> {
    /// Inventory or finding (masked and fingerprinted here, on the worker threads).
    fn classify(&self, hit: CellHit) -> Option<HitOutcome> {
        let category = self.rules.rules[hit.m.rule].category;
        let role = self
            .roles
            .get(hit.col)
            .copied()
            .unwrap_or(FieldRole::FreeText);
        if role.is_inventory(category) {
            return Some(HitOutcome::Inventory {
                col: hit.col,
                row: hit.row,
                category,
            });
        }
        if !self.opts.maker.keeps(&hit.m) {
            return None;
        }
        let column = self
            .headers
            .get(hit.col)
            .cloned()
            .unwrap_or_else(|| format!("column_{}", hit.col + 1));
        let loc = Location::Csv {
            row: hit.row,
            column,
            start: hit.start,
            end: hit.end,
        };
        let finding = self
            .opts
            .maker
            .make(self.rules, &hit.m, &hit.value, self.path, loc, None);
        Some(HitOutcome::Finding {
            col: hit.col,
            free_text: role == FieldRole::FreeText,
            finding: EncodedFinding::new(finding),
        })
    }
}

/// What scanning a run of rows produced, in row order.
#[derive(Default)]
struct ChunkOut {
    /// Hits not yet classified (the first batch, before the columns are profiled).
    hits: Vec<CellHit>,
    /// Hits classified on the worker thread (every later batch).
    classified: Vec<HitOutcome>,
    non_empty: Vec<u64>,
    profiles: Vec<ColumnProfile>,
    ragged: Vec<(u64, usize)>,
    clipped: Vec<(u64, usize, usize)>,
    outcomes: RecordOutcomes,
}

fn scan_chunk(
    rows: &[CsvRecord],
    headers: &[String],
    matcher: &mut Matcher,
    max_field: usize,
    profile: bool,
    checker: Option<&RecordChecker>,
    classifier: Option<&Classifier<'_>>,
) -> ChunkOut {
    let ncols = headers.len();
    let mut out = ChunkOut {
        non_empty: vec![0; ncols],
        profiles: vec![ColumnProfile::default(); if profile { ncols } else { 0 }],
        ..Default::default()
    };
    let mut matches = Vec::new();
    for rec in rows {
        if let Some(c) = checker {
            let field = |i: usize| rec.fields.get(i).and_then(|b| std::str::from_utf8(b).ok());
            c.check_row(rec.number, &field, &mut out.outcomes);
        }
        if rec.fields.len() != ncols {
            out.ragged.push((rec.number, rec.fields.len()));
        }
        for (col, raw) in rec.fields.iter().enumerate() {
            if raw.is_empty() {
                continue;
            }
            let lossy;
            let text: &str = match std::str::from_utf8(raw) {
                Ok(t) => t,
                Err(_) => {
                    lossy = String::from_utf8_lossy(raw).into_owned();
                    &lossy
                }
            };
            let text = if text.len() > max_field {
                out.clipped.push((rec.number, col, text.len()));
                clip(text, max_field)
            } else {
                text
            };
            let extra_name;
            let header: &str = match headers.get(col) {
                Some(h) => h,
                None => {
                    extra_name = format!("column_{}", col + 1);
                    &extra_name
                }
            };
            if col < ncols && !text.trim().is_empty() {
                out.non_empty[col] += 1;
            }
            matcher.scan(text, header, &mut matches);
            if profile && col < ncols {
                out.profiles[col].observe(text, &matches, matcher.rules());
            }
            for m in &matches {
                let (start, end) = char_span(text, m.start, m.end);
                let hit = CellHit {
                    row: rec.number,
                    col,
                    m: *m,
                    start,
                    end,
                    value: text[m.start..m.end].to_string(),
                };
                match classifier {
                    Some(c) => out.classified.extend(c.classify(hit)),
                    None => out.hits.push(hit),
                }
            }
        }
    }
    out
}

fn scan_batch(
    batch: &[CsvRecord],
    headers: &[String],
    pool: &MatcherPool,
    max_field: usize,
    profile: bool,
    checker: Option<&RecordChecker>,
    classifier: Option<&Classifier<'_>>,
) -> Vec<ChunkOut> {
    batch
        .par_chunks(CHUNK_ROWS)
        .map(|rows| {
            pool.with(|m| scan_chunk(rows, headers, m, max_field, profile, checker, classifier))
        })
        .collect()
}

// Over 80 lines: the batch pipeline (read the next batch while the last is classified, merge in order) with its interruption and error handling in one place.
pub(super) fn scan_csv(
    source: &Source,
    (pool, rules): Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
) {
    let mut reader = match CsvReader::open(source, &opts.limits, opts.delimiter) {
        Ok(r) => r,
        Err(e) => {
            result.errors.push(e);
            return;
        }
    };
    result.summary.encoding = Some(reader.encoding.name().to_string());
    result.summary.delimiter = Some(match reader.delimiter {
        b'\t' => "tab".to_string(),
        d => (d as char).to_string(),
    });
    let headers = reader.headers.clone();
    let policy = opts.policy_for(source);
    let checker = policy.map(|p| RecordChecker::for_csv(p, &headers, opts.as_of));
    if let Some(c) = &checker {
        for w in c.warnings() {
            result.warnings.push(SourceError::new(&source.display, w));
        }
    }
    let checker = checker.filter(RecordChecker::is_active);
    let max_field = opts.limits.max_field_bytes;
    let mut merge = Merge {
        result,
        headers: &headers,
        totals: headers
            .iter()
            .map(|_| ColumnTotals {
                non_empty: 0,
                categories: BTreeMap::new(),
                last_counted: None,
            })
            .collect(),
        outcomes: RecordOutcomes::default(),
        ragged_total: 0,
        clipped_total: 0,
        max_field,
        cap: opts.limits.max_findings_per_rule_and_file,
    };
    let mut batch = Vec::new();
    let mut next = Vec::new();
    let mut more = match reader.read_batch(&mut batch, BATCH_ROWS, BATCH_BYTES) {
        Ok(m) => m,
        Err(e) => {
            merge.result.errors.push(e);
            false
        }
    };
    // Scan the current batch on all threads while the next one is read.
    let mut step = |classifier: Option<&Classifier<'_>>| -> Option<BatchOut> {
        if batch.is_empty() || crate::interrupt::is_interrupted() {
            return None;
        }
        let (chunks, read) = rayon::join(
            || {
                scan_batch(
                    &batch,
                    &headers,
                    pool,
                    max_field,
                    classifier.is_none(),
                    checker.as_ref(),
                    classifier,
                )
            },
            || more.then(|| reader.read_batch(&mut next, BATCH_ROWS, BATCH_BYTES)),
        );
        let records = batch.len() as u64;
        let error = match read {
            Some(Ok(m)) => {
                more = m;
                None
            }
            Some(Err(e)) => {
                more = false;
                Some(e)
            }
            None => {
                // Nothing was read: what `next` holds is an old batch.
                next.clear();
                None
            }
        };
        std::mem::swap(&mut batch, &mut next);
        Some(BatchOut {
            chunks,
            records,
            error,
        })
    };
    // The first batch decides the columns' roles; its hits are classified while
    // the second batch is scanned.
    let first = step(None);
    let roles = first
        .as_ref()
        .map(|first| decide_roles(&headers, &first.chunks, policy, rules))
        .unwrap_or_default();
    let classifier = Classifier {
        roles: &roles,
        headers: &headers,
        rules,
        opts,
        path: &source.display,
    };
    super::overlapped(
        first,
        || step(Some(&classifier)),
        |out| merge.absorb(out, Some(&classifier)),
    );
    finish_csv(
        source,
        &headers,
        &roles,
        merge,
        &mut reader,
        checker.as_ref(),
    );
}

/// Each column's role: what the policy file declares, else what its header and the
/// values of the first batch suggest.
fn decide_roles(
    headers: &[String],
    chunks: &[ChunkOut],
    policy: Option<&crate::policy::SourcePolicy>,
    rules: &crate::rules::RuleSet,
) -> Vec<FieldRole> {
    let mut profiles = vec![ColumnProfile::default(); headers.len()];
    for c in chunks {
        for (p, q) in profiles.iter_mut().zip(&c.profiles) {
            p.non_empty += q.non_empty;
            for (cat, n) in &q.whole {
                *p.whole.entry(*cat).or_default() += n;
            }
        }
    }
    headers
        .iter()
        .zip(&profiles)
        .map(|(h, p)| match policy.and_then(|p| p.field_decl(h)) {
            Some(FieldDecl::Category(c)) => FieldRole::Structured(c),
            Some(FieldDecl::FreeText | FieldDecl::NotPersonal) => FieldRole::FreeText,
            None => decide(h, p, rules),
        })
        .collect()
}
