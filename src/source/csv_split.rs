//! Record boundaries of a CSV file at byte offsets, for splitting one large file
//! into byte ranges that parse, each on its own, into the file's own records.
//!
//! A newline ends a record only outside quotes, and whether a byte is inside
//! quotes depends on everything before it, so the scanner runs from the start of
//! the file: the same small state machine as the CSV reader (csv-core's defaults:
//! a quote opens a quoted field only at the start of the field, `""` inside is a
//! quote, `\r` or `\n` ends a record), at byte speed, keeping nothing. A position
//! where that machine is between records is a split point. ASCII delimiters and
//! quotes only: UTF-8 and the single-byte encodings, not UTF-16.

use std::io::{self, Read};

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between records: the next byte starts one.
    StartRecord,
    StartField,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the field's end, or the first of `""`.
    QuoteInQuoted,
}

impl State {
    fn next(self, b: u8, delimiter: u8) -> State {
        let ends_record = b == b'\n' || b == b'\r';
        match self {
            State::StartRecord | State::StartField if b == b'"' => State::Quoted,
            State::StartRecord | State::StartField | State::Unquoted | State::QuoteInQuoted
                if ends_record =>
            {
                State::StartRecord
            }
            State::StartRecord | State::StartField | State::Unquoted | State::QuoteInQuoted
                if b == delimiter =>
            {
                State::StartField
            }
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::StartRecord | State::StartField | State::Unquoted | State::QuoteInQuoted => {
                State::Unquoted
            }
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
        }
    }
}

/// Where a range of a split file starts: the first record start at or after a
/// nominal offset, and how many records (the header row included) start before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub pos: u64,
    pub records: u64,
}

/// For each of `offsets` (ascending, positions in `input`), the first position at
/// or after it where a record starts and at least `min_records` records lie before
/// it (the input's length if there is none): the byte ranges between them hold
/// whole records. With `min_records` 1 no range starts before the header row ends.
pub fn bounds(
    input: &mut dyn Read,
    delimiter: u8,
    offsets: &[u64],
    min_records: u64,
) -> io::Result<Vec<Bound>> {
    let mut out = Vec::with_capacity(offsets.len());
    let mut wanted = offsets.iter().copied().peekable();
    let mut state = State::StartRecord;
    let (mut pos, mut records) = (0u64, 0u64);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let mut i = 0;
        while i < n {
            // Inside a field nothing changes until its quote, delimiter or line end:
            // jump there.
            let skip = match state {
                State::Quoted => memchr::memchr(b'"', &buf[i..n]),
                State::Unquoted => memchr::memchr3(delimiter, b'\n', b'\r', &buf[i..n]),
                _ => Some(0),
            };
            let Some(skip) = skip else {
                pos += (n - i) as u64;
                break;
            };
            i += skip;
            pos += skip as u64;
            if state == State::StartRecord && records >= min_records {
                while let Some(&w) = wanted.peek() {
                    if w > pos {
                        break;
                    }
                    out.push(Bound { pos, records });
                    wanted.next();
                }
            }
            if wanted.peek().is_none() {
                return Ok(out);
            }
            let next = state.next(buf[i], delimiter);
            if state == State::StartRecord && next != State::StartRecord {
                records += 1;
            }
            state = next;
            pos += 1;
            i += 1;
        }
    }
    out.extend(wanted.map(|_| Bound { pos, records }));
    Ok(out)
}

/// For each of `offsets` (ascending), the first position at or after it where a
/// record starts (the file's length if none does).
pub fn record_starts(input: &mut dyn Read, delimiter: u8, offsets: &[u64]) -> io::Result<Vec<u64>> {
    Ok(bounds(input, delimiter, offsets, 0)?
        .into_iter()
        .map(|b| b.pos)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::record_starts;
    use proptest::prelude::*;

    fn records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        r.byte_records()
            .map(|rec| rec.expect("parses").iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    /// Where the reader says each record starts, then the end.
    fn reader_starts(bytes: &[u8]) -> Vec<u64> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).expect("parses") {
            out.extend(rec.position().map(|p| p.byte()));
        }
        out.push(bytes.len() as u64);
        out
    }

    fn field() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("\"".to_string()),
                Just("\n".to_string()),
                Just("\r\n".to_string()),
                Just(",".to_string()),
                Just("ö".to_string()),
                "[a-z ]{1,6}",
            ],
            0..5,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn ranges_split_at_arbitrary_offsets_read_as_the_whole(
            rows in prop::collection::vec(prop::collection::vec(field(), 1..5), 1..40),
            cuts in prop::collection::vec(0.0f64..1.0, 1..6),
        ) {
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for row in &rows {
                w.write_record(row).expect("write");
            }
            let bytes = w.into_inner().expect("bytes");
            let mut offsets: Vec<u64> =
                cuts.iter().map(|c| (c * bytes.len() as f64) as u64).collect();
            offsets.sort_unstable();
            let starts = record_starts(&mut &bytes[..], b',', &offsets).expect("scan");
            prop_assert_eq!(starts.len(), offsets.len());
            // Each is at or after its offset and no later than the reader's next record.
            let known = reader_starts(&bytes);
            for (o, s) in offsets.iter().zip(&starts) {
                let next = known.iter().copied().find(|k| k >= o).unwrap_or(bytes.len() as u64);
                prop_assert!(o <= s && *s <= next, "offset {} gave {} (next record at {})", o, s, next);
            }
            let mut bounds = vec![0u64];
            bounds.extend(&starts);
            bounds.push(bytes.len() as u64);
            let mut pieces = Vec::new();
            for w in bounds.windows(2) {
                prop_assert!(w[0] <= w[1]);
                pieces.extend(records(&bytes[w[0] as usize..w[1] as usize]));
            }
            prop_assert_eq!(pieces, records(&bytes));
            // The records before each bound are the reader's count up to there.
            let counted = super::bounds(&mut &bytes[..], b',', &offsets, 0).expect("scan");
            for b in &counted {
                let before = known[..known.len() - 1].iter().filter(|&&k| k < b.pos).count() as u64;
                prop_assert_eq!(b.records, before, "records before {}", b.pos);
            }
        }
    }

    #[test]
    fn a_quoted_newline_is_not_a_boundary() {
        let text = b"a,\"x\ny\",b\nc,d\n";
        // Offset 4 is inside the quoted field: the next record starts at 10.
        assert_eq!(
            record_starts(&mut &text[..], b',', &[0, 4, 11, 99]).expect("scan"),
            vec![0, 10, 14, 14]
        );
        // Past the header row only, and with the records before each bound.
        let b = super::bounds(&mut &text[..], b',', &[0, 12], 1).expect("scan");
        assert_eq!(
            b,
            vec![
                super::Bound {
                    pos: 10,
                    records: 1
                },
                super::Bound {
                    pos: 14,
                    records: 2
                }
            ]
        );
    }
}
