//! `redact`: scan, plan the changes, write cleaned copies into a new directory,
//! scan the copies again with the same rules and config, and log it all.

use super::redact_proof::{Proving, prove};
use super::scan::{Planned, Scanned, run_pipeline};
use crate::ExitStatus;
use crate::cli::redact::{DropWhat, RedactArgs};
use crate::render::redaction::copies::{CopyJob, CsvDialect, write_copies};
use crate::render::redaction::log::{Asked, LOG_JSON, LOG_MARKDOWN, Proof, RedactionLog};
use crate::render::redaction::proof::Prover;
use crate::render::redaction::{RedactOptions, Selection, plan};
use crate::source::{SourceKind, display_path};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn redact_command(args: &RedactArgs, quiet: bool) -> Result<ExitStatus> {
    check_output_dir(&args.output_dir)?;
    let mut input = args.input.clone();
    // Every finding must have its place to be replaced: none may be only counted.
    input.limits.max_findings_per_rule = u32::MAX as usize;
    let planned = [Planned {
        flag: "--output-dir",
        path: &args.output_dir,
        beside_files: true,
    }];
    let scanned = run_pipeline(&input, false, args.lang, quiet, &planned, None)?;
    if scanned.nothing_read {
        bail!("no readable input: nothing to redact");
    }
    let opts = RedactOptions {
        selection: Selection {
            categories: args.categories.clone(),
            min_severity: args.min_severity.map(|s| s.severity()),
        },
        replace: args.replace,
        lang: args.lang,
        drop_expired: args.drop == Some(DropWhat::Expired),
        findings: args.plan.is_none(),
    };
    let erasure = match &args.plan {
        Some(p) => Some(
            crate::render::redaction::erasure::load(p)
                .map_err(|e| anyhow::anyhow!("--plan {}: {e}", p.display()))?,
        ),
        None => None,
    };
    if opts.drop_expired && scanned.opts.policy.is_none() {
        bail!("--drop expired needs a policy with retention rules (--config or gdpr-audit.yaml)");
    }
    let roots: Vec<String> = input.paths.iter().map(|p| display_path(p)).collect();
    let mut jobs_plan = plan(&scanned.report, &opts);
    let kept = erasure
        .as_ref()
        .map(|e| crate::render::redaction::erasure::apply(e, &mut jobs_plan, &opts))
        .unwrap_or_default();
    let jobs = jobs(&scanned, &roots, &args.output_dir, &jobs_plan)?;
    if !args.dry_run {
        create_private_dir(&args.output_dir)?;
    }
    let allowlist = scanned
        .opts
        .policy
        .as_deref()
        .map(|c| c.allowlist.clone())
        .unwrap_or_default();
    let targets = PlanTargets::of(&jobs_plan, &roots, &args.output_dir);
    let wanted = |f: &crate::finding::Finding| {
        if opts.findings {
            opts.selection.wants(f)
        } else {
            targets.wants(f)
        }
    };
    // The incremental proof checks each rewritten record and message as it is
    // written, with the scan's own matchers; `--full-proof` scans the copies after.
    let mut proof_opts = scanned.opts.clone();
    proof_opts.maker.roots = roots
        .iter()
        .map(|r| display_path(&args.output_dir.join(relative_output(r, &roots))))
        .collect();
    let prover = Prover {
        pool: &scanned.matchers,
        opts: &proof_opts,
        allowlist: &allowlist,
        asked: &wanted,
    };
    let mail = crate::render::redaction::mail::MailRedactor {
        pool: &scanned.matchers,
        maker: &scanned.opts.maker,
        allowlist: &allowlist,
        prover: (!args.full_proof && !args.dry_run).then_some(&prover),
    };
    let outcomes = scanned
        .workers
        .install(|| write_copies(&jobs, &opts, &scanned.opts.limits, &mail, args.dry_run));
    let asked = Asked {
        replace: opts.replace,
        categories: opts.selection.categories.clone(),
        min_severity: opts.selection.min_severity,
        min_confidence: input.min_confidence,
        drop_expired: opts.drop_expired,
        plan: args.plan.as_ref().map(|p| p.display().to_string()),
        as_of: scanned.opts.as_of.to_string(),
        dry_run: args.dry_run,
    };
    let mut log = RedactionLog::new(asked, outcomes);
    log.kept = kept;
    if args.dry_run {
        let mut out = std::io::stdout().lock();
        log.write_json(&mut out)?;
        return Ok(ExitStatus::Clean);
    }
    let mut interrupted = crate::interrupt::is_interrupted();
    if !interrupted {
        let how = Proving {
            scanned: &scanned,
            roots: &roots,
            out_dir: &args.output_dir,
            plans: &jobs_plan,
            jobs: &jobs,
            asked: &wanted,
            lang: args.lang,
            full: args.full_proof,
        };
        match prove(&how, &log.files) {
            // Ctrl-C during the proof: the copies are whole, only unproven; the
            // log says so and what was completed is reported below.
            Err(_) if crate::interrupt::is_interrupted() => {
                log.proof = Proof {
                    interrupted: true,
                    errors: vec!["interrupted: the copies were not proven".into()],
                    ..Default::default()
                };
            }
            r => log.proof = r?,
        }
        interrupted = crate::interrupt::is_interrupted();
    }
    let written_all = log.files.iter().all(|f| f.written && f.errors.is_empty());
    log.complete = written_all && log.proof.clean && !interrupted;
    write_log(&log, &args.output_dir, args.lang)?;
    if !quiet {
        summarize(&log, &args.output_dir);
    }
    if interrupted {
        eprintln!(
            "interrupted: {} of {} copies were complete and are in {} (see {LOG_JSON}); no partial file was left under a final name{}",
            log.totals.files_written,
            log.totals.files,
            args.output_dir.display(),
            if log.proof.interrupted {
                "; the proof was stopped, so they are not proven clean"
            } else {
                ""
            }
        );
        return Ok(ExitStatus::Interrupted);
    }
    Ok(if !written_all {
        ExitStatus::Error
    } else if log.complete {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}

/// What an erasure plan asked to be gone, where it is in the copies: a CSV field
/// (row renumbered past the dropped rows) or a message, with the categories.
struct PlanTargets {
    fields: BTreeMap<(String, u64, String), Vec<crate::model::Category>>,
    messages: BTreeMap<(String, u64), Vec<crate::model::Category>>,
}

impl PlanTargets {
    fn of(
        plans: &BTreeMap<String, crate::render::redaction::SourcePlan>,
        roots: &[String],
        out_dir: &Path,
    ) -> PlanTargets {
        use crate::render::redaction::erasure::renumbered;
        let mut asked = PlanTargets {
            fields: BTreeMap::new(),
            messages: BTreeMap::new(),
        };
        let copy = |p: &str| display_path(&out_dir.join(relative_output(p, roots)));
        for (source, plan) in plans {
            let dropped: std::collections::BTreeSet<u64> = plan
                .records
                .iter()
                .filter(|(_, e)| e.drop)
                .map(|(n, _)| *n)
                .collect();
            for c in &plan.changes {
                if let (Some(cat), false) = (c.category, c.field.is_empty()) {
                    asked
                        .fields
                        .entry((
                            copy(source),
                            renumbered(c.record, &dropped),
                            c.field.clone(),
                        ))
                        .or_default()
                        .push(cat);
                }
            }
            for ((path, n), cats) in &plan.mentions {
                let gone: std::collections::BTreeSet<u64> = plan
                    .dropped
                    .iter()
                    .filter(|(p, _)| p == path)
                    .map(|(_, m)| *m)
                    .chain(dropped.iter().copied())
                    .collect();
                asked
                    .messages
                    .entry((copy(path), renumbered(*n, &gone)))
                    .or_default()
                    .extend(cats.iter().copied());
            }
        }
        asked
    }

    fn wants(&self, f: &crate::finding::Finding) -> bool {
        let record = f.location.record();
        let field = (f.path.clone(), record, f.location.field().to_string());
        self.fields
            .get(&field)
            .is_some_and(|c| c.contains(&f.category))
            || self
                .messages
                .get(&(f.path.clone(), record))
                .is_some_and(|c| c.contains(&f.category))
    }
}

/// The output directory must be new or empty: nothing in it is ever replaced.
fn check_output_dir(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "--output-dir {} is not empty; redact writes into a new or empty directory",
                    dir.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => bail!("--output-dir {}: {e}", dir.display()),
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    crate::render::redaction::copies::private_dirs(dir)
        .with_context(|| format!("cannot create --output-dir {}", dir.display()))
}

/// Where the copy of a source goes, below the output directory: the scanned
/// path's last component, then the path below it (`crm/contacts.csv`).
pub(crate) fn relative_output(display: &str, roots: &[String]) -> PathBuf {
    let root = roots
        .iter()
        .filter(|r| {
            display == r.as_str()
                || (display.starts_with(r.as_str()) && display[r.len()..].starts_with('/'))
        })
        .max_by_key(|r| r.len());
    let clean = |p: &str| -> PathBuf {
        Path::new(p)
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .collect()
    };
    match root {
        Some(r) => {
            let base = clean(r).file_name().map(PathBuf::from).unwrap_or_default();
            let rest = display[r.len()..].trim_start_matches('/');
            if rest.is_empty() {
                base
            } else {
                base.join(clean(rest))
            }
        }
        None => clean(display),
    }
}

fn jobs<'a>(
    scanned: &'a Scanned,
    roots: &[String],
    out_dir: &Path,
    plans: &'a BTreeMap<String, crate::render::redaction::SourcePlan>,
) -> Result<Vec<CopyJob<'a>>> {
    let summaries: BTreeMap<&str, &crate::audit::SourceSummary> = scanned
        .report
        .summary
        .sources
        .iter()
        .map(|s| (s.path.as_str(), s))
        .collect();
    let first_row_data: Vec<&str> = scanned
        .report
        .summary
        .warnings
        .iter()
        .filter(|w| w.error == crate::scan::FIRST_ROW_IS_DATA)
        .map(|w| w.path.as_str())
        .collect();
    let mut seen: BTreeMap<PathBuf, &str> = BTreeMap::new();
    let mut jobs = Vec::new();
    for source in &scanned.sources {
        let rel = relative_output(&source.display, roots);
        if let Some(other) = seen.insert(rel.clone(), &source.display) {
            bail!(
                "{} and {} would both be copied to {}; scan them in separate runs",
                other,
                source.display,
                rel.display()
            );
        }
        let dialect = (source.kind == SourceKind::Csv)
            .then(|| {
                summaries
                    .get(source.display.as_str())
                    .and_then(|s| dialect_of(s, &first_row_data))
            })
            .flatten();
        jobs.push(CopyJob {
            source,
            target: out_dir.join(&rel),
            shown: display_path(&rel),
            plan: plans.get(&source.display),
            dialect,
            columns: scanned
                .report
                .columns
                .get(&source.display)
                .map_or(&[][..], Vec::as_slice),
        });
    }
    Ok(jobs)
}

fn dialect_of(s: &crate::audit::SourceSummary, first_row_data: &[&str]) -> Option<CsvDialect> {
    let encoding = encoding_rs::Encoding::for_label(s.encoding.as_deref()?.as_bytes())?;
    let delimiter = match s.delimiter.as_deref()? {
        "tab" => b'\t',
        d if d.len() == 1 => d.as_bytes()[0],
        _ => return None,
    };
    Some(CsvDialect {
        encoding,
        delimiter,
        first_row_is_data: first_row_data.contains(&s.path.as_str()),
    })
}

fn write_log(log: &RedactionLog, dir: &Path, lang: crate::i18n::Lang) -> Result<()> {
    crate::output::write_atomic(&dir.join(LOG_JSON), |w| log.write_json(w))
        .with_context(|| format!("cannot write {}", dir.join(LOG_JSON).display()))?;
    crate::output::write_atomic(&dir.join(LOG_MARKDOWN), |w| log.write_markdown(w, lang))
        .with_context(|| format!("cannot write {}", dir.join(LOG_MARKDOWN).display()))?;
    Ok(())
}

fn summarize(log: &RedactionLog, dir: &Path) {
    let t = &log.totals;
    eprintln!(
        "redact: {} of {} copies written to {} ({} values replaced, {} records changed, {} dropped)",
        t.files_written,
        t.files,
        dir.display(),
        t.values_replaced,
        t.records_changed,
        t.records_dropped
    );
    for f in &log.files {
        for e in &f.errors {
            eprintln!("error: {}: {e}", f.output);
        }
    }
    for m in &log.proof.count_mismatches {
        eprintln!("error: {m}");
    }
    for e in &log.proof.errors {
        eprintln!("error: proof scan: {e}");
    }
    if !log.proof.remaining.is_empty() {
        eprintln!(
            "error: the copies still hold {} findings of what was to be removed (first: {}, record {}, {}); the copies are kept for inspection",
            log.proof.remaining.len(),
            log.proof.remaining[0].path,
            log.proof.remaining[0].record,
            log.proof.remaining[0].field
        );
    } else if log.proof.scanned && log.complete {
        let how = if log.proof.method == "incremental" {
            format!(
                " ({} copies identical to their input; the changed records and messages checked again, --full-proof scans every copy)",
                log.proof.identical.len()
            )
        } else {
            String::new()
        };
        eprintln!("proof: scanning the copies found nothing of what was to be removed{how}");
    }
    eprintln!("log: {}", dir.join(LOG_JSON).display());
}

#[cfg(test)]
mod tests {
    use super::relative_output;
    use std::path::PathBuf;

    #[test]
    fn copies_keep_their_path_below_the_scanned_path() {
        let roots = vec![
            "corpus/crm".to_string(),
            "mail".to_string(),
            "x/deals.csv".to_string(),
        ];
        assert_eq!(
            relative_output("corpus/crm/contacts.csv", &roots),
            PathBuf::from("crm/contacts.csv")
        );
        assert_eq!(
            relative_output("mail/maildir", &roots),
            PathBuf::from("mail/maildir")
        );
        assert_eq!(
            relative_output("x/deals.csv", &roots),
            PathBuf::from("deals.csv")
        );
        assert_eq!(
            relative_output("../up/a.csv", &["..".to_string()]),
            PathBuf::from("up/a.csv")
        );
    }
}
