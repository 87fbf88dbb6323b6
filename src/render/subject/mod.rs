//! Renderers of the subject report: table (terminal), Markdown, HTML and CSV.
//! They read only the report, whose values are already masked unless
//! `--show-values`. A batch renders as one summary row per request.

pub mod actions;
mod eml;
mod index;
mod mask;
pub mod package;

use crate::i18n::Lang;
use crate::subject::report::{RequestReport, SubjectReport};
use std::io::{self, Write};

fn t(lang: Lang, en: &'static str, sv: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Sv => sv,
    }
}

/// One line per request: id, type, hits, sources, deadline, status.
fn summary_cells(r: &RequestReport) -> [String; 7] {
    [
        r.request_id.clone(),
        r.kind.as_str().to_string(),
        r.summary.own_records.to_string(),
        r.summary.mentions.to_string(),
        r.summary.sources.len().to_string(),
        r.deadline
            .as_ref()
            .map_or("-".to_string(), |d| d.due.clone()),
        r.status.to_string(),
    ]
}

fn summary_header(lang: Lang) -> [&'static str; 7] {
    [
        t(lang, "request", "begäran"),
        t(lang, "type", "typ"),
        t(lang, "own records", "egna poster"),
        t(lang, "mentions", "omnämnanden"),
        t(lang, "sources", "källor"),
        t(lang, "deadline", "sista dag"),
        t(lang, "status", "status"),
    ]
}

/// `email (exact), phone (normalised)` for a record's hits.
fn hit_list(rec: &crate::subject::hits::RecordHit) -> String {
    let mut parts: Vec<String> = rec
        .hits
        .iter()
        .map(|h| {
            let how = serde_json::to_value(h.how)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            format!(
                "{} {} {} ({how})",
                h.location.field(),
                h.identifier,
                h.value
            )
        })
        .collect();
    parts.dedup();
    parts.join("; ")
}

fn record_row(rec: &crate::subject::hits::RecordHit) -> [String; 4] {
    let role = match rec.role {
        crate::subject::hits::Role::Own => "own",
        crate::subject::hits::Role::Mention => "mention",
    };
    let strength = match rec.strength {
        crate::subject::hits::Strength::Strong => "strong",
        crate::subject::hits::Strength::Weak => "weak",
    };
    [
        format!("{role}/{strength}"),
        rec.path.clone(),
        rec.record.label(),
        hit_list(rec),
    ]
}

fn action_row(a: &crate::subject::erase::Action) -> [String; 5] {
    let mut what = a
        .location
        .as_ref()
        .map_or(String::new(), |l| l.field().to_string());
    if let Some(until) = &a.hold_until {
        what = format!("until {until}");
    }
    [
        a.action.as_str().to_string(),
        a.path.clone(),
        a.record.label(),
        format!("{} {}", a.identifier, a.value),
        a.reason.clone().unwrap_or(what),
    ]
}

pub fn table(r: &SubjectReport, lang: Lang, w: &mut dyn Write) -> io::Result<()> {
    if r.requests.len() > 1 {
        let mut tab = comfy_table::Table::new();
        tab.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
            .set_width(table_width())
            .force_no_tty()
            .set_header(summary_header(lang));
        for q in &r.requests {
            tab.add_row(summary_cells(q));
        }
        writeln!(w, "{tab}")?;
    }
    for q in r
        .requests
        .iter()
        .take(if r.requests.len() > 1 { 0 } else { 1 })
    {
        let due = q.deadline.as_ref().map_or(String::new(), |d| {
            format!(
                ", {} {}, {} {}",
                t(lang, "received", "mottagen"),
                d.received,
                t(lang, "due", "senast"),
                d.due
            )
        });
        writeln!(
            w,
            "{} {} ({}{due}): {}",
            t(lang, "Request", "Begäran"),
            q.request_id,
            q.kind.as_str(),
            q.status
        )?;
        for s in &q.searched {
            let learned = s.learned_from.as_ref().map_or(String::new(), |f| {
                format!(" ({} {f})", t(lang, "learned from", "funnen i"))
            });
            writeln!(
                w,
                "  {} {} {}{learned}",
                t(lang, "searched", "sökt"),
                s.kind,
                s.value
            )?;
        }
        writeln!(
            w,
            "  {} {}, {} {}, {} {}, {} {}",
            q.summary.own_records,
            t(lang, "own records", "egna poster"),
            q.summary.mentions,
            t(lang, "mentions", "omnämnanden"),
            q.summary.sources.len(),
            t(lang, "sources", "källor"),
            q.summary.weak_records,
            t(lang, "by name alone (review)", "bara på namn (granska)"),
        )?;
        let mut tab = comfy_table::Table::new();
        tab.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
            .set_width(table_width())
            .force_no_tty();
        match &q.actions {
            Some(actions) => {
                tab.set_header([
                    t(lang, "action", "åtgärd"),
                    t(lang, "file", "fil"),
                    t(lang, "record", "post"),
                    t(lang, "identifier", "identifierare"),
                    t(lang, "details", "detaljer"),
                ]);
                for a in actions {
                    tab.add_row(action_row(a));
                }
            }
            None => {
                tab.set_header([
                    t(lang, "kind", "slag"),
                    t(lang, "file", "fil"),
                    t(lang, "record", "post"),
                    t(lang, "hits", "träffar"),
                ]);
                for rec in &q.records {
                    tab.add_row(record_row(rec));
                }
            }
        }
        writeln!(w, "{tab}")?;
    }
    problems(r, w, "")
}

fn problems(r: &SubjectReport, w: &mut dyn Write, bullet: &str) -> io::Result<()> {
    for e in &r.errors {
        writeln!(w, "{bullet}error: {}: {}", e.path, e.message)?;
    }
    Ok(())
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn md_row<S: AsRef<str>>(w: &mut dyn Write, cells: &[S]) -> io::Result<()> {
    let cells: Vec<String> = cells.iter().map(|c| md_cell(c.as_ref())).collect();
    writeln!(w, "| {} |", cells.join(" | "))
}

fn md_header(w: &mut dyn Write, cells: &[&str]) -> io::Result<()> {
    md_row(w, cells)?;
    md_row(w, &vec!["---"; cells.len()])
}

pub fn markdown(r: &SubjectReport, lang: Lang, w: &mut dyn Write) -> io::Result<()> {
    let title = match r.kind {
        crate::subject::report::ReportKind::Find => {
            t(lang, "Data-subject search", "Sökning efter registrerad")
        }
        crate::subject::report::ReportKind::ErasurePlan => t(lang, "Erasure plan", "Raderingsplan"),
    };
    writeln!(w, "# {title}\n")?;
    writeln!(
        w,
        "{} {}, {} {}.\n",
        t(lang, "As of", "Per"),
        r.as_of,
        r.tool.name,
        r.tool.version
    )?;
    md_header(w, &summary_header(lang))?;
    for q in &r.requests {
        md_row(w, &summary_cells(q))?;
    }
    for q in &r.requests {
        writeln!(
            w,
            "\n## {} {}\n",
            t(lang, "Request", "Begäran"),
            md_cell(&q.request_id)
        )?;
        for s in &q.searched {
            let learned = s.learned_from.as_ref().map_or(String::new(), |f| {
                format!(" ({} {})", t(lang, "learned from", "funnen i"), md_cell(f))
            });
            writeln!(w, "- {} `{}`{learned}", s.kind, md_cell(&s.value))?;
        }
        writeln!(w)?;
        match &q.actions {
            Some(actions) => {
                md_header(w, &["action", "file", "record", "identifier", "details"])?;
                for a in actions {
                    md_row(w, &action_row(a))?;
                }
            }
            None => {
                md_header(w, &["kind", "file", "record", "hits"])?;
                for rec in &q.records {
                    md_row(w, &record_row(rec))?;
                }
            }
        }
    }
    if !r.errors.is_empty() {
        writeln!(
            w,
            "\n## {}\n",
            t(lang, "Could not be read", "Kunde inte läsas")
        )?;
        problems(r, w, "- ")?;
    }
    Ok(())
}

/// Text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// The page frame every HTML output shares: inline CSS, and a CSP that forbids
/// any request.
pub fn html_page(w: &mut dyn Write, lang: Lang, title: &str, body: &str) -> io::Result<()> {
    let code = t(lang, "en", "sv");
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>{}</title><style>body{{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}}\
         table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}}\
         th{{background:#f3f3f3}}</style></head><body>\n{body}</body></html>\n",
        esc(title)
    )
}

fn html_table<const N: usize>(head: &[&str], rows: impl Iterator<Item = [String; N]>) -> String {
    let mut s = String::from("<table><tr>");
    for h in head {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr>\n");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            s.push_str(&format!("<td>{}</td>", esc(&c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

pub fn html(r: &SubjectReport, lang: Lang, w: &mut dyn Write) -> io::Result<()> {
    let title = match r.kind {
        crate::subject::report::ReportKind::Find => {
            t(lang, "Data-subject search", "Sökning efter registrerad")
        }
        crate::subject::report::ReportKind::ErasurePlan => t(lang, "Erasure plan", "Raderingsplan"),
    };
    let mut body = format!(
        "<h1>{}</h1><p>{} {}</p>\n",
        esc(title),
        t(lang, "As of", "Per"),
        esc(&r.as_of)
    );
    body.push_str(&html_table(
        &summary_header(lang),
        r.requests.iter().map(summary_cells),
    ));
    for q in &r.requests {
        body.push_str(&format!(
            "<h2>{} {}</h2>\n",
            t(lang, "Request", "Begäran"),
            esc(&q.request_id)
        ));
        body.push_str(&match &q.actions {
            Some(a) => html_table(
                &["action", "file", "record", "identifier", "details"],
                a.iter().map(action_row),
            ),
            None => html_table(
                &["kind", "file", "record", "hits"],
                q.records.iter().map(record_row),
            ),
        });
    }
    for e in &r.errors {
        body.push_str(&format!(
            "<p>error: {}: {}</p>\n",
            esc(&e.path),
            esc(&e.message)
        ));
    }
    html_page(w, lang, title, &body)
}

/// One row per record (find) or per action (plan), cells defused for spreadsheets.
pub fn csv(r: &SubjectReport, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let plan = r.requests.iter().any(|q| q.actions.is_some());
    if plan {
        out.write_record([
            "request_id",
            "action",
            "path",
            "record",
            "identifier",
            "details",
        ])?;
    } else {
        out.write_record(["request_id", "kind", "path", "record", "hits"])?;
    }
    let defuse = |c: &str| crate::output::defuse_cell(c).into_owned();
    for q in &r.requests {
        if let Some(actions) = &q.actions {
            for a in actions {
                let [x, p, rec, id, d] = action_row(a);
                out.write_record([&q.request_id, &x, &p, &rec, &id, &d].map(|c| defuse(c)))?;
            }
        } else {
            for rec in &q.records {
                let [k, p, r2, h] = record_row(rec);
                out.write_record([&q.request_id, &k, &p, &r2, &h].map(|c| defuse(c)))?;
            }
        }
    }
    out.flush()
}

/// The terminal's width from `COLUMNS`, else 100.
fn table_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(100)
}
