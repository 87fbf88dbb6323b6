//! The first European identity numbers: Dutch BSN, Spanish DNI/NIE, Polish PESEL,
//! Italian codice fiscale, Estonian isikukood and Belgian national numbers.

use super::*;

pub(super) fn nl_bsn(s: &[u8]) -> bool {
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

pub(super) fn es_dni(s: &[u8]) -> bool {
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

pub(super) fn pl_pesel(s: &[u8]) -> bool {
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
pub(super) fn cf_digit(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(digit(c)),
        _ => b"LMNPQRSTUV".iter().position(|&x| x == c).map(|p| p as u32),
    }
}

pub(super) fn it_cf(s: &[u8]) -> bool {
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

pub(super) fn ee_isikukood(s: &[u8]) -> bool {
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

pub(super) fn be_rrn(s: &[u8]) -> bool {
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
