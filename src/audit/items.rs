//! What the judgement stages add to the audit: policy violations, to-do items, and
//! what the baseline and the allowlist did. Defined here, beside the report that holds
//! them, so that every stage above can read and return them.

use super::RecordList;
use crate::i18n::{self, Lang};
use crate::model::{Action, Category, Priority, ViolationKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A difference between the policy and the data. `message` holds counts, field
/// names and the date format assumed, never a value from the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub kind: ViolationKind,
    /// The source (a file, or a Maildir folder).
    pub path: String,
    /// The field concerned; empty when the whole source is.
    pub field: String,
    /// The affected records: `id_field` values (else row numbers) for CSV,
    /// Message-IDs (else message numbers) for mail.
    pub records: Vec<String>,
    /// Row or message numbers of `records`, in the same order (empty when there
    /// are no records).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<u64>,
    pub count: u64,
    pub article: String,
    pub message: String,
}

/// One remediation action. Its title and reason are worded when they are shown
/// (see [`Wording`]), not held: a large scan has tens of thousands of items.
#[derive(Debug, Clone, PartialEq)]
pub struct TodoItem {
    /// Stable across runs: derived from action, category, path and field.
    pub id: String,
    pub priority: Priority,
    pub score: f64,
    pub action: Action,
    pub category: Category,
    pub article: String,
    pub path: String,
    pub field: String,
    pub count: u64,
    /// Row numbers (CSV) or message numbers (mbox) affected, all of them.
    pub records: RecordList,
    /// Message-IDs (or file names) of the messages affected, for mail sources.
    pub messages: Vec<String>,
    /// The factors of `score`, so a reader can recompute it.
    pub factors: ScoreFactors,
    /// The policy violation this item comes from (`retention_expired`, …); absent
    /// for items made from findings.
    pub violation: Option<ViolationKind>,
    /// How `title` and `why` are worded.
    pub wording: Wording,
}

/// What a to-do item's title and reason are made from, besides the item itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Wording {
    /// An item made from findings: in `lang`; `mail` when its source is mail (its
    /// records are messages); `volume` unrounded, as the reason gives it.
    Findings { lang: Lang, mail: bool, volume: f64 },
    /// An item made from a policy violation of `affected` records.
    Violation {
        lang: Lang,
        affected: u64,
        volume: f64,
    },
    /// As a saved report has them.
    Saved(Box<(String, String)>),
}

/// The item as the JSON contract lays it out.
#[derive(Serialize)]
struct TodoItemOut<'a> {
    id: &'a str,
    priority: Priority,
    score: f64,
    action: Action,
    title: Cow<'a, str>,
    category: Category,
    article: &'a str,
    path: &'a str,
    field: &'a str,
    count: u64,
    records: &'a RecordList,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    messages: &'a [String],
    why: Cow<'a, str>,
    factors: ScoreFactors,
    #[serde(skip_serializing_if = "Option::is_none")]
    violation: Option<ViolationKind>,
}

#[derive(Deserialize)]
struct TodoItemIn {
    id: String,
    priority: Priority,
    score: f64,
    action: Action,
    title: String,
    category: Category,
    article: String,
    path: String,
    field: String,
    count: u64,
    records: RecordList,
    #[serde(default)]
    messages: Vec<String>,
    why: String,
    factors: ScoreFactors,
    #[serde(default)]
    violation: Option<ViolationKind>,
}

impl TodoItem {
    /// The item's title, in its language.
    pub fn title(&self) -> Cow<'_, str> {
        let kind = self.violation;
        match (&self.wording, kind) {
            (Wording::Saved(t), _) => Cow::Borrowed(&t.0),
            (Wording::Violation { lang, affected, .. }, Some(kind)) => {
                Cow::Owned(i18n::violation_title(
                    *lang,
                    kind,
                    self.category,
                    &self.path,
                    &self.field,
                    *affected,
                ))
            }
            (Wording::Findings { lang, .. }, _) | (Wording::Violation { lang, .. }, None) => {
                let mail = matches!(self.wording, Wording::Findings { mail: true, .. });
                Cow::Owned(i18n::todo_title(
                    *lang,
                    self.action,
                    self.category,
                    &self.path,
                    &self.field,
                    self.affected(mail),
                    self.free_text(),
                ))
            }
        }
    }

    /// Why the item has its score, in its language.
    pub fn why(&self) -> Cow<'_, str> {
        let f = self.factors;
        match (&self.wording, self.violation) {
            (Wording::Saved(t), _) => Cow::Borrowed(&t.1),
            (Wording::Violation { lang, volume, .. }, Some(kind)) => {
                Cow::Owned(i18n::violation_why(
                    *lang,
                    kind,
                    self.category,
                    f.weight,
                    f.exposure,
                    *volume,
                    f.confidence,
                    f.age,
                    self.score,
                    self.priority,
                ))
            }
            (Wording::Findings { lang, volume, .. }, _)
            | (Wording::Violation { lang, volume, .. }, None) => Cow::Owned(i18n::todo_why(
                *lang,
                self.category,
                f.weight,
                f.exposure,
                self.free_text(),
                *volume,
                f.confidence,
                f.age,
                self.score,
                self.priority,
            )),
        }
    }

    /// Whether the data sits in free text (the exposure factor says so).
    fn free_text(&self) -> bool {
        self.factors.exposure >= 1.5
    }

    /// What the item touches, for its title: a mail item's record numbers are
    /// message numbers, so it counts messages.
    fn affected(&self, mail: bool) -> i18n::Affected {
        let (records, messages) = if mail {
            (0, self.records.len().max(self.messages.len()).max(1) as u64)
        } else {
            (self.records.len() as u64, 0)
        };
        i18n::Affected {
            findings: self.count,
            records,
            messages,
        }
    }
}

impl Serialize for TodoItem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TodoItemOut {
            id: &self.id,
            priority: self.priority,
            score: self.score,
            action: self.action,
            title: self.title(),
            category: self.category,
            article: &self.article,
            path: &self.path,
            field: &self.field,
            count: self.count,
            records: &self.records,
            messages: &self.messages,
            why: self.why(),
            factors: self.factors,
            violation: self.violation,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for TodoItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<TodoItem, D::Error> {
        let i = TodoItemIn::deserialize(d)?;
        Ok(TodoItem {
            id: i.id,
            priority: i.priority,
            score: i.score,
            action: i.action,
            category: i.category,
            article: i.article,
            path: i.path,
            field: i.field,
            count: i.count,
            records: i.records,
            messages: i.messages,
            factors: i.factors,
            violation: i.violation,
            wording: Wording::Saved(Box::new((i.title, i.why))),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreFactors {
    pub weight: f64,
    pub exposure: f64,
    pub volume: f64,
    pub confidence: f64,
    pub age: f64,
}

/// What applying a baseline did; goes into `summary.baseline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineOutcome {
    pub file: String,
    /// Findings that were already in the baseline (not reported).
    pub known: u64,
    /// Findings not in the baseline (reported).
    pub new: u64,
    /// Baseline entries no longer found: fixed since the baseline was made.
    pub fixed: u64,
}

/// One allowlist entry and what it did in this scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowlistUse {
    pub reason: String,
    /// The entry's selectors, as written (`path=crm/*.csv rule=se.personnummer`).
    pub selector: String,
    pub suppressed: u64,
}
