//! CSV exports as they really come: any of `,` `;` tab `|`, an Excel `sep=` line,
//! UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252, gzip; quoted fields
//! with delimiters, newlines and doubled quotes; ragged rows (reported, scanned).
//! Records are read as `ByteRecord`s in batches that the scanner hands to threads.

use super::decode::detect_encoding;
use super::{Limits, Source, SourceError};
use csv::ByteRecord;
use encoding_rs::Encoding;
use std::io::{self, BufRead, Cursor, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub mod range;
mod records;
pub use range::Dialect;
pub use records::column_name;

const SAMPLE_BYTES: usize = 64 * 1024;

/// The longest record held in memory is this many times `max_field_bytes` (at least
/// [`MIN_RECORD_BYTES`]): the csv crate holds a whole record, so a file without line
/// ends or with an unclosed quote would otherwise be read into memory whole.
pub const RECORD_LIMIT_FACTOR: usize = 4;
pub const MIN_RECORD_BYTES: usize = 1024 * 1024;

/// An open CSV export, positioned after its header.
pub struct CsvReader {
    /// The first `--max-columns` column names.
    pub headers: Vec<String>,
    /// Columns of the header row, all of them.
    pub columns: usize,
    pub delimiter: u8,
    pub encoding: &'static Encoding,
    reader: csv::Reader<Box<dyn Read + Send>>,
    display: String,
    records_read: u64,
    /// Bytes handed to the csv parser since the last complete record.
    since_record: Arc<AtomicU64>,
    /// Records with NUL bytes: (count, first record number).
    nul_records: (u64, u64),
    at_end: bool,
    /// The first row when it turned out to be data, not names: handed out as
    /// record 1 by the next [`CsvReader::read_batch`].
    first_row: Option<ByteRecord>,
    header_row: ByteRecord,
    /// The header row's buffers, reused by the first record read.
    spare_row: Option<ByteRecord>,
    /// Added to the parser's record numbers: 1 when the first row is a record.
    number_offset: u64,
    max_columns: usize,
    /// Things worth knowing about the file as a whole (encoding doubts, NUL bytes,
    /// no data records); never any content.
    warnings: Vec<String>,
    /// Where the parser's byte 0 is in the file, when its offsets are the file's
    /// (UTF-8: only a `sep=` line was dropped); `None` when the text was transcoded.
    span_base: Option<u64>,
    /// Bytes of the `sep=` line dropped before the header.
    skipped: u64,
    /// The longest record read (see [`RecordGuard`]).
    guard_limit: u64,
    /// Reading one byte range of the file (see `range.rs`): the whole file's
    /// warnings are the first range's, and "no data records" is the merge's call.
    ranged: bool,
    /// The first row is data (it stays in `first_row` until it is read, also for
    /// the first byte range of a split file: no copy of a huge row is kept).
    first_is_data: bool,
}

/// One data record of a CSV export (positional fields).
pub use super::table::TableRecord as CsvRecord;

impl CsvReader {
    pub fn open(
        source: &Source,
        limits: &Limits,
        delimiter: Option<u8>,
    ) -> Result<CsvReader, SourceError> {
        let input = source
            .open(limits)
            .map_err(|e| SourceError::new(&source.display, format!("cannot open: {e}")))?;
        CsvReader::from_input(input, &source.display, limits, delimiter)
    }

    /// A CSV export in memory (tests and fuzzing); `display` names it in messages.
    pub fn from_bytes(
        bytes: Vec<u8>,
        display: &str,
        limits: &Limits,
        delimiter: Option<u8>,
    ) -> Result<CsvReader, SourceError> {
        CsvReader::from_input(Box::new(Cursor::new(bytes)), display, limits, delimiter)
    }

    // Over 80 lines: the steps of opening an export (sample, encoding, `sep=` line, delimiter, record guard, header) in the order they depend on each other.
    fn from_input(
        mut input: Box<dyn BufRead + Send>,
        display: &str,
        limits: &Limits,
        delimiter: Option<u8>,
    ) -> Result<CsvReader, SourceError> {
        let err = |m: String| SourceError::new(display, m);
        let mut sample = Vec::with_capacity(SAMPLE_BYTES);
        (&mut input)
            .take(SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(|e| err(format!("cannot read: {e}")))?;
        let complete = sample.len() < SAMPLE_BYTES;
        let encoding = detect_encoding(&sample, complete);
        let (decoded_sample, _, _) = encoding.decode(&sample);
        let mut warnings = Vec::new();
        let undecodable = count_undecodable(&decoded_sample, complete);
        if undecodable > 0 {
            warnings.push(format!(
                "{undecodable} characters in the first {} KiB do not decode as {} (the encoding guessed); \
                 the file may be in another encoding, and values with such characters may be missed",
                SAMPLE_BYTES / 1024,
                encoding.name()
            ));
        } else if unusual_guess(&sample, encoding) {
            warnings.push(format!(
                "not UTF-8, and read as {} (the encoding guessed), which is unusual for these exports; \
                 values may be misread (re-export as UTF-8 to be sure)",
                encoding.name()
            ));
        }
        // Excel writes `sep=;` as a first line to name the delimiter.
        let mut skip_first_line = false;
        let mut delim = delimiter;
        let first_line = decoded_sample
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("");
        if let Some(rest) = first_line.strip_prefix("sep=")
            && let Some(&b) = rest.trim().as_bytes().first()
        {
            delim.get_or_insert(b);
            skip_first_line = true;
        }
        let body = if skip_first_line {
            decoded_sample
                .trim_start_matches('\u{feff}')
                .split_once('\n')
                .map(|x| x.1)
                .unwrap_or("")
        } else {
            &decoded_sample
        };
        let delimiter = delim.unwrap_or_else(|| sniff_delimiter(body.as_bytes(), complete));

        let chained: Box<dyn BufRead + Send> = Box::new(Cursor::new(sample).chain(input));
        let mut stream: Box<dyn Read + Send> = if encoding == encoding_rs::UTF_8 {
            chained
        } else {
            Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding))
                    .bom_override(true)
                    .build(chained),
            )
        };
        let mut skipped = 0u64;
        if skip_first_line {
            // Drop the `sep=` line from the stream before the csv reader sees it.
            let mut byte = [0u8; 1];
            loop {
                match stream.read(&mut byte) {
                    Ok(0) => break,
                    Ok(_) if byte[0] == b'\n' => {
                        skipped += 1;
                        break;
                    }
                    Ok(_) => skipped += 1,
                    Err(e) => return Err(err(format!("cannot read: {e}"))),
                }
            }
        }
        let since_record = Arc::new(AtomicU64::new(0));
        let guard_limit = limits
            .max_field_bytes
            .saturating_mul(RECORD_LIMIT_FACTOR)
            .max(MIN_RECORD_BYTES) as u64;
        let stream: Box<dyn Read + Send> = Box::new(RecordGuard {
            inner: stream,
            since_record: since_record.clone(),
            limit: guard_limit,
        });
        // The header row is read as a record of its own, and it may turn out to be
        // data. Headers set (empty) before the first read stop the parser from
        // keeping its own byte and string copies of the first row: 4 × 8 MiB for a
        // million-column header.
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .buffer_capacity(super::decode::READ_BUFFER)
            .from_reader(stream);
        reader.set_byte_headers(ByteRecord::new());
        let mut header_record = ByteRecord::new();
        reader
            .read_byte_record(&mut header_record)
            .map_err(|e| err(format!("cannot read the header row: {}", csv_error(&e))))?;
        since_record.store(0, Ordering::Relaxed);
        let headers: Vec<String> = header_record
            .iter()
            .take(limits.max_columns)
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(err("no header row".into()));
        }
        Ok(CsvReader {
            headers,
            columns: header_record.len(),
            max_columns: limits.max_columns,
            delimiter,
            encoding,
            reader,
            display: display.to_string(),
            records_read: 0,
            since_record,
            nul_records: (0, 0),
            at_end: false,
            first_row: None,
            header_row: header_record,
            spare_row: None,
            number_offset: 0,
            warnings,
            span_base: (encoding == encoding_rs::UTF_8).then_some(skipped),
            skipped,
            guard_limit,
            ranged: false,
            first_is_data: false,
        })
    }

    /// The first row holds data, not column names (a header-less export): it
    /// becomes record 1, and the columns are named `column_1`, `column_2`, ...
    pub fn first_row_is_data(&mut self) {
        let row = std::mem::take(&mut self.header_row);
        self.headers = (1..=row.len().min(self.max_columns))
            .map(|i| format!("column_{i}"))
            .collect();
        self.first_is_data = true;
        self.first_row = Some(row);
        self.number_offset = 1;
    }

    /// The first row names the columns: its buffers are handed to the first data
    /// record (rows of a wide file are as wide as its header, and growing a buffer
    /// to a million fields again would hold the old and the new one at once).
    pub fn first_row_is_names(&mut self) {
        self.spare_row = Some(std::mem::take(&mut self.header_row));
    }

    /// Warnings about the whole file (encoding doubts, NUL bytes, no data records).
    /// Complete once the last batch has been read.
    pub fn take_warnings(&mut self) -> Vec<String> {
        let (n, first) = std::mem::take(&mut self.nul_records);
        if n > 0 {
            self.warnings.push(format!(
                "NUL bytes in {n} records (first: record {first}); not a clean text export, read as text"
            ));
        }
        if self.at_end && self.records_read == 0 && !self.ranged {
            self.warnings
                .push("no data records (only a header row)".to_string());
            self.at_end = false;
        }
        std::mem::take(&mut self.warnings)
    }

    /// Fill `batch` with up to `max_rows` records or about `max_bytes` of data.
    /// Returns false at the end of the file. The records already in `batch` are
    /// reused, so reading does not allocate per row.
    pub fn read_batch(
        &mut self,
        batch: &mut Vec<CsvRecord>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<bool, SourceError> {
        let mut filled = 0;
        let mut bytes = 0;
        if let Some(first) = self.first_row.take() {
            bytes += first.as_slice().len();
            self.records_read += 1;
            match batch.first_mut() {
                Some(rec) => {
                    rec.number = 1;
                    rec.fields = first;
                }
                None => {
                    let mut rec = CsvRecord::new();
                    rec.number = 1;
                    rec.fields = first;
                    batch.push(rec);
                }
            }
            filled = 1;
        }
        let result = loop {
            if filled >= max_rows || bytes >= max_bytes {
                break Ok(true);
            }
            if filled == batch.len() {
                batch.push(CsvRecord::new());
            }
            let rec = &mut batch[filled];
            if let Some(spare) = self.spare_row.take() {
                rec.fields = spare;
            } else if filled > 0 && rec.fields.as_slice().len() > REUSE_RECORD_BYTES {
                // A record that held a long row gives its room back, but the first
                // of a batch keeps it: a file of wide rows reads each into the
                // buffers of the one before.
                rec.fields = ByteRecord::new();
            }
            match self.reader.read_byte_record(&mut rec.fields) {
                Ok(true) => {
                    self.since_record.store(0, Ordering::Relaxed);
                    self.records_read += 1;
                    rec.number = rec
                        .fields
                        .position()
                        .map(|p| p.record() + self.number_offset)
                        .unwrap_or(self.records_read);
                    bytes += rec.fields.as_slice().len();
                    if memchr::memchr(0, rec.fields.as_slice()).is_some() {
                        if self.nul_records.0 == 0 {
                            self.nul_records.1 = rec.number;
                        }
                        self.nul_records.0 += 1;
                    }
                    filled += 1;
                }
                Ok(false) => {
                    self.at_end = true;
                    break Ok(false);
                }
                Err(e) => {
                    break Err(SourceError::new(
                        &self.display,
                        format!("record {}: {}", self.records_read + 1, csv_error(&e)),
                    ));
                }
            }
        };
        batch.truncate(filled);
        result
    }
}

impl super::table::TableReader for CsvReader {
    fn headers(&self) -> &[String] {
        &self.headers
    }
    fn read_batch(
        &mut self,
        batch: &mut Vec<CsvRecord>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<bool, SourceError> {
        CsvReader::read_batch(self, batch, max_rows, max_bytes)
    }
    fn take_warnings(&mut self) -> Vec<String> {
        CsvReader::take_warnings(self)
    }
    fn locator(&self) -> super::table::Locator {
        super::table::Locator::Csv
    }
    fn width(&self) -> usize {
        self.columns
    }
}

/// Records kept for reuse hold at most about this much (typical CRM rows are a
/// few hundred bytes), so a batch's worth of reused records stays small.
const REUSE_RECORD_BYTES: usize = 2048;

/// Characters that did not decode (U+FFFD) or decoded to C1 control characters,
/// which real text does not contain: signs of a wrong encoding guess. A replacement
/// character at the end of an incomplete sample is a cut character, not counted.
fn count_undecodable(decoded: &str, complete: bool) -> usize {
    let text = if complete {
        decoded
    } else {
        decoded.trim_end_matches('\u{FFFD}')
    };
    text.chars()
        .filter(|&c| c == '\u{FFFD}' || ('\u{80}'..='\u{9F}').contains(&c))
        .count()
}

/// The encoding was guessed (no BOM, not UTF-8) as one that Nordic and European
/// exports are not written in: more likely a wrong guess on garbled bytes.
fn unusual_guess(sample: &[u8], encoding: &'static Encoding) -> bool {
    if encoding == encoding_rs::UTF_8 || Encoding::for_bom(sample).is_some() {
        return false;
    }
    ![
        encoding_rs::WINDOWS_1252,
        encoding_rs::ISO_8859_15,
        encoding_rs::WINDOWS_1250,
        encoding_rs::ISO_8859_2,
        encoding_rs::WINDOWS_1257,
        encoding_rs::ISO_8859_4,
        encoding_rs::ISO_8859_13,
        encoding_rs::ISO_8859_10,
    ]
    .contains(&encoding)
}

/// Stops the csv parser from collecting a record without end (no line ends, an
/// unclosed quote): past `limit` bytes since the last complete record it fails the
/// read. The reader resets the count after each record.
struct RecordGuard<R> {
    inner: R,
    since_record: Arc<AtomicU64>,
    limit: u64,
}

impl<R: Read> Read for RecordGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.since_record.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "record longer than {} bytes ({RECORD_LIMIT_FACTOR} × --max-field-size; \
                     no line end or an unclosed quote?); the rest of the file is not scanned",
                    self.limit
                ),
            ));
        }
        Ok(n)
    }
}

/// A csv error without any field content in it.
fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("read error: {io}"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".into(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        _ => "malformed CSV".into(),
    }
}

/// The delimiter that gives the same field count (> 1) on the most sampled records.
pub fn sniff_delimiter(sample: &[u8], complete: bool) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for &d in b",;\t|" {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(d)
            .flexible(true)
            .has_headers(false)
            .from_reader(sample);
        let mut counts = Vec::new();
        let mut rec = ByteRecord::new();
        while let Ok(true) = rdr.read_byte_record(&mut rec) {
            counts.push(rec.len());
            if counts.len() >= 200 {
                break;
            }
        }
        if !complete && counts.len() > 2 {
            counts.pop(); // the last sampled record may be cut short
        }
        let Some(&first) = counts.first() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        let score = (consistent, first);
        if score > (best.1, best.2) {
            best = (d, consistent, first);
        }
    }
    best.0
}

#[cfg(test)]
mod tests;
