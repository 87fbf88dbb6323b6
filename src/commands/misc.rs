//! Commands that do not scan: `report`, `diff`, `completions`.

use super::{
    commit, fail_threshold, report_text, stage_output, stdout_is_terminal, terminal_width,
    write_output,
};
use crate::ExitStatus;
use crate::audit::Report;
use crate::cli::{Cli, DiffArgs, DiffFormat, ReportArgs};
use crate::input_guard::Inputs;
use crate::output_target::Outputs;
use crate::render;
use crate::rules::RuleSet;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::path::Path;

/// A saved JSON report, its coverage worked out again. Errors name the file and
/// where it went wrong, never serde's message (which can quote the file's text).
fn read_report(path: &Path) -> Result<Report> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut report: Report = serde_json::from_str(&text).map_err(|e| {
        let looks_like_report =
            text.trim_start().starts_with('{') && text.contains("\"schema_version\"");
        if looks_like_report {
            anyhow::anyhow!(
                "{} is not a readable gdpr-audit report: {} at line {}, column {}",
                path.display(),
                match e.classify() {
                    serde_json::error::Category::Syntax | serde_json::error::Category::Eof =>
                        "invalid JSON",
                    _ => "a field is missing or of the wrong type",
                },
                e.line(),
                e.column()
            )
        } else {
            anyhow::anyhow!(
                "{} is not a gdpr-audit report (expected a JSON object with schema_version, as `scan --format json` writes)",
                path.display()
            )
        }
    })?;
    report.refresh_coverage();
    Ok(report)
}

pub fn report_command(args: &ReportArgs) -> Result<ExitStatus> {
    let mut report = read_report(&args.report)?;
    crate::todo::relabel(&mut report.todo, args.lang, &report.summary.sources);
    let rules = RuleSet::builtin().map_err(|e| anyhow::anyhow!("{e}"))?;
    let to_terminal = stdout_is_terminal(args.output.as_deref());
    let ropts = render::RenderOptions {
        lang: args.lang,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
        verbose: args.verbose,
        rules: &rules,
    };
    let inputs = Inputs::new(std::slice::from_ref(&args.report));
    let mut outputs = Outputs::new();
    stage_output(
        &mut outputs,
        "--output",
        args.output.as_deref(),
        &inputs,
        report_text(args.format),
        |w| render::render(&report, args.format, &ropts, w),
    )?;
    // Ctrl-C while rendering: nothing is put in place (exit 130).
    crate::interrupt::check()?;
    commit(outputs)?;
    Ok(ExitStatus::Clean)
}

pub fn diff_command(args: &DiffArgs) -> Result<ExitStatus> {
    let old = read_report(&args.old)?;
    let new = read_report(&args.new)?;
    let d = crate::render::diff::diff(
        &old,
        &new,
        &args.old.display().to_string(),
        &args.new.display().to_string(),
    );
    let inputs = Inputs::new(&[args.old.clone(), args.new.clone()]);
    write_output(args.output.as_deref(), &inputs, |w| match args.format {
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &d).map_err(std::io::Error::other)?;
            writeln!(w)
        }
        DiffFormat::Markdown => d.render_text(true, w),
        DiffFormat::Table => d.render_text(false, w),
    })?;
    let failing =
        fail_threshold(args.fail_on).is_some_and(|t| d.worst_new().is_some_and(|s| s >= t));
    Ok(if failing {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

pub fn completions(shell: clap_complete::Shell) -> Result<ExitStatus> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "gdpr-audit", &mut std::io::stdout().lock());
    Ok(ExitStatus::Clean)
}
