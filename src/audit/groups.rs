//! Findings counted by the to-do item they belong to — (source, field, action,
//! category) — as the scan merges them, so the plan never reads findings back.
//! Saved reports and scans that dropped findings (allowlist, baseline) count them
//! again from the findings ([`Regroup`]).

use super::RecordList;
use super::{Report, SourceSummary};
use crate::finding::{Facts, Finding, InventoryEntry};
use crate::model::{Action, Category, Exposure, InventoryKind, Location};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The findings of one to-do item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    pub count: u64,
    pub confidence_sum: f64,
    /// Record numbers; a file's findings come in record order, so a repeat is
    /// always the last one pushed. Compact (large scans have hundreds of thousands
    /// of them); sorted when the plan is made.
    pub records: RecordList,
    pub messages: BTreeSet<String>,
    /// The rule of the first finding, for the article (shared between the groups
    /// of a file).
    pub rule: Arc<str>,
    pub exposure_free: bool,
}

impl Group {
    fn merge(&mut self, other: Group) {
        self.count += other.count;
        self.confidence_sum += other.confidence_sum;
        self.records.append(other.records);
        if self.messages.is_empty() {
            self.messages = other.messages;
        } else {
            self.messages.extend(other.messages);
        }
        if self.rule.is_empty() {
            self.rule = other.rule;
        }
        self.exposure_free = other.exposure_free;
    }
}

/// One group and its key within a source.
#[derive(Debug, Clone, PartialEq)]
struct Keyed {
    field: Box<str>,
    action: Action,
    category: Category,
    group: Group,
}

/// A source's groups sorted by (field, action, category): a source has a few
/// dozen at most, so a sorted vector (no per-entry allocation beyond the field
/// name) beats nested maps, whose nodes cost a kilobyte each.
type SourceGroups = Vec<Keyed>;

/// The position of the group `(field, action, category)` in `groups`, made if missing.
fn slot_in(groups: &mut SourceGroups, field: &str, action: Action, category: Category) -> usize {
    let key = (field, action, category);
    match groups.binary_search_by(|k| (&*k.field, k.action, k.category).cmp(&key)) {
        Ok(i) => i,
        Err(i) => {
            groups.insert(
                i,
                Keyed {
                    field: field.into(),
                    action,
                    category,
                    group: Group::default(),
                },
            );
            i
        }
    }
}

/// The groups of `source`, made if missing; the name is copied only then.
fn groups_of<'m>(
    map: &'m mut BTreeMap<Box<str>, SourceGroups>,
    source: &str,
) -> &'m mut SourceGroups {
    if !map.contains_key(source) {
        map.insert(source.into(), Vec::new());
    }
    map.get_mut(source)
        .unwrap_or_else(|| unreachable!("inserted just above"))
}

/// The shared copy of rule id `rule` (a file's findings name a handful of rules).
fn shared_rule(rules: &mut Vec<Arc<str>>, rule: &str) -> Arc<str> {
    if let Some(r) = rules.iter().find(|r| &***r == rule) {
        return r.clone();
    }
    let r: Arc<str> = rule.into();
    rules.push(r.clone());
    r
}

/// Source → its groups, in key order.
#[derive(Debug, Clone, Default)]
pub struct FindingGroups {
    by_source: BTreeMap<Box<str>, SourceGroups>,
    /// The rule ids seen, shared by the groups that name them.
    rules: Vec<Arc<str>>,
}

/// Equal when they count the same: the rule ids shared are a cache.
impl PartialEq for FindingGroups {
    fn eq(&self, other: &Self) -> bool {
        self.by_source == other.by_source
    }
}

impl FindingGroups {
    pub fn new() -> FindingGroups {
        FindingGroups::default()
    }

    fn groups_of(&mut self, source: &str) -> &mut SourceGroups {
        groups_of(&mut self.by_source, source)
    }

    /// Count a finding of `owner` (its source: the file, or the Maildir folder).
    pub fn add(&mut self, f: Facts<'_>, owner: &str, exposure: Exposure) {
        let is_mail = matches!(f.location, Location::Email { .. });
        let action = Action::for_finding(f.category, is_mail);
        let field = f.location.group_field();
        let path = f.path;
        let groups = groups_of(&mut self.by_source, owner);
        let i = slot_in(groups, field, action, f.category);
        let g = &mut groups[i].group;
        g.count += 1;
        g.confidence_sum += f.confidence;
        g.exposure_free = exposure == Exposure::FreeText;
        if g.rule.is_empty() {
            g.rule = shared_rule(&mut self.rules, f.rule);
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
            if g.records.last() != Some(r) {
                g.records.push(r);
            }
        }
    }

    /// Add the groups of `other`, which comes after everything here.
    pub fn merge(&mut self, other: FindingGroups) {
        for (source, incoming) in other.by_source {
            let mine = self.by_source.entry(source).or_default();
            if mine.is_empty() {
                *mine = incoming;
                continue;
            }
            for k in incoming {
                let i = slot_in(mine, &k.field, k.action, k.category);
                mine[i].group.merge(k.group);
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
        self.by_source.iter().flat_map(|(source, groups)| {
            groups
                .iter()
                .map(move |k| (&**source, &*k.field, k.action, k.category, &k.group))
        })
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.by_source.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every group with its key, given up as it goes (the plan moves the records
    /// into its items instead of copying them).
    pub fn into_groups(
        self,
    ) -> impl Iterator<Item = (Box<str>, Box<str>, Action, Category, Group)> {
        self.by_source.into_iter().flat_map(|(source, groups)| {
            groups
                .into_iter()
                .map(move |k| (source.clone(), k.field, k.action, k.category, k.group))
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
        let groups = self.groups_of(source);
        let i = slot_in(groups, field, action, category);
        groups[i].group = group;
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
