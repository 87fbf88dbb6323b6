//! Baselines: the fingerprints of the findings a team has accepted for now, so CI
//! fails only on what is new. A baseline holds keyed fingerprints with rule, path,
//! field and count — never a value — sorted so it diffs well in git.

use crate::audit::{BaselineOutcome, Report};
use crate::finding::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub schema_version: u32,
    pub tool: String,
    /// Why this file exists and what it may hold, for whoever finds it in a repo.
    pub note: String,
    /// The id (a hash, never the key) of the fingerprint key the entries were made
    /// with; a scan with another key is refused instead of calling everything new.
    /// Absent in baselines written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    pub entries: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub path: String,
    pub field: String,
    pub rule: String,
    pub fingerprint: String,
    pub count: u64,
}

/// A baseline made with another fingerprint key than the scan's.
#[derive(Debug, thiserror::Error)]
#[error(
    "baseline {file} was made with fingerprint key {baseline}, but this scan uses key {scan}: no fingerprint could match. Scan with the baseline's key (the same GDPR_AUDIT_KEY, --key-file or project) or make a new baseline"
)]
pub struct KeyMismatch {
    pub file: String,
    pub baseline: String,
    pub scan: String,
}

impl Baseline {
    pub fn from_findings(
        findings: impl IntoIterator<Item = Finding>,
        key_id: Option<String>,
    ) -> Baseline {
        let mut counts: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
        for f in findings {
            *counts
                .entry((
                    f.path.clone(),
                    f.location.field().to_string(),
                    f.rule.clone(),
                    f.fingerprint.clone(),
                ))
                .or_default() += 1;
        }
        Baseline {
            schema_version: BASELINE_VERSION,
            tool: format!("gdpr-audit {}", env!("CARGO_PKG_VERSION")),
            note: "Keyed fingerprints of accepted findings (no values). Made by `gdpr-audit baseline`; used by `gdpr-audit scan --baseline`.".into(),
            key_id,
            entries: counts.into_iter().map(|((path, field, rule, fingerprint), count)| BaselineEntry { path, field, rule, fingerprint, count }).collect(),
        }
    }

    /// Refuse a scan whose key differs from the baseline's: its fingerprints
    /// could never match, and every finding would look new.
    pub fn check_key(&self, file: &str, scan_key_id: &str) -> Result<(), KeyMismatch> {
        match &self.key_id {
            Some(id) if id != scan_key_id => Err(KeyMismatch {
                file: file.to_string(),
                baseline: id.clone(),
                scan: scan_key_id.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// Remove known findings from `report`, keeping the new ones, and count both.
    /// Counting is per fingerprint: if the baseline knew a value twice and it now
    /// appears three times, one is new.
    pub fn apply(&self, report: &mut Report, file: &str) -> BaselineOutcome {
        let mut remaining: BTreeMap<&str, u64> = BTreeMap::new();
        for e in &self.entries {
            *remaining.entry(e.fingerprint.as_str()).or_default() += e.count;
        }
        let mut known = 0;
        report
            .findings
            .retain(|f| match remaining.get_mut(f.fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    known += 1;
                    false
                }
                _ => true,
            });
        let fixed = remaining.values().sum();
        BaselineOutcome {
            file: file.to_string(),
            known,
            new: report.findings.len(),
            fixed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_under_reordering_and_counts_per_fingerprint() {
        let a = Baseline::from_findings(
            [
                crate::finding::sample("x", 1),
                crate::finding::sample("y", 2),
                crate::finding::sample("x", 3),
            ],
            None,
        );
        let b = Baseline::from_findings(
            [
                crate::finding::sample("x", 9),
                crate::finding::sample("x", 4),
                crate::finding::sample("y", 1),
            ],
            None,
        );
        assert_eq!(a, b);
        assert_eq!(a.entries.iter().map(|e| e.count).sum::<u64>(), 3);
    }

    #[test]
    fn apply_reports_new_and_fixed() {
        let base = Baseline::from_findings(
            [
                crate::finding::sample("x", 1),
                crate::finding::sample("y", 2),
                crate::finding::sample("z", 3),
            ],
            Some("aaaa".into()),
        );
        assert!(base.check_key("b.json", "aaaa").is_ok());
        let err = base.check_key("b.json", "bbbb").unwrap_err().to_string();
        assert!(
            err.contains("key aaaa") && err.contains("key bbbb"),
            "{err}"
        );
        let mut report = Report::assemble(vec![], vec![], vec![]);
        report.findings = crate::store::FindingStore::from_vec(vec![
            crate::finding::sample("x", 1),
            crate::finding::sample("x", 2),
            crate::finding::sample("y", 5),
        ]);
        let o = base.apply(&mut report, "b.json");
        assert_eq!((o.known, o.new, o.fixed), (2, 1, 1));
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings.to_vec()[0].location.record(), 2);
    }
}
