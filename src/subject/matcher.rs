//! One matcher for every subject of a batch: an Aho–Corasick automaton over all
//! normalised literal forms of their identifiers, run over folded text (lower-case,
//! no diacritics, separators inside digit runs dropped), plus the candidates the
//! rule pack's e-mail, phone and national-id rules find, normalised and looked up.
//! A field costs the same whatever the number of subjects.

use super::identity::{self, IdKind, Normaliser};
use crate::engine::{Match, Matcher};
use crate::model::Category;
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use std::collections::HashMap;

/// One identifier searched for, and the requests it belongs to.
#[derive(Debug, Clone)]
pub struct Ident {
    pub kind: IdKind,
    pub key: String,
    /// Indexes into the batch's requests.
    pub requests: Vec<usize>,
    /// `crm/contacts.csv row 17` when linking found it, `None` when it was given.
    pub learned_from: Option<String>,
}

/// How an identifier matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Written exactly as one of its canonical forms.
    Exact,
    /// Another spelling of it (separators, case, `+tag`, country prefix).
    Normalised,
    /// A full name, case- and diacritics-insensitively.
    Name,
}

/// A hit in one text: which identifier, where (bytes into the text), how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextHit {
    pub ident: usize,
    pub start: usize,
    pub end: usize,
    pub how: How,
}

/// Every subject's identifiers, compiled once and shared by all threads.
#[derive(Debug, Clone)]
pub struct SubjectIndex {
    pub idents: Vec<Ident>,
    by_key: HashMap<(IdKind, String), usize>,
    automaton: Option<AhoCorasick>,
    /// Automaton pattern → (identifier, the form as written).
    forms: Vec<(usize, String)>,
    pub norm: Normaliser,
}

impl SubjectIndex {
    /// Identifiers with equal kind and key are merged (their requests joined).
    pub fn build(idents: Vec<Ident>, norm: Normaliser) -> SubjectIndex {
        let mut merged: Vec<Ident> = Vec::new();
        let mut by_key = HashMap::new();
        for id in idents {
            match by_key.get(&(id.kind, id.key.clone())) {
                Some(&i) => {
                    let m: &mut Ident = &mut merged[i];
                    for r in id.requests {
                        if !m.requests.contains(&r) {
                            m.requests.push(r);
                        }
                    }
                }
                None => {
                    by_key.insert((id.kind, id.key.clone()), merged.len());
                    merged.push(id);
                }
            }
        }
        let mut forms = Vec::new();
        for (i, id) in merged.iter().enumerate() {
            let written = match id.kind {
                IdKind::Email => vec![id.key.clone()],
                IdKind::Phone => identity::phone_forms(&id.key, &norm),
                IdKind::NationalId => identity::national_id_forms(&id.key),
                IdKind::Name => identity::name_forms(&id.key),
                // Customer ids are numbers like any other: only id columns hold them.
                IdKind::CustomerId => Vec::new(),
            };
            for f in written {
                forms.push((i, f));
            }
        }
        let automaton = (!forms.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(forms.iter().map(|(_, f)| fold(f).text))
                    .ok()
            })
            .flatten();
        SubjectIndex {
            idents: merged,
            by_key,
            automaton,
            forms,
            norm,
        }
    }

    pub fn lookup(&self, kind: IdKind, key: &str) -> Option<usize> {
        self.by_key.get(&(kind, key.to_string())).copied()
    }

    /// The identifier `value` is, read as `kind`.
    pub fn lookup_value(&self, kind: IdKind, value: &str) -> Option<usize> {
        self.lookup(kind, &self.norm.normalise(kind, value)?)
    }

    /// Every hit of any subject's identifier in `text`, by position.
    pub fn find(
        &self,
        text: &str,
        field: &str,
        rules: &mut Matcher,
        scratch: &mut Scratch,
        out: &mut Vec<TextHit>,
    ) {
        out.clear();
        if text.trim().is_empty() {
            return;
        }
        rules.scan(text, field, &mut scratch.matches);
        for m in &scratch.matches {
            if let Some(h) = self.candidate_hit(rules, m, text) {
                out.push(h);
            }
        }
        if let Some(ac) = &self.automaton {
            fold_into(text, &mut scratch.folded);
            let f = &scratch.folded;
            for m in ac.find_iter(&f.text) {
                let (ident, form) = &self.forms[m.pattern().as_usize()];
                let kind = self.idents[*ident].kind;
                if !bounded(kind, &f.text, m.start(), m.end()) {
                    continue;
                }
                let start = f.map[m.start()].0 as usize;
                let end = f.map[m.end() - 1].1 as usize;
                let how = match kind {
                    IdKind::Name => How::Name,
                    _ if &text[start..end] == form => How::Exact,
                    _ => How::Normalised,
                };
                out.push(TextHit {
                    ident: *ident,
                    start,
                    end,
                    how,
                });
            }
        }
        out.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.ident));
        // A rule candidate and a literal form can find the same place.
        let mut last_end: HashMap<usize, usize> = HashMap::new();
        out.retain(|h| {
            let keep = last_end.get(&h.ident).is_none_or(|&e| h.start >= e);
            if keep {
                last_end.insert(h.ident, h.end);
            }
            keep
        });
    }

    fn candidate_hit(&self, rules: &Matcher, m: &Match, text: &str) -> Option<TextHit> {
        let kind = match rules.rules().rules[m.rule].category {
            Category::Email => IdKind::Email,
            Category::Phone => IdKind::Phone,
            Category::NationalId => IdKind::NationalId,
            _ => return None,
        };
        let value = text.get(m.start..m.end)?;
        let key = self.norm.normalise(kind, value)?;
        let ident = self.lookup(kind, &key)?;
        Some(TextHit {
            ident,
            start: m.start,
            end: m.end,
            how: if value == key {
                How::Exact
            } else {
                How::Normalised
            },
        })
    }
}

/// Per-thread buffers, reused from field to field.
#[derive(Default)]
pub struct Scratch {
    matches: Vec<Match>,
    folded: Folded,
}

/// Text folded for matching, with each folded byte's source span in the original.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    pub text: String,
    pub map: Vec<(u32, u32)>,
}

/// Fold `s` into a new buffer.
pub fn fold(s: &str) -> Folded {
    let mut f = Folded::default();
    fold_into(s, &mut f);
    f
}

/// Lower-case, no diacritics, whitespace runs as one space, and up to two of
/// ` - . /` between digits dropped (`070-123 45 67` → `0701234567`).
pub fn fold_into(s: &str, out: &mut Folded) {
    out.text.clear();
    out.map.clear();
    let mut chars = s.char_indices().peekable();
    let mut one = String::new();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        let prev_digit = out.text.as_bytes().last().is_some_and(u8::is_ascii_digit);
        if prev_digit && is_digit_separator(c) {
            // Drop this separator (and one more right after it) when a digit follows.
            let mut rest = s[end..].char_indices();
            let mut skip_to = end;
            let mut next = rest.next();
            if let Some((j, n)) = next.filter(|&(_, n)| is_digit_separator(n)) {
                skip_to = end + j + n.len_utf8();
                next = rest.next();
            }
            if next.is_some_and(|(_, n)| n.is_ascii_digit()) {
                while chars.peek().is_some_and(|&(j, _)| j < skip_to) {
                    chars.next();
                }
                continue;
            }
        }
        if c.is_whitespace() {
            if out.text.ends_with(' ') {
                if let Some(m) = out.map.last_mut() {
                    m.1 = end as u32;
                }
                continue;
            }
            out.text.push(' ');
            out.map.push((i as u32, end as u32));
            continue;
        }
        one.clear();
        identity::push_folded(c, &mut one);
        out.text.push_str(&one);
        for _ in 0..one.len() {
            out.map.push((i as u32, end as u32));
        }
    }
}

fn is_digit_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '/' | '\u{a0}')
}

/// The match is not part of a longer word, address or number.
fn bounded(kind: IdKind, text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let mut after_it = text[end..].chars();
    let after = after_it.next();
    match kind {
        IdKind::Email => {
            let local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
            let dot_word = after == Some('.') && after_it.next().is_some_and(char::is_alphanumeric);
            !before.is_some_and(local)
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_')
                && !dot_word
        }
        IdKind::Name => {
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        }
        _ => {
            let digitish = |c: char| c.is_ascii_digit();
            let first_is_digit = text[start..].starts_with(|c: char| c.is_ascii_digit());
            !before.is_some_and(|c| digitish(c) || (first_is_digit && c == '+'))
                && !after.is_some_and(digitish)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(idents: &[(IdKind, &str)]) -> SubjectIndex {
        let norm = Normaliser::new("SE", 2026).unwrap();
        let idents = idents
            .iter()
            .map(|(k, v)| Ident {
                kind: *k,
                key: norm.normalise(*k, v).unwrap(),
                requests: vec![0],
                learned_from: None,
            })
            .collect();
        SubjectIndex::build(idents, norm)
    }

    fn find(ix: &SubjectIndex, text: &str) -> Vec<(String, How)> {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let mut m = Matcher::new(rules);
        let mut out = Vec::new();
        ix.find(text, "notes", &mut m, &mut Scratch::default(), &mut out);
        out.iter()
            .map(|h| (text[h.start..h.end].to_string(), h.how))
            .collect()
    }

    #[test]
    fn folding_maps_back_to_the_original() {
        let f = fold("Ring Åsa på 070-123 45 67!");
        assert_eq!(f.text, "ring asa pa 0701234567!");
        assert_eq!(f.map.len(), f.text.len());
        let at = f.text.find("0701").unwrap();
        assert_eq!(f.map[at].0, "Ring Åsa på ".len() as u32);
    }

    #[test]
    fn every_spelling_of_a_phone_matches() {
        let ix = index(&[(IdKind::Phone, "070-123 45 67")]);
        for s in [
            "070-123 45 67",
            "0701234567",
            "+46 70 123 45 67",
            "0046701234567",
        ] {
            let text = format!("Ring mig på {s}, tack.");
            let got = find(&ix, &text);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got[0].0, s);
        }
        assert!(find(&ix, "ordernummer 10701234567").is_empty());
        assert!(find(&ix, "070-123 45 68").is_empty());
    }

    #[test]
    fn personnummer_and_email_spellings_match() {
        let ix = index(&[
            (IdKind::NationalId, "19121212-1212"),
            (IdKind::Email, "anna.svensson@gmail.com"),
        ]);
        for s in ["19121212-1212", "191212121212", "121212+1212"] {
            assert_eq!(find(&ix, &format!("pnr {s} ok")).len(), 1, "{s}");
        }
        let got = find(
            &ix,
            "skriv till Anna.Svensson+jobb@Gmail.com eller anna.svensson@gmail.com",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1, How::Normalised);
        assert_eq!(got[1].1, How::Exact);
        assert!(find(&ix, "xanna.svensson@gmail.com.evil").is_empty());
    }

    #[test]
    fn names_match_in_any_order_but_a_first_name_alone_does_not() {
        let ix = index(&[(IdKind::Name, "Åsa Öberg")]);
        for s in ["Åsa Öberg", "asa oberg", "ÖBERG, ÅSA", "Öberg Åsa"] {
            let got = find(&ix, &format!("Hej {s}!"));
            assert_eq!(got, vec![(s.to_string(), How::Name)], "{s}");
        }
        assert!(find(&ix, "Hej Åsa, hur mår du?").is_empty());
        assert!(find(&ix, "Åsa Öbergsson").is_empty());
    }

    #[test]
    fn one_index_serves_many_requests() {
        let norm = Normaliser::new("SE", 2026).unwrap();
        let ix = SubjectIndex::build(
            vec![
                Ident {
                    kind: IdKind::Email,
                    key: "a@x.se".into(),
                    requests: vec![0],
                    learned_from: None,
                },
                Ident {
                    kind: IdKind::Email,
                    key: "a@x.se".into(),
                    requests: vec![3],
                    learned_from: None,
                },
            ],
            norm,
        );
        assert_eq!(ix.idents.len(), 1);
        assert_eq!(ix.idents[0].requests, vec![0, 3]);
    }
}
