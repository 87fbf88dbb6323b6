//! The words of the coverage section, which every report opens with.

use super::{Lang, thousands};

pub fn title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Coverage",
        Lang::Sv => "Täckning",
    }
}

/// The verdict line of an incomplete scan.
pub fn incomplete(lang: Lang, not_read: u64, total: u64) -> String {
    let (n, t) = (thousands(lang, not_read), thousands(lang, total));
    match lang {
        Lang::En => format!(
            "{n} of {t} {} could not be read: the result is incomplete",
            if total == 1 { "file" } else { "files" }
        ),
        Lang::Sv => format!(
            "{n} av {t} {} kunde inte läsas: resultatet är ofullständigt",
            if total == 1 { "fil" } else { "filer" }
        ),
    }
}

/// What `--strict` fails on: files not fully scanned.
pub fn strict_failure(lang: Lang, not_read: u64, total: u64) -> String {
    let (n, t) = (thousands(lang, not_read), thousands(lang, total));
    match lang {
        Lang::En => format!(
            "{n} of {t} {} not fully scanned (skipped or unreadable; --strict)",
            if total == 1 { "file was" } else { "files were" }
        ),
        Lang::Sv => format!(
            "{n} av {t} {} inte helt (överhoppade eller oläsbara; --strict)",
            if total == 1 {
                "fil lästes"
            } else {
                "filer lästes"
            }
        ),
    }
}

pub fn nothing_read(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "No file could be read: there is no result.",
        Lang::Sv => "Ingen fil kunde läsas: det finns inget resultat.",
    }
}

/// Instead of "nothing to do" when not everything was read.
pub fn no_todo_incomplete(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "No to-do items in the files that were read; some files were not read (see coverage), so this is not the whole answer."
        }
        Lang::Sv => {
            "Inga åtgärder i de filer som lästes; några filer lästes inte (se täckning), så detta är inte hela svaret."
        }
    }
}

pub fn complete(lang: Lang, total: u64) -> String {
    match lang {
        Lang::En if total == 1 => "The one file was read in full.".into(),
        Lang::En => format!("All {} files were read in full.", thousands(lang, total)),
        Lang::Sv if total == 1 => "Den enda filen lästes helt.".into(),
        Lang::Sv => format!("Alla {} filer lästes helt.", thousands(lang, total)),
    }
}

/// The label of a file that failed, or was skipped.
pub fn state(lang: Lang, failed: bool) -> &'static str {
    match (lang, failed) {
        (Lang::En, true) => "could not be read",
        (Lang::En, false) => "skipped",
        (Lang::Sv, true) => "kunde inte läsas",
        (Lang::Sv, false) => "hoppades över",
    }
}

/// "… 5 more (--verbose lists them all)".
pub fn more(lang: Lang, n: usize) -> String {
    let n = thousands(lang, n as u64);
    match lang {
        Lang::En => format!("… {n} more (--verbose lists them all)"),
        Lang::Sv => format!("… {n} till (--verbose visar alla)"),
    }
}

pub fn own_outputs(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::En, 1) => {
            "1 file written by gdpr-audit itself was not scanned (not an input).".into()
        }
        (Lang::En, _) => {
            format!("{n} files written by gdpr-audit itself were not scanned (not inputs).")
        }
        (Lang::Sv, 1) => "1 fil skriven av gdpr-audit själv granskades inte (inte indata).".into(),
        (Lang::Sv, _) => {
            format!("{n} filer skrivna av gdpr-audit själv granskades inte (inte indata).")
        }
    }
}

pub fn not_data(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::En, 1) => {
            "1 configuration, code or documentation file was passed over (not data).".into()
        }
        (Lang::En, _) => {
            format!("{n} configuration, code or documentation files were passed over (not data).")
        }
        (Lang::Sv, 1) => {
            "1 konfigurations-, kod- eller dokumentationsfil hoppades över (inte data).".into()
        }
        (Lang::Sv, _) => {
            format!(
                "{n} konfigurations-, kod- eller dokumentationsfiler hoppades över (inte data)."
            )
        }
    }
}

/// Column headings of the list of files not read.
pub fn columns(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::En => ["File", "Status", "Reason"],
        Lang::Sv => ["Fil", "Status", "Orsak"],
    }
}

/// The action of a CSV report row for a file that was not read.
pub fn action(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "make readable and scan again",
        Lang::Sv => "gör läsbar och granska igen",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_in_both_languages() {
        assert_eq!(
            incomplete(Lang::En, 3, 12),
            "3 of 12 files could not be read: the result is incomplete"
        );
        assert_eq!(
            incomplete(Lang::Sv, 3, 1200),
            "3 av 1\u{a0}200 filer kunde inte läsas: resultatet är ofullständigt"
        );
    }
}
