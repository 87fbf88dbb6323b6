//! The disk side of a finding store: an anonymous temporary file of length-prefixed
//! records, written and read with positional I/O so readers never disturb the
//! writer.

use std::fs::File;
use std::io::{self, BufReader, Read};

pub(super) struct Spill {
    file: File,
    /// Bytes of whole records written; anything after it is a failed write.
    len: u64,
    pub(super) count: u64,
}

impl Spill {
    /// A new file, unlinked at creation: nothing is left behind, even on a crash.
    pub(super) fn create() -> io::Result<Spill> {
        Ok(Spill {
            file: tempfile::tempfile()?,
            len: 0,
            count: 0,
        })
    }

    /// Append `count` whole records. A failed write leaves `len` where the last
    /// good record ended, and the next write goes there.
    pub(super) fn append(&mut self, bytes: &[u8], count: u64) -> io::Result<()> {
        self.write_at_end(bytes)?;
        self.count += count;
        Ok(())
    }

    #[cfg(unix)]
    fn write_at_end(&mut self, bytes: &[u8]) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.write_all_at(bytes, self.len)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    #[cfg(not(unix))]
    fn write_at_end(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    /// Append every record of `other`; on any error nothing of it is kept.
    pub(super) fn copy_from(&mut self, other: &Spill) -> io::Result<()> {
        let start = self.len;
        let copied = (|| {
            let mut r = other.reader();
            let mut buf = vec![0; 256 * 1024];
            loop {
                let n = r.read(&mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                self.write_at_end(&buf[..n])?;
            }
        })();
        match copied {
            Ok(()) => self.count += other.count,
            Err(_) => self.len = start,
        }
        copied
    }

    /// The whole records written so far, from the start.
    pub(super) fn reader(&self) -> impl Read + '_ {
        BufReader::with_capacity(
            256 * 1024,
            PositionalReader {
                file: &self.file,
                pos: 0,
                end: self.len,
            },
        )
    }
}

/// Reads `file` from `pos` to `end` without moving the file's cursor.
struct PositionalReader<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl Read for PositionalReader<'_> {
    #[cfg(unix)]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let want = buf
            .len()
            .min(usize::try_from(self.end - self.pos).unwrap_or(usize::MAX));
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
    #[cfg(not(unix))]
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Ok(0)
    }
}

/// Length-prefixed records (a little-endian `u32`, then the bytes) from a stream.
pub(super) struct Records<R: Read> {
    inner: R,
}

impl<R: Read> Records<R> {
    pub(super) fn new(inner: R) -> Self {
        Records { inner }
    }

    /// The next record into `buf`; `false` at a clean end (between records).
    pub(super) fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<bool> {
        let mut len = [0u8; 4];
        let mut got = 0;
        while got < len.len() {
            match self.inner.read(&mut len[got..]) {
                Ok(0) if got == 0 => return Ok(false),
                Ok(0) => return Err(cut_short()),
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let n = u32::from_le_bytes(len) as usize;
        buf.clear();
        buf.resize(n, 0);
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => cut_short(),
            _ => e,
        })?;
        Ok(true)
    }
}

fn cut_short() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "spilled findings were cut short",
    )
}
