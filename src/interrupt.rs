//! Ctrl-C: the first SIGINT asks the scan to stop at the next batch; nothing is
//! written after it, so no partial report ever appears, and the process exits 130.
//! A second SIGINT exits at once, removing any temporary output file first.

use std::path::PathBuf;
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
            if let Ok(files) = TEMP_FILES.lock() {
                for f in files.iter() {
                    let _ = std::fs::remove_file(f);
                }
            }
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

pub fn untrack_temp(path: &std::path::Path) {
    if let Ok(mut v) = TEMP_FILES.lock() {
        v.retain(|p| p != path);
    }
}
