//! Commands that do not scan: `report`, `diff`, `completions`.

use super::{fail_threshold, terminal_width, write_output};
use crate::ExitStatus;
use crate::audit::Report;
use crate::cli::{Cli, DiffArgs, DiffFormat, ReportArgs};
use crate::render;
use crate::rules::RuleSet;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::IsTerminal;
use std::path::Path;

fn read_report(path: &Path) -> Result<Report> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a gdpr-audit JSON report", path.display()))
}

pub fn report_command(args: &ReportArgs) -> Result<ExitStatus> {
    let mut report = read_report(&args.report)?;
    crate::todo::relabel(&mut report.todo, args.lang);
    let rules = RuleSet::builtin().map_err(|e| anyhow::anyhow!("{e}"))?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let ropts = render::RenderOptions {
        lang: args.lang,
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: terminal_width(),
        rules: &rules,
    };
    write_output(
        args.output.as_deref(),
        std::slice::from_ref(&args.report),
        |w| render::render(&report, args.format, &ropts, w),
    )?;
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
    let inputs = [args.old.clone(), args.new.clone()];
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
