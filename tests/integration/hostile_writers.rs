//! Hostile probes of what the tool writes (issue: twelve holes): `-o` onto
//! devices, FIFOs and `-`; outputs reaching inputs through symbolic links; a pipe
//! closed early; outputs of one command committed together or not at all.

use crate::common::gdpr_audit;
use std::path::Path;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);
const CSV: &str = "id;anteckning\n1;Kundens personnummer 19121212-1212\n";

/// A temp dir with `in/good.csv`.
fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(input.join("good.csv"), CSV).expect("write");
    (dir, input)
}

fn scan_to(input: &Path, output: &Path) -> std::process::Output {
    gdpr_audit()
        .timeout(TIMEOUT)
        .args(["scan", "--quiet", "--format", "json", "--output"])
        .arg(output)
        .arg(input)
        .output()
        .expect("runs")
}

#[cfg(unix)]
fn file_type(p: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(p).expect("exists").file_type()
}

#[test]
fn output_dash_is_standard_output() {
    let (dir, input) = setup();
    let out = gdpr_audit()
        .current_dir(dir.path())
        .args(["scan", "--quiet", "-f", "json", "-o", "-"])
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"schema_version\""));
    assert!(!dir.path().join("-").exists(), "a file named `-` was made");
}

#[cfg(unix)]
#[test]
fn output_onto_a_fifo_writes_into_it_and_keeps_it() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, input) = setup();
    let fifo = dir.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo is not available here");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap_or_default())
    };
    let out = scan_to(&input, &fifo);
    let still_fifo = file_type(&fifo).is_fifo();
    if !still_fifo {
        // Unblock the reader before failing: open the FIFO once for writing.
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
    }
    assert!(still_fifo, "the FIFO was replaced by a regular file");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = reader.join().expect("reader");
    assert!(text.contains("\"schema_version\""), "{text}");
}

#[cfg(unix)]
#[test]
fn output_onto_a_character_device_writes_into_it_and_keeps_it() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, input) = setup();
    let node = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success())
        && std::fs::OpenOptions::new().write(true).open(&node).is_ok();
    // Without the right to make (or use) device nodes, /dev/null itself is the
    // device: the tool must write into it, not rename a file over it (as root it could).
    let node = if made {
        node
    } else {
        eprintln!("note: mknod not permitted here; probing /dev/null");
        std::path::PathBuf::from("/dev/null")
    };
    let out = scan_to(&input, &node);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(file_type(&node).is_char_device(), "the device was replaced");
}

#[cfg(unix)]
#[test]
fn output_onto_a_block_device_is_an_error_and_keeps_it() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, input) = setup();
    // A loop device's numbers (7, 0): the node is only named, never opened.
    let node = dir.path().join("blk");
    let made = std::process::Command::new("mknod")
        .arg(&node)
        .args(["b", "7", "0"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mknod of a block device is not permitted here");
        return;
    }
    let out = scan_to(&input, &node);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is a block device"),
        "{out:?}"
    );
    assert!(
        file_type(&node).is_block_device(),
        "the device was replaced"
    );
}

#[cfg(unix)]
#[test]
fn output_onto_dev_stdout_prints_and_keeps_the_link() {
    let (_dir, input) = setup();
    let out = scan_to(&input, Path::new("/dev/stdout"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"schema_version\""));
    assert!(file_type(Path::new("/dev/stdout")).is_symlink());
}

/// Run `script` under `sh` with the binary as `$0` and the input as `$1`, in `dir`.
#[cfg(unix)]
fn sh(dir: &Path, script: &str, input: &Path) -> std::process::Output {
    std::process::Command::new("sh")
        .current_dir(dir)
        .env("GDPR_AUDIT_KEY", "integration-test-key")
        .args(["-c", script, env!("CARGO_BIN_EXE_gdpr-audit")])
        .arg(input)
        .output()
        .expect("sh runs")
}

#[cfg(unix)]
#[test]
fn output_onto_a_descriptor_open_on_a_log_appends_to_it() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (dir, input) = setup();
    let log = dir.path().join("log");
    let scan = r#""$0" scan --quiet -f json -o"#;
    // Standard output, standard error and descriptor 3, each by every spelling,
    // redirected to a regular file (appended to, and truncated by the shell).
    let cases = [
        format!(r#"{{ echo before; {scan} /dev/stdout "$1"; echo "rc=$?"; echo after; }} >> log"#),
        format!(r#"{{ echo before; {scan} /dev/fd/1 "$1"; echo "rc=$?"; echo after; }} > log"#),
        format!(
            r#"{{ echo before; {scan} /proc/self/fd/1 "$1"; echo "rc=$?"; echo after; }} >> log"#
        ),
        format!(
            r#"{{ echo before >&2; {scan} /dev/stderr "$1"; echo "rc=$?" >&2; echo after >&2; }} 2>> log"#
        ),
        format!(
            r#"exec 3>> log; echo before >&3; {scan} /dev/fd/3 "$1"; echo "rc=$?" >&3; echo after >&3"#
        ),
        format!(
            r#"exec 3>> log; echo before >&3; {scan} /proc/self/fd/3 "$1"; echo "rc=$?" >&3; echo after >&3"#
        ),
        format!(
            r#"ln -sf /dev/stdout out.json; {{ echo before; {scan} out.json "$1"; echo "rc=$?"; echo after; }} >> log"#
        ),
    ];
    for script in &cases {
        std::fs::write(&log, "").expect("write");
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let inode = std::fs::metadata(&log).expect("log").ino();
        let out = sh(dir.path(), script, &input);
        assert!(out.status.success(), "{script}: {out:?}");
        let meta = std::fs::metadata(&log).expect("log");
        assert_eq!(meta.ino(), inode, "{script}: the log was replaced");
        assert_eq!(meta.mode() & 0o777, 0o644, "{script}: mode changed");
        let text = std::fs::read_to_string(&log).expect("log");
        assert!(text.starts_with("before\n{"), "{script}: {text}");
        assert!(text.contains("\"schema_version\""), "{script}: {text}");
        assert!(text.ends_with("}\nrc=1\nafter\n"), "{script}: {text}");
    }
    assert!(file_type(&dir.path().join("out.json")).is_symlink());
}

#[cfg(unix)]
#[test]
fn output_onto_a_descriptor_that_is_not_open_is_an_error() {
    let (dir, input) = setup();
    let out = sh(
        dir.path(),
        r#""$0" scan -q -f json -o /dev/fd/7 "$1" 7>&-"#,
        &input,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!dir.path().join("7").exists());
}

#[cfg(unix)]
#[test]
fn output_onto_a_directory_or_socket_is_an_error() {
    let (dir, input) = setup();
    let out = scan_to(&input, dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
    let sock = dir.path().join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("socket");
    let out = scan_to(&input, &sock);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a socket"));
    assert!(file_type(&sock).is_socket_like());
}

#[cfg(unix)]
trait SocketLike {
    fn is_socket_like(&self) -> bool;
}

#[cfg(unix)]
impl SocketLike for std::fs::FileType {
    fn is_socket_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_socket()
    }
}

#[cfg(unix)]
#[test]
fn outputs_never_reach_inputs_through_symbolic_links() {
    let (dir, input) = setup();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(outside.join("o.csv"), CSV).expect("write");
    std::fs::create_dir_all(input.join("sub")).expect("mkdir");
    std::os::unix::fs::symlink(&outside, input.join("sub/outdir")).expect("symlink");
    // The scan reads outside/o.csv through the link: -o onto it is onto an input.
    let out = scan_to(&input, &input.join("sub/outdir/o.csv"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(std::fs::read_to_string(outside.join("o.csv")).unwrap(), CSV);
    // A link inside the scanned folder that names an input.
    std::os::unix::fs::symlink(outside.join("o.csv"), input.join("link.csv")).expect("symlink");
    let out = scan_to(&input, &input.join("link.csv"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(file_type(&input.join("link.csv")).is_symlink());
    // A folder reached through a link from inside the tree, named by `..`.
    let dotdot = outside.join("../in/new.json");
    let out = scan_to(&input, &dotdot);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!input.join("new.json").exists());
    // --export-actions into a linked folder under the scanned tree.
    let actions = dir.path().join("actions");
    std::fs::create_dir_all(&actions).expect("mkdir");
    std::os::unix::fs::symlink(&actions, input.join("actions")).expect("symlink");
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .args(["scan", "--quiet", "--format", "json", "--export-actions"])
        .arg(input.join("actions"))
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(std::fs::read_dir(&actions).unwrap().count(), 0);
    // baseline and init go through the same check.
    for cmd in ["baseline", "init"] {
        let out = gdpr_audit()
            .timeout(TIMEOUT)
            .args([cmd, "--quiet", "--output"])
            .arg(input.join("sub/outdir/x.yaml"))
            .arg(&input)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{cmd}: {out:?}");
        assert!(
            !outside.join("x.yaml").exists(),
            "{cmd} wrote inside the tree"
        );
    }
}

/// A CSV with enough findings that its report overflows a pipe buffer.
fn many_findings(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("id;anteckning\n");
    for i in 0..3000 {
        text.push_str(&format!("{i};personnummer 19121212-1212\n"));
    }
    let p = dir.join("many.csv");
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn a_pipe_closed_early_still_fails_the_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = many_findings(dir.path());
    let bin = assert_cmd::cargo::cargo_bin("gdpr-audit");
    for format in ["json", "csv", "sarif", "markdown", "table"] {
        let mut child = std::process::Command::new(&bin)
            .env("GDPR_AUDIT_KEY", "integration-test-key")
            .args(["scan", "--no-config", "--quiet", "-f", format])
            .arg(&csv)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        {
            use std::io::BufRead;
            let mut first = String::new();
            let stdout = child.stdout.take().expect("stdout");
            std::io::BufReader::new(stdout)
                .read_line(&mut first)
                .expect("a line");
            // `head -1`: the reader goes away.
        }
        let out = child.wait_with_output().expect("waits");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("broken pipe"),
            "{format}: {stderr}"
        );
    }
}

#[test]
fn a_failed_output_leaves_no_action_files() {
    let (dir, input) = setup();
    let actions = dir.path().join("actions");
    // The report cannot be written (its folder does not exist): the action files,
    // staged before it, must not appear either.
    let out = gdpr_audit()
        .timeout(TIMEOUT)
        .args(["scan", "--quiet", "-f", "json", "--export-actions"])
        .arg(&actions)
        .arg("--output")
        .arg(dir.path().join("missing/dir/report.json"))
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let left = std::fs::read_dir(&actions).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "action files were committed without the report");
}

#[test]
fn a_short_fingerprint_key_is_warned_about_even_under_quiet() {
    let (_dir, input) = setup();
    // A security warning: CI runs with -q, so --quiet must not hide it.
    for quiet in [None, Some("-q"), Some("--quiet")] {
        let out = gdpr_audit()
            .env("GDPR_AUDIT_KEY", "x")
            .args(["scan", "-f", "json"])
            .args(quiet)
            .arg(&input)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("warning: GDPR_AUDIT_KEY is only 1 bytes"),
            "{quiet:?}: {stderr}"
        );
    }
}

#[test]
fn a_file_that_shrinks_after_it_was_listed_is_reported_with_its_real_size() {
    use gdpr_audit::classify::FindingMaker;
    use gdpr_audit::engine::Matcher;
    use gdpr_audit::fingerprint::FingerprintKey;
    use gdpr_audit::rules::RuleSet;
    use gdpr_audit::scan::{ScanOptions, scan_sources};
    use gdpr_audit::source::{Limits, discover};

    let (_dir, input) = setup();
    let file = input.join("good.csv");
    std::fs::write(&file, format!("{CSV}{}", "2;padding\n".repeat(1000))).expect("write");
    let limits = Limits::default();
    let found = discover(std::slice::from_ref(&file), &limits);
    // Truncated after it was listed, before it is read.
    std::fs::write(&file, CSV).expect("write");
    let opts = ScanOptions {
        limits,
        maker: FindingMaker {
            show_values: false,
            key: FingerprintKey::from_secret(b"test-key-of-16-bytes"),
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
    let r = &results[0];
    assert_eq!(r.summary.bytes, CSV.len() as u64);
    assert!(
        r.warnings.iter().any(|w| w.message.contains("shrank")),
        "{:?}",
        r.warnings
    );
}
