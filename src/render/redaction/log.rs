//! The redaction log: `redaction-log.json` and `redaction-summary.md` in the output
//! directory — every change by location, rule and category, masked values only,
//! the counts per file and the proof scan's result (Art. 5(2) accountability).

use super::copies::CopyOutcome;
use super::{ChangeKind, Replace};
use crate::i18n::Lang;
use crate::model::{Category, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The file names of the log inside the output directory.
pub const LOG_JSON: &str = "redaction-log.json";
pub const LOG_MARKDOWN: &str = "redaction-summary.md";

/// What was asked.
#[derive(Debug, Clone, Serialize)]
pub struct Asked {
    pub replace: Replace,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_severity: Option<Severity>,
    pub min_confidence: f64,
    pub drop_expired: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    pub as_of: String,
    pub dry_run: bool,
}

/// A finding the proof scan still found in a copy.
#[derive(Debug, Clone, Serialize)]
pub struct Remaining {
    pub path: String,
    pub record: u64,
    pub field: String,
    pub rule: String,
    pub category: Category,
    pub masked: String,
}

impl Remaining {
    /// What the log says of a finding the proof still found: where, and masked.
    pub fn of(f: &crate::finding::Finding) -> Remaining {
        Remaining {
            path: f.path.clone(),
            record: f.location.record(),
            field: f.location.field().to_string(),
            rule: f.rule.clone(),
            category: f.category,
            masked: f.redacted.clone(),
        }
    }
}

/// The proof: the copies scanned again with the same rules and config.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Proof {
    pub scanned: bool,
    /// How the copies were proven: `incremental` (unchanged files compared with
    /// their input, changed records and messages matched again) or `full` (every
    /// copy scanned again).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub method: String,
    /// Ctrl-C stopped the proof: the copies are written but not proven.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Copies proven by being byte-for-byte copies of their input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identical: Vec<String>,
    /// No finding of the redacted kinds is left and every count is as expected.
    pub clean: bool,
    pub remaining: Vec<Remaining>,
    /// Files whose record or message count is not the input's minus the dropped.
    pub count_mismatches: Vec<String>,
    /// What the proof scan could not read.
    pub errors: Vec<String>,
}

/// Totals over every file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub files: u64,
    pub files_written: u64,
    pub records_in: u64,
    pub records_out: u64,
    pub records_changed: u64,
    pub records_dropped: u64,
    pub values_replaced: u64,
    pub by_category: BTreeMap<Category, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RedactionLog {
    pub tool: String,
    pub version: String,
    pub asked: Asked,
    pub totals: Totals,
    pub files: Vec<CopyOutcome>,
    pub proof: Proof,
    /// What an erasure plan left in place (`keep_restricted`, `review`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<super::erasure::Kept>,
    /// Every file was written and proven clean.
    pub complete: bool,
}

impl RedactionLog {
    pub fn new(asked: Asked, files: Vec<CopyOutcome>) -> RedactionLog {
        let mut t = Totals {
            files: files.len() as u64,
            ..Default::default()
        };
        for f in &files {
            t.files_written += u64::from(f.written);
            t.records_in += f.counts.records_in;
            t.records_out += f.counts.records_out;
            t.records_changed += f.counts.changed;
            t.records_dropped += f.counts.dropped;
            for c in f
                .changes
                .iter()
                .filter(|c| c.action == ChangeKind::Replaced)
            {
                t.values_replaced += 1;
                if let Some(cat) = c.category {
                    *t.by_category.entry(cat).or_default() += 1;
                }
            }
        }
        RedactionLog {
            tool: "gdpr-audit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            asked,
            totals: t,
            files,
            proof: Proof::default(),
            kept: Vec::new(),
            complete: false,
        }
    }

    pub fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(io::Error::other)?;
        writeln!(w)
    }

    /// The Markdown summary: counts, what the proof found, and every problem; the
    /// change-by-change list is in the JSON log.
    pub fn write_markdown(&self, w: &mut dyn Write, lang: Lang) -> io::Result<()> {
        let sv = lang == Lang::Sv;
        let t = &self.totals;
        let title = crate::source::own_output::REDACTION_TITLES[usize::from(sv)];
        writeln!(w, "{title}\n")?;
        let verdict = match (self.asked.dry_run, self.complete) {
            (true, _) => {
                if sv {
                    "Provkörning: inga kopior skrevs."
                } else {
                    "Dry run: no copies were written."
                }
            }
            (false, true) => {
                if sv {
                    "Alla kopior skrevs och den nya skanningen hittade inget av det som skulle tas bort."
                } else {
                    "Every copy was written, and scanning the copies found nothing of what was to be removed."
                }
            }
            (false, false) => {
                if sv {
                    "**Ofullständig**: se problemen nedan."
                } else {
                    "**Incomplete**: see the problems below."
                }
            }
        };
        writeln!(w, "{verdict}\n")?;
        let cell = |s: &str| crate::output::defuse_cell(s).replace('|', "\\|");
        writeln!(
            w,
            "| {} | {} |\n|---|---:|",
            if sv { "Vad" } else { "What" },
            if sv { "Antal" } else { "Count" }
        )?;
        let rows: [(&str, &str, u64); 6] = [
            ("files written", "filer skrivna", t.files_written),
            ("records read", "poster lästa", t.records_in),
            ("records written", "poster skrivna", t.records_out),
            ("records changed", "poster ändrade", t.records_changed),
            ("records dropped", "poster borttagna", t.records_dropped),
            ("values replaced", "värden ersatta", t.values_replaced),
        ];
        for (en, s, n) in rows {
            writeln!(w, "| {} | {n} |", if sv { s } else { en })?;
        }
        if !t.by_category.is_empty() {
            writeln!(
                w,
                "\n## {}\n",
                if sv { "Per kategori" } else { "By category" }
            )?;
            for (c, n) in &t.by_category {
                writeln!(w, "- {}: {n}", crate::i18n::category_name(lang, *c))?;
            }
        }
        writeln!(w, "\n## {}\n", if sv { "Filer" } else { "Files" })?;
        writeln!(
            w,
            "| {} | in | out | {} | {} |\n|---|---:|---:|---:|---:|",
            if sv { "Kopia" } else { "Copy" },
            if sv { "ändrade" } else { "changed" },
            if sv { "borttagna" } else { "dropped" }
        )?;
        for f in &self.files {
            let c = &f.counts;
            writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                cell(&f.output),
                c.records_in,
                c.records_out,
                c.changed,
                c.dropped
            )?;
        }
        let problems: Vec<String> = self
            .files
            .iter()
            .flat_map(|f| f.errors.iter().map(move |e| format!("{}: {e}", f.output)))
            .chain(self.proof.count_mismatches.iter().cloned())
            .chain(self.proof.errors.iter().cloned())
            .chain(self.proof.remaining.iter().map(|r| {
                format!(
                    "{}: record {}, {}: {} ({}) still found",
                    r.path, r.record, r.field, r.masked, r.rule
                )
            }))
            .collect();
        if !problems.is_empty() {
            writeln!(w, "\n## {}\n", if sv { "Problem" } else { "Problems" })?;
            for p in problems {
                writeln!(w, "- {}", cell(&p))?;
            }
        }
        if !self.kept.is_empty() {
            writeln!(
                w,
                "\n## {}\n",
                if sv {
                    "Kvar enligt planen"
                } else {
                    "Kept as the plan says"
                }
            )?;
            for k in &self.kept {
                let why = k.reason.as_deref().unwrap_or("");
                writeln!(
                    w,
                    "- {} {}: {} {}",
                    cell(&k.path),
                    k.record,
                    k.action,
                    cell(why)
                )?;
            }
        }
        let notes: Vec<String> = self
            .files
            .iter()
            .flat_map(|f| f.notes.iter().map(move |n| format!("{}: {n}", f.output)))
            .collect();
        if !notes.is_empty() {
            writeln!(w, "\n## {}\n", if sv { "Att veta" } else { "Notes" })?;
            for n in notes {
                writeln!(w, "- {}", cell(&n))?;
            }
        }
        Ok(())
    }
}
