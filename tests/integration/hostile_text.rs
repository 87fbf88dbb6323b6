//! Hostile probes of text the tool passes on (issue: twelve holes): file names in
//! the `init` draft, escape sequences in rule files, pathological rule patterns,
//! values hiding in mail metadata and header rows.

use crate::common::gdpr_audit;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);

fn json_scan(args: &[&str], path: &Path) -> Value {
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .args(["scan", "--no-config", "--quiet", "-f", "json"])
        .args(args)
        .arg(path)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no report ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

fn rule_file(id: &str, name: &str, pattern: &str) -> String {
    format!(
        "rules:\n  - id: {id}\n    name: \"{name}\"\n    description: \"d\"\n    category: health\n    severity: high\n    patterns: ['{pattern}']\n    examples: {{match: [], no_match: []}}\n"
    )
}

#[cfg(unix)]
#[test]
fn init_quotes_file_names_and_keeps_them_out_of_comments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let csv = "id;anteckning\n1;Kundens personnummer 19121212-1212 är sjukskriven\n";
    // A name that, pasted into YAML by hand, adds a source covering everything.
    let evil = "x.csv\n  - path: \"**\"\n    purpose: p\n    lawful_basis: contract\n    special_categories_basis: y\n#.csv";
    std::fs::write(input.join(evil), csv).expect("write");
    std::fs::write(input.join("esc\u{1b}[31m.csv"), csv).expect("write");
    let draft = dir.path().join("draft.yaml");
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .args(["init", "--quiet", "--output"])
        .arg(&draft)
        .arg(&input)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&draft).expect("draft");
    for line in text.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(!line.contains("x.csv") && !line.contains("esc"), "{line}");
    }
    assert!(!text.contains('\u{1b}'), "raw ESC in the draft");
    // The draft loads, holds exactly the two sources, and suppresses nothing:
    // both still lack a lawful basis.
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .args(["scan", "--quiet", "-f", "json", "--config"])
        .arg(&draft)
        .arg(&input)
        .output()
        .expect("runs");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    let no_basis = report["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .filter(|v| v["kind"] == "no_lawful_basis")
        .count();
    assert_eq!(no_basis, 2, "{}", report["violations"]);
}

#[test]
fn rule_names_and_ids_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("evil.yaml");
    std::fs::write(
        &rules,
        rule_file("x.evil", "Evil \\e]52;c;aGk=\\a \\u202e name", "zzzq"),
    )
    .expect("write");
    for args in [vec!["list"], vec!["show", "x.evil"]] {
        let out = gdpr_audit()
            .args(["rules", "--rules"])
            .arg(&rules)
            .args(&args)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Evil"), "{text}");
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!text.contains(bad), "{args:?} printed {bad:?} raw");
        }
    }
    // A rule-load error quotes the id.
    std::fs::write(&rules, rule_file("\"x.\\e[2J\"", "n", "zzzq")).expect("write");
    let out = gdpr_audit()
        .args(["rules", "--rules"])
        .arg(&rules)
        .arg("list")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[2J") && !stderr.contains('\u{1b}'),
        "{stderr}"
    );
}

#[test]
fn a_pathological_rule_pattern_is_refused_at_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("slow.yaml");
    // Nested repetitions (many states), and wide classes repeated (`.{0,100}` a
    // lazy DFA cannot cache: ~4 s per megabyte on the engine's slow fallback).
    for pattern in ["(?:a|aa){100}{100}", "(?:.{0,100}a){20}"] {
        std::fs::write(&rules, rule_file("x.slow", "Slow", pattern)).expect("write");
        let out = gdpr_audit()
            .timeout(TIMEOUT)
            .args(["rules", "--rules"])
            .arg(&rules)
            .arg("list")
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{pattern}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("slow.yaml:7:")
                && stderr.contains("x.slow")
                && stderr.contains("too costly"),
            "{pattern}: {stderr}"
        );
    }
    // The bundled pack still loads.
    gdpr_audit().args(["rules", "test"]).assert().success();
}

#[test]
fn custom_headers_are_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let eml = dir.path().join("m.eml");
    std::fs::write(
        &eml,
        "From: a@example.se\r\nTo: b@example.se\r\nSubject: hej\r\nX-Personnummer: 19121212-1212\r\nMessage-ID: <m1@example.se>\r\n\r\nhej\r\n",
    )
    .expect("write");
    let report = json_scan(&[], &eml);
    let parts: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "se.personnummer")
        .filter_map(|f| f["location"]["part"].as_str())
        .collect();
    assert_eq!(parts, ["header:x-personnummer"], "{}", report["findings"]);
}

#[test]
fn message_ids_and_attachment_names_are_scanned_and_masked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let eml = dir.path().join("m.eml");
    let name = "pnr 19121212-1212 anna@example.se.pdf";
    std::fs::write(
        &eml,
        format!(
            "From: a@example.se\r\nTo: b@example.se\r\nSubject: hej\r\nMessage-ID: <19121212-1212.anna@example.se>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhej\r\n--B\r\nContent-Type: application/pdf; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--B--\r\n"
        ),
    )
    .expect("write");
    for format in ["json", "sarif"] {
        let out = gdpr_audit()
            .args(["scan", "--no-config", "--quiet", "-f", format])
            .arg(&eml)
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        // The personnummer in the Message-ID and the name, the address in the name.
        for value in ["19121212", "anna@example.se.pdf"] {
            assert!(!text.contains(value), "{format} shows {value}: {text}");
        }
    }
    let report = json_scan(&[], &eml);
    let parts: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["location"]["part"].as_str())
        .collect();
    assert!(parts.contains(&"header:message-id"), "{parts:?}");
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["location"]["message_id"].as_str())
        .collect();
    // What matched is masked, and the rest of the id with it: the address after
    // the personnummer must not stay in clear.
    assert!(
        !ids.is_empty()
            && ids
                .iter()
                .all(|id| *id == "<########-####.****@*******.**>"),
        "{ids:?}"
    );
    // The export-action lists name the message by the same masked id.
    let actions = dir.path().join("acts");
    gdpr_audit()
        .args([
            "scan",
            "--no-config",
            "--quiet",
            "-f",
            "json",
            "--export-actions",
        ])
        .arg(&actions)
        .arg(&eml)
        .output()
        .expect("runs");
    let lists: Vec<_> = std::fs::read_dir(&actions)
        .expect("action files")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(!lists.is_empty(), "no action files");
    for list in &lists {
        let name = list
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let text = std::fs::read_to_string(list).expect("action file");
        assert!(
            text.contains(",<########-####.****@*******.**>"),
            "{name}: {text}"
        );
        for value in ["19121212", "anna", "example.se.pdf"] {
            assert!(
                !text.contains(value) && !name.contains(value),
                "{name}: {text}"
            );
        }
    }
    assert!(parts.contains(&"header:content-disposition"), "{parts:?}");
    // The unscanned PDF is in the inventory, under its masked name.
    let attachments: Vec<&str> = report["inventory"]
        .as_array()
        .expect("inventory")
        .iter()
        .filter(|e| e["kind"] == "attachment")
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(attachments.len(), 1, "{}", report["inventory"]);
    assert!(
        attachments[0].starts_with("attachment:pnr "),
        "{attachments:?}"
    );
    // The baseline's field is masked as well.
    let baseline = dir.path().join("b.json");
    gdpr_audit()
        .args(["baseline", "--quiet", "--output"])
        .arg(&baseline)
        .arg(&eml)
        .assert()
        .success();
    let text = std::fs::read_to_string(&baseline).expect("baseline");
    assert!(
        !text.contains("19121212") && !text.contains("anna@"),
        "{text}"
    );
}

#[test]
fn id_field_values_are_masked_in_reports_and_clear_in_action_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(
        input.join("c.csv"),
        "email;notes;last\nanna@example.se;pnr 19121212-1212;2010-01-01\nbo@example.se;ok;2010-02-01\n",
    )
    .expect("write");
    let config = dir.path().join("policy.yaml");
    std::fs::write(
        &config,
        "sources:\n  - path: \"c.csv\"\n    purpose: \"Customers\"\n    lawful_basis: contract\n    id_field: email\n    fields: {email: email, notes: free_text, last: not_personal}\n    retention: {date_field: last, keep_for: 1 year}\n",
    )
    .expect("write");
    let actions = dir.path().join("actions");
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .args([
            "scan",
            "--quiet",
            "-f",
            "json",
            "--as-of",
            "2026-01-01",
            "--config",
        ])
        .arg(&config)
        .arg("--export-actions")
        .arg(&actions)
        .arg(&input)
        .output()
        .expect("runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("retention_expired"), "{report}");
    assert!(!report.contains("anna@example.se"), "{report}");
    assert!(!report.contains("bo@example.se"), "{report}");
    let mut files: Vec<String> = std::fs::read_dir(&actions)
        .expect("actions")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("read"))
        .collect();
    files.sort();
    let all = files.join("\n");
    // The deletion list and the redaction list both name records by the id.
    assert!(all.contains(",anna@example.se,"), "{all}");
    assert!(all.contains(",bo@example.se,"), "{all}");
    assert!(all.contains(",notes,anna@example.se,"), "{all}");
}

#[test]
fn a_csv_without_a_header_row_does_not_leak_its_first_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(
        input.join("export.csv"),
        "19121212-1212,anna@example.se,4111 1111 1111 1111,Storgatan 1\n19121212-1212,bo@example.se,5555 5555 5555 4444,Lillgatan 2\n",
    )
    .expect("write");
    let report = json_scan(&[], &input);
    assert_eq!(report["summary"]["records"], 2, "{}", report["summary"]);
    let text = report.to_string();
    for value in ["19121212", "anna@", "4111"] {
        assert!(!text.contains(value), "shows {value}: {text}");
    }
    assert!(text.contains("column_1"), "{text}");
    let found = report["findings"].as_array().map_or(0, Vec::len)
        + report["inventory"].as_array().map_or(0, Vec::len);
    assert!(found > 0, "the first record was not scanned: {text}");
    // In the baseline, the init draft and the action file names too.
    let draft = dir.path().join("draft.yaml");
    gdpr_audit()
        .args(["init", "--quiet", "--output"])
        .arg(&draft)
        .arg(&input)
        .assert()
        .success();
    let text = std::fs::read_to_string(&draft).expect("draft");
    assert!(
        !text.contains("19121212") && !text.contains("anna@"),
        "{text}"
    );
    let baseline = dir.path().join("baseline.json");
    gdpr_audit()
        .args(["baseline", "--quiet", "--output"])
        .arg(&baseline)
        .arg(&input)
        .assert()
        .success();
    let text = std::fs::read_to_string(&baseline).expect("baseline");
    assert!(text.contains("column_"), "{text}");
    for value in ["19121212", "anna@", "4111"] {
        assert!(!text.contains(value), "the baseline shows {value}: {text}");
    }
    let actions = dir.path().join("acts");
    gdpr_audit()
        .args([
            "scan",
            "--no-config",
            "--quiet",
            "-f",
            "json",
            "--export-actions",
        ])
        .arg(&actions)
        .arg(&input)
        .output()
        .expect("runs");
    let names: Vec<String> = std::fs::read_dir(&actions)
        .expect("action files")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.is_empty(), "no action files");
    for name in &names {
        for value in ["19121212", "anna", "4111", "storgatan"] {
            assert!(!name.to_lowercase().contains(value), "{name}");
        }
    }
    // --no-header reads a first row of plain words as a record as well.
    std::fs::write(input.join("export.csv"), "anna,bo\ncarl,dora\n").expect("write");
    let report = json_scan(&["--no-header"], &input);
    assert_eq!(report["summary"]["records"], 2, "{}", report["summary"]);
}

#[test]
fn column_names_that_hold_values_are_masked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("c.csv");
    // A header row of names, one of which carries an address.
    std::fs::write(
        &csv,
        "id;notes;kontakt anna@example.se\n1;pnr 19121212-1212;x\n",
    )
    .expect("write");
    let text = json_scan(&[], &csv).to_string();
    assert!(!text.contains("anna@example.se"), "{text}");
}

#[test]
fn columns_past_max_columns_are_scanned_as_free_text_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("wide.csv");
    let cols = 300;
    let header: Vec<String> = (0..cols).map(|i| format!("c{i}")).collect();
    let mut row: Vec<String> = (0..cols).map(|_| "x".to_string()).collect();
    row[250] = "personnummer 19121212-1212".into();
    std::fs::write(&csv, format!("{}\n{}\n", header.join(","), row.join(","))).expect("write");
    let report = json_scan(&["--max-columns", "100"], &csv);
    let warnings = report["summary"]["warnings"].to_string();
    assert!(warnings.contains("--max-columns"), "{warnings}");
    assert!(
        report["summary"]["errors"]
            .as_array()
            .expect("errors")
            .is_empty()
    );
    let columns: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "se.personnummer")
        .filter_map(|f| f["location"]["column"].as_str())
        .collect();
    assert_eq!(columns, ["column_251"], "{}", report["findings"]);
}

#[test]
fn many_matches_in_one_field_under_a_low_cap_are_counted_exactly() {
    // One field, 20,000 personnummer: past the cap they are counted, not stored.
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("many.csv");
    let pairs = "pnr 19121212-1212 sjukskriven, ".repeat(20_000);
    std::fs::write(&csv, format!("id,notes\n1,\"{pairs}\"\n2,\"{pairs}\"\n")).expect("write");
    let report = json_scan(&["--max-findings-per-rule", "5"], &csv);
    let listed = |rule: &str| {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == rule)
            .count()
    };
    assert_eq!(listed("se.personnummer"), 5);
    let full = json_scan(&[], &csv);
    assert_eq!(report["summary"]["findings"], full["summary"]["findings"]);
    let n = |r: &serde_json::Value| {
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "se.personnummer")
            .count()
    };
    assert_eq!(n(&full), 40_000, "every match is a finding without the cap");
    assert_eq!(report["inventory"], full["inventory"]);
}
