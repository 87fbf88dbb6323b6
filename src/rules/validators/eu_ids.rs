//! National identity numbers of the EU/EEA and the UK outside the Nordic
//! countries: birth dates, century codes and check digits as the issuing
//! authorities publish them. Every function takes the candidate as written
//! (separators included) and is total: any input gives `false`, never a panic.

use super::{all_digits, dd, digit, fixed, is_valid_date, luhn_ok, num, strip, weighted};

/// Either century, for numbers that do not encode it.
fn date_any_century(yy: u32, month: u32, day: u32) -> bool {
    is_valid_date(1900 + yy as i32, month, day) || is_valid_date(2000 + yy as i32, month, day)
}

/// `11 - sum % 11` with 11 → 0; `None` for 10 (such numbers are never issued).
fn mod11_complement(sum: u32) -> Option<u32> {
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

/// ISO 7064 MOD 11,10 over all digits but the last; true when the last matches.
pub(super) fn iso7064_mod11_10(d: &[u8]) -> bool {
    let Some((&check, body)) = d.split_last() else {
        return false;
    };
    let mut product = 10;
    for &c in body {
        let mut sum = (digit(c) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    (11 - product) % 10 == digit(check)
}

/// Lithuanian asmens kodas: the Estonian layout (G YYMMDD NNN C) and check.
pub(super) fn lt_asmens_kodas(s: &[u8]) -> bool {
    super::ee_isikukood(s)
}

/// Latvian personas kods DDMMYY-CNNNN: C gives the century (0: 1800s, 1: 1900s,
/// 2: 2000s), the last digit is `(1101 - Σ wᵢdᵢ) mod 11 mod 10`.
pub(super) fn lv_personas_kods(s: &[u8]) -> bool {
    let Some(d) = fixed::<11>(s, 6, b"- ") else {
        return false;
    };
    let century = match d[6] {
        b'0' => 1800,
        b'1' => 1900,
        b'2' => 2000,
        _ => return false,
    };
    if !is_valid_date(century + dd(&d, 4) as i32, dd(&d, 2), dd(&d, 0)) {
        return false;
    }
    let sum = weighted(&d, &[1, 6, 3, 7, 9, 10, 5, 8, 4, 2]);
    (1101 - sum % 1101) % 11 % 10 == digit(d[10])
}

/// Greek AMKA: DDMMYY, four digits, and a Luhn check digit over all eleven.
pub(super) fn gr_amka(s: &[u8]) -> bool {
    let Some(d) = fixed::<11>(s, usize::MAX, b"") else {
        return false;
    };
    date_any_century(dd(&d, 4), dd(&d, 2), dd(&d, 0)) && luhn_ok(&d)
}

/// Belgian BIS number: the national-number layout with 20 (sex unknown) or 40
/// (sex known) added to the month, and the same mod-97 check.
pub(super) fn be_bis(s: &[u8]) -> bool {
    let Some(b) = strip(s, b". -", 11) else {
        return false;
    };
    let d = b.as_slice();
    if d.len() != 11 || !all_digits(d) {
        return false;
    }
    let month = match dd(d, 2) {
        m @ 20..=32 => m - 20,
        m @ 40..=52 => m - 40,
        _ => return false,
    };
    let (yy, day) = (dd(d, 0) as i32, dd(d, 4));
    let date_ok = |century: i32| {
        day <= 31 && (month == 0 || day == 0 || is_valid_date(century + yy, month, day))
    };
    let (n9, cc) = (num(&d[..9]), u64::from(dd(d, 9)));
    (97 - n9 % 97 == cc && date_ok(1900)) || (97 - (2_000_000_000 + n9) % 97 == cc && date_ok(2000))
}

/// German Steuerliche Identifikationsnummer: 11 digits, no leading 0; in the
/// first ten exactly one digit occurs twice or three times (three never in a
/// row); ISO 7064 MOD 11,10 check digit.
pub(super) fn de_steuer_id(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" /", 11) else {
        return false;
    };
    let d = b.as_slice();
    if d.len() != 11 || !all_digits(d) || d[0] == b'0' {
        return false;
    }
    let mut counts = [0u8; 10];
    for &c in &d[..10] {
        counts[digit(c) as usize] += 1;
    }
    let repeated: Vec<usize> = (0..10).filter(|&i| counts[i] > 1).collect();
    let [r] = repeated[..] else {
        return false;
    };
    if counts[r] > 3 {
        return false;
    }
    let r = b'0' + r as u8;
    let triple_in_row = d[..10].windows(3).any(|w| w.iter().all(|&c| c == r));
    !triple_in_row && iso7064_mod11_10(d)
}

/// German Sozialversicherungsnummer (Rentenversicherungsnummer): area number,
/// birth date DDMMYY, the initial of the birth name, a serial number and a check
/// digit (the letter counts as its two-digit position in the alphabet; weights
/// 2 1 2 5 7 1 2 1 2 1 2 1; sum of the products' digit sums, mod 10).
pub(super) fn de_sv_nummer(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" ", 12) else {
        return false;
    };
    let c = b.as_slice();
    if c.len() != 12 || !all_digits(&c[..8]) || !all_digits(&c[9..]) {
        return false;
    }
    let letter = c[8].to_ascii_uppercase();
    if !letter.is_ascii_uppercase() || !date_any_century(dd(c, 6), dd(c, 4), dd(c, 2)) {
        return false;
    }
    let pos = u32::from(letter - b'A') + 1;
    let mut d = [0u32; 12];
    for (o, &x) in d.iter_mut().zip(&c[..8]) {
        *o = digit(x);
    }
    d[8] = pos / 10;
    d[9] = pos % 10;
    d[10] = digit(c[9]);
    d[11] = digit(c[10]);
    let sum: u32 = d
        .iter()
        .zip([2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1])
        .map(|(&x, w)| {
            let p = x * w;
            p / 10 + p % 10
        })
        .sum();
    sum % 10 == digit(c[11])
}

/// French NIR (numéro de sécurité sociale): sex, YY, MM, département (Corsica
/// 2A/2B), commune, order number and the key `97 - N mod 97` (2A counts as 19,
/// 2B as 18).
pub(super) fn fr_nir(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" .-", 15) else {
        return false;
    };
    let c = b.as_slice();
    if c.len() != 15 || !matches!(c[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return false;
    }
    let mut d = [0u8; 15];
    d.copy_from_slice(c);
    let corsica = match d[6].to_ascii_uppercase() {
        b'A' if d[5] == b'2' => Some(b'9'),
        b'B' if d[5] == b'2' => Some(b'8'),
        _ => None,
    };
    if let Some(x) = corsica {
        d[5] = b'1';
        d[6] = x;
    }
    if !all_digits(&d) {
        return false;
    }
    // 01-12, 20 and 30-42 (no civil record of the month), 50-99 (provisional)
    let month_ok = matches!(dd(&d, 3), 1..=12 | 20 | 30..=42 | 50..=99);
    let key = u64::from(dd(&d, 13));
    month_ok && (1..=97).contains(&key) && 97 - num(&d[..13]) % 97 == key
}

/// Irish Personal Public Service number: seven digits, a check letter and an
/// optional second letter (`A`, `B`, `H`, `W`, ...), which counts ×9 in the sum.
pub(super) fn ie_pps(s: &[u8]) -> bool {
    const LETTERS: &[u8; 23] = b"WABCDEFGHIJKLMNOPQRSTUV";
    let Some(b) = strip(s, b" ", 9) else {
        return false;
    };
    let c = b.as_slice();
    let (body, check, second) = match c {
        [body @ .., check] if body.len() == 7 => (body, *check, None),
        [body @ .., check, second] if body.len() == 7 => (body, *check, Some(*second)),
        _ => return false,
    };
    if !all_digits(body) {
        return false;
    }
    let extra = match second.map(|x| x.to_ascii_uppercase()) {
        None | Some(b'W') => 0,
        Some(x @ b'A'..=b'Z') => u32::from(x - b'A') + 1,
        Some(_) => return false,
    };
    let sum = weighted(body, &[8, 7, 6, 5, 4, 3, 2]) + extra * 9;
    LETTERS.get((sum % 23) as usize) == Some(&check.to_ascii_uppercase())
}

/// UK National Insurance number: the prefix letters HMRC allocates (no D F I Q U V,
/// no O second, not BG GB KN NK NT TN ZZ), six digits and a suffix A-D.
pub(super) fn uk_nino(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" ", 9) else {
        return false;
    };
    let c = b.as_slice();
    let [a, p, digits @ .., suffix] = c else {
        return false;
    };
    let (a, p) = (a.to_ascii_uppercase(), p.to_ascii_uppercase());
    let first_ok = a.is_ascii_uppercase() && !b"DFIQUV".contains(&a);
    let second_ok = p.is_ascii_uppercase() && !b"DFIOQUV".contains(&p);
    let banned = matches!(
        &[a, p],
        b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
    );
    first_ok
        && second_ok
        && !banned
        && digits.len() == 6
        && all_digits(digits)
        && matches!(suffix.to_ascii_uppercase(), b'A'..=b'D')
}

/// NHS number (England, Wales, Isle of Man): ten digits, mod-11 check digit with
/// weights 10..2; a remainder giving 10 is never issued.
pub(super) fn uk_nhs(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" -", 10) else {
        return false;
    };
    let d = b.as_slice();
    d.len() == 10
        && all_digits(d)
        && !d.iter().all(|&c| c == d[0])
        && mod11_complement(weighted(d, &[10, 9, 8, 7, 6, 5, 4, 3, 2])) == Some(digit(d[9]))
}

/// Czech and Slovak rodné číslo YYMMDD/NNN(N): month + 50 for women, + 20 / + 70
/// for numbers issued since 2004; ten-digit numbers (born 1954 or later) are
/// divisible by 11 (or end in 0 where the first nine leave 10); nine-digit ones
/// (born before 1954) have no check digit.
pub(super) fn cz_rodne_cislo(s: &[u8]) -> bool {
    let Some(b) = strip(s, b"/ ", 10) else {
        return false;
    };
    let d = b.as_slice();
    if !(9..=10).contains(&d.len()) || !all_digits(d) {
        return false;
    }
    let month = match dd(d, 2) {
        m @ 1..=12 => m,
        m @ 21..=32 => m - 20,
        m @ 51..=62 => m - 50,
        m @ 71..=82 => m - 70,
        _ => return false,
    };
    let yy = dd(d, 0) as i32;
    if d.len() == 9 {
        return yy < 54 && is_valid_date(1900 + yy, month, dd(d, 4));
    }
    let year = if yy >= 54 { 1900 + yy } else { 2000 + yy };
    if !is_valid_date(year, month, dd(d, 4)) {
        return false;
    }
    let n = num(d);
    n.is_multiple_of(11) || (num(&d[..9]) % 11 == 10 && d[9] == b'0')
}

/// Romanian CNP: S YYMMDD JJ NNN C; S gives sex and century (1/2 1900s, 3/4
/// 1800s, 5/6 2000s, 7/8/9 residents and foreigners), JJ the county (01-52, 70),
/// C the check with weights 279146358279 (a remainder of 10 gives 1).
pub(super) fn ro_cnp(s: &[u8]) -> bool {
    let Some(d) = fixed::<13>(s, usize::MAX, b"") else {
        return false;
    };
    let (yy, month, day) = (dd(&d, 1) as i32, dd(&d, 3), dd(&d, 5));
    let date_ok = match d[0] {
        b'1' | b'2' => is_valid_date(1900 + yy, month, day),
        b'3' | b'4' => is_valid_date(1800 + yy, month, day),
        b'5' | b'6' => is_valid_date(2000 + yy, month, day),
        b'7' | b'8' | b'9' => date_any_century(yy as u32, month, day),
        _ => false,
    };
    let county_ok = matches!(dd(&d, 7), 1..=52 | 70);
    let r = weighted(&d, &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
    let check = if r == 10 { 1 } else { r };
    date_ok && county_ok && num(&d[9..12]) != 0 && check == digit(d[12])
}

/// Bulgarian EGN: YYMMDD (month + 20 for the 1800s, + 40 for the 2000s), three
/// digits and a check with weights 2 4 8 5 10 9 7 3 6 (a remainder of 10 gives 0).
pub(super) fn bg_egn(s: &[u8]) -> bool {
    let Some(d) = fixed::<10>(s, usize::MAX, b"") else {
        return false;
    };
    let (yy, mm, day) = (dd(&d, 0) as i32, dd(&d, 2), dd(&d, 4));
    let (year, month) = match mm {
        1..=12 => (1900 + yy, mm),
        21..=32 => (1800 + yy, mm - 20),
        41..=52 => (2000 + yy, mm - 40),
        _ => return false,
    };
    let r = weighted(&d, &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11;
    is_valid_date(year, month, day) && r % 10 == digit(d[9])
}

/// Slovenian EMŠO (the Yugoslav JMBG layout): DDMMYYY, register region 50-59,
/// serial number and a mod-11 check digit with weights 7 6 5 4 3 2 7 6 5 4 3 2.
pub(super) fn si_emso(s: &[u8]) -> bool {
    let Some(d) = fixed::<13>(s, usize::MAX, b"") else {
        return false;
    };
    let yyy = num(&d[4..7]) as i32;
    let year = if yyy >= 800 { 1000 + yyy } else { 2000 + yyy };
    (50..=59).contains(&dd(&d, 7))
        && is_valid_date(year, dd(&d, 2), dd(&d, 0))
        && mod11_complement(weighted(&d, &[7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]))
            == Some(digit(d[12]))
}

/// Croatian OIB: eleven digits with an ISO 7064 MOD 11,10 check digit. It
/// encodes nothing else, so rules using it need a context word.
pub(super) fn hr_oib(s: &[u8]) -> bool {
    fixed::<11>(s, usize::MAX, b"").is_some_and(|d| iso7064_mod11_10(&d))
}

/// Portuguese Cartão de Cidadão document number: eight-digit civil id, its check
/// digit, two version characters and a final check over all twelve (letters
/// count A=10 ... Z=35; every second value from the right doubled, less 9 when
/// it reaches 10; the total divisible by 10).
pub(super) fn pt_cc(s: &[u8]) -> bool {
    let Some(b) = strip(s, b" -", 12) else {
        return false;
    };
    let c = b.as_slice();
    if c.len() != 12 || !all_digits(&c[..9]) || !c[11].is_ascii_digit() {
        return false;
    }
    let mut sum = 0;
    for (i, &x) in c.iter().rev().enumerate() {
        let x = x.to_ascii_uppercase();
        let mut v = match x {
            b'0'..=b'9' => digit(x),
            b'A'..=b'Z' => u32::from(x - b'A') + 10,
            _ => return false,
        };
        if i % 2 == 1 {
            v *= 2;
            if v >= 10 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// Austrian Sozialversicherungsnummer NNNC DDMMYY: a serial number (no leading 0),
/// the check digit (weights 3 7 9 · 5 8 4 2 1 6, mod 11; 10 is never issued)
/// and the birth date.
pub(super) fn at_svnr(s: &[u8]) -> bool {
    let Some(d) = fixed::<10>(s, 4, b" ") else {
        return false;
    };
    let sum = weighted(&d, &[3, 7, 9, 0, 5, 8, 4, 2, 1, 6]);
    d[0] != b'0'
        && date_any_century(dd(&d, 8), dd(&d, 6), dd(&d, 4))
        && sum % 11 < 10
        && sum % 11 == digit(d[3])
}

#[cfg(test)]
mod tests;
