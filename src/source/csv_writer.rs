//! The CSV [`RecordWriter`]: the same file minus the data. It re-reads the raw
//! bytes with the parser the reader uses (csv-core, so record boundaries and
//! numbers are the reader's), copies every byte it is not told to change — BOM,
//! `sep=` line, quoting, line ends, the header — and rewrites only the character
//! spans it is given, in the file's own encoding and quoting.

use super::record::{RecordEdit, RecordWriter, TextEdit, WriteCounts};
use encoding_rs::Encoding;
use std::io::{self, Read, Write};

const READ_CHUNK: usize = 256 * 1024;

/// Rewrites one CSV export record by record.
pub struct CsvRewriter<R: Read, W: Write> {
    input: R,
    out: W,
    encoding: &'static Encoding,
    delimiter: u8,
    /// The first row is a record (a header-less export).
    first_row_is_data: bool,
    parser: csv_core::Reader,
    /// Raw bytes read but not yet handed to the parser.
    buf: Vec<u8>,
    buf_pos: usize,
    at_eof: bool,
    started: bool,
    /// The raw bytes of the record being parsed.
    pending: Vec<u8>,
    field_out: Vec<u8>,
    ends: Vec<usize>,
    /// Records parsed so far, the header row included.
    parsed: u64,
    /// Column names of the header row (as the reader trims them).
    headers: Vec<String>,
    /// A record longer than this stops rewriting; the rest is copied as it is.
    max_record: usize,
    /// A record could not be taken apart: the rest is copied as it is.
    passthrough: bool,
    /// Edits that could not be made (their record was copied without them).
    problems: Vec<String>,
    counts: WriteCounts,
    /// The bytes written for the last record that was rewritten.
    last: Vec<u8>,
}

/// What can stop a rewrite.
#[derive(Debug, thiserror::Error)]
pub enum RewriteError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("record {0}: {1}")]
    Record(u64, String),
    #[error("the encoding {0} is not rewritten (only UTF-8 and single-byte encodings)")]
    Encoding(&'static str),
}

impl<R: Read, W: Write> CsvRewriter<R, W> {
    pub fn new(
        input: R,
        out: W,
        encoding: &'static Encoding,
        delimiter: u8,
        first_row_is_data: bool,
        max_record: usize,
    ) -> Result<Self, RewriteError> {
        if encoding != encoding_rs::UTF_8 && !encoding.is_single_byte() {
            return Err(RewriteError::Encoding(encoding.name()));
        }
        Ok(CsvRewriter {
            input,
            out,
            encoding,
            delimiter,
            first_row_is_data,
            parser: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            buf: Vec::new(),
            buf_pos: 0,
            at_eof: false,
            started: false,
            pending: Vec::new(),
            field_out: vec![0; 4096],
            ends: vec![0; 64],
            parsed: 0,
            headers: Vec::new(),
            max_record,
            passthrough: false,
            problems: Vec::new(),
            counts: WriteCounts::default(),
            last: Vec::new(),
        })
    }

    /// The BOM and an Excel `sep=` line are copied before parsing starts (the
    /// reader drops both before its parser sees them).
    fn start(&mut self) -> Result<(), RewriteError> {
        self.started = true;
        self.fill()?;
        let mut skip = 0;
        if self.buf.starts_with(b"\xEF\xBB\xBF") {
            skip = 3;
        }
        if self.buf[skip..].starts_with(b"sep=") {
            while self.buf[skip..].iter().all(|&b| b != b'\n') && !self.at_eof {
                self.fill()?;
            }
            skip +=
                memchr::memchr(b'\n', &self.buf[skip..]).map_or(self.buf.len() - skip, |i| i + 1);
        }
        self.out.write_all(&self.buf[..skip])?;
        self.buf_pos = skip;
        Ok(())
    }

    /// Read more raw input, keeping what the parser has not taken.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.drain(..self.buf_pos);
        self.buf_pos = 0;
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        let n = loop {
            match self.input.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(old + n);
        self.at_eof = n == 0;
        Ok(())
    }

    /// Parse the next record into `pending`; false at the end of input.
    fn next_raw(&mut self) -> Result<bool, RewriteError> {
        use csv_core::ReadRecordResult as R;
        self.pending.clear();
        loop {
            if self.buf_pos == self.buf.len() && !self.at_eof {
                self.fill()?;
            }
            let input = &self.buf[self.buf_pos..];
            let (res, nin, _, _) =
                self.parser
                    .read_record(input, &mut self.field_out, &mut self.ends);
            self.pending.extend_from_slice(&input[..nin]);
            self.buf_pos += nin;
            if self.pending.len() > self.max_record {
                self.copy_rest()?;
                return Err(RewriteError::Record(
                    self.parsed + u64::from(self.first_row_is_data),
                    format!(
                        "longer than {} bytes: it and the rest of the file are copied unchanged",
                        self.max_record
                    ),
                ));
            }
            match res {
                R::InputEmpty => {}
                R::OutputFull => {
                    let n = self.field_out.len() * 2;
                    self.field_out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::Record => {
                    self.parsed += 1;
                    return Ok(true);
                }
                R::End => return Ok(false),
            }
        }
    }

    /// Copy everything not yet written as it is, and stop parsing.
    fn copy_rest(&mut self) -> io::Result<()> {
        self.passthrough = true;
        self.out.write_all(&self.pending)?;
        self.pending.clear();
        self.out.write_all(&self.buf[self.buf_pos..])?;
        self.buf_pos = self.buf.len();
        io::copy(&mut self.input, &mut self.out)?;
        Ok(())
    }

    /// The reader's number of the record just parsed (the header row is 0).
    fn number(&self) -> u64 {
        self.parsed - 1 + u64::from(self.first_row_is_data)
    }

    fn header_done(&self) -> bool {
        self.first_row_is_data || self.parsed > 1
    }

    /// Copy records up to (not including) record `number`, parsing the next one.
    /// Returns whether record `number` is now in `pending`.
    fn advance_to(&mut self, number: u64) -> Result<bool, RewriteError> {
        if !self.started {
            self.start()?;
        }
        loop {
            if self.passthrough {
                return Ok(false);
            }
            if !self.next_raw()? {
                self.out.write_all(&self.pending)?;
                self.pending.clear();
                return Ok(false);
            }
            if !self.header_done() {
                self.headers = split_fields(&self.pending, self.delimiter)
                    .iter()
                    .map(|f| {
                        let (text, _) = decode_field(&self.pending[f.start..f.end], self.encoding);
                        text.trim_start_matches('\u{feff}').trim().to_string()
                    })
                    .collect();
                self.out.write_all(&self.pending)?;
                continue;
            }
            self.counts.records_in += 1;
            let n = self.number();
            if n == number {
                return Ok(true);
            }
            self.out.write_all(&self.pending)?;
            self.counts.records_out += 1;
        }
    }

    /// The bytes written for the record [`RecordWriter::edit_record`] last
    /// rewrote (not dropped): what checks the copy takes apart again.
    pub fn last_record(&self) -> &[u8] {
        &self.last
    }

    /// The edits that could not be made, each naming its record and column.
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }

    /// The column a label names: a header, else `column_N`.
    fn column(&self, label: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == label).or_else(|| {
            label
                .strip_prefix("column_")
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| n.checked_sub(1))
        })
    }

    fn rewrite_pending(&mut self, number: u64, edits: &[TextEdit]) -> Result<(), RewriteError> {
        let fields = split_fields(&self.pending, self.delimiter);
        let mut out = Vec::with_capacity(self.pending.len());
        let mut copied = 0usize;
        let mut by_field: Vec<(usize, &TextEdit)> = Vec::with_capacity(edits.len());
        for e in edits {
            match self.column(&e.field).filter(|c| *c < fields.len()) {
                Some(col) => by_field.push((col, e)),
                None => self.problems.push(format!(
                    "record {number}: no column `{}` to change; left as it was",
                    e.field
                )),
            }
        }
        by_field.sort_by_key(|(c, e)| (*c, e.start));
        for (col, e) in by_field {
            let f = &fields[col];
            let raw = &self.pending[f.start..f.end];
            let (_, offsets) = decode_field(raw, self.encoding);
            let at = |ch: usize| offsets.get(ch).copied();
            let (Some(s), Some(t)) = (at(e.start), at(e.end)) else {
                self.problems.push(format!(
                    "record {number}, column `{}`: the span to change is past the field's end; left as it was",
                    e.field
                ));
                continue;
            };
            let (s, t) = (f.start + s, f.start + t);
            if s < copied {
                continue; // overlaps the previous edit, which already covered it
            }
            out.extend_from_slice(&self.pending[copied..s]);
            out.extend_from_slice(&encode_replacement(
                &e.with,
                self.encoding,
                f.quoted,
                self.delimiter,
            ));
            copied = t;
        }
        out.extend_from_slice(&self.pending[copied..]);
        self.out.write_all(&out)?;
        self.last = out;
        Ok(())
    }
}

impl<R: Read, W: Write> RecordWriter for CsvRewriter<R, W> {
    type Error = RewriteError;

    fn edit_record(&mut self, number: u64, edit: &RecordEdit) -> Result<(), RewriteError> {
        if !self.advance_to(number)? {
            return Err(RewriteError::Record(number, "not in the file".into()));
        }
        if edit.drop {
            self.counts.dropped += 1;
            // The record's own line end goes with it; leading blank lines stay.
            self.pending.clear();
            return Ok(());
        }
        self.rewrite_pending(number, &edit.edits)?;
        self.counts.records_out += 1;
        self.counts.changed += 1;
        Ok(())
    }

    fn finish(&mut self) -> Result<WriteCounts, RewriteError> {
        while self.advance_to(u64::MAX)? {}
        self.out.flush()?;
        Ok(self.counts)
    }
}

/// One field's raw bytes in a record: `[start, end)`, and whether it is quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawField {
    pub start: usize,
    pub end: usize,
    pub quoted: bool,
}

/// The fields of one raw record as csv-core reads them: leading line ends (blank
/// lines before the record) skipped, fields split at delimiters outside quotes,
/// the record ending at the first line end outside quotes.
pub fn split_fields(raw: &[u8], delimiter: u8) -> Vec<RawField> {
    let mut i = 0;
    while i < raw.len() && (raw[i] == b'\r' || raw[i] == b'\n') {
        i += 1;
    }
    let mut fields = Vec::new();
    loop {
        let start = i;
        let quoted = raw.get(i) == Some(&b'"');
        let mut in_quotes = quoted;
        if quoted {
            i += 1;
        }
        while i < raw.len() {
            let b = raw[i];
            if in_quotes {
                if b == b'"' {
                    if raw.get(i + 1) == Some(&b'"') {
                        i += 1;
                    } else {
                        in_quotes = false;
                    }
                }
            } else if b == delimiter || b == b'\r' || b == b'\n' {
                break;
            }
            i += 1;
        }
        fields.push(RawField {
            start,
            end: i,
            quoted,
        });
        match raw.get(i) {
            Some(&b) if b == delimiter => i += 1,
            _ => return fields,
        }
    }
}

/// A raw field's text as the reader decodes it (quotes removed, doubled quotes
/// single, bytes decoded), and the raw offset of every character of it plus one
/// for the end of the text, so that a character span maps back to bytes.
pub fn decode_field(raw: &[u8], encoding: &'static Encoding) -> (String, Vec<usize>) {
    // Unquote first, remembering where each kept byte starts and ends in `raw`.
    let mut bytes = Vec::with_capacity(raw.len());
    let mut from = Vec::with_capacity(raw.len());
    let mut after = Vec::with_capacity(raw.len());
    let quoted = raw.first() == Some(&b'"');
    let mut in_quotes = quoted;
    let mut i = usize::from(quoted);
    while i < raw.len() {
        let b = raw[i];
        if in_quotes && b == b'"' {
            if raw.get(i + 1) == Some(&b'"') {
                bytes.push(b'"');
                from.push(i);
                after.push(i + 2);
                i += 2;
            } else {
                in_quotes = false;
                i += 1;
            }
            continue;
        }
        bytes.push(b);
        from.push(i);
        after.push(i + 1);
        i += 1;
    }
    let mut text = String::with_capacity(bytes.len());
    let mut offsets = Vec::with_capacity(bytes.len() + 1);
    if encoding == encoding_rs::UTF_8 {
        // As `from_utf8_lossy`: each invalid run is one U+FFFD.
        let mut pos = 0;
        for chunk in bytes.utf8_chunks() {
            for (j, c) in chunk.valid().char_indices() {
                offsets.push(from[pos + j]);
                text.push(c);
            }
            pos += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                offsets.push(from[pos]);
                text.push('\u{fffd}');
                pos += chunk.invalid().len();
            }
        }
    } else {
        // Single-byte encodings: one character per byte.
        let (decoded, _) = encoding.decode_without_bom_handling(&bytes);
        for (j, c) in decoded.chars().enumerate() {
            offsets.push(from.get(j).copied().unwrap_or(raw.len()));
            text.push(c);
        }
    }
    offsets.push(after.last().copied().unwrap_or(usize::from(quoted)));
    (text, offsets)
}

/// A replacement in the file's encoding and quoting: a character the encoding
/// cannot hold is spelled without its accent or dropped, never written as `?`;
/// in a quoted field quotes are doubled; an unquoted field gets no delimiter,
/// quote or line end.
pub fn encode_replacement(
    text: &str,
    encoding: &'static Encoding,
    quoted: bool,
    delimiter: u8,
) -> Vec<u8> {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        let unsafe_here = !quoted && (c == delimiter as char || c == '"' || c == '\r' || c == '\n');
        if unsafe_here {
            safe.push(' ');
        } else if quoted && c == '"' {
            safe.push_str("\"\"");
        } else {
            safe.push(c);
        }
    }
    encode_text(&safe, encoding)
}

/// `text` in `encoding` (UTF-8 or single-byte): a character the encoding cannot
/// hold is spelled without its accent, or dropped.
pub fn encode_text(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    if encoding == encoding_rs::UTF_8 {
        return text.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut one = [0u8; 4];
    for c in text.chars() {
        let s: &str = c.encode_utf8(&mut one);
        let (bytes, _, bad) = encoding.encode(s);
        if !bad {
            out.extend_from_slice(&bytes);
        } else if let Some(plain) = fold_ascii(c) {
            out.push(plain);
        }
    }
    out
}

/// The plain letter under a Nordic or common accented one.
pub(crate) fn fold_ascii(c: char) -> Option<u8> {
    let plain = match c {
        'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' | 'æ' => 'a',
        'Å' | 'Ä' | 'À' | 'Á' | 'Â' | 'Ã' | 'Æ' => 'A',
        'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
        'Ö' | 'Ø' | 'Ó' | 'Ò' | 'Ô' | 'Õ' => 'O',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'ü' | 'ú' | 'ù' | 'û' => 'u',
        'Ü' | 'Ú' | 'Ù' | 'Û' => 'U',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        _ if c.is_ascii() => c,
        _ => return None,
    };
    Some(plain as u8)
}

#[cfg(test)]
mod tests;
