//! Rules are data: YAML files (the bundled pack in `rules/*.yaml`, compiled into the
//! binary, plus the user's own) turned into one [`RuleSet`] that is compiled once and
//! cloned per worker thread.

pub mod compile;
pub mod headers;
pub mod pattern_cost;
pub mod sets;
pub mod spec;
mod spec_keys;
pub mod spelling;
pub mod validators;

use crate::model::{Category, Severity};
use aho_corasick::AhoCorasick;
use regex::Regex;
use std::fmt;
use std::path::Path;

pub use compile::{compile, compile_catalog};
pub use validators::Validator;
pub use validators::phone::to_e164 as phone_to_e164;

/// The bundled pack: (file name, contents). Order matters only for tie-breaking.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "rules/contact.yaml",
        include_str!("../../rules/contact.yaml"),
    ),
    (
        "rules/identifiers.yaml",
        include_str!("../../rules/identifiers.yaml"),
    ),
    (
        "rules/identifiers_europe.yaml",
        include_str!("../../rules/identifiers_europe.yaml"),
    ),
    (
        "rules/financial.yaml",
        include_str!("../../rules/financial.yaml"),
    ),
    ("rules/other.yaml", include_str!("../../rules/other.yaml")),
    (
        "rules/special_categories.yaml",
        include_str!("../../rules/special_categories.yaml"),
    ),
    (
        "rules/special_categories_no.yaml",
        include_str!("../../rules/special_categories_no.yaml"),
    ),
    (
        "rules/special_categories_da.yaml",
        include_str!("../../rules/special_categories_da.yaml"),
    ),
    (
        "rules/special_categories_fi.yaml",
        include_str!("../../rules/special_categories_fi.yaml"),
    ),
];

/// Version of the bundled rule pack; bump when a rule is added, changed or removed.
pub const PACK_VERSION: &str = "2026.11.1";

/// A rule file that could not be turned into rules. Names the file, the rule and
/// the line where that is known, never a matched value.
#[derive(Debug, Clone, thiserror::Error)]
pub struct RuleError {
    pub file: String,
    pub rule: Option<String>,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(rule) = &self.rule {
            write!(f, ": rule {rule}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All the problems found in the rule files, reported together.
#[derive(Debug, Clone, thiserror::Error)]
pub struct RuleErrors(pub Vec<RuleError>);

/// One problem: as it is; several: counted, then one per indented line (the caller
/// adds the single `error:` prefix).
impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [one] = self.0.as_slice() {
            return write!(f, "{one}");
        }
        write!(f, "{} problems in the rule files:", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// What surrounds a match and changes its confidence.
#[derive(Debug, Clone)]
pub struct ContextWords {
    /// Lower-cased words and phrases.
    pub words: Vec<String>,
    /// All of `words` in one automaton, so a window is searched once.
    pub automaton: Option<AhoCorasick>,
    /// The words trimmed, for column and header names (searched once per name).
    pub field_automaton: Option<AhoCorasick>,
    pub window: usize,
    pub required: bool,
    pub before_only: bool,
}

#[derive(Debug, Clone)]
pub struct ExcludeWords {
    pub words: Vec<String>,
    pub automaton: Option<AhoCorasick>,
    /// The words trimmed, for column and header names.
    pub field_automaton: Option<AhoCorasick>,
    pub window: usize,
    pub before_only: bool,
    /// The window ends at the match's sentence.
    pub sentence: bool,
    /// True: the match is dropped. False: its confidence is lowered.
    pub drop: bool,
}

/// One keyword as compiled: the literal and whether the word may go on before or
/// after it (`*cancer`, `sjukskriv*`).
#[derive(Debug, Clone)]
pub struct Keyword {
    pub text: String,
    pub open_start: bool,
    pub open_end: bool,
}

#[derive(Debug, Clone)]
pub struct RuleExamples {
    pub should_match: Vec<String>,
    pub no_match: Vec<String>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: Category,
    pub severity: Severity,
    pub article: String,
    pub action: String,
    /// Where the rule came from (`rules/contact.yaml`, or a user file path).
    pub origin: String,
    pub pattern_sources: Vec<String>,
    pub patterns: Vec<Regex>,
    pub keywords: Vec<Keyword>,
    pub validator: Option<Validator>,
    pub context: Option<ContextWords>,
    pub exclude: Option<ExcludeWords>,
    pub columns: Vec<Regex>,
    pub base_confidence: f64,
    pub whole_value: bool,
    pub examples: RuleExamples,
}

impl Rule {
    /// True when a column or header name says this rule's category lives there.
    pub fn column_hint(&self, column: &str) -> bool {
        self.columns.iter().any(|re| re.is_match(column))
    }
}

/// The whole compiled rule pack. Cloning is cheap-ish and gives each worker thread
/// its own regex caches (the regex crate's advice for many short haystacks).
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Passes over a field tell which patterns can match at all. Patterns of rules
    /// with a (numeric) validator, or that must match a digit, sit in the digit sets,
    /// which a field without any ASCII digit skips. The digit patterns are split over
    /// a few sets by rule: one lazy DFA of all of them explodes into combined states
    /// (40 MB per thread on the scale-50 corpus, most of a scan's time spent building
    /// them), a few smaller ones stay small and warm up fast.
    pub(crate) pattern_sets: Vec<PatternSet>,
    /// One pass over a (lower-cased) field finds every keyword of every rule.
    pub(crate) keywords: Option<AhoCorasick>,
    /// Automaton pattern index → (rule index, keyword index within the rule).
    pub(crate) keyword_map: Vec<(usize, usize)>,
}

/// A multi-pattern regex (overlapping matches: every pattern that matches) and,
/// per pattern index, the (rule, pattern) it stands for. regex-automata's own API,
/// so a search fills a reusable `PatternSet` instead of allocating one per field.
#[derive(Debug, Clone)]
pub(crate) struct PatternSet {
    /// Only fields with an ASCII digit are searched.
    pub(crate) digits: bool,
    pub(crate) set: regex_automata::meta::Regex,
    pub(crate) map: Vec<(usize, usize)>,
}

impl RuleSet {
    /// The bundled pack alone.
    pub fn builtin() -> Result<RuleSet, RuleErrors> {
        RuleSetBuilder::new(true).build()
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Collects rule sources (bundled pack, user files) and compiles them once.
pub struct RuleSetBuilder {
    sources: Vec<(String, String)>,
    read_errors: Vec<RuleError>,
}

impl RuleSetBuilder {
    pub fn new(with_builtin: bool) -> RuleSetBuilder {
        let sources = if with_builtin {
            BUILTIN_FILES
                .iter()
                .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
                .collect()
        } else {
            Vec::new()
        };
        RuleSetBuilder {
            sources,
            read_errors: Vec::new(),
        }
    }

    /// Add a user rule file, or every `*.yaml`/`*.yml` in a directory. A rule with the
    /// id of an earlier one replaces it.
    pub fn add_path(&mut self, path: &Path) -> &mut Self {
        let mut files = Vec::new();
        if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    for e in entries.flatten() {
                        let p = e.path();
                        if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
                            files.push(p);
                        }
                    }
                }
                Err(e) => self.read_errors.push(RuleError {
                    file: path.display().to_string(),
                    rule: None,
                    line: None,
                    column: None,
                    message: format!("cannot read directory: {e}"),
                }),
            }
            files.sort();
        } else {
            files.push(path.to_path_buf());
        }
        for f in files {
            match crate::source::read_limited_text(&f, MAX_RULE_FILE_BYTES) {
                Ok(text) => self.sources.push((f.display().to_string(), text)),
                Err(e) => self.read_errors.push(RuleError {
                    file: f.display().to_string(),
                    rule: None,
                    line: None,
                    column: None,
                    message: e.to_string(),
                }),
            }
        }
        self
    }

    pub fn add_text(&mut self, name: &str, text: &str) -> &mut Self {
        self.sources.push((name.to_string(), text.to_string()));
        self
    }

    /// A hash of the rule files' text: shards of one scan must have loaded the
    /// same rules (their names may differ from machine to machine).
    pub fn fingerprint(&self) -> String {
        let mut h = blake3::Hasher::new();
        for (_, text) in &self.sources {
            h.update(&(text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        h.finalize().to_hex()[..32].to_string()
    }

    /// The rules for what they say, not for searching (see [`compile_catalog`]).
    pub fn build_catalog(&self) -> Result<RuleSet, RuleErrors> {
        if !self.read_errors.is_empty() {
            return Err(RuleErrors(self.read_errors.clone()));
        }
        compile_catalog(&self.sources)
    }

    pub fn build(&self) -> Result<RuleSet, RuleErrors> {
        if !self.read_errors.is_empty() {
            return Err(RuleErrors(self.read_errors.clone()));
        }
        compile(&self.sources)
    }
}

/// Rule files are small; a larger one is a mistake or an attack.
pub const MAX_RULE_FILE_BYTES: u64 = 4 * 1024 * 1024;
