//! A finding's encoded bytes without their layout, and back: partial reports carry
//! findings compact (a third smaller), and the merge lays them out again exactly as
//! `serde_json`'s pretty printer does inside the report's `findings` array, so the
//! merged report holds the single scan's bytes.

use super::ELEMENT_INDENT;

/// The bytes without whitespace outside strings.
pub fn compact(pretty: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pretty.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in pretty {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            in_string = b == b'"';
            out.push(b);
        }
    }
    out
}

/// Compact JSON laid out as a pretty-printed element of the report's `findings`
/// (two spaces a level, `": "` after keys, empty `{}` and `[]` kept on one line,
/// every line after the first indented by [`ELEMENT_INDENT`]).
pub fn expand(compact: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(compact.len() * 3 / 2);
    let mut depth = 0usize;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend_from_slice(ELEMENT_INDENT);
        for _ in 0..depth {
            out.extend_from_slice(b"  ");
        }
    };
    let mut i = 0;
    while i < compact.len() {
        let b = compact[i];
        match b {
            b'"' => {
                let start = i;
                i += 1;
                while i < compact.len() && compact[i] != b'"' {
                    i += if compact[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(compact.len());
                out.extend_from_slice(&compact[start..end]);
                i = end;
                continue;
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                if compact.get(i + 1) == Some(&close) {
                    out.extend_from_slice(&[b, close]);
                    i += 2;
                    continue;
                }
                out.push(b);
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expanding_the_compact_form_gives_the_encoded_bytes_back() {
        let mut f = crate::finding::sample("0123", 7);
        f.message = Some(crate::finding::MessageInfo {
            date: Some("2026-01-02 10:00".into()),
            from: Some("a***@example.se".into()),
            subject: Some("Re: {x}, [y]: \"z\"".into()),
        });
        f.value = Some(String::new());
        for f in [crate::finding::sample("ab\"c\\d", 3), f] {
            let store: crate::store::FindingStore = std::iter::once(f).collect();
            let pretty = store.raw_records().next().expect("one").expect("bytes");
            let small = compact(&pretty);
            assert!(small.len() < pretty.len());
            assert!(!small.contains(&b'\n'));
            assert_eq!(
                String::from_utf8_lossy(&expand(&small)),
                String::from_utf8_lossy(&pretty)
            );
        }
    }

    #[test]
    fn empty_containers_and_strings_with_structure_survive() {
        // As the report holds an element: 4 spaces, then 2 a level.
        let pretty = b"{\n      \"a\": [],\n      \"b\": {},\n      \"c\": \"x, {y}: [z] \\\" q\",\n      \"d\": [\n        1,\n        2.5\n      ]\n    }";
        assert_eq!(expand(&compact(pretty)), pretty.to_vec());
    }
}
