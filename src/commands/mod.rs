//! What each subcommand does. `main` only parses arguments, calls [`run`] and maps
//! the outcome to an exit code.

mod man;
mod misc;
pub mod rule_examples;
mod rules;
mod scan;

use crate::ExitStatus;
use crate::cli::{Cli, Command, FailOn, RuleArgs};
use crate::model::Severity;
use crate::rules::{RuleSet, RuleSetBuilder};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(cli: Cli) -> Result<ExitStatus> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Scan(args) => scan::scan_command(&args, quiet),
        Command::Baseline(args) => scan::baseline_command(&args, quiet),
        Command::Init(args) => scan::init_command(&args, quiet),
        Command::Diff(args) => misc::diff_command(&args),
        Command::Report(args) => misc::report_command(&args),
        Command::Rules { command, rules } => rules::rules_command(command, &rules),
        Command::Schema => {
            let mut out = std::io::stdout().lock();
            out.write_all(REPORT_SCHEMA.as_bytes())?;
            Ok(ExitStatus::Clean)
        }
        Command::Completions { shell } => misc::completions(shell),
        Command::Man(args) => man::man_command(&args),
    }
}

/// The JSON Schema of the report, kept beside the code that writes it.
pub const REPORT_SCHEMA: &str = include_str!("../../schema/report.schema.json");

pub fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    let mut b = RuleSetBuilder::new(!args.no_default_rules);
    for p in &args.rules {
        b.add_path(p);
    }
    let rules = b
        .build()
        .map_err(|e| anyhow::anyhow!("the rules could not be loaded: {e}"))?;
    if rules.is_empty() {
        bail!("no rules loaded (--no-default-rules without --rules)");
    }
    Ok(rules)
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

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// True when `path` is one of `inputs` or lies inside one of them.
fn inside_inputs(path: &Path, inputs: &[PathBuf]) -> bool {
    let target = match std::fs::canonicalize(path) {
        Ok(p) => p,
        Err(_) => match path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .and_then(|p| std::fs::canonicalize(p).ok())
        {
            Some(parent) => parent.join(path.file_name().unwrap_or_default()),
            None => return false,
        },
    };
    inputs
        .iter()
        .filter_map(|i| std::fs::canonicalize(i).ok())
        .any(|i| target == i || (i.is_dir() && target.starts_with(&i)))
}

/// The terminal's width from `COLUMNS`, else 80 (the table must fit 80 columns).
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(80)
}

/// Write to FILE atomically (never over an input), or to standard output.
pub fn write_output(
    output: Option<&Path>,
    inputs: &[PathBuf],
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match output {
        Some(path) => {
            // An existing file named on the command line or found inside a scanned
            // folder is an input: never written over.
            if inputs.iter().any(|p| same_file(p, path))
                || (path.exists() && inside_inputs(path, inputs))
            {
                bail!(
                    "--output {} is one of the inputs; inputs are never written",
                    path.display()
                );
            }
            crate::output::write_atomic(path, fill)
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            // Stdout is line-buffered: unbuffered, pretty JSON would be a write per line.
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout().lock());
            fill(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}
