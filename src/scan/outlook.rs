//! Outlook sources through the mail scanner: a `.msg` file is one message, as an
//! .eml is; a `.pst`/`.ost` store is read on a thread of its own (the reader's
//! objects cannot cross threads) and its items are decoded and scanned in parallel
//! batches, merged in store order, with a bounded queue between the two so memory
//! stays flat however large the store.

use super::mail::{MailboxState, absorb, error_out, scan_parsed};
use super::{FileResult, Matchers, ScanOptions};
use crate::source::outlook::item::{ItemKind, to_mail_message};
use crate::source::outlook::records::DEFAULT_CODE_PAGE;
use crate::source::outlook::{msg, pst};
use crate::source::{Source, SourceError};
use rayon::prelude::*;

/// Items per batch, and bytes of attachment data per batch.
const BATCH_ITEMS: usize = 128;
const BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Batches read ahead of the scan.
const QUEUE: usize = 2;

pub(super) fn scan_msg(
    source: &Source,
    matcher: Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
) {
    let cap = opts.limits.max_findings_per_rule_and_file;
    let mut state = MailboxState::new(source, opts, result);
    match msg::read_msg_file(&source.path, &opts.limits) {
        Ok(item) => {
            result.summary.messages = 1;
            count_item(result, item.kind());
            let m = to_mail_message(&item, 1, DEFAULT_CODE_PAGE, &opts.limits);
            let out = matcher
                .0
                .with(|mt| scan_parsed(&m, &source.display, &source.display, mt, opts));
            absorb(result, &mut state, out, cap);
        }
        Err(e) => result.errors.push(SourceError::new(&source.display, e)),
    }
    state.finish(source, result);
}

/// Count an item by kind for `summary.sources[].items`.
fn count_item(result: &mut FileResult, kind: ItemKind) {
    let label = kind.label().unwrap_or("mail");
    *result.summary.items.entry(label.to_string()).or_default() += 1;
}

pub(super) fn scan_pst(
    source: &Source,
    matcher: Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
) {
    let pool = matcher.0;
    let cap = opts.limits.max_findings_per_rule_and_file;
    let mut state = MailboxState::new(source, opts, result);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<pst::PstItem>>(QUEUE);
    let display = source.display.as_str();
    let outcome = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut batch = Vec::new();
            let mut bytes = 0usize;
            let mut alive = true;
            let info = pst::read_pst(&source.path, &opts.limits, &mut |it| {
                if crate::interrupt::is_interrupted() {
                    return false;
                }
                bytes += it.item.as_ref().map_or(0, item_bytes);
                batch.push(it);
                if batch.len() >= BATCH_ITEMS || bytes >= BATCH_BYTES {
                    bytes = 0;
                    alive = tx.send(std::mem::take(&mut batch)).is_ok();
                }
                alive
            });
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            info
        });
        for batch in rx {
            let outs: Vec<_> = batch
                .par_iter()
                .map(|it| match &it.item {
                    Ok(item) => {
                        let mut m =
                            to_mail_message(item, it.number, DEFAULT_CODE_PAGE, &opts.limits);
                        m.folder = Some(it.folder.clone());
                        (
                            Some(item.kind()),
                            pool.with(|mt| scan_parsed(&m, display, display, mt, opts)),
                        )
                    }
                    Err(e) => (
                        None,
                        error_out(SourceError::new(
                            display,
                            format!(
                                "folder {}, message {}: {e}",
                                folder_label(&it.folder),
                                it.number
                            ),
                        )),
                    ),
                })
                .collect();
            for (kind, out) in outs {
                if let Some(k) = kind {
                    result.summary.messages += 1;
                    count_item(result, k);
                }
                absorb(result, &mut state, out, cap);
            }
        }
        reader.join()
    });
    match outcome {
        Ok(Ok(info)) => {
            for e in info.errors {
                result.errors.push(SourceError::new(display, e));
            }
            for w in info.warnings {
                result.warnings.push(SourceError::new(display, w));
            }
        }
        Ok(Err(e)) => result.errors.push(SourceError::new(display, e)),
        Err(_) => result.errors.push(SourceError::new(
            display,
            "the store could not be read (internal error); scanning stopped",
        )),
    }
    state.finish(source, result);
}

fn folder_label(f: &str) -> &str {
    if f.is_empty() { "(top)" } else { f }
}

/// Rough size of an item in memory: its attachment data.
fn item_bytes(item: &crate::source::outlook::item::OutlookItem) -> usize {
    use crate::source::outlook::item::AttachmentData;
    item.attachments
        .iter()
        .map(|a| match &a.data {
            AttachmentData::Bytes(b) => b.len(),
            AttachmentData::Message(m) => item_bytes(m),
            AttachmentData::None => 0,
        })
        .sum::<usize>()
        + 4096
}
