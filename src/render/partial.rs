//! Writing a partial report (see [`crate::audit::partial`]): one JSON line per
//! header, file and finding, written as the shard's files finish, so a shard's
//! memory does not grow with its output.

use crate::audit::FileResult;
use crate::audit::partial::{FINDING_LINE_START, PartEnd, PartFile, PartHeader, PartLine};
use std::io::{self, Write};

/// A partial being written.
pub struct PartialWriter<W: Write> {
    out: W,
    files: u64,
    findings: u64,
}

impl<W: Write> PartialWriter<W> {
    /// Start a partial with its header line.
    pub fn begin(out: W, header: PartHeader) -> io::Result<PartialWriter<W>> {
        let mut w = PartialWriter {
            out,
            files: 0,
            findings: 0,
        };
        w.line(&PartLine::Partial(Box::new(header)))?;
        Ok(w)
    }

    /// One file's result (the source at `index` of discovery) and its findings.
    pub fn file(&mut self, index: u64, result: &FileResult) -> io::Result<()> {
        let file = PartFile::of(index, result);
        let count = file.findings;
        self.line(&PartLine::File(Box::new(file)))?;
        let mut written = 0;
        for bytes in result.findings.raw_records() {
            self.out.write_all(FINDING_LINE_START)?;
            self.out.write_all(&crate::store::compact(&bytes?))?;
            self.out.write_all(b"}\n")?;
            written += 1;
        }
        if written != count {
            return Err(io::Error::other("stored findings could not be read back"));
        }
        self.files += 1;
        self.findings += count;
        Ok(())
    }

    /// The end line, which says what the part holds: results of `sources`
    /// sources of the scan.
    pub fn end(mut self, sources: u64) -> io::Result<()> {
        let end = PartEnd {
            sources,
            files: self.files,
            findings: self.findings,
        };
        self.line(&PartLine::End(end))?;
        self.out.flush()
    }

    fn line(&mut self, line: &PartLine) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, line).map_err(io::Error::other)?;
        self.out.write_all(b"\n")
    }
}

/// A writer that hands what is written, in chunks, to another thread (which owns
/// the real output): the scan runs on the worker pool, the output stays where it
/// was opened.
pub struct ChunkSender {
    tx: std::sync::mpsc::SyncSender<Vec<u8>>,
    buf: Vec<u8>,
}

/// Bytes gathered before a chunk is sent.
const CHUNK_BYTES: usize = 256 * 1024;

impl ChunkSender {
    pub fn new(tx: std::sync::mpsc::SyncSender<Vec<u8>>) -> ChunkSender {
        ChunkSender {
            tx,
            buf: Vec::with_capacity(CHUNK_BYTES),
        }
    }
}

impl Write for ChunkSender {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK_BYTES {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK_BYTES));
        self.tx
            .send(chunk)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the output was closed"))
    }
}
