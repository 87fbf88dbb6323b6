//! Mailboxes: an mbox is split on one thread and its messages parsed and scanned in
//! parallel batches; Maildir messages and .eml files are messages of their own.
//! Address headers go to the inventory; subject, body and text attachments are free
//! text, so every match there is a finding.
//!
//! This file scans one message; `mail/mailbox.rs` walks the mailboxes (mbox
//! batches, Maildir files, single messages) and merges their messages in order.

use super::char_cursor::CharCursor;
use super::{Matchers, ScanOptions, mail_meta};
use crate::audit::FileResult;
use crate::engine::Matcher;
use crate::finding::{InventoryEntry, MessageInfo};
use crate::model::{Category, Exposure, InventoryKind, Location, MailPart};
use crate::policy::{RecordChecker, RecordOutcomes, record_violations};
use crate::redact::mask;
use crate::source::mail::parse_message;
use crate::source::mbox::{MboxReader, RawMessage};
use crate::source::{MailMessage, Source, SourceError, SourceKind, decode, display_path};
use crate::store::EncodedFinding;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Read;

mod mailbox;
pub mod range;
use mailbox::error_out_empty;
pub(super) use mailbox::{error_out, scan_mail};

/// What one message contributed.
pub(super) struct MessageOut {
    findings: Vec<EncodedFinding>,
    /// Findings past the per-rule cap in their part, by rule: counted, never made.
    unlisted: BTreeMap<String, u64>,
    /// `header:<name>` or `field:<name>` → what its values held.
    fields: BTreeMap<String, FieldTally>,
    attachments: Vec<InventoryEntry>,
    warnings: Vec<SourceError>,
    error: Option<SourceError>,
    /// (number, Message-ID, Date) for the per-record policy checks.
    facts: Option<(u64, Option<String>, Option<i64>)>,
}

/// Inventory counts of one structured mail field (an address header, a contact
/// card's phone field): values per category, and values in all.
#[derive(Default)]
struct FieldTally {
    categories: BTreeMap<Category, u64>,
    values: u64,
}

impl FieldTally {
    fn add(&mut self, other: &FieldTally) {
        for (c, n) in &other.categories {
            *self.categories.entry(*c).or_default() += n;
        }
        self.values += other.values;
    }
}

/// What a mailbox accumulates over its messages, in message order.
#[derive(Default)]
pub(super) struct MailboxState {
    totals: AddressTotals,
    checker: Option<RecordChecker>,
    outcomes: RecordOutcomes,
    /// Unscanned attachments by name, summed as messages come (a large mailbox has
    /// as many PDF attachments as messages).
    attachments: BTreeMap<String, InventoryEntry>,
    /// Warnings about the whole mailbox, made before its messages are read.
    pre_warnings: usize,
    /// The bytes of the file read, when it is one byte range of a split mbox.
    span: Option<(u64, u64)>,
}

/// One message scanned alone, as a mailbox scan scans each of its messages: the
/// findings in its texts, or why it does not parse. What proves that a redacted
/// copy's messages still parse and hold nothing they should not.
pub fn scan_one_message(
    raw: &[u8],
    number: u64,
    path: &str,
    pool: &super::MatcherPool,
    opts: &ScanOptions,
) -> Result<Vec<crate::finding::Finding>, String> {
    let out = pool.with(|m| scan_message(raw, number, path, path, m, opts));
    if let Some(e) = out.error {
        return Err(e.message);
    }
    if let Some((rule, n)) = out.unlisted.iter().next() {
        return Err(format!(
            "message {number}: {n} findings of {rule} past --max-findings-per-rule, not listed"
        ));
    }
    let findings: Vec<_> = out
        .findings
        .iter()
        .filter_map(EncodedFinding::decode)
        .collect();
    if findings.len() != out.findings.len() {
        return Err(format!(
            "message {number}: a finding could not be read back"
        ));
    }
    Ok(findings)
}

// Over 80 lines: one message: addresses, attachments, texts and policy checks, each a short block.
fn scan_message(
    raw: &[u8],
    number: u64,
    path: &str,
    inventory_path: &str,
    matcher: &mut Matcher,
    opts: &ScanOptions,
) -> MessageOut {
    match parse_message(raw, number, &opts.limits) {
        Ok(m) => scan_parsed(&m, path, inventory_path, matcher, opts),
        Err(e) => error_out(SourceError::new(path, format!("message {number}: {e}"))),
    }
}

/// Scan a decoded message: its address headers and named fields are inventory,
/// its texts are free text. `path` is where findings point (a Maildir file, or
/// the mailbox), `inventory_path` the source the inventory is kept for.
pub(super) fn scan_parsed(
    msg: &MailMessage,
    path: &str,
    inventory_path: &str,
    matcher: &mut Matcher,
    opts: &ScanOptions,
) -> MessageOut {
    let number = msg.number;
    let mut out = error_out_empty();
    let at = match &msg.folder {
        Some(f) => format!("folder {f}, message {number}"),
        None => format!("message {number}"),
    };
    for w in &msg.warnings {
        out.warnings
            .push(SourceError::new(path, format!("{at}: {w}")));
    }
    for a in &msg.addresses {
        let e = out
            .fields
            .entry(MailPart::Header(a.header.clone()).label())
            .or_default();
        e.values += 1;
        if a.address.as_deref().is_some_and(|s| !s.is_empty()) {
            *e.categories.entry(Category::Email).or_default() += 1;
        }
        if a.name.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            *e.categories.entry(Category::PersonName).or_default() += 1;
        }
    }
    for f in &msg.fields {
        let e = out
            .fields
            .entry(MailPart::Field(f.name.clone()).label())
            .or_default();
        e.values += 1;
        *e.categories.entry(f.category).or_default() += 1;
    }
    // Metadata that reports print, as they may show it (masked).
    let shown_id = msg
        .message_id
        .as_deref()
        .map(|id| mail_meta::shown_message_id(matcher, id, opts));
    let mut shown_names: BTreeMap<&str, String> = BTreeMap::new();
    for att in &msg.attachments {
        if !shown_names.contains_key(att.name.as_str()) {
            let s = mail_meta::shown(matcher, &att.name, mail_meta::ATTACHMENT_NAME, opts);
            shown_names.insert(&att.name, s);
        }
    }
    let shown_label = |part: &MailPart| match part {
        MailPart::Attachment(name) => match shown_names.get(name.as_str()) {
            Some(s) => MailPart::Attachment(s.clone()).label(),
            None => part.label(),
        },
        _ => part.label(),
    };
    for att in msg.attachments.iter().filter(|a| !a.scanned) {
        out.attachments.push(InventoryEntry {
            path: inventory_path.to_string(),
            field: shown_label(&MailPart::Attachment(att.name.clone())),
            kind: InventoryKind::Attachment,
            categories: BTreeMap::new(),
            values: 1,
            content_type: Some(att.content_type.clone()),
            size: Some(att.size),
            decided_by: None,
        });
    }
    // A Maildir message without a Message-ID is known by its file name.
    // (Its path is printed in every finding's `path` already.)
    let id = shown_id.clone().or_else(|| {
        (path != inventory_path).then(|| path.rsplit('/').next().unwrap_or(path).to_string())
    });
    out.facts = Some((number, id, msg.date));
    let ctx = TextContext {
        msg,
        path,
        info: message_info(msg),
        message_id: shown_id,
    };
    let mut matches = Vec::new();
    for text in &msg.texts {
        let part = Part {
            context: &text.part.label(),
            shown: &shown_label(&text.part),
        };
        ctx.scan(
            &text.text,
            part,
            None,
            matcher,
            opts,
            &mut matches,
            &mut out,
        );
    }
    // The metadata is scanned too: the Message-ID's local part and each
    // attachment's name.
    let metadata = msg
        .message_id
        .iter()
        .map(|id| (mail_meta::MESSAGE_ID, mail_meta::message_id_local(id)))
        .chain(shown_names.keys().map(|n| (mail_meta::ATTACHMENT_NAME, *n)));
    for (label, text) in metadata {
        let part = Part {
            context: label,
            shown: label,
        };
        ctx.scan(text, part, None, matcher, opts, &mut matches, &mut out);
    }
    for f in &msg.fields {
        let label = MailPart::Field(f.name.clone()).label();
        let part = Part {
            context: &label,
            shown: &label,
        };
        ctx.scan(
            &f.text,
            part,
            Some(f.category),
            matcher,
            opts,
            &mut matches,
            &mut out,
        );
    }
    out
}

/// What every finding of one message shares.
struct TextContext<'m> {
    msg: &'m MailMessage,
    path: &'m str,
    info: MessageInfo,
    /// The Message-ID as reports show it (masked where it matched).
    message_id: Option<String>,
}

/// A part's label: as the matcher sees it (its name counts as context) and as
/// reports show it (an attachment's name masked where it matched).
#[derive(Clone, Copy)]
struct Part<'a> {
    context: &'a str,
    shown: &'a str,
}

impl TextContext<'_> {
    /// Scan one text of the message. In a field meant for `structured`, matches of
    /// that category are its inventory, not findings.
    #[allow(clippy::too_many_arguments)]
    fn scan(
        &self,
        text: &str,
        part: Part<'_>,
        structured: Option<Category>,
        matcher: &mut Matcher,
        opts: &ScanOptions,
        matches: &mut Vec<crate::engine::Match>,
        out: &mut MessageOut,
    ) {
        matcher.scan(text, part.context, matches);
        // Walk the text once, in match order, to turn byte offsets into line and
        // column-in-line; characters are counted from the previous match, so the
        // cost stays linear however many matches one long line holds.
        let mut line = 1usize;
        let mut line_start_chars = 0usize;
        let mut pos = 0usize;
        let mut chars = CharCursor::new(text);
        // The file lists the first `cap` findings of a rule: past that in one part,
        // a match is only counted (the cap bounds work, not only output).
        let mut made: BTreeMap<usize, usize> = BTreeMap::new();
        for m in matches.iter() {
            if !opts.maker.keeps(m) {
                continue;
            }
            let category = matcher.rules().rules[m.rule].category;
            if structured.is_some_and(|c| c == category && !c.is_special()) {
                continue;
            }
            let n = made.entry(m.rule).or_default();
            *n += 1;
            if *n > opts.limits.max_findings_per_rule_and_file {
                let id = &matcher.rules().rules[m.rule].id;
                match out.unlisted.get_mut(id) {
                    Some(k) => *k += 1,
                    None => {
                        out.unlisted.insert(id.clone(), 1);
                    }
                }
                continue;
            }
            let upto = &text.as_bytes()[pos..m.start];
            let breaks = memchr::memchr_iter(b'\n', upto).count();
            if breaks > 0 {
                line += breaks;
                let line_start = memchr::memrchr(b'\n', upto).map_or(0, |i| pos + i + 1);
                line_start_chars = chars.at(line_start);
            }
            pos = m.start;
            let (start, end) = chars.span(m.start, m.end);
            let (start, end) = (start - line_start_chars, end - line_start_chars);
            let loc = Location::Email {
                message: self.msg.number,
                message_id: self.message_id.clone(),
                folder: self.msg.folder.clone(),
                item: self.msg.item.map(String::from),
                part: part.shown.to_string(),
                line,
                start,
                end,
            };
            let value = &text[m.start..m.end];
            out.findings.push(EncodedFinding::new(opts.maker.make(
                matcher.rules(),
                m,
                value,
                self.path,
                loc,
                Some(self.info.clone()),
            )));
        }
    }
}

fn message_info(msg: &MailMessage) -> MessageInfo {
    let date = msg
        .date
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string());
    let from = msg
        .addresses
        .iter()
        .find(|a| a.header == "from")
        .and_then(|a| a.address.as_deref())
        .map(|a| mask(Category::Email, a));
    let subject = msg
        .subject
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| mask(Category::PersonName, s));
    MessageInfo {
        date,
        from,
        subject,
    }
}

/// Totals per mailbox for the inventory of address headers and named fields.
#[derive(Default)]
struct AddressTotals(BTreeMap<String, FieldTally>);

impl AddressTotals {
    fn add(&mut self, other: &BTreeMap<String, FieldTally>) {
        for (h, t) in other {
            match self.0.get_mut(h) {
                Some(e) => e.add(t),
                None => self.0.entry(h.clone()).or_default().add(t),
            }
        }
    }

    fn into_inventory(self, path: &str, out: &mut Vec<InventoryEntry>) {
        for (field, tally) in self.0 {
            out.push(InventoryEntry {
                path: path.to_string(),
                field,
                kind: InventoryKind::Structured,
                categories: tally.categories,
                values: tally.values,
                content_type: None,
                size: None,
                decided_by: None,
            });
        }
    }
}

pub(super) fn absorb(
    result: &mut FileResult,
    state: &mut MailboxState,
    out: MessageOut,
    cap: usize,
) {
    state.totals.add(&out.fields);
    if let (Some(c), Some((n, id, date))) = (&state.checker, &out.facts) {
        c.check_message(*n, id.as_deref(), *date, &mut state.outcomes);
    }
    for a in out.attachments {
        match state.attachments.get_mut(&a.field) {
            Some(e) => {
                e.values += a.values;
                if let (Some(x), Some(y)) = (e.size.as_mut(), a.size) {
                    *x += y;
                }
            }
            None => {
                state.attachments.insert(a.field.clone(), a);
            }
        }
    }
    result.warnings.extend(out.warnings);
    if let Some(e) = out.error {
        result.errors.push(e);
    }
    for f in out.findings {
        result.push_finding(f, Exposure::FreeText, cap);
    }
    for (rule, n) in out.unlisted {
        result.count_unlisted(&rule, n, cap);
    }
}
