//! Payment cards (Luhn, brand and length) and IBANs (mod 97).

use super::*;

pub(super) fn payment_card(s: &[u8]) -> bool {
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
pub(super) fn iban_len(cc: [u8; 2]) -> Option<usize> {
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

pub(super) fn iban(s: &[u8]) -> bool {
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
