//! The CSV reader on arbitrary bytes: sniffing (binary, encoding, delimiter, mbox
//! and message heads), then every record to the end or the first error.
#![no_main]

use gdpr_audit::source::Limits;
use gdpr_audit::source::csv::{CsvReader, sniff_delimiter};
use gdpr_audit::source::decode::{detect_encoding, is_binary};
use gdpr_audit::source::mbox::looks_like_mbox;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = is_binary(data);
    let _ = looks_like_mbox(data);
    for complete in [true, false] {
        let _ = detect_encoding(data, complete);
        let d = sniff_delimiter(data, complete);
        assert!(b",;\t|".contains(&d));
    }
    // The first byte picks a forced delimiter now and then, and small limits so
    // that the field clip and the record guard are reached.
    let delimiter = match data.first() {
        Some(b) if b % 5 == 0 => Some(b";,|\t\0"[(*b as usize / 5) % 5]),
        _ => None,
    };
    let limits = Limits {
        max_field_bytes: 64,
        ..Limits::default()
    };
    let Ok(mut r) = CsvReader::from_bytes(data.to_vec(), "fuzz.csv", &limits, delimiter) else {
        return;
    };
    assert!(!r.headers.is_empty());
    let mut batch = Vec::new();
    let mut last = 0;
    loop {
        match r.read_batch(&mut batch, 7, 1024) {
            Ok(more) => {
                for rec in &batch {
                    assert!(rec.number > last, "record numbers go up");
                    last = rec.number;
                }
                if !more {
                    break;
                }
            }
            Err(e) => {
                // Errors name the record, never its content.
                assert!(e.message.starts_with("record "), "{}", e.message);
                break;
            }
        }
    }
    for w in r.take_warnings() {
        assert!(!w.is_empty());
    }
});
