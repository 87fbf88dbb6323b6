//! One byte range of a large CSV export, for a sharded scan (`--shard-size`): the
//! export is opened at its start as usual (header, dialect, encoding), then reads
//! only the records of its range, numbered as in the whole file. The ranges are cut
//! at record boundaries by [`crate::source::csv_split`], which tracks quote state
//! from the start of the file and counts the records before each cut.

use super::{CsvReader, RecordGuard};
use crate::source::SourceError;
use crate::source::csv_split::{Bound, bounds};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::Ordering;

/// How an export was read at its start, which its byte ranges share.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub delimiter: u8,
    pub encoding: &'static encoding_rs::Encoding,
    /// Bytes of a `sep=` line before the header.
    pub skipped: u64,
}

impl CsvReader {
    /// Can the export be cut into byte ranges? Its encoding must keep quotes,
    /// delimiters and line ends as the ASCII bytes they are (UTF-8 and the
    /// single-byte encodings; not UTF-16).
    pub fn splittable(&self) -> bool {
        self.encoding == encoding_rs::UTF_8 || self.encoding.is_single_byte()
    }

    pub fn dialect(&self) -> Dialect {
        Dialect {
            delimiter: self.delimiter,
            encoding: self.encoding,
            skipped: self.skipped,
        }
    }

    /// Read from now on only the records in bytes `start.pos..end` of the file at
    /// `path`, numbered as the whole file numbers them (`start.records` records,
    /// the header row included, lie before it). The first range also hands out the
    /// first row again when it is data.
    pub fn restrict(
        &mut self,
        path: &Path,
        start: Bound,
        end: u64,
        first: bool,
    ) -> Result<(), SourceError> {
        let err = |e: std::io::Error| SourceError::new(&self.display, format!("cannot read: {e}"));
        let mut file = std::fs::File::open(path).map_err(err)?;
        file.seek(SeekFrom::Start(start.pos)).map_err(err)?;
        let raw = BufReader::with_capacity(
            crate::source::decode::READ_BUFFER,
            file.take(end.saturating_sub(start.pos)),
        );
        let stream: Box<dyn Read + Send> = if self.encoding == encoding_rs::UTF_8 {
            Box::new(raw)
        } else {
            Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(self.encoding))
                    .bom_override(false)
                    .build(raw),
            )
        };
        self.since_record.store(0, Ordering::Relaxed);
        let limit = self.guard_limit;
        let guarded: Box<dyn Read + Send> = Box::new(RecordGuard {
            inner: stream,
            since_record: self.since_record.clone(),
            limit,
        });
        self.reader = csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(crate::source::decode::READ_BUFFER)
            .from_reader(guarded);
        // Record `i` of the range is record `start.records + i` of the file.
        let data_first = u64::from(self.first_is_data);
        self.number_offset = start.records + data_first;
        self.records_read = (start.records + data_first).saturating_sub(1);
        // Called before any record is read: the first row is still unread.
        if !first {
            self.first_row = None;
        }
        self.at_end = false;
        self.ranged = true;
        self.span_base = (self.encoding == encoding_rs::UTF_8).then_some(start.pos);
        Ok(())
    }

    /// The records with NUL bytes so far: (count, first record number); the
    /// merge of a split file adds them up.
    pub fn take_nul_records(&mut self) -> (u64, u64) {
        std::mem::take(&mut self.nul_records)
    }

    /// Read the whole file as the one range of a file that cannot be cut.
    pub fn mark_ranged(&mut self) {
        self.ranged = true;
    }

    /// The first row is a record, not the column names.
    pub fn first_row_was_data(&self) -> bool {
        self.first_is_data
    }

    /// Reached the end of its input (or range).
    pub fn at_end(&self) -> bool {
        self.at_end
    }
}

/// Where byte range `part` (0-based) of the `parts` ranges of `size` bytes of the
/// export at `path` starts and ends: at the first record boundaries at or after
/// the nominal cuts, never inside the header row.
pub fn range_bounds(
    path: &Path,
    dialect: &Dialect,
    part: u64,
    parts: u64,
    size: u64,
) -> std::io::Result<(Bound, u64)> {
    let mut file = BufReader::new(std::fs::File::open(path)?);
    file.seek(SeekFrom::Start(dialect.skipped))?;
    let at = |k: u64| {
        if k >= parts {
            u64::MAX
        } else {
            k.saturating_mul(size).saturating_sub(dialect.skipped)
        }
    };
    let found = bounds(&mut file, dialect.delimiter, &[at(part), at(part + 1)], 1)?;
    let shift = |b: Bound| Bound {
        pos: b.pos + dialect.skipped,
        records: b.records,
    };
    match found.as_slice() {
        [start, end] => Ok((shift(*start), shift(*end).pos)),
        _ => Err(std::io::Error::other("record boundaries not found")),
    }
}
