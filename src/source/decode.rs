//! Bytes in: opening a file read-only, unwrapping gzip within limits (a gzip bomb is
//! an error, not an out-of-memory), and telling a text's encoding.

use super::Limits;
use encoding_rs::Encoding;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Read buffer for inputs; large enough that syscalls do not dominate.
pub const READ_BUFFER: usize = 256 * 1024;

/// The first bytes of a file (decompressed if it is gzip), for sniffing.
pub struct Head {
    pub bytes: Vec<u8>,
    pub gzip: bool,
    /// NUL bytes or mostly control characters, and no UTF-16 BOM.
    pub binary: bool,
}

const HEAD_BYTES: usize = 16 * 1024;

pub fn sniff_head(path: &Path, limits: &Limits) -> Result<Head, String> {
    let mut raw = [0u8; 2];
    let mut f = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Err("not a regular file (pipe, device or socket); not read".into());
    }
    let n = read_fully(&mut f, &mut raw).map_err(|e| format!("cannot read: {e}"))?;
    let gzip = n == 2 && raw == [0x1f, 0x8b];
    let mut reader = open_input(path, gzip, limits).map_err(|e| e.to_string())?;
    let mut bytes = vec![0u8; HEAD_BYTES];
    let got = read_fully(&mut reader, &mut bytes).map_err(|e| {
        if gzip {
            format!("cannot decompress: {e}")
        } else {
            format!("cannot read: {e}")
        }
    })?;
    bytes.truncate(got);
    let binary = is_binary(&bytes);
    Ok(Head {
        bytes,
        gzip,
        binary,
    })
}

/// Reads until `buf` is full or the input ends (a short read is not the end).
pub(crate) fn read_fully(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Text has no NUL bytes, unless it is UTF-16 with a BOM; and few control bytes.
pub fn is_binary(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let nul = head.iter().filter(|&&b| b == 0).count();
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b))
        .count();
    nul * 100 > head.len().max(1) || ctrl * 10 > head.len().max(1)
}

/// Open a file for reading (never for writing), unwrapping gzip when `gzip`.
pub fn open_input(path: &Path, gzip: bool, limits: &Limits) -> io::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path)?;
    // Discovery only passes regular files, but the tree may change under a running
    // scan: never read a device (endless /dev/zero) that took a file's place.
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (pipe, device or socket); not read",
        ));
    }
    if !gzip {
        return Ok(Box::new(BufReader::with_capacity(READ_BUFFER, file)));
    }
    let compressed = Arc::new(AtomicU64::new(0));
    let counting = CountingReader {
        inner: BufReader::with_capacity(READ_BUFFER, file),
        count: compressed.clone(),
    };
    let guard = BombGuard {
        inner: MultiGzDecoder::new(counting),
        compressed,
        produced: 0,
        max_bytes: limits.max_decompressed_bytes,
        max_ratio: limits.max_compression_ratio,
    };
    Ok(Box::new(BufReader::with_capacity(READ_BUFFER, guard)))
}

struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: BufRead> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.count.fetch_add(amt as u64, Ordering::Relaxed);
        self.inner.consume(amt);
    }
}

/// Stops a decompression that grows past the size or ratio limit.
struct BombGuard<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    produced: u64,
    max_bytes: u64,
    max_ratio: u64,
}

const RATIO_CHECK_AFTER: u64 = 64 * 1024 * 1024;

impl<R: Read> Read for BombGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "truncated gzip data (unexpected end of file)",
                )
            } else {
                io::Error::new(e.kind(), format!("corrupt gzip data: {e}"))
            }
        })?;
        self.produced += n as u64;
        if self.produced > self.max_bytes {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "gzip data expands beyond the limit of {} bytes (--max-decompressed-size; possible gzip bomb); rest not scanned",
                    self.max_bytes
                ),
            ));
        }
        let compressed = self.compressed.load(Ordering::Relaxed).max(1);
        if self.produced > RATIO_CHECK_AFTER && self.produced / compressed > self.max_ratio {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "gzip data expands more than {}:1 after {} MiB (possible gzip bomb); rest not scanned",
                    self.max_ratio,
                    RATIO_CHECK_AFTER >> 20
                ),
            ));
        }
        Ok(n)
    }
}

/// The encoding of a text sample: a BOM decides; else valid UTF-8; else a guess
/// (Swedish Excel exports are usually Windows-1252).
pub fn detect_encoding(sample: &[u8], complete: bool) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(sample) {
        return enc;
    }
    if utf8_prefix_ok(sample, complete) {
        return encoding_rs::UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(sample, complete);
    det.guess(Some(b"se"), chardetng::Utf8Detection::Allow)
}

/// Valid UTF-8, allowing a sequence cut off at the end of an incomplete sample.
fn utf8_prefix_ok(sample: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none() && sample.len() - e.valid_up_to() < 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn encodings_are_told_apart() {
        assert_eq!(
            detect_encoding("Göteborg;Åsa".as_bytes(), true),
            encoding_rs::UTF_8
        );
        assert_eq!(
            detect_encoding(b"G\xf6teborg;\xc5sa;sjukskriven f\xf6r", true).name(),
            "windows-1252"
        );
        assert_eq!(detect_encoding(b"\xff\xfea\x00", true).name(), "UTF-16LE");
        // A sample cut inside a multi-byte character is still UTF-8.
        assert_eq!(
            detect_encoding(&"abcå".as_bytes()[..4], false),
            encoding_rs::UTF_8
        );
    }

    #[test]
    fn binary_is_recognised() {
        assert!(is_binary(b"\x00\x01\x02\x03PK\x03\x04"));
        assert!(!is_binary("id;namn\n1;Åsa\n".as_bytes()));
        assert!(!is_binary(b"\xff\xfei\x00d\x00"));
    }

    #[test]
    fn gzip_bomb_and_truncation_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bomb.csv.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![b'a'; 4 * 1024 * 1024]).expect("write");
        std::fs::write(&path, enc.finish().expect("finish")).expect("write");
        let limits = Limits {
            max_decompressed_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let mut r = open_input(&path, true, &limits).expect("open");
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("gzip bomb"), "{err}");

        let data = std::fs::read(&path).expect("read");
        std::fs::write(&path, &data[..data.len() / 2]).expect("write");
        let mut r = open_input(&path, true, &Limits::default()).expect("open");
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("truncated gzip"), "{err}");
    }
}
