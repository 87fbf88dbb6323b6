//! Per-record checks, streaming: retention, marketing consent and unreadable dates.
//! A [`RecordChecker`] is built once per source, called for every CSV row or message
//! from any thread; the [`RecordOutcomes`] of chunks are appended in input order and
//! turned into violations by [`record_violations`]. (Per-source checks, after the
//! scan, are in [`super::sources`].)

use super::SourcePolicy;
use super::dates::{ACCEPTED_FORMATS, DateFormat, Period, date_of_unix, parse_date};
use super::{Violation, ViolationKind};
use jiff::civil::Date;
use std::collections::BTreeMap;

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

/// What the per-record checks found in a run of records, in record order (kept
/// in a sharded scan's partial for the byte ranges of a split file).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

    /// Change the id of every affected record (row or message number, id).
    pub fn map_ids(&mut self, mut f: impl FnMut(u64, &mut String)) {
        for list in [
            &mut self.expired,
            &mut self.bad_dates,
            &mut self.marketing,
            &mut self.bad_consent_dates,
        ] {
            for (row, id) in list.iter_mut() {
                f(*row, id);
            }
        }
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
        let mut w = Vec::new();
        // The column's index and its name as the header spells it, or a warning.
        let mut find = |name: &str, key: &str, what: &str| {
            let col = column(headers, name).map(|i| (i, headers[i].clone()));
            if col.is_none() {
                w.push(format!(
                    "{who}: column `{name}` ({key}) is not in this file's header; {what}"
                ));
            }
            col
        };
        if let Some(id) = &policy.id_field {
            c.id_col = find(id, "id_field", "records are named by row number").map(|x| x.0);
        }
        for name in policy.fields.iter().flat_map(|f| f.keys()) {
            find(name, "fields", "the declaration describes nothing here");
        }
        let mut notes = Vec::new();
        if let Some(r) = &policy.retention {
            match (&r.date_field, r.keep_for) {
                (_, None) => notes.push("retention.keep_for is still TODO; retention is not checked"),
                (None, Some(_)) => notes.push(
                    "retention has no date_field (a CSV source needs the column the period runs from); retention is not checked",
                ),
                (Some(field), Some(keep_for)) => {
                    c.retention = find(field, "retention.date_field", "retention is not checked")
                        .and_then(|(i, field)| {
                            let cutoff = keep_for.cutoff(as_of)?;
                            Some(RetentionCheck { col: Some(i), field, keep_for, cutoff })
                        });
                }
            }
        }
        if let Some(m) = &policy.marketing {
            let opt = find(
                &m.opt_in_field,
                "marketing.opt_in_field",
                "marketing is not checked",
            );
            let consent = match &m.consent_date_field {
                Some(f) => find(
                    f,
                    "marketing.consent_date_field",
                    "consent dates are not checked",
                ),
                None => {
                    notes
                        .push("marketing has no consent_date_field; consent dates are not checked");
                    None
                }
            };
            let list = m.list_field.as_ref().and_then(|f| {
                find(
                    f,
                    "marketing.list_field",
                    "the marketing list is not checked",
                )
            });
            c.marketing = opt.map(|(opt_col, opt_field)| MarketingCheck {
                opt_col,
                opt_field,
                values: m.opt_in_values.clone(),
                consent,
                list,
                list_values: m.list_values.clone(),
            });
        }
        w.extend(notes.into_iter().map(|n| format!("{who}: {n}")));
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
                    flagged = true;
                    match parse_date(value) {
                        _ if value.is_empty() => out.consent_missing += 1,
                        None => {
                            out.consent_unreadable += 1;
                            out.bad_consent_dates.push(id());
                        }
                        Some((d, f)) => {
                            *out.consent_formats.entry(f).or_default() += 1;
                            flagged = d > self.as_of;
                            out.consent_future += u64::from(flagged);
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

/// ` Dates read: 812 as YYYY-MM-DD, 3 as DD/MM/YYYY (day first, …).`
fn formats(f: &BTreeMap<DateFormat, u64>) -> String {
    let parts: Vec<String> = f
        .iter()
        .map(|(f, n)| format!("{n} as {}", f.describe()))
        .collect();
    match parts.is_empty() {
        true => String::new(),
        false => format!(" Dates read: {}.", parts.join(", ")),
    }
}

// Over 80 lines: one block per violation kind, turning the streamed counts into violations.
/// The per-record violations of one source, once all its records are checked:
/// `retention_expired`, `marketing_without_consent`, and `unparseable_date` for the
/// date and the consent-date field.
pub fn record_violations(
    path: &str,
    checker: &RecordChecker,
    outcomes: RecordOutcomes,
) -> Vec<Violation> {
    let o = outcomes;
    let as_of = checker.as_of;
    let unit = |n: u64| match (checker.medium, n) {
        (Medium::Csv, 1) => "1 record".to_string(),
        (Medium::Csv, n) => format!("{n} records"),
        (Medium::Mail, 1) => "1 message".to_string(),
        (Medium::Mail, n) => format!("{n} messages"),
    };
    let mut out = Vec::new();
    let mut push = |kind, field: &str, recs: Vec<Rec>, article: &str, message: String| {
        if recs.is_empty() {
            return;
        }
        let (rows, records): (Vec<u64>, Vec<String>) = recs.into_iter().unzip();
        out.push(Violation {
            kind,
            path: path.into(),
            field: field.into(),
            count: records.len() as u64,
            records,
            rows,
            article: article.into(),
            message,
        });
    };
    if let Some(r) = &checker.retention {
        let (what, undated) = match r.col {
            Some(_) => (format!("`{}` before {}", r.field, r.cutoff), "with no date"),
            None => (
                format!("a Date header before {}", r.cutoff),
                "without a readable Date header",
            ),
        };
        let undated = match o.no_date {
            0 => String::new(),
            k => format!(" {} {undated} were not checked.", unit(k)),
        };
        let message = format!(
            "{} of {} checked have {what}: kept longer than {} as of {as_of}.{undated}{}",
            unit(o.expired.len() as u64),
            o.checked,
            r.keep_for,
            formats(&o.date_formats)
        );
        push(
            ViolationKind::RetentionExpired,
            &r.field,
            o.expired,
            "Art. 5(1)(e)",
            message,
        );
        let message = format!(
            "{} have a `{}` that is not a readable date, so their retention cannot be checked (accepted: {ACCEPTED_FORMATS}).",
            unit(o.bad_dates.len() as u64),
            r.field
        );
        push(
            ViolationKind::UnparseableDate,
            &r.field,
            o.bad_dates,
            "Art. 5(1)(e)",
            message,
        );
    }
    if let Some(m) = &checker.marketing {
        let mut message = format!(
            "{} receive or may receive marketing without provable consent (`{}` says yes for {} of {} checked)",
            unit(o.marketing.len() as u64),
            m.opt_field,
            o.opted_in,
            o.checked
        );
        if let Some((_, consent)) = &m.consent {
            let why: Vec<String> = [
                (o.consent_missing, format!("an empty `{consent}`")),
                (o.consent_unreadable, format!("an unreadable `{consent}`")),
                (o.consent_future, format!("a `{consent}` after {as_of}")),
            ]
            .into_iter()
            .filter(|(k, _)| *k > 0)
            .map(|(k, what)| format!("{k} with {what}"))
            .collect();
            if !why.is_empty() {
                message.push_str(&format!(
                    "; consent cannot be proven for {}",
                    why.join(", ")
                ));
            }
        }
        if let Some((_, list)) = &m.list
            && o.list_without_opt_in > 0
        {
            let k = o.list_without_opt_in;
            message.push_str(&format!(
                "; {k} on the marketing list (`{list}`) without an opt-in"
            ));
        }
        message.push('.');
        message.push_str(&formats(&o.consent_formats));
        let article = "Art. 6(1)(a), 7, 21";
        push(
            ViolationKind::MarketingWithoutConsent,
            &m.opt_field,
            o.marketing,
            article,
            message,
        );
        if let Some((_, consent)) = &m.consent {
            let message = format!(
                "{} opted in with a `{consent}` that is not a readable date, so consent cannot be demonstrated (accepted: {ACCEPTED_FORMATS}).",
                unit(o.bad_consent_dates.len() as u64)
            );
            push(
                ViolationKind::UnparseableDate,
                consent,
                o.bad_consent_dates,
                "Art. 7(1)",
                message,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests;
