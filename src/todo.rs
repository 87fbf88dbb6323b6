//! The prioritizer: findings grouped into actions a person can take, scored so the
//! order can be checked by hand.

use serde::{Deserialize, Serialize};

/// One remediation action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TodoItem {
    pub id: String,
    pub priority: String,
    pub score: f64,
    pub action: String,
    pub title: String,
    pub category: String,
    pub article: String,
    pub path: String,
    pub field: String,
    pub count: u64,
    pub records: Vec<u64>,
    pub why: String,
}

/// Turn a report's findings into to-do items (filled in by the prioritizer).
pub fn plan(_report: &crate::report::Report, _rules: &crate::rules::RuleSet) -> Vec<TodoItem> {
    Vec::new()
}
