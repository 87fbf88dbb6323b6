//! What classification produces: findings (personal data where it should not be)
//! and inventory entries (fields meant to hold it). These are the records of the
//! JSON contract; later stages only add to them.

use crate::model::{Category, InventoryKind, Location, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One piece of personal data where it should not be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: f64,
    pub path: String,
    pub location: Location,
    /// The matched text; only with `--show-values`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The masked form, always present.
    pub redacted: String,
    /// Keyed hash of rule, value, path and field: stable across runs and row moves.
    pub fingerprint: String,
    /// For mail: what lets a person find the message (masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageInfo>,
}

/// How to find a message again without revealing it: date, masked sender and subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// What personal data is where: the start of a record of processing (Art. 30).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryEntry {
    pub path: String,
    pub field: String,
    pub kind: InventoryKind,
    /// Values of each category found in the field.
    pub categories: BTreeMap<Category, u64>,
    /// Non-empty values in the field.
    pub values: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// `header` when the column had too few values to decide by content
    /// (`classify::MIN_SAMPLE`) and its header decided that it is structured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// What the to-do plan counts of a finding, stored or still encoded.
#[derive(Clone, Copy)]
pub struct Facts<'a> {
    pub rule: &'a str,
    pub category: Category,
    pub confidence: f64,
    pub path: &'a str,
    pub location: &'a Location,
}

impl Finding {
    /// What the to-do plan counts of it.
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            rule: &self.rule,
            category: self.category,
            confidence: self.confidence,
            path: &self.path,
            location: &self.location,
        }
    }
}

/// A finding for unit tests: a personnummer in `a.csv` → `notes` at `row`.
#[cfg(test)]
pub(crate) fn sample(fingerprint: &str, row: u64) -> Finding {
    Finding {
        rule: "se.personnummer".into(),
        category: Category::NationalId,
        severity: Severity::High,
        confidence: 0.9,
        path: "a.csv".into(),
        location: Location::Csv {
            row,
            column: "notes".into(),
            start: 0,
            end: 1,
        },
        value: None,
        redacted: "#".into(),
        fingerprint: fingerprint.into(),
        message: None,
    }
}
