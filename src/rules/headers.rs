//! Column headers as CRMs and ERPs really write them. A header is normalised
//! (accents folded, camelCase and digits split, separators dropped) into tokens, and
//! looked up in the bundled vocabulary (`rules/vocabulary/columns.yaml`) as the run of its
//! tokens written together, first whole, then without numbering and without the
//! affixes that only say *whose* or *which* value it is (`Mailing`, `Work`,
//! `(Contact)`, `Person -`). So one entry, `first name`, covers `First Name`,
//! `first_name`, `FirstName`, `FIRSTNAME`, `Person - First name` and `firstname`.

use crate::model::Category;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const VOCABULARY_FILE: &str = include_str!("../../rules/vocabulary/columns.yaml");

/// What a header says about its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderClass {
    /// The column holds this category of personal data.
    Personal(Category),
    /// The column holds data about a company or a deal, not a person.
    NotPersonal,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularySpec {
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    not_personal: Vec<String>,
    personal: BTreeMap<String, Vec<String>>,
}

/// The compiled vocabulary: squashed header → class, and the affixes.
#[derive(Debug, Default)]
pub struct HeaderVocabulary {
    classes: HashMap<String, HeaderClass>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

/// Most affixes stripped from one header (`Other Mailing Street (Contact) 2`).
const MAX_STRIPS: usize = 4;

impl HeaderVocabulary {
    /// Parse a vocabulary file; errors name the entry that is wrong.
    pub fn parse(text: &str) -> Result<HeaderVocabulary, String> {
        let spec: VocabularySpec = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        let mut v = HeaderVocabulary {
            prefixes: spec.prefixes.iter().map(|p| squash(p)).collect(),
            suffixes: spec.suffixes.iter().map(|p| squash(p)).collect(),
            ..Default::default()
        };
        for h in &spec.not_personal {
            v.insert(h, HeaderClass::NotPersonal)?;
        }
        for (cat, headers) in &spec.personal {
            let c = Category::parse(cat).ok_or_else(|| format!("unknown category `{cat}`"))?;
            for h in headers {
                v.insert(h, HeaderClass::Personal(c))?;
            }
        }
        Ok(v)
    }

    fn insert(&mut self, header: &str, class: HeaderClass) -> Result<(), String> {
        let key = squash(header);
        if key.is_empty() {
            return Err(format!("empty header entry `{header}`"));
        }
        match self.classes.insert(key, class) {
            Some(old) if old != class => Err(format!("header `{header}` listed twice")),
            _ => Ok(()),
        }
    }

    /// The bundled vocabulary (parsed once; its unit test proves it parses).
    pub fn builtin() -> &'static HeaderVocabulary {
        static VOCABULARY: OnceLock<HeaderVocabulary> = OnceLock::new();
        VOCABULARY.get_or_init(|| HeaderVocabulary::parse(VOCABULARY_FILE).unwrap_or_default())
    }

    /// What `header` says, if the vocabulary knows it in any of its forms.
    pub fn classify(&self, header: &str) -> Option<HeaderClass> {
        let mut tokens = header_tokens(header);
        if tokens.is_empty() {
            return None;
        }
        if let Some(c) = self.lookup(&tokens) {
            return Some(c);
        }
        // Numbering (`Email 2`, `address1_line1`, `telephone3`) says which one.
        tokens.retain(|t| !t.bytes().all(|b| b.is_ascii_digit()));
        for _ in 0..MAX_STRIPS {
            if let Some(c) = self.lookup(&tokens) {
                return Some(c);
            }
            if !self.strip_affix(&mut tokens) {
                return None;
            }
        }
        self.lookup(&tokens)
    }

    fn lookup(&self, tokens: &[String]) -> Option<HeaderClass> {
        if tokens.is_empty() {
            return None;
        }
        self.classes.get(&tokens.concat()).copied()
    }

    /// Drop one leading or trailing affix token, keeping at least one token. An
    /// affix may be written as one token or several (`(Contact)`, `Person -`).
    fn strip_affix(&self, tokens: &mut Vec<String>) -> bool {
        if tokens.len() < 2 {
            return false;
        }
        if self.prefixes.iter().any(|p| *p == tokens[0]) {
            tokens.remove(0);
            return true;
        }
        if tokens
            .last()
            .is_some_and(|l| self.suffixes.iter().any(|s| s == l))
        {
            tokens.pop();
            return true;
        }
        false
    }
}

/// The class of `header` in the bundled vocabulary.
pub fn header_class(header: &str) -> Option<HeaderClass> {
    HeaderVocabulary::builtin().classify(header)
}

/// Fold a character to lower-case ASCII where the Nordic and Western European
/// alphabets have an obvious ASCII spelling (ö, ø → o; æ → ae; ß → ss).
fn fold_char(c: char, out: &mut String) {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'č' | 'ć' => "c",
        'ð' | 'ď' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ß' => "ss",
        'š' | 'ś' => "s",
        'ť' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(folded);
}

/// Split a header into lower-case, accent-folded tokens: at every character that is
/// not a letter or digit, between a lower-case letter and a capital (`firstName`),
/// before the last capital of a run followed by lower case (`IPAddress`), and
/// between letters and digits (`address1`).
pub fn header_tokens(header: &str) -> Vec<String> {
    let chars: Vec<char> = header.chars().collect();
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, tokens: &mut Vec<String>| {
        if !cur.is_empty() {
            tokens.push(std::mem::take(cur));
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut cur, &mut tokens);
            continue;
        }
        if let Some(&p) = i.checked_sub(1).and_then(|j| chars.get(j)) {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_uppercase() && c.is_uppercase() && next_lower)
                || (p.is_alphabetic() && c.is_numeric())
                || (p.is_numeric() && c.is_alphabetic());
            if boundary {
                flush(&mut cur, &mut tokens);
            }
        }
        for l in c.to_lowercase() {
            fold_char(l, &mut cur);
        }
    }
    flush(&mut cur, &mut tokens);
    tokens
}

/// A header's tokens written together: the vocabulary's key.
pub fn squash(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    squash_into(header, &mut out);
    out
}

/// What `header_tokens(text).concat()` is, into `out` (cleared first), without the
/// tokens: where the words split does not matter once they are written together.
/// Column profiles fold every value they look up in the names list.
pub fn squash_into(text: &str, out: &mut String) {
    out.clear();
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                fold_char(l, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(h: &str) -> Option<HeaderClass> {
        header_class(h)
    }

    fn personal(h: &str) -> Option<Category> {
        match class(h) {
            Some(HeaderClass::Personal(c)) => Some(c),
            _ => None,
        }
    }

    #[test]
    fn the_bundled_vocabulary_parses() {
        let v = HeaderVocabulary::parse(VOCABULARY_FILE).expect("rules/columns.yaml parses");
        assert!(v.classes.len() > 300, "{} entries", v.classes.len());
    }

    #[test]
    fn squash_is_the_tokens_written_together() {
        for h in [
            "firstName",
            "IPAddress",
            "E-post (arbete)",
            "Lindström-Nørgaard",
            "ÆØÅ 12b",
            "İstanbul",
            "ß",
        ] {
            assert_eq!(squash(h), header_tokens(h).concat(), "{h}");
        }
    }

    #[test]
    fn tokens_split_camel_case_digits_and_separators() {
        assert_eq!(
            header_tokens("MailingPostalCode"),
            ["mailing", "postal", "code"]
        );
        assert_eq!(
            header_tokens("address1_line1"),
            ["address", "1", "line", "1"]
        );
        assert_eq!(header_tokens("IPAddress"), ["ip", "address"]);
        assert_eq!(
            header_tokens("Person - E-mail (Work)"),
            ["person", "e", "mail", "work"]
        );
        assert_eq!(header_tokens("Fødselsdato"), ["fodselsdato"]);
        assert_eq!(header_tokens("Sähköposti"), ["sahkoposti"]);
    }

    #[test]
    fn one_entry_covers_every_spelling() {
        for h in [
            "First Name",
            "first_name",
            "FirstName",
            "firstname",
            "FIRST NAME",
            "Förnamn",
            "Fornavn",
            "Etunimi",
            "Person - First name",
            "Contact: First Name",
        ] {
            assert_eq!(personal(h), Some(Category::PersonName), "{h}");
        }
    }

    #[test]
    fn salesforce_hubspot_and_dynamics_headers() {
        let cases = [
            ("MailingStreet", Category::PostalAddress),
            ("MobilePhone", Category::Phone),
            ("Phone Number", Category::Phone),
            ("Mobile Phone Number", Category::Phone),
            ("Contact Owner", Category::PersonName),
            ("Contact owner", Category::PersonName),
            ("emailaddress1", Category::Email),
            ("emailaddress3", Category::Email),
            ("telephone2", Category::Phone),
            ("mobilephone", Category::Phone),
            ("address1_line1", Category::PostalAddress),
            ("birthdate", Category::DateOfBirth),
            ("fullname", Category::PersonName),
            ("ownerid", Category::PersonName),
            ("owninguser", Category::PersonName),
            ("Email 2", Category::Email),
            ("Phone - Work", Category::Phone),
            ("E-post (privat)", Category::Email),
            ("Secondary Email", Category::Email),
            ("Person - Phone - Mobile", Category::Phone),
            ("Deal - Owner", Category::PersonName),
        ];
        for (h, c) in cases {
            assert_eq!(personal(h), Some(c), "{h}");
        }
    }

    #[test]
    fn nordic_headers() {
        let cases = [
            ("Efternamn", Category::PersonName),
            ("Etternavn", Category::PersonName),
            ("Efternavn", Category::PersonName),
            ("Sukunimi", Category::PersonName),
            ("Sähköpostiosoite", Category::Email),
            ("Matkapuhelin", Category::Phone),
            ("Gatuadress", Category::PostalAddress),
            ("Syntymäaika", Category::DateOfBirth),
            ("Fødselsnummer", Category::NationalId),
            ("Henkilötunnus", Category::NationalId),
            ("Ansvarig säljare", Category::PersonName),
            ("Vår referens", Category::PersonName),
            ("Yhteyshenkilö", Category::PersonName),
        ];
        for (h, c) in cases {
            assert_eq!(personal(h), Some(c), "{h}");
        }
    }

    #[test]
    fn company_deal_and_bare_location_columns_are_not_personal() {
        for h in [
            "Account Name",
            "Company",
            "Company Name",
            "Organization - Name",
            "Företagsnamn",
            "Organisationsnummer",
            "Y-tunnus",
            "CVR-nummer",
            "Amount",
            "Stage",
            "StageName",
            "Deal Name",
            "Currency",
            "Industry",
            "Bransch",
            "Product",
            "Account Number",
            "MailingPostalCode",
            "Mailing Zip/Postal Code",
            "address1_postalcode",
            "Address 1: City",
            "Postinumero",
            "Postort",
            "Poststed",
            "MailingCountry",
        ] {
            assert_eq!(class(h), Some(HeaderClass::NotPersonal), "{h}");
        }
    }

    #[test]
    fn headers_that_only_start_like_a_personal_one_are_unknown() {
        for h in [
            "Email Opt Out",
            "HasOptedOutOfEmail",
            "Phone Type",
            "Field7",
            "Name Suffix Code",
            "",
        ] {
            assert_eq!(class(h), None, "{h}");
        }
    }
}
