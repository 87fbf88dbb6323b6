//! `gdpr-audit.yaml`: what each source is for, its lawful basis, which fields it is
//! meant to hold, how long it may be kept and how marketing consent is recorded.
//!
//! The file is parsed with serde-saphyr (unknown keys are errors), then validated
//! into [`Config`]. Every error names the file, the line and the key. Values
//! starting with `TODO` are placeholders: they load, and the checks report them
//! (a `TODO` lawful basis is a `no_lawful_basis` violation), so a draft written by
//! `gdpr-audit init` works at once and nags until it is filled in.
//!
//! Over 500 lines: the format and its validation belong together, so that every
//! key's rule sits beside the message that names its line.

use super::dates::Period;
use super::{AllowEntry, Config, FieldDecl, LawfulBasis, Marketing, Retention, SourcePolicy};
use crate::model::Category;
use globset::GlobBuilder;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the current directory and its parents.
pub const CONFIG_FILE: &str = "gdpr-audit.yaml";

/// Accepted "yes" values of an opt-in (or list) column when none are configured.
pub const DEFAULT_OPT_IN_VALUES: [&str; 6] = ["yes", "ja", "true", "1", "y", "x"];

const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

// ---------------------------------------------------------------- as written

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    #[serde(default)]
    sources: Option<Vec<Spanned<SourceSpec>>>,
    #[serde(default)]
    fingerprint_key: Option<Spanned<String>>,
    #[serde(default)]
    allowlist: Option<Vec<Spanned<AllowSpec>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceSpec {
    path: Spanned<String>,
    #[serde(default)]
    purpose: Option<Spanned<String>>,
    #[serde(default)]
    lawful_basis: Option<Spanned<String>>,
    #[serde(default)]
    balancing_test: Option<Spanned<String>>,
    #[serde(default)]
    fields: Option<BTreeMap<String, Spanned<String>>>,
    #[serde(default)]
    id_field: Option<Spanned<String>>,
    #[serde(default)]
    retention: Option<RetentionSpec>,
    #[serde(default)]
    marketing: Option<MarketingSpec>,
    #[serde(default)]
    special_categories_basis: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionSpec {
    #[serde(default)]
    date_field: Option<Spanned<String>>,
    keep_for: Spanned<String>,
    #[serde(default)]
    legal_hold: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarketingSpec {
    opt_in_field: Spanned<String>,
    #[serde(default)]
    opt_in_values: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    consent_date_field: Option<Spanned<String>>,
    #[serde(default)]
    list_field: Option<Spanned<String>>,
    #[serde(default)]
    list_values: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowSpec {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    category: Option<Spanned<String>>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    fingerprint: Option<String>,
    reason: Spanned<String>,
}

// ---------------------------------------------------------------- loading

/// A configuration that cannot be used. The message names the file, the line and
/// the key, never a value from the scanned data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {file}: {message}")]
    Read { file: String, message: String },
    /// Syntax, unknown or missing keys, wrong types (from the YAML reader).
    #[error("{}", located(file, *line, *column, None, message))]
    Syntax {
        file: String,
        line: u64,
        column: u64,
        message: String,
    },
    /// A value the checks cannot use (unknown category, bad period, ...).
    #[error("{}", located(file, *line, *column, Some(key), message))]
    Invalid {
        file: String,
        line: u64,
        column: u64,
        key: String,
        message: String,
    },
}

fn located(file: &str, line: u64, column: u64, key: Option<&str>, message: &str) -> String {
    let at = if line > 0 {
        format!("{file}:{line}:{column}")
    } else {
        file.to_string()
    };
    match key {
        Some(k) => format!("{at}: `{k}`: {message}"),
        None => format!("{at}: {message}"),
    }
}

/// The nearest `gdpr-audit.yaml` in `start` or one of its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    start
        .ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

fn is_placeholder(s: &str) -> bool {
    s.trim_start()
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("todo"))
}

impl Config {
    /// Read and validate a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = crate::source::display_path(path);
        let text = crate::source::read_limited_text(path, MAX_CONFIG_BYTES).map_err(|e| {
            ConfigError::Read {
                file: name.clone(),
                message: e.to_string(),
            }
        })?;
        Config::from_str(&text, &name)
    }

    /// Parse and validate config text; `name` is used in messages.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, name: &str) -> Result<Config, ConfigError> {
        let has_content = text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if !has_content {
            return Err(ConfigError::Syntax {
                file: name.into(),
                line: 0,
                column: 0,
                message: "the file is empty; expected a `sources:` list".into(),
            });
        }
        let spec: FileSpec = serde_saphyr::from_str(text).map_err(|e| syntax_error(name, &e))?;
        let v = Validator { file: name };
        let mut sources = Vec::new();
        for (i, s) in spec.sources.unwrap_or_default().into_iter().enumerate() {
            sources.push(v.source(i, s)?);
        }
        let mut allowlist = Vec::new();
        for (i, a) in spec.allowlist.unwrap_or_default().into_iter().enumerate() {
            allowlist.push(v.allow(i, a)?);
        }
        let fingerprint_key = match spec.fingerprint_key {
            Some(k) if k.value.trim().is_empty() => {
                return Err(v.err(&k, "fingerprint_key", "is empty; remove it or set a secret"));
            }
            k => k.map(|k| k.value),
        };
        Ok(Config {
            name: name.to_string(),
            sources,
            fingerprint_key,
            allowlist,
        })
    }

    /// The first source entry whose glob matches `path` (see [`SourcePolicy::matches`]).
    pub fn source_for(&self, path: &str) -> Option<&SourcePolicy> {
        self.sources.iter().find(|s| s.matches(path))
    }
}

fn syntax_error(name: &str, e: &serde_saphyr::Error) -> ConfigError {
    let full = e.to_string();
    let (line, column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    let mut lines = full.lines();
    let first = lines.next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // serde-saphyr puts "line N column M: " first; we print it as file:line:column.
    let first = match first.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("line ") && pos.contains(" column ") => rest,
        _ => first,
    };
    let snippet: Vec<String> = lines.map(|l| l.replace("<input>", name)).collect();
    let message = if snippet.is_empty() {
        first.to_string()
    } else {
        format!("{first}\n{}", snippet.join("\n"))
    };
    ConfigError::Syntax {
        file: name.into(),
        line,
        column,
        message,
    }
}

struct Validator<'a> {
    file: &'a str,
}

impl Validator<'_> {
    fn err<T>(&self, at: &Spanned<T>, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            file: self.file.into(),
            line: at.referenced.line(),
            column: at.referenced.column(),
            key: key.into(),
            message: message.into(),
        }
    }

    /// A non-empty string, or `None` (recorded in `placeholders`) for `TODO …`.
    fn text(
        &self,
        v: Option<Spanned<String>>,
        key: &str,
        placeholders: &mut Vec<String>,
    ) -> Result<Option<String>, ConfigError> {
        let Some(v) = v else { return Ok(None) };
        let s = v.value.trim().to_string();
        if s.is_empty() {
            return Err(self.err(&v, key, "is empty; remove the key or give a value"));
        }
        if is_placeholder(&s) {
            placeholders.push(key.split_once("].").map_or(key, |(_, k)| k).to_string());
            return Ok(None);
        }
        Ok(Some(s))
    }

    // Over 80 lines: validates every key of a source entry in the order the README documents them.
    fn source(&self, i: usize, s: Spanned<SourceSpec>) -> Result<SourcePolicy, ConfigError> {
        let s = s.value;
        let k = |key: &str| format!("sources[{i}].{key}");
        let pattern = s.path.value.trim();
        let pattern = pattern.strip_prefix("./").unwrap_or(pattern).to_string();
        if pattern.is_empty() {
            return Err(self.err(&s.path, &k("path"), "is empty"));
        }
        let glob = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| self.err(&s.path, &k("path"), format!("not a valid glob: {e}")))?
            .compile_matcher();
        let mut ph = Vec::new();
        let purpose = self.text(s.purpose, &k("purpose"), &mut ph)?;
        let lawful_basis = match self.text(s.lawful_basis.clone(), &k("lawful_basis"), &mut ph)? {
            None => None,
            Some(b) => Some(LawfulBasis::parse(&b).ok_or_else(|| {
                let names: Vec<_> = LawfulBasis::ALL.iter().map(|b| b.as_str()).collect();
                self.err(
                    s.lawful_basis.as_ref().expect("present"),
                    &k("lawful_basis"),
                    format!(
                        "unknown lawful basis `{b}`; expected one of {}",
                        names.join(", ")
                    ),
                )
            })?),
        };
        let balancing_raw = s
            .balancing_test
            .as_ref()
            .map(|b| b.value.trim().to_string());
        let balancing_test = self.text(s.balancing_test, &k("balancing_test"), &mut ph)?;
        if lawful_basis == Some(LawfulBasis::LegitimateInterests) && balancing_raw.is_none() {
            return Err(self.err(
                s.lawful_basis.as_ref().expect("present"),
                &k("lawful_basis"),
                "legitimate_interests needs `balancing_test`: a reference to the documented \
                 balancing assessment (Art. 6(1)(f)), e.g. \"docs/lia-2024.pdf\"",
            ));
        }
        let fields = match s.fields {
            None => None,
            Some(map) => {
                let mut out = BTreeMap::new();
                for (col, decl) in map {
                    let d = FieldDecl::parse(decl.value.trim()).ok_or_else(|| {
                        let cats: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
                        self.err(
                            &decl,
                            &k(&format!("fields.{col}")),
                            format!(
                                "unknown category `{}`; expected one of {}, free_text, not_personal",
                                decl.value.trim(),
                                cats.join(", ")
                            ),
                        )
                    })?;
                    out.insert(col.trim().to_string(), d);
                }
                Some(out)
            }
        };
        let id_field = self.text(s.id_field, &k("id_field"), &mut Vec::new())?;
        let retention = match s.retention {
            None => None,
            Some(r) => {
                let date_field = self.text(r.date_field, &k("retention.date_field"), &mut ph)?;
                let keep_for =
                    match self.text(Some(r.keep_for.clone()), &k("retention.keep_for"), &mut ph)? {
                        None => None,
                        Some(t) => Some(
                            Period::parse(&t)
                                .map_err(|m| self.err(&r.keep_for, &k("retention.keep_for"), m))?,
                        ),
                    };
                let legal_hold = self.text(r.legal_hold, &k("retention.legal_hold"), &mut ph)?;
                Some(Retention {
                    date_field,
                    keep_for,
                    legal_hold,
                })
            }
        };
        let marketing = match s.marketing {
            None => None,
            Some(m) => Some(self.marketing(&k, m)?),
        };
        let special_categories_basis = self.text(
            s.special_categories_basis,
            &k("special_categories_basis"),
            &mut ph,
        )?;
        Ok(SourcePolicy {
            path: pattern,
            line: s.path.referenced.line(),
            purpose,
            lawful_basis,
            balancing_test,
            fields,
            id_field,
            retention,
            marketing,
            special_categories_basis,
            placeholders: ph,
            glob,
        })
    }

    fn marketing(
        &self,
        k: &dyn Fn(&str) -> String,
        m: MarketingSpec,
    ) -> Result<Marketing, ConfigError> {
        let mut ph = Vec::new();
        let field =
            |v: Option<Spanned<String>>, key: &str, ph: &mut Vec<String>| self.text(v, &k(key), ph);
        let values =
            |v: Option<Spanned<Vec<String>>>, key: &str| -> Result<Vec<String>, ConfigError> {
                match v {
                    None => Ok(DEFAULT_OPT_IN_VALUES
                        .iter()
                        .map(|s| s.to_string())
                        .collect()),
                    Some(list) => {
                        let out: Vec<String> = list
                            .value
                            .iter()
                            .map(|s| s.trim().to_lowercase())
                            .filter(|s| !s.is_empty())
                            .collect();
                        if out.is_empty() {
                            return Err(self.err(&list, &k(key), "needs at least one value"));
                        }
                        Ok(out)
                    }
                }
            };
        let opt_in_field = field(
            Some(m.opt_in_field.clone()),
            "marketing.opt_in_field",
            &mut ph,
        )?
        .ok_or_else(|| {
            self.err(
                &m.opt_in_field,
                &k("marketing.opt_in_field"),
                "must name a column",
            )
        })?;
        Ok(Marketing {
            opt_in_field,
            opt_in_values: values(m.opt_in_values, "marketing.opt_in_values")?,
            consent_date_field: field(
                m.consent_date_field,
                "marketing.consent_date_field",
                &mut ph,
            )?,
            list_field: field(m.list_field, "marketing.list_field", &mut ph)?,
            list_values: values(m.list_values, "marketing.list_values")?,
        })
    }

    fn allow(&self, i: usize, a: Spanned<AllowSpec>) -> Result<AllowEntry, ConfigError> {
        let line = a.referenced.line();
        let at = Spanned::new((), a.referenced, a.defined);
        let a = a.value;
        let k = |key: &str| format!("allowlist[{i}].{key}");
        let reason = a.reason.value.trim().to_string();
        if reason.is_empty() || is_placeholder(&reason) {
            return Err(self.err(&a.reason, &k("reason"), "must say why this is allowed"));
        }
        let category = match a.category {
            None => None,
            Some(c) => Some(Category::parse(c.value.trim()).ok_or_else(|| {
                self.err(
                    &c,
                    &k("category"),
                    format!("unknown category `{}`", c.value.trim()),
                )
            })?),
        };
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let e = AllowEntry {
            path: clean(a.path),
            rule: clean(a.rule),
            category,
            field: clean(a.field),
            fingerprint: clean(a.fingerprint),
            reason,
            line,
        };
        if e.path.is_none()
            && e.rule.is_none()
            && e.category.is_none()
            && e.field.is_none()
            && e.fingerprint.is_none()
        {
            return Err(self.err(
                &at,
                &k("reason"),
                "an entry with only a reason would allow everything; add path, rule, category, field or fingerprint",
            ));
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        Config::from_str(text, "gdpr-audit.yaml")
    }

    #[test]
    fn a_typo_in_a_key_names_file_line_and_key() {
        let text = "sources:\n  - path: a.csv\n    purpose: x\n    lawfull_basis: contract\n";
        let e = load(text).unwrap_err().to_string();
        assert!(e.starts_with("gdpr-audit.yaml:4:5:"), "{e}");
        assert!(e.contains("lawfull_basis"), "{e}");
        let e = load("sources:\n  - path: a\n    retention: {keep_four: 2 years}\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":3:") && e.contains("keep_four"), "{e}");
    }

    #[test]
    fn placeholders_load_and_are_remembered() {
        let c = load(
            "sources:\n  - path: a.csv\n    purpose: \"TODO: why?\"\n    lawful_basis: TODO\n    retention: {keep_for: TODO}\n    special_categories_basis: todo\n",
        )
        .unwrap();
        let s = &c.sources[0];
        assert_eq!(s.purpose, None);
        assert_eq!(s.lawful_basis, None);
        assert_eq!(s.retention.as_ref().unwrap().keep_for, None);
        assert_eq!(
            s.placeholders,
            [
                "purpose",
                "lawful_basis",
                "retention.keep_for",
                "special_categories_basis"
            ]
        );
        // A TODO balancing test loads too (and is reported), a missing one does not.
        let c = load("sources:\n  - path: a\n    lawful_basis: legitimate_interests\n    balancing_test: TODO\n")
            .unwrap();
        assert_eq!(c.sources[0].placeholders, ["balancing_test"]);
    }
}
