//! The allowlist: findings a team has decided to keep, each entry with the reason an
//! auditor will ask for. Every entry reports how many findings it suppressed, so a
//! stale or too-broad entry is visible.

use crate::audit::{AllowlistUse, Report};
use crate::finding::Finding;
use crate::model::MailPart;
use crate::policy::{AllowEntry, glob_matches_suffix};

struct Compiled<'a> {
    entry: &'a AllowEntry,
    glob: Option<globset::GlobMatcher>,
}

impl Compiled<'_> {
    fn matches(&self, f: &Finding) -> bool {
        let e = self.entry;
        let any_selector = e.path.is_some()
            || e.rule.is_some()
            || e.category.is_some()
            || e.field.is_some()
            || e.fingerprint.is_some();
        any_selector
            && self.glob.as_ref().is_none_or(|g| glob_matches_suffix(g, &f.path))
            && e.rule.as_deref().is_none_or(|r| r == f.rule)
            && e.category.is_none_or(|c| c == f.category)
            // `attachment:kundlista.csv` is also matched by a `field: attachment`.
            && e.field
                .as_deref()
                .is_none_or(|x| x == f.location.field() || MailPart::label_kind(f.location.field()) == x)
            && e.fingerprint
                .as_deref()
                .is_none_or(|fp| fp == f.fingerprint)
    }
}

fn selector(e: &AllowEntry) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &e.path {
        parts.push(format!("path={p}"));
    }
    if let Some(r) = &e.rule {
        parts.push(format!("rule={r}"));
    }
    if let Some(c) = e.category {
        parts.push(format!("category={c}"));
    }
    if let Some(f) = &e.field {
        parts.push(format!("field={f}"));
    }
    if let Some(fp) = &e.fingerprint {
        parts.push(format!("fingerprint={fp}"));
    }
    parts.join(" ")
}

/// Remove allowlisted findings from `report`; the first matching entry gets the credit.
pub fn apply(report: &mut Report, entries: &[AllowEntry]) -> Vec<AllowlistUse> {
    let compiled: Vec<Compiled<'_>> = entries
        .iter()
        .map(|entry| Compiled {
            entry,
            glob: entry.path.as_deref().and_then(|p| {
                globset::GlobBuilder::new(p)
                    .literal_separator(true)
                    .build()
                    .ok()
                    .map(|g| g.compile_matcher())
            }),
        })
        .collect();
    let mut counts = vec![0u64; compiled.len()];
    if !compiled.is_empty() {
        report
            .findings
            .retain(|f| match compiled.iter().position(|c| c.matches(f)) {
                Some(i) => {
                    counts[i] += 1;
                    false
                }
                None => true,
            });
    }
    compiled
        .iter()
        .zip(counts)
        .map(|(c, suppressed)| AllowlistUse {
            reason: c.entry.reason.clone(),
            selector: selector(c.entry),
            suppressed,
        })
        .collect()
}
