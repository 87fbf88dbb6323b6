//! Coverage: what the audit read and what it could not. It is the first thing
//! every report says, because a result over some of the files is not a result over
//! all of them; `--strict` fails on it and "nothing to do" is never said without it.

use super::{ErrorEntry, Summary};
use crate::source::own_output::OWN_OUTPUT_REASON;
use crate::source::sniff::NOT_DATA_REASON;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Every file was read in full: nothing failed, nothing was skipped.
    pub complete: bool,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Files the scan met: scanned plus those only skipped or failed.
    pub files_total: u64,
    /// Files not read, or not read in full (skipped, or failed wholly or in part).
    pub files_not_read: u64,
    /// What could not be read, each with why (a file can have several entries).
    pub failed: Vec<ErrorEntry>,
    /// What was passed over on purpose, each with why.
    pub skipped: Vec<ErrorEntry>,
    /// The tool's own reports, baselines and action lists found among the inputs:
    /// not inputs, so they do not make the coverage incomplete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub own_outputs: Vec<ErrorEntry>,
    /// Configuration, code and documentation passed over: they hold no records, so
    /// they do not make the coverage incomplete either.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_data: Vec<ErrorEntry>,
}

impl Coverage {
    pub fn of(s: &Summary) -> Coverage {
        let (own_outputs, skipped): (Vec<ErrorEntry>, Vec<ErrorEntry>) = s
            .skipped
            .iter()
            .cloned()
            .partition(|e| e.error.ends_with(OWN_OUTPUT_REASON));
        let (not_data, skipped): (Vec<ErrorEntry>, Vec<ErrorEntry>) = skipped
            .into_iter()
            .partition(|e| e.error.ends_with(NOT_DATA_REASON));
        let not_read: BTreeSet<&str> = s
            .errors
            .iter()
            .chain(&skipped)
            .map(|e| e.path.as_str())
            .collect();
        let scanned: BTreeSet<&str> = s.sources.iter().map(|x| x.path.as_str()).collect();
        let only_not_read = not_read.iter().filter(|p| !scanned.contains(*p)).count() as u64;
        // A source that failed inside its reader before yielding anything (an
        // .xlsx that does not open) was not read, although it has a summary.
        let failed: BTreeSet<&str> = s.errors.iter().map(|e| e.path.as_str()).collect();
        let (mut files, mut bytes) = (s.files, s.bytes);
        for x in s.sources.iter().filter(|x| {
            failed.contains(x.path.as_str())
                && x.records == 0
                && x.messages == 0
                && x.items.is_empty()
        }) {
            files = files.saturating_sub(1);
            bytes = bytes.saturating_sub(x.bytes);
        }
        Coverage {
            complete: not_read.is_empty(),
            files_scanned: files,
            bytes_scanned: bytes,
            files_total: s.files + only_not_read,
            files_not_read: not_read.len() as u64,
            failed: s.errors.clone(),
            skipped,
            own_outputs,
            not_data,
        }
    }

    /// Nothing at all was read.
    pub fn nothing_read(&self) -> bool {
        self.files_scanned == 0
    }

    /// Failed, then skipped files, with whether each failed.
    pub fn not_read(&self) -> impl Iterator<Item = (bool, &ErrorEntry)> {
        self.failed
            .iter()
            .map(|e| (true, e))
            .chain(self.skipped.iter().map(|e| (false, e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::SourceSummary;
    use crate::source::SourceKind;

    fn entry(path: &str, error: &str) -> ErrorEntry {
        ErrorEntry {
            path: path.into(),
            error: error.into(),
        }
    }

    #[test]
    fn skipped_and_failed_files_make_it_incomplete_own_outputs_do_not() {
        let mut r = crate::audit::Report::begin(vec![], vec![]);
        r.summary.files = 2;
        r.summary.skipped = vec![
            entry("a/kunder.xlsx", "not a CSV export or mailbox (.xlsx)"),
            entry(
                "a/report.csv",
                &crate::source::own_output::reason("a CSV report"),
            ),
            entry(
                "a/ci.yml",
                &format!("configuration (.yml), {NOT_DATA_REASON}"),
            ),
        ];
        r.summary.errors = vec![entry("a/broken.csv", "invalid UTF-8")];
        let c = Coverage::of(&r.summary);
        assert!(!c.complete);
        assert_eq!((c.files_not_read, c.files_total), (2, 4));
        assert_eq!(c.own_outputs.len(), 1);
        assert_eq!(c.not_data.len(), 1);
        assert_eq!(
            c.not_read().map(|(f, _)| f).collect::<Vec<_>>(),
            [true, false]
        );
        r.summary.errors.clear();
        r.summary.skipped.truncate(0);
        assert!(Coverage::of(&r.summary).complete);
    }

    #[test]
    fn a_file_that_failed_inside_its_reader_was_not_read() {
        let mut r = crate::audit::Report::begin(vec![], vec![]);
        let source = |path: &str, bytes, records| SourceSummary {
            path: path.into(),
            kind: SourceKind::Csv,
            bytes,
            records,
            messages: 0,
            encoding: None,
            delimiter: None,
            items: Default::default(),
        };
        r.summary.files = 2;
        r.summary.bytes = 108;
        r.summary.sources = vec![source("bad.xlsx", 8, 0), source("ok.csv", 100, 3)];
        r.summary.errors = vec![entry("bad.xlsx", "not a zip archive")];
        let c = Coverage::of(&r.summary);
        assert_eq!((c.files_scanned, c.bytes_scanned), (1, 100));
        assert_eq!((c.files_not_read, c.files_total), (1, 2));
        assert!(!c.nothing_read());
        // A file that failed half-way was read in part: it still counts as scanned.
        r.summary.sources[0].records = 5;
        assert_eq!(Coverage::of(&r.summary).files_scanned, 2);
        // Only the failed file: nothing was read.
        r.summary.files = 1;
        r.summary.sources.truncate(1);
        r.summary.sources[0].records = 0;
        assert!(Coverage::of(&r.summary).nothing_read());
    }
}
