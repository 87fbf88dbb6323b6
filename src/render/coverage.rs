//! The coverage section every report opens with, in the words of the human
//! formats; each renderer lays it out and escapes it its own way.

use super::Report;
use crate::i18n::{Lang, coverage as words};

/// In the table, the files not read that are listed without `--verbose`.
pub(crate) const TABLE_LIMIT: usize = 10;

/// One file that was not read, in words.
pub(crate) struct NotRead {
    pub path: String,
    /// "could not be read" or "skipped".
    pub state: &'static str,
    pub reason: String,
}

pub(crate) struct CoverageText {
    /// The verdict: incomplete, nothing read, or complete.
    pub verdict: String,
    pub complete: bool,
    /// The files not read, up to the limit asked for.
    pub not_read: Vec<NotRead>,
    /// "… N more (--verbose lists them all)" when the list was cut.
    pub more: Option<String>,
    /// The tool's own outputs, and the configuration, code and documentation files,
    /// that were passed over, counted (they are not inputs).
    pub own_outputs: Option<String>,
}

/// What was passed over without making the coverage incomplete, in words.
fn passed_over(c: &crate::audit::Coverage, lang: Lang) -> Option<String> {
    let own = (!c.own_outputs.is_empty()).then(|| words::own_outputs(lang, c.own_outputs.len()));
    let not_data = (!c.not_data.is_empty()).then(|| words::not_data(lang, c.not_data.len()));
    match (own, not_data) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}

pub(crate) fn coverage_text(report: &Report, lang: Lang, limit: Option<usize>) -> CoverageText {
    // From the summary: a report assembled elsewhere may not carry its coverage.
    let c = &crate::audit::Coverage::of(&report.summary);
    let verdict = if c.nothing_read() {
        words::nothing_read(lang).to_string()
    } else if c.complete {
        words::complete(lang, c.files_total)
    } else {
        words::incomplete(lang, c.files_not_read, c.files_total)
    };
    let all: Vec<NotRead> = c
        .not_read()
        .map(|(failed, e)| NotRead {
            path: e.path.clone(),
            state: words::state(lang, failed),
            reason: e.error.clone(),
        })
        .collect();
    let total = all.len();
    let shown = limit.unwrap_or(usize::MAX).min(total);
    let mut not_read = all;
    not_read.truncate(shown);
    CoverageText {
        verdict,
        complete: c.complete && !c.nothing_read(),
        not_read,
        more: (shown < total).then(|| words::more(lang, total - shown)),
        own_outputs: passed_over(c, lang),
    }
}

/// What to say when there is nothing to list (no to-do item, no finding): the
/// `complete` sentence only when every file was read, never "nothing to do" for a
/// scan that read nothing or not everything.
pub(crate) fn nothing_listed(report: &Report, lang: Lang, complete: &'static str) -> &'static str {
    // From the summary: a report assembled elsewhere may not carry its coverage.
    let c = &crate::audit::Coverage::of(&report.summary);
    if c.nothing_read() {
        words::nothing_read(lang)
    } else if !c.complete {
        words::no_todo_incomplete(lang)
    } else {
        complete
    }
}
