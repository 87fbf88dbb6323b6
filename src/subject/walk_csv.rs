//! CSV exports: which columns say whose row it is (e-mail, phone, national id,
//! name, the id column and columns referring to it), and every row searched in
//! parallel batches.

use super::hits::{Content, RecordRef, Tagged};
use super::identity::IdKind;
use super::matcher::{How, TextHit};
use super::walk::{
    Engines, Found, PassOutput, SearchOptions, assign, char_span, make_hit, text_hits, with_matcher,
};
use crate::model::Category;
use crate::policy::FieldDecl;
use crate::source::csv::{CsvReader, CsvRecord};
use crate::source::table::{Locator, TableReader};
use crate::source::{Source, SourceError};
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;

const BATCH_ROWS: usize = 4096;
const BATCH_BYTES: usize = 2 * 1024 * 1024;
const CHUNK_ROWS: usize = 256;

/// What a column tells about whose row it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Email,
    Phone,
    NationalId,
    FirstName,
    LastName,
    FullName,
    /// The source's own record id (the policy's `id_field`, else `id`).
    Id,
    /// A reference to a person's record elsewhere (`contact_id`, `kund_id`).
    ForeignKey,
    Other,
}

impl Column {
    /// The identifier kind this column holds as its own data.
    pub fn kind(self) -> Option<IdKind> {
        match self {
            Column::Email => Some(IdKind::Email),
            Column::Phone => Some(IdKind::Phone),
            Column::NationalId => Some(IdKind::NationalId),
            Column::FirstName | Column::LastName | Column::FullName => Some(IdKind::Name),
            Column::Id | Column::ForeignKey => Some(IdKind::CustomerId),
            Column::Other => None,
        }
    }
}

/// Words that make `<word>_id` a reference to a person's record.
const PERSON_REFS: [&str; 9] = [
    "contact", "customer", "kund", "client", "person", "member", "user", "subject", "kontakt",
];

/// Each column's kind, from the policy's declarations, else the header.
pub fn column_roles(
    headers: &[String],
    policy: Option<&crate::policy::SourcePolicy>,
    rules: &crate::rules::RuleSet,
) -> Vec<Column> {
    let mut cols: Vec<Column> = headers
        .iter()
        .map(|h| {
            let category = match policy.and_then(|p| p.field_decl(h)) {
                Some(FieldDecl::Category(c)) => Some(c),
                Some(_) => None,
                None => crate::classify::header_category(h, rules),
            };
            let lower = h.trim().to_lowercase();
            if policy.and_then(|p| p.id_field.as_deref()) == Some(h.as_str()) {
                return Column::Id;
            }
            match category {
                Some(Category::Email) => return Column::Email,
                Some(Category::Phone) => return Column::Phone,
                Some(Category::NationalId) => return Column::NationalId,
                Some(Category::PersonName) => return name_column(&lower),
                _ => {}
            }
            let stem = lower
                .strip_suffix("_id")
                .or_else(|| lower.strip_suffix("id"))
                .or_else(|| lower.strip_suffix("_nr"))
                .unwrap_or("");
            if lower == "id" {
                Column::Id
            } else if PERSON_REFS.contains(&stem.trim_end_matches(['_', '-', ' '])) {
                Column::ForeignKey
            } else {
                Column::Other
            }
        })
        .collect();
    // An `id` column names a person only in a file about persons.
    let about_persons = cols.iter().any(|c| {
        matches!(c, Column::Email | Column::Phone | Column::NationalId)
            || c.kind() == Some(IdKind::Name)
    });
    if !about_persons {
        for c in &mut cols {
            if *c == Column::Id {
                *c = Column::Other;
            }
        }
    }
    cols
}

fn name_column(lower: &str) -> Column {
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["first", "förnamn", "fornamn", "given", "fname", "tilltal"]) {
        Column::FirstName
    } else if has(&["last", "efternamn", "surname", "family", "lname"]) {
        Column::LastName
    } else {
        Column::FullName
    }
}

/// What every row of one file shares.
struct RowContext<'a> {
    source: &'a Source,
    headers: Arc<[String]>,
    cols: Vec<Column>,
    structured: Arc<[bool]>,
    capture: bool,
    locator: Locator,
}

/// Search one CSV file; returns the number of records read.
pub(super) fn search_csv(
    source: &Source,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    match CsvReader::open(source, &opts.limits, opts.delimiter) {
        Ok(mut reader) => search_table(source, &mut reader, engines, opts, out),
        Err(e) => {
            out.errors.push(e);
            0
        }
    }
}

/// Search one table — a CSV file, a sheet or a JSON export; returns the number
/// of records read. The columns are those the first batch names.
pub(super) fn search_table(
    source: &Source,
    reader: &mut dyn TableReader,
    engines: &Engines<'_>,
    opts: &SearchOptions,
    out: &mut PassOutput,
) -> u64 {
    let mut batch = Vec::new();
    let mut more = match reader.read_batch(&mut batch, BATCH_ROWS, BATCH_BYTES) {
        Ok(m) => m,
        Err(e) => {
            out.errors.push(e);
            false
        }
    };
    let headers: Vec<String> = reader.headers().to_vec();
    let cols = column_roles(
        &headers,
        opts.policy_for(&source.display),
        engines.column_rules,
    );
    let policy = opts.policy_for(&source.display);
    // Columns meant to hold the person's own data (not free text): exported in clear.
    let structured = headers
        .iter()
        .zip(&cols)
        .map(|(h, c)| {
            *c != Column::Other
                || match policy.and_then(|p| p.field_decl(h)) {
                    Some(FieldDecl::Category(c)) => !c.is_special(),
                    Some(_) => false,
                    None => crate::classify::header_category(h, engines.column_rules).is_some(),
                }
        })
        .collect();
    let ctx = RowContext {
        source,
        headers: headers.into(),
        structured,
        cols,
        capture: opts.capture,
        locator: reader.locator(),
    };
    let mut records = 0;
    let mut first = true;
    loop {
        if !first {
            more = match reader.read_batch(&mut batch, BATCH_ROWS, BATCH_BYTES) {
                Ok(m) => m,
                Err(e) => {
                    out.errors.push(e);
                    false
                }
            };
        }
        first = false;
        records += batch.len() as u64;
        let chunks: Vec<Vec<Tagged>> = batch
            .par_chunks(CHUNK_ROWS)
            .map(|rows| {
                with_matcher(engines, |m, scratch| {
                    let mut found = Vec::new();
                    let mut hits = Vec::new();
                    for rec in rows {
                        search_row(&ctx, engines, rec, m, scratch, &mut hits, &mut found);
                    }
                    found
                })
            })
            .collect();
        out.records.extend(chunks.into_iter().flatten());
        if !more || crate::interrupt::is_interrupted() {
            break;
        }
    }
    for w in reader.take_warnings() {
        out.warnings.push(SourceError::new(&source.display, w));
    }
    for e in reader.take_errors() {
        out.errors.push(SourceError::new(&source.display, e));
    }
    records
}

fn search_row(
    ctx: &RowContext<'_>,
    engines: &Engines<'_>,
    rec: &CsvRecord,
    m: &mut crate::engine::Matcher,
    scratch: &mut super::matcher::Scratch,
    hits: &mut Vec<TextHit>,
    out: &mut Vec<Tagged>,
) {
    let index = engines.index;
    let fields: Vec<Cow<'_, str>> = rec.fields.iter().map(String::from_utf8_lossy).collect();
    let mut found = Vec::new();
    for (i, text) in fields.iter().enumerate() {
        let col = rec.column_of(i);
        if text.trim().is_empty() {
            continue;
        }
        let header: Cow<'_, str> = match ctx.headers.get(col) {
            Some(h) => Cow::Borrowed(h.as_str()),
            None => Cow::Owned(format!("column_{}", col + 1)),
        };
        let role = ctx.cols.get(col).copied().unwrap_or(Column::Other);
        let locate = |s: usize, e: usize| {
            let exact = rec.path(i);
            ctx.locator.locate(
                rec.number,
                col,
                exact,
                header.to_string(),
                char_span(text, s, e),
            )
        };
        let whole = |kind: IdKind, how: How, found: &mut Vec<Found>| {
            if let Some(ident) = index.lookup_value(kind, text) {
                let (s, e) = trimmed_span(text);
                found.push(Found {
                    ident,
                    own: true,
                    hit: make_hit(index, ident, how, locate(s, e), &text[s..e]),
                });
            }
        };
        if matches!(role, Column::Id | Column::ForeignKey) {
            whole(IdKind::CustomerId, How::Exact, &mut found);
            continue;
        }
        index.find(text, &header, m, scratch, hits);
        let before = found.len();
        text_hits(
            index,
            text,
            hits,
            |k| role.kind() == Some(k),
            locate,
            &mut found,
        );
        if found.len() == before
            && let Some(kind) = role.kind().filter(|k| *k != IdKind::Name)
        {
            whole(kind, How::Normalised, &mut found);
        }
    }
    name_columns(ctx, rec, index, &mut found);
    let record = RecordRef::Csv {
        row: rec.number,
        id: ctx
            .cols
            .iter()
            .position(|c| *c == Column::Id)
            .and_then(|i| rec.value_of(i))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty()),
    };
    let content = || {
        ctx.capture.then(|| Content::Row {
            headers: ctx.headers.clone(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            structured: ctx.structured.clone(),
        })
    };
    assign(
        index,
        found,
        &ctx.source.display,
        &ctx.source.display,
        &record,
        content,
        out,
    );
}

/// A first-name and a last-name column together are the person's name.
fn name_columns(
    ctx: &RowContext<'_>,
    rec: &CsvRecord,
    index: &super::matcher::SubjectIndex,
    found: &mut Vec<Found>,
) {
    let first = ctx.cols.iter().position(|c| *c == Column::FirstName);
    let last = ctx.cols.iter().position(|c| *c == Column::LastName);
    let (Some(f), Some(l)) = (first, last) else {
        return;
    };
    let (Some(fv), Some(lv)) = (rec.value_of(f), rec.value_of(l)) else {
        return;
    };
    let Some(ident) = index.lookup_value(IdKind::Name, &format!("{fv} {lv}")) else {
        return;
    };
    for (col, text) in [(f, fv), (l, lv)] {
        let (s, e) = trimmed_span(text);
        let location = ctx.locator.locate(
            rec.number,
            col,
            None,
            ctx.headers[col].clone(),
            char_span(text, s, e),
        );
        found.push(Found {
            ident,
            own: true,
            hit: make_hit(index, ident, How::Name, location, &text[s..e]),
        });
    }
}

/// Byte span of `text` without surrounding whitespace.
fn trimmed_span(text: &str) -> (usize, usize) {
    let s = text.len() - text.trim_start().len();
    (s, s + text.trim().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_tell_whose_row_it_is() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let h = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
        let cols = column_roles(
            &h("id,first_name,last_name,email,phone,personnummer,notes"),
            None,
            &rules,
        );
        use Column::*;
        assert_eq!(
            cols,
            [Id, FirstName, LastName, Email, Phone, NationalId, Other]
        );
        // An activity log: its own `id` is no person's; `contact_id` refers to one.
        let cols = column_roles(&h("id,contact_id,date,description"), None, &rules);
        assert_eq!(cols, [Other, ForeignKey, Other, Other]);
    }
}
