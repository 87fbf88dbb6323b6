//! `--format html`: one self-contained page (inline CSS, inline SVG charts, a few
//! lines of inline JS) that makes no network request — the CSP forbids it — and
//! prints cleanly to PDF. Every string from the report is HTML-escaped: paths,
//! field names and values are attacker-controlled text.

use super::common::{
    baseline_counts, capitalize, findings_by_category, findings_by_source, human_bytes,
    inventory_categories, lang_code, priority_counts, records_list, truncate_left,
};
use super::markdown::{SAMPLES, split_quoted};
use super::{RenderOptions, Report};
use crate::i18n::{self, Lang};
use crate::model::{Category, Severity};
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
    page(&mut h, report, opts.lang).expect("writing to a String cannot fail");
    out.write_all(h.as_bytes())
}

fn page(h: &mut String, report: &Report, lang: Lang) -> std::fmt::Result {
    let t = i18n::texts(lang);
    let rt = i18n::render_texts(lang);
    let s = &report.summary;
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
        "<header class=\"top\"><div class=\"wrap\"><h1>{}</h1><p class=\"meta\">{} {} {} · {} {}</p></div></header>\n<main>",
        esc(t.report_title),
        esc(t.generated_by),
        esc(&report.tool.name),
        esc(&report.tool.version),
        esc(t.rule_pack),
        esc(&report.tool.rules_version)
    )?;

    // Summary cards.
    h.push_str("<section class=\"cards\" id=\"summary\">");
    let mut sev = String::new();
    for v in SEVERITIES {
        if let Some(n) = s.by_severity.get(&v).filter(|n| **n > 0) {
            write!(
                sev,
                "<span class=\"chip sev-{}\">{} {n}</span>",
                v.as_str(),
                esc(i18n::severity_name(lang, v))
            )?;
        }
    }
    card(h, s.findings, t.findings, &sev)?;
    let mut prio = String::new();
    for (p, n) in priority_counts(report) {
        write!(
            prio,
            "<span class=\"badge {}\">{p} {n}</span>",
            p.to_lowercase()
        )?;
    }
    card(h, report.todo.len() as u64, t.todo, &prio)?;
    card(h, s.files, t.files, &esc(&human_bytes(s.bytes)))?;
    card(h, s.records, t.records, "")?;
    card(h, s.messages, t.messages, "")?;
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

    todo_table(h, report, lang)?;

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
    for e in &report.inventory {
        write!(
            h,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&e.path),
            esc(&e.field),
            esc(i18n::kind_name(lang, e.kind)),
            esc(&inventory_categories(e, lang, true)),
            e.values
        )?;
    }
    h.push_str("</tbody></table></section>\n");

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
                esc(&v.field),
                esc(&v.article),
                v.count,
                esc(&v.message)
            )?;
        }
        h.push_str("</tbody></table></section>\n");
    }
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

    // Findings per category.
    write!(
        h,
        "<section class=\"panel\" id=\"findings\"><h2>{}</h2>",
        esc(t.findings_by_category)
    )?;
    let groups = findings_by_category(report, SAMPLES);
    if groups.is_empty() {
        write!(h, "<p class=\"muted\">{}</p>", esc(t.nothing_found))?;
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
            g.count
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
                esc(&p.field),
                p.count,
                sm.join(" ")
            )?;
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");

    for (id, title, list) in [
        ("errors", t.errors, &s.errors),
        ("warnings", t.warnings, &s.warnings),
        ("skipped", rt.skipped, &s.skipped),
    ] {
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

    write!(
        h,
        "<footer class=\"panel\"><h2>{}</h2><p>{}</p><p class=\"muted\">{} {} · {} {}</p></footer>\n</main>\n<script>{JS}</script>\n</body>\n</html>\n",
        esc(t.method),
        esc(t.method_text),
        esc(t.rule_pack),
        esc(&report.tool.rules_version),
        esc(&report.tool.name),
        esc(&report.tool.version)
    )
}

fn card(h: &mut String, n: u64, label: &str, sub: &str) -> std::fmt::Result {
    write!(
        h,
        "<div class=\"card\"><div class=\"big\">{n}</div><div class=\"lbl\">{}</div>{}</div>",
        esc(&capitalize(label)),
        if sub.is_empty() {
            String::new()
        } else {
            format!("<div class=\"sub\">{sub}</div>")
        }
    )
}

/// The to-do list: sortable by a click on a header, filtered by text and priority.
fn todo_table(h: &mut String, report: &Report, lang: Lang) -> std::fmt::Result {
    let t = i18n::texts(lang);
    let rt = i18n::render_texts(lang);
    write!(
        h,
        "<section class=\"panel\" id=\"todo-section\"><h2>{}</h2>",
        esc(t.todo)
    )?;
    write!(
        h,
        "<div class=\"controls\"><input type=\"search\" id=\"todo-filter\" placeholder=\"{0}\" aria-label=\"{0}\">\
         <select id=\"todo-priority\" aria-label=\"{1}\"><option value=\"\">{2}</option>",
        esc(t.filter_placeholder),
        esc(t.priority),
        esc(rt.all_priorities)
    )?;
    for p in ["P1", "P2", "P3", "P4"] {
        write!(
            h,
            "<option value=\"{p}\">{p} — {}</option>",
            esc(i18n::priority_hint(lang, p))
        )?;
    }
    write!(
        h,
        "</select><span id=\"todo-count\" class=\"muted\" data-label=\"{}\"></span></div>",
        esc(rt.shown)
    )?;
    write!(
        h,
        "<table id=\"todo\"><thead><tr><th data-type=\"text\">{}</th><th data-type=\"num\" class=\"num\">{}</th><th>{}</th><th>{}</th><th>{}</th><th data-type=\"num\" class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        esc(t.priority),
        esc(rt.score),
        esc(t.action),
        esc(t.what),
        esc(t.article),
        esc(t.count),
        esc(t.records_affected)
    )?;
    for it in &report.todo {
        let p = esc(&it.priority);
        let title: String = split_quoted(&it.title, &[&it.path, &it.field])
            .into_iter()
            .map(|(code, s)| {
                if code {
                    format!("<code>{}</code>", esc(s))
                } else {
                    esc(s)
                }
            })
            .collect();
        let recs = if it.records.is_empty() && !it.messages.is_empty() {
            let ids: Vec<String> = it
                .messages
                .iter()
                .take(RECORDS)
                .map(|m| format!("<code>{}</code>", esc(m)))
                .collect();
            let rest = it.messages.len().saturating_sub(RECORDS);
            if rest > 0 {
                format!("{} … {rest} {}", ids.join(" "), esc(t.more))
            } else {
                ids.join(" ")
            }
        } else {
            esc(&records_list(&it.records, RECORDS, t.more))
        };
        write!(
            h,
            "<tr class=\"todo-row\" data-priority=\"{p}\" id=\"{}\"><td><span class=\"badge {}\">{p}</span></td><td class=\"num\" data-v=\"{}\">{:.1}</td><td>{}</td><td><div class=\"title\">{title}</div><div class=\"why\">{}</div></td><td class=\"nowrap\">{}</td><td class=\"num\" data-v=\"{}\">{}</td><td class=\"recs\">{recs}</td></tr>",
            esc(&it.id),
            esc(&it.priority.to_lowercase()),
            it.score,
            it.score,
            esc(i18n::action_name(lang, it.action)),
            esc(&it.why),
            esc(&it.article),
            it.count,
            it.count
        )?;
    }
    if report.todo.is_empty() {
        write!(
            h,
            "<tr><td colspan=\"7\" class=\"muted\">{}</td></tr>",
            esc(rt.nothing_to_do)
        )?;
    }
    h.push_str("</tbody></table></section>\n");
    Ok(())
}

/// One horizontal bar: a label and coloured segments (colour, value).
struct Bar {
    label: String,
    /// The untruncated label, as a tooltip, when it differs.
    full: String,
    segments: Vec<(&'static str, u64)>,
}

/// A horizontal bar chart as inline SVG: labels left, bars, the total right.
fn chart(
    h: &mut String,
    id: &str,
    title: &str,
    bars: &[Bar],
    empty: &str,
    after: &str,
) -> std::fmt::Result {
    const W: u64 = 560;
    const ROW: u64 = 28;
    // Room for the longest label at ~8 px a character (12.5 px; DejaVu is wide).
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0) as u64;
    let label_w = (longest * 8 + 12).clamp(90, 280);
    let bar_w = W - label_w - 45;
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.1).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = (bars.len() as u64).max(1) * ROW + 4;
    write!(
        h,
        "<figure class=\"panel\"><figcaption>{0}</figcaption><svg id=\"{id}\" viewBox=\"0 0 {W} {height}\" width=\"100%\" role=\"img\" aria-label=\"{0}\" preserveAspectRatio=\"xMinYMin meet\">",
        esc(title)
    )?;
    if bars.is_empty() {
        write!(
            h,
            "<text x=\"0\" y=\"18\" class=\"empty\">{}</text>",
            esc(empty)
        )?;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = i as u64 * ROW + 4;
        let total: u64 = b.segments.iter().map(|s| s.1).sum();
        let tip = if b.full.is_empty() { &b.label } else { &b.full };
        write!(
            h,
            "<g><title>{}: {total}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"18\" rx=\"3\" fill=\"#eef1f5\"/>",
            esc(tip),
            label_w - 10,
            y + 13,
            esc(&b.label)
        )?;
        let mut x = label_w as f64;
        for (colour, n) in b.segments.iter().filter(|s| s.1 > 0) {
            let w = (*n as f64 / max as f64 * bar_w as f64).max(2.0);
            write!(
                h,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" rx=\"3\" fill=\"{colour}\"/>"
            )?;
            x += w;
        }
        write!(
            h,
            "<text x=\"{}\" y=\"{}\" class=\"val\">{total}</text></g>",
            label_w + bar_w + 8,
            y + 13
        )?;
    }
    write!(h, "</svg>{after}</figure>")
}

/// Bar colour by category weight: special categories red … IP addresses grey.
fn weight_colour(c: Category) -> &'static str {
    match category_weight(c) as u32 {
        10 => "#c4320a",
        8 => "#e07b39",
        6 => "#d8a31a",
        3 => "#3d6fb6",
        _ => "#8a94a6",
    }
}

fn sev_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#b42318",
        Severity::High => "#e0641b",
        Severity::Medium => "#e3ac1c",
        Severity::Low => "#6c8ebf",
    }
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

const CSS: &str = r#"
:root{--fg:#1c2333;--muted:#5d6779;--line:#e4e8ef;--bg:#f5f6f8;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.top{background:#1f2b45;color:#fff}
.wrap,main{max-width:1180px;margin:0 auto;padding:0 32px}
.top .wrap{padding-top:26px;padding-bottom:22px}
.top h1{margin:0;font-size:24px;font-weight:600;letter-spacing:-.01em}
.top .meta{margin:4px 0 0;color:#b9c2d3;font-size:13px}
main{padding-top:24px;padding-bottom:32px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:14px;margin-bottom:18px}
.card,.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;box-shadow:0 1px 2px rgba(16,24,40,.05)}
.card{padding:14px 16px}
.card .big{font-size:28px;font-weight:650;line-height:1.15;font-variant-numeric:tabular-nums}
.card .lbl{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em}
.card .sub{margin-top:8px;display:flex;flex-wrap:wrap;gap:4px;font-size:12px;color:var(--muted)}
.panel{padding:18px 20px;margin:0 0 18px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px;align-items:start}
figure{margin:0}
figcaption,h2{font-size:16px;font-weight:600;margin:0 0 12px}
h3{font-size:14px;font-weight:600;margin:20px 0 6px;display:flex;align-items:center;gap:8px}
h3 .muted{margin-left:auto;font-weight:500}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;border-bottom:1px solid var(--line);padding:8px 10px;white-space:nowrap}
td{padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover{background:#f9fafb}
.num{text-align:right;font-variant-numeric:tabular-nums}
.nowrap{white-space:nowrap}
.recs{color:var(--muted);font-size:12px;max-width:180px}
#todo th{cursor:pointer;user-select:none}
#todo th:hover{color:var(--fg)}
#todo th[aria-sort=ascending]::after{content:" \25B2";font-size:9px}
#todo th[aria-sort=descending]::after{content:" \25BC";font-size:9px}
.title{font-weight:500}
.why{color:var(--muted);font-size:12px;margin-top:2px}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f5;border-radius:4px;padding:1px 5px;overflow-wrap:anywhere}
.badge,.chip{display:inline-block;font-weight:600;font-size:11.5px;padding:1px 8px;border-radius:999px;white-space:nowrap}
.p1{background:#fde7e4;color:#b42318}.p2{background:#fdf0cf;color:#a15c07}.p3{background:#e3ebfb;color:#2f56a6}.p4{background:#eef0f3;color:#4a5568}
.chip{font-weight:500;background:#eef0f3;color:#4a5568}
.sev-critical{background:#fde7e4;color:#b42318}.sev-high{background:#fdebdc;color:#b5470f}.sev-medium{background:#fdf3d3;color:#8a5a00}.sev-low{background:#e8eef8;color:#3b5b8c}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%}
.controls{display:flex;gap:10px;align-items:center;margin:0 0 10px;flex-wrap:wrap}
.controls input,.controls select{padding:7px 10px;border:1px solid #cfd5df;border-radius:6px;font:inherit;background:#fff;color:inherit}
.controls input{flex:1;min-width:200px;max-width:380px}
.muted{color:var(--muted)}
svg text{font-family:inherit;font-size:12.5px;fill:#344054}
svg text.val{font-weight:600}
.legend{display:flex;gap:14px;font-size:12px;color:var(--muted);margin-top:8px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
ul.issues{margin:0;padding-left:18px}
ul.issues li{margin:3px 0}
footer p{margin:0 0 8px;color:#3a4354}
.notes{margin:-4px 0 18px;color:var(--muted);font-size:13px}
table.findings,#inventory{table-layout:fixed}
#inventory th:nth-child(1){width:30%}#inventory th:nth-child(2){width:20%}#inventory th:nth-child(3){width:13%}#inventory th:nth-child(5){width:9%}
table.findings th:nth-child(1){width:36%}table.findings th:nth-child(2){width:24%}table.findings th:nth-child(3){width:10%}
@media (max-width:860px){.charts{grid-template-columns:1fr}.wrap,main{padding-left:16px;padding-right:16px}}
@media print{
@page{margin:14mm}
body{background:#fff;font-size:11px}
*{box-shadow:none!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.top{background:#fff;color:var(--fg);border-bottom:2px solid var(--fg)}
.top .meta{color:var(--muted)}
.wrap,main{max-width:none;padding-left:0;padding-right:0}
.top .wrap{padding-top:0;padding-bottom:8px}
.controls{display:none}
tr{break-inside:avoid;page-break-inside:avoid}
tr[hidden]{display:table-row!important}
thead{display:table-header-group}
.card,.panel{border-color:#d5dae2;break-inside:avoid-page}
.panel{padding:12px 14px}
#todo-section,#findings{break-inside:auto}
h2,h3,figcaption{break-after:avoid;page-break-after:avoid}
#todo th::after{content:none!important}
.cards{grid-template-columns:repeat(5,1fr);gap:8px}
.card{padding:8px 10px}.card .big{font-size:20px}
.charts{grid-template-columns:1fr;gap:0}
.charts .panel{break-inside:avoid}
.charts svg{max-width:150mm}
table{font-size:10px}
th{font-size:9px;letter-spacing:0;padding:5px 6px}
td{padding:5px 6px}
code{font-size:9.5px}
.why,.recs{font-size:9.5px}
}
"#;

/// Sorting and filtering of the to-do table; labels come from data attributes, so
/// no report text is ever spliced into script.
const JS: &str = r#"
(function(){
var t=document.getElementById('todo');if(!t||!t.tBodies[0])return;
var body=t.tBodies[0],rows=[].slice.call(body.querySelectorAll('tr.todo-row'));
var q=document.getElementById('todo-filter'),p=document.getElementById('todo-priority'),c=document.getElementById('todo-count');
function filter(){var s=q.value.toLowerCase(),pr=p.value,n=0;
rows.forEach(function(r){var ok=(!pr||r.getAttribute('data-priority')===pr)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);r.hidden=!ok;if(ok)n++;});
c.textContent=n+' / '+rows.length+' '+c.getAttribute('data-label');}
q.addEventListener('input',filter);p.addEventListener('change',filter);
var ths=[].slice.call(t.tHead.rows[0].cells);
ths.forEach(function(th,i){th.tabIndex=0;function sort(){var asc=th.getAttribute('aria-sort')!=='ascending';
ths.forEach(function(x){x.removeAttribute('aria-sort');});th.setAttribute('aria-sort',asc?'ascending':'descending');
var num=th.getAttribute('data-type')==='num';
rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i];x=x.getAttribute('data-v')||x.textContent;y=y.getAttribute('data-v')||y.textContent;
var d=num?parseFloat(x)-parseFloat(y):x.localeCompare(y);return asc?d:-d;});
rows.forEach(function(r){body.appendChild(r);});}
th.addEventListener('click',sort);th.addEventListener('keydown',function(e){if(e.key==='Enter')sort();});});
filter();
})();
"#;
