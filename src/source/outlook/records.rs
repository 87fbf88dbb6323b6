//! The Outlook readers on the record model: a `.msg` file is one record; a `.pst`
//! store is read on a thread of its own (its reader's objects cannot cross
//! threads) and its items come out in store order through a bounded queue, each a
//! record whose location names its folder and number. A contact card's named
//! fields are fields of its record, by name.

use super::item::{OutlookItem, to_mail_message};
use super::pst::{PstInfo, PstItem, read_pst};
use crate::model::MailPart;
use crate::source::mbox::mail_record;
use crate::source::record::{Field, FieldName, Record, RecordLocation, RecordNumber, RecordReader};
use crate::source::{Limits, SourceError};
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

/// Code page of 8-bit strings in items that name none.
pub const DEFAULT_CODE_PAGE: u16 = 1252;

/// An item as a record at `location`.
pub fn item_record(item: &OutlookItem, location: RecordLocation, limits: &Limits) -> Record {
    let msg = to_mail_message(item, location.number.get(), DEFAULT_CODE_PAGE, limits);
    let fields: Vec<Field> = msg
        .fields
        .iter()
        .map(|f| Field {
            name: FieldName::Mail(MailPart::Field(f.name.clone())),
            text: f.text.clone(),
        })
        .collect();
    let mut record = mail_record(msg, location);
    record.fields.extend(fields);
    record
}

/// A `.msg` file: one record, or the error that it cannot be read.
pub struct MsgRecords {
    next: Option<Result<Record, SourceError>>,
}

impl MsgRecords {
    pub fn open(path: &Path, display: &str, limits: &Limits) -> MsgRecords {
        let next = super::msg::read_msg_file(path, limits)
            .map(|item| {
                let loc = RecordLocation::in_file(display, RecordNumber::Message(1));
                item_record(&item, loc, limits)
            })
            .map_err(|e| SourceError::new(display, e));
        MsgRecords { next: Some(next) }
    }
}

impl RecordReader for MsgRecords {
    fn next_record(&mut self) -> Result<Option<Record>, SourceError> {
        self.next.take().transpose()
    }

    fn take_warnings(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// After its one record or error there is nothing more: "going on" ends at once,
    /// and the error reaches the sink.
    fn can_continue(&self) -> bool {
        true
    }
}

/// Items read ahead of the consumer.
const QUEUE_ITEMS: usize = 64;

/// The items of a `.pst`/`.ost` store, in store order.
pub struct PstRecords {
    rx: Option<Receiver<PstItem>>,
    reader: Option<JoinHandle<Result<PstInfo, String>>>,
    display: String,
    limits: Limits,
    /// Folder-level errors, handed out after the last item.
    pending_errors: Vec<String>,
    warnings: Vec<String>,
}

impl PstRecords {
    pub fn open(path: &Path, display: &str, limits: &Limits) -> PstRecords {
        let (tx, rx) = sync_channel(QUEUE_ITEMS);
        let (path, reader_limits) = (path.to_path_buf(), limits.clone());
        let reader = std::thread::spawn(move || {
            read_pst(&path, &reader_limits, &mut |item| tx.send(item).is_ok())
        });
        PstRecords {
            rx: Some(rx),
            reader: Some(reader),
            display: display.to_string(),
            limits: limits.clone(),
            pending_errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// After the last item: the store's own errors and warnings.
    fn finish(&mut self) {
        self.rx = None;
        let Some(reader) = self.reader.take() else {
            return;
        };
        match reader.join() {
            Ok(Ok(info)) => {
                self.pending_errors.extend(info.errors);
                self.warnings.extend(info.warnings);
            }
            Ok(Err(e)) => self.pending_errors.push(e),
            Err(_) => self
                .pending_errors
                .push("the store could not be read (internal error)".into()),
        }
        self.pending_errors.reverse();
    }
}

impl RecordReader for PstRecords {
    fn next_record(&mut self) -> Result<Option<Record>, SourceError> {
        if let Some(it) = self.rx.as_ref().and_then(|rx| rx.recv().ok()) {
            let folder = if it.folder.is_empty() {
                "(top)"
            } else {
                &it.folder
            };
            return match it.item {
                Ok(item) => {
                    let mut loc =
                        RecordLocation::in_file(&self.display, RecordNumber::Message(it.number));
                    loc.folder = Some(it.folder.clone());
                    Ok(Some(item_record(&item, loc, &self.limits)))
                }
                Err(e) => Err(SourceError::new(
                    &self.display,
                    format!("folder {folder}, message {}: {e}", it.number),
                )),
            };
        }
        self.finish();
        match self.pending_errors.pop() {
            Some(e) => Err(SourceError::new(&self.display, e)),
            None => Ok(None),
        }
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn can_continue(&self) -> bool {
        true
    }
}

impl Drop for PstRecords {
    fn drop(&mut self) {
        // Closing the queue stops the reader at its next item.
        self.rx = None;
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::record::RecordSink;

    #[derive(Default)]
    struct Collect(Vec<Record>, Vec<SourceError>);

    impl RecordSink for Collect {
        fn record(&mut self, record: Record) -> bool {
            self.0.push(record);
            true
        }
        fn error(&mut self, error: SourceError) -> bool {
            self.1.push(error);
            true
        }
    }

    fn fixture(name: &str) -> Option<std::path::PathBuf> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures/outlook")
            .join(name);
        if !p.exists() {
            eprintln!("note: {name} not found beside the repository; skipped");
        }
        p.exists().then_some(p)
    }

    #[test]
    fn pst_items_are_records_with_folder_and_number() {
        let Some(p) = fixture("support.pst") else {
            return;
        };
        let mut sink = Collect::default();
        PstRecords::open(&p, "support.pst", &Limits::default()).read_into(&mut sink);
        assert!(sink.1.is_empty(), "{:?}", sink.1);
        assert_eq!(sink.0.len(), 17);
        for (i, r) in sink.0.iter().enumerate() {
            assert_eq!(r.location.number, RecordNumber::Message(i as u64 + 1));
            let folder = r.location.folder.as_deref().unwrap();
            assert!(["Drafts", "Sent Messages"].contains(&folder), "{folder}");
            assert!(
                r.mail
                    .as_ref()
                    .unwrap()
                    .addresses
                    .iter()
                    .any(|a| a.header == "from")
            );
        }
        assert!(sink.0.iter().any(|r| {
            r.fields
                .iter()
                .any(|f| f.name == FieldName::Mail(MailPart::Body))
        }));
    }

    #[test]
    fn contact_fields_are_record_fields_and_bad_stores_are_errors() {
        if let Some(p) = fixture("dist-list.pst") {
            let mut sink = Collect::default();
            PstRecords::open(&p, "d.pst", &Limits::default()).read_into(&mut sink);
            assert!(sink.0.iter().any(|r| {
                r.fields
                    .iter()
                    .any(|f| f.name == FieldName::Column("email1".into()) && f.text.contains('@'))
            }));
        }
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.pst");
        std::fs::write(&bad, b"!BDN and nothing else").unwrap();
        let mut sink = Collect::default();
        PstRecords::open(&bad, "bad.pst", &Limits::default()).read_into(&mut sink);
        assert!(sink.0.is_empty());
        assert_eq!(sink.1.len(), 1);
        assert!(sink.1[0].to_string().starts_with("bad.pst: "));
        let mut sink = Collect::default();
        MsgRecords::open(&bad, "bad.msg", &Limits::default()).read_into(&mut sink);
        assert_eq!(sink.1.len(), 1);
    }
}
