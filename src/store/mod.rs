//! Findings kept in their final order without holding them all in memory.
//!
//! Each finding is encoded once, on the worker thread that made it, as the exact
//! bytes of its element in the JSON report. A few hundred KiB of them stay in
//! memory; the rest go to an anonymous temporary file (unlinked at creation, so
//! nothing is left behind even on a crash). Merging stores copies bytes, the JSON
//! report copies them again, and only other formats parse findings back, one at a
//! time. Only what was already masked goes there, unless `--show-values` asked for
//! values.

use crate::finding::{Facts, Finding};
use crate::model::{Category, Location, Severity};
use serde::de::{SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use spill::{Records, Spill};
use std::io::{self, Read, Write};

mod compact;
mod spill;

pub use compact::{compact, expand};

/// Encoded findings held in memory before they are moved to disk.
const SPILL_BYTES: usize = 512 * 1024;

/// Indentation of a finding inside the report's `findings` array (depth 2 of the
/// pretty-printed report).
pub const ELEMENT_INDENT: &[u8] = b"    ";

/// A finding as the bytes it will have in the JSON report, and what counting it
/// needs. The value, mask, fingerprint and message details live only in the bytes,
/// so a batch of findings waiting to be merged stays small.
pub struct EncodedFinding {
    bytes: Box<[u8]>,
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: f64,
    pub path: String,
    pub location: Location,
}

impl EncodedFinding {
    pub fn new(f: Finding) -> EncodedFinding {
        EncodedFinding {
            bytes: encode(&f).into_boxed_slice(),
            rule: f.rule,
            category: f.category,
            severity: f.severity,
            confidence: f.confidence,
            path: f.path,
            location: f.location,
        }
    }

    /// The finding back from its bytes (`None` if they do not parse).
    pub fn decode(&self) -> Option<Finding> {
        serde_json::from_slice(&self.bytes).ok()
    }

    pub fn facts(&self) -> Facts<'_> {
        Facts {
            rule: &self.rule,
            category: self.category,
            confidence: self.confidence,
            path: &self.path,
            location: &self.location,
        }
    }
}

fn encode(f: &Finding) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(640);
    let w = crate::output::Indent::new(&mut bytes, ELEMENT_INDENT);
    // Strings, numbers and enums into a Vec: serde_json has no way to fail here.
    if let Err(e) = serde_json::to_writer_pretty(w, f) {
        // serde's message may quote what it could not write: only its kind.
        log::error!("could not encode a finding ({:?} error)", e.classify());
        bytes.clear();
        bytes.extend_from_slice(b"null");
    }
    bytes
}

/// An ordered collection of findings, in memory or spilled.
#[derive(Default)]
pub struct FindingStore {
    spill: Option<Spill>,
    /// The disk failed once (no temporary file, a failed write): keep the rest in
    /// memory rather than retry on every finding.
    disk_failed: bool,
    /// Records not yet on disk, each a little-endian `u32` length and the bytes.
    mem: Vec<u8>,
    mem_count: u64,
}

impl FindingStore {
    pub fn new() -> FindingStore {
        FindingStore::default()
    }

    pub fn from_vec(v: Vec<Finding>) -> FindingStore {
        v.into_iter().collect()
    }

    pub fn len(&self) -> u64 {
        self.spill.as_ref().map_or(0, |s| s.count) + self.mem_count
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, f: Finding) {
        self.push_bytes(&encode(&f));
    }

    /// Keep a finding encoded on a worker thread: a copy of its bytes.
    pub fn push_encoded(&mut self, e: EncodedFinding) {
        self.push_bytes(&e.bytes);
    }

    fn push_bytes(&mut self, bytes: &[u8]) {
        let Ok(len) = u32::try_from(bytes.len()) else {
            log::error!("a finding of {} bytes is too large to keep", bytes.len());
            return;
        };
        // Spill before the buffer would grow past its size, not after.
        if self.mem.len() + 4 + bytes.len() > SPILL_BYTES {
            self.spill_mem();
        }
        self.mem.extend_from_slice(&len.to_le_bytes());
        self.mem.extend_from_slice(bytes);
        self.mem_count += 1;
    }

    /// Move what is in memory to disk. If the disk fails, findings simply stay in
    /// memory: slower to run out of room, never lost.
    fn spill_mem(&mut self) {
        if cfg!(not(unix)) || self.disk_failed || self.mem.is_empty() {
            return;
        }
        if self.spill.is_none() {
            match Spill::create() {
                Ok(s) => self.spill = Some(s),
                Err(e) => return self.give_up_disk(&e),
            }
        }
        let written = match self.spill.as_mut() {
            Some(spill) => spill.append(&self.mem, self.mem_count),
            None => return,
        };
        match written {
            Ok(()) => {
                self.mem.clear();
                self.mem_count = 0;
            }
            Err(e) => self.give_up_disk(&e),
        }
    }

    fn give_up_disk(&mut self, e: &io::Error) {
        log::warn!("cannot keep findings on disk ({e}); keeping them in memory");
        self.disk_failed = true;
    }

    /// Append `other` after everything already here, copying bytes.
    pub fn append(&mut self, mut other: FindingStore) {
        if self.is_empty() {
            *self = other;
            return;
        }
        if let Some(theirs) = other.spill.take() {
            // Keep the order: what is in memory here goes to disk first.
            self.spill_mem();
            let copied = match self.spill.as_mut() {
                Some(mine) if self.mem.is_empty() => mine.copy_from(&theirs).is_ok(),
                _ => false,
            };
            if !copied {
                // No disk of our own (or it failed): take theirs record by record.
                let mut records = Records::new(theirs.reader());
                let mut buf = Vec::new();
                loop {
                    match records.next_into(&mut buf) {
                        Ok(true) => self.push_bytes(&buf),
                        Ok(false) => break,
                        Err(e) => {
                            log::error!("could not read back spilled findings: {e}");
                            break;
                        }
                    }
                }
            }
        }
        self.mem.append(&mut other.mem);
        self.mem_count += other.mem_count;
        if self.mem.len() >= SPILL_BYTES {
            self.spill_mem();
        }
    }

    /// The encoded records in order, from disk then from memory.
    fn records(&self) -> Records<impl Read + '_> {
        let disk: Box<dyn Read> = match &self.spill {
            Some(s) => Box::new(s.reader()),
            None => Box::new(io::empty()),
        };
        Records::new(disk.chain(&self.mem[..]))
    }

    /// Each encoded record in order, with its parsed finding (`None` if it does not
    /// parse: that one is logged and skipped, the rest still come). Stops, logged,
    /// if the disk fails.
    fn parsed(&self) -> impl Iterator<Item = (Vec<u8>, Option<Finding>)> + '_ {
        let mut records = self.records();
        let mut left = self.len();
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let mut buf = Vec::new();
            match records.next_into(&mut buf) {
                Ok(true) => {
                    let f = serde_json::from_slice(&buf)
                        // serde's message may quote the stored text: only where it failed.
                        .map_err(|e| {
                            log::error!("a stored finding does not parse (column {})", e.column())
                        })
                        .ok();
                    Some((buf, f))
                }
                Ok(false) => {
                    log::error!("spilled findings were cut short");
                    None
                }
                Err(e) => {
                    log::error!("could not read back spilled findings: {e}");
                    None
                }
            }
        })
    }

    /// All findings in order, parsed back one at a time.
    pub fn iter(&self) -> impl Iterator<Item = Finding> + '_ {
        self.parsed().filter_map(|(_, f)| f)
    }

    /// The findings as the `findings` array of the pretty-printed JSON report, the
    /// bytes copied as they were encoded.
    pub fn write_json_array(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.is_empty() {
            return out.write_all(b"[]");
        }
        out.write_all(b"[")?;
        let mut records = self.records();
        let mut buf = Vec::new();
        let mut sep: &[u8] = b"\n";
        for _ in 0..self.len() {
            if !records.next_into(&mut buf)? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "spilled findings were cut short",
                ));
            }
            out.write_all(sep)?;
            out.write_all(ELEMENT_INDENT)?;
            out.write_all(&buf)?;
            sep = b",\n";
        }
        out.write_all(b"\n  ]")
    }

    /// Keep the findings for which `keep` is true, in order (their bytes as they
    /// were encoded).
    pub fn retain(&mut self, mut keep: impl FnMut(&Finding) -> bool) {
        let old = std::mem::take(self);
        for (bytes, f) in old.parsed() {
            if f.is_some_and(|f| keep(&f)) {
                self.push_bytes(&bytes);
            }
        }
    }

    /// Each finding's encoded bytes, in order (what a partial report carries, so a
    /// merge stores exactly the bytes a single scan would have). An error when the
    /// disk fails or the records were cut short.
    pub fn raw_records(&self) -> impl Iterator<Item = io::Result<Vec<u8>>> + '_ {
        let mut records = self.records();
        let mut left = self.len();
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let mut buf = Vec::new();
            Some(match records.next_into(&mut buf) {
                Ok(true) => Ok(buf),
                Ok(false) => {
                    left = 0;
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "spilled findings were cut short",
                    ))
                }
                Err(e) => {
                    left = 0;
                    Err(e)
                }
            })
        })
    }

    /// Keep a finding's bytes as [`raw_records`](Self::raw_records) gave them.
    pub fn push_raw(&mut self, bytes: &[u8]) {
        self.push_bytes(bytes);
    }

    /// All findings in memory (small reports, tests).
    pub fn to_vec(&self) -> Vec<Finding> {
        self.iter().collect()
    }
}

impl<'a> IntoIterator for &'a FindingStore {
    type Item = Finding;
    type IntoIter = Box<dyn Iterator<Item = Finding> + 'a>;
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
        self.iter().collect()
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
        let mut n = 0u64;
        for f in self.iter() {
            seq.serialize_element(&f)?;
            n += 1;
        }
        if n != self.len() {
            return Err(S::Error::custom("spilled findings could not be read back"));
        }
        seq.end()
    }
}

/// A saved report's findings go straight into a store, one at a time.
impl<'de> Deserialize<'de> for FindingStore {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StoreVisitor;
        impl<'de> Visitor<'de> for StoreVisitor {
            type Value = FindingStore;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of findings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FindingStore, A::Error> {
                let mut store = FindingStore::new();
                while let Some(f) = seq.next_element::<Finding>()? {
                    store.push(f);
                }
                Ok(store)
            }
        }
        d.deserialize_seq(StoreVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(s: &FindingStore) -> Vec<u64> {
        s.iter().map(|f| f.location.record()).collect()
    }

    #[test]
    fn spills_and_reads_back_in_order() {
        let n = 3000u64;
        let mut s = FindingStore::new();
        for i in 0..n {
            s.push(crate::finding::sample(&format!("{i:032}"), i));
        }
        assert!(s.spill.is_some(), "3000 findings must go to disk");
        assert!(s.mem.len() < SPILL_BYTES);
        assert_eq!(s.len(), n);
        assert_eq!(rows(&s), (0..n).collect::<Vec<_>>());
        let json = serde_json::to_string(&s).expect("serialize");
        let back: FindingStore = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, s);
        let mut t = FindingStore::new();
        t.push(crate::finding::sample("x", 99_999));
        t.append(s);
        t.retain(|f| f.location.record() % 2 == 1);
        assert_eq!(t.iter().next().map(|f| f.location.record()), Some(99_999));
        assert_eq!(t.len(), 1 + n / 2);
    }

    #[test]
    fn appending_keeps_order_whatever_is_on_disk() {
        let make = |from: u64, to: u64| -> FindingStore {
            (from..to)
                .map(|i| crate::finding::sample(&format!("{i:032}"), i))
                .collect()
        };
        // memory + disk, disk + memory, empty + disk, disk + disk
        let mut a = make(0, 10);
        a.append(make(10, 2500));
        a.append(make(2500, 2510));
        a.append(make(2510, 6000));
        let mut e = FindingStore::new();
        e.append(a);
        e.append(FindingStore::new());
        assert_eq!(e.len(), 6000);
        assert_eq!(rows(&e), (0..6000).collect::<Vec<_>>());
    }

    #[test]
    fn the_json_array_is_what_serde_json_writes() {
        for n in [0u64, 1, 3, 2000] {
            let s: FindingStore = (0..n)
                .map(|i| crate::finding::sample(&format!("{i:032}"), i))
                .collect();
            #[derive(Serialize)]
            struct Wrap<'a> {
                findings: &'a FindingStore,
            }
            // One field deep, as in the report.
            let expected = serde_json::to_string_pretty(&Wrap { findings: &s }).expect("serialize");
            let mut got = b"{\n  \"findings\": ".to_vec();
            s.write_json_array(&mut got).expect("write");
            got.extend_from_slice(b"\n}");
            assert_eq!(String::from_utf8_lossy(&got), expected, "{n} findings");
        }
    }
}
