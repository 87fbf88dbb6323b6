//! Acceptance: the shared corpus's four CSV exports as one workbook (a sheet
//! each) and zipped give the same findings per category as the CSVs — precision
//! and recall against the labels within ±0.005 — with sheet/cell and `!/` member
//! locations, and the inventory names the same columns. Needs `../shared`.

use crate::common::*;
use gdpr_audit::source::csv::CsvReader;
use gdpr_audit::source::{Limits, table::TableReader};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn csvs(crm: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(crm)
        .expect("crm")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    v.sort();
    v
}

/// Each CSV as a sheet named by its stem, every cell as the text it holds (the
/// CSV reader of the crate decodes the encodings and dialects).
fn write_workbook(csvs: &[PathBuf], out: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for path in csvs {
        let bytes = std::fs::read(path).expect("csv");
        let mut r = CsvReader::from_bytes(bytes, "x", &Limits::default(), None).expect("csv");
        let ws = wb.add_worksheet();
        ws.set_name(path.file_stem().expect("stem").to_string_lossy())
            .expect("name");
        for (c, h) in r.headers.iter().enumerate() {
            ws.write_string(0, c as u16, h).expect("header");
        }
        let mut batch = Vec::new();
        loop {
            let more = TableReader::read_batch(&mut r, &mut batch, 4096, 1 << 22).expect("records");
            for rec in &batch {
                for (c, f) in rec.fields.iter().enumerate() {
                    if !f.is_empty() {
                        ws.write_string(rec.number as u32, c as u16, String::from_utf8_lossy(f))
                            .expect("cell");
                    }
                }
            }
            if !more {
                break;
            }
        }
    }
    wb.save(out).expect("save");
}

fn zip_files(files: &[(String, PathBuf)], out: &Path) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).expect("zip"));
    for (name, path) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("member");
        std::io::Write::write_all(&mut w, &std::fs::read(path).expect("read")).expect("write");
    }
    w.finish().expect("finish");
}

fn scan_to(paths: &[&Path], report: &Path) -> Value {
    gdpr_audit()
        .args([
            "scan",
            "--quiet",
            "--format",
            "json",
            "--show-values",
            "--output",
        ])
        .arg(report)
        .args(paths)
        .assert()
        .code(1);
    serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("json")
}

/// A sheet's findings and inventory as the CSV they came from: `book.xlsx#contacts`
/// → `crm/contacts.csv`, sheet locations → CSV locations.
fn as_csv_report(mut r: Value) -> Value {
    let rename = |p: &mut Value| {
        if let Some((_, sheet)) = p.as_str().and_then(|s| s.split_once(".xlsx#")) {
            *p = Value::String(format!("crm/{sheet}.csv"));
        }
    };
    for f in r["findings"].as_array_mut().expect("findings") {
        rename(&mut f["path"]);
        let loc = &mut f["location"];
        assert_eq!(loc["type"], "sheet", "{loc}");
        let cell = loc["cell"].as_str().expect("cell").to_string();
        assert!(cell.ends_with(&(loc["row"].as_u64().expect("row") + 1).to_string()));
        loc["type"] = "csv".into();
    }
    for e in r["inventory"].as_array_mut().expect("inventory") {
        rename(&mut e["path"]);
    }
    r
}

fn categories(m: &Value) -> Vec<(String, f64, f64)> {
    m["categories"]
        .as_object()
        .expect("categories")
        .iter()
        .filter(|(_, v)| v["labels"].as_u64() > Some(0) || v["findings"].as_u64() > Some(0))
        .map(|(k, v)| {
            (
                k.clone(),
                v["precision"].as_f64().unwrap_or(0.0),
                v["recall"].as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

fn assert_same_scores(base: &Value, other: &Value, what: &str) {
    let (a, b) = (categories(base), categories(other));
    assert_eq!(
        a.iter().map(|x| &x.0).collect::<Vec<_>>(),
        b.iter().map(|x| &x.0).collect::<Vec<_>>(),
        "{what}: same categories"
    );
    for ((cat, p, r), (_, p2, r2)) in a.iter().zip(&b) {
        assert!(
            (p - p2).abs() <= 0.005 && (r - r2).abs() <= 0.005,
            "{what}: {cat} precision {p:.3}→{p2:.3}, recall {r:.3}→{r2:.3}"
        );
    }
    assert_eq!(
        other["inventory"]["missing"].as_array().map(Vec::len),
        Some(0),
        "{what}: inventory lines missing: {}",
        other["inventory"]["missing"]
    );
}

#[test]
fn corpus_as_workbook_and_zip_scores_as_the_csvs() {
    let Some((_dir, corpus)) = corpus(1) else {
        return;
    };
    let work = corpus.parent().expect("parent").to_path_buf();
    let files = csvs(&corpus.join("crm"));
    assert_eq!(files.len(), 4);
    let book = work.join("crm.xlsx");
    write_workbook(&files, &book);
    let zipped = work.join("crm.zip");
    let members: Vec<(String, PathBuf)> = files
        .iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy();
            (format!("crm/{name}"), p.clone())
        })
        .collect();
    zip_files(&members, &zipped);
    let book_in_zip = work.join("book.zip");
    zip_files(&[("export/crm.xlsx".into(), book.clone())], &book_in_zip);

    let base = score(
        &{
            let p = work.join("csv.json");
            scan_to(&[&corpus.join("crm")], &p);
            p
        },
        &corpus,
        "csv",
    );

    let zip_report = work.join("zip.json");
    let z = scan_to(&[&zipped], &zip_report);
    assert!(
        z["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["path"]
                .as_str()
                .is_some_and(|p| p.contains("crm.zip!/crm/"))),
        "member paths"
    );
    assert_same_scores(&base, &score(&zip_report, &corpus, "csv"), "zip");

    for (input, name) in [(&book, "xlsx"), (&book_in_zip, "xlsx-in-zip")] {
        let r = scan_to(&[input], &work.join(format!("{name}.json")));
        let kinds = r["summary"]["sources"].to_string();
        assert!(kinds.contains("\"kind\":\"xlsx\""), "{kinds}");
        let converted = work.join(format!("{name}-as-csv.json"));
        std::fs::write(&converted, as_csv_report(r).to_string()).expect("write");
        assert_same_scores(&base, &score(&converted, &corpus, "csv"), name);
    }
}
