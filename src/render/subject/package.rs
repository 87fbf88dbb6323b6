//! `subject export`: the package for an access (Art. 15) or portability (Art. 20)
//! request — `data.json`, one CSV per source with the person's rows (same
//! columns), their messages as `.eml`, and `index.html` / `index.md` saying what is
//! held, where, since when, why, on which basis and for how long.
//!
//! Art. 15(4): other people's identifiers in the exported text are masked. The
//! package is written into a temporary directory beside the target, owner-only,
//! and renamed into place: a reader never sees half a package.

use super::mask::OthersMasker;
use crate::i18n::Lang;
use crate::policy::Config;
use crate::subject::find::RequestResult;
use crate::subject::hits::{Content, RecordHit, RecordRef, Role};
use crate::subject::identity::Normaliser;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the package is written against.
pub struct PackageContext<'a> {
    pub policy: Option<&'a Config>,
    /// The full rule pack: what it finds and is not the person's is masked.
    pub rules: &'a crate::rules::RuleSet,
    pub norm: &'a Normaliser,
    pub lang: Lang,
    pub as_of: jiff::civil::Date,
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("--output {0} already exists; a package is always written into a new directory")]
    Exists(String),
    #[error(transparent)]
    Inside(#[from] crate::input_guard::InsideInput),
    #[error("cannot write the package {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Refuse an existing directory or one inside (or holding) a scanned path.
pub fn refuse_target(dir: &Path, inputs: &[PathBuf]) -> Result<(), PackageError> {
    if dir.exists() {
        return Err(PackageError::Exists(dir.display().to_string()));
    }
    crate::input_guard::Inputs::new(inputs).refuse("--output", dir, true)?;
    let holds_input = inputs.iter().any(|i| {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        abs(i).starts_with(abs(dir))
    });
    if holds_input {
        return Err(PackageError::Exists(dir.display().to_string()));
    }
    Ok(())
}

/// One own record in `data.json`.
#[derive(Serialize)]
struct RecordOut {
    source: String,
    path: String,
    record: RecordRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<MessageOut>,
}

#[derive(Serialize)]
pub(super) struct MessageOut {
    pub headers: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Part label (`body`, `attachment:x.csv`) → text.
    pub text: BTreeMap<String, String>,
    pub attachments: Vec<String>,
}

/// A mention: the field of someone else's record that names the person.
#[derive(Serialize)]
struct MentionOut {
    source: String,
    path: String,
    record: RecordRef,
    field: String,
    text: String,
}

#[derive(Serialize)]
struct DataJson<'a> {
    request_id: &'a str,
    as_of: String,
    /// What the person was found by (theirs, in clear).
    identifiers: Vec<(String, String)>,
    records: Vec<RecordOut>,
    mentions: Vec<MentionOut>,
    /// Art. 15(4).
    note: &'static str,
}

const NOTE: &str = "Other people's e-mail addresses, phone numbers, national ids and other identifiers in these records are masked (GDPR Art. 15(4)).";

/// Write the package; returns the number of files written.
pub fn write_package(
    result: &RequestResult,
    ctx: &PackageContext<'_>,
    dir: &Path,
) -> Result<usize, PackageError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| PackageError::Io { path, source }
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Created 0700 by tempfile; removed again if anything below fails.
    let tmp = tempfile::Builder::new()
        .prefix(".gdpr-audit-package-")
        .tempdir_in(parent)
        .map_err(io(parent))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(io(tmp.path()))?;
    }
    let mut masker = OthersMasker::new(result, ctx.rules, ctx.norm);
    let mut files = 0;
    let mut data = DataJson {
        request_id: &result.request.id,
        as_of: ctx.as_of.to_string(),
        identifiers: result
            .searched
            .iter()
            .map(|s| (s.kind.to_string(), s.value.clone()))
            .collect(),
        records: Vec::new(),
        mentions: Vec::new(),
        note: NOTE,
    };
    // Source → (headers, rows) for the per-source CSVs.
    let mut tables: BTreeMap<&str, (Vec<String>, Vec<Vec<String>>)> = BTreeMap::new();
    let mut messages = Vec::new();
    for r in &result.records {
        match (&r.role, &r.content) {
            (
                Role::Own,
                Some(Content::Row {
                    headers,
                    fields,
                    structured,
                }),
            ) => {
                let fields: Vec<String> = fields
                    .iter()
                    .zip(structured.iter().chain(std::iter::repeat(&false)))
                    .zip(headers.iter())
                    .map(|((v, s), h)| if *s { v.clone() } else { masker.mask(v, h) })
                    .collect();
                let t = tables
                    .entry(r.source.as_str())
                    .or_insert_with(|| (headers.to_vec(), Vec::new()));
                t.1.push(fields.clone());
                data.records.push(RecordOut {
                    source: r.source.clone(),
                    path: r.path.clone(),
                    record: r.record.clone(),
                    fields: Some(headers.iter().cloned().zip(fields).collect()),
                    message: None,
                });
            }
            (Role::Own, Some(Content::Message(m))) => {
                let out = masker.message(m);
                messages.push((r, super::eml::render(&out, m.message_id.as_deref())));
                data.records.push(RecordOut {
                    source: r.source.clone(),
                    path: r.path.clone(),
                    record: r.record.clone(),
                    fields: None,
                    message: Some(out),
                });
            }
            (Role::Mention, Some(content)) => {
                data.mentions.extend(mentions(r, content, &mut masker))
            }
            _ => {}
        }
    }
    let root = tmp.path();
    let json = serde_json::to_vec_pretty(&data).map_err(|e| io(root)(e.into()))?;
    write(&root.join("data.json"), &json).map_err(io(&root.join("data.json")))?;
    files += 1;
    for (source, (headers, rows)) in &tables {
        let path = root.join(format!(
            "{}.csv",
            crate::render::export_actions::path_slug(source, "")
        ));
        let mut buf = Vec::new();
        {
            let mut w = csv::Writer::from_writer(&mut buf);
            w.write_record(headers).map_err(|e| io(&path)(e.into()))?;
            for row in rows {
                w.write_record(row).map_err(|e| io(&path)(e.into()))?;
            }
            w.flush().map_err(io(&path))?;
        }
        write(&path, &buf).map_err(io(&path))?;
        files += 1;
    }
    if !messages.is_empty() {
        let mdir = root.join("messages");
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&mdir).map_err(io(&mdir))?;
        for (i, (r, eml)) in messages.iter().enumerate() {
            let name = format!(
                "{:04}-{}.eml",
                i + 1,
                crate::render::export_actions::path_slug(&r.path, &r.record.label())
            );
            write(&mdir.join(&name), eml.as_bytes()).map_err(io(&mdir.join(&name)))?;
            files += 1;
        }
    }
    let index = super::index::Index::new(result, ctx);
    let md = index.markdown();
    write(&root.join("index.md"), md.as_bytes()).map_err(io(&root.join("index.md")))?;
    let mut html = Vec::new();
    index.html(&mut html).map_err(io(root))?;
    write(&root.join("index.html"), &html).map_err(io(&root.join("index.html")))?;
    files += 2;
    let kept = tmp.keep();
    std::fs::rename(&kept, dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        io(dir)(e)
    })?;
    Ok(files)
}

/// The fields of someone else's record that name the person, others masked.
fn mentions(r: &RecordHit, content: &Content, masker: &mut OthersMasker) -> Vec<MentionOut> {
    let mut fields: Vec<&str> = r.hits.iter().map(|h| h.location.field()).collect();
    fields.dedup();
    let text_of = |field: &str| -> Option<String> {
        match content {
            Content::Row {
                headers, fields, ..
            } => {
                let i = headers.iter().position(|h| h == field)?;
                fields.get(i).cloned()
            }
            Content::Message(m) => m
                .texts
                .iter()
                .find(|t| t.part.label() == field)
                .map(|t| t.text.clone()),
            Content::Fields(f) => f.iter().find(|(n, _)| n == field).map(|(_, t)| t.clone()),
        }
    };
    fields
        .into_iter()
        .filter_map(|f| {
            let text = text_of(f)?;
            Some(MentionOut {
                source: r.source.clone(),
                path: r.path.clone(),
                record: r.record.clone(),
                field: f.to_string(),
                text: masker.mask(&text, f),
            })
        })
        .collect()
}

/// A new file, owner-only (0600).
fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
