//! Part decoding: transfer encodings, charsets (UTF-8, else Windows-1252 when a
//! label is missing, unknown or wrong), newlines, `format=flowed`, and cutting text
//! to the field limit with a warning.

use super::*;

pub(super) fn has_replacement_char(s: &str) -> bool {
    memchr::memmem::find(s.as_bytes(), "\u{FFFD}".as_bytes()).is_some()
}

pub(super) fn is_utf8_label(charset: &str) -> bool {
    let c = charset.trim().trim_matches('"');
    ["utf-8", "utf8", "us-ascii", "ascii"]
        .iter()
        .any(|l| c.eq_ignore_ascii_case(l))
}

/// mail-parser decoded the part with the declared charset, or as lossy UTF-8 when
/// there was none or it did not know it. In the second case, replacement characters
/// mean the bytes were not UTF-8: decode them again from the raw part.
pub(super) fn fix_text<'t>(
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
pub(super) fn has_real_decoder(charset: &str) -> bool {
    !is_utf8_label(charset) && charset_decoder(charset.trim().as_bytes()).is_some()
}

/// For a text attachment: its decoded size in bytes (before charset conversion) and,
/// when scanned, its text.
pub(super) fn text_and_size(
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
pub(super) fn transfer_decoded<'r>(raw: &'r [u8], part: &MessagePart<'_>) -> Option<Cow<'r, [u8]>> {
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
pub(crate) fn decode_bytes(bytes: &[u8], charset: Option<&str>) -> String {
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

pub(super) fn utf8_or_1252(bytes: &[u8]) -> String {
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

pub(crate) fn normalize_newlines(s: String) -> String {
    if memchr::memchr(b'\r', s.as_bytes()).is_some() {
        s.replace("\r\n", "\n")
    } else {
        s
    }
}

/// RFC 3676 `format=flowed`: a line ending in a space continues on the next line
/// (of the same quote depth), so text the sender's client wrapped (a phone number
/// broken at a space) is one line again. The stuffed space of a line is removed.
pub(super) fn unflow(text: &str, delsp: bool) -> String {
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
pub(crate) fn cut(text: &mut String, max: usize, what: &str, warnings: &mut Vec<String>) {
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
