//! mbox splitting (placeholder until the mail reader lands).
use std::io::BufRead;

pub struct RawMessage {
    pub number: u64,
    pub bytes: Vec<u8>,
    pub truncated: bool,
}

pub struct MboxReader<R: BufRead> {
    _reader: R,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(reader: R, _max_message_bytes: usize) -> Self {
        MboxReader { _reader: reader }
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = std::io::Result<RawMessage>;
    fn next(&mut self) -> Option<Self::Item> {
        None
    }
}

pub fn looks_like_mbox(head: &[u8]) -> bool {
    head.starts_with(b"From ")
}
