//! What the judgement stages add to the audit: policy violations, to-do items, and
//! what the baseline and the allowlist did. Defined here, beside the report that holds
//! them, so that every stage above can read and return them.

use crate::model::{Action, Category, Priority, ViolationKind};
use serde::{Deserialize, Serialize};

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

/// One remediation action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TodoItem {
    /// Stable across runs: derived from action, category, path and field.
    pub id: String,
    pub priority: Priority,
    pub score: f64,
    pub action: Action,
    pub title: String,
    pub category: Category,
    pub article: String,
    pub path: String,
    pub field: String,
    pub count: u64,
    /// Row numbers (CSV) or message numbers (mbox) affected, all of them.
    pub records: Vec<u64>,
    /// Message-IDs (or file names) of the messages affected, for mail sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
    pub why: String,
    /// The factors of `score`, so a reader can recompute it.
    pub factors: ScoreFactors,
    /// The policy violation this item comes from (`retention_expired`, …); absent
    /// for items made from findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<ViolationKind>,
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
