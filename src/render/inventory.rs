//! The inventory as people read it: fields meant to hold personal data apart from
//! free-text fields found holding it, and, in the table, one row per column name for
//! files of the same shape (a thousand monthly exports are one row, with the count).

use crate::finding::InventoryEntry;
use crate::i18n::Lang;
use crate::model::InventoryKind;
use std::collections::BTreeMap;

/// One row of a folded inventory: the entry (categories and values summed over
/// the files) and how many files it stands for.
pub(crate) struct FoldedRow {
    pub entry: InventoryEntry,
    pub files: usize,
}

/// The two groups of the inventory, each with its heading.
pub(crate) fn groups(lang: Lang) -> [(InventoryKind, &'static str); 3] {
    match lang {
        Lang::En => [
            (
                InventoryKind::Structured,
                "Fields meant to hold personal data",
            ),
            (
                InventoryKind::FreeText,
                "Free-text fields found holding personal data",
            ),
            (
                InventoryKind::Attachment,
                "Mail attachments (listed, not scanned)",
            ),
        ],
        Lang::Sv => [
            (
                InventoryKind::Structured,
                "Fält avsedda för personuppgifter",
            ),
            (
                InventoryKind::FreeText,
                "Fritextfält där personuppgifter hittades",
            ),
            (
                InventoryKind::Attachment,
                "Bilagor i e-post (listade, inte granskade)",
            ),
        ],
    }
}

/// The pointer to the full detail when the table folds or cuts the inventory.
pub(crate) fn full_detail_hint(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "Folded by column name across files of the same shape; `--format html` or `--format markdown` lists every file."
        }
        Lang::Sv => {
            "Sammanslaget per kolumnnamn för filer med samma form; `--format html` eller `--format markdown` visar varje fil."
        }
    }
}

/// The entries of `kind`, folded: files whose inventory has the same fields (the
/// same shape) become one row per field, with their count.
pub(crate) fn fold(entries: &[InventoryEntry], kind: InventoryKind) -> Vec<FoldedRow> {
    // Every file's inventory fields (of every kind): its shape.
    let mut shapes: BTreeMap<&str, Vec<(&str, InventoryKind)>> = BTreeMap::new();
    for e in entries {
        shapes
            .entry(e.path.as_str())
            .or_default()
            .push((e.field.as_str(), e.kind));
    }
    // Each distinct shape once, by number, so a wide file is compared once.
    let mut shape_ids: BTreeMap<&Vec<(&str, InventoryKind)>, usize> = BTreeMap::new();
    let mut shape_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (path, shape) in &shapes {
        let next = shape_ids.len();
        shape_of.insert(path, *shape_ids.entry(shape).or_insert(next));
    }
    let mut rows: Vec<FoldedRow> = Vec::new();
    // (shape, field) → row index, in first-seen order.
    let mut index: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.kind == kind) {
        let shape = shape_of[e.path.as_str()];
        match index.get(&(shape, e.field.as_str())) {
            Some(&i) => {
                let row = &mut rows[i];
                row.files += 1;
                row.entry.values += e.values;
                for (c, n) in &e.categories {
                    *row.entry.categories.entry(*c).or_default() += n;
                }
                if e.decided_by.is_none() {
                    row.entry.decided_by = None;
                }
            }
            None => {
                index.insert((shape, e.field.as_str()), rows.len());
                rows.push(FoldedRow {
                    entry: e.clone(),
                    files: 1,
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn entry(path: &str, field: &str, kind: InventoryKind, n: u64) -> InventoryEntry {
        InventoryEntry {
            path: path.into(),
            field: field.into(),
            kind,
            categories: [(Category::Email, n)].into(),
            values: n,
            content_type: None,
            size: None,
            decided_by: None,
        }
    }

    #[test]
    fn files_of_the_same_shape_fold_into_one_row_per_field() {
        use InventoryKind::*;
        let mut entries = Vec::new();
        for m in 1..=12 {
            let p = format!("exports/2026-{m:02}.csv");
            entries.push(entry(&p, "email", Structured, 10));
            entries.push(entry(&p, "notes", FreeText, 1));
        }
        entries.push(entry("other.csv", "email", Structured, 5));
        let structured = fold(&entries, Structured);
        assert_eq!(
            structured.len(),
            2,
            "the monthly exports and the other file"
        );
        assert_eq!((structured[0].files, structured[0].entry.values), (12, 120));
        assert_eq!(structured[0].entry.path, "exports/2026-01.csv");
        assert_eq!(structured[1].files, 1);
        let free = fold(&entries, FreeText);
        assert_eq!((free.len(), free[0].files), (1, 12));
    }
}
