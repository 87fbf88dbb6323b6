//! `gdpr-audit rules test`: every rule's own examples, run against that rule alone.

use super::RuleSet;
use crate::engine::Matcher;

pub struct Outcome {
    pub checked: usize,
    /// One line per failure: rule id, which example, what went wrong (examples are
    /// the rule author's own text, so they may be shown).
    pub failures: Vec<String>,
}

pub fn run(rules: &RuleSet) -> Outcome {
    let mut m = Matcher::new(rules.clone());
    let mut out = Outcome {
        checked: 0,
        failures: Vec::new(),
    };
    for (i, r) in rules.rules.iter().enumerate() {
        if r.examples.should_match.is_empty() && !r.patterns.is_empty() {
            out.failures
                .push(format!("{}: has no `match` examples", r.id));
        }
        for e in &r.examples.should_match {
            out.checked += 1;
            if m.scan_rule(i, e, "").is_empty() {
                out.failures
                    .push(format!("{}: does not match its example {e:?}", r.id));
            }
        }
        for e in &r.examples.no_match {
            out.checked += 1;
            let hits = m.scan_rule(i, e, "");
            if let Some(h) = hits.first() {
                out.failures.push(format!(
                    "{}: matches {:?} in its no_match example {e:?}",
                    r.id,
                    e.get(h.start..h.end).unwrap_or("")
                ));
            }
        }
    }
    out
}
