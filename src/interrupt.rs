//! Ctrl-C: the first SIGINT asks the scan to stop at the next batch; nothing is
//! written after it, so no partial report ever appears, and the process exits 130.
//! A second SIGINT exits at once, removing any temporary output file first.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The exit code of a run stopped by SIGINT (128 + 2, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Returned when a run stops because of Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Install the handler (once, from `main`).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            remove_temp_files_where(|_| true);
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
}

pub fn is_interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// `Err(Interrupted)` once Ctrl-C was pressed.
pub fn check() -> Result<(), Interrupted> {
    if is_interrupted() {
        Err(Interrupted)
    } else {
        Ok(())
    }
}

/// Remember a temporary file so a second Ctrl-C can remove it.
pub fn track_temp(path: PathBuf) {
    if let Ok(mut v) = TEMP_FILES.lock() {
        v.push(path);
    }
}

pub fn untrack_temp(path: &Path) {
    if let Ok(mut v) = TEMP_FILES.lock() {
        v.retain(|p| p != path);
    }
}

/// A temporary file tracked for as long as this lives (the atomic writer holds one
/// while it writes; once the file is renamed into place there is nothing to remove).
pub struct TrackedTemp(PathBuf);

impl TrackedTemp {
    pub fn new(path: &Path) -> TrackedTemp {
        track_temp(path.to_path_buf());
        TrackedTemp(path.to_path_buf())
    }
}

impl Drop for TrackedTemp {
    fn drop(&mut self) {
        untrack_temp(&self.0);
    }
}

/// Remove the tracked temporary files that `pick` selects: what the second Ctrl-C
/// does (for all of them) before it exits.
pub(crate) fn remove_temp_files_where(pick: impl Fn(&Path) -> bool) {
    if let Ok(files) = TEMP_FILES.lock() {
        for f in files.iter().filter(|f| pick(f)) {
            let _ = std::fs::remove_file(f);
        }
    }
}
