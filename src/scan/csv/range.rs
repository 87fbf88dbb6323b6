//! One byte range of a large CSV export (`scan --shard K/N --shard-size`): every
//! range reads the header and profiles the columns on the file's first batch, as
//! the single scan does, so all ranges give the columns the same roles; then it
//! scans only its own records, numbered as in the whole file. What the single
//! scan decides once the whole file is read (inventory, per-record violations,
//! the listed ragged and clipped records) travels as a [`CsvRangeState`], and
//! [`join`] adds the ranges up in order with the single scan's own code.

use super::columns::decide_roles;
use super::merge::{ReaderEnd, TableTally};
use super::{BATCH_BYTES, BATCH_ROWS, ChunkContext, Matchers, Rows, ScanOptions, scan_batch};
use crate::audit::{FileResult, RangeOut};
use crate::classify::FieldRole;
use crate::policy::RecordChecker;
use crate::source::csv::CsvReader;
use crate::source::csv::range::range_bounds;
use crate::source::csv_split::Bound;
use crate::source::{Source, SourceError, SplitRange};
use serde::{Deserialize, Serialize};

/// What one byte range of a CSV export hands to the merge besides its findings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CsvRangeState {
    tally: TableTally,
    /// The columns as reports show them, and their roles (alike in every range).
    shown: Vec<String>,
    roles: Vec<FieldRole>,
    /// The header as read: the policy's per-record checks are built from it.
    headers: Vec<String>,
    /// How many of the result's warnings are about the whole file, made before
    /// its rows were read (every range makes them; the first range's count).
    pre_warnings: usize,
    reader: ReaderEnd,
    /// Records with NUL bytes: (count, first record).
    nul: (u64, u64),
    at_end: bool,
    width: usize,
    max_field: usize,
}

/// Scan byte range `range` of the CSV export `reader` was opened on.
pub(in crate::scan) fn scan_range(
    source: &Source,
    range: SplitRange,
    reader: &mut CsvReader,
    matchers: Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
) {
    let roles = profile(source, reader, matchers, opts);
    let plain = !source.gzip && source.input.is_none();
    let (start, end) = if plain && reader.splittable() {
        match range_bounds(
            &source.path,
            &reader.dialect(),
            range.part,
            range.parts,
            range.size,
        ) {
            Ok(b) => b,
            Err(e) => {
                result.errors.push(SourceError::new(
                    &source.display,
                    format!("cannot read: {e}"),
                ));
                return;
            }
        }
    } else if range.part == 0 {
        // Not cut (UTF-16, gzip): the first range is the whole file.
        (Bound { pos: 0, records: 0 }, source.bytes)
    } else {
        let len = source.bytes;
        (
            Bound {
                pos: len,
                records: 0,
            },
            len,
        )
    };
    if (plain && reader.splittable()) || range.part > 0 {
        if let Err(e) = reader.restrict(&source.path, start, end, range.part == 0) {
            result.errors.push(e);
            return;
        }
    } else {
        reader.mark_ranged();
    }
    let rows = super::scan_rows(source, reader, matchers, opts, result, Some(roles));
    let cap = opts.limits.max_findings_per_rule_and_file;
    let capped = result
        .finding_counts
        .values()
        .filter(|&&n| n as usize > cap)
        .count();
    let nul = reader.take_nul_records();
    let mut tally = rows.tally;
    if !opts.maker.show_values {
        mask_ids(
            &mut tally,
            &rows.roles,
            &reader.headers,
            opts.policy_for(source),
        );
    }
    let state = CsvRangeState {
        pre_warnings: result.warnings.len().saturating_sub(capped),
        tally,
        shown: rows.shown,
        roles: rows.roles,
        headers: reader.headers.clone(),
        nul,
        at_end: reader.at_end(),
        reader: ReaderEnd {
            warnings: reader.take_warnings(),
            errors: Vec::new(),
        },
        width: rows.width,
        max_field: rows.max_field,
    };
    result.range = Some(RangeOut {
        part: range.part,
        parts: range.parts,
        start: if range.part == 0 { 0 } else { start.pos },
        end,
        state: crate::scan::shard::state_json(&state),
    });
}

/// The `id_field` values that name records in violations, masked (in every way:
/// which category the column holds is known at the merge) when this range finds
/// personal data in the column; else in clear, as the report shows them when no
/// range does.
fn mask_ids(
    tally: &mut TableTally,
    roles: &[FieldRole],
    headers: &[String],
    policy: Option<&crate::policy::SourcePolicy>,
) {
    let Some(id) = policy.and_then(|p| p.id_field.as_deref()) else {
        return;
    };
    let Some(col) = headers.iter().position(|h| h == id).or_else(|| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(id.trim()))
    }) else {
        return;
    };
    let structured = matches!(
        roles.get(col),
        Some(FieldRole::Structured(_) | FieldRole::HeaderOnly(_))
    );
    let found = tally
        .totals
        .get(col)
        .is_some_and(|t| t.categories.values().any(|&n| n > 0));
    if structured || found {
        tally.outcomes.map_ids(|row, id| {
            if *id != row.to_string() {
                *id = crate::policy::record_names::masked_forms(id);
            }
        });
    }
}

/// The columns' roles as the single scan decides them: profiled on the first
/// batch of the file, read by a reader of its own from the file's start.
fn profile(
    source: &Source,
    main: &CsvReader,
    (pool, rules): Matchers<'_>,
    opts: &ScanOptions,
) -> Vec<FieldRole> {
    let policy = opts.policy_for(source);
    let by_name = || {
        main.headers
            .iter()
            .map(|h| super::columns::role_of(h, &Default::default(), policy, rules))
            .collect()
    };
    let Ok(mut head) = CsvReader::open(source, &opts.limits, opts.delimiter) else {
        return by_name();
    };
    if main.first_row_was_data() {
        head.first_row_is_data();
    } else {
        head.first_row_is_names();
    }
    let mut batch = Vec::new();
    if head
        .read_batch(&mut batch, BATCH_ROWS, BATCH_BYTES)
        .is_err()
        && batch.is_empty()
    {
        return by_name();
    }
    let headers = head.headers.clone();
    let cx = ChunkContext {
        headers: &headers,
        max_field: opts.limits.max_field_bytes,
        profile: true,
        positional: true,
        width: head.columns,
        checker: None,
        classifier: None,
        maker: &opts.maker,
        cap: opts.limits.max_findings_per_rule_and_file,
        id_col: None,
    };
    let chunks = scan_batch(&batch, &cx, pool);
    decide_roles(&headers, &chunks, policy, rules)
}

/// The ranges of one CSV export, in order, as the single scan's result: their
/// findings one after the other, then the summary the single scan makes of the
/// whole file. `checker` builds the policy's per-record checks from the header,
/// as the shards did.
pub fn join(
    ranges: Vec<(FileResult, CsvRangeState)>,
    checker: &dyn Fn(&[String]) -> Option<RecordChecker>,
) -> Option<FileResult> {
    let mut ranges = ranges.into_iter();
    let (mut result, first) = ranges.next()?;
    let CsvRangeState {
        mut tally,
        shown,
        roles,
        headers,
        reader,
        mut nul,
        mut at_end,
        width,
        max_field,
        pre_warnings,
    } = first;
    for (r, s) in ranges {
        result.append_range(r, pre_warnings);
        tally.append(s.tally);
        if nul.0 == 0 {
            nul.1 = s.nul.1;
        }
        nul.0 += s.nul.0;
        at_end &= s.at_end;
    }
    let mut end = reader;
    if nul.0 > 0 {
        end.warnings.push(format!(
            "NUL bytes in {} records (first: record {}); not a clean text export, read as text",
            nul.0, nul.1
        ));
    }
    if at_end && result.summary.records == 0 {
        end.warnings
            .push("no data records (only a header row)".to_string());
    }
    let rows = Rows {
        tally,
        shown,
        roles,
        headers: headers.to_vec(),
        checker: checker(&headers).filter(RecordChecker::is_active),
        width,
        max_field,
    };
    let display = result.summary.path.clone();
    rows.finish(&display, end, &mut result);
    result.finish();
    Some(result)
}
