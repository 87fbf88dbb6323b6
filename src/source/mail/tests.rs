//! MIME decoding: every path, odd real-world mail, and the corpus check.
//!
//! Over 500 lines: one test per odd kind of real-world mail; they are data more than code.
use super::*;

fn limits() -> Limits {
    Limits::default()
}

fn parse(raw: &str) -> MailMessage {
    parse_message(raw.as_bytes(), 1, &limits()).expect("parses")
}

fn text_of(m: &MailMessage, part: &MailPart) -> Option<String> {
    m.texts
        .iter()
        .find(|t| &t.part == part)
        .map(|t| t.text.clone())
}

fn body(m: &MailMessage) -> String {
    text_of(m, &MailPart::Body).unwrap_or_default()
}

#[test]
fn rfc2047_words_in_headers() {
    let m = parse(
        "From: =?iso-8859-1?Q?G=F6ran_=C5str=F6m?= <goran@example.se>\n\
         To: =?utf-8?B?w4VzYSBMaW5kYmVyZw==?= <asa@example.se>, \"Last, First\" <lf@example.se>\n\
         Cc: =?ISO-8859-1?B?SuRybg==?= <j@example.se>, Team: a@example.se, b@example.se;\n\
         Reply-To: =?utf-8?Q?Bj=C3=B6rn?= <bjorn@example.se>\n\
         Subject: =?utf-8?Q?Fr=C3=A5ga_om_order?= =?iso-8859-1?B?IGblcg==?=\n\
         Message-ID: <20211107.e9305032@example.se>\n\
         Date: Sun, 07 Nov 2021 01:32:45 +0100\n\
         \n\
         Hej\n",
    );
    assert_eq!(m.subject.as_deref(), Some("Fråga om order får"));
    assert_eq!(
        text_of(&m, &MailPart::Subject).as_deref(),
        Some("Fråga om order får")
    );
    assert_eq!(
        m.message_id.as_deref(),
        Some("<20211107.e9305032@example.se>")
    );
    assert_eq!(m.date, Some(1636245165));
    let got: Vec<(&str, Option<&str>, Option<&str>)> = m
        .addresses
        .iter()
        .map(|a| (a.header.as_str(), a.address.as_deref(), a.name.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("from", Some("goran@example.se"), Some("Göran Åström")),
            ("to", Some("asa@example.se"), Some("Åsa Lindberg")),
            ("to", Some("lf@example.se"), Some("Last, First")),
            ("cc", Some("j@example.se"), Some("Järn")),
            ("cc", Some("a@example.se"), None),
            ("cc", Some("b@example.se"), None),
            ("reply-to", Some("bjorn@example.se"), Some("Björn")),
        ]
    );
    assert_eq!(body(&m), "Hej\n");
    assert!(m.warnings.is_empty());
}

#[test]
fn quoted_printable_latin1_body() {
    let m = parse(
        "From: a@example.se\nSubject: qp\nContent-Type: text/plain; charset=iso-8859-1\n\
         Content-Transfer-Encoding: quoted-printable\n\n\
         H=E4lsningar fr=E5n G=F6teborg, bytt=\n nummer till 070-123 45 67.\n",
    );
    assert_eq!(
        body(&m),
        "Hälsningar från Göteborg, bytt nummer till 070-123 45 67.\n"
    );
}

#[test]
fn base64_body() {
    // "Pnr: 781221-8035\nPåminnelse"
    let m = parse(
        "From: a@example.se\nContent-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: base64\n\nUG5yOiA3ODEyMjEtODAzNQpQw6VtaW5uZWxzZQ==\n",
    );
    assert_eq!(body(&m), "Pnr: 781221-8035\nPåminnelse");
}

#[test]
fn alternative_reads_only_the_plain_part() {
    let m = parse(
        "From: a@example.se\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n\
         --b1\nContent-Type: text/plain; charset=utf-8\n\nPlain: ring 070-123 45 67\n\
         --b1\nContent-Type: text/html; charset=utf-8\n\n<p>HTML: ring 070-123 45 67</p>\n\
         --b1--\n",
    );
    assert_eq!(body(&m), "Plain: ring 070-123 45 67");
    assert!(m.attachments.is_empty());
    assert_eq!(m.texts.len(), 1);
}

#[test]
fn alternative_with_empty_plain_reads_html() {
    let m = parse(
        "From: a@example.se\nContent-Type: multipart/alternative; boundary=b1\n\n\
         --b1\nContent-Type: text/plain\n\n \n\
         --b1\nContent-Type: multipart/related; boundary=b2\n\n\
         --b2\nContent-Type: text/html\n\n<p>Only&nbsp;here</p>\n\
         --b2\nContent-Type: image/png\nContent-ID: <i1>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n\
         --b2--\n--b1--\n",
    );
    assert_eq!(body(&m), "Only here");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name, "unnamed-1");
    assert_eq!(m.attachments[0].content_type, "image/png");
    assert_eq!(m.attachments[0].size, 8);
    assert!(!m.attachments[0].scanned);
}

#[test]
fn html_only_message() {
    let m = parse(
        "From: a@example.se\nContent-Type: text/html; charset=utf-8\n\n\
         <html><head><style type=\"text/css\">p { color: red; }</style></head><body>\
         <p>Hej &Aring;sa,</p><p>Min adress &auml;r Lilla Nygatan 83,<br>\n756 44 Uppsala &amp; mejl &lt;a@b.se&gt;</p>\
         </body></html>\n",
    );
    assert_eq!(
        body(&m),
        "Hej Åsa,\nMin adress är Lilla Nygatan 83,\n756 44 Uppsala & mejl <a@b.se>"
    );
}

#[test]
fn mixed_with_csv_and_pdf_attachments() {
    let m = parse(
        "From: a@example.se\nSubject: lista\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n\
         --mix\nContent-Type: text/plain; charset=utf-8\n\nSe bifogad lista.\n\
         --mix\nContent-Type: text/csv; charset=iso-8859-1\n\
         Content-Disposition: attachment;\n filename*=utf-8''kundlista_%C3%A5r.csv\n\
         Content-Transfer-Encoding: quoted-printable\n\n\
         namn;telefon\nG=F6ran;070-123 45 67\n\
         --mix\nContent-Type: application/pdf; name=\"offert.pdf\"\n\
         Content-Disposition: attachment; filename=\"offert.pdf\"\n\
         Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcfsj6IK\n\
         --mix--\n",
    );
    assert_eq!(body(&m), "Se bifogad lista.");
    assert_eq!(m.attachments.len(), 2);
    let csv = &m.attachments[0];
    assert_eq!(csv.name, "kundlista_år.csv");
    assert_eq!(csv.content_type, "text/csv");
    assert_eq!(
        csv.size,
        "namn;telefon\nGöran;070-123 45 67".len() as u64 - 1
    ); // ö is one byte
    assert!(csv.scanned);
    assert_eq!(
        text_of(&m, &MailPart::Attachment("kundlista_år.csv".into())).as_deref(),
        Some("namn;telefon\nGöran;070-123 45 67")
    );
    let pdf = &m.attachments[1];
    assert_eq!(pdf.name, "offert.pdf");
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(pdf.size, 15);
    assert!(!pdf.scanned);
    assert!(text_of(&m, &MailPart::Attachment("offert.pdf".into())).is_none());
    assert!(m.has_attachments());
}

#[test]
fn attachment_names_and_text_types() {
    let m = parse(
        "From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n\
         --m\nContent-Type: application/vnd.ms-excel; name=\"=?utf-8?Q?l=C3=B6ner.csv?=\"\n\
         Content-Disposition: attachment\n\na;b\n\
         --m\nContent-Type: application/octet-stream\nContent-Disposition: attachment\n\n\x01bin\n\
         --m\nContent-Type: text/plain\nContent-Disposition: attachment\n\nno name\n\
         --m\nContent-Type: application/json\nContent-Disposition: attachment; filename=\"a.json\"\n\n{\"k\":1}\n\
         --m\nContent-Type: text/plain; name=\"notes.txt\"\n\nnamed inline text\n\
         --m--\n",
    );
    let names: Vec<(&str, bool)> = m
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.scanned))
        .collect();
    assert_eq!(
        names,
        vec![
            ("löner.csv", true),
            ("unnamed-1", false),
            ("unnamed-2", true),
            ("a.json", true),
            ("notes.txt", true)
        ]
    );
    assert!(text_of(&m, &MailPart::Body).is_none());
    assert_eq!(
        text_of(&m, &MailPart::Attachment("unnamed-2".into())).as_deref(),
        Some("no name")
    );
}

#[test]
fn text_attachment_without_charset_falls_back_to_windows_1252() {
    let mut raw = b"From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/csv\nContent-Disposition: attachment; filename=l.csv\n\n".to_vec();
    raw.extend_from_slice(b"J\xf6rg;M\xfcller \x96 HR;\x80 100\n--m--\n");
    let m = parse_message(&raw, 1, &limits()).unwrap();
    assert_eq!(
        text_of(&m, &MailPart::Attachment("l.csv".into())).as_deref(),
        Some("Jörg;Müller – HR;€ 100")
    );
    assert_eq!(m.attachments[0].size, 22);
}

#[test]
fn utf16_attachment_with_bom() {
    let mut raw = b"From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=u.csv\nContent-Transfer-Encoding: base64\n\n".to_vec();
    // UTF-16LE BOM + "å;1"
    raw.extend_from_slice(b"//7lADsAMQA=\n--m--\n");
    let m = parse_message(&raw, 1, &limits()).unwrap();
    assert_eq!(
        text_of(&m, &MailPart::Attachment("u.csv".into())).as_deref(),
        Some("å;1")
    );
}

#[test]
fn nested_message_is_an_attachment() {
    let m = parse(
        "From: a@example.se\nSubject: Fwd\nContent-Type: multipart/mixed; boundary=m\n\n\
         --m\nContent-Type: text/plain\n\nSee below.\n\
         --m\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"orig.eml\"\n\n\
         From: =?utf-8?Q?Bj=C3=B6rn?= <bjorn@example.se>\nSubject: original\n\
         Content-Type: multipart/mixed; boundary=n\n\n\
         --n\nContent-Type: text/plain\n\nPnr 781221-8035\n\
         --n\nContent-Type: text/csv\nContent-Disposition: attachment; filename=inner.csv\n\nx;y\n\
         --n--\n\
         --m--\n",
    );
    assert_eq!(body(&m), "See below.");
    let names: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["orig.eml", "inner.csv"]);
    assert_eq!(m.attachments[0].content_type, "message/rfc822");
    assert_eq!(
        text_of(&m, &MailPart::Attachment("orig.eml".into())).as_deref(),
        Some("From: Björn <bjorn@example.se>\nSubject: original\n\nPnr 781221-8035")
    );
    assert_eq!(
        text_of(&m, &MailPart::Attachment("inner.csv".into())).as_deref(),
        Some("x;y")
    );
}

#[test]
fn nested_messages_8bit_and_base64() {
    let raw = b"From: a@b.se\nContent-Type: multipart/mixed; boundary=m\n\n\
--m\nContent-Type: message/rfc822\n\n\
From: x@y.se\nSubject: inner\nContent-Type: multipart/mixed; boundary=n\n\n\
--n\nContent-Type: text/plain\n\nG\xf6ran inner\n\
--n\nContent-Type: text/csv\nContent-Disposition: attachment; filename=a.csv\n\nJ\xf6rg;1\n\
--n--\n\n\
--m\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n\
RnJvbTogcUByLnNlClN1YmplY3Q6IGI2NAoKS+VyZSBiNjQK\n--m--\n";
    let m = parse_message(raw, 1, &limits()).unwrap();
    let texts: Vec<(String, &str)> = m
        .texts
        .iter()
        .map(|t| (t.part.label(), t.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            (
                "attachment:unnamed-1".to_string(),
                "From: x@y.se\nSubject: inner\n\nG\u{f6}ran inner"
            ),
            ("attachment:a.csv".to_string(), "J\u{f6}rg;1"),
            (
                "attachment:unnamed-2".to_string(),
                "From: q@r.se\nSubject: b64\n\nK\u{e5}re b64\n"
            ),
        ]
    );
    let types: Vec<&str> = m
        .attachments
        .iter()
        .map(|a| a.content_type.as_str())
        .collect();
    assert_eq!(types, vec!["message/rfc822", "text/csv", "message/rfc822"]);
    assert_eq!(m.attachments[2].size, 36);
    assert!(m.warnings.is_empty());
}

#[test]
fn nesting_deeper_than_the_limit() {
    let mut s = String::from("From: a@example.se\nSubject: deep\n");
    for i in 0..1000 {
        s.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    s.push_str("Content-Type: text/plain\n\ndeep text\n");
    for i in (0..1000).rev() {
        s.push_str(&format!("--b{i}--\n"));
    }
    let m = parse(&s);
    assert!(body(&m).is_empty());
    assert_eq!(
        m.warnings,
        vec!["MIME nesting deeper than 32 levels (--max-mime-depth); deeper parts skipped"]
    );
    // Within the limit the text is read.
    let lim = Limits {
        max_mime_depth: 2000,
        ..limits()
    };
    let m = parse_message(s.as_bytes(), 1, &lim).unwrap();
    assert_eq!(body(&m), "deep text");
    assert!(m.warnings.is_empty());
}

#[test]
fn truncated_multipart_without_closing_boundary() {
    let m = parse(
        "From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n\
         --m\nContent-Type: text/plain\n\nfirst part\n\
         --m\nContent-Type: text/csv\nContent-Disposition: attachment; filename=k.csv\n\
         Content-Transfer-Encoding: base64\n\nYSxiCmMsZAo=\n",
    );
    assert_eq!(body(&m), "first part");
    assert_eq!(
        text_of(&m, &MailPart::Attachment("k.csv".into())).as_deref(),
        Some("a,b\nc,d\n")
    );
    assert!(m.warnings.iter().any(|w| w.contains("no closing boundary")));
    // Cut in the middle of the headers of a part.
    let m =
        parse("From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Ty");
    assert!(body(&m).len() < 20);
}

#[test]
fn broken_base64_is_read_as_is() {
    let m = parse(
        "From: a@example.se\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n\
         not base64 at all: 070-123 45 67 !!!\n",
    );
    assert!(body(&m).contains("070-123 45 67"));
    assert_eq!(m.warnings.len(), 1);
}

#[test]
fn unknown_charset() {
    let mut raw =
        b"From: a@example.se\nContent-Type: text/plain; charset=x-no-such-charset\n\n".to_vec();
    raw.extend_from_slice(b"G\xf6ran \xe5ker\n");
    let m = parse_message(&raw, 1, &limits()).unwrap();
    assert_eq!(body(&m), "Göran åker\n");
    // UTF-8 text under an unknown label stays UTF-8.
    let m = parse("From: a@example.se\nContent-Type: text/plain; charset=x-unknown\n\nGöran\n");
    assert_eq!(body(&m), "Göran\n");
    // Declared UTF-8 but Latin-1 bytes.
    let mut raw = b"From: a@example.se\nContent-Type: text/plain; charset=utf-8\n\n".to_vec();
    raw.extend_from_slice(b"G\xf6ran\n");
    let m = parse_message(&raw, 1, &limits()).unwrap();
    assert_eq!(body(&m), "Göran\n");
}

#[test]
fn eight_bit_raw_headers() {
    let mut raw = b"From: G\xf6ran \xc5str\xf6m <g@example.se>\nTo: =?utf-8?Q?Bj=C3=B6rn?= <b@example.se>\nSubject: R\xe4ksm\xf6rg\xe5s =?utf-8?Q?och_=C3=A5l?=\n\nbody\n".to_vec();
    let m = parse_message(&raw, 1, &limits()).unwrap();
    assert_eq!(m.subject.as_deref(), Some("Räksmörgås och ål"));
    assert_eq!(m.addresses[0].name.as_deref(), Some("Göran Åström"));
    assert_eq!(m.addresses[0].address.as_deref(), Some("g@example.se"));
    assert_eq!(m.addresses[1].name.as_deref(), Some("Björn"));
    // Raw UTF-8 headers.
    raw = "From: Göran <g@example.se>\nSubject: Räksmörgås\n\nbody\n"
        .as_bytes()
        .to_vec();
    let m = parse_message(&raw, 1, &limits()).unwrap();
    assert_eq!(m.subject.as_deref(), Some("Räksmörgås"));
    assert_eq!(m.addresses[0].name.as_deref(), Some("Göran"));
    // A raw 8-bit file name.
    let mut raw = b"From: a@b.se\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"l\xf6ner.csv\"\n\nx\n--m--\n".to_vec();
    let m = parse_message(&raw, 1, &limits()).unwrap();
    assert_eq!(m.attachments[0].name, "löner.csv");
    raw.clear();
}

#[test]
fn headers_only_message() {
    for raw in [
        "From: a@example.se\nSubject: only headers\n",
        "From: a@example.se\r\nSubject: x\r\n\r\n",
    ] {
        let m = parse(raw);
        assert!(m.subject.is_some());
        assert!(text_of(&m, &MailPart::Body).is_none());
        assert!(m.attachments.is_empty());
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    }
}

#[test]
fn empty_and_garbage_input() {
    assert_eq!(
        parse_message(b"", 1, &limits()).unwrap_err(),
        MailError::Empty
    );
    assert_eq!(
        parse_message(b" \r\n\n", 1, &limits()).unwrap_err(),
        MailError::Empty
    );
    for garbage in [
        &b"\x00\x01\x02 hello world\nthis is not mail\n"[..],
        b"hello world this is not mail",
        b"\xde\xad\xbe\xef:\n\nA",
        b"foo bar: baz\n\nbody\n",
    ] {
        assert_eq!(
            parse_message(garbage, 1, &limits()).unwrap_err(),
            MailError::NoHeaders
        );
    }
}

#[test]
fn crlf_message_gives_lf_text() {
    let m = parse(
        "From: a@example.se\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n--m\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=a.csv\r\n\r\na;b\r\nc;d\r\n--m--\r\n",
    );
    assert_eq!(body(&m), "line1\nline2");
    assert_eq!(
        text_of(&m, &MailPart::Attachment("a.csv".into())).as_deref(),
        Some("a;b\nc;d")
    );
}

#[test]
fn format_flowed_is_unwrapped() {
    let m = parse(
        "From: a@example.se\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n\
         Ring mig p\u{e5} 070-123 \n45 67 i morgon.\n \nFrom here\n> quoted and \n> wrapped\n-- \nAnna\n",
    );
    assert_eq!(
        body(&m),
        "Ring mig p\u{e5} 070-123 45 67 i morgon.\n\nFrom here\n> quoted and wrapped\n-- \nAnna\n"
    );
    let m = parse(
        "From: a@example.se\nContent-Type: text/plain; format=flowed; delsp=yes\n\nabc \ndef\n",
    );
    assert_eq!(body(&m), "abcdef\n");
}

#[test]
fn several_inline_parts_make_one_body() {
    let m = parse(
        "From: a@example.se\nContent-Type: multipart/mixed; boundary=m\n\n\
         --m\nContent-Type: text/plain\n\npart one\n\
         --m\nContent-Type: text/html\n\n<b>part</b> two\n\
         --m--\n",
    );
    assert_eq!(body(&m), "part one\npart two");
}

#[test]
fn long_parts_are_cut_with_a_warning() {
    let lim = Limits {
        max_field_bytes: 10,
        ..limits()
    };
    let m = parse_message(
        "From: a@example.se\nSubject: short\n\nåååååååååå\n".as_bytes(),
        1,
        &lim,
    )
    .unwrap();
    assert_eq!(body(&m), "ååååå");
    assert_eq!(
        m.warnings,
        vec!["part body: 21 bytes, only the first 10 scanned (--max-field-size)"]
    );
    assert!(!m.warnings[0].contains('å'));
}

#[test]
fn dates() {
    let m = parse("From: a@b.se\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n\nx");
    assert_eq!(m.date, Some(0));
    let m = parse("From: a@b.se\nDate: not a date\n\nx");
    assert_eq!(m.date, None);
    let m = parse("From: a@b.se\nDate: Mon, 15 Jan 2024 10:00:00 -0500\n\nx");
    assert_eq!(m.date, Some(1705330800));
}

/// A complex message exercising most paths; mutated below.
fn complex() -> Vec<u8> {
    let mut v = b"From: =?iso-8859-1?Q?G=F6ran?= <g@example.se>, Team: a@b.se, c@d.se;\n\
To: \"Last, First\" <lf@example.se>\nSubject: =?utf-8?B?w6XDpMO2?= =?iso-8859-1?Q?=E5?=\n\
Date: Sun, 07 Nov 2021 01:32:45 +0100\nMessage-ID: <x@y>\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\n\
Content-Type: multipart/alternative; boundary=\"alt\"\n\n--alt\n\
Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
H=E4lsningar, ring 070-123 45 67=\n fr=E5n G=F6teborg\n--alt\n\
Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n\
PHA+SMOkbHNuaW5nYXI8YnI+PC9wPg==\n--alt--\n--outer\n\
Content-Type: text/csv; charset=windows-1252\n\
Content-Disposition: attachment; filename*=utf-8''kundlista_%C3%A5r.csv\n\n\
namn;pnr\nJ\xf6rg;781221-8035\n--outer\n\
Content-Type: message/rfc822\n\nFrom: x@y.se\nSubject: inner\n\ninner body &amp; <b>x</b>\n--outer\n\
Content-Type: application/pdf; name=\"a.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n\
--outer--\n"
        .to_vec();
    v.extend_from_slice(b"\n");
    v
}

#[test]
fn complex_message() {
    let m = parse_message(&complex(), 7, &limits()).unwrap();
    assert_eq!(m.number, 7);
    assert_eq!(m.subject.as_deref(), Some("åäöå"));
    assert_eq!(body(&m), "Hälsningar, ring 070-123 45 67 från Göteborg");
    let names: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["kundlista_år.csv", "unnamed-1", "a.pdf"]);
    assert_eq!(
        text_of(&m, &MailPart::Attachment("kundlista_år.csv".into())).as_deref(),
        Some("namn;pnr\nJörg;781221-8035")
    );
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

thread_local! {
    static FUZZING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static PANIC_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Run `parse_inner` (no panic guard) and sort out panics: ours fail the test;
/// mail-parser's `debug_assert!`s (compiled out of release builds, where
/// `parse_message` also has its guard) are counted.
fn fuzz_one(raw: &[u8], lim: &Limits, dependency_panics: &mut usize) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if FUZZING.with(|f| f.get()) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                PANIC_AT.with(|p| *p.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
    FUZZING.with(|f| f.set(true));
    let result = std::panic::catch_unwind(|| parse_inner(raw, 1, lim));
    // The public entry point never panics.
    let _ = parse_message(raw, 1, lim);
    FUZZING.with(|f| f.set(false));
    if result.is_err() {
        let at = PANIC_AT.with(|p| p.borrow_mut().take()).unwrap_or_default();
        if cfg!(debug_assertions) && at.contains("mail-parser") {
            *dependency_panics += 1;
        } else {
            panic!("panic at {at} on input {:?}", String::from_utf8_lossy(raw));
        }
    }
}

/// Fuzz-like: truncations, mutations and random bytes never panic.
#[test]
fn never_panics_on_mutated_input() {
    let base = complex();
    let tight = Limits {
        max_field_bytes: 7,
        max_mime_depth: 3,
        ..limits()
    };
    let mut dep = 0;
    for cut_at in 0..base.len() {
        fuzz_one(&base[..cut_at], &limits(), &mut dep);
        fuzz_one(&base[..cut_at], &tight, &mut dep);
    }
    let tokens: [&[u8]; 14] = [
        b"--outer",
        b"--alt--",
        b"\n",
        b"\r\n",
        b"=?utf-8?Q?",
        b"?=",
        b"=",
        b"<",
        b"&#x",
        b";",
        b"\"",
        b"\xff\xc3",
        b"\nContent-Type: multipart/mixed; boundary=outer\n\n",
        b"filename*0*=utf-8''%C3",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let mut m = base.clone();
        for _ in 0..1 + rng.below(8) {
            let pos = rng.below(m.len() + 1);
            match rng.below(4) {
                0 => {
                    if pos < m.len() {
                        m[pos] = rng.next() as u8;
                    }
                }
                1 => {
                    let t = tokens[rng.below(tokens.len())];
                    m.splice(pos..pos, t.iter().copied());
                }
                2 => {
                    let end = (pos + rng.below(40)).min(m.len());
                    m.drain(pos..end);
                }
                _ => {
                    let end = (pos + rng.below(200)).min(m.len());
                    let chunk: Vec<u8> = m[pos..end].to_vec();
                    let at = rng.below(m.len() + 1);
                    m.splice(at..at, chunk);
                }
            }
        }
        fuzz_one(&m, &limits(), &mut dep);
        fuzz_one(&m, &tight, &mut dep);
    }
    for _ in 0..2000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        fuzz_one(&bytes, &limits(), &mut dep);
        let alphabet = b"ab:= \n-<>&;\"?Q";
        let text: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        fuzz_one(&text, &limits(), &mut dep);
    }
    eprintln!("mail-parser debug assertions hit: {dep}");
}

/// Checks the decoding against the synthetic corpus: run
/// `python3 /work/shared/corpus/gen_corpus.py /tmp/mc --scale 1`, then
/// `cargo test --lib source::mail::tests::corpus -- --ignored --nocapture`.
/// Every label value of a message part must occur in the decoded text of that part.
#[test]
#[ignore]
fn corpus() {
    use std::collections::HashMap;
    let root = std::path::Path::new("/tmp/mc");
    if !root.join("labels.jsonl").exists() {
        eprintln!("no corpus at /tmp/mc; skipped");
        return;
    }
    let lim = limits();
    // (path, message number) -> decoded message
    let mut messages: HashMap<(String, u64), MailMessage> = HashMap::new();
    let mut alternative: HashMap<(String, u64), bool> = HashMap::new();
    let mbox = std::fs::File::open(root.join("mail/inbox.mbox")).unwrap();
    let reader =
        super::super::mbox::MboxReader::new(std::io::BufReader::new(mbox), lim.max_message_bytes);
    let mut n = 0;
    for raw in reader {
        let raw = raw.unwrap();
        n += 1;
        assert_eq!(raw.number, n);
        assert!(!raw.truncated);
        let m = parse_message(&raw.bytes, raw.number, &lim)
            .unwrap_or_else(|e| panic!("mbox message {}: {e}", raw.number));
        assert!(
            m.warnings.is_empty(),
            "mbox message {}: {:?}",
            raw.number,
            m.warnings
        );
        let alt = memchr::memmem::find(&raw.bytes, b"multipart/alternative").is_some();
        alternative.insert(("mail/inbox.mbox".into(), raw.number), alt);
        messages.insert(("mail/inbox.mbox".into(), raw.number), m);
    }
    assert_eq!(n, 300, "messages in inbox.mbox");
    let mut files = Vec::new();
    for dir in ["mail/eml", "mail/maildir/cur", "mail/maildir/new"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            files.push(format!(
                "{dir}/{}",
                p.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    for f in &files {
        let raw = std::fs::read(root.join(f)).unwrap();
        let m = parse_message(&raw, 1, &lim).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(m.warnings.is_empty(), "{f}: {:?}", m.warnings);
        let alt = memchr::memmem::find(&raw, b"multipart/alternative").is_some();
        alternative.insert((f.clone(), 1), alt);
        messages.insert((f.clone(), 1), m);
    }
    eprintln!("parsed {} mbox messages and {} files", n, files.len());

    let labels = std::fs::read_to_string(root.join("labels.jsonl")).unwrap();
    // (path, message, part, value) -> labels
    let mut wanted: HashMap<(String, u64, String, String), usize> = HashMap::new();
    for line in labels.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["location"]["type"] != "email" {
            continue;
        }
        let key = (
            v["path"].as_str().unwrap().to_string(),
            v["location"]["message"].as_u64().unwrap(),
            v["location"]["part"].as_str().unwrap().to_string(),
            v["value"].as_str().unwrap().to_string(),
        );
        *wanted.entry(key).or_default() += 1;
    }
    let mut stats: HashMap<String, (usize, usize)> = HashMap::new();
    let mut extra_in_alternative = 0;
    let mut missing = Vec::new();
    for ((path, number, part, value), count) in &wanted {
        let m = messages
            .get(&(path.clone(), *number))
            .unwrap_or_else(|| panic!("no message {path} {number}"));
        let want = if part == "subject" {
            MailPart::Subject
        } else if part == "body" {
            MailPart::Body
        } else {
            MailPart::Attachment(part.strip_prefix("attachment:").unwrap().to_string())
        };
        let text: String = m
            .texts
            .iter()
            .filter(|t| t.part == want)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let found = text.matches(value.as_str()).count();
        let kind = part.split(':').next().unwrap().to_string();
        let e = stats.entry(kind).or_default();
        if found >= *count {
            e.0 += count;
        } else {
            e.0 += found;
            e.1 += count - found;
            missing.push(format!(
                "{path} #{number} {part}: {value:?} x{count}, found {found}"
            ));
        }
        if part == "body" && alternative[&(path.clone(), *number)] && found > *count {
            extra_in_alternative += 1;
        }
    }
    let mut kinds: Vec<_> = stats.into_iter().collect();
    kinds.sort();
    for (kind, (found, miss)) in &kinds {
        eprintln!("{kind}: {found} label values found, {miss} missing");
    }
    for m in missing.iter().take(20) {
        eprintln!("MISSING {m}");
    }
    eprintln!(
        "body values found more often than labelled in multipart/alternative messages: {extra_in_alternative}"
    );
    let names: usize = messages.values().map(|m| m.attachments.len()).sum();
    eprintln!("attachments listed: {names}");
    assert!(missing.is_empty(), "{} label values missing", missing.len());
    assert_eq!(extra_in_alternative, 0);
}
