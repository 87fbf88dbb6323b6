//! The byte plumbing of archive walks: a member's stream handed to the scan
//! once, the channel between the walker thread and the scan, and the guard that
//! counts what members expand to.

use std::io::{self, BufRead, Read};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

/// A member's expansion ratio is checked once it has produced this much.
const RATIO_CHECK_AFTER: u64 = 16 * 1024 * 1024;

/// The bytes of an archive member, taken once by the reader of its kind.
#[derive(Clone)]
pub struct MemberInput(Arc<Mutex<Option<Box<dyn BufRead + Send>>>>);

impl MemberInput {
    pub fn new(r: Box<dyn BufRead + Send>) -> MemberInput {
        MemberInput(Arc::new(Mutex::new(Some(r))))
    }

    pub fn take(&self) -> io::Result<Box<dyn BufRead + Send>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .ok_or_else(|| io::Error::other("archive member already read"))
    }
}

impl std::fmt::Debug for MemberInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemberInput")
    }
}

/// What the whole archive has expanded to so far, nested members included, and
/// the limit that stopped it, if one did.
#[derive(Clone, Default)]
pub(super) struct Budget(Arc<(std::sync::atomic::AtomicU64, Mutex<Option<String>>)>);

impl Budget {
    pub(super) fn add(&self, n: u64) -> u64 {
        self.0.0.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n
    }
    pub(super) fn trip(&self, why: &str) {
        let mut t = self
            .0
            .1
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        t.get_or_insert_with(|| why.to_string());
    }
    pub(super) fn tripped(&self) -> Option<String> {
        self.0
            .1
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

pub(super) fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Counts what a member expands to and stops it at the limits.
pub(super) struct Guard<'a> {
    pub inner: &'a mut dyn Read,
    pub budget: Budget,
    pub produced: u64,
    pub compressed: Option<u64>,
    /// (most bytes expanded, highest ratio)
    pub limits: (u64, u64),
}

impl Read for Guard<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(why) = self.budget.tripped() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, why));
        }
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let total = self.budget.add(n as u64);
        let (max, max_ratio) = self.limits;
        let why = if total > max {
            Some(format!(
                "the archive expands beyond {max} bytes (--max-decompressed-size; possible zip bomb)"
            ))
        } else {
            match self.compressed {
                Some(c)
                    if self.produced > RATIO_CHECK_AFTER
                        && self.produced / c.max(1) > max_ratio =>
                {
                    Some(format!(
                        "the member expands more than {max_ratio}:1 (possible zip bomb)"
                    ))
                }
                _ => None,
            }
        };
        if let Some(why) = why {
            self.budget.trip(&why);
            return Err(io::Error::new(io::ErrorKind::InvalidData, why));
        }
        Ok(n)
    }
}

/// The scan's end of a member's channel.
pub(super) struct ChannelReader {
    pub rx: Receiver<io::Result<Vec<u8>>>,
    pub buf: Vec<u8>,
    pub pos: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChannelReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.buf.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.buf = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.buf[self.pos..])
    }
    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }
}
