//! `--format table`: the terminal view. The to-do list comes first because it is
//! what a reader acts on; findings, mail messages, inventory and errors follow.
//! Every table is laid out for `opts.width` (80 columns by default) and input text
//! is stripped of control characters so a crafted field name cannot drive the
//! terminal.
//!
//! Over 500 lines: one section writer per report section, in report order; the
//! layout helpers are in `table/layout.rs`.

use super::common::{
    baseline_counts, capitalize, findings_by_category, human_bytes, inventory_categories,
    key_id_note, owner, records_list, truncate_left,
};
use super::coverage::{TABLE_LIMIT, coverage_text, nothing_listed};
use super::inventory;
use super::sections::{Ctx, Section, SectionWriter, walk};
use super::{RenderOptions, Report};
use crate::finding::MessageInfo;
use crate::i18n::{self, Noun, counted};
use crate::model::{Category, Location, Priority, Severity};
use crate::todo::category_weight;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// Record numbers shown per to-do row.
const RECORDS: usize = 5;
/// Messages listed per mailbox.
const MESSAGES: usize = 20;
/// Inventory rows per group; the full inventory is in HTML and Markdown.
const INVENTORY_ROWS: usize = 30;
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
        "{} {} · {} {}{}",
        clean(&report.tool.name),
        clean(&report.tool.version),
        t.rule_pack.to_lowercase(),
        clean(&report.tool.rules_version),
        clean(&key_id_note(report, lang))
    );
    writeln!(out, "{}", wrap(&tool, width, ""))?;
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
    let scanned = format!(
        "{}: {}, {}, {}, {} — {}{}",
        t.scanned,
        counted(lang, s.files, Noun::File),
        human_bytes(s.bytes),
        counted(lang, s.records, Noun::Record),
        counted(lang, s.messages, Noun::Message),
        counted(lang, s.findings, Noun::Finding),
        if sev.is_empty() {
            String::new()
        } else {
            format!(" ({})", sev.join(", "))
        }
    );
    writeln!(out, "\n{}", heading(i18n::coverage::title(lang)))?;
    writeln!(out, "{}", wrap(&scanned, width, ""))?;
    coverage_lines(c, width, (width / 3).max(18), out)?;
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
        writeln!(out, "{}", nothing_listed(report, lang, rt.nothing_to_do))?;
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
            // A mail item counts messages: its record numbers are message numbers.
            let recs = if it.records.is_empty() || report.is_mail(&it.path) {
                counted(
                    lang,
                    it.messages.len().max(it.records.len()) as u64,
                    Noun::Message,
                )
            } else {
                records_list(&it.records, if narrow { 3 } else { RECORDS }, t.more)
            };
            let field = i18n::field_label(lang, &it.field, report.is_mail(&it.path));
            let place = place(&it.path, &field, path_room);
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
                Cell::new(i18n::thousands(lang, it.count)).set_alignment(CellAlignment::Right),
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
        writeln!(out, "{}", nothing_listed(report, lang, t.nothing_found))?;
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
                        i18n::thousands(lang, g.count)
                    );
                    severity_cell(text, g.severity, opts.color)
                } else {
                    Cell::new("")
                };
                let samples: Vec<String> = p.samples.iter().map(|v| clean(v)).collect();
                tb.add_row(vec![
                    cat,
                    Cell::new(place(
                        &p.path,
                        &i18n::field_label(lang, &p.field, report.is_mail(&p.path)),
                        path_room,
                    )),
                    Cell::new(i18n::thousands(lang, p.count)).set_alignment(CellAlignment::Right),
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
    let width = line_width(c);
    let path_room = (width / 3).max(18);
    if report.inventory.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", heading(c, t.inventory))?;
    writeln!(out, "{}", wrap(t.inventory_intro, width, ""))?;
    let mut folded = false;
    for (kind, title) in inventory::groups(lang) {
        let rows = inventory::fold(&report.inventory, kind);
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "\n{}", wrap(title, width, ""))?;
        let mut tb = new_table(c);
        tb.set_header(vec![
            Cell::new(t.where_),
            Cell::new(capitalize(t.files)).set_alignment(CellAlignment::Right),
            Cell::new(t.categories),
            Cell::new(t.values).set_alignment(CellAlignment::Right),
        ]);
        reserve(&mut tb, 0, path_room);
        for row in rows.iter().take(INVENTORY_ROWS) {
            let e = &row.entry;
            folded |= row.files > 1;
            let mut cats = clean(&inventory_categories(e, lang, false));
            if let Some(note) = i18n::decided_by_note(lang, e.decided_by.as_deref()) {
                cats = format!("{cats} ({note})");
            }
            let field = i18n::field_label(lang, &e.field, report.is_mail(&e.path));
            tb.add_row(vec![
                Cell::new(place(&e.path, &field, path_room)),
                Cell::new(i18n::thousands(lang, row.files as u64))
                    .set_alignment(CellAlignment::Right),
                Cell::new(cats),
                Cell::new(i18n::thousands(lang, e.values)).set_alignment(CellAlignment::Right),
            ]);
        }
        writeln!(out, "{tb}")?;
        if rows.len() > INVENTORY_ROWS {
            folded = true;
            writeln!(out, "  … {} {}", rows.len() - INVENTORY_ROWS, t.more)?;
        }
    }
    if folded {
        writeln!(
            out,
            "{}",
            wrap(inventory::full_detail_hint(lang), width, "")
        )?;
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
    let Ctx { s, t, .. } = *c;
    let width = line_width(c);
    let path_room = (line_width(c) / 3).max(18);
    let heading = |text: &str| heading(c, text);
    // Errors and skipped files are in the coverage section at the top.
    for (title, list) in [(t.warnings, &s.warnings)] {
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
    Ok(())
}

/// The verdict (bold red when incomplete and coloured) and the files not read:
/// the first ten, all of them with `--verbose`.
fn coverage_lines(
    c: &Ctx<'_>,
    width: usize,
    path_room: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let limit = (!c.opts.verbose).then_some(TABLE_LIMIT);
    let cov = coverage_text(c.report, c.lang, limit);
    let verdict = wrap(&cov.verdict, width, "");
    if c.opts.color && !cov.complete {
        writeln!(out, "\x1b[1;31m{verdict}\x1b[0m")?;
    } else {
        writeln!(out, "{verdict}")?;
    }
    for n in &cov.not_read {
        let line = format!(
            "{}: {}: {}",
            clean(&truncate_left(&n.path, path_room)),
            n.state,
            clean(&n.reason)
        );
        writeln!(out, "{}", wrap(&line, width, "  "))?;
    }
    if let Some(more) = &cov.more {
        writeln!(out, "  {more}")?;
    }
    if let Some(own) = &cov.own_outputs {
        writeln!(out, "{}", wrap(own, width, ""))?;
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
