//! Outlook sources end to end: the real `.msg`/`.pst` files in
//! `../shared/fixtures/outlook` (skipped with a note when absent), message counts
//! cross-checked with `readpst` (skipped when it is not installed), broken stores,
//! and small `.msg` files written here.

use crate::common::{gdpr_audit, shared_dir};
use serde_json::Value;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixtures() -> Option<PathBuf> {
    let dir = shared_dir()?.join("fixtures/outlook");
    if dir.join("support.pst").exists() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/fixtures/outlook is not present (it is in CI)");
        None
    }
}

fn scan_json(paths: &[&Path]) -> Value {
    let out = gdpr_audit()
        .arg("scan")
        .args(paths)
        .args(["--format", "json", "--fail-on", "none"])
        .timeout(Duration::from_secs(120))
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 2),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn source<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["summary"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} not among the sources"))
}

fn errors_for(report: &Value, name: &str) -> Vec<String> {
    report["summary"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"].as_str().unwrap().ends_with(name))
        .map(|e| e["error"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_fixture_item_is_counted_and_scanned() {
    let Some(dir) = fixtures() else { return };
    let r = scan_json(&[&dir]);
    for name in [
        "TxtSampleEmail.msg",
        "HtmlSampleEmail.msg",
        "RtfSampleEmail.msg",
        "EmailWithAttachments.msg",
        "EmailWithMsgAttachment.msg",
        "RtfWithShortRussianString.msg",
    ] {
        let s = source(&r, name);
        assert_eq!(s["kind"], "msg", "{name}");
        assert_eq!(s["messages"], 1, "{name}");
        assert!(
            errors_for(&r, name).is_empty(),
            "{name}: {:?}",
            errors_for(&r, name)
        );
    }
    let support = source(&r, "support.pst");
    assert_eq!(support["kind"], "pst");
    assert_eq!(support["items"]["mail"], 17);
    assert_eq!(support["messages"], 17);
    let dist = source(&r, "dist-list.pst");
    assert_eq!(dist["items"]["contact"], 1);
    assert_eq!(dist["items"]["distribution_list"], 1);
    assert_eq!(dist["items"]["appointment"], 1);
    assert_eq!(source(&r, "ansi-32bit.pst")["items"]["appointment"], 1);
    // Every PST message has a folder in its location; the contact card's fields
    // are inventory by category.
    let pst_findings: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("support.pst"))
        .collect();
    assert!(!pst_findings.is_empty());
    for f in &pst_findings {
        let folder = f["location"]["folder"].as_str().unwrap();
        assert!(["Drafts", "Sent Messages"].contains(&folder), "{folder}");
        assert!(f["location"]["message"].as_u64().unwrap() >= 1);
    }
    let inv = r["inventory"].as_array().unwrap();
    let field = |path: &str, field: &str| {
        inv.iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(path) && i["field"] == field)
            .unwrap_or_else(|| panic!("{path} {field} not in the inventory"))
    };
    assert_eq!(
        field("dist-list.pst", "field:email1")["categories"]["email"],
        1
    );
    assert!(field("support.pst", "header:from")["categories"]["email"].as_u64() == Some(17));
    assert_eq!(
        field("EmailWithAttachments.msg", "attachment:peterpan.jpg")["content_type"],
        "image/jpeg"
    );
    // The attached .msg inside EmailWithMsgAttachment.msg is read: its text is
    // scanned as the attachment's.
    assert!(r["findings"].as_array().unwrap().iter().any(|f| {
        f["path"]
            .as_str()
            .unwrap()
            .ends_with("EmailWithMsgAttachment.msg")
            && f["location"]["part"]
                .as_str()
                .unwrap()
                .starts_with("attachment:")
    }));
}

/// Items of each kind that `readpst` writes for a store: (mail, contacts, events).
fn readpst_counts(pst: &Path) -> Option<(u64, u64, u64)> {
    let out = tempfile::tempdir().unwrap();
    let ran = std::process::Command::new("readpst")
        .args(["-q", "-D", "-o"])
        .arg(out.path())
        .arg(pst)
        .output()
        .ok()?;
    assert!(ran.status.success(), "readpst failed on {}", pst.display());
    let (mut mail, mut cards, mut events) = (0, 0, 0);
    for e in walkdir::WalkDir::new(out.path()).into_iter().flatten() {
        if !e.file_type().is_file() {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
        let count = |p: &str| text.lines().filter(|l| l.starts_with(p)).count() as u64;
        match e.path().extension().and_then(|x| x.to_str()) {
            Some("mbox") => mail += count("From "),
            Some("contacts") => cards += count("BEGIN:VCARD"),
            Some("calendar") => events += count("BEGIN:VEVENT"),
            _ => {}
        }
    }
    Some((mail, cards, events))
}

#[test]
fn pst_counts_equal_readpst() {
    let Some(dir) = fixtures() else { return };
    if std::process::Command::new("readpst")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipped: readpst (pst-utils) is not installed");
        return;
    }
    for name in ["support.pst", "ansi-32bit.pst", "dist-list.pst"] {
        let pst = dir.join(name);
        let (mail, cards, events) = readpst_counts(&pst).unwrap();
        let r = scan_json(&[&pst]);
        let items = &source(&r, name)["items"];
        let n = |k: &str| items[k].as_u64().unwrap_or(0);
        assert_eq!(
            (n("mail"), n("contact"), n("appointment")),
            (mail, cards, events),
            "{name}"
        );
    }
}

#[test]
fn broken_stores_are_errors_naming_the_file_never_panics_or_hangs() {
    let Some(dir) = fixtures() else { return };
    let good = std::fs::read(dir.join("support.pst")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("half.pst", good[..good.len() / 2].to_vec()),
        ("header-only.pst", good[..600].to_vec()),
        ("magic-only.pst", b"!BDN".to_vec()),
    ];
    let mut noisy = good.clone();
    for i in (0x4400..noisy.len()).step_by(509) {
        noisy[i] ^= 0xA5;
    }
    cases.push(("noisy.pst", noisy));
    // One byte of the second draft's data block: that message fails its checksum.
    let mut one = good.clone();
    one[0x27880] ^= 0xFF;
    cases.push(("one-bad-message.pst", one));
    // One byte of the Sent Messages folder's table of contents, and one of the top
    // folder's table of subfolders: the crate gives no table, the folder's own
    // counts say what is lost (readpst still reads all 17).
    let mut contents = good.clone();
    contents[774538] = 0o117;
    cases.push(("lost-contents.pst", contents));
    let mut hierarchy = good.clone();
    hierarchy[317856] = 0o324;
    cases.push(("lost-subfolders.pst", hierarchy));
    for (name, bytes) in &cases {
        std::fs::write(tmp.path().join(name), bytes).unwrap();
    }
    let out = gdpr_audit()
        .arg("scan")
        .arg(tmp.path())
        .args(["--format", "json", "--fail-on", "none"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "{:?}",
        out.status
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (name, _) in &cases[..3] {
        let errs = errors_for(&r, name);
        assert!(!errs.is_empty(), "{name}: no error reported");
    }
    assert!(!errors_for(&r, "noisy.pst").is_empty());
    // A corrupt message names its folder and number; the rest is still scanned.
    assert_eq!(source(&r, "one-bad-message.pst")["messages"], 16);
    let errs = errors_for(&r, "one-bad-message.pst");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("folder Drafts, message 2: "),
        "{errs:?}"
    );
    // No folder is lost in silence: what could not be listed is an error.
    assert_eq!(source(&r, "lost-contents.pst")["messages"], 6);
    let errs = errors_for(&r, "lost-contents.pst");
    assert!(
        errs.iter()
            .any(|e| e.starts_with("folder Sent Messages: ")
                && e.contains("11 of 11 items not scanned")),
        "{errs:?}"
    );
    let errs = errors_for(&r, "lost-subfolders.pst");
    assert!(
        errs.iter()
            .any(|e| e.contains("table of subfolders is unreadable")),
        "{errs:?}"
    );
}

/// A minimal `.msg`: the given Unicode string properties in the root storage.
fn write_msg(props: &[(u16, &str)], binary: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    let mut stream = vec![0u8; 32];
    let mut entry = |id: u16, ptype: u16, data: &[u8], cf: &mut cfb::CompoundFile<_>| {
        stream.extend(ptype.to_le_bytes());
        stream.extend(id.to_le_bytes());
        stream.extend(6u32.to_le_bytes());
        stream.extend((data.len() as u64).to_le_bytes());
        cf.create_stream(format!("/__substg1.0_{id:04X}{ptype:04X}"))
            .unwrap()
            .write_all(data)
            .unwrap();
    };
    for (id, s) in props {
        let data: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        entry(*id, 0x001F, &data, &mut cf);
    }
    for (id, b) in binary {
        entry(*id, 0x0102, b, &mut cf);
    }
    cf.create_stream("/__properties_version1.0")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

#[test]
fn an_rtf_only_msg_called_eml_is_read_as_a_msg() {
    let rtf = compressed_rtf::compress_rtf(
        r"{\rtf1\ansi\ansicpg1252 Kunden \'e4r sjukskriven, personnummer 19121212-1212.\par}",
    )
    .unwrap();
    let bytes = write_msg(
        &[(0x001A, "IPM.Note"), (0x0037, "Uppföljning")],
        &[(0x1009, rtf)],
    );
    let tmp = tempfile::tempdir().unwrap();
    let eml = tmp.path().join("renamed.eml");
    std::fs::write(&eml, &bytes).unwrap();
    // A compound file without message streams (a Word or Excel file) is not a .msg.
    let mut other = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    other
        .create_stream("/Workbook")
        .unwrap()
        .write_all(b"x")
        .unwrap();
    other.flush().unwrap();
    std::fs::write(tmp.path().join("book.xls"), other.into_inner().into_inner()).unwrap();
    let r = scan_json(&[tmp.path()]);
    assert_eq!(source(&r, "renamed.eml")["kind"], "msg");
    let rules: Vec<(&str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["location"]["part"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(rules.contains(&("se.personnummer", "body")), "{rules:?}");
    assert!(
        rules
            .iter()
            .any(|(r, p)| r.starts_with("health") && *p == "body"),
        "{rules:?}"
    );
    assert!(
        r["summary"]["sources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["path"].as_str().unwrap().ends_with("book.xls"))
            .all(|s| s["kind"] != "msg"),
        "a compound file without message streams is read as what it is, never as a .msg"
    );
}
