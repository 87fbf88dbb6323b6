//! Archives: members scanned as files, `!/` paths, and hostile archives (bombs,
//! deep nesting, traversal names, encrypted members, truncation) reported by name
//! while the rest is scanned. Archives are written at test time.

use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;

const CSV: &[u8] = b"id;email;notes\n1;anna@example.se;pnr 19121212-1212\n2;bo@example.se;ok\n";

/// A zip of (name, bytes) members, deflated.
fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        w.start_file(*name, SimpleFileOptions::default())
            .expect("member");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

fn scan(paths: &[&Path], extra: &[&str]) -> (Value, i32) {
    let out = gdpr_audit()
        .args(["scan", "--format", "json"])
        .args(extra)
        .args(paths)
        .output()
        .expect("runs");
    let code = out.status.code().expect("exit code, not a signal");
    assert!(
        code <= 2,
        "no panic: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).expect("json"), code)
}

fn finding_paths(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn members_are_scanned_as_files_with_bang_paths() {
    let dir = tempfile::tempdir().expect("tmp");
    let inner = zip_bytes(&[("deep/Contact.csv", CSV)]);
    let ndjson = b"{\"notes\": \"pnr 19121212-1212\"}\n";
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(CSV.len() as u64);
    h.set_cksum();
    tar.append_data(&mut h, "in/tar.csv", CSV).expect("tar");
    let tar = tar.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).expect("gz");
    let tgz = gz.finish().expect("gz");
    let outer = dir.path().join("export.zip");
    std::fs::write(
        &outer,
        zip_bytes(&[
            ("Contact.csv", CSV),
            ("nested.zip", &inner),
            ("api/contacts.ndjson", ndjson),
            ("backup.tgz", &tgz),
            ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
        ]),
    )
    .expect("write");
    let (r, _) = scan(&[&outer], &[]);
    let paths = finding_paths(&r);
    let root = outer.display().to_string();
    for want in [
        "!/Contact.csv",
        "!/nested.zip!/deep/Contact.csv",
        "!/api/contacts.ndjson",
        "!/backup.tgz!/in/tar.csv",
    ] {
        assert!(
            paths.iter().any(|p| *p == format!("{root}{want}")),
            "{want} in {paths:?}"
        );
    }
    let sources = r["summary"]["sources"].to_string();
    assert!(sources.contains("\"kind\":\"zip\""), "{sources}");
    assert!(sources.contains("\"kind\":\"ndjson\""), "{sources}");
    let skipped = r["summary"]["skipped"].to_string();
    assert!(
        skipped.contains("!/logo.png"),
        "listed, not silently dropped: {skipped}"
    );
    // Members' e-mail columns are inventory, as in the file.
    assert!(
        r["inventory"]
            .as_array()
            .expect("inventory")
            .iter()
            .any(|e| e["path"] == format!("{root}!/Contact.csv") && e["kind"] == "structured"),
        "{}",
        r["inventory"]
    );
}

#[test]
fn policies_and_allowlists_match_member_paths() {
    let dir = tempfile::tempdir().expect("tmp");
    let outer = dir.path().join("export.zip");
    std::fs::write(&outer, zip_bytes(&[("crm/Contact.csv", CSV)])).expect("write");
    let config = dir.path().join("gdpr-audit.yaml");
    std::fs::write(
        &config,
        "sources:\n  - path: \"crm/Contact.csv\"\n    purpose: CRM\n    lawful_basis: contract\n    fields: {id: not_personal, email: email, notes: free_text}\nallowlist:\n  - {path: \"export.zip!/crm/*.csv\", rule: se.personnummer, reason: test}\n",
    )
    .expect("config");
    let (r, _) = scan(&[&outer], &["--config", config.to_str().expect("utf8")]);
    assert!(
        finding_paths(&r).is_empty(),
        "allowlisted: {}",
        r["findings"]
    );
    assert_eq!(
        r["summary"]["allowlist"][0]["suppressed"], 1,
        "{}",
        r["summary"]
    );
    assert!(
        !r["violations"].to_string().contains("no_lawful_basis"),
        "the policy applies to the member: {}",
        r["violations"]
    );
}

#[test]
fn nesting_past_the_depth_limit_is_reported_and_the_rest_scanned() {
    let dir = tempfile::tempdir().expect("tmp");
    // 42.zip style: each level holds the next level twice and a CSV.
    let mut level = zip_bytes(&[("leaf.csv", CSV)]);
    for _ in 0..6 {
        level = zip_bytes(&[("a.zip", &level), ("b.zip", &level), ("level.csv", CSV)]);
    }
    let bomb = dir.path().join("42.zip");
    std::fs::write(&bomb, &level).expect("write");
    let (r, _) = scan(&[&bomb], &["--max-archive-depth", "3"]);
    let errors = r["summary"]["errors"].to_string();
    assert!(errors.contains("--max-archive-depth"), "{errors}");
    assert!(
        errors.contains("42.zip!/a.zip!/a.zip!/a.zip"),
        "names the member: {errors}"
    );
    let paths = finding_paths(&r);
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("42.zip!/a.zip!/b.zip!/level.csv")),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.matches(".zip!/").count() > 3),
        "{paths:?}"
    );
}

#[test]
fn a_bomb_member_stops_the_archive_and_other_files_are_scanned() {
    let dir = tempfile::tempdir().expect("tmp");
    let zeros = vec![b'0'; 40 * 1024 * 1024];
    let bomb = dir.path().join("bomb.zip");
    std::fs::write(
        &bomb,
        zip_bytes(&[("huge.csv", &zeros), ("after.csv", CSV)]),
    )
    .expect("write");
    let beside = dir.path().join("beside.csv");
    std::fs::write(&beside, CSV).expect("write");
    let (r, _) = scan(&[&bomb, &beside], &["--max-decompressed-size", "4M"]);
    let errors = r["summary"]["errors"].to_string();
    assert!(errors.contains("bomb.zip!/huge.csv"), "{errors}");
    assert!(errors.contains("possible zip bomb"), "{errors}");
    let paths = finding_paths(&r);
    assert!(paths.iter().any(|p| p.ends_with("beside.csv")), "{paths:?}");
    // The ratio alone (1000:1 past 16 MiB) is a bomb too.
    let (r, _) = scan(&[&bomb], &[]);
    let errors = r["summary"]["errors"].to_string();
    assert!(
        errors.contains("bomb.zip!/huge.csv") && errors.contains("1000:1"),
        "{errors}"
    );
}

#[test]
fn traversal_names_are_labels_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path().join("a/b/c");
    std::fs::create_dir_all(&work).expect("dirs");
    let evil = work.join("evil.zip");
    std::fs::write(
        &evil,
        zip_bytes(&[
            ("../../etc/passwd", CSV),
            ("/abs/x.csv", CSV),
            ("ok.csv", CSV),
        ]),
    )
    .expect("write");
    let before = list(dir.path());
    let out = gdpr_audit()
        .current_dir(&work)
        .args(["scan", "--format", "json", "evil.zip"])
        .output()
        .expect("runs");
    let r: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(list(dir.path()), before, "nothing written beside or above");
    let warnings = r["summary"]["warnings"].to_string();
    assert!(
        warnings.contains("evil.zip!/../../etc/passwd"),
        "{warnings}"
    );
    let paths = finding_paths(&r);
    assert!(
        paths.iter().any(|p| p == "evil.zip!/../../etc/passwd"),
        "scanned as a label: {paths:?}"
    );
    assert!(paths.iter().any(|p| p == "evil.zip!/ok.csv"), "{paths:?}");
}

fn list(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .collect()
}

/// Set the "encrypted" flag of the first member (local and central header).
fn mark_first_encrypted(zip: &mut [u8]) {
    zip[6] |= 1;
    let cd = zip
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central directory");
    zip[cd + 8] |= 1;
}

#[test]
fn encrypted_and_truncated_archives_are_errors_naming_the_member() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut bytes = zip_bytes(&[("secret.csv", CSV), ("open.csv", CSV)]);
    mark_first_encrypted(&mut bytes);
    let enc = dir.path().join("enc.zip");
    std::fs::write(&enc, &bytes).expect("write");
    let big: Vec<u8> = (0..2000)
        .flat_map(|i| format!("{i};x{i}@example.se;anteckning nummer {i}\n").into_bytes())
        .collect();
    let whole = zip_bytes(&[("first.csv", CSV), ("second.csv", &big)]);
    let cut = dir.path().join("cut.zip");
    std::fs::write(&cut, &whole[..whole.len() * 2 / 3]).expect("write");
    let (r, _) = scan(&[&enc, &cut], &[]);
    let errors = r["summary"]["errors"].to_string();
    assert!(
        errors.contains("enc.zip!/secret.csv") && errors.contains("encrypted"),
        "{errors}"
    );
    assert!(
        errors.contains("cut.zip") && errors.contains("truncated"),
        "{errors}"
    );
    assert!(
        errors.contains("cut.zip!/second.csv"),
        "the cut member is named: {errors}"
    );
    let paths = finding_paths(&r);
    assert!(
        paths.iter().any(|p| p.ends_with("enc.zip!/open.csv")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.ends_with("cut.zip!/first.csv")),
        "{paths:?}"
    );
}
