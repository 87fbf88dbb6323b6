//! Known-valid and known-invalid numbers for every validator, and properties.
//!
//! Over 500 lines: known-valid and known-invalid numbers are data.
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
    assert_eq!(Validator::ALL.len(), 48);
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
            // 900-999: a temporary identity code (the register's own example)
            "311280-999J",
            "010594Y9032",
        ],
        &[
            "131052-308U", // wrong control
            "131052-309T", // individual number changed
            "290201A002C", // 29 Feb 2001
            "131052Z308T", // unknown century sign
            "131052-308",
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
            // loopback is kept, with a lower confidence
            "::1",
            "0:0:0:0:0:0:0:1",
        ],
        &["::", "2001:db8::g", "12345::", "1.2.3.4", "2001:db8:::1"],
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
