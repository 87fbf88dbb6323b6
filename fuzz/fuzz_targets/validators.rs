//! Every checksum validator on arbitrary text: no panic, and the answer does not
//! depend on surrounding white space (candidates are trimmed).
#![no_main]

use gdpr_audit::rules::Validator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let padded = format!(" {s}\t");
    for &v in Validator::ALL {
        let a = v.check(&s);
        assert_eq!(a, v.check(&padded), "{}", v.name());
    }
});
