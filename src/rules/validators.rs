//! Checksum validators for personal identifiers.
//!
//! A regex alone flags every ten-digit number as a personnummer; requiring the
//! identifier's own checksum and a plausible birth date removes most false
//! positives. Everything here is pure, allocation-free and total: any `&str`,
//! including non-ASCII, yields `false` rather than a panic.

mod bank;
mod eu_ids;
mod net;
mod nordic;
pub mod phone;

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

fn payment_card(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" -", 19) else {
        return false;
    };
    let d = b.as_slice();
    let len = d.len();
    if !(13..=19).contains(&len) || !all_digits(d) || d.iter().all(|&c| c == d[0]) {
        return false;
    }
    if !luhn_ok(d) {
        return false;
    }
    // len >= 13, so 4-digit prefixes are always in range.
    let p = |k: usize| num(&d[..k]);
    let visa = d[0] == b'4' && matches!(len, 13 | 16 | 19);
    let mastercard = ((51..=55).contains(&p(2)) || (2221..=2720).contains(&p(4))) && len == 16;
    let amex = matches!(p(2), 34 | 37) && len == 15;
    let long = (16..=19).contains(&len);
    let discover = (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3))) && long;
    let diners = (matches!(p(2), 36 | 38) || (300..=305).contains(&p(3))) && len >= 14;
    let jcb = (3528..=3589).contains(&p(4)) && long;
    let maestro =
        p(2) == 50 || (56..=58).contains(&p(2)) || matches!(p(4), 6304 | 6759 | 6761..=6763);
    let unionpay = p(2) == 62 && long;
    visa || mastercard || amex || discover || diners || jcb || maestro || unionpay
}

/// IBAN lengths from the SWIFT IBAN registry.
fn iban_len(cc: [u8; 2]) -> Option<usize> {
    Some(match &cc {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FO" | b"GL" | b"NL" | b"FK" | b"SD" => 18,
        b"MK" | b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"KZ" | b"LT" | b"LU" | b"XK" | b"MN" => 20,
        b"CH" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"BH" | b"CR" | b"DE" | b"GB" | b"GE" | b"IE" | b"ME" | b"RS" | b"VA" => 22,
        b"AE" | b"GI" | b"IL" | b"IQ" | b"OM" | b"SO" | b"TL" => 23,
        b"AD" | b"CZ" | b"ES" | b"MD" | b"PK" | b"RO" | b"SA" | b"SE" | b"SK" | b"TN" | b"VG" => 24,
        b"LY" | b"PT" | b"ST" => 25,
        b"IS" | b"TR" => 26,
        b"BI" | b"DJ" | b"FR" | b"GR" | b"IT" | b"MC" | b"MR" | b"SM" => 27,
        b"AL" | b"AZ" | b"BY" | b"CY" | b"DO" | b"GT" | b"HN" | b"HU" | b"LB" | b"NI" | b"PL"
        | b"SV" => 28,
        b"BR" | b"EG" | b"PS" | b"QA" | b"UA" => 29,
        b"JO" | b"KW" | b"MU" | b"YE" => 30,
        b"MT" | b"SC" => 31,
        b"LC" => 32,
        b"RU" => 33,
        _ => return None,
    })
}

fn iban(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" ", 34) else {
        return false;
    };
    let d = b.as_slice();
    let [c0, c1, k0, k1, bban @ ..] = d else {
        return false;
    };
    let cc = [c0.to_ascii_uppercase(), c1.to_ascii_uppercase()];
    if iban_len(cc) != Some(d.len())
        || !k0.is_ascii_digit()
        || !k1.is_ascii_digit()
        || !bban.iter().all(u8::is_ascii_alphanumeric)
        || !(2..=98).contains(&(digit(*k0) * 10 + digit(*k1)))
    {
        return false;
    }
    let mut r = 0u32;
    for &c in bban.iter().chain(&cc).chain([k0, k1]) {
        let c = c.to_ascii_uppercase();
        r = if c.is_ascii_digit() {
            (r * 10 + digit(c)) % 97
        } else {
            (r * 100 + u32::from(c - b'A') + 10) % 97
        };
    }
    r == 1
}

/// `day_offset` is 0 for personnummer and 60 for samordningsnummer.
fn se_pnr(s: &[u8], day_offset: u32) -> bool {
    let (ten, century): ([u8; 10], Option<i32>) = if let Some(d) = fixed::<12>(s, 8, b"- ") {
        let c = dd(&d, 0);
        if !(18..=20).contains(&c) {
            return false;
        }
        let mut ten = [0u8; 10];
        ten.copy_from_slice(&d[2..]);
        (ten, Some(c as i32 * 100))
    } else if let Some(d) = fixed::<10>(s, 6, b"-+ ") {
        (d, None)
    } else {
        return false;
    };
    let (yy, month) = (dd(&ten, 0) as i32, dd(&ten, 2));
    let Some(day) = dd(&ten, 4).checked_sub(day_offset) else {
        return false;
    };
    let date_ok = match century {
        Some(c) => is_valid_date(c + yy, month, day),
        None => is_valid_date(1900 + yy, month, day) || is_valid_date(2000 + yy, month, day),
    };
    date_ok && luhn_ok(&ten)
}

fn no_fnr(s: &[u8]) -> bool {
    let Some(d) = fixed::<11>(s, 6, b" ") else {
        return false;
    };
    let (mut day, mut month, yy) = (dd(&d, 0), dd(&d, 2), dd(&d, 4) as i32);
    if day > 40 {
        day -= 40; // D-number
    } else if month > 40 {
        month -= 40; // H-number
    }
    let ind = num(&d[6..9]);
    // Century from the individual number; unallocated ranges fall back to 19xx.
    let century = if ind >= 500 && yy <= 39 {
        2000
    } else if (500..750).contains(&ind) && yy >= 54 {
        1800
    } else {
        1900
    };
    if !is_valid_date(century + yy, month, day) {
        return false;
    }
    let control = |w: &[u32]| match 11 - weighted(&d, w) % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    };
    control(&[3, 7, 6, 1, 8, 9, 4, 5, 2]) == Some(digit(d[9]))
        && control(&[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) == Some(digit(d[10]))
}

fn dk_cpr(s: &[u8]) -> bool {
    let Some(d) = fixed::<10>(s, 6, b"- ") else {
        return false;
    };
    if &d[6..] == b"0000" {
        return false;
    }
    let yy = dd(&d, 4) as i32;
    let century = match d[6] {
        b'0'..=b'3' => 1900,
        b'4' | b'9' if yy <= 36 => 2000,
        b'4' | b'9' => 1900,
        _ if yy <= 57 => 2000,
        _ => 1800,
    };
    is_valid_date(century + yy, dd(&d, 2), dd(&d, 0))
}

fn fi_hetu(s: &[u8]) -> bool {
    const CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
    let [date @ .., sign, z0, z1, z2, q] = s else {
        return false;
    };
    let ind = [*z0, *z1, *z2];
    if date.len() != 6 || !all_digits(date) || !all_digits(&ind) {
        return false;
    }
    let century = match sign.to_ascii_uppercase() {
        b'+' => 1800,
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => 1900,
        b'A'..=b'F' => 2000,
        _ => return false,
    };
    let n = num(&ind);
    // 900-999 are temporary identity codes, still a person's
    if !(2..=999).contains(&n)
        || !is_valid_date(century + dd(date, 4) as i32, dd(date, 2), dd(date, 0))
    {
        return false;
    }
    let idx = (num(date) * 1000 + n) % 31;
    CHECK.get(idx as usize) == Some(&q.to_ascii_uppercase())
}

fn nl_bsn(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" .-", 9) else {
        return false;
    };
    let d = b.as_slice();
    if d.len() < 8 || !all_digits(d) {
        return false;
    }
    let mut nine = [b'0'; 9];
    nine[9 - d.len()..].copy_from_slice(d);
    if nine.iter().all(|&c| c == b'0') {
        return false;
    }
    let sum = weighted(&nine, &[9, 8, 7, 6, 5, 4, 3, 2]) as i32 - digit(nine[8]) as i32;
    sum.rem_euclid(11) == 0
}

fn es_dni(s: &[u8]) -> bool {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let (body, letter) = match s {
        [body @ .., b'-' | b' ', l] if body.len() == 8 => (body, l),
        [body @ .., l] if body.len() == 8 => (body, l),
        _ => return false,
    };
    let n = match body[0].to_ascii_uppercase() {
        p @ b'X'..=b'Z' if all_digits(&body[1..]) => {
            u64::from(p - b'X') * 10_000_000 + num(&body[1..])
        }
        _ if all_digits(body) => num(body),
        _ => return false,
    };
    n != 0 && LETTERS.get((n % 23) as usize) == Some(&letter.to_ascii_uppercase())
}

fn pl_pesel(s: &[u8]) -> bool {
    let Some(d) = fixed::<11>(s, usize::MAX, b"") else {
        return false;
    };
    let mm = dd(&d, 2);
    let century = match mm / 20 {
        0 => 1900,
        1 => 2000,
        2 => 2100,
        3 => 2200,
        _ => 1800,
    };
    if !is_valid_date(century + dd(&d, 0) as i32, mm % 20, dd(&d, 4)) {
        return false;
    }
    let sum = weighted(&d, &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
    (10 - sum % 10) % 10 == digit(d[10])
}

/// Digit value of a codice fiscale position that may hold an omocodia letter.
fn cf_digit(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(digit(c)),
        _ => b"LMNPQRSTUV".iter().position(|&x| x == c).map(|p| p as u32),
    }
}

fn it_cf(s: &[u8]) -> bool {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
    if s.len() != 16 {
        return false;
    }
    let mut c = [0u8; 16];
    for (o, &b) in c.iter_mut().zip(s) {
        *o = b.to_ascii_uppercase();
    }
    let letters_ok = [0, 1, 2, 3, 4, 5, 11, 15]
        .iter()
        .all(|&i| c[i].is_ascii_uppercase());
    let mut v = [0u32; 7];
    for (o, &i) in v.iter_mut().zip(&[6, 7, 9, 10, 12, 13, 14]) {
        match cf_digit(c[i]) {
            Some(x) => *o = x,
            None => return false,
        }
    }
    let Some(month) = MONTHS.iter().position(|&m| m == c[8]) else {
        return false;
    };
    let (yy, month) = ((v[0] * 10 + v[1]) as i32, month as u32 + 1);
    let day = match v[2] * 10 + v[3] {
        d @ 41..=71 => d - 40, // women
        d => d,
    };
    let date_ok = is_valid_date(1900 + yy, month, day) || is_valid_date(2000 + yy, month, day);
    if !letters_ok || !date_ok {
        return false;
    }
    let mut sum = 0;
    for (i, &b) in c[..15].iter().enumerate() {
        let val = if b.is_ascii_digit() {
            digit(b)
        } else {
            u32::from(b - b'A')
        };
        sum += if i % 2 == 0 {
            ODD[val as usize % 26]
        } else {
            val
        };
    }
    u32::from(c[15]) == u32::from(b'A') + sum % 26
}

fn ee_isikukood(s: &[u8]) -> bool {
    let Some(d) = fixed::<11>(s, usize::MAX, b"") else {
        return false;
    };
    let g = digit(d[0]);
    if !(1..=6).contains(&g) {
        return false;
    }
    let year = 1800 + 100 * ((g as i32 - 1) / 2) + dd(&d, 1) as i32;
    if !is_valid_date(year, dd(&d, 3), dd(&d, 5)) {
        return false;
    }
    let mut c = weighted(&d, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
    if c == 10 {
        c = weighted(&d, &[3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11 % 10;
    }
    c == digit(d[10])
}

fn be_rrn(s: &[u8]) -> bool {
    let Some(b) = strip(s, b". -", 11) else {
        return false;
    };
    let d = b.as_slice();
    if d.len() != 11 || !all_digits(d) {
        return false;
    }
    let n9 = num(&d[..9]);
    let cc = u64::from(dd(d, 9));
    let (yy, month, day) = (dd(d, 0) as i32, dd(d, 2), dd(d, 4));
    // Month or day 00 means "unknown" in the register.
    let date_ok = |century: i32| {
        month <= 12
            && day <= 31
            && (month == 0 || day == 0 || is_valid_date(century + yy, month, day))
    };
    let pre2000 = 97 - n9 % 97 == cc && date_ok(1900);
    let post2000 = 97 - (2_000_000_000 + n9) % 97 == cc && date_ok(2000);
    n9 != 0 && (pre2000 || post2000)
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

#[cfg(test)]
mod tests;
