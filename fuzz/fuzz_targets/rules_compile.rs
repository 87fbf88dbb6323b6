//! The rule loader on arbitrary text: YAML parsing, validation, regex compilation
//! within the size limits; every error names the file. A rule set that compiles is
//! run on a short text.
#![no_main]

use gdpr_audit::engine::Matcher;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match gdpr_audit::rules::compile(&[("fuzz.yaml".to_string(), text)]) {
        Ok(rules) => {
            let mut m = Matcher::new(rules);
            let mut out = Vec::new();
            m.scan(
                "Kalle 19121212-1212 kalle@example.se sjukskriven 4111 1111 1111 1111",
                "notes",
                &mut out,
            );
        }
        Err(errors) => {
            for e in &errors.0 {
                assert!(e.to_string().contains("fuzz.yaml"), "{e}");
            }
        }
    }
});
