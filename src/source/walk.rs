//! Discovery: walk the given paths (walkdir, not `ignore`: git-ignored exports and
//! dot-prefixed Maildir++ folders are exactly what an audit must see), tell each
//! file's kind by content, and sort, so the report order never depends on the
//! file system or the thread count.

use super::decode::sniff_head;
use super::sniff::{NotScanned, TABLE_EXTS, sniff_kind};
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

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// A Maildir folder as one source: every file in `cur/` and `new/`, and the
/// regular files beside them (and in `tmp/`) that parse as messages — exporters
/// and notmuch leave messages there. What is not a message is listed as skipped;
/// other folders inside (Maildir++ `.Sent`) are walked as folders of their own.
/// Message files are followed through symbolic links.
fn maildir_source(
    dir: &Path,
    limits: &Limits,
    d: &mut Discovery,
) -> Result<(Source, Vec<PathBuf>), SourceError> {
    let mut members = Vec::new();
    let mut bytes = 0;
    let mut subdirs = Vec::new();
    for sub in ["cur", "new"] {
        let sub_dir = dir.join(sub);
        let entries = std::fs::read_dir(&sub_dir).map_err(|e| {
            SourceError::new(
                display_path(&sub_dir),
                format!("cannot read Maildir folder: {e}"),
            )
        })?;
        for e in entries.flatten() {
            let path = e.path();
            match std::fs::metadata(&path) {
                Ok(md) if md.is_file() => {
                    bytes += md.len();
                    members.push(path);
                }
                Ok(_) => d.skipped.push((
                    display_path(&path),
                    "not a regular file (pipe, device or socket); not read".into(),
                )),
                Err(err) => d
                    .skipped
                    .push((display_path(&path), format!("cannot read: {err}"))),
            }
        }
    }
    let mut loose = Vec::new();
    let top = std::fs::read_dir(dir)
        .map_err(|e| SourceError::new(display_path(dir), format!("cannot read: {e}")))?;
    loose.extend(top.flatten().map(|e| e.path()));
    if let Ok(tmp) = std::fs::read_dir(dir.join("tmp")) {
        loose.extend(tmp.flatten().map(|e| e.path()));
    }
    for path in loose {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string());
        if matches!(name.as_deref(), Some("cur" | "new" | "tmp")) && path.parent() == Some(dir) {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(md) if md.is_dir() => subdirs.push(path),
            Ok(md) if md.is_file() => match sniff_head(&path, limits) {
                Ok(h) if super::mbox::looks_like_mbox(&h.bytes) => d.sources.push(Source::file(
                    display_path(&path),
                    path.clone(),
                    SourceKind::Mbox,
                    h.gzip,
                    md.len(),
                )),
                Ok(h) if looks_like_message(&h.bytes) => {
                    bytes += md.len();
                    members.push(path);
                }
                Ok(h) if h.bytes.is_empty() => {
                    d.skipped.push((display_path(&path), "empty file".into()))
                }
                Ok(_) => d.skipped.push((
                    display_path(&path),
                    "in a Maildir folder but not a message (index or state file?); not scanned"
                        .into(),
                )),
                Err(e) => d.errors.push(SourceError::new(display_path(&path), e)),
            },
            Ok(_) => d.skipped.push((
                display_path(&path),
                "not a regular file (pipe, device or socket); not read".into(),
            )),
            Err(err) => d
                .skipped
                .push((display_path(&path), format!("cannot read: {err}"))),
        }
    }
    members.sort();
    subdirs.sort();
    let mut source = Source::file(
        display_path(dir),
        dir.to_path_buf(),
        SourceKind::Maildir,
        false,
        bytes,
    );
    source.members = members;
    Ok((source, subdirs))
}

/// A Maildir and, walked as folders of their own, the folders inside it.
fn add_maildir(dir: &Path, limits: &Limits, d: &mut Discovery) {
    match maildir_source(dir, limits, d) {
        Ok((s, subdirs)) => {
            d.sources.push(s);
            for sub in subdirs {
                walk_dir(&sub, limits, d);
            }
        }
        Err(e) => d.errors.push(e),
    }
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
        add_maildir(root, limits, d);
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
                add_maildir(entry.path(), limits, d);
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
    if let Some(what) = super::own_output::recognise(&head.bytes) {
        d.skipped.push((display, super::own_output::reason(what)));
        return;
    }
    let kind = match outlook_kind(path, &head) {
        Some(kind) => Ok(kind),
        None => sniff_kind(&ext, &head.bytes, head.binary, explicit),
    };
    match kind {
        Ok(kind) => d.sources.push(Source::file(
            display,
            path.to_path_buf(),
            kind,
            head.gzip,
            len,
        )),
        Err(NotScanned::Error(e)) => d.errors.push(SourceError::new(display, e)),
        Err(NotScanned::Skipped(reason)) => {
            // Empty files are only worth a line when they were meant to be read.
            let meant = TABLE_EXTS.contains(&ext.as_str())
                || matches!(ext.as_str(), "eml" | "mbox")
                || explicit;
            if !head.bytes.is_empty() || meant {
                d.skipped.push((display, reason));
            }
        }
    }
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
