//! Policy violations as to-do items, scored like the findings' items.

use super::{Catalog, Violation, most_sensitive};
use crate::audit::Report;
use crate::audit::{TodoItem, Wording};
use crate::i18n::Lang;
use crate::model::{Category, ViolationKind};
use crate::source::SourceKind;
use crate::todo;

/// Every violation as a to-do item, scored like the findings' items (see
/// [`crate::todo`]): weight of the category concerned × exposure 1.0 (the data sits
/// where it is kept) × volume × confidence (1.0; 0.5 for unreadable dates, which
/// may or may not be expired) × age (1.5 for records kept past their retention
/// period). The category: for `undeclared_personal_data` and
/// `special_category_without_basis` the field's most sensitive one; for
/// `marketing_without_consent` the most sensitive contact channel in the source
/// (e-mail, phone, postal address, name: what marketing uses); otherwise the
/// source's most sensitive one (everything in an expired record goes with it).
pub fn violations_to_todo(violations: &[Violation], report: &Report, lang: Lang) -> Vec<TodoItem> {
    let catalog = Catalog::new(report);
    let mut items: Vec<TodoItem> = violations
        .iter()
        .map(|v| todo_item(v, &catalog, lang))
        .collect();
    todo::sort_items(&mut items);
    items
}

fn violation_category(v: &Violation, c: &Catalog) -> Category {
    let source = c.worst(&v.path, None);
    let in_source = |keep: fn(&Category) -> bool| {
        most_sensitive(c.categories.get(&v.path)?.keys().copied().filter(keep))
    };
    match v.kind {
        ViolationKind::UndeclaredPersonalData => c.worst(&v.path, Some(&v.field)).or(source),
        ViolationKind::MarketingWithoutConsent => {
            use Category::*;
            in_source(|c| matches!(c, Email | Phone | PostalAddress | PersonName)).or(source)
        }
        ViolationKind::SpecialCategoryWithoutBasis => {
            let special = |key: Option<&str>| {
                let cats = match key {
                    None => c.categories.get(&v.path),
                    Some(f) => c.fields.get(&(v.path.clone(), f.to_string())),
                };
                most_sensitive(cats?.keys().copied().filter(|c| c.is_special()))
            };
            special(Some(&v.field))
                .or_else(|| special(None))
                .or(Some(Category::Health))
        }
        _ => source,
    }
    .unwrap_or(Category::PersonName)
}

pub fn todo_item(v: &Violation, c: &Catalog, lang: Lang) -> TodoItem {
    let action = v.kind.action();
    let category = violation_category(v, c);
    let weight = todo::category_weight(category);
    let exposure = 1.0;
    let affected = if v.records.is_empty() {
        v.count
    } else {
        v.records.len() as u64
    }
    .max(1);
    let (confidence, age) = (v.kind.confidence(), v.kind.age());
    let s = todo::score(weight, exposure, affected, confidence, age);
    let mail = c.is_mail(&v.path);
    let mut records: Vec<u64> = if c.kind(&v.path) == Some(SourceKind::Maildir) {
        Vec::new()
    } else {
        v.rows.clone()
    };
    records.sort_unstable();
    records.dedup();
    let mut messages: Vec<String> = if mail {
        v.records
            .iter()
            .zip(&v.rows)
            .filter(|(id, n)| **id != n.to_string())
            .map(|(id, _)| id.clone())
            .collect()
    } else {
        Vec::new()
    };
    messages.sort();
    messages.dedup();
    TodoItem {
        id: item_key(v, category),
        priority: s.priority,
        score: s.score,
        action,
        category,
        article: v.article.clone(),
        path: v.path.clone(),
        field: v.field.clone(),
        count: v.count,
        records: records.into(),
        messages,
        factors: s.factors,
        violation: Some(v.kind),
        wording: Wording::Violation {
            lang,
            affected,
            volume: s.volume,
        },
    }
}

/// The item id: [`todo::item_id`] over the field and the violation kind, so two
/// kinds on one field never share an id.
fn item_key(v: &Violation, category: Category) -> String {
    let field = format!("{}#{}", v.field, v.kind.as_str());
    todo::item_id(v.kind.action(), category, &v.path, &field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violation_items_are_relabelled_in_the_new_language() {
        let v = crate::audit::Violation {
            kind: crate::model::ViolationKind::RetentionExpired,
            path: "crm/kunder.csv".into(),
            field: "senaste_köp".into(),
            records: vec!["1".into(), "2".into()],
            rows: vec![1, 2],
            count: 2,
            article: "Art. 5(1)(e)".into(),
            message: String::new(),
        };
        let mut report = Report::assemble(vec![], vec![], vec![]);
        report.violations = vec![v];
        let mut items = violations_to_todo(&report.violations, &report, Lang::En);
        let english = items[0].title().into_owned();
        crate::todo::relabel(&mut items, Lang::Sv, &[]);
        assert_ne!(items[0].title(), english);
        let swedish = violations_to_todo(&report.violations, &report, Lang::Sv);
        assert_eq!(items[0].title(), swedish[0].title());
        assert_eq!(items[0].why(), swedish[0].why());
    }
}
