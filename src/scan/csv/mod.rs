//! One table — a CSV export, a spreadsheet sheet or a JSON export: read batches on
//! one thread while the previous batch is scanned on all of them; profile the
//! columns on the first batch; then classify. Every table-shaped format comes
//! through here, so inventory and findings are told apart the same way for all.

use super::char_cursor::CharCursor;
use super::{MatcherPool, Matchers, ScanOptions, clip};
use crate::audit::FileResult;
use crate::classify::{ColumnProfile, FieldRole};
use crate::engine::{Match, Matcher};
use crate::model::{Category, Location};
use crate::policy::{RecordChecker, RecordOutcomes};
use crate::source::csv::{CsvReader, CsvRecord};
use crate::source::table::{Locator, TableReader};
use crate::source::{Source, SourceError};
use crate::store::EncodedFinding;
use columns::{Columns, decide_roles};
use merge::{BatchOut, Merge, ReaderEnd, Rows};
use rayon::prelude::*;

mod columns;
mod header_row;
mod merge;
pub(super) mod range;

/// Two batches are in memory (one read while the other is scanned) with their
/// cells' hits: 4096 rows and 2 MiB held 8 MB more at the peak of a large zip
/// of CSVs than these, and were no faster.
const BATCH_ROWS: usize = 2048;
const BATCH_BYTES: usize = 1024 * 1024;
const CHUNK_ROWS: usize = 256;
/// A batch holding this much (its bytes and the parser's 8-byte end of each field)
/// is not read ahead while it is scanned (see `scan_rows`): only one record of a
/// million columns is in memory at a time. Batches stop at `BATCH_BYTES`, so only
/// one with a record of megabytes gets here.
const SEQUENTIAL_BATCH_BYTES: usize = 2 * BATCH_BYTES;
/// Ragged-record errors listed per file; the rest are counted.
const MAX_ROW_ERRORS: usize = 20;

/// A match in one cell, with the value cut out (the only per-match allocation).
/// `value` is `None` past the per-rule cap in its column, so it can only be counted
/// (see [`ListBudget`]): no value is copied, masked, fingerprinted or encoded, and
/// the hits of one rule in one cell past the cap are one `CellHit` with their
/// `count`, so memory does not grow with the matches the cap leaves unlisted.
struct CellHit {
    row: u64,
    col: usize,
    /// A JSON value's exact path (`emails[1].value`); `None` for CSV and sheets.
    exact: Option<String>,
    m: Match,
    start: usize,
    end: usize,
    value: Option<String>,
    /// How many hits this stands for: 1 for a listable one.
    count: u64,
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
    /// drops never do (they can only count as their column's inventory), and do
    /// not use up the budget.
    fn take(&mut self, m: &Match, col: usize) -> bool {
        if !self.maker.keeps(m) {
            return false;
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
    /// `count` findings past the cap: counted exactly, never listed.
    Counted {
        col: usize,
        free_text: bool,
        rule: usize,
        count: u64,
    },
}

/// What classification needs, shared by all threads.
struct Classifier<'a> {
    roles: &'a [FieldRole],
    headers: &'a [String],
    rules: &'a crate::rules::RuleSet,
    opts: &'a ScanOptions,
    path: &'a str,
    locator: &'a Locator,
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
                count: hit.count,
            });
        };
        let column = self
            .headers
            .get(hit.col)
            .cloned()
            .unwrap_or_else(|| format!("column_{}", hit.col + 1));
        let loc: Location =
            self.locator
                .locate(hit.row, hit.col, hit.exact, column, (hit.start, hit.end));
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

/// What every chunk of a batch is scanned with.
struct ChunkContext<'a> {
    headers: &'a [String],
    /// `--max-field-size`.
    max_field: usize,
    profile: bool,
    positional: bool,
    /// Fields a positional record should have (all header columns).
    width: usize,
    checker: Option<&'a RecordChecker>,
    classifier: Option<&'a Classifier<'a>>,
    maker: &'a crate::classify::FindingMaker,
    /// `--max-findings-per-rule`.
    cap: usize,
    /// The policy's `id_field` column: its value names a record with hits.
    id_col: Option<usize>,
}

fn scan_chunk(rows: &[CsvRecord], cx: &ChunkContext<'_>, matcher: &mut Matcher) -> ChunkOut {
    let ChunkContext {
        headers,
        max_field,
        profile,
        positional,
        width,
        checker,
        classifier,
        maker,
        cap,
        id_col,
    } = *cx;
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
    // The hits of one cell past the cap, by rule: (first match, count).
    let mut unlisted: Vec<(Match, u64)> = Vec::new();
    for rec in rows {
        if let Some(c) = checker {
            let field = |i: usize| rec.value_of(i);
            c.check_row(rec.number, &field, &mut out.outcomes);
        }
        if positional && rec.fields.len() != width {
            out.ragged.push((rec.number, rec.fields.len()));
        }
        let hits_before = out.hits.len() + out.classified.len();
        for (i, raw) in rec.fields.iter().enumerate() {
            let col = rec.column_of(i);
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
            let mut push = |hit: CellHit| match classifier {
                Some(c) => out.classified.extend(c.classify(hit)),
                None => out.hits.push(hit),
            };
            for m in &matches {
                if !budget.take(m, col) {
                    match unlisted.iter_mut().find(|(u, _)| u.rule == m.rule) {
                        Some((_, n)) => *n += 1,
                        None => unlisted.push((*m, 1)),
                    }
                    continue;
                }
                let (start, end) = chars.span(m.start, m.end);
                push(CellHit {
                    row: rec.number,
                    col,
                    exact: rec.path(i),
                    m: *m,
                    start,
                    end,
                    value: Some(text[m.start..m.end].to_string()),
                    count: 1,
                });
            }
            for (m, count) in unlisted.drain(..) {
                push(CellHit {
                    row: rec.number,
                    col,
                    exact: None,
                    m,
                    start: 0,
                    end: 0,
                    value: None,
                    count,
                });
            }
        }
        if out.hits.len() + out.classified.len() > hits_before
            && let Some(id) = id_col.and_then(|i| rec.value_of(i))
            && !id.is_empty()
        {
            out.names.push((rec.number, id.to_string()));
        }
    }
    out
}

fn scan_batch(batch: &[CsvRecord], cx: &ChunkContext<'_>, pool: &MatcherPool) -> Vec<ChunkOut> {
    batch
        .par_chunks(CHUNK_ROWS)
        .map(|rows| pool.with(|m| scan_chunk(rows, cx, m)))
        .collect()
}

// Over 80 lines: the batch pipeline (read the next batch while the last is classified, merge in order) with its interruption and error handling in one place.
pub(super) fn scan_csv(
    source: &Source,
    matchers: Matchers<'_>,
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
    let pool = matchers.0;
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
    if let Some(range) = source.range {
        return range::scan_range(source, range, &mut reader, matchers, opts, result);
    }
    scan_table(source, &mut reader, matchers, opts, result);
}

/// Scan one table, whatever its format, into `result`.
pub(super) fn scan_table(
    source: &Source,
    reader: &mut dyn TableReader,
    matchers: Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
) {
    let rows = scan_rows(source, reader, matchers, opts, result, None);
    let end = ReaderEnd {
        warnings: reader.take_warnings(),
        errors: reader.take_errors(),
    };
    rows.finish(&source.display, end, result);
}

/// Scan a table's rows into `result` (findings) and a tally of the rest. The
/// columns' roles are `roles` when given (a byte range of a split file, profiled
/// at the file's start), else profiled on the first batch.
// Over 80 lines: the batch pipeline (read the next batch while the last is classified, merge in order) with its interruption and error handling in one place.
fn scan_rows(
    source: &Source,
    reader: &mut dyn TableReader,
    (pool, rules): Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
    roles: Option<Vec<FieldRole>>,
) -> Rows {
    let locator = reader.locator();
    let positional = reader.positional();
    let policy = opts.policy_for(source);
    let max_field = opts.limits.max_field_bytes;
    let shown_of = |h: &str| -> String {
        pool.with(|m| {
            super::mail_meta::shown_where(m, h, "", opts, |x| header_row::is_value_like(h, x))
        })
    };
    let mut merge = Merge {
        result,
        headers: Vec::new(),
        tally: merge::TableTally::default(),
        cap: opts.limits.max_findings_per_rule_and_file,
        rules,
        width: 0,
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
    let mut columns = Columns::default();
    columns.catch_up(reader, policy, rules, &shown_of);
    // Policy columns are looked up among those the first batch named.
    let checker = policy.map(|p| RecordChecker::for_csv(p, &columns.headers, opts.as_of));
    if let Some(c) = &checker {
        for w in c.warnings() {
            merge
                .result
                .warnings
                .push(SourceError::new(&source.display, w));
        }
    }
    let checker = checker.filter(RecordChecker::is_active);
    let id_field = policy.and_then(|p| p.id_field.as_deref());
    let id_col = id_field.and_then(|f| columns.headers.iter().position(|h| h == f));
    merge.width = reader.width();
    let merge_width = merge.width;
    // Scan the current batch on all threads while the next one is read.
    let mut step = |columns: &mut Columns, classify: bool| -> Option<(BatchOut, Columns)> {
        if batch.is_empty() || crate::interrupt::is_interrupted() {
            return None;
        }
        let now = columns.clone();
        let classifier = Classifier {
            roles: &now.roles,
            headers: &now.shown,
            rules,
            opts,
            path: &source.display,
            locator: &locator,
        };
        let cx = ChunkContext {
            headers: &now.headers,
            max_field,
            profile: !classify,
            positional,
            width: merge_width,
            checker: checker.as_ref(),
            classifier: classify.then_some(&classifier),
            maker: &opts.maker,
            cap: opts.limits.max_findings_per_rule_and_file,
            id_col,
        };
        let records = batch.len() as u64;
        let bytes: usize = batch
            .iter()
            .map(|r| r.fields.as_slice().len() + r.fields.len() * std::mem::size_of::<usize>())
            .sum();
        let (chunks, read) = if bytes >= SEQUENTIAL_BATCH_BYTES {
            // A huge record (a million columns): scan it, let it go, then read the
            // next, so only one is ever in memory.
            let chunks = scan_batch(&batch, &cx, pool);
            // The scanned records go to `next`, whose first one the read reuses.
            std::mem::swap(&mut batch, &mut next);
            batch.clear();
            (
                chunks,
                more.then(|| reader.read_batch(&mut next, BATCH_ROWS, BATCH_BYTES)),
            )
        } else {
            rayon::join(
                || scan_batch(&batch, &cx, pool),
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
        columns.catch_up(&*reader, policy, rules, &shown_of);
        Some((
            BatchOut {
                chunks,
                records,
                error,
            },
            now,
        ))
    };
    // The first batch decides the columns' roles; its hits are classified while
    // the second batch is scanned.
    let preset = roles.is_some();
    if let Some(roles) = roles {
        columns.profiled(roles, policy, rules);
    }
    let first = step(&mut columns, preset);
    if let Some((first, at_first)) = &first
        && !preset
    {
        columns.profiled(
            decide_roles(&at_first.headers, &first.chunks, policy, rules),
            policy,
            rules,
        );
    }
    let late_columns = columns.clone();
    let late = Classifier {
        roles: &late_columns.roles,
        headers: &late_columns.shown,
        rules,
        opts,
        path: &source.display,
        locator: &locator,
    };
    let mut columns_for_steps = columns;
    super::overlapped(
        first,
        || step(&mut columns_for_steps, true),
        |(out, at)| merge.absorb(out, &at.headers, Some(&late)),
    );
    let mut last = late_columns;
    last.catch_up(&*reader, policy, rules, &shown_of);
    Rows {
        tally: merge.tally,
        shown: last.shown.to_vec(),
        roles: last.roles.to_vec(),
        headers: last.headers.to_vec(),
        checker,
        width: merge_width,
        max_field,
    }
}
