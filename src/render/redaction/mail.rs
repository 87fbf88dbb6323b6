//! Mail copies. The messages the scan found something in are read again, their
//! subject and text parts matched with the scan's rules, and what the selection
//! wants replaced is replaced in place (see [`rewrite_message`]); every other
//! message is copied byte for byte. An mbox stays an mbox (its `From ` lines and
//! quoting kept), a Maildir keeps its file names, an .eml stays an .eml.

use super::copies::{CopyError, CopyJob, CopyOutcome, read_message, write_file};
use super::{Change, ChangeKind, RedactOptions, SourcePlan};
use crate::classify::FindingMaker;
use crate::model::{Location, MailPart};
use crate::scan::MatcherPool;
use crate::source::mail::rewrite::{PartEdit, Rewritten, rewrite_message};
use crate::source::mbox::writer::{MessageFate, rewrite_mbox};
use crate::source::mbox::{MboxReader, RawMessage};
use crate::source::record::WriteCounts;
use crate::source::{Limits, SourceKind, display_path};
use rayon::prelude::*;
use std::io::{self, Write};

/// What redacting a message's text needs: the scan's matchers and finding maker,
/// and the config's allowlist.
pub struct MailRedactor<'a> {
    pub pool: &'a MatcherPool,
    pub maker: &'a FindingMaker,
    pub allowlist: &'a [crate::policy::AllowEntry],
    /// Checks each redacted message as it is written (the incremental proof).
    pub prover: Option<&'a super::proof::Prover<'a>>,
}

/// One message redacted: its new bytes (if changed), what changed, and notes.
struct MessageResult {
    rewritten: Rewritten,
    changes: Vec<Change>,
    error: Option<String>,
}

impl MailRedactor<'_> {
    /// Replace what the selection wants in a message: the scan's findings found
    /// again by place when they all are (see [`super::by_place`]), else every
    /// text matched again.
    fn message(
        &self,
        raw: &[u8],
        path: &str,
        number: u64,
        plan: &SourcePlan,
        opts: &RedactOptions,
    ) -> MessageResult {
        let key = (path.to_string(), number);
        if !plan.mentions.contains_key(&key)
            && let Some(known) = plan.messages.get(&key)
            && !known.is_empty()
            && known.iter().all(|k| k.placed)
            && let Some((rewritten, changes)) =
                super::by_place::rewrite_by_place(raw, path, number, known, self, opts)
        {
            return MessageResult {
                rewritten,
                changes,
                error: None,
            };
        }
        self.matched(raw, path, number, plan, opts)
    }

    /// Match every text of a message and replace what the selection wants.
    fn matched(
        &self,
        raw: &[u8],
        path: &str,
        number: u64,
        plan: &SourcePlan,
        opts: &RedactOptions,
    ) -> MessageResult {
        let key = (path.to_string(), number);
        let asked = Asked {
            findings: plan.messages.contains_key(&key),
            mentioned: plan.mentions.get(&key),
        };
        let mut changes = Vec::new();
        let mut redact = |part: &MailPart, text: &str| -> Vec<PartEdit> {
            self.match_text(part, text, path, number, &asked, opts, &mut changes)
        };
        match rewrite_message(raw, &mut redact) {
            Ok(rewritten) => MessageResult {
                rewritten,
                changes,
                error: None,
            },
            Err(e) => MessageResult {
                rewritten: Rewritten::default(),
                changes: Vec::new(),
                error: Some(format!("message {number}: {e}")),
            },
        }
    }

    /// The edits of one text of a message, its matches chosen as `asked` says.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn match_text(
        &self,
        part: &MailPart,
        text: &str,
        path: &str,
        number: u64,
        asked: &Asked<'_>,
        opts: &RedactOptions,
        changes: &mut Vec<Change>,
    ) -> Vec<PartEdit> {
        let allow = crate::suppress::Allowlist::new(self.allowlist);
        let label = part.label();
        let mut edits: Vec<PartEdit> = Vec::new();
        self.pool.with(|matcher| {
            let mut matches = Vec::new();
            matcher.scan(text, &label, &mut matches);
            for m in matches.iter().filter(|m| self.maker.keeps(m)) {
                let loc = Location::Email {
                    message: number,
                    message_id: None,
                    folder: None,
                    item: None,
                    part: label.clone(),
                    line: 0,
                    start: m.start,
                    end: m.end,
                };
                let value = &text[m.start..m.end];
                let f = self.maker.make(matcher.rules(), m, value, path, loc, None);
                let wanted = asked.findings && opts.selection.wants(&f) && !allow.allows(&f);
                if !wanted && !asked.mentioned.is_some_and(|c| c.contains(&f.category)) {
                    continue;
                }
                edits.push(PartEdit {
                    start: m.start,
                    end: m.end,
                    with: opts.replacement(f.category, &f.redacted),
                });
                changes.push(Change {
                    path: path.to_string(),
                    record: number,
                    field: label.clone(),
                    action: ChangeKind::Replaced,
                    rule: Some(f.rule),
                    category: Some(f.category),
                    masked: Some(f.redacted),
                });
            }
        });
        merge_edits(edits)
    }
}

/// What is replaced in a message: the selection's findings (when the scan found
/// some there), and every identifier of the categories an erasure plan names.
pub(super) struct Asked<'p> {
    pub findings: bool,
    pub mentioned: Option<&'p std::collections::BTreeSet<crate::model::Category>>,
}

/// Edits in order of place, overlapping ones joined (two rules matched one span).
pub(super) fn merge_edits(mut edits: Vec<PartEdit>) -> Vec<PartEdit> {
    edits.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let mut merged: Vec<PartEdit> = Vec::with_capacity(edits.len());
    for e in edits {
        match merged.last_mut() {
            Some(last) if e.start < last.end => last.end = last.end.max(e.end),
            _ => merged.push(e),
        }
    }
    merged
}

/// Fold one message's result into the outcome; its fate in the copy.
fn settle(r: MessageResult, number: u64, out: &mut CopyOutcome) -> MessageFate {
    if let Some(e) = r.error {
        out.errors.push(e);
        return MessageFate::Keep;
    }
    for s in &r.rewritten.skipped {
        out.errors.push(format!("message {number}: {s}"));
    }
    match r.rewritten.bytes {
        Some(bytes) => {
            if let Some(sig) = r.rewritten.signed {
                out.notes.push(format!(
                    "message {number} was signed ({sig}); the redacted copy no longer verifies"
                ));
            }
            out.changes.extend(r.changes);
            MessageFate::Replace(bytes)
        }
        None => MessageFate::Keep,
    }
}

/// A planned message's fate in an mbox copy, its result folded into `notes`.
fn fate(
    m: &RawMessage,
    r: Option<MessageResult>,
    dropped: bool,
    notes: &mut CopyOutcome,
) -> MessageFate {
    match r {
        _ if dropped => MessageFate::Drop,
        None => MessageFate::Keep,
        Some(_) if m.truncated => {
            notes.errors.push(format!(
                "message {}: larger than --max-message-size; copied unchanged, not redacted",
                m.number
            ));
            MessageFate::Keep
        }
        Some(r) => settle(r, m.number, notes),
    }
}

pub(super) fn copy_mail(
    job: &CopyJob<'_>,
    plan: &SourcePlan,
    opts: &RedactOptions,
    limits: &Limits,
    mail: &MailRedactor<'_>,
    dry_run: bool,
    out: &mut CopyOutcome,
) -> Result<(), String> {
    out.changes.extend(plan.changes.iter().cloned());
    out.proof.checked = mail.prover.is_some();
    match job.source.kind {
        SourceKind::Mbox => copy_mbox(job, plan, opts, limits, mail, dry_run, out),
        SourceKind::Eml => {
            let path = job.source.display.clone();
            let counts = copy_file(
                &job.source.path,
                &path,
                &job.target,
                plan,
                opts,
                limits,
                mail,
                dry_run,
                out,
            )?;
            out.counts = counts;
            Ok(())
        }
        _ => {
            if plan.records.values().any(|e| e.drop) {
                out.errors.push(
                    "expired Maildir messages are not dropped (their numbers do not name one file); copied".into(),
                );
            }
            if !dry_run {
                for sub in ["cur", "new", "tmp"] {
                    super::copies::private_dirs(&job.target.join(sub)).map_err(|e| {
                        format!("cannot create {}: {e}", job.target.join(sub).display())
                    })?;
                }
            }
            // The message files are copied in parallel, their outcomes folded in
            // their order.
            let copied: Vec<Result<(WriteCounts, CopyOutcome), String>> = job
                .source
                .members
                .par_iter()
                .map(|member| {
                    if crate::interrupt::is_interrupted() {
                        return Err("interrupted; not all messages written".into());
                    }
                    let rel = member.strip_prefix(&job.source.path).unwrap_or(member);
                    let path = display_path(member);
                    let mut one = CopyOutcome {
                        source: out.source.clone(),
                        ..Default::default()
                    };
                    let c = copy_file(
                        member,
                        &path,
                        &job.target.join(rel),
                        plan,
                        opts,
                        limits,
                        mail,
                        dry_run,
                        &mut one,
                    )?;
                    Ok((c, one))
                })
                .collect();
            let mut total = WriteCounts::default();
            for r in copied {
                let (c, mut one) = r?;
                total.records_in += c.records_in;
                total.records_out += c.records_out;
                total.changed += c.changed;
                total.dropped += c.dropped;
                out.changes.append(&mut one.changes);
                out.errors.append(&mut one.errors);
                out.notes.append(&mut one.notes);
                out.proof.remaining.append(&mut one.proof.remaining);
                out.proof.errors.append(&mut one.proof.errors);
            }
            out.counts = total;
            Ok(())
        }
    }
}

/// One message file (an .eml or a Maildir message).
#[allow(clippy::too_many_arguments)]
fn copy_file(
    file: &std::path::Path,
    path: &str,
    target: &std::path::Path,
    plan: &SourcePlan,
    opts: &RedactOptions,
    limits: &Limits,
    mail: &MailRedactor<'_>,
    dry_run: bool,
    out: &mut CopyOutcome,
) -> Result<WriteCounts, String> {
    let raw = read_message(file, limits).map_err(|e| format!("{path}: {e}"))?;
    if plan.records.get(&1).is_some_and(|e| e.drop) && path == out.source {
        // An expired .eml: counted, not copied.
        return Ok(WriteCounts {
            records_in: 1,
            dropped: 1,
            ..Default::default()
        });
    }
    let mut counts = WriteCounts {
        records_in: 1,
        records_out: 1,
        ..Default::default()
    };
    if plan.dropped.contains(&(path.to_string(), 1)) {
        return Ok(WriteCounts {
            records_in: 1,
            dropped: 1,
            ..Default::default()
        });
    }
    let key = (path.to_string(), 1);
    let planned = plan.messages.contains_key(&key) || plan.mentions.contains_key(&key);
    let fate = if planned {
        settle(mail.message(&raw, path, 1, plan, opts), 1, out)
    } else {
        MessageFate::Keep
    };
    let bytes = match &fate {
        MessageFate::Replace(b) => {
            counts.changed = 1;
            b.as_slice()
        }
        _ => raw.as_slice(),
    };
    if let (true, Some(p)) = (planned, mail.prover) {
        p.message(bytes, 1, &display_path(target), &mut out.proof);
    }
    if !dry_run {
        write_file(target, false, |w| {
            w.write_all(bytes)
                .map_err(|e| CopyError::Failed(format!("cannot write: {e}")))
        })
        .map_err(|e| match e {
            CopyError::Failed(e) | CopyError::Partial(_, e) => e,
        })?;
    }
    Ok(counts)
}

fn copy_mbox(
    job: &CopyJob<'_>,
    plan: &SourcePlan,
    opts: &RedactOptions,
    limits: &Limits,
    mail: &MailRedactor<'_>,
    dry_run: bool,
    out: &mut CopyOutcome,
) -> Result<(), String> {
    let source = job.source;
    let open = || {
        crate::source::decode::open_input(&source.path, source.gzip, limits)
            .map_err(|e| format!("cannot open: {e}"))
    };
    let path = source.display.as_str();
    let mut notes = CopyOutcome::default();
    let dropped = |n: u64| {
        plan.records.get(&n).is_some_and(|e| e.drop)
            || plan.dropped.contains(&(path.to_string(), n))
    };
    let gone: std::collections::BTreeSet<u64> = plan
        .records
        .iter()
        .filter(|(_, e)| e.drop)
        .map(|(n, _)| *n)
        .chain(
            plan.dropped
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, n)| *n),
        )
        .collect();
    let copy_path = display_path(&job.target);
    let mut decide = |batch: &[RawMessage]| -> Vec<MessageFate> {
        let results: Vec<Option<(MessageResult, super::proof::CopyProof)>> = batch
            .par_iter()
            .map(|m| {
                let key = (path.to_string(), m.number);
                if dropped(m.number) {
                    return None;
                }
                (plan.messages.contains_key(&key) || plan.mentions.contains_key(&key)).then(|| {
                    let r = mail.message(&m.bytes, path, m.number, plan, opts);
                    let mut proof = super::proof::CopyProof::default();
                    if let Some(p) = mail.prover {
                        let bytes = r.rewritten.bytes.as_deref().unwrap_or(&m.bytes);
                        let n = super::erasure::renumbered(m.number, &gone);
                        p.message(bytes, n, &copy_path, &mut proof);
                    }
                    (r, proof)
                })
            })
            .collect();
        batch
            .iter()
            .zip(results)
            .map(|(m, r)| {
                let r = r.map(|(r, mut proof)| {
                    notes.proof.remaining.append(&mut proof.remaining);
                    notes.proof.errors.append(&mut proof.errors);
                    r
                });
                fate(m, r, dropped(m.number), &mut notes)
            })
            .collect()
    };
    let mut run = |w: &mut dyn Write| -> Result<WriteCounts, CopyError> {
        let reader = MboxReader::new(open().map_err(CopyError::Failed)?, limits.max_message_bytes);
        let raw = open().map_err(CopyError::Failed)?;
        rewrite_mbox(reader, raw, w, &mut decide).map_err(|e| match e.kind() {
            io::ErrorKind::Interrupted => CopyError::Failed("interrupted; not written".into()),
            _ => CopyError::Failed(format!("cannot copy: {e}")),
        })
    };
    let counts = if dry_run {
        run(&mut io::sink())
    } else {
        write_file(&job.target, source.gzip, run)
    };
    out.errors.append(&mut notes.errors);
    out.notes.append(&mut notes.notes);
    out.proof.remaining.append(&mut notes.proof.remaining);
    out.proof.errors.append(&mut notes.proof.errors);
    out.changes.append(&mut notes.changes);
    out.changes.sort_by_key(|c| c.record);
    match counts {
        Ok(c) => {
            out.counts = c;
            Ok(())
        }
        Err(CopyError::Failed(e) | CopyError::Partial(_, e)) => Err(e),
    }
}
