//! `scan --export-actions DIR`: for every to-do action that targets records, a CSV
//! of the affected records, so the deletion or update can be done in the CRM or
//! the mail system. Columns: `todo_id, action, path, field, record, message_id`
//! (`record` is the `id_field` value or the row number for CSV, the message number
//! for an mbox; `message_id` the Message-ID for mail). Files are written
//! atomically, never into a scanned directory, and every cell is guarded against
//! spreadsheet formula injection.

use crate::audit::{Report, TodoItem, Violation};
use crate::i18n::Lang;
use crate::input_guard::Inputs;
use crate::model::Action;
use crate::output_target::{OutputTarget, Outputs};
use crate::policy::{Catalog, todo_item};
use crate::source::SourceKind;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    InsideInput(#[from] crate::input_guard::InsideInput),
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
    inputs: &Inputs,
    outputs: &mut Outputs,
) -> Result<Vec<PathBuf>, ExportError> {
    export_actions_with(report, &report.violations, dir, inputs, outputs)
}

/// Stage one CSV per record-targeting action into `dir` (created if missing; the
/// files appear when `outputs` is committed) and return them, in to-do order. Actions: delete, redact, move to a
/// protected field, restrict access and obtain consent, plus unreadable dates
/// (records to correct). Documentation items have no records to act on.
pub fn export_actions_with(
    report: &Report,
    violations: &[Violation],
    dir: &Path,
    inputs: &Inputs,
    outputs: &mut Outputs,
) -> Result<Vec<PathBuf>, ExportError> {
    inputs.refuse("--export-actions", dir, true)?;
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
            Some((_, v)) if v.kind.targets_records() => violation_rows(
                v,
                catalog.is_mail(&v.path),
                catalog.kind(&v.path),
                &report.record_names,
            ),
            Some(_) => continue,
            None if item.action != Action::Document => {
                item_rows(item, &message_ids, &report.record_names)
            }
            None => continue,
        };
        if rows.is_empty() {
            continue;
        }
        let path = dir.join(file_name(item));
        let rows = rows.iter().map(|[record, message_id]| {
            [
                item.id.as_str(),
                item.action.as_str(),
                &item.path,
                &item.field,
                record,
                message_id,
            ]
        });
        stage_action_list(&path, rows, inputs, outputs)?;
        written.push(path);
    }
    Ok(written)
}

/// Stage one action list, `todo_id,action,path,field,record,message_id`, with
/// formula-like cells defused; it appears when `outputs` is committed. `subject
/// erase --export-actions` writes the same format.
pub fn stage_action_list<'a>(
    path: &Path,
    rows: impl Iterator<Item = [&'a str; 6]>,
    inputs: &Inputs,
    outputs: &mut Outputs,
) -> Result<(), ExportError> {
    inputs.refuse("--export-actions", path, true)?;
    outputs
        .stage(&OutputTarget::File(path.to_path_buf()), |w| {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(crate::output::ACTION_LIST_HEADER)?;
            for row in rows {
                csv.write_record(row.map(|c| crate::output::defuse_cell(c).into_owned()))?;
            }
            csv.flush()
        })
        .map_err(|source| ExportError::Io {
            path: path.display().to_string(),
            source,
        })
}

/// (row, source) → the `id_field` value in clear (see [`Report::record_names`]).
type RecordNames = BTreeMap<(String, u64), String>;

/// (record, message_id) per affected record of a violation. A CSV record is
/// named by its `id_field` value in clear: this file exists to name records.
fn violation_rows(
    v: &Violation,
    mail: bool,
    kind: Option<SourceKind>,
    names: &RecordNames,
) -> Vec<[String; 2]> {
    v.records
        .iter()
        .zip(v.rows.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(id, n)| {
            if !mail {
                let name = n.and_then(|n| names.get(&(v.path.clone(), *n)));
                return [name.unwrap_or(id).clone(), String::new()];
            }
            let n = n.map(u64::to_string).unwrap_or_default();
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

/// (record, message_id) per record or message of a findings to-do item: the
/// `id_field` value where the policy names one, else the row number.
fn item_rows(
    item: &TodoItem,
    ids: &BTreeMap<(String, u64), String>,
    names: &RecordNames,
) -> Vec<[String; 2]> {
    let numbered = item.records.iter().map(|n| {
        let key = (item.path.clone(), n);
        let id = ids.get(&key).cloned().unwrap_or_default();
        let record = names.get(&key).cloned().unwrap_or_else(|| n.to_string());
        [record, id]
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
    format!(
        "{}-{}-{}.csv",
        item.id,
        item.action.as_str(),
        path_slug(&item.path, &item.field)
    )
}

/// `crm/contacts.csv` + `notes` → `crm-contacts-csv-notes`: the last two path
/// segments and the field, ASCII, at most 60 characters.
pub fn path_slug(path: &str, field: &str) -> String {
    let tail: Vec<&str> = path.rsplit('/').take(2).collect();
    let text = format!(
        "{} {}",
        tail.into_iter().rev().collect::<Vec<_>>().join(" "),
        field
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
    slug.trim_end_matches('-').to_string()
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
        let mut outputs = Outputs::new();
        let files = export_actions_with(
            &report,
            &[retention(src), undeclared],
            out.path(),
            &Inputs::default(),
            &mut outputs,
        )
        .unwrap();
        outputs.commit().unwrap();
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
        let export = |dir: &Path, input: &Path| {
            let inputs = Inputs::new(&[input.to_path_buf()]);
            export_actions_with(&report, &[], dir, &inputs, &mut Outputs::new())
        };
        for dir in [input.clone(), input.join("out/deeper"), input.join(".")] {
            let e = export(&dir, &input).unwrap_err();
            assert!(e.to_string().contains("inputs are never written"), "{e}");
        }
        let e = export(&input, &input.join("a.csv")).unwrap_err();
        assert!(e.to_string().contains("holding"), "{e}");
        assert!(export(&root.path().join("actions"), &input).is_ok());
        assert!(!root.path().join("crm/out").exists());
    }

    #[test]
    fn guards_formula_cells_and_mail_ids() {
        let mut v = retention("m/inbox.mbox");
        v.records = vec!["<a@b>".into(), "5".into()];
        v.rows = vec![3, 5];
        let rows = violation_rows(&v, true, Some(SourceKind::Mbox), &RecordNames::new());
        assert_eq!(rows[0], ["3".to_string(), "<a@b>".to_string()]);
        assert_eq!(rows[1], ["5".to_string(), String::new()]);
        assert_eq!(
            violation_rows(&v, true, Some(SourceKind::Maildir), &RecordNames::new())[0][0],
            ""
        );
    }
}
