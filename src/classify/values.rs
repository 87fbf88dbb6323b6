//! When a header says nothing (`Field7`, `Kolumn 3`), the values decide: a column
//! of names is recognised by name statistics (the common given names and surnames
//! of the Nordic countries and the UK, `rules/vocabulary/person_names.txt`, and the surname
//! endings of those languages), a column of addresses by street-name shapes
//! (`-gatan`, `-vägen`, `-veien`, `-vej`, `-katu`, `Street` + number). The same
//! statistics keep out of the inventory a `Name` column of company names (`AB`, `Oy`,
//! `A/S`, `Ltd`) and an `OwnerId` column of user ids, neither of which names a person.

use regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;

const NAMES_FILE: &str = include_str!("../../rules/vocabulary/person_names.txt");

/// Longer values are sentences, not names or addresses, and are not looked at.
const MAX_VALUE_CHARS: usize = 80;
/// Most words in a person's name (`Anna-Karin af Klint Svensson`).
const MAX_NAME_WORDS: usize = 5;

/// Share of sampled values that must be shaped like a name, and share that must
/// contain a known name or a surname ending, for a column to hold names.
const NAME_SHAPE_SHARE: f64 = 0.8;
const KNOWN_NAME_SHARE: f64 = 0.5;
/// Share of values that must look like a street address or a postcode with a town.
const ADDRESS_SHARE: f64 = 0.6;
/// Share of values with a company form (AB, Oy, Ltd) that makes a column companies.
pub const COMPANY_SHARE: f64 = 0.5;

/// Counts over a column's sampled non-empty values.
#[derive(Debug, Default, Clone, Copy)]
pub struct ValueShapes {
    pub name_shaped: u64,
    pub known_name: u64,
    pub company: u64,
    pub address: u64,
    /// Values with a digit: ids and codes, never a person's name.
    pub with_digits: u64,
}

impl ValueShapes {
    pub fn observe(&mut self, value: &str) {
        let v = value.trim();
        if v.is_empty() || v.chars().count() > MAX_VALUE_CHARS {
            return;
        }
        let facts = statistics();
        if v.bytes().any(|b| b.is_ascii_digit()) {
            self.with_digits += 1;
        }
        if v.contains('@') {
            return;
        }
        let words: Vec<&str> = v
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        if words
            .iter()
            .any(|w| facts.company_forms.contains(&fold(w.trim_end_matches('.'))))
        {
            self.company += 1;
            return;
        }
        if is_address(v, facts) {
            self.address += 1;
            return;
        }
        if name_shaped(v, &words) {
            self.name_shaped += 1;
            if words.iter().any(|w| known_name(w, facts)) {
                self.known_name += 1;
            }
        }
    }

    pub fn add(&mut self, other: &ValueShapes) {
        self.name_shaped += other.name_shaped;
        self.known_name += other.known_name;
        self.company += other.company;
        self.address += other.address;
        self.with_digits += other.with_digits;
    }

    /// Mostly ids and codes (`0055g00000Hq1xYAAR`, a GUID): not names.
    pub fn holds_ids(&self, non_empty: u64) -> bool {
        non_empty > 0 && self.with_digits as f64 >= NAME_SHAPE_SHARE * non_empty as f64
    }

    pub fn holds_names(&self, non_empty: u64) -> bool {
        let n = non_empty as f64;
        self.name_shaped as f64 >= NAME_SHAPE_SHARE * n
            && self.known_name as f64 >= KNOWN_NAME_SHARE * n
    }

    pub fn holds_addresses(&self, non_empty: u64) -> bool {
        self.address as f64 >= ADDRESS_SHARE * non_empty as f64
    }

    pub fn holds_companies(&self, non_empty: u64) -> bool {
        non_empty > 0 && self.company as f64 >= COMPANY_SHARE * non_empty as f64
    }
}

struct Statistics {
    names: HashSet<String>,
    company_forms: HashSet<String>,
    /// Street with number, number with street (British), post-office box.
    address_shapes: Vec<Regex>,
}

fn statistics() -> &'static Statistics {
    static STATS: OnceLock<Statistics> = OnceLock::new();
    STATS.get_or_init(|| {
        let names = NAMES_FILE
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(str::split_whitespace)
            .map(fold)
            .collect();
        let company_forms = [
            "ab", "aktiebolag", "hb", "kb", "ek.för", "oy", "oyj", "ky", "tmi", "ry", "as",
            "asa", "a/s", "aps", "i/s", "k/s", "amba", "ltd", "limited", "plc", "llc", "llp",
            "inc", "corp", "gmbh", "ag", "bv", "nv", "sa", "sarl", "srl", "spa", "kommun",
            "kommune", "kunta", "region", "landsting", "stiftelse", "stiftelsen", "förening",
            "föreningen", "forening", "foreningen", "yhdistys", "koncern", "group", "holding",
        ]
        .iter()
        .map(|s| fold(s))
        .collect();
        const STREET_WORDS: &str = "gatan|gata|gate|gaten|vägen|vagen|väg|vag|veien|vegen|vei|veg|vej|vejen|gade|gaden|stræde|straede|stigen|stig|gränd|gränden|torget|torg|backen|backe|allén|allé|alle|platsen|plats|leden|gången|slingan|kroken|stranden|kajen|ringen|parken|katu|tie|kuja|polku|kaari|rinne|tori|raitti|straße|strasse|weg|platz|street|road|lane|avenue";
        let street = Regex::new(&format!(
            r"(?i)(?:^|[\s,])(?:\p{{L}}[\p{{L}}-]*|\p{{L}}+\s)(?:{STREET_WORDS})\.?\s+\d{{1,4}}(?:\s?[a-z])?(?:\W|$)"
        ));
        let street_number_first = Regex::new(
            r"^(?:Flat\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+(?:\p{L}[\p{L}'.-]*\s+){1,3}(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Gardens|Place|Pl|Crescent|Terrace|Court|Square|Grove|Row|Mews|Hill|Walk|Parade)(?:\W|$)",
        );
        // A postcode or a town alone identifies no one; a post-office box does.
        // Each shape ends where `\b` would, written `(?:\W|$)`: after a word character
        // the two say the same, and a Unicode `\b` makes the lazy DFA give up on any
        // non-ASCII text (å, ø, ä) for the backtracker, 5% of a scan.
        let post_box = Regex::new(r"^(?:Box|Postbox|Postboks|Pb\.?|PL)\s+\d{1,6}(?:\W|$)");
        // The patterns are constants; a unit test proves that all of them compile.
        let address_shapes = [street, street_number_first, post_box]
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        Statistics {
            names,
            company_forms,
            address_shapes,
        }
    })
}

/// Lower case with the accents of the names list folded the same way as headers.
fn fold(s: &str) -> String {
    crate::rules::headers::squash(s)
}

fn is_address(v: &str, facts: &Statistics) -> bool {
    facts.address_shapes.iter().any(|re| re.is_match(v))
}

/// One to five words of letters (with `-`, `'` and initials such as `A.`), each
/// capitalised, or the whole value in capitals; particles (`af`, `von`, `de`) may
/// be lower case.
fn name_shaped(v: &str, words: &[&str]) -> bool {
    if words.is_empty() || words.len() > MAX_NAME_WORDS {
        return false;
    }
    let all_caps = v.chars().any(char::is_alphabetic) && !v.chars().any(char::is_lowercase);
    words.iter().all(|w| {
        let letters_only = w
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'));
        let first_upper = w.chars().next().is_some_and(char::is_uppercase);
        let particle = matches!(
            *w,
            "af" | "av"
                | "von"
                | "van"
                | "der"
                | "de"
                | "la"
                | "le"
                | "di"
                | "da"
                | "du"
                | "el"
                | "al"
                | "bin"
                | "ten"
        );
        let dots_ok = !w.contains('.') || w.chars().count() <= 3;
        letters_only && dots_ok && (first_upper || all_caps || particle)
    })
}

/// Surname endings of Swedish, Norwegian, Danish and Finnish (Andersson, Hansen,
/// Virtanen, Lindström, Bergqvist, Nørgaard).
const SURNAME_ENDINGS: &[&str] = &[
    "sson", "ssen", "sen", "nen", "strom", "qvist", "kvist", "quist", "gren", "berg", "lund",
    "holm", "dahl", "gaard", "gard", "blad", "stedt",
];

fn known_name(word: &str, facts: &Statistics) -> bool {
    word.split(['-', '\'', '’']).any(|part| {
        let f = fold(part.trim_end_matches('.'));
        if f.len() < 2 {
            return false;
        }
        facts.names.contains(&f) || (f.len() >= 6 && SURNAME_ENDINGS.iter().any(|e| f.ends_with(e)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(values: &[&str]) -> ValueShapes {
        let mut s = ValueShapes::default();
        for v in values {
            s.observe(v);
        }
        s
    }

    #[test]
    fn the_patterns_compile_and_the_list_is_loaded() {
        let f = statistics();
        assert_eq!(f.address_shapes.len(), 3, "every address pattern compiles");
        assert!(f.names.len() > 1000, "{} names", f.names.len());
        assert!(f.names.contains("johansson") && f.names.contains("jorgensen"));
    }

    #[test]
    fn a_column_of_full_names_is_names() {
        let v = [
            "Anna Svensson",
            "Erik Johansson",
            "Kari Nordmann",
            "Mette Frederiksen",
            "Juha Virtanen",
            "Ingrid Bergström",
            "JAMES SMITH",
            "Nguyen, Thi Lan",
            "Sigrid Haugland",
            "Pekka Mäkelä",
        ];
        assert!(shapes(&v).holds_names(v.len() as u64));
    }

    #[test]
    fn a_column_of_surnames_alone_is_names() {
        let v = [
            "Lindqvist",
            "Haugen",
            "Nørgaard",
            "Korhonen",
            "Whitfield",
            "Åkerlund",
            "Söderholm",
            "Thorvaldsen",
            "Pitkänen",
            "Ekdahl",
        ];
        assert!(shapes(&v).holds_names(v.len() as u64));
    }

    #[test]
    fn cities_products_stages_and_colours_are_not_names() {
        for v in [
            &[
                "Stockholm",
                "Göteborg",
                "Malmö",
                "Uppsala",
                "Oslo",
                "Bergen",
                "Aarhus",
                "Helsinki",
                "Tampere",
                "Umeå",
            ][..],
            &[
                "Closed Won",
                "Prospecting",
                "Negotiation",
                "Closed Lost",
                "Qualification",
            ],
            &["Green", "Black", "White", "Red", "Blue", "Grey", "Yellow"],
            &[
                "Kontorsstol Ergo",
                "Skrivbord Pro",
                "Licens Bas",
                "Support Plus",
                "Konsulttimmar",
            ],
            &[
                "Retail",
                "Manufacturing",
                "Healthcare",
                "Finance",
                "Education",
            ],
        ] {
            assert!(!shapes(v).holds_names(v.len() as u64), "{v:?}");
        }
    }

    #[test]
    fn company_names_are_companies() {
        let v = [
            "Nordvik Hem & Kontor AB",
            "Virtanen Oy",
            "Hansen Bygg AS",
            "Jensen & Co ApS",
            "Smith Ltd",
            "Karlsson Måleri AB",
        ];
        let s = shapes(&v);
        assert!(s.holds_companies(v.len() as u64));
        assert!(!s.holds_names(v.len() as u64));
    }

    #[test]
    fn streets_and_postcodes_are_addresses() {
        let v = [
            "Storgatan 12",
            "Gamla vägen 3B",
            "Karl Johans gate 22",
            "Nørrebrogade 45, 2200 København N",
            "Mannerheimintie 10 A 5",
            "Hämeenkatu 7",
            "221B Baker Street",
            "14 Acacia Avenue",
            "Box 1234",
            "Drottninggatan 5 lgh 1102",
        ];
        assert!(shapes(&v).holds_addresses(v.len() as u64));
    }

    #[test]
    fn ids_are_not_names() {
        let ids = [
            "0055g00000Hq1xYAAR",
            "0055g00000Hq1xZAAR",
            "3f2a9c1e-7b4d-4e8a-9f00-1c2d3e4f5a6b",
            "U-1042",
            "U-1043",
        ];
        assert!(shapes(&ids).holds_ids(ids.len() as u64));
        assert!(!shapes(&["Anna Svensson", "Erik Ek", "Lena Berg"]).holds_ids(3));
    }

    #[test]
    fn postcodes_and_towns_alone_are_not_addresses() {
        let v = ["114 36", "412 54", "0150", "00100", "Stockholm", "Oslo"];
        assert!(!shapes(&v).holds_addresses(v.len() as u64));
    }

    #[test]
    fn amounts_and_versions_are_not_addresses() {
        let v = [
            "4500 SEK",
            "1 234,50",
            "2024 Q1",
            "Version 10",
            "12 st",
            "Plan B",
        ];
        assert!(!shapes(&v).holds_addresses(v.len() as u64));
    }
}
