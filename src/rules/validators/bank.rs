//! Domestic bank account numbers of the Nordic countries and the UK. Digit runs
//! of these lengths are everywhere, so every rule using these also needs an
//! account word; the checks here remove the numbers no bank could have issued.

use super::{all_digits, digit, luhn_ok, strip};

/// How a Swedish bank builds and checks its account numbers (Bankgirot,
/// "Bankernas kontonummeruppbyggnad"): type 1 accounts have seven digits checked
/// together with the clearing number (comment 1: its last three digits; comment
/// 2: all four), type 2 accounts are checked alone (comment 1: ten digits mod 10;
/// comment 2: nine digits mod 11; comment 3: up to ten digits mod 10).
#[derive(Debug, Clone, Copy, PartialEq)]
enum SeAccountKind {
    Type1Comment1,
    Type1Comment2,
    Type2Comment1,
    Type2Comment2,
    Type2Comment3,
}

/// Clearing number ranges by bank, as published by Bankgirot.
#[rustfmt::skip]
const SE_CLEARING: &[(u32, u32, SeAccountKind)] = {
    use SeAccountKind::*;
    &[
        (1100, 1199, Type1Comment1), // Nordea
        (1200, 1399, Type1Comment1), // Danske Bank
        (1400, 2099, Type1Comment1), // Nordea
        (2300, 2399, Type1Comment2), // Ålandsbanken
        (2400, 2499, Type1Comment1), // Danske Bank
        (3000, 3299, Type1Comment1), // Nordea
        (3300, 3300, Type2Comment1), // Nordea personkonto
        (3301, 3399, Type1Comment1), // Nordea
        (3400, 3409, Type1Comment1), // Länsförsäkringar Bank
        (3410, 3781, Type1Comment1), // Nordea
        (3782, 3782, Type2Comment1), // Nordea personkonto
        (3783, 3999, Type1Comment1), // Nordea
        (4000, 4999, Type1Comment2), // Nordea
        (5000, 5999, Type1Comment1), // SEB
        (6000, 6999, Type2Comment2), // Handelsbanken
        (7000, 7999, Type1Comment1), // Swedbank
        (8000, 8999, Type2Comment3), // Swedbank (five-digit clearing)
        (9020, 9029, Type1Comment2), // Länsförsäkringar Bank
        (9040, 9049, Type1Comment2), // Citibank
        (9060, 9069, Type1Comment1), // Länsförsäkringar Bank
        (9090, 9099, Type1Comment2), // Royal Bank of Scotland
        (9100, 9109, Type1Comment2), // Nordnet Bank
        (9120, 9124, Type1Comment1), // SEB
        (9130, 9149, Type1Comment1), // SEB
        (9150, 9169, Type1Comment2), // Skandiabanken
        (9170, 9179, Type1Comment1), // Ikano Bank
        (9180, 9189, Type2Comment1), // Danske Bank
        (9190, 9199, Type1Comment2), // DNB Bank
        (9230, 9239, Type1Comment1), // Marginalen Bank
        (9250, 9259, Type1Comment1), // SBAB
        (9260, 9269, Type1Comment2), // DNB Bank
        (9270, 9279, Type1Comment1), // ICA Banken
        (9280, 9289, Type1Comment1), // Resurs Bank
        (9300, 9349, Type2Comment1), // Swedbank (former Sparbanken Öresund)
        (9390, 9399, Type1Comment2), // Landshypotek
        (9400, 9449, Type1Comment1), // Forex Bank
        (9460, 9469, Type1Comment1), // Santander Consumer Bank
        (9470, 9479, Type1Comment2), // BNP Paribas
        (9500, 9549, Type2Comment3), // Nordea / Plusgirot
        (9550, 9569, Type1Comment2), // Avanza Bank
        (9570, 9579, Type2Comment1), // Sparbanken Syd
        (9590, 9599, Type1Comment2), // Erik Penser
        (9630, 9639, Type1Comment1), // Lån & Spar Bank
        (9640, 9649, Type1Comment2), // Nordax Bank
        (9660, 9669, Type1Comment2), // Svea Bank
        (9670, 9679, Type1Comment2), // JAK Medlemsbank
        (9680, 9689, Type1Comment1), // Bluestep
        (9700, 9709, Type1Comment2), // Ekobanken
        (9780, 9789, Type1Comment2), // Klarna Bank
        (9880, 9889, Type1Comment2), // Riksgälden
        (9890, 9899, Type2Comment1), // Riksgälden
        (9960, 9969, Type2Comment3), // Nordea / Plusgirot
    ]
};

/// Modulus 11 with weights 1, 2, ..., 10, 1, ... from the right.
fn mod11_from_right(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &c)| digit(c) * (i as u32 % 10 + 1))
        .sum();
    sum.is_multiple_of(11)
}

/// Digit groups of a candidate, split on anything that is not a digit.
fn digit_groups(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|c| !c.is_ascii_digit()).filter(|g| !g.is_empty())
}

/// Swedish clearing number + account number (`8327-9, 914 123 456-7`,
/// `6789-123 456 789`, `5000 1234567`), checked by the rules of the bank the
/// clearing number belongs to; Swedbank's five-digit clearing numbers carry their
/// own mod-10 check digit.
pub(super) fn se_bank_account(s: &[u8]) -> bool {
    let mut groups = digit_groups(s);
    let Some(first) = groups.next() else {
        return false;
    };
    let mut clearing = [0u8; 5];
    let mut rest: Vec<u8> = Vec::with_capacity(16);
    let clearing_len = match first.len() {
        4 => {
            clearing[..4].copy_from_slice(first);
            4
        }
        5 => {
            clearing.copy_from_slice(first);
            5
        }
        _ => return false,
    };
    let mut clearing_len = clearing_len;
    let mut groups = groups.peekable();
    // `8327-9`: the fifth clearing digit written after a dash
    if clearing_len == 4
        && first[0] == b'8'
        && groups.peek().is_some_and(|g| g.len() == 1)
        && let Some(g) = groups.next()
    {
        clearing[4] = g[0];
        clearing_len = 5;
    }
    for g in groups {
        rest.extend_from_slice(g);
    }
    let clearing = &clearing[..clearing_len];
    let cl = clearing[..4].iter().fold(0, |a, &c| a * 10 + digit(c));
    let Some(&(_, _, kind)) = SE_CLEARING
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&cl))
    else {
        return false;
    };
    let swedbank5 = kind == SeAccountKind::Type2Comment3 && (8000..=8999).contains(&cl);
    if clearing_len == 5 && !(swedbank5 && luhn_ok(clearing)) {
        return false;
    }
    if rest.is_empty() || rest.iter().all(|&c| c == b'0') {
        return false;
    }
    match kind {
        SeAccountKind::Type1Comment1 => {
            rest.len() == 7 && mod11_from_right(&[&clearing[1..4], &rest[..]].concat())
        }
        SeAccountKind::Type1Comment2 => {
            rest.len() == 7 && mod11_from_right(&[&clearing[..4], &rest[..]].concat())
        }
        SeAccountKind::Type2Comment1 => rest.len() == 10 && luhn_ok(&rest),
        SeAccountKind::Type2Comment2 => rest.len() == 9 && mod11_from_right(&rest),
        SeAccountKind::Type2Comment3 => (6..=10).contains(&rest.len()) && luhn_ok(&rest),
    }
}

/// Bankgiro number: seven or eight digits written NNN-NNNN or NNNN-NNNN, the last
/// a mod-10 (Luhn) check digit.
pub(super) fn se_bankgiro(s: &[u8]) -> bool {
    let groups: Vec<&[u8]> = digit_groups(s).collect();
    matches!(groups[..], [a, b] if (3..=4).contains(&a.len()) && b.len() == 4)
        && strip(s, b"- ", 8).is_some_and(|b| all_digits(b.as_slice()) && luhn_ok(b.as_slice()))
}

/// PlusGiro number: two to eight digits, the last (written after a dash) a mod-10
/// check digit (`12 34 56-6`, `4711-8`).
pub(super) fn se_plusgiro(s: &[u8]) -> bool {
    let Some(dash) = s.iter().rposition(|&c| c == b'-') else {
        return false;
    };
    let tail = &s[dash + 1..];
    let Some(b) = strip(s, b"- ", 8) else {
        return false;
    };
    let d = b.as_slice();
    tail.len() == 1 && d.len() >= 2 && all_digits(d) && !d.iter().all(|&c| c == b'0') && luhn_ok(d)
}

/// Norwegian account number NNNN.NN.NNNNN: eleven digits, the last a mod-11
/// check digit with weights 5 4 3 2 7 6 5 4 3 2 (a remainder giving 10 is never
/// issued).
pub(super) fn no_kontonummer(s: &[u8]) -> bool {
    let Some(b) = strip(s, b". ", 11) else {
        return false;
    };
    let d = b.as_slice();
    if d.len() != 11 || !all_digits(d) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .zip([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
        .map(|(&c, w)| digit(c) * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        k => k,
    };
    check == digit(d[10])
}

/// Danish registration number and account number (`reg.nr 1234 konto 12345678`,
/// `1234-0012345678`): a four-digit reg. nr. not starting with 0 and six to ten
/// account digits. There is no common check digit any more, so this checks the
/// layout only.
pub(super) fn dk_bank_account(s: &[u8]) -> bool {
    let groups: Vec<&[u8]> = digit_groups(s).collect();
    let Some((reg, account)) = groups.split_first() else {
        return false;
    };
    let digits: usize = account.iter().map(|g| g.len()).sum();
    reg.len() == 4
        && reg[0] != b'0'
        && (6..=10).contains(&digits)
        && account.iter().any(|g| g.iter().any(|&c| c != b'0'))
}

/// UK sort code and account number (`20-00-00 12345678`, `sort code 20 00 00,
/// account 12345678`): three two-digit groups, then eight account digits.
pub(super) fn uk_sort_code_account(s: &[u8]) -> bool {
    let groups: Vec<&[u8]> = digit_groups(s).collect();
    match groups[..] {
        [a, b, c, acct] => {
            [a, b, c].iter().all(|g| g.len() == 2)
                && acct.len() == 8
                && acct.iter().any(|&x| x != b'0')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Validator::*;
    use super::super::cases;

    #[test]
    fn swedish_clearing_and_account_numbers() {
        cases(
            SeBankAccount,
            &[
                // Handelsbanken (type 2, nine digits, mod 11)
                "6789-123 456 789",
                // Swedbank, five-digit clearing with its check digit (type 2, mod 10)
                "8327-9, 914 123 456-8",
                // SEB (type 1 comment 1: last three clearing digits + account, mod 11)
                "5000-1000004",
                // Nordea personkonto: the personnummer, mod 10
                "3300-1212121212",
                // Nordea 4000-4999 (type 1 comment 2: all four clearing digits)
                "4000 1000000",
            ],
            &[
                "6789-123 456 788",
                "8327-8, 914 123 456-8",
                "5000-1000005",
                "3300-1212121213",
                "0100-1000004",
                "9999-1234567",
            ],
        );
    }

    #[test]
    fn bankgiro_and_plusgiro() {
        cases(
            SeBankgiro,
            &["5050-1055", "991-2346"],
            &["5050-1056", "50501055", "12-3456"],
        );
        cases(
            SePlusgiro,
            &["4711-8", "12 34 56-6", "90 20 04-1"],
            &["4711-3", "47112", "0-0"],
        );
    }

    #[test]
    fn norwegian_danish_and_uk_accounts() {
        cases(
            NoKontonummer,
            &["8601.11.17947", "86011117947", "1234 56 78903"],
            &["8601.11.17948", "8601.11.1794"],
        );
        cases(
            DkBankAccount,
            &["1234-0012345678", "reg.nr. 3409 kontonr. 123456"],
            &["0123-12345678", "1234-123"],
        );
        cases(
            UkSortCodeAccount,
            &["20-00-00 12345678", "sort code 40 47 84, account 70872490"],
            &["20-00-00 1234567", "200000 12345678", "20-00-00 00000000"],
        );
    }
}
