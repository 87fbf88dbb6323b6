//! What a file is, decided by its first bytes first and its name second. One
//! function decides for files on disk and for archive members alike, so a JSON
//! export is read as JSON whether it is named on the command line, found in a
//! folder or packed in a zip — never as something else.

use super::SourceKind;

/// Why a file is not scanned: passed over (listed under `skipped`) or an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotScanned {
    Skipped(String),
    Error(String),
}

/// Extensions of plain delimited exports.
pub const TABLE_EXTS: &[&str] = &["csv", "tsv", "tab", "txt", "dat"];

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The kind of a file from its (decompressed) first bytes and its lower-case
/// extension (without `.gz`). `explicit`: named on the command line (or an archive
/// member), so a text file of no known kind is tried as CSV rather than passed over.
pub fn sniff_kind(
    ext: &str,
    head: &[u8],
    binary: bool,
    explicit: bool,
) -> Result<SourceKind, NotScanned> {
    if head.is_empty() {
        return Err(NotScanned::Skipped("empty file".into()));
    }
    if let Some(kind) = binary_container(ext, head) {
        return Ok(kind);
    }
    if super::mbox::looks_like_mbox(head) || (ext == "mbox" && !binary) {
        // Named as a mailbox: read as one, so a file without a `From ` line is
        // reported as not an mbox instead of being passed over.
        return Ok(SourceKind::Mbox);
    }
    if super::walk::looks_like_message(head) || ext == "eml" {
        return Ok(SourceKind::Eml);
    }
    if let Some(kind) = json_kind(ext, head) {
        return Ok(kind);
    }
    if binary {
        return Err(
            if TABLE_EXTS.contains(&ext) || explicit || ext == "mbox" || is_known_ext(ext) {
                NotScanned::Error(binary_reason(ext, head))
            } else {
                NotScanned::Skipped("binary file".into())
            },
        );
    }
    if is_known_ext(ext) && !TABLE_EXTS.contains(&ext) {
        return Err(NotScanned::Error(format!(
            "named .{ext} but its content is not of that kind; not scanned"
        )));
    }
    if TABLE_EXTS.contains(&ext) || (ext.is_empty() && looks_delimited(head)) || explicit {
        return Ok(SourceKind::Csv);
    }
    if NOT_DATA_EXTS.contains(&ext) {
        return Err(NotScanned::Skipped(format!(
            "configuration, code or documentation (.{ext}), {NOT_DATA_REASON}"
        )));
    }
    Err(NotScanned::Skipped(format!(
        "not a CSV export, spreadsheet, archive, JSON export or mailbox (.{ext})"
    )))
}

/// How the skip reason of a file that is configuration, code or documentation
/// ends: it holds no one's records, so passing it over leaves the coverage
/// complete (a `.txt`, `.pdf` or `.docx` can hold personal data and does not).
pub const NOT_DATA_REASON: &str = "not data; not read";

/// Extensions of configuration, source code and documentation (the CI recipes and
/// policy files that sit beside exports).
const NOT_DATA_EXTS: &[&str] = &[
    "yml",
    "yaml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "md",
    "rst",
    "adoc",
    "py",
    "sh",
    "ps1",
    "rs",
    "js",
    "ts",
    "css",
    "go",
    "java",
    "rb",
    "lock",
    "gitignore",
    "editorconfig",
];

/// Extensions whose content is expected to be of one kind.
fn is_known_ext(ext: &str) -> bool {
    matches!(
        ext,
        "xlsx" | "xlsm" | "xls" | "ods" | "zip" | "tar" | "tgz" | "json" | "ndjson" | "jsonl"
    )
}

fn binary_reason(ext: &str, head: &[u8]) -> String {
    if head.starts_with(CFB_MAGIC) {
        return "an OLE compound file that is not an Excel workbook; not scanned".into();
    }
    let _ = ext;
    "binary data, not a text export; not scanned".into()
}

/// Spreadsheets and archives, told by their magic bytes.
fn binary_container(ext: &str, head: &[u8]) -> Option<SourceKind> {
    if head.starts_with(ZIP_MAGIC) || head.starts_with(EMPTY_ZIP_MAGIC) {
        // Office Open XML and OpenDocument files are zips too; their first members
        // say which they are (`[Content_Types].xml`, `xl/…`, a `mimetype` member).
        let has = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
        return Some(
            if matches!(ext, "xlsx" | "xlsm") || (has(b"[Content_Types].xml") && has(b"xl/")) {
                SourceKind::Xlsx
            } else if ext == "ods" || has(b"application/vnd.oasis.opendocument.spreadsheet") {
                SourceKind::Ods
            } else {
                SourceKind::Zip
            },
        );
    }
    if head.starts_with(CFB_MAGIC) {
        // An Excel 97-2003 workbook keeps its data in a stream named `Workbook`
        // (or `Book` for Excel 5), whose directory entry is in UTF-16.
        let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        let has = |s: &str| memchr::memmem::find(head, &utf16(s)).is_some();
        if ext == "xls" || has("Workbook") {
            return Some(SourceKind::Xls);
        }
        return None;
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return Some(SourceKind::Tar);
    }
    None
}

/// A JSON array of objects or NDJSON, by name or by a first byte no CSV export
/// starts with (`[` then `{`, or `{` then `"`).
fn json_kind(ext: &str, head: &[u8]) -> Option<SourceKind> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &text[start..];
    let next = text[1..].iter().find(|b| !b.is_ascii_whitespace()).copied();
    match ext {
        "ndjson" | "jsonl" => return Some(SourceKind::Ndjson),
        "json" if text[0] == b'{' && looks_like_ndjson(text) => return Some(SourceKind::Ndjson),
        "json" => return Some(SourceKind::Json),
        _ => {}
    }
    match (text[0], next) {
        (b'[', Some(b'{' | b']')) => Some(SourceKind::Json),
        (b'{', Some(b'"' | b'}')) if looks_like_ndjson(text) => Some(SourceKind::Ndjson),
        (b'{', Some(b'"' | b'}')) => Some(SourceKind::Json),
        _ => None,
    }
}

/// The first line is one whole JSON value and the next non-empty line starts
/// another object.
fn looks_like_ndjson(text: &[u8]) -> bool {
    let Some(nl) = memchr::memchr(b'\n', text) else {
        return false;
    };
    serde_json::from_slice::<serde::de::IgnoredAny>(&text[..nl]).is_ok()
        && text[nl + 1..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'{')
}

/// Several lines with the same count (> 0) of one delimiter.
pub fn looks_delimited(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let lines: Vec<&str> = text.lines().take(20).collect();
    if lines.len() < 2 {
        return false;
    }
    [',', ';', '\t', '|'].iter().any(|&c| {
        let n = lines[0].matches(c).count();
        n > 0
            && lines
                .iter()
                .take(lines.len().saturating_sub(1))
                .filter(|l| l.matches(c).count() == n)
                .count()
                * 10
                >= (lines.len() - 1) * 8
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ext: &str, head: &[u8]) -> Result<SourceKind, NotScanned> {
        sniff_kind(ext, head, super::super::decode::is_binary(head), false)
    }

    #[test]
    fn containers_are_told_by_content_not_name() {
        let xlsx = b"PK\x03\x04\x14\x00\x00\x00[Content_Types].xml....PK\x03\x04xl/workbook.xml";
        assert_eq!(kind("dat", xlsx), Ok(SourceKind::Xlsx));
        assert_eq!(
            kind("", b"PK\x03\x04\x14\x00\x00\x00data.csv"),
            Ok(SourceKind::Zip)
        );
        let ods = b"PK\x03\x04\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
        assert_eq!(kind("bin", ods), Ok(SourceKind::Ods));
        let mut tar = vec![0u8; 600];
        tar[..8].copy_from_slice(b"a.csv\0\0\0");
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(kind("", &tar), Ok(SourceKind::Tar));
    }

    #[test]
    fn json_is_never_read_as_csv() {
        assert_eq!(kind("json", b"[{\"a\": 1}]"), Ok(SourceKind::Json));
        assert_eq!(kind("txt", b"[\n  {\"a\": 1}\n]"), Ok(SourceKind::Json));
        assert_eq!(kind("", b"{\"a\":1}\n{\"a\":2}\n"), Ok(SourceKind::Ndjson));
        assert_eq!(kind("jsonl", b"{\"a\":1}\n"), Ok(SourceKind::Ndjson));
        assert_eq!(
            kind("json", b"{\"a\":1}\n{\"a\":2}\n"),
            Ok(SourceKind::Ndjson)
        );
        assert_eq!(kind("csv", b"id;name\n1;[x]\n"), Ok(SourceKind::Csv));
        assert!(matches!(
            kind("json", b"\x00\x01\x02\x03\x04"),
            Ok(SourceKind::Json)
        ));
    }
}
