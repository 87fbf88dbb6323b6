//! The erasure plan (Art. 17): one action per hit — delete the person's own
//! records, redact their identifiers in others' free text, keep what a law
//! requires (restricted, until the hold ends), and let a person review what a name
//! alone matched. A rectification request (Art. 16) lists every place the value
//! is held instead. The deadline is the request's `received` date plus one month
//! (Art. 12(3)), or three with a recorded reason.

use super::find::RequestResult;
use super::hits::{Content, Hit, RecordHit, RecordRef, Role, Strength};
use super::identity::IdKind;
use super::request::RequestType;
use crate::model::Location;
use crate::policy::{Config, LawfulBasis, SourcePolicy};
use jiff::civil::Date;
use serde::Serialize;

/// What must happen at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// The person's own row or message: delete it.
    DeleteRecord,
    /// Their identifier in someone else's free text: replace the span.
    RedactMention,
    /// Kept for a legal obligation: restrict processing until the hold ends.
    KeepRestricted,
    /// Matched by a name alone: a person decides.
    Review,
    /// Rectification: correct the value held here.
    Rectify,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::DeleteRecord => "delete_record",
            ActionKind::RedactMention => "redact_mention",
            ActionKind::KeepRestricted => "keep_restricted",
            ActionKind::Review => "review",
            ActionKind::Rectify => "rectify",
        }
    }
}

/// One step of the plan. For `redact_mention` and `rectify`, `location` is the
/// exact span (CSV: row, column, character offsets in the field; mail: message,
/// part, line, character offsets in the line).
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub action: ActionKind,
    pub source: String,
    pub path: String,
    pub record: RecordRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub identifier: IdKind,
    /// The text found (masked unless `--show-values`).
    pub value: String,
    /// What replaces the span (`redact_mention`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The last day a `keep_restricted` record must be kept (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<String>,
}

/// When the answer is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub received: String,
    pub due: String,
    /// `Some(reason)` when extended by two further months (Art. 12(3)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended: Option<String>,
}

/// Received + one month (31 January → 28/29 February: the day clamps to the
/// month's last), plus two more when extended.
pub fn deadline(received: Date, extended: Option<&str>) -> Option<Deadline> {
    let months = if extended.is_some() { 3 } else { 1 };
    let due = received
        .checked_add(jiff::Span::new().months(months))
        .ok()?;
    Some(Deadline {
        received: received.to_string(),
        due: due.to_string(),
        extended: extended.map(str::to_string),
    })
}

/// The text put in place of an erased identifier.
pub const REPLACEMENT: &str = "[erased]";

/// The plan for one request; `mask` turns a found value into what the plan shows.
pub fn plan(
    result: &RequestResult,
    policy: Option<&Config>,
    mask: &dyn Fn(&Hit) -> String,
) -> Vec<Action> {
    let mut out = Vec::new();
    for r in &result.records {
        let sp = policy.and_then(|c| c.source_for(&r.source));
        let first = &r.hits[0];
        let action = |kind: ActionKind, hit: &Hit, location: Option<Location>| Action {
            action: kind,
            source: r.source.clone(),
            path: r.path.clone(),
            record: r.record.clone(),
            location,
            identifier: hit.identifier,
            value: mask(hit),
            replacement: None,
            reason: None,
            hold_until: None,
        };
        if result.request.kind == RequestType::Rectification {
            for h in &r.hits {
                out.push(action(ActionKind::Rectify, h, Some(h.location.clone())));
            }
            continue;
        }
        if let Some((reason, until)) = sp.and_then(|p| legal_hold(p, r)) {
            let mut a = action(ActionKind::KeepRestricted, first, None);
            a.reason = Some(reason);
            a.hold_until = until.map(|d| d.to_string());
            out.push(a);
            continue;
        }
        if r.strength == Strength::Weak {
            let mut a = action(ActionKind::Review, first, None);
            a.reason = Some("matched by a name alone: check that it is this person".into());
            out.push(a);
            continue;
        }
        match r.role {
            Role::Own => out.push(action(ActionKind::DeleteRecord, first, None)),
            Role::Mention => {
                for h in r.hits.iter().filter(|h| h.strength == Strength::Strong) {
                    let mut a = action(ActionKind::RedactMention, h, Some(h.location.clone()));
                    a.replacement = Some(REPLACEMENT.into());
                    out.push(a);
                }
            }
        }
    }
    out
}

/// A source kept under a legal obligation: why, and the day the hold ends (the
/// record's date plus `keep_for`, when both are known).
fn legal_hold(p: &SourcePolicy, r: &RecordHit) -> Option<(String, Option<Date>)> {
    let hold = p.retention.as_ref().and_then(|r| r.legal_hold.clone());
    let reason = match (hold, p.lawful_basis) {
        (Some(h), _) => format!("legal hold: {h}"),
        (None, Some(LawfulBasis::LegalObligation)) => format!(
            "kept for a legal obligation ({}): {}",
            LawfulBasis::LegalObligation.article(),
            p.purpose.as_deref().unwrap_or("purpose not documented")
        ),
        _ => return None,
    };
    let keep_for = p.retention.as_ref().and_then(|r| r.keep_for);
    let until = record_date(p, r).zip(keep_for).and_then(|(d, k)| {
        let span = jiff::Span::new()
            .try_years(k.years)
            .ok()?
            .try_months(k.months)
            .ok()?
            .try_weeks(k.weeks)
            .ok()?
            .try_days(k.days)
            .ok()?;
        d.checked_add(span).ok()
    });
    Some((reason, until))
}

/// The date a retention period runs from: the `date_field` column, or the
/// message's Date header.
fn record_date(p: &SourcePolicy, r: &RecordHit) -> Option<Date> {
    match (&r.record, &r.content) {
        (RecordRef::Message { date, .. }, _) => date.as_deref()?.parse().ok(),
        (
            RecordRef::Csv { .. },
            Some(Content::Row {
                headers, fields, ..
            }),
        ) => {
            let col = p.retention.as_ref()?.date_field.as_deref()?;
            let i = headers.iter().position(|h| h == col)?;
            crate::policy::dates::parse_date(fields.get(i)?).map(|(d, _)| d)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_deadline_is_one_calendar_month_later() {
        let d = |y, m, day| deadline(date(y, m, day), None).unwrap().due;
        assert_eq!(d(2026, 1, 31), "2026-02-28");
        assert_eq!(d(2028, 1, 31), "2028-02-29");
        assert_eq!(d(2026, 3, 15), "2026-04-15");
        assert_eq!(d(2026, 12, 31), "2027-01-31");
        let ext = deadline(date(2026, 1, 31), Some("complex request")).unwrap();
        assert_eq!(ext.due, "2026-04-30");
        assert_eq!(ext.extended.as_deref(), Some("complex request"));
    }
}
