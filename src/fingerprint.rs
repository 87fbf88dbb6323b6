//! Keyed fingerprints. An identifier has little entropy (a personnummer is a date
//! plus four digits), so a plain hash of one can be reversed by trying them all;
//! only a keyed hash may leave the process. No row number goes in, so a fingerprint
//! survives rows moving and files being re-exported.

/// The secret that keys every fingerprint of a project.
#[derive(Clone)]
pub struct FingerprintKey([u8; 32]);

impl FingerprintKey {
    /// Derive the key from a secret (the `GDPR_AUDIT_KEY` value or a key file).
    pub fn from_secret(secret: &[u8]) -> FingerprintKey {
        FingerprintKey(blake3::derive_key(
            "gdpr-audit 2026 finding fingerprint v1",
            secret,
        ))
    }

    /// `rule ‖ value ‖ path ‖ field`, each terminated by a NUL, hashed with the key.
    /// Returns 32 hex characters (128 bits is plenty to tell findings apart).
    pub fn fingerprint(&self, rule: &str, value: &str, path: &str, field: &str) -> String {
        let mut h = blake3::Hasher::new_keyed(&self.0);
        for part in [rule, &normalize(value), path, field] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
        let hex = h.finalize().to_hex();
        hex[..32].to_string()
    }

    /// The key's public name: a hash of the key (never the key), recorded in every
    /// baseline and report so that fingerprints made with different keys are told
    /// apart instead of all looking new.
    pub fn id(&self) -> String {
        let id = blake3::derive_key("gdpr-audit 2026 fingerprint key id v1", &self.0);
        blake3::Hash::from(id).to_hex()[..16].to_string()
    }
}

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FingerprintKey(..)")
    }
}

/// The same value written differently (`19121212-1212`, `121212 1212`, case) gives
/// the same fingerprint: keep letters and digits, lower-cased; drop a personnummer's
/// century so 10- and 12-digit forms agree.
pub fn normalize(value: &str) -> String {
    let s: String = value
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '@' || *c == '.')
        .flat_map(char::to_lowercase)
        .collect();
    let digits_only = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits_only && s.len() == 12 && (s.starts_with("19") || s.starts_with("20")) {
        return s[2..].to_string();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_stable_and_normalized() {
        let k = FingerprintKey::from_secret(b"secret");
        let a = k.fingerprint("se.personnummer", "19121212-1212", "a.csv", "notes");
        let b = k.fingerprint("se.personnummer", "121212 1212", "a.csv", "notes");
        assert_eq!(a, b);
        assert_eq!(a.len(), 32);
        let other = FingerprintKey::from_secret(b"other");
        assert_ne!(
            a,
            other.fingerprint("se.personnummer", "19121212-1212", "a.csv", "notes")
        );
        assert_ne!(
            a,
            k.fingerprint("se.personnummer", "19121212-1212", "a.csv", "description")
        );
        assert!(!a.contains("121212"));
    }

    #[test]
    fn key_id_names_the_key_without_revealing_it() {
        let k = FingerprintKey::from_secret(b"secret");
        assert_eq!(k.id(), FingerprintKey::from_secret(b"secret").id());
        assert_ne!(k.id(), FingerprintKey::from_secret(b"other").id());
        assert_eq!(k.id().len(), 16);
        // Neither the secret nor the derived key appear in the id.
        assert!(!blake3::Hash::from(k.0).to_hex().contains(&k.id()));
    }
}
