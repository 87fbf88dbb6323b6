//! Outlook data files, `.pst` and `.ost` (MS-PST), read with Microsoft's
//! `outlook-pst` crate: the folder tree below the IPM subtree is walked depth-first
//! in the store's own table order, and every item in it (mail, contacts, calendar,
//! tasks, notes, distribution lists) is read into an [`OutlookItem`] and handed on
//! one at a time, so memory holds one item (plus the crate's B-tree page caches)
//! however large the store is.
//!
//! The file is opened read-only (`read_from` with a reader, never the crate's
//! `open`, which also opens the file for writing). The crate's objects are `Rc`
//! based, so one thread reads; the caller scans items in parallel. Each item is read
//! under `catch_unwind`: a panic on hostile data becomes an error for that item,
//! the store is opened afresh (its reader lock may be poisoned), and the walk goes
//! on with the next item.

use super::item::{AttachmentData, OutlookAttachment, OutlookItem};
use super::props::{NameMap, PropBag, PropValue, tag};
use crate::source::Limits;
use outlook_pst::ltp::prop_context::PropertyValue;
use outlook_pst::ltp::table_context::TableContext;
use outlook_pst::messaging::attachment::{AnsiAttachment, Attachment, UnicodeAttachment};
use outlook_pst::messaging::message::{AnsiMessage, Message, UnicodeMessage};
use outlook_pst::messaging::store::{AnsiStore, EntryId, Store, UnicodeStore};
use outlook_pst::ndb::node_id::NodeId;
use outlook_pst::{AnsiPstFile, UnicodePstFile};
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// One item of a store, in walk order.
#[derive(Debug)]
pub struct PstItem {
    /// Folder path below the IPM subtree, `/`-separated (`Inkorg/Kunder`).
    pub folder: String,
    /// 1-based, in walk order over the whole file.
    pub number: u64,
    pub item: Result<OutlookItem, String>,
}

/// What the walk found about the store itself.
#[derive(Debug, Default)]
pub struct PstInfo {
    pub unicode: bool,
    /// Folder-level problems (a folder whose table cannot be read), without values.
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// Walk a store, handing each item to `sink` in order; `sink` returns false to
/// stop. Err when the file is not a store that can be opened at all.
pub fn read_pst(
    path: &Path,
    limits: &Limits,
    sink: &mut dyn FnMut(PstItem) -> bool,
) -> Result<PstInfo, String> {
    let caught =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            || match Walker::<Unicode>::new(path, limits) {
                Ok(w) => w.run(sink, true),
                Err(unicode_err) => match Walker::<Ansi>::new(path, limits) {
                    Ok(w) => w.run(sink, false),
                    Err(_) => Err(unicode_err),
                },
            },
        ));
    caught.unwrap_or_else(|_| Err("the store could not be read (corrupt file?)".into()))
}

/// Message class and body size columns are enough to open nothing twice; the
/// crate reads rows whole anyway.
trait Flavor {
    type Store: Store + 'static;
    type Message: Message + 'static;
    fn open(path: &Path) -> io::Result<Rc<Self::Store>>;
    fn store(s: &Rc<Self::Store>) -> &dyn Store;
    fn message(s: &Rc<Self::Store>, id: &EntryId) -> io::Result<Rc<Self::Message>>;
    fn attachment(m: &Rc<Self::Message>, node: NodeId) -> io::Result<Rc<dyn Attachment>>;
}

struct Unicode;
struct Ansi;

fn read_only(path: &Path) -> io::Result<Box<io::BufReader<std::fs::File>>> {
    Ok(Box::new(io::BufReader::with_capacity(
        64 * 1024,
        std::fs::File::open(path)?,
    )))
}

impl Flavor for Unicode {
    type Store = UnicodeStore;
    type Message = UnicodeMessage;
    fn open(path: &Path) -> io::Result<Rc<UnicodeStore>> {
        UnicodeStore::read(Rc::new(UnicodePstFile::read_from(read_only(path)?)?))
    }
    fn store(s: &Rc<UnicodeStore>) -> &dyn Store {
        s.as_ref()
    }
    fn message(s: &Rc<UnicodeStore>, id: &EntryId) -> io::Result<Rc<UnicodeMessage>> {
        UnicodeMessage::read(s.clone(), id, None)
    }
    fn attachment(m: &Rc<UnicodeMessage>, node: NodeId) -> io::Result<Rc<dyn Attachment>> {
        Ok(UnicodeAttachment::read(m.clone(), node, None)?)
    }
}

impl Flavor for Ansi {
    type Store = AnsiStore;
    type Message = AnsiMessage;
    fn open(path: &Path) -> io::Result<Rc<AnsiStore>> {
        AnsiStore::read(Rc::new(AnsiPstFile::read_from(read_only(path)?)?))
    }
    fn store(s: &Rc<AnsiStore>) -> &dyn Store {
        s.as_ref()
    }
    fn message(s: &Rc<AnsiStore>, id: &EntryId) -> io::Result<Rc<AnsiMessage>> {
        AnsiMessage::read(s.clone(), id, None)
    }
    fn attachment(m: &Rc<AnsiMessage>, node: NodeId) -> io::Result<Rc<dyn Attachment>> {
        Ok(AnsiAttachment::read(m.clone(), node, None)?)
    }
}

/// Deepest folder nesting followed (a corrupt hierarchy could loop).
const MAX_FOLDER_DEPTH: usize = 64;

struct Walker<'l, F: Flavor> {
    path: PathBuf,
    store: Rc<F::Store>,
    names: NameMap,
    limits: &'l Limits,
    info: PstInfo,
    number: u64,
}

/// Describe a crate error by kind only: its messages can quote node ids but also
/// debug-print structures, so they are kept short.
fn describe(e: &io::Error) -> String {
    let s = e.to_string();
    let s: String = s.chars().take(120).collect();
    if s.is_empty() {
        format!("{:?}", e.kind()).to_lowercase()
    } else {
        s
    }
}

impl<'l, F: Flavor> Walker<'l, F> {
    fn new(path: &Path, limits: &'l Limits) -> Result<Self, String> {
        let store = F::open(path)
            .map_err(|e| format!("not a readable Outlook data file: {}", describe(&e)))?;
        let names = name_map(F::store(&store));
        Ok(Walker {
            path: path.to_path_buf(),
            store,
            names,
            limits,
            info: PstInfo::default(),
            number: 0,
        })
    }

    fn run(
        mut self,
        sink: &mut dyn FnMut(PstItem) -> bool,
        unicode: bool,
    ) -> Result<PstInfo, String> {
        self.info.unicode = unicode;
        let store = F::store(&self.store);
        if store
            .properties()
            .get(tag::PST_PASSWORD)
            .is_some_and(|v| !matches!(v, PropertyValue::Integer32(0)))
        {
            // The PST password is a checksum Outlook compares; the data is not
            // encrypted by it, so the store is read like any other.
            self.info.warnings.push(
                "the store is password-protected in Outlook; its password does not encrypt the data, so it was scanned"
                    .into(),
            );
        }
        let root = store
            .properties()
            .ipm_sub_tree_entry_id()
            .map_err(|e| format!("store has no mail folders (IPM subtree): {}", describe(&e)))?;
        // Depth-first, in table order: (folder path, entry id, depth).
        let mut stack = vec![(String::new(), root, 0usize)];
        let mut seen = std::collections::HashSet::new();
        while let Some((path, entry, depth)) = stack.pop() {
            let at = if path.is_empty() {
                "the top folder".to_string()
            } else {
                path.clone()
            };
            if !seen.insert(u32::from(entry.node_id())) {
                self.info.warnings.push(format!(
                    "folder {at}: listed twice in the folder tree; read once"
                ));
                continue;
            }
            if depth > MAX_FOLDER_DEPTH {
                self.info.errors.push(format!(
                    "folder {at}: nested more than {MAX_FOLDER_DEPTH} deep; not scanned"
                ));
                continue;
            }
            let (messages, subfolders, lost) = match self.folder(&entry) {
                Ok(x) => x,
                Err(e) => {
                    self.info.errors.push(format!("folder {at}: {e}"));
                    continue;
                }
            };
            for l in lost {
                self.info.errors.push(format!("folder {at}: {l}"));
            }
            for id in messages {
                self.number += 1;
                let item = self.item(id).or_else(|e| self.row_item(&entry, id, e));
                let keep_going = sink(PstItem {
                    folder: path.clone(),
                    number: self.number,
                    item,
                });
                if !keep_going {
                    return Ok(self.info);
                }
            }
            for (name, sub) in subfolders.into_iter().rev() {
                let p = if path.is_empty() {
                    name
                } else {
                    format!("{path}/{name}")
                };
                stack.push((p, sub, depth + 1));
            }
        }
        Ok(self.info)
    }

    /// A folder's message node ids and its subfolders (name, entry id), in order,
    /// and what of it could not be listed. The crate gives no table for a folder
    /// whose table is damaged; the folder's own counts say what that loses.
    #[allow(clippy::type_complexity)]
    fn folder(
        &self,
        entry: &EntryId,
    ) -> Result<(Vec<u32>, Vec<(String, EntryId)>, Vec<String>), String> {
        let store = F::store(&self.store);
        let folder = store.open_folder(entry).map_err(|e| describe(&e))?;
        let mut lost = Vec::new();
        let expected = folder.properties().content_count().unwrap_or(0).max(0) as usize;
        let messages: Vec<u32> = match folder.contents_table() {
            Some(t) => t.rows_matrix().map(|r| u32::from(r.id())).collect(),
            None => Vec::new(),
        };
        if messages.len() < expected {
            lost.push(format!(
                "its table of contents is unreadable: {} of {expected} items not scanned",
                expected - messages.len()
            ));
        }
        let has_subfolders = folder.properties().has_sub_folders().unwrap_or(false);
        if has_subfolders && folder.hierarchy_table().is_none() {
            lost.push("its table of subfolders is unreadable: they were not scanned".into());
        }
        let mut subfolders = Vec::new();
        if let Some(h) = folder.hierarchy_table() {
            for row in h.rows_matrix() {
                let node = NodeId::from(u32::from(row.id()));
                let sub = store
                    .properties()
                    .make_entry_id(node)
                    .map_err(|e| describe(&e))?;
                let name = store
                    .open_folder(&sub)
                    .ok()
                    .and_then(|f| f.properties().display_name().ok())
                    .map(|n| n.replace('/', "\u{2215}"))
                    .unwrap_or_else(|| format!("folder-{}", u32::from(node)));
                subfolders.push((name, sub));
            }
        }
        Ok((messages, subfolders, lost))
    }

    /// Read one item, catching a panic in the crate.
    fn item(&mut self, id: u32) -> Result<OutlookItem, String> {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.read_item(id)));
        match result {
            Ok(r) => r.map_err(|e| describe(&e)),
            Err(_) => {
                // The reader's lock may be poisoned: open the store again.
                if let Ok(s) = F::open(&self.path) {
                    self.store = s;
                }
                Err("the item could not be read (corrupt data)".into())
            }
        }
    }

    /// An item the crate cannot open because it has no sub-node tree (a
    /// distribution list or contact without recipients or attachments) is read
    /// from its row in the folder's contents table, with a warning.
    fn row_item(&self, folder: &EntryId, id: u32, err: String) -> Result<OutlookItem, String> {
        if !err.contains("Sub-Node Tree") {
            return Err(err);
        }
        let store = F::store(&self.store);
        let f = store.open_folder(folder).map_err(|_| err.clone())?;
        let table = f.contents_table().ok_or_else(|| err.clone())?;
        let row = table
            .find_row(outlook_pst::ltp::table_context::TableRowId::new(id))
            .map_err(|_| err.clone())?;
        Ok(OutlookItem {
            props: row_bag(table.as_ref(), row, &self.names),
            warnings: vec![
                "read from the folder's table only (the item has no sub-node tree)".into(),
            ],
            ..Default::default()
        })
    }

    fn read_item(&self, id: u32) -> io::Result<OutlookItem> {
        let store = F::store(&self.store);
        let entry = store.properties().make_entry_id(NodeId::from(id))?;
        let msg = F::message(&self.store, &entry)?;
        let mut item = message_item(msg.as_ref(), &self.names);
        if let Some(table) = msg.attachment_table() {
            for row in table.rows_matrix() {
                let row_props = row_bag(table.as_ref(), row, &self.names);
                let size = row_props.int(tag::ATTACH_SIZE).unwrap_or(0);
                if size > self.limits.max_message_bytes as i64 {
                    item.warnings.push(format!(
                        "an attachment of {size} bytes is larger than --max-message-size; listed, not read"
                    ));
                    item.attachments.push(OutlookAttachment {
                        props: row_props,
                        data: AttachmentData::None,
                    });
                    continue;
                }
                let node = NodeId::from(u32::from(row.id()));
                match F::attachment(&msg, node) {
                    Ok(a) => item.attachments.push(attachment(a.as_ref(), &self.names)),
                    Err(e) => {
                        item.warnings
                            .push(format!("an attachment could not be read: {}", describe(&e)));
                        item.attachments.push(OutlookAttachment {
                            props: row_props,
                            data: AttachmentData::None,
                        });
                    }
                }
            }
        }
        Ok(item)
    }
}

/// The store's name-to-id map (empty when it cannot be read: named contact
/// fields are then not recognised, everything else still is).
fn name_map(store: &dyn Store) -> NameMap {
    let Ok(map) = store.named_property_map() else {
        return NameMap::default();
    };
    let p = map.properties();
    let bin = |id| match p.get(id) {
        Some(PropertyValue::Binary(b)) => b.buffer().to_vec(),
        _ => Vec::new(),
    };
    NameMap::parse(&bin(0x0002), &bin(0x0003))
}

/// A message's properties and recipients (attachments are read by the caller,
/// which knows the concrete message type).
fn message_item(msg: &dyn Message, names: &NameMap) -> OutlookItem {
    let mut props = PropBag::default();
    for (id, v) in msg.properties().iter() {
        props.insert(*id, convert(v), names);
    }
    let recipients = msg
        .recipient_table()
        .map(|t| {
            t.rows_matrix()
                .map(|r| row_bag(t.as_ref(), r, names))
                .collect()
        })
        .unwrap_or_default();
    OutlookItem {
        props,
        recipients,
        ..Default::default()
    }
}

fn attachment(a: &dyn Attachment, names: &NameMap) -> OutlookAttachment {
    let mut props = PropBag::default();
    for (id, v) in a.properties().iter() {
        if *id != tag::ATTACH_DATA {
            props.insert(*id, convert(v), names);
        }
    }
    let data = match a.data() {
        Some(outlook_pst::messaging::attachment::AttachmentData::Binary(b)) => {
            AttachmentData::Bytes(b.buffer().to_vec())
        }
        Some(outlook_pst::messaging::attachment::AttachmentData::Message(m)) => {
            // The crate does not open the attachments of an attached item; they
            // are listed from its attachment table.
            let mut inner = message_item(m.as_ref(), names);
            if let Some(t) = m.attachment_table() {
                for row in t.rows_matrix() {
                    inner.attachments.push(OutlookAttachment {
                        props: row_bag(t.as_ref(), row, names),
                        data: AttachmentData::None,
                    });
                }
            }
            AttachmentData::Message(Box::new(inner))
        }
        None => AttachmentData::None,
    };
    OutlookAttachment { props, data }
}

/// One table row (a recipient, an attachment) as a property bag.
fn row_bag(
    table: &dyn TableContext,
    row: &outlook_pst::ltp::table_context::TableRowData,
    names: &NameMap,
) -> PropBag {
    let mut bag = PropBag::default();
    let context = table.context();
    let Ok(values) = row.columns(context) else {
        return bag;
    };
    for (col, value) in context.columns().iter().zip(values) {
        let Some(value) = value else { continue };
        if let Ok(v) = table.read_column(&value, col.prop_type()) {
            bag.insert(col.prop_id(), convert(&v), names);
        }
    }
    bag
}

fn convert(v: &PropertyValue) -> PropValue {
    match v {
        PropertyValue::Integer16(i) => PropValue::Int(i64::from(*i)),
        PropertyValue::Integer32(i) => PropValue::Int(i64::from(*i)),
        PropertyValue::Integer64(i) => PropValue::Int(*i),
        PropertyValue::Boolean(b) => PropValue::Bool(*b),
        PropertyValue::Time(t) => PropValue::Time(*t),
        PropertyValue::String8(s) => PropValue::Str8(s.buffer().to_vec()),
        PropertyValue::Unicode(s) => PropValue::Unicode(String::from_utf16_lossy(s.buffer())),
        PropertyValue::Binary(b) => PropValue::Binary(b.buffer().to_vec()),
        PropertyValue::MultipleString8(l) => {
            PropValue::MultiStr8(l.iter().map(|s| s.buffer().to_vec()).collect())
        }
        PropertyValue::MultipleUnicode(l) => PropValue::MultiUnicode(
            l.iter()
                .map(|s| String::from_utf16_lossy(s.buffer()))
                .collect(),
        ),
        PropertyValue::MultipleBinary(l) => {
            PropValue::MultiBinary(l.iter().map(|b| b.buffer().to_vec()).collect())
        }
        _ => PropValue::Other,
    }
}
