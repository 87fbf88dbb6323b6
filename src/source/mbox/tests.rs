//! mbox splitting: separators, quoting, line ends, limits.
use super::*;
use std::io::{BufReader, Cursor};

fn split(data: &[u8], max: usize) -> Vec<io::Result<RawMessage>> {
    MboxReader::new(Cursor::new(data.to_vec()), max).collect()
}

fn ok(data: &[u8]) -> Vec<RawMessage> {
    split(data, 1 << 20)
        .into_iter()
        .map(|r| r.expect("message"))
        .collect()
}

fn text(m: &RawMessage) -> &str {
    std::str::from_utf8(&m.bytes).unwrap()
}

const TWO: &str = "From a@example.com Thu Nov 11 07:49:12 2021\n\
    From: A <a@example.com>\n\
    Subject: one\n\
    \n\
    Hello\n\
    >From the start\n\
    >>From quoted twice\n\
    > From not unquoted\n\
    \n\
    From b@example.com Fri Nov 12 08:00:00 2021\n\
    From: B <b@example.com>\n\
    Subject: two\n\
    \n\
    Bye\n";

#[test]
fn splits_and_unquotes() {
    let m = ok(TWO.as_bytes());
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].number, 1);
    assert_eq!(m[1].number, 2);
    assert_eq!(
        text(&m[0]),
        "From: A <a@example.com>\nSubject: one\n\nHello\nFrom the start\n>From quoted twice\n> From not unquoted\n"
    );
    assert_eq!(
        text(&m[1]),
        "From: B <b@example.com>\nSubject: two\n\nBye\n"
    );
    assert!(!m[0].truncated && !m[1].truncated);
}

#[test]
fn crlf_file() {
    let crlf = TWO.replace('\n', "\r\n");
    let m = ok(crlf.as_bytes());
    assert_eq!(m.len(), 2);
    assert_eq!(
        text(&m[0]),
        "From: A <a@example.com>\r\nSubject: one\r\n\r\nHello\r\nFrom the start\r\n>From quoted twice\r\n> From not unquoted\r\n"
    );
    assert_eq!(
        text(&m[1]),
        "From: B <b@example.com>\r\nSubject: two\r\n\r\nBye\r\n"
    );
}

#[test]
fn unquoted_from_in_body_stays_body() {
    let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nSome text\nFrom here on, all is body\nNote: this too\n\nFrom my side: fine\nmore body\n";
    let m = ok(data.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(
        text(&m[0]),
        "Subject: s\n\nSome text\nFrom here on, all is body\nNote: this too\n\nFrom my side: fine\nmore body\n"
    );
}

#[test]
fn lenient_separator_without_blank_line() {
    // No empty line before the second separator, but it is an envelope line
    // followed by a header: accepted.
    let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nbody\nFrom b@x Thu Nov 11 07:50:12 2021\nSubject: t\n\nbody2\n";
    let m = ok(data.as_bytes());
    assert_eq!(m.len(), 2);
    assert_eq!(text(&m[0]), "Subject: s\n\nbody\n");
    assert_eq!(text(&m[1]), "Subject: t\n\nbody2\n");
}

#[test]
fn separator_after_blank_without_date_but_header_follows() {
    let data = "From a@x\nSubject: s\n\nbody\n\nFrom b@x\nSubject: t\n\nbody2";
    let m = ok(data.as_bytes());
    assert_eq!(m.len(), 2);
    assert_eq!(text(&m[0]), "Subject: s\n\nbody\n");
    assert_eq!(text(&m[1]), "Subject: t\n\nbody2");
}

#[test]
fn no_trailing_newline() {
    let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nlast line";
    let m = ok(data.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(text(&m[0]), "Subject: s\n\nlast line");
    let m = ok(b"From a@x Thu Nov 11 07:49:12 2021");
    assert_eq!(m.len(), 1);
    assert!(m[0].bytes.is_empty());
}

#[test]
fn empty_and_blank_files() {
    assert!(split(b"", 100).is_empty());
    assert!(split(b"\n\r\n\n", 100).is_empty());
}

#[test]
fn not_an_mbox() {
    let r = split(b"Subject: hi\n\nplain text, no separator\n", 1000);
    assert_eq!(r.len(), 1);
    let e = r.into_iter().next().unwrap().unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("no `From ` separator line found"));
}

#[test]
fn preamble_is_reported_then_messages_follow() {
    let r = split(
        b"junk line\n\nFrom a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nb\n",
        1000,
    );
    assert_eq!(r.len(), 2);
    assert!(r[0].is_err());
    let m = r[1].as_ref().unwrap();
    assert_eq!(m.number, 1);
    assert_eq!(text(m), "Subject: s\n\nb\n");
}

#[test]
fn bom_and_leading_blank_lines() {
    let m = ok(b"\xEF\xBB\xBF\nFrom a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nb\n");
    assert_eq!(m.len(), 1);
    assert_eq!(text(&m[0]), "Subject: s\n\nb\n");
}

#[test]
fn truncation_keeps_prefix_and_skips_rest() {
    let mut data = String::from("From a@x Thu Nov 11 07:49:12 2021\nSubject: big\n\n");
    for i in 0..1000 {
        data.push_str(&format!("line {i} of a big message\n"));
    }
    data.push_str("\nFrom b@x Thu Nov 11 07:49:12 2021\nSubject: small\n\nok\n");
    let r = split(data.as_bytes(), 100);
    let m: Vec<RawMessage> = r.into_iter().map(|x| x.unwrap()).collect();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].bytes.len(), 100);
    assert!(m[0].truncated);
    assert!(m[0].bytes.starts_with(b"Subject: big\n\nline 0 of"));
    assert!(m[0].bytes.capacity() <= 100);
    assert_eq!(m[1].number, 2);
    assert_eq!(text(&m[1]), "Subject: small\n\nok\n");
    assert!(!m[1].truncated);
}

#[test]
fn exact_limit_is_not_truncated() {
    let m = split(b"From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n", 11);
    let m = m[0].as_ref().unwrap();
    assert_eq!(m.bytes, b"Subject: s\n");
    assert!(!m.truncated);
}

#[test]
fn long_lines_stream_through() {
    let long = "x".repeat(LINE_CAP * 3 + 17);
    let data = format!(
        "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\n{long}\nFrom b@x Thu Nov 11 07:49:12 2021\n\nFrom c@x Thu Nov 11 07:49:12 2021\nSubject: t\n\n>From {long}"
    );
    // A tiny BufReader buffer exercises lines split across reads.
    let m: Vec<RawMessage> = MboxReader::new(BufReader::with_capacity(7, data.as_bytes()), 1 << 20)
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(m.len(), 2);
    // The `From b@x` line follows a non-blank line and no header: body text.
    assert_eq!(
        text(&m[0]),
        format!("Subject: s\n\n{long}\nFrom b@x Thu Nov 11 07:49:12 2021\n")
    );
    assert_eq!(text(&m[1]), format!("Subject: t\n\nFrom {long}"));
    assert_eq!(m[1].number, 2);
}

#[test]
fn numbering_many() {
    let mut data = String::new();
    for i in 1..=50 {
        data.push_str(&format!(
            "From u{i}@x Thu Nov 11 07:49:12 2021\nSubject: n{i}\n\nbody {i}\n\n"
        ));
    }
    let m = ok(data.as_bytes());
    assert_eq!(m.len(), 50);
    for (i, msg) in m.iter().enumerate() {
        assert_eq!(msg.number, i as u64 + 1);
        assert_eq!(
            text(msg),
            format!("Subject: n{}\n\nbody {}\n", i + 1, i + 1)
        );
    }
}

#[test]
fn multiple_blank_lines_keep_all_but_the_last() {
    let data = "From a@x Thu Nov 11 07:49:12 2021\nSubject: s\n\nb\n\n\n\nFrom b@x Thu Nov 11 07:49:12 2021\nSubject: t\n\nc\n";
    let m = ok(data.as_bytes());
    assert_eq!(text(&m[0]), "Subject: s\n\nb\n\n\n");
}

#[test]
fn detects_mbox_heads() {
    assert!(looks_like_mbox(
        b"From a@x Thu Nov 11 07:49:12 2021\nFrom: a\n"
    ));
    assert!(looks_like_mbox(
        b"\xEF\xBB\xBF\r\nFrom MAILER-DAEMON Fri Jul  8 12:08:34 2011\r\n"
    ));
    assert!(looks_like_mbox(b"From a@x\nReturn-Path: <a@x>\n"));
    assert!(looks_like_mbox(b"From a@x Thu Nov"));
    assert!(!looks_like_mbox(b"From: a@x\nTo: b@y\n\n"));
    assert!(!looks_like_mbox(
        b"From here on, it is prose.\nAnd more prose.\n"
    ));
    assert!(!looks_like_mbox(b""));
    assert!(!looks_like_mbox(b"id;name\n1;From x\n"));
}

struct FailingReader {
    data: Cursor<Vec<u8>>,
    fail_after: usize,
}
impl io::Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.data.position() as usize >= self.fail_after {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf
            .len()
            .min(self.fail_after - self.data.position() as usize);
        io::Read::read(&mut self.data, &mut buf[..n])
    }
}

#[test]
fn io_error_ends_iteration() {
    let r = FailingReader {
        data: Cursor::new(TWO.as_bytes().to_vec()),
        fail_after: 60,
    };
    let items: Vec<_> = MboxReader::new(BufReader::with_capacity(16, r), 1000).collect();
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
}

#[test]
fn random_input_never_panics() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces: [&[u8]; 9] = [
        b"From a@x Thu Nov 11 07:49:12 2021\n",
        b"From here\n",
        b">From x\n",
        b"\n",
        b"\r\n",
        b"Subject: x\n",
        b"body text ",
        b"\xff\xfe\x00",
        b"From ",
    ];
    for _ in 0..500 {
        let mut data = Vec::new();
        for _ in 0..(rnd() % 40) {
            data.extend_from_slice(pieces[(rnd() % pieces.len() as u64) as usize]);
        }
        let max = (rnd() % 64) as usize;
        let cap = 1 + (rnd() % 9) as usize;
        let mut last = 0;
        // Error items (text before the first separator) do not take a number.
        for m in MboxReader::new(BufReader::with_capacity(cap, &data[..]), max).flatten() {
            assert!(m.bytes.len() <= max);
            assert_eq!(m.number, last + 1);
            last = m.number;
        }
    }
}
