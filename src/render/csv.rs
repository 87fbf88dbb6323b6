//! `--format csv`: the to-do list, one row per item, for spreadsheets and issue
//! trackers. Cells that a spreadsheet would run as a formula are defused.

use super::{RenderOptions, Report};
use crate::i18n;
use std::io::Write;

pub fn render(
    report: &Report,
    opts: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let lang = opts.lang;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(i18n::report_csv_header(lang))?;
    // Coverage first: one row per file not read, its verdict as the reason.
    // From the summary: a report assembled elsewhere may not carry its coverage.
    let c = &crate::audit::Coverage::of(&report.summary);
    if !c.complete {
        let verdict = i18n::coverage::incomplete(lang, c.files_not_read, c.files_total);
        for (failed, e) in c.not_read() {
            let what = format!("{}: {}", i18n::coverage::state(lang, failed), e.error);
            let row = [
                "",
                "",
                "",
                i18n::coverage::action(lang),
                &what,
                "",
                "",
                &e.path,
                "",
                "",
                "",
                "",
                &verdict,
            ];
            w.write_record(row.map(|c| crate::output::defuse_cell(c).into_owned()))?;
        }
    }
    for it in &report.todo {
        let records: Vec<String> = it.records.iter().map(|n| n.to_string()).collect();
        let row = [
            it.id.clone(),
            it.priority.to_string(),
            format!("{:.1}", it.score),
            i18n::action_name(lang, it.action).to_string(),
            it.title().into_owned(),
            i18n::category_name(lang, it.category).to_string(),
            it.article.clone(),
            it.path.clone(),
            it.field.clone(),
            it.count.to_string(),
            records.join(" "),
            it.messages.join(" "),
            it.why().into_owned(),
        ];
        w.write_record(
            row.iter()
                .map(|c| crate::output::defuse_cell(c).into_owned()),
        )?;
    }
    w.flush()?;
    Ok(())
}
