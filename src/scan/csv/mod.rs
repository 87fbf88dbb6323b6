//! One CSV export: read batches on one thread while the previous batch is scanned
//! on all of them; profile the columns on the first batch; then classify.

use super::char_cursor::CharCursor;
use super::{MatcherPool, Matchers, ScanOptions, clip};
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

mod header_row;
mod merge;
use std::collections::BTreeMap;

const BATCH_ROWS: usize = 4096;
const BATCH_BYTES: usize = 2 * 1024 * 1024;
const CHUNK_ROWS: usize = 256;
/// A batch this large is not read ahead while it is scanned (see `scan_csv`).
const SEQUENTIAL_BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Ragged-record errors listed per file; the rest are counted.
const MAX_ROW_ERRORS: usize = 20;

/// A match in one cell, with the value cut out (the only per-match allocation).
/// `None`: past the per-rule cap in its column, so it can only be counted (see
/// [`ListBudget`]): no value is copied, masked, fingerprinted or encoded.
struct CellHit {
    row: u64,
    col: usize,
    m: Match,
    start: usize,
    end: usize,
    value: Option<String>,
}

/// `--max-findings-per-rule` bounds work, not only output. A file lists the first
/// `cap` findings of a rule; each of them is among the first `cap` of its rule in
/// its own column, so a run of rows needs to make findings of only those: every
/// later hit of the same rule and column is counted and nothing more.
struct ListBudget<'a> {
    maker: &'a crate::classify::FindingMaker,
    cap: usize,
    used: std::collections::HashMap<(usize, usize), usize>,
}

impl ListBudget<'_> {
    /// May this hit still become a listed finding? Hits that `--min-confidence`
    /// drops do not use up the budget.
    fn take(&mut self, m: &Match, col: usize) -> bool {
        if !self.maker.keeps(m) {
            return true;
        }
        let n = self.used.entry((m.rule, col)).or_default();
        *n += 1;
        *n <= self.cap
    }
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
    /// A finding past the cap: counted exactly, never listed.
    Counted {
        col: usize,
        free_text: bool,
        rule: usize,
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
        let free_text = role == FieldRole::FreeText;
        let Some(value) = hit.value else {
            return Some(HitOutcome::Counted {
                col: hit.col,
                free_text,
                rule: hit.m.rule,
            });
        };
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
            .make(self.rules, &hit.m, &value, self.path, loc, None);
        Some(HitOutcome::Finding {
            col: hit.col,
            free_text,
            finding: EncodedFinding::new(finding),
        })
    }
}

/// What every chunk of one file is scanned with, besides the rows.
struct ChunkCtx<'a> {
    maker: &'a crate::classify::FindingMaker,
    /// `--max-findings-per-rule`.
    cap: usize,
    /// The policy's `id_field` column: its value names a record with hits.
    id_col: Option<usize>,
    /// Columns of the header row, all of them (a record with another count is
    /// ragged), where `headers` holds at most `--max-columns`.
    columns: usize,
    /// `--max-field-size`.
    max_field: usize,
    /// The policy's per-record checks, if any.
    checker: Option<&'a RecordChecker>,
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
    /// (row, `id_field` value) of the records with hits.
    names: Vec<(u64, String)>,
}

fn scan_chunk(
    rows: &[CsvRecord],
    headers: &[String],
    matcher: &mut Matcher,
    profile: bool,
    classifier: Option<&Classifier<'_>>,
    ctx: &ChunkCtx<'_>,
) -> ChunkOut {
    let (maker, cap, max_field, checker) = (ctx.maker, ctx.cap, ctx.max_field, ctx.checker);
    let ncols = headers.len();
    let mut budget = ListBudget {
        maker,
        cap,
        used: std::collections::HashMap::new(),
    };
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
        if rec.fields.len() != ctx.columns {
            out.ragged.push((rec.number, rec.fields.len()));
        }
        let hits_before = out.hits.len() + out.classified.len();
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
            // Columns past the header (or past --max-columns) have no name to count
            // as context: one empty name keeps the matcher's memo of names small.
            let header: &str = headers.get(col).map_or("", |h| h.as_str());
            if col < ncols && !text.trim().is_empty() {
                out.non_empty[col] += 1;
            }
            matcher.scan(text, header, &mut matches);
            if profile && col < ncols {
                out.profiles[col].observe(text, &matches, matcher.rules());
            }
            let mut chars = CharCursor::new(text);
            for m in &matches {
                let (start, end) = chars.span(m.start, m.end);
                let listable = budget.take(m, col);
                let hit = CellHit {
                    row: rec.number,
                    col,
                    m: *m,
                    start,
                    end,
                    value: listable.then(|| text[m.start..m.end].to_string()),
                };
                match classifier {
                    Some(c) => out.classified.extend(c.classify(hit)),
                    None => out.hits.push(hit),
                }
            }
        }
        if out.hits.len() + out.classified.len() > hits_before {
            let id = ctx.id_col.and_then(|i| rec.fields.get(i));
            if let Some(id) = id.filter(|v| !v.is_empty()) {
                out.names
                    .push((rec.number, String::from_utf8_lossy(id).into_owned()));
            }
        }
    }
    out
}

fn scan_batch(
    batch: &[CsvRecord],
    headers: &[String],
    pool: &MatcherPool,
    profile: bool,
    classifier: Option<&Classifier<'_>>,
    ctx: &ChunkCtx<'_>,
) -> Vec<ChunkOut> {
    batch
        .par_chunks(CHUNK_ROWS)
        .map(|rows| pool.with(|m| scan_chunk(rows, headers, m, profile, classifier, ctx)))
        .collect()
}

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
    if opts.no_header || pool.with(|m| header_row::looks_like_data(&reader.headers, m)) {
        reader.first_row_is_data();
        if !opts.no_header {
            result
                .warnings
                .push(SourceError::new(&source.display, super::FIRST_ROW_IS_DATA));
        }
    } else {
        reader.first_row_is_names();
    }
    if reader.columns > reader.headers.len() {
        result.warnings.push(SourceError::new(
            &source.display,
            format!(
                "{} columns: only the first {} are profiled and named (--max-columns); the others are scanned as free text, named column_N",
                reader.columns,
                reader.headers.len()
            ),
        ));
    }
    let headers = reader.headers.clone();
    // Column names are printed in every report: an identifier a rule finds in one
    // is masked (words such as `diagnos` stay: they name the column).
    let shown_headers: Vec<String> = pool.with(|m| {
        headers
            .iter()
            .map(|h| {
                super::mail_meta::shown_where(m, h, "", opts, |x| header_row::is_value_like(h, x))
            })
            .collect()
    });
    let policy = opts.policy_for(source);
    let checker = policy.map(|p| RecordChecker::for_csv(p, &headers, opts.as_of));
    if let Some(c) = &checker {
        for w in c.warnings() {
            result.warnings.push(SourceError::new(&source.display, w));
        }
    }
    let checker = checker.filter(RecordChecker::is_active);
    let id_field = policy.and_then(|p| p.id_field.as_deref());
    let chunk_ctx = ChunkCtx {
        maker: &opts.maker,
        cap: opts.limits.max_findings_per_rule_and_file,
        id_col: id_field.and_then(|f| headers.iter().position(|h| h == f)),
        columns: reader.columns,
        max_field: opts.limits.max_field_bytes,
        checker: checker.as_ref(),
    };
    let max_field = opts.limits.max_field_bytes;
    let mut merge = Merge {
        result,
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
        rules,
        columns: reader.columns,
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
        let scan = |batch: &[CsvRecord]| {
            scan_batch(
                batch,
                &headers,
                pool,
                classifier.is_none(),
                classifier,
                &chunk_ctx,
            )
        };
        let records = batch.len() as u64;
        let bytes: usize = batch.iter().map(|r| r.fields.as_slice().len()).sum();
        let (chunks, read) = if bytes >= SEQUENTIAL_BATCH_BYTES {
            // A huge record (a million columns): scan it, let it go, then read the
            // next, so only one is ever in memory.
            let chunks = scan(&batch);
            batch.clear();
            (
                chunks,
                more.then(|| reader.read_batch(&mut next, BATCH_ROWS, BATCH_BYTES)),
            )
        } else {
            rayon::join(
                || scan(&batch),
                || more.then(|| reader.read_batch(&mut next, BATCH_ROWS, BATCH_BYTES)),
            )
        };
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
        headers: &shown_headers,
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
        &shown_headers,
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
            p.add(q);
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
