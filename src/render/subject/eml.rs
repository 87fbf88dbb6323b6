//! A message of the package as a portable `.eml`: the decoded, masked headers and
//! texts as one UTF-8 `text/plain` message (the original could hold other people's
//! data in parts and headers the package does not show).

use super::package::MessageOut;

/// RFC 2047 `B` encoding for a header value that is not plain ASCII.
fn header_value(v: &str) -> String {
    let clean: String = v
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.is_ascii() {
        return clean;
    }
    use std::fmt::Write;
    let mut out = String::new();
    let bytes = clean.as_bytes();
    // Encoded words of at most 45 bytes of text each, split at char boundaries.
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + 45).min(bytes.len());
        while !clean.is_char_boundary(end) {
            end -= 1;
        }
        if !out.is_empty() {
            out.push_str("\r\n ");
        }
        let _ = write!(out, "=?UTF-8?B?{}?=", base64(&bytes[start..end]));
        start = end;
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The message as RFC 5322 text, CRLF line ends, body base64 (any text survives).
pub fn render(m: &MessageOut, message_id: Option<&str>) -> String {
    let mut s = String::new();
    let mut header = |name: &str, value: &str| {
        s.push_str(name);
        s.push_str(": ");
        s.push_str(&header_value(value));
        s.push_str("\r\n");
    };
    for (h, values) in &m.headers {
        let name = match h.as_str() {
            "from" => "From",
            "to" => "To",
            "cc" => "Cc",
            "bcc" => "Bcc",
            "reply-to" => "Reply-To",
            "sender" => "Sender",
            _ => continue,
        };
        header(name, &values.join(", "));
    }
    if let Some(d) = &m.date {
        header("X-Original-Date", d);
    }
    if let Some(id) = message_id {
        header("X-Original-Message-ID", id);
    }
    header("Subject", m.subject.as_deref().unwrap_or(""));
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Transfer-Encoding", "base64");
    s.push_str("\r\n");
    let mut body = String::new();
    for (part, text) in &m.text {
        if part != "body" {
            body.push_str(&format!("\n--- {part} ---\n"));
        }
        body.push_str(text);
        body.push('\n');
    }
    let enc = base64(body.as_bytes());
    for line in enc.as_bytes().chunks(76) {
        s.push_str(std::str::from_utf8(line).unwrap_or(""));
        s.push_str("\r\n");
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
        assert_eq!(super::header_value("Åsa"), "=?UTF-8?B?w4VzYQ==?=");
    }
}
