//! Mail folders as exporters leave them: message files beside `cur/` and `new/`,
//! Maildir++ subfolders, and mbox files whose separator lines Thunderbird and
//! Google Takeout write. Message counts are checked against Python's `mailbox`.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn message(n: usize) -> String {
    format!(
        "From: kund{n}@example.se\nTo: support@example.se\nSubject: Fråga {n}\nDate: Mon, 1 Jun 2026 10:00:00 +0000\nMessage-ID: <m{n}@example.se>\n\nMitt personnummer är 19121212-1212.\n"
    )
}

fn scan(path: &Path) -> Value {
    let out = gdpr_audit()
        .args(["scan", "--format", "json"])
        .arg(path)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn every_file_in_a_maildir_is_scanned_or_listed() {
    let dir = tempfile::tempdir().expect("tmp");
    let md = dir.path().join("Mail");
    for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new"] {
        std::fs::create_dir_all(md.join(sub)).expect("mkdir");
    }
    std::fs::write(md.join("cur/1:2,S"), message(1)).expect("w");
    std::fs::write(md.join("new/2"), message(2)).expect("w");
    // Five messages beside cur/ and new/, as notmuch and exporters leave them.
    for n in 3..8 {
        std::fs::write(md.join(format!("loose-{n}.eml")), message(n)).expect("w");
    }
    std::fs::write(md.join("dovecot-uidlist"), "3 V1 N8\n1 :1\n").expect("w");
    std::fs::write(md.join(".Sent/cur/9:2,S"), message(9)).expect("w");
    let r = scan(&md);
    let messages: u64 = r["summary"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["messages"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(messages, 8, "{}", r["summary"]);
    let skipped = r["summary"]["skipped"].to_string();
    assert!(skipped.contains("dovecot-uidlist"), "listed: {skipped}");
    let paths: Vec<&str> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        paths.iter().any(|p| p.ends_with("Mail/loose-3.eml")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.ends_with(".Sent/cur/9:2,S")),
        "{paths:?}"
    );
}

/// Python's count of messages in an mbox, or None without python3.
fn python_count(path: &Path) -> Option<u64> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import mailbox, sys; print(len(mailbox.mbox(sys.argv[1])))",
        ])
        .arg(path)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[test]
fn thunderbird_and_takeout_separators_start_messages() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut thunderbird = String::new();
    let mut takeout = String::new();
    let mut takeout_dateless = String::new();
    for n in 0..7 {
        let m = message(n);
        thunderbird.push_str(&format!(
            "From - Mon Jun  1 10:00:{n:02} 2026\nX-Mozilla-Status: 0001\n{m}\n"
        ));
        takeout.push_str(&format!(
            "From 17{n:017}@xxx Mon Jun 01 10:00:00 +0000 2026\nX-GM-THRID: 1{n}\n{m}"
        ));
        takeout_dateless.push_str(&format!("From 17{n:017}@xxx\nX-Gmail-Labels: Inkorg\n{m}"));
    }
    let mut thunderbird_bare = String::new();
    for n in 0..4 {
        thunderbird_bare.push_str(&format!("From - \n{}", message(n)));
    }
    for (name, text) in [
        ("thunderbird.mbox", &thunderbird),
        ("takeout.mbox", &takeout),
        ("takeout-dateless.mbox", &takeout_dateless),
        ("thunderbird-bare.mbox", &thunderbird_bare),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("w");
        let r = scan(&path);
        let ours = r["summary"]["messages"].as_u64().expect("messages");
        match python_count(&path) {
            Some(py) => assert_eq!(ours, py, "{name}: as Python's mailbox counts"),
            None => eprintln!("note: python3 not found; {name} not compared"),
        }
        assert_eq!(
            r["findings"].as_array().map(Vec::len),
            Some(ours as usize),
            "{name}: one personnummer per message"
        );
    }
}
