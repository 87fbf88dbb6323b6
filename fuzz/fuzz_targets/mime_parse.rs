//! One message through the MIME decoder: no panic (the decoder's own catch_unwind
//! is a last resort and would hide one, so it is reported here as a failure), texts
//! within the field limit.
#![no_main]

use gdpr_audit::source::Limits;
use gdpr_audit::source::mail::parse_message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_field_bytes: 4096,
        max_mime_depth: 8,
        ..Limits::default()
    };
    match parse_message(data, 1, &limits) {
        Ok(m) => {
            for t in &m.texts {
                assert!(t.text.len() <= limits.max_field_bytes);
            }
        }
        Err(e) => assert!(
            !e.contains("MIME parser failed"),
            "a panic was caught inside the MIME parser"
        ),
    }
});
