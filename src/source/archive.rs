//! Archives (`.zip`, `.tar`, `.tar.gz`/`.tgz`): every member is handed on as a
//! source of its own kind, named `export.zip!/Contact.csv`, and scanned by the same
//! code as a file of that kind. Nothing is extracted to disk: a walker thread reads
//! the archive in order and streams each member through a bounded channel while
//! the scan reads it; zips inside zips (and tars) are walked recursively.
//!
//! Limits, each reported with the member's name when hit: total bytes expanded
//! over the whole archive (`--max-decompressed-size`), the expansion ratio of a
//! member (`max_compression_ratio`, checked past 16 MiB), nesting depth
//! (`--max-archive-depth`) and member count. A bomb stops the whole archive. An
//! encrypted member or an unsupported compression method is an error naming the
//! member, and the walk goes on. Member names are labels only — `../` or absolute
//! names are never opened on disk.

use super::decode::{READ_BUFFER, is_binary};
use super::sniff::{NotScanned, sniff_kind};
use super::{Limits, Source, SourceError, SourceKind};
use std::io::{self, Cursor, Read};

mod pipe;
pub use pipe::MemberInput;
use pipe::{Budget, ChannelReader, Guard, read_some};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Bytes sniffed from the start of each member.
const HEAD_BYTES: usize = 16 * 1024;
/// Data chunks in flight between the walker and the scan (each up to 256 KiB).
const CHANNEL_CHUNKS: usize = 4;

/// What the walk of an archive yields, in archive order.
pub enum ArchiveEvent {
    /// A member to scan (its `input` streams its bytes).
    Member(Source),
    Error(SourceError),
    Warning(SourceError),
    /// A member passed over on purpose: (path, reason).
    Skipped(String, String),
}

/// A running walk of one archive file. Dropping it stops the walker.
pub struct ArchiveWalk {
    events: Receiver<ArchiveEvent>,
    walker: Option<std::thread::JoinHandle<()>>,
}

impl ArchiveWalk {
    pub fn start(source: &Source, limits: &Limits) -> ArchiveWalk {
        let (tx, rx) = sync_channel(0);
        let source = source.clone();
        let limits = limits.clone();
        let walker = std::thread::Builder::new()
            .name("archive".into())
            .spawn(move || {
                let mut w = Walker {
                    tx,
                    limits,
                    budget: Budget::default(),
                    members: 0,
                };
                w.walk_top(&source);
            })
            .ok();
        ArchiveWalk { events: rx, walker }
    }
}

impl Iterator for ArchiveWalk {
    type Item = ArchiveEvent;
    fn next(&mut self) -> Option<ArchiveEvent> {
        self.events.recv().ok()
    }
}

impl Drop for ArchiveWalk {
    fn drop(&mut self) {
        // Closing the channel makes the walker's next send fail; it then ends.
        let (_, dead) = sync_channel(0);
        drop(std::mem::replace(&mut self.events, dead));
        if let Some(h) = self.walker.take() {
            let _ = h.join();
        }
    }
}

/// Why the walk of the whole archive stops.
struct Stop;

struct Walker {
    tx: SyncSender<ArchiveEvent>,
    limits: Limits,
    budget: Budget,
    members: u64,
}

type Step = Result<(), Stop>;

impl Walker {
    fn send(&self, ev: ArchiveEvent) -> Step {
        self.tx.send(ev).map_err(|_| Stop)
    }

    fn error(&self, path: &str, msg: impl Into<String>) -> Step {
        self.send(ArchiveEvent::Error(SourceError::new(path, msg)))
    }

    fn walk_top(&mut self, source: &Source) {
        let display = source.display.clone();
        let _ = match source.kind {
            SourceKind::Zip if !source.gzip => self.zip_file(source),
            SourceKind::Zip | SourceKind::Tar => match source.open(&self.limits) {
                Ok(mut r) if source.kind == SourceKind::Zip => self.zip_stream(&display, &mut r, 1),
                Ok(mut r) => self.tar_stream(&display, &mut r, 1),
                Err(e) => self.error(&display, format!("cannot open: {e}")),
            },
            _ => self.error(&display, "not an archive"),
        };
    }

    /// A zip on disk: members by its central directory (random access); when that
    /// cannot be read (a truncated download), member by member from the start.
    fn zip_file(&mut self, source: &Source) -> Step {
        let display = &source.display;
        let file = match std::fs::File::open(&source.path) {
            Ok(f) => f,
            Err(e) => return self.error(display, format!("cannot open: {e}")),
        };
        match zip::ZipArchive::new(io::BufReader::with_capacity(READ_BUFFER, file)) {
            Ok(mut archive) => self.zip_archive(display, &mut archive, 1),
            Err(e) => {
                self.error(
                    display,
                    format!(
                        "not a complete zip archive ({}; truncated or damaged?); the members before the damage are read in order",
                        zip_error(&e)
                    ),
                )?;
                match source.open(&self.limits) {
                    Ok(mut r) => self.zip_stream(display, &mut r, 1),
                    Err(e) => self.error(display, format!("cannot open: {e}")),
                }
            }
        }
    }

    fn zip_archive<R: Read + io::Seek>(
        &mut self,
        display: &str,
        archive: &mut zip::ZipArchive<R>,
        depth: usize,
    ) -> Step {
        for i in 0..archive.len() {
            let (name, encrypted, dir, compressed) = match archive.by_index_raw(i) {
                Ok(f) => (
                    String::from_utf8_lossy(f.name_raw()).into_owned(),
                    f.encrypted(),
                    f.is_dir(),
                    f.compressed_size(),
                ),
                Err(e) => {
                    self.error(display, format!("member {}: {}", i + 1, zip_error(&e)))?;
                    continue;
                }
            };
            if dir {
                continue;
            }
            let path = member_path(display, &name);
            if encrypted {
                self.error(&path, "encrypted archive member; not scanned")?;
                continue;
            }
            match archive.by_index(i) {
                Ok(mut f) => self.member(&path, &name, &mut f, Some(compressed), depth)?,
                Err(e) => self.error(&path, format!("{}; not scanned", zip_error(&e)))?,
            }
        }
        Ok(())
    }

    /// A zip read from a stream (nested, gzipped, or without a central
    /// directory): members in order from their local headers.
    fn zip_stream(&mut self, display: &str, mut r: &mut dyn Read, depth: usize) -> Step {
        let mut n = 0;
        loop {
            n += 1;
            let mut f = match zip::read::read_zipfile_from_stream(&mut r) {
                Ok(Some(f)) => f,
                Ok(None) => return Ok(()),
                Err(e) => {
                    let at = if n == 1 {
                        String::new()
                    } else {
                        format!("after member {}: ", n - 1)
                    };
                    return self.error(
                        display,
                        format!(
                            "{at}{}; the rest of this archive is not scanned",
                            zip_error(&e)
                        ),
                    );
                }
            };
            if f.is_dir() {
                continue;
            }
            let name = String::from_utf8_lossy(f.name_raw()).into_owned();
            let path = member_path(display, &name);
            if f.encrypted() {
                self.error(&path, "encrypted archive member; not scanned")?;
                continue;
            }
            let compressed = f.compressed_size();
            self.member(&path, &name, &mut f, Some(compressed), depth)?;
        }
    }

    fn tar_stream(&mut self, display: &str, r: &mut dyn Read, depth: usize) -> Step {
        let mut archive = tar::Archive::new(r);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => return self.error(display, format!("not a readable tar archive: {e}")),
        };
        for (i, entry) in entries.enumerate() {
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    return self.error(
                        display,
                        format!(
                            "after member {i}: damaged or truncated tar archive ({e}); the rest is not scanned"
                        ),
                    );
                }
            };
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let path = member_path(display, &name);
            let t = entry.header().entry_type();
            if t.is_dir() || t.is_pax_global_extensions() || t.is_pax_local_extensions() {
                continue;
            }
            if !(t.is_file() || t.is_contiguous()) {
                self.send(ArchiveEvent::Skipped(
                    path,
                    "link or special file in the archive; not followed".into(),
                ))?;
                continue;
            }
            self.member(&path, &name, &mut entry, None, depth)?;
        }
        Ok(())
    }

    /// One member: count it, sniff it, then walk it (an archive), hold it (a
    /// workbook) or stream it to the scan.
    fn member(
        &mut self,
        path: &str,
        name: &str,
        reader: &mut dyn Read,
        compressed: Option<u64>,
        depth: usize,
    ) -> Step {
        self.members += 1;
        if self.members > self.limits.max_archive_members {
            self.error(
                path,
                format!(
                    "more than {} members in this archive; the rest is not scanned",
                    self.limits.max_archive_members
                ),
            )?;
            return Err(Stop);
        }
        if name.starts_with('/')
            || name.split(['/', '\\']).any(|p| p == "..")
            || name.contains(':') && name.as_bytes().get(1) == Some(&b':')
        {
            self.send(ArchiveEvent::Warning(SourceError::new(
                path,
                "member name points outside the archive; used as a label only (nothing is written or opened there)",
            )))?;
        }
        let mut guarded = Guard {
            inner: reader,
            budget: self.budget.clone(),
            produced: 0,
            compressed,
            limits: (
                self.limits.max_decompressed_bytes,
                self.limits.max_compression_ratio,
            ),
        };
        let result = self.sniffed_member(path, name, &mut guarded, depth);
        if let Some(why) = self.budget.tripped() {
            // Reported once, at the member where it happened.
            if self.members != u64::MAX {
                self.members = u64::MAX;
                self.error(
                    path,
                    format!("{why}; the rest of the archive is not scanned"),
                )?;
            }
            return Err(Stop);
        }
        result
    }

    fn sniffed_member(
        &mut self,
        path: &str,
        name: &str,
        reader: &mut dyn Read,
        depth: usize,
    ) -> Step {
        let mut head = Vec::with_capacity(HEAD_BYTES);
        if let Err(e) = reader.take(HEAD_BYTES as u64).read_to_end(&mut head) {
            return self.read_failed(path, &e);
        }
        let lower = name.to_ascii_lowercase();
        let stem = lower.strip_suffix(".gz").unwrap_or(&lower);
        let ext = std::path::Path::new(stem)
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        let mut whole = Cursor::new(head).chain(reader);
        if gzip {
            // A gzipped member: read through the decoder, within the same budget.
            let mut dec = flate2::read::MultiGzDecoder::new(&mut whole);
            let mut guard = Guard {
                inner: &mut dec,
                budget: self.budget.clone(),
                produced: 0,
                compressed: None,
                limits: (
                    self.limits.max_decompressed_bytes,
                    self.limits.max_compression_ratio,
                ),
            };
            return self.sniffed_plain(path, &ext, &mut guard, depth);
        }
        self.sniffed_plain(path, &ext, &mut whole, depth)
    }

    fn read_failed(&self, path: &str, e: &io::Error) -> Step {
        if self.budget.tripped().is_some() {
            return Ok(()); // reported by `member`
        }
        self.error(path, format!("cannot read this archive member: {e}"))
    }

    /// A member's decoded bytes: sniff its kind and act on it.
    fn sniffed_plain(&mut self, path: &str, ext: &str, r: &mut dyn Read, depth: usize) -> Step {
        let mut head = Vec::with_capacity(HEAD_BYTES);
        if let Err(e) = r.take(HEAD_BYTES as u64).read_to_end(&mut head) {
            return self.read_failed(path, &e);
        }
        let kind = match sniff_kind(ext, &head, is_binary(&head), false) {
            Ok(k) => k,
            Err(NotScanned::Skipped(why)) => {
                return self.send(ArchiveEvent::Skipped(path.into(), why));
            }
            Err(NotScanned::Error(why)) => return self.error(path, why),
        };
        let mut rest = Cursor::new(head).chain(r);
        if kind.is_archive() {
            if depth >= self.limits.max_archive_depth {
                return self.error(
                    path,
                    format!(
                        "an archive nested {} deep (--max-archive-depth {}); not opened",
                        depth + 1,
                        self.limits.max_archive_depth
                    ),
                );
            }
            return self.nested(path, kind, &mut rest, depth + 1);
        }
        if kind.is_spreadsheet() {
            let max = self.limits.max_spooled_member_bytes;
            let mut bytes = Vec::new();
            if let Err(e) = (&mut rest).take(max + 1).read_to_end(&mut bytes) {
                return self.read_failed(path, &e);
            }
            if bytes.len() as u64 > max {
                return self.error(
                    path,
                    format!("spreadsheet member larger than {max} bytes (it must be held in memory); not scanned"),
                );
            }
            return self.send(ArchiveEvent::Member(member_source(
                path,
                kind,
                MemberInput::new(Box::new(Cursor::new(bytes))),
            )));
        }
        self.stream(path, kind, &mut rest)
    }

    /// Hand a member to the scan and pump its bytes until it ends or the scan
    /// stops reading it.
    fn stream(&mut self, path: &str, kind: SourceKind, r: &mut dyn Read) -> Step {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(CHANNEL_CHUNKS);
        let input = MemberInput::new(Box::new(ChannelReader {
            rx,
            buf: Vec::new(),
            pos: 0,
        }));
        self.send(ArchiveEvent::Member(member_source(path, kind, input)))?;
        loop {
            let mut chunk = vec![0u8; READ_BUFFER];
            match read_some(r, &mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    chunk.truncate(n);
                    if tx.send(Ok(chunk)).is_err() {
                        return Ok(()); // the scan has what it wanted
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(io::Error::new(e.kind(), e.to_string())));
                    return Ok(());
                }
            }
        }
    }

    fn nested(&mut self, path: &str, kind: SourceKind, r: &mut dyn Read, depth: usize) -> Step {
        if kind == SourceKind::Tar {
            return self.tar_stream(path, r, depth);
        }
        // A nested zip: in memory when small, so its central directory is used;
        // else member by member from its local headers.
        let max = self.limits.max_spooled_member_bytes;
        let mut bytes = Vec::new();
        if let Err(e) = r.take(max + 1).read_to_end(&mut bytes) {
            return self.read_failed(path, &e);
        }
        if bytes.len() as u64 <= max {
            if let Ok(mut a) = zip::ZipArchive::new(Cursor::new(&bytes[..])) {
                return self.zip_archive(path, &mut a, depth);
            }
            self.error(
                path,
                "not a complete zip archive (truncated or damaged?); the members before the damage are read in order",
            )?;
        }
        let mut whole = Cursor::new(bytes).chain(r);
        self.zip_stream(path, &mut whole, depth)
    }
}

/// A member as a source. Its `bytes` are 0: the archive's size on disk is what
/// the summary counts.
fn member_source(path: &str, kind: SourceKind, input: MemberInput) -> Source {
    let mut s = Source::file(path.to_string(), std::path::PathBuf::new(), kind, false, 0);
    s.input = Some(input);
    s
}

/// `export.zip!/Contact.csv`
pub fn member_path(archive: &str, name: &str) -> String {
    format!("{archive}!/{name}")
}

/// The zip crate's error, in a sentence.
fn zip_error(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError;
    match e {
        ZipError::Io(io) => format!("read error: {io}"),
        ZipError::InvalidArchive(m) => format!("invalid zip archive: {m}"),
        ZipError::UnsupportedArchive(m) => format!("unsupported: {m}"),
        ZipError::CompressionMethodNotSupported(m) => {
            format!("compression method {m} is not supported")
        }
        ZipError::InvalidPassword => "encrypted archive member".into(),
        other => other.to_string(),
    }
}
