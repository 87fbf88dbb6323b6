//! Reading one partial, line by line: its header, then each file with its findings
//! straight into a store (which spills to disk), so a part of any size is read in
//! bounded memory.

use super::{FINDING_LINE_START, MergeError, PartFile, PartHeader, PartLine};
use crate::audit::FileResult;
use std::io::BufRead;

/// Longest line read from a part: a file's summary line with a large inventory,
/// or one finding. A longer one is not a part this tool wrote.
const MAX_LINE_BYTES: u64 = 256 * 1024 * 1024;

/// The lines of one part, numbered for errors.
struct Lines {
    /// The part as the user named it, for every error.
    name: String,
    input: Box<dyn BufRead>,
    line: u64,
    ended: bool,
}

/// One part being read.
pub struct PartReader {
    lines: Lines,
    pub header: PartHeader,
    /// The next file's line, read ahead (its findings follow in `input`).
    pending: Option<PartFile>,
    last: Option<(u64, u64)>,
    /// Sources the shard covered, as its end line says.
    sources: u64,
    files: u64,
    findings: u64,
}

impl PartReader {
    /// Open a part and read its header.
    pub fn open(name: String, input: Box<dyn BufRead>) -> Result<PartReader, MergeError> {
        let mut lines = Lines {
            name,
            input,
            line: 0,
            ended: false,
        };
        let header = match lines.next_line() {
            Ok(Some(PartLine::Partial(h))) => *h,
            _ => return Err(lines.error("is not a partial report of `gdpr-audit scan --shard`")),
        };
        if header.format != super::PARTIAL_FORMAT {
            return Err(lines.error(&format!(
                "is partial format {}; this merge reads format {}",
                header.format,
                super::PARTIAL_FORMAT
            )));
        }
        let mut r = PartReader {
            lines,
            header,
            pending: None,
            last: None,
            sources: 0,
            files: 0,
            findings: 0,
        };
        r.advance()?;
        Ok(r)
    }

    /// The index of the next file, if any is left.
    pub fn peek_index(&self) -> Option<u64> {
        self.pending.as_ref().map(|f| f.index)
    }

    /// The index of the next file and its byte range's number (0 when whole).
    pub fn peek_key(&self) -> Option<(u64, u64)> {
        self.pending
            .as_ref()
            .map(|f| (f.index, f.range.as_ref().map_or(0, |r| r.part)))
    }

    /// The next file's result with its findings, then read ahead to the one after.
    pub fn next_file(&mut self) -> Result<Option<FileResult>, MergeError> {
        let Some(file) = self.pending.take() else {
            return Ok(None);
        };
        let count = file.findings;
        let mut result = file.into_result();
        for _ in 0..count {
            match self.lines.next_raw()? {
                Some(line) if line.starts_with(FINDING_LINE_START) && line.ends_with(b"}") => {
                    let compact = &line[FINDING_LINE_START.len()..line.len() - 1];
                    result.findings.push_raw(&crate::store::expand(compact));
                }
                _ => return Err(self.lines.error_here("a finding was expected")),
            }
        }
        self.findings += count;
        self.advance()?;
        Ok(Some(result))
    }

    /// Read the next file line, or the end line.
    fn advance(&mut self) -> Result<(), MergeError> {
        match self.lines.next_line()? {
            Some(PartLine::File(f)) => {
                let key = (f.index, f.range.as_ref().map_or(0, |r| r.part));
                if let Some(last) = self.last
                    && key < last
                {
                    return Err(self.lines.error_here(&format!(
                        "files out of order (source {} after {})",
                        f.index + 1,
                        last.0 + 1
                    )));
                }
                self.last = Some(key);
                self.files += 1;
                self.pending = Some(*f);
                Ok(())
            }
            Some(PartLine::End(end)) => {
                if (end.files, end.findings) != (self.files, self.findings) {
                    return Err(self.lines.error(&format!(
                        "says it holds {} files and {} findings but holds {} and {}",
                        end.files, end.findings, self.files, self.findings
                    )));
                }
                self.sources = end.sources;
                self.lines.ended = true;
                Ok(())
            }
            None => Err(self
                .lines
                .error("is cut short (no end line): was its shard finished?")),
            Some(_) => Err(self.lines.error_here("a file was expected")),
        }
    }

    /// Sources the shard covered (known once its files are read).
    pub fn sources_covered(&self) -> u64 {
        self.sources
    }

    /// The part as the user named it.
    pub fn name(&self) -> &str {
        &self.lines.name
    }

    /// An error naming this part.
    pub fn error(&self, what: &str) -> MergeError {
        self.lines.error(what)
    }
}

impl Lines {
    fn next_line(&mut self) -> Result<Option<PartLine>, MergeError> {
        let Some(line) = self.next_raw()? else {
            return Ok(None);
        };
        // serde's message may quote the line: only where it failed.
        serde_json::from_slice(&line).map(Some).map_err(|e| {
            self.error(&format!(
                "line {}: not a partial-report line (column {})",
                self.line,
                e.column()
            ))
        })
    }

    /// The next line's bytes, without its newline.
    fn next_raw(&mut self) -> Result<Option<Vec<u8>>, MergeError> {
        if self.ended {
            return Ok(None);
        }
        let mut buf = Vec::new();
        let n = std::io::Read::take(&mut self.input, MAX_LINE_BYTES)
            .read_until(b'\n', &mut buf)
            .map_err(|e| self.error(&format!("cannot be read: {e}")))?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        Ok(Some(buf))
    }

    fn error(&self, what: &str) -> MergeError {
        MergeError(format!("part {}: {what}", self.name))
    }

    fn error_here(&self, what: &str) -> MergeError {
        self.error(&format!("line {}: {what}", self.line))
    }
}
