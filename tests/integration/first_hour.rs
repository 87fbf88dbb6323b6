//! A newcomer's first hour: coverage that cannot be missed, a fingerprint key that
//! follows the project, manuals and help that answer, rule errors all at once, and
//! the tool's own outputs never scanned as inputs.

use crate::common::gdpr_audit;
use clap::CommandFactory;
use std::path::{Path, PathBuf};

const EXAMPLE_CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/crm/kontakter.csv");

/// A folder with one readable CSV and one file that cannot be read as an export.
fn folder_with_unreadable() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(EXAMPLE_CSV, data.join("kontakter.csv")).unwrap();
    std::fs::write(data.join("kunder.xlsx"), b"PK\x03\x04\x00\x01binary\x00").unwrap();
    (t, data)
}

#[test]
fn every_format_opens_with_coverage_naming_the_unreadable_file() {
    let (_t, data) = folder_with_unreadable();
    for format in ["table", "json", "markdown", "html", "csv", "sarif"] {
        let out = gdpr_audit()
            .args(["scan", "-q", "--format", format])
            .arg(&data)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let verdict = "1 of 2 files could not be read: the result is incomplete";
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{format}: no {needle:?}"))
        };
        let first_finding = text
            .find("personnummer")
            .or_else(|| text.find("anteckningar"))
            .unwrap_or_else(|| panic!("{format}: no finding"));
        if format == "json" {
            // The contract holds numbers and names; the words are the human formats'.
            assert!(at("\"coverage\"") < at("\"summary\""), "{format}");
            assert!(text.contains("\"complete\": false"));
        } else {
            assert!(
                at(verdict) < first_finding,
                "{format}: verdict after the findings"
            );
        }
        assert!(
            at("kunder.xlsx") < first_finding,
            "{format}: file named after the findings"
        );
        assert!(!text.contains("Nothing to do"), "{format}");
    }
    let strict = gdpr_audit()
        .args(["scan", "-q", "--strict", "-f", "json"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(2), "--strict on a skipped file");
}

#[test]
fn nothing_to_do_is_never_said_when_nothing_or_not_everything_was_read() {
    let t = tempfile::tempdir().unwrap();
    let clean = t.path().join("clean.csv");
    std::fs::write(&clean, "id,product\n1,chair\n2,table\n").unwrap();
    std::fs::write(t.path().join("kunder.xlsx"), b"PK\x03\x04\x00binary\x00").unwrap();
    let out = gdpr_audit()
        .args(["scan", "-q", "-f", "table"])
        .arg(t.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Nothing to do"), "{text}");
    assert!(
        text.contains("No to-do items in the files that were read"),
        "{text}"
    );
    // Swedish too.
    let out = gdpr_audit()
        .args(["scan", "-q", "-f", "table", "--lang", "sv"])
        .arg(t.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 av 2 filer kunde inte läsas"), "{text}");
    assert!(!text.contains("Inget att göra"), "{text}");
    // Everything read and nothing found: then, and only then, nothing to do.
    let out = gdpr_audit()
        .args(["scan", "-q", "-f", "table"])
        .arg(&clean)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Nothing to do"), "{text}");
    assert!(text.contains("The one file was read in full."), "{text}");
}

#[test]
fn the_table_lists_ten_files_not_read_and_all_with_verbose() {
    let t = tempfile::tempdir().unwrap();
    std::fs::copy(EXAMPLE_CSV, t.path().join("kontakter.csv")).unwrap();
    for i in 0..12 {
        std::fs::write(
            t.path().join(format!("bin{i:02}.dat")),
            b"\x00\x01\x02binary",
        )
        .unwrap();
    }
    let run = |verbose: bool| {
        let mut c = gdpr_audit();
        c.args(["scan", "-q", "-f", "table"]).arg(t.path());
        if verbose {
            c.arg("--verbose");
        }
        String::from_utf8_lossy(&c.output().unwrap().stdout).to_string()
    };
    let short = run(false);
    assert!(
        short.contains("12 of 13 files could not be read"),
        "{short}"
    );
    assert_eq!(short.matches("binary data").count(), 10, "{short}");
    assert!(
        short.contains("… 2 more (--verbose lists them all)"),
        "{short}"
    );
    assert_eq!(run(true).matches("binary data").count(), 12);
}

/// The binary with no key in the environment and its key store in `xdg`.
fn keyless(xdg: &Path, cwd: &Path) -> assert_cmd::Command {
    let mut c = gdpr_audit();
    c.env_remove("GDPR_AUDIT_KEY")
        .env("XDG_DATA_HOME", xdg)
        .current_dir(cwd);
    c
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_baseline_used_from_a_subdirectory_knows_every_finding() {
    let t = tempfile::tempdir().unwrap();
    let xdg = t.path().join("xdg");
    let project = t.path().join("project");
    let crm = project.join("exports/crm");
    std::fs::create_dir_all(&crm).unwrap();
    std::fs::copy(EXAMPLE_CSV, crm.join("kontakter.csv")).unwrap();
    let made = keyless(&xdg, &project)
        .args(["baseline", "exports/crm", "-o", "base.json"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let baseline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(project.join("base.json")).unwrap()).unwrap();
    let key_id = baseline["key_id"]
        .as_str()
        .expect("key id recorded")
        .to_string();
    let recorded: u64 = baseline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["count"].as_u64().unwrap())
        .sum();
    assert!(recorded > 0);

    let out = keyless(&xdg, &project.join("exports"))
        .args([
            "scan",
            "crm",
            "-q",
            "-f",
            "json",
            "--baseline",
            "../base.json",
        ])
        .output()
        .unwrap();
    let r = json(&out);
    let b = &r["summary"]["baseline"];
    assert_eq!(
        (b["known"].as_u64(), b["new"].as_u64(), b["fixed"].as_u64()),
        (Some(recorded), Some(0), Some(0)),
        "{b}"
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(r["summary"]["fingerprint_key_id"], key_id.as_str());

    // A baseline made with another key is refused, naming both ids.
    let other = keyless(&xdg, &project.join("exports"))
        .env("GDPR_AUDIT_KEY", "another-project-key-0123456789")
        .args([
            "scan",
            "crm",
            "-q",
            "-f",
            "json",
            "--baseline",
            "../base.json",
        ])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(err.contains(&key_id), "{err}");
    let other_id = gdpr_audit_key_id("another-project-key-0123456789");
    assert!(err.contains(&other_id), "{err}");
    assert!(
        other.stdout.is_empty(),
        "no report after a refused baseline"
    );
}

/// The key id a scan with `GDPR_AUDIT_KEY=secret` records.
fn gdpr_audit_key_id(secret: &str) -> String {
    let out = gdpr_audit()
        .env("GDPR_AUDIT_KEY", secret)
        .args(["scan", "-q", "-f", "json", EXAMPLE_CSV])
        .output()
        .unwrap();
    json(&out)["summary"]["fingerprint_key_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_generated_key_belongs_to_the_git_root_not_the_directory() {
    let t = tempfile::tempdir().unwrap();
    let xdg = t.path().join("xdg");
    let project = t.path().join("project");
    let sub = project.join("exports/crm");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::create_dir(project.join(".git")).unwrap();
    std::fs::copy(EXAMPLE_CSV, sub.join("kontakter.csv")).unwrap();
    let id_from = |cwd: &Path, path: &str| {
        let out = keyless(&xdg, cwd)
            .args(["scan", "-q", "-f", "json", path])
            .output()
            .unwrap();
        json(&out)["summary"]["fingerprint_key_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(id_from(&project, "exports/crm"), id_from(&sub, "."));
}

#[test]
fn a_key_file_wins_and_a_short_one_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let short = t.path().join("short.key");
    std::fs::write(&short, "short\n").unwrap();
    let out = gdpr_audit()
        .args(["scan", "-q", "-f", "json", "--key-file"])
        .arg(&short)
        .arg(EXAMPLE_CSV)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs at least 16"));
    let good = t.path().join("good.key");
    std::fs::write(&good, "0123456789abcdef0123456789abcdef\n").unwrap();
    let with_file = gdpr_audit()
        .args(["scan", "-q", "-f", "json", "--key-file"])
        .arg(&good)
        .arg(EXAMPLE_CSV)
        .output()
        .unwrap();
    assert_eq!(
        json(&with_file)["summary"]["fingerprint_key_id"],
        gdpr_audit_key_id("0123456789abcdef0123456789abcdef").as_str(),
        "the key file's trailing newline is not part of the key"
    );
}

/// Every long option of `scan`, from the same definitions clap parses.
fn scan_options() -> Vec<String> {
    let cmd = gdpr_audit::cli::Cli::command();
    let scan = cmd.find_subcommand("scan").unwrap().clone();
    scan.get_arguments()
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect()
}

#[test]
fn man_scan_lists_every_scan_option_and_the_exit_codes() {
    let out = gdpr_audit().args(["man", "scan"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = String::from_utf8_lossy(&out.stdout).replace("\\-", "-");
    assert!(page.contains("gdpr-audit-scan"));
    let options = scan_options();
    assert!(options.len() > 20, "{options:?}");
    for long in options {
        assert!(
            page.contains(&format!("--{long}")),
            "man scan lacks --{long}"
        );
    }
    for code in ["EXIT STATUS", " 0 ", " 1 ", " 2 ", "130"] {
        assert!(page.contains(code), "man scan lacks {code:?}");
    }
    for heading in ["INPUT", "DETECTION", "POLICY", "OUTPUT", "CI"] {
        assert!(
            page.contains(&format!(".SH {heading}")),
            "no {heading} section"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let all = gdpr_audit()
        .args(["man", "--all"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(all.status.success());
    for page in [
        "gdpr-audit.1",
        "gdpr-audit-scan.1",
        "gdpr-audit-diff.1",
        "gdpr-audit-rules-list.1",
    ] {
        assert!(dir.path().join(page).exists(), "{page} not written");
    }
    let top = std::fs::read_to_string(dir.path().join("gdpr-audit.1")).unwrap();
    assert!(
        top.contains("gdpr\\-audit\\-scan(1)"),
        "the top page points to the command pages"
    );
}

#[test]
fn every_help_entry_has_a_description() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() {
                missing.push(format!("{path} {} (command)", sub.get_name()));
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    let mut cmd = gdpr_audit::cli::Cli::command();
    cmd.build();
    walk(&cmd, "gdpr-audit", &mut missing);
    assert!(missing.is_empty(), "no description: {missing:#?}");
}

#[test]
fn a_rule_file_with_three_key_errors_reports_all_three_with_line_and_column() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("my-rules.yaml");
    std::fs::write(
        &file,
        "rules:\n  - id: my.one\n    nam: One\n    category: contact\n    severity: low\n    patterns: ['x']\n  - id: my.two\n    name: Two\n    category: contact\n    severity: low\n    patterns: ['y']\n    colour: red\n    sevrity: high\n",
    )
    .unwrap();
    let out = gdpr_audit()
        .args(["rules", "list", "--rules"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let name = file.display().to_string();
    for (at, what) in [
        ("3:5", "rule my.one: unknown key `nam`"),
        ("2:5", "rule my.one: missing key `name`"),
        ("12:5", "rule my.two: unknown key `colour`"),
        ("13:5", "rule my.two: unknown key `sevrity`"),
    ] {
        assert!(
            err.contains(&format!("{name}:{at}: {what}")),
            "{what} at {at}: {err}"
        );
    }
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(!err.contains("<input>"), "{err}");
}

#[test]
fn rules_list_fits_80_columns() {
    let out = gdpr_audit().args(["rules", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() > 20);
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
}

#[test]
fn the_tools_own_outputs_are_skipped_with_that_reason() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(EXAMPLE_CSV, data.join("kontakter.csv")).unwrap();
    let outs = t.path().join("outs");
    gdpr_audit()
        .args(["scan", "-q", "-f", "csv", "-o"])
        .arg(outs.with_extension("csv"))
        .arg("--export-actions")
        .arg(&outs)
        .arg(&data)
        .assert()
        .code(1);
    gdpr_audit()
        .args(["baseline", "-q", "-o"])
        .arg(t.path().join("base.json"))
        .arg(&data)
        .assert()
        .success();
    std::fs::copy(outs.with_extension("csv"), data.join("report.csv")).unwrap();
    std::fs::copy(t.path().join("base.json"), data.join("base.json")).unwrap();
    let action_list = std::fs::read_dir(&outs)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::copy(&action_list, data.join("actions.csv")).unwrap();

    let out = gdpr_audit()
        .args(["scan", "-q", "--strict", "-f", "json"])
        .arg(&data)
        .output()
        .unwrap();
    let r = json(&out);
    assert_eq!(r["summary"]["files"], 1, "only the export was scanned");
    let own: Vec<String> = r["coverage"]["own_outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap(),
                e["error"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(own.len(), 3, "{own:?}");
    assert!(
        own.iter()
            .any(|e| e.ends_with("report.csv: a CSV report written by gdpr-audit; not an input"))
    );
    assert!(own.iter().any(|e| e.contains("base.json: a baseline")));
    assert!(
        own.iter()
            .any(|e| e.contains("actions.csv: an action list"))
    );
    assert_eq!(
        r["coverage"]["complete"], true,
        "own outputs do not make it incomplete"
    );
    assert_ne!(
        out.status.code(),
        Some(2),
        "--strict is not failed by the tool's own outputs"
    );
}

#[test]
fn report_of_a_file_that_is_not_a_report_says_so() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("notreport.json");
    std::fs::write(&file, "[{\"name\": \"Anna Andersson\"}]").unwrap();
    let out = gdpr_audit().arg("report").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not a gdpr-audit report (expected a JSON object with schema_version"),
        "{err}"
    );
    assert!(
        !err.contains("Anna"),
        "the file's text is never quoted: {err}"
    );
}

/// The examples scanned from the examples folder (relative paths, stable output).
pub(crate) fn examples_report(format: &str, lang: &str) -> String {
    let out = gdpr_audit()
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .args([
            "scan",
            "crm",
            "mail",
            "-q",
            "--no-config",
            "--format",
            format,
            "--lang",
            lang,
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn wording_filters() -> Vec<(&'static str, &'static str)> {
    vec![(r"gdpr-audit \d+\.\d+\.\d+\S*", "gdpr-audit [VERSION]")]
}

#[test]
fn wording_in_english() {
    let text = examples_report("table", "en");
    for wrong in [
        "weigh ",
        "1 messages",
        "1 files",
        "(1 record)",
        "Nothing to do",
    ] {
        assert!(!text.contains(wrong), "{wrong:?} in\n{text}");
    }
    let md = examples_report("markdown", "en");
    assert!(md.contains("findings in"), "{md}");
    assert!(md.contains("Weight of") || md.contains("weight of"), "{md}");
    insta::with_settings!({filters => wording_filters()}, {
        insta::assert_snapshot!("table_en", text);
    });
}

#[test]
fn wording_in_swedish() {
    let text = examples_report("table", "sv");
    for english in [
        "→ body",
        "→ subject",
        "1 messages",
        "weigh",
        "records",
        "message ",
    ] {
        assert!(!text.contains(english), "{english:?} in\n{text}");
    }
    assert!(text.contains("brödtext"), "{text}");
    insta::with_settings!({filters => wording_filters()}, {
        insta::assert_snapshot!("table_sv", text);
    });
}

#[test]
fn diff_markdown_shows_code_spans_not_escaped_backticks() {
    let t = tempfile::tempdir().unwrap();
    let old = t.path().join("old.json");
    let new = t.path().join("new.json");
    std::fs::write(&old, examples_report("json", "en")).unwrap();
    let mut newer: serde_json::Value =
        serde_json::from_str(&examples_report("json", "en")).unwrap();
    newer["todo"].as_array_mut().unwrap().truncate(3);
    std::fs::write(&new, newer.to_string()).unwrap();
    let out = gdpr_audit()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("`crm/kontakter.csv`"), "{text}");
    assert!(!text.contains("\\`"), "escaped backticks: {text}");
}
