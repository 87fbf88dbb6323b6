//! The streaming JSON/NDJSON reader on arbitrary bytes: no panic, records
//! numbered upwards, every field in a known column, and an error (never a hang)
//! where the input stops making sense.
#![no_main]

use gdpr_audit::source::Limits;
use gdpr_audit::source::json::{JsonReader, JsonShape};
use gdpr_audit::source::table::TableReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (cfg, body) = match data.split_first() {
        Some((c, b)) => (*c, b),
        None => (0, data),
    };
    let shape = if cfg & 1 == 0 { JsonShape::Array } else { JsonShape::Lines };
    let limits = Limits {
        max_field_bytes: 1 << 10,
        ..Limits::default()
    };
    let input = Box::new(std::io::Cursor::new(body.to_vec()));
    let mut r = JsonReader::new(input, "fuzz.json", &limits, shape);
    let mut batch = Vec::new();
    let mut last = 0;
    loop {
        let more = match r.read_batch(&mut batch, 1 + usize::from(cfg >> 4), 1 << 16) {
            Ok(m) => m,
            Err(e) => {
                assert!(e.message.starts_with("record") || e.message.starts_with("line") || e.message.starts_with("after") || e.message.starts_with("not"));
                false
            }
        };
        for rec in &batch {
            assert!(rec.number > last);
            last = rec.number;
            assert!(rec.cols.iter().all(|&c| (c as usize) < r.headers().len()));
        }
        if !more {
            break;
        }
    }
});
