//! Hostile input: broken, huge, strange and malicious files in the scanned tree.
//!
//! For each case: no panic and no hang (every run has a timeout), the report names
//! the file and the reason (in `summary.errors`, `warnings` or `skipped`), a good CSV
//! with a known finding beside the hostile file is still scanned, and the exit code
//! is the documented one. Large inputs are generated here, at test time.

use crate::common::gdpr_audit;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);

/// The good file beside every hostile one, and what must be found in it.
const GOOD_NAME: &str = "good.csv";
const GOOD_CSV: &str = "id;anteckning\n1;Kundens personnummer 19121212-1212\n";
const GOOD_RULE: &str = "se.personnummer";

const NOT_REGULAR: &str = "not a regular file (pipe, device or socket); not read";

/// A temp dir holding the good CSV.
fn dir_with_good() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(GOOD_NAME), GOOD_CSV).expect("write");
    dir
}

struct Run {
    report: Value,
    stderr: String,
    code: Option<i32>,
}

/// `gdpr-audit scan --format json ARGS...` under the timeout.
fn scan(args: &[&str], paths: &[&Path]) -> Run {
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .args(["scan", "--format", "json"])
        .args(args)
        .args(paths)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("internal error") && !stderr.contains("panicked"),
        "the tool panicked: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); exit {:?}, stderr: {stderr}",
            out.status.code()
        )
    });
    Run {
        report,
        stderr,
        code: out.status.code(),
    }
}

impl Run {
    /// The entries of `summary.<list>` for the file whose path ends with `name`.
    fn messages(&self, list: &str, name: &str) -> Vec<String> {
        self.report["summary"][list]
            .as_array()
            .unwrap_or_else(|| panic!("summary.{list} missing"))
            .iter()
            .filter(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|e| e["error"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// `summary.<list>` has an entry for `name` that contains `needle`.
    #[track_caller]
    fn expect(&self, list: &str, name: &str, needle: &str) {
        let found = self.messages(list, name);
        assert!(
            found.iter().any(|m| m.contains(needle)),
            "summary.{list} has no entry for {name} containing {needle:?}; it has {found:?}\nwhole summary: {}",
            self.report["summary"]
        );
    }

    /// Nothing about `name` in `summary.<list>`.
    #[track_caller]
    fn expect_none(&self, list: &str, name: &str) {
        let found = self.messages(list, name);
        assert!(
            found.is_empty(),
            "unexpected summary.{list} for {name}: {found:?}"
        );
    }

    fn findings_in(&self, name: &str, rule: &str) -> usize {
        self.report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)) && f["rule"] == rule)
            .count()
    }

    /// The good file beside the hostile one was scanned, and the run ended with
    /// exit code 1 (its finding is high) unless another code is expected.
    #[track_caller]
    fn expect_good_scanned(&self) {
        assert!(
            self.findings_in(GOOD_NAME, GOOD_RULE) >= 1,
            "the good file's finding is missing: {}",
            self.report["findings"]
        );
    }

    fn source(&self, name: &str) -> Option<&Value> {
        self.report["summary"]["sources"]
            .as_array()?
            .iter()
            .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(name)))
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

/// Deterministic pseudo-random bytes.
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

// ---------------------------------------------------------------------------------
// Compressed input

#[test]
fn truncated_gzip_is_an_error_and_what_came_before_is_scanned() {
    let dir = dir_with_good();
    let mut csv = b"id;anteckning\n".to_vec();
    for i in 0..20_000 {
        writeln!(csv, "{i};Personnummer 19121212-1212 i rad {i}").expect("write");
    }
    let gz = gzip(&csv);
    std::fs::write(dir.path().join("cut.csv.gz"), &gz[..gz.len() / 2]).expect("write");
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "errors",
        "cut.csv.gz",
        "truncated gzip data (unexpected end of file)",
    );
    // The records before the cut were read and scanned.
    assert!(r.findings_in("cut.csv.gz", GOOD_RULE) > 0);
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));
    // An input that could not be read completely fails a --strict run.
    let strict = scan(&["--strict"], &[dir.path()]);
    assert_eq!(strict.code, Some(2), "{}", strict.stderr);
    assert!(
        strict
            .stderr
            .contains("not fully scanned (skipped or unreadable; --strict)"),
        "{}",
        strict.stderr
    );
}

#[test]
fn gzip_bomb_stops_at_the_size_limit() {
    let dir = dir_with_good();
    // 16 MiB of text in a few KiB: far past the 1 MiB limit given here.
    let mut csv = b"id;anteckning\n".to_vec();
    let line = b"1;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
    while csv.len() < 16 << 20 {
        csv.extend_from_slice(line);
    }
    std::fs::write(dir.path().join("bomb.csv.gz"), gzip(&csv)).expect("write");
    let r = scan(&["--max-decompressed-size", "1M"], &[dir.path()]);
    r.expect(
        "errors",
        "bomb.csv.gz",
        "gzip data expands beyond the limit of 1048576 bytes (--max-decompressed-size; possible gzip bomb); rest not scanned",
    );
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));
}

#[test]
fn gzip_bomb_stops_at_the_built_in_ratio_limit() {
    // ~200 MiB of line ends (text, so it is not passed over as binary) compress
    // about 1030:1; the built-in limit of 1000:1 applies past 64 MiB. Deflate
    // cannot do much better than 1030:1, so this is close to the worst case.
    let dir = dir_with_good();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(b"id;anteckning\n").expect("gzip");
    let chunk = vec![b'\n'; 1 << 20];
    for _ in 0..200 {
        enc.write_all(&chunk).expect("gzip");
    }
    let gz = enc.finish().expect("gzip");
    assert!(gz.len() < 250_000, "{}", gz.len());
    std::fs::write(dir.path().join("ratio.csv.gz"), gz).expect("write");
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "errors",
        "ratio.csv.gz",
        "gzip data expands more than 1000:1 after 64 MiB (possible gzip bomb); rest not scanned",
    );
    r.expect_good_scanned();
}

// ---------------------------------------------------------------------------------
// Files that are not what their name says

#[test]
fn binary_file_named_csv_is_an_error_not_scanned() {
    let dir = dir_with_good();
    // Not a zip's magic: that would be read as a (damaged) zip, by content.
    let mut bytes = b"\x00\x01BIN".to_vec();
    bytes.extend(noise(64 * 1024, 0x9E37_79B9_7F4A_7C15));
    std::fs::write(dir.path().join("export.csv"), bytes).expect("write");
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "errors",
        "export.csv",
        "binary data, not a text export; not scanned",
    );
    assert!(
        r.source("export.csv").is_none(),
        "a binary file was scanned"
    );
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));
}

#[test]
fn nul_bytes_inside_a_textual_csv_are_a_warning_and_the_file_is_scanned() {
    let dir = dir_with_good();
    let mut csv = b"id;anteckning\n".to_vec();
    for i in 1..=400 {
        writeln!(csv, "{i};vanlig anteckning om kunden nummer {i}").expect("write");
    }
    csv.extend_from_slice(b"401;tr\x00asig\x00 rad\n");
    csv.extend_from_slice(b"402;Personnummer 19121212-1212\n");
    std::fs::write(dir.path().join("nul.csv"), csv).expect("write");
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "warnings",
        "nul.csv",
        "NUL bytes in 1 records (first: record 401); not a clean text export, read as text",
    );
    assert_eq!(
        r.findings_in("nul.csv", GOOD_RULE),
        1,
        "the rest of the file was not scanned"
    );
    r.expect_good_scanned();
}

#[test]
fn invalid_utf8_that_is_not_windows_1252_either_is_a_warning_naming_the_guess() {
    let dir = dir_with_good();
    // Bytes that windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) mixed with
    // other high bytes: no single-byte reading of this is text.
    let mut csv = b"id;anteckning\n".to_vec();
    for i in 0..50 {
        write!(csv, "{i};").expect("write");
        csv.extend_from_slice(b"\x81\x8d\x8f\x90\x9d\xc3\x28\xa0\xa1\xe2\x28\xa1");
        csv.push(b'\n');
    }
    csv.extend_from_slice(b"99;Personnummer 19121212-1212\n");
    std::fs::write(dir.path().join("garbled.csv"), csv).expect("write");
    let r = scan(&[], &[dir.path()]);
    let encoding = r.source("garbled.csv").expect("scanned")["encoding"]
        .as_str()
        .expect("encoding")
        .to_string();
    assert_ne!(encoding, "UTF-8");
    r.expect(
        "warnings",
        "garbled.csv",
        &format!("{encoding} (the encoding guessed)"),
    );
    assert_eq!(r.findings_in("garbled.csv", GOOD_RULE), 1);
    r.expect_good_scanned();
}

#[test]
fn windows_1252_text_with_undefined_bytes_is_a_warning_with_the_count() {
    let dir = dir_with_good();
    // Swedish text in windows-1252 (so that is the guess) with two bytes that
    // windows-1252 does not define.
    let mut csv = b"id;anteckning
"
    .to_vec();
    for i in 0..40 {
        write!(csv, "{i};").expect("write");
        csv.extend_from_slice(
            b"K\xf6p av sm\xf6rg\xe5sar och v\xe4xter i G\xf6teborg, \xc5sa och \xd6rjan\n",
        );
    }
    csv.extend_from_slice(b"41;tv\xe5 tecken \x81 och \x9d som inte finns\n");
    csv.extend_from_slice(b"42;Personnummer 19121212-1212\n");
    std::fs::write(dir.path().join("latin.csv"), csv).expect("write");
    let r = scan(&[], &[dir.path()]);
    assert_eq!(
        r.source("latin.csv").expect("scanned")["encoding"],
        "windows-1252"
    );
    r.expect(
        "warnings",
        "latin.csv",
        "2 characters in the first 64 KiB do not decode as windows-1252 (the encoding guessed); the file may be in another encoding",
    );
    assert_eq!(r.findings_in("latin.csv", GOOD_RULE), 1);
}

#[test]
fn header_only_and_empty_files() {
    let dir = dir_with_good();
    std::fs::write(dir.path().join("header.csv"), "id;namn;e-post\n").expect("write");
    std::fs::write(dir.path().join("empty.csv"), "").expect("write");
    std::fs::write(dir.path().join("empty.eml"), "").expect("write");
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "warnings",
        "header.csv",
        "no data records (only a header row)",
    );
    assert_eq!(r.source("header.csv").expect("listed")["records"], 0);
    r.expect("skipped", "empty.csv", "empty file");
    r.expect("skipped", "empty.eml", "empty file");
    r.expect_none("errors", "empty.csv");
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));
    // A lone empty file given by name: nothing readable at all is exit 2.
    let lone = scan(&[], &[&dir.path().join("empty.csv")]);
    lone.expect("skipped", "empty.csv", "empty file");
    assert_eq!(lone.code, Some(2));
    assert!(lone.stderr.contains("no readable input"), "{}", lone.stderr);
}

#[test]
fn mbox_without_from_line_is_an_error_and_a_preamble_does_not_hide_the_messages() {
    let dir = dir_with_good();
    std::fs::write(
        dir.path().join("inbox.mbox"),
        "Subject: hej\nTo: a@example.se\n\nPersonnummer 19121212-1212\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("prefixed.mbox"),
        "junk written before the first message\n\n\
         From kalle@example.se Thu Nov 11 07:49:12 2021\n\
         From: kalle@example.se\nSubject: x\n\nPersonnummer 19121212-1212\n",
    )
    .expect("write");
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "errors",
        "inbox.mbox",
        "no `From ` separator line found; not an mbox",
    );
    r.expect_none("skipped", "inbox.mbox");
    r.expect(
        "errors",
        "prefixed.mbox",
        "38 bytes before the first `From ` line are not part of any message; skipped",
    );
    assert_eq!(
        r.findings_in("prefixed.mbox", GOOD_RULE),
        1,
        "the message after the preamble was not scanned"
    );
    r.expect_good_scanned();
}

// ---------------------------------------------------------------------------------
// Size

#[test]
fn fifty_megabyte_single_line() {
    let dir = dir_with_good();
    let mut csv = b"id;anteckning\n1;Personnummer 19121212-1212 ".to_vec();
    csv.resize(csv.len() + (50 << 20), b'x');
    csv.push(b'\n');
    let len = csv.len();
    std::fs::write(dir.path().join("long.csv"), csv).expect("write");
    let field = len - "id;anteckning\n1;\n".len();
    // Default limits: the field is cut at 16 MiB, with a warning that says so.
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "warnings",
        "long.csv",
        &format!(
            "record 1, column 2: field of {field} bytes; only the first 16777216 bytes scanned (--max-field-size)"
        ),
    );
    assert_eq!(r.findings_in("long.csv", GOOD_RULE), 1);
    r.expect_good_scanned();
    // A smaller field limit also bounds the record held in memory (4 × the field
    // limit): the line is an error, not an out-of-memory.
    let r = scan(&["--max-field-size", "1M"], &[dir.path()]);
    r.expect(
        "errors",
        "long.csv",
        "record 1: read error: record longer than 4194304 bytes (4 × --max-field-size; no line end or an unclosed quote?); the rest of the file is not scanned",
    );
    r.expect_good_scanned();
}

#[test]
fn unclosed_quote_does_not_swallow_the_file_into_memory() {
    let dir = dir_with_good();
    let mut csv = b"id;anteckning\n1;\"oavslutat citat\n".to_vec();
    while csv.len() < 3 << 20 {
        csv.extend_from_slice(b"2;en rad som hamnar i citatet\n");
    }
    std::fs::write(dir.path().join("quote.csv"), csv).expect("write");
    let r = scan(&["--max-field-size", "64K"], &[dir.path()]);
    r.expect(
        "errors",
        "quote.csv",
        "record 1: read error: record longer than 1048576 bytes",
    );
    r.expect_good_scanned();
}

#[test]
fn hundred_thousand_columns() {
    let dir = dir_with_good();
    let n = 100_000;
    let mut csv = Vec::new();
    let header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    csv.extend_from_slice(header.join(";").as_bytes());
    csv.push(b'\n');
    let mut row: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    row[n - 1] = "Personnummer 19121212-1212".into();
    csv.extend_from_slice(row.join(";").as_bytes());
    csv.push(b'\n');
    std::fs::write(dir.path().join("wide.csv"), csv).expect("write");
    // Past --max-columns (10,000) a column is scanned as free text, named by number.
    let r = scan(&[], &[dir.path()]);
    let found = r.report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| {
            f["path"].as_str().is_some_and(|p| p.ends_with("wide.csv"))
                && f["location"]["column"] == "column_100000"
        });
    assert!(found, "the last of 100,000 columns was not scanned");
    r.expect_none("errors", "wide.csv");
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));
}

// ---------------------------------------------------------------------------------
// Mail

fn nested_multipart(levels: usize) -> Vec<u8> {
    let mut m = b"From: a@example.se\nTo: b@example.se\nSubject: deep\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"b0\"\n\n"
        .to_vec();
    for i in 1..levels {
        write!(
            m,
            "--b{}\nContent-Type: multipart/mixed; boundary=\"b{i}\"\n\n",
            i - 1
        )
        .expect("w");
    }
    write!(
        m,
        "--b{}\nContent-Type: text/plain\n\nPersonnummer 19121212-1212\n",
        levels - 1
    )
    .expect("w");
    for i in (0..levels).rev() {
        writeln!(m, "--b{i}--").expect("w");
    }
    m
}

fn nested_rfc822(levels: usize) -> Vec<u8> {
    let wrap: &[u8] = b"From: a@example.se\nTo: b@example.se\nSubject: wrap\nMIME-Version: 1.0\n\
Content-Type: message/rfc822\n\n";
    let mut m = wrap.repeat(levels);
    m.extend_from_slice(
        b"From: a@example.se\nTo: b@example.se\nSubject: inner\n\nPersonnummer 19121212-1212\n",
    );
    m
}

#[test]
fn mime_nested_a_thousand_levels_deep() {
    let dir = dir_with_good();
    std::fs::write(dir.path().join("deep.eml"), nested_multipart(1000)).expect("write");
    std::fs::write(dir.path().join("deep822.eml"), nested_rfc822(1000)).expect("write");
    let r = scan(&[], &[dir.path()]);
    for f in ["deep.eml", "deep822.eml"] {
        r.expect(
            "warnings",
            f,
            "message 1: MIME nesting deeper than 32 levels (--max-mime-depth); deeper parts skipped",
        );
        // The personnummer at the bottom is past the limit: not silently found or lost.
        assert_eq!(r.findings_in(f, GOOD_RULE), 0);
    }
    r.expect_good_scanned();
    // 100,000 levels of message/rfc822 (6 MB): the parsed tree is freed without
    // recursion, so this is a warning, not a stack overflow that aborts the scan.
    let huge = dir.path().join("huge");
    std::fs::create_dir(&huge).expect("mkdir");
    std::fs::write(huge.join(GOOD_NAME), GOOD_CSV).expect("write");
    std::fs::write(huge.join("deeper.eml"), nested_rfc822(100_000)).expect("write");
    let h = scan(&[], &[&huge]);
    h.expect(
        "warnings",
        "deeper.eml",
        "message 1: MIME nesting deeper than 32 levels (--max-mime-depth); deeper parts skipped",
    );
    h.expect_good_scanned();
    assert_eq!(h.code, Some(1));
    // With the limit raised, the bottom is reached and nothing overflows the stack.
    let r = scan(&["--max-mime-depth", "5000"], &[dir.path()]);
    for f in ["deep.eml", "deep822.eml"] {
        r.expect_none("warnings", f);
        r.expect_none("errors", f);
        assert_eq!(r.findings_in(f, GOOD_RULE), 1, "{f}");
    }
}

#[test]
fn message_with_a_hundred_megabyte_base64_attachment() {
    let dir = dir_with_good();
    let path = dir.path().join("big.eml");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        f.write_all(
            b"From: a@example.se\nTo: b@example.se\nSubject: big\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\n\
Personnummer 19121212-1212\n--x\nContent-Type: text/plain; name=\"a.txt\"\n\
Content-Disposition: attachment; filename=\"a.txt\"\nContent-Transfer-Encoding: base64\n\n",
        )
        .expect("write");
        // 76-character base64 lines of "AAAA…" (decodes to zero bytes).
        let line = [b"A".repeat(76), b"\n".to_vec()].concat();
        for _ in 0..(100 << 20) / line.len() {
            f.write_all(&line).expect("write");
        }
        f.write_all(b"--x--\n").expect("write");
    }
    let r = scan(&[], &[dir.path()]);
    r.expect(
        "warnings",
        "big.eml",
        "message 1: larger than 67108864 bytes (--max-message-size); only the start was scanned",
    );
    // The body before the attachment is scanned.
    assert_eq!(r.findings_in("big.eml", GOOD_RULE), 1);
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));
}

// ---------------------------------------------------------------------------------
// The file system

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn fifo_device_and_symlink_to_dev_zero_are_skipped_not_read() {
    let dir = dir_with_good();
    let root = dir.path();
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.csv")).expect("symlink");
    std::os::unix::fs::symlink("/dev/urandom", root.join("random.mbox")).expect("symlink");
    let fifo = mkfifo(&root.join("pipe.csv"));
    if !fifo {
        eprintln!("note: mkfifo is not available; the FIFO half is skipped");
    }
    // A device node of our own (needs root, as in CI); else the symlinks stand in.
    let node = std::process::Command::new("mknod")
        .arg(root.join("null.csv"))
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if !node {
        eprintln!("note: mknod needs root; the device-node half is skipped");
    }
    let r = scan(&[], &[root]);
    r.expect("skipped", "zero.csv", NOT_REGULAR);
    r.expect("skipped", "random.mbox", NOT_REGULAR);
    if fifo {
        r.expect("skipped", "pipe.csv", NOT_REGULAR);
    }
    if node {
        r.expect("skipped", "null.csv", NOT_REGULAR);
    }
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));

    // Named on the command line: skipped the same way, never opened.
    let good = root.join(GOOD_NAME);
    let mut explicit: Vec<PathBuf> = vec![root.join("zero.csv"), PathBuf::from("/dev/zero")];
    if fifo {
        explicit.push(root.join("pipe.csv"));
    }
    for p in &explicit {
        let r = scan(&[], &[p, &good]);
        r.expect("skipped", path_str(p), NOT_REGULAR);
        r.expect_good_scanned();
        assert_eq!(r.code, Some(1));
    }
}

#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let dir = dir_with_good();
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).expect("mkdir");
    std::os::unix::fs::symlink("..", root.join("sub/up")).expect("symlink");
    std::os::unix::fs::symlink("self.csv", root.join("self.csv")).expect("symlink");
    std::os::unix::fs::symlink("missing.csv", root.join("dangling.csv")).expect("symlink");
    let r = scan(&[], &[root]);
    r.expect("errors", "sub/up", "symbolic link loop; not followed");
    r.expect("errors", "self.csv", "cannot read:");
    r.expect("errors", "dangling.csv", "cannot read:");
    r.expect_good_scanned();
    assert_eq!(r.code, Some(1));
    // An input that cannot be read fails a --strict run with exit 2.
    let strict = scan(&["--strict"], &[root]);
    assert_eq!(strict.code, Some(2));
}

#[test]
fn file_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with_good();
    let locked = dir.path().join("locked.csv");
    std::fs::write(&locked, "id;anteckning\n1;Personnummer 19121212-1212\n").expect("write");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable_anyway = std::fs::read(&locked).is_ok();
    let r = scan(&[], &[dir.path()]);
    let strict = scan(&["--strict"], &[dir.path()]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    r.expect_good_scanned();
    if readable_anyway {
        // Running as root (CI): the permission bits do not stop root, so the file is
        // honestly read and scanned like any other; --strict has nothing to fail on.
        eprintln!("note: running as root; mode 000 does not stop reading, so the file is scanned");
        assert_eq!(r.findings_in("locked.csv", GOOD_RULE), 1);
        r.expect_none("errors", "locked.csv");
        assert_eq!(strict.code, Some(1));
    } else {
        r.expect("errors", "locked.csv", "Permission denied");
        assert_eq!(r.code, Some(1));
        assert_eq!(strict.code, Some(2));
    }
}

#[test]
fn directory_that_vanishes_during_the_walk() {
    use gdpr_audit::classify::FindingMaker;
    use gdpr_audit::engine::Matcher;
    use gdpr_audit::fingerprint::FingerprintKey;
    use gdpr_audit::rules::RuleSet;
    use gdpr_audit::scan::{ScanOptions, scan_sources};
    use gdpr_audit::source::{Limits, discover};

    let dir = dir_with_good();
    let sub = dir.path().join("export");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(sub.join("kunder.csv"), GOOD_CSV).expect("write");
    let limits = Limits::default();
    let found = discover(&[dir.path().to_path_buf()], &limits);
    assert_eq!(found.sources.len(), 2);
    std::fs::remove_dir_all(&sub).expect("rm");

    let opts = ScanOptions {
        limits,
        maker: FindingMaker {
            show_values: false,
            key: FingerprintKey::from_secret(b"test"),
            min_confidence: 0.0,
            roots: vec![],
        },
        delimiter: None,
        no_header: false,
        policy: None,
        as_of: jiff::civil::date(2026, 1, 1),
    };
    let matcher = Matcher::new(RuleSet::builtin().expect("rules"));
    let results = scan_sources(&found.sources, &matcher, &opts, &());
    let gone = results
        .iter()
        .find(|r| r.summary.path.ends_with("export/kunder.csv"))
        .expect("a result for the vanished file");
    assert!(
        gone.errors
            .iter()
            .any(|e| e.path.ends_with("export/kunder.csv")
                && e.message.starts_with("cannot open:")
                && e.message.contains("No such file")),
        "{:?}",
        gone.errors
    );
    let good = results
        .iter()
        .find(|r| r.summary.path.ends_with(GOOD_NAME))
        .expect("good");
    assert_eq!(good.findings.len(), 1);
}

// ---------------------------------------------------------------------------------
// Rule and config files

fn rule_file(id: &str, pattern: &str) -> String {
    format!(
        "rules:\n  - id: {id}\n    name: Pathological\n    description: A pattern that compiles huge.\n    \
         category: health\n    severity: high\n    patterns:\n      - '{pattern}'\n"
    )
}

#[test]
fn catastrophic_regex_is_refused_with_a_size_limit_error() {
    let dir = dir_with_good();
    for (i, pattern) in [r"(?:\w{100}){100}", r"[\w\s]{1000}{100}"]
        .iter()
        .enumerate()
    {
        let name = format!("huge{i}.yaml");
        let file = dir.path().join(&name);
        std::fs::write(&file, rule_file(&format!("test.huge{i}"), pattern)).expect("write");
        let out = gdpr_audit()
            .timeout(TIMEOUT)
            .args(["scan", "--format", "json", "--rules"])
            .arg(&file)
            .arg(dir.path().join(GOOD_NAME))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(out.stdout.is_empty(), "a report was written");
        // File, line, rule, and the reason.
        assert!(
            stderr.contains(&format!("{name}:8:9: rule test.huge{i}: invalid pattern"))
                && stderr.contains("exceeds size limit of 2097152 bytes"),
            "{stderr}"
        );
    }
}

/// The classic billion laughs: nine levels of nine aliases each.
fn billion_laughs(top_key: &str) -> String {
    let mut y = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for c in b'b'..=b'i' {
        let p = (c - 1) as char;
        let c = c as char;
        y.push_str(&format!(
            "{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    y.push_str(&format!("{top_key}: *i\n"));
    y
}

/// A bomb that is a valid rule file in shape, so the parser must replay the
/// aliases to read it: 5,000 copies of a rule that holds 1,000 keywords.
fn wide_rule_bomb() -> String {
    let mut y = String::from(
        "rules:\n  - &r\n    id: test.bomb\n    name: Bomb\n    category: health\n    severity: high\n    keywords: [",
    );
    y.push_str(&vec!["lol"; 1000].join(", "));
    y.push_str("]\n");
    for _ in 0..5000 {
        y.push_str("  - *r\n");
    }
    y
}

#[test]
fn yaml_bombs_in_rule_files_are_refused_quickly() {
    let dir = dir_with_good();
    for (name, text) in [
        ("laughs.yaml", billion_laughs("rules")),
        ("wide.yaml", wide_rule_bomb()),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let started = std::time::Instant::now();
        let out = gdpr_audit()
            .timeout(TIMEOUT)
            .args(["scan", "--format", "json", "--rules"])
            .arg(&file)
            .arg(dir.path().join(GOOD_NAME))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(name), "{stderr}");
        assert!(stderr.contains("the rules could not be loaded"), "{stderr}");
        if name == "wide.yaml" {
            assert!(stderr.contains("budget breached"), "{stderr}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{name} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn yaml_bomb_in_a_config_file_is_refused_quickly() {
    let dir = dir_with_good();
    let good = dir.path().join(GOOD_NAME);
    // Is --config read at all yet? A missing config file must then be an error.
    let probe = gdpr_audit()
        .timeout(TIMEOUT)
        .args(["scan", "--format", "json", "--config"])
        .arg(dir.path().join("no-such-config.yaml"))
        .arg(&good)
        .output()
        .expect("runs");
    if probe.status.code() != Some(2) {
        eprintln!(
            "note: --config is not read yet (a missing config file is no error); the config-bomb half is skipped"
        );
        return;
    }
    for (name, text) in [
        ("laughs-config.yaml", billion_laughs("sources")),
        ("laughs-allow.yaml", billion_laughs("allowlist")),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let started = std::time::Instant::now();
        let out = gdpr_audit()
            .timeout(TIMEOUT)
            .args(["scan", "--format", "json", "--config"])
            .arg(&file)
            .arg(&good)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(name), "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}

// ---------------------------------------------------------------------------------
// Limits: each one, when hit, is reported by name, never applied silently.

#[test]
fn every_limit_is_reported_by_name_when_hit() {
    let dir = dir_with_good();
    let root = dir.path();
    // --max-field-size
    let mut csv = b"id;anteckning\n1;".to_vec();
    csv.resize(csv.len() + 3000, b'y');
    csv.push(b'\n');
    std::fs::write(root.join("field.csv"), csv).expect("write");
    // --max-message-size, in an mbox and in a single .eml
    let body = "ord ".repeat(1000);
    std::fs::write(
        root.join("big.mbox"),
        format!(
            "From a@example.se Thu Nov 11 07:49:12 2021\nFrom: a@example.se\nSubject: s\n\n{body}\n"
        ),
    )
    .expect("write");
    std::fs::write(
        root.join("big.eml"),
        format!("From: a@example.se\nTo: b@example.se\nSubject: s\n\n{body}\n"),
    )
    .expect("write");
    // --max-mime-depth
    std::fs::write(root.join("nested.eml"), nested_multipart(5)).expect("write");
    // --max-decompressed-size
    std::fs::write(root.join("packed.csv.gz"), gzip(&vec![b'z'; 5000])).expect("write");

    let r = scan(
        &[
            "--max-field-size",
            "2K",
            "--max-message-size",
            "2K",
            "--max-mime-depth",
            "3",
            "--max-decompressed-size",
            "3K",
        ],
        &[root],
    );
    r.expect(
        "warnings",
        "field.csv",
        "record 1, column 2: field of 3000 bytes; only the first 2048 bytes scanned (--max-field-size)",
    );
    r.expect(
        "warnings",
        "big.mbox",
        "message 1: larger than 2048 bytes (--max-message-size); only the start was scanned",
    );
    r.expect(
        "warnings",
        "big.eml",
        "message 1: larger than 2048 bytes (--max-message-size); only the start was scanned",
    );
    r.expect(
        "warnings",
        "nested.eml",
        "MIME nesting deeper than 3 levels (--max-mime-depth); deeper parts skipped",
    );
    r.expect(
        "errors",
        "packed.csv.gz",
        "beyond the limit of 3072 bytes (--max-decompressed-size; possible gzip bomb)",
    );
    r.expect_good_scanned();
}

#[test]
fn max_findings_per_rule_lists_fewer_but_counts_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csv = b"id;anteckning\n".to_vec();
    for i in 1..=10 {
        writeln!(csv, "{i};Personnummer 19121212-1212").expect("write");
    }
    std::fs::write(dir.path().join("many.csv"), csv).expect("write");
    let full = scan(&[], &[dir.path()]);
    let capped = scan(&["--max-findings-per-rule", "3"], &[dir.path()]);
    assert_eq!(full.findings_in("many.csv", GOOD_RULE), 10);
    assert_eq!(capped.findings_in("many.csv", GOOD_RULE), 3);
    assert_eq!(
        capped.report["summary"]["findings"], 10,
        "the count must stay exact"
    );
    assert_eq!(
        capped.report["summary"]["findings"],
        full.report["summary"]["findings"]
    );
    capped.expect(
        "warnings",
        "many.csv",
        "more than 3 findings of rule se.personnummer (--max-findings-per-rule); the rest are counted, not listed",
    );
    full.expect_none("warnings", "many.csv");
}
