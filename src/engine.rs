//! The matcher: one pass per field for all rules. A field without an ASCII digit
//! skips the numeric rules; a multi-pattern regex says which patterns can match at all; only
//! those run `find_iter`; validators and context words run on candidates only.

use crate::rules::compile::lower_same_len_into;
use crate::rules::headers::HeaderClass;
use crate::rules::{Rule, RuleSet};
use aho_corasick::AhoCorasick;

#[cfg(test)]
mod language_packs;

/// A rule hit in one field. Offsets are bytes into the field text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub confidence: f32,
    /// The match spans the whole (trimmed) field value.
    pub whole: bool,
}

/// Per-thread matcher: owns its clone of the rule set (own regex caches) and reusable
/// buffers, so the hot loop does not allocate per field.
#[derive(Clone)]
pub struct Matcher {
    rules: RuleSet,
    lower: String,
    lower_valid: bool,
    candidates: Vec<Match>,
    /// What each field (column or mail part) name says to each rule, computed once
    /// per distinct name: the same few columns come back on every row.
    field_facts: std::collections::HashMap<String, std::sync::Arc<[FieldFact]>>,
    /// This thread's search caches, one per pattern set.
    set_caches: Vec<regex_automata::meta::Cache>,
    /// Which patterns of a set matched the field, reused from field to field.
    set_hits: regex_automata::PatternSet,
    /// (rule, start, end) of a pass's candidates, reused from pass to pass.
    spans: Vec<(usize, usize, usize)>,
}

/// What a field name says to one rule.
#[derive(Debug, Clone, Copy, Default)]
struct FieldFact {
    /// A `columns` hint matches, or the name holds a context word.
    context: bool,
    /// The name holds an `exclude_context` word.
    exclude: bool,
}

/// Distinct field names remembered before the memo starts over (mail attachment
/// names are many).
const FIELD_MEMO: usize = 4096;

const VALIDATOR_BONUS: f64 = 0.25;
const CONTEXT_BONUS: f64 = 0.15;
const EXCLUDE_PENALTY: f64 = 0.3;

impl Matcher {
    pub fn new(rules: RuleSet) -> Matcher {
        let set_caches = rules
            .pattern_sets
            .iter()
            .map(|p| p.set.create_cache())
            .collect();
        let widest = rules.pattern_sets.iter().map(|p| p.set.pattern_len());
        let set_hits = regex_automata::PatternSet::new(widest.max().unwrap_or(0));
        Matcher {
            rules,
            lower: String::new(),
            lower_valid: false,
            candidates: Vec::new(),
            field_facts: std::collections::HashMap::new(),
            set_caches,
            set_hits,
            spans: Vec::new(),
        }
    }

    fn field_facts(&mut self, field: &str) -> std::sync::Arc<[FieldFact]> {
        if let Some(f) = self.field_facts.get(field) {
            return f.clone();
        }
        if self.field_facts.len() >= FIELD_MEMO {
            self.field_facts.clear();
        }
        let named = crate::rules::headers::header_class(field);
        let words = field_words(field);
        let facts: std::sync::Arc<[FieldFact]> = self
            .rules
            .rules
            .iter()
            .map(|r| FieldFact {
                context: named == Some(HeaderClass::Personal(r.category))
                    || r.column_hint(field)
                    || r.context
                        .as_ref()
                        .is_some_and(|c| field_mentions(&words, c.field_automaton.as_ref())),
                exclude: r
                    .exclude
                    .as_ref()
                    .is_some_and(|x| field_mentions(&words, x.field_automaton.as_ref())),
            })
            .collect();
        self.field_facts.insert(field.to_string(), facts.clone());
        facts
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// All matches of all rules in `text`, overlaps resolved (the most confident
    /// wins), sorted by position. `field` is the column or header name: it counts as
    /// context, and a column hint of the rule counts as context too.
    pub fn scan(&mut self, text: &str, field: &str, out: &mut Vec<Match>) {
        out.clear();
        self.candidates.clear();
        self.lower_valid = false;
        if text.trim().is_empty() {
            return;
        }
        let has_digit = text.bytes().any(|b| b.is_ascii_digit());
        let mut cands = std::mem::take(&mut self.candidates);
        for set in 0..self.rules.pattern_sets.len() {
            if has_digit || !self.rules.pattern_sets[set].digits {
                self.pattern_pass(set, text, field, &mut cands);
            }
        }
        self.keyword_pass(text, field, None, &mut cands);
        drop_redaction_labels(&mut cands, text);
        resolve_overlaps(&mut cands);
        merge_phrases(&mut cands, text, &self.rules.rules);
        out.extend_from_slice(&cands);
        self.candidates = cands;
    }

    /// Matches of one rule alone, no overlap resolution: what `rules test` checks.
    pub fn scan_rule(&mut self, rule: usize, text: &str, field: &str) -> Vec<Match> {
        self.lower_valid = false;
        let mut out = Vec::new();
        let Some(r) = self.rules.rules.get(rule) else {
            return out;
        };
        for re in r.patterns.clone() {
            for m in re.find_iter(text) {
                self.consider(rule, m.start(), m.end(), text, field, &mut out);
            }
        }
        self.keyword_pass(text, field, Some(rule), &mut out);
        out
    }

    fn pattern_pass(&mut self, set: usize, text: &str, field: &str, out: &mut Vec<Match>) {
        let (set, cache) = (&self.rules.pattern_sets[set], &mut self.set_caches[set]);
        if set.map.is_empty() {
            return;
        }
        // Clearing a pattern set touches every pattern's slot: only after hits.
        if !self.set_hits.is_empty() {
            self.set_hits.clear();
        }
        set.set.which_overlapping_matches_with(
            cache,
            &regex_automata::Input::new(text),
            &mut self.set_hits,
        );
        if self.set_hits.is_empty() {
            return;
        }
        // Collect first: `consider` needs `&mut self` for the lower-case buffer.
        let mut spans = std::mem::take(&mut self.spans);
        spans.clear();
        for i in self.set_hits.iter() {
            let (ri, pi) = set.map[i.as_usize()];
            for m in self.rules.rules[ri].patterns[pi].find_iter(text) {
                spans.push((ri, m.start(), m.end()));
            }
        }
        for &(ri, s, e) in &spans {
            self.consider(ri, s, e, text, field, out);
        }
        self.spans = spans;
    }

    fn keyword_pass(&mut self, text: &str, field: &str, only: Option<usize>, out: &mut Vec<Match>) {
        let Some(ac) = self.rules.keywords.clone() else {
            return;
        };
        let haystack_is_lower = !text.is_ascii();
        if haystack_is_lower {
            self.ensure_lower(text);
        }
        let mut spans = std::mem::take(&mut self.spans);
        spans.clear();
        {
            let hay: &str = if haystack_is_lower { &self.lower } else { text };
            for m in ac.find_overlapping_iter(hay) {
                let (ri, ki) = self.rules.keyword_map[m.pattern().as_usize()];
                if only.is_some_and(|o| o != ri) {
                    continue;
                }
                let kw = &self.rules.rules[ri].keywords[ki];
                let (mut s, mut e) = (m.start(), m.end());
                let before_ok = !is_word_char_before(hay, s);
                let after_ok = !is_word_char_after(hay, e);
                if (!before_ok && !kw.open_start) || (!after_ok && !kw.open_end) {
                    continue;
                }
                if kw.open_start {
                    s = word_start(hay, s);
                }
                if kw.open_end {
                    e = word_end(hay, e);
                }
                spans.push((ri, s, e));
            }
        }
        for &(ri, s, e) in &spans {
            self.consider(ri, s, e, text, field, out);
        }
        self.spans = spans;
    }

    fn ensure_lower(&mut self, text: &str) {
        if !self.lower_valid {
            lower_same_len_into(text, &mut self.lower);
            self.lower_valid = true;
        }
    }

    /// Validator, exclusions and context for one candidate; pushes it if it survives.
    fn consider(
        &mut self,
        ri: usize,
        start: usize,
        end: usize,
        text: &str,
        field: &str,
        out: &mut Vec<Match>,
    ) {
        if start >= end {
            return;
        }
        let rule = &self.rules.rules[ri];
        let trimmed_start = text.len() - text.trim_start().len();
        let trimmed_end = text.trim_end().len();
        let whole = start <= trimmed_start && end >= trimmed_end;
        if rule.whole_value && !whole {
            return;
        }
        if let Some(v) = rule.validator
            && !v.check(&text[start..end])
        {
            return;
        }
        let mut confidence = rule.base_confidence;
        if let Some(v) = rule.validator {
            confidence += VALIDATOR_BONUS - v.confidence_penalty(&text[start..end]);
        }
        let needs_lower = rule.exclude.is_some() || rule.context.is_some();
        let has_hints = !rule.columns.is_empty();
        if needs_lower {
            self.ensure_lower(text);
        }
        let fact = if needs_lower || has_hints {
            self.field_facts(field)[ri]
        } else {
            FieldFact::default()
        };
        let rule = &self.rules.rules[ri];
        if let Some(x) = &rule.exclude
            && (words_near(
                &self.lower,
                start,
                end,
                Window {
                    chars: x.window,
                    before_only: x.before_only,
                    sentence: x.sentence,
                },
                x.automaton.as_ref(),
            ) || fact.exclude)
        {
            if x.drop {
                return;
            }
            confidence -= EXCLUDE_PENALTY;
        }
        if let Some(c) = &rule.context {
            let found = fact.context
                || words_near(
                    &self.lower,
                    start,
                    end,
                    Window {
                        chars: c.window,
                        before_only: c.before_only,
                        sentence: false,
                    },
                    c.automaton.as_ref(),
                );
            if found {
                confidence += CONTEXT_BONUS;
            } else if c.required {
                return;
            }
        } else if fact.context {
            confidence += CONTEXT_BONUS;
        }
        let confidence = (confidence.clamp(0.05, 0.99) * 100.0).round() / 100.0;
        out.push(Match {
            rule: ri,
            start,
            end,
            confidence: confidence as f32,
            whole,
        });
    }
}

/// A field (column or header) name as lower-case words joined by single spaces:
/// names are split on anything that is not a letter or digit, so `platform_version`
/// holds `version`, but `export_kunder.csv` does not hold `origin` and `lead_origin`
/// holds it only as its own word.
fn field_words(field: &str) -> String {
    field
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Does the field name (as [`field_words`]) hold one of the automaton's words as
/// whole words? One automaton search per rule, whatever the number of words.
fn field_mentions(joined: &str, words: Option<&AhoCorasick>) -> bool {
    let Some(ac) = words else { return false };
    if joined.is_empty() {
        return false;
    }
    let b = joined.as_bytes();
    ac.find_overlapping_iter(joined).any(|m| {
        let before = m.start() == 0 || b[m.start() - 1] == b' ';
        let after = m.end() == b.len() || b[m.end()] == b' ';
        before && after
    })
}

/// Where context or exclusion words are looked for around a match.
#[derive(Clone, Copy)]
struct Window {
    /// Bytes on each side.
    chars: usize,
    before_only: bool,
    /// Stop at the sentence's end on either side.
    sentence: bool,
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n')
}

/// Is one of `words` in the window around `[start, end)`, starting at a word start?
fn words_near(
    lower: &str,
    start: usize,
    end: usize,
    window: Window,
    words: Option<&AhoCorasick>,
) -> bool {
    let Some(ac) = words else { return false };
    let mut from = floor_char(lower, start.saturating_sub(window.chars));
    let mut to = if window.before_only {
        start
    } else {
        ceil_char(lower, (end + window.chars).min(lower.len()))
    };
    if window.sentence {
        if let Some(p) = lower
            .get(from..start)
            .and_then(|s| s.rfind(is_sentence_end))
        {
            from += p + 1;
        }
        if let Some(p) = lower.get(end..to).and_then(|s| s.find(is_sentence_end)) {
            to = end + p;
        }
    }
    let Some(hay) = lower.get(from..to) else {
        return false;
    };
    ac.find_overlapping_iter(hay)
        .any(|m| !is_word_char_before(lower, from + m.start()))
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word_char_before(s: &str, i: usize) -> bool {
    s.get(..i)
        .and_then(|p| p.chars().next_back())
        .is_some_and(is_word_char)
}

fn is_word_char_after(s: &str, i: usize) -> bool {
    s.get(i..)
        .and_then(|p| p.chars().next())
        .is_some_and(is_word_char)
}

fn word_start(s: &str, mut i: usize) -> usize {
    while let Some(c) = s.get(..i).and_then(|p| p.chars().next_back()) {
        if !is_word_char(c) {
            break;
        }
        i -= c.len_utf8();
    }
    i
}

fn word_end(s: &str, mut i: usize) -> usize {
    while let Some(c) = s.get(i..).and_then(|p| p.chars().next()) {
        if !is_word_char(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// Where matches overlap, keep the most confident (then the longest, then the
/// earlier rule): a validated personnummer beats a phone-shaped reading of it.
fn resolve_overlaps(cands: &mut Vec<Match>) {
    if cands.len() < 2 {
        return;
    }
    let better = |a: &Match, b: &Match| -> bool {
        let ka = (a.confidence, a.end - a.start);
        let kb = (b.confidence, b.end - b.start);
        match ka.partial_cmp(&kb) {
            Some(std::cmp::Ordering::Greater) => true,
            Some(std::cmp::Ordering::Less) => false,
            _ => a.rule < b.rule,
        }
    };
    cands.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.rule.cmp(&b.rule))
    });
    cands.dedup_by(|b, a| a.rule == b.rule && a.start == b.start && a.end == b.end);
    // Kept matches never overlap and come in start order, so only the last one can
    // reach past a later candidate's start: one comparison per candidate, linear
    // however many matches a field holds.
    let mut keep: Vec<Match> = Vec::with_capacity(cands.len());
    for c in cands.drain(..) {
        match keep.last() {
            Some(k) if k.end > c.start => {
                if better(&c, k) {
                    keep.pop();
                    keep.push(c);
                }
            }
            _ => keep.push(c),
        }
    }
    keep.sort_by(|a, b| a.start.cmp(&b.start).then(a.rule.cmp(&b.rule)));
    *cands = keep;
}

/// Most characters between two special-category hits that still make one phrase.
const PHRASE_GAP: usize = 24;

/// Hits of one special-category rule close together in one sentence ("Åtalad för
/// misshandel") are one finding, not two: merge them into one match spanning both.
fn merge_phrases(cands: &mut Vec<Match>, text: &str, rules: &[Rule]) {
    if cands.len() < 2 {
        return;
    }
    let mut out: Vec<Match> = Vec::with_capacity(cands.len());
    for c in cands.drain(..) {
        if let Some(last) = out.last_mut() {
            let (a, b) = (&rules[last.rule], &rules[c.rule]);
            let gap = text.get(last.end..c.start);
            // Only hits of the same rule: "sjukskriven för utmattningssyndrom" is two
            // facts (sick leave, a diagnosis), "Åtalad för misshandel" one.
            let joinable = last.rule == c.rule
                && a.category == b.category
                && a.category.is_special()
                && c.start >= last.end
                && gap.is_some_and(|g| {
                    g.len() <= PHRASE_GAP && !g.contains(['.', '!', '?', ';', '\n', ','])
                });
            if joinable {
                last.end = c.end;
                last.confidence = last.confidence.max(c.confidence);
                last.whole = last.whole || c.whole;
                continue;
            }
        }
        out.push(c);
    }
    *cands = out;
}

/// Matches that lie inside a redaction label (`[health data removed]`, written by
/// `redact`) are the tool's own placeholder, not data.
fn drop_redaction_labels(cands: &mut Vec<Match>, text: &str) {
    if cands.is_empty() || memchr::memchr(b']', text.as_bytes()).is_none() {
        return;
    }
    let bytes = text.as_bytes();
    let max = crate::i18n::MAX_LABEL_BYTES;
    cands.retain(|m| {
        let from = m.start.saturating_sub(max);
        let Some(open) =
            memchr::memrchr(b'[', &bytes[from..m.start.min(bytes.len())]).map(|i| from + i)
        else {
            return true;
        };
        let to = (m.end + max).min(bytes.len());
        let Some(close) = memchr::memchr(b']', &bytes[m.end.min(to)..to]).map(|i| m.end + i) else {
            return true;
        };
        !text
            .get(open..=close)
            .is_some_and(crate::i18n::is_redaction_label)
    });
}
