//! Art. 15(4) for exports: run the rule pack over every exported text and mask
//! each match that is not one of the person's own identifiers.

use super::package::MessageOut;
use crate::engine::{Match, Matcher};
use crate::model::Category;
use crate::source::MailMessage;
use crate::subject::find::RequestResult;
use crate::subject::identity::{self, IdKind, Normaliser};
use std::collections::{BTreeMap, HashSet};

pub struct OthersMasker {
    matcher: Matcher,
    own: HashSet<(IdKind, String)>,
    norm: Normaliser,
    matches: Vec<Match>,
}

impl OthersMasker {
    pub fn new(result: &RequestResult, rules: &crate::rules::RuleSet, norm: &Normaliser) -> Self {
        OthersMasker {
            matcher: Matcher::new(rules.clone()),
            own: result
                .searched
                .iter()
                .map(|s| (s.kind, s.value.clone()))
                .collect(),
            norm: norm.clone(),
            matches: Vec::new(),
        }
    }

    /// Is `value`, found by a rule of `category`, one of the person's own?
    fn is_own(&self, category: Category, value: &str) -> bool {
        let kind = match category {
            Category::Email => IdKind::Email,
            Category::Phone => IdKind::Phone,
            Category::NationalId => IdKind::NationalId,
            _ => return false,
        };
        self.norm
            .normalise(kind, value)
            .is_some_and(|k| self.own.contains(&(kind, k)))
    }

    /// `text` with every identifier that is not the person's masked.
    pub fn mask(&mut self, text: &str, field: &str) -> String {
        self.matcher.scan(text, field, &mut self.matches);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let matches = std::mem::take(&mut self.matches);
        for m in &matches {
            if m.start < at {
                continue;
            }
            let category = self.matcher.rules().rules[m.rule].category;
            let value = &text[m.start..m.end];
            if self.is_own(category, value) {
                continue;
            }
            out.push_str(&text[at..m.start]);
            out.push_str(&crate::redact::mask(category, value));
            at = m.end;
        }
        out.push_str(&text[at..]);
        self.matches = matches;
        out
    }

    /// A message the person is party to: their own address in clear, everyone
    /// else's masked, texts masked.
    pub fn message(&mut self, m: &MailMessage) -> MessageOut {
        let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in &m.addresses {
            let addr = a.address.as_deref().unwrap_or("");
            let theirs =
                identity::email(addr).is_some_and(|k| self.own.contains(&(IdKind::Email, k)));
            let shown = if theirs {
                match a.name.as_deref().filter(|n| !n.trim().is_empty()) {
                    Some(n) => format!("{n} <{addr}>"),
                    None => addr.to_string(),
                }
            } else {
                let name = a
                    .name
                    .as_deref()
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| format!("{} ", crate::redact::mask(Category::PersonName, n)))
                    .unwrap_or_default();
                format!("{name}<{}>", crate::redact::mask(Category::Email, addr))
            };
            headers.entry(a.header.clone()).or_default().push(shown);
        }
        let mut text = BTreeMap::new();
        for t in &m.texts {
            let label = t.part.label();
            let masked = self.mask(&t.text, &label);
            text.entry(label)
                .and_modify(|s: &mut String| {
                    s.push_str("\n\n");
                    s.push_str(&masked);
                })
                .or_insert(masked);
        }
        MessageOut {
            headers,
            date: m
                .date
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()),
            subject: m.subject.as_deref().map(|s| self.mask(s, "subject")),
            text,
            attachments: m.attachments.iter().map(|a| a.name.clone()).collect(),
        }
    }
}
