//! The Nordic identity numbers beyond the personnummer family in the parent
//! module: Danish CPR with its modulus-11 check, the Icelandic kennitala and the
//! Swedish health-care reserve numbers (reservnummer) of the regions that publish
//! their format.

use super::{all_digits, dd, digit, fixed, is_valid_date, luhn_ok, weighted};

/// Danish CPR number issued before October 2007: valid date and the old
/// modulus-11 check (weights 4 3 2 7 6 5 4 3 2 1). Numbers issued since may fail
/// the check, so rules that accept them without it need a context word.
pub(super) fn dk_cpr_mod11(s: &[u8]) -> bool {
    super::dk_cpr(s)
        && fixed::<10>(s, 6, b"- ")
            .is_some_and(|d| weighted(&d, &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11))
}

/// Icelandic kennitala DDMMYY-NNCK of a person (companies add 40 to the day): a
/// check digit K over the first eight digits (weights 3 2 7 6 5 4 3 2, mod 11)
/// and the century digit C (9: 1900s, 0: 2000s, 8: 1800s).
pub(super) fn is_kennitala(s: &[u8]) -> bool {
    let Some(d) = fixed::<10>(s, 6, b"- ") else {
        return false;
    };
    let century = match d[9] {
        b'9' => 1900,
        b'0' => 2000,
        b'8' => 1800,
        _ => return false,
    };
    if !is_valid_date(century + dd(&d, 4) as i32, dd(&d, 2), dd(&d, 0)) {
        return false;
    }
    let check = match 11 - weighted(&d, &[3, 2, 7, 6, 5, 4, 3, 2]) % 11 {
        11 => 0,
        10 => return false,
        k => k,
    };
    check == digit(d[8])
}

/// Swedish reserve numbers (reservnummer) given by health care to patients without
/// a personnummer or samordningsnummer, in the regional formats Inera publishes:
/// Region Stockholm `99YYYYNNNNNC` (Luhn over the last eight digits), Västra
/// Götaland `YYYYMMDDGggC` (G = K, M or X, counting 5, 7, 8) and Inera Carelink
/// `YYYYMMxxNNNC` (xx 32-59), both with a Luhn check over the last ten.
pub(super) fn se_reservnummer(s: &[u8]) -> bool {
    let mut c = [0u8; 12];
    let mut n = 0;
    for &b in s {
        if b == b'-' && n == 8 {
            continue;
        }
        if n == 12 {
            return false;
        }
        c[n] = b.to_ascii_uppercase();
        n += 1;
    }
    if n != 12 {
        return false;
    }
    if c.starts_with(b"99") && all_digits(&c) {
        let year = dd(&c, 2) * 100 + dd(&c, 4);
        return (1800..=2299).contains(&year) && luhn_ok(&c[4..]);
    }
    let year = (dd(&c, 0) * 100 + dd(&c, 2)) as i32;
    if !(18..=20).contains(&dd(&c, 0)) || !all_digits(&c[..8]) {
        return false;
    }
    let (month, day) = (dd(&c, 4), dd(&c, 6));
    let value = match c[8] {
        b'K' => b'5',
        b'M' => b'7',
        b'X' => b'8',
        d if d.is_ascii_digit() && (32..=59).contains(&day) => d, // Carelink
        _ => return false,
    };
    let vgr = c[8].is_ascii_uppercase();
    let date_ok = if vgr {
        is_valid_date(year, month, day) && (6..=89).contains(&dd(&c, 9))
    } else {
        (1..=12).contains(&month)
    };
    c[8] = value;
    date_ok && all_digits(&c) && luhn_ok(&c[2..])
}

#[cfg(test)]
mod tests {
    use super::super::Validator::*;
    use super::super::cases;

    #[test]
    fn danish_cpr_with_and_without_modulus_11() {
        cases(
            DkCprMod11,
            &["070761-4285", "0103901006"],
            &["010390-4000", "320761-4285"],
        );
        // a post-2007 number that fails modulus 11 still has a valid date
        cases(DkCpr, &["010390-4000"], &["010390-0000"]);
    }

    #[test]
    fn icelandic_kennitala() {
        cases(
            IsKennitala,
            &["120174-3399", "1201743399", "010190-2319"],
            // wrong check digit, a company (day + 40), an unknown century digit
            &["120174-3389", "520174-3399", "120174-3397"],
        );
    }

    #[test]
    fn swedish_reserve_numbers() {
        // the regions' published examples
        cases(
            SeReservnummer,
            &[
                "991981000010",
                "991945000023",
                "19810829M071",
                "19450829K088",
                "19930829-X802",
                "198108320014",
            ],
            &[
                "991981000011",
                "19810829M072",
                "19810229M071",
                "19810829Q071",
                "198108200014",
            ],
        );
    }

    #[test]
    fn norwegian_d_and_h_numbers_with_both_check_digits() {
        cases(
            NoFodselsnummer,
            // D-number (day + 40), H-number (month + 40), an ordinary number
            &["55076510007", "15476510187", "01019010046"],
            &["55076510008", "15476510180", "75076510007"],
        );
    }

    #[test]
    fn finnish_hetu_with_the_2023_century_signs() {
        cases(
            FiHetu,
            &["131052-308T", "010594Y123W", "020310B4560", "150203A234L"],
            // right check character under another century sign, a sign not in use
            &["010594Y123X", "020310G4560", "131052Z308T"],
        );
    }
}
