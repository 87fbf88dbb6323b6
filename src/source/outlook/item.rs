//! One Outlook item (mail, contact, appointment, distribution list, task, note) as
//! its properties, turned into the [`MailMessage`] the mail scanner reads: parties
//! (inventory), subject, body and text attachments (free text), named contact
//! fields (inventory by category). The same for .msg files and .pst stores.

use super::props::{PropBag, PropValue, lid, tag, value_text};
use super::rtf;
use crate::model::MailPart;
use crate::source::mail::{cut, decode_bytes, looks_binary, normalize_newlines, scan_as_text};
use crate::source::{AttachmentInfo, Limits, MailAddress, MailMessage, MailText};

/// An item as read from its container, before any decoding.
#[derive(Debug, Clone, Default)]
pub struct OutlookItem {
    pub props: PropBag,
    pub recipients: Vec<PropBag>,
    pub attachments: Vec<OutlookAttachment>,
    /// Problems met while reading it (no values).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OutlookAttachment {
    pub props: PropBag,
    pub data: AttachmentData,
}

#[derive(Debug, Clone)]
pub enum AttachmentData {
    /// Not read (a link, an OLE object, or larger than the limit).
    None,
    Bytes(Vec<u8>),
    /// An attached Outlook item (`afEmbeddedMessage`).
    Message(Box<OutlookItem>),
}

/// What kind of item a message class names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Mail,
    Contact,
    DistList,
    Appointment,
    Task,
    Note,
    Journal,
}

impl ItemKind {
    pub fn of_class(class: &str) -> ItemKind {
        let c = class.to_ascii_uppercase();
        let is = |p: &str| c == p || c.starts_with(&format!("{p}."));
        if is("IPM.CONTACT") {
            ItemKind::Contact
        } else if is("IPM.DISTLIST") {
            ItemKind::DistList
        } else if is("IPM.APPOINTMENT") {
            ItemKind::Appointment
        } else if is("IPM.TASK") {
            ItemKind::Task
        } else if is("IPM.STICKYNOTE") {
            ItemKind::Note
        } else if is("IPM.ACTIVITY") {
            ItemKind::Journal
        } else {
            ItemKind::Mail
        }
    }

    /// The name used in locations and the summary; `None` for mail.
    pub fn label(self) -> Option<&'static str> {
        match self {
            ItemKind::Mail => None,
            ItemKind::Contact => Some("contact"),
            ItemKind::DistList => Some("distribution_list"),
            ItemKind::Appointment => Some("appointment"),
            ItemKind::Task => Some("task"),
            ItemKind::Note => Some("note"),
            ItemKind::Journal => Some("journal"),
        }
    }
}

impl OutlookItem {
    /// The code page of this item's 8-bit strings.
    pub fn code_page(&self, fallback: u16) -> u16 {
        self.props.code_page(fallback)
    }

    pub fn kind(&self) -> ItemKind {
        ItemKind::of_class(
            &self
                .props
                .text(tag::MESSAGE_CLASS, 1252)
                .unwrap_or_default(),
        )
    }
}

/// Subject as stored in a PST may start with `\x01` and the length of a prefix
/// ("RE: "), which is not text.
fn clean_subject(s: String) -> String {
    let mut chars = s.chars();
    if chars.next() == Some('\u{1}') {
        chars.next();
        return chars.as_str().to_string();
    }
    s
}

/// Decode an item into the mail scanner's record. `fallback_cp` is the code page of
/// 8-bit strings when the item names none (the store's, or Windows-1252).
pub fn to_mail_message(
    item: &OutlookItem,
    number: u64,
    fallback_cp: u16,
    limits: &Limits,
) -> MailMessage {
    let cp = item.code_page(fallback_cp);
    let p = &item.props;
    let kind = item.kind();
    let mut msg = MailMessage {
        number,
        message_id: p
            .text(tag::INTERNET_MESSAGE_ID, cp)
            .map(|id| {
                let id = id.trim_matches(|c| c == '<' || c == '>').to_string();
                format!("<{id}>")
            })
            .filter(|id| id.len() > 2),
        date: [
            tag::CLIENT_SUBMIT_TIME,
            tag::DELIVERY_TIME,
            tag::LAST_MODIFICATION_TIME,
            tag::CREATION_TIME,
        ]
        .iter()
        .find_map(|&t| p.unix_time(t)),
        subject: p.text(tag::SUBJECT, cp).map(clean_subject),
        item: kind.label(),
        warnings: item.warnings.clone(),
        ..Default::default()
    };
    push_parties(item, cp, &mut msg.addresses);
    let mut warnings = Vec::new();
    if let Some(subject) = msg.subject.as_mut() {
        cut(subject, limits.max_field_bytes, "subject", &mut warnings);
        if !subject.is_empty() {
            msg.texts.push(MailText {
                part: MailPart::Subject,
                text: subject.clone(),
            });
        }
    }
    let mut body = body_text(p, cp, limits, &mut msg.warnings).unwrap_or_default();
    extra_text(item, kind, cp, &mut body);
    cut(&mut body, limits.max_field_bytes, "body", &mut warnings);
    if !body.trim().is_empty() {
        msg.texts.push(MailText {
            part: MailPart::Body,
            text: body,
        });
    }
    msg.fields = super::fields::record_fields(p, kind, cp);
    let mut walk = AttachmentWalk {
        limits,
        fallback_cp,
        unnamed: 0,
        msg: &mut msg,
    };
    walk.attachments(item, cp, 1);
    msg.warnings.extend(warnings);
    msg
}

/// From (the "sent representing" party, as Outlook shows it), Sender when it is
/// someone else, and the recipients by type.
fn push_parties(item: &OutlookItem, cp: u16, out: &mut Vec<MailAddress>) {
    let p = &item.props;
    let party = |name: u16, addr: u16, smtp: u16, addrtype: u16| {
        let address = p
            .text(smtp, cp)
            .or_else(|| smtp_like(p.text(addr, cp), p.text(addrtype, cp)));
        let name = p.text(name, cp);
        (address.is_some() || name.is_some()).then_some((address, name))
    };
    let from = party(
        tag::SENT_REPRESENTING_NAME,
        tag::SENT_REPRESENTING_ADDRESS,
        tag::SENT_REPRESENTING_SMTP_ADDRESS,
        tag::SENT_REPRESENTING_ADDRTYPE,
    );
    let sender = party(
        tag::SENDER_NAME,
        tag::SENDER_ADDRESS,
        tag::SENDER_SMTP_ADDRESS,
        tag::SENDER_ADDRTYPE,
    );
    let (from, sender) = match (from, sender) {
        (None, s) => (s, None),
        (Some(f), Some(s)) if f == s => (Some(f), None),
        (f, s) => (f, s),
    };
    for (header, party) in [("from", from), ("sender", sender)] {
        if let Some((address, name)) = party {
            out.push(MailAddress {
                header: header.into(),
                address,
                name,
            });
        }
    }
    for r in &item.recipients {
        let header = match r.int(tag::RECIPIENT_TYPE).map(|t| t & 0x0F) {
            Some(2) => "cc",
            Some(3) => "bcc",
            _ => "to",
        };
        let address = r
            .text(tag::SMTP_ADDRESS, cp)
            .or_else(|| smtp_like(r.text(tag::EMAIL_ADDRESS, cp), r.text(tag::ADDRTYPE, cp)));
        let name = r.text(tag::DISPLAY_NAME, cp);
        if address.is_some() || name.is_some() {
            out.push(MailAddress {
                header: header.into(),
                address,
                name,
            });
        }
    }
}

/// An address of type SMTP (or one that looks like one); Exchange X.500 names are
/// not e-mail addresses.
fn smtp_like(addr: Option<String>, addrtype: Option<String>) -> Option<String> {
    let addr = addr?;
    let smtp = addrtype.is_none_or(|t| t.eq_ignore_ascii_case("SMTP"));
    (smtp && addr.contains('@') && !addr.starts_with('/')).then_some(addr)
}

/// The body as text: the plain-text body, else the HTML body, else the RTF one
/// (one of them, as with `multipart/alternative`, so nothing is counted twice).
fn body_text(p: &PropBag, cp: u16, limits: &Limits, warnings: &mut Vec<String>) -> Option<String> {
    if let Some(t) = p.text(tag::BODY, cp) {
        return Some(normalize_newlines(t));
    }
    let html = match p.get(tag::BODY_HTML) {
        Some(PropValue::Binary(b)) => Some(super::props::decode_8bit(b, cp)),
        Some(v) => value_text(v, cp),
        None => None,
    };
    if let Some(h) = html.filter(|h| !h.trim().is_empty()) {
        return Some(crate::source::html::html_to_text(&h));
    }
    let packed = p.binary(tag::RTF_COMPRESSED)?;
    match rtf::decompress(packed, limits.max_field_bytes.saturating_mul(4)) {
        Ok(raw) => {
            let t = rtf::rtf_to_text(&raw, limits.max_field_bytes.saturating_add(1));
            Some(if t.html {
                crate::source::html::html_to_text(&t.text)
            } else {
                t.text
            })
        }
        Err(e) => {
            warnings.push(format!("RTF body not read: {e}"));
            None
        }
    }
}

/// Free text an item holds outside its body: an appointment's location and
/// attendee lists, a task's owner. Appended to the body, one a line.
fn extra_text(item: &OutlookItem, kind: ItemKind, cp: u16, body: &mut String) {
    let p = &item.props;
    let extra: &[(&str, super::props::Named)] = match kind {
        ItemKind::Appointment => &[
            ("Location", lid::LOCATION),
            ("To", lid::TO_ATTENDEES),
            ("Cc", lid::CC_ATTENDEES),
        ],
        ItemKind::Task => &[("Owner", lid::TASK_OWNER), ("Assigner", lid::TASK_ASSIGNER)],
        _ => &[],
    };
    for (label, n) in extra {
        if let Some(t) = p.named_text(*n, cp) {
            if !body.is_empty() && !body.ends_with('\n') {
                body.push('\n');
            }
            body.push_str(label);
            body.push_str(": ");
            body.push_str(&t);
        }
    }
}

/// Lists every attachment, reads text ones, and follows attached items (their text
/// becomes the attachment's text; their own attachments are listed too).
struct AttachmentWalk<'a> {
    limits: &'a Limits,
    fallback_cp: u16,
    unnamed: usize,
    msg: &'a mut MailMessage,
}

impl AttachmentWalk<'_> {
    fn attachments(&mut self, item: &OutlookItem, cp: u16, depth: usize) {
        for a in &item.attachments {
            let name = self.name(&a.props, cp);
            let mime = a
                .props
                .text(tag::ATTACH_MIME_TAG, cp)
                .map(|m| m.to_ascii_lowercase());
            match &a.data {
                AttachmentData::Message(inner) => {
                    self.embedded(name, inner, a, depth);
                }
                AttachmentData::Bytes(b) => {
                    let ctype = mime.unwrap_or_else(|| "application/octet-stream".into());
                    let (t, s) = ctype.split_once('/').unwrap_or((&ctype, ""));
                    let text = (scan_as_text(t, s, &name) && !looks_binary(b))
                        .then(|| normalize_newlines(decode_bytes(b, None)));
                    self.push(name, ctype, b.len() as u64, text);
                }
                AttachmentData::None => {
                    let size = a.props.int(tag::ATTACH_SIZE).unwrap_or(0).max(0) as u64;
                    let ctype = mime.unwrap_or_else(|| "application/octet-stream".into());
                    self.push(name, ctype, size, None);
                }
            }
        }
    }

    fn embedded(&mut self, name: String, inner: &OutlookItem, a: &OutlookAttachment, depth: usize) {
        let size = a.props.int(tag::ATTACH_SIZE).unwrap_or(0).max(0) as u64;
        if depth >= self.limits.max_mime_depth {
            self.msg.warnings.push(format!(
                "attached items nested deeper than {} levels (--max-mime-depth); deeper ones skipped",
                self.limits.max_mime_depth
            ));
            self.push(name, "application/vnd.ms-outlook".into(), size, None);
            return;
        }
        let nested = to_mail_message_shallow(inner, self.fallback_cp, self.limits);
        self.push(
            name,
            "application/vnd.ms-outlook".into(),
            size,
            Some(nested),
        );
        let cp = inner.code_page(self.fallback_cp);
        self.msg.warnings.extend(inner.warnings.iter().cloned());
        self.attachments(inner, cp, depth + 1);
    }

    fn push(&mut self, name: String, content_type: String, size: u64, text: Option<String>) {
        let mut text = text;
        if let Some(t) = text.as_mut() {
            if t.starts_with('\u{FEFF}') {
                t.drain(..'\u{FEFF}'.len_utf8());
            }
            let index = self.msg.attachments.len() + 1;
            cut(
                t,
                self.limits.max_field_bytes,
                &format!("attachment #{index}"),
                &mut self.msg.warnings,
            );
        }
        self.msg.attachments.push(AttachmentInfo {
            name: name.clone(),
            content_type,
            size,
            scanned: text.is_some(),
        });
        if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
            self.msg.texts.push(MailText {
                part: MailPart::Attachment(name),
                text: t,
            });
        }
    }

    fn name(&mut self, p: &PropBag, cp: u16) -> String {
        [
            tag::ATTACH_LONG_FILENAME,
            tag::ATTACH_FILENAME,
            tag::DISPLAY_NAME,
        ]
        .iter()
        .find_map(|&t| p.text(t, cp))
        .map(|n| n.replace(['\r', '\n', '\t'], " "))
        .unwrap_or_else(|| {
            self.unnamed += 1;
            format!("unnamed-{}", self.unnamed)
        })
    }
}

/// Text of an attached item: its parties and subject, one a line, then its body
/// (as for a `message/rfc822` attachment of an e-mail).
fn to_mail_message_shallow(item: &OutlookItem, fallback_cp: u16, limits: &Limits) -> String {
    let cp = item.code_page(fallback_cp);
    let mut parties = Vec::new();
    push_parties(item, cp, &mut parties);
    let mut s = String::new();
    for a in &parties {
        let label = match a.header.as_str() {
            "from" => "From",
            "sender" => "Sender",
            "cc" => "Cc",
            "bcc" => "Bcc",
            _ => "To",
        };
        let v = match (&a.name, &a.address) {
            (Some(n), Some(ad)) => format!("{n} <{ad}>"),
            (Some(n), None) => n.clone(),
            (None, Some(ad)) => ad.clone(),
            (None, None) => continue,
        };
        s.push_str(&format!("{label}: {v}\n"));
    }
    if let Some(subj) = item.props.text(tag::SUBJECT, cp).map(clean_subject) {
        s.push_str(&format!("Subject: {subj}\n"));
    }
    if !s.is_empty() {
        s.push('\n');
    }
    let mut warnings = Vec::new();
    if let Some(b) = body_text(&item.props, cp, limits, &mut warnings) {
        s.push_str(&b);
    }
    for f in super::fields::record_fields(&item.props, item.kind(), cp) {
        s.push_str(&format!("\n{}: {}", f.name, f.text));
    }
    s
}

#[cfg(test)]
mod tests;
