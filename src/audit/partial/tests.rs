use super::*;
use crate::store::EncodedFinding;

fn header() -> PartHeader {
    PartHeader {
        format: PARTIAL_FORMAT,
        scan: ScanIdentity {
            tool: ToolInfo {
                name: "gdpr-audit".into(),
                version: "0".into(),
                rules_version: "0".into(),
            },
            rules: "r".into(),
            config: None,
            key: "k".into(),
            options: "o".into(),
            inputs: vec!["data".into()],
            sources: 3,
            discovery: "d".into(),
            units: 3,
        },
        shard: 1,
        shards: 1,
        discovery_errors: Vec::new(),
        skipped: Vec::new(),
        as_of: "2026-12-01".into(),
        max_findings_per_rule: 100,
        show_values: false,
    }
}

/// A result with two findings, counted as the scan counts them.
fn result(path: &str) -> FileResult {
    let mut r = FileResult::new(&crate::source::Source {
        display: path.into(),
        path: path.into(),
        kind: crate::source::SourceKind::Csv,
        gzip: false,
        bytes: 10,
        members: Vec::new(),
        input: None,
        range: None,
    });
    for row in [2, 5] {
        let mut f = crate::finding::sample(&format!("{row:032}"), row);
        f.path = path.into();
        r.push_finding(
            EncodedFinding::new(f),
            crate::model::Exposure::FreeText,
            100,
        );
    }
    r.warnings.push(SourceError::new(path, "a warning"));
    r
}

/// The lines of a part: header, each (index, result) with its findings, end.
fn part(files: &[(u64, &FileResult)], end: Option<PartEnd>) -> Vec<u8> {
    part_of(header(), files, end)
}

fn part_of(header: PartHeader, files: &[(u64, &FileResult)], end: Option<PartEnd>) -> Vec<u8> {
    let line = |l: &PartLine| serde_json::to_vec(l).expect("json");
    let mut lines = vec![line(&PartLine::Partial(Box::new(header)))];
    let mut findings = 0;
    for (i, r) in files {
        lines.push(line(&PartLine::File(Box::new(PartFile::of(*i, r)))));
        for b in r.findings.raw_records() {
            let mut l = FINDING_LINE_START.to_vec();
            l.extend(crate::store::compact(&b.expect("bytes")));
            l.push(b'}');
            lines.push(l);
            findings += 1;
        }
    }
    lines.push(line(&PartLine::End(end.unwrap_or(PartEnd {
        sources: 3,
        files: files.len() as u64,
        findings,
    }))));
    let mut out = Vec::new();
    for l in lines {
        out.extend(l);
        out.push(b'\n');
    }
    out
}

fn open(bytes: Vec<u8>) -> Result<PartReader, MergeError> {
    PartReader::open("p.jsonl".into(), Box::new(std::io::Cursor::new(bytes)))
}

#[test]
fn a_result_comes_back_as_it_went() {
    let r = result("a.csv");
    let mut reader = open(part(&[(0, &r)], None)).expect("opens");
    assert_eq!(reader.peek_index(), Some(0));
    let back = reader.next_file().expect("reads").expect("a file");
    assert_eq!(back.summary, r.summary);
    assert_eq!(back.findings, r.findings);
    assert_eq!(back.groups, r.groups);
    assert_eq!(back.by_severity, r.by_severity);
    assert_eq!(back.warnings, r.warnings);
    assert_eq!(back.finding_counts, r.finding_counts);
    assert!(reader.next_file().expect("end").is_none());
    assert_eq!(reader.sources_covered(), 3);
}

#[test]
fn bad_parts_are_named_with_what_is_wrong() {
    let (a, b) = (result("a.csv"), result("b.csv"));
    let err = |bytes: Vec<u8>| -> String {
        let e = match open(bytes) {
            Err(e) => e,
            Ok(mut r) => loop {
                match r.next_file() {
                    Err(e) => break e,
                    Ok(Some(_)) => {}
                    Ok(None) => panic!("read without error"),
                }
            },
        };
        assert!(e.0.starts_with("part p.jsonl: "), "{e}");
        e.0
    };
    assert!(err(part(&[(2, &a), (1, &b)], None)).contains("out of order"));
    let wrong_end = PartEnd {
        sources: 3,
        files: 2,
        findings: 2,
    };
    assert!(err(part(&[(0, &a)], Some(wrong_end))).contains("says it holds 2 files"));
    let mut cut = part(&[(0, &a)], None);
    cut.truncate(cut.len() - 2);
    assert!(!err(cut).is_empty());
    assert!(err(b"{\"schema_version\": 1}\n".to_vec()).contains("is not a partial report"));
    let mut whole = part(&[(0, &a)], None);
    let end = whole[..whole.len() - 1]
        .iter()
        .rposition(|&c| c == b'\n')
        .expect("lines");
    whole.truncate(end + 1);
    assert!(err(whole).contains("cut short"));
}

/// Byte range `part` of 3 of a 10-byte file.
fn range(part: u64, start: u64, end: u64) -> FileResult {
    let mut r = result("big.csv");
    r.range = Some(RangeOut {
        part,
        parts: 3,
        start,
        end,
        state: serde_json::value::to_raw_value(&()).expect("null"),
    });
    r
}

/// Merge parts (shard k of n: its (index, result)s), joining the ranges of a
/// split file by counting them; the error, or what the joins saw.
fn merge_ranges(parts: &[&[(u64, &FileResult)]]) -> Result<Vec<usize>, MergeError> {
    let n = parts.len() as u64;
    let readers = parts
        .iter()
        .enumerate()
        .map(|(k, files)| {
            let mut h = header();
            (h.shard, h.shards) = (k as u64 + 1, n);
            let end = PartEnd {
                sources: files.len() as u64,
                files: files.len() as u64,
                findings: 2 * files.len() as u64,
            };
            PartReader::open(
                format!("part-{}.jsonl", k + 1),
                Box::new(std::io::Cursor::new(part_of(h, files, Some(end)))),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut joined = Vec::new();
    Parts::check(readers)?.merge(
        &mut |ranges| {
            joined.push(ranges.len());
            let starts: Vec<u64> = ranges
                .iter()
                .filter_map(|r| r.range.as_ref())
                .map(|r| r.start)
                .collect();
            assert_eq!(starts.first(), Some(&0), "in order");
            ranges.into_iter().next().ok_or_else(|| "none".to_string())
        },
        &mut |_| {},
    )?;
    Ok(joined)
}

#[test]
fn the_byte_ranges_of_a_file_are_joined_once_each_in_order() {
    let (r0, r1, r2) = (range(0, 0, 4), range(1, 4, 8), range(2, 8, 10));
    // Ranges 0 and 2 in one part, 1 in another: joined once, in order.
    assert_eq!(
        merge_ranges(&[&[(0, &r0), (0, &r2)], &[(0, &r1)]]).expect("merges"),
        vec![3]
    );
    let err = |parts: &[&[(u64, &FileResult)]]| merge_ranges(parts).expect_err("refused").0;
    let missing = err(&[&[(0, &r0), (0, &r2)], &[]]);
    assert!(
        missing.contains("big.csv: byte range 2/3 missing"),
        "{missing}"
    );
    let twice = err(&[&[(0, &r0), (0, &r1), (0, &r2)], &[(0, &r1)]]);
    assert!(
        twice.contains("part-1.jsonl and part-2.jsonl both hold byte range 2/3 of source 1"),
        "{twice}"
    );
    let gap = range(1, 5, 8);
    let moved = err(&[&[(0, &r0), (0, &gap), (0, &r2)]]);
    assert!(
        moved.contains("byte range 2/3 covers bytes 5..8"),
        "{moved}"
    );
    // A range that could not be read does not know its bytes: its error stands.
    let unread = range(1, u64::MAX, u64::MAX);
    assert_eq!(
        merge_ranges(&[&[(0, &r0), (0, &unread), (0, &r2)]]).expect("merges"),
        vec![3]
    );
    let last = err(&[&[(0, &r0), (0, &r1)]]);
    assert!(last.contains("byte range 3/3 missing"), "{last}");
}
