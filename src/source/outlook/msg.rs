//! Outlook `.msg` files (MS-OXMSG): an OLE compound file (read with the `cfb`
//! crate) whose storages hold one message's properties, its recipients and its
//! attachments; an attached item is a nested message storage.
//!
//! Streams are read one at a time, each within the byte budget of
//! `--max-message-size` for the whole file, so a hostile file cannot make the reader
//! hold more than that. A panic in the container parser is caught and reported.

use super::item::{AttachmentData, OutlookAttachment, OutlookItem};
use super::props::{NameMap, PropBag, PropValue, decode_utf16le, tag};
use crate::source::Limits;
use std::io::{Read, Seek};
use std::path::Path;

const PROPS_STREAM: &str = "__properties_version1.0";
const NAMEID: &str = "__nameid_version1.0";

/// Does this compound file hold an Outlook message (rather than a Word or Excel
/// document)? Its root has the property stream and message storages.
pub fn is_msg<F: Read + Seek>(inner: F) -> bool {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Ok(cf) = cfb::CompoundFile::open(inner) else {
            return false;
        };
        cf.is_stream(format!("/{PROPS_STREAM}"))
            && cf
                .read_root_storage()
                .any(|e| e.name().starts_with("__substg1.0_"))
    }))
    .unwrap_or(false)
}

/// Read a `.msg` file.
pub fn read_msg_file(path: &Path, limits: &Limits) -> Result<OutlookItem, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    read_msg(std::io::BufReader::new(f), limits)
}

/// Read a message from a compound file.
pub fn read_msg<F: Read + Seek>(inner: F, limits: &Limits) -> Result<OutlookItem, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let cf = cfb::CompoundFile::open(inner).map_err(|e| {
            format!(
                "not a readable Outlook message (OLE container: {})",
                io_kind(&e)
            )
        })?;
        let mut r = MsgReader {
            cf,
            budget: limits.max_message_bytes as u64,
            names: NameMap::default(),
            max_depth: limits.max_mime_depth,
            warnings: Vec::new(),
            budget_warned: false,
        };
        if !r.cf.is_stream(format!("/{PROPS_STREAM}")) {
            return Err("OLE file without message properties: not an Outlook message".into());
        }
        r.names = r.name_map();
        let mut item = r.object("", 32, 1)?;
        item.warnings.append(&mut r.warnings);
        Ok(item)
    }))
    .unwrap_or_else(|_| Err("the OLE container could not be parsed; not scanned".into()))
}

/// The kind of an I/O error, never its message (which could quote a name).
fn io_kind(e: &std::io::Error) -> String {
    format!("{:?}", e.kind()).to_lowercase()
}

struct MsgReader<F> {
    cf: cfb::CompoundFile<F>,
    /// Bytes that may still be read from streams.
    budget: u64,
    names: NameMap,
    max_depth: usize,
    warnings: Vec<String>,
    budget_warned: bool,
}

/// A child of a storage: (name, is a stream, length).
type Child = (String, bool, u64);

impl<F: Read + Seek> MsgReader<F> {
    fn children(&self, storage: &str) -> Vec<Child> {
        let path = if storage.is_empty() { "/" } else { storage };
        let mut out: Vec<Child> = match self.cf.read_storage(path) {
            Ok(entries) => entries
                .map(|e| (e.name().to_string(), e.is_stream(), e.len()))
                .collect(),
            Err(_) => Vec::new(),
        };
        out.sort();
        out
    }

    /// A stream's bytes, within the budget.
    fn stream(&mut self, path: &str, len: u64) -> Option<Vec<u8>> {
        if len > self.budget {
            if !self.budget_warned {
                self.budget_warned = true;
                self.warnings.push(
                    "message larger than --max-message-size; the rest of its properties were not read"
                        .into(),
                );
            }
            return None;
        }
        let mut s = self.cf.open_stream(path).ok()?;
        let mut buf = Vec::new();
        (&mut s).take(len).read_to_end(&mut buf).ok()?;
        self.budget -= buf.len() as u64;
        Some(buf)
    }

    fn stream_at(&mut self, storage: &str, name: &str) -> Option<Vec<u8>> {
        let path = format!("{storage}/{name}");
        let len = self.cf.entry(&path).ok().filter(|e| e.is_stream())?.len();
        self.stream(&path, len)
    }

    fn name_map(&mut self) -> NameMap {
        let dir = format!("/{NAMEID}");
        let guids = self
            .stream_at(&dir, "__substg1.0_00020102")
            .unwrap_or_default();
        let entries = self
            .stream_at(&dir, "__substg1.0_00030102")
            .unwrap_or_default();
        NameMap::parse(&guids, &entries)
    }

    /// A message object (the file, or an attached item) at `storage`.
    fn object(
        &mut self,
        storage: &str,
        header: usize,
        depth: usize,
    ) -> Result<OutlookItem, String> {
        let children = self.children(storage);
        let props = self.props(storage, header, &children)?;
        let mut item = OutlookItem {
            props,
            ..Default::default()
        };
        for (name, is_stream, _) in &children {
            if *is_stream {
                continue;
            }
            let path = format!("{storage}/{name}");
            if name.starts_with("__recip_version1.0_") {
                let c = self.children(&path);
                item.recipients.push(self.props(&path, 8, &c)?);
            } else if name.starts_with("__attach_version1.0_") {
                let a = self.attachment(&path, depth)?;
                item.attachments.push(a);
            }
        }
        Ok(item)
    }

    fn attachment(&mut self, path: &str, depth: usize) -> Result<OutlookAttachment, String> {
        let children = self.children(path);
        let props = self.props(path, 8, &children)?;
        let embedded = format!("{path}/__substg1.0_3701000D");
        let data = if self.cf.is_storage(&embedded) {
            let is_message = self.cf.is_stream(format!("{embedded}/{PROPS_STREAM}"));
            if !is_message {
                AttachmentData::None // an OLE object (a Word document inside)
            } else if depth >= self.max_depth {
                self.warnings.push(format!(
                    "attached items nested deeper than {} levels (--max-mime-depth); deeper ones skipped",
                    self.max_depth
                ));
                AttachmentData::None
            } else {
                AttachmentData::Message(Box::new(self.object(&embedded, 24, depth + 1)?))
            }
        } else {
            match props.get(tag::ATTACH_DATA) {
                Some(PropValue::Binary(b)) => AttachmentData::Bytes(b.clone()),
                _ => AttachmentData::None,
            }
        };
        Ok(OutlookAttachment { props, data })
    }

    /// The property stream of an object (after its `header` bytes), with the values
    /// of variable-length properties from their own streams.
    fn props(
        &mut self,
        storage: &str,
        header: usize,
        children: &[Child],
    ) -> Result<PropBag, String> {
        let raw = self
            .stream_at(storage, PROPS_STREAM)
            .ok_or("a message part has no property stream")?;
        let mut bag = PropBag::default();
        for e in raw.get(header..).unwrap_or_default().chunks_exact(16) {
            let ptype = u16::from_le_bytes([e[0], e[1]]);
            let id = u16::from_le_bytes([e[2], e[3]]);
            let v = &e[8..16];
            let int = |n: usize| {
                let mut b = [0u8; 8];
                b[..n].copy_from_slice(&v[..n]);
                i64::from_le_bytes(b)
            };
            let value = match ptype {
                0x0002 => PropValue::Int(i64::from(i16::from_le_bytes([v[0], v[1]]))),
                0x0003 => PropValue::Int(i64::from(i32::from_le_bytes([v[0], v[1], v[2], v[3]]))),
                0x0014 => PropValue::Int(int(8)),
                0x000B => PropValue::Bool(v[0] != 0),
                0x0040 => PropValue::Time(int(8)),
                _ => continue, // variable length: read from its stream below
            };
            bag.insert(id, value, &self.names);
        }
        for (name, is_stream, len) in children {
            let Some(code) = name.strip_prefix("__substg1.0_") else {
                continue;
            };
            if !*is_stream || code.len() != 8 {
                continue; // `-0000000N` value streams are read with their property
            }
            let Ok(tag) = u32::from_str_radix(code, 16) else {
                continue;
            };
            let (id, ptype) = ((tag >> 16) as u16, tag as u16);
            let path = format!("{storage}/{name}");
            let value = match ptype {
                0x001F => self
                    .stream(&path, *len)
                    .map(|b| PropValue::Unicode(decode_utf16le(&b))),
                0x001E => self.stream(&path, *len).map(PropValue::Str8),
                0x0102 => self.stream(&path, *len).map(PropValue::Binary),
                0x101F | 0x101E | 0x1102 => Some(self.multi(storage, code, ptype, children)),
                _ => None,
            };
            if let Some(v) = value {
                bag.insert(id, v, &self.names);
            }
        }
        Ok(bag)
    }

    /// A multi-valued string or binary property: one stream per value.
    fn multi(&mut self, storage: &str, code: &str, ptype: u16, children: &[Child]) -> PropValue {
        let prefix = format!("__substg1.0_{code}-");
        let mut values = Vec::new();
        for (name, is_stream, len) in children {
            if *is_stream && name.starts_with(&prefix) {
                let path = format!("{storage}/{name}");
                if let Some(b) = self.stream(&path, *len) {
                    values.push(b);
                }
            }
        }
        match ptype {
            0x101F => PropValue::MultiUnicode(values.iter().map(|b| decode_utf16le(b)).collect()),
            0x101E => PropValue::MultiStr8(values),
            _ => PropValue::MultiBinary(values),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
