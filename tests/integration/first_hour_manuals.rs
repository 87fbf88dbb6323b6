//! The manuals a newcomer reads: every page says its command's exit codes under
//! EXIT STATUS and nothing else there; other notes go under NOTES.

use crate::common::gdpr_audit;

/// The lines of a roff section, without paragraph breaks; None when absent.
fn section<'p>(page: &'p str, title: &str) -> Option<Vec<&'p str>> {
    let start = format!(".SH \"{title}\"");
    let mut lines = page.lines().skip_while(|l| *l != start);
    lines.next()?;
    Some(
        lines
            .take_while(|l| !l.starts_with(".SH"))
            .filter(|l| *l != ".PP" && !l.trim().is_empty())
            .collect(),
    )
}

#[test]
fn every_manual_has_exit_codes_only_under_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    gdpr_audit()
        .args(["man", "--all"])
        .arg(dir.path())
        .assert()
        .success();
    let mut pages = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let page = std::fs::read_to_string(&path).unwrap();
        let codes = section(&page, "EXIT STATUS").unwrap_or_else(|| panic!("{name}: none"));
        assert!(!codes.is_empty(), "{name}");
        for line in &codes {
            assert!(line.starts_with("Exit codes"), "{name}: {line:?}");
        }
        let codes = codes.join(" ");
        for code in [" 0 ", " 2 ", " 130 "] {
            assert!(codes.contains(code), "{name} lacks {code:?}: {codes}");
        }
        pages += 1;
    }
    assert!(pages > 15, "{pages} pages");
}

#[test]
fn subject_pages_keep_the_history_note_under_notes() {
    for sub in ["find", "export", "erase"] {
        let out = gdpr_audit().args(["man", "subject", sub]).output().unwrap();
        let page = String::from_utf8_lossy(&out.stdout).replace("\\-", "-");
        let codes = section(&page, "EXIT STATUS").unwrap().join(" ");
        assert!(codes.contains("130 interrupted"), "{sub}: {codes}");
        assert!(!codes.contains("shell history"), "{sub}: {codes}");
        let notes = section(&page, "NOTES").unwrap().join(" ");
        assert!(notes.contains("shell history"), "{sub}: {notes}");
        // `--help` says both too.
        let help = gdpr_audit()
            .args(["subject", sub, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&help.stdout);
        assert!(help.contains("Exit codes: 0 "), "{sub}: {help}");
    }
    let out = gdpr_audit().args(["man", "report"]).output().unwrap();
    let page = String::from_utf8_lossy(&out.stdout).replace("\\-", "-");
    let codes = section(&page, "EXIT STATUS").unwrap().join(" ");
    assert!(codes.contains("130 interrupted"), "{codes}");
}

#[test]
fn no_header_is_an_input_option() {
    for cmd in ["scan", "redact"] {
        let out = gdpr_audit().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        // The heading a line falls under: the last unindented "Name:" line above it.
        let mut under = "";
        for line in help.lines() {
            if !line.starts_with(' ') && line.ends_with(':') {
                under = line;
            }
            if line.trim_start().starts_with("--no-header") {
                break;
            }
        }
        assert_eq!(
            under, "Input:",
            "{cmd}: --no-header not under Input:\n{help}"
        );
    }
}
