//! Outputs: the renderers that turn the audit into what people and machines read
//! (table, JSON, Markdown, HTML, CSV, SARIF), and every other writer of user-facing
//! files (export-action lists, `init` drafts, diff output). They read the audit and
//! may use every layer below; nothing below uses them.

mod common;
mod coverage;
pub mod csv;
pub mod diff;
pub mod export_actions;
pub mod html;
pub mod init_draft;
mod inventory;
pub mod json;
pub mod markdown;
pub mod partial;
pub mod redaction;
pub mod sarif;
mod sections;
pub mod subject;
pub mod table;

pub use export_actions::{ExportError, export_actions, export_actions_with};
pub use init_draft::draft_config;

use crate::audit::Report;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Html,
    Csv,
    Sarif,
    /// A shard's partial report for `merge` (JSON Lines; written by `scan --shard`).
    Partial,
}

/// What every renderer may need besides the report.
pub struct RenderOptions<'a> {
    pub lang: crate::i18n::Lang,
    /// ANSI colours (terminal only, never with NO_COLOR or when piped).
    pub color: bool,
    /// Terminal width for the table.
    pub width: u16,
    /// List every file that was not read in the table, not only the first ten.
    pub verbose: bool,
    /// Rule metadata (names, help, remediation) for SARIF and the HTML report.
    pub rules: &'a crate::rules::RuleSet,
}

/// Render `report` in `format`.
pub fn render(
    report: &Report,
    format: Format,
    opts: &RenderOptions<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => table::render(report, opts, out),
        Format::Json => json::render(report, out),
        Format::Markdown => markdown::render(report, opts, out),
        Format::Html => html::render(report, opts, out),
        Format::Csv => csv::render(report, opts, out),
        Format::Sarif => sarif::render(report, opts, out),
        Format::Partial => Err(std::io::Error::other(
            "a partial report is written by `scan --shard K/N`, from the scan itself, not from a report",
        )),
    }
}
