//! The to-do table of the HTML report: priority filter, sortable columns, one row
//! per item with its reason and records.

use super::*;

// Over 80 lines: one sortable table: filter controls, header, and one row per item.
/// The to-do list: sortable by a click on a header, filtered by text and priority.
pub(super) fn todo_table(h: &mut String, report: &Report, lang: Lang) -> std::fmt::Result {
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
    for p in Priority::ALL {
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
        let p = it.priority;
        let label = i18n::field_label(lang, &it.field, report.is_mail(&it.path));
        let title: String = split_quoted(&it.title(), &[&it.path, &it.field, &label])
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
            it.priority.as_str().to_lowercase(),
            it.score,
            it.score,
            esc(i18n::action_name(lang, it.action)),
            esc(&it.why()),
            esc(&it.article),
            it.count,
            i18n::thousands(lang, it.count)
        )?;
    }
    if report.todo.is_empty() {
        write!(
            h,
            "<tr><td colspan=\"7\" class=\"muted\">{}</td></tr>",
            esc(nothing_listed(report, lang, rt.nothing_to_do))
        )?;
    }
    h.push_str("</tbody></table></section>\n");
    Ok(())
}
