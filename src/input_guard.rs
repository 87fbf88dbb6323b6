//! "Inputs are never written, nothing is written inside a scanned tree", checked
//! on canonical paths: symbolic links and `..` resolved, and directories also
//! compared by device and inode (a bind mount or a second link to a scanned folder
//! is the same folder). Every writer asks here before it writes.

use std::path::{Path, PathBuf};

/// One path a command reads: a command-line path or a file the scan found.
struct Entry {
    shown: String,
    canon: PathBuf,
    /// The path as named, made absolute with `..` resolved lexically: a folder
    /// that is a symbolic link inside a scanned tree belongs to the tree (the walk
    /// follows it) even though its canonical path lies elsewhere.
    named: PathBuf,
    dir: bool,
    id: Option<(u64, u64)>,
}

/// Everything a command reads, in canonical form.
#[derive(Default)]
pub struct Inputs {
    entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{flag} {target} {relation} the scanned path {input}; inputs are never written, choose a path outside them"
)]
pub struct InsideInput {
    pub flag: String,
    pub target: String,
    pub relation: &'static str,
    pub input: String,
}

impl Inputs {
    /// The command-line paths (files or directories).
    pub fn new(roots: &[PathBuf]) -> Inputs {
        let mut inputs = Inputs::default();
        for r in roots {
            inputs.add(r, &r.display().to_string());
        }
        inputs
    }

    /// Add the files a scan found below its roots, and the folders holding them:
    /// a folder reached through a symbolic link is scanned as much as the root.
    pub fn with_found<'a>(mut self, found: impl IntoIterator<Item = (&'a Path, &'a str)>) -> Self {
        let mut dirs = std::collections::BTreeSet::new();
        for (path, shown) in found {
            let before = self.entries.len();
            self.add(path, shown);
            let Some(e) = self.entries.get(before) else {
                continue;
            };
            let is_root = self.entries[..before].iter().any(|r| r.canon == e.canon);
            if !e.dir
                && !is_root
                && let Some(parent) = e.canon.parent()
            {
                dirs.insert(parent.to_path_buf());
            }
        }
        for d in dirs {
            let shown = d.display().to_string();
            self.add(&d, &shown);
        }
        self
    }

    fn add(&mut self, path: &Path, shown: &str) {
        let Ok(canon) = std::fs::canonicalize(path) else {
            return;
        };
        let meta = std::fs::metadata(&canon).ok();
        self.entries.push(Entry {
            shown: shown.to_string(),
            named: lexical(path),
            dir: meta.as_ref().is_some_and(|m| m.is_dir()),
            id: meta.as_ref().and_then(file_id),
            canon,
        });
    }

    /// Refuse `target` (named by `flag` in the error) when it is an input, lies
    /// inside a scanned directory, or — with `beside_files` — is the directory
    /// holding a scanned file.
    pub fn refuse(&self, flag: &str, target: &Path, beside_files: bool) -> Result<(), InsideInput> {
        let canon = canonical(target);
        let named = lexical(target);
        let own_id = std::fs::metadata(&canon).ok().as_ref().and_then(file_id);
        let ancestor_ids: Vec<(u64, u64)> = canon
            .ancestors()
            .filter_map(|a| std::fs::metadata(a).ok().as_ref().and_then(file_id))
            .collect();
        for e in &self.entries {
            let same = canon == e.canon || (own_id.is_some() && own_id == e.id);
            let inside = e.dir
                && (canon.starts_with(&e.canon)
                    || named.starts_with(&e.named)
                    || e.id.is_some_and(|i| ancestor_ids.contains(&i)));
            let holding = beside_files && !e.dir && e.canon.parent() == Some(canon.as_path());
            let relation = if same {
                "is"
            } else if inside {
                "is inside"
            } else if holding {
                "is the directory holding"
            } else {
                continue;
            };
            return Err(InsideInput {
                flag: flag.to_string(),
                target: target.display().to_string(),
                relation,
                input: e.shown.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// `path` made absolute, `.` and `..` resolved without following links.
fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The canonical form of a path that may not exist yet: its nearest existing
/// ancestor, canonicalized, with the rest appended (`..` in the rest resolved
/// lexically, as the kernel would once the ancestors exist).
pub fn canonical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            return rest
                .iter()
                .rev()
                .fold(c, |mut p: PathBuf, r: &std::ffi::OsString| {
                    if r == ".." {
                        p.pop();
                    } else if r != "." {
                        p.push(r);
                    }
                    p
                });
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            (Some(parent), None) => {
                // `..` or `.` at the end: keep it for the lexical pass.
                rest.push(
                    cur.components()
                        .next_back()
                        .map_or_else(Default::default, |c| c.as_os_str().to_os_string()),
                );
                cur = parent;
            }
            _ => return abs,
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symlinks_and_dotdot_are_resolved() {
        let root = tempfile::tempdir().unwrap();
        let scanned = root.path().join("scan");
        let outside = root.path().join("outside");
        std::fs::create_dir_all(scanned.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("o.csv"), "a\n").unwrap();
        std::os::unix::fs::symlink(&outside, scanned.join("sub/outdir")).unwrap();
        std::os::unix::fs::symlink(&scanned, root.path().join("alias")).unwrap();
        let inputs = Inputs::new(std::slice::from_ref(&scanned))
            .with_found([(outside.join("o.csv").as_path(), "scan/sub/outdir/o.csv")]);
        for bad in [
            scanned.join("sub/outdir/o.csv"),
            outside.join("new.json"),
            root.path().join("alias/new.json"),
            root.path().join("outside/../scan/x/y.json"),
            scanned.join("sub/outdir/actions"),
        ] {
            assert!(
                inputs.refuse("-o", &bad, false).is_err(),
                "{}",
                bad.display()
            );
        }
        assert!(
            inputs
                .refuse("-o", &root.path().join("r.json"), false)
                .is_ok()
        );
        assert!(
            inputs
                .refuse("-o", &root.path().join("r.json"), true)
                .is_ok()
        );
    }
}
