//! Applying an erasure plan (`subject erase --output plan.json`): `delete_record`
//! drops the person's own row or message, `redact_mention` replaces their
//! identifier where another record mentions it (a CSV span exactly; in a message,
//! every identifier of that kind, since a plan's mail span is counted in the
//! reader's joined body), and `keep_restricted` and `review` are left in place and
//! listed. Only the fields read here are required; the rest of the plan is ignored.

use super::{Change, ChangeKind, RedactOptions, SourcePlan};
use crate::model::{Category, Location};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Deserialize)]
pub struct PlanFile {
    pub requests: Vec<PlanRequest>,
}

#[derive(Debug, Deserialize)]
pub struct PlanRequest {
    pub request_id: String,
    #[serde(default)]
    pub actions: Option<Vec<PlanAction>>,
}

#[derive(Debug, Deserialize)]
pub struct PlanAction {
    pub action: String,
    pub source: String,
    pub path: String,
    pub record: PlanRecord,
    #[serde(default)]
    pub location: Option<Location>,
    pub identifier: crate::subject::identity::IdKind,
    /// Masked unless the plan was written with `--show-values`; only ever logged masked.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlanRecord {
    Csv { row: u64 },
    Message { message: u64 },
}

impl PlanRecord {
    pub fn number(self) -> u64 {
        match self {
            PlanRecord::Csv { row } => row,
            PlanRecord::Message { message } => message,
        }
    }
}

/// What was left in place, for the log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Kept {
    pub request_id: String,
    pub action: String,
    pub path: String,
    pub record: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Read a plan file.
pub fn load(path: &std::path::Path) -> Result<PlanFile, String> {
    let text = crate::source::read_limited_text(path, 256 << 20).map_err(|e| e.to_string())?;
    serde_json::from_str(&text)
        .map_err(|e| format!("not an erasure plan from `subject erase`: {e}"))
}

/// Add the plan's actions to `plans` (by source); returns what stays in place.
pub fn apply(
    file: &PlanFile,
    plans: &mut BTreeMap<String, SourcePlan>,
    opts: &RedactOptions,
) -> Vec<Kept> {
    let mut kept = Vec::new();
    for req in &file.requests {
        for a in req.actions.iter().flatten() {
            let n = a.record.number();
            let plan = plans.entry(a.source.clone()).or_default();
            let category = a.identifier.category();
            match (a.action.as_str(), &a.location) {
                ("delete_record", _) => {
                    match a.record {
                        PlanRecord::Csv { row } => plan.records.entry(row).or_default().drop = true,
                        PlanRecord::Message { message } => {
                            plan.dropped.insert((a.path.clone(), message));
                        }
                    }
                    plan.changes
                        .push(change(a, n, String::new(), ChangeKind::Dropped, None));
                }
                (
                    "redact_mention",
                    Some(Location::Csv {
                        row,
                        column,
                        start,
                        end,
                    }),
                ) => {
                    plan.records.entry(*row).or_default().edits.push(
                        crate::source::record::TextEdit {
                            field: column.clone(),
                            start: *start,
                            end: *end,
                            with: opts.replacement(category, &crate::redact::mask(category, "")),
                        },
                    );
                    plan.changes.push(change(
                        a,
                        n,
                        column.clone(),
                        ChangeKind::Replaced,
                        Some(category),
                    ));
                }
                ("redact_mention", _) => {
                    plan.mentions
                        .entry((a.path.clone(), n))
                        .or_default()
                        .insert(category);
                }
                _ => kept.push(Kept {
                    request_id: req.request_id.clone(),
                    action: a.action.clone(),
                    path: a.path.clone(),
                    record: n,
                    reason: a.reason.clone(),
                }),
            }
        }
    }
    for plan in plans.values_mut() {
        for edit in plan.records.values_mut() {
            super::merge_overlaps(&mut edit.edits);
        }
        plan.changes.sort_by_key(|c| c.record);
    }
    kept
}

fn change(
    a: &PlanAction,
    n: u64,
    field: String,
    action: ChangeKind,
    category: Option<Category>,
) -> Change {
    Change {
        path: a.path.clone(),
        record: n,
        field,
        action,
        rule: Some(format!("subject.{}", a.identifier.as_str())),
        category,
        masked: None,
    }
}

/// Where a record of the input is in a copy that dropped `dropped` (sorted).
pub fn renumbered(n: u64, dropped: &BTreeSet<u64>) -> u64 {
    n - dropped.range(..n).count() as u64
}
