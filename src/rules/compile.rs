//! From parsed rule files to a [`RuleSet`]: every problem in every file is collected
//! with its file, rule id and line, so a rule author sees them all at once.
//!
//! Over 500 lines: one pass over every rule, collecting every problem with its file,
//! rule and line; `compile_rule` is long because it checks a rule's fields in the
//! order the format documents them.

use super::sets::{Sets, build_set};
use super::spec::{self, RuleSpec};
use super::*;
use aho_corasick::{AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;
use regex::RegexBuilder;
use std::collections::HashMap;

/// Compiled size cap for one pattern. The regex crate is linear-time, so a
/// "catastrophic" pattern cannot hang a scan; what it can do is blow up in size.
pub const PATTERN_SIZE_LIMIT: usize = 2 * 1024 * 1024;
const DEFAULT_WINDOW: usize = 40;

struct Ctx<'a> {
    file: &'a str,
    errors: Vec<RuleError>,
    /// A bundled file as shipped: its patterns' cost was checked by a test
    /// (`every_bundled_pattern_passes`), not again at every start.
    trusted: bool,
}

impl Ctx<'_> {
    fn err(&mut self, rule: Option<&str>, at: Option<(u64, u64)>, message: impl Into<String>) {
        self.errors.push(RuleError {
            file: self.file.to_string(),
            rule: rule.map(str::to_string),
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
            message: message.into(),
        });
    }
}

/// Line and column of a spanned value, for messages.
fn pos(at: &serde_saphyr::Location) -> Option<(u64, u64)> {
    Some((at.line(), at.column()))
}

fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })
}

fn compile_rule(ctx: &mut Ctx<'_>, spec: RuleSpec) -> Option<Rule> {
    let id = spec.id.value.clone();
    let id_line = pos(&spec.id.referenced);
    let before = ctx.errors.len();
    if !valid_id(&id) {
        ctx.err(
            Some(&id),
            id_line,
            "id must be dotted lower-case words, e.g. `se.personnummer`",
        );
    }
    let category = Category::parse(&spec.category.value);
    if category.is_none() {
        ctx.err(
            Some(&id),
            pos(&spec.category.referenced),
            format!(
                "unknown category `{}` (expected one of: {})",
                spec.category.value,
                Category::ALL.map(|c| c.as_str()).join(", ")
            ),
        );
    }
    let severity = Severity::parse(&spec.severity.value);
    if severity.is_none() {
        ctx.err(
            Some(&id),
            pos(&spec.severity.referenced),
            format!(
                "unknown severity `{}` (expected critical, high, medium or low)",
                spec.severity.value
            ),
        );
    }
    let validator = match &spec.validator {
        None => None,
        Some(v) => {
            let found = Validator::from_name(&v.value);
            if found.is_none() {
                let names: Vec<&str> = Validator::ALL.iter().map(|v| v.name()).collect();
                ctx.err(
                    Some(&id),
                    pos(&v.referenced),
                    format!(
                        "unknown validator `{}` (expected one of: {})",
                        v.value,
                        names.join(", ")
                    ),
                );
            }
            found
        }
    };
    if spec.patterns.is_empty() && spec.keywords.is_empty() && spec.columns.is_empty() {
        ctx.err(
            Some(&id),
            id_line,
            "a rule needs `patterns`, `keywords` or `columns`",
        );
    }
    if spec.name.trim().is_empty() {
        ctx.err(Some(&id), id_line, "missing field `name`");
    }
    let mut patterns = Vec::new();
    for p in &spec.patterns {
        let cost = if ctx.trusted {
            Ok(())
        } else {
            super::pattern_cost::check(&p.value)
        };
        if let Err(why) = cost {
            ctx.err(
                Some(&id),
                pos(&p.referenced),
                format!("pattern refused: {}", one_line(&why)),
            );
            continue;
        }
        match RegexBuilder::new(&p.value)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
        {
            Ok(re) => patterns.push(re),
            Err(e) => ctx.err(
                Some(&id),
                pos(&p.referenced),
                format!("invalid pattern: {}", one_line(&e.to_string())),
            ),
        }
    }
    let mut columns = Vec::new();
    for c in &spec.columns {
        match RegexBuilder::new(&c.value)
            .case_insensitive(true)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
        {
            Ok(re) => columns.push(re),
            Err(e) => ctx.err(
                Some(&id),
                pos(&c.referenced),
                format!("invalid column pattern: {}", one_line(&e.to_string())),
            ),
        }
    }
    let mut keywords = Vec::new();
    for k in &spec.keywords {
        let open_start = k.starts_with('*');
        let open_end = k.ends_with('*');
        let text = lower_same_len(k.trim_matches('*').trim());
        if text.is_empty() {
            ctx.err(Some(&id), id_line, format!("empty keyword `{k}`"));
            continue;
        }
        keywords.push(Keyword {
            text,
            open_start,
            open_end,
        });
    }
    if let Some(c) = spec.confidence
        && !(0.0..=1.0).contains(&c)
    {
        ctx.err(Some(&id), id_line, "confidence must be between 0 and 1");
    }
    let exclude = match spec.exclude_context {
        None => None,
        Some(x) => {
            let drop = match x.effect.as_deref() {
                None | Some("drop") => true,
                Some("lower") => false,
                Some(other) => {
                    ctx.err(
                        Some(&id),
                        id_line,
                        format!("exclude_context.effect must be `drop` or `lower`, not `{other}`"),
                    );
                    true
                }
            };
            let words: Vec<String> = x.words.iter().map(|w| lower_same_len(w)).collect();
            Some(ExcludeWords {
                automaton: word_automaton(&words),
                field_automaton: field_automaton(&words),
                words,
                window: x.window.unwrap_or(DEFAULT_WINDOW),
                before_only: x.before_only,
                sentence: x.sentence,
                drop,
            })
        }
    };
    let context = spec.context.map(|c| {
        let words: Vec<String> = c.words.iter().map(|w| lower_same_len(w)).collect();
        ContextWords {
            automaton: word_automaton(&words),
            field_automaton: field_automaton(&words),
            words,
            window: c.window.unwrap_or(DEFAULT_WINDOW),
            required: c.required,
            before_only: c.before_only,
        }
    });
    if ctx.errors.len() > before {
        return None;
    }
    let base_confidence = spec.confidence.unwrap_or(if validator.is_some() {
        0.6
    } else if !keywords.is_empty() {
        0.7
    } else {
        0.5
    });
    Some(Rule {
        id,
        name: spec.name,
        description: spec.description.trim().to_string(),
        category: category?,
        severity: severity?,
        article: spec.article,
        action: spec.action.trim().to_string(),
        origin: ctx.file.to_string(),
        pattern_sources: spec.patterns.into_iter().map(|p| p.value).collect(),
        patterns,
        keywords,
        validator,
        context,
        exclude,
        columns,
        base_confidence,
        whole_value: spec.whole_value,
        examples: RuleExamples {
            should_match: spec.examples.should_match,
            no_match: spec.examples.no_match,
        },
    })
}

/// A multi-line message (regex, YAML) on one line, without the `error:` those
/// libraries start lines with: the command prints one `error:` for everything.
pub(super) fn one_line(s: &str) -> String {
    s.lines()
        .map(|l| {
            let l = l.trim_end();
            l.trim_start().strip_prefix("error: ").unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Lower-case without changing the UTF-8 length of any character, so that offsets
/// found in the lowered text are offsets in the original.
pub fn lower_same_len(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    lower_same_len_into(s, &mut out);
    out
}

pub fn lower_same_len_into(s: &str, out: &mut String) {
    out.clear();
    out.reserve(s.len());
    // Runs of ASCII are copied whole and lowered in place at the end (an ASCII
    // letter's lower case is ASCII and one byte); only the other characters are
    // looked up one by one.
    let mut rest = s;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        out.push_str(&rest[..ascii]);
        rest = &rest[ascii..];
        let mut chars = rest.chars();
        while let Some(ch) = chars.next().filter(|c| !c.is_ascii()) {
            let mut lower = ch.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == ch.len_utf8() => out.push(l),
                _ => out.push(ch),
            }
            rest = chars.as_str();
        }
    }
    out.make_ascii_lowercase();
}

/// Compile rule files, in order. A later file may replace a rule by id; the same id
/// twice in one file is an error.
pub fn compile(files: &[(String, String)]) -> Result<RuleSet, RuleErrors> {
    compile_rules(files, Sets::Search)
}

/// Compile rule files for what the rules say (names, articles, help) and not for
/// searching: every rule is checked as for a scan, but the combined pattern sets
/// and the keyword automaton — most of a rule set's memory — are left empty, so
/// such a set finds nothing. For `merge`, which plans and renders but never scans.
pub fn compile_catalog(files: &[(String, String)]) -> Result<RuleSet, RuleErrors> {
    compile_rules(files, Sets::Empty)
}

fn compile_rules(files: &[(String, String)], sets: Sets) -> Result<RuleSet, RuleErrors> {
    if sets == Sets::Search {
        // The numbering plans load beside the rules instead of at the first phone.
        let (_, compiled) = rayon::join(super::validators::phone::warm_up, || {
            compile_rule_files(files, sets)
        });
        compiled
    } else {
        compile_rule_files(files, sets)
    }
}

fn compile_rule_files(files: &[(String, String)], sets: Sets) -> Result<RuleSet, RuleErrors> {
    let mut errors = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (name, text) in files {
        let trusted = super::BUILTIN_FILES
            .iter()
            .any(|(n, t)| *n == name.as_str() && *t == text.as_str());
        let mut ctx = Ctx {
            file: name,
            errors: Vec::new(),
            trusted,
        };
        let parsed = match spec::load(text) {
            Ok(f) => f,
            Err(problems) => {
                for p in problems {
                    ctx.err(p.rule.as_deref(), p.at, one_line(&p.message));
                }
                errors.extend(ctx.errors);
                continue;
            }
        };
        let mut seen_here: HashMap<String, u64> = HashMap::new();
        let mut specs = Vec::new();
        for spec in parsed.rules {
            let id = spec.id.value.clone();
            let line = spec.id.referenced.line();
            if let Some(first) = seen_here.insert(id.clone(), line) {
                ctx.err(
                    Some(&id),
                    pos(&spec.id.referenced),
                    format!("duplicate id (first defined on line {first})"),
                );
                continue;
            }
            specs.push(spec);
        }
        // Each rule compiles on its own (its patterns, keywords and context words):
        // in parallel, results and errors kept in the file's order.
        let compiled: Vec<(Option<Rule>, Vec<RuleError>)> = specs
            .into_par_iter()
            .map(|spec| {
                let mut one = Ctx {
                    file: name,
                    errors: Vec::new(),
                    trusted,
                };
                (compile_rule(&mut one, spec), one.errors)
            })
            .collect();
        for (rule, rule_errors) in compiled {
            ctx.errors.extend(rule_errors);
            if let Some(rule) = rule {
                match index.get(&rule.id) {
                    Some(&i) => rules[i] = rule,
                    None => {
                        index.insert(rule.id.clone(), rules.len());
                        rules.push(rule);
                    }
                }
            }
        }
        errors.extend(ctx.errors);
    }
    if !errors.is_empty() {
        return Err(RuleErrors(errors));
    }
    build_set(rules, sets)
}

/// One automaton over a rule's context (or exclusion) words. A contiguous NFA,
/// not a DFA: it runs only on the windows around candidates and on names, and a
/// thousand small DFAs (256-wide transition tables) cost tens of megabytes.
fn word_automaton(words: &[String]) -> Option<AhoCorasick> {
    if words.is_empty() {
        return None;
    }
    let spellings = words
        .iter()
        .flat_map(|w| std::iter::once(w.clone()).chain(super::spelling::ascii_variants(w)));
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(spellings)
        .ok()
}

/// The words as whole words of a column or header name: trimmed, and only those
/// that a name split into words can hold at all.
fn field_automaton(words: &[String]) -> Option<AhoCorasick> {
    let trimmed: Vec<String> = words
        .iter()
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect();
    word_automaton(&trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Result<RuleSet, RuleErrors> {
        compile(&[("test.yaml".to_string(), text.to_string())])
    }

    const GOOD: &str = "rules:\n  - id: t.digits\n    name: Digits\n    category: phone\n    severity: low\n    patterns: ['[0-9]{3}']\n";

    #[test]
    fn good_rule_compiles() {
        let rs = one(GOOD).expect("compiles");
        assert_eq!(rs.rules.len(), 1);
        assert_eq!(rs.rules[0].category, Category::Phone);
    }

    #[test]
    fn invalid_regex_names_file_rule_and_line() {
        let text = GOOD.replace("[0-9]{3}", "[0-9");
        let err = one(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("test.yaml:6:16: rule t.digits: invalid pattern"),
            "{err}"
        );
        assert!(
            !err.contains("| error:"),
            "one error: prefix, the command's: {err}"
        );
    }

    #[test]
    fn unknown_category_validator_and_missing_field() {
        let text = GOOD.replace("phone", "telefon");
        assert!(
            one(&text)
                .unwrap_err()
                .to_string()
                .contains("unknown category `telefon`")
        );
        let text = format!("{GOOD}    validator: nope\n");
        assert!(
            one(&text)
                .unwrap_err()
                .to_string()
                .contains("unknown validator `nope`")
        );
        let text = GOOD.replace("    severity: low\n", "");
        let err = one(&text).unwrap_err().to_string();
        assert!(err.contains("severity"), "{err}");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let text = GOOD.replace("patterns", "patern");
        let err = one(&text).unwrap_err().to_string();
        assert!(err.contains("patern"), "{err}");
    }

    #[test]
    fn duplicate_id_in_one_file_is_an_error_but_a_later_file_overrides() {
        let dup = format!("{GOOD}{}", GOOD.trim_start_matches("rules:\n"));
        assert!(one(&dup).unwrap_err().to_string().contains("duplicate id"));
        let other = GOOD.replace("severity: low", "severity: high");
        let rs = compile(&[("a.yaml".into(), GOOD.into()), ("b.yaml".into(), other)]).expect("ok");
        assert_eq!(rs.rules.len(), 1);
        assert_eq!(rs.rules[0].severity, Severity::High);
        assert_eq!(rs.rules[0].origin, "b.yaml");
    }

    #[test]
    fn yaml_bomb_is_rejected_not_expanded() {
        let mut bomb =
            String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for i in 1..12 {
            let prev = (b'a' + (i - 1) as u8) as char;
            let cur = (b'a' + i as u8) as char;
            bomb.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        bomb.push_str("rules: []\n");
        let start = std::time::Instant::now();
        assert!(one(&bomb).is_err());
        assert!(start.elapsed().as_secs() < 10);
    }

    #[test]
    fn lowering_keeps_byte_offsets() {
        let s = "ÅSA Öberg İstanbul";
        assert_eq!(lower_same_len(s).len(), s.len());
        assert!(lower_same_len(s).starts_with("åsa öberg"));
    }

    #[test]
    fn lowering_runs_of_ascii_equals_lowering_each_character() {
        let each = |s: &str| -> String {
            s.chars()
                .map(|ch| {
                    let mut lower = ch.to_lowercase();
                    match (lower.next(), lower.next()) {
                        (Some(l), None) if l.len_utf8() == ch.len_utf8() => l,
                        _ => ch,
                    }
                })
                .collect()
        };
        for s in [
            "",
            "ABC",
            "Ärende: SJUKSKRIVEN",
            "x\u{212A}Y",
            "ÆØÅ",
            "a İ b ẞ c",
            "Zoë ÖBERG-ÅSTRÖM 12",
        ] {
            assert_eq!(lower_same_len(s), each(s), "{s}");
        }
    }
}
