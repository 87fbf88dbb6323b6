//! Which sources a shard scans: whole files, by a stable hash of their path below
//! the scan root, and the byte ranges of files larger than `--shard-size`, by a
//! hash of the path and the range's number, so every shard of `--shard K/N` takes
//! its part of the same discovered list with no coordination, on any machine;
//! and how the merge joins a split file's ranges into the single scan's result.

use crate::audit::FileResult;
use crate::source::{Source, SourceKind, SplitRange};

/// `--shard K/N`: this is shard K (1-based) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub shard: u64,
    pub shards: u64,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<ShardSpec, String> {
        let bad = || format!("--shard `{s}`: expected K/N with 1 <= K <= N (e.g. 3/8)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let shard: u64 = k.trim().parse().map_err(|_| bad())?;
        let shards: u64 = n.trim().parse().map_err(|_| bad())?;
        if shard == 0 || shard > shards {
            return Err(bad());
        }
        Ok(ShardSpec { shard, shards })
    }
}

impl std::fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.shard, self.shards)
    }
}

/// The path of `display` below the scan root it was found under (the longest
/// root it starts with), so the same tree gives the same shards wherever it is
/// mounted.
fn below_root<'a>(display: &'a str, roots: &[String]) -> &'a str {
    roots
        .iter()
        .filter_map(|r| {
            let rest = display.strip_prefix(r.as_str())?;
            (rest.is_empty() || rest.starts_with('/') || r.ends_with('/'))
                .then(|| rest.trim_start_matches('/'))
        })
        .min_by_key(|rest| rest.len())
        .unwrap_or(display)
}

/// The shard (1-based) of `shards` that scans the source shown as `display`.
pub fn shard_of(display: &str, roots: &[String], shards: u64) -> u64 {
    let rel = below_root(display, roots);
    let hash = blake3::hash(rel.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(first) % shards.max(1) + 1
}

/// `--shard-size` by default: files larger than this are cut into byte ranges of
/// about this size, scanned by different shards. Large enough that the work each
/// range repeats (reading the header and the first batch, and finding its start
/// by reading the file up to it) stays small, small enough that a 10 GB mbox
/// spreads over 40 machines.
pub const DEFAULT_SHARD_SIZE: u64 = 256 * 1024 * 1024;

/// Into how many byte ranges of `size` bytes a sharded scan cuts `source`: plain
/// CSV exports and mboxes larger than `size` (not gzipped, not archive members).
pub fn ranges_of(source: &Source, size: u64) -> u64 {
    let cut = matches!(source.kind, SourceKind::Csv | SourceKind::Mbox)
        && !source.gzip
        && source.input.is_none()
        && size > 0
        && source.bytes > size;
    if cut { source.bytes.div_ceil(size) } else { 1 }
}

/// What a sharded scan's shards scan between them: every whole file, and every
/// byte range of a file cut into ranges.
pub fn units(sources: &[Source], size: u64) -> u64 {
    sources.iter().map(|s| ranges_of(s, size)).sum()
}

/// The sources of shard `spec` (byte ranges of the large ones with their
/// [`SplitRange`] set), with their places in `sources`, in that order. A byte
/// range goes to the shard its path and number hash to.
pub fn select(
    sources: &[Source],
    roots: &[String],
    spec: ShardSpec,
    size: u64,
) -> (Vec<u64>, Vec<Source>) {
    let mut out = (Vec::new(), Vec::new());
    for (i, s) in sources.iter().enumerate() {
        let parts = ranges_of(s, size);
        if parts == 1 {
            if shard_of(&s.display, roots, spec.shards) == spec.shard {
                out.0.push(i as u64);
                out.1.push(s.clone());
            }
            continue;
        }
        let rel = below_root(&s.display, roots);
        for part in 0..parts {
            let key = format!("{rel}\0bytes {part}");
            if shard_of(&key, &[], spec.shards) == spec.shard {
                let mut one = s.clone();
                one.range = Some(SplitRange { part, parts, size });
                out.0.push(i as u64);
                out.1.push(one);
            }
        }
    }
    out
}

/// A byte range that could not be read (its file did not open, ...) still says
/// which range it is: its bytes are unknown (`u64::MAX`), its error is its result.
pub fn unread_range(source: &Source, result: &mut FileResult) {
    if let (Some(r), None) = (source.range, &result.range) {
        result.range = Some(crate::audit::RangeOut {
            part: r.part,
            parts: r.parts,
            start: u64::MAX,
            end: u64::MAX,
            state: state_json(&()),
        });
    }
}

/// A byte range's state; an unread range's (`null`) is empty.
fn parse_state<T: serde::de::DeserializeOwned + Default>(
    state: Option<&serde_json::value::RawValue>,
) -> Result<T, serde_json::Error> {
    match state.map(|s| s.get()) {
        None | Some("null") => Ok(T::default()),
        Some(json) => serde_json::from_str(json),
    }
}

/// A byte range's state as the JSON a partial carries.
pub fn state_json<T: serde::Serialize>(state: &T) -> Box<serde_json::value::RawValue> {
    // Numbers, strings and maps of them: serde_json has no way to fail here.
    serde_json::value::to_raw_value(state).unwrap_or_else(|_| {
        serde_json::value::RawValue::from_string("null".into())
            .unwrap_or_else(|_| unreachable!("`null` is JSON"))
    })
}

/// What the merge needs to judge a split file as the single scan does: the
/// policy and the date its per-record checks use.
pub struct Judge<'a> {
    pub policy: Option<&'a crate::policy::Config>,
    pub as_of: jiff::civil::Date,
}

/// The byte ranges of one file (all of them, in order), joined into the result
/// of a single scan of the file.
pub fn join(ranges: Vec<FileResult>, judge: &Judge<'_>, cap: usize) -> Result<FileResult, String> {
    let Some(first) = ranges.first() else {
        return Err("no byte ranges".into());
    };
    let path = first.summary.path.clone();
    let kind = first.summary.kind;
    check_cap(&ranges, cap, &path)?;
    let policy = judge.policy.and_then(|c| c.source_for(&path));
    let bad = |e: serde_json::Error| format!("{path}: a byte range's state does not read ({e})");
    let joined = match kind {
        SourceKind::Csv => {
            let mut parts = Vec::new();
            for mut r in ranges {
                let state = r.range.take().map(|x| x.state);
                parts.push((r, parse_state(state.as_deref()).map_err(bad)?));
            }
            super::csv::range::join(parts, &|headers| {
                policy.map(|p| crate::policy::RecordChecker::for_csv(p, headers, judge.as_of))
            })
        }
        SourceKind::Mbox => {
            let mut parts = Vec::new();
            for mut r in ranges {
                let state = r.range.take().map(|x| x.state);
                parts.push((r, parse_state(state.as_deref()).map_err(bad)?));
            }
            let checker = policy.map(|p| crate::policy::RecordChecker::for_mail(p, judge.as_of));
            super::mail::range::join(parts, checker)
        }
        other => {
            return Err(format!(
                "{path}: {} files are not cut into byte ranges",
                other.as_str()
            ));
        }
    };
    joined.ok_or_else(|| format!("{path}: no byte ranges"))
}

/// Findings past `--max-findings-per-rule` in one file are counted, not listed,
/// and the single scan warns where the count crosses the cap: ranges can be
/// joined exactly unless a rule's findings cross it with some in more than one
/// range.
fn check_cap(ranges: &[FileResult], cap: usize, path: &str) -> Result<(), String> {
    let mut total: std::collections::BTreeMap<&str, (u64, usize)> = Default::default();
    for r in ranges {
        for (rule, n) in &r.finding_counts {
            let t = total.entry(rule.as_str()).or_default();
            t.0 += n;
            t.1 += usize::from(*n > 0);
        }
    }
    match total.iter().find(|(_, (n, k))| *n as usize > cap && *k > 1) {
        Some((rule, (n, _))) => Err(format!(
            "{path}: {n} findings of rule {rule} over several byte ranges, more than --max-findings-per-rule ({cap}): \
             the merge cannot list the same ones as a single scan; scan with a larger --shard-size or --max-findings-per-rule"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!(
            "3/8".parse::<ShardSpec>(),
            Ok(ShardSpec {
                shard: 3,
                shards: 8
            })
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_shard_depends_on_the_path_below_the_root_only() {
        let here = shard_of("data/crm/a.csv", &["data".into()], 7);
        let there = shard_of("/mnt/x/crm/a.csv", &["/mnt/x".into()], 7);
        assert_eq!(here, there);
        assert!((1..=7).contains(&here));
        // Many paths spread over every shard.
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..200 {
            seen.insert(shard_of(&format!("d/f{i}.csv"), &["d".into()], 7));
        }
        assert_eq!(seen.len(), 7);
    }
}
