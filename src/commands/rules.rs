//! `gdpr-audit rules list | show | test | export`.

use super::load_rules;
use crate::ExitStatus;
use crate::cli::{RuleArgs, RulesCommand};
use crate::rules::RuleSetBuilder;
use anyhow::{Context, Result, bail};
use std::io::Write;

// Over 80 lines: one arm per `rules` subcommand, each a few lines.
pub fn rules_command(cmd: RulesCommand, args: &RuleArgs) -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    match cmd {
        RulesCommand::List => {
            let rules = load_rules(args)?;
            for r in &rules.rules {
                writeln!(
                    out,
                    "{:<28} {:<15} {:<9} {}",
                    r.id,
                    r.category.as_str(),
                    r.severity.as_str(),
                    r.name
                )?;
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
