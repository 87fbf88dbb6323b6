//! The vocabulary every stage shares: categories, severities, locations, mail parts,
//! inventory kinds, actions and violation kinds. Nothing here does I/O or needs a
//! later stage; every module may use it.

mod action;
mod priority;
mod violation;

pub use action::{Action, Exposure};
pub use priority::Priority;
pub use violation::ViolationKind;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The fixed category vocabulary. Rule files may only use these names, so reports,
/// policies and to-do scoring can rely on a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Email,
    Phone,
    NationalId,
    PaymentCard,
    BankAccount,
    IpAddress,
    DateOfBirth,
    PostalAddress,
    PersonName,
    Credential,
    Health,
    Religion,
    Ethnicity,
    Political,
    TradeUnion,
    SexLife,
    Biometric,
    Genetic,
    Criminal,
}

impl Category {
    pub const ALL: [Category; 19] = [
        Category::Email,
        Category::Phone,
        Category::NationalId,
        Category::PaymentCard,
        Category::BankAccount,
        Category::IpAddress,
        Category::DateOfBirth,
        Category::PostalAddress,
        Category::PersonName,
        Category::Credential,
        Category::Health,
        Category::Religion,
        Category::Ethnicity,
        Category::Political,
        Category::TradeUnion,
        Category::SexLife,
        Category::Biometric,
        Category::Genetic,
        Category::Criminal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Email => "email",
            Category::Phone => "phone",
            Category::NationalId => "national_id",
            Category::PaymentCard => "payment_card",
            Category::BankAccount => "bank_account",
            Category::IpAddress => "ip_address",
            Category::DateOfBirth => "date_of_birth",
            Category::PostalAddress => "postal_address",
            Category::PersonName => "person_name",
            Category::Credential => "credential",
            Category::Health => "health",
            Category::Religion => "religion",
            Category::Ethnicity => "ethnicity",
            Category::Political => "political",
            Category::TradeUnion => "trade_union",
            Category::SexLife => "sex_life",
            Category::Biometric => "biometric",
            Category::Genetic => "genetic",
            Category::Criminal => "criminal",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// GDPR Art. 9 special categories and Art. 10 criminal data: always a finding,
    /// wherever they appear, because no structured column makes them ordinary.
    pub fn is_special(self) -> bool {
        matches!(
            self,
            Category::Health
                | Category::Religion
                | Category::Ethnicity
                | Category::Political
                | Category::TradeUnion
                | Category::SexLife
                | Category::Biometric
                | Category::Genetic
                | Category::Criminal
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a finding is; ordered so that `Critical > High > Medium > Low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding sits, exactly as the JSON contract spells it.
/// `start`/`end` are character (not byte) offsets: in the decoded CSV field, or in
/// the line `line` of the decoded mail part.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Location {
    Csv {
        row: u64,
        column: String,
        start: usize,
        end: usize,
    },
    /// A cell of a spreadsheet: `row` is the 1-based data record (as for CSV),
    /// `cell` the A1 reference a person can jump to.
    Sheet {
        sheet: String,
        row: u64,
        column: String,
        cell: String,
        start: usize,
        end: usize,
    },
    /// A value of a JSON/NDJSON record: `field` is the column (`contact.emails[].value`),
    /// `path` the exact place in the object (`contact.emails[0].value`).
    Json {
        record: u64,
        field: String,
        path: String,
        start: usize,
        end: usize,
    },
    Email {
        message: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
        /// The Outlook folder of a .pst item (`Inkorg/Kunder`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        folder: Option<String>,
        /// The kind of a non-mail Outlook item: `contact`, `appointment`, ...
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<String>,
        part: String,
        line: usize,
        start: usize,
        end: usize,
    },
}

impl Location {
    /// The Message-ID of a mail location, when the message has one.
    pub fn message_id(&self) -> Option<&str> {
        match self {
            Location::Email {
                message_id: Some(id),
                ..
            } => Some(id),
            _ => None,
        }
    }

    /// The record number (CSV row or message number) the location belongs to.
    pub fn record(&self) -> u64 {
        match self {
            Location::Csv { row, .. } | Location::Sheet { row, .. } => *row,
            Location::Json { record, .. } => *record,
            Location::Email { message, .. } => *message,
        }
    }
    /// The start offset within the field (for mail: within its line).
    pub fn start(&self) -> usize {
        match self {
            Location::Csv { start, .. }
            | Location::Sheet { start, .. }
            | Location::Json { start, .. }
            | Location::Email { start, .. } => *start,
        }
    }
    /// The field the location belongs to: a CSV column or a mail part.
    pub fn field(&self) -> &str {
        match self {
            Location::Csv { column, .. } | Location::Sheet { column, .. } => column,
            Location::Json { field, .. } => field,
            Location::Email { part, .. } => part,
        }
    }
    /// The field as the to-do list and the reports group it: attachments by kind
    /// (their names are many), everything else as named.
    pub fn group_field(&self) -> &str {
        match self {
            Location::Email { part, .. } if MailPart::label_kind(part) == MailPart::ATTACHMENT => {
                MailPart::ATTACHMENT
            }
            _ => self.field(),
        }
    }
}

/// Which part of a message a piece of text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailPart {
    Subject,
    Body,
    Header(String),
    Attachment(String),
    /// A named field of an Outlook item (a contact card's `mobile_phone`).
    Field(String),
}

impl MailPart {
    /// The contract's spelling: `subject`, `body`, `header:<name>`, `attachment:<file>`,
    /// `field:<name>`.
    pub fn label(&self) -> String {
        match self {
            MailPart::Subject => "subject".into(),
            MailPart::Body => "body".into(),
            MailPart::Header(h) => format!("{}:{}", MailPart::HEADER, h.to_ascii_lowercase()),
            MailPart::Attachment(a) => format!("{}:{a}", MailPart::ATTACHMENT),
            MailPart::Field(f) => format!("{}:{f}", MailPart::FIELD),
        }
    }

    /// The kind word of `header:<name>` labels.
    pub const HEADER: &'static str = "header";
    /// The kind word of `attachment:<file>` labels, and how attachments are grouped
    /// and declared (`fields: {attachment: …}`).
    pub const ATTACHMENT: &'static str = "attachment";
    /// The kind word of `field:<name>` labels (Outlook contact fields).
    pub const FIELD: &'static str = "field";

    /// The kind of a field label: `header` for `header:from`, `attachment` for
    /// `attachment:kunder.csv`, the label itself otherwise (`subject`, a column).
    pub fn label_kind(label: &str) -> &str {
        label.split_once(':').map_or(label, |(kind, _)| kind)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InventoryKind {
    /// A column or header meant to hold personal data of its categories.
    Structured,
    /// Free text that turned out to hold personal data (every match is a finding).
    FreeText,
    /// A mail attachment that is listed but not scanned.
    Attachment,
}
