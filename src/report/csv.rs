//! `--format csv`: the to-do list, one row per item, for spreadsheets and issue
//! trackers. Cells that a spreadsheet would run as a formula are defused.

use super::common::capitalize;
use super::{RenderOptions, Report};
use crate::i18n;
use std::io::Write;

pub fn render(
    report: &Report,
    opts: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let lang = opts.lang;
    let t = i18n::texts(lang);
    let rt = i18n::render_texts(lang);
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        rt.id,
        t.priority,
        rt.score,
        t.action,
        t.what,
        t.category,
        t.article,
        t.file,
        t.field,
        t.count,
        t.records_affected,
        &capitalize(t.messages),
        t.why,
    ])?;
    for it in &report.todo {
        let records: Vec<String> = it.records.iter().map(u64::to_string).collect();
        let row = [
            it.id.clone(),
            it.priority.clone(),
            format!("{:.1}", it.score),
            i18n::action_name(lang, it.action).to_string(),
            it.title.clone(),
            i18n::category_name(lang, it.category).to_string(),
            it.article.clone(),
            it.path.clone(),
            it.field.clone(),
            it.count.to_string(),
            records.join(" "),
            it.messages.join(" "),
            it.why.clone(),
        ];
        w.write_record(row.iter().map(|c| defuse(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// A cell a spreadsheet would read as a formula (or that starts with a control
/// character some read as one) gets a leading `'`, which shows it as text.
/// Paths, field names and titles come from the scanned files: attacker text.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formulas_are_defused_and_text_is_kept() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("+1"), "'+1");
        assert_eq!(defuse("-2+3"), "'-2+3");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("\tx"), "'\tx");
        assert_eq!(defuse("\rx"), "'\rx");
        assert_eq!(defuse("crm/a.csv"), "crm/a.csv");
        assert_eq!(defuse(""), "");
    }
}
