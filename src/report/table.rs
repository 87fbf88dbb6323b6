//! `--format table`: the terminal view.

use super::Report;
use comfy_table::{ContentArrangement, Table, presets};
use std::collections::BTreeMap;
use std::io::Write;

pub fn render(
    report: &Report,
    style: &super::RenderOptions<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "gdpr-audit {} — {} files, {} bytes, {} records, {} messages — {} findings",
        report.tool.version, s.files, s.bytes, s.records, s.messages, s.findings
    )?;
    let new_table = || {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(style.width);
        if !style.color {
            t.force_no_tty();
        }
        t
    };
    if !report.inventory.is_empty() {
        writeln!(out, "\nInventory (fields meant to hold personal data)")?;
        let mut t = new_table();
        t.set_header(vec!["File", "Field", "Kind", "Categories", "Values"]);
        for e in &report.inventory {
            let cats: Vec<String> = e
                .categories
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            t.add_row(vec![
                e.path.clone(),
                e.field.clone(),
                format!("{:?}", e.kind).to_lowercase(),
                cats.join(", "),
                e.values.to_string(),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !report.findings.is_empty() {
        writeln!(out, "\nFindings by file and field")?;
        let mut groups: BTreeMap<(&str, &str, &str), (u64, &str, Vec<&str>)> = BTreeMap::new();
        for f in &report.findings {
            let g = groups
                .entry((&f.path, f.location.field(), f.category.as_str()))
                .or_insert((0, f.severity.as_str(), Vec::new()));
            g.0 += 1;
            if g.2.len() < 3 {
                g.2.push(f.value.as_deref().unwrap_or(&f.redacted));
            }
        }
        let mut t = new_table();
        t.set_header(vec![
            "File", "Field", "Category", "Severity", "Count", "Samples",
        ]);
        for ((path, field, cat), (n, sev, samples)) in groups {
            t.add_row(vec![
                path.to_string(),
                field.to_string(),
                cat.to_string(),
                sev.to_string(),
                n.to_string(),
                samples.join(", "),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !s.errors.is_empty() {
        writeln!(out, "\nCould not read")?;
        for e in &s.errors {
            writeln!(out, "  {}: {}", e.path, e.error)?;
        }
    }
    Ok(())
}
