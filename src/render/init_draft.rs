//! `gdpr-audit init`: a draft `gdpr-audit.yaml` from a scan — every source with the
//! fields that hold personal data and their categories, and `TODO` placeholders for
//! what only a person can say (purpose, lawful basis, retention). The draft loads
//! as it is, so the next scan already checks it and reports every `TODO` it still
//! holds: it is the first version of a record of processing activities (Art. 30).

use crate::audit::Report;
use crate::model::{Category, InventoryKind};
use crate::policy::{Catalog, most_sensitive};
use crate::source::{SourceKind, display_path};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

/// What the scan saw in one field of one draft entry.
#[derive(Default)]
struct FieldDraft {
    /// Inventory values per category of a structured field.
    structured: BTreeMap<Category, u64>,
    /// Inventory of a free-text field per category (exact, like the findings).
    free: BTreeMap<Category, u64>,
    /// Findings per category (stored ones; counts may be capped).
    found: BTreeMap<Category, u64>,
    attachment: bool,
}

/// One `sources:` entry of the draft: a file, a Maildir folder, or all the `.eml`
/// files of one directory (`eml/*.eml`).
struct Entry<'a> {
    glob: String,
    sources: Vec<&'a str>,
    fields: BTreeMap<String, FieldDraft>,
}

/// The draft config text for `report` (deterministic). Paths are made relative to
/// the scanned root they came from, keeping the root's own name
/// (`scan corpus/crm` → `crm/contacts.csv`), and escaped as globs; `.eml` files
/// that share a directory share one entry. Every field with personal data is
/// declared (structured fields by their main category, others `free_text`), so a
/// scan with the draft reports no `undeclared_personal_data` for them.
pub fn draft_config(report: &Report, roots: &[PathBuf]) -> String {
    let catalog = Catalog::new(report);
    let roots: Vec<String> = roots.iter().map(|r| display_path(r)).collect();
    let mut entries: Vec<Entry> = Vec::new();
    let mut entry_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut eml_dirs: BTreeMap<&str, usize> = BTreeMap::new();
    for src in &catalog.sources {
        let dir = src.rsplit_once('/').map_or("", |d| d.0);
        let eml = catalog.kind(src) == Some(SourceKind::Eml) && src.ends_with(".eml");
        if eml && let Some(&i) = eml_dirs.get(dir) {
            entries[i].sources.push(src);
            entry_of.insert(src, i);
            continue;
        }
        let glob = match eml {
            true => format!("{}/*.eml", globset::escape(&relative(dir, &roots))),
            false => globset::escape(&relative(src, &roots)),
        };
        if eml {
            eml_dirs.insert(dir, entries.len());
        }
        entry_of.insert(src, entries.len());
        entries.push(Entry {
            glob: glob.trim_start_matches('/').to_string(),
            sources: vec![src],
            fields: BTreeMap::new(),
        });
    }
    for e in &report.inventory {
        let Some(&i) = entry_of.get(catalog.owner(&e.path)) else {
            continue;
        };
        let name = match e.kind {
            InventoryKind::Attachment => "attachment".to_string(),
            _ => e.field.clone(),
        };
        let f = entries[i].fields.entry(name).or_default();
        match e.kind {
            InventoryKind::Attachment => f.attachment = true,
            InventoryKind::Structured => add(&mut f.structured, &e.categories),
            InventoryKind::FreeText => add(&mut f.free, &e.categories),
        }
    }
    for x in &report.findings {
        let Some(&i) = entry_of.get(catalog.owner(&x.path)) else {
            continue;
        };
        let f = entries[i]
            .fields
            .entry(x.location.group_field().to_string())
            .or_default();
        *f.found.entry(x.category).or_default() += 1;
    }
    // Comments carry no input text (a file name can hold a newline and YAML);
    // every name and path is a quoted scalar from the YAML emitter.
    let mut out = String::from(HEADER);
    if !roots.is_empty() {
        let _ = writeln!(
            out,
            "# Scanned: {} command-line path(s); each source below names its file.",
            roots.len()
        );
    }
    out.push_str("\nsources:\n");
    if entries.is_empty() {
        out.push_str("  []\n");
    }
    for e in &entries {
        write_entry(&mut out, e, &catalog, report);
    }
    out
}

fn add(to: &mut BTreeMap<Category, u64>, from: &BTreeMap<Category, u64>) {
    for (c, n) in from.iter().filter(|(_, n)| **n > 0) {
        *to.entry(*c).or_default() += n;
    }
}

fn counts(cats: &BTreeMap<Category, u64>) -> String {
    let list: Vec<String> = cats.iter().map(|(c, n)| format!("{c} {n}")).collect();
    list.join(", ")
}

// Over 80 lines: writes one YAML entry key by key in the order the README documents.
fn write_entry(out: &mut String, e: &Entry, catalog: &Catalog, report: &Report) {
    let mail = e.sources.iter().any(|s| catalog.is_mail(s));
    let (mut records, mut messages) = (0, 0);
    for s in report
        .summary
        .sources
        .iter()
        .filter(|s| e.sources.contains(&s.path.as_str()))
    {
        records += s.records;
        messages += s.messages;
    }
    let what = match (e.sources.as_slice(), mail) {
        ([_], false) => format!("{records} records"),
        ([_], true) => format!("{messages} messages"),
        (many, _) => format!("{} files, {messages} messages", many.len()),
    };
    let _ = writeln!(out, "\n  # {what}");
    let _ = writeln!(out, "  - path: {}", quote(&e.glob));
    out.push_str("    purpose: \"TODO: why do you hold this data?\"\n");
    out.push_str("    lawful_basis: TODO   # consent | contract | legal_obligation | vital_interests | public_task | legitimate_interests (+ balancing_test)\n");
    if !mail {
        out.push_str("    # id_field: id       # the column that names a record in your CRM (used in exported action lists)\n");
    }
    let declared: Vec<_> = e
        .fields
        .iter()
        .filter(|(_, f)| {
            f.attachment || !f.structured.is_empty() || !f.free.is_empty() || !f.found.is_empty()
        })
        .collect();
    if declared.is_empty() {
        out.push_str("    # fields: {}         # no personal data found in this scan\n");
    } else {
        out.push_str("    fields:\n");
    }
    for (name, f) in declared {
        // Structured: the category most values belong to (ties: the more sensitive).
        let top = f.structured.values().max().copied().unwrap_or(0);
        let decl = most_sensitive(f.structured.iter().filter(|c| *c.1 == top).map(|c| *c.0))
            .filter(|_| top > 0)
            .map_or("free_text", |c| c.as_str());
        let mut note = Vec::new();
        if !f.structured.is_empty() {
            note.push(format!("values: {}", counts(&f.structured)));
        }
        let mut found = f.free.clone();
        for (c, n) in &f.found {
            let m = found.entry(*c).or_default();
            *m = (*m).max(*n);
        }
        if !found.is_empty() {
            note.push(format!("findings: {}", counts(&found)));
        }
        if f.attachment {
            note.push("attachments (not all scanned)".into());
        }
        let _ = writeln!(out, "      {}: {decl}   # {}", quote(name), note.join("; "));
    }
    if mail {
        out.push_str(
            "    retention: {keep_for: TODO}   # by the Date header, e.g. {keep_for: 36 months}\n",
        );
    } else {
        out.push_str("    retention: {keep_for: TODO}   # e.g. {date_field: last_purchase_date, keep_for: 24 months}\n");
        out.push_str(
            "    # marketing: {opt_in_field: marketing_opt_in, consent_date_field: consent_date}\n",
        );
    }
    let special: BTreeSet<&str> = e
        .sources
        .iter()
        .filter_map(|s| catalog.categories.get(*s))
        .flat_map(|c| c.keys().filter(|c| c.is_special()).map(|c| c.as_str()))
        .collect();
    if !special.is_empty() {
        let list: Vec<&str> = special.into_iter().collect();
        let _ = writeln!(
            out,
            "    special_categories_basis: TODO   # found: {}; an Art. 9(2) ground, e.g. \"9(2)(a) explicit consent\"",
            list.join(", ")
        );
    }
}

const HEADER: &str = "\
# gdpr-audit.yaml: policy for gdpr-audit, written by `gdpr-audit init`.
#
# This is the first version of your RECORD OF PROCESSING ACTIVITIES (GDPR Art. 30):
# every source that was scanned, the fields that hold personal data and the
# categories found in them. Complete it, keep it with your documentation, and keep
# it up to date: every scan compares the data with it.
#
# Replace every TODO. Until then the scan reports them: a TODO purpose or lawful
# basis is a `no_lawful_basis` violation, a TODO retention period is not checked,
# a TODO special_categories_basis is a `special_category_without_basis` violation.
#
# Keys per source: path (glob, matched against the end of the scanned path),
# purpose, lawful_basis, balancing_test (required with legitimate_interests),
# fields (column -> category, free_text or not_personal), id_field,
# retention {date_field, keep_for}, marketing {opt_in_field, opt_in_values,
# consent_date_field, list_field, list_values}, special_categories_basis.
# Counts in comments are numbers of values, never the values themselves.
";

/// A quoted YAML scalar, from the YAML emitter (never concatenated by hand).
fn quote(s: &str) -> String {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.quote_all = true;
    match serde_saphyr::to_string_with_options(&s, options) {
        Ok(y) => y.trim_end_matches('\n').to_string(),
        // A string always serializes; if it ever did not, a JSON string is YAML too.
        Err(_) => serde_json::to_string(s).unwrap_or_default(),
    }
}

/// `src` relative to the root it came from, keeping the root's last component.
fn relative(src: &str, roots: &[String]) -> String {
    let best = roots
        .iter()
        .map(|r| r.trim_end_matches('/'))
        .filter(|r| {
            r.is_empty()
                || *r == "."
                || src == *r
                || (src.starts_with(*r) && src.as_bytes().get(r.len()) == Some(&b'/'))
        })
        .max_by_key(|r| r.len());
    let Some(root) = best else {
        return src.trim_start_matches('/').to_string();
    };
    if root.is_empty() || root == "." {
        return src.trim_start_matches("./").to_string();
    }
    let name = root.rsplit('/').next().unwrap_or(root);
    let rest = src[root.len()..].trim_start_matches('/');
    let named = !matches!(name, "" | "." | "..");
    match (named, rest.is_empty()) {
        (true, true) => name.to_string(),
        (true, false) => format!("{name}/{rest}"),
        (false, true) => src.rsplit('/').next().unwrap_or(src).to_string(),
        (false, false) => rest.to_string(),
    }
}

/// What a source holds, gathered from the report.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ViolationKind;
    use crate::policy::tests::{inv, report_with};
    use crate::policy::{Config, source_violations};

    #[test]
    fn paths_are_relative_to_their_root_and_keep_its_name() {
        let roots = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            relative("corpus/crm/contacts.csv", &roots(&["corpus/crm"])),
            "crm/contacts.csv"
        );
        assert_eq!(
            relative("corpus/crm/contacts.csv", &roots(&["corpus/crm/"])),
            "crm/contacts.csv"
        );
        assert_eq!(
            relative("crm/contacts.csv", &roots(&["."])),
            "crm/contacts.csv"
        );
        assert_eq!(
            relative("corpus/crm/a.csv", &roots(&["corpus/crm/a.csv"])),
            "a.csv"
        );
        assert_eq!(relative("../crm/a.csv", &roots(&[".."])), "crm/a.csv");
        assert_eq!(relative("/abs/x.csv", &roots(&["other"])), "abs/x.csv");
    }

    #[test]
    fn glob_characters_in_names_are_escaped() {
        let report = report_with(
            &[("d/we[ird]*.csv", SourceKind::Csv, 1)],
            Vec::new(),
            Vec::new(),
        );
        let text = draft_config(&report, &[PathBuf::from("d")]);
        let config = Config::from_str(&text, "x.yaml").unwrap();
        assert!(config.source_for("d/we[ird]*.csv").is_some());
        assert!(config.source_for("d/weird.csv").is_none());
    }

    #[test]
    fn eml_files_of_one_directory_share_an_entry() {
        let report = report_with(
            &[
                ("m/eml/a.eml", SourceKind::Eml, 1),
                ("m/eml/b.eml", SourceKind::Eml, 1),
                ("m/x.mbox", SourceKind::Mbox, 3),
            ],
            vec![
                inv(
                    "m/eml/a.eml",
                    "header:from",
                    InventoryKind::Structured,
                    &[(Category::Email, 1)],
                ),
                inv(
                    "m/eml/b.eml",
                    "header:to",
                    InventoryKind::Structured,
                    &[(Category::Email, 1)],
                ),
            ],
            Vec::new(),
        );
        let text = draft_config(&report, &[PathBuf::from("m")]);
        assert!(text.contains("- path: 'm/eml/*.eml'"), "{text}");
        assert!(text.contains("# 2 files, 2 messages"), "{text}");
        let config = Config::from_str(&text, "x.yaml").unwrap();
        assert_eq!(config.sources.len(), 2);
        let v = source_violations(&config, &report);
        assert!(
            v.iter().all(|v| v.kind == ViolationKind::NoLawfulBasis),
            "{v:#?}"
        );
    }
}
