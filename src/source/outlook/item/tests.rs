use super::*;
use crate::source::outlook::props::NameMap;

fn bag(props: &[(u16, PropValue)]) -> PropBag {
    let mut b = PropBag::default();
    for (id, v) in props {
        b.insert(*id, v.clone(), &NameMap::default());
    }
    b
}

fn s(v: &str) -> PropValue {
    PropValue::Unicode(v.into())
}

#[test]
fn a_mail_item_has_parties_subject_body_and_date() {
    let item = OutlookItem {
        props: bag(&[
            (tag::MESSAGE_CLASS, s("IPM.Note")),
            (tag::SUBJECT, s("\u{1}\u{4}RE: Offert")),
            (tag::BODY, s("Hej,\r\nmitt pnr är 19121212-1212")),
            (tag::SENT_REPRESENTING_NAME, s("Anna A")),
            (tag::SENT_REPRESENTING_ADDRESS, s("anna@example.se")),
            (tag::SENT_REPRESENTING_ADDRTYPE, s("SMTP")),
            (tag::SENDER_NAME, s("Anna A")),
            (tag::SENDER_ADDRESS, s("anna@example.se")),
            (tag::SENDER_ADDRTYPE, s("SMTP")),
            (tag::INTERNET_MESSAGE_ID, s("<abc@x>")),
            (
                tag::CLIENT_SUBMIT_TIME,
                PropValue::Time((1_700_000_000 + 11_644_473_600) * 10_000_000),
            ),
        ]),
        recipients: vec![
            bag(&[
                (tag::RECIPIENT_TYPE, PropValue::Int(1)),
                (tag::DISPLAY_NAME, s("Bo B")),
                (tag::EMAIL_ADDRESS, s("/O=EXCHANGE/CN=BO")),
                (tag::ADDRTYPE, s("EX")),
                (tag::SMTP_ADDRESS, s("bo@example.se")),
            ]),
            bag(&[
                (tag::RECIPIENT_TYPE, PropValue::Int(2)),
                (tag::EMAIL_ADDRESS, s("/O=EXCHANGE/CN=CE")),
                (tag::ADDRTYPE, s("EX")),
                (tag::DISPLAY_NAME, s("Ce C")),
            ]),
        ],
        ..Default::default()
    };
    let m = to_mail_message(&item, 3, 1252, &Limits::default());
    assert_eq!(m.number, 3);
    assert_eq!(m.subject.as_deref(), Some("RE: Offert"));
    assert_eq!(m.message_id.as_deref(), Some("<abc@x>"));
    assert_eq!(m.date, Some(1_700_000_000));
    assert_eq!(m.item, None);
    let parties: Vec<_> = m
        .addresses
        .iter()
        .map(|a| (a.header.as_str(), a.address.as_deref(), a.name.as_deref()))
        .collect();
    assert_eq!(
        parties,
        [
            ("from", Some("anna@example.se"), Some("Anna A")),
            ("to", Some("bo@example.se"), Some("Bo B")),
            ("cc", None, Some("Ce C")),
        ]
    );
    assert_eq!(m.texts[1].text, "Hej,\nmitt pnr är 19121212-1212");
}

#[test]
fn html_and_rtf_bodies_become_text() {
    let html = OutlookItem {
        props: bag(&[(
            tag::BODY_HTML,
            PropValue::Binary(b"<p>Ring <b>070-1234567</b></p>".to_vec()),
        )]),
        ..Default::default()
    };
    let m = to_mail_message(&html, 1, 1252, &Limits::default());
    assert_eq!(m.texts[0].text, "Ring 070-1234567");
    let packed = compressed_rtf::compress_rtf(r"{\rtf1\ansi Ring 070-7654321\par}").unwrap();
    let rtf = OutlookItem {
        props: bag(&[(tag::RTF_COMPRESSED, PropValue::Binary(packed))]),
        ..Default::default()
    };
    let m = to_mail_message(&rtf, 1, 1252, &Limits::default());
    assert_eq!(m.texts[0].text, "Ring 070-7654321");
}

#[test]
fn attachments_are_listed_text_ones_read_and_items_followed() {
    let inner = OutlookItem {
        props: bag(&[
            (tag::SUBJECT, s("Inner")),
            (tag::BODY, s("pnr 19121212-1212")),
        ]),
        attachments: vec![OutlookAttachment {
            props: bag(&[(tag::ATTACH_LONG_FILENAME, s("deep.csv"))]),
            data: AttachmentData::Bytes(b"a,b\n1,2\n".to_vec()),
        }],
        ..Default::default()
    };
    let item = OutlookItem {
        attachments: vec![
            OutlookAttachment {
                props: bag(&[(tag::ATTACH_LONG_FILENAME, s("bild.png"))]),
                data: AttachmentData::Bytes(vec![0x89, b'P', 0, 0]),
            },
            OutlookAttachment {
                props: bag(&[(tag::DISPLAY_NAME, s("Inner"))]),
                data: AttachmentData::Message(Box::new(inner)),
            },
        ],
        ..Default::default()
    };
    let m = to_mail_message(&item, 1, 1252, &Limits::default());
    let names: Vec<_> = m
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.scanned))
        .collect();
    assert_eq!(
        names,
        [("bild.png", false), ("Inner", true), ("deep.csv", true)]
    );
    let inner_text = &m
        .texts
        .iter()
        .find(|t| t.part == MailPart::Attachment("Inner".into()))
        .unwrap()
        .text;
    assert!(
        inner_text.contains("Subject: Inner\n\npnr 19121212-1212"),
        "{inner_text}"
    );
}

#[test]
fn message_classes_name_item_kinds() {
    assert_eq!(ItemKind::of_class("IPM.Contact"), ItemKind::Contact);
    assert_eq!(ItemKind::of_class("ipm.distlist"), ItemKind::DistList);
    assert_eq!(
        ItemKind::of_class("IPM.Appointment.Foo"),
        ItemKind::Appointment
    );
    assert_eq!(ItemKind::of_class("IPM.ContactX"), ItemKind::Mail);
    assert_eq!(ItemKind::of_class("IPM.Note"), ItemKind::Mail);
}
