//! Spreadsheets, JSON and NDJSON, and telling formats by content. Workbooks are
//! written at test time with rust_xlsxwriter.

use crate::common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use serde_json::Value;
use std::path::Path;

fn scan_json(args: &[&std::ffi::OsStr]) -> Value {
    let out = gdpr_audit()
        .args(["scan", "--format", "json", "--show-values"])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "no crash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn scan_paths(paths: &[&Path]) -> Value {
    let args: Vec<&std::ffi::OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    scan_json(&args)
}

/// The workbook of the spreadsheet tests: two sheets, one hidden, one empty; a
/// merged header, a number in a zero-padded format, a date, a formula.
fn write_book(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Kontakter").expect("name");
    ws.write_string(0, 0, "id").expect("w");
    ws.merge_range(0, 1, 0, 2, "E-post", &Format::new())
        .expect("merge");
    ws.write_string(0, 3, "personnummer").expect("w");
    ws.write_string(0, 4, "senast_köpt").expect("w");
    ws.write_string(0, 5, "anteckningar").expect("w");
    let padded = Format::new().set_num_format("000000000000");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for i in 1..=6u32 {
        ws.write_number(i, 0, f64::from(i)).expect("w");
        ws.write_string(i, 1, format!("kund{i}@example.se"))
            .expect("w");
        ws.write_string(i, 2, format!("privat{i}@example.com"))
            .expect("w");
        // 0012… is how a personnummer of someone born in 2000-something reads
        // when its century is dropped; stored as a number, shown zero-padded.
        ws.write_number_with_format(i, 3, 1_912_121_212.0, &padded)
            .expect("w");
        ws.write_datetime_with_format(
            i,
            4,
            ExcelDateTime::from_ymd(2020, 1, i as u8).expect("date"),
            &date,
        )
        .expect("w");
    }
    ws.write_formula(
        3,
        5,
        Formula::new("=\"pnr \"&\"19121212-1212\"").set_result("pnr 19121212-1212"),
    )
    .expect("w");
    ws.write_string(5, 5, "Sjukskriven sedan mars").expect("w");
    let hidden = wb.add_worksheet();
    hidden.set_name("Gömd").expect("name");
    hidden.write_string(2, 1, "kommentar").expect("w");
    hidden.write_string(3, 1, "ring 070-123 45 67").expect("w");
    hidden.set_hidden(true);
    wb.add_worksheet().set_name("Tom").expect("name");
    wb.save(path).expect("save");
}

#[test]
fn sheets_are_tables_with_cell_locations() {
    let dir = tempfile::tempdir().expect("tmp");
    let book = dir.path().join("kunder.xlsx");
    write_book(&book);
    let r = scan_paths(&[&book]);
    let sources = r["summary"]["sources"].as_array().expect("sources");
    let names: Vec<&str> = sources.iter().filter_map(|s| s["path"].as_str()).collect();
    assert!(
        names.iter().any(|n| n.ends_with("kunder.xlsx#Kontakter"))
            && names.iter().any(|n| n.ends_with("kunder.xlsx#Gömd"))
            && names.iter().any(|n| n.ends_with("kunder.xlsx#Tom")),
        "{names:?}"
    );
    assert!(sources.iter().all(|s| s["kind"] == "xlsx"));
    let findings = r["findings"].as_array().expect("findings");
    let pnr = findings
        .iter()
        .find(|f| f["category"] == "national_id" && f["location"]["column"] == "anteckningar")
        .expect("the formula's cached value is scanned");
    assert_eq!(pnr["location"]["type"], "sheet");
    assert_eq!(pnr["location"]["sheet"], "Kontakter");
    assert_eq!(pnr["location"]["row"], 3);
    assert_eq!(pnr["location"]["cell"], "F4");
    let phone = findings
        .iter()
        .find(|f| f["category"] == "phone")
        .expect("the hidden sheet is scanned");
    assert_eq!(phone["location"]["cell"], "B4");
    assert_eq!(phone["location"]["column"], "kommentar");
    assert_eq!(phone["location"]["row"], 1);
    assert!(
        findings.iter().any(|f| f["category"] == "health"),
        "free text in a sheet is scanned"
    );
    // The merged header names both columns; e-mail columns are inventory.
    let inventory = r["inventory"].as_array().expect("inventory");
    let email_cols = inventory
        .iter()
        .filter(|e| e["field"] == "E-post" && e["kind"] == "structured")
        .count();
    assert!(email_cols >= 1, "{inventory:?}");
    assert!(
        !findings.iter().any(|f| f["category"] == "email"),
        "addresses under a merged e-post header are inventory"
    );
    // The zero-padded number keeps its leading zeros: `001912121212` is a
    // 12-digit personnummer shape, and nothing in the column is lost.
    let pnr_col = inventory
        .iter()
        .find(|e| e["field"] == "personnummer")
        .unwrap_or_else(|| panic!("{inventory:?}"));
    assert_eq!(pnr_col["kind"], "structured", "{pnr_col}");
    assert_eq!(pnr_col["values"], 6, "{pnr_col}");
    let warnings = r["summary"]["warnings"].to_string();
    assert!(warnings.contains("hidden sheet"), "{warnings}");
    assert!(warnings.contains("sheet `Tom` is empty"), "{warnings}");
}

#[test]
fn date_cells_are_dates_for_retention() {
    let dir = tempfile::tempdir().expect("tmp");
    let book = dir.path().join("kunder.xlsx");
    write_book(&book);
    // The sheet by name, or the workbook for all its sheets.
    for source in ["kunder.xlsx#Kontakter", "kunder.xlsx"] {
        let config = dir.path().join("gdpr-audit.yaml");
        std::fs::write(
            &config,
            format!("sources:\n  - path: \"{source}\"\n    purpose: Kundregister\n    lawful_basis: contract\n    retention: {{date_field: senast_köpt, keep_for: 2 years}}\n"),
        )
        .expect("config");
        let out = gdpr_audit()
            .args([
                "scan",
                "--format",
                "json",
                "--as-of",
                "2026-01-01",
                "--config",
            ])
            .arg(&config)
            .arg(&book)
            .output()
            .expect("runs");
        let r: Value = serde_json::from_slice(&out.stdout).expect("json");
        let expired = r["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .find(|v| v["kind"] == "retention_expired")
            .unwrap_or_else(|| {
                panic!(
                    "{source}: retention checked on the sheet: {}",
                    r["violations"]
                )
            });
        assert_eq!(expired["count"], 6, "{expired}");
        assert_eq!(
            expired["rows"],
            serde_json::json!([1, 2, 3, 4, 5, 6]),
            "{expired}"
        );
        assert!(
            !r["violations"].to_string().contains("unparseable_date"),
            "date cells read as dates: {}",
            r["violations"]
        );
    }
}

#[test]
fn json_and_ndjson_records_are_tables_by_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let rec = |i: u32| {
        serde_json::json!({
            "id": i,
            "contact": {"emails": [{"value": format!("a{i}@example.se")}, {"value": format!("b{i}@example.se")}]},
            "notes": if i == 3 { "pnr 19121212-1212".to_string() } else { "ok".to_string() },
        })
    };
    let records: Vec<Value> = (1..=6).map(rec).collect();
    let array = dir.path().join("export.json");
    std::fs::write(
        &array,
        serde_json::to_string_pretty(&records).expect("json"),
    )
    .expect("w");
    let lines = dir.path().join("export.ndjson");
    let mut text: String = records.iter().map(|r| format!("{r}\n")).collect();
    text.push_str("{\"broken\": \n");
    std::fs::write(&lines, text).expect("w");
    let r = scan_paths(&[&array, &lines]);
    let kinds: Vec<&str> = r["summary"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["json", "ndjson"]);
    for f in ["export.json", "export.ndjson"] {
        let pnr: Vec<&Value> = r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|x| x["path"].as_str().is_some_and(|p| p.ends_with(f)))
            .collect();
        assert_eq!(pnr.len(), 1, "{f}: {pnr:?}");
        assert_eq!(pnr[0]["location"]["type"], "json");
        assert_eq!(pnr[0]["location"]["record"], 3);
        assert_eq!(pnr[0]["location"]["field"], "notes");
    }
    let inv = r["inventory"].to_string();
    assert!(inv.contains("contact.emails[].value"), "{inv}");
    let errors = r["summary"]["errors"].to_string();
    assert!(
        errors.contains("export.ndjson") && errors.contains("line 7"),
        "{errors}"
    );
}

#[test]
fn formats_are_told_by_content_not_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let book = dir.path().join("export.dat");
    write_book(&book);
    let json = dir.path().join("named.json");
    std::fs::write(&json, "[{\"e-post\": \"x@example.se\"}]").expect("w");
    let bare = dir.path().join("export");
    let zip = std::fs::File::create(&bare).expect("zip");
    let mut w = zip::ZipWriter::new(zip);
    w.start_file("a.csv", zip::write::SimpleFileOptions::default())
        .expect("member");
    std::io::Write::write_all(&mut w, b"id;notes\n1;pnr 19121212-1212\n").expect("w");
    w.finish().expect("finish");
    // Given by name and found in a folder: the same kinds.
    for r in [
        scan_paths(&[&book, &json, &bare]),
        scan_paths(&[dir.path()]),
    ] {
        let kinds: Vec<(String, String)> = r["summary"]["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| {
                let p = s["path"].as_str().unwrap_or_default();
                let name = p.rsplit('/').next().unwrap_or(p).to_string();
                (name, s["kind"].as_str().unwrap_or_default().to_string())
            })
            .collect();
        for want in [
            ("export.dat#Kontakter", "xlsx"),
            ("export", "zip"),
            ("a.csv", "csv"),
            ("named.json", "json"),
        ] {
            assert!(
                kinds.iter().any(|(n, k)| n == want.0 && k == want.1),
                "{want:?} in {kinds:?}"
            );
        }
        assert!(!r["inventory"].to_string().contains("column_2"));
    }
}
