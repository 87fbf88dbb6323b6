//! The validity check of libphonenumber (a number is valid when its national
//! significant number has a possible length and matches the general pattern and
//! one type's pattern of a region of its country code), run on the patterns of
//! the `phonenumber` crate's metadata compiled once into plain `regex` automata.
//! The crate's own `is_valid` funnels every pattern through one mutex-guarded LRU
//! cache and costs tens of microseconds a number; a scan checks every value of
//! every phone column. The tests check that both agree.

use phonenumber::country::Id;
use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

/// One type of number of one region: its possible lengths and its pattern,
/// compiled the first time a number of one of those lengths is checked against
/// it (most types of most regions never are).
struct Kind {
    lengths: Vec<u16>,
    source: String,
    pattern: OnceLock<Option<Regex>>,
}

impl Kind {
    fn new(d: &Descriptor) -> Option<Kind> {
        Some(Kind {
            lengths: d.possible_length().to_vec(),
            source: format!("^(?:{})", d.national_number().as_str()),
            pattern: OnceLock::new(),
        })
    }

    fn matches(&self, nsn: &str) -> bool {
        if !(self.lengths.is_empty() || self.lengths.contains(&(nsn.len() as u16))) {
            return false;
        }
        // ASCII `\d`: a national number is ASCII digits, and Unicode's `\d` made
        // these automata (hundreds per calling code) 40 MB of a scan's peak memory.
        self.pattern
            .get_or_init(|| {
                RegexBuilder::new(&self.source)
                    .ignore_whitespace(true)
                    .unicode(false)
                    .build()
                    .ok()
            })
            .as_ref()
            .is_some_and(|p| p.is_match(nsn))
    }
}

/// One region's numbering plan.
struct Region {
    id: String,
    national_prefix: Option<String>,
    general: Option<Kind>,
    kinds: Vec<Kind>,
}

impl Region {
    fn new(m: &Metadata) -> Region {
        let d = m.descriptors();
        let kinds = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ]
        .into_iter()
        .flatten()
        .filter_map(Kind::new)
        .collect();
        Region {
            id: m.id().to_string(),
            national_prefix: m.national_prefix().map(str::to_string),
            general: Kind::new(d.general()),
            kinds,
        }
    }

    fn valid(&self, nsn: &str) -> bool {
        self.general.as_ref().is_some_and(|g| g.matches(nsn))
            && self.kinds.iter().any(|k| k.matches(nsn))
    }
}

/// A calling code's compiled regions; `None`: no such code.
type CodePlans = HashMap<u16, Option<Arc<[Region]>>>;

/// Regions by country calling code, compiled the first time a code is seen.
fn regions(code: u16) -> Option<Arc<[Region]>> {
    static PLANS: OnceLock<RwLock<CodePlans>> = OnceLock::new();
    let plans = PLANS.get_or_init(Default::default);
    if let Some(r) = plans.read().ok().and_then(|m| m.get(&code).cloned()) {
        return r;
    }
    let compiled: Option<Arc<[Region]>> = DATABASE
        .by_code(&code)
        .map(|ms| ms.into_iter().map(Region::new).collect());
    if let Ok(mut m) = plans.write() {
        m.insert(code, compiled.clone());
    }
    compiled
}

/// Loads the numbering-plan database (a quarter of a second: thousands of patterns
/// checked) and compiles the Nordic plans, so that a scan's first phone number does
/// not wait for it. Run on a thread of its own while the rules compile.
pub(crate) fn warm_up() {
    for region in [Id::SE, Id::NO, Id::DK, Id::FI] {
        let _ = code_of(region).and_then(regions);
    }
}

/// The country calling code of a region (`SE` → 46).
fn code_of(region: Id) -> Option<u16> {
    DATABASE.by_id(region.as_ref()).map(Metadata::country_code)
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// How well an international form fits its country's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Fit {
    None,
    /// A possible length for the country, in no allocated range (an unallocated
    /// block, a range reserved for fiction such as the UK's 07700 900xxx).
    Length,
    Valid,
}

impl Region {
    fn fit(&self, nsn: &str) -> Fit {
        if self.valid(nsn) {
            Fit::Valid
        } else if nsn.bytes().next().is_some_and(|c| c != b'0')
            && self
                .kinds
                .iter()
                .any(|k| k.lengths.contains(&(nsn.len() as u16)))
        {
            Fit::Length
        } else {
            Fit::None
        }
    }
}

/// `+CC ...` or `00CC ...` valid in its country's plan.
pub(super) fn valid_international(s: &str) -> bool {
    international_fit(s) == Fit::Valid
}

/// `+CC ...` or `00CC ...`: the country code is the shortest prefix (codes are
/// prefix-free) that names a plan; a `(0)` after it is the optional trunk prefix.
pub(super) fn international_fit(s: &str) -> Fit {
    split_international(s).map_or(Fit::None, |(_, _, fit)| fit)
}

/// Country code, national significant number and fit of an international form.
fn split_international(s: &str) -> Option<(u16, String, Fit)> {
    let all = digits(s);
    let body = if s.trim_start().starts_with('+') {
        all.as_str()
    } else {
        all.strip_prefix("00")?
    };
    for len in 1..=3.min(body.len()) {
        let code = body[..len].parse::<u16>().ok()?;
        let Some(plans) = regions(code) else {
            continue;
        };
        let mut nsn = &body[len..];
        if s.contains("(0)") {
            nsn = nsn.strip_prefix('0').unwrap_or(nsn);
        }
        let fit = plans.iter().map(|r| r.fit(nsn)).max().unwrap_or(Fit::None);
        return Some((code, nsn.to_string(), fit));
    }
    None
}

/// The E.164 form of an international form its plan allocates, or of a national
/// form valid in `region`.
pub(super) fn e164(s: &str, region: Id) -> Option<String> {
    let (code, nsn) = if s.trim_start().starts_with('+') || s.trim_start().starts_with("00") {
        let (code, nsn, fit) = split_international(s)?;
        (fit == Fit::Valid).then_some((code, nsn))?
    } else {
        let code = code_of(region)?;
        (code, national_nsn(s, region)?)
    };
    Some(format!("+{code}{nsn}"))
}

/// A national form read in `region`: the national prefix (trunk 0, NANP 1) is
/// dropped when present, as a dialler would.
pub(super) fn valid_national(s: &str, region: Id) -> bool {
    national_nsn(s, region).is_some()
}

/// The national significant number of a national form valid in `region`.
fn national_nsn(s: &str, region: Id) -> Option<String> {
    let plans = code_of(region).and_then(regions)?;
    let r = plans.iter().find(|r| r.id == region.as_ref())?;
    let all = digits(s);
    let stripped = r
        .national_prefix
        .as_deref()
        .and_then(|p| all.strip_prefix(p))
        .filter(|rest| !rest.is_empty() && r.valid(rest));
    match stripped {
        Some(nsn) => Some(nsn.to_string()),
        None => r.valid(&all).then_some(all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast check and the crate's own `parse` + `is_valid` agree.
    #[test]
    fn agrees_with_the_crate() {
        let intl = [
            "+46 70 123 45 67",
            "+46 8 123 456 78",
            "+46 (0)8-123 456 78",
            "0046 70-123 45 67",
            "+44 20 7946 0958",
            "+44 7700 900123",
            "+47 975 83 331",
            "+47 123",
            "+45 36 24 85 62",
            "+358 44 491 4051",
            "+49 30 12345678",
            "+31 6 12345678",
            "+31 6 02345678",
            "+1 415 555 0132",
            "+1 015 555 0132",
            "+354 611 1234",
            "+372 5123 4567",
            "+33 6 12 34 56 78",
            "+7 912 345 67 89",
        ];
        for s in intl {
            let crate_says = phonenumber::parse(Some(Id::SE), s)
                .map(|n| phonenumber::is_valid(&n))
                .unwrap_or(false);
            assert_eq!(valid_international(s), crate_says, "{s}");
        }
        let national = [
            (Id::SE, "070-123 45 67"),
            (Id::SE, "08-123 456 78"),
            (Id::SE, "031-12 34 56"),
            (Id::SE, "0920-12 34 56"),
            (Id::SE, "079-3487554"),
            (Id::SE, "0100-123 45"),
            (Id::GB, "020 7946 0958"),
            (Id::GB, "07700 900123"),
            (Id::DE, "030 1234567"),
            (Id::NO, "975 83 331"),
            (Id::DK, "36 24 85 62"),
            (Id::FI, "044 491 4051"),
            (Id::US, "(415) 555-0132"),
            (Id::US, "(015) 555-0132"),
            (Id::FR, "01 23 45 67 89"),
        ];
        for (region, s) in national {
            let parsed = phonenumber::parse(Some(region), s).ok();
            let crate_says = parsed.as_ref().is_some_and(phonenumber::is_valid);
            assert_eq!(valid_national(s, region), crate_says, "{region:?} {s}");
            let crate_e164 = parsed
                .filter(phonenumber::is_valid)
                .map(|n| n.format().mode(phonenumber::Mode::E164).to_string());
            assert_eq!(e164(s, region), crate_e164, "{region:?} {s}");
        }
    }
}
