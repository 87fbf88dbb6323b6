//! Writing the cleaned copies: one file at a time into a temporary file beside its
//! final name (owner-only), renamed into place only when it is complete, so an
//! interrupt or a full disk never leaves a partial file under a final name. Files
//! are written in parallel; what each one produced comes back in source order.

use super::{Change, RedactOptions, SourcePlan};
use crate::source::csv_writer::{CsvRewriter, RewriteError};
use crate::source::record::{RecordEdit, RecordWriter, WriteCounts};
use crate::source::{Limits, Source, SourceKind};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// What a CSV copy needs to know about its source, as the scan found it.
#[derive(Debug, Clone)]
pub struct CsvDialect {
    pub encoding: &'static encoding_rs::Encoding,
    pub delimiter: u8,
    pub first_row_is_data: bool,
}

/// One copy to write.
pub struct CopyJob<'a> {
    pub source: &'a Source,
    /// Where the copy goes, and how the log names it.
    pub target: PathBuf,
    pub shown: String,
    pub plan: Option<&'a SourcePlan>,
    pub dialect: Option<CsvDialect>,
    /// A table's columns as the scan read them (for the incremental proof).
    pub columns: &'a [crate::audit::TableColumn],
}

/// What writing one copy did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CopyOutcome {
    /// The source, as the scan reported it.
    pub source: String,
    /// The copy, under the output directory.
    pub output: String,
    pub kind: Option<SourceKind>,
    pub counts: WriteCounts,
    /// Every change made, masked.
    pub changes: Vec<Change>,
    /// Problems: the file is not written (or not fully cleaned) when there are any.
    pub errors: Vec<String>,
    /// Things a reader of the copy should know (a signed message no longer verifies).
    pub notes: Vec<String>,
    /// The copy is under its final name.
    pub written: bool,
    /// What the incremental proof found while the copy was written (in the log
    /// under `proof`).
    #[serde(skip)]
    pub proof: super::proof::CopyProof,
}

/// Write every copy (or, with `dry_run`, only work out what would change).
pub fn write_copies(
    jobs: &[CopyJob<'_>],
    opts: &RedactOptions,
    limits: &Limits,
    mail: &super::mail::MailRedactor<'_>,
    dry_run: bool,
) -> Vec<CopyOutcome> {
    jobs.par_iter()
        .map(|job| {
            let mut out = CopyOutcome {
                source: job.source.display.clone(),
                output: job.shown.clone(),
                kind: Some(job.source.kind),
                ..Default::default()
            };
            if crate::interrupt::is_interrupted() {
                out.errors.push("not written: interrupted".into());
                return out;
            }
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                copy_one(job, opts, limits, mail, dry_run, &mut out)
            }));
            match result {
                Ok(Ok(())) => out.written = !dry_run,
                Ok(Err(e)) => out.errors.push(e),
                Err(_) => out.errors.push(
                    "internal error while writing this copy (please report it); not written".into(),
                ),
            }
            out
        })
        .collect()
}

fn copy_one(
    job: &CopyJob<'_>,
    opts: &RedactOptions,
    limits: &Limits,
    mail: &super::mail::MailRedactor<'_>,
    dry_run: bool,
    out: &mut CopyOutcome,
) -> Result<(), String> {
    let empty = SourcePlan::default();
    let plan = job.plan.unwrap_or(&empty);
    match job.source.kind {
        SourceKind::Csv => {
            let dialect = job
                .dialect
                .clone()
                .ok_or("the scan could not read this file; not copied")?;
            out.changes = plan.changes.clone();
            let mut proof = super::proof::CopyProof {
                checked: mail.prover.is_some(),
                ..Default::default()
            };
            let check = mail.prover.map(|p| CsvCheck {
                prover: p,
                path: crate::source::display_path(&job.target),
                columns: job.columns,
            });
            let mut write = |w: &mut dyn Write| {
                rewrite_csv(
                    job.source,
                    &dialect,
                    plan,
                    limits,
                    check.as_ref(),
                    &mut proof,
                    w,
                )
            };
            let counts = if dry_run {
                write(&mut io::sink())
            } else {
                write_file(&job.target, job.source.gzip, write)
            };
            match counts {
                Ok(c) => out.counts = c,
                Err(CopyError::Partial(c, e)) => {
                    out.counts = c;
                    out.errors.push(e);
                }
                Err(CopyError::Failed(e)) => return Err(e),
            }
            out.proof = proof;
            Ok(())
        }
        SourceKind::Mbox | SourceKind::Eml | SourceKind::Maildir => {
            super::mail::copy_mail(job, plan, opts, limits, mail, dry_run, out)
        }
        kind @ (SourceKind::Msg
        | SourceKind::Pst
        | SourceKind::Xlsx
        | SourceKind::Xls
        | SourceKind::Ods
        | SourceKind::Zip
        | SourceKind::Tar
        | SourceKind::Json
        | SourceKind::Ndjson) => Err(format!(
            "{} files are not redacted yet (no writer for them); not copied",
            kind.as_str()
        )),
    }
}

/// A copy that failed: not written at all, or written whole with a record that
/// could not be cleaned (copied through unchanged, reported).
pub enum CopyError {
    Failed(String),
    Partial(WriteCounts, String),
}

/// What checks a CSV copy's rewritten records as they are written.
struct CsvCheck<'a> {
    prover: &'a super::proof::Prover<'a>,
    /// The copy, as the proof names it.
    path: String,
    columns: &'a [crate::audit::TableColumn],
}

fn rewrite_csv(
    source: &Source,
    dialect: &CsvDialect,
    plan: &SourcePlan,
    limits: &Limits,
    check: Option<&CsvCheck<'_>>,
    proof: &mut super::proof::CopyProof,
    w: &mut dyn Write,
) -> Result<WriteCounts, CopyError> {
    let input = crate::source::decode::open_input(&source.path, source.gzip, limits)
        .map_err(|e| CopyError::Failed(format!("cannot open: {e}")))?;
    let max_record = limits
        .max_field_bytes
        .saturating_mul(crate::source::csv::RECORD_LIMIT_FACTOR)
        .max(crate::source::csv::MIN_RECORD_BYTES);
    let mut rw = CsvRewriter::new(
        input,
        w,
        dialect.encoding,
        dialect.delimiter,
        dialect.first_row_is_data,
        max_record,
    )
    .map_err(|e| CopyError::Failed(format!("{e}; not copied")))?;
    let mut first_error = None;
    let mut dropped = 0u64;
    for (&n, edit) in &plan.records {
        if crate::interrupt::is_interrupted() {
            return Err(CopyError::Failed("interrupted; not written".into()));
        }
        match rw.edit_record(n, edit) {
            Ok(()) if edit.drop => dropped += 1,
            Ok(()) => {
                if let Some(c) = check {
                    let mut changed: Vec<usize> = edit
                        .edits
                        .iter()
                        .filter_map(|e| super::proof::column_of(c.columns, &e.field))
                        .collect();
                    changed.dedup();
                    c.prover.csv_record(
                        &c.path,
                        n - dropped,
                        rw.last_record(),
                        dialect.delimiter,
                        dialect.encoding,
                        c.columns,
                        &changed,
                        proof,
                    );
                }
            }
            Err(RewriteError::Io(e)) => {
                return Err(CopyError::Failed(format!("cannot write: {e}")));
            }
            Err(e) => {
                first_error = Some(format!("{e}"));
                break;
            }
        }
    }
    let counts = rw
        .finish()
        .map_err(|e| CopyError::Failed(format!("cannot write: {e}")))?;
    let mut problems = rw.take_problems();
    problems.extend(first_error);
    let first_error = (!problems.is_empty()).then(|| {
        let more = problems.len().saturating_sub(5);
        let mut text = problems[..problems.len().min(5)].join("; ");
        if more > 0 {
            text.push_str(&format!("; and {more} more"));
        }
        text
    });
    match first_error {
        Some(e) => Err(CopyError::Partial(counts, e)),
        None => Ok(counts),
    }
}

/// Write `target` through a temporary file beside it that is renamed into place
/// only when `fill` succeeded and the data is on disk; never over an existing file.
pub fn write_file<T>(
    target: &Path,
    gzip: bool,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, CopyError>,
) -> Result<T, CopyError> {
    let failed = |what: &str, e: io::Error| {
        CopyError::Failed(format!("cannot {what} {}: {e}", target.display()))
    };
    let dir = target.parent().unwrap_or(Path::new("."));
    private_dirs(dir).map_err(|e| failed("create the directory of", e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| failed("create a temporary file for", e))?;
    let _tracked = crate::interrupt::TrackedTemp::new(tmp.path());
    let value = {
        let file = BufWriter::with_capacity(256 * 1024, tmp.as_file_mut());
        if gzip {
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            let v = fill(&mut gz);
            let done = gz.finish().and_then(|mut f| f.flush());
            match (v, done) {
                (Ok(v), Ok(())) => Ok(v),
                (Err(e), _) => Err(e),
                (Ok(_), Err(e)) => Err(failed("write", e)),
            }
        } else {
            let mut file = file;
            let v = fill(&mut file);
            match (v, file.flush()) {
                (Ok(v), Ok(())) => Ok(v),
                (Err(e), _) => Err(e),
                (Ok(_), Err(e)) => Err(failed("write", e)),
            }
        }
    };
    // A copy with an uncleanable record is still whole: it is renamed too.
    let (value, partial) = match value {
        Ok(v) => (Some(v), None),
        Err(CopyError::Partial(c, e)) => (None, Some((c, e))),
        Err(e) => return Err(e),
    };
    tmp.as_file().sync_all().map_err(|e| failed("write", e))?;
    if crate::interrupt::is_interrupted() {
        return Err(CopyError::Failed("interrupted; not written".into()));
    }
    tmp.persist_noclobber(target)
        .map_err(|e| failed("rename into place", e.error))?;
    match (value, partial) {
        (Some(v), _) => Ok(v),
        (None, Some((c, e))) => Err(CopyError::Partial(c, e)),
        (None, None) => Err(CopyError::Failed("nothing written".into())),
    }
}

/// Create `dir` and its missing parents, readable by their owner only.
pub fn private_dirs(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Read a whole small file (an .eml or Maildir message) within the message limit.
pub fn read_message(path: &Path, limits: &Limits) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut buf = Vec::new();
    f.take(limits.max_message_bytes as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() > limits.max_message_bytes {
        return Err(format!(
            "larger than {} bytes (--max-message-size); not copied",
            limits.max_message_bytes
        ));
    }
    Ok(buf)
}

/// The edit of record `n`, if the plan has one.
pub fn edit_of(plan: &SourcePlan, n: u64) -> Option<&RecordEdit> {
    plan.records.get(&n)
}
