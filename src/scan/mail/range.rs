//! One byte range of a large mbox (`scan --shard K/N --shard-size`): its messages,
//! cut at `From ` separators and numbered as in the whole file. The per-message
//! policy outcomes travel as a [`MailRangeState`] and [`join`] adds the ranges up
//! into the single scan's result of the mailbox.

use super::MailboxState;
use crate::audit::{FileResult, RangeOut};
use crate::policy::{RecordChecker, RecordOutcomes, record_violations};
use crate::scan::ScanOptions;
use crate::source::mbox::split::{open_range, range_bounds};
use crate::source::{Source, SourceError, SplitRange};
use serde::{Deserialize, Serialize};
use std::io::BufRead;

/// What one byte range of an mbox hands to the merge besides its messages' results.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MailRangeState {
    outcomes: RecordOutcomes,
    /// How many of the result's warnings are about the whole mailbox.
    pre_warnings: usize,
}

type Input = Box<dyn BufRead + Send>;

/// The mbox's bytes to read, and the number of its first message: the whole
/// file, or one byte range of it.
pub(in crate::scan) fn open_mbox(
    source: &Source,
    opts: &ScanOptions,
    state: &mut MailboxState,
) -> std::io::Result<(Input, u64)> {
    let Some(range) = source.range else {
        return Ok((source.open(&opts.limits)?, 1));
    };
    if source.gzip || source.input.is_some() {
        // Not cut: the first range is the whole file.
        if range.part == 0 {
            state.span = Some((0, source.bytes));
            return Ok((source.open(&opts.limits)?, 1));
        }
        state.span = Some((source.bytes, source.bytes));
        return Ok((Box::new(std::io::empty()), 1));
    }
    let (start, end, before) = range_bounds(&source.path, range.part, range.parts, range.size)?;
    state.span = Some((start, end));
    Ok((Box::new(open_range(&source.path, start, end)?), before + 1))
}

/// Keep what the merge needs of a range instead of deciding the mailbox's
/// violations.
pub(in crate::scan) fn keep_state(
    range: SplitRange,
    state: &mut MailboxState,
    result: &mut FileResult,
) {
    let (start, end) = state.span.unwrap_or((u64::MAX, u64::MAX));
    let kept = MailRangeState {
        outcomes: std::mem::take(&mut state.outcomes),
        pre_warnings: state.pre_warnings,
    };
    result.range = Some(RangeOut {
        part: range.part,
        parts: range.parts,
        start,
        end,
        state: crate::scan::shard::state_json(&kept),
    });
}

/// The ranges of one mbox, in order, as the single scan's result: their messages'
/// results one after the other, then what the single scan decides of the whole
/// mailbox. `checker` is the policy's per-message check, as the shards had it.
pub fn join(
    ranges: Vec<(FileResult, MailRangeState)>,
    checker: Option<RecordChecker>,
) -> Option<FileResult> {
    let mut ranges = ranges.into_iter();
    let (mut result, first) = ranges.next()?;
    let mut outcomes = first.outcomes;
    for (r, s) in ranges {
        result.append_range(r, first.pre_warnings);
        outcomes.append(s.outcomes);
    }
    if result.summary.messages == 0 && result.errors.is_empty() {
        let display = result.summary.path.clone();
        result
            .errors
            .push(SourceError::new(&display, "no messages found"));
    }
    if let Some(c) = checker.filter(RecordChecker::is_active) {
        let display = result.summary.path.clone();
        result
            .violations
            .extend(record_violations(&display, &c, outcomes));
    }
    result.finish();
    Some(result)
}
