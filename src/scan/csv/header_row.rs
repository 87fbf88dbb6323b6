//! Is the first row of a CSV file names or data? A header-less export's first
//! record (`19121212-1212,anna@example.se,4111 1111 1111 1111`) would otherwise be
//! printed in clear as column names everywhere. Column names are words; a cell
//! where a rule finds an identifier (a match holding a digit or an `@`) is a value.

use crate::engine::{Match, Matcher};

/// What a rule found in one header cell.
#[derive(Default)]
struct CellVerdict {
    /// A match of a rule with a checksum validator (a personnummer, a card).
    validated: bool,
    /// A match holding a digit or `@`: an identifier, not a word.
    value_like: bool,
}

fn verdict(cell: &str, matcher: &mut Matcher, matches: &mut Vec<Match>) -> CellVerdict {
    matcher.scan(cell, "", matches);
    let mut v = CellVerdict::default();
    for m in matches.iter() {
        if !is_value_like(cell, m) {
            continue;
        }
        v.value_like = true;
        v.validated |= matcher.rules().rules[m.rule].validator.is_some();
    }
    v
}

/// Does the match hold a digit or an `@` (an identifier, an address)?
pub(super) fn is_value_like(text: &str, m: &Match) -> bool {
    text.get(m.start..m.end)
        .is_some_and(|v| v.bytes().any(|b| b.is_ascii_digit() || b == b'@'))
}

/// True when the first row is data: a cell holds a validated identifier, or at
/// least half of its non-empty cells hold identifiers. A few names with an address
/// in them stay names (their values are masked wherever they are shown).
pub(super) fn looks_like_data(headers: &[String], matcher: &mut Matcher) -> bool {
    let mut matches = Vec::new();
    let (mut cells, mut values) = (0usize, 0usize);
    for cell in headers.iter().filter(|c| !c.trim().is_empty()) {
        cells += 1;
        let v = verdict(cell, matcher, &mut matches);
        if v.validated {
            return true;
        }
        values += usize::from(v.value_like);
    }
    cells > 0 && values * 2 >= cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(row: &[&str]) -> bool {
        let mut m = Matcher::new(crate::rules::RuleSet::builtin().expect("rules"));
        let row: Vec<String> = row.iter().map(|s| s.to_string()).collect();
        looks_like_data(&row, &mut m)
    }

    #[test]
    fn names_and_values_are_told_apart() {
        assert!(decide(&["19121212-1212", "anna@example.se", "Storgatan 1"]));
        assert!(decide(&["anna@example.se", "bo@example.se"]));
        assert!(!decide(&[
            "id",
            "e-post",
            "telefon",
            "personnummer",
            "diagnos"
        ]));
        assert!(!decide(&["id", "notes", "kontakt anna@example.se"]));
    }
}
