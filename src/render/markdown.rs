//! `--format markdown`: a full audit report to commit next to the data it describes.
//!
//! Everything that comes from the inputs (paths, field names, values, error texts)
//! is untrusted: it is escaped so that it renders as itself and can neither break a
//! table row nor inject links, HTML or emphasis.

use super::common::*;
use super::coverage::{coverage_text, nothing_listed};
use super::sections::{Ctx, Section, SectionWriter, walk};
use super::{RenderOptions, Report};
use crate::i18n::{self, Lang};
use std::io::Write;

/// How many record numbers a to-do row lists before "… N more".
const RECORDS: usize = 10;
/// Longest list of warnings or skipped files written out in full.
const LIST_LIMIT: usize = 50;

/// Sections in the order of a committed audit document.
pub fn render(
    report: &Report,
    opts: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    walk(&mut Markdown { out }, &Ctx::new(report, opts))
}

struct Markdown<'w> {
    out: &'w mut dyn Write,
}

impl SectionWriter for Markdown<'_> {
    type Error = std::io::Error;
    const ORDER: &'static [Section] = &[
        Section::Header,
        Section::Coverage,
        Section::Summary,
        Section::Inventory,
        Section::Todo,
        Section::Findings,
        Section::Violations,
        Section::Allowlist,
        Section::Problems,
        Section::Method,
    ];

    fn section(&mut self, c: &Ctx<'_>, section: Section) -> std::io::Result<()> {
        let out = &mut *self.out;
        match section {
            Section::Header => header(c, out),
            Section::Coverage => coverage_section(c.report, c.lang, out),
            Section::Summary => summary(c, out),
            Section::Inventory => inventory(c, out),
            Section::Todo => todo(c, out),
            Section::Findings => findings(c, out),
            Section::Violations => violations(c, out),
            Section::Allowlist => allowlist(c, out),
            Section::Problems => problems(c, out),
            Section::Method => method(c, out),
            _ => Ok(()),
        }
    }
}

fn header(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report, t, lang, ..
    } = *c;
    writeln!(out, "# {}\n", t.report_title)?;
    writeln!(
        out,
        "{} {} {} · {} {}{}\n",
        t.generated_by,
        md_text(&report.tool.name),
        md_text(&report.tool.version),
        t.rule_pack,
        md_text(&report.tool.rules_version),
        md_text(&key_id_note(report, lang))
    )?;
    Ok(())
}

fn summary(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report,
        s,
        lang,
        t,
        rt,
        ..
    } = *c;
    writeln!(out, "## {}\n", t.summary)?;
    writeln!(
        out,
        "- **{}:** {}, {}, {}, {}",
        t.scanned,
        i18n::counted(lang, s.files, i18n::Noun::File),
        human_bytes(s.bytes),
        i18n::counted(lang, s.records, i18n::Noun::Record),
        i18n::counted(lang, s.messages, i18n::Noun::Message)
    )?;
    let sev: Vec<String> = s
        .by_severity
        .iter()
        .rev()
        .map(|(k, n)| {
            format!(
                "{} {}",
                i18n::severity_name(lang, *k),
                i18n::thousands(lang, *n)
            )
        })
        .collect();
    writeln!(
        out,
        "- **{}:** {}{}",
        t.findings,
        i18n::thousands(lang, s.findings),
        paren_list(&sev)
    )?;
    let prio: Vec<String> = priority_counts(report)
        .iter()
        .map(|(p, n)| format!("{p} {}", i18n::thousands(lang, *n as u64)))
        .collect();
    writeln!(
        out,
        "- **{}:** {}{}",
        t.todo,
        i18n::thousands(lang, report.todo.len() as u64),
        paren_list(&prio)
    )?;
    if let Some(b) = &s.baseline {
        writeln!(
            out,
            "- **{}** ({}): {}",
            rt.baseline,
            md_code(&b.file, false),
            baseline_counts(b, lang)
        )?;
    }
    if !s.allowlist.is_empty() {
        let n: u64 = s.allowlist.iter().map(|a| a.suppressed).sum();
        writeln!(
            out,
            "- **{}:** {} {}",
            rt.allowlist,
            i18n::thousands(lang, n),
            rt.suppressed.to_lowercase()
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn inventory(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report, lang, t, ..
    } = *c;
    writeln!(out, "## {}\n\n{}\n", t.inventory, t.inventory_intro)?;
    if report.inventory.is_empty() {
        writeln!(out, "—\n")?;
    }
    for (kind, title) in super::inventory::groups(lang) {
        let group: Vec<_> = report.inventory.iter().filter(|e| e.kind == kind).collect();
        if group.is_empty() {
            continue;
        }
        writeln!(out, "### {title}\n")?;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |\n| --- | --- | --- | --- | ---: |",
            t.file, t.field, t.kind, t.categories, t.values
        )?;
        for e in group {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md_code(&e.path, true),
                md_code(
                    &i18n::field_label(lang, &e.field, report.is_mail(&e.path)),
                    true
                ),
                i18n::inventory_kind(lang, e.kind, e.decided_by.as_deref()),
                md_text(&inventory_categories(e, lang, true)),
                i18n::thousands(lang, e.values)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn todo(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report,
        lang,
        t,
        rt,
        ..
    } = *c;
    writeln!(out, "## {}\n", t.todo)?;
    if report.todo.is_empty() {
        writeln!(out, "{}\n", nothing_listed(report, lang, rt.nothing_to_do))?;
    } else {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |\n| --- | --- | --- | --- | ---: | --- |",
            t.priority, t.action, t.what, t.article, t.count, t.records_affected
        )?;
        for it in &report.todo {
            let recs = if it.records.is_empty() && !it.messages.is_empty() {
                let ids: Vec<String> = it
                    .messages
                    .iter()
                    .take(RECORDS)
                    .map(|m| md_code(m, true))
                    .collect();
                more(ids.join(", "), it.messages.len(), RECORDS, t.more)
            } else {
                records_list(&it.records, RECORDS, t.more)
            };
            writeln!(
                out,
                "| **{}** | {} | {} | {} | {} | {} |",
                it.priority,
                i18n::action_name(lang, it.action),
                md_rich(
                    &it.title(),
                    &[
                        &it.path,
                        &it.field,
                        &i18n::field_label(lang, &it.field, report.is_mail(&it.path))
                    ],
                    true,
                ),
                md_text(&it.article),
                i18n::thousands(lang, it.count),
                recs
            )?;
        }
        writeln!(out)?;
        let urgent: Vec<_> = report
            .todo
            .iter()
            .filter(|i| i.priority.is_urgent())
            .collect();
        if !urgent.is_empty() {
            writeln!(out, "### {}\n", rt.why_first)?;
            for it in urgent {
                writeln!(
                    out,
                    "- **{}** {}  \n  {}",
                    it.priority,
                    md_rich(
                        &it.title(),
                        &[
                            &it.path,
                            &it.field,
                            &i18n::field_label(lang, &it.field, report.is_mail(&it.path))
                        ],
                        false,
                    ),
                    md_text(&it.why())
                )?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

fn findings(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report,
        lang,
        t,
        rt,
        ..
    } = *c;
    writeln!(out, "## {}\n", t.findings_by_category)?;
    let groups = findings_by_category(report, SAMPLES);
    if groups.is_empty() {
        writeln!(out, "{}\n", nothing_listed(report, lang, t.nothing_found))?;
    }
    let samples = if report.findings.iter().any(|f| f.value.is_some()) {
        rt.samples_clear
    } else {
        t.samples
    };
    for g in &groups {
        writeln!(
            out,
            "### {} — {} ({})\n",
            capitalize(i18n::category_name(lang, g.category)),
            i18n::thousands(lang, g.count),
            i18n::severity_name(lang, g.severity)
        )?;
        writeln!(
            out,
            "| {} | {} | {} | {} |\n| --- | --- | ---: | --- |",
            t.file, t.field, t.count, samples
        )?;
        for p in &g.places {
            let sm: Vec<String> = p.samples.iter().map(|v| md_code(v, true)).collect();
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                md_code(&p.path, true),
                md_code(
                    &i18n::field_label(lang, &p.field, report.is_mail(&p.path)),
                    true
                ),
                i18n::thousands(lang, p.count),
                sm.join(", ")
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn violations(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report,
        lang,
        t,
        rt,
        ..
    } = *c;
    if !report.violations.is_empty() {
        writeln!(
            out,
            "## {}\n\n| {} | {} | {} | {} |\n| --- | --- | ---: | --- |",
            t.violations, t.where_, t.article, t.count, rt.message_text
        )?;
        for v in &report.violations {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                md_code(
                    &format!(
                        "{} → {}",
                        v.path,
                        i18n::field_label(lang, &v.field, report.is_mail(&v.path))
                    ),
                    true
                ),
                md_text(&v.article),
                v.count,
                md_text(&v.message)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn allowlist(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx { s, rt, .. } = *c;
    if !s.allowlist.is_empty() {
        writeln!(
            out,
            "## {}\n\n| {} | {} | {} |\n| --- | --- | ---: |",
            rt.allowlist, rt.selector, rt.reason, rt.suppressed
        )?;
        for a in &s.allowlist {
            writeln!(
                out,
                "| {} | {} | {} |",
                md_code(&a.selector, true),
                md_text(&a.reason),
                a.suppressed
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn problems(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx { s, t, .. } = *c;
    // Errors and skipped files are in the coverage section at the top.
    for (title, list) in [(t.warnings, &s.warnings)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "## {title}\n")?;
        for e in list.iter().take(LIST_LIMIT) {
            writeln!(out, "- {}: {}", md_code(&e.path, false), md_text(&e.error))?;
        }
        if list.len() > LIST_LIMIT {
            writeln!(out, "- … {} {}", list.len() - LIST_LIMIT, t.more)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn method(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx { report, t, .. } = *c;
    writeln!(out, "## {}\n\n{}\n", t.method, md_text(t.method_text))?;
    writeln!(
        out,
        "{}: {}",
        t.rule_pack,
        md_code(&report.tool.rules_version, false)
    )?;
    Ok(())
}

/// Coverage, first after the title: the verdict in bold when incomplete, then
/// every file not read with why.
fn coverage_section(report: &Report, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    let c = coverage_text(report, lang, None);
    writeln!(out, "## {}\n", i18n::coverage::title(lang))?;
    if c.complete {
        writeln!(out, "{}\n", md_text(&c.verdict))?;
    } else {
        writeln!(out, "**{}**\n", md_text(&c.verdict))?;
    }
    if !c.not_read.is_empty() {
        let [file, status, reason] = i18n::coverage::columns(lang);
        writeln!(out, "| {file} | {status} | {reason} |\n| --- | --- | --- |")?;
        for n in &c.not_read {
            writeln!(
                out,
                "| {} | {} | {} |",
                md_code(&n.path, true),
                n.state,
                md_text(&n.reason)
            )?;
        }
        writeln!(out)?;
    }
    if let Some(own) = &c.own_outputs {
        writeln!(out, "{}\n", md_text(own))?;
    }
    Ok(())
}

/// " (a, b)" or nothing.
fn paren_list(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!(" ({})", items.join(", "))
    }
}

/// Plain Markdown text that renders as itself, also inside a table cell: Markdown
/// punctuation is backslash-escaped, newlines become spaces.
pub(crate) fn md_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\r' => o.push(' '),
            // Entities rather than `\<`, so that not even a naive renderer sees a tag.
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '&' | '~' | '#' | '$' | '!' => {
                o.push('\\');
                o.push(c);
            }
            c => o.push(c),
        }
    }
    o
}

/// `s` as a code span. In a table a `|` would end the cell even inside a code span
/// (and `\|` cannot be told from a value ending in a backslash), and a code span
/// keeps `<` raw, which a careless renderer may take for a tag: such text falls
/// back to escaped plain text.
pub(crate) fn md_code(s: &str, in_table: bool) -> String {
    let s: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if in_table && s.contains('|') || s.contains(['<', '>']) {
        return md_text(&s);
    }
    if s.trim().is_empty() {
        return "` `".into();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' '))
    {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A to-do title: the `path` and `field` the title quotes in backticks become code
/// spans, everything else is escaped text.
pub(crate) fn md_rich(title: &str, known: &[&str], in_table: bool) -> String {
    split_quoted(title, known)
        .into_iter()
        .map(|(quoted, part)| {
            if quoted {
                md_code(part, in_table)
            } else {
                md_text(part)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
