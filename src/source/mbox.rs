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
//!   must do both. Any other `From ` line is body text.
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

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One message as split from the mbox, separator line removed, `>From ` unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// 1-based position in the file.
    pub number: u64,
    pub bytes: Vec<u8>,
    /// The message was longer than the limit; `bytes` holds its beginning.
    pub truncated: bool,
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
        }
    }

    /// Read the next line into `self.line`. `Ok(false)` at the end of input.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        self.line_partial = false;
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
                    return Ok(true);
                }
                None => {
                    let n = window.len();
                    self.line.extend_from_slice(window);
                    self.reader.consume(n);
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
            if done {
                return Ok(());
            }
        }
    }

    /// Start a new message; returns the finished one, if any.
    fn start_message(&mut self) -> Option<RawMessage> {
        let number = self.next_number;
        self.next_number += 1;
        self.pending_blank = None;
        self.prev_blank = false;
        self.cur.replace(RawMessage {
            number,
            bytes: Vec::new(),
            truncated: false,
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
        Ok(true)
    }

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
                    self.start_message();
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
                    envelope && header_next
                };
                if separator {
                    self.pushed_back = true;
                    if let Some(done) = self.start_message() {
                        return Ok(Some(Ok(done)));
                    }
                    continue;
                }
                self.release_held();
                // The current line is processed below as usual.
            }

            if is_from {
                std::mem::swap(&mut self.held, &mut self.line);
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
                if let Some(done) = self.start_message() {
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
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    fn split(data: &[u8], max: usize) -> Vec<io::Result<RawMessage>> {
        MboxReader::new(Cursor::new(data.to_vec()), max).collect()
    }

    fn ok(data: &[u8]) -> Vec<RawMessage> {
        split(data, 1 << 20)
            .into_iter()
            .map(|r| r.expect("message"))
            .collect()
    }

    fn text(m: &RawMessage) -> &str {
        std::str::from_utf8(&m.bytes).unwrap()
    }

    const TWO: &str = "From a@example.com Thu Nov 11 07:49:12 2021\n\
        From: A <a@example.com>\n\
        Subject: one\n\
        \n\
        Hello\n\
        >From the start\n\
        >>From quoted twice\n\
        > From not unquoted\n\
        \n\
        From b@example.com Fri Nov 12 08:00:00 2021\n\
        From: B <b@example.com>\n\
        Subject: two\n\
        \n\
        Bye\n";

    #[test]
    fn splits_and_unquotes() {
        let m = ok(TWO.as_bytes());
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].number, 1);
        assert_eq!(m[1].number, 2);
        assert_eq!(
            text(&m[0]),
            "From: A <a@example.com>\nSubject: one\n\nHello\nFrom the start\n>From quoted twice\n> From not unquoted\n"
        );
        assert_eq!(
            text(&m[1]),
            "From: B <b@example.com>\nSubject: two\n\nBye\n"
        );
        assert!(!m[0].truncated && !m[1].truncated);
    }

    #[test]
    fn crlf_file() {
        let crlf = TWO.replace('\n', "\r\n");
        let m = ok(crlf.as_bytes());
        assert_eq!(m.len(), 2);
        assert_eq!(
            text(&m[0]),
            "From: A <a@example.com>\r\nSubject: one\r\n\r\nHello\r\nFrom the start\r\n>From quoted twice\r\n> From not unquoted\r\n"
        );
        assert_eq!(
            text(&m[1]),
            "From: B <b@example.com>\r\nSubject: two\r\n\r\nBye\r\n"
        );
    }

    #[test]
    fn unquoted_from_in_body_stays_body() {
        let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nSome text\nFrom here on, all is body\nNote: this too\n\nFrom my side: fine\nmore body\n";
        let m = ok(data.as_bytes());
        assert_eq!(m.len(), 1);
        assert_eq!(
            text(&m[0]),
            "Subject: s\n\nSome text\nFrom here on, all is body\nNote: this too\n\nFrom my side: fine\nmore body\n"
        );
    }

    #[test]
    fn lenient_separator_without_blank_line() {
        // No empty line before the second separator, but it is an envelope line
        // followed by a header: accepted.
        let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nbody\nFrom b@x Thu Nov 11 07:50:12 2021\nSubject: t\n\nbody2\n";
        let m = ok(data.as_bytes());
        assert_eq!(m.len(), 2);
        assert_eq!(text(&m[0]), "Subject: s\n\nbody\n");
        assert_eq!(text(&m[1]), "Subject: t\n\nbody2\n");
    }

    #[test]
    fn separator_after_blank_without_date_but_header_follows() {
        let data = "From a@x\nSubject: s\n\nbody\n\nFrom b@x\nSubject: t\n\nbody2";
        let m = ok(data.as_bytes());
        assert_eq!(m.len(), 2);
        assert_eq!(text(&m[0]), "Subject: s\n\nbody\n");
        assert_eq!(text(&m[1]), "Subject: t\n\nbody2");
    }

    #[test]
    fn no_trailing_newline() {
        let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nlast line";
        let m = ok(data.as_bytes());
        assert_eq!(m.len(), 1);
        assert_eq!(text(&m[0]), "Subject: s\n\nlast line");
        let m = ok(b"From a@x Thu Nov 11 07:49:12 2021");
        assert_eq!(m.len(), 1);
        assert!(m[0].bytes.is_empty());
    }

    #[test]
    fn empty_and_blank_files() {
        assert!(split(b"", 100).is_empty());
        assert!(split(b"\n\r\n\n", 100).is_empty());
    }

    #[test]
    fn not_an_mbox() {
        let r = split(b"Subject: hi\n\nplain text, no separator\n", 1000);
        assert_eq!(r.len(), 1);
        let e = r.into_iter().next().unwrap().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("no `From ` separator line found"));
    }

    #[test]
    fn preamble_is_reported_then_messages_follow() {
        let r = split(
            b"junk line\n\nFrom a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nb\n",
            1000,
        );
        assert_eq!(r.len(), 2);
        assert!(r[0].is_err());
        let m = r[1].as_ref().unwrap();
        assert_eq!(m.number, 1);
        assert_eq!(text(m), "Subject: s\n\nb\n");
    }

    #[test]
    fn bom_and_leading_blank_lines() {
        let m = ok(b"\xEF\xBB\xBF\nFrom a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nb\n");
        assert_eq!(m.len(), 1);
        assert_eq!(text(&m[0]), "Subject: s\n\nb\n");
    }

    #[test]
    fn truncation_keeps_prefix_and_skips_rest() {
        let mut data = String::from("From a@x Thu Nov 11 07:49:12 2021\nSubject: big\n\n");
        for i in 0..1000 {
            data.push_str(&format!("line {i} of a big message\n"));
        }
        data.push_str("\nFrom b@x Thu Nov 11 07:49:12 2021\nSubject: small\n\nok\n");
        let r = split(data.as_bytes(), 100);
        let m: Vec<RawMessage> = r.into_iter().map(|x| x.unwrap()).collect();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].bytes.len(), 100);
        assert!(m[0].truncated);
        assert!(m[0].bytes.starts_with(b"Subject: big\n\nline 0 of"));
        assert!(m[0].bytes.capacity() <= 100);
        assert_eq!(m[1].number, 2);
        assert_eq!(text(&m[1]), "Subject: small\n\nok\n");
        assert!(!m[1].truncated);
    }

    #[test]
    fn exact_limit_is_not_truncated() {
        let m = split(b"From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n", 11);
        let m = m[0].as_ref().unwrap();
        assert_eq!(m.bytes, b"Subject: s\n");
        assert!(!m.truncated);
    }

    #[test]
    fn long_lines_stream_through() {
        let long = "x".repeat(LINE_CAP * 3 + 17);
        let data = format!(
            "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\n{long}\nFrom b@x Thu Nov 11 07:49:12 2021\n\nFrom c@x Thu Nov 11 07:49:12 2021\nSubject: t\n\n>From {long}"
        );
        // A tiny BufReader buffer exercises lines split across reads.
        let m: Vec<RawMessage> =
            MboxReader::new(BufReader::with_capacity(7, data.as_bytes()), 1 << 20)
                .map(|r| r.unwrap())
                .collect();
        assert_eq!(m.len(), 2);
        // The `From b@x` line follows a non-blank line and no header: body text.
        assert_eq!(
            text(&m[0]),
            format!("Subject: s\n\n{long}\nFrom b@x Thu Nov 11 07:49:12 2021\n")
        );
        assert_eq!(text(&m[1]), format!("Subject: t\n\nFrom {long}"));
        assert_eq!(m[1].number, 2);
    }

    #[test]
    fn numbering_many() {
        let mut data = String::new();
        for i in 1..=50 {
            data.push_str(&format!(
                "From u{i}@x Thu Nov 11 07:49:12 2021\nSubject: n{i}\n\nbody {i}\n\n"
            ));
        }
        let m = ok(data.as_bytes());
        assert_eq!(m.len(), 50);
        for (i, msg) in m.iter().enumerate() {
            assert_eq!(msg.number, i as u64 + 1);
            assert_eq!(
                text(msg),
                format!("Subject: n{}\n\nbody {}\n", i + 1, i + 1)
            );
        }
    }

    #[test]
    fn multiple_blank_lines_keep_all_but_the_last() {
        let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nb\n\n\n\nFrom b@x Thu Nov 11 07:49:12 2021\nSubject: t\n\nc\n";
        let m = ok(data.as_bytes());
        assert_eq!(text(&m[0]), "Subject: s\n\nb\n\n\n");
    }

    #[test]
    fn detects_mbox_heads() {
        assert!(looks_like_mbox(
            b"From a@x Thu Nov 11 07:49:12 2021\nFrom: a\n"
        ));
        assert!(looks_like_mbox(
            b"\xEF\xBB\xBF\r\nFrom MAILER-DAEMON Fri Jul  8 12:08:34 2011\r\n"
        ));
        assert!(looks_like_mbox(b"From a@x\nReturn-Path: <a@x>\n"));
        assert!(looks_like_mbox(b"From a@x Thu Nov"));
        assert!(!looks_like_mbox(b"From: a@x\nTo: b@y\n\n"));
        assert!(!looks_like_mbox(
            b"From here on, it is prose.\nAnd more prose.\n"
        ));
        assert!(!looks_like_mbox(b""));
        assert!(!looks_like_mbox(b"id;name\n1;From x\n"));
    }

    struct FailingReader {
        data: Cursor<Vec<u8>>,
        fail_after: usize,
    }
    impl io::Read for FailingReader {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.position() as usize >= self.fail_after {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf
                .len()
                .min(self.fail_after - self.data.position() as usize);
            io::Read::read(&mut self.data, &mut buf[..n])
        }
    }

    #[test]
    fn io_error_ends_iteration() {
        let r = FailingReader {
            data: Cursor::new(TWO.as_bytes().to_vec()),
            fail_after: 60,
        };
        let items: Vec<_> = MboxReader::new(BufReader::with_capacity(16, r), 1000).collect();
        assert_eq!(items.len(), 1);
        assert!(items[0].is_err());
    }

    #[test]
    fn random_input_never_panics() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: [&[u8]; 9] = [
            b"From a@x Thu Nov 11 07:49:12 2021\n",
            b"From here\n",
            b">From x\n",
            b"\n",
            b"\r\n",
            b"Subject: x\n",
            b"body text ",
            b"\xff\xfe\x00",
            b"From ",
        ];
        for _ in 0..500 {
            let mut data = Vec::new();
            for _ in 0..(rnd() % 40) {
                data.extend_from_slice(pieces[(rnd() % pieces.len() as u64) as usize]);
            }
            let max = (rnd() % 64) as usize;
            let cap = 1 + (rnd() % 9) as usize;
            let mut last = 0;
            // Error items (text before the first separator) do not take a number.
            for m in MboxReader::new(BufReader::with_capacity(cap, &data[..]), max).flatten() {
                assert!(m.bytes.len() <= max);
                assert_eq!(m.number, last + 1);
                last = m.number;
            }
        }
    }
}
