use super::*;

/// (path, value) of each field of each record.
type Fields = Vec<Vec<(String, String)>>;

fn read(text: &str, shape: JsonShape) -> (Vec<String>, Fields, JsonReader) {
    let mut r = JsonReader::new(
        Box::new(io::Cursor::new(text.as_bytes().to_vec())),
        "t.json",
        &Limits::default(),
        shape,
    );
    let mut out = Vec::new();
    let mut batch = Vec::new();
    loop {
        let more = r.read_batch(&mut batch, 2, 1 << 20).expect("batch");
        for rec in &batch {
            out.push(
                (0..rec.fields.len())
                    .map(|i| {
                        (
                            rec.path(i).expect("a JSON path"),
                            String::from_utf8_lossy(&rec.fields[i]).into_owned(),
                        )
                    })
                    .collect(),
            );
        }
        if !more {
            break;
        }
    }
    (r.headers.clone(), out, r)
}

#[test]
fn nested_fields_are_columns_by_path() {
    let (h, recs, _) = read(
        r#"[{"id": 1, "contact": {"emails": [{"value": "a@b.se"}, {"value": "c@d.se"}]}, "x": null},
           {"id": 2, "note": "hej"}, {"id": 3}]"#,
        JsonShape::Array,
    );
    assert_eq!(h, vec!["id", "contact.emails[].value", "note"]);
    assert_eq!(recs.len(), 3);
    assert_eq!(
        recs[0][2],
        ("contact.emails[1].value".into(), "c@d.se".into())
    );
    assert_eq!(recs[1][1], ("note".into(), "hej".into()));
}

#[test]
fn ndjson_lines_that_do_not_parse_are_listed_and_skipped() {
    let (_, recs, mut r) = read(
        "{\"a\": \"x\"}\n\nnot json\n{\"a\": \"y\"}\n",
        JsonShape::Lines,
    );
    assert_eq!(recs.len(), 2);
    let errors = r.take_errors();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("line 3: malformed JSON"),
        "{errors:?}"
    );
}

#[test]
fn json_records_on_the_record_model_name_fields_by_path() {
    use crate::source::record::{FieldName, RecordNumber, RecordReader};
    let mut r = JsonReader::new(
        Box::new(io::Cursor::new(
            br#"[{"a": {"b": ["x", "y"]}}, {"c": 1}]"#.to_vec(),
        )),
        "export.zip!/api/x.json",
        &Limits::default(),
        JsonShape::Array,
    );
    let first = r.next_record().expect("ok").expect("a record");
    assert_eq!(first.location.file, "export.zip");
    assert_eq!(first.location.member.as_deref(), Some("api/x.json"));
    assert_eq!(first.location.number, RecordNumber::Row(1));
    assert_eq!(first.fields[1].name, FieldName::JsonPath("a.b[1]".into()));
    assert_eq!(first.fields[1].text, "y");
    let second = r.next_record().expect("ok").expect("a record");
    assert_eq!(second.location.number, RecordNumber::Row(2));
    assert!(r.next_record().expect("ok").is_none());
}

#[test]
fn a_truncated_array_is_an_error_naming_the_record() {
    let mut r = JsonReader::new(
        Box::new(io::Cursor::new(b"[{\"a\": 1}, {\"a\": ".to_vec())),
        "t.json",
        &Limits::default(),
        JsonShape::Array,
    );
    let mut batch = Vec::new();
    let e = r.read_batch(&mut batch, 10, 1 << 20).unwrap_err();
    assert_eq!(batch.len(), 1);
    assert!(
        e.message.starts_with("record 2: unexpected end"),
        "{}",
        e.message
    );
}
