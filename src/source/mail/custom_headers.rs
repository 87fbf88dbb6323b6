//! Headers other than the ones the parser reads (address headers, subject, date,
//! Message-ID): `X-Personnummer`, `Comments`, `Keywords`, ... are free text and
//! scanned; structural and transport headers are not.

use super::*;

/// Headers that describe the message's structure or transport, not a person:
/// not scanned (Received lines would make every relay's address a finding).
const STRUCTURAL_HEADERS: &[&str] = &[
    "content-",
    "mime-version",
    "received",
    "dkim-",
    "arc-",
    "authentication-results",
    "return-path",
    "references",
    "in-reply-to",
    "list-",
    "x-mailer",
    "user-agent",
    "x-ms-",
    "x-google-",
    "x-gm-",
    "x-received",
    "thread-",
    "precedence",
    "importance",
    "x-priority",
    "x-spam",
    "received-spf",
    "delivered-to",
    "x-original-to",
    "x-envelope-",
];

/// Any other header (`X-Personnummer`, `Comments`, `Keywords`, ...) is free text:
/// scanned as `header:<name>` like the subject. The parser ignores them, so they
/// are read from the raw header block (folded lines joined, encoded words decoded).
pub(super) fn custom_headers(block: &[u8], out: &mut MailMessage) {
    let text = String::from_utf8_lossy(block);
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    for (name, value) in fields {
        if !is_free_text_header(&name) {
            continue;
        }
        let value = header_text(value);
        if !value.is_empty() {
            out.texts.push(MailText {
                part: MailPart::Header(name),
                text: value,
            });
        }
    }
}

/// Is a header (lower-case name) free text the scan reads as `header:<name>`?
pub(super) fn is_free_text_header(name: &str) -> bool {
    let known = matches!(
        name,
        "from" | "to" | "cc" | "bcc" | "reply-to" | "sender" | "subject" | "message-id" | "date"
    );
    !known && is_field_name(name) && !STRUCTURAL_HEADERS.iter().any(|p| name.starts_with(p))
}

/// A free-text header's value as it is scanned: encoded words decoded, cleaned.
pub(super) fn header_text(value: String) -> String {
    let value = if value.contains("=?") {
        decode_words(&value).unwrap_or(value)
    } else {
        value
    };
    clean_header_text(&value)
}
