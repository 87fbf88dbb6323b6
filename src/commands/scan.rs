//! `scan`, `baseline` and `init`: one pipeline from paths to a report —
//! rules → discovery → parallel scan → report → allowlist → baseline → policies →
//! to-do list.

use super::{fail_threshold, inside_inputs, load_rules, terminal_width, write_output};
use crate::ExitStatus;
use crate::baseline::Baseline;
use crate::classify::FindingMaker;
use crate::cli::{BaselineArgs, InitArgs, InputArgs, ScanArgs};
use crate::engine::Matcher;
use crate::i18n::Lang;
use crate::keys::{self, KeySource};
use crate::report::{self, Format, Report};
use crate::rules::RuleSet;
use crate::scan::{self, ScanOptions};
use crate::source::{self, Limits, Source};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;

/// A finished scan: the report and what produced it.
struct Scanned {
    report: Report,
    rules: RuleSet,
    /// Nothing at all could be read.
    nothing_read: bool,
}

fn parse_delimiter(s: &str) -> Result<u8> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => bail!("--delimiter must be one ASCII character or `tab`, not `{s}`"),
    }
}

/// Shows files done and bytes per second on a terminal; nothing otherwise.
struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    fn new(sources: &[Source], quiet: bool) -> ProgressBar {
        let total: u64 = sources.iter().map(|s| s.bytes).sum();
        if quiet || !std::io::stderr().is_terminal() || total < 8 * 1024 * 1024 {
            return ProgressBar(None);
        }
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
        ) {
            bar.set_style(style);
        }
        ProgressBar(Some(bar))
    }
}

impl scan::Progress for ProgressBar {
    fn source_done(&self, source: &Source) {
        if let Some(b) = &self.0 {
            b.inc(source.bytes);
        }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

fn run_pipeline(input: &InputArgs, show_values: bool, lang: Lang, quiet: bool) -> Result<Scanned> {
    if !(0.0..=1.0).contains(&input.min_confidence) {
        bail!("--min-confidence must be between 0 and 1");
    }
    if input.threads == Some(0) {
        bail!("--threads must be at least 1");
    }
    let delimiter = input
        .delimiter
        .as_deref()
        .map(parse_delimiter)
        .transpose()?;
    let rules = load_rules(&input.rules)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(input.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let (key, key_source) = keys::resolve(None, &cwd);
    if !quiet {
        match key_source {
            KeySource::Created(p) => eprintln!(
                "note: created a fingerprint key for this project at {}; set {} to share one across machines (CI)",
                p.display(),
                keys::KEY_ENV
            ),
            KeySource::Ephemeral => eprintln!(
                "note: no fingerprint key ({} unset and no place to keep one); fingerprints will differ between runs",
                keys::KEY_ENV
            ),
            _ => {}
        }
    }
    if show_values && !quiet {
        eprintln!("warning: --show-values: the report will contain personal data in clear");
    }
    let l = &input.limits;
    let limits = Limits {
        max_field_bytes: usize::try_from(l.max_field_size).unwrap_or(usize::MAX),
        max_message_bytes: usize::try_from(l.max_message_size).unwrap_or(usize::MAX),
        max_mime_depth: l.max_mime_depth,
        max_decompressed_bytes: l.max_decompressed_size,
        max_findings_per_rule_and_file: l.max_findings_per_rule,
        ..Limits::default()
    };
    let opts = ScanOptions {
        limits: limits.clone(),
        maker: FindingMaker {
            show_values,
            key,
            min_confidence: input.min_confidence,
            roots: input
                .paths
                .iter()
                .map(|p| source::display_path(p))
                .collect(),
        },
        delimiter,
    };
    let discovery = source::discover(&input.paths, &limits);
    let matcher = Matcher::new(rules);
    let progress = ProgressBar::new(&discovery.sources, quiet);
    let results =
        pool.install(|| scan::scan_sources(&discovery.sources, &matcher, &opts, &progress));
    drop(progress);
    crate::interrupt::check()?;
    let nothing_read = results
        .iter()
        .all(|r| r.summary.records == 0 && r.summary.messages == 0);
    let mut report = Report::assemble(results, discovery.errors, discovery.skipped);
    report.todo = crate::todo::plan(&report, Some(matcher.rules()), lang);
    Ok(Scanned {
        report,
        rules: matcher.rules().clone(),
        nothing_read,
    })
}

pub fn scan_command(args: &ScanArgs, quiet: bool) -> Result<ExitStatus> {
    if let Some(dir) = &args.export_actions {
        if inside_inputs(dir, &args.input.paths) {
            bail!(
                "--export-actions {} is inside a scanned path; inputs are never written",
                dir.display()
            );
        }
    }
    let Scanned {
        mut report,
        rules,
        nothing_read,
    } = run_pipeline(&args.input, args.show_values, args.lang, quiet)?;
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a gdpr-audit baseline", path.display()))?;
        let outcome = baseline.apply(&mut report, &path.display().to_string());
        report.refresh_counts();
        report.todo = crate::todo::plan(&report, Some(&rules), args.lang);
        if !quiet {
            eprintln!(
                "baseline: {} new, {} known, {} fixed since the baseline",
                outcome.new, outcome.known, outcome.fixed
            );
        }
        report.summary.baseline = Some(outcome);
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let ropts = report::RenderOptions {
        lang: args.lang,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
        rules: &rules,
    };
    write_output(args.output.as_deref(), &args.input.paths, |w| {
        report::render(&report, format, &ropts, w)
    })?;
    if nothing_read {
        if !quiet {
            eprintln!("error: no readable input");
        }
        return Ok(ExitStatus::Error);
    }
    if args.strict && !report.summary.errors.is_empty() {
        if !quiet {
            eprintln!(
                "error: {} inputs could not be read (--strict)",
                report.summary.errors.len()
            );
        }
        return Ok(ExitStatus::Error);
    }
    let over_threshold = fail_threshold(args.fail_on)
        .is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    let too_many = args
        .max_findings
        .is_some_and(|n| report.summary.findings > n);
    Ok(if over_threshold || too_many {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

pub fn baseline_command(args: &BaselineArgs, quiet: bool) -> Result<ExitStatus> {
    let Scanned {
        report,
        nothing_read,
        ..
    } = run_pipeline(&args.input, false, Lang::En, quiet)?;
    if nothing_read {
        bail!("no readable input: nothing to record");
    }
    let baseline = Baseline::from_findings(&report.findings);
    write_output(Some(&args.output), &args.input.paths, |w| {
        serde_json::to_writer_pretty(&mut *w, &baseline).map_err(std::io::Error::other)?;
        writeln!(w)
    })?;
    if !quiet {
        eprintln!(
            "wrote {} ({} fingerprints, {} findings)",
            args.output.display(),
            baseline.entries.len(),
            report.findings.len()
        );
    }
    Ok(ExitStatus::Clean)
}

pub fn init_command(args: &InitArgs, quiet: bool) -> Result<ExitStatus> {
    let _ = (args, quiet);
    bail!("`init` is not available yet")
}
