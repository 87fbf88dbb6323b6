//! What classification produces: findings (personal data where it should not be)
//! and inventory entries (fields meant to hold it). These are the records of the
//! JSON contract; later stages only add to them.

use crate::model::{Category, Location, Severity};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InventoryKind {
    /// A column or header meant to hold personal data of its categories.
    Structured,
    /// Free text that turned out to hold personal data (every match is a finding).
    FreeText,
    /// A mail attachment that is listed but not scanned.
    Attachment,
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
}

impl Finding {
    /// What the to-do plan counts of it.
    pub fn facts(&self) -> crate::store::Facts<'_> {
        crate::store::Facts {
            rule: &self.rule,
            category: self.category,
            confidence: self.confidence,
            path: &self.path,
            location: &self.location,
        }
    }

    /// Total order for reports: path, record, field position, offset, rule.
    pub fn sort_key(&self) -> (&str, u64, &str, usize, usize, &str) {
        let (line, start) = match &self.location {
            Location::Email { line, start, .. } => (*line, *start),
            other => (0, other.start()),
        };
        (
            &self.path,
            self.location.record(),
            self.location.field(),
            line,
            start,
            &self.rule,
        )
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
