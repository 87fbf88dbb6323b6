//! The record model of table-shaped sources — CSV exports, spreadsheet sheets and
//! JSON/NDJSON exports — and the reader trait the scanner drives. Each reader turns
//! its format into numbered records of named fields; where a value sits is told by
//! a [`Locator`], so one scan path classifies all of them alike.

use super::SourceError;
use crate::model::Location;

/// One data record: its 1-based number (header not counted) and its fields.
///
/// CSV and sheet records are positional (field `i` is column `i`, `cols` empty).
/// A JSON record holds one field per leaf value; `cols[i]` names its column and
/// `paths[i]` its exact place (`contact.emails[1].value`), so a column can occur
/// more than once in one record.
pub struct TableRecord {
    pub number: u64,
    pub fields: csv::ByteRecord,
    pub cols: Vec<u32>,
    /// One field per value (empty for a CSV): a `ByteRecord`, so a batch's
    /// paths share one buffer instead of a string each.
    pub paths: csv::ByteRecord,
}

impl TableRecord {
    pub fn new() -> TableRecord {
        TableRecord {
            number: 0,
            fields: csv::ByteRecord::new(),
            cols: Vec::new(),
            paths: csv::ByteRecord::new(),
        }
    }

    /// The exact JSON path of field `i` (`None` for a CSV record).
    pub fn path(&self, i: usize) -> Option<String> {
        self.paths
            .get(i)
            .map(|p| String::from_utf8_lossy(p).into_owned())
    }

    /// The column of field `i`.
    pub fn column_of(&self, i: usize) -> usize {
        self.cols.get(i).map_or(i, |&c| c as usize)
    }

    /// The first value of column `col` (what the policy checks read).
    pub fn value_of(&self, col: usize) -> Option<&str> {
        let i = if self.cols.is_empty() {
            col
        } else {
            self.cols.iter().position(|&c| c as usize == col)?
        };
        self.fields.get(i).and_then(|b| std::str::from_utf8(b).ok())
    }
}

impl Default for TableRecord {
    fn default() -> Self {
        TableRecord::new()
    }
}

/// A source of records. `headers` may grow while reading (JSON columns appear as
/// records name them); it never shrinks or reorders.
pub trait TableReader: Send {
    fn headers(&self) -> &[String];
    /// Fill `batch` with up to `max_rows` records or about `max_bytes` of data,
    /// reusing the records in it. Returns false at the end.
    fn read_batch(
        &mut self,
        batch: &mut Vec<TableRecord>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<bool, SourceError>;
    /// Warnings about the whole table (never any content). Complete once the last
    /// batch has been read.
    fn take_warnings(&mut self) -> Vec<String>;
    /// Errors about single records that did not stop the table (NDJSON lines
    /// that do not parse); complete once the last batch has been read.
    fn take_errors(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// How to say where a value is.
    fn locator(&self) -> Locator;
    /// Records whose field count differs from the header's are worth an error
    /// (CSV); other formats have no such thing.
    fn positional(&self) -> bool {
        true
    }
    /// Fields a positional record should have: all the header's columns, also
    /// those past `--max-columns` that `headers` does not name.
    fn width(&self) -> usize {
        self.headers().len()
    }
}

/// Turns (record, field, column, offsets) into the report's location.
#[derive(Debug, Clone)]
pub enum Locator {
    Csv,
    /// `header_row` is the 0-based sheet row of the header; data record `n` is
    /// sheet row `header_row + n`. `first_col` is the sheet column of header 0.
    Sheet {
        sheet: String,
        header_row: u32,
        first_col: u32,
    },
    Json,
}

impl Locator {
    /// The location of a value in field `field` of record `number`, in column
    /// `col` named `column`; `exact` is a JSON value's own path.
    pub fn locate(
        &self,
        number: u64,
        col: usize,
        exact: Option<String>,
        column: String,
        (start, end): (usize, usize),
    ) -> Location {
        match self {
            Locator::Csv => Location::Csv {
                row: number,
                column,
                start,
                end,
            },
            Locator::Sheet {
                sheet,
                header_row,
                first_col,
            } => Location::Sheet {
                sheet: sheet.clone(),
                row: number,
                cell: a1(*first_col as u64 + col as u64, *header_row as u64 + number),
                column,
                start,
                end,
            },
            Locator::Json => Location::Json {
                record: number,
                path: exact.unwrap_or_else(|| column.clone()),
                field: column,
                start,
                end,
            },
        }
    }
}

/// One record of a table reader on the record model ([`super::record`]): fields
/// named by column (CSV, sheets) or JSON path, located by file, archive member
/// and sheet. `display` is the source's reported path (`export.zip!/book.xlsx`).
pub fn next_record(
    reader: &mut dyn TableReader,
    display: &str,
) -> Result<Option<super::record::Record>, SourceError> {
    use super::record::{Field, FieldName, Record, RecordLocation, RecordNumber};
    let mut one = Vec::with_capacity(1);
    reader.read_batch(&mut one, 1, usize::MAX)?;
    let Some(rec) = one.pop() else {
        return Ok(None);
    };
    let headers = reader.headers();
    let fields = rec
        .fields
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let text = String::from_utf8_lossy(raw).into_owned();
            let name = match rec.path(i) {
                Some(p) => FieldName::JsonPath(p),
                None => FieldName::Column(super::csv::column_name(headers, rec.column_of(i))),
            };
            Field { name, text }
        })
        .collect();
    let (file, member) = match display.split_once("!/") {
        Some((file, member)) => (file.to_string(), Some(member.to_string())),
        None => (display.to_string(), None),
    };
    let sheet = match reader.locator() {
        Locator::Sheet { sheet, .. } => Some(sheet),
        _ => None,
    };
    Ok(Some(Record {
        location: RecordLocation {
            file,
            member,
            sheet,
            folder: None,
            number: RecordNumber::Row(rec.number),
        },
        fields,
        mail: None,
        span: None,
        warnings: Vec::new(),
    }))
}

/// The A1 reference of a 0-based (column, row): (2, 16) → `C17`.
pub fn a1(col: u64, row: u64) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = ((c - 1) % 26) as u8;
        letters.push(b'A' + rem);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a1_references() {
        assert_eq!(super::a1(0, 0), "A1");
        assert_eq!(super::a1(2, 16), "C17");
        assert_eq!(super::a1(25, 0), "Z1");
        assert_eq!(super::a1(26, 0), "AA1");
        assert_eq!(super::a1(701, 9), "ZZ10");
        assert_eq!(super::a1(702, 9), "AAA10");
    }
}
