use super::super::Validator::*;
use super::super::cases;

#[test]
fn baltic_codes() {
    // Lithuanian example of the Gyventojų registras: born 1933-09-24
    cases(
        LtAsmensKodas,
        &["33309240064"],
        &["33309240065", "73309240064"],
    );
    cases(
        LvPersonasKods,
        &["161175-19997", "16117519997"],
        &["161175-19996", "161175-39997", "321375-19997"],
    );
}

#[test]
fn greek_amka_and_belgian_bis() {
    cases(GrAmka, &["01018012342"], &["01018012343", "32018012342"]);
    // BIS: month + 20 (sex unknown), + 40 (sex known); post-2000 prefix 2
    cases(
        BeBis,
        &["85.27.30-033.71", "85473003317", "01220100176"],
        &["85273003372", "85073003328", "85673003317"],
    );
}

#[test]
fn german_tax_id_and_social_insurance() {
    cases(
        DeSteuerId,
        &["86095742719", "86 095 742 719", "12134567895"],
        // wrong check, leading 0, no repeated digit, a digit three times in a row
        &[
            "86095742718",
            "06095742719",
            "12345678903",
            "11145678903",
            "12134567894",
        ],
    );
    cases(
        DeSvNummer,
        &["65 180539 W 001", "12150385M014"],
        &["65 180539 W 002", "65 320539 W 001", "65180539 1001"],
    );
}

#[test]
fn french_nir_with_corsica() {
    cases(
        FrNir,
        &[
            "1 85 05 78 006 084 91",
            "185057800608491",
            "2 69 05 2A 004 123 14",
            "169052B00412391",
        ],
        &[
            "1 85 05 78 006 084 92",
            "585057800608491",
            "269052C00412314",
        ],
    );
}

#[test]
fn irish_pps() {
    cases(
        IePps,
        &["1234567T", "1234567FA", "7654321GW", "1234567 T"],
        &["1234567U", "1234567TA", "123456T", "12345678T"],
    );
}

#[test]
fn uk_nino_and_nhs() {
    cases(
        UkNino,
        &["AB 12 34 56 C", "JG103759A"],
        &[
            "DA123456A",
            "AO123456A",
            "GB123456A",
            "AB123456E",
            "AB12345A",
        ],
    );
    // 943 476 5919 is NHS Digital's own example number
    cases(
        UkNhs,
        &["943 476 5919", "9434765919", "401 023 2137"],
        &["943 476 5918", "1111111111", "94347659"],
    );
}

#[test]
fn czech_slovak_birth_numbers() {
    cases(
        CzRodneCislo,
        // a man born 1971, a woman (+50) born 1985, a pre-1954 nine-digit number
        &["710319/2745", "7103192745", "856215/1235", "530101/123"],
        &["710319/2746", "711319/2745", "560101/123", "713219/2745"],
    );
}

#[test]
fn romanian_bulgarian_slovenian() {
    cases(
        RoCnp,
        &["1800101221144", "2960305400126", "5031225012341"],
        &["1800101221145", "1800101991144", "0800101221144"],
    );
    // 7523169263: the month + 20 of someone born in 1875
    cases(
        BgEgn,
        &["7523169263", "8001010008", "0441010012"],
        &["7523169264", "8013010008"],
    );
    cases(
        SiEmso,
        &["0101006500006", "2903985500123", "1507002505003"],
        &["0101006500007", "0101006300006", "3202985500123"],
    );
}

#[test]
fn croatian_oib_and_portuguese_cc() {
    cases(
        HrOib,
        &["69435151530", "12345678903"],
        &["69435151531", "6943515153"],
    );
    // 000000000ZZ4 is the example of the Cartão de Cidadão specification
    cases(
        PtCc,
        &["000000000ZZ4", "12345678 9 ZZ1", "123456789AB4"],
        &["000000000ZZ5", "12345678 9 ZZ2", "1234567890Z1"],
    );
}

#[test]
fn austrian_social_insurance() {
    // 1237 010180 is the social insurance's own example
    cases(
        AtSvnr,
        &["1237 010180", "1237010180", "1004150385"],
        &["1238 010180", "0237 010180", "1237 320180"],
    );
}
