//! MAPI properties as both Outlook containers store them: a property bag per
//! message, recipient and attachment (MS-OXMSG, MS-PST), the few property tags this
//! tool reads (MS-OXPROPS), named properties resolved through the name-to-id map,
//! and 8-bit strings decoded with the item's code page.

use std::collections::{BTreeMap, HashMap};

/// One property value, independent of the container it came from.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// `PtypString8` (0x001E): bytes in the item's code page.
    Str8(Vec<u8>),
    /// `PtypString` (0x001F).
    Unicode(String),
    Int(i64),
    Bool(bool),
    /// `PtypTime`: 100-nanosecond intervals since 1601-01-01 UTC.
    Time(i64),
    Binary(Vec<u8>),
    /// `PtypMultipleString8` / `PtypMultipleString`: the values, joined later.
    MultiStr8(Vec<Vec<u8>>),
    MultiUnicode(Vec<String>),
    MultiBinary(Vec<Vec<u8>>),
    /// A type this tool does not read (GUIDs, floats, objects...).
    Other,
}

/// Property sets of the named properties this tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PropSet {
    /// PSETID_Address: contact and distribution-list fields.
    Address,
    /// PSETID_Appointment: calendar items.
    Appointment,
    /// PSETID_Task.
    Task,
}

impl PropSet {
    /// The set's GUID as stored (little-endian Data1..Data3).
    fn from_guid(g: &[u8]) -> Option<PropSet> {
        // {000620xx-0000-0000-C000-000000000046}
        const TAIL: [u8; 15] = [0x20, 0x06, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];
        if g.len() != 16 || g[1..] != TAIL {
            return None;
        }
        match g[0] {
            0x04 => Some(PropSet::Address),
            0x02 => Some(PropSet::Appointment),
            0x03 => Some(PropSet::Task),
            _ => None,
        }
    }
}

/// A named property: its set and numeric id (LID).
pub type Named = (PropSet, u32);

/// The name-to-id map of a file: which 0x8000+ property id stands for which named
/// property. Both containers store it as the same three streams (MS-OXMSG 2.2.3,
/// MS-PST 2.4.7): GUIDs, 8-byte entries, strings (string names are not read here).
#[derive(Debug, Clone, Default)]
pub struct NameMap {
    by_id: HashMap<u16, Named>,
}

impl NameMap {
    pub fn parse(guids: &[u8], entries: &[u8]) -> NameMap {
        let mut by_id = HashMap::new();
        for e in entries.chunks_exact(8) {
            let lid = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
            let kind_and_guid = u16::from_le_bytes([e[4], e[5]]);
            let index = u16::from_le_bytes([e[6], e[7]]);
            if kind_and_guid & 1 == 1 || index >= 0x8000 {
                continue; // a string name, or an index out of range
            }
            let guid_index = usize::from(kind_and_guid >> 1);
            // 1 = PS_MAPI, 2 = PS_PUBLIC_STRINGS, 3.. = the GUID stream.
            let Some(g) = guid_index
                .checked_sub(3)
                .and_then(|i| guids.get(i * 16..i * 16 + 16))
            else {
                continue;
            };
            if let Some(set) = PropSet::from_guid(g) {
                by_id.insert(0x8000 + index, (set, lid));
            }
        }
        NameMap { by_id }
    }

    pub fn resolve(&self, id: u16) -> Option<Named> {
        self.by_id.get(&id).copied()
    }
}

/// The properties of one message, recipient or attachment.
#[derive(Debug, Clone, Default)]
pub struct PropBag {
    tags: BTreeMap<u16, PropValue>,
    named: BTreeMap<Named, PropValue>,
}

impl PropBag {
    /// Add a property by id: ids from 0x8000 are named and kept only when the map
    /// knows them.
    pub fn insert(&mut self, id: u16, value: PropValue, names: &NameMap) {
        if id >= 0x8000 {
            if let Some(n) = names.resolve(id) {
                self.named.insert(n, value);
            }
        } else {
            self.tags.insert(id, value);
        }
    }

    pub fn get(&self, id: u16) -> Option<&PropValue> {
        self.tags.get(&id)
    }

    pub fn get_named(&self, n: Named) -> Option<&PropValue> {
        self.named.get(&n)
    }

    pub fn int(&self, id: u16) -> Option<i64> {
        match self.get(id)? {
            PropValue::Int(i) => Some(*i),
            PropValue::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// A time property as seconds since the Unix epoch.
    pub fn unix_time(&self, id: u16) -> Option<i64> {
        match self.get(id)? {
            PropValue::Time(t) => filetime_to_unix(*t),
            _ => None,
        }
    }

    pub fn binary(&self, id: u16) -> Option<&[u8]> {
        match self.get(id)? {
            PropValue::Binary(b) => Some(b),
            _ => None,
        }
    }

    /// A string property as text (multi-valued ones one value a line), trimmed;
    /// `None` when absent or empty.
    pub fn text(&self, id: u16, cp: u16) -> Option<String> {
        self.get(id).and_then(|v| value_text(v, cp))
    }

    pub fn named_text(&self, n: Named, cp: u16) -> Option<String> {
        self.get_named(n).and_then(|v| value_text(v, cp))
    }

    /// The code page 8-bit strings of this item are in: PidTagMessageCodepage,
    /// then PidTagInternetCodepage, then `fallback`.
    pub fn code_page(&self, fallback: u16) -> u16 {
        [tag::MESSAGE_CODEPAGE, tag::INTERNET_CODEPAGE]
            .iter()
            .filter_map(|&t| self.int(t))
            .filter_map(|c| u16::try_from(c).ok())
            .find(|&c| c != 0)
            .unwrap_or(fallback)
    }
}

/// Text of a string value: NULs trimmed, 8-bit strings decoded; `None` if empty.
pub fn value_text(v: &PropValue, cp: u16) -> Option<String> {
    let s = match v {
        PropValue::Str8(b) => decode_8bit(b, cp),
        PropValue::Unicode(s) => s.trim_end_matches('\0').to_string(),
        PropValue::MultiStr8(list) => list
            .iter()
            .map(|b| decode_8bit(b, cp))
            .collect::<Vec<_>>()
            .join("\n"),
        PropValue::MultiUnicode(list) => list.join("\n"),
        _ => return None,
    };
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// 8-bit text in a Windows code page (Windows-1252 when the page is unknown).
pub fn decode_8bit(bytes: &[u8], cp: u16) -> String {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let bytes = &bytes[..end];
    let enc = codepage::to_encoding(cp).unwrap_or(encoding_rs::WINDOWS_1252);
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// UTF-16LE bytes (an odd last byte dropped) to text.
pub fn decode_utf16le(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// FILETIME (100 ns since 1601) to Unix seconds; `None` for 0 and far-off values.
pub fn filetime_to_unix(ft: i64) -> Option<i64> {
    const EPOCH_DIFF: i64 = 11_644_473_600;
    if ft <= 0 {
        return None;
    }
    let secs = ft / 10_000_000 - EPOCH_DIFF;
    // Outlook writes 4501-01-01 for "none".
    (secs > -EPOCH_DIFF && secs < 32_503_680_000).then_some(secs)
}

/// Property ids (MS-OXPROPS) read by this tool.
pub mod tag {
    pub const MESSAGE_CLASS: u16 = 0x001A;
    pub const SUBJECT: u16 = 0x0037;
    pub const CLIENT_SUBMIT_TIME: u16 = 0x0039;
    pub const SENT_REPRESENTING_NAME: u16 = 0x0042;
    pub const SENT_REPRESENTING_ADDRESS: u16 = 0x0065;
    pub const SENT_REPRESENTING_ADDRTYPE: u16 = 0x0064;
    pub const SENDER_NAME: u16 = 0x0C1A;
    pub const SENDER_ADDRTYPE: u16 = 0x0C1E;
    pub const SENDER_ADDRESS: u16 = 0x0C1F;
    pub const RECIPIENT_TYPE: u16 = 0x0C15;
    pub const DISPLAY_BCC: u16 = 0x0E02;
    pub const DISPLAY_CC: u16 = 0x0E03;
    pub const DISPLAY_TO: u16 = 0x0E04;
    pub const DELIVERY_TIME: u16 = 0x0E06;
    pub const ATTACH_SIZE: u16 = 0x0E20;
    pub const BODY: u16 = 0x1000;
    pub const RTF_COMPRESSED: u16 = 0x1009;
    pub const BODY_HTML: u16 = 0x1013;
    pub const INTERNET_MESSAGE_ID: u16 = 0x1035;
    pub const DISPLAY_NAME: u16 = 0x3001;
    pub const ADDRTYPE: u16 = 0x3002;
    pub const EMAIL_ADDRESS: u16 = 0x3003;
    pub const CREATION_TIME: u16 = 0x3007;
    pub const LAST_MODIFICATION_TIME: u16 = 0x3008;
    pub const ATTACH_DATA: u16 = 0x3701;
    pub const ATTACH_FILENAME: u16 = 0x3704;
    pub const ATTACH_METHOD: u16 = 0x3705;
    pub const ATTACH_LONG_FILENAME: u16 = 0x3707;
    pub const ATTACH_MIME_TAG: u16 = 0x370E;
    pub const SMTP_ADDRESS: u16 = 0x39FE;
    pub const INTERNET_CODEPAGE: u16 = 0x3FDE;
    pub const MESSAGE_CODEPAGE: u16 = 0x3FFD;
    pub const SENDER_SMTP_ADDRESS: u16 = 0x5D01;
    pub const SENT_REPRESENTING_SMTP_ADDRESS: u16 = 0x5D02;
    /// Store property: non-zero when the PST has a password.
    pub const PST_PASSWORD: u16 = 0x67FF;
}

/// Named properties (MS-OXPROPS) read by this tool.
pub mod lid {
    use super::{Named, PropSet};
    pub const EMAIL1_DISPLAY_NAME: Named = (PropSet::Address, 0x8080);
    pub const EMAIL1_ADDRESS: Named = (PropSet::Address, 0x8083);
    pub const EMAIL2_DISPLAY_NAME: Named = (PropSet::Address, 0x8090);
    pub const EMAIL2_ADDRESS: Named = (PropSet::Address, 0x8093);
    pub const EMAIL3_DISPLAY_NAME: Named = (PropSet::Address, 0x80A0);
    pub const EMAIL3_ADDRESS: Named = (PropSet::Address, 0x80A3);
    pub const FILE_UNDER: Named = (PropSet::Address, 0x8005);
    pub const HOME_ADDRESS: Named = (PropSet::Address, 0x801A);
    pub const WORK_ADDRESS: Named = (PropSet::Address, 0x801B);
    pub const OTHER_ADDRESS: Named = (PropSet::Address, 0x801C);
    pub const IM_ADDRESS: Named = (PropSet::Address, 0x8062);
    pub const DIST_LIST_NAME: Named = (PropSet::Address, 0x8053);
    pub const DIST_LIST_ONE_OFF_MEMBERS: Named = (PropSet::Address, 0x8054);
    pub const DIST_LIST_MEMBERS: Named = (PropSet::Address, 0x8055);
    pub const LOCATION: Named = (PropSet::Appointment, 0x8208);
    pub const APPOINTMENT_START: Named = (PropSet::Appointment, 0x820D);
    pub const TO_ATTENDEES: Named = (PropSet::Appointment, 0x823B);
    pub const CC_ATTENDEES: Named = (PropSet::Appointment, 0x823C);
    pub const TASK_OWNER: Named = (PropSet::Task, 0x811F);
    pub const TASK_ASSIGNER: Named = (PropSet::Task, 0x8121);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_properties_resolve_through_the_guid_stream() {
        let mut guids = vec![0u8; 16]; // an unrelated GUID first
        guids.extend([
            0x04, 0x20, 0x06, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
        ]);
        let mut entries = Vec::new();
        // LID 0x8083 in GUID #4 (stream index 1), property index 5 -> id 0x8005.
        entries.extend(0x8083u32.to_le_bytes());
        entries.extend((4u16 << 1).to_le_bytes());
        entries.extend(5u16.to_le_bytes());
        // A string-named entry is skipped.
        entries.extend(0u32.to_le_bytes());
        entries.extend(((4u16 << 1) | 1).to_le_bytes());
        entries.extend(6u16.to_le_bytes());
        let map = NameMap::parse(&guids, &entries);
        assert_eq!(map.resolve(0x8005), Some(lid::EMAIL1_ADDRESS));
        assert_eq!(map.resolve(0x8006), None);
        let mut bag = PropBag::default();
        bag.insert(0x8005, PropValue::Unicode("a@b.se".into()), &map);
        bag.insert(0x8006, PropValue::Unicode("x".into()), &map);
        assert_eq!(
            bag.named_text(lid::EMAIL1_ADDRESS, 1252).as_deref(),
            Some("a@b.se")
        );
    }

    #[test]
    fn eight_bit_strings_use_the_code_page() {
        assert_eq!(decode_8bit(b"R\xe4ksm\xf6rg\xe5s\0", 1252), "Räksmörgås");
        assert_eq!(decode_8bit(b"\xcf\xf0\xe8\xe2\xe5\xf2", 1251), "Привет");
        assert_eq!(decode_8bit("å".as_bytes(), 65001), "å");
        let mut bag = PropBag::default();
        bag.insert(
            tag::MESSAGE_CODEPAGE,
            PropValue::Int(1251),
            &NameMap::default(),
        );
        assert_eq!(bag.code_page(1252), 1251);
        assert_eq!(PropBag::default().code_page(1252), 1252);
    }

    #[test]
    fn filetimes_become_unix_seconds() {
        // 2009-02-13 23:31:30 UTC
        assert_eq!(
            filetime_to_unix((1_234_567_890 + 11_644_473_600) * 10_000_000),
            Some(1_234_567_890)
        );
        assert_eq!(filetime_to_unix(0), None);
    }
}
