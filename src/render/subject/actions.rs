//! `subject erase --export-actions DIR`: the plan as the per-source action lists
//! `scan --export-actions` writes (`todo_id,action,path,field,record,message_id`),
//! one file per request, action and source, so each team acts on its own list.

use crate::input_guard::Inputs;
use crate::output_target::Outputs;
use crate::render::export_actions::{ExportError, path_slug, stage_action_list};
use crate::subject::hits::RecordRef;
use crate::subject::report::SubjectReport;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Stage the lists (they appear when `outputs` is committed); returns the files,
/// in a stable order.
pub fn stage_action_lists(
    report: &SubjectReport,
    dir: &Path,
    inputs: &Inputs,
    outputs: &mut Outputs,
) -> Result<Vec<PathBuf>, ExportError> {
    inputs.refuse("--export-actions", dir, true)?;
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut written = Vec::new();
    for q in &report.requests {
        let Some(actions) = &q.actions else { continue };
        // (action, source) → rows [field, record, message_id]
        let mut lists: BTreeMap<(&str, &str), Vec<[String; 4]>> = BTreeMap::new();
        for a in actions {
            let field = a
                .location
                .as_ref()
                .map_or(String::new(), |l| l.field().to_string());
            let (record, message_id) = match &a.record {
                RecordRef::Csv { row, id } => {
                    (id.clone().unwrap_or_else(|| row.to_string()), String::new())
                }
                RecordRef::Message {
                    message,
                    message_id,
                    ..
                } => (message.to_string(), message_id.clone().unwrap_or_default()),
            };
            lists
                .entry((a.action.as_str(), a.source.as_str()))
                .or_default()
                .push([a.path.clone(), field, record, message_id]);
        }
        let request = path_slug(&q.request_id, "");
        for ((action, source), rows) in lists {
            let path = dir.join(format!(
                "subject-{request}-{action}-{}.csv",
                path_slug(source, "")
            ));
            let rows = rows.iter().map(|[p, f, r, m]| {
                [
                    q.request_id.as_str(),
                    action,
                    p.as_str(),
                    f.as_str(),
                    r.as_str(),
                    m.as_str(),
                ]
            });
            stage_action_list(&path, rows, inputs, outputs)?;
            written.push(path);
        }
    }
    Ok(written)
}
