//! The tool's own outputs are not inputs: a CSV report, an action list, a JSON
//! report or baseline, a SARIF, HTML or Markdown report left in a scanned folder
//! is recognised by its header or marker and skipped with that reason, so the next
//! scan does not audit the audit.

use crate::i18n::Lang;

/// How a skip reason for one of the tool's own outputs ends: such a file is not an
/// input, so it does not make the coverage incomplete.
pub const OWN_OUTPUT_REASON: &str = "written by gdpr-audit; not an input";

/// The skip reason for one of the tool's own outputs.
pub fn reason(what: &str) -> String {
    format!("{what} {OWN_OUTPUT_REASON}")
}

/// What `head` (a file's first bytes) is, when the tool wrote it.
pub fn recognise(head: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("").trim_end();
    if text.trim_start().starts_with('{') {
        return recognise_json(text);
    }
    if text.starts_with("<!DOCTYPE html>")
        && text.contains("<meta name=\"generator\" content=\"gdpr-audit ")
    {
        return Some("an HTML report");
    }
    let langs = [Lang::En, Lang::Sv];
    if langs
        .iter()
        .any(|&l| first_line == format!("# {}", crate::i18n::texts(l).report_title))
    {
        return Some("a Markdown report");
    }
    let header = first_csv_record(first_line)?;
    if header == crate::output::ACTION_LIST_HEADER {
        return Some("an action list (--export-actions)");
    }
    if langs
        .iter()
        .any(|&l| header == crate::i18n::report_csv_header(l))
    {
        return Some("a CSV report");
    }
    None
}

fn recognise_json(text: &str) -> Option<&'static str> {
    let head = &text[..text.len().min(4096)];
    let ours = head.contains("\"gdpr-audit\"") || head.contains("\"gdpr-audit ");
    if !ours {
        return None;
    }
    if head.contains("\"runs\"") && head.contains("\"$schema\"") {
        Some("a SARIF report")
    } else if head.contains("\"entries\"") || head.contains("\"note\": \"Keyed fingerprints") {
        Some("a baseline")
    } else if head.contains("\"schema_version\"") {
        Some("a JSON report")
    } else {
        None
    }
}

fn first_csv_record(line: &str) -> Option<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    let rec = r.records().next()?.ok()?;
    Some(rec.iter().map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_csv_outputs_are_recognised_in_both_languages() {
        for lang in [Lang::En, Lang::Sv] {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(crate::i18n::report_csv_header(lang))
                .unwrap();
            w.write_record(["T1", "P1", "1.0", "", "", "", "", "", "", "", "", "", ""])
                .unwrap();
            let bytes = w.into_inner().unwrap();
            assert_eq!(recognise(&bytes), Some("a CSV report"), "{lang:?}");
        }
        let list = format!(
            "{}\nT1,redact,a.csv,notes,3,\n",
            crate::output::ACTION_LIST_HEADER.join(",")
        );
        assert_eq!(
            recognise(list.as_bytes()),
            Some("an action list (--export-actions)")
        );
    }

    #[test]
    fn json_outputs_and_a_crm_export_are_told_apart() {
        let report =
            br#"{"schema_version": 1, "tool": {"name": "gdpr-audit", "version": "0.1.0"}}"#;
        assert_eq!(recognise(report), Some("a JSON report"));
        let baseline = b"{\n  \"schema_version\": 1,\n  \"tool\": \"gdpr-audit 0.1.0\",\n  \"note\": \"Keyed fingerprints\",\n  \"entries\": []\n}";
        assert_eq!(recognise(baseline), Some("a baseline"));
        assert_eq!(recognise(br#"[{"name": "Anna", "tool": "crm"}]"#), None);
        assert_eq!(recognise(b"name,email,phone\nAnna,a@b.se,070\n"), None);
        assert_eq!(recognise(b"todo_id,action\n"), None);
    }
}
