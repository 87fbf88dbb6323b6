//! `--format html`: one self-contained page (inline CSS, inline SVG charts, a few
//! lines of inline JS) that makes no network request — the CSP forbids it — and
//! prints cleanly to PDF. Every string from the report is HTML-escaped: paths,
//! field names and values are attacker-controlled text.

use super::common::{
    SAMPLES, baseline_counts, capitalize, findings_by_category, findings_by_source, human_bytes,
    inventory_categories, key_id_note, lang_code, priority_counts, records_list, split_quoted,
    truncate_left,
};
use super::coverage::{coverage_text, nothing_listed};
use super::sections::{Ctx, Section, SectionWriter, walk};
use super::{RenderOptions, Report};
use crate::i18n::{self, Lang};
use crate::model::{Category, Priority, Severity};
use crate::todo::category_weight;
use std::fmt::Write as _;
use std::io::Write;

/// Record numbers listed per to-do row before "… N more".
const RECORDS: usize = 12;
/// Longest error/warning list written out.
const LIST_LIMIT: usize = 200;

const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];

pub fn render(
    report: &Report,
    opts: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut h = String::with_capacity(32 * 1024);
    walk(&mut Html { h: &mut h }, &Ctx::new(report, opts))
        .expect("writing to a String cannot fail");
    out.write_all(h.as_bytes())
}

/// The page's sections, in the order a reader scans a shared report: counts and
/// charts first, then what to do.
struct Html<'h> {
    h: &'h mut String,
}

impl SectionWriter for Html<'_> {
    type Error = std::fmt::Error;
    const ORDER: &'static [Section] = &[
        Section::Header,
        Section::Coverage,
        Section::Summary,
        Section::Charts,
        Section::Todo,
        Section::Inventory,
        Section::Violations,
        Section::Allowlist,
        Section::Findings,
        Section::Problems,
        Section::Method,
    ];

    fn section(&mut self, c: &Ctx<'_>, section: Section) -> std::fmt::Result {
        let h = &mut *self.h;
        match section {
            Section::Header => header(c, h),
            Section::Coverage => coverage_panel(h, c.report, c.lang),
            Section::Summary => summary(c, h),
            Section::Charts => charts(c, h),
            Section::Todo => todo(c, h),
            Section::Inventory => inventory(c, h),
            Section::Violations => violations(c, h),
            Section::Allowlist => allowlist(c, h),
            Section::Findings => findings(c, h),
            Section::Problems => problems(c, h),
            Section::Method => method(c, h),
            _ => Ok(()),
        }
    }
}

fn header(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx {
        report, lang, t, ..
    } = *c;
    write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        lang_code(lang),
        esc(&report.tool.name),
        esc(&report.tool.version),
        esc(t.report_title)
    )?;
    writeln!(
        h,
        "<header class=\"top\"><div class=\"wrap\"><h1>{}</h1><p class=\"meta\">{} {} {} · {} {}{}</p></div></header>\n<main>",
        esc(t.report_title),
        esc(t.generated_by),
        esc(&report.tool.name),
        esc(&report.tool.version),
        esc(t.rule_pack),
        esc(&report.tool.rules_version),
        esc(&key_id_note(report, lang))
    )?;
    Ok(())
}

fn summary(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx {
        report,
        s,
        lang,
        t,
        rt,
        ..
    } = *c;
    // Summary cards.
    h.push_str("<section class=\"cards\" id=\"summary\">");
    let mut sev = String::new();
    for v in SEVERITIES {
        if let Some(n) = s.by_severity.get(&v).filter(|n| **n > 0) {
            write!(
                sev,
                "<span class=\"chip sev-{}\">{} {}</span>",
                v.as_str(),
                esc(i18n::severity_name(lang, v)),
                i18n::thousands(lang, *n)
            )?;
        }
    }
    card(h, lang, s.findings, t.findings, &sev)?;
    let mut prio = String::new();
    for (p, n) in priority_counts(report) {
        write!(
            prio,
            "<span class=\"badge {}\">{p} {}</span>",
            p.as_str().to_lowercase(),
            i18n::thousands(lang, n as u64)
        )?;
    }
    card(h, lang, report.todo.len() as u64, t.todo, &prio)?;
    card(h, lang, s.files, t.files, &esc(&human_bytes(s.bytes)))?;
    card(h, lang, s.records, t.records, "")?;
    card(h, lang, s.messages, t.messages, "")?;
    h.push_str("</section>\n");
    let mut notes = Vec::new();
    if let Some(b) = &s.baseline {
        notes.push(format!(
            "<strong>{}</strong> <code>{}</code>: {}",
            esc(rt.baseline),
            esc(&b.file),
            esc(&baseline_counts(b, lang))
        ));
    }
    if !s.allowlist.is_empty() {
        let n: u64 = s.allowlist.iter().map(|a| a.suppressed).sum();
        notes.push(format!(
            "<strong>{}</strong>: {n} {}",
            esc(rt.allowlist),
            esc(&rt.suppressed.to_lowercase())
        ));
    }
    if !notes.is_empty() {
        writeln!(h, "<p class=\"notes\">{}</p>", notes.join(" · "))?;
    }
    Ok(())
}

fn charts(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx {
        report, s, lang, t, ..
    } = *c;
    // Charts.
    let mut by_cat: Vec<(Category, u64)> = s.by_category.iter().map(|(c, n)| (*c, *n)).collect();
    if by_cat.is_empty() {
        // A report assembled elsewhere may lack the summary counts.
        for g in findings_by_category(report, 0) {
            by_cat.push((g.category, g.count));
        }
    }
    by_cat.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(category_weight(b.0).total_cmp(&category_weight(a.0)))
    });
    let bars: Vec<Bar> = by_cat
        .iter()
        .map(|(c, n)| Bar {
            label: capitalize(i18n::category_name(lang, *c)),
            full: String::new(),
            segments: vec![(weight_colour(*c), *n)],
        })
        .collect();
    h.push_str("<section class=\"charts\">");
    chart(
        h,
        "chart-category",
        t.findings_by_category,
        &bars,
        t.nothing_found,
        "",
    )?;
    let bars: Vec<Bar> = findings_by_source(report)
        .into_iter()
        .map(|(path, counts, _)| Bar {
            label: truncate_left(&path, 28),
            full: path.to_string(),
            segments: SEVERITIES
                .iter()
                .map(|v| (sev_colour(*v), counts.get(v).copied().unwrap_or(0)))
                .collect(),
        })
        .collect();
    let mut legend = String::from("<div class=\"legend\">");
    for v in SEVERITIES {
        write!(
            legend,
            "<span><i style=\"background:{}\"></i>{}</span>",
            sev_colour(v),
            esc(i18n::severity_name(lang, v))
        )?;
    }
    legend.push_str("</div>");
    chart(
        h,
        "chart-source",
        t.findings_by_source,
        &bars,
        t.nothing_found,
        &legend,
    )?;
    h.push_str("</section>\n");
    Ok(())
}

fn todo(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx { report, lang, .. } = *c;
    todo_table(h, report, lang)?;
    Ok(())
}

fn inventory(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx {
        report, lang, t, ..
    } = *c;
    // Inventory.
    write!(
        h,
        "<section class=\"panel\"><h2>{}</h2><p class=\"muted\">{}</p>",
        esc(t.inventory),
        esc(t.inventory_intro)
    )?;
    write!(
        h,
        "<table id=\"inventory\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        esc(t.file),
        esc(t.field),
        esc(t.kind),
        esc(t.categories),
        esc(t.values)
    )?;
    // Fields meant to hold personal data first, then free text found holding it.
    let groups = super::inventory::groups(lang);
    let order = |e: &&crate::finding::InventoryEntry| groups.iter().position(|(k, _)| *k == e.kind);
    let mut entries: Vec<_> = report.inventory.iter().collect();
    entries.sort_by_key(order);
    for e in entries {
        write!(
            h,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&e.path),
            esc(&i18n::field_label(lang, &e.field, report.is_mail(&e.path))),
            esc(&i18n::inventory_kind(lang, e.kind, e.decided_by.as_deref())),
            esc(&inventory_categories(e, lang, true)),
            i18n::thousands(lang, e.values)
        )?;
    }
    h.push_str("</tbody></table></section>\n");
    Ok(())
}

fn violations(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx {
        report,
        lang,
        t,
        rt,
        ..
    } = *c;
    if !report.violations.is_empty() {
        write!(
            h,
            "<section class=\"panel\" id=\"violations\"><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
            esc(t.violations),
            esc(t.where_),
            esc(t.article),
            esc(t.count),
            esc(rt.message_text)
        )?;
        for v in &report.violations {
            write!(
                h,
                "<tr><td><code>{}</code> → <code>{}</code></td><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&v.path),
                esc(&i18n::field_label(lang, &v.field, report.is_mail(&v.path))),
                esc(&v.article),
                v.count,
                esc(&v.message)
            )?;
        }
        h.push_str("</tbody></table></section>\n");
    }
    Ok(())
}

fn allowlist(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx { s, rt, .. } = *c;
    if !s.allowlist.is_empty() {
        write!(
            h,
            "<section class=\"panel\" id=\"allowlist\"><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
            esc(rt.allowlist),
            esc(rt.selector),
            esc(rt.reason),
            esc(rt.suppressed)
        )?;
        for a in &s.allowlist {
            write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&a.selector),
                esc(&a.reason),
                a.suppressed
            )?;
        }
        h.push_str("</tbody></table></section>\n");
    }
    Ok(())
}

fn findings(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx {
        report,
        lang,
        t,
        rt,
        ..
    } = *c;
    // Findings per category.
    write!(
        h,
        "<section class=\"panel\" id=\"findings\"><h2>{}</h2>",
        esc(t.findings_by_category)
    )?;
    let groups = findings_by_category(report, SAMPLES);
    if groups.is_empty() {
        write!(
            h,
            "<p class=\"muted\">{}</p>",
            esc(nothing_listed(report, lang, t.nothing_found))
        )?;
    }
    let samples = if report.findings.iter().any(|f| f.value.is_some()) {
        rt.samples_clear
    } else {
        t.samples
    };
    for g in &groups {
        write!(
            h,
            "<h3><span class=\"dot\" style=\"background:{}\"></span>{} <span class=\"chip sev-{}\">{}</span><span class=\"muted\">{}</span></h3>",
            weight_colour(g.category),
            esc(&capitalize(i18n::category_name(lang, g.category))),
            g.severity.as_str(),
            esc(i18n::severity_name(lang, g.severity)),
            i18n::thousands(lang, g.count)
        )?;
        write!(
            h,
            "<table class=\"findings\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
            esc(t.file),
            esc(t.field),
            esc(t.count),
            esc(samples)
        )?;
        for p in &g.places {
            let sm: Vec<String> = p
                .samples
                .iter()
                .map(|v| format!("<code>{}</code>", esc(v)))
                .collect();
            write!(
                h,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&p.path),
                esc(&i18n::field_label(lang, &p.field, report.is_mail(&p.path))),
                i18n::thousands(lang, p.count),
                sm.join(" ")
            )?;
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");
    Ok(())
}

fn problems(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx { s, t, .. } = *c;
    // Errors and skipped files are in the coverage panel at the top.
    for (id, title, list) in [("warnings", t.warnings, &s.warnings)] {
        if list.is_empty() {
            continue;
        }
        write!(
            h,
            "<section class=\"panel\" id=\"{id}\"><h2>{}</h2><ul class=\"issues\">",
            esc(title)
        )?;
        for e in list.iter().take(LIST_LIMIT) {
            write!(
                h,
                "<li><code>{}</code> {}</li>",
                esc(&e.path),
                esc(&e.error)
            )?;
        }
        if list.len() > LIST_LIMIT {
            write!(h, "<li>… {} {}</li>", list.len() - LIST_LIMIT, esc(t.more))?;
        }
        h.push_str("</ul></section>\n");
    }
    Ok(())
}

fn method(c: &Ctx<'_>, h: &mut String) -> std::fmt::Result {
    let Ctx { report, t, .. } = *c;
    // Method.
    write!(
        h,
        "<footer class=\"panel\"><h2>{}</h2><p>{}</p><p class=\"muted\">{} {} · {} {}</p></footer>\n</main>\n<script>{JS}</script>\n</body>\n</html>\n",
        esc(t.method),
        esc(t.method_text),
        esc(t.rule_pack),
        esc(&report.tool.rules_version),
        esc(&report.tool.name),
        esc(&report.tool.version)
    )?;
    Ok(())
}

/// Coverage, first on the page: the verdict (marked when incomplete) and every
/// file not read with why.
fn coverage_panel(h: &mut String, report: &Report, lang: Lang) -> std::fmt::Result {
    let c = coverage_text(report, lang, None);
    write!(
        h,
        "<section class=\"panel{}\" id=\"coverage\"><h2>{}</h2><p><strong>{}</strong></p>",
        if c.complete { "" } else { " incomplete" },
        esc(i18n::coverage::title(lang)),
        esc(&c.verdict)
    )?;
    if !c.not_read.is_empty() {
        h.push_str("<ul class=\"issues\">");
        for n in &c.not_read {
            write!(
                h,
                "<li><code>{}</code> {}: {}</li>",
                esc(&n.path),
                esc(n.state),
                esc(&n.reason)
            )?;
        }
        h.push_str("</ul>");
    }
    if let Some(own) = &c.own_outputs {
        write!(h, "<p class=\"muted\">{}</p>", esc(own))?;
    }
    h.push_str("</section>\n");
    Ok(())
}

fn card(h: &mut String, lang: Lang, n: u64, label: &str, sub: &str) -> std::fmt::Result {
    write!(
        h,
        "<div class=\"card\"><div class=\"big\">{}</div><div class=\"lbl\">{}</div>{}</div>",
        i18n::thousands(lang, n),
        esc(&capitalize(label)),
        if sub.is_empty() {
            String::new()
        } else {
            format!("<div class=\"sub\">{sub}</div>")
        }
    )
}

/// HTML-escape text for element content and quoted attributes; NUL and other
/// control characters (except tab and newline) become U+FFFD.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\t' | '\n' => o.push(c),
            c if c.is_control() => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

mod charts;
mod todo_table;
use charts::{Bar, chart, sev_colour, weight_colour};
use todo_table::todo_table;

const CSS: &str = include_str!("html.css");

/// Sorting and filtering of the to-do table; labels come from data attributes, so
/// no report text is ever spliced into script.
const JS: &str = include_str!("html.js");
