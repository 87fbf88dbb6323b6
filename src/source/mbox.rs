//! A streaming mbox splitter.
//!
//! Our own rather than mail-parser's iterator: we need message numbers, a byte limit
//! per message and constant memory on a 10 GB mbox. Memory use is one message of at
//! most `max_message_bytes` plus a line buffer of at most [`LINE_CAP`] bytes (longer
//! lines are streamed through, never held whole).
//!
//! Rules:
//! - A message starts at a `From ` line at the start of the file or after an empty
//!   line. Real mboxes are messy, so a `From ` line is only taken as a separator when
//!   it looks like one: after an empty line it must look like an envelope line
//!   (`From sender Thu Nov 11 07:49:12 2021`, i.e. carry a `hh:mm` time) *or* be
//!   followed by a header line (`Name: value`); without an empty line before it, it
//!   must do both, or be one of the separators that Thunderbird (`From - …`) and
//!   Google Takeout (`From 123…@xxx`) write, followed by a header line. Any other
//!   `From ` line is body text.
//! - The separator line is not part of the message, nor is the one empty line before
//!   it (mbox writers add it after every message).
//! - mboxrd/mboxo unquoting: a body line matching `^>+From ` loses one `>`.
//! - LF and CRLF files, and a last message without a trailing newline, work.
//! - A message larger than `max_message_bytes` keeps its first bytes, is flagged
//!   `truncated`, and the rest up to the next separator is skipped.
//! - Messages are numbered 1.. in file order.
//! - Text before the first separator is not a message: an `InvalidData` error item is
//!   yielded for it and reading goes on. A file with text but no separator at all
//!   yields one error (`no `From ` separator line found; not an mbox`). An empty file
//!   yields nothing. After an I/O error the iterator ends.

use std::io::{self, BufRead};

/// Lines longer than this are not held whole; they are streamed into the message
/// (and cannot be separators).
const LINE_CAP: usize = 16 * 1024;

mod records;
pub mod split;
pub mod writer;
pub use records::{MboxRecords, mail_record};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One message as split from the mbox, separator line removed, `>From ` unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// 1-based position in the file.
    pub number: u64,
    pub bytes: Vec<u8>,
    /// The message was longer than the limit; `bytes` holds its beginning.
    pub truncated: bool,
    /// Where its `From ` separator line starts in the (decompressed) file: a
    /// message's raw bytes run from here to the next message's offset.
    pub offset: u64,
}

/// Splits an mbox into messages, streaming. See the module docs for the rules.
pub struct MboxReader<R: BufRead> {
    reader: R,
    max: usize,
    /// The current line (at most `LINE_CAP` bytes, with its line end when complete).
    line: Vec<u8>,
    /// `line` is the beginning of a longer line whose rest is still in the reader.
    line_partial: bool,
    /// `line` was read but not processed yet (pushed back).
    pushed_back: bool,
    /// A `From ` line waiting for the next line to decide whether it is a separator.
    held: Vec<u8>,
    /// `Some(after_blank)` while `held` is waiting.
    held_after_blank: Option<bool>,
    /// An empty line not yet added to the message: it is dropped if a separator
    /// follows. `Some(true)` for CRLF.
    pending_blank: Option<bool>,
    /// The previous line was empty.
    prev_blank: bool,
    /// The message being collected.
    cur: Option<RawMessage>,
    next_number: u64,
    /// The first separator has been seen.
    started: bool,
    first_line: bool,
    /// Bytes of non-empty lines before the first separator.
    preamble_bytes: u64,
    finished: bool,
    /// Bytes consumed from `reader`.
    pos: u64,
    /// Where `line` starts in the input.
    line_start: u64,
    /// Where `held` starts in the input.
    held_start: u64,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(reader: R, max_message_bytes: usize) -> Self {
        MboxReader {
            reader,
            max: max_message_bytes,
            line: Vec::with_capacity(256),
            line_partial: false,
            pushed_back: false,
            held: Vec::with_capacity(256),
            held_after_blank: None,
            pending_blank: None,
            prev_blank: false,
            cur: None,
            next_number: 1,
            started: false,
            first_line: true,
            preamble_bytes: 0,
            finished: false,
            pos: 0,
            line_start: 0,
            held_start: 0,
        }
    }

    /// Read the next line into `self.line`. `Ok(false)` at the end of input.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        self.line_partial = false;
        self.line_start = self.pos;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(!self.line.is_empty());
            }
            let room = LINE_CAP.saturating_sub(self.line.len());
            let window = &buf[..buf.len().min(room)];
            match memchr::memchr(b'\n', window) {
                Some(i) => {
                    self.line.extend_from_slice(&window[..=i]);
                    self.reader.consume(i + 1);
                    self.pos += i as u64 + 1;
                    return Ok(true);
                }
                None => {
                    let n = window.len();
                    self.line.extend_from_slice(window);
                    self.reader.consume(n);
                    self.pos += n as u64;
                    if self.line.len() >= LINE_CAP {
                        self.line_partial = true;
                        return Ok(true);
                    }
                }
            }
        }
    }

    /// Stream the rest of a partial line into the current message (or count it as
    /// preamble when there is no message yet).
    fn rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(());
            }
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            match self.cur.as_mut() {
                Some(cur) => append(cur, &buf[..take], self.max),
                None => self.preamble_bytes += take as u64,
            }
            self.reader.consume(take);
            self.pos += take as u64;
            if done {
                return Ok(());
            }
        }
    }

    /// Start a new message; returns the finished one, if any.
    fn start_message(&mut self, offset: u64) -> Option<RawMessage> {
        let number = self.next_number;
        self.next_number += 1;
        self.pending_blank = None;
        self.prev_blank = false;
        self.cur.replace(RawMessage {
            number,
            bytes: Vec::new(),
            truncated: false,
            offset,
        })
    }

    fn flush_blank(&mut self) {
        if let Some(crlf) = self.pending_blank.take()
            && let Some(cur) = self.cur.as_mut()
        {
            append(cur, if crlf { b"\r\n" } else { b"\n" }, self.max);
        }
    }

    /// Add the held `From ` line to the message as body text.
    fn release_held(&mut self) {
        self.flush_blank();
        if let Some(cur) = self.cur.as_mut() {
            append(cur, &self.held, self.max);
        }
    }

    /// Fast path: copy a run of ordinary body lines (complete, not empty, not
    /// starting with `F`, `>` or CR) straight from the reader's buffer into the
    /// message. Returns whether anything was consumed.
    fn plain_lines(&mut self) -> io::Result<bool> {
        let buf = match self.reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(false),
            Err(e) => return Err(e),
        };
        let mut end = 0;
        while let Some(&first) = buf.get(end) {
            if matches!(first, b'\n' | b'\r' | b'F' | b'>') {
                break;
            }
            match memchr::memchr(b'\n', buf.get(end..).unwrap_or_default()) {
                Some(i) => end += i + 1,
                None => break,
            }
        }
        if end == 0 {
            return Ok(false);
        }
        if let Some(cur) = self.cur.as_mut() {
            if let Some(crlf) = self.pending_blank.take() {
                append(cur, if crlf { b"\r\n" } else { b"\n" }, self.max);
            }
            append(cur, &buf[..end], self.max);
        }
        self.prev_blank = false;
        self.reader.consume(end);
        self.pos += end as u64;
        Ok(true)
    }

    // Over 80 lines: the mbox line state machine; its states are documented on `MboxReader` and are easier to check in one function.
    fn step(&mut self) -> io::Result<Option<io::Result<RawMessage>>> {
        loop {
            if self.started
                && !self.pushed_back
                && self.held_after_blank.is_none()
                && self.plain_lines()?
            {
                continue;
            }
            if self.pushed_back {
                self.pushed_back = false;
            } else if !self.read_line()? {
                return Ok(self.at_end());
            }
            if self.first_line {
                self.first_line = false;
                if self.line.starts_with(UTF8_BOM) {
                    self.line.drain(..UTF8_BOM.len());
                }
            }
            let partial = self.line_partial;
            let blank = !partial && (self.line == b"\n" || self.line == b"\r\n");
            let is_from = !partial && self.line.starts_with(b"From ");

            if !self.started {
                if is_from {
                    self.started = true;
                    self.start_message(self.line_start);
                    if self.preamble_bytes > 0 {
                        let n = std::mem::take(&mut self.preamble_bytes);
                        return Ok(Some(Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "{n} bytes before the first `From ` line are not part of any message; skipped"
                            ),
                        ))));
                    }
                } else if !blank {
                    self.preamble_bytes += self.line.len() as u64;
                    if partial {
                        self.rest_of_line()?;
                    }
                }
                continue;
            }

            if let Some(after_blank) = self.held_after_blank.take() {
                let envelope = looks_like_envelope(&self.held);
                let header_next = looks_like_header(&self.line);
                let separator = if after_blank {
                    envelope || header_next
                } else {
                    (envelope || is_known_separator(&self.held)) && header_next
                };
                if separator {
                    self.pushed_back = true;
                    if let Some(done) = self.start_message(self.held_start) {
                        return Ok(Some(Ok(done)));
                    }
                    continue;
                }
                self.release_held();
                // The current line is processed below as usual.
            }

            if is_from {
                std::mem::swap(&mut self.held, &mut self.line);
                self.held_start = self.line_start;
                self.held_after_blank = Some(self.prev_blank);
                self.prev_blank = false;
                continue;
            }
            if blank {
                self.flush_blank();
                self.pending_blank = Some(self.line.len() == 2);
                self.prev_blank = true;
                continue;
            }
            self.flush_blank();
            self.prev_blank = false;
            if let Some(cur) = self.cur.as_mut() {
                let skip = usize::from(is_quoted_from(&self.line));
                append(cur, self.line.get(skip..).unwrap_or_default(), self.max);
            }
            if partial {
                self.rest_of_line()?;
            }
        }
    }

    /// End of input: finish the held line and the last message.
    fn at_end(&mut self) -> Option<io::Result<RawMessage>> {
        if let Some(after_blank) = self.held_after_blank.take() {
            if after_blank && looks_like_envelope(&self.held) {
                // A separator with nothing after it: the message before it is done,
                // and an empty message follows (the caller reports it as empty).
                if let Some(done) = self.start_message(self.held_start) {
                    return Some(Ok(done));
                }
            } else {
                self.release_held();
            }
        }
        // A trailing empty line belongs to the mbox format, not to the message.
        self.pending_blank = None;
        if let Some(done) = self.cur.take() {
            return Some(Ok(done));
        }
        if !self.started && self.preamble_bytes > 0 {
            self.preamble_bytes = 0;
            return Some(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "no `From ` separator line found; not an mbox",
            )));
        }
        None
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<RawMessage>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.step() {
            Ok(Some(item)) => Some(item),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e) => {
                self.finished = true;
                Some(Err(e))
            }
        }
    }
}

/// Append within the limit; past it, flag the message truncated. Grows the buffer
/// by doubling but never beyond the limit.
fn append(msg: &mut RawMessage, data: &[u8], max: usize) {
    let room = max.saturating_sub(msg.bytes.len());
    let take = if data.len() <= room {
        data
    } else {
        msg.truncated = true;
        &data[..room]
    };
    if take.is_empty() {
        return;
    }
    let need = msg.bytes.len() + take.len();
    if need > msg.bytes.capacity() {
        let target = msg
            .bytes
            .capacity()
            .saturating_mul(2)
            .max(need)
            .max(256)
            .min(max);
        msg.bytes
            .reserve_exact(target.saturating_sub(msg.bytes.len()));
    }
    msg.bytes.extend_from_slice(take);
}

/// `^>+From `
fn is_quoted_from(line: &[u8]) -> bool {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    quotes > 0
        && line
            .get(quotes..)
            .is_some_and(|rest| rest.starts_with(b"From "))
}

/// `Name: value`: a field name of printable ASCII without spaces, then a colon.
fn looks_like_header(line: &[u8]) -> bool {
    for (i, &b) in line.iter().enumerate().take(128) {
        if b == b':' {
            return i > 0;
        }
        if !(33..=126).contains(&b) {
            return false;
        }
    }
    false
}

/// Separator lines that mail programs write without a date: Thunderbird's
/// `From - …` and Google Takeout's `From 1234567890@xxx …`.
fn is_known_separator(line: &[u8]) -> bool {
    let rest = line.get(5..).unwrap_or_default();
    if rest.starts_with(b"- ")
        || rest.starts_with(b"-\n")
        || rest.starts_with(b"-\r")
        || rest == b"-"
    {
        return true;
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].starts_with(b"@xxx")
}

/// An envelope line carries a time of day (`Thu Nov 11 07:49:12 2021`).
fn looks_like_envelope(line: &[u8]) -> bool {
    let rest = line.get(5..).unwrap_or_default();
    rest.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    })
}

/// True when the first bytes look like an mbox: (after a BOM and empty lines) a
/// `From ` line that looks like an envelope line or is followed by a header line.
pub fn looks_like_mbox(head: &[u8]) -> bool {
    let mut h = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    loop {
        if let Some(r) = h.strip_prefix(b"\r\n") {
            h = r;
        } else if let Some(r) = h.strip_prefix(b"\n") {
            h = r;
        } else {
            break;
        }
    }
    if !h.starts_with(b"From ") {
        return false;
    }
    match memchr::memchr(b'\n', h) {
        // Only (part of) the first line is here: trust it.
        None => true,
        Some(i) => {
            let rest = h.get(i + 1..).unwrap_or_default();
            looks_like_envelope(&h[..i]) || looks_like_header(rest) || rest.is_empty()
        }
    }
}

#[cfg(test)]
mod tests;
