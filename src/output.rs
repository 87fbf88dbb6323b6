//! Everything the tool writes goes to a temporary file beside the target and is
//! renamed into place, so a reader never sees half a report and an interrupted run
//! leaves nothing behind.

use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The header row of every action list (`--export-actions`); also how one left in
/// a scanned folder is recognised and skipped.
pub const ACTION_LIST_HEADER: [&str; 6] =
    ["todo_id", "action", "path", "field", "record", "message_id"];

/// Write `path` atomically with `fill`.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    // A second Ctrl-C exits at once, without unwinding: it removes what is tracked.
    let (tmp, _tracked) = write_beside(path, fill)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Fill a new temporary file in `path`'s directory (owner-only, synced to disk)
/// and track it for Ctrl-C; renaming it into place is the caller's.
pub fn write_beside(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<(tempfile::NamedTempFile, crate::interrupt::TrackedTemp)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".gdpr-audit-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let tracked = crate::interrupt::TrackedTemp::new(tmp.path());
    {
        let mut w = BufWriter::new(tmp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    Ok((tmp, tracked))
}

/// A CSV cell a spreadsheet would read as a formula (or that starts with a control
/// character some read as one) gets a leading `'`, which shows it as text. Paths,
/// field names, titles and record ids come from the scanned files: attacker text.
pub fn defuse_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// A writer that indents every line after the first by `indent`: it places a
/// pretty-printed JSON value inside a deeper one without parsing it again (JSON
/// strings never hold a raw newline, so every newline is a line break).
pub struct Indent<'a, W: Write> {
    inner: W,
    indent: &'a [u8],
}

impl<'a, W: Write> Indent<'a, W> {
    pub fn new(inner: W, indent: &'a [u8]) -> Self {
        Indent { inner, indent }
    }
}

impl<W: Write> Write for Indent<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while let Some(i) = memchr::memchr(b'\n', buf) {
            self.inner.write_all(&buf[..=i])?;
            self.inner.write_all(self.indent)?;
            buf = &buf[i + 1..];
        }
        self.inner.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::{defuse_cell, write_atomic};
    use std::path::Path;

    fn temp_files(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with(".gdpr-audit-")
            })
            .count()
    }

    #[test]
    fn a_write_interrupted_by_a_second_ctrl_c_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        let result = write_atomic(&target, |w| {
            w.write_all(b"half a report")?;
            w.flush()?;
            assert_eq!(
                temp_files(dir.path()),
                1,
                "the write goes to a temporary file"
            );
            // What the second Ctrl-C does just before the process exits.
            crate::interrupt::remove_temp_files_where(|p| p.starts_with(dir.path()));
            assert_eq!(temp_files(dir.path()), 0, "the temporary file is removed");
            Err(std::io::Error::other("interrupted"))
        });
        assert!(result.is_err());
        assert!(!target.exists(), "no partial report");
        assert_eq!(temp_files(dir.path()), 0);
        // A completed write is no longer tracked: the report stays.
        write_atomic(&target, |w| w.write_all(b"{}")).unwrap();
        crate::interrupt::remove_temp_files_where(|p| p.starts_with(dir.path()));
        assert_eq!(std::fs::read(&target).unwrap(), b"{}");
    }

    #[test]
    fn formulas_are_defused_and_text_is_kept() {
        assert_eq!(defuse_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_cell("+1"), "'+1");
        assert_eq!(defuse_cell("-2+3"), "'-2+3");
        assert_eq!(defuse_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_cell("\tx"), "'\tx");
        assert_eq!(defuse_cell("\rx"), "'\rx");
        assert_eq!(defuse_cell("crm/a.csv"), "crm/a.csv");
        assert_eq!(defuse_cell("C-1"), "C-1");
        assert_eq!(defuse_cell(""), "");
    }
}
