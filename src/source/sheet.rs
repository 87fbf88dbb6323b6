//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`) with calamine: each sheet is a
//! table whose first non-empty row is the header. Values are read as the workbook
//! shows them: whole numbers without a decimal point or exponent, numbers in a
//! zero-padded format (`0000000000`) with their leading zeros, dates as
//! `YYYY-MM-DD` (`YYYY-MM-DD HH:MM` with a time) so retention checks read them,
//! formulas as their cached values. A sheet is held in memory while it is read
//! (calamine loads a sheet's cells at once): about 32 bytes per non-empty cell plus
//! its text.

use super::table::{Locator, TableReader, TableRecord, a1};
use super::{Limits, Source, SourceError, SourceKind};
use calamine::{Data, Range, Reader, SheetType, SheetVisible, Sheets};
use std::io::{Cursor, Read, Seek};

/// One sheet, read and ready to hand out records.
pub struct SheetReader {
    pub name: String,
    /// The workbook as reported (`book.xlsx`, `export.zip!/book.xlsx`).
    pub file: String,
    headers: Vec<String>,
    range: Range<Data>,
    /// Zero-padded number formats: (row, col) absolute → digits.
    padding: std::collections::HashMap<(u32, u32), usize>,
    /// Range-relative index of the header row and of the next row to read.
    header_rel: usize,
    next_rel: usize,
    origin: (u32, u32),
    records: u64,
    warnings: Vec<String>,
}

/// An open workbook of any of the formats, on disk or in memory.
pub enum Workbook {
    File(Sheets<std::io::BufReader<std::fs::File>>),
    Memory(Sheets<Cursor<Vec<u8>>>),
}

/// What a workbook holds, in workbook order.
pub struct SheetEntry {
    pub name: String,
    pub hidden: bool,
    pub chart: bool,
}

impl Workbook {
    /// Open a workbook read-only. An archive member is read into memory first
    /// (the formats need random access), up to `max_spooled_member_bytes`.
    pub fn open(source: &Source, limits: &Limits) -> Result<Workbook, SourceError> {
        let err = |m: String| SourceError::new(&source.display, m);
        let what = kind_name(source.kind);
        if source.input.is_none() && !source.gzip {
            let f =
                std::fs::File::open(&source.path).map_err(|e| err(format!("cannot open: {e}")))?;
            if !f.metadata().is_ok_and(|m| m.is_file()) {
                return Err(err("not a regular file; not read".into()));
            }
            let sheets = open_rs(std::io::BufReader::new(f), source.kind)
                .map_err(|e| err(format!("cannot read this {what}: {e}")))?;
            return Ok(Workbook::File(sheets));
        }
        let mut input = source
            .open(limits)
            .map_err(|e| err(format!("cannot open: {e}")))?;
        let max = limits.max_spooled_member_bytes;
        let mut bytes = Vec::new();
        (&mut input)
            .take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(format!("cannot read: {e}")))?;
        if bytes.len() as u64 > max {
            return Err(err(format!(
                "{what} larger than {max} bytes inside an archive or gzip (it must be held in memory); not scanned"
            )));
        }
        let sheets = open_rs(Cursor::new(bytes), source.kind)
            .map_err(|e| err(format!("cannot read this {what}: {e}")))?;
        Ok(Workbook::Memory(sheets))
    }

    pub fn sheets(&self) -> Vec<SheetEntry> {
        let meta = match self {
            Workbook::File(s) => s.sheets_metadata().to_vec(),
            Workbook::Memory(s) => s.sheets_metadata().to_vec(),
        };
        meta.into_iter()
            .map(|s| SheetEntry {
                name: s.name,
                hidden: s.visible != SheetVisible::Visible,
                chart: matches!(s.typ, SheetType::ChartSheet),
            })
            .collect()
    }

    /// Read one sheet of the workbook reported as `file` into a table reader.
    pub fn sheet(&mut self, file: &str, name: &str) -> Result<SheetReader, String> {
        let (range, merged, padding) = match self {
            Workbook::File(s) => load(s, name)?,
            Workbook::Memory(s) => load(s, name)?,
        };
        let mut reader = SheetReader::new(name, range, &merged, padding);
        reader.file = file.to_string();
        Ok(reader)
    }
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Ods => "OpenDocument spreadsheet",
        _ => "Excel workbook",
    }
}

fn open_rs<RS: Read + Seek>(rs: RS, kind: SourceKind) -> Result<Sheets<RS>, String> {
    let text = |e: &dyn std::fmt::Display| error_text(&e.to_string());
    match kind {
        SourceKind::Xls => calamine::open_workbook_from_rs(rs)
            .map(Sheets::Xls)
            .map_err(|e: calamine::XlsError| text(&e)),
        SourceKind::Ods => calamine::open_workbook_from_rs(rs)
            .map(Sheets::Ods)
            .map_err(|e: calamine::OdsError| text(&e)),
        _ => calamine::open_workbook_from_rs(rs)
            .map(Sheets::Xlsx)
            .map_err(|e: calamine::XlsxError| text(&e)),
    }
}

/// calamine's message, cut to one line and never quoting cell text.
fn error_text(e: &str) -> String {
    let first = e.lines().next().unwrap_or(e);
    first.chars().take(160).collect()
}

type Loaded = (
    Range<Data>,
    Vec<calamine::Dimensions>,
    std::collections::HashMap<(u32, u32), usize>,
);

fn load<RS: Read + Seek>(sheets: &mut Sheets<RS>, name: &str) -> Result<Loaded, String> {
    let range = sheets
        .worksheet_range(name)
        .map_err(|e| error_text(&e.to_string()))?;
    let mut padding = std::collections::HashMap::new();
    let merged = match sheets {
        Sheets::Xlsx(x) => {
            // Number formats matter only for numbers that may have lost zeros.
            if range
                .used_cells()
                .any(|(_, _, v)| matches!(v, Data::Float(_) | Data::Int(_)))
                && let Ok(styles) = x.worksheet_style(name)
            {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (r, c, v) in range.used_cells() {
                    if !matches!(v, Data::Float(_) | Data::Int(_)) {
                        continue;
                    }
                    let pos = (r0 + r as u32, c0 + c as u32);
                    let digits = styles
                        .get(pos)
                        .and_then(|s| s.number_format.as_ref())
                        .map(|f| f.format_code.as_str())
                        .filter(|f| !f.is_empty() && f.bytes().all(|b| b == b'0'))
                        .map(str::len);
                    if let Some(d) = digits {
                        padding.insert(pos, d);
                    }
                }
            }
            x.merge_cells_by_sheet_name(name).unwrap_or_default()
        }
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok((range, merged, padding))
}

/// A cell as the workbook shows it; empty for empty and error cells.
fn cell_text(v: &Data, pad: Option<usize>) -> String {
    let mut s = match v {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => dt.as_f64().to_string(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
            }
        }
    };
    if let Some(width) = pad
        && s.len() < width
        && s.bytes().all(|b| b.is_ascii_digit())
    {
        s = format!("{}{s}", "0".repeat(width - s.len()));
    }
    s
}

impl SheetReader {
    fn new(
        name: &str,
        range: Range<Data>,
        merged: &[calamine::Dimensions],
        padding: std::collections::HashMap<(u32, u32), usize>,
    ) -> SheetReader {
        let origin = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        let header_rel = (0..height).find(|&r| {
            (0..width).any(|c| {
                range
                    .get((r, c))
                    .is_some_and(|v| !cell_text(v, None).trim().is_empty())
            })
        });
        let mut warnings = Vec::new();
        let (headers, header_rel) = match header_rel {
            None => {
                warnings.push(format!("sheet `{name}` is empty"));
                (Vec::new(), height)
            }
            Some(hr) => {
                let abs_row = origin.0 + hr as u32;
                let headers = (0..width)
                    .map(|c| {
                        let abs_col = origin.1 + c as u32;
                        let own = range
                            .get((hr, c))
                            .map(|v| cell_text(v, None))
                            .unwrap_or_default();
                        let own = own.trim().to_string();
                        if !own.is_empty() {
                            return own;
                        }
                        // A merged header cell names every column it spans.
                        merged
                            .iter()
                            .find(|m| {
                                (m.start.0..=m.end.0).contains(&abs_row)
                                    && (m.start.1..=m.end.1).contains(&abs_col)
                            })
                            .and_then(|m| {
                                let r = (m.start.0.checked_sub(origin.0)?) as usize;
                                let c = (m.start.1.checked_sub(origin.1)?) as usize;
                                range
                                    .get((r, c))
                                    .map(|v| cell_text(v, None).trim().to_string())
                            })
                            .filter(|s| !s.is_empty())
                            .unwrap_or_else(|| {
                                format!("column_{}", a1(abs_col as u64, 0).trim_end_matches('1'))
                            })
                    })
                    .collect();
                (headers, hr)
            }
        };
        SheetReader {
            name: name.to_string(),
            file: String::new(),
            headers,
            range,
            padding,
            header_rel,
            next_rel: header_rel + 1,
            origin,
            records: 0,
            warnings,
        }
    }

    pub fn records(&self) -> u64 {
        self.records
    }
}

/// Sheet rows on the record model: fields named by column, located by workbook
/// (and archive member) and sheet.
impl super::record::RecordReader for SheetReader {
    fn next_record(&mut self) -> Result<Option<super::record::Record>, SourceError> {
        let file = self.file.clone();
        super::table::next_record(self, &file)
    }
    fn take_warnings(&mut self) -> Vec<String> {
        TableReader::take_warnings(self)
    }
}

impl TableReader for SheetReader {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn read_batch(
        &mut self,
        batch: &mut Vec<TableRecord>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<bool, SourceError> {
        let (height, width) = self.range.get_size();
        let mut filled = 0;
        let mut bytes = 0;
        while self.next_rel < height && filled < max_rows && bytes < max_bytes {
            let r = self.next_rel;
            self.next_rel += 1;
            if filled == batch.len() {
                batch.push(TableRecord::new());
            }
            let rec = &mut batch[filled];
            rec.fields.clear();
            let mut any = false;
            for c in 0..width.min(self.headers.len()) {
                let pos = (self.origin.0 + r as u32, self.origin.1 + c as u32);
                let text = self
                    .range
                    .get((r, c))
                    .map(|v| cell_text(v, self.padding.get(&pos).copied()))
                    .unwrap_or_default();
                any |= !text.is_empty();
                bytes += text.len();
                rec.fields.push_field(text.as_bytes());
            }
            if !any {
                continue; // an empty row is no record; numbering stays by row
            }
            rec.number = (r - self.header_rel) as u64;
            self.records += 1;
            filled += 1;
        }
        batch.truncate(filled);
        Ok(self.next_rel < height)
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn locator(&self) -> Locator {
        Locator::Sheet {
            sheet: self.name.clone(),
            header_row: self.origin.0 + self.header_rel as u32,
            first_col: self.origin.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_the_workbook_shows_them() {
        assert_eq!(
            cell_text(&Data::Float(198_112_189_876.0), None),
            "198112189876"
        );
        assert_eq!(
            cell_text(&Data::Float(701_234_567.0), Some(10)),
            "0701234567"
        );
        assert_eq!(cell_text(&Data::Float(2.5), None), "2.5");
        assert_eq!(cell_text(&Data::Int(-3), None), "-3");
        assert_eq!(cell_text(&Data::Bool(true), None), "TRUE");
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::Div0), None),
            ""
        );
        let date =
            calamine::ExcelDateTime::new(45_000.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date), None), "2023-03-15");
        let with_time =
            calamine::ExcelDateTime::new(45_000.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(with_time), None),
            "2023-03-15 12:00"
        );
    }
}
