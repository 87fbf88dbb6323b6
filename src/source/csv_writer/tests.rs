use super::*;
use crate::source::Limits;
use crate::source::csv::CsvReader;
use crate::source::record::RecordReader;

fn edit(field: &str, start: usize, end: usize, with: &str) -> TextEdit {
    TextEdit {
        field: field.into(),
        start,
        end,
        with: with.into(),
    }
}

fn rewrite(
    input: &[u8],
    encoding: &'static Encoding,
    delimiter: u8,
    edits: &[(u64, RecordEdit)],
) -> (Vec<u8>, WriteCounts) {
    let mut out = Vec::new();
    let mut w = CsvRewriter::new(input, &mut out, encoding, delimiter, false, 1 << 20).unwrap();
    for (n, e) in edits {
        w.edit_record(*n, e).unwrap();
    }
    let counts = w.finish().unwrap();
    (out, counts)
}

/// The decoded text of every field of every record, as the reader sees it.
fn read_texts(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut r = CsvReader::from_bytes(bytes.to_vec(), "t.csv", &Limits::default(), None).unwrap();
    r.first_row_is_names();
    let mut rows = Vec::new();
    while let Some(rec) = r.next_record().unwrap() {
        rows.push(rec.fields.into_iter().map(|f| f.text).collect());
    }
    rows
}

#[test]
fn nothing_to_change_is_a_byte_identical_copy() {
    let input = b"\xEF\xBB\xBFsep=;\r\nid;note\r\n1;\"a;\r\nb\"\r\n\r\n2;x\r\n3;\"\"\"q\"\"\"";
    let (out, counts) = rewrite(input, encoding_rs::UTF_8, b';', &[]);
    assert_eq!(out, input);
    assert_eq!(counts.records_in, 3);
    assert_eq!(counts.records_out, 3);
}

#[test]
fn only_the_span_changes_and_the_reader_sees_the_replacement() {
    let input = "id,note,email\n1,\"Ring 19121212-1212, \"\"snart\"\"\",a@b.se\n2,ok,c@d.se\n";
    let text = &read_texts(input.as_bytes())[0][1];
    let start = text.find("1912").unwrap();
    let e = RecordEdit {
        drop: false,
        edits: vec![edit("note", start, start + 13, "[personnummer borttaget]")],
    };
    let (out, counts) = rewrite(input.as_bytes(), encoding_rs::UTF_8, b',', &[(1, e)]);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out,
        "id,note,email\n1,\"Ring [personnummer borttaget], \"\"snart\"\"\",a@b.se\n2,ok,c@d.se\n"
    );
    assert_eq!(
        read_texts(out.as_bytes())[0][1],
        "Ring [personnummer borttaget], \"snart\""
    );
    assert_eq!(counts.changed, 1);
}

#[test]
fn windows_1252_stays_windows_1252_and_a_label_never_brings_a_foreign_character() {
    // "Jörgen har diabetes" in Windows-1252; ö is one byte.
    let input = b"id;note\n1;J\xf6rgen har diabetes\n";
    let e = RecordEdit {
        drop: false,
        edits: vec![edit("note", 11, 19, "[hälsa ✓ borttaget]")],
    };
    let (out, _) = rewrite(input, encoding_rs::WINDOWS_1252, b';', &[(1, e)]);
    assert_eq!(out, b"id;note\n1;J\xf6rgen har [h\xe4lsa  borttaget]\n");
}

#[test]
fn a_replacement_in_an_unquoted_field_never_splits_it() {
    let input = b"id,note\n1,call 0701234567\n";
    let e = RecordEdit {
        drop: false,
        edits: vec![edit("note", 5, 15, "a,\"b\"\nc")],
    };
    let (out, _) = rewrite(input, encoding_rs::UTF_8, b',', &[(1, e)]);
    assert_eq!(out, b"id,note\n1,call a  b  c\n");
}

#[test]
fn dropped_records_are_counted_not_copied() {
    let input = b"id,n\n1,a\n2,b\n3,c";
    let drop = RecordEdit {
        drop: true,
        edits: vec![],
    };
    let (out, counts) = rewrite(
        input,
        encoding_rs::UTF_8,
        b',',
        &[(2, drop.clone()), (3, drop)],
    );
    assert_eq!(out, b"id,n\n1,a\n");
    assert_eq!(
        (counts.records_in, counts.records_out, counts.dropped),
        (3, 1, 2)
    );
}

#[test]
fn columns_past_the_header_and_header_less_files_are_found_by_number() {
    let input = b"1,x,secret\n2,y,z\n";
    let mut out = Vec::new();
    let mut w = CsvRewriter::new(
        &input[..],
        &mut out,
        encoding_rs::UTF_8,
        b',',
        true,
        1 << 20,
    )
    .unwrap();
    let e = RecordEdit {
        drop: false,
        edits: vec![edit("column_3", 0, 6, "")],
    };
    w.edit_record(1, &e).unwrap();
    let counts = w.finish().unwrap();
    assert_eq!(out, b"1,x,\n2,y,z\n");
    assert_eq!(counts.records_in, 2);
}

#[test]
fn a_record_too_long_is_copied_through_and_reported() {
    let input = b"id,n\n1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n2,b\n";
    let mut out = Vec::new();
    let mut w = CsvRewriter::new(&input[..], &mut out, encoding_rs::UTF_8, b',', false, 8).unwrap();
    let e = RecordEdit {
        drop: false,
        edits: vec![edit("n", 0, 1, "")],
    };
    assert!(w.edit_record(2, &e).is_err());
    w.finish().unwrap();
    assert_eq!(out, input);
}

#[test]
fn utf16_is_refused_not_mangled() {
    let r = CsvRewriter::new(&b""[..], Vec::new(), encoding_rs::UTF_16LE, b',', false, 8);
    assert!(matches!(r, Err(RewriteError::Encoding(_))));
}

proptest::proptest! {
    /// Whatever the field holds, a span the reader reports maps back to the bytes
    /// that decode to it, and replacing it changes nothing else.
    #[test]
    fn spans_map_back_to_their_bytes(note in "[a-zåäö \",;\n]{0,30}", a in 0usize..30, b in 0usize..30) {
        let quoted = format!("\"{}\"", note.replace('"', "\"\""));
        let input = format!("id,note,x\n1,{quoted},z\n");
        let text = &read_texts(input.as_bytes())[0][1];
        let n = text.chars().count();
        let (s, e) = (a.min(b).min(n), a.max(b).min(n));
        let ed = RecordEdit { drop: false, edits: vec![edit("note", s, e, "#")] };
        let (out, _) = rewrite(input.as_bytes(), encoding_rs::UTF_8, b',', &[(1, ed)]);
        let expect: String = text.chars().take(s).chain("#".chars()).chain(text.chars().skip(e)).collect();
        let rows = read_texts(&out);
        proptest::prop_assert_eq!(&rows[0][1], &expect);
        proptest::prop_assert_eq!(&rows[0][2], "z");
    }
}
