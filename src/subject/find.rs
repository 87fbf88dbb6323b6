//! `subject find`: every place a batch of subjects appears, with linking — an own
//! CRM row reveals the person's other identifiers (its e-mail, phone, national id
//! and name columns, and its id, which other files refer to), searched too, one
//! level deep.

use super::hits::{Content, RecordHit, Role, Strength, Tagged};
use super::identity::{IdKind, Normaliser};
use super::matcher::{Ident, SubjectIndex};
use super::request::Request;
use super::walk::{Engines, SearchOptions, SourceRead, search};
use super::walk_csv::{Column, column_roles};
use crate::engine::Matcher;
use crate::rules::{BUILTIN_FILES, RuleSet, RuleSetBuilder};
use crate::scan::MatcherPool;
use crate::source::{Source, SourceError, SourceKind};
use serde::Serialize;

/// An identifier a request was searched for.
#[derive(Debug, Clone, Serialize)]
pub struct Searched {
    pub kind: IdKind,
    /// The canonical form (masked in reports).
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learned_from: Option<String>,
}

/// One request's result.
#[derive(Debug, Clone)]
pub struct RequestResult {
    pub request: Request,
    pub searched: Vec<Searched>,
    pub records: Vec<RecordHit>,
}

impl RequestResult {
    pub fn own_records(&self) -> usize {
        self.records.iter().filter(|r| r.role == Role::Own).count()
    }
    pub fn mentions(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.role == Role::Mention)
            .count()
    }
    pub fn hits(&self) -> usize {
        self.records.iter().map(|r| r.hits.len()).sum()
    }
    pub fn weak(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.strength == Strength::Weak)
            .count()
    }
    /// The distinct sources holding something about the person.
    pub fn sources(&self) -> Vec<&str> {
        let mut s: Vec<&str> = self.records.iter().map(|r| r.source.as_str()).collect();
        s.dedup();
        s.sort_unstable();
        s.dedup();
        s
    }
}

/// What a search of a batch found.
#[derive(Debug)]
pub struct FindResult {
    pub results: Vec<RequestResult>,
    pub sources: Vec<SourceRead>,
    pub errors: Vec<SourceError>,
    pub warnings: Vec<SourceError>,
}

/// The rules whose candidates are normalised and looked up: the e-mail, phone and
/// national-id rules of the bundled pack.
pub fn candidate_rules() -> Result<RuleSet, crate::rules::RuleErrors> {
    let mut b = RuleSetBuilder::new(false);
    for (name, text) in BUILTIN_FILES {
        if name.ends_with("contact.yaml") || name.ends_with("identifiers.yaml") {
            b.add_text(name, text);
        }
    }
    b.build()
}

/// The rule sets a search uses.
pub struct SearchRules<'a> {
    /// Column hints (the full pack).
    pub columns: &'a RuleSet,
    /// E-mail, phone and national-id candidates ([`candidate_rules`]).
    pub candidates: &'a RuleSet,
}

/// Search `sources` for every request of the batch. With `expand`, own CSV rows
/// found in a first pass over the CSV files add their other identifiers.
pub fn find(
    requests: &[Request],
    sources: &[Source],
    norm: &Normaliser,
    rules: &SearchRules<'_>,
    opts: &SearchOptions,
    expand: bool,
) -> FindResult {
    let column_rules = rules.columns;
    let given: Vec<Ident> = requests
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.identifiers.iter().map(move |g| Ident {
                kind: g.kind,
                key: g.key.clone(),
                requests: vec![i],
                learned_from: None,
            })
        })
        .collect();
    let matcher = Matcher::new(rules.candidates.clone());
    let pool = MatcherPool::new(&matcher, rayon::current_num_threads());
    let mut idents = given.clone();
    if expand {
        let index = SubjectIndex::build(given, norm.clone());
        let engines = Engines {
            index: &index,
            pool: &pool,
            column_rules,
        };
        let csv: Vec<Source> = sources
            .iter()
            .filter(|s| s.kind == SourceKind::Csv)
            .cloned()
            .collect();
        let first = search(
            &csv,
            &engines,
            &SearchOptions {
                capture: true,
                ..opts.clone()
            },
        );
        idents.extend(learn(&first.records, norm, column_rules, opts));
    }
    let index = SubjectIndex::build(idents, norm.clone());
    let engines = Engines {
        index: &index,
        pool: &pool,
        column_rules,
    };
    let pass = search(sources, &engines, opts);
    let mut results: Vec<RequestResult> = requests
        .iter()
        .map(|r| RequestResult {
            request: r.clone(),
            searched: Vec::new(),
            records: Vec::new(),
        })
        .collect();
    for id in &index.idents {
        for &r in &id.requests {
            results[r].searched.push(Searched {
                kind: id.kind,
                value: id.key.clone(),
                learned_from: id.learned_from.clone(),
            });
        }
    }
    for Tagged { request, record } in pass.records {
        results[request].records.push(record);
    }
    FindResult {
        results,
        sources: pass.sources,
        errors: pass.errors,
        warnings: pass.warnings,
    }
}

/// The identifiers own CSV rows reveal (one level: nothing learned from what was
/// learned). Rows matched by a name alone teach nothing.
fn learn(
    records: &[Tagged],
    norm: &Normaliser,
    column_rules: &RuleSet,
    opts: &SearchOptions,
) -> Vec<Ident> {
    let mut out: Vec<Ident> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in records {
        let r = &t.record;
        if r.role != Role::Own || r.strength != Strength::Strong {
            continue;
        }
        let Some(Content::Row {
            headers, fields, ..
        }) = &r.content
        else {
            continue;
        };
        let cols = column_roles(headers, opts.policy_for(&r.source), column_rules);
        let from = format!("{} {}", r.source, r.record.label());
        let mut add = |kind: IdKind, value: &str| {
            if let Some(key) = norm.normalise(kind, value)
                && seen.insert((kind, key.clone(), t.request))
            {
                out.push(Ident {
                    kind,
                    key,
                    requests: vec![t.request],
                    learned_from: Some(from.clone()),
                });
            }
        };
        let cell = |c: Column| {
            cols.iter()
                .position(|x| *x == c)
                .and_then(|i| fields.get(i))
        };
        for (col, value) in cols.iter().zip(fields) {
            match col {
                Column::Email
                | Column::Phone
                | Column::NationalId
                | Column::FullName
                | Column::Id => {
                    let kind = col.kind().unwrap_or(IdKind::CustomerId);
                    add(kind, value);
                }
                _ => {}
            }
        }
        if let (Some(f), Some(l)) = (cell(Column::FirstName), cell(Column::LastName)) {
            add(IdKind::Name, &format!("{f} {l}"));
        }
    }
    out
}
