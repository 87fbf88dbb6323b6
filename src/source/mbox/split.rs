//! Byte ranges of a large mbox, for a sharded scan (`--shard-size`): cut where a
//! message's `From ` separator line starts, as the reader itself decides them
//! (the same rules, run from the start of the file over every line, keeping no
//! message), with the number of messages before each cut, so that the messages of
//! a range are numbered as in the whole file.

use super::MboxReader;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

impl<R: BufRead> MboxReader<R> {
    /// Number the messages from `first` on (a byte range after `first - 1` messages).
    pub fn numbered_from(mut self, first: u64) -> Self {
        self.next_number = first;
        self
    }
}

/// For each of `offsets` (ascending), where the first message at or after it
/// starts and how many messages come before it (the input's length and all its
/// messages if none does).
pub fn message_bounds(input: impl BufRead, offsets: &[u64]) -> Vec<(u64, u64)> {
    let mut out = Vec::with_capacity(offsets.len());
    let mut wanted = offsets.iter().copied().peekable();
    let mut reader = MboxReader::new(input, 0);
    let mut messages = 0;
    for item in reader.by_ref() {
        let Ok(m) = item else { continue };
        while let Some(&w) = wanted.peek() {
            if w > m.offset {
                break;
            }
            out.push((m.offset, messages));
            wanted.next();
        }
        if wanted.peek().is_none() {
            return out;
        }
        messages = m.number;
    }
    let end = reader.pos;
    out.extend(wanted.map(|_| (end, messages)));
    out
}

/// Bytes `start..end` of range `part` (0-based) of the `parts` ranges of `size`
/// bytes of the mbox at `path`, and the messages before it.
pub fn range_bounds(
    path: &Path,
    part: u64,
    parts: u64,
    size: u64,
) -> std::io::Result<(u64, u64, u64)> {
    let file = BufReader::new(std::fs::File::open(path)?);
    let at = |k: u64| {
        if k >= parts {
            u64::MAX
        } else {
            k.saturating_mul(size)
        }
    };
    let start = if part == 0 { 0 } else { at(part) };
    match message_bounds(file, &[start, at(part + 1)]).as_slice() {
        [(s, before), (e, _)] => Ok((if part == 0 { 0 } else { *s }, *e, *before)),
        _ => Err(std::io::Error::other("message boundaries not found")),
    }
}

/// The bytes of a range of a file, read-only.
pub fn open_range(
    path: &Path,
    start: u64,
    end: u64,
) -> std::io::Result<BufReader<std::io::Take<std::fs::File>>> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    Ok(BufReader::with_capacity(
        crate::source::decode::READ_BUFFER,
        file.take(end.saturating_sub(start)),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::MboxReader;
    use super::message_bounds;

    const MBOX: &str = "From a@x Thu Nov 11 07:49:12 2021\nSubject: 1\n\nFrom here on\n\nFrom b@x Thu Nov 11 07:49:12 2021\nSubject: 2\n\nbody\n\nFrom c@x Thu Nov 11 07:49:12 2021\nSubject: 3\n\nlast\n";

    fn messages(bytes: &[u8], first: u64) -> Vec<(u64, Vec<u8>)> {
        MboxReader::new(bytes, 1 << 20)
            .numbered_from(first)
            .filter_map(Result::ok)
            .map(|m| (m.number, m.bytes))
            .collect()
    }

    #[test]
    fn ranges_cut_at_separators_read_as_the_whole() {
        let bytes = MBOX.as_bytes();
        let whole = messages(bytes, 1);
        assert_eq!(whole.len(), 3);
        for cut in 0..bytes.len() as u64 {
            let b = message_bounds(bytes, &[cut]);
            let (at, before) = b[0];
            let mut pieces = messages(&bytes[..at as usize], 1);
            pieces.extend(messages(&bytes[at as usize..], before + 1));
            assert_eq!(pieces, whole, "cut at {cut} (moved to {at})");
        }
    }
}
