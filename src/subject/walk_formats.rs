//! The formats that hold tables of their own (JSON exports, workbooks) or other
//! sources (archives), searched by the same code as CSV files and mail.

use super::walk::{Engines, PassOutput, SearchOptions};
use super::walk_csv::search_table;
use crate::source::archive::{ArchiveEvent, ArchiveWalk};
use crate::source::json::{JsonReader, JsonShape};
use crate::source::sheet::Workbook;
use crate::source::{Source, SourceError, SourceKind};

/// A JSON or NDJSON export: one table.
pub(super) fn search_json(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let shape = if source.kind == SourceKind::Ndjson {
        JsonShape::Lines
    } else {
        JsonShape::Array
    };
    match JsonReader::open(source, &opts.limits, shape) {
        Ok(mut reader) => search_table(source, &mut reader, engines, opts, out),
        Err(e) => {
            out.errors.push(e);
            0
        }
    }
}

/// A workbook: every sheet a table, its hits located as `book.xlsx#Sheet`.
pub(super) fn search_workbook(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let mut book = match Workbook::open(source, &opts.limits) {
        Ok(b) => b,
        Err(e) => {
            out.errors.push(e);
            return 0;
        }
    };
    let mut records = 0;
    for entry in book.sheets().into_iter().filter(|e| !e.chart) {
        if crate::interrupt::is_interrupted() {
            break;
        }
        let mut sheet_source = source.clone();
        sheet_source.display = format!("{}#{}", source.display, entry.name);
        match book.sheet(&source.display, &entry.name) {
            Ok(mut reader) => {
                records += search_table(&sheet_source, &mut reader, engines, opts, out);
            }
            Err(e) => out.errors.push(SourceError::new(
                &sheet_source.display,
                format!("cannot read this sheet: {e}"),
            )),
        }
    }
    records
}

/// An archive: every member searched as a file of its kind, in archive order.
pub(super) fn search_archive(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let mut members = 0;
    for event in ArchiveWalk::start(source, &opts.limits) {
        if crate::interrupt::is_interrupted() {
            break;
        }
        match event {
            ArchiveEvent::Member(m) => {
                let found = super::walk::search_source(&m, engines, opts);
                out.records.extend(found.records);
                out.sources.extend(found.sources);
                out.errors.extend(found.errors);
                out.warnings.extend(found.warnings);
                members += 1;
            }
            ArchiveEvent::Error(e) => out.errors.push(e),
            ArchiveEvent::Warning(w) => out.warnings.push(w),
            ArchiveEvent::Skipped(..) => {}
        }
    }
    members
}
