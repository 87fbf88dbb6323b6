//! `scan`, `baseline` and `init`: one pipeline from paths to a report —
//! rules → discovery → parallel scan → report → allowlist → baseline → policies →
//! to-do list.

use super::{
    commit, fail_threshold, load_rules_fingerprinted, stage_output, stdout_is_terminal,
    terminal_width, write_output,
};
use crate::ExitStatus;
use crate::audit::Report;
use crate::baseline::Baseline;
use crate::classify::FindingMaker;
use crate::cli::{BaselineArgs, InitArgs, InputArgs, ScanArgs};
use crate::engine::Matcher;
use crate::i18n::Lang;
use crate::input_guard::Inputs;
use crate::keys::{self, KeySource};
use crate::render::{self, Format};
use crate::rules::RuleSet;
use crate::scan::{self, ScanOptions};
use crate::source::{self, Limits, Source};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;

/// A finished scan: the report and what produced it.
pub(super) struct Scanned {
    pub(super) report: Report,
    pub(super) rules: RuleSet,
    /// Nothing at all could be read.
    pub(super) nothing_read: bool,
    /// What the scan read, for the checks of every writer.
    pub(super) inputs: Inputs,
    /// The id of the fingerprint key the findings were made with.
    pub(super) key_id: String,
    /// The sources scanned, in report order.
    pub(super) sources: Vec<Source>,
    /// What they were scanned with.
    pub(super) opts: ScanOptions,
    /// The scan's matchers, one per worker (rules compiled, caches warm), and
    /// the workers: what scans or matches again reuses them.
    pub(super) matchers: scan::MatcherPool,
    pub(super) workers: rayon::ThreadPool,
    /// The config the scan used (the allowlist applied to its report).
    pub(super) config: Option<crate::policy::Config>,
}

/// An output a command will write, checked against the inputs before the scan.
pub(super) struct Planned<'a> {
    pub flag: &'a str,
    pub path: &'a std::path::Path,
    /// Refuse also the directory holding a scanned file (export folders).
    pub beside_files: bool,
}

pub(super) fn parse_delimiter(s: &str) -> Result<u8> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => bail!("--delimiter must be one ASCII character or `tab`, not `{s}`"),
    }
}

/// Shows files done of the total and bytes per second on a terminal, in the
/// summary's units (kB, MB); nothing otherwise.
pub(super) struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
    files_done: std::sync::atomic::AtomicU64,
    files: u64,
    lang: Lang,
}

impl ProgressBar {
    pub(super) fn new(sources: &[Source], quiet: bool, lang: Lang) -> ProgressBar {
        let total: u64 = sources.iter().map(|s| s.bytes).sum();
        let files = sources.len() as u64;
        let mut progress = ProgressBar {
            bar: None,
            files_done: 0.into(),
            files,
            lang,
        };
        if quiet || !std::io::stderr().is_terminal() || total < 8 * 1024 * 1024 {
            return progress;
        }
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {msg} · {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta}",
        ) {
            bar.set_style(style);
        }
        bar.set_message(files_message(0, files, lang));
        progress.bar = Some(bar);
        progress
    }
}

/// "3/12 files", in the report's language.
fn files_message(done: u64, total: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{done}/{total} files"),
        Lang::Sv => format!("{done}/{total} filer"),
    }
}

impl scan::Progress for ProgressBar {
    fn source_done(&self, source: &Source) {
        if let Some(b) = &self.bar {
            let done = self
                .files_done
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1;
            b.set_message(files_message(done, self.files, self.lang));
            b.inc(source.bytes);
        }
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Everything a scan sets up before it reads a file: rules, policy, key, options,
/// the sources found. A single scan and every shard of a sharded one start here.
pub(super) struct Prepared {
    pub matcher: Matcher,
    pub pool: rayon::ThreadPool,
    pub config: Option<crate::policy::Config>,
    pub opts: ScanOptions,
    pub discovery: source::Discovery,
    pub inputs: Inputs,
    /// The id of the fingerprint key the findings are made with.
    pub key_id: String,
    /// What makes shards parts of one scan (see [`crate::audit::partial`]).
    pub identity: crate::audit::partial::ScanIdentity,
}

impl Prepared {
    /// What judgement does to each file's result as it comes, before it is added
    /// to the report or written to a partial: the `id_field` values of its
    /// violations are set aside and masked.
    pub fn settle(&self, result: &mut crate::audit::FileResult) {
        if let Some(c) = &self.config {
            crate::policy::record_names::mask_record_names(result, c, self.opts.maker.show_values);
        }
    }
}

// Over 80 lines: the scan's set-up step by step (config, rules, keys, options, discovery), each with its error context.
pub(super) fn prepare(
    input: &InputArgs,
    show_values: bool,
    quiet: bool,
    planned: &[Planned<'_>],
    baseline_key_id: Option<&str>,
) -> Result<Prepared> {
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
    let paths = super::shard::input_paths(input)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(input.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    // The rules compile on the scan's threads too (`--threads` holds from the start).
    let (rules, rules_fingerprint) = pool.install(|| load_rules_fingerprinted(&input.rules))?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let (config, config_path) = load_config(input, &cwd, quiet)?.unzip();
    let config_fingerprint = config_path
        .as_deref()
        .map(super::shard::file_fingerprint)
        .transpose()?;
    let as_of = match &input.as_of {
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .with_context(|| format!("--as-of `{d}` is not a date (YYYY-MM-DD)"))?,
        None => today(),
    };
    let (key, key_source) = keys::resolve(&keys::KeyRequest {
        key_file: input.key_file.as_deref(),
        config_key: config.as_ref().and_then(|c| c.fingerprint_key.as_deref()),
        config_dir: config_path.as_deref().and_then(std::path::Path::parent),
        baseline_key_id,
        cwd: &cwd,
    })?;
    let key_id = key.id();
    if !quiet {
        match key_source {
            KeySource::Created(p) => eprintln!(
                "note: created fingerprint key {key_id} for the project {} at {}; set {} or --key-file to share one across machines (CI)",
                keys::project_root(
                    config_path.as_deref().and_then(std::path::Path::parent),
                    &cwd
                )
                .display(),
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
    // A security warning: printed even under --quiet (which CI uses).
    if let Some((from, len)) =
        keys::weak_key(config.as_ref().and_then(|c| c.fingerprint_key.as_deref()))
    {
        eprintln!(
            "warning: {from} is only {len} bytes; fingerprints are only as strong as the key: use at least {} random bytes",
            keys::MIN_KEY_BYTES
        );
    }
    if show_values && !quiet {
        eprintln!("warning: --show-values: the report will contain personal data in clear");
    }
    let limits = limits_of(&input.limits);
    let opts = ScanOptions {
        limits: limits.clone(),
        maker: FindingMaker {
            show_values,
            key,
            min_confidence: input.min_confidence,
            roots: paths.iter().map(|p| source::display_path(p)).collect(),
        },
        delimiter,
        no_header: input.no_header,
        policy: config.clone().map(std::sync::Arc::new),
        as_of,
    };
    let discovery = source::discover(&paths, &limits);
    let inputs = Inputs::new(&paths).with_found(
        discovery
            .sources
            .iter()
            .map(|s| (s.path.as_path(), s.display.as_str())),
    );
    for p in planned.iter().filter(|p| p.path.as_os_str() != "-") {
        inputs.refuse(p.flag, p.path, p.beside_files)?;
    }
    let identity = super::shard::identity(
        &opts,
        &discovery,
        &key_id,
        rules_fingerprint,
        config_fingerprint,
    );
    Ok(Prepared {
        matcher: Matcher::new(rules),
        pool,
        config,
        opts,
        discovery,
        inputs,
        key_id,
        identity,
    })
}

pub(super) fn run_pipeline(
    input: &InputArgs,
    show_values: bool,
    lang: Lang,
    quiet: bool,
    planned: &[Planned<'_>],
    baseline_key_id: Option<&str>,
) -> Result<Scanned> {
    let prepared = prepare(input, show_values, quiet, planned, baseline_key_id)?;
    let Prepared {
        matcher,
        pool,
        opts,
        discovery,
        ..
    } = &prepared;
    let progress = ProgressBar::new(&discovery.sources, quiet, lang);
    let mut report = Report::begin(discovery.errors.clone(), discovery.skipped.clone());
    report.summary.fingerprint_key_id = Some(prepared.key_id.clone());
    let matchers = pool.install(|| scan::MatcherPool::new(matcher, rayon::current_num_threads()));
    pool.install(|| {
        scan::scan_sources_pooled(
            &discovery.sources,
            &matchers,
            matcher.rules(),
            opts,
            &progress,
            &mut |_, mut r| {
                prepared.settle(&mut r);
                report.add(r)
            },
        )
    });
    drop(progress);
    crate::interrupt::check()?;
    let nothing_read = finish_report(&mut report, prepared.config.as_ref(), matcher.rules(), lang);
    Ok(Scanned {
        report,
        rules: prepared.matcher.rules().clone(),
        nothing_read,
        inputs: prepared.inputs,
        key_id: prepared.key_id,
        sources: prepared.discovery.sources,
        opts: prepared.opts,
        matchers,
        workers: prepared.pool,
        config: prepared.config,
    })
}

/// Scan `paths` again with what an earlier scan set up — its matchers, workers,
/// options and config — instead of loading and compiling everything anew: the
/// report as [`run_pipeline`] would make it (allowlist and to-do list applied).
/// `roots` are the paths findings are shown relative to.
pub(super) fn rescan(
    scanned: &Scanned,
    paths: &[std::path::PathBuf],
    lang: Lang,
) -> Result<Report> {
    let mut opts = scanned.opts.clone();
    opts.maker.roots = paths.iter().map(|p| source::display_path(p)).collect();
    let discovery = source::discover(paths, &opts.limits);
    let mut report = Report::begin(discovery.errors.clone(), discovery.skipped.clone());
    report.summary.fingerprint_key_id = Some(scanned.key_id.clone());
    let rules = &scanned.rules;
    scanned.workers.install(|| {
        scan::scan_sources_pooled(
            &discovery.sources,
            &scanned.matchers,
            rules,
            &opts,
            &(),
            &mut |_, mut r| {
                if let Some(c) = &scanned.config {
                    crate::policy::record_names::mask_record_names(
                        &mut r,
                        c,
                        opts.maker.show_values,
                    );
                }
                report.add(r)
            },
        )
    });
    crate::interrupt::check()?;
    finish_report(&mut report, scanned.config.as_ref(), rules, lang);
    Ok(report)
}

/// What is decided over the whole report once every file is in — coverage, the
/// allowlist, the source-level policy checks, the to-do list — for a single scan
/// and a merge of shards alike. True when nothing at all could be read.
pub(super) fn finish_report(
    report: &mut Report,
    config: Option<&crate::policy::Config>,
    rules: &RuleSet,
    lang: Lang,
) -> bool {
    report.refresh_coverage();
    let nothing_read = report.summary.records == 0 && report.summary.messages == 0;
    if let Some(c) = config {
        let before = report.findings.len();
        report.summary.allowlist = crate::suppress::apply(report, &c.allowlist);
        if report.findings.len() != before {
            report.refresh_counts();
        }
        let mut source_level = crate::policy::source_violations(c, report);
        report.violations.append(&mut source_level);
    }
    report.todo = plan_todo(report, rules, lang);
    nothing_read
}

/// The input limits the command line sets.
pub(super) fn limits_of(l: &crate::cli::LimitArgs) -> Limits {
    Limits {
        max_field_bytes: usize::try_from(l.max_field_size).unwrap_or(usize::MAX),
        max_message_bytes: usize::try_from(l.max_message_size).unwrap_or(usize::MAX),
        max_mime_depth: l.max_mime_depth,
        max_decompressed_bytes: l.max_decompressed_size,
        max_findings_per_rule_and_file: l.max_findings_per_rule,
        max_columns: l.max_columns.max(1),
        max_archive_depth: l.max_archive_depth.max(1),
        max_archive_members: l.max_archive_members,
        ..Limits::default()
    }
}

/// `--config FILE`, else the nearest gdpr-audit.yaml above the current directory;
/// with the path it was read from.
pub(super) fn load_config(
    input: &InputArgs,
    cwd: &std::path::Path,
    quiet: bool,
) -> Result<Option<(crate::policy::Config, std::path::PathBuf)>> {
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
    Ok(Some((config, path)))
}

/// The to-do list: findings and policy violations, most urgent first. The
/// report's finding groups go into the items (they are counted again from the
/// findings if anything asks for them later).
fn plan_todo(report: &mut Report, rules: &RuleSet, lang: Lang) -> Vec<crate::audit::TodoItem> {
    let from_violations = crate::policy::violations_to_todo(&report.violations, report, lang);
    let groups = report.take_finding_groups();
    let mut items = crate::todo::plan_groups(groups, report, Some(rules), lang);
    items.extend(from_violations);
    crate::todo::sort_items(&mut items);
    items
}

// Over 80 lines: the scan command's steps (baseline, allowlist, policy, outputs, exit code) in the order they apply.
pub fn scan_command(args: &ScanArgs, quiet: bool) -> Result<ExitStatus> {
    if args.shard.is_some() || args.format == Some(Format::Partial) {
        return super::shard::shard_command(args, quiet);
    }
    let mut planned = Vec::new();
    if let Some(dir) = &args.export_actions {
        planned.push(Planned {
            flag: "--export-actions",
            path: dir,
            beside_files: true,
        });
    }
    if let Some(path) = &args.output {
        planned.push(Planned {
            flag: "--output",
            path,
            beside_files: false,
        });
    }
    // Read before scanning: a bad baseline fails fast, and its key id chooses the key.
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    let Scanned {
        mut report,
        rules,
        nothing_read,
        inputs,
        key_id,
        ..
    } = run_pipeline(
        &args.input,
        args.show_values,
        args.lang,
        quiet,
        &planned,
        baseline.as_ref().and_then(|b| b.key_id.as_deref()),
    )?;
    if let (Some(path), Some(baseline)) = (&args.baseline, baseline) {
        baseline.check_key(&path.display().to_string(), &key_id)?;
        if baseline.key_id.is_none() && !quiet {
            eprintln!(
                "warning: baseline {} records no fingerprint key id (made by an older version); if every finding shows as new, it was made with another key",
                path.display()
            );
        }
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
        report.todo = plan_todo(&mut report, &rules, args.lang);
    }
    // Every output is staged first and renamed into place together: a full disk
    // leaves all of them or none.
    let mut outputs = crate::output_target::Outputs::new();
    let exported = match &args.export_actions {
        Some(dir) => Some(
            crate::render::export_actions(&report, dir, &inputs, &mut outputs)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        None => None,
    };
    let shown = Shown {
        format: args.format,
        output: args.output.as_deref(),
        lang: args.lang,
        verbose: args.verbose,
    };
    stage_report(&mut outputs, &report, &shown, &rules, &inputs)?;
    commit(outputs)?;
    if let (Some(written), Some(dir), false) = (&exported, &args.export_actions, quiet) {
        eprintln!("wrote {} action files to {}", written.len(), dir.display());
    }
    Ok(exit_status(
        &report,
        nothing_read,
        &Verdict {
            strict: args.strict,
            fail_on: args.fail_on,
            max_findings: args.max_findings,
            lang: args.lang,
        },
        quiet,
    ))
}

/// How a finished report is shown (`scan` and `merge`).
pub(super) struct Shown<'a> {
    pub format: Option<Format>,
    pub output: Option<&'a std::path::Path>,
    pub lang: Lang,
    pub verbose: bool,
}

/// Render the report as `--format` asks (table on a terminal, JSON otherwise)
/// and stage it for `--output`.
pub(super) fn stage_report(
    outputs: &mut crate::output_target::Outputs,
    report: &Report,
    shown: &Shown<'_>,
    rules: &RuleSet,
    inputs: &Inputs,
) -> Result<()> {
    let to_terminal = stdout_is_terminal(shown.output);
    let format = shown.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let ropts = render::RenderOptions {
        lang: shown.lang,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
        verbose: shown.verbose,
        rules,
    };
    stage_output(
        outputs,
        "--output",
        shown.output,
        inputs,
        super::report_text(format),
        |w| render::render(report, format, &ropts, w),
    )
}

/// What makes a finished report fail the run (`scan` and `merge`).
pub(super) struct Verdict {
    pub strict: bool,
    pub fail_on: crate::cli::FailOn,
    pub max_findings: Option<u64>,
    /// The language of what is said on standard error.
    pub lang: Lang,
}

pub(super) fn exit_status(
    report: &Report,
    nothing_read: bool,
    verdict: &Verdict,
    quiet: bool,
) -> ExitStatus {
    // Errors are said even with -q, which silences everything else.
    if nothing_read {
        eprintln!("error: no readable input");
        return ExitStatus::Error;
    }
    let c = &report.coverage;
    if !c.complete && !quiet {
        // Said on standard error too: a report written to a file is not seen here.
        eprintln!(
            "warning: {}",
            crate::i18n::coverage::incomplete(verdict.lang, c.files_not_read, c.files_total)
        );
    }
    if verdict.strict && !c.complete {
        eprintln!(
            "error: {}",
            crate::i18n::coverage::strict_failure(verdict.lang, c.files_not_read, c.files_total)
        );
        return ExitStatus::Error;
    }
    let over_threshold = fail_threshold(verdict.fail_on).is_some_and(|t| {
        report.worst_severity().is_some_and(|w| w >= t)
            || report.violations.iter().any(|v| v.kind.severity() >= t)
    });
    let too_many = verdict
        .max_findings
        .is_some_and(|n| report.summary.findings > n);
    if over_threshold || too_many {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

fn read_baseline(path: &std::path::Path) -> Result<Baseline> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read baseline {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a gdpr-audit baseline", path.display()))
}

pub fn baseline_command(args: &BaselineArgs, quiet: bool) -> Result<ExitStatus> {
    let planned = [Planned {
        flag: "--output",
        path: &args.output,
        beside_files: false,
    }];
    let Scanned {
        report,
        nothing_read,
        inputs,
        key_id,
        ..
    } = run_pipeline(&args.input, false, Lang::En, quiet, &planned, None)?;
    if nothing_read {
        bail!("no readable input: nothing to record");
    }
    let baseline = Baseline::from_findings(&report.findings, Some(key_id.clone()));
    write_output(Some(&args.output), &inputs, |w| {
        serde_json::to_writer_pretty(&mut *w, &baseline).map_err(std::io::Error::other)?;
        writeln!(w)
    })?;
    if !quiet {
        eprintln!(
            "wrote {} ({} fingerprints, {} findings, key {key_id})",
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
    let planned = [Planned {
        flag: "--output",
        path: &args.output,
        beside_files: false,
    }];
    let Scanned {
        report,
        nothing_read,
        inputs,
        ..
    } = run_pipeline(&input, false, Lang::En, quiet, &planned, None)?;
    if nothing_read {
        bail!("no readable input: nothing to describe");
    }
    let draft = crate::render::draft_config(&report, &args.input.paths);
    write_output(Some(&args.output), &inputs, |w| {
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
pub(super) fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}
