//! The incremental proof: what `redact` checks of its copies without scanning them
//! all again. A copy that is byte for byte its input is proven by being identical
//! (its input's findings were not asked for, or it would have changed); a CSV
//! copy's rewritten records are taken apart again from the bytes written and their
//! changed fields matched with the scan's rules and the first scan's column roles;
//! a mail copy's redacted messages are parsed again from the bytes written and
//! scanned as a mailbox scan scans a message. Record and message counts are read
//! back from every changed copy. `--full-proof` scans every copy instead.

use super::log::Remaining;
use crate::audit::TableColumn;
use crate::finding::Finding;
use crate::model::Location;
use crate::scan::{MatcherPool, ScanOptions};
use crate::source::csv_writer::{decode_field, split_fields};
use crate::source::decode::read_fully;
use std::io;
use std::path::Path;

/// What a copy's own checks found while it was written.
#[derive(Debug, Clone, Default)]
pub struct CopyProof {
    /// The rewritten records and messages were checked as they were written.
    pub checked: bool,
    pub remaining: Vec<Remaining>,
    /// A rewritten message that no longer parses, and the like.
    pub errors: Vec<String>,
}

/// Checks rewritten records and messages the way the scan would find them.
pub struct Prover<'a> {
    pub pool: &'a MatcherPool,
    pub opts: &'a ScanOptions,
    pub allowlist: &'a [crate::policy::AllowEntry],
    /// What the run was asked to remove, for a finding as the copies would show it.
    pub asked: &'a (dyn Fn(&Finding) -> bool + Sync),
}

impl Prover<'_> {
    fn keep(&self, findings: Vec<Finding>, out: &mut CopyProof) {
        let allow = crate::suppress::Allowlist::new(self.allowlist);
        for f in findings {
            if (self.asked)(&f) && !allow.allows(&f) {
                out.remaining.push(Remaining::of(&f));
            }
        }
    }

    /// The changed fields (`changed`, column numbers) of one rewritten CSV record,
    /// `raw` as written, record `row` of the copy `path`.
    #[allow(clippy::too_many_arguments)]
    pub fn csv_record(
        &self,
        path: &str,
        row: u64,
        raw: &[u8],
        delimiter: u8,
        encoding: &'static encoding_rs::Encoding,
        columns: &[TableColumn],
        changed: &[usize],
        out: &mut CopyProof,
    ) {
        let fields = split_fields(raw, delimiter);
        let max_field = self.opts.limits.max_field_bytes;
        let mut findings = Vec::new();
        self.pool.with(|matcher| {
            let mut matches = Vec::new();
            for &col in changed {
                let Some(f) = fields.get(col) else { continue };
                let (text, _) = decode_field(&raw[f.start..f.end], encoding);
                let mut end = text.len().min(max_field);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let text = &text[..end];
                let column = columns.get(col);
                let header = column.map_or("", |c| c.header.as_str());
                matcher.scan(text, header, &mut matches);
                for m in &matches {
                    let category = matcher.rules().rules[m.rule].category;
                    let inventory = column
                        .and_then(|c| c.inventory)
                        .is_some_and(|c| c == category && !category.is_special());
                    if inventory || !self.opts.maker.keeps(m) {
                        continue;
                    }
                    let start = text[..m.start].chars().count();
                    let loc = Location::Csv {
                        row,
                        column: column
                            .map_or_else(|| format!("column_{}", col + 1), |c| c.shown.clone()),
                        start,
                        end: start + text[m.start..m.end].chars().count(),
                    };
                    let value = &text[m.start..m.end];
                    findings.push(
                        self.opts
                            .maker
                            .make(matcher.rules(), m, value, path, loc, None),
                    );
                }
            }
        });
        self.keep(findings, out);
    }

    /// One message as written (`raw`), message `number` of the copy `path`: it
    /// must parse, and hold nothing that was asked to go.
    pub fn message(&self, raw: &[u8], number: u64, path: &str, out: &mut CopyProof) {
        match crate::scan::scan_one_message(raw, number, path, self.pool, self.opts) {
            Ok(findings) => self.keep(findings, out),
            Err(e) => out.errors.push(format!("{path}: {e}")),
        }
    }
}

/// The column a change names: its shown name, else `column_N`.
pub fn column_of(columns: &[TableColumn], field: &str) -> Option<usize> {
    columns.iter().position(|c| c.shown == field).or_else(|| {
        field
            .strip_prefix("column_")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
    })
}

/// Is `copy` byte for byte `input`? (Files compared; a Maildir's message files
/// one by one.)
pub fn identical(input: &Path, copy: &Path) -> io::Result<bool> {
    if input.is_dir() {
        for e in walkdir::WalkDir::new(input) {
            let e = e.map_err(io::Error::other)?;
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e.path().strip_prefix(input).map_err(io::Error::other)?;
            if !identical(e.path(), &copy.join(rel))? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let (a, b) = (std::fs::File::open(input)?, std::fs::File::open(copy)?);
    if a.metadata()?.len() != b.metadata()?.len() {
        return Ok(false);
    }
    let (mut a, mut b) = (
        io::BufReader::with_capacity(256 * 1024, a),
        io::BufReader::with_capacity(256 * 1024, b),
    );
    let (mut x, mut y) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = read_fully(&mut a, &mut x)?;
        let m = read_fully(&mut b, &mut y)?;
        if n != m || x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}
