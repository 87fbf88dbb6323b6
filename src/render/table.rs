//! `--format table`: the terminal view. The to-do list comes first because it is
//! what a reader acts on; findings, mail messages, inventory and errors follow.
//! Every table is laid out for `opts.width` (80 columns by default) and input text
//! is stripped of control characters so a crafted field name cannot drive the
//! terminal.

use super::common::{
    baseline_counts, capitalize, findings_by_category, human_bytes, inventory_categories, owner,
    records_list, truncate_left,
};
use super::sections::{Ctx, Section, SectionWriter, walk};
use super::{RenderOptions, Report};
use crate::finding::MessageInfo;
use crate::i18n;
use crate::model::{Category, Location, Priority, Severity};
use crate::todo::category_weight;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// Record numbers shown per to-do row.
const RECORDS: usize = 5;
/// Messages listed per mailbox.
const MESSAGES: usize = 20;
/// Errors and warnings listed.
mod layout;
use layout::{clean, place, reserve, wrap};

const LIST_LIMIT: usize = 20;

pub fn render(
    report: &Report,
    opts: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    walk(&mut Terminal { out }, &Ctx::new(report, opts))
}

/// The terminal's sections: the to-do list right after the counts, then the detail.
struct Terminal<'w> {
    out: &'w mut dyn Write,
}

/// The width the table is laid out for (at least 40 columns).
fn line_width(c: &Ctx<'_>) -> usize {
    c.opts.width.max(40) as usize
}

/// A section heading, bold on a colour terminal.
fn heading(c: &Ctx<'_>, text: &str) -> String {
    if c.opts.color {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn new_table(c: &Ctx<'_>) -> Table {
    let mut tb = Table::new();
    tb.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(c.opts.width.max(40))
        .force_no_tty();
    if c.opts.color {
        tb.enforce_styling();
    }
    tb
}

impl SectionWriter for Terminal<'_> {
    type Error = std::io::Error;
    const ORDER: &'static [Section] = &[
        Section::Summary,
        Section::Todo,
        Section::Findings,
        Section::Messages,
        Section::Inventory,
        Section::Violations,
        Section::Problems,
    ];

    fn section(&mut self, c: &Ctx<'_>, section: Section) -> std::io::Result<()> {
        let out = &mut *self.out;
        match section {
            Section::Summary => summary(c, out),
            Section::Todo => todo(c, out),
            Section::Findings => findings(c, out),
            Section::Messages => messages(c, out),
            Section::Inventory => inventory(c, out),
            Section::Violations => violations(c, out),
            Section::Problems => problems(c, out),
            _ => Ok(()),
        }
    }
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
    let width = line_width(c);
    let heading = |text: &str| heading(c, text);
    writeln!(out, "{}", heading(t.report_title))?;
    let tool = format!(
        "{} {} · {} {}",
        clean(&report.tool.name),
        clean(&report.tool.version),
        t.rule_pack.to_lowercase(),
        clean(&report.tool.rules_version)
    );
    writeln!(out, "{}", wrap(&tool, width, ""))?;
    let sev: Vec<String> = s
        .by_severity
        .iter()
        .rev()
        .map(|(k, n)| format!("{} {n}", i18n::severity_name(lang, *k)))
        .collect();
    let scanned = format!(
        "{}: {} {}, {}, {} {}, {} {} — {} {}{}",
        t.scanned,
        s.files,
        t.files,
        human_bytes(s.bytes),
        s.records,
        t.records,
        s.messages,
        t.messages,
        s.findings,
        t.findings.to_lowercase(),
        if sev.is_empty() {
            String::new()
        } else {
            format!(" ({})", sev.join(", "))
        }
    );
    writeln!(out, "{}", wrap(&scanned, width, ""))?;
    if let Some(b) = &s.baseline {
        let line = format!(
            "{} {}: {}",
            rt.baseline,
            clean(&b.file),
            baseline_counts(b, lang)
        );
        writeln!(out, "{}", wrap(&line, width, ""))?;
    }
    if !s.allowlist.is_empty() {
        let n: u64 = s.allowlist.iter().map(|a| a.suppressed).sum();
        writeln!(
            out,
            "{}: {n} {}",
            rt.allowlist,
            rt.suppressed.to_lowercase()
        )?;
    }
    Ok(())
}

fn todo(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report,
        opts,
        lang,
        t,
        rt,
        ..
    } = *c;
    let width = line_width(c);
    let path_room = (line_width(c) / 3).max(18);
    let heading = |text: &str| heading(c, text);
    let new_table = || new_table(c);
    writeln!(out, "\n{}", heading(t.todo))?;
    if report.todo.is_empty() {
        writeln!(out, "{}", rt.nothing_to_do)?;
    } else {
        // Below 72 columns the record numbers go under the place, not in a column.
        let narrow = width < 72;
        let mut tb = new_table();
        let mut header = vec![
            Cell::new("P"),
            Cell::new(t.action),
            Cell::new(t.where_),
            Cell::new(t.count).set_alignment(CellAlignment::Right),
        ];
        if !narrow {
            header.push(Cell::new(t.records_affected));
        }
        tb.set_header(header);
        reserve(&mut tb, 2, path_room);
        for it in &report.todo {
            let recs = if it.records.is_empty() {
                format!("{} {}", it.messages.len(), t.messages)
            } else {
                records_list(&it.records, if narrow { 3 } else { RECORDS }, t.more)
            };
            let place = place(&it.path, &it.field, path_room);
            let mut row = vec![
                priority_cell(it.priority, opts.color),
                Cell::new(format!(
                    "{} {}",
                    i18n::action_name(lang, it.action),
                    i18n::category_name(lang, it.category)
                )),
                Cell::new(if narrow {
                    format!("{place}\n# {recs}")
                } else {
                    place
                }),
                Cell::new(it.count).set_alignment(CellAlignment::Right),
            ];
            if !narrow {
                row.push(Cell::new(recs));
            }
            tb.add_row(row);
        }
        writeln!(out, "{tb}")?;
    }
    Ok(())
}

fn findings(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report,
        opts,
        lang,
        t,
        ..
    } = *c;
    let path_room = (line_width(c) / 3).max(18);
    let heading = |text: &str| heading(c, text);
    let new_table = || new_table(c);
    let groups = findings_by_category(report, 2);
    writeln!(out, "\n{}", heading(t.findings_by_category))?;
    if groups.is_empty() {
        writeln!(out, "{}", t.nothing_found)?;
    } else {
        let mut tb = new_table();
        tb.set_header(vec![
            Cell::new(t.category),
            Cell::new(t.where_),
            Cell::new(t.count).set_alignment(CellAlignment::Right),
            Cell::new(t.samples),
        ]);
        reserve(&mut tb, 1, path_room);
        for g in &groups {
            for (i, p) in g.places.iter().enumerate() {
                let cat = if i == 0 {
                    let text = format!(
                        "{} ({})",
                        capitalize(i18n::category_name(lang, g.category)),
                        g.count
                    );
                    severity_cell(text, g.severity, opts.color)
                } else {
                    Cell::new("")
                };
                let samples: Vec<String> = p.samples.iter().map(|v| clean(v)).collect();
                tb.add_row(vec![
                    cat,
                    Cell::new(place(&p.path, &p.field, path_room)),
                    Cell::new(p.count).set_alignment(CellAlignment::Right),
                    Cell::new(samples.join(", ")),
                ]);
            }
        }
        writeln!(out, "{tb}")?;
    }
    Ok(())
}

fn messages(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report,
        lang,
        t,
        rt,
        ..
    } = *c;
    let width = line_width(c);
    let heading = |text: &str| heading(c, text);
    let new_table = || new_table(c);
    for (mailbox, messages) in &mail_messages(report) {
        let mailbox = mailbox.as_str();
        let title = rt.messages_with_findings;
        let room = width.saturating_sub(title.chars().count() + 3);
        if mailbox.chars().count() <= room {
            writeln!(out, "\n{} — {}", heading(title), clean(mailbox))?;
        } else {
            writeln!(out, "\n{}", heading(title))?;
            writeln!(out, "{}", clean(&truncate_left(mailbox, width)))?;
        }
        let mut tb = new_table();
        tb.set_header(vec!["#", rt.date, rt.from, rt.subject, t.findings]);
        let total = messages.len();
        for ((path, number), (info, cats)) in messages.iter().take(MESSAGES) {
            let (path, number, info) = (path.as_str(), *number, info.as_ref());
            // A Maildir message is known by its file name, an mbox one by its number.
            let id = if path == mailbox {
                number.to_string()
            } else {
                clean(&truncate_left(path.rsplit('/').next().unwrap_or(path), 16))
            };
            let get = |f: fn(&MessageInfo) -> &Option<String>| {
                info.and_then(|m| f(m).as_deref())
                    .map(clean)
                    .unwrap_or_else(|| "—".into())
            };
            let mut cats: Vec<Category> = cats.iter().copied().collect();
            cats.sort_by(|a, b| category_weight(*b).total_cmp(&category_weight(*a)));
            let cats: Vec<&str> = cats.iter().map(|c| i18n::category_name(lang, *c)).collect();
            tb.add_row(vec![
                Cell::new(id),
                Cell::new(get(|m| &m.date)),
                Cell::new(get(|m| &m.from)),
                Cell::new(get(|m| &m.subject)),
                Cell::new(cats.join(", ")),
            ]);
        }
        writeln!(out, "{tb}")?;
        if total > MESSAGES {
            writeln!(out, "… {} {}", total - MESSAGES, t.more)?;
        }
    }
    Ok(())
}

fn inventory(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx {
        report, lang, t, ..
    } = *c;
    let path_room = (line_width(c) / 3).max(18);
    let heading = |text: &str| heading(c, text);
    let new_table = || new_table(c);
    if !report.inventory.is_empty() {
        writeln!(out, "\n{}", heading(t.inventory))?;
        let mut tb = new_table();
        tb.set_header(vec![
            Cell::new(t.where_),
            Cell::new(t.kind),
            Cell::new(t.categories),
            Cell::new(t.values).set_alignment(CellAlignment::Right),
        ]);
        reserve(&mut tb, 0, path_room);
        for e in &report.inventory {
            tb.add_row(vec![
                Cell::new(place(&e.path, &e.field, path_room)),
                Cell::new(i18n::kind_name(lang, e.kind)),
                Cell::new(clean(&inventory_categories(e, lang, false))),
                Cell::new(e.values).set_alignment(CellAlignment::Right),
            ]);
        }
        writeln!(out, "{tb}")?;
    }
    Ok(())
}

fn violations(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx { report, t, rt, .. } = *c;
    let path_room = (line_width(c) / 3).max(18);
    let heading = |text: &str| heading(c, text);
    let new_table = || new_table(c);
    if !report.violations.is_empty() {
        writeln!(out, "\n{}", heading(t.violations))?;
        let mut tb = new_table();
        tb.set_header(vec![
            Cell::new(t.where_),
            Cell::new(t.count).set_alignment(CellAlignment::Right),
            Cell::new(rt.message_text),
        ]);
        reserve(&mut tb, 0, path_room);
        for v in &report.violations {
            tb.add_row(vec![
                Cell::new(place(&v.path, &v.field, path_room)),
                Cell::new(v.count).set_alignment(CellAlignment::Right),
                Cell::new(clean(&v.message)),
            ]);
        }
        writeln!(out, "{tb}")?;
    }
    Ok(())
}

fn problems(c: &Ctx<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let Ctx { s, t, rt, .. } = *c;
    let width = line_width(c);
    let path_room = (line_width(c) / 3).max(18);
    let heading = |text: &str| heading(c, text);
    for (title, list) in [(t.errors, &s.errors), (t.warnings, &s.warnings)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{}", heading(title))?;
        for e in list.iter().take(LIST_LIMIT) {
            let line = format!(
                "{}: {}",
                clean(&truncate_left(&e.path, path_room)),
                clean(&e.error)
            );
            writeln!(out, "{}", wrap(&line, width, "  "))?;
        }
        if list.len() > LIST_LIMIT {
            writeln!(out, "  … {} {}", list.len() - LIST_LIMIT, t.more)?;
        }
    }
    if !s.skipped.is_empty() {
        writeln!(out, "\n{}: {} {}", rt.skipped, s.skipped.len(), t.files)?;
    }
    Ok(())
}

fn priority_cell(p: Priority, color: bool) -> Cell {
    let cell = Cell::new(p.as_str());
    if !color {
        return cell;
    }
    match p {
        Priority::P1 => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Priority::P2 => cell.fg(Color::Yellow),
        Priority::P3 => cell.fg(Color::Cyan),
        Priority::P4 => cell.fg(Color::DarkGrey),
    }
}

fn severity_cell(text: String, s: Severity, color: bool) -> Cell {
    let cell = Cell::new(text);
    if !color {
        return cell;
    }
    match s {
        Severity::Critical => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::High => cell.fg(Color::Red),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell,
    }
}

/// Messages of one mailbox by (file, message number): an mbox is one file, a Maildir
/// has one file per message.
type Messages = BTreeMap<(String, u64), (Option<MessageInfo>, BTreeSet<Category>)>;

/// Mail findings per mailbox and message, with what identifies the message.
fn mail_messages(report: &Report) -> BTreeMap<String, Messages> {
    let mut map: BTreeMap<String, Messages> = BTreeMap::new();
    for f in &report.findings {
        let Location::Email { message, .. } = &f.location else {
            continue;
        };
        let m = map
            .entry(owner(&f.path, &report.summary.sources).to_string())
            .or_default()
            .entry((f.path.clone(), *message))
            .or_insert((None, BTreeSet::new()));
        if m.0.is_none() {
            m.0.clone_from(&f.message);
        }
        m.1.insert(f.category);
    }
    map
}
