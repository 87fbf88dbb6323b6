//! Outlook's own formats: `.msg` files (one message in an OLE compound file) and
//! `.pst`/`.ost` stores (MS-PST). Both hold items as MAPI property bags, read into
//! one model ([`item::OutlookItem`]) and decoded into the [`MailMessage`] the mail
//! scanner reads, so classification is the same as for any e-mail.
//!
//! [`MailMessage`]: crate::source::MailMessage

pub mod fields;
pub mod item;
pub mod msg;
pub mod props;
pub mod pst;
pub mod records;
pub mod rtf;

/// OLE compound file signature (.msg, but also .doc and .xls).
pub const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// PST/OST header magic (`!BDN`).
pub const PST_MAGIC: [u8; 4] = *b"!BDN";

/// What an Outlook file is by its first bytes; a compound file counts as a `.msg`
/// only when it holds message property streams (checked by [`msg::is_msg`]).
pub fn sniff(head: &[u8]) -> Option<OutlookFormat> {
    if head.starts_with(&PST_MAGIC) {
        Some(OutlookFormat::Pst)
    } else if head.starts_with(&CFB_MAGIC) {
        Some(OutlookFormat::Cfb)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlookFormat {
    Pst,
    /// A compound file: a `.msg` if [`msg::is_msg`] says so.
    Cfb,
}
