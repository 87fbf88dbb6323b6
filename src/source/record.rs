//! The record model: what every reader yields, whatever the format. A record has a
//! stable location (file, archive member, sheet, folder, and its row or message
//! number), named fields with their decoded text, and what a later stage needs to act
//! on it: a message's address headers and Message-ID; a CSV row's raw byte span, so
//! that redaction can rewrite it in place and sharding can split at it.
//!
//! Readers implement [`RecordReader`] (records out, in file order), the way
//! ripgrep's searcher hands matches to a `Sink`: a consumer implements [`RecordSink`]
//! and [`RecordReader::read_into`] drives it. Writers ([`RecordWriter`]: records in,
//! bytes out, everything outside a changed span copied as it was) come with the
//! redaction work; only the trait is here.
//!
//! This module may use the vocabulary ([`crate::model`]) and the rest of `source`.

use super::{MailAddress, SourceError};
use crate::model::MailPart;

/// Where a record sits: enough to find it again, the same on every run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordLocation {
    /// The source as reported (`Source::display`): a file, or a Maildir folder.
    pub file: String,
    /// The member of an archive the record came from (a path inside a zip).
    pub member: Option<String>,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// The mail folder: a Maildir message file, or a folder inside a PST.
    pub folder: Option<String>,
    /// The row of a table or the message of a mailbox.
    pub number: RecordNumber,
}

impl RecordLocation {
    /// A record directly in `file` (no member, sheet or folder).
    pub fn in_file(file: &str, number: RecordNumber) -> RecordLocation {
        RecordLocation {
            file: file.to_string(),
            member: None,
            sheet: None,
            folder: None,
            number,
        }
    }
}

/// A record's 1-based number in its container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordNumber {
    /// A data row of a CSV export or a sheet (the header row not counted).
    Row(u64),
    /// A message of a mailbox (1 for a single-message file).
    Message(u64),
}

impl RecordNumber {
    pub fn get(self) -> u64 {
        match self {
            RecordNumber::Row(n) | RecordNumber::Message(n) => n,
        }
    }
}

/// What a field is called, by the kind of source it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldName {
    /// A CSV or sheet column, by its header.
    Column(String),
    /// A value inside a JSON document, by its path (`$.customers[3].email`).
    JsonPath(String),
    /// A part or header of a message.
    Mail(MailPart),
}

impl FieldName {
    /// The contract's spelling: the column or path as it is; mail parts as
    /// [`MailPart::label`] writes them.
    pub fn label(&self) -> String {
        match self {
            FieldName::Column(c) => c.clone(),
            FieldName::JsonPath(p) => p.clone(),
            FieldName::Mail(part) => part.label(),
        }
    }
}

/// One named field of a record and its decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: FieldName,
    pub text: String,
}

/// Half-open byte range `[start, end)` of a record in the source's bytes (after
/// decompression), line end included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSpan {
    pub start: u64,
    pub end: u64,
}

/// What a mail record carries besides its text: what retention checks, subject
/// requests and the export lists act on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailFacts {
    /// The Message-ID as the message gives it (`<id@host>`), when it has one.
    pub message_id: Option<String>,
    /// The Date header as seconds since the Unix epoch (UTC), when it parses.
    pub date: Option<i64>,
    /// Every address of the From, To, Cc, Bcc, Reply-To and Sender headers.
    pub addresses: Vec<MailAddress>,
}

/// One record, as every reader yields it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub location: RecordLocation,
    /// In the source's order: columns left to right, mail headers then parts.
    pub fields: Vec<Field>,
    /// For mail records.
    pub mail: Option<MailFacts>,
    /// Where the record's bytes are, when the reader can say exactly (a UTF-8 CSV
    /// row); `None` when the text was transcoded or assembled from parts.
    pub span: Option<ByteSpan>,
    /// Something was odd but the record could still be read. Never a value.
    pub warnings: Vec<String>,
}

/// What a consumer of records does with each one (ripgrep's `Sink`).
pub trait RecordSink {
    /// One record, in source order. Return `false` to stop reading.
    fn record(&mut self, record: Record) -> bool;
    /// A record that could not be read; the error names the file and the record.
    /// Return `false` to stop reading (the default goes on).
    fn error(&mut self, _error: SourceError) -> bool {
        true
    }
}

/// A reader of one source: records out, in source order.
pub trait RecordReader {
    /// The next record; `Ok(None)` at the end. An `Err` names the file and the record;
    /// reading may go on after it when the format allows (the next mail message),
    /// and ends when it does not (a CSV file that stops parsing).
    fn next_record(&mut self) -> Result<Option<Record>, SourceError>;

    /// Warnings about the source as a whole (encoding doubts, a preamble before the
    /// first message); complete once the last record has been read. Never a value.
    fn take_warnings(&mut self) -> Vec<String>;

    /// Hand every record to `sink` until the source ends, a read fails for good or
    /// the sink says stop.
    fn read_into(&mut self, sink: &mut dyn RecordSink) {
        loop {
            match self.next_record() {
                Ok(Some(record)) => {
                    if !sink.record(record) {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    if !self.can_continue() || !sink.error(e) {
                        return;
                    }
                }
            }
        }
    }

    /// Whether a failed read leaves the reader at the next record (mail: yes; CSV:
    /// no, the parser cannot resynchronise).
    fn can_continue(&self) -> bool {
        false
    }
}

/// A writer of one source's format, for redaction: records in (with the spans to
/// change), bytes out, everything outside the changed spans copied as it was.
/// Implementations come with redaction; this is the shape they fill.
pub trait RecordWriter {
    /// Write `record`, whose `changed` fields replace the original text.
    fn write_record(&mut self, record: &Record, changed: &[Field]) -> std::io::Result<()>;
    /// Copy what follows the last record and flush.
    fn finish(&mut self) -> std::io::Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Limits;
    use crate::source::csv::CsvReader;
    use crate::source::mbox::MboxRecords;

    struct Collect(Vec<Record>, Vec<SourceError>);

    impl RecordSink for Collect {
        fn record(&mut self, record: Record) -> bool {
            self.0.push(record);
            true
        }
        fn error(&mut self, error: SourceError) -> bool {
            self.1.push(error);
            true
        }
    }

    #[test]
    fn csv_rows_have_named_fields_and_their_byte_spans() {
        let text = "sep=;\nid;notes\n1;\"a;\nb\"\n2;x;extra\n";
        let mut reader =
            CsvReader::from_bytes(text.as_bytes().to_vec(), "c.csv", &Limits::default(), None)
                .unwrap();
        let mut sink = Collect(Vec::new(), Vec::new());
        reader.read_into(&mut sink);
        let rows = sink.0;
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].location,
            RecordLocation::in_file("c.csv", RecordNumber::Row(1))
        );
        assert_eq!(rows[0].fields[1].name, FieldName::Column("notes".into()));
        assert_eq!(rows[0].fields[1].text, "a;\nb");
        let span = |r: &Record| {
            let s = r.span.expect("a UTF-8 file has spans");
            &text[s.start as usize..s.end as usize]
        };
        assert_eq!(span(&rows[0]), "1;\"a;\nb\"\n");
        assert_eq!(span(&rows[1]), "2;x;extra\n");
        assert_eq!(rows[1].fields[2].name.label(), "column_3");
    }

    #[test]
    fn transcoded_csv_rows_have_no_span() {
        let bytes = b"id,name\n1,J\xf6rgen\n".to_vec();
        let mut reader = CsvReader::from_bytes(bytes, "w.csv", &Limits::default(), None).unwrap();
        let row = reader.next_record().unwrap().unwrap();
        assert_eq!(row.fields[1].text, "Jörgen");
        assert_eq!(row.span, None);
    }

    #[test]
    fn mbox_messages_are_records_with_their_mail_facts() {
        let mbox = "From a@b Mon Jan  1 00:00:00 2024\nMessage-ID: <m1@x>\nFrom: Anna <anna@example.se>\nSubject: Hej\n\nbody one\n\nFrom b@c Mon Jan  1 00:00:00 2024\nFrom: b@example.se\n\nbody two\n";
        let mut records = MboxRecords::new(mbox.as_bytes(), "in.mbox", &Limits::default());
        let mut sink = Collect(Vec::new(), Vec::new());
        records.read_into(&mut sink);
        assert!(sink.1.is_empty(), "{:?}", sink.1);
        let [first, second] = &sink.0[..] else {
            panic!("two messages: {:?}", sink.0);
        };
        assert_eq!(first.location.number, RecordNumber::Message(1));
        assert_eq!(second.location.number, RecordNumber::Message(2));
        let facts = first.mail.as_ref().unwrap();
        assert_eq!(facts.message_id.as_deref(), Some("<m1@x>"));
        assert!(
            facts
                .addresses
                .iter()
                .any(|a| a.header == "from" && a.address.as_deref() == Some("anna@example.se"))
        );
        let body = first
            .fields
            .iter()
            .find(|f| f.name == FieldName::Mail(MailPart::Body))
            .unwrap();
        assert!(body.text.contains("body one"));
        assert!(second.mail.as_ref().unwrap().message_id.is_none());
    }

    #[test]
    fn a_preamble_is_an_error_and_reading_goes_on() {
        let mbox = "junk\nFrom a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n";
        let mut records = MboxRecords::new(mbox.as_bytes(), "p.mbox", &Limits::default());
        let mut sink = Collect(Vec::new(), Vec::new());
        records.read_into(&mut sink);
        assert_eq!(sink.0.len(), 1);
        assert_eq!(sink.1.len(), 1);
        assert!(
            sink.1[0].to_string().starts_with("p.mbox: "),
            "{}",
            sink.1[0]
        );
    }
}
