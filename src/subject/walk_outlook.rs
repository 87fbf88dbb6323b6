//! Outlook sources for subject searches: a `.msg` file is one message; a `.pst`
//! store is walked on this thread (its reader's objects cannot cross threads) and
//! its items searched in parallel batches, in store order.

use super::walk::{Engines, PassOutput, SearchOptions};
use super::walk_mail::{MessageOut, absorb, search_parsed};
use crate::source::outlook::item::to_mail_message;
use crate::source::outlook::records::DEFAULT_CODE_PAGE;
use crate::source::outlook::{msg, pst};
use crate::source::{Source, SourceError};
use rayon::prelude::*;

const BATCH_ITEMS: usize = 128;

/// Search one `.msg` file.
pub(super) fn search_msg(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let r = msg::read_msg_file(&source.path, &opts.limits)
        .map_err(|e| SourceError::new(&source.display, e))
        .and_then(|item| {
            let m = to_mail_message(&item, 1, DEFAULT_CODE_PAGE, &opts.limits);
            search_parsed(m, 1, source, &source.display, engines, opts)
        });
    absorb(vec![r], out)
}

/// Search a `.pst`/`.ost` store.
pub(super) fn search_pst(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let display = source.display.as_str();
    let mut n = 0;
    let mut batch: Vec<pst::PstItem> = Vec::new();
    let mut flush = |batch: &mut Vec<pst::PstItem>, out: &mut PassOutput| {
        let outs: Vec<MessageOut> = batch
            .par_iter()
            .map(|it| match &it.item {
                Ok(item) => {
                    let mut m = to_mail_message(item, it.number, DEFAULT_CODE_PAGE, &opts.limits);
                    m.folder = Some(it.folder.clone());
                    search_parsed(m, it.number, source, display, engines, opts)
                }
                Err(e) => Err(SourceError::new(
                    display,
                    format!("folder {}, message {}: {e}", it.folder, it.number),
                )),
            })
            .collect();
        batch.clear();
        n += absorb(outs, out);
    };
    let info = pst::read_pst(&source.path, &opts.limits, &mut |it| {
        batch.push(it);
        if batch.len() >= BATCH_ITEMS {
            flush(&mut batch, out);
        }
        !crate::interrupt::is_interrupted()
    });
    flush(&mut batch, out);
    match info {
        Ok(info) => {
            out.errors.extend(
                info.errors
                    .into_iter()
                    .map(|e| SourceError::new(display, e)),
            );
            out.warnings.extend(
                info.warnings
                    .into_iter()
                    .map(|w| SourceError::new(display, w)),
            );
        }
        Err(e) => out.errors.push(SourceError::new(display, e)),
    }
    n
}
