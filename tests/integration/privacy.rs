//! The privacy of the tool itself: nothing lost (inputs are never changed, an
//! interrupted scan leaves nothing behind) and nothing leaked (values are masked in
//! every output, log line and error message unless `--show-values`).

use crate::common::gdpr_audit;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

/// Values planted in the inputs below. None of them, nor any of the fragments
/// that would give them away, may appear anywhere without `--show-values`.
const PLANTED: &[&str] = &[
    // Swedish personnummer (valid checksums) in several spellings.
    "19811218-9876",
    "811218-9876",
    "198112189876",
    "8112189876",
    "19640823-3234",
    "640823-3234",
    // E-mail addresses.
    "astrid.lindqvist@",
    "lindqvist@exempel",
    "bertil.oskarsson@",
    "oskarsson@foretag",
    // Phone numbers.
    "070-555 13 37",
    "0705551337",
    "+46 70 555 13 37",
    // Payment card and IBAN.
    "4556 7375 8689 9855",
    "4556737586899855",
    "SE35 5000 0000 0549 1000 0003",
    "SE3550000000054910000003",
    // A credential.
    "Sommar2024!Hemligt",
    // Special categories: whole phrases (masking keeps first letters only).
    "sjukskriven för utmattningssyndrom",
    "diabetes typ 1",
    "fackförbundet Kommunal",
    // Display names and subject text.
    "Astrid Lindqvist",
    "Bertil Oskarsson",
    "Konfidentiellt ärende om Gunnel",
    // The value in a ragged record.
    "19550505-5557",
    "550505-5557",
];

/// Free text that carries every planted value once.
fn note(i: usize) -> String {
    match i % 6 {
        0 => "Personnummer 19811218-9876, även 811218-9876 och 198112189876".into(),
        1 => "Mejla astrid.lindqvist@exempel.se eller ring 070-555 13 37 / +46 70 555 13 37".into(),
        2 => "Kort 4556 7375 8689 9855, konto SE35 5000 0000 0549 1000 0003, lösenord: Sommar2024!Hemligt".into(),
        3 => "Kunden är sjukskriven för utmattningssyndrom och har diabetes typ 1".into(),
        4 => "Medlem i fackförbundet Kommunal; pnr 19640823-3234".into(),
        _ => "Kontakt bertil.oskarsson@foretag.se, 0705551337, 8112189876".into(),
    }
}

fn csv_text(delim: char, rows: usize) -> String {
    let mut s = format!("id{delim}kundnamn{delim}anteckning\n");
    for i in 0..rows {
        let n = note(i);
        // Quote fields that hold the delimiter or a comma.
        let n = if n.contains(delim) || n.contains(',') {
            format!("\"{}\"", n.replace('"', "\"\""))
        } else {
            n
        };
        s.push_str(&format!("{i}{delim}Kund {i}{delim}{n}\n"));
    }
    s
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn message(from_name: &str, from: &str, subject_extra: &str, body: &str) -> String {
    format!(
        "From: \"{from_name}\" <{from}>\nTo: \"Bertil Oskarsson\" <bertil.oskarsson@foretag.se>\n\
         Subject: Konfidentiellt ärende om Gunnel {subject_extra}\n\
         Date: Thu, 11 Nov 2021 07:49:12 +0100\nMessage-ID: <m1@exempel.se>\n\n{body}\n"
    )
}

/// Every kind of input, each carrying planted values.
fn plant_inputs(root: &Path) {
    let crm = root.join("crm");
    std::fs::create_dir_all(&crm).expect("mkdir");
    std::fs::write(crm.join("comma.csv"), csv_text(',', 12)).expect("write");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(csv_text(';', 12).as_bytes());
    std::fs::write(crm.join("semicolon-bom.csv"), bom).expect("write");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in csv_text('\t', 12).encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(crm.join("tab-utf16.tsv"), utf16).expect("write");
    std::fs::write(crm.join("pipe-1252.txt"), windows_1252(&csv_text('|', 12))).expect("write");
    std::fs::write(
        crm.join("excel-sep.csv"),
        format!("sep=;\n{}", csv_text(';', 6)),
    )
    .expect("write");
    std::fs::write(
        crm.join("packed.csv.gz"),
        gzip(csv_text(';', 12).as_bytes()),
    )
    .expect("write");
    // A ragged record holding a value: the error names the record, not the value.
    std::fs::write(
        crm.join("ragged.csv"),
        "id;anteckning\n1;ok\n2;Personnummer 19550505-5557;extra;fält\n3;ok\n",
    )
    .expect("write");

    let mail = root.join("mail");
    std::fs::create_dir_all(&mail).expect("mkdir");
    let mut mbox = String::new();
    for i in 0..6 {
        mbox.push_str("From astrid.lindqvist@exempel.se Thu Nov 11 07:49:12 2021\n");
        mbox.push_str(&message(
            "Astrid Lindqvist",
            "astrid.lindqvist@exempel.se",
            "811218-9876",
            &note(i),
        ));
        mbox.push('\n');
    }
    std::fs::write(mail.join("inbox.mbox"), &mbox).expect("write");
    std::fs::write(mail.join("archive.mbox.gz"), gzip(mbox.as_bytes())).expect("write");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(mail.join("Maildir").join(sub)).expect("mkdir");
    }
    for i in 0..3 {
        std::fs::write(
            mail.join(format!("Maildir/cur/{i}.host:2,S")),
            message(
                "Astrid Lindqvist",
                "astrid.lindqvist@exempel.se",
                "",
                &note(i + 3),
            ),
        )
        .expect("write");
    }
    std::fs::write(
        mail.join("Maildir/new/9.host"),
        message(
            "Bertil Oskarsson",
            "bertil.oskarsson@foretag.se",
            "",
            &note(0),
        ),
    )
    .expect("write");
    // An .eml with an HTML body (in an alternative), a text attachment and a CSV one.
    let eml = format!(
        "From: \"Astrid Lindqvist\" <astrid.lindqvist@exempel.se>\n\
To: \"Bertil Oskarsson\" <bertil.oskarsson@foretag.se>\n\
Subject: =?UTF-8?Q?Konfidentiellt_=C3=A4rende_om_Gunnel?= 19640823-3234\n\
Date: Thu, 11 Nov 2021 07:49:12 +0100\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"outer\"\n\n\
--outer\nContent-Type: multipart/alternative; boundary=\"alt\"\n\n\
--alt\nContent-Type: text/html; charset=utf-8\n\n\
<html><body><p>Hej!</p><p>{}</p><p>{}</p></body></html>\n\
--alt--\n\
--outer\nContent-Type: text/plain; charset=utf-8; name=\"anteckningar.txt\"\n\
Content-Disposition: attachment; filename=\"anteckningar.txt\"\n\n{}\n{}\n\
--outer\nContent-Type: text/csv; name=\"kunder.csv\"\n\
Content-Disposition: attachment; filename=\"kunder.csv\"\nContent-Transfer-Encoding: base64\n\n{}\n\
--outer--\n",
        note(3),
        note(1),
        note(2),
        note(4),
        base64(csv_text(';', 6).as_bytes()),
    );
    std::fs::write(mail.join("message.eml"), eml).expect("write");
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push('\n');
        }
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Everything below `root`: relative path → hash of (bytes, length, mtime, mode).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    use std::os::unix::fs::MetadataExt;
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            let md = std::fs::symlink_metadata(&p).expect("metadata");
            let rel = p.strip_prefix(root).expect("below root").to_path_buf();
            if md.is_dir() {
                out.insert(rel, format!("dir {:o} {}", md.mode(), md.mtime_nsec()));
                walk(root, &p, out);
            } else {
                let bytes = std::fs::read(&p).expect("read");
                let mut h = blake3::Hasher::new();
                h.update(&bytes);
                out.insert(
                    rel,
                    format!(
                        "{} {} {}.{} {:o}",
                        h.finalize().to_hex(),
                        md.len(),
                        md.mtime(),
                        md.mtime_nsec(),
                        md.mode()
                    ),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

struct Outcome {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn run(args: &[&str], cwd: &Path) -> Outcome {
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .current_dir(cwd)
        .env("RUST_LOG", "trace")
        .args(args)
        .output()
        .expect("runs");
    Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    }
}

#[track_caller]
fn assert_no_leak(what: &str, text: &str) {
    for v in PLANTED {
        if let Some(i) = text.find(v) {
            let from = text.floor_char_boundary(i.saturating_sub(300));
            let to = text.ceil_char_boundary((i + v.len() + 300).min(text.len()));
            panic!("{what} leaks {v:?}: …{}…", &text[from..to]);
        }
    }
}

/// Text of every file below `dir` (lossy; UTF-16 would hide nothing we write).
fn all_files_text(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for (rel, _) in snapshot(dir) {
        let p = dir.join(&rel);
        if p.is_file() {
            out.push((
                p.clone(),
                String::from_utf8_lossy(&std::fs::read(&p).expect("read")).into_owned(),
            ));
        }
    }
    out
}

const FORMATS: &[&str] = &["table", "json", "markdown", "html", "csv", "sarif"];

struct Fixture {
    _tmp: tempfile::TempDir,
    inputs: PathBuf,
    out: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::create_dir_all(&out).expect("mkdir");
    plant_inputs(&inputs);
    Fixture {
        _tmp: tmp,
        inputs,
        out,
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Does the binary have this subcommand or flag and do something with it?
fn available(out: &Outcome) -> bool {
    !(out.stderr.contains("not available yet")
        || out.stderr.contains("unexpected argument")
        || out.stderr.contains("unrecognized subcommand"))
}

#[test]
fn planted_values_are_found_so_the_leak_checks_mean_something() {
    let f = fixture();
    let o = run(
        &["scan", "--format", "json", "--show-values", s(&f.inputs)],
        &f.out,
    );
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    let report: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let values: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["value"].as_str())
        .collect();
    for v in [
        "19811218-9876",
        "astrid.lindqvist@exempel.se",
        "4556 7375 8689 9855",
        "19640823-3234",
    ] {
        assert!(values.contains(&v), "{v} not found; found {values:?}");
    }
    // Every kind of input was read.
    let paths: Vec<String> = report["summary"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["path"].as_str().unwrap_or_default().to_string())
        .collect();
    for name in [
        "comma.csv",
        "semicolon-bom.csv",
        "tab-utf16.tsv",
        "pipe-1252.txt",
        "excel-sep.csv",
        "packed.csv.gz",
        "ragged.csv",
        "inbox.mbox",
        "archive.mbox.gz",
        "Maildir",
        "message.eml",
    ] {
        assert!(
            paths.iter().any(|p| p.ends_with(name)),
            "{name} not scanned: {paths:?}"
        );
        let hits = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["path"].as_str().is_some_and(|p| p.contains(name)))
            .count();
        assert!(
            hits > 0,
            "nothing found in {name}, so its leak check is empty"
        );
    }
    // --show-values says so, once, on standard error.
    let warnings: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.contains("--show-values"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", o.stderr);
    assert!(warnings[0].starts_with("warning:"), "{}", o.stderr);
}

#[test]
fn no_planted_value_leaks_into_any_output_without_show_values() {
    let f = fixture();
    let inputs = s(&f.inputs);
    let out = &f.out;
    let mut checked = Vec::new();

    // scan: every format to stdout and to a file.
    for format in FORMATS {
        let o = run(&["scan", "--format", format, inputs], out);
        assert_eq!(o.code, Some(1), "{format}: {}", o.stderr);
        assert_no_leak(&format!("scan --format {format} stdout"), &o.stdout);
        assert_no_leak(&format!("scan --format {format} stderr"), &o.stderr);
        let file = out.join(format!("report.{format}"));
        let o = run(
            &["scan", "--format", format, "--output", s(&file), inputs],
            out,
        );
        assert_eq!(o.code, Some(1), "{format}: {}", o.stderr);
        assert_no_leak("scan --output stderr", &o.stderr);
        checked.push(format!("scan {format}"));
    }
    // The ragged record's error names its number only.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("read"))
            .expect("json");
    let errors = report["summary"]["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|e| e["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("ragged.csv"))
            && e["error"]
                .as_str()
                .is_some_and(|m| m.starts_with("record 2: 4 fields where the header has 2"))),
        "{errors:?}"
    );

    // baseline
    let baseline = out.join("baseline.json");
    let o = run(&["baseline", "--output", s(&baseline), inputs], out);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_no_leak("baseline stderr", &o.stderr);
    assert_no_leak("baseline stdout", &o.stdout);
    let o = run(
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            s(&baseline),
            inputs,
        ],
        out,
    );
    assert_no_leak("scan --baseline stdout", &o.stdout);
    assert_no_leak("scan --baseline stderr", &o.stderr);
    checked.push("baseline".into());

    // report: re-render the saved JSON in every format.
    let saved = out.join("report.json");
    for format in FORMATS {
        let o = run(&["report", s(&saved), "--format", format], out);
        assert_eq!(o.code, Some(0), "{format}: {}", o.stderr);
        assert_no_leak(&format!("report --format {format}"), &o.stdout);
        assert_no_leak("report stderr", &o.stderr);
        let file = out.join(format!("rerendered.{format}"));
        let o = run(
            &[
                "report",
                s(&saved),
                "--format",
                format,
                "--output",
                s(&file),
            ],
            out,
        );
        assert_eq!(o.code, Some(0), "{}", o.stderr);
    }
    checked.push("report".into());

    // diff: an older report of part of the inputs against the whole.
    let older = out.join("older.json");
    let o = run(
        &[
            "scan",
            "--format",
            "json",
            "--output",
            s(&older),
            s(&f.inputs.join("crm")),
        ],
        out,
    );
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    for format in ["table", "json", "markdown"] {
        let o = run(&["diff", s(&older), s(&saved), "--format", format], out);
        assert!(matches!(o.code, Some(0 | 1)), "{}", o.stderr);
        assert_no_leak(&format!("diff --format {format}"), &o.stdout);
        assert_no_leak("diff stderr", &o.stderr);
        let file = out.join(format!("diff.{format}"));
        let o = run(
            &[
                "diff",
                s(&older),
                s(&saved),
                "--format",
                format,
                "--output",
                s(&file),
            ],
            out,
        );
        assert!(matches!(o.code, Some(0 | 1)), "{}", o.stderr);
    }
    checked.push("diff".into());

    // scan --export-actions, when it writes anything yet.
    let actions = out.join("actions");
    let o = run(
        &[
            "scan",
            "--format",
            "json",
            "--export-actions",
            s(&actions),
            inputs,
        ],
        out,
    );
    assert_no_leak("scan --export-actions stdout", &o.stdout);
    assert_no_leak("scan --export-actions stderr", &o.stderr);
    if available(&o) && actions.exists() {
        checked.push("export-actions".into());
    } else {
        eprintln!("note: scan --export-actions wrote nothing yet; its files are not checked");
    }

    // init, when it exists.
    let draft = out.join("gdpr-audit.yaml");
    let o = run(&["init", "--output", s(&draft), inputs], out);
    assert_no_leak("init stdout", &o.stdout);
    assert_no_leak("init stderr", &o.stderr);
    if available(&o) && draft.exists() {
        checked.push("init".into());
    } else {
        eprintln!("note: init is not available yet; its draft is not checked");
    }

    // Every file written, in every format.
    let written = all_files_text(out);
    assert!(written.len() >= 2 * FORMATS.len() + 4, "{written:?}");
    for (path, text) in &written {
        assert_no_leak(&path.display().to_string(), text);
    }
    eprintln!("checked: {}", checked.join(", "));
}

#[test]
fn inputs_are_never_changed_by_any_command() {
    let f = fixture();
    let inputs = s(&f.inputs);
    let out = &f.out;
    let before = snapshot(&f.inputs);
    let check = |what: &str| {
        let after = snapshot(&f.inputs);
        assert_eq!(
            before, after,
            "{what} changed the inputs (or left a file among them)"
        );
    };
    let report = out.join("r.json");
    let o = run(
        &["scan", "--format", "json", "--output", s(&report), inputs],
        out,
    );
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    check("scan --output");
    let o = run(
        &["baseline", "--output", s(&out.join("b.json")), inputs],
        out,
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    check("baseline");
    let o = run(
        &[
            "report",
            s(&report),
            "--format",
            "html",
            "--output",
            s(&out.join("r.html")),
        ],
        out,
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    check("report --output");
    let o = run(
        &[
            "diff",
            s(&report),
            s(&report),
            "--output",
            s(&out.join("d.txt")),
        ],
        out,
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    check("diff --output");
    let o = run(
        &[
            "scan",
            "--format",
            "json",
            "--export-actions",
            s(&out.join("actions")),
            inputs,
        ],
        out,
    );
    if !available(&o) {
        eprintln!("note: scan --export-actions is not available yet");
    }
    check("scan --export-actions");
    let o = run(&["init", "--output", s(&out.join("g.yaml")), inputs], out);
    if !available(&o) {
        eprintln!("note: init is not available yet");
    }
    check("init");
    // Writing over an input given by name is refused, and the input stays as it was.
    let victim = f.inputs.join("crm/comma.csv");
    let o = run(
        &[
            "scan",
            "--format",
            "json",
            "--output",
            s(&victim),
            s(&victim),
        ],
        out,
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr.contains("inputs are never written"),
        "{}",
        o.stderr
    );
    check("scan --output onto an input");
    let o = run(&["report", s(&report), "--output", s(&report)], out);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    check("report --output onto its input");
    // And the inputs themselves kept their bytes: the snapshot compares hashes,
    // lengths, modification times and modes of every file and folder.
    assert!(before.len() > 10, "{before:?}");
}

#[test]
fn output_over_a_file_inside_a_scanned_folder_is_refused() {
    let f = fixture();
    let before = snapshot(&f.inputs);
    let victim = f.inputs.join("crm/comma.csv");
    let o = run(
        &[
            "scan",
            "--format",
            "json",
            "--output",
            s(&victim),
            s(&f.inputs),
        ],
        &f.out,
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr.contains("inputs are never written"),
        "{}",
        o.stderr
    );
    assert_eq!(before, snapshot(&f.inputs), "an input was overwritten");
}

#[test]
fn interrupted_scan_leaves_no_partial_report_and_exits_130() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let big = tmp.path().join("big");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&big).expect("mkdir");
    std::fs::create_dir_all(&out).expect("mkdir");
    // ~200 MB of CSV: a scan of it takes well over a few seconds in a debug build.
    {
        let mut w =
            std::io::BufWriter::new(std::fs::File::create(big.join("export.csv")).expect("create"));
        w.write_all(b"id;namn;anteckning\n").expect("write");
        let mut i = 0u64;
        let mut written = 0usize;
        while written < 200 << 20 {
            let line = format!(
                "{i};Kund {i};Samtal om leverans och faktura, ring 070-555 13 37 eller mejla kund{i}@exempel.se\n"
            );
            w.write_all(line.as_bytes()).expect("write");
            written += line.len();
            i += 1;
        }
        w.flush().expect("flush");
    }
    let report = out.join("out.json");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gdpr-audit"))
        .env("GDPR_AUDIT_KEY", "integration-test-key")
        .current_dir(&out)
        .args(["scan", "--format", "json", "--output"])
        .arg(&report)
        .arg(&big)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Let it get well into the file (the Ctrl-C handler is installed first thing).
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "the scan finished before it could be interrupted; make the input bigger"
    );
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    // It must stop soon, not finish the whole file first.
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the scan did not stop within 60 s of SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read stderr");
    assert_eq!(status.code(), Some(130), "{status:?}: {stderr}");
    assert!(
        stderr.contains("interrupted: nothing was written"),
        "{stderr}"
    );
    assert!(!report.exists(), "a partial report was left behind");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        leftovers.is_empty(),
        "files left in the output folder: {leftovers:?}"
    );
    let in_input: Vec<_> = std::fs::read_dir(&big)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(in_input, vec!["export.csv".to_string()]);
}

/// Masking as a property: for every category and any text, the masked form reveals
/// no more of the original than the category allows, and what it reveals is the
/// original's own characters at their own places.
mod masking {
    use gdpr_audit::model::Category;
    use gdpr_audit::redact::mask;
    use proptest::prelude::*;

    fn revealed(m: &str) -> Vec<char> {
        m.chars().filter(|c| c.is_alphanumeric()).collect()
    }

    /// `needle` is a subsequence of `hay`.
    fn subsequence(needle: &[char], hay: &str) -> bool {
        let mut it = hay.chars();
        needle.iter().all(|n| it.any(|h| h == *n))
    }

    fn check(c: Category, v: &str) -> Result<(), TestCaseError> {
        let m = mask(c, v);
        let shown = revealed(&m);
        match c {
            Category::Credential => prop_assert_eq!(m.as_str(), "********"),
            Category::NationalId
            | Category::PaymentCard
            | Category::BankAccount
            | Category::Phone
            | Category::IpAddress
            | Category::DateOfBirth => {
                prop_assert!(shown.is_empty(), "{:?} → {:?}", v, m);
                prop_assert_eq!(m.chars().count(), v.chars().count());
            }
            Category::Email => {
                // At most the first letter and a top-level domain of up to 6 letters.
                prop_assert!(shown.len() <= 7, "{:?} → {:?}", v, m);
                prop_assert!(subsequence(&shown, v), "{:?} → {:?}", v, m);
                if let Some((first, rest)) = m.split_once("***@***") {
                    prop_assert!(first.chars().count() <= 1);
                    let local = v.rsplit_once('@').map(|x| x.0).unwrap_or_default();
                    prop_assert!(local.starts_with(first));
                    if let Some(tld) = rest.strip_prefix('.') {
                        prop_assert!(v.ends_with(&format!(".{tld}")), "{:?} → {:?}", v, m);
                    } else {
                        prop_assert!(rest.is_empty());
                    }
                } else {
                    prop_assert!(shown.is_empty(), "{:?} → {:?}", v, m);
                }
            }
            _ => {
                // One character for one: a letter shows only where the original has
                // that same letter at the start of a word.
                let orig: Vec<char> = v.chars().collect();
                let out: Vec<char> = m.chars().collect();
                prop_assert_eq!(out.len(), orig.len());
                for (i, ch) in out.iter().enumerate() {
                    if ch.is_alphanumeric() {
                        prop_assert_eq!(*ch, orig[i]);
                        prop_assert!(
                            i == 0 || !orig[i - 1].is_alphanumeric(),
                            "{:?} → {:?}: a letter inside a word is shown",
                            v,
                            m
                        );
                    }
                }
                let words = v
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .count();
                prop_assert!(shown.len() <= words);
            }
        }
        // Never a digit of any kind, in any category (letter-numbers such as `Ⅻ`
        // included).
        prop_assert!(!m.chars().any(char::is_numeric), "{:?} → {:?}", v, m);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn a_mask_reveals_no_more_than_its_category_allows(cat in 0usize..19, v in "\\PC{0,60}") {
            check(Category::ALL[cat], &v)?;
        }

        #[test]
        fn email_shaped_values(local in "\\PC{0,12}", dom in "\\PC{0,12}", tld in "[A-Za-z]{0,8}|\\PC{0,3}") {
            check(Category::Email, &format!("{local}@{dom}.{tld}"))?;
        }

        #[test]
        fn planted_kinds_of_values(v in "[0-9]{6,8}[-+ ]?[0-9]{4}|[0-9]{4}( ?[0-9]{4}){3}|SE[0-9]{2}( ?[0-9]{4}){5}|\\+46 ?7[0-9]( ?[0-9]{2,3}){3}") {
            for c in Category::ALL {
                check(c, &v)?;
            }
        }
    }
}
