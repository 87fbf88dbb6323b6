//! `gdpr-audit diff OLD.json NEW.json`: what is new, what is fixed and what is
//! unchanged between two reports, per category and per to-do item — how a team
//! follows up that the to-do list is actually being done. Findings are matched by
//! their keyed fingerprints (as multisets), never by value.

use crate::audit::Report;
use crate::finding::Finding;
use crate::model::{Category, Priority, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    pub schema_version: u32,
    pub old: String,
    pub new: String,
    pub totals: Counts,
    pub by_category: BTreeMap<Category, Counts>,
    pub by_todo: Vec<TodoDelta>,
    /// The new findings themselves (masked unless the reports held values).
    pub new_findings: Vec<Finding>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub new: u64,
    pub fixed: u64,
    pub unchanged: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TodoDelta {
    pub id: String,
    pub title: String,
    /// The place the title quotes (in backticks), so Markdown can show it as code.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    pub priority: Priority,
    pub old_count: u64,
    pub new_count: u64,
    /// `new`, `fixed`, `reduced`, `grown` or `unchanged`.
    pub status: String,
}

pub fn diff(old: &Report, new: &Report, old_name: &str, new_name: &str) -> Diff {
    // fingerprint → categories of the old findings still unmatched.
    let mut pool: BTreeMap<String, Vec<Category>> = BTreeMap::new();
    for f in &old.findings {
        pool.entry(f.fingerprint.clone())
            .or_default()
            .push(f.category);
    }
    let mut totals = Counts::default();
    let mut by_category: BTreeMap<Category, Counts> = BTreeMap::new();
    let mut new_findings = Vec::new();
    for f in &new.findings {
        match pool.get_mut(f.fingerprint.as_str()).and_then(|v| v.pop()) {
            Some(_) => {
                totals.unchanged += 1;
                by_category.entry(f.category).or_default().unchanged += 1;
            }
            None => {
                totals.new += 1;
                by_category.entry(f.category).or_default().new += 1;
                new_findings.push(f);
            }
        }
    }
    for c in pool.values().flatten() {
        totals.fixed += 1;
        by_category.entry(*c).or_default().fixed += 1;
    }
    let old_items: BTreeMap<&str, &crate::audit::TodoItem> =
        old.todo.iter().map(|t| (t.id.as_str(), t)).collect();
    let new_items: BTreeMap<&str, &crate::audit::TodoItem> =
        new.todo.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut by_todo = Vec::new();
    for (id, t) in &new_items {
        let old_count = old_items.get(id).map(|o| o.count).unwrap_or(0);
        let status = match (old_count, t.count) {
            (0, _) => "new",
            (o, n) if n < o => "reduced",
            (o, n) if n > o => "grown",
            _ => "unchanged",
        };
        by_todo.push(TodoDelta {
            id: id.to_string(),
            title: t.title().into_owned(),
            path: t.path.clone(),
            field: t.field.clone(),
            priority: t.priority,
            old_count,
            new_count: t.count,
            status: status.into(),
        });
    }
    for (id, t) in &old_items {
        if !new_items.contains_key(id) {
            by_todo.push(TodoDelta {
                id: id.to_string(),
                title: t.title().into_owned(),
                path: t.path.clone(),
                field: t.field.clone(),
                priority: t.priority,
                old_count: t.count,
                new_count: 0,
                status: "fixed".into(),
            });
        }
    }
    by_todo.sort_by(|a, b| a.priority.cmp(&b.priority).then(a.id.cmp(&b.id)));
    Diff {
        schema_version: 1,
        old: old_name.into(),
        new: new_name.into(),
        totals,
        by_category,
        by_todo,
        new_findings,
    }
}

impl Diff {
    pub fn worst_new(&self) -> Option<Severity> {
        self.new_findings.iter().map(|f| f.severity).max()
    }

    pub fn render_text(&self, markdown: bool, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let t = &self.totals;
        if markdown {
            writeln!(
                out,
                "# gdpr-audit diff\n\n`{}` → `{}`\n",
                self.old, self.new
            )?;
            writeln!(
                out,
                "**{} new, {} fixed, {} unchanged**\n",
                t.new, t.fixed, t.unchanged
            )?;
            writeln!(
                out,
                "| Category | New | Fixed | Unchanged |\n|---|---:|---:|---:|"
            )?;
            for (c, n) in &self.by_category {
                writeln!(out, "| {c} | {} | {} | {} |", n.new, n.fixed, n.unchanged)?;
            }
            writeln!(
                out,
                "\n| Priority | To-do | Before | Now | Status |\n|---|---|---:|---:|---|"
            )?;
            for d in &self.by_todo {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    d.priority,
                    crate::render::markdown::md_rich(&d.title, &[&d.path, &d.field], true),
                    d.old_count,
                    d.new_count,
                    d.status
                )?;
            }
        } else {
            writeln!(
                out,
                "{} → {}: {} new, {} fixed, {} unchanged",
                self.old, self.new, t.new, t.fixed, t.unchanged
            )?;
            for (c, n) in &self.by_category {
                writeln!(
                    out,
                    "  {:<16} +{:<6} -{:<6} ={}",
                    c.as_str(),
                    n.new,
                    n.fixed,
                    n.unchanged
                )?;
            }
            for d in self.by_todo.iter().filter(|d| d.status != "unchanged") {
                writeln!(
                    out,
                    "  {} {:<9} {:>5} → {:<5} {}",
                    d.priority, d.status, d.old_count, d.new_count, d.title
                )?;
            }
        }
        Ok(())
    }
}
