//! Command-line syntax only (clap derive). Validation and work happen in
//! [`crate::commands`].

use crate::i18n::Lang;
use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "gdpr-audit", version = concat!(env!("CARGO_PKG_VERSION"), " (rules ", "2026.11.1", ")"), about = "Find personal data where it should not be in CRM exports and mailbox dumps, and get a prioritized GDPR to-do list")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but the report and errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan CSV exports and mailboxes (files or directories).
    Scan(ScanArgs),
    /// List, show, test or export the rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Render a saved JSON report in another format, without scanning again.
    Report(ReportArgs),
    /// Print the JSON Schema of the report.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    None,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// Add rule files (or directories of them); a rule with an existing id replaces it.
    #[arg(long = "rules", value_name = "PATH", global = true)]
    pub rules: Vec<PathBuf>,
    /// Do not load the bundled rule pack.
    #[arg(long, global = true)]
    pub no_default_rules: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show matched values in clear instead of masked. The report then holds personal data.
    #[arg(long)]
    pub show_values: bool,
    /// Drop matches below this confidence (0–1).
    #[arg(long, default_value_t = 0.0, value_name = "X")]
    pub min_confidence: f64,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub fail_on: FailOn,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// CSV delimiter instead of sniffing (`,` `;` `tab` `|`).
    #[arg(long, value_name = "C")]
    pub delimiter: Option<String>,
    /// Language of the report text.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// One line per rule.
    List,
    /// Everything about one rule.
    Show { id: String },
    /// Run every rule's examples; with FILEs, only the rules in those files.
    Test { files: Vec<PathBuf> },
    /// Print the rules' regular expressions, one per line (for ripgrep comparisons).
    Export {
        /// Export the patterns as regexes (the only form for now).
        #[arg(long)]
        regex: bool,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A report written by `scan --format json`.
    pub report: PathBuf,
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}
