//! Where the fingerprint key comes from, in this order: `--key-file`,
//! `GDPR_AUDIT_KEY`, the policy's `fingerprint_key`, else a random per-project key
//! kept in the user's data directory (never in the scanned tree, never in a
//! baseline). The project is chosen by something that does not move when the user
//! changes directory: the policy file's folder, else the git root, else the current
//! directory; and a baseline's recorded key id finds the key it was made with. A CI
//! job without the variable gets a new key on every fresh machine, so CI should set
//! `GDPR_AUDIT_KEY` from a secret; the tool says so once.

use crate::fingerprint::FingerprintKey;
use std::path::{Path, PathBuf};

pub const KEY_ENV: &str = "GDPR_AUDIT_KEY";

/// Shortest key accepted without a warning: fingerprints are keyed hashes of
/// values from small spaces (a personnummer has about 10^7), so a guessable key
/// lets anyone holding a baseline test candidate values against it.
pub const MIN_KEY_BYTES: usize = 16;

/// Where a given key came from and its length, when it is shorter than
/// [`MIN_KEY_BYTES`] (the generated per-project key is always 32 bytes).
pub fn weak_key(config_key: Option<&str>) -> Option<(&'static str, usize)> {
    let (from, len) = match std::env::var(KEY_ENV) {
        Ok(v) if !v.is_empty() => (KEY_ENV, v.len()),
        _ => (
            "fingerprint_key",
            config_key.filter(|k| !k.is_empty())?.len(),
        ),
    };
    (len < MIN_KEY_BYTES).then_some((from, len))
}

/// How the key was obtained, for the one-line notice.
pub enum KeySource {
    Env,
    Config,
    KeyFile(PathBuf),
    ProjectFile(PathBuf),
    Created(PathBuf),
    Ephemeral,
}

/// What the key is chosen by.
pub struct KeyRequest<'a> {
    /// `--key-file`: wins over everything.
    pub key_file: Option<&'a Path>,
    /// The policy's `fingerprint_key`.
    pub config_key: Option<&'a str>,
    /// The folder of the policy file in use: the project's root.
    pub config_dir: Option<&'a Path>,
    /// The key id recorded in the baseline the scan is compared with.
    pub baseline_key_id: Option<&'a str>,
    /// Where the command runs; its git root (or itself) is the project otherwise.
    pub cwd: &'a Path,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read --key-file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "--key-file {path} holds {len} bytes; a fingerprint key needs at least {MIN_KEY_BYTES} random bytes"
    )]
    Short { path: String, len: usize },
}

pub fn resolve(req: &KeyRequest<'_>) -> Result<(FingerprintKey, KeySource), KeyError> {
    if let Some(path) = req.key_file {
        let secret = read_key_file(path)?;
        return Ok((
            FingerprintKey::from_secret(&secret),
            KeySource::KeyFile(path.to_path_buf()),
        ));
    }
    if let Ok(v) = std::env::var(KEY_ENV)
        && !v.is_empty()
    {
        return Ok((FingerprintKey::from_secret(v.as_bytes()), KeySource::Env));
    }
    if let Some(k) = req.config_key.filter(|k| !k.is_empty()) {
        return Ok((FingerprintKey::from_secret(k.as_bytes()), KeySource::Config));
    }
    let Some(dir) = key_dir() else {
        return Ok((
            FingerprintKey::from_secret(&random_secret()),
            KeySource::Ephemeral,
        ));
    };
    let root = project_root(req.config_dir, req.cwd);
    let file = dir.join(format!("{}.key", project_key_name(&root)));
    let existing = read_stored_key(&file);
    if let Some(wanted) = req.baseline_key_id {
        let matches = existing.as_ref().is_some_and(|k| k.id() == wanted);
        if !matches && let Some((key, path)) = find_stored_key(&dir, wanted) {
            return Ok((key, KeySource::ProjectFile(path)));
        }
    }
    if let Some(key) = existing {
        return Ok((key, KeySource::ProjectFile(file)));
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
    Ok((FingerprintKey::from_secret(&secret), source))
}

/// A key file's bytes without a trailing newline (`openssl rand -hex 32 > key`).
fn read_key_file(path: &Path) -> Result<Vec<u8>, KeyError> {
    let mut secret = std::fs::read(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })?;
    while secret.last().is_some_and(|b| b.is_ascii_whitespace()) {
        secret.pop();
    }
    if secret.len() < MIN_KEY_BYTES {
        return Err(KeyError::Short {
            path: path.display().to_string(),
            len: secret.len(),
        });
    }
    Ok(secret)
}

/// The project a generated key belongs to: the policy's folder, else the nearest
/// folder above `cwd` holding `.git`, else `cwd` itself.
pub fn project_root(config_dir: Option<&Path>, cwd: &Path) -> PathBuf {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if let Some(dir) = config_dir {
        let dir = if dir.as_os_str().is_empty() { cwd } else { dir };
        return canonical(dir);
    }
    let cwd = canonical(cwd);
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(cwd)
}

fn project_key_name(root: &Path) -> String {
    blake3::hash(root.to_string_lossy().as_bytes()).to_hex()[..24].to_string()
}

fn read_stored_key(file: &Path) -> Option<FingerprintKey> {
    let secret = std::fs::read(file).ok()?;
    (secret.len() >= 32).then(|| FingerprintKey::from_secret(&secret))
}

/// The stored key whose id is `wanted`: a baseline made in another folder of the
/// same project (or before the project was a git repository) still matches.
fn find_stored_key(dir: &Path, wanted: &str) -> Option<(FingerprintKey, PathBuf)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "key"))
        .collect();
    files.sort();
    files.into_iter().find_map(|p| {
        read_stored_key(&p)
            .filter(|k| k.id() == wanted)
            .map(|k| (k, p))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_root_is_the_git_root_or_the_policy_folder() {
        let t = tempfile::tempdir().unwrap();
        let sub = t.path().join("exports/crm");
        std::fs::create_dir_all(&sub).unwrap();
        let root = std::fs::canonicalize(t.path()).unwrap();
        assert_eq!(
            project_root(None, &sub),
            std::fs::canonicalize(&sub).unwrap()
        );
        std::fs::create_dir(t.path().join(".git")).unwrap();
        assert_eq!(project_root(None, &sub), root);
        assert_eq!(project_root(None, t.path()), root);
        let policy_dir = t.path().join("exports");
        assert_eq!(
            project_root(Some(&policy_dir), &sub),
            std::fs::canonicalize(&policy_dir).unwrap()
        );
    }

    #[test]
    fn key_file_is_trimmed_and_short_ones_refused() {
        let t = tempfile::tempdir().unwrap();
        let short = t.path().join("short.key");
        std::fs::write(&short, "tooshort\n").unwrap();
        let err = read_key_file(&short).unwrap_err().to_string();
        assert!(err.contains("holds 8 bytes"), "{err}");
        let good = t.path().join("good.key");
        std::fs::write(&good, "0123456789abcdef0123\n").unwrap();
        assert_eq!(read_key_file(&good).unwrap(), b"0123456789abcdef0123");
    }

    #[test]
    fn a_stored_key_is_found_by_its_id() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.key"), [7u8; 32]).unwrap();
        std::fs::write(t.path().join("b.key"), [9u8; 32]).unwrap();
        let wanted = FingerprintKey::from_secret(&[9u8; 32]).id();
        let (key, path) = find_stored_key(t.path(), &wanted).unwrap();
        assert_eq!(key.id(), wanted);
        assert!(path.ends_with("b.key"));
        assert!(find_stored_key(t.path(), "0000000000000000").is_none());
    }
}
