//! What a pattern costs, measured when its rule file is loaded. The regex engine is
//! linear in the text, but the constant is the automaton: `(?:a|aa){100}{100}` is
//! ten thousand copies of a small one, and a lazy DFA over it rebuilds its cache
//! every few bytes (seconds per field). Three deterministic checks, no clocks:
//! the compiled NFA's number of states; that its lazy DFA fits a search cache at
//! all (`(?:.{0,100}a){20}` does not, and the engine would fall back to its slow
//! search); and bounded trial searches over texts made of the pattern's own
//! characters, runs of each of them, prose and digits, which must not give up on
//! their search cache.

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
    let re = LazyRegex::builder()
        .dfa(
            regex_automata::hybrid::dfa::Config::new()
                .cache_capacity(TRIAL_CACHE)
                .minimum_cache_clear_count(Some(TRIAL_CLEARS))
                .minimum_bytes_per_state(Some(10)),
        )
        .build(pattern);
    let re = match re {
        Ok(re) => re,
        // The automaton does not fit the search cache at all: the engine would
        // search with its slow fallback, seconds per megabyte.
        // (Only that: a pattern the lazy DFA cannot run at all, such as one with a
        // Unicode `\b`, is searched by the engine's other ones, as before.)
        Err(e) if e.to_string().contains("smaller than minimum required") => {
            return Err(format!(
                "too costly: its search automaton does not fit a {} KiB search cache ({}); repetitions of wide classes such as `(?:.{{0,100}}a){{20}}` multiply",
                TRIAL_CACHE / 1024,
                e
            ));
        }
        Err(_) => return Ok(()),
    };
    let mut cache = re.create_cache();
    for (what, hay) in trial_texts(pattern) {
        if thrashes(&re, &mut cache, &hay) {
            return Err(format!(
                "too costly: a trial search over {} bytes of {what} exhausted the search cache (the pattern would take seconds per megabyte)",
                hay.len()
            ));
        }
    }
    Ok(())
}

/// Search `hay` from start to end, match after match: true when the lazy DFA gives
/// up (its cache cleared too often for the bytes it searched).
fn thrashes(re: &LazyRegex, cache: &mut regex_automata::hybrid::regex::Cache, hay: &[u8]) -> bool {
    let mut at = 0;
    while at < hay.len() {
        let input = regex_automata::Input::new(hay).range(at..);
        match re.try_search(cache, &input) {
            Ok(Some(m)) => at = m.end().max(m.start() + 1),
            Ok(None) => break,
            Err(_) => return true,
        }
    }
    false
}

/// Characters a run text mixes with its run character, besides the pattern's own:
/// letters, a digit, a space, punctuation, a newline.
const FILLER: &str = "eE1 -.@,\n";
/// Run texts made, one per character the pattern mentions, at most.
const MAX_RUN_CHARS: usize = 12;
/// Length of each run text: a thrashing automaton gives up within a kilobyte or two.
const RUN_BYTES: usize = 4 * 1024;
/// Prose with identifiers, as fields hold them.
const PROSE: &str = "Kunden Anna Svensson (pnr 19121212-1212, tel 070-123 45 67) skrev till anna.svensson@example.se den 2024-03-01: Ring mig om fakturan 4111 1111 1111 1111. ";

/// The texts a pattern is tried on, each with what it is: the characters the
/// pattern mentions (runs of the first, sometimes any other); for each of them,
/// runs of it among the others and some filler (a lazy DFA's worst case is a
/// character its repetitions count, in varying runs); prose with identifiers; and
/// digits with separators.
fn trial_texts(pattern: &str) -> Vec<(String, Vec<u8>)> {
    let mut alphabet = Vec::new();
    if let Ok(hir) = regex_syntax::parse(pattern) {
        collect_chars(&hir, &mut alphabet);
    }
    alphabet.sort_unstable();
    alphabet.dedup();
    if alphabet.is_empty() {
        alphabet.push('a');
    }
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut texts = Vec::new();
    // Mostly the first character (runs, like `aaaa`), sometimes any other.
    let own = fill(TRIAL_BYTES, || {
        let r = rng.next();
        if r.is_multiple_of(4) {
            alphabet[(r >> 8) as usize % alphabet.len()]
        } else {
            alphabet[0]
        }
    });
    texts.push(("its own characters".to_string(), own));
    let mut others: Vec<char> = alphabet.clone();
    others.extend(FILLER.chars());
    for &c in alphabet
        .iter()
        .filter(|c| !c.is_control())
        .take(MAX_RUN_CHARS)
    {
        let mut run = 0u64;
        let mut in_run = false;
        let text = fill(RUN_BYTES, || {
            if run == 0 {
                in_run = !in_run;
                run = 1 + rng.next() % 8;
            }
            run -= 1;
            if in_run {
                c
            } else {
                others[(rng.next() >> 8) as usize % others.len()]
            }
        });
        texts.push((format!("runs of {c:?}"), text));
    }
    let prose: Vec<char> = PROSE.chars().collect();
    let mut i = 0;
    texts.push((
        "prose".to_string(),
        fill(RUN_BYTES, || {
            i += 1;
            prose[(i - 1) % prose.len()]
        }),
    ));
    texts.push((
        "digits".to_string(),
        fill(RUN_BYTES, || {
            let r = rng.next();
            if r.is_multiple_of(9) {
                [' ', '-', '.', '/'][(r >> 8) as usize % 4]
            } else {
                char::from(b'0' + (r >> 8) as u8 % 10)
            }
        }),
    ));
    texts
}

/// `len` bytes (and at most one character more) of characters from `next`.
fn fill(len: usize, mut next: impl FnMut() -> char) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 4);
    let mut buf = [0u8; 4];
    while out.len() < len {
        out.extend_from_slice(next().encode_utf8(&mut buf).as_bytes());
    }
    out
}

/// A fixed pseudo-random sequence: the trial texts are the same on every load.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
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
        for bad in [
            "(?:a|aa){100}{100}",
            "(?:.{0,100}a){20}",
            r"(?:\w{0,100}x){20}",
            "(?:[0-9]{0,100}7){20}",
        ] {
            let e = check(bad).unwrap_err();
            assert!(e.contains("too costly"), "{e}");
        }
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
