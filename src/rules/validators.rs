//! Checksum validators for personal identifiers.
//!
//! A regex alone flags every ten-digit number as a personnummer; requiring the
//! identifier's own checksum and a plausible birth date removes most false
//! positives. Everything here is pure, allocation-free and total: any `&str`,
//! including non-ASCII, yields `false` rather than a panic.

use std::net::Ipv6Addr;

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
}

impl Validator {
    /// Every validator, in declaration order (`META` relies on it).
    #[rustfmt::skip]
    pub const ALL: &'static [Validator] = {
        use Validator::*;
        &[
            Luhn, PaymentCard, Iban, SePersonnummer, SeSamordningsnummer, SeOrgnrPerson,
            NoFodselsnummer, DkCpr, FiHetu, NlBsn, EsDni, PlPesel, ItCodiceFiscale, EeIsikukood,
            BeRijksregister, Ipv4, Ipv6, Date,
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
            Validator::Ipv6 => ipv6(t),
            Validator::Date => date(s),
        }
    }
}

/// (name, description) indexed by discriminant, so a name and its blurb stay
/// side by side; the array length makes a missing entry a compile error.
#[rustfmt::skip]
const META: [(&str, &str); 18] = [
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
    ("ipv6", "IPv6 address, not unspecified (::) or loopback (::1)"),
    ("date", "date 1900-2099: YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD, DD.MM.YYYY, D/M/YYYY"),
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
    if !(2..=899).contains(&n)
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

fn ipv6(s: &str) -> bool {
    s.bytes().filter(|&c| c == b':').count() >= 2
        && s.parse::<Ipv6Addr>()
            .is_ok_and(|a| !a.is_unspecified() && !a.is_loopback())
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Asserts every `good` passes and every `bad` fails, naming the culprit.
    fn cases(v: Validator, good: &[&str], bad: &[&str]) {
        for g in good {
            assert!(v.check(g), "{} should accept {g:?}", v.name());
        }
        for b in bad {
            assert!(!v.check(b), "{} should reject {b:?}", v.name());
        }
    }

    /// Independent Luhn check digit: the body digit next to the check digit
    /// is doubled, then every second one leftwards.
    fn luhn_digit(body: &[u8]) -> u8 {
        const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
        let last = body.len() - 1;
        let sum: u32 = body
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let d = u32::from(c - b'0');
                if (last - i).is_multiple_of(2) {
                    DOUBLED[d as usize]
                } else {
                    d
                }
            })
            .sum();
        b'0' + ((10 - sum % 10) % 10) as u8
    }

    /// Independent IBAN check digits via u128 arithmetic.
    fn iban_check(country: &str, bban: &str) -> String {
        let mut digits = String::new();
        for c in bban.chars().chain(country.chars()) {
            digits.push_str(&c.to_digit(36).unwrap().to_string());
        }
        digits.push_str("00");
        let n: u128 = digits.parse().unwrap();
        format!("{country}{:02}{bban}", 98 - n % 97)
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(Validator::ALL.len(), 18);
        for (i, &v) in Validator::ALL.iter().enumerate() {
            assert_eq!(v as usize, i, "ALL must follow declaration order");
            assert_eq!(Validator::from_name(v.name()), Some(v));
            assert_eq!(Validator::from_name(&v.name().to_uppercase()), Some(v));
            assert!(!v.describe().is_empty());
        }
        let mut names: Vec<_> = Validator::ALL.iter().map(|v| v.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Validator::ALL.len());
        assert_eq!(Validator::from_name("nope"), None);
        assert_eq!(Validator::from_name(""), None);
    }

    #[test]
    fn helpers() {
        assert!(luhn_ok(b"79927398713"));
        assert!(!luhn_ok(b"79927398710"));
        assert!(!luhn_ok(b""));
        assert!(!luhn_ok(b"7992739871x"));
        assert!(is_valid_date(2000, 2, 29));
        assert!(is_valid_date(2024, 2, 29));
        assert!(!is_valid_date(1900, 2, 29));
        assert!(!is_valid_date(2023, 2, 29));
        assert!(!is_valid_date(2023, 4, 31));
        assert!(!is_valid_date(2023, 0, 1));
        assert!(!is_valid_date(2023, 13, 1));
        assert!(!is_valid_date(2023, 1, 0));
        assert!(is_valid_date(i32::MIN, 1, 1));
    }

    #[test]
    fn luhn() {
        cases(
            Validator::Luhn,
            &[
                "79927398713",
                "4111 1111 1111 1111",
                "1212121212",
                "18",
                "0000-0000",
            ],
            &[
                "79927398710",
                "1",
                "12345678901234567890",
                "7992739871a",
                "७९९२७३९८७१३",
                "",
            ],
        );
    }

    #[test]
    fn payment_card() {
        cases(
            Validator::PaymentCard,
            &[
                "4111111111111111",
                "4111 1111 1111 1111",
                "4012-8888-8888-1881",
                "4222222222222",
                "5555555555554444",
                "5105105105105100",
                "2223003122003222",
                "378282246310005",
                "3714 496353 98431",
                "6011111111111117",
                "3530111333300000",
                "30569309025904",
                "6200000000000005",
                "6759649826438453",
            ],
            &[
                "4111111111111112",  // one digit changed
                "378282246310005 0", // Amex with wrong length
                "79927398713",       // Luhn ok but too short
                "0000000000000000",  // all same digit
                "9111111111111113",  // Luhn ok, no brand
                "5555555555554444x",
                "４１１１１１１１１１１１１１１１", // full-width digits
            ],
        );
    }

    #[test]
    fn iban() {
        cases(
            Validator::Iban,
            &[
                "SE4550000000058398257466",
                "SE45 5000 0000 0583 9825 7466",
                "GB82WEST12345698765432",
                "gb82 west 1234 5698 7654 32",
                "DE89370400440532013000",
                "NO9386011117947",
                "DK5000400440116243",
                "FI2112345600000785",
                "NL91ABNA0417164300",
                "FR1420041010050500013M02606",
                "BE68539007547034",
                "PL61109010140000071219812874",
                "IT60X0542811101000000123456",
                "ES9121000418450200051332",
                "CH9300762011623852957",
                "EE382200221020145685",
                "AT611904300234573201",
            ],
            &[
                "SE4550000000058398257467", // one digit changed
                "GB82WEST1234569876543",    // wrong length
                "DE89370400440532013000 0", // wrong length
                "XX89370400440532013000",   // unknown country
                "SE45-5000-0000-0583-9825-7466",
                "ÅÄ4550000000058398257466",
                "SE",
            ],
        );
    }

    #[test]
    fn se_personnummer() {
        cases(
            Validator::SePersonnummer,
            &[
                "19121212-1212",
                "121212-1212",
                "121212+1212",
                "1212121212",
                "191212121212",
                "811218-9876",
                "640823-3234",
                "20000229-1235",
                "000229-1235",
            ],
            &[
                "121212-1213",   // check digit changed
                "121213-1212",   // date digit changed
                "19000229-1235", // 1900 is not a leap year (Luhn-valid body)
                "121232-1212",   // day 32
                "701063-2391",   // samordningsnummer, not personnummer
                "556036-0793",   // company organisationsnummer
                "12121212-1212", // century 12
                "121212/1212",
                "1212-121212",
                "12121-21212",
                "１２１２１２-１２１２",
            ],
        );
    }

    #[test]
    fn se_samordningsnummer() {
        cases(
            Validator::SeSamordningsnummer,
            &[
                "701063-2391",
                "19701063-2391",
                "8112789873",
                "000289-1232",
                "121272-1219",
            ],
            &[
                "701063-2392",
                "121212-1212",
                "811292-1234",
                "701003-2391",
                "7010632391x",
            ],
        );
    }

    #[test]
    fn se_orgnr_person() {
        cases(
            Validator::SeOrgnrPerson,
            &["121212-1212", "8112189876", "196408233234"],
            &["556036-0793", "5560360793", "121212-1213", "202100-5489"],
        );
    }

    #[test]
    fn no_fodselsnummer() {
        cases(
            Validator::NoFodselsnummer,
            &[
                "01010101006",
                "010101 01006",
                "17054026641",
                "15076500565",
                "15057512315",
                "41018012365", // D-number
                "01528001293", // H-number
                "29020050088", // 29 Feb 2000 (individual number >= 500)
                "45019012097",
            ],
            &[
                "01010101007", // second control digit changed
                "01010101016", // first control digit changed
                "29020010027", // 29 Feb 1900: controls right, date wrong
                "01548001273", // H-number month 14
                "32010101006",
                "0101010100",
                "010101-01006",
                "ØØØØØØØØØØØ",
            ],
        );
    }

    #[test]
    fn dk_cpr() {
        cases(
            Validator::DkCpr,
            &[
                "070761-4285",
                "0707614285",
                "290200-4000",
                "150185-1234",
                "010100 5000",
            ],
            &[
                "290200-1234", // 7th digit 1 → 1900, not a leap year
                "310285-1234",
                "010190-0000", // zero serial
                "011390-1234",
                "0101901234-",
                "01019012345",
                "0101-901234",
            ],
        );
    }

    #[test]
    fn fi_hetu() {
        cases(
            Validator::FiHetu,
            &[
                "131052-308T",
                "010101A123N",
                "010594Y123W",
                "311299-0029",
                "020202A0202",
                "290200A002C",
                "131052-308t",
            ],
            &[
                "131052-308U", // wrong control
                "131052-309T", // individual number changed
                "311280-999J", // 999 is a temporary number
                "290201A002C", // 29 Feb 2001
                "131052Z308T", // unknown century sign
                "131052-308",
                "010594Y9032", // individual number 903 is temporary
                "131052–308T", // en dash
            ],
        );
    }

    #[test]
    fn nl_bsn() {
        cases(
            Validator::NlBsn,
            &[
                "111222333",
                "123456782",
                "1234.56.782",
                "12345672",
                "999999990",
            ],
            &[
                "111222334",
                "000000000",
                "1234567",
                "1234567820",
                "12345678a",
                "١١١٢٢٢٣٣٣",
            ],
        );
    }

    #[test]
    fn es_dni() {
        cases(
            Validator::EsDni,
            &[
                "12345678Z",
                "12345678z",
                "12345678-Z",
                "12345678 Z",
                "00000001R",
                "X1234567L",
                "Y1234567X",
                "Z1234567R",
            ],
            &[
                "12345678A",
                "12345679Z",
                "1234567Z",
                "W1234567L",
                "00000000T",
                "X1234567-",
                "12345678Ñ",
            ],
        );
    }

    #[test]
    fn pl_pesel() {
        cases(
            Validator::PlPesel,
            &[
                "44051401359",
                "02070803628",
                "00222912349",
                "83121312348",
                "92810112347",
            ],
            &[
                "44051401358", // check digit changed
                "44053201359", // day 32 (check also wrong, but date first)
                "00022912345", // 29 Feb 1900
                "4405140135",
                "44051401359x",
                "4405 1401359",
            ],
        );
    }

    #[test]
    fn it_codice_fiscale() {
        cases(
            Validator::ItCodiceFiscale,
            &[
                "RSSMRA85T10A562S",
                "rssmra85t10a562s",
                "MRTMTT91D08F205J",
                "VRDGPP13A10B296Q",
                "RSSMRA85T10A56NH", // omocodia
            ],
            &[
                "RSSMRA85T10A562T", // wrong check char
                "RSSMRA85T10A563S",
                "RSSMRA85F10A562S", // F is not a month letter
                "MNDLSN77B69L219H", // 29 Feb 1977 (female), check char right
                "RSSMRA85T10A562",
                "RSSMRA85T10A562SS",
                "RSSMRÄ85T10A562S",
            ],
        );
    }

    #[test]
    fn ee_isikukood() {
        cases(
            Validator::EeIsikukood,
            &[
                "37605030299",
                "49403136526",
                "50001029996",
                "60002290003",
                "38001085718",
            ],
            &[
                "37605030298", // check digit changed
                "77605030299", // G out of range
                "38002305718", // 30 Feb
                "3760503029",
                "3760503029a",
            ],
        );
    }

    #[test]
    fn be_rijksregister() {
        cases(
            Validator::BeRijksregister,
            &[
                "85073003328",
                "85.07.30-033.28",
                "17022812319",
                "17.02.28-123.19",
                "93010612308",
                "00000012371",
                "40000012338",
            ],
            &[
                "85073003329", // check changed
                "85133003328",
                "00000000097", // all-zero body
                "8507300332",
                "85.07.30/033.28",
                "85073003328 1",
            ],
        );
    }

    #[test]
    fn ipv4() {
        cases(
            Validator::Ipv4,
            &[
                "192.168.1.1",
                "8.8.8.8",
                "10.0.0.1",
                "255.255.255.254",
                "0.1.2.3",
            ],
            &[
                "256.1.1.1",
                "01.2.3.4",
                "1.2.3",
                "1.2.3.4.5",
                "1..2.3",
                "0.0.0.0",
                "255.255.255.255",
                "1.2.3.٤",
                "",
            ],
        );
    }

    #[test]
    fn ipv6() {
        cases(
            Validator::Ipv6,
            &[
                "2001:db8::1",
                "fe80::1ff:fe23:4567:890a",
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                "::ffff:192.0.2.1",
            ],
            &[
                "::",
                "::1",
                "0:0:0:0:0:0:0:1",
                "2001:db8::g",
                "12345::",
                "1.2.3.4",
                "2001:db8:::1",
            ],
        );
    }

    #[test]
    fn date() {
        cases(
            Validator::Date,
            &[
                "2024-02-29",
                "2000/02/29",
                "19991231",
                "29.02.2000",
                "31/12/2099",
                "1/2/1990",
                "1.2.1990",
                "15-06-1985",
                "1900-01-01",
            ],
            &[
                "1900-02-29",
                "2023-02-29",
                "31.04.2020",
                "1899-12-31",
                "2100-01-01",
                "900101",
                "2020-13-01",
                "2020-1-01",
                "01.02/2020",
                "1-2-1990",
                "2020.01.01",
                "２０２０-01-01",
            ],
        );
    }

    #[test]
    fn luhn_digit_helper_agrees_with_known() {
        assert_eq!(luhn_digit(b"121212121"), b'2');
        assert_eq!(luhn_digit(b"411111111111111"), b'1');
        assert_eq!(luhn_digit(b"7992739871"), b'3');
        assert_eq!(
            iban_check("SE", "50000000058398257466"),
            "SE4550000000058398257466"
        );
    }

    fn all_check(s: &str) {
        for &v in Validator::ALL {
            let _ = v.check(s);
        }
    }

    proptest! {
        #[test]
        fn personnummer_single_digit_errors_fail(
            year in 1900i32..=2099,
            month in 1u32..=12,
            day in 1u32..=31,
            serial in 0u32..1000,
            long in any::<bool>(),
            samordning in any::<bool>(),
        ) {
            prop_assume!(is_valid_date(year, month, day));
            let shown_day = if samordning { day + 60 } else { day };
            let body = format!("{:02}{month:02}{shown_day:02}{serial:03}", year % 100);
            let check = luhn_digit(body.as_bytes()) as char;
            let s = if long {
                format!("{}{}-{}{check}", year / 100, &body[..6], &body[6..])
            } else {
                format!("{}-{}{check}", &body[..6], &body[6..])
            };
            let v = if samordning {
                Validator::SeSamordningsnummer
            } else {
                Validator::SePersonnummer
            };
            prop_assert!(v.check(&s), "{s}");
            let n = s.len();
            for pos in n - 4..n {
                for d in b'0'..=b'9' {
                    let mut b = s.clone().into_bytes();
                    if b[pos] == d { continue; }
                    b[pos] = d;
                    let t = String::from_utf8(b).unwrap();
                    prop_assert!(!v.check(&t), "{t} should fail");
                }
            }
        }

        #[test]
        fn visa_single_digit_errors_fail(body in "4[0-9]{14}", spaced in any::<bool>()) {
            let s = format!("{body}{}", luhn_digit(body.as_bytes()) as char);
            prop_assert!(Validator::PaymentCard.check(&s), "{s}");
            if spaced {
                let g = format!("{} {} {} {}", &s[..4], &s[4..8], &s[8..12], &s[12..]);
                prop_assert!(Validator::PaymentCard.check(&g), "{g}");
            }
            for pos in 0..s.len() {
                for d in b'0'..=b'9' {
                    let mut b = s.clone().into_bytes();
                    if b[pos] == d { continue; }
                    b[pos] = d;
                    let t = String::from_utf8(b).unwrap();
                    prop_assert!(!Validator::PaymentCard.check(&t), "{t} should fail");
                }
            }
        }

        #[test]
        fn se_iban_single_digit_errors_fail(bban in "[0-9]{20}") {
            let s = iban_check("SE", &bban);
            prop_assert!(Validator::Iban.check(&s), "{s}");
            for pos in 2..s.len() {
                for d in b'0'..=b'9' {
                    let mut b = s.clone().into_bytes();
                    if b[pos] == d { continue; }
                    b[pos] = d;
                    let t = String::from_utf8(b).unwrap();
                    prop_assert!(!Validator::Iban.check(&t), "{t} should fail");
                }
            }
        }

        #[test]
        fn never_panics_on_any_string(s in ".*") {
            all_check(&s);
        }

        #[test]
        fn never_panics_on_lossy_bytes(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            all_check(&String::from_utf8_lossy(&b));
        }

        #[test]
        fn never_panics_on_identifier_like(s in "[0-9A-Za-z +./:-]{0,40}") {
            all_check(&s);
        }
    }
}
