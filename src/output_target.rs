//! Where an output goes, decided once for every writer. Replace-by-rename is only
//! for regular files: a character device (`/dev/null`, a terminal), a FIFO or `-`
//! (standard output) is written to directly, and a directory, socket or block
//! device is refused. A path that names an open descriptor — `/dev/stdout`,
//! `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, directly or through symbolic
//! links — is written to through that descriptor, whatever it is open on: a log
//! that standard output is redirected to is appended to at its current offset,
//! never replaced. Other symbolic links are followed, so the link itself is never
//! replaced.
//!
//! A command's outputs are [`Outputs::stage`]d first — regular files into
//! temporary files beside their targets — and [`Outputs::commit`]ted together by
//! renaming, so a full disk leaves all of them or none.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What an output path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    /// `-`: standard output.
    Stdout,
    /// A character device or FIFO: opened for writing, never replaced.
    Stream(PathBuf),
    /// An open descriptor of this process other than standard output
    /// (`/dev/stderr`, `/dev/fd/3`): written through a duplicate of it.
    Descriptor(i32),
    /// A regular file, existing or new (symbolic links resolved): written to a
    /// temporary file beside it and renamed into place.
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(
        "{path} is a {kind}; an output must be a regular file, a character device, a FIFO or `-`"
    )]
    Unsupported { path: String, kind: &'static str },
    #[error(
        "{path} is an open file of another process; write to it through a pipe or name the file itself"
    )]
    OtherProcess { path: String },
    #[error("cannot use {path} as an output: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

impl OutputTarget {
    /// Decide what `path` is. A path that does not exist yet is a new regular file.
    pub fn resolve(path: &Path) -> Result<OutputTarget, TargetError> {
        if path.as_os_str() == "-" {
            return Ok(OutputTarget::Stdout);
        }
        let named = descriptor_named(path);
        match named {
            Some(Descriptor::Own(1)) => return Ok(OutputTarget::Stdout),
            Some(Descriptor::Own(fd)) => return Ok(OutputTarget::Descriptor(fd)),
            _ => {}
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A dangling symbolic link: write where it points, never over it.
                return Ok(OutputTarget::File(
                    std::fs::read_link(path)
                        .map(|t| match path.parent() {
                            Some(p) => p.join(t),
                            None => t,
                        })
                        .unwrap_or_else(|_| path.to_path_buf()),
                ));
            }
            Err(source) => {
                return Err(TargetError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let kind = kind_of(&meta.file_type());
        match kind {
            "regular file" if named == Some(Descriptor::OtherProcess) => {
                Err(TargetError::OtherProcess {
                    path: path.display().to_string(),
                })
            }
            "regular file" => Ok(OutputTarget::File(
                std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            )),
            "character device" | "FIFO" => Ok(OutputTarget::Stream(path.to_path_buf())),
            _ => Err(TargetError::Unsupported {
                path: path.display().to_string(),
                kind,
            }),
        }
    }

    /// The file a rename would create or replace, if this target is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            OutputTarget::File(p) => Some(p),
            _ => None,
        }
    }
}

/// A descriptor a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Descriptor {
    /// Descriptor N of this process.
    Own(i32),
    /// A descriptor of another process (`/proc/<pid>/fd/N`).
    OtherProcess,
}

/// The descriptor `path` names, directly or through symbolic links (at most 40,
/// as the kernel allows): `/dev/stdin`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
/// `/proc/self/fd/N`, `/proc/thread-self/fd/N` or `/proc/<pid>/fd/N`.
fn descriptor_named(path: &Path) -> Option<Descriptor> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        // By its spelling, then with its folder resolved (`fd/1` from `/dev`).
        let in_folder = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .and_then(|d| std::fs::canonicalize(d).ok())
            .zip(p.file_name())
            .map(|(d, name)| d.join(name));
        if let Some(d) = descriptor_path(&p).or_else(|| descriptor_path(in_folder.as_ref()?)) {
            return Some(d);
        }
        let target = std::fs::read_link(&p).ok()?;
        p = match p.parent() {
            Some(parent) if target.is_relative() => parent.join(target),
            _ => target,
        };
    }
    None
}

/// [`descriptor_named`] for one path, by its spelling.
fn descriptor_path(p: &Path) -> Option<Descriptor> {
    let p: PathBuf = p.components().collect();
    let s = p.to_str()?;
    match s {
        "/dev/stdin" => return Some(Descriptor::Own(0)),
        "/dev/stdout" => return Some(Descriptor::Own(1)),
        "/dev/stderr" => return Some(Descriptor::Own(2)),
        _ => {}
    }
    let (owner, fd) = if let Some(fd) = s.strip_prefix("/dev/fd/") {
        ("self", fd)
    } else {
        s.strip_prefix("/proc/")?.split_once("/fd/")?
    };
    let fd: i32 = fd.parse().ok()?;
    // `self`, `thread-self`, `<pid>`, optionally followed by `/task/<tid>`.
    let process = owner.split('/').next()?;
    if process == "self"
        || process == "thread-self"
        || process.parse::<u32>().ok() == Some(std::process::id())
    {
        Some(Descriptor::Own(fd))
    } else if process.bytes().all(|b| b.is_ascii_digit()) {
        Some(Descriptor::OtherProcess)
    } else {
        None
    }
}

/// A duplicate of this process's descriptor `fd`, written to at its offset.
#[cfg(unix)]
fn duplicate(fd: i32) -> io::Result<std::fs::File> {
    use std::os::fd::FromRawFd;
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) takes no pointers; on a descriptor that is
    // not open it fails with EBADF, checked below.
    let dup = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if dup < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `dup` is a new descriptor that nothing else owns.
    Ok(unsafe { std::fs::File::from_raw_fd(dup) })
}

#[cfg(not(unix))]
fn duplicate(_fd: i32) -> io::Result<std::fs::File> {
    Err(io::Error::other("descriptors are named only on Unix"))
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "character device";
        }
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_dir() {
        "directory"
    } else if t.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// A writer whose reader may go away (`| head -1`): after a broken pipe the rest
/// is discarded, so the command still finishes and its verdict decides the exit
/// code, with no error noise.
pub struct PipeTolerant<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeTolerant<W> {
    pub fn new(inner: W) -> Self {
        PipeTolerant {
            inner,
            closed: false,
        }
    }

    fn guard(&mut self, r: io::Result<()>) -> io::Result<()> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            r => r,
        }
    }
}

impl<W: Write> Write for PipeTolerant<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.write_all(buf);
        self.guard(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.guard(r)
    }
}

/// Write `fill` to a stream (standard output or an opened device or FIFO),
/// through [`crate::terminal_text::TerminalSafe`] when `terminal`.
fn write_stream(
    w: impl Write,
    terminal: bool,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    // Unbuffered, pretty JSON would be a write per line.
    let mut out = PipeTolerant::new(BufWriter::with_capacity(256 * 1024, w));
    if terminal {
        let mut safe = crate::terminal_text::TerminalSafe::new(&mut out);
        fill(&mut safe)?;
        safe.flush()?;
    } else {
        fill(&mut out)?;
    }
    out.flush()
}

/// The outputs of one command, committed together.
#[derive(Default)]
pub struct Outputs {
    /// Each temporary file, its target, and its entry in the list a second Ctrl-C
    /// removes (it exits without unwinding).
    staged: Vec<(
        tempfile::NamedTempFile,
        PathBuf,
        crate::interrupt::TrackedTemp,
    )>,
}

impl Outputs {
    pub fn new() -> Outputs {
        Outputs::default()
    }

    /// Write one output: a stream at once, a file into a temporary file beside it
    /// (owner-only, synced) that [`Outputs::commit`] renames into place.
    pub fn stage(
        &mut self,
        target: &OutputTarget,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.stage_filtered(target, false, fill)
    }

    /// [`Outputs::stage`], and when the target is a terminal the text goes through
    /// [`crate::terminal_text::TerminalSafe`]. Files stay exact.
    pub fn stage_for_terminal(
        &mut self,
        target: &OutputTarget,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.stage_filtered(target, true, fill)
    }

    fn stage_filtered(
        &mut self,
        target: &OutputTarget,
        sanitize: bool,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        use std::io::IsTerminal;
        match target {
            OutputTarget::Stdout => {
                let out = io::stdout();
                let terminal = sanitize && out.is_terminal();
                write_stream(out.lock(), terminal, fill)
            }
            OutputTarget::Stream(p) => {
                let f = std::fs::OpenOptions::new().write(true).open(p)?;
                let terminal = sanitize && f.is_terminal();
                write_stream(f, terminal, fill)
            }
            OutputTarget::Descriptor(fd) => {
                let f = duplicate(*fd)?;
                let terminal = sanitize && f.is_terminal();
                write_stream(f, terminal, fill)
            }
            OutputTarget::File(path) => {
                let (tmp, tracked) = crate::output::write_beside(path, fill)?;
                self.staged.push((tmp, path.clone(), tracked));
                Ok(())
            }
        }
    }

    /// Rename every staged file into place. Renames need no space, so after every
    /// output was staged they do not fail for a full disk; on any earlier error the
    /// temporary files are removed when `self` is dropped and nothing is replaced.
    pub fn commit(self) -> Result<(), (PathBuf, io::Error)> {
        for (tmp, path, _tracked) in self.staged {
            if let Err(e) = tmp.persist(&path) {
                return Err((path, e.error));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_by_kind() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            OutputTarget::resolve(Path::new("-")).unwrap(),
            OutputTarget::Stdout
        );
        let new = dir.path().join("new.json");
        assert_eq!(
            OutputTarget::resolve(&new).unwrap(),
            OutputTarget::File(new.clone())
        );
        let e = OutputTarget::resolve(dir.path()).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        #[cfg(unix)]
        {
            assert_eq!(
                OutputTarget::resolve(Path::new("/dev/null")).unwrap(),
                OutputTarget::Stream("/dev/null".into())
            );
            let real = dir.path().join("real.json");
            std::fs::write(&real, "x").unwrap();
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            assert_eq!(
                OutputTarget::resolve(&link).unwrap(),
                OutputTarget::File(std::fs::canonicalize(&real).unwrap())
            );
        }
    }

    #[test]
    fn nothing_is_renamed_unless_committed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let mut outs = Outputs::new();
        outs.stage(&OutputTarget::File(a.clone()), |w| w.write_all(b"1"))
            .unwrap();
        let failed = outs.stage(&OutputTarget::File(dir.path().join("b")), |_| {
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        drop(outs);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut outs = Outputs::new();
        outs.stage(&OutputTarget::File(a.clone()), |w| w.write_all(b"1"))
            .unwrap();
        outs.commit().unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"1");
    }

    #[test]
    fn a_closed_pipe_swallows_the_rest() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut w = PipeTolerant::new(Closed);
        assert!(w.write_all(b"x").is_ok());
        assert!(w.write_all(b"y").is_ok());
        assert!(w.flush().is_ok());
    }
}
