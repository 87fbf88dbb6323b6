//! Staff who type on a foreign keyboard, on a phone or in a hurry drop the Nordic
//! letters: `dömd` becomes `domd` or `doemd`, `fængsel` `faengsel`, `lääkäri`
//! `laakari`, `tillitsvalgt` stays as it is. Every keyword and context word with
//! such a letter is therefore also searched in its two ASCII spellings: the letter
//! without its mark (ä, å → a; ö, ø → o) and the Scandinavian digraphs
//! (ä, æ → ae; ö, ø → oe; å → aa; ü → ue). `æ` is only ever `ae`: folded to `a`
//! it makes Swedish and Norwegian words of Danish ones (`kræft`, cancer, would be
//! `kraft`, power, as in every company called `…kraft`).

/// Folded spellings shorter than this are left out: `bög` → `bog` (a Danish book)
/// and `döv` → `dov` (Swedish for muffled) are other words.
const MIN_VARIANT_BYTES: usize = 5;

/// The ASCII spellings of a lower-case word that differ from it, without repeats.
pub fn ascii_variants(word: &str) -> Vec<String> {
    if word.is_ascii() {
        return Vec::new();
    }
    let mut plain = String::with_capacity(word.len());
    let mut digraph = String::with_capacity(word.len());
    for c in word.chars() {
        let (p, d) = match c {
            'ä' => ("a", "ae"),
            'å' => ("a", "aa"),
            'à' | 'á' | 'â' => ("a", "a"),
            'æ' => ("ae", "ae"),
            'ö' | 'ø' => ("o", "oe"),
            'ó' | 'ò' | 'ô' => ("o", "o"),
            'ü' => ("u", "ue"),
            'ú' | 'ù' => ("u", "u"),
            'é' | 'è' | 'ê' | 'ë' => ("e", "e"),
            'í' | 'ï' => ("i", "i"),
            _ => {
                plain.push(c);
                digraph.push(c);
                continue;
            }
        };
        plain.push_str(p);
        digraph.push_str(d);
    }
    let mut out = Vec::new();
    for v in [plain, digraph] {
        if v != word && v.len() >= MIN_VARIANT_BYTES && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nordic_letters_get_both_ascii_spellings() {
        assert_eq!(ascii_variants("dömd för"), ["domd for", "doemd foer"]);
        assert_eq!(ascii_variants("fængsel"), ["faengsel"]);
        assert_eq!(ascii_variants("kræft"), ["kraeft"]);
        assert_eq!(ascii_variants("lääkäri"), ["laakari", "laeaekaeri"]);
        assert_eq!(
            ascii_variants("tillidsrepræsentant"),
            ["tillidsrepraesentant"]
        );
    }

    #[test]
    fn ascii_and_short_words_have_no_variants() {
        assert!(ascii_variants("sykemeldt").is_empty());
        assert!(ascii_variants("bög").is_empty());
        assert!(ascii_variants("döv").is_empty());
    }
}
