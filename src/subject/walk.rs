//! One pass over the sources for every subject of a batch: the scanner's readers
//! (CSV, mbox, Maildir, .eml) hand over records, the subject matcher looks at
//! every field, and hits come back in source and record order whatever the
//! thread count.

use super::hits::{Content, Hit, RecordHit, RecordRef, Role, Strength, Tagged};
use super::identity::IdKind;
use super::matcher::{How, Scratch, SubjectIndex, TextHit};
use crate::model::Location;
use crate::scan::MatcherPool;
use crate::source::{Limits, Source, SourceError, SourceKind};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a search needs besides the sources and the subjects.
#[derive(Clone)]
pub struct SearchOptions {
    pub limits: Limits,
    pub delimiter: Option<u8>,
    pub policy: Option<Arc<crate::policy::Config>>,
    /// Keep each hit record's content (for an export).
    pub capture: bool,
    /// Show Message-IDs as they are; else what the identifier rules match in one
    /// is masked (`<19121212-1212.anna@example.se>` names a person).
    pub show_values: bool,
}

impl SearchOptions {
    pub fn policy_for(&self, source: &str) -> Option<&crate::policy::SourcePolicy> {
        self.policy.as_deref().and_then(|c| c.source_for(source))
    }
}

/// What was read, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRead {
    pub path: String,
    pub kind: String,
    pub records: u64,
}

/// Everything one pass found.
#[derive(Debug, Default)]
pub struct PassOutput {
    pub records: Vec<Tagged>,
    pub sources: Vec<SourceRead>,
    pub errors: Vec<SourceError>,
    pub warnings: Vec<SourceError>,
}

/// The matchers a pass shares: the subject index and, per thread, the rule
/// engine whose e-mail, phone and national-id candidates get normalised.
pub struct Engines<'a> {
    pub index: &'a SubjectIndex,
    pub pool: &'a MatcherPool,
    /// The full rule pack: its column hints tell a CSV column's kind.
    pub column_rules: &'a crate::rules::RuleSet,
}

/// Search `sources`, in parallel, results in their order.
pub fn search(sources: &[Source], engines: &Engines<'_>, opts: &SearchOptions) -> PassOutput {
    let outs: Vec<PassOutput> = sources
        .par_iter()
        .map(|s| {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                search_source(s, engines, opts)
            }));
            r.unwrap_or_else(|_| PassOutput {
                errors: vec![SourceError::new(
                    &s.display,
                    "internal error while searching this file (please report it); the file was skipped",
                )],
                ..Default::default()
            })
        })
        .collect();
    let mut all = PassOutput::default();
    for o in outs {
        all.records.extend(o.records);
        all.sources.extend(o.sources);
        all.errors.extend(o.errors);
        all.warnings.extend(o.warnings);
    }
    all
}

pub(super) fn search_source(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
) -> PassOutput {
    let mut out = PassOutput::default();
    if crate::interrupt::is_interrupted() {
        return out;
    }
    // Every reader the scanner has, by name: a new source kind must be added here
    // (the build says so) rather than skipped.
    use super::walk_mail::{search_eml, search_maildir, search_mbox};
    let records = match source.kind {
        SourceKind::Csv => super::walk_csv::search_csv(source, engines, opts, &mut out),
        SourceKind::Mbox => search_mbox(source, engines, opts, &mut out),
        SourceKind::Maildir => search_maildir(source, engines, opts, &mut out),
        SourceKind::Eml => search_eml(source, engines, opts, &mut out),
        SourceKind::Msg => super::walk_outlook::search_msg(source, engines, opts, &mut out),
        SourceKind::Pst => super::walk_outlook::search_pst(source, engines, opts, &mut out),
        SourceKind::Json | SourceKind::Ndjson => {
            super::walk_formats::search_json(source, engines, opts, &mut out)
        }
        SourceKind::Xlsx | SourceKind::Xls | SourceKind::Ods => {
            super::walk_formats::search_workbook(source, engines, opts, &mut out)
        }
        SourceKind::Zip | SourceKind::Tar => {
            super::walk_formats::search_archive(source, engines, opts, &mut out)
        }
    };
    out.sources.push(SourceRead {
        path: source.display.clone(),
        kind: source.kind.as_str().to_string(),
        records,
    });
    out
}

/// A found hit before it is assigned to its requests.
pub(super) struct Found {
    pub ident: usize,
    pub own: bool,
    pub hit: Hit,
}

/// Character offsets of a byte span.
pub(super) fn char_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = crate::classify::char_offset(text, start);
    (s, s + text.get(start..end).map_or(0, |t| t.chars().count()))
}

/// A hit of identifier `ident` found by the matcher.
pub(super) fn make_hit(
    index: &SubjectIndex,
    ident: usize,
    how: How,
    location: Location,
    value: &str,
) -> Hit {
    let id = &index.idents[ident];
    Hit {
        identifier: id.kind,
        how,
        strength: strength_of(id.kind),
        location,
        value: value.to_string(),
        learned_from: id.learned_from.clone(),
    }
}

pub(super) fn strength_of(kind: IdKind) -> Strength {
    match kind {
        IdKind::Name => Strength::Weak,
        _ => Strength::Strong,
    }
}

/// Hits of a mail part or free-text field, with `locate` turning byte spans
/// into locations.
pub(super) fn text_hits(
    index: &SubjectIndex,
    text: &str,
    hits: &[TextHit],
    own: impl Fn(IdKind) -> bool,
    locate: impl Fn(usize, usize) -> Location,
    out: &mut Vec<Found>,
) {
    for h in hits {
        let kind = index.idents[h.ident].kind;
        out.push(Found {
            ident: h.ident,
            own: own(kind),
            hit: make_hit(
                index,
                h.ident,
                h.how,
                locate(h.start, h.end),
                &text[h.start..h.end],
            ),
        });
    }
}

/// Split a record's hits by request: one record per request that has a hit.
pub(super) fn assign(
    index: &SubjectIndex,
    found: Vec<Found>,
    source: &str,
    path: &str,
    record: &RecordRef,
    content: impl Fn() -> Option<Content>,
    out: &mut Vec<Tagged>,
) {
    if found.is_empty() {
        return;
    }
    let mut by_request: BTreeMap<usize, (bool, Vec<Hit>)> = BTreeMap::new();
    for f in found {
        for &r in &index.idents[f.ident].requests {
            let e = by_request.entry(r).or_default();
            e.0 |= f.own;
            e.1.push(f.hit.clone());
        }
    }
    for (request, (own, hits)) in by_request {
        let strength = hits
            .iter()
            .map(|h| h.strength)
            .max()
            .unwrap_or(Strength::Weak);
        out.push(Tagged {
            request,
            record: RecordHit {
                source: source.to_string(),
                path: path.to_string(),
                record: record.clone(),
                role: if own { Role::Own } else { Role::Mention },
                strength,
                hits,
                content: content(),
            },
        });
    }
}

/// Run `f` with this thread's rule matcher and scratch buffers.
pub(super) fn with_matcher<R>(
    engines: &Engines<'_>,
    f: impl FnOnce(&mut crate::engine::Matcher, &mut Scratch) -> R,
) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    }
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        engines.pool.with(|m| f(m, &mut s))
    })
}
