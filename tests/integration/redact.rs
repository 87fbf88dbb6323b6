//! `redact`: cleaned copies, proven clean by scanning them again. The corpus tests
//! skip without `../shared`; the others build their inputs here.

use crate::common::{corpus, gdpr_audit};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn scan_json(paths: &[PathBuf], extra: &[&str]) -> Value {
    let mut c = gdpr_audit();
    c.args(["scan", "--format", "json", "--fail-on", "none", "--quiet"]);
    c.args(paths.iter().map(|p| s(p)));
    c.args(extra);
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn log(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("redaction-log.json")).expect("log"))
        .expect("log json")
}

/// Structured inventory (column or header, kind, categories), by path below `root`.
fn structured_inventory(report: &Value, root: &str) -> BTreeSet<String> {
    report["inventory"]
        .as_array()
        .expect("inventory")
        .iter()
        .filter(|e| e["kind"] == "structured")
        .map(|e| {
            let path = e["path"].as_str().unwrap_or_default();
            let below = path.strip_prefix(root).unwrap_or(path);
            format!("{below} {} {}", e["field"], e["categories"])
        })
        .collect()
}

/// Records of a CSV as raw byte fields (the delimiter and quotes are ASCII in
/// every encoding the corpus uses).
fn raw_records(path: &Path, delimiter: u8) -> Vec<Vec<Vec<u8>>> {
    let bytes = std::fs::read(path).expect("read");
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[..])
        .byte_records()
        .map(|r| r.expect("record").iter().map(<[u8]>::to_vec).collect())
        .collect()
}

fn python_mbox_count(path: &Path) -> usize {
    let out = Command::new("python3")
        .args([
            "-c",
            "import mailbox,sys,email,email.policy\nmb=mailbox.mbox(sys.argv[1])\nn=0\nfor m in mb:\n    email.message_from_bytes(m.as_bytes(), policy=email.policy.default)\n    n+=1\nprint(n)",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

#[test]
fn the_corpus_is_redacted_and_proven_clean() {
    let Some((dir, corpus)) = corpus(1) else {
        return;
    };
    let clean = dir.path().join("clean");
    let crm = corpus.join("crm");
    let mail = corpus.join("mail");
    let out = gdpr_audit()
        .args([
            "redact",
            s(&crm),
            s(&mail),
            "--output-dir",
            s(&clean),
            "--no-config",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("proof: scanning the copies found nothing"),
        "{stderr}"
    );
    let l = log(&clean);
    assert_eq!(l["complete"], true);
    // Proven incrementally: deals.csv has nothing to remove and is its input
    // byte for byte; the changed copies were checked as they were written.
    assert_eq!(l["proof"]["method"], "incremental");
    let identical = l["proof"]["identical"].to_string();
    assert!(identical.contains("crm/deals.csv"), "{identical}");
    assert!(!identical.contains("crm/contacts.csv"), "{identical}");
    assert!(
        l["totals"]["values_replaced"].as_u64().unwrap() > 1000,
        "{}",
        l["totals"]
    );

    // A scan of the copies finds nothing; the structured inventory is the same.
    let before = scan_json(&[crm.clone(), mail.clone()], &["--no-config"]);
    // The whole output folder: the log and summary are recognised as the tool's own.
    let after = scan_json(std::slice::from_ref(&clean), &["--no-config"]);
    let skipped = after["summary"]["skipped"].to_string();
    assert!(
        skipped.contains("a redaction log") && skipped.contains("a redaction summary"),
        "{skipped}"
    );
    assert!(before["findings"].as_array().unwrap().len() > 1000);
    assert_eq!(
        after["findings"].as_array().unwrap().len(),
        0,
        "{}",
        after["findings"][0]
    );
    assert_eq!(
        structured_inventory(&before, s(&corpus)),
        structured_inventory(&after, s(&clean))
    );
    assert_eq!(before["summary"]["records"], after["summary"]["records"]);
    assert_eq!(before["summary"]["messages"], after["summary"]["messages"]);

    // deals.csv holds nothing personal: byte-identical.
    assert_eq!(
        std::fs::read(crm.join("deals.csv")).unwrap(),
        std::fs::read(clean.join("crm/deals.csv")).unwrap()
    );
    // Every CSV: the same records, every field not changed byte-identical, every
    // changed field with its label.
    let changed: BTreeSet<(String, u64, String)> = l["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["changes"].as_array().unwrap().iter())
        .map(|c| {
            let path = c["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap().to_string();
            (
                file,
                c["record"].as_u64().unwrap(),
                c["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (file, delim) in [
        ("contacts.csv", b';'),
        ("contacts_latin1.csv", b','),
        ("activities.csv", b','),
    ] {
        let a = raw_records(&crm.join(file), delim);
        let b = raw_records(&clean.join("crm").join(file), delim);
        assert_eq!(a.len(), b.len(), "{file}");
        let header: Vec<String> = a[0]
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let mut compared = 0;
        for (row, (x, y)) in a.iter().zip(&b).enumerate().skip(1) {
            assert_eq!(x.len(), y.len(), "{file} record {row}");
            for (col, (fx, fy)) in x.iter().zip(y).enumerate() {
                if changed.contains(&(file.to_string(), row as u64, header[col].clone())) {
                    assert!(
                        fy.windows(9).any(|w| w == b" removed]"),
                        "{file} record {row} {}",
                        header[col]
                    );
                } else {
                    assert_eq!(fx, fy, "{file} record {row} {}", header[col]);
                    compared += 1;
                }
            }
        }
        assert!(compared > 1000);
    }
    // Encodings: the BOM stays, Windows-1252 stays Windows-1252.
    let contacts = std::fs::read(clean.join("crm/contacts.csv")).unwrap();
    assert!(contacts.starts_with(b"\xEF\xBB\xBF"));
    assert!(std::str::from_utf8(&contacts).is_ok());
    let latin = std::fs::read(clean.join("crm/contacts_latin1.csv")).unwrap();
    assert!(
        std::str::from_utf8(&latin).is_err(),
        "Windows-1252 became UTF-8"
    );
    assert!(latin.contains(&0xF6), "no ö in Windows-1252 left");
    // Mail: Python agrees on the message count, and every message parses.
    assert_eq!(python_mbox_count(&clean.join("mail/inbox.mbox")), 300);
    assert_eq!(python_mbox_count(&mail.join("inbox.mbox")), 300);
    let names = |d: &Path| -> BTreeSet<_> {
        walkdir::WalkDir::new(d)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(d).unwrap().to_path_buf())
            .collect()
    };
    assert_eq!(
        names(&mail.join("maildir")),
        names(&clean.join("mail/maildir"))
    );
}

const POLICY: &str = r#"
sources:
  - path: "crm/contacts*.csv"
    purpose: "Customer relationship and orders"
    lawful_basis: contract
    id_field: id
    retention: {date_field: last_purchase_date, keep_for: 24 months}
  - path: "mail/**"
    purpose: "Customer service"
    lawful_basis: legitimate_interests
    balancing_test: "docs/lia.pdf"
    retention: {keep_for: 36 months}
"#;

#[test]
fn drop_expired_removes_exactly_the_records_scan_reports_as_expired() {
    let Some((dir, corpus)) = corpus(1) else {
        return;
    };
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let clean = dir.path().join("clean");
    let paths = [corpus.join("crm"), corpus.join("mail")];
    let common = ["--config", s(&policy), "--as-of", "2026-11-29"];
    let report = scan_json(&paths, &common);
    let out = gdpr_audit()
        .arg("redact")
        .args(paths.iter().map(|p| s(p)))
        .args(["--output-dir", s(&clean), "--drop", "expired"])
        .args(common)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expired: BTreeMap<String, BTreeSet<String>> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == "retention_expired")
        .map(|v| {
            let path = v["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            let ids = v["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
                .collect();
            (path, ids)
        })
        .collect();
    assert_eq!(expired["contacts.csv"].len(), 886);
    for (file, delim) in [("contacts.csv", b';'), ("contacts_latin1.csv", b',')] {
        let ids = |p: &Path| -> BTreeSet<String> {
            raw_records(p, delim)
                .iter()
                .skip(1)
                .map(|r| String::from_utf8_lossy(&r[0]).into_owned())
                .collect()
        };
        let before = ids(&corpus.join("crm").join(file));
        let after = ids(&clean.join("crm").join(file));
        let want: BTreeSet<String> = before.difference(&expired[file]).cloned().collect();
        assert_eq!(after, want, "{file}");
    }
    // The mbox loses its expired messages, by Message-ID.
    let ids_in = |p: &Path| -> BTreeSet<String> {
        let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
        text.lines()
            .filter_map(|l| l.strip_prefix("Message-ID: "))
            .map(str::to_string)
            .collect()
    };
    let before = ids_in(&corpus.join("mail/inbox.mbox"));
    let after = ids_in(&clean.join("mail/inbox.mbox"));
    let gone: BTreeSet<String> = before.difference(&after).cloned().collect();
    assert_eq!(gone, expired["inbox.mbox"]);
    assert_eq!(
        python_mbox_count(&clean.join("mail/inbox.mbox")),
        before.len() - gone.len()
    );
    let l = log(&clean);
    assert_eq!(
        l["totals"]["records_dropped"].as_u64().unwrap(),
        886 + expired["contacts_latin1.csv"].len() as u64 + gone.len() as u64
    );
}

fn small_export(dir: &Path) -> PathBuf {
    let input = dir.join("export");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("kunder.csv"),
        "id;namn;anteckning\n1;Anna;Ring henne, personnummer 19121212-1212.\n2;Bo;Inget särskilt.\n",
    )
    .unwrap();
    input
}

#[test]
fn labels_follow_the_report_language_and_inputs_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_export(dir.path());
    let before = std::fs::read(input.join("kunder.csv")).unwrap();
    let out_dir = dir.path().join("out");
    gdpr_audit()
        .args([
            "redact",
            s(&input),
            "--output-dir",
            s(&out_dir),
            "--no-config",
            "--lang",
            "sv",
        ])
        .assert()
        .code(0);
    assert_eq!(std::fs::read(input.join("kunder.csv")).unwrap(), before);
    let copy = std::fs::read_to_string(out_dir.join("export/kunder.csv")).unwrap();
    assert_eq!(
        copy,
        "id;namn;anteckning\n1;Anna;Ring henne, personnummer [personnummer borttaget].\n2;Bo;Inget särskilt.\n"
    );
    let md = std::fs::read_to_string(out_dir.join("redaction-summary.md")).unwrap();
    assert!(md.contains("Redigeringslogg"), "{md}");
    let log_text = std::fs::read_to_string(out_dir.join("redaction-log.json")).unwrap();
    assert!(
        !log_text.contains("1912"),
        "the log holds a value: {log_text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out_dir.join("export/kunder.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the copy is readable by others: {mode:o}");
    }
}

#[test]
fn the_output_must_be_new_and_outside_every_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_export(dir.path());
    gdpr_audit()
        .args([
            "redact",
            s(&input),
            "--output-dir",
            s(&input.join("clean")),
            "--no-config",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--output-dir"));
    let used = dir.path().join("used");
    std::fs::create_dir_all(&used).unwrap();
    std::fs::write(used.join("x"), "x").unwrap();
    gdpr_audit()
        .args(["redact", s(&input), "--output-dir", s(&used), "--no-config"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not empty"));
    assert!(!input.join("clean").exists());
}

#[test]
fn a_dry_run_prints_the_log_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_export(dir.path());
    let out_dir = dir.path().join("out");
    let out = gdpr_audit()
        .args([
            "redact",
            s(&input),
            "--output-dir",
            s(&out_dir),
            "--no-config",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let l: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(l["totals"]["values_replaced"], 1);
    assert_eq!(l["files"][0]["changes"][0]["masked"], "########-####");
    assert!(!out_dir.exists());
}

/// A user rule that also matches the masked shape: no copy can be clean.
fn hash_rule(dir: &Path) -> PathBuf {
    let rules = dir.join("hash.yaml");
    std::fs::write(
        &rules,
        "rules:\n  - id: test.hashes\n    name: Hashes\n    category: national_id\n    severity: high\n    patterns: ['[#0-9]{8}-[#0-9]{4}']\n    examples: {match: ['########-####'], no_match: []}\n",
    )
    .unwrap();
    rules
}

/// Redact `input` with the hash rule and `--replace mask`; the exit code, stderr
/// and the log.
fn redact_masked(input: &Path, rules: &Path, out_dir: &Path, full: bool) -> (i32, String, Value) {
    let mut args = vec![
        "redact",
        s(input),
        "--output-dir",
        s(out_dir),
        "--no-config",
        "--replace",
        "mask",
        "--rules",
        s(rules),
    ];
    if full {
        args.push("--full-proof");
    }
    let out = gdpr_audit().args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    (code, stderr, log(out_dir))
}

#[test]
fn what_the_proof_scan_still_finds_fails_the_run_and_the_copy_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = small_export(dir.path());
    let rules = hash_rule(dir.path());
    for (full, method) in [(false, "incremental"), (true, "full")] {
        let out_dir = dir.path().join(format!("out-{method}"));
        let (code, stderr, l) = redact_masked(&input, &rules, &out_dir, full);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("still hold"), "{stderr}");
        assert!(out_dir.join("export/kunder.csv").exists());
        assert_eq!(l["complete"], false);
        assert_eq!(l["proof"]["method"], method);
        let remaining = l["proof"]["remaining"].as_array().unwrap();
        assert_eq!(remaining.len(), 1, "{method}: {remaining:?}");
        assert_eq!(remaining[0]["record"], 1);
        assert_eq!(remaining[0]["field"], "anteckning");
        assert_eq!(remaining[0]["rule"], "test.hashes");
        assert!(
            remaining[0]["path"]
                .as_str()
                .unwrap()
                .ends_with("export/kunder.csv"),
            "{remaining:?}"
        );
    }
}

#[test]
fn the_incremental_proof_parses_redacted_messages_again_and_finds_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mail");
    std::fs::create_dir_all(&input).unwrap();
    let message = |id: u32, body: &str| {
        format!(
            "From a@example.com Thu Jan  1 00:00:00 2026\nFrom: a@example.com\nTo: b@example.com\nSubject: Kund {id}\nMessage-ID: <{id}@example.com>\nContent-Type: text/plain; charset=utf-8\n\n{body}\n\n"
        )
    };
    let mbox = message(1, "Inget särskilt.")
        + &message(2, "Personnummer 19121212-1212 till kunden.")
        + &message(3, "Hälsningar.");
    std::fs::write(input.join("inbox.mbox"), &mbox).unwrap();
    // An untouched file next to it is proven by being identical.
    std::fs::write(input.join("deals.csv"), "deal;amount\nD-1;100\n").unwrap();
    let rules = hash_rule(dir.path());
    for (full, method) in [(false, "incremental"), (true, "full")] {
        let out_dir = dir.path().join(format!("out-{method}"));
        let (code, stderr, l) = redact_masked(&input, &rules, &out_dir, full);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(l["proof"]["method"], method);
        let remaining = l["proof"]["remaining"].as_array().unwrap();
        assert_eq!(remaining.len(), 1, "{method}: {remaining:?}");
        assert_eq!(remaining[0]["record"], 2, "{remaining:?}");
        assert_eq!(remaining[0]["rule"], "test.hashes");
        assert!(
            remaining[0]["path"]
                .as_str()
                .unwrap()
                .ends_with("mail/inbox.mbox"),
            "{remaining:?}"
        );
        assert!(
            l["proof"]["count_mismatches"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let identical = l["proof"]["identical"].to_string();
        assert_eq!(identical.contains("mail/deals.csv"), !full, "{identical}");
        assert!(!identical.contains("inbox.mbox"), "{identical}");
    }
}

/// The copy finds the scan's findings again by place (line and characters of the
/// text the scan read); the HTML alternative the scan did not read is matched
/// again, so both bodies come out clean, with one change per value replaced.
#[test]
fn findings_are_found_again_by_place_and_the_html_alternative_is_matched() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mail");
    std::fs::create_dir_all(&input).unwrap();
    let alternative = "From a@example.com Thu Jan  1 00:00:00 2026\nFrom: a@example.com\n\
        To: b@example.com\nSubject: Kund 1\nMessage-ID: <1@example.com>\nMIME-Version: 1.0\n\
        Content-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\n\
        Content-Type: text/plain; charset=utf-8\n\nHej!\nÅsa har pnr 19121212-1212, ring \
        070-123 45 67.\nHon är sjukskriven.\n--b1\nContent-Type: text/html; charset=utf-8\n\n\
        <p>Hej!</p><p><b>&Aring;sa</b> har pnr 19121212-1212, ring 070-123 45 67.</p>\
        <p>Hon är sjukskriven.</p>\n--b1--\n\n";
    let plain = "From a@example.com Thu Jan  1 00:00:00 2026\nFrom: a@example.com\n\
        To: b@example.com\nSubject: Kund 2\nMessage-ID: <2@example.com>\n\
        Content-Type: text/plain; charset=utf-8\n\nrad ett\nrad två: 19121212-1212 och \
        19121212-1212 igen\n\n";
    std::fs::write(input.join("inbox.mbox"), format!("{alternative}{plain}")).unwrap();
    let out_dir = dir.path().join("out");
    let out = gdpr_audit()
        .args([
            "redact",
            s(&input),
            "--no-config",
            "--quiet",
            "--output-dir",
            s(&out_dir),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = std::fs::read_to_string(out_dir.join("mail/inbox.mbox")).unwrap();
    for gone in ["19121212-1212", "070-123 45 67", "sjukskriven"] {
        assert!(!copy.contains(gone), "{gone} left in\n{copy}");
    }
    assert!(
        copy.contains("<p>Hej!</p>") && copy.contains("rad ett"),
        "{copy}"
    );
    let l = log(&out_dir);
    let changes = l["files"][0]["changes"].as_array().unwrap();
    let per_message = |n: u64| changes.iter().filter(|c| c["record"] == n).count();
    // Three findings in each body of message 1, two in message 2.
    assert_eq!((per_message(1), per_message(2)), (6, 2), "{changes:?}");
    assert_eq!(l["proof"]["clean"], true);
}

#[test]
fn a_full_disk_leaves_no_partial_file_under_a_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("a_small.csv"), "id;note\n1;ok\n").unwrap();
    let mut big = String::from("id;note\n");
    for i in 0..20_000 {
        big.push_str(&format!("{i};leverans enligt plan, order {i}\n"));
    }
    std::fs::write(input.join("b_big.csv"), &big).unwrap();
    let out_dir = dir.path().join("out");
    // Writes past 64 KiB fail (EFBIG) as on a full disk; SIGXFSZ is ignored so the
    // error reaches the program.
    let bin = assert_cmd::cargo::cargo_bin("gdpr-audit");
    let out = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 128; exec \"$0\" redact \"$1\" --output-dir \"$2\" --no-config"])
        .arg(&bin)
        .arg(&input)
        .arg(&out_dir)
        .env("GDPR_AUDIT_KEY", "integration-test-key")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("b_big.csv"), "{stderr}");
    assert!(
        !out_dir.join("in/b_big.csv").exists(),
        "a partial copy is under its final name"
    );
    assert_eq!(
        std::fs::read(out_dir.join("in/a_small.csv")).unwrap(),
        b"id;note\n1;ok\n"
    );
    let leftovers: Vec<_> = walkdir::WalkDir::new(&out_dir)
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_interrupted_run_leaves_only_whole_copies_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    // Many files with nothing personal: every copy that exists must equal its input.
    let mut body = String::from("deal;amount\n");
    for i in 0..60_000 {
        body.push_str(&format!("D-{i};{}\n", i * 7));
    }
    for k in 0..40 {
        std::fs::write(input.join(format!("deals_{k:02}.csv")), &body).unwrap();
    }
    let out_dir = dir.path().join("out");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("gdpr-audit"))
        .env("GDPR_AUDIT_KEY", "integration-test-key")
        .args([
            "redact",
            s(&input),
            "--output-dir",
            s(&out_dir),
            "--no-config",
            "-j",
            "1",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    if child.try_wait().unwrap().is_some() {
        eprintln!("note: redact finished before it could be interrupted");
        return;
    }
    assert!(
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    if out_dir.exists() {
        for e in walkdir::WalkDir::new(&out_dir) {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".partial"), "left behind: {name}");
            if name.starts_with("deals_") {
                assert_eq!(
                    std::fs::read(e.path()).unwrap(),
                    body.as_bytes(),
                    "{name} is partial"
                );
            }
        }
    }
}

#[test]
fn ctrl_c_during_the_proof_keeps_the_copies_and_writes_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let mut body = String::from("deal;amount\n");
    for i in 0..60_000 {
        body.push_str(&format!("D-{i};{}\n", i * 7));
    }
    const FILES: usize = 40;
    for k in 0..FILES {
        std::fs::write(input.join(format!("deals_{k:02}.csv")), &body).unwrap();
    }
    let out_dir = dir.path().join("out");
    // The full proof scans all 40 copies again: long enough to be interrupted
    // once every copy is under its final name.
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("gdpr-audit"))
        .env("GDPR_AUDIT_KEY", "integration-test-key")
        .args([
            "redact",
            s(&input),
            "--output-dir",
            s(&out_dir),
            "--no-config",
            "--full-proof",
            "-j",
            "1",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let copies = || {
        (0..FILES)
            .filter(|k| out_dir.join(format!("in/deals_{k:02}.csv")).exists())
            .count()
    };
    let started = std::time::Instant::now();
    while copies() < FILES && started.elapsed() < std::time::Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    if child.try_wait().unwrap().is_some() || out_dir.join("redaction-log.json").exists() {
        eprintln!("note: redact finished its proof before it could be interrupted");
        let _ = child.wait();
        return;
    }
    assert!(
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(&format!("{FILES} of {FILES} copies were complete")),
        "{stderr}"
    );
    assert!(!stderr.contains("nothing was written"), "{stderr}");
    let l = log(&out_dir);
    assert_eq!(l["complete"], false);
    assert_eq!(l["totals"]["files_written"], FILES);
    if l["proof"]["interrupted"] == true {
        assert_eq!(l["proof"]["scanned"], false);
        assert_eq!(l["proof"]["clean"], false);
    } else {
        // The signal came between the last copy and the proof: it was not started.
        eprintln!("note: interrupted before the proof began");
        assert_eq!(l["proof"]["scanned"], false);
    }
    for k in 0..FILES {
        assert_eq!(
            std::fs::read(out_dir.join(format!("in/deals_{k:02}.csv"))).unwrap(),
            body.as_bytes()
        );
    }
}

/// Addresses in free text (`notes` of contacts, bodies of the mbox) that are not
/// the address columns or headers: someone else's record mentions them.
fn mentioned_addresses(corpus: &Path) -> (String, String) {
    let re = regex::Regex::new(
        r"(?:^|[\s:(])([a-z][a-z0-9._]*@(?:gmail|hotmail|outlook|telia|yahoo)\.(?:com|se))\b",
    )
    .unwrap();
    let notes = raw_records(&corpus.join("crm/contacts.csv"), b';');
    let col = notes[0].iter().position(|h| h == b"notes").unwrap();
    let in_notes = notes
        .iter()
        .skip(1)
        .find_map(|r| {
            re.captures(std::str::from_utf8(&r[col]).ok()?)
                .map(|c| c[1].to_string())
        })
        .expect("an address in a note");
    let mbox = String::from_utf8_lossy(&std::fs::read(corpus.join("mail/inbox.mbox")).unwrap())
        .into_owned();
    let in_mail = mbox
        .lines()
        .filter(|l| !l.contains(':') && !l.contains("&lt;") && !l.starts_with('>'))
        .find_map(|l| re.captures(l).map(|c| c[1].to_string()))
        .expect("an address in a body");
    (in_notes, in_mail)
}

#[test]
fn an_erasure_plan_leaves_no_trace_of_its_subjects_except_where_restricted() {
    let Some((dir, corpus)) = corpus(1) else {
        return;
    };
    // activities.csv is kept for a legal obligation: what the plan finds there stays.
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        format!(
            "{POLICY}  - path: \"crm/activities.csv\"\n    purpose: \"Bookkeeping\"\n    lawful_basis: legal_obligation\n    retention: {{keep_for: 7 years, legal_hold: \"Bokföringslagen 7 kap.\"}}\n"
        ),
    )
    .unwrap();
    let contacts = raw_records(&corpus.join("crm/contacts.csv"), b';');
    let header: Vec<&[u8]> = contacts[0].iter().map(Vec::as_slice).collect();
    let field = |name: &str| {
        String::from_utf8(
            contacts[1][header.iter().position(|h| *h == name.as_bytes()).unwrap()].clone(),
        )
        .unwrap()
    };
    let (email, phone, pnr) = (field("email"), field("phone"), field("personnummer"));
    let (noted, mailed) = mentioned_addresses(&corpus);
    let requests = dir.path().join("requests.csv");
    std::fs::write(
        &requests,
        format!(
            "request_id,received,type,email,phone,national_id,name,customer_id\nR1,2026-11-20,erasure,{email},{phone},{pnr},,\nR2,2026-11-20,erasure,{noted},,,,\nR3,2026-11-20,erasure,{mailed},,,,\n"
        ),
    )
    .unwrap();
    let plan = dir.path().join("plan.json");
    let paths = [corpus.join("crm"), corpus.join("mail")];
    let common = ["--config", s(&policy), "--as-of", "2026-11-29"];
    gdpr_audit()
        .args(["subject", "erase"])
        .args(paths.iter().map(|p| s(p)))
        .args([
            "--requests",
            s(&requests),
            "--format",
            "json",
            "--output",
            s(&plan),
            "--quiet",
        ])
        .args(common)
        .assert()
        .success();
    let clean = dir.path().join("clean");
    let out = gdpr_audit()
        .arg("redact")
        .args(paths.iter().map(|p| s(p)))
        .args(["--output-dir", s(&clean), "--plan", s(&plan)])
        .args(common)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l = log(&clean);
    let kept: BTreeSet<(String, u64)> = l["kept"]
        .as_array()
        .map(|k| {
            k.iter()
                .map(|k| {
                    (
                        k["path"]
                            .as_str()
                            .unwrap()
                            .rsplit('/')
                            .next()
                            .unwrap()
                            .to_string(),
                        k["record"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        l["totals"]["records_dropped"].as_u64().unwrap() >= 1,
        "{}",
        l["totals"]
    );
    for value in [&email, &phone, &pnr, &noted, &mailed] {
        for e in walkdir::WalkDir::new(&clean)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
        {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("redaction-") {
                continue;
            }
            let bytes = std::fs::read(e.path()).unwrap();
            if !bytes.windows(value.len()).any(|w| w == value.as_bytes()) {
                continue;
            }
            // Only a restricted record may still hold it.
            assert!(name.ends_with(".csv"), "{value} is still in {name}");
            let delim = if name == "contacts.csv" { b';' } else { b',' };
            for (row, r) in raw_records(e.path(), delim).iter().enumerate().skip(1) {
                if r.iter()
                    .any(|f| f.windows(value.len()).any(|w| w == value.as_bytes()))
                {
                    assert!(
                        kept.contains(&(name.clone(), row as u64)),
                        "{value} is still in {name} record {row}"
                    );
                }
            }
        }
    }
}
