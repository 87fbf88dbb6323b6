//! Which sources a shard scans: whole files, by a stable hash of their path below
//! the scan root, so every shard of `--shard K/N` takes its part of the same
//! discovered list with no coordination, on any machine.

use crate::source::Source;

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

/// The sources of shard `spec`, with their places in `sources`.
pub fn select(sources: &[Source], roots: &[String], spec: ShardSpec) -> (Vec<u64>, Vec<Source>) {
    sources
        .iter()
        .enumerate()
        .filter(|(_, s)| shard_of(&s.display, roots, spec.shards) == spec.shard)
        .map(|(i, s)| (i as u64, s.clone()))
        .unzip()
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
