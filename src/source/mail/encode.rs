//! Encoding redacted text back into a message: into the part's charset (a character
//! it cannot hold is spelled without its accent or dropped), then its transfer
//! encoding (quoted-printable, base64 or none); RFC 2047 for a header.

/// `text` in the charset a part declares. US-ASCII (or no charset) stays ASCII;
/// UTF-8 as it is; any other charset encoding_rs knows, with unmappable characters
/// folded. An unknown charset gets ASCII, which every charset holds.
pub fn encode_charset(text: &str, charset: Option<&str>) -> Vec<u8> {
    let label = charset.map(|c| c.trim().trim_matches('"').to_ascii_lowercase());
    let enc = match label.as_deref() {
        None | Some("us-ascii" | "ascii" | "") => None,
        Some(l) => encoding_rs::Encoding::for_label(l.as_bytes()),
    };
    match enc {
        Some(e) if e == encoding_rs::UTF_8 => text.as_bytes().to_vec(),
        Some(e) => crate::source::csv_writer::encode_text(text, e),
        None => text
            .chars()
            .filter_map(crate::source::csv_writer::fold_ascii)
            .collect(),
    }
}

/// Quoted-printable (RFC 2045): lines at most 76 characters, soft breaks `=`,
/// line breaks of the text kept as `eol`.
pub fn quoted_printable(bytes: &[u8], eol: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
    let mut col = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.extend_from_slice(eol.as_bytes());
            col = 0;
            i += if b == b'\r' { 2 } else { 1 };
            continue;
        }
        let at_line_end = matches!(bytes.get(i + 1), None | Some(b'\n' | b'\r'));
        let literal =
            (33..=126).contains(&b) && b != b'=' || ((b == b' ' || b == b'\t') && !at_line_end);
        let width = if literal { 1 } else { 3 };
        if col + width > 75 {
            out.push(b'=');
            out.extend_from_slice(eol.as_bytes());
            col = 0;
        }
        if literal {
            out.push(b);
        } else {
            out.extend_from_slice(format!("={b:02X}").as_bytes());
        }
        col += width;
        i += 1;
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_raw(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let v = u32::from(chunk[0]) << 16
            | u32::from(*chunk.get(1).unwrap_or(&0)) << 8
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= n {
                out.push(B64[(v >> (18 - 6 * k) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, each ended by `eol`.
pub fn base64_lines(bytes: &[u8], eol: &str) -> Vec<u8> {
    let flat = base64_raw(bytes);
    let mut out = Vec::with_capacity(flat.len() + flat.len() / 76 * eol.len() + eol.len());
    for line in flat.chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(eol.as_bytes());
    }
    out
}

/// A header value: as it is when it is printable ASCII, else RFC 2047 encoded
/// words (`=?UTF-8?B?…?=`), folded with `eol` so no line passes 76 characters.
pub fn header_value(text: &str, eol: &str) -> String {
    if text.bytes().all(|b| (32..=126).contains(&b)) && !text.contains("=?") {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| {
            format!(
                "=?UTF-8?B?{}?=",
                String::from_utf8_lossy(&base64_raw(w.as_bytes()))
            )
        })
        .collect::<Vec<_>>()
        .join(&format!("{eol} "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::decoders::base64::base64_decode;
    use mail_parser::decoders::quoted_printable::quoted_printable_decode;

    #[test]
    fn quoted_printable_round_trips() {
        let text =
            "Hej Jörgen = du har [hälsouppgift borttagen]. \nRad två med ett långt slut ".repeat(4);
        let enc = quoted_printable(text.as_bytes(), "\r\n");
        assert!(enc.split(|&b| b == b'\n').all(|l| l.len() <= 77));
        let dec = quoted_printable_decode(&enc).unwrap();
        assert_eq!(String::from_utf8(dec).unwrap(), text.replace('\n', "\r\n"));
    }

    #[test]
    fn base64_round_trips() {
        for n in 0..10 {
            let data: Vec<u8> = (0..n * 37).map(|i| (i * 7 % 256) as u8).collect();
            let enc = base64_lines(&data, "\n");
            assert_eq!(base64_decode(&enc).unwrap_or_default(), data);
        }
    }

    #[test]
    fn charsets_never_get_a_character_they_cannot_hold() {
        assert_eq!(encode_charset("hälsa ✓", Some("iso-8859-1")), b"h\xe4lsa ");
        assert_eq!(encode_charset("hälsa", None), b"halsa");
        assert_eq!(encode_charset("hälsa", Some("utf-8")), "hälsa".as_bytes());
        assert_eq!(encode_charset("a\"b", Some("windows-1252")), b"a\"b");
    }

    #[test]
    fn header_values_are_encoded_words_when_not_ascii() {
        assert_eq!(
            header_value("Hej [name removed]", "\n"),
            "Hej [name removed]"
        );
        let v = header_value(
            "Återbetalning för [personnummer borttaget] och mer text här",
            "\r\n",
        );
        assert!(v.starts_with("=?UTF-8?B?"));
        assert!(v.split("\r\n").all(|l| l.len() <= 76));
    }
}
