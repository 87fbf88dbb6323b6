//! RTF bodies: compressed RTF (MS-OXRTFCP, the `compressed-rtf` crate) unpacked
//! within limits, then RTF turned into plain text: control words dropped, `\'xx`
//! decoded in the code page of the current font (or `\ansicpg`), `\uN` read with its
//! `\uc` fallback skipped, ignorable destinations (`{\*...}`, font and colour tables,
//! pictures, field instructions) skipped. RTF that encapsulates HTML (`\fromhtml1`,
//! MS-OXRTFEX) gives back the HTML, which the caller turns into text.

/// Text extracted from an RTF body.
#[derive(Debug, PartialEq, Eq)]
pub struct RtfText {
    pub text: String,
    /// The RTF encapsulated HTML: `text` is HTML.
    pub html: bool,
}

/// Unpack a compressed-RTF property. The header's sizes are checked first, so a
/// hostile header cannot make the decompressor allocate or index out of bounds;
/// a panic in the crate is caught all the same.
pub fn decompress(data: &[u8], max_bytes: usize) -> Result<Vec<u8>, String> {
    if data.len() < 16 {
        return Err("compressed RTF body shorter than its header".into());
    }
    let word = |i: usize| u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
    let (comp_size, raw_size, kind) = (word(0) as usize, word(4) as usize, word(8));
    if comp_size.checked_add(4) != Some(data.len()) {
        return Err("compressed RTF body: size in the header does not match".into());
    }
    if raw_size > max_bytes {
        return Err(format!(
            "compressed RTF body expands to {raw_size} bytes, more than {max_bytes} (--max-field-size)"
        ));
    }
    const UNCOMPRESSED: u32 = 0x414C_454D; // "MELA"
    if kind == UNCOMPRESSED && raw_size > data.len() - 16 {
        return Err("uncompressed RTF body shorter than its header says".into());
    }
    let out = std::panic::catch_unwind(|| compressed_rtf::decompress_rtf(data))
        .map_err(|_| "compressed RTF body could not be unpacked".to_string())?
        .map_err(|e| format!("compressed RTF body could not be unpacked: {}", short(&e)))?;
    // The crate hands bytes back as Latin-1 characters; turn them back into bytes.
    Ok(out
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect())
}

/// The crate's error names only sizes and checksums, never content.
fn short(e: &compressed_rtf::Error) -> String {
    let s = e.to_string();
    s.chars().take(80).collect()
}

/// What a group does with its text.
#[derive(Clone, Copy)]
struct GroupState {
    skip: bool,
    /// Characters to skip after `\uN`.
    uc: usize,
    code_page: u16,
    /// Inside `\htmlrtf` (RTF-only formatting of encapsulated HTML): not output.
    htmlrtf: bool,
    /// In the font table: `\fN\fcharsetM` define fonts.
    fonttbl: bool,
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    out: String,
    /// `\'xx` bytes waiting to be decoded together (multi-byte code pages).
    pending: Vec<u8>,
    pending_cp: u16,
    fonts: std::collections::HashMap<i32, u16>,
    current_font: Option<i32>,
    default_cp: u16,
    from_html: bool,
    max: usize,
    /// Characters still to skip after a `\uN`.
    skip_chars: usize,
}

/// RTF to text (or to the HTML it encapsulates), at most `max` bytes of output.
pub fn rtf_to_text(rtf: &[u8], max: usize) -> RtfText {
    let mut p = Parser {
        b: rtf,
        i: 0,
        out: String::new(),
        pending: Vec::new(),
        pending_cp: 1252,
        fonts: Default::default(),
        current_font: None,
        default_cp: 1252,
        from_html: false,
        max,
        skip_chars: 0,
    };
    p.run();
    let html = p.from_html;
    let mut text = p.out;
    if !html {
        text = text
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
    }
    RtfText {
        text: text.trim().to_string(),
        html,
    }
}

impl Parser<'_> {
    fn run(&mut self) {
        let mut stack: Vec<GroupState> = Vec::new();
        let mut st = GroupState {
            skip: false,
            uc: 1,
            code_page: 0,
            htmlrtf: false,
            fonttbl: false,
        };
        // A group's first control word may make it a destination to skip.
        let mut group_start = false;
        while self.i < self.b.len() && self.out.len() < self.max {
            let c = self.b[self.i];
            match c {
                b'{' => {
                    self.flush();
                    stack.push(st);
                    self.i += 1;
                    group_start = true;
                    continue;
                }
                b'}' => {
                    self.flush();
                    if let Some(s) = stack.pop() {
                        st = s;
                    }
                    self.i += 1;
                }
                b'\\' => {
                    self.control(&mut st, group_start);
                }
                b'\r' | b'\n' => self.i += 1,
                _ => {
                    self.i += 1;
                    if self.skip_chars > 0 {
                        self.skip_chars -= 1;
                    } else if self.visible(&st) {
                        self.flush();
                        self.out.push(char::from(c));
                    }
                }
            }
            group_start = false;
        }
        self.flush();
    }

    fn visible(&self, st: &GroupState) -> bool {
        !st.skip && !st.htmlrtf
    }

    /// Read one control word or symbol at `self.i` (a backslash).
    fn control(&mut self, st: &mut GroupState, group_start: bool) {
        self.i += 1;
        let Some(&c) = self.b.get(self.i) else {
            return;
        };
        if !c.is_ascii_alphabetic() {
            self.i += 1;
            self.symbol(c, st, group_start);
            return;
        }
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_alphabetic) {
            self.i += 1;
        }
        let word = std::str::from_utf8(&self.b[start..self.i]).unwrap_or_default();
        let num_start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) && self.i - num_start < 11 {
            self.i += 1;
        }
        let param: Option<i32> = std::str::from_utf8(&self.b[num_start..self.i])
            .ok()
            .and_then(|s| s.parse().ok());
        if self.b.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
        self.word(word, param, st, group_start);
    }

    fn symbol(&mut self, c: u8, st: &mut GroupState, group_start: bool) {
        match c {
            b'\'' => {
                let hex = self.b.get(self.i..self.i + 2).unwrap_or_default();
                let byte = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                self.i += hex.len();
                if self.skip_chars > 0 {
                    self.skip_chars -= 1;
                } else if let Some(byte) = byte
                    && self.visible(st)
                {
                    let cp = self.code_page(st);
                    if cp != self.pending_cp {
                        self.flush();
                    }
                    self.pending_cp = cp;
                    self.pending.push(byte);
                }
            }
            // An ignorable destination, unless it is encapsulated HTML.
            b'*' if group_start
                && !(self.from_html && self.b[self.i..].starts_with(b"\\htmltag")) =>
            {
                st.skip = true;
            }
            b'\\' | b'{' | b'}' => self.emit(st, char::from(c)),
            b'~' => self.emit(st, '\u{a0}'),
            b'_' => self.emit(st, '-'),
            b'\r' | b'\n' => self.emit(st, '\n'),
            b'\t' => self.emit(st, '\t'),
            _ => {}
        }
    }

    fn word(&mut self, word: &str, param: Option<i32>, st: &mut GroupState, group_start: bool) {
        match word {
            "par" | "line" | "sect" | "page" | "row" => self.emit(st, '\n'),
            "tab" | "cell" => self.emit(st, '\t'),
            "emdash" => self.emit(st, '—'),
            "endash" => self.emit(st, '–'),
            "bullet" => self.emit(st, '•'),
            "lquote" => self.emit(st, '‘'),
            "rquote" => self.emit(st, '’'),
            "ldblquote" => self.emit(st, '“'),
            "rdblquote" => self.emit(st, '”'),
            "u" => {
                if let Some(n) = param {
                    // Negative values are UTF-16 units above 0x7FFF.
                    let unit = n as i16 as u16;
                    self.emit_unit(st, unit);
                    self.skip_chars = st.uc;
                }
            }
            "uc" => st.uc = param.unwrap_or(1).clamp(0, 8) as usize,
            "ansicpg" => {
                if let Some(cp) = param.and_then(|p| u16::try_from(p).ok()) {
                    self.default_cp = cp;
                }
            }
            "fromhtml" => self.from_html = param != Some(0),
            "htmlrtf" => st.htmlrtf = param != Some(0),
            "fonttbl" => st.fonttbl = true,
            "f" => {
                if st.fonttbl {
                    self.current_font = param;
                } else {
                    self.flush();
                    self.current_font = param;
                    st.code_page = self.font_cp();
                }
            }
            "fcharset" if st.fonttbl => {
                if let (Some(f), Some(cs)) = (self.current_font, param) {
                    self.fonts.insert(f, charset_code_page(cs));
                }
            }
            "bin" => {
                let n = param.unwrap_or(0).max(0) as usize;
                self.i = self.i.saturating_add(n).min(self.b.len());
            }
            _ if group_start && is_skipped_destination(word) => st.skip = true,
            _ => {}
        }
        if word == "fonttbl" {
            st.skip = true;
        }
    }

    fn font_cp(&self) -> u16 {
        self.current_font
            .and_then(|f| self.fonts.get(&f).copied())
            .filter(|&cp| cp != 0)
            .unwrap_or(self.default_cp)
    }

    fn code_page(&self, st: &GroupState) -> u16 {
        if st.code_page != 0 {
            st.code_page
        } else {
            self.default_cp
        }
    }

    fn emit(&mut self, st: &GroupState, c: char) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        if self.visible(st) {
            self.flush();
            self.out.push(c);
        }
    }

    /// A `\uN` unit: surrogate pairs come as two `\u` words.
    fn emit_unit(&mut self, st: &GroupState, unit: u16) {
        if !self.visible(st) {
            return;
        }
        let high = if self.pending_cp == 1200 && self.pending.len() == 2 {
            let p = std::mem::take(&mut self.pending);
            Some(u16::from_le_bytes([p[0], p[1]]))
        } else {
            self.flush();
            None
        };
        if (0xD800..0xDC00).contains(&unit) {
            if high.is_some() {
                self.out.push('\u{FFFD}');
            }
            self.pending_cp = 1200;
            self.pending.extend(unit.to_le_bytes());
            return;
        }
        let s = match high {
            Some(h) => String::from_utf16_lossy(&[h, unit]),
            None => String::from_utf16_lossy(&[unit]),
        };
        self.out.push_str(&s);
    }

    /// Decode the `\'xx` bytes collected so far.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        if self.pending_cp == 1200 {
            self.out.push('\u{FFFD}'); // a lone high surrogate
            return;
        }
        self.out
            .push_str(&super::props::decode_8bit(&bytes, self.pending_cp));
    }
}

/// Destinations whose text is not part of the body.
fn is_skipped_destination(word: &str) -> bool {
    matches!(
        word,
        "colortbl"
            | "stylesheet"
            | "info"
            | "pict"
            | "object"
            | "fldinst"
            | "listtable"
            | "listoverridetable"
            | "rsidtbl"
            | "generator"
            | "xmlnstbl"
            | "themedata"
            | "colorschememapping"
            | "datastore"
            | "latentstyles"
            | "header"
            | "footer"
            | "pntext"
            | "pntxta"
            | "pntxtb"
            | "mmathPr"
            | "filetbl"
            | "revtbl"
    )
}

/// `\fcharset` values (Windows character sets) to code pages.
fn charset_code_page(charset: i32) -> u16 {
    match charset {
        77 => 10000,
        128 => 932,
        129 => 949,
        130 => 1361,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        255 => 437,
        _ => 0, // ANSI, default, symbol: the document's code page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtf: &str) -> String {
        rtf_to_text(rtf.as_bytes(), 1 << 20).text
    }

    #[test]
    fn control_words_go_and_text_stays() {
        let rtf = r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl;\red0\green0\blue0;}\f0\fs20 Hej Anna,\par Ring mig p\'e5 070-123 45 67.\par\pard}";
        assert_eq!(text(rtf), "Hej Anna,\nRing mig på 070-123 45 67.");
    }

    #[test]
    fn unicode_escapes_skip_their_fallback() {
        let rtf = r"{\rtf1\ansi\uc1 Gr\u246?n \u-10179?\u-8704? ok}";
        assert_eq!(text(rtf), "Grön 😀 ok");
        let rtf = r"{\rtf1\uc2 a\u228\'e4\'e4 b}";
        assert_eq!(text(rtf), "aä b");
    }

    #[test]
    fn font_charsets_decode_escaped_bytes() {
        let rtf = r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\fnil\fcharset0 Calibri;}{\f1\fnil\fcharset204 Calibri;}}\f1 \'cf\'f0\'e8\'e2\'e5\'f2\f0  hi}";
        assert_eq!(text(rtf), "Привет hi");
    }

    #[test]
    fn ignorable_destinations_and_fields_are_skipped() {
        let rtf = r#"{\rtf1{\*\generator Riched20;}{\field{\*\fldinst HYPERLINK "mailto:x@y.se"}{\fldrslt mejla mig}}\par{\pict\pngblip 89504e47}slut}"#;
        assert_eq!(text(rtf), "mejla mig\nslut");
    }

    #[test]
    fn encapsulated_html_is_given_back_as_html() {
        let rtf = r"{\rtf1\ansi\fromhtml1{\*\htmltag19 <html>}{\*\htmltag34 <p>}\htmlrtf {\b \htmlrtf0 Hej\htmlrtf }\htmlrtf0 {\*\htmltag64 </p>}}";
        let t = rtf_to_text(rtf.as_bytes(), 1 << 20);
        assert!(t.html);
        assert_eq!(t.text, "<html><p>Hej</p>");
    }

    #[test]
    fn hostile_compressed_headers_are_errors_not_panics() {
        assert!(decompress(b"short", 1000).is_err());
        let mut h = Vec::new();
        h.extend(12u32.to_le_bytes());
        h.extend(u32::MAX.to_le_bytes()); // claims 4 GiB
        h.extend(0x7546_5A4Cu32.to_le_bytes());
        h.extend(0u32.to_le_bytes());
        assert!(decompress(&h, 1 << 20).unwrap_err().contains("expands"));
        let mut h = Vec::new();
        h.extend(12u32.to_le_bytes());
        h.extend(100u32.to_le_bytes()); // uncompressed, but only 0 bytes follow
        h.extend(0x414C_454Du32.to_le_bytes());
        h.extend(0u32.to_le_bytes());
        assert!(decompress(&h, 1 << 20).is_err());
    }

    #[test]
    fn compressed_rtf_round_trips() {
        let rtf = r"{\rtf1\ansi Ring 070-123 45 67\par}";
        let packed = compressed_rtf::compress_rtf(rtf).unwrap();
        let raw = decompress(&packed, 1 << 20).unwrap();
        assert_eq!(
            text(std::str::from_utf8(&raw).unwrap()),
            "Ring 070-123 45 67"
        );
    }
}
