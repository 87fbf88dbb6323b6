//! The subject report: what `subject find` and `subject erase` print, as data.
//! Its JSON form is a contract (`schema/subject.schema.json`, `schema_version`);
//! the renderers read only this. Values are masked unless `--show-values`.

use super::erase::{Action, Deadline};
use super::find::{FindResult, Searched};
use super::hits::{Hit, RecordHit};
use super::walk::SourceRead;
use serde::Serialize;

/// Bumped when a field changes meaning or goes away; new fields keep it.
pub const SCHEMA_VERSION: &str = "1.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Find,
    ErasurePlan,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectReport {
    pub schema_version: &'static str,
    pub kind: ReportKind,
    pub tool: Tool,
    /// The day deadlines and holds are judged against.
    pub as_of: String,
    pub values_shown: bool,
    pub requests: Vec<RequestReport>,
    pub sources: Vec<SourceRead>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
    pub rules_version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestReport {
    pub request_id: String,
    #[serde(rename = "type")]
    pub kind: super::request::RequestType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// `no_data`, `found`, `planned` or `overdue`.
    pub status: &'static str,
    pub searched: Vec<Searched>,
    pub summary: RequestSummary,
    pub records: Vec<RecordHit>,
    /// The erasure plan (`subject erase` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Action>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    pub own_records: usize,
    pub mentions: usize,
    pub hits: usize,
    /// Records matched by a name alone.
    pub weak_records: usize,
    pub sources: Vec<String>,
}

/// How values appear: masked by category, or in clear.
pub fn masker(show_values: bool) -> impl Fn(&Hit) -> String {
    move |h: &Hit| {
        if show_values {
            h.value.clone()
        } else {
            crate::redact::mask(h.identifier.category(), &h.value)
        }
    }
}

/// Build the report. `plans` holds one action list per request for an erasure plan.
pub fn build(
    found: &FindResult,
    as_of: jiff::civil::Date,
    show_values: bool,
    extended: Option<&str>,
    plans: Option<Vec<Vec<Action>>>,
) -> SubjectReport {
    let mask = masker(show_values);
    let mut plans = plans.map(|p| p.into_iter());
    let requests = found
        .results
        .iter()
        .map(|r| {
            let deadline = r
                .request
                .received
                .and_then(|d| super::erase::deadline(d, extended));
            let actions = plans.as_mut().and_then(|p| p.next());
            let overdue = deadline
                .as_ref()
                .and_then(|d| d.due.parse::<jiff::civil::Date>().ok())
                .is_some_and(|due| due < as_of);
            let status = match (r.records.is_empty(), &actions, overdue) {
                (_, _, true) => "overdue",
                (true, _, _) => "no_data",
                (false, Some(_), _) => "planned",
                (false, None, _) => "found",
            };
            let records = r
                .records
                .iter()
                .map(|rec| {
                    let mut rec = rec.clone();
                    rec.content = None;
                    for h in &mut rec.hits {
                        h.value = mask(h);
                    }
                    rec
                })
                .collect();
            let searched = r
                .searched
                .iter()
                .map(|s| Searched {
                    value: if show_values {
                        s.value.clone()
                    } else {
                        crate::redact::mask(s.kind.category(), &s.value)
                    },
                    ..s.clone()
                })
                .collect();
            RequestReport {
                request_id: r.request.id.clone(),
                kind: r.request.kind,
                deadline,
                status,
                searched,
                summary: RequestSummary {
                    own_records: r.own_records(),
                    mentions: r.mentions(),
                    hits: r.hits(),
                    weak_records: r.weak(),
                    sources: r.sources().into_iter().map(str::to_string).collect(),
                },
                records,
                actions,
            }
        })
        .collect();
    let problems = |v: &[crate::source::SourceError]| {
        v.iter()
            .map(|e| Problem {
                path: e.path.clone(),
                message: e.message.clone(),
            })
            .collect()
    };
    SubjectReport {
        schema_version: SCHEMA_VERSION,
        kind: if plans.is_some() {
            ReportKind::ErasurePlan
        } else {
            ReportKind::Find
        },
        tool: Tool {
            name: "gdpr-audit",
            version: env!("CARGO_PKG_VERSION"),
            rules_version: crate::rules::PACK_VERSION,
        },
        as_of: as_of.to_string(),
        values_shown: show_values,
        requests,
        sources: found.sources.clone(),
        errors: problems(&found.errors),
        warnings: problems(&found.warnings),
    }
}
