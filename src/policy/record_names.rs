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
            if let Some(forms) = record.strip_prefix(FORMS) {
                // Masked by a shard already, in every way it could be.
                *record = pick_form(forms, category);
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

/// Marks an id that a shard masked in every way (a byte range of a split file:
/// which category its column holds is known only once all ranges are merged).
const FORMS: char = '\u{1}';

/// An `id_field` value masked as each category would mask it (masks are
/// idempotent, so [`mask_record_names`] can mask the form it picks again).
pub fn masked_forms(id: &str) -> String {
    let m = |c| crate::redact::mask(c, id);
    format!(
        "{FORMS}{}{FORMS}{}{FORMS}{}",
        m(Category::Email),
        m(Category::NationalId),
        m(Category::PersonName)
    )
}

fn pick_form(forms: &str, category: Option<Category>) -> String {
    let mut parts = forms.split(FORMS);
    let (email, shape, text) = (parts.next(), parts.next(), parts.next());
    let form = match category {
        Some(Category::Email) => email,
        Some(Category::Credential) => return "********".to_string(),
        Some(c) if crate::redact::mask(c, "1") == "#" => shape,
        _ => text,
    };
    form.unwrap_or_default().to_string()
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
