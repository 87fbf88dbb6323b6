use super::*;
use crate::model::MailPart;
use crate::source::outlook::item::to_mail_message;
use std::io::{Cursor, Write};

/// A property to write: id, and a value.
pub(crate) enum W<'a> {
    Uni(&'a str),
    Ansi(&'a [u8]),
    Int(i32),
    Bin(&'a [u8]),
}

/// An attachment's properties, and an attached message if any.
pub(crate) type AttachmentW<'a> = (Vec<(u16, W<'a>)>, Option<MsgWriter<'a>>);

/// Write one message object (properties, recipients, attachments) into `cf` at
/// `storage`, as MS-OXMSG lays it out.
pub(crate) struct MsgWriter<'a> {
    pub props: Vec<(u16, W<'a>)>,
    pub recipients: Vec<Vec<(u16, W<'a>)>>,
    pub attachments: Vec<AttachmentW<'a>>,
}

impl MsgWriter<'_> {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        self.write(&mut cf, "", 32);
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    fn write(&self, cf: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, storage: &str, header: usize) {
        write_props(cf, storage, header, &self.props);
        for (i, r) in self.recipients.iter().enumerate() {
            let path = format!("{storage}/__recip_version1.0_#{i:08X}");
            cf.create_storage(&path).unwrap();
            write_props(cf, &path, 8, r);
        }
        for (i, (props, inner)) in self.attachments.iter().enumerate() {
            let path = format!("{storage}/__attach_version1.0_#{i:08X}");
            cf.create_storage(&path).unwrap();
            write_props(cf, &path, 8, props);
            if let Some(inner) = inner {
                let sub = format!("{path}/__substg1.0_3701000D");
                cf.create_storage(&sub).unwrap();
                inner.write(cf, &sub, 24);
            }
        }
    }
}

fn write_props(
    cf: &mut cfb::CompoundFile<Cursor<Vec<u8>>>,
    storage: &str,
    header: usize,
    props: &[(u16, W<'_>)],
) {
    let mut stream = vec![0u8; header];
    for (id, v) in props {
        let (ptype, data): (u16, Option<Vec<u8>>) = match v {
            W::Uni(s) => (
                0x001F,
                Some(
                    s.encode_utf16()
                        .chain([0])
                        .flat_map(u16::to_le_bytes)
                        .collect(),
                ),
            ),
            W::Ansi(b) => (0x001E, Some([*b, b"\0"].concat())),
            W::Bin(b) => (0x0102, Some(b.to_vec())),
            W::Int(_) => (0x0003, None),
        };
        stream.extend(ptype.to_le_bytes());
        stream.extend(id.to_le_bytes());
        stream.extend(6u32.to_le_bytes());
        match (v, &data) {
            (W::Int(i), _) => stream.extend(i64::from(*i).to_le_bytes()),
            (_, Some(d)) => {
                stream.extend((d.len() as u32).to_le_bytes());
                stream.extend(0u32.to_le_bytes());
                let name = format!("{storage}/__substg1.0_{id:04X}{ptype:04X}");
                cf.create_stream(&name).unwrap().write_all(d).unwrap();
            }
            _ => unreachable!(),
        }
    }
    cf.create_stream(format!("{storage}/{PROPS_STREAM}"))
        .unwrap()
        .write_all(&stream)
        .unwrap();
}

fn read(bytes: &[u8]) -> Result<OutlookItem, String> {
    read_msg(Cursor::new(bytes), &Limits::default())
}

fn sample<'a>(inner: Option<MsgWriter<'a>>) -> MsgWriter<'a> {
    MsgWriter {
        props: vec![
            (tag::MESSAGE_CLASS, W::Uni("IPM.Note")),
            (tag::SUBJECT, W::Uni("Kundlista")),
            (tag::BODY, W::Uni("Hej! Personnummer 19121212-1212.")),
            (tag::SENDER_NAME, W::Uni("Anna Andersson")),
            (tag::SENDER_ADDRESS, W::Uni("anna@example.se")),
            (tag::INTERNET_MESSAGE_ID, W::Uni("<m1@example.se>")),
        ],
        recipients: vec![vec![
            (tag::RECIPIENT_TYPE, W::Int(1)),
            (tag::DISPLAY_NAME, W::Uni("Bo Bäck")),
            (tag::SMTP_ADDRESS, W::Uni("bo@example.se")),
        ]],
        attachments: vec![
            (
                vec![
                    (tag::ATTACH_LONG_FILENAME, W::Uni("kunder.csv")),
                    (tag::ATTACH_METHOD, W::Int(1)),
                    (tag::ATTACH_DATA, W::Bin(b"namn;pnr\nEva;19121212-1212\n")),
                ],
                None,
            ),
            (
                vec![
                    (tag::ATTACH_LONG_FILENAME, W::Uni("bild.png")),
                    (tag::ATTACH_METHOD, W::Int(1)),
                    (tag::ATTACH_DATA, W::Bin(&[0x89, b'P', b'N', b'G', 0, 0, 0])),
                ],
                None,
            ),
        ]
        .into_iter()
        .chain(inner.map(|m| {
            (
                vec![
                    (tag::DISPLAY_NAME, W::Uni("Vidarebefordrat")),
                    (tag::ATTACH_METHOD, W::Int(5)),
                ],
                Some(m),
            )
        }))
        .collect(),
    }
}

#[test]
fn a_written_msg_reads_back_with_parties_body_and_attachments() {
    let bytes = sample(None).to_bytes();
    assert!(is_msg(Cursor::new(&bytes)));
    let item = read(&bytes).unwrap();
    let m = to_mail_message(&item, 1, 1252, &Limits::default());
    assert_eq!(m.subject.as_deref(), Some("Kundlista"));
    assert_eq!(m.message_id.as_deref(), Some("<m1@example.se>"));
    let parties: Vec<_> = m
        .addresses
        .iter()
        .map(|a| (a.header.as_str(), a.address.as_deref()))
        .collect();
    assert_eq!(
        parties,
        [
            ("from", Some("anna@example.se")),
            ("to", Some("bo@example.se"))
        ]
    );
    let body = m.texts.iter().find(|t| t.part == MailPart::Body).unwrap();
    assert_eq!(body.text, "Hej! Personnummer 19121212-1212.");
    let att: Vec<_> = m
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.scanned))
        .collect();
    assert_eq!(att, [("kunder.csv", true), ("bild.png", false)]);
    assert!(
        m.texts
            .iter()
            .any(|t| t.part == MailPart::Attachment("kunder.csv".into()) && t.text.contains("Eva"))
    );
}

#[test]
fn attached_messages_are_followed() {
    let inner = MsgWriter {
        props: vec![
            (tag::SUBJECT, W::Uni("Inre")),
            (tag::BODY, W::Uni("sjukskriven sedan måndag")),
        ],
        recipients: vec![],
        attachments: vec![],
    };
    let item = read(&sample(Some(inner)).to_bytes()).unwrap();
    let m = to_mail_message(&item, 1, 1252, &Limits::default());
    let t = m
        .texts
        .iter()
        .find(|t| t.part == MailPart::Attachment("Vidarebefordrat".into()))
        .expect("the attached message's text");
    assert!(
        t.text.contains("Subject: Inre") && t.text.contains("sjukskriven"),
        "{}",
        t.text
    );
}

#[test]
fn ansi_strings_use_the_message_code_page() {
    let w = MsgWriter {
        props: vec![
            (tag::MESSAGE_CODEPAGE, W::Int(1251)),
            (tag::SUBJECT, W::Ansi(b"\xcf\xf0\xe8\xe2\xe5\xf2")),
            (tag::BODY, W::Ansi(b"R\xe4ksm\xf6rg\xe5s")),
        ],
        recipients: vec![],
        attachments: vec![],
    };
    let item = read(&w.to_bytes()).unwrap();
    let m = to_mail_message(&item, 1, 1252, &Limits::default());
    assert_eq!(m.subject.as_deref(), Some("Привет"));
    // Windows-1251 reads these bytes as Cyrillic too: the code page is applied.
    assert_eq!(m.texts[1].text, "Rдksmцrgеs");
}

#[test]
fn broken_files_are_errors_not_panics() {
    let bytes = sample(None).to_bytes();
    for cut in [0, 8, 512, 1024, bytes.len() / 2, bytes.len() - 100] {
        let r = read(&bytes[..cut]);
        assert!(r.is_err() || cut > 1024, "cut at {cut}");
    }
    // Flipped bytes all over: whatever comes back, no panic escapes.
    let mut noisy = bytes.clone();
    for i in (600..noisy.len()).step_by(97) {
        noisy[i] ^= 0x5A;
    }
    let _ = read(&noisy);
    assert!(!is_msg(Cursor::new(b"not a compound file".to_vec())));
}

#[test]
fn the_stream_budget_bounds_what_is_read() {
    let big = "x".repeat(200_000);
    let w = MsgWriter {
        props: vec![(tag::BODY, W::Uni(&big))],
        recipients: vec![],
        attachments: vec![],
    };
    let limits = Limits {
        max_message_bytes: 100_000,
        ..Limits::default()
    };
    let item = read_msg(Cursor::new(w.to_bytes()), &limits).unwrap();
    assert!(item.props.get(tag::BODY).is_none());
    assert!(item.warnings[0].contains("--max-message-size"));
}

/// The shared fixtures, when they are beside the repository.
fn fixture(name: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/outlook")
        .join(name);
    if !p.exists() {
        eprintln!("note: {name} not found beside the repository; skipped");
    }
    p.exists().then_some(p)
}

#[test]
fn rtf_bodies_of_real_files_become_text() {
    let Some(p) = fixture("RtfWithShortRussianString.msg") else {
        return;
    };
    let mut item = read_msg_file(&p, &Limits::default()).unwrap();
    // Read the RTF body alone: drop the plain-text body Outlook saved beside it.
    let packed = item.props.binary(tag::RTF_COMPRESSED).unwrap().to_vec();
    let raw = crate::source::outlook::rtf::decompress(&packed, 1 << 24).unwrap();
    let text = crate::source::outlook::rtf::rtf_to_text(&raw, 1 << 24);
    let text = if text.html {
        crate::source::html::html_to_text(&text.text)
    } else {
        text.text
    };
    assert!(text.contains("Имя пользователя"), "{text}");
    item.props = {
        let mut b = PropBag::default();
        b.insert(
            tag::RTF_COMPRESSED,
            PropValue::Binary(packed),
            &NameMap::default(),
        );
        b
    };
    let m = to_mail_message(&item, 1, 1252, &Limits::default());
    assert!(m.texts[0].text.contains("Пароль"));
}
