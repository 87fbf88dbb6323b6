//! The columns of a table and their roles: declared by the policy, hinted by the
//! header (or, for JSON, by the segments of the path), or profiled on the first
//! batch. JSON tables name new columns as records come; those are decided as they
//! appear.

use super::ChunkOut;
use crate::classify::{ColumnProfile, FieldRole, decide};
use crate::policy::FieldDecl;
use crate::source::table::TableReader;

/// The columns as known when a batch was read: JSON tables name new columns as
/// records come, and each batch is scanned with the columns of its time.
#[derive(Clone, Default)]
pub(super) struct Columns {
    pub headers: std::sync::Arc<Vec<String>>,
    /// The headers as reports print them: an identifier a rule finds in a column
    /// name is masked (words such as `diagnos` stay: they name the column).
    pub shown: std::sync::Arc<Vec<String>>,
    pub roles: std::sync::Arc<Vec<FieldRole>>,
}

impl Columns {
    /// Take in columns the reader named since; new ones get their role from the
    /// policy or their header (their values come too late for the profile).
    /// The roles the first batch's profile decided; columns named since are
    /// decided by their names.
    pub fn profiled(
        &mut self,
        mut roles: Vec<FieldRole>,
        policy: Option<&crate::policy::SourcePolicy>,
        rules: &crate::rules::RuleSet,
    ) {
        for h in &self.headers[roles.len().min(self.headers.len())..] {
            roles.push(role_of(h, &ColumnProfile::default(), policy, rules));
        }
        self.roles = std::sync::Arc::new(roles);
    }

    pub fn catch_up(
        &mut self,
        reader: &dyn TableReader,
        policy: Option<&crate::policy::SourcePolicy>,
        rules: &crate::rules::RuleSet,
        shown_of: &dyn Fn(&str) -> String,
    ) {
        let now = reader.headers();
        if now.len() == self.headers.len() {
            return;
        }
        let mut shown = self.shown.to_vec();
        shown.extend(now[shown.len()..].iter().map(|h| shown_of(h)));
        self.shown = std::sync::Arc::new(shown);
        self.headers = std::sync::Arc::new(now.to_vec());
        if self.roles.is_empty() {
            return; // still before the first batch's profile
        }
        let mut roles = self.roles.to_vec();
        for h in &now[roles.len()..] {
            roles.push(role_of(h, &ColumnProfile::default(), policy, rules));
        }
        self.roles = std::sync::Arc::new(roles);
    }
}

/// A column's role: what the policy file declares, else what its header and
/// values suggest.
pub(super) fn role_of(
    header: &str,
    profile: &ColumnProfile,
    policy: Option<&crate::policy::SourcePolicy>,
    rules: &crate::rules::RuleSet,
) -> FieldRole {
    match policy.and_then(|p| p.field_decl(header)) {
        Some(FieldDecl::Category(c)) => FieldRole::Structured(c),
        Some(FieldDecl::FreeText | FieldDecl::NotPersonal) => FieldRole::FreeText,
        None => match path_hint(header, rules) {
            Some(c) => FieldRole::Structured(c),
            None => decide(header, profile, rules),
        },
    }
}

/// A JSON column (`contact.emails[].value`) is named by its path: the nearest
/// segment that is a known header (`emails`) says what it holds.
fn path_hint(header: &str, rules: &crate::rules::RuleSet) -> Option<crate::model::Category> {
    if !header.contains(['.', '[']) {
        return None;
    }
    header
        .rsplit('.')
        .map(|seg| seg.trim_end_matches("[]"))
        .find_map(|seg| {
            // A list is named in the plural (`emails`, `phones`).
            let singular = seg.strip_suffix('s').unwrap_or(seg);
            crate::classify::header_category(seg, rules)
                .or_else(|| crate::classify::header_category(singular, rules))
        })
}

/// Each column's role: what the policy file declares, else what its header and the
/// values of the first batch suggest.
pub(super) fn decide_roles(
    headers: &[String],
    chunks: &[ChunkOut],
    policy: Option<&crate::policy::SourcePolicy>,
    rules: &crate::rules::RuleSet,
) -> Vec<FieldRole> {
    let mut profiles = vec![ColumnProfile::default(); headers.len()];
    for c in chunks {
        for (p, q) in profiles.iter_mut().zip(&c.profiles) {
            p.add(q);
        }
    }
    headers
        .iter()
        .zip(&profiles)
        .map(|(h, p)| role_of(h, p, policy, rules))
        .collect()
}
