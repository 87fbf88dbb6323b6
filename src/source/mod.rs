//! Sources: finding the files to scan, telling what each one is by its content, and
//! opening it (gzip, encodings) within limits. Readers for CSV and mail live in the
//! submodules and hand records on; nothing here knows about rules.

pub mod archive;
pub mod csv;
pub mod csv_split;
pub mod csv_writer;
pub mod decode;
mod html;
pub mod json;
pub mod mail;
pub mod mbox;
pub mod outlook;
pub mod own_output;
pub mod record;
pub mod sheet;
pub mod sniff;
pub mod table;
mod walk;

use crate::model::{Category, MailPart};
use std::path::{Path, PathBuf};

pub use walk::{Discovery, discover};

/// What a file is, decided by content first and name second. Serialized in
/// lower case (`csv`, `xlsx`, `zip`, `ndjson`, …: a source's `kind` in the report).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Csv,
    Mbox,
    Eml,
    /// A Maildir folder: every file in `cur/` and `new/` is one message.
    Maildir,
    /// An Outlook message saved as a file (OLE compound file, MS-OXMSG).
    Msg,
    /// An Outlook data file, .pst or .ost (MS-PST).
    Pst,
    /// Office Open XML workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel 97-2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    Zip,
    /// A tar archive (gzipped or not).
    Tar,
    /// A JSON array of objects (or one object).
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Csv => "csv",
            SourceKind::Mbox => "mbox",
            SourceKind::Eml => "eml",
            SourceKind::Maildir => "maildir",
            SourceKind::Msg => "msg",
            SourceKind::Pst => "pst",
            SourceKind::Xlsx => "xlsx",
            SourceKind::Xls => "xls",
            SourceKind::Ods => "ods",
            SourceKind::Zip => "zip",
            SourceKind::Tar => "tar",
            SourceKind::Json => "json",
            SourceKind::Ndjson => "ndjson",
        }
    }

    /// A workbook: its sheets are tables.
    pub fn is_spreadsheet(self) -> bool {
        matches!(self, SourceKind::Xlsx | SourceKind::Xls | SourceKind::Ods)
    }

    /// An archive: its members are scanned as files.
    pub fn is_archive(self) -> bool {
        matches!(self, SourceKind::Zip | SourceKind::Tar)
    }

    /// Mailboxes and messages (everything but tables).
    pub fn is_mail(self) -> bool {
        matches!(
            self,
            SourceKind::Mbox | SourceKind::Eml | SourceKind::Maildir
        )
    }
}

/// One thing to scan: a file, or a Maildir folder with its message files.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as reported: the command-line path joined with the path below it,
    /// with `/` separators.
    pub display: String,
    pub path: PathBuf,
    pub kind: SourceKind,
    /// gzip-compressed on disk.
    pub gzip: bool,
    /// Size on disk (for a Maildir, of all its messages).
    pub bytes: u64,
    /// Maildir message files, sorted.
    pub members: Vec<PathBuf>,
    /// An archive member: its bytes come from the archive, not from `path` (the
    /// archive's own file, never opened for the member).
    pub input: Option<archive::MemberInput>,
    /// One byte range of a large file, scanned by one shard of a sharded scan.
    pub range: Option<SplitRange>,
}

/// Byte range `part` (0-based) of the `parts` ranges of about `size` bytes a large
/// file is cut into (`--shard-size`); the cuts move on to record boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitRange {
    pub part: u64,
    pub parts: u64,
    pub size: u64,
}

impl Source {
    /// A file on disk.
    pub fn file(
        display: String,
        path: PathBuf,
        kind: SourceKind,
        gzip: bool,
        bytes: u64,
    ) -> Source {
        Source {
            display,
            path,
            kind,
            gzip,
            bytes,
            members: Vec::new(),
            input: None,
            range: None,
        }
    }

    /// The bytes of this source, decompressed: the member's stream for an archive
    /// member (once), else the file opened read-only.
    pub fn open(&self, limits: &Limits) -> std::io::Result<Box<dyn std::io::BufRead + Send>> {
        match &self.input {
            Some(input) => input.take(),
            None => decode::open_input(&self.path, self.gzip, limits),
        }
    }
}

/// Limits that keep hostile input from exhausting memory or time. Each one is
/// reported when it is hit, never applied silently.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest CSV field or decoded mail part that is scanned; the rest is skipped
    /// with a warning.
    pub max_field_bytes: usize,
    /// Largest single message read from an mbox or file.
    pub max_message_bytes: usize,
    /// Deepest MIME nesting that is followed.
    pub max_mime_depth: usize,
    /// Most bytes a gzip file may expand to.
    pub max_decompressed_bytes: u64,
    /// Most a gzip file may expand relative to its size (checked past 64 MiB).
    pub max_compression_ratio: u64,
    /// Findings kept per rule and file; counts stay exact beyond it.
    pub max_findings_per_rule_and_file: usize,
    /// CSV columns with names and profiles of their own; further columns are
    /// scanned as free text, so per-column state stays bounded.
    pub max_columns: usize,
    /// Deepest nesting of archives in archives that is opened.
    pub max_archive_depth: usize,
    /// Most members read from one archive (nested ones included).
    pub max_archive_members: u64,
    /// Largest spreadsheet inside an archive, which is read into memory (its
    /// format needs random access).
    pub max_spooled_member_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_bytes: 16 * 1024 * 1024,
            max_message_bytes: 64 * 1024 * 1024,
            max_mime_depth: 32,
            max_decompressed_bytes: 64 * 1024 * 1024 * 1024,
            max_compression_ratio: 1000,
            max_findings_per_rule_and_file: 100_000,
            max_columns: 10_000,
            max_archive_depth: 4,
            max_archive_members: 100_000,
            max_spooled_member_bytes: 32 * 1024 * 1024,
        }
    }
}

/// A problem with one input, kept as data for `summary.errors`. The message names
/// the file and the record or message number, never a value from it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SourceError {
    pub path: String,
    pub message: String,
}

impl SourceError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> SourceError {
        SourceError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// An e-mail address and display name from an address header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAddress {
    /// Lower-case header name: from, to, cc, bcc, reply-to, sender.
    pub header: String,
    pub address: Option<String>,
    pub name: Option<String>,
}

/// Decoded text of one part of a message, ready for the rules.
#[derive(Debug, Clone)]
pub struct MailText {
    pub part: MailPart,
    pub text: String,
}

/// An attachment as listed in the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// Text and CSV attachments are scanned; others are only listed.
    pub scanned: bool,
}

/// A named field of an Outlook item that is meant for one category (a contact
/// card's e-mail, phone or address fields): inventory, like an address header. The
/// rules still run over it, so another category typed into it is a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordField {
    /// Lower-case, e.g. `email1`, `mobile_phone`; reported as `field:<name>`.
    pub name: String,
    pub category: Category,
    pub text: String,
}

/// One message, decoded. This is also what retention checks and data-subject
/// searches use: the Date, the parties, and whether it carries attachments.
#[derive(Debug, Clone, Default)]
pub struct MailMessage {
    /// 1-based within an mbox; 1 for an .eml or Maildir file.
    pub number: u64,
    pub message_id: Option<String>,
    /// The Date header as seconds since the Unix epoch (UTC), when it parses.
    pub date: Option<i64>,
    pub subject: Option<String>,
    pub addresses: Vec<MailAddress>,
    pub texts: Vec<MailText>,
    pub attachments: Vec<AttachmentInfo>,
    /// Named fields of a contact card or distribution list (empty for mail).
    pub fields: Vec<RecordField>,
    /// What kind of Outlook item this is when it is not mail: `contact`,
    /// `appointment`, `distribution_list`, `task`, `note`, `journal`.
    pub item: Option<&'static str>,
    /// Outlook folder path within a .pst (`Inkorg/Kunder`).
    pub folder: Option<String>,
    /// Something was odd but the message could still be read (depth limit, a part
    /// that did not decode, ...). No values in here.
    pub warnings: Vec<String>,
}

impl MailMessage {
    pub fn has_attachments(&self) -> bool {
        !self.attachments.is_empty()
    }
}

/// Why a small text file (a rule or config file) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    #[error("cannot open: {0}")]
    Open(std::io::Error),
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error("file is larger than {0} bytes")]
    TooLarge(u64),
    #[error("file is not valid UTF-8")]
    NotUtf8,
}

/// Read a whole small file (a rule or config file) as text, refusing huge ones.
pub fn read_limited_text(path: &Path, max: u64) -> Result<String, TextFileError> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(TextFileError::Open)?;
    let mut buf = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(TextFileError::Read)?;
    if buf.len() as u64 > max {
        return Err(TextFileError::TooLarge(max));
    }
    String::from_utf8(buf).map_err(|_| TextFileError::NotUtf8)
}

/// `a/b\c` → `a/b/c`, and no leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The source a path belongs to: itself, or the deepest source folder above it (a
/// Maildir message file belongs to its Maildir). Reports, to-do items and policies
/// group by it.
pub fn owning_source<'a>(path: &'a str, sources: impl IntoIterator<Item = &'a str>) -> &'a str {
    sources
        .into_iter()
        .filter(|s| path.len() > s.len() && path.starts_with(s) && path.as_bytes()[s.len()] == b'/')
        .max_by_key(|s| s.len())
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn maildir_messages_belong_to_their_folder() {
        let sources = ["mail/maildir", "mail/x.mbox"];
        assert_eq!(
            super::owning_source("mail/maildir/cur/123:2,S", sources),
            "mail/maildir"
        );
        assert_eq!(super::owning_source("mail/x.mbox", sources), "mail/x.mbox");
        assert_eq!(
            super::owning_source("mail/maildirx/a", sources),
            "mail/maildirx/a"
        );
    }
}
