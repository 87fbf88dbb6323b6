//! The mbox reader on the record model: one record per message, its decoded parts
//! as fields, its Message-ID, Date and addresses as mail facts. A message that does
//! not parse is an error naming it, and reading goes on with the next.

use super::{MboxReader, RawMessage};
use crate::source::mail::parse_message;
use crate::source::record::{
    Field, FieldName, MailFacts, Record, RecordLocation, RecordNumber, RecordReader,
};
use crate::source::{Limits, MailMessage, SourceError};
use std::io::BufRead;

/// The messages of one mbox as records.
pub struct MboxRecords<R: BufRead> {
    messages: MboxReader<R>,
    display: String,
    limits: Limits,
    warnings: Vec<String>,
}

impl<R: BufRead> MboxRecords<R> {
    /// `display` names the mbox in locations and errors.
    pub fn new(reader: R, display: &str, limits: &Limits) -> MboxRecords<R> {
        MboxRecords {
            messages: MboxReader::new(reader, limits.max_message_bytes),
            display: display.to_string(),
            limits: limits.clone(),
            warnings: Vec::new(),
        }
    }

    fn record(&self, raw: &RawMessage) -> Result<Record, SourceError> {
        let number = raw.number;
        let msg = parse_message(&raw.bytes, number, &self.limits)
            .map_err(|e| SourceError::new(&self.display, format!("message {number}: {e}")))?;
        let location = RecordLocation::in_file(&self.display, RecordNumber::Message(number));
        let mut record = mail_record(msg, location);
        if raw.truncated {
            record.warnings.push(format!(
                "larger than {} bytes (--max-message-size); only the start was read",
                self.limits.max_message_bytes
            ));
        }
        Ok(record)
    }
}

impl<R: BufRead> RecordReader for MboxRecords<R> {
    fn next_record(&mut self) -> Result<Option<Record>, SourceError> {
        match self.messages.next() {
            None => Ok(None),
            Some(Ok(raw)) => self.record(&raw).map(Some),
            // Text before the first separator, or no separator at all: the mbox
            // reader says which, and goes on when there is more.
            Some(Err(e)) => Err(SourceError::new(&self.display, e.to_string())),
        }
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn can_continue(&self) -> bool {
        true
    }
}

/// A decoded message as a record: its parts in order as fields, its identity and
/// parties as mail facts. Shared by every mail reader (mbox, eml, Maildir, Outlook).
pub fn mail_record(msg: MailMessage, location: RecordLocation) -> Record {
    Record {
        location,
        fields: msg
            .texts
            .into_iter()
            .map(|t| Field {
                name: FieldName::Mail(t.part),
                text: t.text,
            })
            .collect(),
        mail: Some(MailFacts {
            message_id: msg.message_id,
            date: msg.date,
            addresses: msg.addresses,
        }),
        span: None,
        warnings: msg.warnings,
    }
}
