//! Header handling: which headers a message has, its parties (address headers),
//! Date, Message-ID and subject, RFC 2047 encoded words and raw 8-bit values, and the
//! header text of a nested message.

use super::*;

/// RFC 5322 field name: printable ASCII except `:`, no spaces.
pub(super) fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

// ---------------------------------------------------------------------------------
// Headers

pub(super) fn read_headers(root: &MessagePart<'_>, raw: &[u8], out: &mut MailMessage) {
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

pub(super) fn push_addresses(key: &str, value: &HeaderValue<'_>, out: &mut Vec<MailAddress>) {
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
pub(super) fn clean_header_text(s: &str) -> String {
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
pub(super) fn reparse_8bit(raw: &[u8], h: &Header<'_>) -> Option<HeaderValue<'static>> {
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

/// Text of a nested message before its body: its parties and subject, one a line.
pub(super) fn nested_header_text(msg: &Message<'_>) -> String {
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

/// Decode RFC 2047 encoded words in a string, by parsing it as a Subject.
pub(super) fn decode_words(s: &str) -> Option<String> {
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
