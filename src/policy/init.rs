//! `gdpr-audit init`: a draft `gdpr-audit.yaml` from a scan — every source with the
//! fields that hold personal data and their categories, and `TODO` placeholders for
//! what only a person can say (purpose, lawful basis, retention). The draft loads
//! as it is, so the next scan already checks it and reports every `TODO` it still
//! holds: it is the first version of a record of processing activities (Art. 30).

use super::{Catalog, group_field, most_sensitive};
use crate::finding::InventoryKind;
use crate::report::Report;
use crate::source::display_path;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// How a field will be declared, and what the comment says about it.
struct Field {
    decl: String,
    note: String,
}

/// The draft config text for `report` (deterministic). Paths are made relative to
/// the scanned root they came from, keeping the root's own name
/// (`scan corpus/crm` → `crm/contacts.csv`), and escaped as globs.
pub fn draft_config(report: &Report, roots: &[PathBuf]) -> String {
    let catalog = Catalog::new(report);
    let roots: Vec<String> = roots.iter().map(|r| display_path(r)).collect();
    let mut fields: BTreeMap<&str, BTreeMap<String, Field>> = BTreeMap::new();
    for e in &report.inventory {
        let cats: Vec<_> = e
            .categories
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| (*c, *n))
            .collect();
        let src = catalog.owner(&e.path);
        let decl = match e.kind {
            InventoryKind::Attachment => {
                // Listed, not scanned: declared as free text so they are on record.
                fields
                    .entry(src)
                    .or_default()
                    .entry("attachment".into())
                    .or_insert(Field {
                        decl: "free_text".into(),
                        note: "attachments (listed, not all scanned)".into(),
                    });
                continue;
            }
            _ if cats.is_empty() => continue,
            InventoryKind::FreeText => "free_text".to_string(),
            // The category most values belong to; ties go to the more sensitive.
            InventoryKind::Structured => {
                let top = cats.iter().map(|c| c.1).max().unwrap_or(0);
                most_sensitive(cats.iter().filter(|c| c.1 == top).map(|c| c.0))
                    .map_or("free_text".into(), |c| c.as_str().to_string())
            }
        };
        let list: Vec<String> = cats.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let note = format!("{} values: {}", e.values, list.join(", "));
        fields
            .entry(src)
            .or_default()
            .insert(e.field.clone(), Field { decl, note });
    }
    let mut found: BTreeMap<(&str, String), BTreeMap<&str, u64>> = BTreeMap::new();
    for f in &report.findings {
        let key = (catalog.owner(&f.path), group_field(&f.location));
        *found
            .entry(key)
            .or_default()
            .entry(f.category.as_str())
            .or_default() += 1;
    }
    for ((src, field), cats) in found {
        let list: Vec<String> = cats.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let entry = fields
            .entry(src)
            .or_default()
            .entry(field)
            .or_insert(Field {
                decl: "free_text".into(),
                note: String::new(),
            });
        if entry.note.is_empty() {
            entry.note = format!("findings: {}", list.join(", "));
        } else {
            entry
                .note
                .push_str(&format!("; findings: {}", list.join(", ")));
        }
    }

    let mut out = String::new();
    out.push_str(HEADER);
    if !roots.is_empty() {
        let _ = writeln!(out, "# Scanned: {}", roots.join(", "));
    }
    out.push_str("\nsources:\n");
    if catalog.sources.is_empty() {
        out.push_str("  []\n");
    }
    for src in &catalog.sources {
        let kind = catalog.kind(src).unwrap_or("file");
        let mail = catalog.is_mail(src);
        let summary = report.summary.sources.iter().find(|s| &s.path == src);
        let size = match summary {
            Some(s) if mail => format!("{} messages", s.messages),
            Some(s) => format!("{} records", s.records),
            None => String::new(),
        };
        let glob = globset::escape(&relative(src, &roots));
        let _ = writeln!(out, "\n  # {src}: {kind}, {size}");
        let _ = writeln!(out, "  - path: {}", quote(&glob));
        out.push_str("    purpose: \"TODO: why do you hold this data?\"\n");
        out.push_str(
            "    lawful_basis: TODO   # consent | contract | legal_obligation | vital_interests | public_task | legitimate_interests (+ balancing_test)\n",
        );
        if !mail {
            out.push_str("    # id_field: id       # the column that names a record in your CRM (used in exported action lists)\n");
        }
        match fields.get(src.as_str()) {
            Some(f) if !f.is_empty() => {
                out.push_str("    fields:\n");
                for (name, field) in f {
                    let _ = writeln!(
                        out,
                        "      {}: {}   # {}",
                        quote(name),
                        field.decl,
                        field.note
                    );
                }
            }
            _ => out.push_str("    # fields: {}         # no personal data found in this scan\n"),
        }
        if mail {
            out.push_str(
                "    retention: {keep_for: TODO}   # by the Date header, e.g. {keep_for: 36 months}\n",
            );
        } else {
            out.push_str(
                "    retention: {keep_for: TODO}   # e.g. {date_field: last_purchase_date, keep_for: 24 months}\n",
            );
            out.push_str("    # marketing: {opt_in_field: marketing_opt_in, consent_date_field: consent_date}\n");
        }
        if let Some(special) = catalog.categories.get(src).map(|c| {
            c.keys()
                .filter(|c| c.is_special())
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
        }) && !special.is_empty()
        {
            let _ = writeln!(
                out,
                "    special_categories_basis: TODO   # found: {}; an Art. 9(2) ground, e.g. \"9(2)(a) explicit consent\"",
                special.join(", ")
            );
        }
    }
    out
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

/// A double-quoted YAML scalar (JSON string syntax is valid YAML).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Location};
    use crate::policy::tests::{csv_loc, finding, inv, report_with};
    use crate::policy::{Config, ViolationKind, source_violations};

    fn sample() -> Report {
        let c = "/tmp/x/corpus/crm/contacts.csv";
        let m = "/tmp/x/corpus/mail/maildir";
        report_with(
            &[
                (c, "csv", 20),
                ("/tmp/x/corpus/crm/deals.csv", "csv", 5),
                (m, "maildir", 2),
            ],
            vec![
                inv(
                    c,
                    "email",
                    InventoryKind::Structured,
                    &[(Category::Email, 18), (Category::Phone, 1)],
                ),
                inv(
                    c,
                    "personnummer",
                    InventoryKind::Structured,
                    &[(Category::NationalId, 17)],
                ),
                inv(
                    c,
                    "notes",
                    InventoryKind::FreeText,
                    &[(Category::Health, 2)],
                ),
                inv(
                    m,
                    "header:from",
                    InventoryKind::Structured,
                    &[(Category::Email, 2), (Category::PersonName, 2)],
                ),
            ],
            vec![
                finding(c, csv_loc(3, "notes"), Category::Health),
                finding(c, csv_loc(4, "company"), Category::NationalId),
                finding(
                    "/tmp/x/corpus/mail/maildir/cur/1:2,S",
                    Location::Email {
                        message: 1,
                        message_id: Some("<m1@x>".into()),
                        part: "attachment:kund lista.csv".into(),
                        line: 1,
                        start: 0,
                        end: 3,
                    },
                    Category::Phone,
                ),
            ],
        )
    }

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
    fn the_draft_loads_nags_and_declares_every_field() {
        let report = sample();
        let text = draft_config(&report, &[PathBuf::from("/tmp/x/corpus")]);
        assert_eq!(
            text,
            draft_config(&report, &[PathBuf::from("/tmp/x/corpus")])
        );
        assert!(text.contains("Art. 30"));
        assert!(
            text.contains("- path: \"corpus/crm/contacts.csv\""),
            "{text}"
        );
        assert!(text.contains("\"email\": email"), "{text}");
        assert!(text.contains("\"personnummer\": national_id"), "{text}");
        assert!(text.contains("\"notes\": free_text"), "{text}");
        assert!(text.contains("\"company\": free_text"), "{text}");
        assert!(text.contains("\"attachment\": free_text"), "{text}");
        assert!(text.contains("\"header:from\": email"), "{text}");
        let config = Config::from_str(&text, "gdpr-audit.yaml").expect("the draft loads");
        assert_eq!(config.sources.len(), 3);
        let v = source_violations(&config, &report);
        assert!(
            v.iter()
                .all(|v| v.kind != ViolationKind::UndeclaredPersonalData),
            "{v:#?}"
        );
        // TODO placeholders nag: no lawful basis where there is personal data.
        let no_basis: Vec<&str> = v
            .iter()
            .filter(|v| v.kind == ViolationKind::NoLawfulBasis)
            .map(|v| v.path.as_str())
            .collect();
        assert_eq!(
            no_basis,
            [
                "/tmp/x/corpus/crm/contacts.csv",
                "/tmp/x/corpus/mail/maildir"
            ]
        );
        assert!(
            v.iter()
                .any(|v| v.kind == ViolationKind::SpecialCategoryWithoutBasis)
        );
    }

    #[test]
    fn glob_characters_in_names_are_escaped() {
        let report = report_with(&[("d/we[ird]*.csv", "csv", 1)], Vec::new(), Vec::new());
        let text = draft_config(&report, &[PathBuf::from("d")]);
        let config = Config::from_str(&text, "x.yaml").unwrap();
        assert!(config.source_for("d/we[ird]*.csv").is_some());
        assert!(config.source_for("d/weird.csv").is_none());
    }
}
