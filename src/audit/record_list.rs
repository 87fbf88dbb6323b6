//! Record (row or message) numbers held compactly: a large scan's to-do list
//! names hundreds of thousands of them, most a small step after the one before.
//! Each number is stored as the zigzag varint of its difference from the previous
//! one (one byte for a step under 64), so a list costs about a byte per record
//! instead of eight. Serialized as a plain JSON array of numbers.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq)]
pub struct RecordList {
    bytes: Vec<u8>,
    last: u64,
    len: u64,
    /// Every number is greater than the one before (sorted, no repeats).
    ascending: bool,
}

fn zigzag(d: i64) -> u64 {
    ((d << 1) ^ (d >> 63)) as u64
}

fn unzigzag(z: u64) -> i64 {
    ((z >> 1) as i64) ^ -((z & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The varint at the start of `b` and its length; `None` only for bytes this
/// module did not write.
fn get_varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

impl Default for RecordList {
    fn default() -> RecordList {
        RecordList::new()
    }
}

impl RecordList {
    pub fn new() -> RecordList {
        RecordList {
            bytes: Vec::new(),
            last: 0,
            len: 0,
            ascending: true,
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The last number pushed.
    pub fn last(&self) -> Option<u64> {
        (self.len > 0).then_some(self.last)
    }

    pub fn push(&mut self, r: u64) {
        if self.len > 0 && r <= self.last {
            self.ascending = false;
        }
        put_varint(&mut self.bytes, zigzag(r.wrapping_sub(self.last) as i64));
        self.last = r;
        self.len += 1;
    }

    /// Append `other`'s numbers after these: only its first step is re-encoded.
    pub fn append(&mut self, other: RecordList) {
        let Some((z, n)) = get_varint(&other.bytes) else {
            return;
        };
        let first = unzigzag(z) as u64;
        self.push(first);
        self.bytes.extend_from_slice(&other.bytes[n..]);
        self.len += other.len - 1;
        self.last = other.last;
        self.ascending = self.ascending && other.ascending;
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            value: 0,
        }
    }

    /// The same numbers sorted, each once: what a to-do item lists.
    pub fn sorted_distinct(mut self) -> RecordList {
        if self.ascending {
            self.bytes.shrink_to_fit();
            return self;
        }
        let mut all: Vec<u64> = self.iter().collect();
        all.sort_unstable();
        all.dedup();
        all.into_iter().collect()
    }
}

impl std::fmt::Debug for RecordList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

pub struct Iter<'a> {
    bytes: &'a [u8],
    value: u64,
}

impl Iterator for Iter<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        let (z, n) = get_varint(self.bytes)?;
        self.bytes = &self.bytes[n..];
        self.value = self.value.wrapping_add(unzigzag(z) as u64);
        Some(self.value)
    }
}

impl<'a> IntoIterator for &'a RecordList {
    type Item = u64;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl FromIterator<u64> for RecordList {
    fn from_iter<I: IntoIterator<Item = u64>>(iter: I) -> RecordList {
        let mut list = RecordList::new();
        for r in iter {
            list.push(r);
        }
        list
    }
}

impl From<Vec<u64>> for RecordList {
    fn from(v: Vec<u64>) -> RecordList {
        v.into_iter().collect()
    }
}

impl Serialize for RecordList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for RecordList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RecordList, D::Error> {
        struct Numbers;
        impl<'de> serde::de::Visitor<'de> for Numbers {
            type Value = RecordList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of record numbers")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RecordList, A::Error> {
                let mut list = RecordList::new();
                while let Some(r) = seq.next_element::<u64>()? {
                    list.push(r);
                }
                Ok(list)
            }
        }
        d.deserialize_seq(Numbers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_in_the_order_pushed() {
        let v = vec![1, 2, 900, 3, u64::MAX, 0, 64, 65, 1 << 40];
        let list: RecordList = v.clone().into();
        assert_eq!(list.iter().collect::<Vec<_>>(), v);
        assert_eq!(list.len(), v.len());
        assert_eq!(list.last(), Some(1 << 40));
    }

    #[test]
    fn small_steps_take_a_byte_each() {
        let list: RecordList = (1..=1000u64).collect();
        assert_eq!(list.bytes.len(), 1000);
        assert!(list.ascending);
    }

    #[test]
    fn append_continues_the_list() {
        let mut a: RecordList = vec![5, 7].into();
        a.append(vec![3, 9, 10].into());
        a.append(RecordList::new());
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![5, 7, 3, 9, 10]);
        assert_eq!(a.len(), 5);
        assert!(!a.ascending);
        let mut empty = RecordList::new();
        empty.append(vec![4].into());
        assert_eq!(empty.iter().collect::<Vec<_>>(), vec![4]);
    }

    #[test]
    fn sorted_distinct_sorts_and_drops_repeats() {
        let list: RecordList = vec![9, 2, 2, 5, 9, 1].into();
        let s = list.sorted_distinct();
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![1, 2, 5, 9]);
        assert!(s.ascending);
    }

    #[test]
    fn json_is_a_plain_array() {
        let list: RecordList = vec![3, 1, 4].into();
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(json, "[3,1,4]");
        let back: RecordList = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
    }
}
