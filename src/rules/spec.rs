//! The rule file format as it is written in YAML. Everything YAML-specific stays in
//! [`load`], so changing the YAML crate touches one function.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A whole rule file: `rules:` and nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rules: Vec<RuleSpec>,
}

/// One rule as written. Field names are the documented YAML keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub category: Spanned<String>,
    pub severity: Spanned<String>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    /// Case-insensitive whole words or phrases; `*` at either end matches the rest of
    /// the word (`sjukskriv*`, `*cancer`).
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub validator: Option<Spanned<String>>,
    #[serde(default)]
    pub context: Option<ContextSpec>,
    #[serde(default)]
    pub exclude_context: Option<ExcludeSpec>,
    /// Regexes on column (or header) names that say a column holds this category.
    #[serde(default)]
    pub columns: Vec<Spanned<String>>,
    /// Base confidence of a bare hit, before validator and context adjust it.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// Keep a match only when it is the whole (trimmed) value of a field.
    #[serde(default)]
    pub whole_value: bool,
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub examples: Examples,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    pub words: Vec<String>,
    /// Characters on each side of a match that are searched for a context word.
    #[serde(default)]
    pub window: Option<usize>,
    /// Drop matches with no context word near them (and no matching column header).
    #[serde(default)]
    pub required: bool,
    /// Look only before the match (labels like `född`, `password:` precede the value).
    #[serde(default)]
    pub before_only: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludeSpec {
    pub words: Vec<String>,
    #[serde(default)]
    pub window: Option<usize>,
    /// `drop` (default) removes the match; `lower` only reduces its confidence.
    #[serde(default)]
    pub effect: Option<String>,
    /// Look only before the match (a label such as `version` or `ordernummer`
    /// precedes the number it describes).
    #[serde(default)]
    pub before_only: bool,
    /// Look only within the match's sentence (up to `.`, `!`, `?`, `;` or a line
    /// break): "Medlem i Unionen. Beställde pärmar." is a membership.
    #[serde(default)]
    pub sentence: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default, rename = "match")]
    pub should_match: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// A problem found while reading a rule file, before its rules are compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadProblem {
    pub rule: Option<String>,
    /// Line and column, 1-based.
    pub at: Option<(u64, u64)>,
    pub message: String,
}

/// Parse one rule file. Alias and size budgets come from serde-saphyr's defaults,
/// which reject billion-laughs documents instead of expanding them. serde stops at
/// the first unknown or missing key; when it does, a second, lenient pass lists
/// every key problem of every rule, so the author fixes them in one go.
pub fn load(text: &str) -> Result<RuleFile, Vec<LoadProblem>> {
    serde_saphyr::from_str::<RuleFile>(text).map_err(|e| {
        let problems = super::spec_keys::key_problems(text);
        if problems.is_empty() {
            let at = e.location().filter(|l| l.line() > 0);
            vec![LoadProblem {
                rule: None,
                at: at.map(|l| (l.line(), l.column())),
                message: plain_message(&e.without_snippet().to_string()),
            }]
        } else {
            problems
        }
    })
}

/// serde-saphyr's message without its own `error:` and `line N column M:` prefix
/// (the caller prints the file, line and column once, and one `error:`).
fn plain_message(message: &str) -> String {
    let m = message.trim();
    let m = m.strip_prefix("error:").unwrap_or(m).trim_start();
    let without_position = m
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
        .filter(|(position, _)| {
            position
                .split(' ')
                .all(|w| w == "column" || w.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(|(_, rest)| rest);
    without_position.unwrap_or(m).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serde_error_names_line_and_column_once_without_input_placeholder() {
        let text = "rules:\n  - id: a.one\n    name: One\n    category: contact\n    severity: low\n    patterns: ['x']\n    context: {wrds: [a]}\n";
        let p = load(text).unwrap_err();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].at, Some((7, 15)), "{p:?}");
        assert!(p[0].message.starts_with("unknown field `wrds`"), "{p:?}");
        assert!(!p[0].message.contains("<input>") && !p[0].message.contains("error:"));
    }
}
