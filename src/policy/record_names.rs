//! The `id_field` value names a record in violations and export-action files. It
//! is often personal data itself (`id_field: email`), so the report shows it
//! masked unless `--show-values`; the clear value is kept aside, never serialized,
//! for the export-action files, whose purpose is to name the records to fix.

use super::Config;
use crate::audit::FileResult;
use crate::model::Category;

/// Move the clear `id_field` values of one file's CSV violations into its
/// `record_names` and, unless `show_values`, mask those in `violations[].records`
/// when the id column holds personal data (as the file's inventory says). Done
/// per file, as results come, so a partial report of a shard holds them masked
/// like the full report does.
pub fn mask_record_names(result: &mut FileResult, config: &Config, show_values: bool) {
    let mut violations = std::mem::take(&mut result.violations);
    for v in &mut violations {
        let Some(id_field) = config
            .source_for(&v.path)
            .and_then(|p| p.id_field.as_deref())
        else {
            continue;
        };
        let category = id_category(&result.inventory, &v.path, id_field);
        for (record, row) in v.records.iter_mut().zip(&v.rows) {
            if *record == row.to_string() {
                continue;
            }
            result.record_names.insert(*row, record.clone());
            if let (Some(c), false) = (category, show_values) {
                *record = crate::redact::mask(c, record);
            }
        }
    }
    result.violations = violations;
}

/// The most sensitive category the inventory lists for the id column, if any
/// (free-text columns are listed with what they turned out to hold).
fn id_category(
    inventory: &[crate::finding::InventoryEntry],
    path: &str,
    field: &str,
) -> Option<Category> {
    super::most_sensitive(
        inventory
            .iter()
            .filter(|e| e.path == path && e.field == field)
            .flat_map(|e| e.categories.keys().copied()),
    )
}
