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
                Cow::Owned(html::html_to_text(&text))
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
            Some(t) if is_html => Some(html::html_to_text(&t)),
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

// ---------------------------------------------------------------------------------
// HTML to text

mod html {
    //! A small, fast HTML-to-text converter for mail bodies: tags dropped,
    //! `<style>`/`<script>` contents and comments dropped, line breaks for `<br>` and
    //! block elements, entities decoded, runs of spaces collapsed (line breaks kept).

    use memchr::{memchr, memmem};

    pub(crate) fn html_to_text(input: &str) -> String {
        let b = input.as_bytes();
        let mut w = Writer {
            out: String::with_capacity(input.len() / 2 + 16),
            space: false,
            pre: 0,
        };
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            match c {
                b'<' => i = w.tag(input, i),
                b'&' => i = w.entity(input, i),
                b'\r' => i += 1,
                c if is_space(c) && w.pre == 0 => {
                    w.space = true;
                    i += 1;
                }
                _ => {
                    let start = i;
                    i += 1;
                    while let Some(&c) = b.get(i) {
                        if c == b'<' || c == b'&' || c == b'\r' || (is_space(c) && w.pre == 0) {
                            break;
                        }
                        i += 1;
                    }
                    w.text(input.get(start..i).unwrap_or_default());
                }
            }
        }
        let end = w.out.trim_end().len();
        w.out.truncate(end);
        w.out
    }

    fn is_space(c: u8) -> bool {
        matches!(c, b' ' | b'\t' | b'\n' | b'\x0c')
    }

    struct Writer {
        out: String,
        /// Whitespace seen since the last text.
        space: bool,
        /// Inside `<pre>`: whitespace is kept.
        pre: usize,
    }

    /// Elements that start and end a line.
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "tr",
        "li",
        "table",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "title",
        "address",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "form",
        "fieldset",
        "center",
        "body",
        "html",
        "head",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "figure",
        "figcaption",
        "main",
    ];

    impl Writer {
        fn text(&mut self, s: &str) {
            if s.is_empty() {
                return;
            }
            if self.space {
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push(' ');
                }
                self.space = false;
            }
            self.out.push_str(s);
        }

        fn trim_spaces(&mut self) {
            let end = self.out.trim_end_matches([' ', '\t']).len();
            self.out.truncate(end);
        }

        /// A line break (`<br>`): at most one empty line in a row.
        fn newline(&mut self) {
            self.trim_spaces();
            self.space = false;
            if self.out.is_empty() || self.out.ends_with("\n\n") {
                return;
            }
            self.out.push('\n');
        }

        /// Start a new line unless at the start of one.
        fn block(&mut self) {
            self.trim_spaces();
            self.space = false;
            if !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push('\n');
            }
        }

        /// Handle the tag at `i` (`b[i] == b'<'`); returns where to go on.
        fn tag(&mut self, input: &str, i: usize) -> usize {
            let b = input.as_bytes();
            let rest = b.get(i..).unwrap_or_default();
            if rest.starts_with(b"<!--") {
                return match memmem::find(rest.get(4..).unwrap_or_default(), b"-->") {
                    Some(p) => i + 4 + p + 3,
                    None => b.len(),
                };
            }
            let next = b.get(i + 1).copied().unwrap_or(0);
            if next == b'!' || next == b'?' {
                return match memchr(b'>', rest) {
                    Some(p) => i + p + 1,
                    None => b.len(),
                };
            }
            let closing = next == b'/';
            let name_start = if closing { i + 2 } else { i + 1 };
            if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
                // `a < b`, `<3`: not a tag.
                self.text("<");
                return i + 1;
            }
            let mut j = name_start;
            while b
                .get(j)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b':')
            {
                j += 1;
            }
            let name = b.get(name_start..j).unwrap_or_default();
            let end = tag_end(b, j);
            let after = end.map_or(b.len(), |e| e + 1);
            let self_closing = end.is_some_and(|e| e > 0 && b.get(e - 1) == Some(&b'/'));
            let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());

            if is("br") {
                self.newline();
            } else if is("td") || is("th") {
                self.space = true;
            } else if BLOCKS.iter().any(|n| is(n)) {
                self.block();
                if is("pre") {
                    if closing {
                        self.pre = self.pre.saturating_sub(1);
                    } else if !self_closing {
                        self.pre += 1;
                    }
                }
            }
            if !closing && !self_closing && (is("style") || is("script")) {
                return skip_element(b, after, name);
            }
            after
        }

        /// Handle the `&` at `i`; returns where to go on.
        fn entity(&mut self, input: &str, i: usize) -> usize {
            let b = input.as_bytes();
            match decode_entity(b.get(i + 1..).unwrap_or_default()) {
                Some((c, len)) => {
                    match c {
                        // Non-breaking spaces are spaces to a scanner.
                        '\u{A0}' => {
                            if self.pre > 0 {
                                self.text(" ");
                            } else {
                                self.space = true;
                            }
                        }
                        // Soft hyphen and zero-width characters: invisible.
                        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{200E}'
                        | '\u{200F}' => {}
                        c => {
                            let mut buf = [0u8; 4];
                            self.text(c.encode_utf8(&mut buf));
                        }
                    }
                    i + 1 + len
                }
                None => {
                    self.text("&");
                    i + 1
                }
            }
        }
    }

    /// The `>` that ends a tag whose name ends at `j`; quotes after `=` are honoured.
    fn tag_end(b: &[u8], j: usize) -> Option<usize> {
        let mut quote = 0u8;
        let mut last = 0u8;
        let mut k = j;
        while let Some(&c) = b.get(k) {
            if quote != 0 {
                if c == quote {
                    quote = 0;
                }
            } else if (c == b'"' || c == b'\'') && last == b'=' {
                quote = c;
            } else if c == b'>' {
                return Some(k);
            }
            if !c.is_ascii_whitespace() {
                last = c;
            }
            k += 1;
        }
        // An unbalanced quote: fall back to the first `>`.
        memchr(b'>', b.get(j..).unwrap_or_default()).map(|p| j + p)
    }

    /// Skip to after `</name>` (for style and script).
    fn skip_element(b: &[u8], from: usize, name: &[u8]) -> usize {
        let mut k = from;
        while let Some(p) = memchr(b'<', b.get(k..).unwrap_or_default()) {
            let s = k + p;
            if b.get(s + 1) == Some(&b'/')
                && b.get(s + 2..s + 2 + name.len())
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            {
                return match memchr(b'>', b.get(s..).unwrap_or_default()) {
                    Some(q) => s + q + 1,
                    None => b.len(),
                };
            }
            k = s + 1;
        }
        b.len()
    }

    /// `s` follows a `&`: the character and the number of bytes used after the `&`.
    fn decode_entity(s: &[u8]) -> Option<(char, usize)> {
        if let Some(num) = s.strip_prefix(b"#") {
            let (hex, digits) = match num.first() {
                Some(b'x' | b'X') => (true, num.get(1..).unwrap_or_default()),
                _ => (false, num),
            };
            let n = digits
                .iter()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            if n == 0 || n > 8 {
                return None;
            }
            let text = std::str::from_utf8(digits.get(..n)?).ok()?;
            let v = u32::from_str_radix(text, if hex { 16 } else { 10 }).ok()?;
            let mut len = 1 + usize::from(hex) + n;
            if digits.get(n) == Some(&b';') {
                len += 1;
            }
            return Some((numeric_char(v), len));
        }
        let n = s
            .iter()
            .take(32)
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if n == 0 || s.get(n) != Some(&b';') {
            return None;
        }
        let name = std::str::from_utf8(s.get(..n)?).ok()?;
        named_entity(name).map(|c| (c, n + 1))
    }

    /// A numeric reference; 128-159 are Windows-1252 (as browsers read them).
    fn numeric_char(v: u32) -> char {
        if (0x80..=0x9F).contains(&v) {
            let byte = [v as u8];
            return encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&byte)
                .0
                .chars()
                .next()
                .unwrap_or('\u{FFFD}');
        }
        match char::from_u32(v) {
            Some('\0') | None => '\u{FFFD}',
            Some(c) => c,
        }
    }

    /// HTML 4 Latin-1 entities, U+00A0 to U+00FF in order.
    const LATIN1: [&str; 96] = [
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
        "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
        "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
        "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave",
        "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
        "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc",
        "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring",
        "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
        "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash",
        "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
    ];

    fn named_entity(name: &str) -> Option<char> {
        let c = match name {
            "amp" | "AMP" => '&',
            "lt" | "LT" => '<',
            "gt" | "GT" => '>',
            "quot" | "QUOT" => '"',
            "apos" => '\'',
            "euro" => '€',
            "ndash" => '–',
            "mdash" => '—',
            "lsquo" => '‘',
            "rsquo" => '’',
            "sbquo" => '‚',
            "ldquo" => '“',
            "rdquo" => '”',
            "bdquo" => '„',
            "hellip" => '…',
            "bull" => '•',
            "trade" => '™',
            "dagger" => '†',
            "Dagger" => '‡',
            "permil" => '‰',
            "lsaquo" => '‹',
            "rsaquo" => '›',
            "OElig" => 'Œ',
            "oelig" => 'œ',
            "Scaron" => 'Š',
            "scaron" => 'š',
            "Yuml" => 'Ÿ',
            "fnof" => 'ƒ',
            "circ" => 'ˆ',
            "tilde" => '˜',
            "minus" => '−',
            "ensp" | "emsp" | "thinsp" => ' ',
            "zwsp" => '\u{200B}',
            "zwnj" => '\u{200C}',
            "zwj" => '\u{200D}',
            "lrm" => '\u{200E}',
            "rlm" => '\u{200F}',
            _ => {
                let i = LATIN1.iter().position(|&n| n == name)?;
                return char::from_u32(0xA0 + i as u32);
            }
        };
        Some(c)
    }

    #[cfg(test)]
    mod tests {
        use super::html_to_text;

        #[test]
        fn tags_entities_and_breaks() {
            let h = "<html><head><title>T</title><style type=\"text/css\">p { margin: 0 }</style></head>\n<body>\n<p>Hej Karim,</p>\n<p>Bytt nummer<br>\ntill +46&nbsp;70 123 45 67 &amp; mer.</p><div>R&auml;ksm&ouml;rg&aring;s &Aring;&Auml;&Ouml; &eacute;&uuml;&szlig; &#229;&#xE5;&#Xe5; &#150; &unknown; &amp</div></body></html>";
            assert_eq!(
                html_to_text(h),
                "T\nHej Karim,\nBytt nummer\ntill +46 70 123 45 67 & mer.\nRäksmörgås ÅÄÖ éüß ååå – &unknown; &amp"
            );
        }

        #[test]
        fn scripts_comments_and_odd_markup() {
            let h = "a<script>var x = '<p>not text</p>';</SCRIPT>b<!-- hidden <b>x</b> -->c<!DOCTYPE html>d a < b <3 <img alt=\"x > y\" src=x>e<br/>f<li>one<li>two";
            assert_eq!(html_to_text(h), "abcd a < b <3 e\nf\none\ntwo");
        }

        #[test]
        fn whitespace_and_tables() {
            let h = "  <p>  many     spaces\n\tand\nlines </p><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table><br><br><br>end";
            assert_eq!(html_to_text(h), "many spaces and lines\na b\nc\n\nend");
        }

        #[test]
        fn pre_keeps_lines() {
            assert_eq!(html_to_text("x<pre>a  b\n c</pre>y"), "x\na  b\n c\ny");
        }

        #[test]
        fn unterminated_constructs() {
            assert_eq!(html_to_text("a<style>never closed"), "a");
            assert_eq!(html_to_text("a<!-- open"), "a");
            assert_eq!(html_to_text("a<b class=\"x>y"), "ay");
            assert_eq!(html_to_text("a&#"), "a&#");
            assert_eq!(html_to_text("a&#x110000;b&#0;c"), "a\u{FFFD}b\u{FFFD}c");
            assert_eq!(html_to_text("å<"), "å<");
            assert_eq!(html_to_text(""), "");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    fn parse(raw: &str) -> MailMessage {
        parse_message(raw.as_bytes(), 1, &limits()).expect("parses")
    }

    fn text_of(m: &MailMessage, part: &MailPart) -> Option<String> {
        m.texts
            .iter()
            .find(|t| &t.part == part)
            .map(|t| t.text.clone())
    }

    fn body(m: &MailMessage) -> String {
        text_of(m, &MailPart::Body).unwrap_or_default()
    }

    #[test]
    fn rfc2047_words_in_headers() {
        let m = parse(
            "From: =?iso-8859-1?Q?G=F6ran_=C5str=F6m?= <goran@example.se>\n\
             To: =?utf-8?B?w4VzYSBMaW5kYmVyZw==?= <asa@example.se>, \"Last, First\" <lf@example.se>\n\
             Cc: =?ISO-8859-1?B?SuRybg==?= <j@example.se>, Team: a@example.se, b@example.se;\n\
             Reply-To: =?utf-8?Q?Bj=C3=B6rn?= <bjorn@example.se>\n\
             Subject: =?utf-8?Q?Fr=C3=A5ga_om_order?= =?iso-8859-1?B?IGblcg==?=\n\
             Message-ID: <20211107.e9305032@example.se>\n\
             Date: Sun, 07 Nov 2021 01:32:45 +0100\n\
             \n\
             Hej\n",
        );
        assert_eq!(m.subject.as_deref(), Some("Fråga om order får"));
        assert_eq!(
            text_of(&m, &MailPart::Subject).as_deref(),
            Some("Fråga om order får")
        );
        assert_eq!(
            m.message_id.as_deref(),
            Some("<20211107.e9305032@example.se>")
        );
        assert_eq!(m.date, Some(1636245165));
        let got: Vec<(&str, Option<&str>, Option<&str>)> = m
            .addresses
            .iter()
            .map(|a| (a.header.as_str(), a.address.as_deref(), a.name.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("from", Some("goran@example.se"), Some("Göran Åström")),
                ("to", Some("asa@example.se"), Some("Åsa Lindberg")),
                ("to", Some("lf@example.se"), Some("Last, First")),
                ("cc", Some("j@example.se"), Some("Järn")),
                ("cc", Some("a@example.se"), None),
                ("cc", Some("b@example.se"), None),
                ("reply-to", Some("bjorn@example.se"), Some("Björn")),
            ]
        );
        assert_eq!(body(&m), "Hej\n");
        assert!(m.warnings.is_empty());
    }

    #[test]
    fn quoted_printable_latin1_body() {
        let m = parse(
            "From: a@example.se\nSubject: qp\nContent-Type: text/plain; charset=iso-8859-1\n\
             Content-Transfer-Encoding: quoted-printable\n\n\
             H=E4lsningar fr=E5n G=F6teborg, bytt=\n nummer till 070-123 45 67.\n",
        );
        assert_eq!(
            body(&m),
            "Hälsningar från Göteborg, bytt nummer till 070-123 45 67.\n"
        );
    }

    #[test]
    fn base64_body() {
        // "Pnr: 781221-8035\nPåminnelse"
        let m = parse(
            "From: a@example.se\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: base64\n\nUG5yOiA3ODEyMjEtODAzNQpQw6VtaW5uZWxzZQ==\n",
        );
        assert_eq!(body(&m), "Pnr: 781221-8035\nPåminnelse");
    }

    #[test]
    fn alternative_reads_only_the_plain_part() {
        let m = parse(
            "From: a@example.se\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n\
             --b1\nContent-Type: text/plain; charset=utf-8\n\nPlain: ring 070-123 45 67\n\
             --b1\nContent-Type: text/html; charset=utf-8\n\n<p>HTML: ring 070-123 45 67</p>\n\
             --b1--\n",
        );
        assert_eq!(body(&m), "Plain: ring 070-123 45 67");
        assert!(m.attachments.is_empty());
        assert_eq!(m.texts.len(), 1);
    }

    #[test]
    fn alternative_with_empty_plain_reads_html() {
        let m = parse(
            "From: a@example.se\nContent-Type: multipart/alternative; boundary=b1\n\n\
             --b1\nContent-Type: text/plain\n\n \n\
             --b1\nContent-Type: multipart/related; boundary=b2\n\n\
             --b2\nContent-Type: text/html\n\n<p>Only&nbsp;here</p>\n\
             --b2\nContent-Type: image/png\nContent-ID: <i1>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n\
             --b2--\n--b1--\n",
        );
        assert_eq!(body(&m), "Only here");
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].name, "unnamed-1");
        assert_eq!(m.attachments[0].content_type, "image/png");
        assert_eq!(m.attachments[0].size, 8);
        assert!(!m.attachments[0].scanned);
    }

    #[test]
    fn html_only_message() {
        let m = parse(
            "From: a@example.se\nContent-Type: text/html; charset=utf-8\n\n\
             <html><head><style type=\"text/css\">p { color: red; }</style></head><body>\
             <p>Hej &Aring;sa,</p><p>Min adress &auml;r Lilla Nygatan 83,<br>\n756 44 Uppsala &amp; mejl &lt;a@b.se&gt;</p>\
             </body></html>\n",
        );
        assert_eq!(
            body(&m),
            "Hej Åsa,\nMin adress är Lilla Nygatan 83,\n756 44 Uppsala & mejl <a@b.se>"
        );
    }

    #[test]
    fn mixed_with_csv_and_pdf_attachments() {
        let m = parse(
            "From: a@example.se\nSubject: lista\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n\
             --mix\nContent-Type: text/plain; charset=utf-8\n\nSe bifogad lista.\n\
             --mix\nContent-Type: text/csv; charset=iso-8859-1\n\
             Content-Disposition: attachment;\n filename*=utf-8''kundlista_%C3%A5r.csv\n\
             Content-Transfer-Encoding: quoted-printable\n\n\
             namn;telefon\nG=F6ran;070-123 45 67\n\
             --mix\nContent-Type: application/pdf; name=\"offert.pdf\"\n\
             Content-Disposition: attachment; filename=\"offert.pdf\"\n\
             Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcfsj6IK\n\
             --mix--\n",
        );
        assert_eq!(body(&m), "Se bifogad lista.");
        assert_eq!(m.attachments.len(), 2);
        let csv = &m.attachments[0];
        assert_eq!(csv.name, "kundlista_år.csv");
        assert_eq!(csv.content_type, "text/csv");
        assert_eq!(
            csv.size,
            "namn;telefon\nGöran;070-123 45 67".len() as u64 - 1
        ); // ö is one byte
        assert!(csv.scanned);
        assert_eq!(
            text_of(&m, &MailPart::Attachment("kundlista_år.csv".into())).as_deref(),
            Some("namn;telefon\nGöran;070-123 45 67")
        );
        let pdf = &m.attachments[1];
        assert_eq!(pdf.name, "offert.pdf");
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(pdf.size, 15);
        assert!(!pdf.scanned);
        assert!(text_of(&m, &MailPart::Attachment("offert.pdf".into())).is_none());
        assert!(m.has_attachments());
    }

    #[test]
    fn attachment_names_and_text_types() {
        let m = parse(
            "From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n\
             --m\nContent-Type: application/vnd.ms-excel; name=\"=?utf-8?Q?l=C3=B6ner.csv?=\"\n\
             Content-Disposition: attachment\n\na;b\n\
             --m\nContent-Type: application/octet-stream\nContent-Disposition: attachment\n\n\x01bin\n\
             --m\nContent-Type: text/plain\nContent-Disposition: attachment\n\nno name\n\
             --m\nContent-Type: application/json\nContent-Disposition: attachment; filename=\"a.json\"\n\n{\"k\":1}\n\
             --m\nContent-Type: text/plain; name=\"notes.txt\"\n\nnamed inline text\n\
             --m--\n",
        );
        let names: Vec<(&str, bool)> = m
            .attachments
            .iter()
            .map(|a| (a.name.as_str(), a.scanned))
            .collect();
        assert_eq!(
            names,
            vec![
                ("löner.csv", true),
                ("unnamed-1", false),
                ("unnamed-2", true),
                ("a.json", true),
                ("notes.txt", true)
            ]
        );
        assert!(text_of(&m, &MailPart::Body).is_none());
        assert_eq!(
            text_of(&m, &MailPart::Attachment("unnamed-2".into())).as_deref(),
            Some("no name")
        );
    }

    #[test]
    fn text_attachment_without_charset_falls_back_to_windows_1252() {
        let mut raw = b"From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/csv\nContent-Disposition: attachment; filename=l.csv\n\n".to_vec();
        raw.extend_from_slice(b"J\xf6rg;M\xfcller \x96 HR;\x80 100\n--m--\n");
        let m = parse_message(&raw, 1, &limits()).unwrap();
        assert_eq!(
            text_of(&m, &MailPart::Attachment("l.csv".into())).as_deref(),
            Some("Jörg;Müller – HR;€ 100")
        );
        assert_eq!(m.attachments[0].size, 22);
    }

    #[test]
    fn utf16_attachment_with_bom() {
        let mut raw = b"From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=u.csv\nContent-Transfer-Encoding: base64\n\n".to_vec();
        // UTF-16LE BOM + "å;1"
        raw.extend_from_slice(b"//7lADsAMQA=\n--m--\n");
        let m = parse_message(&raw, 1, &limits()).unwrap();
        assert_eq!(
            text_of(&m, &MailPart::Attachment("u.csv".into())).as_deref(),
            Some("å;1")
        );
    }

    #[test]
    fn nested_message_is_an_attachment() {
        let m = parse(
            "From: a@example.se\nSubject: Fwd\nContent-Type: multipart/mixed; boundary=m\n\n\
             --m\nContent-Type: text/plain\n\nSee below.\n\
             --m\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"orig.eml\"\n\n\
             From: =?utf-8?Q?Bj=C3=B6rn?= <bjorn@example.se>\nSubject: original\n\
             Content-Type: multipart/mixed; boundary=n\n\n\
             --n\nContent-Type: text/plain\n\nPnr 781221-8035\n\
             --n\nContent-Type: text/csv\nContent-Disposition: attachment; filename=inner.csv\n\nx;y\n\
             --n--\n\
             --m--\n",
        );
        assert_eq!(body(&m), "See below.");
        let names: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["orig.eml", "inner.csv"]);
        assert_eq!(m.attachments[0].content_type, "message/rfc822");
        assert_eq!(
            text_of(&m, &MailPart::Attachment("orig.eml".into())).as_deref(),
            Some("From: Björn <bjorn@example.se>\nSubject: original\n\nPnr 781221-8035")
        );
        assert_eq!(
            text_of(&m, &MailPart::Attachment("inner.csv".into())).as_deref(),
            Some("x;y")
        );
    }

    #[test]
    fn nested_messages_8bit_and_base64() {
        let raw = b"From: a@b.se\nContent-Type: multipart/mixed; boundary=m\n\n\
--m\nContent-Type: message/rfc822\n\n\
From: x@y.se\nSubject: inner\nContent-Type: multipart/mixed; boundary=n\n\n\
--n\nContent-Type: text/plain\n\nG\xf6ran inner\n\
--n\nContent-Type: text/csv\nContent-Disposition: attachment; filename=a.csv\n\nJ\xf6rg;1\n\
--n--\n\n\
--m\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n\
RnJvbTogcUByLnNlClN1YmplY3Q6IGI2NAoKS+VyZSBiNjQK\n--m--\n";
        let m = parse_message(raw, 1, &limits()).unwrap();
        let texts: Vec<(String, &str)> = m
            .texts
            .iter()
            .map(|t| (t.part.label(), t.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![
                (
                    "attachment:unnamed-1".to_string(),
                    "From: x@y.se\nSubject: inner\n\nG\u{f6}ran inner"
                ),
                ("attachment:a.csv".to_string(), "J\u{f6}rg;1"),
                (
                    "attachment:unnamed-2".to_string(),
                    "From: q@r.se\nSubject: b64\n\nK\u{e5}re b64\n"
                ),
            ]
        );
        let types: Vec<&str> = m
            .attachments
            .iter()
            .map(|a| a.content_type.as_str())
            .collect();
        assert_eq!(types, vec!["message/rfc822", "text/csv", "message/rfc822"]);
        assert_eq!(m.attachments[2].size, 36);
        assert!(m.warnings.is_empty());
    }

    #[test]
    fn nesting_deeper_than_the_limit() {
        let mut s = String::from("From: a@example.se\nSubject: deep\n");
        for i in 0..1000 {
            s.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
            ));
        }
        s.push_str("Content-Type: text/plain\n\ndeep text\n");
        for i in (0..1000).rev() {
            s.push_str(&format!("--b{i}--\n"));
        }
        let m = parse(&s);
        assert!(body(&m).is_empty());
        assert_eq!(
            m.warnings,
            vec!["MIME nesting deeper than 32 levels (--max-mime-depth); deeper parts skipped"]
        );
        // Within the limit the text is read.
        let lim = Limits {
            max_mime_depth: 2000,
            ..limits()
        };
        let m = parse_message(s.as_bytes(), 1, &lim).unwrap();
        assert_eq!(body(&m), "deep text");
        assert!(m.warnings.is_empty());
    }

    #[test]
    fn truncated_multipart_without_closing_boundary() {
        let m = parse(
            "From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n\
             --m\nContent-Type: text/plain\n\nfirst part\n\
             --m\nContent-Type: text/csv\nContent-Disposition: attachment; filename=k.csv\n\
             Content-Transfer-Encoding: base64\n\nYSxiCmMsZAo=\n",
        );
        assert_eq!(body(&m), "first part");
        assert_eq!(
            text_of(&m, &MailPart::Attachment("k.csv".into())).as_deref(),
            Some("a,b\nc,d\n")
        );
        assert!(m.warnings.iter().any(|w| w.contains("no closing boundary")));
        // Cut in the middle of the headers of a part.
        let m = parse(
            "From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Ty",
        );
        assert!(body(&m).len() < 20);
    }

    #[test]
    fn broken_base64_is_read_as_is() {
        let m = parse(
            "From: a@example.se\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n\
             not base64 at all: 070-123 45 67 !!!\n",
        );
        assert!(body(&m).contains("070-123 45 67"));
        assert_eq!(m.warnings.len(), 1);
    }

    #[test]
    fn unknown_charset() {
        let mut raw =
            b"From: a@example.se\nContent-Type: text/plain; charset=x-no-such-charset\n\n".to_vec();
        raw.extend_from_slice(b"G\xf6ran \xe5ker\n");
        let m = parse_message(&raw, 1, &limits()).unwrap();
        assert_eq!(body(&m), "Göran åker\n");
        // UTF-8 text under an unknown label stays UTF-8.
        let m = parse("From: a@example.se\nContent-Type: text/plain; charset=x-unknown\n\nGöran\n");
        assert_eq!(body(&m), "Göran\n");
        // Declared UTF-8 but Latin-1 bytes.
        let mut raw = b"From: a@example.se\nContent-Type: text/plain; charset=utf-8\n\n".to_vec();
        raw.extend_from_slice(b"G\xf6ran\n");
        let m = parse_message(&raw, 1, &limits()).unwrap();
        assert_eq!(body(&m), "Göran\n");
    }

    #[test]
    fn eight_bit_raw_headers() {
        let mut raw = b"From: G\xf6ran \xc5str\xf6m <g@example.se>\nTo: =?utf-8?Q?Bj=C3=B6rn?= <b@example.se>\nSubject: R\xe4ksm\xf6rg\xe5s =?utf-8?Q?och_=C3=A5l?=\n\nbody\n".to_vec();
        let m = parse_message(&raw, 1, &limits()).unwrap();
        assert_eq!(m.subject.as_deref(), Some("Räksmörgås och ål"));
        assert_eq!(m.addresses[0].name.as_deref(), Some("Göran Åström"));
        assert_eq!(m.addresses[0].address.as_deref(), Some("g@example.se"));
        assert_eq!(m.addresses[1].name.as_deref(), Some("Björn"));
        // Raw UTF-8 headers.
        raw = "From: Göran <g@example.se>\nSubject: Räksmörgås\n\nbody\n"
            .as_bytes()
            .to_vec();
        let m = parse_message(&raw, 1, &limits()).unwrap();
        assert_eq!(m.subject.as_deref(), Some("Räksmörgås"));
        assert_eq!(m.addresses[0].name.as_deref(), Some("Göran"));
        // A raw 8-bit file name.
        let mut raw = b"From: a@b.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"l\xf6ner.csv\"\n\nx\n--m--\n".to_vec();
        let m = parse_message(&raw, 1, &limits()).unwrap();
        assert_eq!(m.attachments[0].name, "löner.csv");
        raw.clear();
    }

    #[test]
    fn headers_only_message() {
        for raw in [
            "From: a@example.se\nSubject: only headers\n",
            "From: a@example.se\r\nSubject: x\r\n\r\n",
        ] {
            let m = parse(raw);
            assert!(m.subject.is_some());
            assert!(text_of(&m, &MailPart::Body).is_none());
            assert!(m.attachments.is_empty());
            assert!(m.warnings.is_empty(), "{:?}", m.warnings);
        }
    }

    #[test]
    fn empty_and_garbage_input() {
        assert_eq!(
            parse_message(b"", 1, &limits()).unwrap_err(),
            "message is empty"
        );
        assert_eq!(
            parse_message(b" \r\n\n", 1, &limits()).unwrap_err(),
            "message is empty"
        );
        for garbage in [
            &b"\x00\x01\x02 hello world\nthis is not mail\n"[..],
            b"hello world this is not mail",
            b"\xde\xad\xbe\xef:\n\nA",
            b"foo bar: baz\n\nbody\n",
        ] {
            assert_eq!(
                parse_message(garbage, 1, &limits()).unwrap_err(),
                "no headers found"
            );
        }
    }

    #[test]
    fn crlf_message_gives_lf_text() {
        let m = parse(
            "From: a@example.se\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n--m\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=a.csv\r\n\r\na;b\r\nc;d\r\n--m--\r\n",
        );
        assert_eq!(body(&m), "line1\nline2");
        assert_eq!(
            text_of(&m, &MailPart::Attachment("a.csv".into())).as_deref(),
            Some("a;b\nc;d")
        );
    }

    #[test]
    fn format_flowed_is_unwrapped() {
        let m = parse(
            "From: a@example.se\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n\
             Ring mig p\u{e5} 070-123 \n45 67 i morgon.\n \nFrom here\n> quoted and \n> wrapped\n-- \nAnna\n",
        );
        assert_eq!(
            body(&m),
            "Ring mig p\u{e5} 070-123 45 67 i morgon.\n\nFrom here\n> quoted and wrapped\n-- \nAnna\n"
        );
        let m = parse(
            "From: a@example.se\nContent-Type: text/plain; format=flowed; delsp=yes\n\nabc \ndef\n",
        );
        assert_eq!(body(&m), "abcdef\n");
    }

    #[test]
    fn several_inline_parts_make_one_body() {
        let m = parse(
            "From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n\
             --m\nContent-Type: text/plain\n\npart one\n\
             --m\nContent-Type: text/html\n\n<b>part</b> two\n\
             --m--\n",
        );
        assert_eq!(body(&m), "part one\npart two");
    }

    #[test]
    fn long_parts_are_cut_with_a_warning() {
        let lim = Limits {
            max_field_bytes: 10,
            ..limits()
        };
        let m = parse_message(
            "From: a@example.se\nSubject: short\n\nåååååååååå\n".as_bytes(),
            1,
            &lim,
        )
        .unwrap();
        assert_eq!(body(&m), "ååååå");
        assert_eq!(
            m.warnings,
            vec!["part body: 21 bytes, only the first 10 scanned (--max-field-size)"]
        );
        assert!(!m.warnings[0].contains('å'));
    }

    #[test]
    fn dates() {
        let m = parse("From: a@b.se\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n\nx");
        assert_eq!(m.date, Some(0));
        let m = parse("From: a@b.se\nDate: not a date\n\nx");
        assert_eq!(m.date, None);
        let m = parse("From: a@b.se\nDate: Mon, 15 Jan 2024 10:00:00 -0500\n\nx");
        assert_eq!(m.date, Some(1705330800));
    }

    /// A complex message exercising most paths; mutated below.
    fn complex() -> Vec<u8> {
        let mut v = b"From: =?iso-8859-1?Q?G=F6ran?= <g@example.se>, Team: a@b.se, c@d.se;\n\
To: \"Last, First\" <lf@example.se>\nSubject: =?utf-8?B?w6XDpMO2?= =?iso-8859-1?Q?=E5?=\n\
Date: Sun, 07 Nov 2021 01:32:45 +0100\nMessage-ID: <x@y>\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\n\
Content-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\n\
Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
H=E4lsningar, ring 070-123 45 67=\n fr=E5n G=F6teborg\n--alt\n\
Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n\
PHA+SMOkbHNuaW5nYXI8YnI+PC9wPg==\n--alt--\n--outer\n\
Content-Type: text/csv; charset=windows-1252\n\
Content-Disposition: attachment; filename*=utf-8''kundlista_%C3%A5r.csv\n\n\
namn;pnr\nJ\xf6rg;781221-8035\n--outer\n\
Content-Type: message/rfc822\n\nFrom: x@y.se\nSubject: inner\n\ninner body &amp; <b>x</b>\n--outer\n\
Content-Type: application/pdf; name=\"a.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n\
--outer--\n"
            .to_vec();
        v.extend_from_slice(b"\n");
        v
    }

    #[test]
    fn complex_message() {
        let m = parse_message(&complex(), 7, &limits()).unwrap();
        assert_eq!(m.number, 7);
        assert_eq!(m.subject.as_deref(), Some("åäöå"));
        assert_eq!(body(&m), "Hälsningar, ring 070-123 45 67 från Göteborg");
        let names: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["kundlista_år.csv", "unnamed-1", "a.pdf"]);
        assert_eq!(
            text_of(&m, &MailPart::Attachment("kundlista_år.csv".into())).as_deref(),
            Some("namn;pnr\nJörg;781221-8035")
        );
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    thread_local! {
        static FUZZING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        static PANIC_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    }

    /// Run `parse_inner` (no panic guard) and sort out panics: ours fail the test;
    /// mail-parser's `debug_assert!`s (compiled out of release builds, where
    /// `parse_message` also has its guard) are counted.
    fn fuzz_one(raw: &[u8], lim: &Limits, dependency_panics: &mut usize) {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if FUZZING.with(|f| f.get()) {
                    let at = info
                        .location()
                        .map(|l| format!("{}:{}", l.file(), l.line()));
                    PANIC_AT.with(|p| *p.borrow_mut() = at);
                } else {
                    previous(info);
                }
            }));
        });
        FUZZING.with(|f| f.set(true));
        let result = std::panic::catch_unwind(|| parse_inner(raw, 1, lim));
        // The public entry point never panics.
        let _ = parse_message(raw, 1, lim);
        FUZZING.with(|f| f.set(false));
        if result.is_err() {
            let at = PANIC_AT.with(|p| p.borrow_mut().take()).unwrap_or_default();
            if cfg!(debug_assertions) && at.contains("mail-parser") {
                *dependency_panics += 1;
            } else {
                panic!("panic at {at} on input {:?}", String::from_utf8_lossy(raw));
            }
        }
    }

    /// Fuzz-like: truncations, mutations and random bytes never panic.
    #[test]
    fn never_panics_on_mutated_input() {
        let base = complex();
        let tight = Limits {
            max_field_bytes: 7,
            max_mime_depth: 3,
            ..limits()
        };
        let mut dep = 0;
        for cut_at in 0..base.len() {
            fuzz_one(&base[..cut_at], &limits(), &mut dep);
            fuzz_one(&base[..cut_at], &tight, &mut dep);
        }
        let tokens: [&[u8]; 14] = [
            b"--outer",
            b"--alt--",
            b"\n",
            b"\r\n",
            b"=?utf-8?Q?",
            b"?=",
            b"=",
            b"<",
            b"&#x",
            b";",
            b"\"",
            b"\xff\xc3",
            b"\nContent-Type: multipart/mixed; boundary=outer\n\n",
            b"filename*0*=utf-8''%C3",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let mut m = base.clone();
            for _ in 0..1 + rng.below(8) {
                let pos = rng.below(m.len() + 1);
                match rng.below(4) {
                    0 => {
                        if pos < m.len() {
                            m[pos] = rng.next() as u8;
                        }
                    }
                    1 => {
                        let t = tokens[rng.below(tokens.len())];
                        m.splice(pos..pos, t.iter().copied());
                    }
                    2 => {
                        let end = (pos + rng.below(40)).min(m.len());
                        m.drain(pos..end);
                    }
                    _ => {
                        let end = (pos + rng.below(200)).min(m.len());
                        let chunk: Vec<u8> = m[pos..end].to_vec();
                        let at = rng.below(m.len() + 1);
                        m.splice(at..at, chunk);
                    }
                }
            }
            fuzz_one(&m, &limits(), &mut dep);
            fuzz_one(&m, &tight, &mut dep);
        }
        for _ in 0..2000 {
            let len = rng.below(300);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            fuzz_one(&bytes, &limits(), &mut dep);
            let alphabet = b"ab:= \n-<>&;\"?Q";
            let text: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            fuzz_one(&text, &limits(), &mut dep);
        }
        eprintln!("mail-parser debug assertions hit: {dep}");
    }

    /// Checks the decoding against the synthetic corpus: run
    /// `python3 /work/shared/corpus/gen_corpus.py /tmp/mc --scale 1`, then
    /// `cargo test --lib source::mail::tests::corpus -- --ignored --nocapture`.
    /// Every label value of a message part must occur in the decoded text of that part.
    #[test]
    #[ignore]
    fn corpus() {
        use std::collections::HashMap;
        let root = std::path::Path::new("/tmp/mc");
        if !root.join("labels.jsonl").exists() {
            eprintln!("no corpus at /tmp/mc; skipped");
            return;
        }
        let lim = limits();
        // (path, message number) -> decoded message
        let mut messages: HashMap<(String, u64), MailMessage> = HashMap::new();
        let mut alternative: HashMap<(String, u64), bool> = HashMap::new();
        let mbox = std::fs::File::open(root.join("mail/inbox.mbox")).unwrap();
        let reader = super::super::mbox::MboxReader::new(
            std::io::BufReader::new(mbox),
            lim.max_message_bytes,
        );
        let mut n = 0;
        for raw in reader {
            let raw = raw.unwrap();
            n += 1;
            assert_eq!(raw.number, n);
            assert!(!raw.truncated);
            let m = parse_message(&raw.bytes, raw.number, &lim)
                .unwrap_or_else(|e| panic!("mbox message {}: {e}", raw.number));
            assert!(
                m.warnings.is_empty(),
                "mbox message {}: {:?}",
                raw.number,
                m.warnings
            );
            let alt = memchr::memmem::find(&raw.bytes, b"multipart/alternative").is_some();
            alternative.insert(("mail/inbox.mbox".into(), raw.number), alt);
            messages.insert(("mail/inbox.mbox".into(), raw.number), m);
        }
        assert_eq!(n, 300, "messages in inbox.mbox");
        let mut files = Vec::new();
        for dir in ["mail/eml", "mail/maildir/cur", "mail/maildir/new"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = e.unwrap().path();
                files.push(format!(
                    "{dir}/{}",
                    p.file_name().unwrap().to_string_lossy()
                ));
            }
        }
        for f in &files {
            let raw = std::fs::read(root.join(f)).unwrap();
            let m = parse_message(&raw, 1, &lim).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(m.warnings.is_empty(), "{f}: {:?}", m.warnings);
            let alt = memchr::memmem::find(&raw, b"multipart/alternative").is_some();
            alternative.insert((f.clone(), 1), alt);
            messages.insert((f.clone(), 1), m);
        }
        eprintln!("parsed {} mbox messages and {} files", n, files.len());

        let labels = std::fs::read_to_string(root.join("labels.jsonl")).unwrap();
        // (path, message, part, value) -> labels
        let mut wanted: HashMap<(String, u64, String, String), usize> = HashMap::new();
        for line in labels.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if v["location"]["type"] != "email" {
                continue;
            }
            let key = (
                v["path"].as_str().unwrap().to_string(),
                v["location"]["message"].as_u64().unwrap(),
                v["location"]["part"].as_str().unwrap().to_string(),
                v["value"].as_str().unwrap().to_string(),
            );
            *wanted.entry(key).or_default() += 1;
        }
        let mut stats: HashMap<String, (usize, usize)> = HashMap::new();
        let mut extra_in_alternative = 0;
        let mut missing = Vec::new();
        for ((path, number, part, value), count) in &wanted {
            let m = messages
                .get(&(path.clone(), *number))
                .unwrap_or_else(|| panic!("no message {path} {number}"));
            let want = if part == "subject" {
                MailPart::Subject
            } else if part == "body" {
                MailPart::Body
            } else {
                MailPart::Attachment(part.strip_prefix("attachment:").unwrap().to_string())
            };
            let text: String = m
                .texts
                .iter()
                .filter(|t| t.part == want)
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let found = text.matches(value.as_str()).count();
            let kind = part.split(':').next().unwrap().to_string();
            let e = stats.entry(kind).or_default();
            if found >= *count {
                e.0 += count;
            } else {
                e.0 += found;
                e.1 += count - found;
                missing.push(format!(
                    "{path} #{number} {part}: {value:?} x{count}, found {found}"
                ));
            }
            if part == "body" && alternative[&(path.clone(), *number)] && found > *count {
                extra_in_alternative += 1;
            }
        }
        let mut kinds: Vec<_> = stats.into_iter().collect();
        kinds.sort();
        for (kind, (found, miss)) in &kinds {
            eprintln!("{kind}: {found} label values found, {miss} missing");
        }
        for m in missing.iter().take(20) {
            eprintln!("MISSING {m}");
        }
        eprintln!(
            "body values found more often than labelled in multipart/alternative messages: {extra_in_alternative}"
        );
        let names: usize = messages.values().map(|m| m.attachments.len()).sum();
        eprintln!("attachments listed: {names}");
        assert!(missing.is_empty(), "{} label values missing", missing.len());
        assert_eq!(extra_in_alternative, 0);
    }
}
