//! The named fields of contact cards and distribution lists: each is meant for one
//! category (a phone field for phone numbers), so what it holds is inventory, like
//! a CSV column structured for that category.

use super::item::ItemKind;
use super::props::{Named, PropBag, PropValue, decode_8bit, decode_utf16le, lid};
use crate::model::Category;
use crate::source::RecordField;

/// Where a field's value comes from.
enum From {
    Tag(u16),
    Lid(Named),
}

use From::{Lid, Tag};

/// Contact card fields (MS-OXOCNTC), in the order they are reported.
const CONTACT_FIELDS: &[(&str, From, Category)] = &[
    ("display_name", Tag(0x3001), Category::PersonName),
    ("given_name", Tag(0x3A06), Category::PersonName),
    ("middle_name", Tag(0x3A44), Category::PersonName),
    ("surname", Tag(0x3A11), Category::PersonName),
    ("nickname", Tag(0x3A4F), Category::PersonName),
    ("file_under", Lid(lid::FILE_UNDER), Category::PersonName),
    ("spouse_name", Tag(0x3A48), Category::PersonName),
    ("children_names", Tag(0x3A58), Category::PersonName),
    ("manager_name", Tag(0x3A4E), Category::PersonName),
    ("assistant_name", Tag(0x3A30), Category::PersonName),
    ("email1", Lid(lid::EMAIL1_ADDRESS), Category::Email),
    (
        "email1_display_name",
        Lid(lid::EMAIL1_DISPLAY_NAME),
        Category::PersonName,
    ),
    ("email2", Lid(lid::EMAIL2_ADDRESS), Category::Email),
    (
        "email2_display_name",
        Lid(lid::EMAIL2_DISPLAY_NAME),
        Category::PersonName,
    ),
    ("email3", Lid(lid::EMAIL3_ADDRESS), Category::Email),
    (
        "email3_display_name",
        Lid(lid::EMAIL3_DISPLAY_NAME),
        Category::PersonName,
    ),
    ("im_address", Lid(lid::IM_ADDRESS), Category::Email),
    ("business_phone", Tag(0x3A08), Category::Phone),
    ("business2_phone", Tag(0x3A1B), Category::Phone),
    ("home_phone", Tag(0x3A09), Category::Phone),
    ("home2_phone", Tag(0x3A2F), Category::Phone),
    ("mobile_phone", Tag(0x3A1C), Category::Phone),
    ("primary_phone", Tag(0x3A1A), Category::Phone),
    ("other_phone", Tag(0x3A1F), Category::Phone),
    ("car_phone", Tag(0x3A1E), Category::Phone),
    ("pager", Tag(0x3A21), Category::Phone),
    ("callback_phone", Tag(0x3A02), Category::Phone),
    ("assistant_phone", Tag(0x3A2E), Category::Phone),
    ("business_fax", Tag(0x3A24), Category::Phone),
    ("home_fax", Tag(0x3A25), Category::Phone),
    (
        "work_address",
        Lid(lid::WORK_ADDRESS),
        Category::PostalAddress,
    ),
    ("business_street", Tag(0x3A29), Category::PostalAddress),
    (
        "home_address",
        Lid(lid::HOME_ADDRESS),
        Category::PostalAddress,
    ),
    ("home_street", Tag(0x3A5D), Category::PostalAddress),
    (
        "other_address",
        Lid(lid::OTHER_ADDRESS),
        Category::PostalAddress,
    ),
    ("other_street", Tag(0x3A63), Category::PostalAddress),
    ("birthday", Tag(0x3A42), Category::DateOfBirth),
    ("government_id", Tag(0x3A07), Category::NationalId),
];

/// The fields of an item that has them (contacts and distribution lists).
pub fn record_fields(p: &PropBag, kind: ItemKind, cp: u16) -> Vec<RecordField> {
    let mut out = Vec::new();
    match kind {
        ItemKind::Contact => {
            for (name, from, category) in CONTACT_FIELDS {
                let v = match from {
                    Tag(t) => p.get(*t),
                    Lid(n) => p.get_named(*n),
                };
                let text = match v {
                    Some(PropValue::Time(t)) => super::props::filetime_to_unix(*t)
                        .and_then(|s| jiff::Timestamp::from_second(s).ok())
                        .map(|t| t.strftime("%Y-%m-%d").to_string()),
                    Some(v) => super::props::value_text(v, cp),
                    None => None,
                };
                // Exchange contacts may hold an X.500 name where the address goes.
                let text = text.filter(|t| *category != Category::Email || t.contains('@'));
                if let Some(text) = text {
                    out.push(RecordField {
                        name: (*name).to_string(),
                        category: *category,
                        text,
                    });
                }
            }
        }
        ItemKind::DistList => dist_list_members(p, cp, &mut out),
        _ => {}
    }
    out
}

/// Members of a distribution list that are one-off addresses: their names and
/// e-mail addresses.
fn dist_list_members(p: &PropBag, cp: u16, out: &mut Vec<RecordField>) {
    for n in [lid::DIST_LIST_ONE_OFF_MEMBERS, lid::DIST_LIST_MEMBERS] {
        let Some(PropValue::MultiBinary(list)) = p.get_named(n) else {
            continue;
        };
        for entry in list {
            let Some((name, addr)) = parse_one_off(entry, cp) else {
                continue;
            };
            if let Some(name) = name {
                out.push(RecordField {
                    name: "member_name".into(),
                    category: Category::PersonName,
                    text: name,
                });
            }
            if let Some(addr) = addr.filter(|a| a.contains('@')) {
                out.push(RecordField {
                    name: "member_email".into(),
                    category: Category::Email,
                    text: addr,
                });
            }
        }
        // One-off members are also in the member list; read one of the two.
        if !out.is_empty() {
            break;
        }
    }
}

/// The display name and address of a one-off entry ID (MS-OXCDATA 2.2.5.1),
/// found anywhere in `b` (a wrapped entry ID holds one after its own header).
fn parse_one_off(b: &[u8], cp: u16) -> Option<(Option<String>, Option<String>)> {
    const ONE_OFF: [u8; 16] = [
        0x81, 0x2B, 0x1F, 0xA4, 0xBE, 0xA3, 0x10, 0x19, 0x9D, 0x6E, 0x00, 0xDD, 0x01, 0x0F, 0x54,
        0x02,
    ];
    let at = b.windows(16).position(|w| w == ONE_OFF)?;
    let rest = b.get(at + 16..)?;
    let flags = u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]);
    let mut strings = rest.get(4..)?;
    let unicode = flags & 0x8000 != 0;
    let mut next = || -> Option<String> {
        if unicode {
            let end = strings.chunks_exact(2).position(|c| c == [0, 0])?;
            let s = decode_utf16le(&strings[..end * 2]);
            strings = strings.get(end * 2 + 2..)?;
            Some(s)
        } else {
            let end = strings.iter().position(|&c| c == 0)?;
            let s = decode_8bit(&strings[..end], cp);
            strings = strings.get(end + 1..)?;
            Some(s)
        }
    };
    let name = next().filter(|s| !s.trim().is_empty());
    let _addr_type = next();
    let addr = next().filter(|s| !s.trim().is_empty());
    (name.is_some() || addr.is_some()).then_some((name, addr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::outlook::props::NameMap;

    #[test]
    fn one_off_entries_give_name_and_address() {
        let mut b = vec![0u8; 4];
        b.extend([
            0x81, 0x2B, 0x1F, 0xA4, 0xBE, 0xA3, 0x10, 0x19, 0x9D, 0x6E, 0x00, 0xDD, 0x01, 0x0F,
            0x54, 0x02,
        ]);
        b.extend([0, 0, 0x00, 0x80]);
        for s in ["Anna Andersson", "SMTP", "anna@example.se"] {
            for u in s.encode_utf16() {
                b.extend(u.to_le_bytes());
            }
            b.extend([0, 0]);
        }
        assert_eq!(
            parse_one_off(&b, 1252),
            Some((
                Some("Anna Andersson".into()),
                Some("anna@example.se".into())
            ))
        );
        assert_eq!(parse_one_off(&b[..30], 1252), None);
    }

    #[test]
    fn contact_fields_are_named_with_their_category() {
        let mut p = PropBag::default();
        let names = NameMap::default();
        p.insert(0x3A1C, PropValue::Unicode("070-123 45 67".into()), &names);
        p.insert(0x3001, PropValue::Str8(b"Bo B\xe4ck".to_vec()), &names);
        let f = record_fields(&p, ItemKind::Contact, 1252);
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.name.as_str(), f.category, f.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("display_name", Category::PersonName, "Bo Bäck"),
                ("mobile_phone", Category::Phone, "070-123 45 67"),
            ]
        );
        assert!(record_fields(&p, ItemKind::Mail, 1252).is_empty());
    }
}
