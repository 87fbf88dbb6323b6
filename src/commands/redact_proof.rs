//! `redact`'s proof of its copies: incremental by default (see
//! [`crate::render::redaction::proof`]), or every copy scanned again
//! (`--full-proof`).

use super::redact::relative_output;
use super::scan::Scanned;
use crate::render::redaction::copies::{CopyJob, CopyOutcome};
use crate::render::redaction::log::{Proof, Remaining};
use crate::render::redaction::proof::identical;
use crate::source::{SourceKind, display_path};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// What the proof needs of the run.
pub(super) struct Proving<'a> {
    pub(super) scanned: &'a Scanned,
    pub(super) roots: &'a [String],
    pub(super) out_dir: &'a Path,
    pub(super) plans: &'a BTreeMap<String, crate::render::redaction::SourcePlan>,
    /// The copies' jobs, in the order of the outcomes.
    pub(super) jobs: &'a [CopyJob<'a>],
    pub(super) asked: &'a dyn Fn(&crate::finding::Finding) -> bool,
    pub(super) lang: crate::i18n::Lang,
    /// `--full-proof`: scan every copy again.
    pub(super) full: bool,
}

/// Prove the copies: anything the selection wanted removed that is still there,
/// and any count that is not the input's minus the dropped, is a failure. By
/// default incrementally (see [`crate::render::redaction::proof`]): a copy that is
/// its input byte for byte is proven by that, a changed one by the checks made of
/// its rewritten records and messages as they were written and by counting its
/// records again; a copy those checks do not cover (one with errors, a gzip
/// file) is scanned again in full, as `--full-proof` scans all of them.
pub(super) fn prove(how: &Proving<'_>, files: &[CopyOutcome]) -> Result<Proof> {
    let mut proof = Proof {
        scanned: true,
        method: if how.full { "full" } else { "incremental" }.into(),
        ..Default::default()
    };
    let mut again = Vec::new();
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    if how.full {
        again = how
            .roots
            .iter()
            .map(|r| how.out_dir.join(relative_output(r, how.roots)))
            .filter(|p| p.exists())
            .collect();
    }
    for (f, job) in files.iter().zip(how.jobs).filter(|(f, _)| f.written) {
        if how.full {
            break;
        }
        let copy = how.out_dir.join(&f.output);
        let source = job.source;
        if source.gzip || !f.errors.is_empty() {
            again.push(copy);
            continue;
        }
        let planned = how.plans.get(&f.source).is_some_and(|p| {
            !p.records.is_empty()
                || !p.messages.is_empty()
                || !p.mentions.is_empty()
                || !p.dropped.is_empty()
        });
        let untouched = !planned && f.counts.changed == 0 && f.counts.dropped == 0;
        if untouched && identical(&source.path, &copy).unwrap_or(false) {
            proof.identical.push(f.output.clone());
            continue;
        }
        if !f.proof.checked || untouched {
            again.push(copy);
            continue;
        }
        crate::interrupt::check()?;
        for r in &f.proof.remaining {
            proof.remaining.push(r.clone());
        }
        proof.errors.extend(f.proof.errors.iter().cloned());
        match count_records(job, &copy, &how.scanned.opts.limits) {
            Ok(n) => {
                counted.insert(display_path(&copy), n);
            }
            Err(e) => proof
                .errors
                .push(format!("{}: cannot count: {e}", f.output)),
        }
    }
    if !again.is_empty() {
        let report = super::scan::rescan(how.scanned, &again, how.lang)?;
        for f in report.findings.iter().filter(|f| (how.asked)(f)) {
            proof.remaining.push(Remaining::of(&f));
        }
        for e in &report.summary.errors {
            proof.errors.push(format!("{}: {}", e.path, e.error));
        }
        for s in &report.summary.sources {
            *counted.entry(s.path.clone()).or_default() += s.records + s.messages;
        }
    }
    for f in files.iter().filter(|f| f.written) {
        if proof.identical.contains(&f.output) {
            continue;
        }
        let path = display_path(&how.out_dir.join(&f.output));
        let found = counted.get(&path).copied().unwrap_or(0);
        if found != f.counts.records_out {
            proof.count_mismatches.push(format!(
                "{}: {} records or messages expected (input {} minus {} dropped), the copy has {found}",
                f.output, f.counts.records_out, f.counts.records_in, f.counts.dropped
            ));
        }
    }
    if files.iter().all(|f| !f.written) {
        proof
            .errors
            .push("no copy was written: nothing to scan".into());
    }
    proof.clean =
        proof.remaining.is_empty() && proof.count_mismatches.is_empty() && proof.errors.is_empty();
    Ok(proof)
}

/// The records or messages in a copy, read back without matching anything.
fn count_records(job: &CopyJob<'_>, copy: &Path, limits: &crate::source::Limits) -> Result<u64> {
    match job.source.kind {
        SourceKind::Csv => {
            let d = job.dialect.as_ref().context("no CSV dialect")?;
            let input = crate::source::decode::open_input(copy, false, limits)?;
            let mut rw = crate::source::csv_writer::CsvRewriter::new(
                input,
                std::io::sink(),
                d.encoding,
                d.delimiter,
                d.first_row_is_data,
                usize::MAX,
            )?;
            Ok(crate::source::record::RecordWriter::finish(&mut rw)?.records_in)
        }
        SourceKind::Mbox => {
            let input = crate::source::decode::open_input(copy, false, limits)?;
            let mut n = 0;
            for m in crate::source::mbox::MboxReader::new(input, limits.max_message_bytes) {
                m?;
                n += 1;
            }
            Ok(n)
        }
        SourceKind::Eml => Ok(u64::from(copy.is_file())),
        _ => {
            let mut n = 0;
            for e in walkdir::WalkDir::new(copy) {
                n += u64::from(e?.file_type().is_file());
            }
            Ok(n)
        }
    }
}
