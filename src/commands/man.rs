//! `man`: one roff page per command, from the same definitions as `--help`, with
//! every option under its heading and the command's exit codes.

use crate::ExitStatus;
use crate::cli::{Cli, ManArgs};
use anyhow::{Context, Result, bail};
use clap::CommandFactory;
use std::io::Write;

pub fn man_command(args: &ManArgs) -> Result<ExitStatus> {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    if let Some(dir) = &args.all {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut written = 0;
        for (name, cmd) in pages(&root) {
            let path = dir.join(format!("{name}.1"));
            crate::output::write_atomic(&path, |w| render(&cmd, w))
                .with_context(|| format!("cannot write {}", path.display()))?;
            written += 1;
        }
        eprintln!("wrote {written} manual pages to {}", dir.display());
        return Ok(ExitStatus::Clean);
    }
    let mut cmd = root;
    for word in &args.command {
        let Some(sub) = cmd.find_subcommand(word).cloned() else {
            let known: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
            bail!(
                "no manual page for `{}`: commands are {}",
                args.command.join(" "),
                known.join(", ")
            );
        };
        cmd = sub;
    }
    let mut out = std::io::stdout().lock();
    render(&cmd, &mut out)?;
    out.flush()?;
    Ok(ExitStatus::Clean)
}

/// Every page: the tool's and one per command and subcommand, by file name stem.
fn pages(root: &clap::Command) -> Vec<(String, clap::Command)> {
    let mut out = Vec::new();
    let mut todo = vec![root.clone()];
    while let Some(cmd) = todo.pop() {
        todo.extend(cmd.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
        let name = cmd
            .get_display_name()
            .unwrap_or_else(|| cmd.get_name())
            .to_string();
        out.push((name, cmd));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// clap_mangen's sections, with the exit codes (the `after_help` lines that start
/// "Exit codes") under EXIT STATUS, the rest of `after_help` under NOTES, and a
/// pointer to the other pages.
fn render(cmd: &clap::Command, w: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone().after_help(None::<&str>));
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    if cmd.has_subcommands() {
        man.render_subcommands_section(w)?;
    }
    let after = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let (mut codes, notes): (Vec<&str>, Vec<&str>) = after
        .lines()
        .filter(|l| !l.trim().is_empty())
        .partition(|l| l.starts_with("Exit codes"));
    if codes.is_empty() {
        codes.push("Exit codes: 0 success; 2 error (bad arguments or input); 130 interrupted.");
    }
    paragraphs(w, "EXIT STATUS", &codes)?;
    if !notes.is_empty() {
        paragraphs(w, "NOTES", &notes)?;
    }
    writeln!(w, ".SH \"SEE ALSO\"")?;
    writeln!(
        w,
        "{}",
        roff_text(
            "gdpr-audit(1); every command has a page: `gdpr-audit man COMMAND`, or all of them with `gdpr-audit man --all DIR`."
        )
    )?;
    if cmd.get_version().is_some() {
        man.render_version_section(w)?;
    }
    Ok(())
}

/// A section of one paragraph per line.
fn paragraphs(w: &mut dyn Write, title: &str, lines: &[&str]) -> std::io::Result<()> {
    writeln!(w, ".SH \"{title}\"")?;
    for line in lines {
        writeln!(w, "{}", roff_text(line))?;
        writeln!(w, ".PP")?;
    }
    Ok(())
}

/// Text safe in a roff body: no leading control character, backslashes escaped.
fn roff_text(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page() {
        let mut root = Cli::command().disable_help_subcommand(true);
        root.build();
        let names: Vec<String> = pages(&root).into_iter().map(|(n, _)| n).collect();
        for want in [
            "gdpr-audit",
            "gdpr-audit-scan",
            "gdpr-audit-rules-list",
            "gdpr-audit-man",
        ] {
            assert!(
                names.iter().any(|n| n == want),
                "{want} missing from {names:?}"
            );
        }
    }

    #[test]
    fn roff_text_cannot_start_a_request() {
        assert_eq!(roff_text(".SH x"), "\\&.SH x");
        assert_eq!(roff_text("a-b"), "a\\-b");
    }
}
