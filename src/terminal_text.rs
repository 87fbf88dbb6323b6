//! Input-derived text made safe for a terminal. File names, column names, rule
//! names and ids come from files the user did not write; printed raw, an ESC
//! sequence could rewrite the screen or the clipboard, a CR hide a line, a bidi
//! override reverse what is read. Control characters become their visible Unicode
//! pictures (ESC → ␛, BEL → ␇, CR → ␍), DEL ␡, C1 controls and bidirectional
//! overrides and isolates U+FFFD. Newline and tab are kept. Machine formats
//! written to files are never filtered: they stay exact.

use std::borrow::Cow;
use std::io::{self, Write};

/// What `c` is shown as, if it must not reach a terminal as itself.
fn replacement(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `s` with every character a terminal would act on replaced by a visible one.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| replacement(c).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| replacement(c).unwrap_or(c)).collect())
}

/// [`safe`], and on one line: newlines and tabs become spaces (table cells).
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\t' => ' ',
            c => replacement(c).unwrap_or(c),
        })
        .collect()
}

/// A writer that passes text through [`safe`] on its way to a terminal. Bytes
/// that are not UTF-8 become U+FFFD; a character split across two writes is
/// held until its end arrives.
pub struct TerminalSafe<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> TerminalSafe<W> {
    pub fn new(inner: W) -> Self {
        TerminalSafe {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(safe(text).as_bytes())
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.emit(text)?;
                    break;
                }
                Err(e) => {
                    let (good, after) = rest.split_at(e.valid_up_to());
                    // SAFETY-free: `good` is valid UTF-8 by construction.
                    self.emit(std::str::from_utf8(good).unwrap_or_default())?;
                    match e.error_len() {
                        Some(n) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            rest = &after[n..];
                        }
                        None => {
                            // An incomplete character at the end: wait for the rest.
                            self.pending = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.clear();
            self.inner.write_all("\u{fffd}".as_bytes())?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(safe("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            safe("a\u{1b}[2Jb\u{7}c\rd"),
            "a\u{241b}[2Jb\u{2407}c\u{240d}d"
        );
        assert_eq!(
            safe("x\u{202e}y\u{2066}z\u{9b}"),
            "x\u{fffd}y\u{fffd}z\u{fffd}"
        );
        assert_eq!(one_line("a\nb\tc\u{1b}"), "a b c\u{241b}");
    }

    #[test]
    fn the_writer_handles_split_characters_and_bad_bytes() {
        let mut out = Vec::new();
        {
            let mut w = TerminalSafe::new(&mut out);
            let s = "å\u{202e}\u{1b}".as_bytes();
            w.write_all(&s[..1]).unwrap();
            w.write_all(&s[1..4]).unwrap();
            w.write_all(&s[4..]).unwrap();
            w.write_all(b"\xff!").unwrap();
            w.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "å\u{fffd}\u{241b}\u{fffd}!"
        );
    }
}
