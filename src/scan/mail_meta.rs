//! Message metadata that is printed — the Message-ID, attachment file names, a
//! Maildir file name standing in for a missing Message-ID — can hold personal data
//! (`<19121212-1212.anna@example.se>`, `pnr 19121212-1212.pdf`). It is scanned like
//! a header, and wherever it is shown, what matched is masked (unless
//! `--show-values`). The date, masked sender and subject still find the message.

use super::ScanOptions;
use crate::engine::Matcher;
use crate::redact::mask;

/// The part label under which an attachment's file name is scanned.
pub(super) const ATTACHMENT_NAME: &str = "header:content-disposition";
/// The part label under which the Message-ID is scanned.
pub(super) const MESSAGE_ID: &str = "header:message-id";

/// `text` as reports may show it: every match the scan keeps replaced by its
/// masked form.
pub(super) fn shown(matcher: &mut Matcher, text: &str, field: &str, opts: &ScanOptions) -> String {
    shown_where(matcher, text, field, opts, |_| true)
}

/// [`shown`], masking only the matches `mask_it` selects.
pub(super) fn shown_where(
    matcher: &mut Matcher,
    text: &str,
    field: &str,
    opts: &ScanOptions,
    mask_it: impl Fn(&crate::engine::Match) -> bool,
) -> String {
    if opts.maker.show_values {
        return text.to_string();
    }
    masked_matches(matcher, text, field, |m| opts.maker.keeps(m) && mask_it(m))
}

/// `text` with the matches `keep` selects masked.
fn masked_matches(
    matcher: &mut Matcher,
    text: &str,
    field: &str,
    keep: impl Fn(&crate::engine::Match) -> bool,
) -> String {
    let mut matches = Vec::new();
    matcher.scan(text, field, &mut matches);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in matches.iter().filter(|m| keep(m)) {
        if m.start < at {
            continue;
        }
        out.push_str(&text[at..m.start]);
        let category = matcher.rules().rules[m.rule].category;
        out.push_str(&mask(category, &text[m.start..m.end]));
        at = m.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The part of a Message-ID that can hold personal data: what comes before its
/// `@domain`. The whole is shaped like an e-mail address, so scanning it whole
/// would report every message's Message-ID as one.
pub(super) fn message_id_local(id: &str) -> &str {
    id.rfind('@').map_or(id, |i| &id[..i])
}

/// A Message-ID as reports may show it. Its local part is scanned; when nothing
/// there matches it is shown as it is. When something does, what matched is
/// masked and so is the rest of the id — an address after the match
/// (`<19121212-1212.anna@example.se>`) would otherwise stay in clear — keeping
/// only the angle brackets, `@`, `.` and `-`: `<########-####.****@*******.**>`.
pub(super) fn shown_message_id(matcher: &mut Matcher, id: &str, opts: &ScanOptions) -> String {
    if opts.maker.show_values {
        return id.to_string();
    }
    masked_message_id(matcher, id, |m| opts.maker.keeps(m))
}

/// [`shown_message_id`] without a scan's options (a subject search masks every
/// match of its identifier rules).
pub(crate) fn masked_message_id(
    matcher: &mut Matcher,
    id: &str,
    keep: impl Fn(&crate::engine::Match) -> bool,
) -> String {
    let local = message_id_local(id);
    let masked = masked_matches(matcher, local, MESSAGE_ID, keep);
    if masked == local {
        return id.to_string();
    }
    let rest: String = id[local.len()..].chars().map(mask_id_char).collect();
    // The match kept its masked shape; what is left of the local part is hidden too.
    let local: String = masked
        .chars()
        .map(|c| if c == '#' { c } else { mask_id_char(c) })
        .collect();
    local + &rest
}

/// One character of a matched Message-ID outside the match: the brackets, `@`,
/// `.` and `-` stay, everything else becomes `*`.
fn mask_id_char(c: char) -> char {
    if matches!(c, '<' | '>' | '@' | '.' | '-') {
        c
    } else {
        '*'
    }
}
