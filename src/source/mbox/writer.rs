//! Rewriting an mbox: the file is split by [`MboxReader`] (so messages are the
//! reader's, numbered the same) while a second handle copies the raw bytes. A
//! message that stays is copied byte for byte — its `From ` line, its quoting, the
//! blank line after it; a changed one keeps its `From ` line and gets its new text
//! quoted mboxrd-style; a dropped one is left out, `From ` line and all.

use super::{MboxReader, RawMessage};
use crate::source::record::WriteCounts;
use std::io::{self, BufRead, Read, Write};

/// What becomes of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageFate {
    Keep,
    Drop,
    /// The new message (unquoted; quoting is added here).
    Replace(Vec<u8>),
}

/// Messages handed to the decision callback at a time (it may decide them in parallel).
pub const BATCH: usize = 256;

/// Rewrite the mbox read twice from `messages` (for splitting) and `raw` (the same
/// bytes, for copying) into `out`. `decide` gets messages in batches, in order.
/// A reading error ends the copy: the error is returned and the output is partial.
pub fn rewrite_mbox<R: BufRead, C: Read>(
    messages: MboxReader<R>,
    raw: C,
    out: &mut dyn Write,
    decide: &mut dyn FnMut(&[RawMessage]) -> Vec<MessageFate>,
) -> io::Result<WriteCounts> {
    let mut copier = Copier {
        raw,
        pos: 0,
        out,
        counts: WriteCounts::default(),
    };
    let mut batch: Vec<RawMessage> = Vec::with_capacity(BATCH);
    // The message whose segment ends where the next one starts, with its fate.
    let mut prev: Option<(RawMessage, MessageFate)> = None;
    let mut messages = messages;
    loop {
        let next = messages.next();
        let end = match next {
            None => true,
            Some(Ok(m)) => {
                batch.push(m);
                false
            }
            // A preamble before the first message: copied with it.
            Some(Err(e)) if e.kind() == io::ErrorKind::InvalidData => continue,
            Some(Err(e)) => return Err(e),
        };
        if batch.len() < BATCH && !end {
            continue;
        }
        if crate::interrupt::is_interrupted() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        let fates = decide(&batch);
        for (m, fate) in batch.drain(..).zip(
            fates
                .into_iter()
                .chain(std::iter::repeat(MessageFate::Keep)),
        ) {
            if let Some((_, f)) = prev.take() {
                copier.segment(&f, Some(m.offset))?;
            } else {
                copier.copy_to(m.offset)?; // what precedes the first message
            }
            copier.counts.records_in += 1;
            prev = Some((m, fate));
        }
        if end {
            break;
        }
    }
    if let Some((_, f)) = prev.take() {
        copier.segment(&f, None)?;
    } else {
        copier.copy_to(u64::MAX)?;
    }
    copier.out.flush()?;
    Ok(copier.counts)
}

struct Copier<'o, C: Read> {
    raw: C,
    pos: u64,
    out: &'o mut dyn Write,
    counts: WriteCounts,
}

impl<C: Read> Copier<'_, C> {
    /// Copy raw bytes up to offset `to` (or the end).
    fn copy_to(&mut self, to: u64) -> io::Result<()> {
        let n = io::copy(
            &mut (&mut self.raw).take(to.saturating_sub(self.pos)),
            self.out,
        )?;
        self.pos += n;
        Ok(())
    }

    /// Skip raw bytes up to offset `to` (or the end).
    fn skip_to(&mut self, to: u64) -> io::Result<()> {
        let n = io::copy(
            &mut (&mut self.raw).take(to.saturating_sub(self.pos)),
            &mut io::sink(),
        )?;
        self.pos += n;
        Ok(())
    }

    /// The raw bytes of one message's segment, `[pos, to)`.
    fn read_to(&mut self, to: Option<u64>) -> io::Result<Vec<u8>> {
        let mut seg = Vec::new();
        let limit = to.map_or(u64::MAX, |t| t.saturating_sub(self.pos));
        (&mut self.raw).take(limit).read_to_end(&mut seg)?;
        self.pos += seg.len() as u64;
        Ok(seg)
    }

    /// Write (or leave out) the message `m`, whose segment ends at `to`.
    fn segment(&mut self, fate: &MessageFate, to: Option<u64>) -> io::Result<()> {
        let to_or_end = to.unwrap_or(u64::MAX);
        match fate {
            MessageFate::Keep => {
                self.copy_to(to_or_end)?;
                self.counts.records_out += 1;
            }
            MessageFate::Drop => {
                self.skip_to(to_or_end)?;
                self.counts.dropped += 1;
            }
            MessageFate::Replace(new) => {
                let seg = self.read_to(to)?;
                self.out.write_all(&replace_segment(&seg, new))?;
                self.counts.records_out += 1;
                self.counts.changed += 1;
            }
        }
        Ok(())
    }
}

/// A segment (`From ` line, quoted message, blank line) with the message replaced.
pub fn replace_segment(seg: &[u8], new: &[u8]) -> Vec<u8> {
    let from_end = memchr::memchr(b'\n', seg).map_or(seg.len(), |i| i + 1);
    let body = &seg[from_end..];
    let tail: &[u8] = if body.ends_with(b"\r\n\r\n") {
        b"\r\n"
    } else if body.ends_with(b"\n\n") {
        b"\n"
    } else {
        b""
    };
    let mut out = Vec::with_capacity(seg.len() + 64);
    out.extend_from_slice(&seg[..from_end]);
    quote_into(new, &mut out);
    out.extend_from_slice(tail);
    out
}

/// mboxrd quoting: a line matching `^>*From ` gets one more `>`.
fn quote_into(msg: &[u8], out: &mut Vec<u8>) {
    for line in msg.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if line[quotes..].starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MBOX: &str = "From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody one\n>From here\n\nFrom b@c Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody two\n\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: three\n\nbody three\n";

    fn run(mbox: &str, fates: &[MessageFate]) -> (String, WriteCounts) {
        let reader = MboxReader::new(mbox.as_bytes(), 1 << 20);
        let mut out = Vec::new();
        let mut i = 0;
        let counts = rewrite_mbox(reader, mbox.as_bytes(), &mut out, &mut |b| {
            let v = fates[i..i + b.len()].to_vec();
            i += b.len();
            v
        })
        .unwrap();
        (String::from_utf8(out).unwrap(), counts)
    }

    #[test]
    fn kept_messages_are_copied_byte_for_byte() {
        let (out, c) = run(
            MBOX,
            &[MessageFate::Keep, MessageFate::Keep, MessageFate::Keep],
        );
        assert_eq!(out, MBOX);
        assert_eq!((c.records_in, c.records_out), (3, 3));
    }

    #[test]
    fn replaced_messages_keep_their_from_line_and_quoting_and_dropped_ones_go() {
        let new = b"Subject: one\n\n[x] one\nFrom here\n".to_vec();
        let (out, c) = run(
            MBOX,
            &[
                MessageFate::Replace(new),
                MessageFate::Drop,
                MessageFate::Keep,
            ],
        );
        assert_eq!(
            out,
            "From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\n[x] one\n>From here\n\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: three\n\nbody three\n"
        );
        assert_eq!(
            (c.records_in, c.records_out, c.changed, c.dropped),
            (3, 2, 1, 1)
        );
        let again: Vec<_> = MboxReader::new(out.as_bytes(), 1 << 20)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again[0].bytes, b"Subject: one\n\n[x] one\nFrom here\n");
    }

    #[test]
    fn a_preamble_and_crlf_survive() {
        let mbox = MBOX.replace('\n', "\r\n");
        let with = format!("junk\r\n{mbox}");
        let (out, _) = run(
            &with,
            &[
                MessageFate::Keep,
                MessageFate::Replace(b"Subject: x\r\n\r\ny\r\n".to_vec()),
                MessageFate::Keep,
            ],
        );
        assert!(out.starts_with("junk\r\nFrom a@b"));
        assert!(
            out.contains(
                "\r\n\r\nFrom b@c Mon Jan  1 00:00:00 2024\r\nSubject: x\r\n\r\ny\r\n\r\nFrom c@d"
            ),
            "{out}"
        );
    }
}
