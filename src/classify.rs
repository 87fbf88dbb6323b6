//! Inventory vs findings. A column is *structured* for a category when its header
//! says so (a rule's `columns` hint) or when nearly all its values are whole matches
//! of that category; matches of that category there are inventory. Everything else
//! is a finding: any match in free text, another category in a structured column
//! (a phone number typed into the e-mail column), and every special category.

mod values;

use crate::engine::Match;
use crate::finding::{Finding, MessageInfo};
use crate::fingerprint::FingerprintKey;
use crate::model::{Category, Location};
use crate::redact::mask;
use crate::rules::RuleSet;
use crate::rules::headers::{HeaderClass, header_class};
use std::collections::BTreeMap;
pub use values::ValueShapes;

/// Share of a column's sampled non-empty values that must be whole matches of one
/// category for the column to count as structured for it.
pub const STRUCTURED_SHARE: f64 = 0.8;
/// An e-mail column with fewer personal addresses than this share holds role
/// mailboxes of companies, not people's addresses.
pub const ROLE_COLUMN_SHARE: f64 = 0.2;
/// Fewer sampled values than this decide nothing by content.
pub const MIN_SAMPLE: u64 = 5;

/// What the first records of a column looked like.
#[derive(Debug, Default, Clone)]
pub struct ColumnProfile {
    pub non_empty: u64,
    /// Values that are one whole match of a category.
    pub whole: BTreeMap<Category, u64>,
    /// Values with at least one match of a category.
    pub holding: BTreeMap<Category, u64>,
    /// Values shaped like names, addresses or company names.
    pub shapes: ValueShapes,
}

impl ColumnProfile {
    pub fn observe(&mut self, text: &str, matches: &[Match], rules: &RuleSet) {
        if text.trim().is_empty() {
            return;
        }
        self.non_empty += 1;
        self.shapes.observe(text);
        let mut seen: Vec<Category> = matches
            .iter()
            .map(|m| rules.rules[m.rule].category)
            .collect();
        seen.sort();
        seen.dedup();
        for c in seen {
            *self.holding.entry(c).or_default() += 1;
        }
        if let [m] = matches
            && m.whole
        {
            *self.whole.entry(rules.rules[m.rule].category).or_default() += 1;
        }
    }

    /// Fold another sample of the same column into this one.
    pub fn add(&mut self, other: &ColumnProfile) {
        self.non_empty += other.non_empty;
        for (cat, n) in &other.whole {
            *self.whole.entry(*cat).or_default() += n;
        }
        for (cat, n) in &other.holding {
            *self.holding.entry(*cat).or_default() += n;
        }
        self.shapes.add(&other.shapes);
    }
}

/// How a field is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldRole {
    Structured(Category),
    /// Structured because its header says so, with fewer than [`MIN_SAMPLE`] values
    /// to check that by content: the inventory says it was decided by its header.
    HeaderOnly(Category),
    FreeText,
}

impl FieldRole {
    /// Does a match of `category` here belong to the inventory?
    pub fn is_inventory(self, category: Category) -> bool {
        matches!(self, FieldRole::Structured(c) | FieldRole::HeaderOnly(c) if c == category && !category.is_special())
    }
}

/// The category a header names: the bundled header vocabulary first (it also knows
/// the company and deal columns that are not personal), then any rule's `columns`
/// hint (user rules can name their own columns).
pub fn header_category(header: &str, rules: &RuleSet) -> Option<Category> {
    match header_class(header) {
        Some(HeaderClass::Personal(c)) => Some(c),
        Some(HeaderClass::NotPersonal) => None,
        None => rule_hint(header, rules),
    }
}

fn rule_hint(header: &str, rules: &RuleSet) -> Option<Category> {
    rules
        .rules
        .iter()
        .find(|r| !r.category.is_special() && !r.columns.is_empty() && r.column_hint(header))
        .map(|r| r.category)
}

/// The category a header names word by word (`Phone - Work` → `phone`), for
/// columns with too few values to decide by content.
fn loose_header_category(header: &str, rules: &RuleSet) -> Option<Category> {
    let lower = header.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 {
        // One word is the header itself, already tried.
        return None;
    }
    let pairs = words.windows(2).map(|w| format!("{}_{}", w[0], w[1]));
    pairs
        .chain(words.iter().map(|w| w.to_string()))
        .find_map(|w| header_category(&w, rules))
}

/// Decide a column's role from its header and its sampled values. With fewer than
/// [`MIN_SAMPLE`] non-empty values the content decides nothing and the header does,
/// read word by word if need be.
pub fn decide(header: &str, profile: &ColumnProfile, rules: &RuleSet) -> FieldRole {
    let sampled = profile.non_empty >= MIN_SAMPLE;
    let named = match header_class(header) {
        Some(HeaderClass::Personal(c)) => Some(c),
        Some(HeaderClass::NotPersonal) => return FieldRole::FreeText,
        None => rule_hint(header, rules),
    };
    if let Some(c) = named {
        if !sampled {
            return FieldRole::HeaderOnly(c);
        }
        if values_contradict(c, profile) {
            return FieldRole::FreeText;
        }
        return FieldRole::Structured(c);
    }
    if !sampled {
        return loose_header_category(header, rules)
            .map_or(FieldRole::FreeText, FieldRole::HeaderOnly);
    }
    if let Some((&cat, &n)) = profile
        .whole
        .iter()
        .filter(|(c, _)| !c.is_special())
        .max_by_key(|(_, n)| **n)
        && n as f64 >= STRUCTURED_SHARE * profile.non_empty as f64
    {
        return FieldRole::Structured(cat);
    }
    // A header that says nothing (`Field7`): names and addresses by their shape.
    if profile.shapes.holds_names(profile.non_empty) {
        return FieldRole::Structured(Category::PersonName);
    }
    if profile.shapes.holds_addresses(profile.non_empty) {
        return FieldRole::Structured(Category::PostalAddress);
    }
    FieldRole::FreeText
}

/// Values that show a personal-sounding header is not about people: `Name` of an
/// accounts export holds companies (Nordvik AB, Virtanen Oy), `OwnerId` of a Data
/// Export user ids (0055g00000Hq1xYAAR), and an e-mail column whose addresses the
/// e-mail rule leaves out holds role mailboxes (faktura@, info@).
fn values_contradict(category: Category, profile: &ColumnProfile) -> bool {
    let n = profile.non_empty;
    match category {
        Category::PersonName => profile.shapes.holds_companies(n) || profile.shapes.holds_ids(n),
        Category::Email => {
            (profile.holding.get(&Category::Email).copied().unwrap_or(0) as f64)
                < ROLE_COLUMN_SHARE * n as f64
        }
        _ => false,
    }
}

/// Turns matches into findings with masking and fingerprints applied, so that no
/// later stage ever holds a raw value unless `--show-values` asked for it.
#[derive(Clone)]
pub struct FindingMaker {
    pub show_values: bool,
    pub key: FingerprintKey,
    pub min_confidence: f64,
    /// The command-line paths, as displayed. Fingerprints use the path below them,
    /// so a baseline still matches when the export directory moves (CI checkouts).
    pub roots: Vec<String>,
}

impl FindingMaker {
    /// The path that goes into a fingerprint: below the scan root it was found under,
    /// or the file name when the root is the file itself.
    pub fn fingerprint_path<'a>(&self, display: &'a str) -> &'a str {
        let mut best: Option<&'a str> = None;
        for root in &self.roots {
            let root = root.trim_end_matches('/');
            let rel = if display == root {
                display.rsplit('/').next()
            } else if root.is_empty() || root == "." {
                Some(display)
            } else {
                display.strip_prefix(root).and_then(|r| r.strip_prefix('/'))
            };
            if let Some(r) = rel
                && best.is_none_or(|b| r.len() < b.len())
            {
                best = Some(r);
            }
        }
        best.unwrap_or(display)
    }

    pub fn make(
        &self,
        rules: &RuleSet,
        m: &Match,
        value: &str,
        path: &str,
        location: Location,
        message: Option<MessageInfo>,
    ) -> Finding {
        let rule = &rules.rules[m.rule];
        let field = location.field().to_string();
        Finding {
            rule: rule.id.clone(),
            category: rule.category,
            severity: rule.severity,
            confidence: f64::from(m.confidence).mul_add(100.0, 0.0).round() / 100.0,
            path: path.to_string(),
            fingerprint: self.fingerprint_of(&rule.id, rule.category, value, path, &field),
            location,
            value: self.show_values.then(|| value.to_string()),
            redacted: mask(rule.category, value),
            message,
        }
    }

    /// The fingerprint a finding of `rule` with `value` at `path`, `field` has.
    pub fn fingerprint_of(
        &self,
        rule: &str,
        category: Category,
        value: &str,
        path: &str,
        field: &str,
    ) -> String {
        self.key.fingerprint(
            rule,
            &fingerprint_value(category, value),
            self.fingerprint_path(path),
            field,
        )
    }

    pub fn keeps(&self, m: &Match) -> bool {
        f64::from(m.confidence) + 1e-9 >= self.min_confidence
    }
}

/// Character offset of byte offset `byte` in `text`.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map(|p| p.chars().count()).unwrap_or(0)
}

/// The value a fingerprint is taken of: a phone number in its E.164 form, so
/// `070-123 45 67` and `+46 70 123 45 67` are one number; anything else as found.
fn fingerprint_value(category: Category, value: &str) -> std::borrow::Cow<'_, str> {
    use crate::rules::validators::phone;
    match category {
        Category::Phone => phone::to_e164(value, phone::DEFAULT_REGION_CODE)
            .map_or(std::borrow::Cow::Borrowed(value), std::borrow::Cow::Owned),
        _ => std::borrow::Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_paths_are_relative_to_the_scan_root() {
        let maker = FindingMaker {
            show_values: false,
            key: FingerprintKey::from_secret(b"k"),
            min_confidence: 0.0,
            roots: vec!["/tmp/a/crm/".into(), "exports/x.csv".into()],
        };
        assert_eq!(
            maker.fingerprint_path("/tmp/a/crm/contacts.csv"),
            "contacts.csv"
        );
        assert_eq!(maker.fingerprint_path("exports/x.csv"), "x.csv");
        assert_eq!(maker.fingerprint_path("other/y.csv"), "other/y.csv");
    }

    #[test]
    fn phone_fingerprints_use_the_e164_form() {
        assert_eq!(
            fingerprint_value(Category::Phone, "070-123 45 67"),
            "+46701234567"
        );
        assert_eq!(
            fingerprint_value(Category::Phone, "0046 70 123 45 67"),
            fingerprint_value(Category::Phone, "+46 70 123 45 67")
        );
        // not a number any plan has: kept as written
        assert_eq!(fingerprint_value(Category::Phone, "12-34"), "12-34");
        assert_eq!(
            fingerprint_value(Category::Email, "070-123 45 67"),
            "070-123 45 67"
        );
    }
}
