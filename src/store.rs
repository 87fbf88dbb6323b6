//! Findings kept in their final order without holding them all in memory: a few
//! thousand stay in memory, the rest go to an anonymous temporary file (unlinked at
//! creation, so nothing is left behind even on a crash) as JSON lines, and are read
//! back in order when a report is written. Only what was already masked goes there,
//! unless `--show-values` asked for values.

use crate::finding::Finding;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};

/// Findings held in memory before they are moved to disk.
const SPILL_AT: usize = 1024;

/// An ordered collection of findings, in memory or spilled.
#[derive(Default)]
pub struct FindingStore {
    spill: Option<Spill>,
    mem: Vec<Finding>,
}

struct Spill {
    /// Behind a mutex so a reader can flush it through `&self`.
    writer: std::sync::Mutex<BufWriter<File>>,
    count: u64,
}

impl FindingStore {
    pub fn new() -> FindingStore {
        FindingStore::default()
    }

    pub fn from_vec(v: Vec<Finding>) -> FindingStore {
        FindingStore {
            spill: None,
            mem: v,
        }
    }

    pub fn len(&self) -> u64 {
        self.spill.as_ref().map_or(0, |s| s.count) + self.mem.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, f: Finding) {
        self.mem.push(f);
        if self.mem.len() >= SPILL_AT {
            self.spill_mem();
        }
    }

    /// Move what is in memory to disk. If the disk fails, findings simply stay in
    /// memory: slower to run out of room, never lost.
    fn spill_mem(&mut self) {
        if cfg!(not(unix)) {
            return;
        }
        if self.spill.is_none() {
            match tempfile::tempfile() {
                Ok(f) => {
                    self.spill = Some(Spill {
                        writer: std::sync::Mutex::new(BufWriter::with_capacity(256 * 1024, f)),
                        count: 0,
                    })
                }
                Err(_) => return,
            }
        }
        let Some(spill) = self.spill.as_mut() else {
            return;
        };
        let writer = spill
            .writer
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut written = 0;
        for f in &self.mem {
            if serde_json::to_writer(&mut *writer, f).is_err() || writer.write_all(b"\n").is_err() {
                break;
            }
            written += 1;
        }
        spill.count += written as u64;
        self.mem.drain(..written);
    }

    /// Append `other` after everything already here. Spilled findings are copied
    /// as bytes, not parsed and written again.
    pub fn append(&mut self, mut other: FindingStore) {
        if let Some(theirs) = other.spill.take() {
            // Keep the order: what is in memory here goes to disk first.
            self.spill_mem();
            let copied = match (self.spill.as_mut(), theirs.raw_reader()) {
                (Some(mine), Ok(mut r)) if self.mem.is_empty() => {
                    let w = mine
                        .writer
                        .get_mut()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match io::copy(&mut r, w) {
                        Ok(_) => {
                            mine.count += theirs.count;
                            true
                        }
                        Err(_) => false,
                    }
                }
                _ => false,
            };
            if !copied {
                // No disk of our own (or it failed): read theirs back one by one.
                if let Ok(r) = theirs.reader() {
                    for f in r.map_while(Result::ok) {
                        self.push(f);
                    }
                }
            }
        }
        for f in std::mem::take(&mut other.mem) {
            self.push(f);
        }
    }

    /// All findings in order. Spilled ones are read back from disk.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, Finding>> {
        let disk: Box<dyn Iterator<Item = Cow<'_, Finding>>> =
            match self.spill.as_ref().and_then(|s| s.reader().ok()) {
                Some(r) => Box::new(r.map_while(|f| match f {
                    Ok(f) => Some(Cow::Owned(f)),
                    Err(e) => {
                        log::error!("could not read back spilled findings: {e}");
                        None
                    }
                })),
                None => Box::new(std::iter::empty()),
            };
        disk.chain(self.mem.iter().map(Cow::Borrowed))
    }

    fn into_iter_owned(mut self) -> impl Iterator<Item = io::Result<Finding>> {
        let disk: Box<dyn Iterator<Item = io::Result<Finding>>> =
            match self.spill.take().map(|s| s.reader()) {
                Some(Ok(r)) => Box::new(r),
                Some(Err(e)) => Box::new(std::iter::once(Err(e))),
                None => Box::new(std::iter::empty()),
            };
        disk.chain(std::mem::take(&mut self.mem).into_iter().map(Ok))
    }

    /// Keep the findings for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Finding) -> bool) {
        let old = std::mem::take(self);
        for f in old.into_iter_owned().flatten() {
            if keep(&f) {
                self.push(f);
            }
        }
    }

    /// All findings in memory (small reports, tests).
    pub fn to_vec(&self) -> Vec<Finding> {
        self.iter().map(Cow::into_owned).collect()
    }
}

impl Spill {
    /// The spilled bytes from the start (flushed first).
    fn raw_reader(&self) -> io::Result<impl Read> {
        let file = {
            let mut w = self
                .writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            w.flush()?;
            w.get_ref().try_clone()?
        };
        Ok(PositionalReader { file, pos: 0 })
    }

    /// A reader over what was written so far, from the start, that does not disturb
    /// the writer (positional reads on Unix).
    fn reader(&self) -> io::Result<SpillReader> {
        let file = {
            let mut w = self
                .writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            w.flush()?;
            w.get_ref().try_clone()?
        };
        Ok(SpillReader {
            lines: BufReader::with_capacity(256 * 1024, PositionalReader { file, pos: 0 }),
            remaining: self.count,
        })
    }
}

struct PositionalReader {
    file: File,
    pos: u64,
}

impl Read for PositionalReader {
    #[cfg(unix)]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
    #[cfg(not(unix))]
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Ok(0)
    }
}

struct SpillReader {
    lines: BufReader<PositionalReader>,
    remaining: u64,
}

impl Iterator for SpillReader {
    type Item = io::Result<Finding>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let mut line = String::new();
        match self.lines.read_line(&mut line) {
            Ok(0) => Some(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "spilled findings were cut short",
            ))),
            Ok(_) => Some(serde_json::from_str(&line).map_err(io::Error::other)),
            Err(e) => Some(Err(e)),
        }
    }
}

impl<'a> IntoIterator for &'a FindingStore {
    type Item = Cow<'a, Finding>;
    type IntoIter = Box<dyn Iterator<Item = Cow<'a, Finding>> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl FromIterator<Finding> for FindingStore {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        let mut s = FindingStore::new();
        for f in iter {
            s.push(f);
        }
        s
    }
}

impl std::fmt::Debug for FindingStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FindingStore({} findings)", self.len())
    }
}

impl Clone for FindingStore {
    fn clone(&self) -> Self {
        FindingStore::from_vec(self.to_vec())
    }
}

impl PartialEq for FindingStore {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Serialize for FindingStore {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq =
            s.serialize_seq(Some(usize::try_from(self.len()).map_err(S::Error::custom)?))?;
        if let Some(spill) = &self.spill {
            for f in spill.reader().map_err(S::Error::custom)? {
                seq.serialize_element(&f.map_err(S::Error::custom)?)?;
            }
        }
        for f in &self.mem {
            seq.serialize_element(f)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for FindingStore {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Finding>::deserialize(d).map(FindingStore::from_vec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spills_and_reads_back_in_order() {
        let mut s = FindingStore::new();
        for i in 0..(SPILL_AT as u64 * 2 + 10) {
            s.push(crate::finding::sample(&format!("{i:032}"), i));
        }
        assert!(s.mem.len() < SPILL_AT);
        assert_eq!(s.len(), SPILL_AT as u64 * 2 + 10);
        let rows: Vec<u64> = s.iter().map(|f| f.location.record()).collect();
        assert_eq!(rows, (0..(SPILL_AT as u64 * 2 + 10)).collect::<Vec<_>>());
        let json = serde_json::to_string(&s).expect("serialize");
        let back: FindingStore = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back.len(), s.len());
        let mut t = FindingStore::new();
        t.push(crate::finding::sample("x", 99_999));
        t.append(s);
        t.retain(|f| f.location.record() % 2 == 1);
        assert_eq!(t.iter().next().map(|f| f.location.record()), Some(99_999));
        assert_eq!(t.len(), 1 + (SPILL_AT as u64 * 2 + 10) / 2);
    }
}
