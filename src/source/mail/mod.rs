//! Decoding one message (from an mbox, a Maildir file or an .eml) into a
//! [`MailMessage`]: parties, Date, Message-ID, and the decoded text of the subject,
//! the body and the text attachments.
//!
//! MIME parsing, transfer encodings, charsets and RFC 2047/2231 are mail-parser's
//! (0.11); this module walks its part tree under our own rules:
//! - `multipart/alternative`: exactly one alternative is read as body, the
//!   `text/plain` one if it has text, else the `text/html` one converted to text, so
//!   the same data is not counted twice.
//! - Inline `text/plain` and `text/html` parts are the body (several are joined with
//!   `"\n"` into one body text). A part with a file name, a `Content-Disposition:
//!   attachment`, or a type other than text/plain and text/html is an attachment.
//! - Attachments are listed; text ones (`text/*`, CSV, JSON, XML, `message/*`, or a
//!   generic type with a text file name) are also decoded and scanned. A nested
//!   `message/rfc822` is an attachment whose text is its parties, subject and body.
//! - Text with a missing, unknown or wrong charset that is not UTF-8 is read as
//!   Windows-1252; raw 8-bit header values likewise.
//! - MIME nesting beyond `max_mime_depth` and text beyond `max_field_bytes` are cut
//!   with a warning. Warnings and errors never quote message content.
//!
//! Nothing here panics on any input; as a last line of defence, a panic inside the
//! MIME parser is caught and reported as an error for that message.

use super::{AttachmentInfo, Limits, MailAddress, MailMessage, MailText};
use crate::model::MailPart;
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{
    Encoding, Header, HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders,
    PartType,
};
use std::borrow::Cow;
use std::sync::OnceLock;

mod custom_headers;
mod decode;
mod headers;
mod walk;

use custom_headers::*;
use decode::*;
use headers::*;
use walk::*;

// Shared with the Outlook readers, which decode the same kinds of text.
pub(crate) use decode::{cut, decode_bytes, normalize_newlines};
pub(crate) use walk::{looks_binary, scan_as_text};

/// Why a message could not be read. Never holds header values or body text: the
/// type has no room for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    #[error("message is empty")]
    Empty,
    #[error("no headers found")]
    NoHeaders,
    #[error("the MIME parser failed on this message; not scanned")]
    ParserFailed,
}

/// Parse one message into our record.
pub fn parse_message(raw: &[u8], number: u64, limits: &Limits) -> Result<MailMessage, MailError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MailError::Empty);
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parse_inner(raw, number, limits)
    })) {
        Ok(result) => result,
        Err(_) => Err(MailError::ParserFailed),
    }
}

/// One parser for the whole process: parses the headers we use, skips the rest
/// (Received, DKIM, ... cost time and hold nothing we report).
fn parser() -> &'static MessageParser {
    static PARSER: OnceLock<MessageParser> = OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .with_mime_headers()
            .header_text(HeaderName::Subject)
            .header_address(HeaderName::From)
            .header_address(HeaderName::Sender)
            .header_address(HeaderName::ReplyTo)
            .header_address(HeaderName::To)
            .header_address(HeaderName::Cc)
            .header_address(HeaderName::Bcc)
            .header_date(HeaderName::Date)
            .header_id(HeaderName::MessageId)
            .default_header_ignore()
    })
}

fn parse_inner(raw: &[u8], number: u64, limits: &Limits) -> Result<MailMessage, MailError> {
    let msg = FlatDrop(parser().parse(raw).ok_or(MailError::NoHeaders)?);
    let msg = &msg.0;
    let root = msg.parts.first().ok_or(MailError::NoHeaders)?;
    if !root.headers.iter().any(|h| is_field_name(h.name.as_str())) {
        return Err(MailError::NoHeaders);
    }

    let mut out = MailMessage {
        number,
        ..Default::default()
    };
    read_headers(root, raw, &mut out);

    let mut walk = Walk {
        limits,
        body: String::new(),
        att_texts: Vec::new(),
        attachments: Vec::new(),
        warnings: Vec::new(),
        unnamed: 0,
        depth_warned: false,
        decode_warned: false,
        boundary_warned: false,
    };
    walk.run(msg);

    let max = limits.max_field_bytes;
    let mut warnings = Vec::new();
    if let Some(subject) = out.subject.as_mut() {
        cut(subject, max, "subject", &mut warnings);
        if !subject.trim().is_empty() {
            out.texts.push(MailText {
                part: MailPart::Subject,
                text: subject.clone(),
            });
        }
    }
    let mut body = normalize_newlines(walk.body);
    cut(&mut body, max, "body", &mut warnings);
    if !body.trim().is_empty() {
        out.texts.push(MailText {
            part: MailPart::Body,
            text: body,
        });
    }
    for (name, text, index) in walk.att_texts {
        let mut text = normalize_newlines(text);
        if text.starts_with('\u{FEFF}') {
            text.drain(..'\u{FEFF}'.len_utf8());
        }
        cut(
            &mut text,
            max,
            &format!("attachment #{index}"),
            &mut warnings,
        );
        if !text.trim().is_empty() {
            out.texts.push(MailText {
                part: MailPart::Attachment(name),
                text,
            });
        }
    }
    out.attachments = walk.attachments;
    out.warnings = walk.warnings;
    out.warnings.extend(warnings);
    Ok(out)
}

/// Owns a parsed message and drops it without recursion. The drop glue of
/// mail-parser's `Message` recurses once per nested `message/rfc822` level, so a
/// message nested 100,000 levels deep (a few MB) would overflow the stack and abort
/// the whole scan while it is freed.
struct FlatDrop<'x>(Message<'x>);

impl Drop for FlatDrop<'_> {
    fn drop(&mut self) {
        let mut stack = vec![std::mem::take(&mut self.0.parts)];
        while let Some(mut parts) = stack.pop() {
            for part in &mut parts {
                if let PartType::Message(nested) = &mut part.body {
                    stack.push(std::mem::take(&mut nested.parts));
                }
            }
            // `parts` is dropped here, its nested messages already emptied.
        }
    }
}

#[cfg(test)]
mod tests;
