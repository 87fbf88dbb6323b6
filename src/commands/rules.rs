//! `gdpr-audit rules list | show | test | export`.

use super::load_rules;
use crate::ExitStatus;
use crate::cli::{RuleArgs, RulesCommand};
use crate::rules::RuleSetBuilder;
use crate::terminal_text::one_line;
use anyhow::{Context, Result, bail};
use std::io::Write;

// Over 80 lines: one arm per `rules` subcommand, each a few lines.
pub fn rules_command(cmd: RulesCommand, args: &RuleArgs) -> Result<ExitStatus> {
    // Rule names, descriptions and examples come from rule files: input text,
    // made safe for a terminal. `export` is for machines and stays exact.
    let stdout = crate::output_target::PipeTolerant::new(std::io::stdout().lock());
    let mut out: Box<dyn Write> = match cmd {
        RulesCommand::Export { .. } => Box::new(stdout),
        _ => Box::new(crate::terminal_text::TerminalSafe::new(stdout)),
    };
    match cmd {
        RulesCommand::List => {
            let rules = load_rules(args)?;
            for line in list_lines(&rules.rules, usize::from(super::terminal_width())) {
                writeln!(out, "{line}")?;
            }
            Ok(ExitStatus::Clean)
        }
        RulesCommand::Show { id } => {
            let rules = load_rules(args)?;
            let Some(r) = rules.get(&id) else {
                bail!("no rule with id `{id}` (see `gdpr-audit rules list`)")
            };
            writeln!(out, "{} — {}\n", r.id, r.name)?;
            writeln!(
                out,
                "category:  {}\nseverity:  {}\narticle:   {}\nsource:    {}",
                r.category, r.severity, r.article, r.origin
            )?;
            if let Some(v) = r.validator {
                writeln!(out, "validator: {} — {}", v.name(), v.describe())?;
            }
            writeln!(out, "confidence (bare hit): {:.2}", r.base_confidence)?;
            if !r.description.is_empty() {
                writeln!(out, "\n{}", r.description)?;
            }
            for p in &r.pattern_sources {
                writeln!(out, "pattern:   {p}")?;
            }
            if !r.keywords.is_empty() {
                let kws: Vec<String> = r
                    .keywords
                    .iter()
                    .map(|k| {
                        format!(
                            "{}{}{}",
                            if k.open_start { "*" } else { "" },
                            k.text,
                            if k.open_end { "*" } else { "" }
                        )
                    })
                    .collect();
                writeln!(out, "keywords:  {}", kws.join(", "))?;
            }
            if let Some(c) = &r.context {
                writeln!(
                    out,
                    "context:   {} (window {}{}{})",
                    c.words.join(", "),
                    c.window,
                    if c.required { ", required" } else { "" },
                    if c.before_only { ", before only" } else { "" }
                )?;
            }
            if let Some(x) = &r.exclude {
                writeln!(
                    out,
                    "exclude:   {} (window {}, {})",
                    x.words.join(", "),
                    x.window,
                    if x.drop { "drop" } else { "lower" }
                )?;
            }
            if !r.action.is_empty() {
                writeln!(out, "\naction: {}", r.action)?;
            }
            writeln!(out, "\nexamples that match:")?;
            for e in &r.examples.should_match {
                writeln!(out, "  + {e}")?;
            }
            writeln!(out, "examples that must not match:")?;
            for e in &r.examples.no_match {
                writeln!(out, "  - {e}")?;
            }
            Ok(ExitStatus::Clean)
        }
        RulesCommand::Test { files } => {
            let rules = if files.is_empty() {
                load_rules(args)?
            } else {
                let mut b = RuleSetBuilder::new(false);
                for f in &files {
                    b.add_path(f);
                }
                b.build()
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .context("the rules could not be loaded")?
            };
            let outcome = crate::commands::rule_examples::run(&rules);
            for fail in &outcome.failures {
                writeln!(out, "FAIL {fail}")?;
            }
            writeln!(
                out,
                "{} rules, {} examples: {} passed, {} failed",
                rules.len(),
                outcome.checked,
                outcome.checked - outcome.failures.len(),
                outcome.failures.len()
            )?;
            Ok(if outcome.failures.is_empty() {
                ExitStatus::Clean
            } else {
                ExitStatus::Findings
            })
        }
        RulesCommand::Export { .. } => {
            let rules = load_rules(args)?;
            for r in &rules.rules {
                for p in &r.pattern_sources {
                    // Line-oriented tools (ripgrep) refuse a literal `\n`; a space stands in.
                    writeln!(out, "{}", p.replace("\\r?\\n", " ").replace("\\n", " "))?;
                }
                for k in &r.keywords {
                    writeln!(
                        out,
                        "(?i){}{}{}",
                        if k.open_start { "\\w*" } else { "\\b" },
                        regex::escape(&k.text),
                        if k.open_end { "\\w*" } else { "\\b" }
                    )?;
                }
            }
            Ok(ExitStatus::Clean)
        }
    }
}

/// `rules list` in `width` columns: id, category, severity, name. An id longer than
/// its column goes on a line of its own (ids are copied, never cut); a name too long
/// for what is left is cut with `…`.
fn list_lines(rules: &[crate::rules::Rule], width: usize) -> Vec<String> {
    let chars = |s: &str| s.chars().count();
    let cat_w = rules
        .iter()
        .map(|r| chars(r.category.as_str()))
        .max()
        .unwrap_or(0);
    let sev_w = rules
        .iter()
        .map(|r| chars(r.severity.as_str()))
        .max()
        .unwrap_or(0);
    let longest_id = rules.iter().map(|r| chars(&r.id)).max().unwrap_or(0);
    let id_w = longest_id.min(width.saturating_sub(cat_w + sev_w + 20).max(12));
    let name_w = width.saturating_sub(id_w + cat_w + sev_w + 3).max(8);
    let mut lines = Vec::with_capacity(rules.len());
    for r in rules {
        // User rule files are input: their text is made safe for the terminal.
        let (rule_id, rule_name) = (one_line(&r.id), one_line(&r.name));
        let id = if chars(&rule_id) > id_w {
            lines.push(rule_id.to_string());
            ""
        } else {
            &rule_id
        };
        let name = if chars(&rule_name) > name_w {
            let cut: String = rule_name.chars().take(name_w - 1).collect();
            format!("{}…", cut.trim_end())
        } else {
            rule_name.to_string()
        };
        let line = format!(
            "{id:<id_w$} {:<cat_w$} {:<sev_w$} {name}",
            r.category.as_str(),
            r.severity.as_str()
        );
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_list_fits_80_columns_and_keeps_every_id_whole() {
        let set = crate::rules::RuleSet::builtin().unwrap();
        let lines = list_lines(&set.rules, 80);
        for l in &lines {
            assert!(l.chars().count() <= 80, "{l}");
        }
        let text = lines.join("\n");
        for r in &set.rules {
            assert!(text.contains(&r.id), "{} missing", r.id);
        }
    }
}
