//! What each subcommand does. `main` only parses arguments, calls [`run`] and maps
//! the outcome to an exit code.

use crate::ExitStatus;
use crate::classify::FindingMaker;
use crate::cli::{Cli, Command, FailOn, RuleArgs, RulesCommand, ScanArgs};
use crate::engine::Matcher;
use crate::keys::{self, KeySource};
use crate::model::Severity;
use crate::report::{self, Format, Report};
use crate::rules::{RuleSet, RuleSetBuilder};
use crate::scan::{self, ScanOptions};
use crate::source::{self, Limits};
use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};

pub fn run(cli: Cli) -> Result<ExitStatus> {
    match cli.command {
        Command::Scan(args) => scan_command(&args, cli.quiet),
        Command::Rules { command, rules } => rules_command(command, &rules),
        Command::Report(args) => report_command(&args),
        Command::Schema => {
            let mut out = std::io::stdout().lock();
            out.write_all(REPORT_SCHEMA.as_bytes())?;
            Ok(ExitStatus::Clean)
        }
    }
}

/// The JSON Schema of the report, kept beside the code that writes it.
pub const REPORT_SCHEMA: &str = include_str!("../schema/report.schema.json");

pub fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    let mut b = RuleSetBuilder::new(!args.no_default_rules);
    for p in &args.rules {
        b.add_path(p);
    }
    let rules = b
        .build()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("the rules could not be loaded")?;
    if rules.is_empty() {
        bail!("no rules loaded (--no-default-rules without --rules)");
    }
    Ok(rules)
}

fn parse_delimiter(s: &str) -> Result<u8> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => bail!("--delimiter must be one ASCII character or `tab`, not `{s}`"),
    }
}

fn fail_threshold(f: FailOn) -> Option<Severity> {
    match f {
        FailOn::None => None,
        FailOn::Low => Some(Severity::Low),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::High => Some(Severity::High),
        FailOn::Critical => Some(Severity::Critical),
    }
}

fn scan_command(args: &ScanArgs, quiet: bool) -> Result<ExitStatus> {
    if !(0.0..=1.0).contains(&args.min_confidence) {
        bail!("--min-confidence must be between 0 and 1");
    }
    let delimiter = args.delimiter.as_deref().map(parse_delimiter).transpose()?;
    let rules = load_rules(&args.rules)?;
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
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
    if args.show_values && !quiet {
        eprintln!("warning: --show-values: the report will contain personal data in clear");
    }
    let limits = Limits::default();
    let opts = ScanOptions {
        limits: limits.clone(),
        maker: FindingMaker {
            show_values: args.show_values,
            key,
            min_confidence: args.min_confidence,
            roots: args.paths.iter().map(|p| source::display_path(p)).collect(),
        },
        delimiter,
    };
    let discovery = source::discover(&args.paths, &limits);
    let matcher = Matcher::new(rules);
    let results = pool.install(|| scan::scan_sources(&discovery.sources, &matcher, &opts, &()));
    let nothing_read = results.is_empty()
        || results
            .iter()
            .all(|r| r.summary.records == 0 && r.summary.messages == 0 && !r.errors.is_empty());
    let mut report = Report::assemble(results, discovery.errors, discovery.skipped);
    report.todo = crate::todo::plan(&report, Some(matcher.rules()), args.lang);

    let format = args.format.unwrap_or(
        if args.output.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        },
    );
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let ropts = report::RenderOptions {
        lang: args.lang,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
        rules: matcher.rules(),
    };
    let render = |w: &mut dyn Write| report::render(&report, format, &ropts, w);
    match &args.output {
        Some(path) => {
            if args.paths.iter().any(|p| same_file(p, path)) {
                bail!(
                    "--output {} is one of the inputs; inputs are never written",
                    path.display()
                );
            }
            crate::output::write_atomic(path, render)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            render(&mut out)?;
            out.flush()?;
        }
    }
    if nothing_read && report.summary.files == 0
        || nothing_read && !report.summary.errors.is_empty()
    {
        if !quiet {
            eprintln!("error: no readable input");
        }
        return Ok(ExitStatus::Error);
    }
    let failing = fail_threshold(args.fail_on)
        .is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    Ok(if failing {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn rules_command(cmd: RulesCommand, args: &RuleArgs) -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    match cmd {
        RulesCommand::List => {
            let rules = load_rules(args)?;
            for r in &rules.rules {
                writeln!(
                    out,
                    "{:<28} {:<15} {:<9} {}",
                    r.id,
                    r.category.as_str(),
                    r.severity.as_str(),
                    r.name
                )?;
            }
            Ok(ExitStatus::Clean)
        }
        RulesCommand::Show { id } => {
            let rules = load_rules(args)?;
            let Some(r) = rules.get(&id) else {
                bail!("no rule with id `{id}` (see `gdpr-audit rules list`)")
            };
            writeln!(out, "{} — {}\n", r.id, r.name)?;
            writeln!(
                out,
                "category:  {}\nseverity:  {}\narticle:   {}\nsource:    {}",
                r.category, r.severity, r.article, r.origin
            )?;
            if let Some(v) = r.validator {
                writeln!(out, "validator: {} — {}", v.name(), v.describe())?;
            }
            writeln!(out, "confidence (bare hit): {:.2}", r.base_confidence)?;
            if !r.description.is_empty() {
                writeln!(out, "\n{}", r.description)?;
            }
            for p in &r.pattern_sources {
                writeln!(out, "pattern:   {p}")?;
            }
            if !r.keywords.is_empty() {
                let kws: Vec<String> = r
                    .keywords
                    .iter()
                    .map(|k| {
                        format!(
                            "{}{}{}",
                            if k.open_start { "*" } else { "" },
                            k.text,
                            if k.open_end { "*" } else { "" }
                        )
                    })
                    .collect();
                writeln!(out, "keywords:  {}", kws.join(", "))?;
            }
            if let Some(c) = &r.context {
                writeln!(
                    out,
                    "context:   {} (window {}{}{})",
                    c.words.join(", "),
                    c.window,
                    if c.required { ", required" } else { "" },
                    if c.before_only { ", before only" } else { "" }
                )?;
            }
            if let Some(x) = &r.exclude {
                writeln!(
                    out,
                    "exclude:   {} (window {}, {})",
                    x.words.join(", "),
                    x.window,
                    if x.drop { "drop" } else { "lower" }
                )?;
            }
            if !r.action.is_empty() {
                writeln!(out, "\naction: {}", r.action)?;
            }
            writeln!(out, "\nexamples that match:")?;
            for e in &r.examples.should_match {
                writeln!(out, "  + {e}")?;
            }
            writeln!(out, "examples that must not match:")?;
            for e in &r.examples.no_match {
                writeln!(out, "  - {e}")?;
            }
            Ok(ExitStatus::Clean)
        }
        RulesCommand::Test { files } => {
            let rules = if files.is_empty() {
                load_rules(args)?
            } else {
                let mut b = RuleSetBuilder::new(false);
                for f in &files {
                    b.add_path(f);
                }
                b.build()
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .context("the rules could not be loaded")?
            };
            let outcome = crate::rules::examples::run(&rules);
            for fail in &outcome.failures {
                writeln!(out, "FAIL {fail}")?;
            }
            writeln!(
                out,
                "{} rules, {} examples: {} passed, {} failed",
                rules.len(),
                outcome.checked,
                outcome.checked - outcome.failures.len(),
                outcome.failures.len()
            )?;
            Ok(if outcome.failures.is_empty() {
                ExitStatus::Clean
            } else {
                ExitStatus::Findings
            })
        }
        RulesCommand::Export { .. } => {
            let rules = load_rules(args)?;
            for r in &rules.rules {
                for p in &r.pattern_sources {
                    writeln!(out, "{p}")?;
                }
                for k in &r.keywords {
                    writeln!(
                        out,
                        "(?i){}{}{}",
                        if k.open_start { "\\w*" } else { "\\b" },
                        regex::escape(&k.text),
                        if k.open_end { "\\w*" } else { "\\b" }
                    )?;
                }
            }
            Ok(ExitStatus::Clean)
        }
    }
}

/// The terminal's width from `COLUMNS`, else 80 (the table must fit 80 columns).
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(80)
}

fn report_command(args: &crate::cli::ReportArgs) -> Result<ExitStatus> {
    let text = std::fs::read_to_string(&args.report)
        .with_context(|| format!("cannot read {}", args.report.display()))?;
    let mut report: Report = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a gdpr-audit JSON report", args.report.display()))?;
    crate::todo::relabel(&mut report.todo, args.lang);
    let rules = RuleSet::builtin().map_err(|e| anyhow::anyhow!("{e}"))?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let ropts = report::RenderOptions {
        lang: args.lang,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
        rules: &rules,
    };
    write_output(args.output.as_deref(), &[], |w| {
        report::render(&report, args.format, &ropts, w)
    })?;
    Ok(ExitStatus::Clean)
}

/// Write to FILE atomically (never over an input), or to standard output.
pub fn write_output(
    output: Option<&std::path::Path>,
    inputs: &[std::path::PathBuf],
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match output {
        Some(path) => {
            if inputs.iter().any(|p| same_file(p, path)) {
                bail!(
                    "--output {} is one of the inputs; inputs are never written",
                    path.display()
                );
            }
            crate::output::write_atomic(path, fill)
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            fill(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}
