//! `scan --export-actions DIR`: for every to-do action that targets records, a CSV
//! of the affected records, so the deletion or update can be done in the CRM or
//! the mail system. Columns: `todo_id, action, path, field, record, message_id`
//! (`record` is the `id_field` value or the row number for CSV, the message number
//! for an mbox; `message_id` the Message-ID for mail). Files are written
//! atomically, never into a scanned directory, and every cell is guarded against
//! spreadsheet formula injection.

use crate::audit::{Report, TodoItem, Violation};
use crate::i18n::Lang;
use crate::model::Action;
use crate::policy::{Catalog, todo_item};
use crate::source::SourceKind;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "--export-actions {dir} {relation} the scanned path {input}; inputs are never written, choose a directory outside them"
    )]
    InsideInput {
        dir: String,
        input: String,
        relation: &'static str,
    },
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Export the report's to-do list, with the record ids of its `violations`.
pub fn export_actions(
    report: &Report,
    dir: &Path,
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>, ExportError> {
    export_actions_with(report, &report.violations, dir, inputs)
}

/// Write one CSV per record-targeting action into `dir` (created if missing) and
/// return the files written, in to-do order. Actions: delete, redact, move to a
/// protected field, restrict access and obtain consent, plus unreadable dates
/// (records to correct). Documentation items have no records to act on.
pub fn export_actions_with(
    report: &Report,
    violations: &[Violation],
    dir: &Path,
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>, ExportError> {
    refuse_inputs(dir, inputs)?;
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| ExportError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let catalog = Catalog::new(report);
    // Items made from violations (in violation order), by id.
    let made: Vec<(TodoItem, &Violation)> = violations
        .iter()
        .map(|v| (todo_item(v, &catalog, Lang::En), v))
        .collect();
    let from_violations: BTreeMap<&str, (&TodoItem, &Violation)> =
        made.iter().map(|(i, v)| (i.id.as_str(), (i, *v))).collect();
    let message_ids = message_ids(report, &catalog);
    let mut done = BTreeSet::new();
    let mut written = Vec::new();
    // The report's to-do order first, then violations it does not list.
    let items = report.todo.iter().chain(made.iter().map(|(i, _)| i));
    for item in items {
        if !done.insert(item.id.clone()) {
            continue;
        }
        let rows: Vec<[String; 2]> = match from_violations.get(item.id.as_str()) {
            Some((_, v)) if v.kind.targets_records() => {
                violation_rows(v, catalog.is_mail(&v.path), catalog.kind(&v.path))
            }
            Some(_) => continue,
            None if item.action != Action::Document => item_rows(item, &message_ids),
            None => continue,
        };
        if rows.is_empty() {
            continue;
        }
        let path = dir.join(file_name(item));
        crate::output::write_atomic(&path, |w| {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(crate::output::ACTION_LIST_HEADER)?;
            for [record, message_id] in &rows {
                csv.write_record(
                    [
                        item.id.as_str(),
                        item.action.as_str(),
                        &item.path,
                        &item.field,
                        record,
                        message_id,
                    ]
                    .map(|c| crate::output::defuse_cell(c).into_owned()),
                )?;
            }
            csv.flush()
        })
        .map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// (record, message_id) per affected record of a violation.
fn violation_rows(v: &Violation, mail: bool, kind: Option<SourceKind>) -> Vec<[String; 2]> {
    v.records
        .iter()
        .zip(v.rows.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(id, n)| {
            let n = n.map(u64::to_string).unwrap_or_default();
            if !mail {
                return [id.clone(), String::new()];
            }
            let message_id = if *id != n { id.clone() } else { String::new() };
            // Every Maildir file is message 1: the number says nothing there.
            let number = if kind == Some(SourceKind::Maildir) {
                String::new()
            } else {
                n
            };
            [number, message_id]
        })
        .collect()
}

/// (record, message_id) per record or message of a findings to-do item.
fn item_rows(item: &TodoItem, ids: &BTreeMap<(String, u64), String>) -> Vec<[String; 2]> {
    let numbered = item.records.iter().map(|n| {
        let id = ids
            .get(&(item.path.clone(), *n))
            .cloned()
            .unwrap_or_default();
        [n.to_string(), id]
    });
    let named = item.messages.iter().map(|m| [String::new(), m.clone()]);
    numbered.chain(named).collect()
}

/// (source, message number) → Message-ID, from the mail findings.
fn message_ids(report: &Report, catalog: &Catalog) -> BTreeMap<(String, u64), String> {
    let mut out = BTreeMap::new();
    for f in &report.findings {
        if let Some(id) = f.location.message_id() {
            out.entry((catalog.owner(&f.path).to_string(), f.location.record()))
                .or_insert_with(|| id.to_string());
        }
    }
    out
}

/// `T1a2b3c4d-delete-crm-contacts-csv-last-purchase-date.csv`.
fn file_name(item: &TodoItem) -> String {
    let tail: Vec<&str> = item.path.rsplit('/').take(2).collect();
    let text = format!(
        "{} {}",
        tail.into_iter().rev().collect::<Vec<_>>().join(" "),
        item.field
    );
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    format!(
        "{}-{}-{}.csv",
        item.id,
        item.action.as_str(),
        slug.trim_end_matches('-')
    )
}

/// Refuse `dir` when it is a scanned path, inside one, or the directory holding a
/// scanned file.
fn refuse_inputs(dir: &Path, inputs: &[PathBuf]) -> Result<(), ExportError> {
    let target = resolve(dir);
    for input in inputs {
        let Ok(i) = std::fs::canonicalize(input) else {
            continue;
        };
        let relation = if target == i {
            Some("is")
        } else if i.is_dir() && target.starts_with(&i) {
            Some("is inside")
        } else if i.is_file() && i.parent() == Some(target.as_path()) {
            Some("is the directory holding")
        } else {
            None
        };
        if let Some(relation) = relation {
            return Err(ExportError::InsideInput {
                dir: dir.display().to_string(),
                input: input.display().to_string(),
                relation,
            });
        }
    }
    Ok(())
}

/// The canonical form of a path that may not exist yet: its nearest existing
/// ancestor, canonicalized, with the rest appended.
fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            return rest.iter().rev().fold(c, |p, r| p.join(r));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use crate::model::InventoryKind;
    use crate::model::ViolationKind;
    use crate::policy::tests::{csv_loc, finding, inv, report_with};

    fn retention(path: &str) -> Violation {
        Violation {
            kind: ViolationKind::RetentionExpired,
            path: path.into(),
            field: "last_purchase_date".into(),
            records: vec!["C-1".into(), "=HYPERLINK(\"x\")".into(), "7".into()],
            rows: vec![3, 5, 7],
            count: 3,
            article: "Art. 5(1)(e)".into(),
            message: String::new(),
        }
    }

    #[test]
    fn writes_one_guarded_csv_per_record_action() {
        let out = tempfile::tempdir().unwrap();
        let src = "in/crm/contacts.csv";
        let mut report = report_with(
            &[(src, SourceKind::Csv, 10)],
            vec![inv(
                src,
                "email",
                InventoryKind::Structured,
                &[(Category::Email, 9)],
            )],
            vec![finding(src, csv_loc(4, "notes"), Category::Health)],
        );
        report.todo = crate::todo::plan(&report, None, Lang::En);
        let undeclared = Violation {
            kind: ViolationKind::UndeclaredPersonalData,
            field: "email".into(),
            records: vec![],
            rows: vec![],
            ..retention(src)
        };
        let files =
            export_actions_with(&report, &[retention(src), undeclared], out.path(), &[]).unwrap();
        assert_eq!(files.len(), 2, "{files:?}");
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .any(|n| n.ends_with("-delete-crm-contacts-csv-last-purchase-date.csv")),
            "{names:?}"
        );
        let del = files
            .iter()
            .find(|f| f.to_string_lossy().contains("-delete-"))
            .unwrap();
        let text = std::fs::read_to_string(del).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "todo_id,action,path,field,record,message_id");
        assert!(lines[1].ends_with(",delete,in/crm/contacts.csv,last_purchase_date,C-1,"));
        assert!(
            lines[2].contains(",\"'=HYPERLINK(\"\"x\"\")\","),
            "{}",
            lines[2]
        );
        assert_eq!(lines.len(), 4);
        let redact = files
            .iter()
            .find(|f| f.to_string_lossy().contains("-redact-"))
            .unwrap();
        assert!(
            std::fs::read_to_string(redact)
                .unwrap()
                .contains(",notes,4,")
        );
    }

    #[test]
    fn refuses_scanned_directories() {
        let root = tempfile::tempdir().unwrap();
        let input = root.path().join("crm");
        std::fs::create_dir_all(&input).unwrap();
        std::fs::write(input.join("a.csv"), "x\n").unwrap();
        let report = report_with(&[], Vec::new(), Vec::new());
        for dir in [input.clone(), input.join("out/deeper"), input.join(".")] {
            let e =
                export_actions_with(&report, &[], &dir, std::slice::from_ref(&input)).unwrap_err();
            assert!(e.to_string().contains("inputs are never written"), "{e}");
        }
        let e = export_actions_with(&report, &[], &input, &[input.join("a.csv")]).unwrap_err();
        assert!(e.to_string().contains("holding"), "{e}");
        assert!(export_actions_with(&report, &[], &root.path().join("actions"), &[input]).is_ok());
        assert!(!root.path().join("crm/out").exists());
    }

    #[test]
    fn guards_formula_cells_and_mail_ids() {
        let mut v = retention("m/inbox.mbox");
        v.records = vec!["<a@b>".into(), "5".into()];
        v.rows = vec![3, 5];
        let rows = violation_rows(&v, true, Some(SourceKind::Mbox));
        assert_eq!(rows[0], ["3".to_string(), "<a@b>".to_string()]);
        assert_eq!(rows[1], ["5".to_string(), String::new()]);
        assert_eq!(
            violation_rows(&v, true, Some(SourceKind::Maildir))[0][0],
            ""
        );
    }
}
