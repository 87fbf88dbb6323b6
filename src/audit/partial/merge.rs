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
    /// each source is in exactly one part.
    pub fn merge(mut self, on_result: &mut dyn FnMut(FileResult)) -> Result<(), MergeError> {
        let sources = self.header().scan.sources;
        let mut heap: BinaryHeap<Reverse<(u64, usize)>> = self
            .parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.peek_index().map(|x| Reverse((x, i))))
            .collect();
        while let Some(Reverse((index, i))) = heap.pop() {
            if let Some(Reverse((other, j))) = heap.peek()
                && *other == index
            {
                return Err(MergeError(format!(
                    "parts {} and {} both hold source {}",
                    self.parts[i].name(),
                    self.parts[*j].name(),
                    index + 1
                )));
            }
            if index >= sources {
                return Err(self.parts[i].error(&format!(
                    "holds source {} of a scan of {sources}",
                    index + 1
                )));
            }
            // Every result of this source (a workbook's sheets, an archive's members).
            let part = &mut self.parts[i];
            while part.peek_index() == Some(index) {
                if let Some(result) = part.next_file()? {
                    on_result(result);
                }
            }
            if let Some(next) = part.peek_index() {
                heap.push(Reverse((next, i)));
            }
        }
        let covered: u64 = self.parts.iter().map(PartReader::sources_covered).sum();
        if covered != sources {
            return Err(MergeError(format!(
                "the parts cover {covered} of the scan's {sources} sources: a part is not its shard's whole output"
            )));
        }
        Ok(())
    }
}
