//! Sharded scans: the shards of the shared corpus, merged, are the single scan's
//! report byte for byte (with a policy and an allowlist in force), and parts that
//! are missing, doubled or from another scan are refused by name. Needs
//! `../shared` (skipped with a note without it).

use crate::common::*;
use std::path::{Path, PathBuf};

/// A policy for the corpus: record checks on the contacts (retention, consent,
/// an `id_field` that holds personal data), mail with a basis, and allowlist
/// entries that do suppress findings.
const POLICY: &str = r#"sources:
  - path: "crm/contacts*.csv"
    purpose: "Customer relationship and orders"
    lawful_basis: contract
    id_field: email
    fields: {email: email, phone: phone, personnummer: national_id, notes: free_text}
    retention: {date_field: last_purchase_date, keep_for: 24 months}
    marketing: {opt_in_field: marketing_opt_in, consent_date_field: consent_date}
  - path: "mail/**"
    purpose: "Customer service"
    lawful_basis: legitimate_interests
    balancing_test: "docs/lia.pdf"
    retention: {keep_for: 36 months}
allowlist:
  - {path: crm/activities.csv, category: phone, reason: "switchboard numbers"}
  - {path: mail/eml/**, rule: se.personnummer, reason: "test data"}
"#;

/// The corpus and its policy file, or None (skipped) without ../shared.
fn setup() -> Option<(tempfile::TempDir, PathBuf, PathBuf)> {
    let (dir, corpus) = corpus(1)?;
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, POLICY).expect("policy");
    Some((dir, corpus, policy))
}

fn scan_args(corpus: &Path, policy: &Path) -> Vec<String> {
    scan_args_as_of(corpus, policy, "2026-11-29")
}

fn scan_args_as_of(corpus: &Path, policy: &Path, as_of: &str) -> Vec<String> {
    vec![
        "scan".into(),
        corpus.join("crm").display().to_string(),
        corpus.join("mail").display().to_string(),
        "--config".into(),
        policy.display().to_string(),
        "--as-of".into(),
        as_of.into(),
    ]
}

/// Write shards 1..=n of the scan into `dir`, as n separate processes.
fn write_shards(corpus: &Path, policy: &Path, n: u64, dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("mkdir");
    (1..=n)
        .map(|k| {
            let part = dir.join(format!("part-{k}.jsonl"));
            gdpr_audit()
                .args(scan_args(corpus, policy))
                .args(["--shard", &format!("{k}/{n}"), "--quiet", "-o"])
                .arg(&part)
                .assert()
                .success();
            part
        })
        .collect()
}

fn merge(parts: &[&Path], policy: &Path, out: &Path) -> std::process::Output {
    gdpr_audit()
        .arg("merge")
        .args(parts)
        .arg("--config")
        .arg(policy)
        .args(["--quiet", "--format", "json", "-o"])
        .arg(out)
        .output()
        .expect("runs")
}

#[test]
fn shards_merged_are_the_single_scan_byte_for_byte() {
    let Some((dir, corpus, policy)) = setup() else {
        return;
    };
    let single = dir.path().join("single.json");
    gdpr_audit()
        .args(scan_args(&corpus, &policy))
        .args(["--quiet", "--format", "json", "-o"])
        .arg(&single)
        .assert()
        .code(1);
    let expected = std::fs::read(&single).expect("single report");
    let report: serde_json::Value = serde_json::from_slice(&expected).expect("json");
    assert!(
        report["summary"]["allowlist"]
            .as_array()
            .is_some_and(|a| a.iter().any(|u| u["suppressed"].as_u64() > Some(0))),
        "the allowlist suppresses findings: {}",
        report["summary"]["allowlist"]
    );
    assert!(
        report["violations"]
            .as_array()
            .is_some_and(|v| !v.is_empty()),
        "the policy finds violations"
    );
    for n in [1u64, 2, 3, 7] {
        let parts_dir = dir.path().join(format!("parts-{n}"));
        let parts = write_shards(&corpus, &policy, n, &parts_dir);
        let merged = dir.path().join(format!("merged-{n}.json"));
        // A directory of parts, as a final merge job gets them.
        let out = merge(&[&parts_dir], &policy, &merged);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{n} shards: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = std::fs::read(&merged).expect("merged report");
        assert!(
            got == expected,
            "{n} shards merged differ from the single scan"
        );
        assert_eq!(parts.len() as u64, n);
    }
}

#[test]
fn missing_doubled_and_foreign_parts_are_refused_by_name() {
    let Some((dir, corpus, policy)) = setup() else {
        return;
    };
    let parts = write_shards(&corpus, &policy, 3, &dir.path().join("a"));
    let out = dir.path().join("merged.json");
    let refused = |parts: &[&Path], needle: &str| {
        let o = merge(parts, &policy, &out);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(needle), "`{needle}` not in: {err}");
        assert!(!out.exists(), "nothing is written");
    };
    refused(&[&parts[0], &parts[2]], "shard 2/3 missing");
    refused(
        &[&parts[0], &parts[1], &parts[2], &parts[1]],
        "part-2.jsonl are both shard 2/3",
    );
    // Another scan: other options (a different as-of date).
    let other = dir.path().join("other-2.jsonl");
    gdpr_audit()
        .args(scan_args_as_of(&corpus, &policy, "2025-01-01"))
        .args(["--shard", "2/3", "--quiet", "-o"])
        .arg(&other)
        .assert()
        .success();
    refused(
        &[&parts[0], &other, &parts[2]],
        "other-2.jsonl: is not a shard of the same scan as part",
    );
    // Another key.
    let keyed = dir.path().join("keyed-3.jsonl");
    gdpr_audit()
        .env("GDPR_AUDIT_KEY", "another-integration-test-key")
        .args(scan_args(&corpus, &policy))
        .args(["--shard", "3/3", "--quiet", "-o"])
        .arg(&keyed)
        .assert()
        .success();
    refused(&[&parts[0], &parts[1], &keyed], "keyed-3.jsonl");
    // A part cut short.
    let text = std::fs::read_to_string(&parts[0]).expect("part");
    let cut = dir.path().join("cut-1.jsonl");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&cut, lines[..lines.len() - 1].join("\n") + "\n").expect("write");
    refused(&[&cut, &parts[1], &parts[2]], "cut-1.jsonl: is cut short");
    // A shard count of another scan.
    let of_two = write_shards(&corpus, &policy, 2, &dir.path().join("b"));
    refused(
        &[&parts[0], &parts[1], &of_two[1]],
        "part-2.jsonl: is shard 2/2",
    );
    // Merged with another policy than the shards used.
    let o = gdpr_audit()
        .arg("merge")
        .args(&parts)
        .args(["--no-config", "--quiet", "-o"])
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pass the same --config"));
}

#[test]
fn files_from_lists_the_inputs_of_every_shard() {
    let Some((dir, corpus, policy)) = setup() else {
        return;
    };
    let list = dir.path().join("inputs.txt");
    std::fs::write(
        &list,
        format!(
            "{}\n{}\n",
            corpus.join("crm").display(),
            corpus.join("mail").display()
        ),
    )
    .expect("list");
    let single = dir.path().join("single.json");
    gdpr_audit()
        .args(["scan", "--files-from"])
        .arg(&list)
        .arg("--config")
        .arg(&policy)
        .args(["--as-of", "2026-11-29", "--quiet", "-f", "json", "-o"])
        .arg(&single)
        .assert()
        .code(1);
    let parts: Vec<PathBuf> = (1..=2)
        .map(|k| {
            let p = dir.path().join(format!("p{k}.jsonl"));
            gdpr_audit()
                .args(["scan", "--files-from"])
                .arg(&list)
                .arg("--config")
                .arg(&policy)
                .args(["--as-of", "2026-11-29", "--quiet", "--shard"])
                .arg(format!("{k}/2"))
                .arg("-o")
                .arg(&p)
                .assert()
                .success();
            p
        })
        .collect();
    let merged = dir.path().join("merged.json");
    let parts: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
    merge(&parts, &policy, &merged);
    assert!(std::fs::read(&merged).expect("merged") == std::fs::read(&single).expect("single"));
}

/// A zip of (name, bytes) members.
fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("member");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

#[test]
fn sources_with_several_results_stay_whole_in_their_shard() {
    // Runs without ../shared: an archive gives one result per member and one for
    // itself, all from one source of one shard.
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let csv = |i: usize| {
        format!("id;email;notes\n{i};anna{i}@example.se;pnr 19121212-1212, ring 070-123 45 6{i}\n")
    };
    for i in 0..5 {
        std::fs::write(data.join(format!("export-{i}.csv")), csv(i)).expect("csv");
    }
    let (a, b) = (csv(7), csv(8));
    let members: [(&str, &[u8]); 3] = [
        ("in/a.csv", a.as_bytes()),
        ("in/b.csv", b.as_bytes()),
        ("readme.bin", b"\x00\x01 not an export"),
    ];
    std::fs::write(data.join("bundle.zip"), zip_bytes(&members)).expect("zip");
    let single = dir.path().join("single.json");
    gdpr_audit()
        .arg("scan")
        .arg(&data)
        .args(["--no-config", "--quiet", "-f", "json", "-o"])
        .arg(&single)
        .assert()
        .code(1);
    let expected = std::fs::read(&single).expect("single");
    let report: serde_json::Value = serde_json::from_slice(&expected).expect("json");
    assert!(
        report["summary"]["files"].as_u64() > Some(6),
        "the archive gives several results: {}",
        report["summary"]["files"]
    );
    for n in 1..=4u64 {
        let parts = dir.path().join(format!("parts-{n}"));
        std::fs::create_dir_all(&parts).expect("mkdir");
        for k in 1..=n {
            gdpr_audit()
                .arg("scan")
                .arg(&data)
                .args([
                    "--no-config",
                    "--quiet",
                    "--shard",
                    &format!("{k}/{n}"),
                    "-o",
                ])
                .arg(parts.join(format!("{k}.jsonl")))
                .assert()
                .success();
        }
        let merged = dir.path().join(format!("merged-{n}.json"));
        gdpr_audit()
            .arg("merge")
            .arg(&parts)
            .args(["--no-config", "--quiet", "-f", "json", "-o"])
            .arg(&merged)
            .assert()
            .code(1);
        assert!(
            std::fs::read(&merged).expect("merged") == expected,
            "{n} shards merged differ from the single scan"
        );
        // The renderers that use the rules' texts, from a merge as from a scan.
        for format in ["sarif", "markdown"] {
            let from_scan = gdpr_audit()
                .arg("scan")
                .arg(&data)
                .args(["--no-config", "--quiet", "-f", format])
                .output()
                .expect("runs")
                .stdout;
            let from_merge = gdpr_audit()
                .arg("merge")
                .arg(&parts)
                .args(["--no-config", "--quiet", "-f", format])
                .output()
                .expect("runs")
                .stdout;
            assert!(!from_scan.is_empty());
            assert!(from_merge == from_scan, "{format} of {n} shards merged");
        }
    }
}

/// The parts' byte ranges: (source path, range, of) for every split file's line.
fn ranges_in(parts: &[PathBuf]) -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    for p in parts {
        for line in std::fs::read_to_string(p).expect("part").lines() {
            let v: serde_json::Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(_) => continue,
            };
            let f = &v["file"];
            if let (Some(path), Some(part), Some(of)) = (
                f["summary"]["path"].as_str(),
                f["range"]["part"].as_u64(),
                f["range"]["parts"].as_u64(),
            ) {
                out.push((path.to_string(), part, of));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn large_files_cut_into_byte_ranges_merge_to_the_single_scan() {
    let Some((dir, corpus, policy)) = setup() else {
        return;
    };
    let single = dir.path().join("single.json");
    gdpr_audit()
        .args(scan_args(&corpus, &policy))
        .args(["--quiet", "--format", "json", "-o"])
        .arg(&single)
        .assert()
        .code(1);
    let expected = std::fs::read(&single).expect("single report");
    for n in [1u64, 2, 3, 7] {
        let parts_dir = dir.path().join(format!("parts-{n}"));
        std::fs::create_dir_all(&parts_dir).expect("mkdir");
        let parts: Vec<PathBuf> = (1..=n)
            .map(|k| {
                let part = parts_dir.join(format!("part-{k}.jsonl"));
                gdpr_audit()
                    .args(scan_args(&corpus, &policy))
                    .args(["--shard", &format!("{k}/{n}"), "--shard-size", "64K"])
                    .args(["--quiet", "-o"])
                    .arg(&part)
                    .assert()
                    .success();
                part
            })
            .collect();
        // The mbox and the largest CSV are cut, each range in one part.
        let ranges = ranges_in(&parts);
        for name in ["inbox.mbox", "contacts.csv"] {
            let of: Vec<&(String, u64, u64)> =
                ranges.iter().filter(|r| r.0.ends_with(name)).collect();
            assert!(of.len() > 3, "{name} is cut into ranges: {ranges:?}");
            assert!(
                of.iter()
                    .enumerate()
                    .all(|(i, r)| r.1 == i as u64 && r.2 == of.len() as u64),
                "{name}: every range once: {of:?}"
            );
        }
        let merged = dir.path().join(format!("merged-{n}.json"));
        let out = merge(&[&parts_dir], &policy, &merged);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{n} shards: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            std::fs::read(&merged).expect("merged") == expected,
            "{n} shards of byte ranges merged differ from the single scan"
        );
    }
    // Parts cut at another size are parts of another scan.
    let other = dir.path().join("other-1.jsonl");
    gdpr_audit()
        .args(scan_args(&corpus, &policy))
        .args(["--shard", "1/2", "--shard-size", "128K", "--quiet", "-o"])
        .arg(&other)
        .assert()
        .success();
    let out = merge(
        &[&other, &dir.path().join("parts-2/part-2.jsonl")],
        &policy,
        &dir.path().join("x.json"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("scan options differ"));
}

/// A CSV export in Windows-1252 with a `sep=` line, quoted fields with line
/// breaks and delimiters, ragged rows, an `id_field` column and dates, and an
/// mbox with `>From ` lines: hard cases for the cuts, all of them small.
fn hard_inputs(data: &Path) {
    let mut csv = b"sep=;\r\nid;email;notes;last_purchase_date\r\n".to_vec();
    for i in 0..1500u32 {
        let note = match i % 5 {
            0 => format!(
                "\"rad ett\r\nring 070-123 45 {:02}; \"\"citat\"\"\"",
                i % 100
            ),
            1 => "\"pnr 19121212-1212\nsjukskriven\"".to_string(),
            2 => "G\u{f6}teborg".to_string(),
            3 => "kort".to_string(),
            _ => "\"\"".to_string(),
        };
        let (enc, _, _) = encoding_rs::WINDOWS_1252.encode(&note);
        csv.extend(format!("{i};kund{i}@example.se;").as_bytes());
        csv.extend(enc.iter());
        let date = if i % 7 == 0 {
            "2019-01-01"
        } else {
            "2026-01-01"
        };
        csv.extend(format!(";{date}").as_bytes());
        if i % 97 == 0 {
            csv.extend(b";extra");
        }
        csv.extend(b"\r\n");
    }
    std::fs::write(data.join("export.csv"), csv).expect("csv");
    let mut mbox = String::new();
    for i in 0..300 {
        mbox.push_str(&format!(
            "From kund{i}@example.se Thu Nov 11 07:49:12 2021\nFrom: Kund <kund{i}@example.se>\nSubject: Fråga {i}\nMessage-ID: <m{i}@example.se>\nDate: Thu, 11 Nov 2021 07:49:12 +0100\n\nHej, mitt personnummer är 19121212-1212.\n>From here on\nFrom the start\n\n"
        ));
    }
    std::fs::write(data.join("inbox.mbox"), mbox).expect("mbox");
}

#[test]
fn hard_csv_and_mbox_cuts_merge_to_the_single_scan() {
    // Runs without ../shared.
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    hard_inputs(&data);
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "sources:\n  - path: \"*.csv\"\n    purpose: CRM\n    lawful_basis: contract\n    id_field: email\n    retention: {date_field: last_purchase_date, keep_for: 24 months}\n",
    )
    .expect("policy");
    let args = |cmd: &mut assert_cmd::Command| {
        cmd.arg("scan")
            .arg(&data)
            .arg("--config")
            .arg(&policy)
            .args(["--as-of", "2026-11-29", "--quiet"]);
    };
    let mut single = gdpr_audit();
    args(&mut single);
    let expected = single.args(["-f", "json"]).output().expect("runs").stdout;
    let report: serde_json::Value = serde_json::from_slice(&expected).expect("json");
    assert!(
        report["summary"]["errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "ragged rows"
    );
    assert!(
        report["violations"]
            .as_array()
            .is_some_and(|v| !v.is_empty()),
        "violations"
    );
    for n in [2u64, 5] {
        let parts = dir.path().join(format!("parts-{n}"));
        std::fs::create_dir_all(&parts).expect("mkdir");
        for k in 1..=n {
            let mut shard = gdpr_audit();
            args(&mut shard);
            shard
                .args(["--shard", &format!("{k}/{n}"), "--shard-size", "5K", "-o"])
                .arg(parts.join(format!("{k}.jsonl")))
                .assert()
                .success();
        }
        let merged = gdpr_audit()
            .arg("merge")
            .arg(&parts)
            .arg("--config")
            .arg(&policy)
            .args(["--quiet", "-f", "json"])
            .output()
            .expect("runs");
        assert!(
            merged.stdout == expected,
            "{n} shards differ: {}",
            String::from_utf8_lossy(&merged.stderr)
        );
    }
}
