//! `--format json`: the stable contract, pretty-printed.
//!
//! Byte for byte what `serde_json::to_writer_pretty` writes for the `Report`, but
//! the findings are copied as the bytes they were encoded to on the worker threads
//! instead of being parsed back and written again: for a large scan that was most
//! of the time spent after scanning.

use super::Report;
use crate::output::Indent;
use serde::Serialize;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // Every field of `Report`, in declaration order (a test holds them equal).
    out.write_all(b"{\n")?;
    field(out, "schema_version", &report.schema_version)?;
    field(out, "tool", &report.tool)?;
    field(out, "coverage", &report.coverage)?;
    field(out, "summary", &report.summary)?;
    field(out, "inventory", &report.inventory)?;
    out.write_all(b"  \"findings\": ")?;
    report.findings.write_json_array(out)?;
    out.write_all(b",\n")?;
    field(out, "todo", &report.todo)?;
    out.write_all(b"  \"violations\": ")?;
    value(out, &report.violations)?;
    out.write_all(b"\n}\n")
}

/// `  "name": value,` at the report's first level.
fn field(out: &mut dyn Write, name: &str, v: &impl Serialize) -> io::Result<()> {
    write!(out, "  \"{name}\": ")?;
    value(out, v)?;
    out.write_all(b",\n")
}

fn value(out: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(Indent::new(&mut *out, b"  "), v).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use crate::finding::{InventoryEntry, sample};
    use crate::model::{Category, InventoryKind};

    #[test]
    fn writes_what_serde_json_writes() {
        for n in [0u64, 2, 3000] {
            let mut report = super::Report::begin(vec![], vec![]);
            report.findings = (0..n).map(|i| sample(&format!("{i:032}"), i)).collect();
            report.summary.findings = n;
            report.inventory.push(InventoryEntry {
                path: "a.csv".into(),
                field: "email".into(),
                kind: InventoryKind::Structured,
                categories: [(Category::Email, 3)].into(),
                values: 3,
                content_type: None,
                size: None,
                decided_by: None,
            });
            report.violations.push(crate::audit::Violation {
                kind: crate::model::ViolationKind::RetentionExpired,
                path: "a.csv".into(),
                field: "last_purchase".into(),
                records: vec!["1".into()],
                rows: vec![1],
                count: 1,
                article: "Art. 5(1)(e)".into(),
                message: String::new(),
            });
            report.refresh_counts();
            report.todo = crate::todo::plan(&report, None, crate::i18n::Lang::En);
            let mut got = Vec::new();
            super::render(&report, &mut got).expect("render");
            let expected = serde_json::to_string_pretty(&report).expect("serialize") + "\n";
            assert_eq!(String::from_utf8_lossy(&got), expected, "{n} findings");
        }
    }
}
