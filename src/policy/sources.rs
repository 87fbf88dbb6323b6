//! Violations about whole sources and their fields, computed after the scan from the
//! audit: no lawful basis, undeclared personal data, special categories without a basis.

use super::{Catalog, Config, FieldDecl, Violation, ViolationKind};
use crate::audit::Report;
use crate::model::Location;
use std::collections::{BTreeMap, BTreeSet};
#[derive(Default)]
struct FieldFacts {
    /// Values (inventory) or findings in the field.
    values: u64,
    special: BTreeSet<crate::model::Category>,
    special_findings: u64,
    special_records: BTreeSet<(u64, String)>,
}

// Over 80 lines: one pass over the audit that gathers per-field facts, then the three per-source checks in the order the README lists them.
/// Violations about whole sources and their fields, computed after the scan:
/// `no_lawful_basis` (personal data but no matching entry, or one whose purpose or
/// lawful basis is missing or TODO), `undeclared_personal_data` (a field with
/// personal data not declared under `fields`, or declared `not_personal`; for mail
/// only when the entry has a `fields` key, since mail has no columns by default;
/// sources without an entry get only `no_lawful_basis`), and
/// `special_category_without_basis` (special-category findings, per field, in a
/// source without `special_categories_basis`). Maildir message files count under
/// their folder.
pub fn source_violations(config: &Config, report: &Report) -> Vec<Violation> {
    let catalog = Catalog::new(report);
    let mut facts: BTreeMap<String, BTreeMap<String, FieldFacts>> = BTreeMap::new();
    for e in &report.inventory {
        if e.categories.values().any(|&n| n > 0)
            && e.kind != crate::model::InventoryKind::Attachment
        {
            let f = facts
                .entry(catalog.owner(&e.path).to_string())
                .or_default()
                .entry(e.field.clone())
                .or_default();
            f.values += e.values.max(1);
        }
    }
    for x in &report.findings {
        let src = catalog.owner(&x.path).to_string();
        let f = facts
            .entry(src.clone())
            .or_default()
            .entry(x.location.group_field().to_string())
            .or_default();
        f.values += 1;
        if x.category.is_special() {
            f.special.insert(x.category);
            f.special_findings += 1;
            let id = match &x.location {
                Location::Email {
                    message_id: Some(id),
                    ..
                } => id.clone(),
                Location::Email { .. } if src != x.path => {
                    x.path.rsplit('/').next().unwrap_or(&x.path).to_string()
                }
                loc => loc.record().to_string(),
            };
            f.special_records.insert((x.location.record(), id));
        }
    }
    let records_of = |src: &str| {
        report
            .summary
            .sources
            .iter()
            .find(|s| s.path == src)
            .map_or(0, |s| s.records + s.messages)
    };
    let mut out = Vec::new();
    for src in &catalog.sources {
        let Some(fields) = facts.get(src.as_str()) else {
            continue;
        };
        let policy = config.source_for(src);
        let cats: Vec<&str> = catalog
            .categories
            .get(src)
            .map_or(Vec::new(), |c| c.keys().map(|c| c.as_str()).collect());
        let missing: Vec<&str> = match policy {
            None => vec![],
            Some(p) => [
                ("purpose", p.purpose.is_none()),
                ("lawful_basis", p.lawful_basis.is_none()),
            ]
            .into_iter()
            .filter(|x| x.1)
            .map(|x| x.0)
            .chain(
                p.placeholders
                    .iter()
                    .filter(|k| *k == "balancing_test")
                    .map(|_| "balancing_test"),
            )
            .collect(),
        };
        if policy.is_none() || !missing.is_empty() {
            let why = match policy {
                None => format!(
                    "no entry under `sources:` in {} matches this source",
                    config.name
                ),
                Some(p) => format!(
                    "{} has no {} (missing or TODO)",
                    p.label(),
                    missing.join(", ")
                ),
            };
            out.push(Violation {
                kind: ViolationKind::NoLawfulBasis,
                path: src.clone(),
                field: String::new(),
                records: Vec::new(),
                rows: Vec::new(),
                count: records_of(src),
                article: "Art. 6, 30".into(),
                message: format!(
                    "The source holds personal data ({}) but {why}: declare its purpose and lawful basis.",
                    cats.join(", ")
                ),
            });
        }
        for (field, f) in fields {
            if let Some(p) = policy {
                let decl = p.field_decl(field);
                let check = p.fields.is_some() || !catalog.is_mail(src);
                if check && matches!(decl, None | Some(FieldDecl::NotPersonal)) {
                    let fcats: Vec<&str> = catalog
                        .fields
                        .get(&(src.clone(), field.clone()))
                        .map_or(Vec::new(), |c| c.keys().map(|c| c.as_str()).collect());
                    let how = if decl.is_some() {
                        "is declared `not_personal`"
                    } else {
                        "is not declared under `fields`"
                    };
                    out.push(Violation {
                        kind: ViolationKind::UndeclaredPersonalData,
                        path: src.clone(),
                        field: field.clone(),
                        records: Vec::new(),
                        rows: Vec::new(),
                        count: f.values,
                        article: "Art. 5(1)(c), 30".into(),
                        message: format!(
                            "`{field}` holds personal data ({}; {} values or findings) but {how} in {} of {}.",
                            fcats.join(", "),
                            f.values,
                            p.label(),
                            config.name
                        ),
                    });
                }
            }
            if !f.special.is_empty() && policy.is_none_or(|p| p.special_categories_basis.is_none())
            {
                let names: Vec<&str> = f.special.iter().map(|c| c.as_str()).collect();
                let criminal = f.special.contains(&crate::model::Category::Criminal);
                let (rows, records) = f.special_records.iter().cloned().unzip();
                out.push(Violation {
                    kind: ViolationKind::SpecialCategoryWithoutBasis,
                    path: src.clone(),
                    field: field.clone(),
                    records,
                    rows,
                    count: f.special_findings,
                    article: if criminal { "Art. 9, 10" } else { "Art. 9" }.into(),
                    message: format!(
                        "{} findings of special categories ({}) in `{field}` but no `special_categories_basis` (an Art. 9(2) ground{}) for this source.",
                        f.special_findings,
                        names.join(", "),
                        if criminal { "; Art. 10 for criminal-offence data" } else { "" }
                    ),
                });
            }
        }
    }
    out
}
