//! Mailboxes: a message is the person's own when they sent, received or were
//! copied on it (From, To, Cc, Bcc, Reply-To, Sender); their identifiers in a
//! subject, body or attachment are mentions.

use super::hits::{Content, RecordRef, Tagged};
use super::identity::IdKind;
use super::matcher::{How, TextHit};
use super::walk::{
    Engines, Found, PassOutput, SearchOptions, assign, char_span, make_hit, text_hits, with_matcher,
};
use crate::model::Location;
use crate::source::mail::parse_message;
use crate::source::mbox::MboxReader;
use crate::source::{Source, SourceError, decode, display_path};
use rayon::prelude::*;
use std::io::Read;

const BATCH_MESSAGES: usize = 256;

/// Search a Maildir folder; returns the number of messages read.
pub(super) fn search_maildir(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let mut n = 0;
    for files in source.members.chunks(BATCH_MESSAGES) {
        let outs: Vec<_> = files
            .par_iter()
            .map(|f| {
                let path = display_path(f);
                match read_file(f, &opts.limits) {
                    Ok((raw, cut)) => search_message(&raw, 1, cut, source, &path, engines, opts),
                    Err(e) => Err(SourceError::new(path, e)),
                }
            })
            .collect();
        n += absorb(outs, out);
    }
    n
}

/// Search one `.eml` file.
pub(super) fn search_eml(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let r = read_file(&source.path, &opts.limits)
        .map_err(|e| SourceError::new(&source.display, e))
        .and_then(|(raw, cut)| {
            search_message(&raw, 1, cut, source, &source.display, engines, opts)
        });
    absorb(vec![r], out)
}

/// A message's records for the requests, and what was odd about it.
pub(super) type MessageOut = Result<(Vec<Tagged>, Vec<SourceError>), SourceError>;

pub(super) fn absorb(outs: Vec<MessageOut>, out: &mut PassOutput) -> u64 {
    let mut n = 0;
    for o in outs {
        match o {
            Ok((t, warnings)) => {
                n += 1;
                out.records.extend(t);
                out.warnings.extend(warnings);
            }
            Err(e) => out.errors.push(e),
        }
    }
    n
}

/// Search an mbox, a batch of messages at a time.
pub(super) fn search_mbox(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let input = match decode::open_input(&source.path, source.gzip, &opts.limits) {
        Ok(r) => r,
        Err(e) => {
            out.errors.push(SourceError::new(
                &source.display,
                format!("cannot open: {e}"),
            ));
            return 0;
        }
    };
    let mut reader = MboxReader::new(input, opts.limits.max_message_bytes).peekable();
    let mut n = 0;
    while reader.peek().is_some() {
        let mut batch = Vec::new();
        for item in reader.by_ref().take(BATCH_MESSAGES) {
            match item {
                Ok(m) => batch.push(m),
                Err(e) => out.errors.push(SourceError::new(
                    &source.display,
                    format!("after message {n}: {e}"),
                )),
            }
        }
        let outs: Vec<_> = batch
            .par_iter()
            .map(|raw| {
                search_message(
                    &raw.bytes,
                    raw.number,
                    raw.truncated,
                    source,
                    &source.display,
                    engines,
                    opts,
                )
            })
            .collect();
        n += absorb(outs, out);
        if crate::interrupt::is_interrupted() {
            break;
        }
    }
    n
}

/// A message file's bytes, and whether it was cut at `--max-message-size`.
fn read_file(
    path: &std::path::Path,
    limits: &crate::source::Limits,
) -> Result<(Vec<u8>, bool), String> {
    let gzip = path.extension().is_some_and(|e| e == "gz");
    let r = decode::open_input(path, gzip, limits).map_err(|e| format!("cannot open: {e}"))?;
    let mut raw = Vec::new();
    let max = limits.max_message_bytes as u64;
    r.take(max + 1)
        .read_to_end(&mut raw)
        .map_err(|e| format!("cannot read: {e}"))?;
    let cut = raw.len() as u64 > max;
    raw.truncate(limits.max_message_bytes);
    Ok((raw, cut))
}

fn search_message(
    raw: &[u8],
    number: u64,
    truncated: bool,
    source: &Source,
    path: &str,
    engines: &Engines<'_>,
    opts: &SearchOptions,
) -> MessageOut {
    let msg = parse_message(raw, number, &opts.limits)
        .map_err(|e| SourceError::new(path, format!("message {number}: {e}")))?;
    let (tagged, mut warnings) = search_parsed(msg, number, source, path, engines, opts)?;
    if truncated {
        warnings.push(SourceError::new(
            path,
            format!(
                "message {number}: larger than {} bytes (--max-message-size); only the start was searched",
                opts.limits.max_message_bytes
            ),
        ));
    }
    Ok((tagged, warnings))
}

/// Search a decoded message (from any mail reader: MIME, .msg, .pst).
pub(super) fn search_parsed(
    msg: crate::source::MailMessage,
    number: u64,
    source: &Source,
    path: &str,
    engines: &Engines<'_>,
    opts: &SearchOptions,
) -> MessageOut {
    let index = engines.index;
    let warnings: Vec<SourceError> = msg
        .warnings
        .iter()
        .map(|w| SourceError::new(path, format!("message {number}: {w}")))
        .collect();
    // A Maildir message without a Message-ID is known by its file name.
    let message_id = msg
        .message_id
        .clone()
        .or_else(|| {
            (path != source.display).then(|| path.rsplit('/').next().unwrap_or(path).to_string())
        })
        .map(|id| {
            if opts.show_values {
                id
            } else {
                engines
                    .pool
                    .with(|m| crate::scan::masked_message_id(m, &id, |_| true))
            }
        });
    let mut found = Vec::new();
    let header_location = |part: String, value: &str| Location::Email {
        message: number,
        message_id: message_id.clone(),
        folder: msg.folder.clone(),
        item: msg.item.map(String::from),
        part,
        line: 1,
        start: 0,
        end: value.chars().count(),
    };
    for a in &msg.addresses {
        let part = format!("header:{}", a.header);
        let checks = [
            (IdKind::Email, a.address.as_deref()),
            (IdKind::Name, a.name.as_deref()),
        ];
        for (kind, value) in checks {
            let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            if let Some(ident) = index.lookup_value(kind, value) {
                let how = match kind {
                    IdKind::Name => How::Name,
                    _ if value == index.idents[ident].key => How::Exact,
                    _ => How::Normalised,
                };
                let loc = header_location(part.clone(), value);
                found.push(Found {
                    ident,
                    own: true,
                    hit: make_hit(index, ident, how, loc, value),
                });
            }
        }
    }
    with_matcher(engines, |m, scratch| {
        let mut hits: Vec<TextHit> = Vec::new();
        for t in &msg.texts {
            let part = t.part.label();
            index.find(&t.text, &part, m, scratch, &mut hits);
            let locate = |s: usize, e: usize| {
                let line_start = t.text[..s].rfind('\n').map_or(0, |i| i + 1);
                let line = t.text[..s].matches('\n').count() + 1;
                let (start, end) = char_span(&t.text[line_start..], s - line_start, e - line_start);
                Location::Email {
                    message: number,
                    message_id: message_id.clone(),
                    folder: msg.folder.clone(),
                    item: msg.item.map(String::from),
                    part: part.clone(),
                    line,
                    start,
                    end,
                }
            };
            text_hits(index, &t.text, &hits, |_| false, locate, &mut found);
        }
    });
    let date = msg
        .date
        .and_then(crate::policy::dates::date_of_unix)
        .map(|d| d.to_string());
    let record = RecordRef::Message {
        message: number,
        message_id: message_id.clone(),
        date,
    };
    let mut tagged = Vec::new();
    let content = || {
        opts.capture
            .then(|| Content::Message(Box::new(msg.clone())))
    };
    assign(
        index,
        found,
        &source.display,
        path,
        &record,
        content,
        &mut tagged,
    );
    Ok((tagged, warnings))
}
