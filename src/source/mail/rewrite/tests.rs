use super::*;
use crate::source::Limits;

/// Replace every occurrence of `needle` in every text with `[x]`.
fn replacing(needle: &'static str) -> impl FnMut(&MailPart, &str) -> Vec<PartEdit> {
    move |_, text| {
        text.match_indices(needle)
            .map(|(i, m)| PartEdit {
                start: i,
                end: i + m.len(),
                with: "[x]".into(),
            })
            .collect()
    }
}

fn texts(raw: &[u8]) -> Vec<String> {
    let m = parse_message(raw, 1, &Limits::default()).unwrap();
    m.texts.into_iter().map(|t| t.text).collect()
}

const PLAIN: &str = "From: Anna <anna@example.se>\nTo: b@example.se\nSubject: Ring 070-123 45 67\nMessage-ID: <1@x>\n\nHej, mitt nummer 070-123 45 67.\nMvh\n";

#[test]
fn a_plain_message_changes_only_in_the_spans() {
    let mut r = replacing("070-123 45 67");
    let out = rewrite_message(PLAIN.as_bytes(), &mut r).unwrap();
    let bytes = out.bytes.unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        PLAIN.replace("070-123 45 67", "[x]")
    );
    assert_eq!(out.signed, None);
}

#[test]
fn nothing_to_replace_is_no_copy() {
    let mut r = replacing("nowhere");
    assert!(
        rewrite_message(PLAIN.as_bytes(), &mut r)
            .unwrap()
            .bytes
            .is_none()
    );
}

#[test]
fn quoted_printable_and_base64_parts_are_re_encoded_in_their_charset() {
    let raw = "From: a@b.se\r\nSubject: =?ISO-8859-1?Q?J=F6rgen_19121212-1212?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BB\"\r\nDKIM-Signature: v=1\r\n\r\n--BB\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nJ=F6rgen har pnr 19121212-1212 och =E4r sjuk.\r\n--BB\r\nContent-Type: text/csv; charset=utf-8; name=\"k.csv\"\r\nContent-Disposition: attachment; filename=\"k.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\naWQscG5yCjEsMTkxMjEyMTItMTIxMgo=\r\n--BB--\r\n";
    let mut r = replacing("19121212-1212");
    let out = rewrite_message(raw.as_bytes(), &mut r).unwrap();
    assert_eq!(out.signed, Some("DKIM"));
    let bytes = out.bytes.unwrap();
    let s = String::from_utf8_lossy(&bytes);
    assert!(s.contains("--BB\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"), "{s}");
    assert!(
        s.contains("J=F6rgen har pnr [x] och =E4r sjuk.\r\n--BB"),
        "{s}"
    );
    let t = texts(&bytes);
    assert!(t.iter().any(|t| t.contains("Jörgen [x]")), "{t:?}");
    assert!(t.iter().any(|t| t == "id,pnr\n1,[x]\n"), "{t:?}");
    assert!(t.iter().all(|t| !t.contains("1912")), "{t:?}");
    assert!(s.ends_with("--BB--\r\n"));
}

#[test]
fn html_is_redacted_in_the_text_it_shows_not_in_its_tags() {
    let raw = "From: a@b.se\nContent-Type: text/html; charset=utf-8\n\n<p title=\"x\">Ring J&ouml;rgen p&aring; 070-123&nbsp;45 67</p>\n";
    let mut seen = String::new();
    let mut r = |_: &MailPart, text: &str| {
        seen = text.to_string();
        ["Jörgen", "070-123 45 67"]
            .iter()
            .filter_map(|n| {
                text.find(n).map(|i| PartEdit {
                    start: i,
                    end: i + n.len(),
                    with: "<x>".into(),
                })
            })
            .collect::<Vec<_>>()
    };
    let bytes = rewrite_message(raw.as_bytes(), &mut r)
        .unwrap()
        .bytes
        .unwrap();
    assert_eq!(seen, "Ring Jörgen på 070-123 45 67");
    let s = String::from_utf8(bytes).unwrap();
    assert_eq!(
        s,
        "From: a@b.se\nContent-Type: text/html; charset=utf-8\n\n<p title=\"x\">Ring &lt;x&gt; p&aring; &lt;x&gt;</p>\n"
    );
}

#[test]
fn an_attachment_name_with_data_is_renamed_in_both_headers() {
    let raw = "From: a@b.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nhej\n--m\nContent-Type: application/pdf; name=\"intyg 19121212-1212.pdf\"\nContent-Disposition: attachment; filename=\"intyg 19121212-1212.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--m--\n";
    let mut r = replacing("19121212-1212");
    let bytes = rewrite_message(raw.as_bytes(), &mut r)
        .unwrap()
        .bytes
        .unwrap();
    let s = String::from_utf8(bytes).unwrap();
    assert!(!s.contains("1912"), "{s}");
    assert!(
        s.contains("Content-Disposition: attachment;\n filename=\"intyg [x].pdf\"\n"),
        "{s}"
    );
    assert!(
        s.contains("Content-Type: application/pdf;\n name=\"intyg [x].pdf\"\n"),
        "{s}"
    );
    assert!(s.ends_with("\n\nJVBERi0=\n--m--\n"));
    let m = parse_message(s.as_bytes(), 1, &Limits::default()).unwrap();
    assert_eq!(m.attachments[0].name, "intyg [x].pdf");
}

#[test]
fn s_mime_is_noted() {
    let raw = "From: a@b.se\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\n\n--S\nContent-Type: text/plain\n\nring 070-123 45 67\n--S--\n";
    let mut r = replacing("070-123 45 67");
    let out = rewrite_message(raw.as_bytes(), &mut r).unwrap();
    assert_eq!(out.signed, Some("S/MIME"));
    assert!(out.bytes.is_some());
}

#[test]
fn a_free_text_header_is_redacted_and_structural_ones_are_not() {
    let raw = "From: a@b.se\nX-Personnummer: 19121212-1212\nX-Mailer: 19121212-1212\nSubject: hej\n\nbody\n";
    let mut r = replacing("19121212-1212");
    let bytes = rewrite_message(raw.as_bytes(), &mut r)
        .unwrap()
        .bytes
        .unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "From: a@b.se\nX-Personnummer: [x]\nX-Mailer: 19121212-1212\nSubject: hej\n\nbody\n"
    );
}
