//! Discovery: walk the given paths (walkdir, not `ignore`: git-ignored exports and
//! dot-prefixed Maildir++ folders are exactly what an audit must see), tell each
//! file's kind by content, and sort, so the report order never depends on the
//! file system or the thread count.

use super::decode::sniff_head;
use super::{Limits, Source, SourceError, SourceKind, display_path};
use std::path::{Path, PathBuf};

/// Everything discovery saw: what to scan, what failed, what was passed over.
#[derive(Debug, Default)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub errors: Vec<SourceError>,
    /// (path, reason) for files that are not scanned on purpose.
    pub skipped: Vec<(String, String)>,
}

/// Names of files that are plain CSV-like exports by their extension.
const TABLE_EXTS: &[&str] = &["csv", "tsv", "tab", "txt", "dat"];

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// A Maildir folder as one source. Message files are followed through symbolic
/// links; anything that is not a regular file is passed over with a note.
fn maildir_source(dir: &Path, skipped: &mut Vec<(String, String)>) -> Result<Source, SourceError> {
    let mut members = Vec::new();
    let mut bytes = 0;
    for sub in ["cur", "new"] {
        let d = dir.join(sub);
        let entries = std::fs::read_dir(&d).map_err(|e| {
            SourceError::new(display_path(&d), format!("cannot read Maildir folder: {e}"))
        })?;
        for e in entries.flatten() {
            let path = e.path();
            match std::fs::metadata(&path) {
                Ok(md) if md.is_file() => {
                    bytes += md.len();
                    members.push(path);
                }
                Ok(_) => skipped.push((
                    display_path(&path),
                    "not a regular file (pipe, device or socket); not read".into(),
                )),
                Err(err) => skipped.push((display_path(&path), format!("cannot read: {err}"))),
            }
        }
    }
    members.sort();
    Ok(Source {
        display: display_path(dir),
        path: dir.to_path_buf(),
        kind: SourceKind::Maildir,
        gzip: false,
        bytes,
        members,
    })
}

/// Find and classify everything below `paths`.
pub fn discover(paths: &[PathBuf], limits: &Limits) -> Discovery {
    let mut d = Discovery::default();
    for root in paths {
        match std::fs::metadata(root) {
            Err(e) => {
                d.errors.push(SourceError::new(
                    display_path(root),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
            Ok(md) if md.is_dir() => walk_dir(root, limits, &mut d),
            Ok(md) => classify_file(root, md.len(), &md.file_type(), limits, true, &mut d),
        }
    }
    d.sources.sort_by(|a, b| a.display.cmp(&b.display));
    d.sources.dedup_by(|a, b| a.display == b.display);
    d.errors.sort();
    d.skipped.sort();
    d
}

fn walk_dir(root: &Path, limits: &Limits, d: &mut Discovery) {
    if is_maildir(root) {
        match maildir_source(root, &mut d.skipped) {
            Ok(s) => d.sources.push(s),
            Err(e) => d.errors.push(e),
        }
        return;
    }
    let mut it = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(display_path)
                    .unwrap_or_else(|| display_path(root));
                let msg = if e.loop_ancestor().is_some() {
                    "symbolic link loop; not followed".to_string()
                } else {
                    match e.io_error() {
                        Some(io) => format!("cannot read: {io}"),
                        None => format!("cannot read: {e}"),
                    }
                };
                d.errors.push(SourceError::new(path, msg));
                continue;
            }
        };
        let ft = entry.file_type();
        if ft.is_dir() {
            if entry.depth() > 0 && is_maildir(entry.path()) {
                match maildir_source(entry.path(), &mut d.skipped) {
                    Ok(s) => d.sources.push(s),
                    Err(e) => d.errors.push(e),
                }
                it.skip_current_dir();
            }
            continue;
        }
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        classify_file(entry.path(), len, &ft, limits, false, d);
    }
}

fn extension_of(path: &Path) -> (String, bool) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(s) => (s.to_string(), true),
        None => (name.clone(), false),
    };
    let ext = Path::new(&stem)
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    (ext, gz)
}

fn classify_file(
    path: &Path,
    len: u64,
    ft: &std::fs::FileType,
    limits: &Limits,
    explicit: bool,
    d: &mut Discovery,
) {
    let display = display_path(path);
    if !ft.is_file() {
        d.skipped.push((
            display,
            "not a regular file (pipe, device or socket); not read".into(),
        ));
        return;
    }
    let (ext, _) = extension_of(path);
    let head = match sniff_head(path, limits) {
        Ok(h) => h,
        Err(e) => {
            d.errors.push(SourceError::new(display, e));
            return;
        }
    };
    let kind = if head.bytes.is_empty() {
        if TABLE_EXTS.contains(&ext.as_str()) || matches!(ext.as_str(), "eml" | "mbox") || explicit
        {
            d.skipped.push((display, "empty file".into()));
        }
        return;
    } else if let Some(kind) = outlook_kind(path, &head) {
        kind
    } else if super::mbox::looks_like_mbox(&head.bytes) {
        SourceKind::Mbox
    } else if ext == "mbox" && !head.binary {
        // Named as a mailbox: read as one, so a file without a `From ` line is
        // reported as not an mbox instead of being passed over.
        SourceKind::Mbox
    } else if looks_like_message(&head.bytes) || ext == "eml" {
        SourceKind::Eml
    } else if head.binary {
        if TABLE_EXTS.contains(&ext.as_str()) || explicit || ext == "mbox" {
            d.errors.push(SourceError::new(
                display,
                "binary data, not a text export; not scanned",
            ));
        } else {
            d.skipped.push((display, "binary file".into()));
        }
        return;
    } else if TABLE_EXTS.contains(&ext.as_str())
        || (ext.is_empty() && looks_delimited(&head.bytes))
        || explicit
    {
        SourceKind::Csv
    } else {
        d.skipped
            .push((display, format!("not a CSV export or mailbox (.{ext})")));
        return;
    };
    d.sources.push(Source {
        display,
        path: path.to_path_buf(),
        kind,
        gzip: head.gzip,
        bytes: len,
        members: Vec::new(),
    });
}

/// An Outlook file by content: a PST by its magic, a `.msg` by the compound-file
/// magic and message property streams (so a `.xls` is not one, and a `.msg` called
/// `.eml` still is).
fn outlook_kind(path: &Path, head: &super::decode::Head) -> Option<SourceKind> {
    use super::outlook::{OutlookFormat, msg, sniff};
    if head.gzip {
        return None;
    }
    match sniff(&head.bytes)? {
        OutlookFormat::Pst => Some(SourceKind::Pst),
        OutlookFormat::Cfb => {
            let f = std::fs::File::open(path).ok()?;
            msg::is_msg(std::io::BufReader::new(f)).then_some(SourceKind::Msg)
        }
    }
}

/// An RFC 5322 message starts with header lines; require a few well-known ones.
pub fn looks_like_message(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    let mut known = 0;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || name.contains(' ') {
            return false;
        }
        let n = name.to_ascii_lowercase();
        if matches!(
            n.as_str(),
            "from"
                | "to"
                | "subject"
                | "date"
                | "message-id"
                | "received"
                | "mime-version"
                | "return-path"
        ) {
            known += 1;
        }
        if i > 200 {
            break;
        }
    }
    known >= 2
}

/// Several lines with the same count (> 0) of one delimiter.
fn looks_delimited(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let lines: Vec<&str> = text.lines().take(20).collect();
    if lines.len() < 2 {
        return false;
    }
    [',', ';', '\t', '|'].iter().any(|&c| {
        let n = lines[0].matches(c).count();
        n > 0
            && lines
                .iter()
                .take(lines.len().saturating_sub(1))
                .filter(|l| l.matches(c).count() == n)
                .count()
                * 10
                >= (lines.len() - 1) * 8
    })
}
