//! What a search finds: records (CSV rows, messages) holding a subject's
//! identifiers, each with its hits at stable locations (path, row or message,
//! field, offsets) that an erasure plan and the redaction command can act on.

use super::identity::IdKind;
use super::matcher::How;
use crate::model::Location;
use serde::Serialize;

/// Whether a record is the person's own or merely mentions them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A CRM row whose e-mail, phone, id or name columns hold their identifiers (or
    /// that refers to their id); a message they sent, received or were copied on.
    Own,
    /// Their identifiers in free text of someone else's record.
    Mention,
}

/// How sure a hit is that it is about this person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// A name alone: others share it; a person must look.
    Weak,
    /// An e-mail address, phone number, national id or customer id.
    Strong,
}

/// One identifier found at one place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub identifier: IdKind,
    pub how: How,
    pub strength: Strength,
    pub location: Location,
    /// The text as found. Reports mask it unless `--show-values`.
    pub value: String,
    /// Set when the identifier was learned from an own record (`crm/contacts.csv row 17`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learned_from: Option<String>,
}

/// Which record of a source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RecordRef {
    Csv {
        row: u64,
        /// The value of the source's id column, when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    Message {
        message: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
        /// The Date header, `YYYY-MM-DD`.
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<String>,
    },
}

impl RecordRef {
    /// `row 17` or `message 3`.
    pub fn label(&self) -> String {
        match self {
            RecordRef::Csv { row, .. } => format!("row {row}"),
            RecordRef::Message { message, .. } => format!("message {message}"),
        }
    }
}

/// A record holding one request's hits.
#[derive(Debug, Clone, Serialize)]
pub struct RecordHit {
    /// The source (a file, or a Maildir folder).
    pub source: String,
    /// The file (for a Maildir, the message file).
    pub path: String,
    pub record: RecordRef,
    pub role: Role,
    /// The strongest of its hits.
    pub strength: Strength,
    pub hits: Vec<Hit>,
    /// The record's text, kept only for an export.
    #[serde(skip)]
    pub content: Option<Content>,
}

/// What an export needs of a record.
#[derive(Debug, Clone)]
pub enum Content {
    /// A CSV row: the file's headers and the row's fields.
    Row {
        headers: std::sync::Arc<[String]>,
        fields: Vec<String>,
        /// Columns that hold personal data of their own kind (the person's own
        /// e-mail, phone, …): exported in clear. Other columns are free text.
        structured: std::sync::Arc<[bool]>,
    },
    /// A message, decoded.
    Message(Box<crate::source::MailMessage>),
    /// Only the fields that mention the person.
    Fields(Vec<(String, String)>),
}

/// Which request a record belongs to, for grouping a batch's results.
#[derive(Debug, Clone)]
pub struct Tagged {
    pub request: usize,
    pub record: RecordHit,
}
