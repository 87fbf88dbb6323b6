//! The first Nordic identity numbers: Swedish personnummer and samordningsnummer,
//! Norwegian fødselsnummer, Danish CPR and Finnish HETU.

use super::*;

/// `day_offset` is 0 for personnummer and 60 for samordningsnummer.
pub(super) fn se_pnr(s: &[u8], day_offset: u32) -> bool {
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

pub(super) fn no_fnr(s: &[u8]) -> bool {
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

pub(super) fn dk_cpr(s: &[u8]) -> bool {
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

pub(super) fn fi_hetu(s: &[u8]) -> bool {
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
