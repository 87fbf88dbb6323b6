//! `scan`, `baseline` and `init`: one pipeline from paths to a report —
//! rules → discovery → parallel scan → report → allowlist → baseline → policies →
//! to-do list.

use super::{fail_threshold, inside_inputs, load_rules, terminal_width, write_output};
use crate::ExitStatus;
use crate::audit::Report;
use crate::baseline::Baseline;
use crate::classify::FindingMaker;
use crate::cli::{BaselineArgs, InitArgs, InputArgs, ScanArgs};
use crate::engine::Matcher;
use crate::i18n::Lang;
use crate::keys::{self, KeySource};
use crate::render::{self, Format};
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

// Over 80 lines: the scan pipeline step by step (config, rules, keys, discovery, scan, assembly), each with its error context.
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
    let config = load_config(input, &cwd, quiet)?;
    let as_of = match &input.as_of {
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .with_context(|| format!("--as-of `{d}` is not a date (YYYY-MM-DD)"))?,
        None => today(),
    };
    let (key, key_source) = keys::resolve(
        config.as_ref().and_then(|c| c.fingerprint_key.as_deref()),
        &cwd,
    );
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
        policy: config.clone().map(std::sync::Arc::new),
        as_of,
    };
    let discovery = source::discover(&input.paths, &limits);
    let matcher = Matcher::new(rules);
    let progress = ProgressBar::new(&discovery.sources, quiet);
    let mut report = Report::begin(discovery.errors, discovery.skipped);
    pool.install(|| {
        scan::scan_sources_with(&discovery.sources, &matcher, &opts, &progress, &mut |r| {
            report.add(r)
        })
    });
    drop(progress);
    crate::interrupt::check()?;
    let nothing_read = report.summary.records == 0 && report.summary.messages == 0;
    if let Some(c) = &config {
        let before = report.findings.len();
        report.summary.allowlist = crate::suppress::apply(&mut report, &c.allowlist);
        if report.findings.len() != before {
            report.refresh_counts();
        }
        let mut source_level = crate::policy::source_violations(c, &report);
        report.violations.append(&mut source_level);
    }
    report.todo = plan_todo(&report, matcher.rules(), lang);
    Ok(Scanned {
        report,
        rules: matcher.rules().clone(),
        nothing_read,
    })
}

/// `--config FILE`, else the nearest gdpr-audit.yaml above the current directory.
fn load_config(
    input: &InputArgs,
    cwd: &std::path::Path,
    quiet: bool,
) -> Result<Option<crate::policy::Config>> {
    let path = match (&input.config, input.no_config) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => None,
        (None, false) => crate::policy::discover(cwd),
    };
    let Some(path) = path else { return Ok(None) };
    let config = crate::policy::Config::load(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
    if !quiet && input.config.is_none() {
        eprintln!("note: using policy {}", path.display());
    }
    Ok(Some(config))
}

/// The to-do list: findings and policy violations, most urgent first.
fn plan_todo(report: &Report, rules: &RuleSet, lang: Lang) -> Vec<crate::audit::TodoItem> {
    let mut items = crate::todo::plan(report, Some(rules), lang);
    items.extend(crate::policy::violations_to_todo(
        &report.violations,
        report,
        lang,
    ));
    crate::todo::sort_items(&mut items);
    items
}

// Over 80 lines: the scan command's steps (baseline, allowlist, policy, outputs, exit code) in the order they apply.
pub fn scan_command(args: &ScanArgs, quiet: bool) -> Result<ExitStatus> {
    if let Some(dir) = &args.export_actions
        && inside_inputs(dir, &args.input.paths)
    {
        bail!(
            "--export-actions {} is inside a scanned path; inputs are never written",
            dir.display()
        );
    }
    let Scanned {
        mut report,
        rules,
        nothing_read,
        ..
    } = run_pipeline(&args.input, args.show_values, args.lang, quiet)?;
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a gdpr-audit baseline", path.display()))?;
        let outcome = baseline.apply(&mut report, &path.display().to_string());
        report.refresh_counts();
        if !quiet {
            eprintln!(
                "baseline: {} new, {} known, {} fixed since the baseline",
                outcome.new, outcome.known, outcome.fixed
            );
        }
        report.summary.baseline = Some(outcome);
        // Only new findings are left to act on.
        report.todo = plan_todo(&report, &rules, args.lang);
    }
    if let Some(dir) = &args.export_actions {
        let written = crate::render::export_actions(&report, dir, &args.input.paths)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if !quiet {
            eprintln!("wrote {} action files to {}", written.len(), dir.display());
        }
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let ropts = render::RenderOptions {
        lang: args.lang,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
        rules: &rules,
    };
    write_output(args.output.as_deref(), &args.input.paths, |w| {
        render::render(&report, format, &ropts, w)
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
    let over_threshold = fail_threshold(args.fail_on).is_some_and(|t| {
        report.worst_severity().is_some_and(|w| w >= t)
            || report.violations.iter().any(|v| v.kind.severity() >= t)
    });
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
    if args.output.exists() && !args.force {
        bail!(
            "{} exists; use --force to overwrite it",
            args.output.display()
        );
    }
    let mut input = args.input.clone();
    // The draft describes what is there, not what an existing policy says.
    input.no_config = true;
    input.config = None;
    let Scanned {
        report,
        nothing_read,
        ..
    } = run_pipeline(&input, false, Lang::En, quiet)?;
    if nothing_read {
        bail!("no readable input: nothing to describe");
    }
    let draft = crate::render::draft_config(&report, &args.input.paths);
    write_output(Some(&args.output), &args.input.paths, |w| {
        w.write_all(draft.as_bytes())
    })?;
    if !quiet {
        eprintln!(
            "wrote {}: fill in the TODO placeholders (purpose, lawful basis, retention)",
            args.output.display()
        );
    }
    Ok(ExitStatus::Clean)
}

/// Today's date in UTC.
fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}
