//! `gdpr-audit redact`: cleaned copies of exports and mailboxes.

use super::InputArgs;
use crate::i18n::Lang;
use crate::render::redaction::Replace;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RedactArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// A new (or empty) directory for the copies, outside every scanned tree; each
    /// copy keeps its path below the scanned path.
    #[arg(long, value_name = "DIR")]
    pub output_dir: PathBuf,
    /// What replaces a value: its masked shape, a label in the report language, or nothing.
    #[arg(long, value_enum, default_value_t = Replace::Label)]
    pub replace: Replace,
    /// Redact only these categories (comma-separated: national_id,health,...).
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY", value_parser = parse_category)]
    pub categories: Vec<crate::model::Category>,
    /// Redact only findings at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// Leave out whole records: `expired` drops the records and messages the policy's
    /// retention check finds expired (counted, not copied).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub drop: Option<DropWhat>,
    /// Apply an erasure plan from `subject erase --output plan.json` instead of
    /// replacing the findings: delete the subject's records and messages, redact
    /// their mentions, leave `keep_restricted` ones (listed in the log).
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,
    /// Print the redaction log (JSON) instead of writing copies.
    #[arg(long)]
    pub dry_run: bool,
    /// Prove the copies by scanning all of them again in full, as `scan` would,
    /// instead of checking only what changed (unchanged files are compared byte for
    /// byte with their input; changed records and messages are matched again).
    #[arg(long)]
    pub full_proof: bool,
    /// Language of labels and of the Markdown summary.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DropWhat {
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn severity(self) -> crate::model::Severity {
        use crate::model::Severity;
        match self {
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

fn parse_category(s: &str) -> Result<crate::model::Category, String> {
    crate::model::Category::parse(s.trim()).ok_or_else(|| {
        let all: Vec<&str> = crate::model::Category::ALL
            .iter()
            .map(|c| c.as_str())
            .collect();
        format!("`{s}` is not a category (one of {})", all.join(", "))
    })
}
