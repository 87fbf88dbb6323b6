//! The lenient second reading of a rule file that serde refused: every unknown and
//! every missing key of every rule, each with its line and column, instead of only
//! the first one serde met.

use super::spec::LoadProblem;
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// The keys a rule may have (the fields of [`super::spec::RuleSpec`]).
pub const RULE_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "category",
    "severity",
    "patterns",
    "keywords",
    "validator",
    "context",
    "exclude_context",
    "columns",
    "confidence",
    "whole_value",
    "article",
    "action",
    "examples",
];

const REQUIRED_KEYS: &[&str] = &["id", "name", "category", "severity"];

type Pos = Option<(u64, u64)>;

fn pos(at: &serde_saphyr::Location) -> Pos {
    (at.line() > 0).then(|| (at.line(), at.column()))
}

/// Every key problem in `text`; empty when the file cannot even be read leniently
/// (then serde's own message is the one to show).
pub fn key_problems(text: &str) -> Vec<LoadProblem> {
    let Ok(top) = serde_saphyr::from_str::<TopLevel>(text) else {
        return Vec::new();
    };
    let mut problems: Vec<LoadProblem> = top
        .unknown
        .into_iter()
        .map(|(key, at)| LoadProblem {
            rule: None,
            at,
            message: format!("unknown key `{key}` (a rule file has only `rules:`)"),
        })
        .collect();
    let Some(rules) = top.rules else {
        problems.push(LoadProblem {
            rule: None,
            at: None,
            message: "missing key `rules`".into(),
        });
        return problems;
    };
    for rule in rules {
        let keys = rule.value;
        let rule_at = pos(&rule.referenced);
        for (key, at) in &keys.keys {
            if !RULE_KEYS.contains(&key.as_str()) {
                problems.push(LoadProblem {
                    rule: keys.id.clone(),
                    at: at.or(rule_at),
                    message: format!(
                        "unknown key `{key}` (expected one of: {})",
                        RULE_KEYS.join(", ")
                    ),
                });
            }
        }
        for want in REQUIRED_KEYS {
            if !keys.keys.iter().any(|(k, _)| k == want) {
                problems.push(LoadProblem {
                    rule: keys.id.clone(),
                    at: rule_at,
                    message: format!("missing key `{want}`"),
                });
            }
        }
    }
    problems
}

/// The top of a rule file: its `rules` and any other key.
struct TopLevel {
    unknown: Vec<(String, Pos)>,
    rules: Option<Vec<Spanned<RuleKeys>>>,
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping with `rules:`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut top = TopLevel {
                    unknown: Vec::new(),
                    rules: None,
                };
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.value == "rules" {
                        top.rules = Some(map.next_value()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                        top.unknown.push((key.value, pos(&key.referenced)));
                    }
                }
                Ok(top)
            }
        }
        d.deserialize_map(V)
    }
}

/// One rule's keys with where each is written, and its id when it has one.
struct RuleKeys {
    keys: Vec<(String, Pos)>,
    id: Option<String>,
}

impl<'de> Deserialize<'de> for RuleKeys {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RuleKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a rule (a mapping)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RuleKeys, A::Error> {
                let mut rule = RuleKeys {
                    keys: Vec::new(),
                    id: None,
                };
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.value == "id" {
                        rule.id = map.next_value::<Scalar>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                    rule.keys.push((key.value, pos(&key.referenced)));
                }
                Ok(rule)
            }
        }
        d.deserialize_map(V)
    }
}

/// A scalar as text; anything else (a list, a mapping) as `None`.
struct Scalar(Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Scalar, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Scalar, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_problem_of_every_rule_with_its_position() {
        let text = "rules:\n  - id: a.one\n    nam: One\n    category: contact\n    severity: low\n    patterns: ['x']\n  - id: a.two\n    name: Two\n    category: contact\n    patterns: ['y']\n    colour: red\n";
        let p = key_problems(text);
        let got: Vec<(Option<&str>, Pos, &str)> = p
            .iter()
            .map(|p| {
                (
                    p.rule.as_deref(),
                    p.at,
                    p.message.split(' ').nth(1).unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("a.one"), Some((3, 5)), "key"),
                (Some("a.one"), Some((2, 5)), "key"),
                (Some("a.two"), Some((11, 5)), "key"),
                (Some("a.two"), Some((7, 5)), "key"),
            ],
            "{p:#?}"
        );
        assert!(p[0].message.starts_with("unknown key `nam`"));
        assert_eq!(p[1].message, "missing key `name`");
        assert!(p[2].message.starts_with("unknown key `colour`"));
        assert_eq!(p[3].message, "missing key `severity`");
    }

    #[test]
    fn a_file_that_is_not_a_mapping_leaves_the_message_to_serde() {
        assert!(key_problems("- just\n- a list\n").is_empty());
    }
}
