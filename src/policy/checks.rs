//! The checks. Per record (streaming): retention, marketing consent and unreadable
//! dates — a [`RecordChecker`] is built once per source, called for every CSV row or
//! message from any thread, and the [`RecordOutcomes`] of chunks are appended in
//! input order. Per source (after the scan, from the report): undeclared personal
//! data, missing lawful basis and special categories without an Art. 9(2) ground.

use super::config::{Config, FieldDecl, SourcePolicy};
use super::dates::{ACCEPTED_FORMATS, DateFormat, Period, date_of_unix, parse_date};
use super::{Catalog, Violation, ViolationKind, group_field};
use crate::model::Location;
use crate::report::Report;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Medium {
    Csv,
    Mail,
}

#[derive(Debug, Clone)]
struct RetentionCheck {
    /// The date column (CSV); `None` for mail (the Date header).
    col: Option<usize>,
    field: String,
    keep_for: Period,
    cutoff: Date,
}

#[derive(Debug, Clone)]
struct MarketingCheck {
    opt_col: usize,
    opt_field: String,
    values: Vec<String>,
    consent: Option<(usize, String)>,
    list: Option<(usize, String)>,
    list_values: Vec<String>,
}

/// Per-record checks of one source. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct RecordChecker {
    medium: Medium,
    as_of: Date,
    id_col: Option<usize>,
    retention: Option<RetentionCheck>,
    marketing: Option<MarketingCheck>,
    warnings: Vec<String>,
}

/// One affected record: its row (or message) number and its id.
type Rec = (u64, String);

/// What the per-record checks found in a run of records, in record order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordOutcomes {
    checked: u64,
    expired: Vec<Rec>,
    no_date: u64,
    date_formats: BTreeMap<DateFormat, u64>,
    bad_dates: Vec<Rec>,
    marketing: Vec<Rec>,
    opted_in: u64,
    consent_missing: u64,
    consent_unreadable: u64,
    consent_future: u64,
    list_without_opt_in: u64,
    consent_formats: BTreeMap<DateFormat, u64>,
    bad_consent_dates: Vec<Rec>,
}

impl RecordOutcomes {
    /// Add the outcomes of the records that follow (order-preserving).
    pub fn append(&mut self, other: RecordOutcomes) {
        self.checked += other.checked;
        self.expired.extend(other.expired);
        self.no_date += other.no_date;
        for (f, n) in other.date_formats {
            *self.date_formats.entry(f).or_default() += n;
        }
        self.bad_dates.extend(other.bad_dates);
        self.marketing.extend(other.marketing);
        self.opted_in += other.opted_in;
        self.consent_missing += other.consent_missing;
        self.consent_unreadable += other.consent_unreadable;
        self.consent_future += other.consent_future;
        self.list_without_opt_in += other.list_without_opt_in;
        for (f, n) in other.consent_formats {
            *self.consent_formats.entry(f).or_default() += n;
        }
        self.bad_consent_dates.extend(other.bad_consent_dates);
    }

    /// Records (rows or messages) checked.
    pub fn checked(&self) -> u64 {
        self.checked
    }
}

/// Column index of `name`: exact, else ignoring case and surrounding blanks.
fn column(headers: &[String], name: &str) -> Option<usize> {
    headers.iter().position(|h| h == name).or_else(|| {
        let n = name.trim();
        headers.iter().position(|h| {
            h.trim_start_matches('\u{feff}')
                .trim()
                .eq_ignore_ascii_case(n)
        })
    })
}

fn is_yes(value: Option<&str>, accepted: &[String]) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        accepted.iter().any(|a| a.eq_ignore_ascii_case(v))
    })
}

impl RecordChecker {
    /// Resolve the configured columns against a CSV header. A configured column the
    /// header lacks disables the check that needs it and is reported in [`warnings`].
    ///
    /// [`warnings`]: RecordChecker::warnings
    pub fn for_csv(policy: &SourcePolicy, headers: &[String], as_of: Date) -> RecordChecker {
        let mut c = RecordChecker::new(Medium::Csv, as_of);
        let who = policy.label();
        let find = |w: &mut Vec<String>, name: &str, key: &str, what: &str| {
            let col = column(headers, name);
            if col.is_none() {
                w.push(format!(
                    "{who}: column `{name}` ({key}) is not in this file's header; {what}"
                ));
            }
            col
        };
        let mut w = Vec::new();
        if let Some(id) = &policy.id_field {
            c.id_col = find(&mut w, id, "id_field", "records are named by row number");
        }
        if let Some(fields) = &policy.fields {
            for name in fields.keys() {
                find(
                    &mut w,
                    name,
                    "fields",
                    "the declaration has nothing to describe",
                );
            }
        }
        if let Some(r) = &policy.retention {
            match (&r.date_field, r.keep_for) {
                (_, None) => w.push(format!(
                    "{who}: retention.keep_for is still TODO; retention is not checked"
                )),
                (None, Some(_)) => w.push(format!(
                    "{who}: retention has no date_field (a CSV source needs the column the \
                     period runs from); retention is not checked"
                )),
                (Some(field), Some(keep_for)) => {
                    let col = find(
                        &mut w,
                        field,
                        "retention.date_field",
                        "retention is not checked",
                    );
                    c.retention = col.and_then(|col| {
                        Some(RetentionCheck {
                            col: Some(col),
                            field: headers[col].clone(),
                            keep_for,
                            cutoff: keep_for.cutoff(as_of)?,
                        })
                    });
                }
            }
        }
        if let Some(m) = &policy.marketing {
            let opt = find(
                &mut w,
                &m.opt_in_field,
                "marketing.opt_in_field",
                "marketing consent is not checked",
            );
            let consent = m.consent_date_field.as_ref().and_then(|f| {
                find(
                    &mut w,
                    f,
                    "marketing.consent_date_field",
                    "consent dates are not checked",
                )
                .map(|i| (i, headers[i].clone()))
            });
            if m.consent_date_field.is_none() {
                w.push(format!(
                    "{who}: marketing has no consent_date_field; consent dates are not checked"
                ));
            }
            let list = m.list_field.as_ref().and_then(|f| {
                find(
                    &mut w,
                    f,
                    "marketing.list_field",
                    "the marketing list is not checked",
                )
                .map(|i| (i, headers[i].clone()))
            });
            c.marketing = opt.map(|opt_col| MarketingCheck {
                opt_col,
                opt_field: headers[opt_col].clone(),
                values: m.opt_in_values.clone(),
                consent,
                list,
                list_values: m.list_values.clone(),
            });
        }
        c.warnings = w;
        c
    }

    /// Retention by the Date header. Marketing and column declarations do not apply.
    pub fn for_mail(policy: &SourcePolicy, as_of: Date) -> RecordChecker {
        let mut c = RecordChecker::new(Medium::Mail, as_of);
        let who = policy.label();
        if let Some(r) = &policy.retention {
            if let Some(f) = r
                .date_field
                .as_deref()
                .filter(|f| !matches!(f.to_ascii_lowercase().as_str(), "date" | "header:date"))
            {
                c.warnings.push(format!(
                    "{who}: retention.date_field `{f}` is ignored for mail; the Date header is used"
                ));
            }
            match r.keep_for {
                None => c.warnings.push(format!(
                    "{who}: retention.keep_for is still TODO; retention is not checked"
                )),
                Some(keep_for) => {
                    c.retention = keep_for.cutoff(as_of).map(|cutoff| RetentionCheck {
                        col: None,
                        field: "header:date".into(),
                        keep_for,
                        cutoff,
                    })
                }
            }
        }
        if policy.marketing.is_some() {
            c.warnings.push(format!(
                "{who}: marketing applies to CSV sources only; ignored for this mailbox"
            ));
        }
        if policy.id_field.is_some() {
            c.warnings.push(format!(
                "{who}: id_field is ignored for mail; messages are named by Message-ID"
            ));
        }
        c
    }

    fn new(medium: Medium, as_of: Date) -> RecordChecker {
        RecordChecker {
            medium,
            as_of,
            id_col: None,
            retention: None,
            marketing: None,
            warnings: Vec::new(),
        }
    }

    /// False when there is nothing to check per record (the scanner may skip calls).
    pub fn is_active(&self) -> bool {
        self.retention.is_some() || self.marketing.is_some()
    }

    /// Problems with the configuration for this source (no data values in them).
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Check one CSV row (1-based data row); `field(i)` is the value of column `i`.
    pub fn check_row<'a>(
        &self,
        row: u64,
        field: &dyn Fn(usize) -> Option<&'a str>,
        out: &mut RecordOutcomes,
    ) {
        if !self.is_active() {
            return;
        }
        out.checked += 1;
        let id = || -> Rec {
            let id = self
                .id_col
                .and_then(field)
                .map(str::trim)
                .filter(|s| !s.is_empty());
            (row, id.map_or_else(|| row.to_string(), str::to_string))
        };
        if let Some(r) = &self.retention {
            let value = r.col.and_then(field).map(str::trim).unwrap_or_default();
            if value.is_empty() {
                out.no_date += 1;
            } else {
                match parse_date(value) {
                    Some((d, f)) => {
                        *out.date_formats.entry(f).or_default() += 1;
                        if d < r.cutoff {
                            out.expired.push(id());
                        }
                    }
                    None => out.bad_dates.push(id()),
                }
            }
        }
        if let Some(m) = &self.marketing {
            let opted_in = is_yes(field(m.opt_col), &m.values);
            let mut flagged = false;
            if opted_in {
                out.opted_in += 1;
                if let Some((col, _)) = m.consent {
                    let value = field(col).map(str::trim).unwrap_or_default();
                    if value.is_empty() {
                        out.consent_missing += 1;
                        flagged = true;
                    } else {
                        match parse_date(value) {
                            Some((d, f)) => {
                                *out.consent_formats.entry(f).or_default() += 1;
                                if d > self.as_of {
                                    out.consent_future += 1;
                                    flagged = true;
                                }
                            }
                            None => {
                                out.consent_unreadable += 1;
                                out.bad_consent_dates.push(id());
                                flagged = true;
                            }
                        }
                    }
                }
            }
            if let Some((col, _)) = m.list
                && !opted_in
                && is_yes(field(col), &m.list_values)
            {
                out.list_without_opt_in += 1;
                flagged = true;
            }
            if flagged {
                out.marketing.push(id());
            }
        }
    }

    /// Check one message: its number (1-based in an mbox; 1 for a file), its
    /// Message-ID, and its Date header as Unix seconds (`None`: missing or unreadable).
    pub fn check_message(
        &self,
        number: u64,
        message_id: Option<&str>,
        date_unix: Option<i64>,
        out: &mut RecordOutcomes,
    ) {
        let Some(r) = &self.retention else { return };
        out.checked += 1;
        match date_unix.and_then(date_of_unix) {
            None => out.no_date += 1,
            Some(d) => {
                if d < r.cutoff {
                    let id = message_id
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map_or_else(|| number.to_string(), str::to_string);
                    out.expired.push((number, id));
                }
            }
        }
    }
}

fn formats(f: &BTreeMap<DateFormat, u64>) -> String {
    if f.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = f
        .iter()
        .map(|(f, n)| format!("{n} as {}", f.describe()))
        .collect();
    format!(" Dates read: {}.", parts.join(", "))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn violation(
    kind: ViolationKind,
    path: &str,
    field: &str,
    recs: Vec<Rec>,
    article: &str,
    message: String,
) -> Violation {
    let (rows, records) = recs.into_iter().unzip();
    let records: Vec<String> = records;
    Violation {
        kind,
        path: path.into(),
        field: field.into(),
        count: records.len() as u64,
        records,
        rows,
        article: article.into(),
        message,
    }
}

/// The per-record violations of one source, once all its records are checked.
pub fn record_violations(
    path: &str,
    checker: &RecordChecker,
    outcomes: RecordOutcomes,
) -> Vec<Violation> {
    let o = outcomes;
    let mut out = Vec::new();
    let unit = |n: u64| match checker.medium {
        Medium::Csv => plural(n, "record", "records"),
        Medium::Mail => plural(n, "message", "messages"),
    };
    if let Some(r) = &checker.retention {
        let n = o.expired.len() as u64;
        if n > 0 {
            let what = match r.col {
                Some(_) => format!("`{}` before {}", r.field, r.cutoff),
                None => format!("a Date header before {}", r.cutoff),
            };
            let no_date = match (o.no_date, checker.medium) {
                (0, _) => String::new(),
                (k, Medium::Csv) => format!(" {} with no date were not checked.", unit(k)),
                (k, Medium::Mail) => format!(
                    " {} without a readable Date header were not checked.",
                    unit(k)
                ),
            };
            let message = format!(
                "{} of {} checked have {what}: kept longer than {} as of {}.{no_date}{}",
                unit(n),
                o.checked,
                r.keep_for,
                checker.as_of,
                formats(&o.date_formats)
            );
            out.push(violation(
                ViolationKind::RetentionExpired,
                path,
                &r.field,
                o.expired,
                "Art. 5(1)(e)",
                message,
            ));
        }
        if !o.bad_dates.is_empty() {
            let message = format!(
                "{} have a `{}` that is not a readable date, so their retention cannot be checked (accepted: {ACCEPTED_FORMATS}).",
                unit(o.bad_dates.len() as u64),
                r.field
            );
            out.push(violation(
                ViolationKind::UnparseableDate,
                path,
                &r.field,
                o.bad_dates,
                "Art. 5(1)(e)",
                message,
            ));
        }
    }
    if let Some(m) = &checker.marketing {
        let n = o.marketing.len() as u64;
        if n > 0 {
            let mut why = Vec::new();
            if let Some((_, consent)) = &m.consent {
                for (k, what) in [
                    (o.consent_missing, format!("an empty `{consent}`")),
                    (o.consent_unreadable, format!("an unreadable `{consent}`")),
                    (
                        o.consent_future,
                        format!("a `{consent}` after {}", checker.as_of),
                    ),
                ] {
                    if k > 0 {
                        why.push(format!("{k} with {what}"));
                    }
                }
            }
            let mut message = format!(
                "{} receive or may receive marketing without provable consent (`{}` says yes for {} of {} checked)",
                unit(n),
                m.opt_field,
                o.opted_in,
                o.checked
            );
            if !why.is_empty() {
                message.push_str(&format!(
                    "; consent cannot be proven for {}",
                    why.join(", ")
                ));
            }
            if let Some((_, list)) = &m.list
                && o.list_without_opt_in > 0
            {
                message.push_str(&format!(
                    "; {} on the marketing list (`{list}`) without an opt-in",
                    o.list_without_opt_in
                ));
            }
            message.push('.');
            message.push_str(&formats(&o.consent_formats));
            out.push(violation(
                ViolationKind::MarketingWithoutConsent,
                path,
                &m.opt_field,
                o.marketing,
                "Art. 6(1)(a), 7, 21",
                message,
            ));
        }
        if let Some((_, consent)) = &m.consent
            && !o.bad_consent_dates.is_empty()
        {
            let message = format!(
                "{} opted in with a `{consent}` that is not a readable date, so consent cannot be demonstrated (accepted: {ACCEPTED_FORMATS}).",
                unit(o.bad_consent_dates.len() as u64)
            );
            out.push(violation(
                ViolationKind::UnparseableDate,
                path,
                consent,
                o.bad_consent_dates,
                "Art. 7(1)",
                message,
            ));
        }
    }
    out
}

/// What a source holds, gathered from the report.
#[derive(Default)]
struct FieldFacts {
    /// Values (inventory) or findings in the field.
    values: u64,
    special: BTreeSet<crate::model::Category>,
    special_findings: u64,
    special_records: BTreeSet<(u64, String)>,
}

/// Violations about whole sources and their fields, computed after the scan:
/// `no_lawful_basis` (personal data but no matching entry, or one whose purpose or
/// lawful basis is missing or TODO), `undeclared_personal_data` (a field with
/// personal data not declared under `fields`, or declared `not_personal`; for mail
/// only when the entry has a `fields` key, since mail has no columns by default;
/// sources without an entry get only `no_lawful_basis`), and
/// `special_category_without_basis` (special-category findings, per field, in a
/// source without `special_categories_basis`). Maildir message files count under
/// their folder.
pub fn source_violations(config: &Config, report: &Report) -> Vec<Violation> {
    let catalog = Catalog::new(report);
    let mut facts: BTreeMap<&str, BTreeMap<String, FieldFacts>> = BTreeMap::new();
    for e in &report.inventory {
        if e.categories.values().any(|&n| n > 0)
            && e.kind != crate::finding::InventoryKind::Attachment
        {
            let f = facts
                .entry(catalog.owner(&e.path))
                .or_default()
                .entry(e.field.clone())
                .or_default();
            f.values += e.values.max(1);
        }
    }
    for x in &report.findings {
        let src = catalog.owner(&x.path);
        let f = facts
            .entry(src)
            .or_default()
            .entry(group_field(&x.location))
            .or_default();
        f.values += 1;
        if x.category.is_special() {
            f.special.insert(x.category);
            f.special_findings += 1;
            let id = match &x.location {
                Location::Email {
                    message_id: Some(id),
                    ..
                } => id.clone(),
                Location::Email { .. } if src != x.path => {
                    x.path.rsplit('/').next().unwrap_or(&x.path).to_string()
                }
                loc => loc.record().to_string(),
            };
            f.special_records.insert((x.location.record(), id));
        }
    }
    let records_of = |src: &str| {
        report
            .summary
            .sources
            .iter()
            .find(|s| s.path == src)
            .map_or(0, |s| s.records + s.messages)
    };
    let mut out = Vec::new();
    for src in &catalog.sources {
        let Some(fields) = facts.get(src.as_str()) else {
            continue;
        };
        let policy = config.source_for(src);
        let cats: Vec<&str> = catalog
            .categories
            .get(src)
            .map_or(Vec::new(), |c| c.keys().map(|c| c.as_str()).collect());
        let missing: Vec<&str> = match policy {
            None => vec![],
            Some(p) => [
                ("purpose", p.purpose.is_none()),
                ("lawful_basis", p.lawful_basis.is_none()),
            ]
            .into_iter()
            .filter(|x| x.1)
            .map(|x| x.0)
            .chain(
                p.placeholders
                    .iter()
                    .filter(|k| *k == "balancing_test")
                    .map(|_| "balancing_test"),
            )
            .collect(),
        };
        if policy.is_none() || !missing.is_empty() {
            let why = match policy {
                None => format!(
                    "no entry under `sources:` in {} matches this source",
                    config.name
                ),
                Some(p) => format!(
                    "{} has no {} (missing or TODO)",
                    p.label(),
                    missing.join(", ")
                ),
            };
            out.push(Violation {
                kind: ViolationKind::NoLawfulBasis,
                path: src.clone(),
                field: String::new(),
                records: Vec::new(),
                rows: Vec::new(),
                count: records_of(src),
                article: "Art. 6, 30".into(),
                message: format!(
                    "The source holds personal data ({}) but {why}: declare its purpose and lawful basis.",
                    cats.join(", ")
                ),
            });
        }
        for (field, f) in fields {
            if let Some(p) = policy {
                let decl = p.field_decl(field);
                let check = p.fields.is_some() || !catalog.is_mail(src);
                if check && matches!(decl, None | Some(FieldDecl::NotPersonal)) {
                    let fcats: Vec<&str> = catalog
                        .fields
                        .get(&(src.clone(), field.clone()))
                        .map_or(Vec::new(), |c| c.keys().map(|c| c.as_str()).collect());
                    let how = if decl.is_some() {
                        "is declared `not_personal`"
                    } else {
                        "is not declared under `fields`"
                    };
                    out.push(Violation {
                        kind: ViolationKind::UndeclaredPersonalData,
                        path: src.clone(),
                        field: field.clone(),
                        records: Vec::new(),
                        rows: Vec::new(),
                        count: f.values,
                        article: "Art. 5(1)(c), 30".into(),
                        message: format!(
                            "`{field}` holds personal data ({}; {} values or findings) but {how} in {} of {}.",
                            fcats.join(", "),
                            f.values,
                            p.label(),
                            config.name
                        ),
                    });
                }
            }
            if !f.special.is_empty() && policy.is_none_or(|p| p.special_categories_basis.is_none())
            {
                let names: Vec<&str> = f.special.iter().map(|c| c.as_str()).collect();
                let criminal = f.special.contains(&crate::model::Category::Criminal);
                let (rows, records) = f.special_records.iter().cloned().unzip();
                out.push(Violation {
                    kind: ViolationKind::SpecialCategoryWithoutBasis,
                    path: src.clone(),
                    field: field.clone(),
                    records,
                    rows,
                    count: f.special_findings,
                    article: if criminal { "Art. 9, 10" } else { "Art. 9" }.into(),
                    message: format!(
                        "{} findings of special categories ({}) in `{field}` but no `special_categories_basis` (an Art. 9(2) ground{}) for this source.",
                        f.special_findings,
                        names.join(", "),
                        if criminal { "; Art. 10 for criminal-offence data" } else { "" }
                    ),
                });
            }
        }
    }
    out
}
