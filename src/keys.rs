//! Where the fingerprint key comes from: `GDPR_AUDIT_KEY`, else a random per-project
//! key kept in the user's data directory (never in the scanned tree, never in a
//! baseline). A CI job without the variable gets a new key on every fresh machine,
//! so CI should set `GDPR_AUDIT_KEY` from a secret; the tool says so once.

use crate::fingerprint::FingerprintKey;
use std::path::{Path, PathBuf};

pub const KEY_ENV: &str = "GDPR_AUDIT_KEY";

/// How the key was obtained, for the one-line notice.
pub enum KeySource {
    Env,
    Config,
    ProjectFile(PathBuf),
    Created(PathBuf),
    Ephemeral,
}

pub fn resolve(config_key: Option<&str>, project_root: &Path) -> (FingerprintKey, KeySource) {
    if let Ok(v) = std::env::var(KEY_ENV)
        && !v.is_empty()
    {
        return (FingerprintKey::from_secret(v.as_bytes()), KeySource::Env);
    }
    if let Some(k) = config_key.filter(|k| !k.is_empty()) {
        return (FingerprintKey::from_secret(k.as_bytes()), KeySource::Config);
    }
    let Some(dir) = key_dir() else {
        return (
            FingerprintKey::from_secret(&random_secret()),
            KeySource::Ephemeral,
        );
    };
    let root = std::fs::canonicalize(project_root).unwrap_or_else(|_| project_root.to_path_buf());
    let name = blake3::hash(root.to_string_lossy().as_bytes()).to_hex();
    let file = dir.join(format!("{}.key", &name[..24]));
    if let Ok(secret) = std::fs::read(&file)
        && secret.len() >= 32
    {
        return (
            FingerprintKey::from_secret(&secret),
            KeySource::ProjectFile(file),
        );
    }
    let secret = random_secret();
    let saved = std::fs::create_dir_all(&dir).is_ok()
        && crate::output::write_atomic(&file, |w| w.write_all(&secret)).is_ok();
    #[cfg(unix)]
    if saved {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
    }
    let source = if saved {
        KeySource::Created(file)
    } else {
        KeySource::Ephemeral
    };
    (FingerprintKey::from_secret(&secret), source)
}

fn key_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("gdpr-audit").join("keys"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|h| PathBuf::from(h).join(".local/share/gdpr-audit/keys"))
}

fn random_secret() -> Vec<u8> {
    use std::io::Read;
    let mut buf = vec![0u8; 32];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_err()
    {
        // No /dev/urandom: mix time and process id; still never written anywhere.
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        buf = blake3::hash(seed.as_bytes()).as_bytes().to_vec();
    }
    buf
}
