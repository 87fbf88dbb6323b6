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
        let known = matches!(
            name.as_str(),
            "from"
                | "to"
                | "cc"
                | "bcc"
                | "reply-to"
                | "sender"
                | "subject"
                | "message-id"
                | "date"
        );
        if known || !is_field_name(&name) || STRUCTURAL_HEADERS.iter().any(|p| name.starts_with(p))
        {
            continue;
        }
        let value = if value.contains("=?") {
            decode_words(&value).unwrap_or(value)
        } else {
            value
        };
        let value = clean_header_text(&value);
        if !value.is_empty() {
            out.texts.push(MailText {
                part: MailPart::Header(name),
                text: value,
            });
        }
    }
}
