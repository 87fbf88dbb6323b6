//! MIME walking: the part tree of a message visited depth-first under our rules
//! (one alternative of a `multipart/alternative`, inline text as body, everything
//! else an attachment, text attachments scanned), within the nesting limit.

use super::*;

pub(super) struct Walk<'l> {
    pub(super) limits: &'l Limits,
    pub(super) body: String,
    /// Scanned attachment texts: (name, text, 1-based index in `attachments`).
    pub(super) att_texts: Vec<(String, String, usize)>,
    pub(super) attachments: Vec<AttachmentInfo>,
    pub(super) warnings: Vec<String>,
    pub(super) unnamed: usize,
    pub(super) depth_warned: bool,
    pub(super) decode_warned: bool,
    pub(super) boundary_warned: bool,
}

/// A leaf part's content as mail-parser left it: decoded text, or bytes.
pub(super) enum Content<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
}

/// A part waiting to be visited.
pub(super) struct Item<'m, 'x> {
    pub(super) msg: &'m Message<'x>,
    pub(super) id: u32,
    /// 1 for a message's top part.
    pub(super) depth: usize,
    /// False inside an alternative that is not the one read (its attachments are
    /// still listed).
    pub(super) body_ok: bool,
    /// Where body text goes: `None` the message body, `Some(i)` the text of
    /// `att_texts[i]` (a nested message).
    pub(super) sink: Option<usize>,
    /// The top part of a message (a lone `text/enriched` there is its body).
    pub(super) is_root: bool,
}

impl Walk<'_> {
    /// Depth-first in document order, with an explicit stack (no recursion, so no
    /// nesting depth can overflow the stack).
    pub(super) fn run(&mut self, msg: &Message<'_>) {
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

    // Over 80 lines: the rules for one leaf part (body, alternative, attachment, nested message), which read best together.
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
                Cow::Owned(crate::source::html::html_to_text(&text))
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
            Some(t) if is_html => Some(crate::source::html::html_to_text(&t)),
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
pub(super) fn part_name(raw: &[u8], part: &MessagePart<'_>) -> Option<String> {
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
pub(super) fn choose_alternative(msg: &Message<'_>, kids: &[u32]) -> Option<u32> {
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

pub(super) fn is_mime(part: &MessagePart<'_>, ctype: &str, subtype: &str) -> bool {
    let (t, s) = mime_of(part);
    t.eq_ignore_ascii_case(ctype) && s.eq_ignore_ascii_case(subtype)
}

/// Type and subtype; a part without Content-Type is text/plain.
pub(super) fn mime_of<'a>(part: &'a MessagePart<'_>) -> (&'a str, &'a str) {
    match part.content_type() {
        Some(ct) => (ct.ctype().trim(), ct.subtype().unwrap_or_default().trim()),
        None => ("text", "plain"),
    }
}

pub(super) fn content_type_string(part: &MessagePart<'_>) -> String {
    let (t, s) = mime_of(part);
    if s.is_empty() {
        t.to_ascii_lowercase()
    } else {
        format!("{t}/{s}").to_ascii_lowercase()
    }
}

/// Attachments read as text: `text/*`, `message/*`, CSV/JSON/XML types, and generic
/// types (octet-stream, Excel, ...) whose file name says text.
pub(crate) fn scan_as_text(ctype: &str, subtype: &str, name: &str) -> bool {
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
pub(crate) fn looks_binary(b: &[u8]) -> bool {
    if b.starts_with(b"\xFF\xFE") || b.starts_with(b"\xFE\xFF") {
        return false;
    }
    memchr::memchr(0, b).is_some()
}
