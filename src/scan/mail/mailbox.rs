//! The mailbox walks: an mbox split on one thread and its messages scanned in
//! parallel batches, Maildir files and single messages; each message's result
//! merged in mailbox order into the file's result.

use super::*;

const BATCH_MESSAGES: usize = 256;
const BATCH_BYTES: usize = 4 * 1024 * 1024;

pub(in crate::scan) fn scan_mail(
    source: &Source,
    matcher: Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
) {
    let pool = matcher.0;
    let cap = opts.limits.max_findings_per_rule_and_file;
    let mut totals = MailboxState::new(source, opts, result);
    match source.kind {
        SourceKind::Maildir => {
            // A few hundred files at a time, so a huge Maildir stays in constant memory.
            let mut files = source.members.chunks(BATCH_MESSAGES);
            let scan_files = || {
                let files = files.next()?;
                if crate::interrupt::is_interrupted() {
                    return None;
                }
                Some(
                    files
                        .par_iter()
                        .map(|file| scan_message_file(file, source, pool, opts))
                        .collect::<Vec<_>>(),
                )
            };
            crate::scan::overlapped(None, scan_files, |outs| {
                for (out, n) in outs {
                    result.summary.messages += n;
                    absorb(result, &mut totals, out, cap);
                }
            });
        }
        SourceKind::Eml => match read_message_source(source, opts) {
            Ok((raw, truncated)) => {
                result.summary.messages = 1;
                if truncated {
                    result
                        .warnings
                        .push(truncated_warning(&source.display, opts));
                }
                let out =
                    pool.with(|m| scan_message(&raw, 1, &source.display, &source.display, m, opts));
                absorb(result, &mut totals, out, cap);
            }
            Err(e) => result.errors.push(SourceError::new(&source.display, e)),
        },
        _ => scan_mbox(source, pool, opts, result, &mut totals),
    }
    totals.finish(source, result);
}

impl MailboxState {
    /// The state for one mailbox, with the policy's per-message checks if any.
    pub(in crate::scan) fn new(
        source: &Source,
        opts: &ScanOptions,
        result: &mut FileResult,
    ) -> Self {
        let mut state = MailboxState::default();
        if let Some(p) = opts.policy_for(source) {
            let c = RecordChecker::for_mail(p, opts.as_of);
            for w in c.warnings() {
                result.warnings.push(SourceError::new(&source.display, w));
                state.pre_warnings += 1;
            }
            state.checker = Some(c).filter(RecordChecker::is_active);
        }
        state
    }

    /// Policy violations and the inventory of the whole mailbox.
    pub(in crate::scan) fn finish(mut self, source: &Source, result: &mut FileResult) {
        if let Some(range) = source.range {
            super::range::keep_state(range, &mut self, result);
        } else if let Some(c) = &self.checker {
            let outcomes = std::mem::take(&mut self.outcomes);
            result
                .violations
                .extend(record_violations(&source.display, c, outcomes));
        }
        self.totals
            .into_inventory(&source.display, &mut result.inventory);
        result.inventory.extend(self.attachments.into_values());
    }
}

/// One Maildir message file: its output and whether it was read (1) or not (0).
fn scan_message_file(
    file: &std::path::Path,
    source: &Source,
    pool: &crate::scan::MatcherPool,
    opts: &ScanOptions,
) -> (MessageOut, u64) {
    let path = display_path(file);
    match read_message_file(file, opts) {
        Ok((raw, truncated)) => {
            let mut out = pool.with(|m| scan_message(&raw, 1, &path, &source.display, m, opts));
            if truncated {
                out.warnings.push(truncated_warning(&path, opts));
            }
            (out, 1)
        }
        Err(e) => (error_out(SourceError::new(path, e)), 0),
    }
}

/// One message of an mbox.
fn scan_raw_message(
    raw: &RawMessage,
    source: &Source,
    pool: &crate::scan::MatcherPool,
    opts: &ScanOptions,
) -> MessageOut {
    let mut out = pool.with(|m| {
        scan_message(
            &raw.bytes,
            raw.number,
            &source.display,
            &source.display,
            m,
            opts,
        )
    });
    if raw.truncated {
        out.warnings.push(SourceError::new(
            &source.display,
            format!(
                "message {}: larger than {} bytes (--max-message-size); only the start was scanned",
                raw.number, opts.limits.max_message_bytes
            ),
        ));
    }
    out
}

pub(in crate::scan) fn error_out(e: SourceError) -> MessageOut {
    MessageOut {
        error: Some(e),
        ..error_out_empty()
    }
}

pub(super) fn error_out_empty() -> MessageOut {
    MessageOut {
        findings: Vec::new(),
        unlisted: BTreeMap::new(),
        fields: BTreeMap::new(),
        attachments: Vec::new(),
        warnings: Vec::new(),
        error: None,
        facts: None,
    }
}

/// The message file's bytes, and whether it was cut at `--max-message-size`.
fn read_message_file(
    path: &std::path::Path,
    opts: &ScanOptions,
) -> Result<(Vec<u8>, bool), String> {
    let gzip = path.extension().is_some_and(|e| e == "gz");
    let r =
        decode::open_input(path, gzip, &opts.limits).map_err(|e| format!("cannot open: {e}"))?;
    read_limited(r, opts)
}

/// An .eml source (a file, or an archive member) and whether it was cut.
fn read_message_source(source: &Source, opts: &ScanOptions) -> Result<(Vec<u8>, bool), String> {
    if source.input.is_none() {
        return read_message_file(&source.path, opts);
    }
    let r = source
        .open(&opts.limits)
        .map_err(|e| format!("cannot open: {e}"))?;
    read_limited(r, opts)
}

/// Up to `--max-message-size` bytes, and whether there was more.
fn read_limited(
    mut r: Box<dyn std::io::BufRead + Send>,
    opts: &ScanOptions,
) -> Result<(Vec<u8>, bool), String> {
    let mut raw = Vec::new();
    let max = opts.limits.max_message_bytes as u64;
    (&mut r)
        .take(max + 1)
        .read_to_end(&mut raw)
        .map_err(|e| format!("cannot read: {e}"))?;
    let truncated = raw.len() as u64 > max;
    if truncated {
        raw.truncate(max as usize);
    }
    Ok((raw, truncated))
}

/// The warning for a message file cut at the size limit.
fn truncated_warning(path: &str, opts: &ScanOptions) -> SourceError {
    SourceError::new(
        path,
        format!(
            "message 1: larger than {} bytes (--max-message-size); only the start was scanned",
            opts.limits.max_message_bytes
        ),
    )
}

// Over 80 lines: the batch pipeline for messages, mirroring `scan_csv`.
fn scan_mbox(
    source: &Source,
    pool: &crate::scan::MatcherPool,
    opts: &ScanOptions,
    result: &mut FileResult,
    totals: &mut MailboxState,
) {
    let cap = opts.limits.max_findings_per_rule_and_file;
    let (input, first) = match super::range::open_mbox(source, opts, totals) {
        Ok(r) => r,
        Err(e) => {
            result.errors.push(SourceError::new(
                &source.display,
                format!("cannot open: {e}"),
            ));
            return;
        }
    };
    let mut reader = MboxReader::new(input, opts.limits.max_message_bytes).numbered_from(first);
    // Reads up to a batch of messages; false at the end. An error item is recorded
    // and reading goes on: after text before the first `From ` line the messages
    // still follow, and after an I/O error the reader ends by itself.
    let mut last_number = 0;
    let mut read_batch = |batch: &mut Vec<RawMessage>, errors: &mut Vec<SourceError>| -> bool {
        batch.clear();
        let mut bytes = 0;
        while batch.len() < BATCH_MESSAGES && bytes < BATCH_BYTES {
            match reader.next() {
                None => return false,
                Some(Ok(m)) => {
                    bytes += m.bytes.len();
                    last_number = m.number;
                    batch.push(m);
                }
                Some(Err(e)) => {
                    let at = if last_number > 0 {
                        format!("after message {last_number}: ")
                    } else {
                        String::new()
                    };
                    errors.push(SourceError::new(&source.display, format!("{at}{e}")));
                }
            }
        }
        true
    };
    let mut batch = Vec::new();
    let mut next = Vec::new();
    let mut read_errors = Vec::new();
    let mut more = read_batch(&mut batch, &mut read_errors);
    result.errors.append(&mut read_errors);
    // Scan the current batch on all threads while the next one is read.
    let step = || {
        if batch.is_empty() || crate::interrupt::is_interrupted() {
            return None;
        }
        let mut errors = Vec::new();
        let (outs, read) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(|raw| scan_raw_message(raw, source, pool, opts))
                    .collect::<Vec<_>>()
            },
            || more.then(|| read_batch(&mut next, &mut errors)),
        );
        let messages = batch.len() as u64;
        more = read.unwrap_or(false);
        std::mem::swap(&mut batch, &mut next);
        next.clear();
        Some((outs, messages, errors))
    };
    crate::scan::overlapped(None, step, |(outs, messages, mut errors)| {
        result.summary.messages += messages;
        for out in outs {
            absorb(result, totals, out, cap);
        }
        // Errors reading the batch after this one.
        result.errors.append(&mut errors);
    });
    // A byte range of a split mbox may hold none: the merge says so of the file.
    if result.summary.messages == 0 && result.errors.is_empty() && source.range.is_none() {
        result
            .errors
            .push(SourceError::new(&source.display, "no messages found"));
    }
}
