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

/// Parse one message into our record.
///
/// The `Err` string says what was wrong ("message is empty", "no headers found") and
/// never includes header values or body text.
pub fn parse_message(raw: &[u8], number: u64, limits: &Limits) -> Result<MailMessage, String> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err("message is empty".into());
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parse_inner(raw, number, limits)
    })) {
        Ok(result) => result,
        Err(_) => Err("the MIME parser failed on this message; not scanned".into()),
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

fn parse_inner(raw: &[u8], number: u64, limits: &Limits) -> Result<MailMessage, String> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err("message is empty".into());
    }
    let msg = FlatDrop(parser().parse(raw).ok_or("no headers found")?);
    let msg = &msg.0;
    let root = msg.parts.first().ok_or("no headers found")?;
    if !root.headers.iter().any(|h| is_field_name(h.name.as_str())) {
        return Err("no headers found".into());
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
    walk.run(&msg);

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

/// RFC 5322 field name: printable ASCII except `:`, no spaces.
fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

// ---------------------------------------------------------------------------------
// Headers

fn read_headers(root: &MessagePart<'_>, raw: &[u8], out: &mut MailMessage) {
    let header_end = (root.offset_body as usize).min(raw.len());
    custom_headers(raw.get(..header_end).unwrap_or_default(), out);
    let eight_bit = std::str::from_utf8(raw.get(..header_end).unwrap_or_default()).is_err();
    for h in &root.headers {
        let key = match h.name {
            HeaderName::From => "from",
            HeaderName::To => "to",
            HeaderName::Cc => "cc",
            HeaderName::Bcc => "bcc",
            HeaderName::ReplyTo => "reply-to",
            HeaderName::Sender => "sender",
            HeaderName::Subject | HeaderName::MessageId | HeaderName::Date => "",
            _ => continue,
        };
        let repaired = if eight_bit {
            reparse_8bit(raw, h)
        } else {
            None
        };
        let value = repaired.as_ref().unwrap_or(&h.value);
        match h.name {
            HeaderName::Subject => {
                if out.subject.is_none()
                    && let Some(text) = value.as_text()
                {
                    out.subject = Some(clean_header_text(text));
                }
            }
            HeaderName::MessageId => {
                if out.message_id.is_none() {
                    let id = match value {
                        HeaderValue::Text(t) => Some(t.as_ref()),
                        HeaderValue::TextList(l) => l.first().map(|t| t.as_ref()),
                        _ => None,
                    };
                    if let Some(id) = id.map(str::trim).filter(|s| !s.is_empty()) {
                        out.message_id = Some(format!("<{id}>"));
                    }
                }
            }
            HeaderName::Date => {
                if out.date.is_none()
                    && let HeaderValue::DateTime(dt) = value
                    && dt.is_valid()
                {
                    out.date = Some(dt.to_timestamp());
                }
            }
            _ => push_addresses(key, value, &mut out.addresses),
        }
    }
}

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
fn custom_headers(block: &[u8], out: &mut MailMessage) {
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

fn push_addresses(key: &str, value: &HeaderValue<'_>, out: &mut Vec<MailAddress>) {
    let HeaderValue::Address(addr) = value else {
        return;
    };
    for a in addr.iter() {
        let address = a
            .address
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        let name = a
            .name
            .as_deref()
            .map(clean_header_text)
            .filter(|s| !s.is_empty());
        if address.is_none() && name.is_none() {
            continue;
        }
        out.push(MailAddress {
            header: key.to_string(),
            address,
            name,
        });
    }
}

/// Control characters (a folded line's CR/LF, tabs) become spaces; trimmed.
fn clean_header_text(s: &str) -> String {
    let s = s.trim();
    if s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string()
    } else {
        s.to_string()
    }
}

/// A header whose raw value is 8-bit but not UTF-8 (a Latin-1 `Subject: Räksmörgås`):
/// read it as Windows-1252 and parse it again (RFC 2047 words in it still decode).
fn reparse_8bit(raw: &[u8], h: &Header<'_>) -> Option<HeaderValue<'static>> {
    let bytes = raw.get(h.offset_field as usize..h.offset_end as usize)?;
    if std::str::from_utf8(bytes).is_ok() {
        return None;
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    let mut buf = text.into_owned().into_bytes();
    if !buf.ends_with(b"\n") {
        buf.push(b'\n');
    }
    buf.push(b'\n');
    let parsed = parser().parse_headers(&buf)?;
    let header = parsed
        .parts
        .into_iter()
        .next()?
        .headers
        .into_iter()
        .next()?;
    Some(header.value.into_owned())
}

// ---------------------------------------------------------------------------------
// The MIME tree

struct Walk<'l> {
    limits: &'l Limits,
    body: String,
    /// Scanned attachment texts: (name, text, 1-based index in `attachments`).
    att_texts: Vec<(String, String, usize)>,
    attachments: Vec<AttachmentInfo>,
    warnings: Vec<String>,
    unnamed: usize,
    depth_warned: bool,
    decode_warned: bool,
    boundary_warned: bool,
}

/// A leaf part's content as mail-parser left it: decoded text, or bytes.
enum Content<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
}

/// A part waiting to be visited.
struct Item<'m, 'x> {
    msg: &'m Message<'x>,
    id: u32,
    /// 1 for a message's top part.
    depth: usize,
    /// False inside an alternative that is not the one read (its attachments are
    /// still listed).
    body_ok: bool,
    /// Where body text goes: `None` the message body, `Some(i)` the text of
    /// `att_texts[i]` (a nested message).
    sink: Option<usize>,
    /// The top part of a message (a lone `text/enriched` there is its body).
    is_root: bool,
}

impl Walk<'_> {
    /// Depth-first in document order, with an explicit stack (no recursion, so no
    /// nesting depth can overflow the stack).
    fn run(&mut self, msg: &Message<'_>) {
        let mut stack = vec![Item {
            msg,
            id: 0,
            depth: 1,
            body_ok: true,
            sink: None,
            is_root: true,
        }];
        while let Some(it) = stack.pop() {
            if it.depth > self.limits.max_mime_depth {
                if !self.depth_warned {
                    self.depth_warned = true;
                    self.warnings.push(format!(
                        "MIME nesting deeper than {} levels (--max-mime-depth); deeper parts skipped",
                        self.limits.max_mime_depth
                    ));
                }
                continue;
            }
            let Some(part) = it.msg.parts.get(it.id as usize) else {
                continue;
            };
            match &part.body {
                PartType::Multipart(children) => {
                    self.check_closing_boundary(&it.msg.raw_message, part);
                    // Children come after their parent; anything else would be a cycle.
                    let kids: Vec<u32> = children
                        .iter()
                        .copied()
                        .filter(|&c| c > it.id && (c as usize) < it.msg.parts.len())
                        .collect();
                    let chosen = if is_mime(part, "multipart", "alternative") {
                        choose_alternative(it.msg, &kids)
                    } else {
                        None
                    };
                    for &c in kids.iter().rev() {
                        stack.push(Item {
                            msg: it.msg,
                            id: c,
                            depth: it.depth + 1,
                            body_ok: it.body_ok && chosen.is_none_or(|ch| ch == c),
                            sink: it.sink,
                            is_root: false,
                        });
                    }
                }
                PartType::Message(nested) => {
                    let name = self.attachment_name(&it.msg.raw_message, part);
                    let size = if part.encoding == Encoding::None {
                        part.offset_end.saturating_sub(part.offset_body) as usize
                    } else {
                        nested.raw_message.len()
                    };
                    self.attachments.push(AttachmentInfo {
                        name: name.clone(),
                        content_type: content_type_string(part),
                        size: size as u64,
                        scanned: true,
                    });
                    let index = self.attachments.len();
                    self.att_texts
                        .push((name, nested_header_text(nested), index));
                    stack.push(Item {
                        msg: nested,
                        id: 0,
                        depth: it.depth + 1,
                        body_ok: true,
                        sink: Some(self.att_texts.len() - 1),
                        is_root: true,
                    });
                }
                _ => self.leaf(&it, part),
            }
        }
    }

    fn leaf(&mut self, it: &Item<'_, '_>, part: &MessagePart<'_>) {
        let raw: &[u8] = &it.msg.raw_message;
        let (ctype, subtype) = mime_of(part);
        let charset = part.content_type().and_then(|c| c.attribute("charset"));
        let is_text = ctype.eq_ignore_ascii_case("text");
        let is_html = is_text && subtype.eq_ignore_ascii_case("html");
        let body_type = is_text && (is_html || subtype.eq_ignore_ascii_case("plain"));
        let name = part_name(raw, part);
        let is_attachment = part
            .content_disposition()
            .is_some_and(|d| d.is_attachment())
            || name.is_some()
            || !(body_type || (it.is_root && is_text));

        // mail-parser keeps the raw bytes of a part whose transfer encoding it could not
        // finish (a base64 part cut off by a missing boundary): try once more here.
        let recovered = self.recover_transfer_encoding(raw, part);
        let content = match (&recovered, &part.body) {
            (Some(bytes), _) => Content::Bytes(bytes),
            (None, PartType::Text(t) | PartType::Html(t)) => Content::Str(t),
            (None, PartType::Binary(b) | PartType::InlineBinary(b)) => Content::Bytes(b),
            _ => return,
        };

        if !is_attachment {
            if !it.body_ok {
                return;
            }
            let text: Cow<'_, str> = match content {
                Content::Str(t) => fix_text(raw, part, t, charset),
                Content::Bytes(b) => decode_bytes(b, charset).into(),
            };
            let text = if is_html {
                Cow::Owned(super::html::html_to_text(&text))
            } else if let Some(ct) = part.content_type()
                && ct
                    .attribute("format")
                    .is_some_and(|f| f.trim().eq_ignore_ascii_case("flowed"))
            {
                let delsp = ct
                    .attribute("delsp")
                    .is_some_and(|d| d.trim().eq_ignore_ascii_case("yes"));
                Cow::Owned(unflow(&text, delsp))
            } else {
                text
            };
            if text.trim().is_empty() {
                return;
            }
            let target = match it.sink {
                None => &mut self.body,
                Some(i) => match self.att_texts.get_mut(i) {
                    Some(t) => &mut t.1,
                    None => return,
                },
            };
            if !target.is_empty() && !target.ends_with('\n') {
                target.push('\n');
            }
            target.push_str(&text);
            return;
        }

        let name = name.unwrap_or_else(|| {
            self.unnamed += 1;
            format!("unnamed-{}", self.unnamed)
        });
        let scan = scan_as_text(ctype, subtype, &name);
        let (size, text) = match content {
            Content::Str(t) => text_and_size(raw, part, t, charset, scan),
            Content::Bytes(b) => (
                b.len(),
                (scan && !looks_binary(b)).then(|| decode_bytes(b, charset)),
            ),
        };
        let text = match text {
            Some(t) if is_html => Some(super::html::html_to_text(&t)),
            t => t,
        };
        self.attachments.push(AttachmentInfo {
            name: name.clone(),
            content_type: content_type_string(part),
            size: size as u64,
            scanned: text.is_some(),
        });
        if let Some(text) = text {
            self.att_texts.push((name, text, self.attachments.len()));
        }
    }

    /// A part that declares base64 or quoted-printable but that mail-parser left
    /// undecoded: decode it here, or warn (once) that it is read as it is.
    fn recover_transfer_encoding(&mut self, raw: &[u8], part: &MessagePart<'_>) -> Option<Vec<u8>> {
        if part.is_empty() || part.encoding != Encoding::None {
            return None;
        }
        let cte = part.content_transfer_encoding()?.trim();
        let decoded = if cte.eq_ignore_ascii_case("base64") {
            base64_decode(raw.get(part.offset_body as usize..part.offset_end as usize)?)
        } else if cte.eq_ignore_ascii_case("quoted-printable") {
            quoted_printable_decode(raw.get(part.offset_body as usize..part.offset_end as usize)?)
        } else {
            return None;
        };
        if decoded.is_none() && !self.decode_warned {
            self.decode_warned = true;
            self.warnings.push(
                "a base64 or quoted-printable part did not decode; read as it is".to_string(),
            );
        }
        decoded
    }

    fn attachment_name(&mut self, raw: &[u8], part: &MessagePart<'_>) -> String {
        part_name(raw, part).unwrap_or_else(|| {
            self.unnamed += 1;
            format!("unnamed-{}", self.unnamed)
        })
    }

    /// Warn (once) when a multipart's closing boundary is missing: a truncated or
    /// broken message, read to its end.
    fn check_closing_boundary(&mut self, raw: &[u8], part: &MessagePart<'_>) {
        if self.boundary_warned {
            return;
        }
        let Some(boundary) = part.content_type().and_then(|c| c.attribute("boundary")) else {
            return;
        };
        let mut needle = Vec::with_capacity(boundary.len() + 4);
        needle.extend_from_slice(b"--");
        needle.extend_from_slice(boundary.as_bytes());
        needle.extend_from_slice(b"--");
        let hay = raw.get(part.offset_body as usize..).unwrap_or_default();
        if memchr::memmem::find(hay, &needle).is_none() {
            self.boundary_warned = true;
            self.warnings.push(
                "a multipart part has no closing boundary (truncated message?); read to the end"
                    .to_string(),
            );
        }
    }
}

/// The decoded file name (RFC 2231 and RFC 2047 forms are decoded by the parser;
/// raw 8-bit names are read as Windows-1252).
fn part_name(raw: &[u8], part: &MessagePart<'_>) -> Option<String> {
    let name = part.attachment_name()?;
    let mut name: Cow<'_, str> = Cow::Borrowed(name);
    if has_replacement_char(&name) {
        let fixed = [HeaderName::ContentDisposition, HeaderName::ContentType]
            .iter()
            .filter_map(|wanted| part.headers.iter().find(|h| &h.name == wanted))
            .find_map(|h| {
                let value = reparse_8bit(raw, h)?;
                let ct = value.as_content_type()?;
                ct.attribute("filename")
                    .or_else(|| ct.attribute("name"))
                    .map(str::to_string)
            });
        if let Some(fixed) = fixed {
            name = Cow::Owned(fixed);
        }
    }
    if name.contains("=?") && name.contains("?=") {
        // An encoded word the parser left alone (e.g. in an unquoted value).
        if let Some(decoded) = decode_words(&name) {
            name = Cow::Owned(decoded);
        }
    }
    let name = clean_header_text(&name);
    (!name.is_empty()).then_some(name)
}

/// Which child of a `multipart/alternative` is read: the `text/plain` one with text,
/// else the `text/html` one, else the first nested multipart, else the first child.
fn choose_alternative(msg: &Message<'_>, kids: &[u32]) -> Option<u32> {
    let mut html = None;
    let mut multi = None;
    for &c in kids {
        let Some(p) = msg.parts.get(c as usize) else {
            continue;
        };
        if p.content_disposition().is_some_and(|d| d.is_attachment()) {
            continue;
        }
        let (ctype, subtype) = mime_of(p);
        let is_text = ctype.eq_ignore_ascii_case("text");
        match &p.body {
            PartType::Text(t) | PartType::Html(t) if is_text => {
                if subtype.eq_ignore_ascii_case("plain") {
                    if !t.trim().is_empty() {
                        return Some(c);
                    }
                } else if subtype.eq_ignore_ascii_case("html") {
                    html.get_or_insert(c);
                }
            }
            PartType::Multipart(_) => {
                multi.get_or_insert(c);
            }
            _ => {}
        }
    }
    html.or(multi).or_else(|| kids.first().copied())
}

fn is_mime(part: &MessagePart<'_>, ctype: &str, subtype: &str) -> bool {
    let (t, s) = mime_of(part);
    t.eq_ignore_ascii_case(ctype) && s.eq_ignore_ascii_case(subtype)
}

/// Type and subtype; a part without Content-Type is text/plain.
fn mime_of<'a>(part: &'a MessagePart<'_>) -> (&'a str, &'a str) {
    match part.content_type() {
        Some(ct) => (ct.ctype().trim(), ct.subtype().unwrap_or_default().trim()),
        None => ("text", "plain"),
    }
}

fn content_type_string(part: &MessagePart<'_>) -> String {
    let (t, s) = mime_of(part);
    if s.is_empty() {
        t.to_ascii_lowercase()
    } else {
        format!("{t}/{s}").to_ascii_lowercase()
    }
}

/// Attachments read as text: `text/*`, `message/*`, CSV/JSON/XML types, and generic
/// types (octet-stream, Excel, ...) whose file name says text.
fn scan_as_text(ctype: &str, subtype: &str, name: &str) -> bool {
    if ctype.eq_ignore_ascii_case("text") || ctype.eq_ignore_ascii_case("message") {
        return true;
    }
    if ["image", "audio", "video", "font", "model"]
        .iter()
        .any(|t| ctype.eq_ignore_ascii_case(t))
    {
        return false;
    }
    let sub = subtype.to_ascii_lowercase();
    if matches!(
        sub.as_str(),
        "csv"
            | "x-csv"
            | "comma-separated-values"
            | "tab-separated-values"
            | "json"
            | "xml"
            | "x-yaml"
            | "yaml"
            | "ld+json"
    ) {
        return true;
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "csv" | "tsv" | "txt" | "text" | "json" | "xml" | "vcf" | "ics" | "log" | "md" | "eml"
    )
}

/// NUL bytes and no UTF-16 BOM: not text, whatever the type says.
fn looks_binary(b: &[u8]) -> bool {
    if b.starts_with(b"\xFF\xFE") || b.starts_with(b"\xFE\xFF") {
        return false;
    }
    memchr::memchr(0, b).is_some()
}

/// Text of a nested message before its body: its parties and subject, one a line.
fn nested_header_text(msg: &Message<'_>) -> String {
    let mut s = String::new();
    let Some(root) = msg.parts.first() else {
        return s;
    };
    for h in &root.headers {
        let label = match h.name {
            HeaderName::From => "From",
            HeaderName::To => "To",
            HeaderName::Cc => "Cc",
            HeaderName::ReplyTo => "Reply-To",
            HeaderName::Sender => "Sender",
            HeaderName::Subject => "Subject",
            _ => continue,
        };
        let mut line = String::new();
        match &h.value {
            HeaderValue::Text(t) => line.push_str(&clean_header_text(t)),
            HeaderValue::Address(addr) => {
                for a in addr.iter() {
                    if !line.is_empty() {
                        line.push_str(", ");
                    }
                    match (a.name.as_deref(), a.address.as_deref()) {
                        (Some(n), Some(ad)) => {
                            line.push_str(&clean_header_text(n));
                            line.push_str(" <");
                            line.push_str(ad.trim());
                            line.push('>');
                        }
                        (Some(n), None) => line.push_str(&clean_header_text(n)),
                        (None, Some(ad)) => line.push_str(ad.trim()),
                        (None, None) => {}
                    }
                }
            }
            _ => {}
        }
        if !line.is_empty() {
            s.push_str(label);
            s.push_str(": ");
            s.push_str(&line);
            s.push('\n');
        }
    }
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

// ---------------------------------------------------------------------------------
// Charsets

fn has_replacement_char(s: &str) -> bool {
    memchr::memmem::find(s.as_bytes(), "\u{FFFD}".as_bytes()).is_some()
}

fn is_utf8_label(charset: &str) -> bool {
    let c = charset.trim().trim_matches('"');
    ["utf-8", "utf8", "us-ascii", "ascii"]
        .iter()
        .any(|l| c.eq_ignore_ascii_case(l))
}

/// mail-parser decoded the part with the declared charset, or as lossy UTF-8 when
/// there was none or it did not know it. In the second case, replacement characters
/// mean the bytes were not UTF-8: decode them again from the raw part.
fn fix_text<'t>(
    raw: &[u8],
    part: &MessagePart<'_>,
    text: &'t str,
    charset: Option<&str>,
) -> Cow<'t, str> {
    if !has_replacement_char(text) || charset.is_some_and(has_real_decoder) {
        return Cow::Borrowed(text);
    }
    match transfer_decoded(raw, part) {
        Some(bytes) => Cow::Owned(decode_bytes(&bytes, None)),
        None => Cow::Borrowed(text),
    }
}

/// A charset mail-parser decodes itself (not a UTF-8 label, which it reads lossily).
fn has_real_decoder(charset: &str) -> bool {
    !is_utf8_label(charset) && charset_decoder(charset.trim().as_bytes()).is_some()
}

/// For a text attachment: its decoded size in bytes (before charset conversion) and,
/// when scanned, its text.
fn text_and_size(
    raw: &[u8],
    part: &MessagePart<'_>,
    text: &str,
    charset: Option<&str>,
    scan: bool,
) -> (usize, Option<String>) {
    let utf8 = charset.is_none_or(is_utf8_label);
    let bad = has_replacement_char(text);
    if utf8 && !bad {
        // UTF-8 (or ASCII) text is its own decoded bytes.
        return (text.len(), scan.then(|| text.to_string()));
    }
    let Some(bytes) = transfer_decoded(raw, part) else {
        return (text.len(), scan.then(|| text.to_string()));
    };
    let size = bytes.len();
    if !scan {
        return (size, None);
    }
    let text = if bad && !charset.is_some_and(has_real_decoder) {
        decode_bytes(&bytes, None)
    } else {
        text.to_string()
    };
    (size, Some(text))
}

/// The part's body bytes with the transfer encoding undone (the raw bytes when that
/// fails, as mail-parser does).
fn transfer_decoded<'r>(raw: &'r [u8], part: &MessagePart<'_>) -> Option<Cow<'r, [u8]>> {
    let body = raw.get(part.offset_body as usize..part.offset_end as usize)?;
    Some(match part.encoding {
        Encoding::Base64 => base64_decode(body).map_or(Cow::Borrowed(body), Cow::Owned),
        Encoding::QuotedPrintable => {
            quoted_printable_decode(body).map_or(Cow::Borrowed(body), Cow::Owned)
        }
        Encoding::None => Cow::Borrowed(body),
    })
}

/// Bytes to text: a BOM wins; then a declared charset mail-parser knows (other than
/// UTF-8); then UTF-8 if the bytes are (mostly) UTF-8; else Windows-1252.
fn decode_bytes(bytes: &[u8], charset: Option<&str>) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(bytes.get(bom..).unwrap_or_default())
            .0
            .into_owned();
    }
    if let Some(cs) = charset.filter(|c| !is_utf8_label(c))
        && let Some(decoder) = charset_decoder(cs.trim().as_bytes())
    {
        return decoder(bytes);
    }
    utf8_or_1252(bytes)
}

fn utf8_or_1252(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    // Mostly valid UTF-8 with a few broken sequences: keep it UTF-8. Latin-1 text
    // (every non-ASCII byte invalid on its own) goes to Windows-1252.
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    if good > bad {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    }
}

/// Decode RFC 2047 encoded words in a string, by parsing it as a Subject.
fn decode_words(s: &str) -> Option<String> {
    let mut buf = Vec::with_capacity(s.len() + 12);
    buf.extend_from_slice(b"Subject: ");
    buf.extend(
        s.bytes()
            .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    buf.extend_from_slice(b"\n\n");
    let parsed = parser().parse_headers(&buf)?;
    let header = parsed.parts.first()?.headers.first()?;
    header.value.as_text().map(str::to_string)
}

// ---------------------------------------------------------------------------------
// Text helpers

fn normalize_newlines(s: String) -> String {
    if memchr::memchr(b'\r', s.as_bytes()).is_some() {
        s.replace("\r\n", "\n")
    } else {
        s
    }
}

/// RFC 3676 `format=flowed`: a line ending in a space continues on the next line
/// (of the same quote depth), so text the sender's client wrapped (a phone number
/// broken at a space) is one line again. The stuffed space of a line is removed.
fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<usize> = None; // quote depth of a flowed line waiting for more
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let rest = line.get(depth..).unwrap_or_default();
        let content = rest.strip_prefix(' ').unwrap_or(rest);
        if open != Some(depth) {
            if i > 0 {
                out.push('\n');
            }
            // Keep the quote marks as written; drop only a stuffed space at depth 0.
            out.push_str(if depth > 0 {
                line.get(..depth).unwrap_or_default()
            } else {
                ""
            });
            if depth > 0 && rest.starts_with(' ') {
                out.push(' ');
            }
        }
        let flowed = content.ends_with(' ') && content != "-- ";
        let piece = if flowed && delsp {
            content.get(..content.len() - 1).unwrap_or(content)
        } else {
            content
        };
        out.push_str(piece);
        open = flowed.then_some(depth);
    }
    out
}

/// Cut text longer than `max` bytes at a char boundary, with a warning that names the
/// part and the sizes only.
fn cut(text: &mut String, max: usize, what: &str, warnings: &mut Vec<String>) {
    if text.len() <= max {
        return;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    warnings.push(format!(
        "part {what}: {} bytes, only the first {end} scanned (--max-field-size)",
        text.len()
    ));
    text.truncate(end);
}

#[cfg(test)]
mod tests;
