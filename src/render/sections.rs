//! The walk every human-readable renderer shares (ripgrep's printer/`Sink` split):
//! the report's sections in order, each handed to the renderer's own writer for it.
//! A renderer says which sections it shows and in what order ([`SectionWriter::ORDER`]),
//! and writes one section at a time; what they share (grouping, samples, formatting)
//! is in `common`.

use super::{RenderOptions, Report};
use crate::audit::Summary;
use crate::i18n::{self, Lang, RenderTexts, Texts};

/// The parts of a report, as the renderers show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// Title and the tool that made the report.
    Header,
    /// What was read and what was not, with the verdict: first after the title.
    Coverage,
    /// Counts: what was scanned, found, planned; baseline and allowlist (the table
    /// puts its title here too).
    Summary,
    /// Charts of findings by category and by source (HTML).
    Charts,
    Todo,
    Findings,
    /// Mail messages with findings, by mailbox (table).
    Messages,
    Inventory,
    Violations,
    Allowlist,
    /// Errors, warnings and skipped files.
    Problems,
    /// How the audit was made, and the end of the document.
    Method,
}

/// What every section may need: the report, the options and the language's words.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub report: &'a Report,
    pub opts: &'a RenderOptions<'a>,
    pub s: &'a Summary,
    pub lang: Lang,
    pub t: &'static Texts,
    pub rt: &'static RenderTexts,
}

impl<'a> Ctx<'a> {
    pub fn new(report: &'a Report, opts: &'a RenderOptions<'a>) -> Ctx<'a> {
        Ctx {
            report,
            opts,
            s: &report.summary,
            lang: opts.lang,
            t: i18n::texts(opts.lang),
            rt: i18n::render_texts(opts.lang),
        }
    }
}

/// A renderer's writer of sections.
pub(crate) trait SectionWriter {
    type Error;
    /// The sections it shows, in order.
    const ORDER: &'static [Section];
    fn section(&mut self, c: &Ctx<'_>, section: Section) -> Result<(), Self::Error>;
}

/// Hand every section of `W::ORDER` to `w`, in order.
pub(crate) fn walk<W: SectionWriter>(w: &mut W, c: &Ctx<'_>) -> Result<(), W::Error> {
    for &section in W::ORDER {
        w.section(c, section)?;
    }
    Ok(())
}
