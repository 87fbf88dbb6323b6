use super::*;

#[test]
fn delimiters_are_sniffed() {
    assert_eq!(sniff_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n", true), b';');
    assert_eq!(sniff_delimiter(b"a,b,c\n1,\"2;5\",3\n", true), b',');
    assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n", true), b'\t');
    assert_eq!(sniff_delimiter(b"a|b\n1|2\n", true), b'|');
}

fn source(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Source {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    Source::file(
        name.into(),
        path,
        super::super::SourceKind::Csv,
        false,
        bytes.len() as u64,
    )
}

fn read_all(src: &Source) -> (Vec<String>, Vec<(u64, Vec<String>)>) {
    let mut r = CsvReader::open(src, &Limits::default(), None).expect("open");
    let mut out = Vec::new();
    let mut batch = Vec::new();
    loop {
        let more = r.read_batch(&mut batch, 2, 1 << 20).expect("batch");
        for rec in &batch {
            out.push((
                rec.number,
                rec.fields
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
        }
        if !more {
            break;
        }
    }
    (r.headers.clone(), out)
}

#[test]
fn bom_quotes_newlines_and_record_numbers() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = source(
        dir.path(),
        "a.csv",
        "\u{feff}id;notes\r\n1;\"rad ett\r\nrad två; \"\"citat\"\"\"\r\n2;enkel\r\n".as_bytes(),
    );
    let (h, rows) = read_all(&src);
    assert_eq!(h, vec!["id", "notes"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, 1);
    assert_eq!(rows[0].1[1], "rad ett\r\nrad två; \"citat\"");
    assert_eq!(rows[1].0, 2);
}

#[test]
fn windows_1252_is_decoded_and_sep_line_honoured() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = source(
        dir.path(),
        "b.csv",
        b"sep=|\nnamn|stad\n\xc5sa|G\xf6teborg\n",
    );
    let (h, rows) = read_all(&src);
    assert_eq!(h, vec!["namn", "stad"]);
    assert_eq!(rows[0].1, vec!["Åsa", "Göteborg"]);
}

#[test]
fn utf16_with_bom_is_decoded() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = "namn\tstad\nÅsa\tLund\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let src = source(dir.path(), "c.txt", &bytes);
    let (h, rows) = read_all(&src);
    assert_eq!(h, vec!["namn", "stad"]);
    assert_eq!(rows[0].1, vec!["Åsa", "Lund"]);
}
