//! Who a request is about: identifiers from the command line, a subject file
//! (YAML or JSON, one subject) or a requests file (CSV, one request per row).
//! Errors name the file and the row or key, never a value.

use super::identity::{IdKind, Normaliser};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What the person asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    /// Art. 15: what is held.
    Access,
    /// Art. 17: erase it.
    Erasure,
    /// Art. 16: correct it (every copy).
    Rectification,
    /// Art. 20: take it to another supplier.
    Portability,
}

impl RequestType {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestType::Access => "access",
            RequestType::Erasure => "erasure",
            RequestType::Rectification => "rectification",
            RequestType::Portability => "portability",
        }
    }

    pub fn parse(s: &str) -> Option<RequestType> {
        [
            RequestType::Access,
            RequestType::Erasure,
            RequestType::Rectification,
            RequestType::Portability,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// One identifier as given, with its canonical key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub kind: IdKind,
    pub value: String,
    pub key: String,
}

/// One data-subject request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: String,
    pub received: Option<jiff::civil::Date>,
    pub kind: RequestType,
    pub identifiers: Vec<Given>,
}

/// The identifiers of one subject, as written (command line or subject file).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectSpec {
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub received: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub email: OneOrMany,
    #[serde(default)]
    pub phone: OneOrMany,
    #[serde(default)]
    pub national_id: OneOrMany,
    #[serde(default)]
    pub name: OneOrMany,
    #[serde(default)]
    pub customer_id: OneOrMany,
}

/// A key that takes one value or a list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn values(&self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

impl From<Vec<String>> for OneOrMany {
    fn from(v: Vec<String>) -> Self {
        OneOrMany::Many(v)
    }
}

/// A request that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct RequestError {
    pub at: String,
    pub message: String,
}

fn err(at: impl Into<String>, message: impl Into<String>) -> RequestError {
    RequestError {
        at: at.into(),
        message: message.into(),
    }
}

impl SubjectSpec {
    /// Normalise every identifier; `at` names where the subject came from.
    pub fn into_request(
        self,
        at: &str,
        default_id: &str,
        norm: &Normaliser,
    ) -> Result<Request, RequestError> {
        let mut identifiers = Vec::new();
        let lists = [
            (IdKind::Email, &self.email),
            (IdKind::Phone, &self.phone),
            (IdKind::NationalId, &self.national_id),
            (IdKind::Name, &self.name),
            (IdKind::CustomerId, &self.customer_id),
        ];
        for (kind, list) in lists {
            for value in list.values() {
                let value = value.trim().to_string();
                if value.is_empty() {
                    continue;
                }
                let Some(key) = norm.normalise(kind, &value) else {
                    let why = match kind {
                        IdKind::Name => " (a name needs a given name and a surname)",
                        _ => "",
                    };
                    return Err(err(at, format!("`{kind}` is not a valid {kind}{why}")));
                };
                if !identifiers
                    .iter()
                    .any(|g: &Given| g.kind == kind && g.key == key)
                {
                    identifiers.push(Given { kind, value, key });
                }
            }
        }
        if identifiers.is_empty() {
            return Err(err(
                at,
                "no identifier given (email, phone, national_id, name or customer_id)",
            ));
        }
        let received = match self.received.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                crate::policy::dates::parse_date(s)
                    .map(|(d, _)| d)
                    .ok_or_else(|| err(at, "`received` is not a date (YYYY-MM-DD)"))?,
            ),
        };
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") => RequestType::Access,
            Some(s) => RequestType::parse(s).ok_or_else(|| {
                err(
                    at,
                    "`type` must be access, erasure, rectification or portability",
                )
            })?,
        };
        Ok(Request {
            id: self
                .request_id
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| default_id.to_string()),
            received,
            kind,
            identifiers,
        })
    }
}

/// Subject files and request files are small; a larger one is a mistake.
const MAX_REQUEST_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One subject from a YAML or JSON file.
pub fn load_subject_file(path: &Path, norm: &Normaliser) -> Result<Request, RequestError> {
    let name = path.display().to_string();
    let text = crate::source::read_limited_text(path, MAX_REQUEST_FILE_BYTES)
        .map_err(|e| err(&name, e.to_string()))?;
    let is_json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let spec: SubjectSpec = if is_json {
        serde_json::from_str(&text).map_err(|e| {
            err(
                format!("{name}:{}:{}", e.line(), e.column()),
                "not a subject (keys: email, phone, national_id, name, customer_id, request_id, received, type)",
            )
        })?
    } else {
        serde_saphyr::from_str(&text).map_err(|_| {
            err(
                &name,
                "not a subject (keys: email, phone, national_id, name, customer_id, request_id, received, type)",
            )
        })?
    };
    spec.into_request(&name, "request-1", norm)
}

/// A batch: CSV with `request_id,received,type,email,phone,national_id,name,customer_id`
/// (any order; more than one value in a cell separated by `;` or `|`).
pub fn load_requests(path: &Path, norm: &Normaliser) -> Result<Vec<Request>, RequestError> {
    let name = path.display().to_string();
    let text = crate::source::read_limited_text(path, MAX_REQUEST_FILE_BYTES)
        .map_err(|e| err(&name, e.to_string()))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|_| err(&name, "cannot read the header row"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    const KNOWN: [&str; 8] = [
        "request_id",
        "received",
        "type",
        "email",
        "phone",
        "national_id",
        "name",
        "customer_id",
    ];
    if let Some(h) = headers.iter().find(|h| !KNOWN.contains(&h.as_str())) {
        return Err(err(
            &name,
            format!("unknown column `{h}` (expected {})", KNOWN.join(",")),
        ));
    }
    let mut out: Vec<Request> = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let at = format!("{name}: row {}", i + 1);
        let rec = rec.map_err(|_| err(&at, "not a CSV record"))?;
        let cell = |col: &str| -> Option<String> {
            let i = headers.iter().position(|h| h == col)?;
            rec.get(i).map(str::to_string)
        };
        let many = |col: &str| -> OneOrMany {
            cell(col)
                .map(|c| {
                    c.split([';', '|'])
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
                .into()
        };
        let spec = SubjectSpec {
            request_id: cell("request_id"),
            received: cell("received"),
            kind: cell("type"),
            email: many("email"),
            phone: many("phone"),
            national_id: many("national_id"),
            name: many("name"),
            customer_id: many("customer_id"),
        };
        let req = spec.into_request(&at, &format!("row-{}", i + 1), norm)?;
        if out.iter().any(|r| r.id == req.id) {
            return Err(err(&at, "duplicate request_id"));
        }
        out.push(req);
    }
    if out.is_empty() {
        return Err(err(&name, "no requests in the file"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm() -> Normaliser {
        Normaliser::new("SE", 2026).unwrap()
    }

    #[test]
    fn a_subject_file_in_yaml_or_json() {
        let dir = tempfile::tempdir().unwrap();
        let y = dir.path().join("s.yaml");
        std::fs::write(
            &y,
            "email: Anna@X.se\nphone: [070-123 45 67, 08-123 456 78]\nreceived: 2026-01-31\ntype: erasure\n",
        )
        .unwrap();
        let r = load_subject_file(&y, &norm()).unwrap();
        assert_eq!(r.kind, RequestType::Erasure);
        assert_eq!(r.received, Some(jiff::civil::date(2026, 1, 31)));
        let keys: Vec<&str> = r.identifiers.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["anna@x.se", "+46701234567", "+46812345678"]);
        let j = dir.path().join("s.json");
        std::fs::write(&j, r#"{"name": "Öberg, Åsa", "request_id": "R7"}"#).unwrap();
        let r = load_subject_file(&j, &norm()).unwrap();
        assert_eq!(
            (r.id.as_str(), r.identifiers[0].key.as_str()),
            ("R7", "asa oberg")
        );
        std::fs::write(&j, r#"{"name": "Åsa"}"#).unwrap();
        let e = load_subject_file(&j, &norm()).unwrap_err();
        assert!(e.message.contains("surname"), "{e}");
        assert!(!e.to_string().contains("Åsa"), "errors never quote values");
    }

    #[test]
    fn a_requests_file_is_a_batch() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.csv");
        std::fs::write(
            &p,
            "request_id,received,type,email,phone,national_id,name,customer_id\n\
             R1,2026-01-31,erasure,a@x.se,,,,\n\
             R2,2026-02-01,access,,0701234567,19121212-1212,Åsa Öberg,10017\n",
        )
        .unwrap();
        let r = load_requests(&p, &norm()).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].identifiers.len(), 4);
        assert_eq!(r[1].identifiers[1].key, "191212121212");
        std::fs::write(&p, "request_id,email\nR1,a@x.se\nR1,b@x.se\n").unwrap();
        assert!(
            load_requests(&p, &norm())
                .unwrap_err()
                .message
                .contains("duplicate")
        );
        std::fs::write(&p, "request_id,type,email\nR1,delete,a@x.se\n").unwrap();
        let e = load_requests(&p, &norm()).unwrap_err();
        assert!(e.at.ends_with("row 1") && e.message.contains("type"), "{e}");
        std::fs::write(&p, "request_id,mail\nR1,a@x.se\n").unwrap();
        assert!(load_requests(&p, &norm()).is_err());
    }
}
