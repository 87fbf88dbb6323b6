//! Findings counted by the to-do item they belong to — (source, field, action,
//! category) — as the scan merges them, so the plan never reads findings back.
//! Saved reports and scans that dropped findings (allowlist, baseline) count them
//! again from the findings ([`Regroup`]).

use super::{Report, SourceSummary};
use crate::finding::{Facts, Finding, InventoryEntry};
use crate::model::{Action, Category, Exposure, InventoryKind, Location};
use std::collections::{BTreeMap, BTreeSet};

/// The findings of one to-do item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    pub count: u64,
    pub confidence_sum: f64,
    /// Record numbers; a file's findings come in record order, so a repeat is
    /// always the last one pushed (a Vec, not a set: large scans have hundreds of
    /// thousands of them). Sorted when the plan is made.
    pub records: Vec<u64>,
    pub messages: BTreeSet<String>,
    /// The rule of the first finding, for the article.
    pub rule: String,
    pub exposure_free: bool,
}

impl Group {
    fn merge(&mut self, other: Group) {
        self.count += other.count;
        self.confidence_sum += other.confidence_sum;
        self.records.extend(other.records);
        self.messages.extend(other.messages);
        if self.rule.is_empty() {
            self.rule = other.rule;
        }
        self.exposure_free = other.exposure_free;
    }
}

/// The value under `key`, made if missing; the key is copied only then.
fn slot<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key)
        .unwrap_or_else(|| unreachable!("inserted just above"))
}

/// Source → field → (action, category) → group. Nested so that adding a finding
/// looks its group up by `&str` without allocating.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FindingGroups {
    by_source: BTreeMap<String, FieldGroups>,
}

/// Field → (action, category) → group, within one source.
type FieldGroups = BTreeMap<String, BTreeMap<(Action, Category), Group>>;

impl FindingGroups {
    pub fn new() -> FindingGroups {
        FindingGroups::default()
    }

    /// Count a finding of `owner` (its source: the file, or the Maildir folder).
    pub fn add(&mut self, f: Facts<'_>, owner: &str, exposure: Exposure) {
        let is_mail = matches!(f.location, Location::Email { .. });
        let action = Action::for_finding(f.category, is_mail);
        let field = f.location.group_field();
        let path = f.path;
        let groups = slot(slot(&mut self.by_source, owner), field);
        let g = groups.entry((action, f.category)).or_default();
        g.count += 1;
        g.confidence_sum += f.confidence;
        g.exposure_free = exposure == Exposure::FreeText;
        if g.rule.is_empty() {
            g.rule = f.rule.to_string();
        }
        if owner != path {
            // A Maildir message: the file (or its Message-ID) says which one.
            let id = f
                .location
                .message_id()
                .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path));
            if !g.messages.contains(id) {
                g.messages.insert(id.to_string());
            }
        } else {
            let r = f.location.record();
            if g.records.last() != Some(&r) {
                g.records.push(r);
            }
        }
    }

    /// Add the groups of `other`, which comes after everything here.
    pub fn merge(&mut self, other: FindingGroups) {
        for (source, fields) in other.by_source {
            let mine = self.by_source.entry(source).or_default();
            for (field, groups) in fields {
                let mine = mine.entry(field).or_default();
                for (key, g) in groups {
                    mine.entry(key).or_default().merge(g);
                }
            }
        }
    }

    /// Count a report's findings (a saved report, or after some were dropped).
    pub fn from_report(report: &Report) -> FindingGroups {
        let mut regroup = Regroup::new(&report.summary.sources, &report.inventory);
        for f in &report.findings {
            regroup.add(&f);
        }
        regroup.groups
    }

    /// Every group with its key: (source, field, action, category).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, Action, Category, &Group)> {
        self.by_source.iter().flat_map(|(source, fields)| {
            fields.iter().flat_map(move |(field, groups)| {
                groups
                    .iter()
                    .map(move |((a, c), g)| (source.as_str(), field.as_str(), *a, *c, g))
            })
        })
    }

    /// Put back one group of [`iter`](Self::iter) (a partial report's groups).
    pub fn insert(
        &mut self,
        source: &str,
        field: &str,
        action: Action,
        category: Category,
        group: Group,
    ) {
        slot(slot(&mut self.by_source, source), field).insert((action, category), group);
    }

    /// How many findings were counted.
    pub fn total(&self) -> u64 {
        self.iter().map(|(.., g)| g.count).sum()
    }

    /// How many findings of each category each (source, field) holds.
    pub fn counts(&self) -> impl Iterator<Item = (&str, &str, Category, u64)> {
        self.iter().map(|(s, f, _, c, g)| (s, f, c, g.count))
    }
}

/// Counting stored findings again. Exposure comes from the inventory here, from
/// the column's role during a scan: the two agree except for a CSV whose header
/// names two columns alike, where the inventory cannot tell them apart.
pub struct Regroup<'a> {
    sources: Vec<&'a str>,
    structured: BTreeSet<(&'a str, &'a str)>,
    pub groups: FindingGroups,
}

impl<'a> Regroup<'a> {
    pub fn new(sources: &'a [SourceSummary], inventory: &'a [InventoryEntry]) -> Regroup<'a> {
        Regroup {
            sources: sources.iter().map(|s| s.path.as_str()).collect(),
            structured: inventory
                .iter()
                .filter(|e| e.kind == InventoryKind::Structured)
                .map(|e| (e.path.as_str(), e.field.as_str()))
                .collect(),
            groups: FindingGroups::new(),
        }
    }

    pub fn add(&mut self, f: &Finding) {
        let owner = crate::source::owning_source(&f.path, self.sources.iter().copied());
        let is_mail = matches!(f.location, Location::Email { .. });
        let in_structured = self
            .structured
            .contains(&(f.path.as_str(), f.location.field()));
        self.groups.add(
            f.facts(),
            owner,
            Exposure::of(in_structured, f.category, is_mail),
        );
    }
}
