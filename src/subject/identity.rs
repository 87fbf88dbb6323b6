//! Identifier normalisation: every spelling of one person's e-mail address, phone
//! number, national id or name becomes one canonical key, so that what a request
//! gives and what the data holds can be compared as plain strings.

use crate::rules::validators::Validator;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of identifier a subject is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Email,
    Phone,
    NationalId,
    Name,
    /// The value of a source's id column (the policy's `id_field`).
    CustomerId,
}

impl IdKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Email => "email",
            IdKind::Phone => "phone",
            IdKind::NationalId => "national_id",
            IdKind::Name => "name",
            IdKind::CustomerId => "customer_id",
        }
    }

    /// The category the masking and the rule pack use for this kind.
    pub fn category(self) -> crate::model::Category {
        use crate::model::Category;
        match self {
            IdKind::Email => Category::Email,
            IdKind::Phone => Category::Phone,
            IdKind::NationalId => Category::NationalId,
            IdKind::Name | IdKind::CustomerId => Category::PersonName,
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalises identifiers; holds the phone region and the date centuries are
/// inferred against.
#[derive(Debug, Clone)]
pub struct Normaliser {
    region: phonenumber::country::Id,
    /// The current year: a ten-digit personnummer with `-` names someone younger
    /// than 100, with `+` someone older.
    year: i32,
}

impl Normaliser {
    /// `region` is an ISO 3166 code (`SE`, `NO`, …) for numbers written without a
    /// country code.
    pub fn new(region: &str, year: i32) -> Result<Normaliser, String> {
        let region = region
            .trim()
            .to_ascii_uppercase()
            .parse::<phonenumber::country::Id>()
            .map_err(|_| format!("unknown phone region {region:?} (use an ISO code such as SE)"))?;
        Ok(Normaliser { region, year })
    }

    /// The canonical key of `value` read as `kind`, or `None` when it is not one.
    pub fn normalise(&self, kind: IdKind, value: &str) -> Option<String> {
        match kind {
            IdKind::Email => email(value),
            IdKind::Phone => self.phone(value),
            IdKind::NationalId => self.national_id(value),
            IdKind::Name => name(value),
            IdKind::CustomerId => {
                let v = value.trim();
                (!v.is_empty()).then(|| v.to_string())
            }
        }
    }

    /// E.164 (`+46701234567`): 070-123 45 67, 0701234567, +46 70 123 45 67 and
    /// 0046701234567 are one number.
    pub fn phone(&self, value: &str) -> Option<String> {
        let digits = value.bytes().filter(u8::is_ascii_digit).count();
        if !(7..=15).contains(&digits) || value.bytes().any(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let n = phonenumber::parse(Some(self.region), value.trim()).ok()?;
        let e164 = n.format().mode(phonenumber::Mode::E164).to_string();
        (e164.len() > 4).then_some(e164)
    }

    /// Swedish personnummer and samordningsnummer as their twelve digits
    /// (19121212-1212 = 191212121212 = 121212-1212); the other national ids the rule
    /// pack validates as their letters and digits, upper-case, without separators.
    pub fn national_id(&self, value: &str) -> Option<String> {
        let v = value.trim();
        if let Some(d) = self.swedish(v) {
            return Some(d);
        }
        let other = [
            Validator::NoFodselsnummer,
            Validator::DkCpr,
            Validator::FiHetu,
            Validator::NlBsn,
            Validator::EsDni,
            Validator::PlPesel,
            Validator::ItCodiceFiscale,
            Validator::EeIsikukood,
            Validator::BeRijksregister,
        ];
        if other.iter().any(|val| val.check(v)) {
            let key: String = v
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_uppercase())
                .collect();
            return Some(key);
        }
        None
    }

    fn swedish(&self, v: &str) -> Option<String> {
        let valid = Validator::SePersonnummer.check(v) || Validator::SeSamordningsnummer.check(v);
        if !valid {
            return None;
        }
        let digits: String = v.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 12 {
            return Some(digits);
        }
        // Ten digits: the century is the latest that does not put the birth in the
        // future; `+` (written from the year someone turns 100) one century earlier.
        let yy: i32 = digits[..2].parse().ok()?;
        let mut year = self.year - (self.year - yy).rem_euclid(100);
        if v.contains('+') {
            year -= 100;
        }
        Some(format!("{:02}{digits}", year / 100))
    }
}

/// `Anna.Svensson+news@Gmail.COM` → `anna.svensson@gmail.com`: case-insensitive,
/// `+tag` sub-addresses folded, `mailto:` and angle brackets dropped.
pub fn email(value: &str) -> Option<String> {
    let v = value.trim().trim_start_matches('<').trim_end_matches('>');
    let v = v.trim().trim_start_matches("mailto:");
    let (local, domain) = v.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    let ok = |s: &str| !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c == '@');
    if !ok(local) || !ok(domain) || !domain.contains('.') {
        return None;
    }
    Some(format!(
        "{}@{}",
        local.to_lowercase(),
        domain.to_lowercase()
    ))
}

/// A full name as its folded words in given-name-first order: `Öberg, Åsa` and
/// `ÅSA öberg` are `asa oberg`. A single word (a first name alone) is no name.
pub fn name(value: &str) -> Option<String> {
    let words = |s: &str| -> Vec<String> {
        fold_str(s)
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut parts = match value.split_once(',') {
        Some((last, first)) => {
            let mut p = words(first);
            p.extend(words(last));
            p
        }
        None => words(value),
    };
    parts.retain(|w| w.chars().any(char::is_alphabetic));
    (parts.len() >= 2).then(|| parts.join(" "))
}

/// The spellings a name key is looked for in text: `asa oberg`, `oberg asa`,
/// `oberg, asa`.
pub fn name_forms(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split(' ').collect();
    let mut forms = vec![key.to_string()];
    if let Some((last, first)) = words.split_last() {
        let first = first.join(" ");
        forms.push(format!("{last} {first}"));
        forms.push(format!("{last}, {first}"));
    }
    forms.dedup();
    forms
}

/// The text forms a national id key is written in: `191212121212`, `1212121212`
/// and the `+` form (digit separators are folded away before matching).
pub fn national_id_forms(key: &str) -> Vec<String> {
    let mut forms = vec![key.to_string()];
    if key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit()) {
        forms.push(key[2..].to_string());
        forms.push(format!("{}+{}", &key[2..8], &key[8..]));
    }
    forms
}

/// The text forms of an E.164 number: itself, `00` instead of `+`, and the
/// national form with a trunk `0` when the number is of `region`'s country.
pub fn phone_forms(e164: &str, norm: &Normaliser) -> Vec<String> {
    let mut forms = vec![e164.to_string(), format!("00{}", &e164[1..])];
    if let Ok(n) = phonenumber::parse(None, e164) {
        let national: String = n
            .format()
            .mode(phonenumber::Mode::National)
            .to_string()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if national.len() >= 6 && norm.phone(&national).as_deref() == Some(e164) {
            forms.push(national);
        }
    }
    forms
}

/// Lower-case with diacritics removed: `Åsa Öberg` → `asa oberg`.
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(c, &mut out);
    }
    out
}

/// Push `c` lower-cased, without its diacritics.
pub fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for l in c.to_lowercase() {
        match fold_letter(l) {
            Some(s) => out.push_str(s),
            None => out.push(l),
        }
    }
}

fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn se() -> Normaliser {
        Normaliser::new("SE", 2026).unwrap()
    }

    #[test]
    fn email_spellings_agree() {
        let want = Some("anna.svensson@gmail.com".to_string());
        assert_eq!(email("Anna.Svensson@Gmail.COM"), want);
        assert_eq!(email("anna.svensson+nyhetsbrev@gmail.com"), want);
        assert_eq!(email(" <mailto:anna.svensson@gmail.com> "), want);
        assert_eq!(email("anna.svensson"), None);
        assert_eq!(email("anna@localhost"), None);
        assert_eq!(email("a b@x.se"), None);
    }

    #[test]
    fn phone_spellings_agree() {
        let n = se();
        let want = Some("+46701234567".to_string());
        for s in [
            "070-123 45 67",
            "0701234567",
            "+46 70 123 45 67",
            "0046701234567",
            "070 123 45 67",
        ] {
            assert_eq!(n.phone(s), want, "{s}");
        }
        assert_eq!(n.phone("08-123 456 78"), Some("+46812345678".into()));
        assert_eq!(n.phone("+47 912 34 567"), Some("+4791234567".into()));
        assert_eq!(n.phone("12"), None);
        assert_eq!(n.phone("anna@x.se"), None);
        let no = Normaliser::new("no", 2026).unwrap();
        assert_eq!(no.phone("912 34 567"), Some("+4791234567".into()));
        assert!(Normaliser::new("XX", 2026).is_err());
    }

    #[test]
    fn phone_forms_cover_the_written_forms() {
        let forms = phone_forms("+46701234567", &se());
        assert!(forms.contains(&"+46701234567".to_string()));
        assert!(forms.contains(&"0046701234567".to_string()));
        assert!(forms.contains(&"0701234567".to_string()), "{forms:?}");
    }

    #[test]
    fn personnummer_spellings_agree() {
        let n = se();
        let want = Some("191212121212".to_string());
        assert_eq!(n.national_id("19121212-1212"), want);
        assert_eq!(n.national_id("191212121212"), want);
        // Ten digits with `+`: over a hundred years old.
        assert_eq!(n.national_id("121212+1212"), want);
        // With `-` (or none): the latest century that is not in the future.
        assert_eq!(n.national_id("121212-1212"), Some("201212121212".into()));
        assert_eq!(n.national_id("19121212-1213"), None, "bad check digit");
        assert_eq!(n.national_id("not a number"), None);
    }

    fn luhn(d: &str) -> bool {
        crate::rules::validators::luhn_ok(d.as_bytes())
    }

    #[test]
    fn samordningsnummer_is_a_national_id() {
        // Day 12 + 60 = 72; the check digit is recomputed for the changed day.
        let ten = (0..10)
            .map(|c| format!("121272123{c}"))
            .find(|t| luhn(t))
            .unwrap();
        let got = se().national_id(&format!("19{}-{}", &ten[..6], &ten[6..]));
        assert_eq!(got, Some(format!("19{ten}")));
    }

    #[test]
    fn names_fold_case_diacritics_and_order() {
        let want = Some("asa oberg".to_string());
        assert_eq!(name("Åsa Öberg"), want);
        assert_eq!(name("asa oberg"), want);
        assert_eq!(name("Öberg, Åsa"), want);
        assert_eq!(name("  ÅSA   ÖBERG "), want);
        assert_eq!(name("Åsa"), None, "a first name alone is no name");
        assert_eq!(name("Öberg,"), None);
        assert_eq!(
            name_forms("asa oberg"),
            vec!["asa oberg", "oberg asa", "oberg, asa"]
        );
    }

    #[test]
    fn national_id_forms_include_ten_digits() {
        let f = national_id_forms("191212121212");
        assert_eq!(f, vec!["191212121212", "1212121212", "121212+1212"]);
    }
}
