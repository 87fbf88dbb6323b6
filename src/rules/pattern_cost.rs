//! What a pattern costs, measured when its rule file is loaded. The regex engine is
//! linear in the text, but the constant is the automaton: `(?:a|aa){100}{100}` is
//! ten thousand copies of a small one, and a lazy DFA over it rebuilds its cache
//! every few bytes (seconds per field). Two deterministic checks, no clocks:
//! the compiled NFA's number of states, and a bounded trial search over a text
//! made of the pattern's own characters (its worst case), which must not give up
//! on its search cache.

use regex_automata::hybrid::regex::Regex as LazyRegex;
use regex_automata::nfa::thompson;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Most NFA states one pattern may compile to. The largest bundled pattern needs
/// a few thousand; pathological nesting of bounded repetitions needs tens of
/// thousands and more.
pub const MAX_PATTERN_STATES: usize = 20_000;
/// Length of the trial text.
const TRIAL_BYTES: usize = 16 * 1024;
/// The trial's lazy-DFA cache, and how often it may be cleared before the search
/// counts as one that thrashes.
const TRIAL_CACHE: usize = 1024 * 1024;
const TRIAL_CLEARS: usize = 4;

/// `Err(reason)` when `pattern` is too costly to run on every field. A pattern
/// that does not compile passes here: the regex crate reports it with its position.
pub fn check(pattern: &str) -> Result<(), String> {
    let Ok(nfa) = thompson::Compiler::new()
        .configure(thompson::Config::new().nfa_size_limit(Some(64 * 1024 * 1024)))
        .build(pattern)
    else {
        return Ok(());
    };
    let states = nfa.states().len();
    if states > MAX_PATTERN_STATES {
        return Err(format!(
            "too costly: compiles to {states} automaton states (at most {MAX_PATTERN_STATES}); nested bounded repetitions such as `{{100}}{{100}}` multiply"
        ));
    }
    let Ok(re) = LazyRegex::builder()
        .dfa(
            regex_automata::hybrid::dfa::Config::new()
                .cache_capacity(TRIAL_CACHE)
                .minimum_cache_clear_count(Some(TRIAL_CLEARS))
                .minimum_bytes_per_state(Some(10)),
        )
        .build(pattern)
    else {
        return Ok(());
    };
    let mut cache = re.create_cache();
    let hay = trial_text(pattern);
    let mut at = 0;
    while at < hay.len() {
        let input = regex_automata::Input::new(&hay).range(at..);
        match re.try_search(&mut cache, &input) {
            Ok(Some(m)) => at = m.end().max(m.start() + 1),
            Ok(None) => break,
            Err(_) => {
                return Err(format!(
                    "too costly: a trial search over {TRIAL_BYTES} bytes of its own characters exhausted the search cache (the pattern would take seconds per field)"
                ));
            }
        }
    }
    Ok(())
}

/// A text of the characters the pattern mentions, in a fixed pseudo-random order:
/// the input on which its automaton has the most states to visit.
fn trial_text(pattern: &str) -> Vec<u8> {
    let mut alphabet = Vec::new();
    if let Ok(hir) = regex_syntax::parse(pattern) {
        collect_chars(&hir, &mut alphabet);
    }
    alphabet.sort_unstable();
    alphabet.dedup();
    if alphabet.is_empty() {
        alphabet.push('a');
    }
    let mut out = Vec::with_capacity(TRIAL_BYTES + 4);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut buf = [0u8; 4];
    while out.len() < TRIAL_BYTES {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Mostly the first character (runs, like `aaaa`), sometimes any other.
        let c = if seed.is_multiple_of(4) {
            alphabet[(seed >> 8) as usize % alphabet.len()]
        } else {
            alphabet[0]
        };
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    out
}

fn collect_chars(hir: &Hir, out: &mut Vec<char>) {
    if out.len() > 64 {
        return;
    }
    match hir.kind() {
        HirKind::Literal(l) => out.extend(String::from_utf8_lossy(&l.0).chars()),
        HirKind::Class(Class::Unicode(c)) => {
            out.extend(c.ranges().iter().take(8).map(|r| r.start()));
        }
        HirKind::Class(Class::Bytes(c)) => out.extend(
            c.ranges()
                .iter()
                .take(8)
                .filter(|r| r.start().is_ascii())
                .map(|r| r.start() as char),
        ),
        HirKind::Repetition(r) => collect_chars(&r.sub, out),
        HirKind::Capture(c) => collect_chars(&c.sub, out),
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            for h in v {
                collect_chars(h, out);
            }
        }
        HirKind::Empty | HirKind::Look(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathological_patterns_are_refused_and_ordinary_ones_pass() {
        let e = check("(?:a|aa){100}{100}").unwrap_err();
        assert!(e.contains("too costly"), "{e}");
        for ok in [
            r"(?-u:\b)(?:19|20)?[0-9]{6}[-+]?[0-9]{4}(?-u:\b)",
            r"[\w.+-]+@[\w-]+\.[\w.-]+",
            "(?i)sjukskriv",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
    }

    #[test]
    fn every_bundled_pattern_passes() {
        let rules = crate::rules::RuleSet::builtin().expect("bundled rules load");
        for r in &rules.rules {
            for p in &r.pattern_sources {
                assert!(check(p).is_ok(), "{}: {p}: {:?}", r.id, check(p));
            }
        }
    }
}
