//! Masking: the one place that turns a matched value into what reports show when
//! `--show-values` is off. A masked identifier keeps only its shape: no digit and
//! no letter of it survives, because partial digits of a personnummer are personal
//! data too. An e-mail address keeps at most its first letter and top-level domain.

use crate::model::Category;

/// The masked form of `value` for a match of `category`.
pub fn mask(category: Category, value: &str) -> String {
    match category {
        Category::Email => mask_email(value),
        Category::Credential => "********".to_string(),
        Category::NationalId
        | Category::PaymentCard
        | Category::BankAccount
        | Category::Phone
        | Category::IpAddress
        | Category::DateOfBirth => shape(value),
        _ => initials(value),
    }
}

/// Digits become `#`, letters `*`, separators stay: `19121212-1212` → `########-####`.
pub fn shape(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_ascii_digit() || c.is_numeric() {
                '#'
            } else if c.is_alphabetic() {
                '*'
            } else if c.is_whitespace() {
                ' '
            } else if c.is_ascii_punctuation() {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// `anna.svensson@gmail.com` → `a***@***.com`.
fn mask_email(value: &str) -> String {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return shape(value);
    };
    let first = local.chars().next().filter(|c| c.is_ascii_alphabetic());
    let tld = domain
        .rsplit_once('.')
        .map(|(_, t)| t)
        .filter(|t| t.chars().all(|c| c.is_ascii_alphabetic()) && t.len() <= 6);
    let mut out = String::new();
    if let Some(c) = first {
        out.push(c);
    }
    out.push_str("***@***");
    if let Some(t) = tld {
        out.push('.');
        out.push_str(t);
    }
    out
}

/// Text (names, addresses, special-category phrases): the first letter of each word,
/// digits as `#`: `Dömd för bedrägeri` → `D*** f** b********`.
fn initials(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut at_word_start = true;
    for c in value.chars() {
        // Numbers first: letter-numbers (Ⅻ) are alphabetic too, and no digit of any
        // kind may show.
        if c.is_numeric() {
            out.push('#');
            at_word_start = false;
        } else if c.is_alphabetic() {
            out.push(if at_word_start { c } else { '*' });
            at_word_start = false;
        } else if c.is_whitespace() {
            out.push(' ');
            at_word_start = true;
        } else {
            out.push(if c.is_ascii_punctuation() { c } else { '*' });
            at_word_start = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identifiers_keep_only_their_shape() {
        assert_eq!(mask(Category::NationalId, "19121212-1212"), "########-####");
        assert_eq!(mask(Category::NationalId, "131052-308T"), "######-###*");
        assert_eq!(
            mask(Category::PaymentCard, "4111 1111 1111 1111"),
            "#### #### #### ####"
        );
        assert_eq!(
            mask(Category::Email, "anna.svensson@gmail.se"),
            "a***@***.se"
        );
        assert_eq!(mask(Category::Email, "9anna@x"), "***@***");
        assert_eq!(mask(Category::Credential, "Kalle452!"), "********");
        assert_eq!(
            mask(Category::Criminal, "Dömd för bedrägeri"),
            "D*** f** b********"
        );
    }

    fn digits(s: &str) -> usize {
        s.chars().filter(|c| c.is_ascii_digit()).count()
    }

    proptest! {
        #[test]
        fn no_digit_ever_survives(cat in 0usize..19, v in "\\PC{0,40}") {
            let c = Category::ALL[cat];
            let m = mask(c, &v);
            prop_assert_eq!(digits(&m), 0);
        }

        #[test]
        fn identifiers_reveal_no_alphanumeric(v in "[A-Za-z0-9 .+-]{1,30}") {
            for c in [Category::NationalId, Category::PaymentCard, Category::BankAccount, Category::Phone, Category::IpAddress, Category::DateOfBirth] {
                let m = mask(c, &v);
                prop_assert!(m.chars().all(|ch| !ch.is_alphanumeric()));
            }
        }

        #[test]
        fn emails_reveal_at_most_first_letter_and_tld(local in "[a-z][a-z0-9.]{0,15}", dom in "[a-z]{1,10}", tld in "[a-z]{2,4}") {
            let v = format!("{local}@{dom}.{tld}");
            let m = mask(Category::Email, &v);
            let shown: String = m.chars().filter(|c| c.is_alphanumeric()).collect();
            prop_assert!(shown.len() <= 1 + tld.len());
            prop_assert!(!m.contains(&dom) || dom.len() <= 1 || tld.contains(&dom));
        }

        #[test]
        fn text_masks_keep_at_most_one_letter_per_word(v in "[a-zåäö ]{1,40}") {
            let m = mask(Category::Health, &v);
            let words = v.split_whitespace().count();
            prop_assert!(m.chars().filter(|c| c.is_alphabetic()).count() <= words);
        }
    }
}
