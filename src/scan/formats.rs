//! The formats whose sources hold more than one table, or none of their own:
//! workbooks (one table per sheet, each reported as `book.xlsx#Sheet`), JSON
//! exports (one table), and archives, whose members go back through
//! [`super::scan_source`] — the same per-kind code as files of their kind.

use super::{Emit, FileResult, Matchers, ScanOptions};
use crate::source::archive::{ArchiveEvent, ArchiveWalk};
use crate::source::json::{JsonReader, JsonShape};
use crate::source::sheet::Workbook;
use crate::source::{Source, SourceError, SourceKind};

/// A JSON or NDJSON export: one table.
pub(super) fn scan_json(
    source: &Source,
    matchers: Matchers<'_>,
    opts: &ScanOptions,
    result: &mut FileResult,
) {
    let shape = if source.kind == SourceKind::Ndjson {
        JsonShape::Lines
    } else {
        JsonShape::Array
    };
    match JsonReader::open(source, &opts.limits, shape) {
        Ok(mut reader) => super::csv::scan_table(source, &mut reader, matchers, opts, result),
        Err(e) => result.errors.push(e),
    }
}

/// A workbook: each sheet a table of its own, `book.xlsx#Sheet`. Hidden sheets
/// are scanned and said to be hidden; empty ones are noted.
pub(super) fn scan_workbook(
    source: &Source,
    matchers: Matchers<'_>,
    opts: &ScanOptions,
    emit: Emit<'_>,
) {
    let mut book = match Workbook::open(source, &opts.limits) {
        Ok(b) => b,
        Err(e) => {
            let mut r = FileResult::new(source);
            r.errors.push(e);
            return emit(r);
        }
    };
    let sheets = book.sheets();
    if sheets.is_empty() {
        let mut r = FileResult::new(source);
        r.warnings.push(SourceError::new(
            &source.display,
            "the workbook has no sheets",
        ));
        return emit(r);
    }
    for (i, entry) in sheets.into_iter().enumerate() {
        if crate::interrupt::is_interrupted() {
            break;
        }
        let mut sheet_source = source.clone();
        sheet_source.display = format!("{}#{}", source.display, entry.name);
        // The workbook's size is counted once, on its first sheet.
        if i > 0 {
            sheet_source.bytes = 0;
        }
        let mut result = FileResult::new(&sheet_source);
        if entry.chart {
            result.skipped.push((
                sheet_source.display.clone(),
                "chart sheet (no cells)".into(),
            ));
            emit(result);
            continue;
        }
        if entry.hidden {
            result.warnings.push(SourceError::new(
                &sheet_source.display,
                "hidden sheet; scanned like the others",
            ));
        }
        match book.sheet(&source.display, &entry.name) {
            Ok(mut reader) => {
                super::csv::scan_table(&sheet_source, &mut reader, matchers, opts, &mut result);
            }
            Err(e) => result.errors.push(SourceError::new(
                &sheet_source.display,
                format!("cannot read this sheet: {e}"),
            )),
        }
        result.finish();
        emit(result);
    }
}

/// An archive: every member's results as each member is done, in archive order
/// (so a large archive holds one member's results at a time), then its own line
/// in the summary with the errors and skipped members of the walk.
pub(super) fn scan_archive(
    source: &Source,
    matchers: Matchers<'_>,
    opts: &ScanOptions,
    emit: Emit<'_>,
) {
    let mut own = FileResult::new(source);
    for event in ArchiveWalk::start(source, &opts.limits) {
        if crate::interrupt::is_interrupted() {
            break;
        }
        match event {
            ArchiveEvent::Member(m) => super::scan_source(&m, matchers, opts, &mut *emit),
            ArchiveEvent::Error(e) => own.errors.push(e),
            ArchiveEvent::Warning(w) => own.warnings.push(w),
            ArchiveEvent::Skipped(path, why) => own.skipped.push((path, why)),
        }
    }
    emit(own);
}
