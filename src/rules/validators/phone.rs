//! Telephone numbers checked against the real numbering plans: libphonenumber's
//! metadata through the `phonenumber` crate. A regex finds candidates ("digits with
//! spaces, dashes and a leading 0 or +"); only a number that its country's plan
//! allocates passes, so order numbers, dates and prices of the same shape are dropped.

mod plan;

use phonenumber::country::Id;

pub(crate) use plan::warm_up;

/// The region a national number (no `+`, no `00`) is read in by default.
pub const DEFAULT_REGION: Id = Id::SE;

/// [`DEFAULT_REGION`] as the ISO 3166 code [`to_e164`] takes.
pub const DEFAULT_REGION_CODE: &str = "SE";

/// Regions whose national forms are accepted next to a phone word: the Nordic
/// countries, the rest of the EU/EEA, the UK and Switzerland, and North America.
#[rustfmt::skip]
const NATIONAL_REGIONS: &[Id] = {
    use Id::*;
    &[
        SE, NO, DK, FI, IS, GB, IE, DE, AT, CH, NL, BE, LU, FR, ES, PT, IT, PL, EE, LV, LT,
        CZ, SK, HU, SI, HR, RO, BG, GR, CY, MT, US, CA,
    ]
};

/// The candidate's characters are digits, spaces, `+ - . / ( )` only, with 6 to 17
/// digits: anything else is not a phone number and never reaches the plans.
fn plausible(s: &str) -> bool {
    let mut digits = 0;
    for c in s.bytes() {
        match c {
            b'0'..=b'9' => digits += 1,
            b' ' | b'+' | b'-' | b'.' | b'/' | b'(' | b')' => {}
            _ if c >= 0x80 => {} // a no-break space
            _ => return false,
        }
    }
    (6..=17).contains(&digits)
}

/// Written in international form: a leading `+`, or the `00` international prefix.
fn international(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('+') || t.starts_with("00")
}

/// A number in international form (`+44 20 7946 0958`, `0046 70-123 45 67`) that
/// is valid in its country's plan or, written with a `+`, at least has a possible
/// length there: the `+` and a country code already say "phone number" (see
/// [`intl_penalty`]), while `00` and digits is also the shape of tracking and
/// SSCC numbers.
pub(super) fn phone_intl(s: &str) -> bool {
    plausible(s) && international(s) && intl_fit_ok(s)
}

fn intl_fit_ok(s: &str) -> bool {
    let least = if s.trim_start().starts_with('+') {
        plan::Fit::Length
    } else {
        plan::Fit::Valid
    };
    plan::international_fit(s) >= least
}

/// Confidence lost by an international form that its plan does not allocate.
pub(super) const UNALLOCATED_PENALTY: f64 = 0.2;

/// [`UNALLOCATED_PENALTY`] for an international form of possible length only.
pub(super) fn intl_penalty(s: &str) -> f64 {
    if international(s) && plan::international_fit(s) == plan::Fit::Length {
        UNALLOCATED_PENALTY
    } else {
        0.0
    }
}

/// A valid number in international form or in the default region's national form,
/// which in Sweden always starts with the trunk prefix 0 (`08-...`, `(031) ...`).
pub(super) fn phone_se(s: &str) -> bool {
    if !plausible(s) {
        return false;
    }
    if international(s) {
        return intl_fit_ok(s);
    }
    let t = s.trim_start().trim_start_matches('(');
    t.starts_with('0') && plan::valid_national(s, DEFAULT_REGION)
}

/// A national form (no `+`) valid in at least one of the supported regions, e.g.
/// `020 7946 0958` (UK), `030 1234567` (Germany), `975 83 331` (Norway).
pub(super) fn phone_national(s: &str) -> bool {
    plausible(s)
        && !international(s)
        && NATIONAL_REGIONS.iter().any(|&r| plan::valid_national(s, r))
}

/// A North American number, `(415) 555-0132`, `415-555-0132`, `+1 415 555 0132`.
pub(super) fn phone_nanp(s: &str) -> bool {
    if !plausible(s) {
        return false;
    }
    if international(s) {
        return plan::valid_international(s) && digits(s).trim_start_matches("00").starts_with('1');
    }
    [Id::US, Id::CA].iter().any(|&r| plan::valid_national(s, r))
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The E.164 form (`+46701234567`) of a phone number as written: international
/// forms by their country code, national forms in `default_region` (an ISO 3166
/// code such as "SE", "GB"; case-insensitive), then, failing that, in the other
/// supported regions in a fixed order. `None` when no plan allocates the number.
/// Fingerprints and subject-request matching compare numbers in this form, so
/// `070-123 45 67` and `+46 70 123 45 67` are the same person's number.
pub fn to_e164(text: &str, default_region: &str) -> Option<String> {
    let t = text.trim();
    if !plausible(t) {
        return None;
    }
    let region = default_region
        .trim()
        .to_ascii_uppercase()
        .parse::<Id>()
        .unwrap_or(DEFAULT_REGION);
    plan::e164(t, region).or_else(|| {
        if international(t) {
            return None;
        }
        NATIONAL_REGIONS.iter().find_map(|&r| plan::e164(t, r))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_forms_are_checked_against_the_plan() {
        for good in [
            "+44 20 7946 0958",
            "0046 70-123 45 67",
            "+46 8 123 456 78",
            "+47 975 83 331",
            "+45 36 24 85 62",
            "+358 44 491 4051",
            "+49 30 12345678",
            "+1 415 555 0132",
        ] {
            assert!(phone_intl(good), "{good}");
        }
        // too few digits, a bare national form, text, a length no plan has
        for bad in [
            "+46 10",
            "+44 20 7946",
            "070-123 45 67",
            "+46 7O 123 45 67",
            "+47 975 83 331 12",
        ] {
            assert!(!phone_intl(bad), "{bad}");
        }
        // the UK's range for drama is not allocated: kept, less confidently
        assert!(phone_intl("+44 7700 900456"));
        assert_eq!(intl_penalty("+44 7700 900456"), UNALLOCATED_PENALTY);
        assert_eq!(intl_penalty("+44 7911 123456"), 0.0);
        // with 00 instead of + the number must be allocated
        assert!(!phone_intl("0044 7700 900456"));
    }

    #[test]
    fn national_forms_default_to_sweden() {
        for good in [
            "070-123 45 67",
            "08-123 456 78",
            "031-12 34 56",
            "0701234567",
        ] {
            assert!(phone_se(good), "{good}");
        }
        // 2024-05-06 is a date, 4512-778812 an order number: no Swedish plan has them
        for bad in ["2024-05-06", "4512-778812", "1 234,50", "0100-123 45"] {
            assert!(!phone_se(bad), "{bad}");
        }
    }

    #[test]
    fn national_forms_of_other_regions() {
        for good in ["020 7946 0958", "030 1234567", "975 83 331", "36 24 85 62"] {
            assert!(phone_national(good), "{good}");
        }
        assert!(!phone_national("+44 20 7946 0958"));
        assert!(!phone_national("12-34"));
        assert!(phone_nanp("(415) 555-0132"));
        assert!(phone_nanp("415-555-0132"));
        // area codes never start with 0 or 1
        assert!(!phone_nanp("(015) 555-0132"));
    }

    #[test]
    fn e164_normalisation() {
        let cases = [
            ("070-123 45 67", "SE", "+46701234567"),
            ("+46 70 123 45 67", "SE", "+46701234567"),
            ("0046 70-123 45 67", "SE", "+46701234567"),
            ("020 7946 0958", "GB", "+442079460958"),
            ("(415) 555-0132", "US", "+14155550132"),
            ("030 1234567", "de", "+49301234567"),
        ];
        for (text, region, want) in cases {
            assert_eq!(to_e164(text, region).as_deref(), Some(want), "{text}");
        }
        // an unknown region falls back to Sweden, then the other plans
        assert_eq!(
            to_e164("070 123 45 67", "??").as_deref(),
            Some("+46701234567")
        );
        assert_eq!(to_e164("order 4512", "SE"), None);
        assert_eq!(to_e164("+46 10", "SE"), None);
    }
}
