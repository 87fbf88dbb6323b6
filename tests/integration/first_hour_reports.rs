//! The newcomer's first hour, in the committed and shared formats: Markdown and
//! HTML say every word in the report's language and group large numbers.

use crate::common::gdpr_audit;
use crate::first_hour::{examples_report, wording_filters};

/// The HTML page without its inline CSS and JS, which are not wording, and with a
/// line per table row and chart bar so that a change reads as a small diff.
fn html_filters() -> Vec<(&'static str, &'static str)> {
    let mut f = vec![
        (
            r#"gdpr-audit \d+\.\d+\.\d+[^\s"<]*"#,
            "gdpr-audit [VERSION]",
        ),
        (r"(?s)<style>.*?</style>", "<style>[CSS]</style>"),
        (r"(?s)<script>.*?</script>", "<script>[JS]</script>"),
        (r"(</tr>|</g>|</h3>|</section>)", "$1\n"),
    ];
    f.extend(wording_filters());
    f
}

/// Swedish mail parts, never the English labels of the JSON contract.
fn assert_swedish_fields(text: &str) {
    for english in [
        "`body`",
        "`subject`",
        "`attachment`",
        "<code>body</code>",
        "<code>attachment</code>",
        "<code>subject</code>",
    ] {
        assert!(!text.contains(english), "{english:?} in\n{text}");
    }
    assert!(text.contains("brödtext"), "{text}");
    assert!(text.contains("bilaga"), "{text}");
}

#[test]
fn markdown_in_swedish() {
    let text = examples_report("markdown", "sv");
    assert_swedish_fields(&text);
    insta::with_settings!({filters => wording_filters()}, {
        insta::assert_snapshot!("markdown_sv", text);
    });
}

#[test]
fn html_in_swedish() {
    let text = examples_report("html", "sv");
    assert_swedish_fields(&text);
    insta::with_settings!({filters => html_filters()}, {
        insta::assert_snapshot!("html_sv", text);
    });
}

/// A CSV of 1,200 contacts, each with an address and a phone number in its notes.
fn big_export() -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("big.csv");
    let mut csv = String::from("id,name,email,notes\n");
    for i in 0..1200 {
        csv.push_str(&format!(
            "{i},Anna Andersson,anna{i}@example.se,ring 070-123 45 {:02} eller mejla a{i}@exempel.se\n",
            i % 100
        ));
    }
    std::fs::write(&file, csv).unwrap();
    (t, file)
}

fn scan(file: &std::path::Path, format: &str, lang: &str) -> String {
    let out = gdpr_audit()
        .args(["scan", "-q", "--no-config", "-f", format, "--lang", lang])
        .arg(file)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn large_numbers_get_thousands_separators_in_human_formats() {
    let (_t, file) = big_export();
    let md = scan(&file, "markdown", "en");
    assert!(md.contains("- **Findings:** 2,400 (medium 2,400)"), "{md}");
    assert!(md.contains("e-mail addresses (1,200) | 1,200 |"), "{md}");
    let table = scan(&file, "table", "en");
    assert!(table.contains("e-mail addresses 1,200"), "{table}");
    assert!(!table.contains("1200"), "{table}");
    let sv = scan(&file, "markdown", "sv");
    assert!(sv.contains("2\u{a0}400"), "{sv}");
    let html = scan(&file, "html", "en");
    assert!(html.contains("<div class=\"big\">2,400</div>"), "{html}");
    // The contract keeps plain numbers.
    let json = scan(&file, "json", "en");
    assert!(json.contains("\"findings\": 2400"), "{json}");
}

#[test]
fn a_file_that_fails_inside_its_reader_is_not_counted_as_scanned() {
    let t = tempfile::tempdir().unwrap();
    let bad = t.path().join("kunder.xlsx");
    std::fs::write(&bad, b"PK\x03\x04\x00binary\x00").unwrap();
    let json = gdpr_audit()
        .args(["scan", "-q", "--no-config", "-f", "json"])
        .arg(&bad)
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let c = &r["coverage"];
    assert_eq!(
        (&c["files_scanned"], &c["files_not_read"], &c["files_total"]),
        (&0.into(), &1.into(), &1.into()),
        "{c}"
    );
    let table = scan(&bad, "table", "en");
    assert!(table.contains("No file could be read"), "{table}");
    assert!(!table.contains("in the files that were read"), "{table}");
}

#[test]
fn quiet_still_says_why_strict_failed() {
    let t = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/crm/kontakter.csv"),
        t.path().join("kontakter.csv"),
    )
    .unwrap();
    std::fs::write(t.path().join("kunder.xlsx"), b"PK\x03\x04\x00binary\x00").unwrap();
    let out = gdpr_audit()
        .args(["scan", "-q", "--strict", "--no-config", "-f", "json"])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: 1 of 2 files were not fully scanned"),
        "{err}"
    );
    assert!(!err.contains("warning:"), "-q keeps warnings out: {err}");
    // In Swedish, the warning and the error are Swedish too.
    let out = gdpr_audit()
        .args([
            "scan",
            "--strict",
            "--no-config",
            "-f",
            "json",
            "--lang",
            "sv",
        ])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: 1 av 2 filer kunde inte läsas: resultatet är ofullständigt"),
        "{err}"
    );
    assert!(
        err.contains("error: 1 av 2 filer lästes inte helt"),
        "{err}"
    );
}

#[test]
fn every_report_format_records_the_fingerprint_key_id() {
    let (_t, file) = big_export();
    let json: serde_json::Value = serde_json::from_str(&scan(&file, "json", "en")).unwrap();
    let id = json["summary"]["fingerprint_key_id"].as_str().unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&scan(&file, "sarif", "en")).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["fingerprintKeyId"], id);
    for (format, line) in [
        ("markdown", format!("· fingerprint key {id}")),
        ("html", format!("· fingerprint key {id}</p>")),
        ("table", format!("· fingerprint key {id}")),
    ] {
        let text = scan(&file, format, "en");
        // In the header, before the coverage.
        let at = text
            .find(&line)
            .unwrap_or_else(|| panic!("{format}: {text}"));
        let coverage = text.find("read in full").unwrap();
        assert!(at < coverage, "{format}: the key id after the coverage");
    }
    let sv = scan(&file, "markdown", "sv");
    assert!(sv.contains(&format!("fingeravtrycksnyckel {id}")), "{sv}");
}
