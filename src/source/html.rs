//! A small, fast HTML-to-text converter for mail bodies: tags dropped,
//! `<style>`/`<script>` contents and comments dropped, line breaks for `<br>` and
//! block elements, entities decoded, runs of spaces collapsed (line breaks kept).

use memchr::{memchr, memmem};

pub(crate) fn html_to_text(input: &str) -> String {
    convert(input, None)
}

/// Where the text of [`html_to_text_mapped`] came from in the HTML.
#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Byte offset in the text where this piece starts.
    out: usize,
    /// The HTML bytes it came from, `[inp, in_end)`.
    inp: usize,
    in_end: usize,
    /// The piece is the HTML's own bytes (one to one), not a decoded entity.
    raw: bool,
}

/// The text of an HTML document as [`html_to_text`] makes it, with the map back
/// to the HTML: what redaction needs to replace a match in the markup itself.
pub struct HtmlText {
    pub text: String,
    segs: Vec<Seg>,
}

impl HtmlText {
    /// The HTML bytes that text bytes `[start, end)` came from.
    pub fn source_span(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        let find = |o: usize| {
            self.segs
                .partition_point(|s| s.out <= o)
                .checked_sub(1)
                .map(|i| self.segs[i])
        };
        let a = find(start)?;
        let b = find(end - 1)?;
        let from = if a.raw && start - a.out < a.in_end - a.inp {
            a.inp + (start - a.out)
        } else if start == a.out {
            a.inp
        } else {
            a.in_end
        };
        let to = if b.raw && end - 1 - b.out < b.in_end - b.inp {
            b.inp + (end - b.out)
        } else {
            b.in_end
        };
        (from < to).then_some((from, to))
    }
}

pub fn html_to_text_mapped(input: &str) -> HtmlText {
    let mut segs = Vec::new();
    let text = convert(input, Some(&mut segs));
    HtmlText { text, segs }
}

fn convert(input: &str, segs: Option<&mut Vec<Seg>>) -> String {
    let b = input.as_bytes();
    let mut w = Writer {
        out: String::with_capacity(input.len() / 2 + 16),
        space: false,
        pre: 0,
        segs,
        at: (0, 0, true),
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
                w.at = (start, i, true);
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

struct Writer<'s> {
    out: String,
    /// Where each piece of `out` came from, when a map is wanted.
    segs: Option<&'s mut Vec<Seg>>,
    /// The HTML span of the next piece of text: (start, end, one to one).
    at: (usize, usize, bool),
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

impl Writer<'_> {
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
        if let Some(segs) = self.segs.as_deref_mut() {
            let (inp, in_end, raw) = self.at;
            segs.push(Seg {
                out: self.out.len(),
                inp,
                in_end,
                raw,
            });
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
            self.at = (i, i + 1, true);
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
                self.at = (i, i + 1 + len, false);
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
                    '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}' => {}
                    c => {
                        let mut buf = [0u8; 4];
                        self.text(c.encode_utf8(&mut buf));
                    }
                }
                i + 1 + len
            }
            None => {
                self.at = (i, i + 1, true);
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
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
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
