//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One `reportingDescriptor` per rule that has findings (not the whole pack: the
//! log stays small and every rule listed is one a reader can act on), one result
//! per finding. Results carry the masked shape at most — never the value, even
//! with `--show-values`, because SARIF files are uploaded to third parties.

use super::common::capitalize;
use super::{RenderOptions, Report};
use crate::finding::Finding;
use crate::i18n::{self, Lang};
use crate::model::{Category, Location, Severity};
use crate::rules::Rule;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of the fingerprint in `partialFingerprints`; bump the version if it changes.
pub const FINGERPRINT_KEY: &str = "gdprAuditFingerprint/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    /// First, so the file opens with coverage (what could not be read).
    invocations: Vec<Invocation>,
    tool: Tool,
    results: Results<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties>,
}

/// Which fingerprint key the results' fingerprints were made with (its id, a hash
/// of the key, never the key).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    fingerprint_key_id: String,
}

/// The results, built one at a time while they are written: a large scan's findings
/// are read back from disk and never all held in memory.
struct Results<'a> {
    report: &'a Report,
    index: BTreeMap<String, usize>,
    rules: &'a crate::rules::RuleSet,
    lang: Lang,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        for f in &self.report.findings {
            let rule = self.rules.get(&f.rule);
            let result = SarifResult {
                rule_id: &f.rule,
                rule_index: self.index.get(f.rule.as_str()).copied().unwrap_or(0),
                level: level(f.severity),
                message: Text {
                    text: message(&f, rule, self.lang),
                },
                locations: vec![location(&f)],
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
                properties: ResultProperties {
                    location: &f.location,
                    confidence: f.confidence,
                    category: f.category.as_str(),
                    severity: f.severity.as_str(),
                },
            };
            seq.serialize_element(&result)?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    semantic_version: Option<String>,
    rules: Vec<Descriptor>,
    properties: DriverProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverProperties {
    rules_version: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    category: &'static str,
    severity: &'static str,
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    /// The JSON contract's location object, exact where `region` approximates.
    location: &'a Location,
    confidence: f64,
    category: &'static str,
    severity: &'static str,
}

pub fn render(
    report: &Report,
    opts: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let lang = opts.lang;
    // Rules with findings, by id, so the log is stable across runs; the first
    // finding of each stands in for a rule the rule set does not know.
    let mut firsts: BTreeMap<String, crate::finding::Finding> = BTreeMap::new();
    for f in &report.findings {
        if !firsts.contains_key(&f.rule) {
            firsts.insert(f.rule.clone(), f);
        }
    }
    let index: BTreeMap<String, usize> = firsts
        .keys()
        .enumerate()
        .map(|(i, id)| (id.clone(), i))
        .collect();
    let rules: Vec<Descriptor> = firsts
        .iter()
        .map(|(id, first)| descriptor(id, opts.rules.get(id), Some(first), lang))
        .collect();
    let results = Results {
        report,
        index,
        rules: opts.rules,
        lang,
    };

    let s = &report.summary;
    // Coverage first: the verdict of an incomplete scan, then every file that could
    // not be read or was skipped, then the warnings.
    // From the summary: a report assembled elsewhere may not carry its coverage.
    let c = &crate::audit::Coverage::of(&report.summary);
    let verdict = (!c.complete).then(|| Notification {
        level: "error",
        message: Text {
            text: i18n::coverage::incomplete(lang, c.files_not_read, c.files_total),
        },
        locations: Vec::new(),
    });
    let state = |failed| i18n::coverage::state(lang, failed);
    let notifications = verdict
        .into_iter()
        .chain(
            c.not_read()
                .map(|(failed, e)| {
                    (
                        if failed { "error" } else { "warning" },
                        Some(state(failed)),
                        e,
                    )
                })
                .chain(s.warnings.iter().map(|e| ("warning", None, e)))
                .map(|(level, state, e)| Notification {
                    level,
                    message: Text {
                        text: match state {
                            Some(st) => format!("{}: {st}: {}", e.path, e.error),
                            None => format!("{}: {}", e.path, e.error),
                        },
                    },
                    locations: vec![SarifLocation {
                        physical_location: PhysicalLocation {
                            artifact_location: ArtifactLocation { uri: uri(&e.path) },
                            region: None,
                        },
                        logical_locations: Vec::new(),
                    }],
                }),
        )
        .collect();

    let invocations = vec![Invocation {
        execution_successful: true,
        tool_execution_notifications: notifications,
    }];
    let version = report.tool.version.clone();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            invocations,
            tool: Tool {
                driver: Driver {
                    name: report.tool.name.clone(),
                    semantic_version: is_semver(&version).then(|| version.clone()),
                    version,
                    rules,
                    properties: DriverProperties {
                        rules_version: report.tool.rules_version.clone(),
                    },
                },
            },
            results,
            properties: report
                .summary
                .fingerprint_key_id
                .clone()
                .map(|fingerprint_key_id| RunProperties { fingerprint_key_id }),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The rule's metadata from the rule set; a rule unknown there (a saved report
/// re-rendered without its custom rules) gets what the finding itself tells.
fn descriptor(id: &str, rule: Option<&Rule>, first: Option<&Finding>, lang: Lang) -> Descriptor {
    let (category, severity) = match (rule, first) {
        (Some(r), _) => (r.category, r.severity),
        (None, Some(f)) => (f.category, f.severity),
        (None, None) => unreachable!("descriptors are made for rules with findings"),
    };
    let cat_name = capitalize(i18n::category_name(lang, category));
    let name = rule.map_or_else(|| id.to_string(), |r| r.name.clone());
    // Not the rule's long description: it lists trigger words, and a SARIF file is
    // uploaded to places (code scanning) where only what a finding needs belongs.
    let description = format!("{name} ({cat_name}).");
    // The article the prioritizer falls back to when a rule names none.
    let article = rule
        .map(|r| r.article.as_str())
        .filter(|a| !a.is_empty())
        .or(Some(if category == Category::Criminal {
            "Art. 10"
        } else if category.is_special() {
            "Art. 9"
        } else {
            "Art. 5(1)(c)"
        }));
    let action = rule.map(|r| r.action.trim()).filter(|a| !a.is_empty());
    let mut text = description.clone();
    let mut markdown = description.clone();
    if let Some(a) = action {
        text.push_str(&format!("\n\nRemediation: {a}"));
        markdown.push_str(&format!("\n\n**Remediation:** {a}"));
    }
    if let Some(a) = article {
        text.push_str(&format!("\n\nGDPR: {a}"));
        markdown.push_str(&format!("\n\n**GDPR:** {a}"));
    }
    Descriptor {
        id: id.to_string(),
        short_description: Text { text: name.clone() },
        full_description: Text { text: description },
        help: Help { text, markdown },
        name,
        default_configuration: Configuration {
            level: level(severity),
        },
        properties: RuleProperties {
            category: category.as_str(),
            severity: severity.as_str(),
            tags: vec!["privacy".into(), "gdpr".into(), category.as_str().into()],
        },
    }
}

/// "National identity number in notes (record 17)": the rule and where, no value.
fn message(f: &Finding, rule: Option<&Rule>, lang: Lang) -> String {
    let rt = i18n::render_texts(lang);
    let what = rule.map_or_else(
        || capitalize(i18n::category_name(lang, f.category)),
        |r| r.name.clone(),
    );
    let (unit, n) = match &f.location {
        Location::Email { message, .. } => (rt.message_word, *message),
        other => (rt.record, other.record()),
    };
    format!("{what} {} {} ({unit} {n})", rt.in_, f.location.field())
}

fn location(f: &Finding) -> SarifLocation {
    let (line, fqn) = match &f.location {
        // The CSV reader numbers data rows from 1 and does not keep physical line
        // numbers; row + 1 (the header line) is right unless a quoted field above
        // spans lines. The exact row is in `properties.location`.
        Location::Csv { row, column, .. } => {
            (row + 1, format!("{}#row={row}/column={column}", f.path))
        }
        Location::Sheet { sheet, cell, .. } => (1, format!("{}#sheet={sheet}/cell={cell}", f.path)),
        Location::Json { record, path, .. } => {
            (1, format!("{}#record={record}/path={path}", f.path))
        }
        // A message number is not a line in the mailbox file; point at its start.
        Location::Email { message, part, .. } => {
            (1, format!("{}#message={message}/part={part}", f.path))
        }
    };
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(&f.path) },
            region: Some(Region {
                start_line: line.max(1),
            }),
        },
        logical_locations: vec![LogicalLocation {
            fully_qualified_name: fqn,
        }],
    }
}

/// A path as a relative URI reference: forward slashes, everything outside the
/// URI path characters percent-encoded (spaces, `#`, `?`, `%`, `:` — which would
/// read as a scheme —, non-ASCII).
pub fn uri(path: &str) -> String {
    let mut o = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => o.push(b as char),
            b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*'
            | b'+' | b',' | b';' | b'=' | b'@' => o.push(b as char),
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("crm/contacts.csv"), "crm/contacts.csv");
        assert_eq!(uri("crm\\my file#1.csv"), "crm/my%20file%231.csv");
        assert_eq!(uri("kund/åäö.csv"), "kund/%C3%A5%C3%A4%C3%B6.csv");
        assert!(is_semver("0.1.0") && is_semver("1.2.3-rc.1") && !is_semver("dev"));
    }
}
