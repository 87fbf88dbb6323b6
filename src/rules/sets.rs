//! The combined search structures of a rule set: the multi-pattern regex sets (the
//! patterns that must match a digit in sets of their own, cut between rules) and the
//! keyword automaton. Built once per scan from the compiled rules.

use super::compile::one_line;
use super::*;
use aho_corasick::{AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;

/// Cap for the combined set of all patterns.
pub const SET_SIZE_LIMIT: usize = 64 * 1024 * 1024;
/// Lazy-DFA cache of the digit set, per thread. The numeric patterns (phone
/// numbers' many groupings, identifiers with separators) make many states: with the
/// 2 MiB default a third of the time went to rebuilding them, with 8 MiB still 7%.
/// The pack grew from 55 to 139 rules (EU identity numbers, validated phones, birth
/// dates and addresses in five languages): at 12 MiB, 38% of a scale-50 scan went to
/// determinization, at 48 MiB 22%. Cut into four sets (`DIGIT_SET_GROUPS`), each
/// needs far fewer states: this is only the ceiling, the caches grow as states are
/// needed (about 1.6 MB per set and thread at scale 50, mostly the minimum a cache
/// of so large an NFA takes).
pub const DIGIT_DFA_CACHE_LIMIT: usize = 48 * 1024 * 1024;
/// Lazy-DFA cache of the other set, per thread (8 MiB thrashed with the grown pack).
pub const DFA_CACHE_LIMIT: usize = 32 * 1024 * 1024;

/// Whether the combined search structures are built.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sets {
    Search,
    Empty,
}

/// True when every match of `pattern` contains an ASCII digit, so a field without
/// one can skip it. Decided on the parsed pattern, not guessed from its text.
pub fn must_match_digit(pattern: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn digit_only_class(c: &Class) -> bool {
        match c {
            Class::Unicode(u) => {
                !u.ranges().is_empty()
                    && u.ranges()
                        .iter()
                        .all(|r| r.start() >= '0' && r.end() <= '9')
            }
            Class::Bytes(b) => {
                !b.ranges().is_empty()
                    && b.ranges()
                        .iter()
                        .all(|r| r.start() >= b'0' && r.end() <= b'9')
            }
        }
    }
    fn must(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Literal(l) => l.0.iter().any(u8::is_ascii_digit),
            HirKind::Class(c) => digit_only_class(c),
            HirKind::Concat(parts) => parts.iter().any(must),
            HirKind::Alternation(alts) => !alts.is_empty() && alts.iter().all(must),
            HirKind::Repetition(r) => r.min >= 1 && must(&r.sub),
            HirKind::Capture(c) => must(&c.sub),
            HirKind::Empty | HirKind::Look(_) => false,
        }
    }
    regex_syntax::Parser::new()
        .parse(pattern)
        .map(|h| must(&h))
        .unwrap_or(false)
}

/// How many sets the digit patterns are split over (see `RuleSet::pattern_sets`).
const DIGIT_SET_GROUPS: usize = 4;

/// `patterns` (in rule order) cut into `groups` runs of about equal length, never
/// between two patterns of one rule.
fn split_by_rule(patterns: Vec<(usize, usize)>, groups: usize) -> Vec<Vec<(usize, usize)>> {
    let per = patterns.len().div_ceil(groups.max(1)).max(1);
    let mut out: Vec<Vec<(usize, usize)>> = Vec::new();
    for p in patterns {
        match out.last_mut() {
            Some(last) if last.len() < per || last.last().is_some_and(|l| l.0 == p.0) => {
                last.push(p)
            }
            _ => out.push(vec![p]),
        }
    }
    out
}

/// One multi-pattern regex over the given (rule, pattern) pairs: what
/// `regex::RegexSetBuilder` configures, with our limits.
fn pattern_set(
    rules: &[Rule],
    digits: bool,
    map: Vec<(usize, usize)>,
) -> Result<PatternSet, String> {
    use regex_automata::meta;
    let sources: Vec<&str> = map
        .iter()
        .map(|&(ri, pi)| rules[ri].pattern_sources[pi].as_str())
        .collect();
    let config = meta::Config::new()
        .nfa_size_limit(Some(SET_SIZE_LIMIT))
        .hybrid_cache_capacity(if digits {
            DIGIT_DFA_CACHE_LIMIT
        } else {
            DFA_CACHE_LIMIT
        })
        .match_kind(regex_automata::MatchKind::All)
        .utf8_empty(true)
        .which_captures(regex_automata::nfa::thompson::WhichCaptures::None);
    let set = meta::Builder::new()
        .configure(config)
        .syntax(regex_automata::util::syntax::Config::new().utf8(true))
        .build_many(&sources)
        .map_err(|e| {
            format!(
                "the combined pattern set does not compile: {}",
                one_line(&e.to_string())
            )
        })?;
    Ok(PatternSet { digits, set, map })
}

pub(super) fn build_set(rules: Vec<Rule>, sets: Sets) -> Result<RuleSet, RuleErrors> {
    let set_error = |m: String| {
        RuleErrors(vec![RuleError {
            file: "(all rules)".into(),
            rule: None,
            line: None,
            column: None,
            message: m,
        }])
    };
    // (rule, pattern) of each digit pattern and of each other pattern, in rule order.
    let mut groups: [Vec<(usize, usize)>; 2] = [Vec::new(), Vec::new()];
    for (ri, r) in rules.iter().enumerate().filter(|_| sets == Sets::Search) {
        for (pi, p) in r.pattern_sources.iter().enumerate() {
            let digits = r.validator.is_some() || must_match_digit(p);
            groups[usize::from(!digits)].push((ri, pi));
        }
    }
    let [digit_patterns, other_patterns] = groups;
    let mut maps: Vec<(bool, Vec<(usize, usize)>)> =
        split_by_rule(digit_patterns, DIGIT_SET_GROUPS)
            .into_iter()
            .map(|m| (true, m))
            .collect();
    if !other_patterns.is_empty() {
        maps.push((false, other_patterns));
    }
    // The sets compile in parallel, in the order the scan runs them.
    let pattern_sets = maps
        .into_par_iter()
        .map(|(digits, map)| pattern_set(&rules, digits, map))
        .collect::<Result<Vec<_>, _>>()
        .map_err(set_error)?;
    let mut literals = Vec::new();
    let mut keyword_map = Vec::new();
    for (ri, r) in rules.iter().enumerate().filter(|_| sets == Sets::Search) {
        for (ki, k) in r.keywords.iter().enumerate() {
            literals.push(k.text.clone());
            keyword_map.push((ri, ki));
            for v in super::spelling::ascii_variants(&k.text) {
                literals.push(v);
                keyword_map.push((ri, ki));
            }
        }
    }
    let keywords = if literals.is_empty() {
        None
    } else {
        Some(
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(&literals)
                .map_err(|e| set_error(format!("keyword automaton: {e}")))?,
        )
    };
    Ok(RuleSet {
        rules,
        pattern_sets,
        keywords,
        keyword_map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_requirement_is_read_from_the_pattern() {
        assert!(must_match_digit("(?-u:\\b)[0-9]{6}-[0-9]{4}"));
        assert!(must_match_digit("(?:07[0-9]|08)-[0-9 ]+"));
        assert!(must_match_digit("\\p{Lu}\\p{Ll}+ [1-9][0-9]*"));
        assert!(!must_match_digit("[a-z0-9._]+@[a-z0-9.-]+"));
        assert!(!must_match_digit("(?:[0-9]+)?abc"));
        assert!(!must_match_digit("x|[0-9]"));
    }

    #[test]
    fn digit_sets_are_cut_between_rules_never_inside_one() {
        let patterns = vec![
            (0, 0),
            (0, 1),
            (0, 2),
            (1, 0),
            (2, 0),
            (2, 1),
            (3, 0),
            (4, 0),
        ];
        let groups = split_by_rule(patterns.clone(), 4);
        assert!(groups.len() <= 4, "{groups:?}");
        assert_eq!(groups.concat(), patterns, "order and membership kept");
        for pair in groups.windows(2) {
            let (last, first) = (pair[0].last().unwrap(), pair[1][0]);
            assert_ne!(last.0, first.0, "rule {} split over two sets", first.0);
        }
        assert!(split_by_rule(Vec::new(), 4).is_empty());
    }
}
