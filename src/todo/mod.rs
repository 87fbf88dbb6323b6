//! The prioritizer: findings grouped into actions a person can take — one item per
//! (action, category, source, field) — and scored so anyone can check the order:
//!
//! `score = category weight × exposure × volume × confidence × age`
//!
//! * category weight: special categories and criminal data 10; national ids, cards
//!   and credentials 8; bank accounts and dates of birth 6; contact data 3; IP 1;
//! * exposure: 1.5 in free text (notes, mail, attachments), 1.2 for data in the wrong
//!   structured column, 1.0 otherwise;
//! * volume: 1 + log10(records affected);
//! * confidence: the mean confidence of the matches;
//! * age: 1.0; 1.5 for records kept past their retention period (policy violations).
//!
//! P1 ≥ 18 (fix this week), P2 ≥ 9, P3 ≥ 4, else P4 (housekeeping): [`Priority`].
//! The formula is written once, in [`score`]; items made from policy violations
//! (`policy::todo_items`) use it too, with exposure 1.0.

use crate::audit::{FindingGroups, Report, ScoreFactors, TodoItem, Wording};
use crate::i18n::Lang;
use crate::model::{Action, Category, Priority};
use crate::rules::RuleSet;

pub fn category_weight(c: Category) -> f64 {
    use Category::*;
    match c {
        Health | Religion | Ethnicity | Political | TradeUnion | SexLife | Biometric | Genetic
        | Criminal => 10.0,
        NationalId | PaymentCard | Credential => 8.0,
        BankAccount | DateOfBirth => 6.0,
        Email | Phone | PostalAddress | PersonName => 3.0,
        IpAddress => 1.0,
    }
}

/// A to-do item's score: `weight × exposure × volume × confidence × age` with
/// volume = 1 + log10(records affected), rounded to one decimal; its priority; and
/// the factors as the report gives them (volume to three decimals). The one place
/// the formula is written: items from findings and from policy violations use it.
pub struct Scored {
    pub score: f64,
    pub priority: Priority,
    /// Unrounded, for the reason text.
    pub volume: f64,
    pub factors: ScoreFactors,
}

pub fn score(weight: f64, exposure: f64, affected: u64, confidence: f64, age: f64) -> Scored {
    let volume = 1.0 + (affected as f64).log10();
    let score = (weight * exposure * volume * confidence * age * 10.0).round() / 10.0;
    Scored {
        score,
        priority: Priority::of_score(score),
        volume,
        factors: ScoreFactors {
            weight,
            exposure,
            volume: (volume * 1000.0).round() / 1000.0,
            confidence,
            age,
        },
    }
}

fn article_for(c: Category, rules: Option<&RuleSet>, rule_id: &str) -> String {
    if let Some(a) = rules
        .and_then(|r| r.get(rule_id))
        .map(|r| r.article.clone())
        .filter(|a| !a.is_empty())
    {
        return a;
    }
    if c == Category::Criminal {
        "Art. 10".into()
    } else if c.is_special() {
        "Art. 9".into()
    } else {
        "Art. 5(1)(c)".into()
    }
}
/// Turn a report's findings into to-do items, most urgent first. `rules` supplies
/// each rule's article; without it (re-rendering a saved report) defaults apply.
pub fn plan(report: &Report, rules: Option<&RuleSet>, lang: Lang) -> Vec<TodoItem> {
    plan_groups(report.finding_groups().into_owned(), report, rules, lang)
}

/// [`plan`] from groups given up by the report ([`Report::take_finding_groups`]):
/// each group's records move into its item.
pub fn plan_groups(
    groups: FindingGroups,
    report: &Report,
    rules: Option<&RuleSet>,
    lang: Lang,
) -> Vec<TodoItem> {
    // Sized first: a large report has tens of thousands of items, and a vector
    // grown by doubling holds up to twice them (and both copies while it moves).
    let mut items: Vec<TodoItem> = Vec::with_capacity(groups.len());
    let mut mail_source: Option<(Box<str>, bool)> = None;
    items.extend(
        groups
            .into_groups()
            .map(|(path, field, action, category, g)| {
                let mail = match &mail_source {
                    Some((p, m)) if *p == path => *m,
                    _ => {
                        let m = report.is_mail(&path);
                        mail_source = Some((path.clone(), m));
                        m
                    }
                };
                let records = g.records.sorted_distinct();
                let weight = category_weight(category);
                let exposure = if g.exposure_free { 1.5 } else { 1.2 };
                let affected = (records.len() + g.messages.len()).max(1) as u64;
                let confidence = (g.confidence_sum / g.count.max(1) as f64 * 100.0).round() / 100.0;
                let age = 1.0;
                let s = score(weight, exposure, affected, confidence, age);
                let article = article_for(category, rules, &g.rule);
                TodoItem {
                    id: item_id(action, category, &path, &field),
                    priority: s.priority,
                    score: s.score,
                    action,
                    category,
                    article,
                    count: g.count,
                    records,
                    messages: g.messages.into_iter().collect(),
                    factors: s.factors,
                    violation: None,
                    path: path.into(),
                    field: field.into(),
                    wording: Wording::Findings {
                        lang,
                        mail,
                        volume: s.volume,
                    },
                }
            }),
    );
    sort_items(&mut items);
    items
}

/// Reword titles and reasons in `lang` (re-rendering a saved report), for items
/// made from findings and from policy violations alike.
pub fn relabel(items: &mut [TodoItem], lang: Lang, sources: &[crate::audit::SourceSummary]) {
    for it in items.iter_mut() {
        let volume = it.factors.volume;
        it.wording = if it.violation.is_some() {
            Wording::Violation {
                lang,
                affected: it.count,
                volume,
            }
        } else {
            Wording::Findings {
                lang,
                mail: crate::audit::is_mail_source(sources, &it.path),
                volume,
            }
        };
    }
}

/// Most urgent first; ties broken by path, field, action and category, and
/// items equal in all of them keep their order. Sorted by index and then moved
/// into place: a stable sort of the items themselves would take a buffer half
/// their size.
pub fn sort_items(items: &mut [TodoItem]) {
    let urgency = |a: &TodoItem, b: &TodoItem| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.field.cmp(&b.field))
            .then_with(|| a.action.cmp(&b.action))
            .then_with(|| a.category.cmp(&b.category))
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_unstable_by(|&a, &b| urgency(&items[a], &items[b]).then(a.cmp(&b)));
    permute(items, &mut order);
}

/// Put `items[order[i]]` at `i` for every `i`, by following the cycles of the
/// permutation (`order` is used up).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// A short stable id from the item's key (no value goes in).
pub fn item_id(action: Action, category: Category, path: &str, field: &str) -> String {
    let key = format!(
        "{}\0{}\0{}\0{}",
        action.as_str(),
        category.as_str(),
        path,
        field
    );
    let h = blake3::hash(key.as_bytes()).to_hex();
    format!("T{}", &h[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_follow_the_documented_order() {
        assert!(category_weight(Category::Health) > category_weight(Category::NationalId));
        assert!(category_weight(Category::NationalId) > category_weight(Category::Email));
        assert!(category_weight(Category::Email) > category_weight(Category::IpAddress));
        assert_eq!(Priority::of_score(18.0), Priority::P1);
        assert_eq!(Priority::of_score(17.9), Priority::P2);
        assert_eq!(Priority::of_score(3.9), Priority::P4);
    }

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e'];
        let mut order = vec![3, 0, 4, 1, 2];
        permute(&mut items, &mut order);
        assert_eq!(items, vec!['d', 'a', 'e', 'b', 'c']);
        let mut same = vec![1, 2, 3];
        permute(&mut same, &mut [0, 1, 2]);
        assert_eq!(same, vec![1, 2, 3]);
    }

    #[test]
    fn ids_are_stable_and_keyed_by_place() {
        let a = item_id(Action::Redact, Category::Health, "a.csv", "notes");
        assert_eq!(
            a,
            item_id(Action::Redact, Category::Health, "a.csv", "notes")
        );
        assert_ne!(
            a,
            item_id(Action::Redact, Category::Health, "a.csv", "description")
        );
    }
}
