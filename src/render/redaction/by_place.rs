//! A message's findings found again by place, not by matching. The scan already
//! matched every text of the message; the copy reads the same texts, so each of
//! the scan's findings is where the scan saw it (part, line, characters in the
//! line), and its keyed fingerprint says that the value there is the one found.
//! A text where one of them is not (one the scan did not read: the HTML
//! alternative of a plain body, say) is matched again, and a message where one
//! is found nowhere is matched again whole. The proof still scans every redacted
//! message as written.

use super::mail::{Asked, MailRedactor, merge_edits};
use super::{Change, ChangeKind, KnownMatch, RedactOptions};
use crate::model::MailPart;
use crate::source::mail::rewrite::{PartEdit, Rewritten, rewrite_message};

/// The message rewritten from `known`, or `None` when a finding was not found
/// again where the scan saw it.
pub(super) fn rewrite_by_place(
    raw: &[u8],
    path: &str,
    number: u64,
    known: &[KnownMatch],
    redactor: &MailRedactor<'_>,
    opts: &RedactOptions,
) -> Option<(Rewritten, Vec<Change>)> {
    let maker = redactor.maker;
    let asked = Asked {
        findings: true,
        mentioned: None,
    };
    let mut used = vec![false; known.len()];
    let mut changes = Vec::new();
    // The findings of each part, looked up once per text (a message can have
    // many parts and many findings).
    let mut by_part: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, k) in known.iter().enumerate() {
        by_part.entry(k.part.as_str()).or_default().push(i);
    }
    let mut redact = |part: &MailPart, text: &str| -> Vec<PartEdit> {
        let label = part.label();
        let Some(mut here) = by_part.get(label.as_str()).cloned() else {
            return Vec::new();
        };
        // Two texts can share a label (a plain and an HTML body): their findings
        // are tried in both, in order of place.
        here.sort_by_key(|&i| (known[i].line, known[i].start, known[i].end));
        let mut cursor = LineCursor::new(text);
        let mut edits = Vec::new();
        let mut placed = Vec::new();
        let mut here_changes = Vec::new();
        let mut missed = false;
        // The finding tried last, and whether it was found here.
        let mut last: Option<(&KnownMatch, bool)> = None;
        for i in here {
            let k = &known[i];
            if let Some((l, found)) = last
                && same_place(l, k)
            {
                // The same finding in the other text of this label: one change.
                if found {
                    placed.push(i);
                }
                continue;
            }
            last = Some((k, false));
            let Some((s, e)) = cursor.span(k.line, k.start, k.end).filter(|&(s, e)| {
                maker.fingerprint_of(&k.rule, k.category, &text[s..e], path, &k.part)
                    == k.fingerprint
            }) else {
                missed = true;
                continue;
            };
            last = Some((k, true));
            placed.push(i);
            edits.push(PartEdit {
                start: s,
                end: e,
                with: opts.replacement(k.category, &k.masked),
            });
            here_changes.push(Change {
                path: path.to_string(),
                record: number,
                field: label.clone(),
                action: ChangeKind::Replaced,
                rule: Some(k.rule.clone()),
                category: Some(k.category),
                masked: Some(k.masked.clone()),
            });
        }
        if missed {
            // Not the text the scan read (or not all of it): matched again.
            return redactor.match_text(part, text, path, number, &asked, opts, &mut changes);
        }
        for i in placed {
            used[i] = true;
        }
        changes.append(&mut here_changes);
        merge_edits(edits)
    };
    let rewritten = rewrite_message(raw, &mut redact).ok()?;
    used.iter().all(|u| *u).then_some((rewritten, changes))
}

fn same_place(a: &KnownMatch, b: &KnownMatch) -> bool {
    (a.line, a.start, a.end, &a.rule, &a.fingerprint)
        == (b.line, b.start, b.end, &b.rule, &b.fingerprint)
}

/// Byte offsets of (line, characters in the line) places, for places visited in
/// order: the cost is linear in the text however many places one line holds.
struct LineCursor<'t> {
    text: &'t str,
    line: usize,
    /// Byte offset and character count (from the line's start) reached.
    pos: usize,
    col: usize,
}

impl<'t> LineCursor<'t> {
    fn new(text: &'t str) -> Self {
        LineCursor {
            text,
            line: 1,
            pos: 0,
            col: 0,
        }
    }

    /// The bytes of characters `start..end` of line `line` (1-based; `end` may
    /// run past the line's end, as a match may). `None` when the text has no such
    /// place, or the place is before one visited already.
    fn span(&mut self, line: usize, start: usize, end: usize) -> Option<(usize, usize)> {
        if line < self.line || (line == self.line && start < self.col) || end < start {
            return None;
        }
        let bytes = self.text.as_bytes();
        while self.line < line {
            let nl = memchr::memchr(b'\n', &bytes[self.pos..])?;
            self.pos += nl + 1;
            self.line += 1;
            self.col = 0;
        }
        let mut chars = self.text[self.pos..].char_indices();
        while self.col < start {
            let (_, c) = chars.next()?;
            if c == '\n' {
                return None;
            }
            self.pos += c.len_utf8();
            self.col += 1;
        }
        let mut e = self.pos;
        let mut rest = self.text[self.pos..].chars();
        for _ in start..end {
            e += rest.next()?.len_utf8();
        }
        Some((self.pos, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_found_on_their_lines_in_characters() {
        let text = "Hej Åsa,\nring 070-123 45 67 eller\nåsa@example.se";
        let mut c = LineCursor::new(text);
        let (s, e) = c.span(2, 5, 18).unwrap();
        assert_eq!(&text[s..e], "070-123 45 67");
        let (s, e) = c.span(3, 0, 14).unwrap();
        assert_eq!(&text[s..e], "åsa@example.se");
        // Before a place already visited, past the text's end, past its line's end.
        assert_eq!(c.span(2, 0, 3), None);
        assert_eq!(LineCursor::new(text).span(4, 0, 1), None);
        assert_eq!(LineCursor::new(text).span(1, 20, 21), None);
        // A match may run over a line end.
        let (s, e) = LineCursor::new(text).span(1, 4, 12).unwrap();
        assert_eq!(&text[s..e], "Åsa,\nrin");
    }
}
