//! Rewriting one message with its personal data replaced. Every text part (every
//! alternative, inline or attached: text/plain, text/html, CSV and other text) and
//! the subject are decoded as the reader decodes them and handed to a callback that
//! says which spans to replace. A part that changes is re-encoded in its charset and
//! transfer encoding; everything else — headers, boundaries, MIME structure, the
//! other parts — is copied byte for byte.

use super::encode::{base64_lines, encode_charset, header_value, quoted_printable};
use super::*;
use crate::model::MailPart;

/// One span of a text to replace: byte offsets into the text the callback got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartEdit {
    pub start: usize,
    pub end: usize,
    pub with: String,
}

/// What rewriting a message did.
#[derive(Debug, Default)]
pub struct Rewritten {
    /// The new message; `None` when nothing changed.
    pub bytes: Option<Vec<u8>>,
    /// The message was signed (`S/MIME`, `DKIM`): a changed copy no longer verifies.
    pub signed: Option<&'static str>,
    /// Parts that held something to replace but could not be rewritten.
    pub skipped: Vec<String>,
}

/// Decide what to replace in one text: `(part, text) → spans`.
pub type Redact<'a> = dyn FnMut(&MailPart, &str) -> Vec<PartEdit> + 'a;

/// Rewrite `raw` as `redact` says.
pub fn rewrite_message(raw: &[u8], redact: &mut Redact<'_>) -> Result<Rewritten, String> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(Rewritten::default());
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rewrite_inner(raw, redact)))
        .unwrap_or_else(|_| Err("the MIME parser failed on this message; copied unchanged".into()))
}

fn rewrite_inner(raw: &[u8], redact: &mut Redact<'_>) -> Result<Rewritten, String> {
    let msg = FlatDrop(
        MessageParser::new()
            .parse(raw)
            .ok_or("no headers found; copied unchanged")?,
    );
    let msg = &msg.0;
    let root = msg
        .parts
        .first()
        .ok_or("no headers found; copied unchanged")?;
    let eol = if memchr::memmem::find(raw, b"\r\n").is_some() {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = Rewritten {
        signed: signature(root),
        ..Default::default()
    };
    // (start, end, new bytes) over `raw`, in order, not overlapping.
    let mut splices: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    if let Some(h) = root
        .headers
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case("subject"))
        && let Some(subject) = msg.subject()
    {
        let edits = redact(&MailPart::Subject, subject);
        if !edits.is_empty() {
            let new = apply(subject, &edits);
            let (s, e) = (h.offset_start as usize, h.offset_end as usize);
            let value = raw.get(s..e).unwrap_or_default();
            let lead = value
                .iter()
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
            let trail = value.len() - value.trim_ascii_end().len();
            let mut bytes = value[..lead].to_vec();
            bytes.extend_from_slice(header_value(&new, eol).as_bytes());
            bytes.extend_from_slice(&value[value.len() - trail..]);
            splices.push((s, e, bytes));
        }
    }
    for h in &root.headers {
        let name = h.name.as_str().to_ascii_lowercase();
        if !is_free_text_header(&name) {
            continue;
        }
        let (s, e) = (h.offset_start as usize, h.offset_end as usize);
        let Some(value) = raw.get(s..e) else { continue };
        // Folded lines joined, as the reader joins them.
        let unfolded: String = String::from_utf8_lossy(value)
            .split('\n')
            .map(|l| l.trim_end_matches('\r').trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let text = header_text(unfolded);
        let edits = redact(&MailPart::Header(name), &text);
        if edits.is_empty() {
            continue;
        }
        let trail = value.len() - value.trim_ascii_end().len();
        let mut bytes = b" ".to_vec();
        bytes.extend_from_slice(header_value(&apply(&text, &edits), eol).as_bytes());
        bytes.extend_from_slice(&value[value.len() - trail..]);
        splices.push((s, e, bytes));
    }
    let mut unnamed = 0;
    for part in &msg.parts {
        if let Some(name) = part_name(raw, part) {
            splices.extend(rename_part(raw, part, &name, eol, redact));
        }
        if let Some(splice) = rewrite_part(raw, part, eol, &mut unnamed, redact, &mut out.skipped) {
            splices.push(splice);
        }
    }
    if splices.is_empty() {
        return Ok(out);
    }
    splices.sort_by_key(|s| s.0);
    let mut bytes = Vec::with_capacity(raw.len());
    let mut at = 0;
    for (s, e, new) in splices {
        if s < at || e > raw.len() {
            continue;
        }
        bytes.extend_from_slice(&raw[at..s]);
        bytes.extend_from_slice(&new);
        at = e;
    }
    bytes.extend_from_slice(&raw[at..]);
    out.bytes = Some(bytes);
    Ok(out)
}

/// The signature a message carries, if any.
fn signature(root: &MessagePart<'_>) -> Option<&'static str> {
    let (t, s) = mime_of(root);
    let smime = (t.eq_ignore_ascii_case("multipart") && s.eq_ignore_ascii_case("signed"))
        || (t.eq_ignore_ascii_case("application") && s.to_ascii_lowercase().contains("pkcs7-mime"));
    if smime {
        return Some("S/MIME");
    }
    root.headers
        .iter()
        .any(|h| h.name.as_str().eq_ignore_ascii_case("dkim-signature"))
        .then_some("DKIM")
}

/// A leaf text part with something to replace, as its new raw body.
fn rewrite_part(
    raw: &[u8],
    part: &MessagePart<'_>,
    eol: &str,
    unnamed: &mut usize,
    redact: &mut Redact<'_>,
    skipped: &mut Vec<String>,
) -> Option<(usize, usize, Vec<u8>)> {
    let (ctype, subtype) = mime_of(part);
    let charset = part.content_type().and_then(|c| c.attribute("charset"));
    let is_html = ctype.eq_ignore_ascii_case("text") && subtype.eq_ignore_ascii_case("html");
    let name = part_name(raw, part);
    let body_type =
        ctype.eq_ignore_ascii_case("text") && (is_html || subtype.eq_ignore_ascii_case("plain"));
    let is_attachment = part
        .content_disposition()
        .is_some_and(|d| d.is_attachment())
        || name.is_some()
        || !body_type;
    let label = if is_attachment {
        let name = name.clone().unwrap_or_else(|| {
            *unnamed += 1;
            format!("unnamed-{unnamed}")
        });
        MailPart::Attachment(name)
    } else {
        MailPart::Body
    };
    let text: String = match &part.body {
        PartType::Text(t) | PartType::Html(t) => fix_text(raw, part, t, charset).into_owned(),
        PartType::Binary(b) | PartType::InlineBinary(b) => {
            if !scan_as_text(ctype, subtype, name.as_deref().unwrap_or("")) || looks_binary(b) {
                return None;
            }
            decode_bytes(b, charset)
        }
        _ => return None,
    };
    let edits = if is_html {
        html_edits(&text, &label, redact)
    } else {
        redact(&label, &text)
    };
    if edits.is_empty() {
        return None;
    }
    let new_text = apply(&text, &edits);
    let (s, e) = (part.offset_body as usize, part.offset_end as usize);
    let Some(old) = raw.get(s..e) else {
        skipped.push(format!("{}: its bytes could not be located", label.label()));
        return None;
    };
    let bom = text.starts_with('\u{feff}');
    let mut bytes = encode_charset(new_text.trim_start_matches('\u{feff}'), charset);
    if bom {
        bytes.splice(0..0, "\u{feff}".bytes());
    }
    let mut body = match part.encoding {
        Encoding::QuotedPrintable => quoted_printable(&bytes, eol),
        Encoding::Base64 => base64_lines(&bytes, eol),
        Encoding::None => bytes,
    };
    // Keep the part's own line end before the boundary that follows it.
    let old_trail = old.len() - old.trim_ascii_end().len();
    let body_len = body.len() - body.trim_ascii_end().len();
    body.truncate(body.len() - body_len);
    body.extend_from_slice(&old[old.len() - old_trail..]);
    Some((s, e, body))
}

/// An attachment whose file name holds something to replace: its
/// `Content-Disposition` and `Content-Type` get the new name (RFC 2231 when it is
/// not ASCII), their other parameters kept.
fn rename_part(
    raw: &[u8],
    part: &MessagePart<'_>,
    name: &str,
    eol: &str,
    redact: &mut Redact<'_>,
) -> Vec<(usize, usize, Vec<u8>)> {
    let edits = redact(&MailPart::Header("content-disposition".into()), name);
    if edits.is_empty() {
        return Vec::new();
    }
    let new = apply(name, &edits);
    let param = |key: &str| -> String {
        if new
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ')
        {
            format!("{key}=\"{new}\"")
        } else {
            let pct: String = new
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{key}*=utf-8''{pct}")
        }
    };
    let mut out = Vec::new();
    for h in &part.headers {
        let field = h.name.as_str();
        let (value, key, ct) = if field.eq_ignore_ascii_case("content-disposition") {
            (part.content_disposition(), "filename", false)
        } else if field.eq_ignore_ascii_case("content-type") {
            (part.content_type(), "name", true)
        } else {
            continue;
        };
        let Some(v) = value else { continue };
        let named = v
            .attributes()
            .is_some_and(|a| a.iter().any(|a| a.name.eq_ignore_ascii_case(key)));
        if ct && !named {
            continue;
        }
        let mut text = match v.subtype() {
            Some(sub) => format!(" {}/{}", v.ctype(), sub),
            None => format!(" {}", v.ctype()),
        };
        for a in v.attributes().unwrap_or_default() {
            if a.name.eq_ignore_ascii_case(key)
                || a.name.eq_ignore_ascii_case("filename")
                || a.name.eq_ignore_ascii_case("name")
            {
                continue;
            }
            text.push_str(&format!(
                ";{eol} {}=\"{}\"",
                a.name,
                a.value.replace(['"', '\\'], "")
            ));
        }
        text.push_str(&format!(";{eol} {}", param(key)));
        let (s, e) = (h.offset_start as usize, h.offset_end as usize);
        let Some(old) = raw.get(s..e) else { continue };
        let trail = old.len() - old.trim_ascii_end().len();
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&old[old.len() - trail..]);
        out.push((s, e, bytes));
    }
    out
}

/// Match the text an HTML part shows (as the reader converts it: tags dropped,
/// entities decoded) and map each span back into the markup; replacements are
/// escaped, so a tag is never broken.
fn html_edits(html: &str, label: &MailPart, redact: &mut Redact<'_>) -> Vec<PartEdit> {
    let shown = crate::source::html::html_to_text_mapped(html);
    let mut edits: Vec<PartEdit> = redact(label, &shown.text)
        .into_iter()
        .filter_map(|e| {
            let (start, end) = shown.source_span(e.start, e.end)?;
            let with = e
                .with
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            Some(PartEdit { start, end, with })
        })
        .collect();
    edits.sort_by_key(|e| e.start);
    edits.dedup_by(|b, a| b.start < a.end);
    edits
}

/// `text` with the spans of `edits` (sorted, not overlapping) replaced.
pub fn apply(text: &str, edits: &[PartEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.start < at
            || e.end > text.len()
            || !text.is_char_boundary(e.start)
            || !text.is_char_boundary(e.end)
        {
            continue;
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.with);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests;
