//! Checksum validators for personal identifiers.
//!
//! A regex alone flags every ten-digit number as a personnummer; requiring the
//! identifier's own checksum and a plausible birth date removes most false
//! positives. Everything here is pure, allocation-free and total: any `&str`,
//! including non-ASCII, yields `false` rather than a panic.
//!
//! The validators live by family in the submodules; this file holds the
//! dispatch and the shared digit helpers (tests in `validators/tests.rs`).

mod bank;
mod cards;
mod classic_eu_ids;
mod eu_ids;
mod net;
mod nordic;
mod nordic_ids;
pub mod phone;
use cards::*;
use classic_eu_ids::*;
use nordic_ids::*;

/// A named checksum a rule can require of its candidate matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Validator {
    Luhn,
    PaymentCard,
    Iban,
    SePersonnummer,
    SeSamordningsnummer,
    SeOrgnrPerson,
    NoFodselsnummer,
    DkCpr,
    FiHetu,
    NlBsn,
    EsDni,
    PlPesel,
    ItCodiceFiscale,
    EeIsikukood,
    BeRijksregister,
    Ipv4,
    Ipv6,
    Date,
    DkCprMod11,
    IsKennitala,
    SeReservnummer,
    LtAsmensKodas,
    LvPersonasKods,
    GrAmka,
    BeBis,
    DeSteuerId,
    DeSvNummer,
    FrNir,
    IePps,
    UkNino,
    UkNhs,
    CzRodneCislo,
    RoCnp,
    BgEgn,
    SiEmso,
    HrOib,
    PtCc,
    AtSvnr,
    SeBankAccount,
    SeBankgiro,
    SePlusgiro,
    NoKontonummer,
    DkBankAccount,
    UkSortCodeAccount,
    PhoneSe,
    PhoneIntl,
    PhoneNational,
    PhoneNanp,
}

impl Validator {
    /// Every validator, in declaration order (`META` relies on it).
    #[rustfmt::skip]
    pub const ALL: &'static [Validator] = {
        use Validator::*;
        &[
            Luhn, PaymentCard, Iban, SePersonnummer, SeSamordningsnummer, SeOrgnrPerson,
            NoFodselsnummer, DkCpr, FiHetu, NlBsn, EsDni, PlPesel, ItCodiceFiscale, EeIsikukood,
            BeRijksregister, Ipv4, Ipv6, Date, DkCprMod11, IsKennitala, SeReservnummer,
            LtAsmensKodas, LvPersonasKods, GrAmka, BeBis, DeSteuerId, DeSvNummer, FrNir, IePps,
            UkNino, UkNhs, CzRodneCislo, RoCnp, BgEgn, SiEmso, HrOib, PtCc, AtSvnr, SeBankAccount,
            SeBankgiro, SePlusgiro, NoKontonummer, DkBankAccount, UkSortCodeAccount, PhoneSe,
            PhoneIntl, PhoneNational, PhoneNanp,
        ]
    };

    /// The name used in rule files, e.g. "se_personnummer", "luhn", "iban".
    pub fn name(self) -> &'static str {
        META[self as usize].0
    }

    /// Case-insensitive so hand-written rule files are forgiving.
    pub fn from_name(s: &str) -> Option<Validator> {
        let s = s.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.name().eq_ignore_ascii_case(s))
    }

    /// One line for `rules show` and the README.
    pub fn describe(self) -> &'static str {
        META[self as usize].1
    }

    /// Confidence to take off a candidate that passed: an IP address of a private,
    /// loopback or documentation range is kept, but is less likely a person's.
    pub fn confidence_penalty(self, candidate: &str) -> f64 {
        match self {
            Validator::Ipv4 | Validator::Ipv6 => net::ip_penalty(candidate),
            Validator::PhoneSe | Validator::PhoneIntl => phone::intl_penalty(candidate.trim()),
            _ => 0.0,
        }
    }

    /// True when the candidate (the exact regex match text, possibly with
    /// spaces, dashes, dots or '+' separators) passes. Surrounding whitespace
    /// is ignored.
    pub fn check(self, candidate: &str) -> bool {
        let t = candidate.trim();
        let s = t.as_bytes();
        match self {
            Validator::Luhn => luhn(s),
            Validator::PaymentCard => payment_card(s),
            Validator::Iban => iban(s),
            Validator::SePersonnummer | Validator::SeOrgnrPerson => se_pnr(s, 0),
            Validator::SeSamordningsnummer => se_pnr(s, 60),
            Validator::NoFodselsnummer => no_fnr(s),
            Validator::DkCpr => dk_cpr(s),
            Validator::FiHetu => fi_hetu(s),
            Validator::NlBsn => nl_bsn(s),
            Validator::EsDni => es_dni(s),
            Validator::PlPesel => pl_pesel(s),
            Validator::ItCodiceFiscale => it_cf(s),
            Validator::EeIsikukood => ee_isikukood(s),
            Validator::BeRijksregister => be_rrn(s),
            Validator::Ipv4 => ipv4(s),
            Validator::Ipv6 => net::ipv6(t),
            Validator::Date => date(s),
            Validator::DkCprMod11 => nordic::dk_cpr_mod11(s),
            Validator::IsKennitala => nordic::is_kennitala(s),
            Validator::SeReservnummer => nordic::se_reservnummer(s),
            Validator::LtAsmensKodas => eu_ids::lt_asmens_kodas(s),
            Validator::LvPersonasKods => eu_ids::lv_personas_kods(s),
            Validator::GrAmka => eu_ids::gr_amka(s),
            Validator::BeBis => eu_ids::be_bis(s),
            Validator::DeSteuerId => eu_ids::de_steuer_id(s),
            Validator::DeSvNummer => eu_ids::de_sv_nummer(s),
            Validator::FrNir => eu_ids::fr_nir(s),
            Validator::IePps => eu_ids::ie_pps(s),
            Validator::UkNino => eu_ids::uk_nino(s),
            Validator::UkNhs => eu_ids::uk_nhs(s),
            Validator::CzRodneCislo => eu_ids::cz_rodne_cislo(s),
            Validator::RoCnp => eu_ids::ro_cnp(s),
            Validator::BgEgn => eu_ids::bg_egn(s),
            Validator::SiEmso => eu_ids::si_emso(s),
            Validator::HrOib => eu_ids::hr_oib(s),
            Validator::PtCc => eu_ids::pt_cc(s),
            Validator::AtSvnr => eu_ids::at_svnr(s),
            Validator::SeBankAccount => bank::se_bank_account(s),
            Validator::SeBankgiro => bank::se_bankgiro(s),
            Validator::SePlusgiro => bank::se_plusgiro(s),
            Validator::NoKontonummer => bank::no_kontonummer(s),
            Validator::DkBankAccount => bank::dk_bank_account(s),
            Validator::UkSortCodeAccount => bank::uk_sort_code_account(s),
            Validator::PhoneSe => phone::phone_se(t),
            Validator::PhoneIntl => phone::phone_intl(t),
            Validator::PhoneNational => phone::phone_national(t),
            Validator::PhoneNanp => phone::phone_nanp(t),
        }
    }
}

/// (name, description) indexed by discriminant, so a name and its blurb stay
/// side by side; the array length makes a missing entry a compile error.
#[rustfmt::skip]
const META: [(&str, &str); 48] = [
    ("luhn", "2-19 digits passing the Luhn mod-10 check"),
    ("payment_card", "card number: Luhn, known brand prefix (Visa, MC, Amex...) and its length"),
    ("iban", "IBAN: per-country length and ISO 7064 mod-97 check"),
    ("se_personnummer", "Swedish personnummer (10/12 digits): birth date and Luhn check digit"),
    ("se_samordningsnummer", "Swedish samordningsnummer: personnummer with day + 60, Luhn check"),
    ("se_orgnr_person", "Swedish sole-trader organisationsnummer, i.e. a valid personnummer"),
    ("no_fodselsnummer", "Norwegian fødselsnummer / D- / H-number: date and two mod-11 digits"),
    ("dk_cpr", "Danish CPR number: birth date, century from the 7th digit"),
    ("fi_hetu", "Finnish henkilötunnus: date, century sign and mod-31 check character"),
    ("nl_bsn", "Dutch BSN: 9 digits passing the 11-test"),
    ("es_dni", "Spanish DNI / NIE: number and mod-23 check letter"),
    ("pl_pesel", "Polish PESEL: date with century month offset and check digit"),
    ("it_codice_fiscale", "Italian codice fiscale: layout, birth date and check character"),
    ("ee_isikukood", "Estonian isikukood: century digit, birth date and mod-11 check"),
    ("be_rijksregister", "Belgian national register number: date and mod-97 (pre/post-2000)"),
    ("ipv4", "IPv4 dotted quad without leading zeros, not 0.0.0.0 or broadcast"),
    ("ipv6", "IPv6 address in any compressed form, embedded IPv4 too; not unspecified (::)"),
    ("date", "date 1900-2099: YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD, DD.MM.YYYY, D/M/YYYY"),
    ("dk_cpr_mod11", "Danish CPR number with the pre-2007 modulus-11 check"),
    ("is_kennitala", "Icelandic kennitala of a person: date, mod-11 check digit, century digit"),
    ("se_reservnummer", "Swedish health-care reserve number (Stockholm, Västra Götaland, Carelink formats)"),
    ("lt_asmens_kodas", "Lithuanian asmens kodas: century digit, birth date and two-stage mod-11 check"),
    ("lv_personas_kods", "Latvian personas kods: birth date, century digit and mod-11 check"),
    ("gr_amka", "Greek AMKA: birth date and Luhn check digit"),
    ("be_bis", "Belgian BIS number: month + 20/40, date and mod-97 (pre/post-2000)"),
    ("de_steuer_id", "German tax id (Steuer-IdNr): digit-repetition rule and ISO 7064 MOD 11,10"),
    ("de_sv_nummer", "German social-insurance number: area, birth date, name letter, check digit"),
    ("fr_nir", "French NIR: sex, month, département (2A/2B) and mod-97 key"),
    ("ie_pps", "Irish PPS number: seven digits and mod-23 check letter"),
    ("uk_nino", "UK National Insurance number: allocated prefix letters, six digits, suffix A-D"),
    ("uk_nhs", "NHS number: ten digits, mod-11 check digit"),
    ("cz_rodne_cislo", "Czech/Slovak birth number: date (month +20/50/70) and mod-11"),
    ("ro_cnp", "Romanian CNP: sex/century digit, birth date, county and check digit"),
    ("bg_egn", "Bulgarian EGN: birth date (century in the month) and check digit"),
    ("si_emso", "Slovenian EMŠO: birth date, region 50-59 and mod-11 check digit"),
    ("hr_oib", "Croatian OIB: eleven digits, ISO 7064 MOD 11,10"),
    ("pt_cc", "Portuguese Cartão de Cidadão document number: mod-10 over digits and letters"),
    ("at_svnr", "Austrian social-insurance number: check digit and birth date"),
    ("se_bank_account", "Swedish clearing + account number by the bank's type and check rule"),
    ("se_bankgiro", "Bankgiro number: 7-8 digits with a dash, mod-10 check"),
    ("se_plusgiro", "PlusGiro number: 2-8 digits, mod-10 check digit after a dash"),
    ("no_kontonummer", "Norwegian account number: eleven digits, mod-11 check"),
    ("dk_bank_account", "Danish reg. nr. and account number: layout (no common check digit)"),
    ("uk_sort_code_account", "UK sort code and eight-digit account number: layout"),
    ("phone_se", "phone number valid in its numbering plan; national forms read as Swedish"),
    ("phone_intl", "phone number in international form (+ or 00) valid in (or of a possible length for) its country's plan"),
    ("phone_national", "national phone number valid in a Nordic, European or North American plan"),
    ("phone_nanp", "North American phone number valid in the US or Canadian plan"),
];

/// Luhn mod-10 over ASCII digits; `false` on empty input or any non-digit.
pub fn luhn_ok(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &c) in digits.iter().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut d = digit(c);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum = (sum + d) % 10;
    }
    sum == 0
}

/// Proleptic Gregorian calendar check; month and day are 1-based.
pub fn is_valid_date(year: i32, month: u32, day: u32) -> bool {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

// ---------------------------------------------------------------- helpers

/// Identifiers are short, so stripping separators fits on the stack.
struct Buf {
    b: [u8; 40],
    n: usize,
}

impl Buf {
    fn as_slice(&self) -> &[u8] {
        &self.b[..self.n]
    }
}

/// Copies `s` minus every byte in `seps`; `None` once more than `max` remain.
fn strip(s: &[u8], seps: &[u8], max: usize) -> Option<Buf> {
    let mut out = Buf { b: [0; 40], n: 0 };
    let max = max.min(out.b.len());
    for &c in s {
        if seps.contains(&c) {
            continue;
        }
        if out.n >= max {
            return None;
        }
        out.b[out.n] = c;
        out.n += 1;
    }
    Some(out)
}

/// Exactly `N` digits, or `N` digits with one separator from `seps` at index
/// `sep_at`: the fixed layouts of most national identifiers.
fn fixed<const N: usize>(s: &[u8], sep_at: usize, seps: &[u8]) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut j = 0;
    for (i, &c) in s.iter().enumerate() {
        if s.len() == N + 1 && i == sep_at {
            if !seps.contains(&c) {
                return None;
            }
            continue;
        }
        if !c.is_ascii_digit() || j >= N {
            return None;
        }
        out[j] = c;
        j += 1;
    }
    (j == N).then_some(out)
}

/// Wrapping so a stray non-digit can never overflow; callers check digits.
fn digit(c: u8) -> u32 {
    u32::from(c.wrapping_sub(b'0'))
}

fn all_digits(d: &[u8]) -> bool {
    !d.is_empty() && d.iter().all(u8::is_ascii_digit)
}

fn num(d: &[u8]) -> u64 {
    d.iter().fold(0u64, |a, &c| {
        a.wrapping_mul(10).wrapping_add(u64::from(digit(c)))
    })
}

/// Two-digit field at `i`; 99 (never a valid month or day) if out of range.
fn dd(d: &[u8], i: usize) -> u32 {
    match d.get(i..i.saturating_add(2)) {
        Some(&[a, b]) => digit(a) * 10 + digit(b),
        _ => 99,
    }
}

fn weighted(d: &[u8], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(&c, &w)| digit(c) * w).sum()
}

// ------------------------------------------------------------- validators

fn luhn(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" -", 19) else {
        return false;
    };
    let d = b.as_slice();
    d.len() >= 2 && all_digits(d) && luhn_ok(d)
}

fn ipv4(s: &[u8]) -> bool {
    let mut octets = [0u64; 4];
    let mut n = 0;
    for part in s.split(|&c| c == b'.') {
        if n == 4 || part.len() > 3 || !all_digits(part) || (part.len() > 1 && part[0] == b'0') {
            return false;
        }
        octets[n] = num(part);
        if octets[n] > 255 {
            return false;
        }
        n += 1;
    }
    n == 4 && octets != [0; 4] && octets != [255; 4]
}

fn date(s: &[u8]) -> bool {
    let ymd = |y: &[u8], m: &[u8], d: &[u8]| {
        let y = num(y) as i32;
        (1900..=2099).contains(&y) && is_valid_date(y, num(m) as u32, num(d) as u32)
    };
    if s.len() == 8 && all_digits(s) {
        return ymd(&s[..4], &s[4..6], &s[6..]);
    }
    let Some(&sep) = s.iter().find(|c| !c.is_ascii_digit()) else {
        return false;
    };
    let mut it = s.split(|&c| c == sep);
    let (Some(a), Some(b), Some(c), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return false;
    };
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return false;
    }
    match (sep, a.len(), b.len(), c.len()) {
        (b'-' | b'/', 4, 2, 2) => ymd(a, b, c),
        (b'.' | b'/', 1..=2, 1..=2, 4) | (b'-', 2, 2, 4) => ymd(c, b, a),
        _ => false,
    }
}

/// Each of `good` passes validator `v` and none of `bad` does (the submodules'
/// tests).
#[cfg(test)]
fn cases(v: Validator, good: &[&str], bad: &[&str]) {
    for g in good {
        assert!(v.check(g), "{} should accept {g:?}", v.name());
    }
    for b in bad {
        assert!(!v.check(b), "{} should reject {b:?}", v.name());
    }
}

#[cfg(test)]
mod tests;
