//! `gdpr-audit subject …`: data-subject requests.

use super::InputArgs;
use crate::i18n::Lang;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Said in every subject command's help (and its manual, under EXIT STATUS and NOTES).
const SUBJECT_HELP: &str = "Identifiers given on the command line (--email, --phone, --national-id, --name, --customer-id) end up in your shell history and the process list: prefer --subject-file or --requests.

Exit codes: 0 the report (or package, or plan) was written, whether or not the person was found; 2 error: bad arguments, identifiers, requests, rules or policy, nothing readable, or an output that cannot be written; 130 interrupted (Ctrl-C): nothing was written.";

#[derive(Debug, Subcommand)]
pub enum SubjectCommand {
    /// Every place a person appears: their own records and mentions of them.
    #[command(after_help = SUBJECT_HELP)]
    Find(SubjectFindArgs),
    /// A package of their data for access (Art. 15) and portability (Art. 20).
    #[command(after_help = SUBJECT_HELP)]
    Export(SubjectExportArgs),
    /// The erasure plan (Art. 17): what must happen to every hit, by when.
    #[command(after_help = SUBJECT_HELP)]
    Erase(SubjectEraseArgs),
}

/// Who the request is about.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Subject")]
pub struct WhoArgs {
    /// E-mail address (repeatable; case and +tag do not matter). Ends up in shell history.
    #[arg(long, value_name = "ADDRESS")]
    pub email: Vec<String>,
    /// Phone number in any spelling (repeatable). Ends up in shell history.
    #[arg(long, value_name = "NUMBER")]
    pub phone: Vec<String>,
    /// Personnummer, samordningsnummer or another national id the rules know (repeatable).
    #[arg(long, value_name = "ID")]
    pub national_id: Vec<String>,
    /// Full name, given name and surname (repeatable; a first name alone is refused).
    #[arg(long, value_name = "NAME")]
    pub name: Vec<String>,
    /// The value of the policy's id_field, e.g. a customer number (repeatable).
    #[arg(long, value_name = "ID")]
    pub customer_id: Vec<String>,
    /// One subject from a YAML or JSON file (keys: email, phone, national_id, name,
    /// customer_id, request_id, received, type).
    #[arg(long, value_name = "FILE", conflicts_with = "requests")]
    pub subject_file: Option<PathBuf>,
    /// A batch: CSV with request_id,received,type,email,phone,national_id,name,customer_id.
    #[arg(long, value_name = "FILE")]
    pub requests: Option<PathBuf>,
    /// The request's id (command-line subjects).
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
    /// When the request was received (command-line subjects).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub received: Option<String>,
    /// Region of phone numbers written without a country code.
    #[arg(long, value_name = "CC", default_value = "SE")]
    pub region: String,
    /// Do not add the identifiers their own records reveal (linking).
    #[arg(long)]
    pub no_expand: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SubjectFormat {
    Table,
    Json,
    Markdown,
    Html,
    Csv,
}

#[derive(Debug, Args)]
pub struct SubjectFindArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub who: WhoArgs,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<SubjectFormat>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show matched values in clear instead of masked.
    #[arg(long)]
    pub show_values: bool,
    /// Language of the table, Markdown and HTML output.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct SubjectExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub who: WhoArgs,
    /// The package directory: must not exist yet, nor lie inside a scanned path.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: PathBuf,
    /// Language of index.html and index.md.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct SubjectEraseArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub who: WhoArgs,
    /// Output format (default: json with --output or when piped, table on a terminal).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<SubjectFormat>,
    /// Write the plan to FILE (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show matched values in clear in the plan.
    #[arg(long)]
    pub show_values: bool,
    /// Extend the deadline by two months (Art. 12(3)); the reason is recorded.
    #[arg(long, value_name = "REASON")]
    pub extended: Option<String>,
    /// Write per-source action lists (CSV) into DIR for the teams that act on them.
    #[arg(long, value_name = "DIR")]
    pub export_actions: Option<PathBuf>,
    /// Language of the table, Markdown and HTML output.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}
