//! What each subcommand does. `main` only parses arguments, calls [`run`] and maps
//! the outcome to an exit code.

mod man;
mod misc;
mod redact;
mod redact_proof;
pub mod rule_examples;
mod rules;
mod scan;
mod shard;
mod subject;

use crate::ExitStatus;
use crate::cli::{Cli, Command, FailOn, RuleArgs};
use crate::input_guard::Inputs;
use crate::model::Severity;
use crate::output_target::{OutputTarget, Outputs};
use crate::rules::{RuleSet, RuleSetBuilder};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;

pub fn run(cli: Cli) -> Result<ExitStatus> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Scan(args) => scan::scan_command(&args, quiet),
        Command::Baseline(args) => scan::baseline_command(&args, quiet),
        Command::Init(args) => scan::init_command(&args, quiet),
        Command::Merge(args) => shard::merge_command(&args, quiet),
        Command::Diff(args) => misc::diff_command(&args),
        Command::Report(args) => misc::report_command(&args),
        Command::Rules { command, rules } => rules::rules_command(command, &rules),
        Command::Redact(args) => redact::redact_command(&args, quiet),
        Command::Subject { command } => subject::subject_command(*command, quiet),
        Command::Schema { subject } => {
            let mut out = std::io::stdout().lock();
            let schema = if subject {
                SUBJECT_SCHEMA
            } else {
                REPORT_SCHEMA
            };
            out.write_all(schema.as_bytes())?;
            Ok(ExitStatus::Clean)
        }
        Command::Completions { shell } => misc::completions(shell),
        Command::Man(args) => man::man_command(&args),
    }
}

/// The JSON Schema of the report, kept beside the code that writes it.
pub const REPORT_SCHEMA: &str = include_str!("../../schema/report.schema.json");

/// The JSON Schema of `subject find` and `subject erase` reports.
pub const SUBJECT_SCHEMA: &str = include_str!("../../schema/subject.schema.json");

pub fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    Ok(load_rules_fingerprinted(args)?.0)
}

/// The rules, and a hash of their files' text (shards of one scan use the same).
pub fn load_rules_fingerprinted(args: &RuleArgs) -> Result<(RuleSet, String)> {
    load_rules_with(args, RuleSetBuilder::build)
}

/// The rules for planning and rendering only (`merge`: no scan, a fraction of the
/// memory), and their hash.
pub fn load_rule_catalog(args: &RuleArgs) -> Result<(RuleSet, String)> {
    load_rules_with(args, RuleSetBuilder::build_catalog)
}

fn load_rules_with(
    args: &RuleArgs,
    build: fn(&RuleSetBuilder) -> Result<RuleSet, crate::rules::RuleErrors>,
) -> Result<(RuleSet, String)> {
    let mut b = RuleSetBuilder::new(!args.no_default_rules);
    for p in &args.rules {
        b.add_path(p);
    }
    let fingerprint = b.fingerprint();
    let rules = build(&b).map_err(|e| anyhow::anyhow!("the rules could not be loaded: {e}"))?;
    if rules.is_empty() {
        bail!("no rules loaded (--no-default-rules without --rules)");
    }
    Ok((rules, fingerprint))
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

/// Does the report go to standard output, and is that a terminal?
fn stdout_is_terminal(output: Option<&Path>) -> bool {
    use std::io::IsTerminal;
    output.is_none_or(|p| p.as_os_str() == "-") && std::io::stdout().is_terminal()
}

/// The terminal's width from `COLUMNS`, else 80 (the table must fit 80 columns).
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(80)
}

/// Write to FILE atomically (never an input, never inside a scanned tree), to a
/// device or FIFO directly, or to standard output (`None` or `-`); text that
/// reaches a terminal is made safe for it.
pub fn write_output(
    output: Option<&Path>,
    inputs: &Inputs,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut outputs = Outputs::new();
    stage_output(&mut outputs, "--output", output, inputs, Text::Text, fill)?;
    commit(outputs)
}

/// What an output holds, for a terminal: text from the inputs that must be made
/// safe there, or a rendering that did so itself (the table, with its colours).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Text,
    SelfCleaned,
}

/// Resolve and check one output of a command, and write it (a file into a
/// temporary file that [`commit`] renames, with the command's other outputs).
pub fn stage_output(
    outputs: &mut Outputs,
    flag: &str,
    output: Option<&Path>,
    inputs: &Inputs,
    text: Text,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let target = match output {
        Some(path) => OutputTarget::resolve(path)?,
        None => OutputTarget::Stdout,
    };
    let shown = output.map_or_else(
        || "standard output".to_string(),
        |p| p.display().to_string(),
    );
    // A descriptor was opened by the caller: nothing is created or replaced.
    let named_file = !matches!(target, OutputTarget::Stdout | OutputTarget::Descriptor(_));
    if let Some(path) = output.filter(|_| named_file) {
        inputs.refuse(flag, path, false)?;
    }
    match text {
        Text::Text => outputs.stage_for_terminal(&target, fill),
        Text::SelfCleaned => outputs.stage(&target, fill),
    }
    .with_context(|| format!("cannot write {shown}"))
}

/// The table cleans its own cells (and colours them); every other format is
/// filtered when it reaches a terminal.
fn report_text(format: crate::render::Format) -> Text {
    if format == crate::render::Format::Table {
        Text::SelfCleaned
    } else {
        Text::Text
    }
}

/// Rename every staged output into place.
pub fn commit(outputs: Outputs) -> Result<()> {
    outputs
        .commit()
        .map_err(|(path, e)| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}
