//! The streaming mbox splitter on arbitrary bytes, with small and odd buffer sizes
//! and message limits: no panic, messages within the limit, numbers 1, 2, 3, ...
#![no_main]

use gdpr_audit::source::mbox::MboxReader;
use libfuzzer_sys::fuzz_target;
use std::io::BufReader;

fuzz_target!(|data: &[u8]| {
    let (cfg, body) = match data.split_first() {
        Some((c, b)) => (*c, b),
        None => (0, data),
    };
    let cap = 1 + usize::from(cfg & 0x0f) * 7;
    let max = if cfg & 0x80 != 0 {
        1 << 20
    } else {
        usize::from(cfg & 0x70)
    };
    let mut last = 0;
    for item in MboxReader::new(BufReader::with_capacity(cap, body), max) {
        match item {
            Ok(m) => {
                assert!(m.bytes.len() <= max);
                assert_eq!(m.number, last + 1);
                last = m.number;
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    // The same input in one buffer splits the same way.
    let a: Vec<_> = MboxReader::new(BufReader::with_capacity(cap, body), max)
        .filter_map(Result::ok)
        .collect();
    let b: Vec<_> = MboxReader::new(BufReader::with_capacity(1 << 16, body), max)
        .filter_map(Result::ok)
        .collect();
    assert_eq!(a, b, "splitting depends on the buffer size");
});
