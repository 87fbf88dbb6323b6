//! Command-line syntax only (clap derive). Validation and work happen in
//! [`crate::commands`].

use crate::i18n::Lang;
use crate::render::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub mod redact;
pub mod subject;

/// The version line: the tool and the rule pack it carries.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (rule pack ", "2026.11.1", ")");

#[derive(Debug, Parser)]
#[command(
    name = "gdpr-audit",
    version = VERSION,
    about = "Find personal data where it should not be in CRM exports and mailbox dumps, and get a prioritized GDPR to-do list",
    after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 error, 130 interrupted.\nManuals: `gdpr-audit man scan` (one per command) or `gdpr-audit man --all DIR`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing on standard error but errors (no progress, no notes).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan CSV exports and mailboxes (files or directories).
    Scan(ScanArgs),
    /// Record the current findings' fingerprints as accepted (no values are written).
    Baseline(BaselineArgs),
    /// What is new, fixed and unchanged between two JSON reports.
    Diff(DiffArgs),
    /// Merge the partial reports of a sharded scan into the report one scan writes.
    Merge(MergeArgs),
    /// Scan and write a draft gdpr-audit.yaml: the first version of a record of processing.
    Init(InitArgs),
    /// Render a saved JSON report in another format, without scanning again.
    Report(ReportArgs),
    /// List, show, test or export the rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Data-subject requests: find a person everywhere, export their data, plan its erasure.
    Subject {
        #[command(subcommand)]
        command: Box<subject::SubjectCommand>,
    },
    /// Write cleaned copies (findings replaced, expired records dropped) and prove them clean.
    Redact(redact::RedactArgs),
    /// Print the JSON Schema of the report.
    Schema {
        /// The schema of the subject reports (`subject find` and `subject erase`) instead.
        #[arg(long)]
        subject: bool,
    },
    /// Print shell completions.
    Completions {
        /// The shell to print completions for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): the tool's, or one command's; or write them all.
    Man(ManArgs),
}

/// Headings that group the options in `--help` and the manuals, as ripgrep does.
pub mod heading {
    pub const INPUT: &str = "Input";
    pub const DETECTION: &str = "Detection";
    pub const POLICY: &str = "Policy";
    pub const OUTPUT: &str = "Output";
    pub const CI: &str = "CI";
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (`scan`, `rules list`); none: the tool's page.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Write every page (gdpr-audit.1, gdpr-audit-scan.1, …) into DIR instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub all: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    /// Never fail on findings.
    None,
    /// Fail on any finding.
    Low,
    /// Fail on medium, high and critical findings.
    Medium,
    /// Fail on high and critical findings.
    High,
    /// Fail only on critical findings (special categories, identity numbers).
    Critical,
}

#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// Add rule files (or directories of them); a rule with an existing id replaces it.
    #[arg(long = "rules", value_name = "PATH", global = true, help_heading = heading::DETECTION)]
    pub rules: Vec<PathBuf>,
    /// Do not load the bundled rule pack.
    #[arg(long, global = true, help_heading = heading::DETECTION)]
    pub no_default_rules: bool,
}

/// What every command that scans takes.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files or directories to scan.
    #[arg(required_unless_present = "files_from", value_name = "PATH", help_heading = heading::INPUT)]
    pub paths: Vec<PathBuf>,
    /// Scan also the paths listed in FILE, one per line (from another tool).
    #[arg(long, value_name = "FILE", help_heading = heading::INPUT)]
    pub files_from: Option<PathBuf>,
    /// Policy file (default: gdpr-audit.yaml in the current directory or a parent).
    #[arg(long, value_name = "FILE", help_heading = heading::POLICY)]
    pub config: Option<PathBuf>,
    /// Ignore any gdpr-audit.yaml that would be found automatically.
    #[arg(long, help_heading = heading::POLICY)]
    pub no_config: bool,
    /// The date retention and consent are checked against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = heading::POLICY)]
    pub as_of: Option<String>,
    /// Drop matches below this confidence (0–1).
    #[arg(long, default_value_t = 0.0, value_name = "X", help_heading = heading::DETECTION)]
    pub min_confidence: f64,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", help_heading = heading::INPUT)]
    pub threads: Option<usize>,
    /// CSV delimiter instead of sniffing (`,` `;` `tab` `|`).
    #[arg(long, value_name = "C", help_heading = heading::INPUT)]
    pub delimiter: Option<String>,
    /// CSV files have no header row: the first row is a record and columns are
    /// named column_1, column_2, ... (a first row holding values is detected anyway).
    #[arg(long, help_heading = heading::INPUT)]
    pub no_header: bool,

    /// Read the fingerprint key from FILE (at least 16 bytes; a trailing newline is
    /// ignored). Wins over GDPR_AUDIT_KEY and the policy's fingerprint_key.
    #[arg(long, value_name = "FILE", help_heading = heading::CI)]
    pub key_file: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits against hostile input; each is reported when hit. Sizes take K, M or G.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = heading::INPUT)]
pub struct LimitArgs {
    /// Longest CSV field or decoded mail part that is scanned (the rest is skipped, with a warning);
    /// a CSV record longer than 4 × this stops its file with an error.
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_field_size: u64,
    /// Largest message read from a mailbox (the rest is skipped, with a warning).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_message_size: u64,
    /// Deepest MIME nesting followed.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub max_mime_depth: usize,
    /// Most bytes a gzip file, or an archive with all its members, may expand to
    /// (more is reported as a possible gzip or zip bomb).
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = parse_size)]
    pub max_decompressed_size: u64,
    /// Deepest nesting of archives in archives that is opened (a zip in a zip is 2).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_archive_depth: usize,
    /// Most members read from one archive, nested archives' included.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_archive_members: u64,
    /// Findings listed per rule and file; counts stay exact beyond it.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_findings_per_rule: usize,
    /// CSV columns profiled and named; further columns are scanned as free text.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_columns: usize,
}

/// `4096`, `64K`, `16M`, `2G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&t[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 4096, 64K, 16M, 2G)"))?;
    n.checked_mul(mult)
        .filter(|&v| v > 0)
        .ok_or_else(|| format!("`{s}` is out of range"))
}

/// Exit codes of the commands that scan, for `--help` and the manuals.
pub const SCAN_EXIT_CODES: &str = "Exit codes: 0 nothing at or above --fail-on (and not more than --max-findings); 1 findings at or above --fail-on, or more than --max-findings; 2 error: bad arguments, rules, policy or baseline, no readable input, or (--strict) a file not fully scanned; 130 interrupted (Ctrl-C): nothing was written.";

#[derive(Debug, Args)]
#[command(after_help = SCAN_EXIT_CODES)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, short = 'f', value_enum, help_heading = heading::OUTPUT)]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = heading::OUTPUT)]
    pub output: Option<PathBuf>,
    /// Show matched values in clear instead of masked. The report then holds personal data.
    #[arg(long, help_heading = heading::OUTPUT)]
    pub show_values: bool,
    /// Write, per to-do action that targets records, a CSV of the affected record ids.
    #[arg(long, value_name = "DIR", help_heading = heading::OUTPUT)]
    pub export_actions: Option<PathBuf>,
    /// Language of the report text.
    #[arg(long, value_enum, default_value_t = Lang::En, help_heading = heading::OUTPUT)]
    pub lang: Lang,
    /// In the table, list every file that was not read (not only the first ten).
    #[arg(long, short = 'v', help_heading = heading::OUTPUT)]
    pub verbose: bool,
    /// Exit 1 when a finding or violation at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::High, help_heading = heading::CI)]
    pub fail_on: FailOn,
    /// Exit 1 when there are more than N findings (after baseline and allowlist).
    #[arg(long, value_name = "N", help_heading = heading::CI)]
    pub max_findings: Option<u64>,
    /// Exit 2 when any file was not fully scanned: unreadable, skipped or cut short.
    #[arg(long, help_heading = heading::CI)]
    pub strict: bool,
    /// Report and fail only on findings not in this baseline.
    #[arg(long, value_name = "FILE", help_heading = heading::CI)]
    pub baseline: Option<PathBuf>,
    /// Scan only shard K of N (whole files by a stable hash of their path, and
    /// byte ranges of files larger than --shard-size) and write a partial report
    /// for `merge`.
    #[arg(long, value_name = "K/N", help_heading = heading::INPUT)]
    pub shard: Option<crate::scan::shard::ShardSpec>,
    /// With --shard: CSV exports and mboxes larger than this are cut into byte
    /// ranges of about this size (at record and message boundaries), which
    /// different shards scan. Every shard must be given the same.
    #[arg(long, value_name = "SIZE", default_value = "256M", value_parser = parse_size, help_heading = heading::INPUT)]
    pub shard_size: u64,
}

#[derive(Debug, Args)]
#[command(after_help = SCAN_EXIT_CODES)]
pub struct MergeArgs {
    /// Partial reports of `scan --shard`, or directories of them (`*.jsonl`); the
    /// byte ranges of a split file are joined, each checked to be there once.
    #[arg(required = true, value_name = "PART", help_heading = heading::INPUT)]
    pub parts: Vec<PathBuf>,
    /// The policy file the shards used (default: gdpr-audit.yaml in the current
    /// directory or a parent).
    #[arg(long, value_name = "FILE", help_heading = heading::POLICY)]
    pub config: Option<PathBuf>,
    /// Ignore any gdpr-audit.yaml that would be found automatically.
    #[arg(long, help_heading = heading::POLICY)]
    pub no_config: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, short = 'f', value_enum, help_heading = heading::OUTPUT)]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = heading::OUTPUT)]
    pub output: Option<PathBuf>,
    /// Language of the report text.
    #[arg(long, value_enum, default_value_t = Lang::En, help_heading = heading::OUTPUT)]
    pub lang: Lang,
    /// In the table, list every file that was not read (not only the first ten).
    #[arg(long, short = 'v', help_heading = heading::OUTPUT)]
    pub verbose: bool,
    /// Exit 1 when a finding or violation at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::High, help_heading = heading::CI)]
    pub fail_on: FailOn,
    /// Exit 1 when there are more than N findings (after the allowlist).
    #[arg(long, value_name = "N", help_heading = heading::CI)]
    pub max_findings: Option<u64>,
    /// Exit 2 when any file was not fully scanned: unreadable, skipped or cut short.
    #[arg(long, help_heading = heading::CI)]
    pub strict: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 baseline written; 2 error (nothing readable, bad arguments, rules or policy); 130 interrupted: nothing was written."
)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the baseline.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = ".gdpr-audit-baseline.json",
        help_heading = heading::OUTPUT
    )]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 draft written; 2 error (the file exists without --force, nothing readable, bad arguments); 130 interrupted: nothing was written."
)]
pub struct InitArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the draft policy.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = "gdpr-audit.yaml",
        help_heading = heading::OUTPUT
    )]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long, help_heading = heading::OUTPUT)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Plain text for a terminal.
    Table,
    /// Machine-readable, for scripts.
    Json,
    /// For a pull-request comment.
    Markdown,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 no new finding at or above --fail-on; 1 a new one at or above it; 2 error (a file is not a gdpr-audit report); 130 interrupted."
)]
pub struct DiffArgs {
    /// The earlier JSON report (`scan --format json`).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later JSON report, compared with OLD.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Table, help_heading = heading::OUTPUT)]
    pub format: DiffFormat,
    /// Write the comparison to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = heading::OUTPUT)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a new finding at or above this severity appeared.
    #[arg(long, value_enum, default_value_t = FailOn::High, help_heading = heading::CI)]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 rendered; 2 error (the file is not a gdpr-audit report, or cannot be written); 130 interrupted: nothing was written."
)]
pub struct ReportArgs {
    /// A report written by `scan --format json`.
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// Output format to render the saved report in.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table, help_heading = heading::OUTPUT)]
    pub format: Format,
    /// Write the rendered report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = heading::OUTPUT)]
    pub output: Option<PathBuf>,
    /// Language of the report text (to-do items are relabelled too).
    #[arg(long, value_enum, default_value_t = Lang::En, help_heading = heading::OUTPUT)]
    pub lang: Lang,
    /// In the table, list every file that was not read (not only the first ten).
    #[arg(long, short = 'v', help_heading = heading::OUTPUT)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// One line per rule.
    List,
    /// Everything about one rule.
    Show {
        /// The rule's id, as `rules list` shows it (e.g. `se.personnummer`).
        id: String,
    },
    /// Run every rule's examples; with FILEs, only the rules in those files.
    Test {
        /// Rule files whose rules' examples to run (default: every loaded rule).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print the rules' regular expressions, one per line (for ripgrep comparisons).
    Export {
        /// Export the patterns as regexes (the only form for now).
        #[arg(long)]
        regex: bool,
    },
}
