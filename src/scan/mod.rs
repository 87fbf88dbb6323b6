//! The scan driver: sources in parallel (rayon), records of one large file in
//! parallel batches, results merged in their input order so the report is the same
//! whatever the thread count.

mod char_cursor;
mod csv;
mod formats;
mod mail;
mod mail_meta;
pub(crate) use mail_meta::masked_message_id;
mod outlook;
pub mod shard;

pub use mail::scan_one_message;

use crate::audit::FileResult;
use crate::classify::FindingMaker;
use crate::engine::Matcher;
use crate::source::{Limits, Source, SourceError, SourceKind};
use rayon::prelude::*;

/// The warning a CSV source gets when its first row is read as a record; what
/// reads the file again (redaction) numbers its records the same way.
pub const FIRST_ROW_IS_DATA: &str = "the first row holds values, not column names: read as record 1, columns named column_1, column_2, ... (--no-header says so for every file)";

/// Everything a scan needs besides the sources and the rules.
#[derive(Clone)]
pub struct ScanOptions {
    pub limits: Limits,
    pub maker: FindingMaker,
    /// Force a CSV delimiter instead of sniffing.
    pub delimiter: Option<u8>,
    /// CSV files have no header row: the first row is a record.
    pub no_header: bool,
    /// The user's policy file: field declarations and per-record checks.
    pub policy: Option<std::sync::Arc<crate::policy::Config>>,
    /// The date retention and consent are checked against.
    pub as_of: jiff::civil::Date,
}

impl ScanOptions {
    /// The policy entry for a source, if the config has one.
    pub fn policy_for(&self, source: &Source) -> Option<&crate::policy::SourcePolicy> {
        self.policy
            .as_deref()
            .and_then(|c| c.source_for(&source.display))
    }
}

/// One matcher per worker thread, kept for the whole scan so that each thread's regex
/// caches stay warm (a fresh clone per batch would rebuild its lazy DFA every time).
pub struct MatcherPool {
    slots: Vec<std::sync::Mutex<Matcher>>,
}

impl MatcherPool {
    pub fn new(matcher: &Matcher, threads: usize) -> MatcherPool {
        MatcherPool {
            slots: (0..=threads.max(1))
                .map(|_| std::sync::Mutex::new(matcher.clone()))
                .collect(),
        }
    }

    /// Run `f` with this thread's matcher. `f` must not call into rayon (a stolen
    /// job on the same thread would wait for the same slot).
    pub fn with<R>(&self, f: impl FnOnce(&mut Matcher) -> R) -> R {
        let i = rayon::current_thread_index().map_or(0, |i| i + 1) % self.slots.len();
        let mut m = self.slots[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut m)
    }

    pub fn rules(&self) -> crate::rules::RuleSet {
        self.with(|m| m.rules().clone())
    }
}

/// Called as sources finish, for progress display.
pub trait Progress: Sync {
    fn source_done(&self, _source: &Source) {}
}

impl Progress for () {}

/// Scan every source; results come back in the order of `sources`.
pub fn scan_sources(
    sources: &[Source],
    matcher: &Matcher,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Vec<FileResult> {
    let mut out = Vec::new();
    scan_sources_with(sources, matcher, opts, progress, &mut |r| out.push(r));
    out
}

/// A source this large is scanned alone, its records in parallel batches: two of
/// them at once would only double the batches in memory.
const LARGE_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// Scan every source and hand each result to `on_result` in the order of
/// `sources`. Small sources are taken a few at a time (one per thread) and large
/// ones alone, so only their results are ever waiting in memory, however many
/// files there are.
pub fn scan_sources_with(
    sources: &[Source],
    matcher: &Matcher,
    opts: &ScanOptions,
    progress: &dyn Progress,
    on_result: &mut dyn FnMut(FileResult),
) {
    scan_sources_indexed(sources, matcher, opts, progress, &mut |_, r| on_result(r));
}

/// As [`scan_sources_with`], each result with the place in `sources` of the
/// source it came from (a workbook or an archive gives several, in order).
pub fn scan_sources_indexed(
    sources: &[Source],
    matcher: &Matcher,
    opts: &ScanOptions,
    progress: &dyn Progress,
    on_result: &mut dyn FnMut(usize, FileResult),
) {
    let pool = MatcherPool::new(matcher, rayon::current_num_threads());
    scan_sources_pooled(sources, &pool, matcher.rules(), opts, progress, on_result);
}

/// As [`scan_sources_indexed`], with matchers that already exist: a command that
/// scans again (`redact`'s proof) keeps their compiled rules and warm caches.
pub fn scan_sources_pooled(
    sources: &[Source],
    pool: &MatcherPool,
    rules: &crate::rules::RuleSet,
    opts: &ScanOptions,
    progress: &dyn Progress,
    on_result: &mut dyn FnMut(usize, FileResult),
) {
    let width = rayon::current_num_threads().max(1);
    let mut rest = sources;
    let mut start = 0;
    while !rest.is_empty() {
        let small = rest
            .iter()
            .take(width)
            .take_while(|s| s.bytes < LARGE_SOURCE_BYTES)
            .count();
        let (window, after) = rest.split_at(small.max(1));
        rest = after;
        if let [alone] = window {
            // Results go out as they come: an archive's members one by one.
            scan_guarded(alone, (pool, rules), opts, &mut |r| on_result(start, r));
            progress.source_done(alone);
        } else {
            for (i, r) in scan_window(window, (pool, rules), opts, progress) {
                on_result(start + i, r);
            }
        }
        start += window.len();
        release_free_memory();
        if crate::interrupt::is_interrupted() {
            break;
        }
    }
}

/// Give memory freed by the last files back to the system. glibc keeps freed
/// batches in per-thread arenas, so without this the peak RSS of a long scan is the
/// sum of every phase's high-water marks rather than the largest one.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused heap pages to the kernel; it takes no
    // pointers and is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn scan_window(
    sources: &[Source],
    matcher: Matchers<'_>,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Vec<(usize, FileResult)> {
    sources
        .par_iter()
        .enumerate()
        .map(|(i, source)| {
            let mut out = Vec::new();
            scan_guarded(source, matcher, opts, &mut |r| out.push((i, r)));
            progress.source_done(source);
            out
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// Where a scan hands its results, in order: one per file, one per sheet of a
/// workbook, one per archive member and one for the archive itself.
type Emit<'a> = &'a mut dyn FnMut(FileResult);

/// Scan one source; a panic becomes an error naming it (after whatever it had
/// already handed on), and the scan goes on with the next source.
fn scan_guarded(source: &Source, matcher: Matchers<'_>, opts: &ScanOptions, emit: Emit<'_>) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        scan_source(source, matcher, opts, &mut *emit)
    }));
    if result.is_err() {
        let mut r = FileResult::new(source);
        r.errors.push(SourceError::new(
            &source.display,
            "internal error while scanning this file (please report it); the file was skipped",
        ));
        shard::unread_range(source, &mut r);
        emit(r);
    }
}

/// The per-thread matchers and the rule set they share.
type Matchers<'a> = (&'a MatcherPool, &'a crate::rules::RuleSet);

/// Scan one source by its kind: a file, or an archive member (which comes back
/// here, so members of every kind take the same path as files of that kind).
/// Workbooks give one result per sheet, archives one for themselves and one per
/// member.
fn scan_source(source: &Source, matcher: Matchers<'_>, opts: &ScanOptions, emit: Emit<'_>) {
    let mut result = FileResult::new(source);
    if crate::interrupt::is_interrupted() {
        return emit(result);
    }
    match source.kind {
        SourceKind::Csv => csv::scan_csv(source, matcher, opts, &mut result),
        SourceKind::Json | SourceKind::Ndjson => {
            formats::scan_json(source, matcher, opts, &mut result)
        }
        SourceKind::Mbox | SourceKind::Eml | SourceKind::Maildir => {
            mail::scan_mail(source, matcher, opts, &mut result)
        }
        SourceKind::Msg => outlook::scan_msg(source, matcher, opts, &mut result),
        SourceKind::Pst => outlook::scan_pst(source, matcher, opts, &mut result),
        SourceKind::Xlsx | SourceKind::Xls | SourceKind::Ods => {
            return formats::scan_workbook(source, matcher, opts, emit);
        }
        SourceKind::Zip | SourceKind::Tar => {
            return formats::scan_archive(source, matcher, opts, emit);
        }
    }
    settle_size(source, &mut result);
    result.finish();
    shard::unread_range(source, &mut result);
    emit(result);
}

/// A file that shrank after it was listed (truncated while being read) is
/// reported, and its summary gives the bytes there were to read, not the size
/// seen before.
fn settle_size(source: &Source, result: &mut FileResult) {
    if source.kind == SourceKind::Maildir {
        return;
    }
    let Ok(now) = std::fs::metadata(&source.path).map(|m| m.len()) else {
        return;
    };
    if now < source.bytes {
        result.warnings.push(SourceError::new(
            &source.display,
            format!(
                "the file shrank while it was read ({} bytes when listed, {now} after); what it held at the end was scanned",
                source.bytes
            ),
        ));
        result.summary.bytes = now;
    }
}

/// Produce steps one after another (after `first`, already produced) and consume
/// each, in order, while the next one is produced: the sequential merge of a batch overlaps the parallel scan of the
/// next instead of leaving the other threads idle.
fn overlapped<T: Send>(
    first: Option<T>,
    mut produce: impl FnMut() -> Option<T> + Send,
    mut consume: impl FnMut(T) + Send,
) {
    let mut pending = first;
    loop {
        let next = match pending.take() {
            Some(before) => rayon::join(&mut produce, || consume(before)).0,
            None => produce(),
        };
        match next {
            Some(n) => pending = Some(n),
            None => break,
        }
    }
}

/// Cut `text` to at most `max` bytes at a char boundary.
fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut i = max;
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    &text[..i]
}
