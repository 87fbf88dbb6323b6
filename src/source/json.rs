//! JSON exports as CRM APIs and backups write them: an array of objects (`.json`)
//! or one object per line (`.ndjson`, `.jsonl`). Each object is a record; its leaf
//! values are fields named by their path, array indices folded
//! (`contact.emails[0].value` is column `contact.emails[].value`, and keeps its own
//! path for the location). Streaming: an array is read element by element and
//! NDJSON line by line, each record flattened as serde parses it, so no document
//! is ever held whole.

use super::table::{Locator, TableReader, TableRecord};
use super::{Limits, Source, SourceError};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::io::{self, BufRead, Read};

/// Line or element errors listed per file; the rest are counted.
const MAX_LISTED_ERRORS: usize = 20;

/// The shape of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    /// `[ {...}, {...} ]`, or a single top-level object (one record).
    Array,
    /// One value per line.
    Lines,
}

pub struct JsonReader {
    input: Box<dyn BufRead + Send>,
    shape: JsonShape,
    display: String,
    headers: Vec<String>,
    columns: HashMap<String, u32>,
    /// Values of the record being flattened: (exact path, column, text).
    scratch: Vec<(String, String, String)>,
    max_record: u64,
    /// Array: records read; Lines: lines read.
    position: u64,
    started: bool,
    at_end: bool,
    bad: u64,
    warnings: Vec<String>,
    errors: Vec<String>,
}

impl JsonReader {
    pub fn open(
        source: &Source,
        limits: &Limits,
        shape: JsonShape,
    ) -> Result<JsonReader, SourceError> {
        let input = source
            .open(limits)
            .map_err(|e| SourceError::new(&source.display, format!("cannot open: {e}")))?;
        Ok(JsonReader::new(input, &source.display, limits, shape))
    }

    pub fn new(
        input: Box<dyn BufRead + Send>,
        display: &str,
        limits: &Limits,
        shape: JsonShape,
    ) -> JsonReader {
        JsonReader {
            input,
            shape,
            display: display.to_string(),
            headers: Vec::new(),
            columns: HashMap::new(),
            scratch: Vec::new(),
            max_record: (limits.max_field_bytes as u64)
                .saturating_mul(super::csv::RECORD_LIMIT_FACTOR as u64)
                .max(super::csv::MIN_RECORD_BYTES as u64),
            position: 0,
            started: false,
            at_end: false,
            bad: 0,
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn err(&self, m: String) -> SourceError {
        SourceError::new(&self.display, m)
    }

    fn record_errors(&mut self) -> Vec<String> {
        let mut out = std::mem::take(&mut self.errors);
        if self.at_end && self.bad > MAX_LISTED_ERRORS as u64 {
            out.push(format!(
                "{} more lines that are not JSON objects; not scanned",
                self.bad - MAX_LISTED_ERRORS as u64
            ));
            self.bad = 0;
        }
        out
    }

    /// Move the flattened values into `rec`, naming new columns.
    fn fill(&mut self, rec: &mut TableRecord, number: u64) -> usize {
        rec.number = number;
        rec.fields.clear();
        rec.cols.clear();
        rec.paths.clear();
        let mut bytes = 0;
        for (exact, column, text) in self.scratch.drain(..) {
            let col = match self.columns.get(&column) {
                Some(&c) => c,
                None => {
                    let c = self.headers.len() as u32;
                    self.headers.push(column.clone());
                    self.columns.insert(column, c);
                    c
                }
            };
            bytes += text.len();
            rec.fields.push_field(text.as_bytes());
            rec.cols.push(col);
            rec.paths.push_field(exact.as_bytes());
        }
        bytes
    }

    /// Skip whitespace and return the next byte without consuming it.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.input.fill_buf()?;
            let Some(&b) = buf.first() else {
                return Ok(None);
            };
            let skip = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            if skip == 0 {
                return Ok(Some(b));
            }
            self.input.consume(skip);
        }
    }

    /// The next array element (or the single top-level object) flattened into
    /// `scratch`; `Ok(false)` at the end of the array.
    fn next_element(&mut self) -> Result<bool, SourceError> {
        let io_err = |e: io::Error| format!("read error: {e}");
        if !self.started {
            self.started = true;
            // A BOM is not JSON but exporters write one.
            let bom = match self.input.fill_buf() {
                Ok(b) => b.starts_with(b"\xEF\xBB\xBF"),
                Err(e) => return Err(self.err(io_err(e))),
            };
            if bom {
                self.input.consume(3);
            }
            match self.peek().map_err(|e| self.err(io_err(e)))? {
                Some(b'[') => self.input.consume(1),
                Some(b'{') => {
                    // One object: one record.
                    self.position = 1;
                    self.parse_value()?;
                    self.at_end = true;
                    return Ok(true);
                }
                None => {
                    self.warnings.push("empty JSON file".into());
                    return Ok(false);
                }
                Some(_) => return Err(self.err("not a JSON array or object; not scanned".into())),
            }
        } else if self.at_end {
            return Ok(false);
        } else {
            match self.peek().map_err(|e| self.err(io_err(e)))? {
                Some(b',') => self.input.consume(1),
                Some(b']') => {
                    self.input.consume(1);
                    return Ok(false);
                }
                None => {
                    return Err(self.err(format!(
                        "after record {}: unexpected end of file (truncated JSON array?)",
                        self.position
                    )));
                }
                Some(_) => {
                    return Err(self.err(format!(
                        "after record {}: expected `,` or `]`; the rest of the file is not scanned",
                        self.position
                    )));
                }
            }
        }
        if self.position == 0 && self.peek().map_err(|e| self.err(io_err(e)))? == Some(b']') {
            self.input.consume(1);
            return Ok(false);
        }
        self.position += 1;
        self.parse_value()?;
        Ok(true)
    }

    fn parse_value(&mut self) -> Result<(), SourceError> {
        let limit = self.max_record;
        let mut guarded = (&mut self.input).take(limit);
        let mut de = serde_json::Deserializer::from_reader(&mut guarded);
        let seed = Flatten {
            exact: String::new(),
            column: String::new(),
            out: &mut self.scratch,
        };
        let r = seed.deserialize(&mut de);
        let used_all = guarded.limit() == 0;
        r.map_err(|e| {
            let what = if used_all {
                format!(
                    "record longer than {limit} bytes ({} × --max-field-size)",
                    super::csv::RECORD_LIMIT_FACTOR
                )
            } else {
                json_error(&e)
            };
            self.err(format!(
                "record {}: {what}; the rest of the file is not scanned",
                self.position
            ))
        })
    }

    /// The next NDJSON line, flattened into `scratch`; `Ok(None)` at the end.
    fn next_line(&mut self, line: &mut Vec<u8>) -> Result<Option<u64>, SourceError> {
        loop {
            line.clear();
            let n = (&mut self.input)
                .take(self.max_record + 1)
                .read_until(b'\n', line)
                .map_err(|e| self.err(format!("line {}: read error: {e}", self.position + 1)))?;
            if n == 0 {
                return Ok(None);
            }
            self.position += 1;
            let number = self.position;
            if line.len() as u64 > self.max_record {
                return Err(self.err(format!(
                    "line {number}: longer than {} bytes ({} × --max-field-size); the rest of the file is not scanned",
                    self.max_record,
                    super::csv::RECORD_LIMIT_FACTOR
                )));
            }
            let text = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut de = serde_json::Deserializer::from_slice(text);
            let seed = Flatten {
                exact: String::new(),
                column: String::new(),
                out: &mut self.scratch,
            };
            match seed.deserialize(&mut de).and_then(|()| de.end()) {
                Ok(()) => return Ok(Some(number)),
                Err(e) => {
                    self.scratch.clear();
                    self.bad += 1;
                    if self.bad <= MAX_LISTED_ERRORS as u64 {
                        self.errors
                            .push(format!("line {number}: {}; not scanned", json_error(&e)));
                    }
                }
            }
        }
    }
}

impl TableReader for JsonReader {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn read_batch(
        &mut self,
        batch: &mut Vec<TableRecord>,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<bool, SourceError> {
        let mut filled = 0;
        let mut bytes = 0;
        let mut line = Vec::new();
        let result = loop {
            if filled >= max_rows || bytes >= max_bytes {
                break Ok(true);
            }
            let number = match self.shape {
                JsonShape::Array => match self.next_element() {
                    Ok(true) => Some(self.position),
                    Ok(false) => None,
                    Err(e) => break Err(e),
                },
                JsonShape::Lines => match self.next_line(&mut line) {
                    Ok(n) => n,
                    Err(e) => break Err(e),
                },
            };
            let Some(number) = number else {
                self.at_end = true;
                break Ok(false);
            };
            if filled == batch.len() {
                batch.push(TableRecord::new());
            }
            bytes += self.fill(&mut batch[filled], number);
            filled += 1;
        };
        batch.truncate(filled);
        if result.is_err() {
            self.at_end = true;
        }
        result
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn take_errors(&mut self) -> Vec<String> {
        self.record_errors()
    }

    fn locator(&self) -> Locator {
        Locator::Json
    }

    fn positional(&self) -> bool {
        false
    }
}

/// JSON objects on the record model: fields named by their JSON path.
impl super::record::RecordReader for JsonReader {
    fn next_record(&mut self) -> Result<Option<super::record::Record>, SourceError> {
        let display = self.display.clone();
        super::table::next_record(self, &display)
    }
    fn take_warnings(&mut self) -> Vec<String> {
        TableReader::take_warnings(self)
    }
    fn can_continue(&self) -> bool {
        false
    }
}

/// serde_json's error without anything it might quote: its kind and position.
fn json_error(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Data => "unexpected JSON value",
        serde_json::error::Category::Eof => "unexpected end of JSON (truncated?)",
    };
    format!("{kind} at line {} column {}", e.line(), e.column())
}

/// Flattens one JSON value into (exact path, column, text) leaves as it is
/// parsed. A scalar at the top is one field named `value`.
struct Flatten<'a> {
    exact: String,
    column: String,
    out: &'a mut Vec<(String, String, String)>,
}

impl Flatten<'_> {
    fn leaf(self, text: String) {
        let (exact, column) = if self.exact.is_empty() {
            ("value".to_string(), "value".to_string())
        } else {
            (self.exact, self.column)
        };
        self.out.push((exact, column, text));
    }
}

impl<'de> DeserializeSeed<'de> for Flatten<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Flatten<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.leaf(v.to_string());
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.leaf(v.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.leaf(v.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.leaf(v.to_string());
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.leaf(v.to_string());
        Ok(())
    }
    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.leaf(v);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(()) // null: no value
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let child = Flatten {
                exact: format!("{}[{i}]", self.exact),
                column: format!("{}[]", self.column),
                out: &mut *self.out,
            };
            if seq.next_element_seed(child)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let join = |prefix: &str| {
                if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                }
            };
            let child = Flatten {
                exact: join(&self.exact),
                column: join(&self.column),
                out: &mut *self.out,
            };
            map.next_value_seed(child)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
