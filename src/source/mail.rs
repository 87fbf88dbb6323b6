//! MIME decoding (placeholder until the mail reader lands).
use super::{Limits, MailMessage};

pub fn parse_message(_raw: &[u8], number: u64, _limits: &Limits) -> Result<MailMessage, String> {
    Ok(MailMessage {
        number,
        ..Default::default()
    })
}
