//! Merging parts: check that they are the shards of one scan, all of them and each
//! once, then hand their files on in discovery order — a k-way merge of parts
//! already in that order, so only one file line per part is ever held.

use super::{PartHeader, PartReader};
use crate::audit::FileResult;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Why parts cannot be merged; the message names the part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

/// The parts of one scan, checked, ordered by shard.
pub struct Parts {
    parts: Vec<PartReader>,
}

impl Parts {
    /// Check that `parts` are the shards 1..=N of one scan, each once.
    pub fn check(mut parts: Vec<PartReader>) -> Result<Parts, MergeError> {
        let Some(first) = parts.first() else {
            return Err(MergeError("no parts to merge".into()));
        };
        let (scan, shards) = (first.header.scan.clone(), first.header.shards);
        let first_name = first.name().to_string();
        for p in &parts {
            let h = &p.header;
            if let Some(what) = scan.difference(&h.scan) {
                return Err(p.error(&format!(
                    "is not a shard of the same scan as part {first_name}: its {what} differ"
                )));
            }
            if h.shards != shards {
                return Err(p.error(&format!(
                    "is shard {}/{} but part {first_name} is one of {shards} shards",
                    h.shard, h.shards
                )));
            }
            if h.shard == 0 || h.shard > h.shards {
                return Err(p.error(&format!("says it is shard {}/{}", h.shard, h.shards)));
            }
        }
        parts.sort_by_key(|p| p.header.shard);
        for w in parts.windows(2) {
            if w[0].header.shard == w[1].header.shard {
                return Err(MergeError(format!(
                    "parts {} and {} are both shard {}/{shards}",
                    w[0].name(),
                    w[1].name(),
                    w[0].header.shard
                )));
            }
        }
        let missing: Vec<String> = (1..=shards)
            .filter(|k| parts.binary_search_by_key(k, |p| p.header.shard).is_err())
            .map(|k| format!("{k}/{shards}"))
            .collect();
        if !missing.is_empty() {
            return Err(MergeError(format!(
                "shard {} missing: no part given for {} (parts hold {} of {shards})",
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" },
                parts.len()
            )));
        }
        Ok(Parts { parts })
    }

    /// The header of shard 1 (all agree on the scan).
    pub fn header(&self) -> &PartHeader {
        &self.parts[0].header
    }

    /// Hand every file's result to `on_result` in discovery order, checking that
    /// each source is in exactly one part. The byte ranges of a split file come
    /// from several parts: each is checked to be there once and to follow the one
    /// before it, and `join` makes the file's result of all of them, in order.
    pub fn merge(
        mut self,
        join: &mut dyn FnMut(Vec<FileResult>) -> Result<FileResult, String>,
        on_result: &mut dyn FnMut(FileResult),
    ) -> Result<(), MergeError> {
        let units = self.header().scan.units;
        let sources = self.header().scan.sources;
        let mut heap: BinaryHeap<Reverse<((u64, u64), usize)>> = self
            .parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.peek_key().map(|x| Reverse((x, i))))
            .collect();
        let mut split = SplitFile::default();
        while let Some(Reverse((key, i))) = heap.pop() {
            let index = key.0;
            if let Some(Reverse((other, j))) = heap.peek()
                && *other == key
            {
                let what = match split.parts {
                    0 => format!("source {}", index + 1),
                    n => format!("byte range {}/{n} of source {}", key.1 + 1, index + 1),
                };
                return Err(MergeError(format!(
                    "parts {} and {} both hold {what}",
                    self.parts[i].name(),
                    self.parts[*j].name(),
                )));
            }
            if index >= sources {
                return Err(self.parts[i].error(&format!(
                    "holds source {} of a scan of {sources}",
                    index + 1
                )));
            }
            if split.index.is_some_and(|x| x != index) {
                return Err(split.missing());
            }
            // Every result of this source (a workbook's sheets, an archive's
            // members), or one byte range of it.
            let part = &mut self.parts[i];
            while part.peek_key() == Some(key) {
                let Some(result) = part.next_file()? else {
                    break;
                };
                if result.range.is_none() {
                    on_result(result);
                    continue;
                }
                let name = part.name().to_string();
                if let Some(ranges) = split.add(index, result, &name)? {
                    on_result(join(ranges).map_err(MergeError)?);
                }
                break;
            }
            if let Some(next) = part.peek_key() {
                heap.push(Reverse((next, i)));
            }
        }
        if split.index.is_some() {
            return Err(split.missing());
        }
        let covered: u64 = self.parts.iter().map(PartReader::sources_covered).sum();
        if covered != units {
            return Err(MergeError(format!(
                "the parts cover {covered} of the scan's {units} files and byte ranges: a part is not its shard's whole output"
            )));
        }
        Ok(())
    }
}

/// The byte ranges of the split file being merged, gathered until the last.
#[derive(Default)]
struct SplitFile {
    index: Option<u64>,
    parts: u64,
    /// Where the next range must start.
    next_start: u64,
    ranges: Vec<FileResult>,
}

impl SplitFile {
    /// Take the next range of source `index` from part `name`; all of them once
    /// the file's last range is in.
    fn add(
        &mut self,
        index: u64,
        result: FileResult,
        name: &str,
    ) -> Result<Option<Vec<FileResult>>, MergeError> {
        let Some(r) = result.range.as_ref() else {
            return Ok(None);
        };
        let (part, parts, start, end) = (r.part, r.parts, r.start, r.end);
        let path = result.summary.path.clone();
        let expected = self.ranges.len() as u64;
        if self.index.is_none() {
            self.index = Some(index);
            self.parts = parts;
        }
        let bad = |what: String| MergeError(format!("part {name}: {path}: {what}"));
        if parts != self.parts || part != expected {
            return Err(match part < expected {
                true => bad(format!(
                    "byte range {}/{parts} is in more than one part",
                    part + 1
                )),
                false => bad(format!(
                    "byte range {}/{} missing (no part holds it)",
                    expected + 1,
                    self.parts
                )),
            });
        }
        // A range that could not be read does not know its bytes (`u64::MAX`):
        // its error is in the report, and the next range's start is not checked.
        let unknown = start == u64::MAX || self.next_start == u64::MAX;
        if !unknown && (start != self.next_start || end < start) {
            return Err(bad(format!(
                "byte range {}/{parts} covers bytes {start}..{end}, but the range before it ended at {}",
                part + 1,
                self.next_start
            )));
        }
        if part + 1 == parts && end != u64::MAX && end != result.summary.bytes {
            return Err(bad(format!(
                "the last byte range ends at {end} of {} bytes",
                result.summary.bytes
            )));
        }
        self.next_start = end;
        self.ranges.push(result);
        if part + 1 < parts {
            return Ok(None);
        }
        let done = std::mem::take(self);
        Ok(Some(done.ranges))
    }

    fn missing(&self) -> MergeError {
        let path = self
            .ranges
            .first()
            .map_or(String::new(), |r| r.summary.path.clone());
        MergeError(format!(
            "{path}: byte range {}/{} missing (no part holds it)",
            self.ranges.len() + 1,
            self.parts
        ))
    }
}
