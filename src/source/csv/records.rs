//! The CSV reader on the record model: each data row a record, its byte span kept
//! for the writers to come (redaction, sharding).

use super::CsvReader;
use crate::source::SourceError;
use crate::source::record::{
    ByteSpan, Field, FieldName, Record, RecordLocation, RecordNumber, RecordReader,
};

/// The CSV reader on the record model: one row at a time, each field named by its
/// header (`column_N` past the header's end), with the row's byte span for UTF-8
/// files. The scanner reads batches ([`CsvReader::read_batch`]) instead, which
/// reuses its buffers.
impl RecordReader for CsvReader {
    fn next_record(&mut self) -> Result<Option<Record>, SourceError> {
        let mut one = Vec::with_capacity(1);
        self.read_batch(&mut one, 1, usize::MAX)?;
        let Some(row) = one.pop() else {
            return Ok(None);
        };
        let span = match (self.span_base, row.fields.position()) {
            (Some(base), Some(start)) => Some(ByteSpan {
                start: base + start.byte(),
                end: base + self.reader.position().byte(),
            }),
            _ => None,
        };
        let fields = row
            .fields
            .iter()
            .enumerate()
            .map(|(i, raw)| Field {
                name: FieldName::Column(column_name(&self.headers, i)),
                text: String::from_utf8_lossy(raw).into_owned(),
            })
            .collect();
        Ok(Some(Record {
            location: RecordLocation::in_file(&self.display, RecordNumber::Row(row.number)),
            fields,
            mail: None,
            span,
            warnings: Vec::new(),
        }))
    }

    fn take_warnings(&mut self) -> Vec<String> {
        CsvReader::take_warnings(self)
    }
}

/// A column's name: its header, or `column_N` (1-based) past the header's end.
pub fn column_name(headers: &[String], i: usize) -> String {
    headers
        .get(i)
        .cloned()
        .unwrap_or_else(|| format!("column_{}", i + 1))
}
