//! Sources large enough to be scanned in several parallel batches: the report must
//! be the same whatever the thread count, with every planted value found once and
//! in input order. (The shared corpus at scale 1 fits in one batch.)

use crate::common::gdpr_audit;
use std::fmt::Write as _;
use std::path::Path;

const CSV_ROWS: u64 = 12_000;
const MBOX_MESSAGES: u64 = 700;
const MAILDIR_MESSAGES: u64 = 600;
/// Every this many records holds a personnummer in free text.
const EVERY: u64 = 7;

/// A valid Swedish personnummer (Luhn over the ten digits) for serial `n`.
fn personnummer(n: u64) -> String {
    let day = 1 + n % 28;
    let serial = n % 1000;
    let digits = format!("8001{day:02}{serial:03}");
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    format!("19{}-{}{check}", &digits[..6], &digits[6..])
}

fn message(n: u64) -> String {
    let body = if n.is_multiple_of(EVERY) {
        format!(
            "Hej, mitt personnummer är {} om ni behöver det.",
            personnummer(n)
        )
    } else {
        "Tack för senast, vi hörs nästa vecka.".to_string()
    };
    format!(
        "From: Kund {n} <kund{n}@example.se>\nTo: support@example.com\nSubject: Ärende {n}\nMessage-ID: <m{n}@example.se>\nDate: Mon, 2 Nov 2026 10:00:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

fn write_inputs(root: &Path) {
    let mut csv = String::from("id,email,notes\n");
    for row in 1..=CSV_ROWS {
        let note = if row % EVERY == 0 {
            format!("Ringde, pnr {} ska uppdateras", personnummer(row))
        } else {
            "Ringde om offerten, återkommer".to_string()
        };
        writeln!(csv, "{row},kund{row}@example.se,{note}").expect("write");
    }
    std::fs::write(root.join("contacts.csv"), csv).expect("write csv");
    let mut mbox = String::new();
    for n in 1..=MBOX_MESSAGES {
        writeln!(mbox, "From kund{n}@example.se Mon Nov  2 10:00:00 2026").expect("write");
        mbox.push_str(&message(n));
        mbox.push('\n');
    }
    std::fs::write(root.join("inbox.mbox"), mbox).expect("write mbox");
    let maildir = root.join("maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("mkdir");
    }
    for n in 1..=MAILDIR_MESSAGES {
        let name = format!("17000{n:05}.M1P1.host:2,S");
        std::fs::write(maildir.join("cur").join(name), message(n)).expect("write message");
    }
}

fn scan(root: &Path, threads: &str) -> Vec<u8> {
    let out = gdpr_audit()
        .current_dir(root)
        .env("GDPR_AUDIT_KEY", "batches-test-key")
        .args(["scan", "--quiet", "--format", "json", "--fail-on", "none"])
        .args(["--threads", threads, "."])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn many_batches_give_one_report_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_inputs(dir.path());
    let one = scan(dir.path(), "1");
    let three = scan(dir.path(), "3");
    assert!(one == three, "reports differ between --threads 1 and 3");

    let report: serde_json::Value = serde_json::from_slice(&one).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    let of = |path: &str| -> Vec<(u64, &str)> {
        findings
            .iter()
            .filter(|f| f["path"].as_str().is_some_and(|p| p.starts_with(path)))
            .filter(|f| f["rule"] == "se.personnummer")
            .map(|f| {
                let loc = &f["location"];
                let record = loc["row"].as_u64().or(loc["message"].as_u64()).unwrap_or(0);
                (record, f["path"].as_str().unwrap_or(""))
            })
            .collect()
    };
    // Every planted value once, rows and messages in input order.
    let rows: Vec<u64> = of("contacts.csv").into_iter().map(|(r, _)| r).collect();
    let planted: Vec<u64> = (1..=CSV_ROWS).filter(|r| r % EVERY == 0).collect();
    assert_eq!(rows, planted);
    let messages: Vec<u64> = of("inbox.mbox").into_iter().map(|(r, _)| r).collect();
    let planted: Vec<u64> = (1..=MBOX_MESSAGES).filter(|n| n % EVERY == 0).collect();
    assert_eq!(messages, planted);
    let files = of("maildir");
    assert_eq!(
        files.len() as u64,
        MAILDIR_MESSAGES / EVERY,
        "maildir findings"
    );
    assert!(
        files.windows(2).all(|w| w[0].1 < w[1].1),
        "maildir files out of order"
    );
    assert_eq!(report["summary"]["records"], CSV_ROWS);
    assert_eq!(
        report["summary"]["messages"],
        MBOX_MESSAGES + MAILDIR_MESSAGES
    );

    // The to-do list counts what the findings hold.
    let todo = report["todo"].as_array().expect("todo");
    let item = |path: &str| {
        todo.iter()
            .find(|t| t["path"] == path && t["category"] == "national_id")
            .unwrap_or_else(|| panic!("no national_id item for {path}"))
    };
    let csv = item("contacts.csv");
    assert_eq!(csv["count"], CSV_ROWS / EVERY);
    assert_eq!(
        csv["records"].as_array().map(Vec::len),
        Some((CSV_ROWS / EVERY) as usize)
    );
    assert_eq!(
        item("maildir")["messages"].as_array().map(Vec::len),
        Some(files.len())
    );
    let counted: u64 = todo.iter().filter_map(|t| t["count"].as_u64()).sum();
    assert_eq!(counted, findings.len() as u64, "every finding in one item");
}
