//! What a person does about personal data where it should not be, and how exposed it
//! is: the words the prioritizer, the policy checks and the reports share.

use super::Category;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Delete,
    Redact,
    MoveToProtectedField,
    RestrictAccess,
    ObtainConsent,
    Document,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Delete => "delete",
            Action::Redact => "redact",
            Action::MoveToProtectedField => "move_to_protected_field",
            Action::RestrictAccess => "restrict_access",
            Action::ObtainConsent => "obtain_consent",
            Action::Document => "document",
        }
    }

    /// The action for a finding of category `c`: cards and credentials are deleted,
    /// special categories and identifiers redacted, contact data moved to where it
    /// belongs (documented, for mail).
    pub fn for_finding(c: Category, is_mail: bool) -> Action {
        use Category::*;
        match c {
            PaymentCard | Credential => Action::Delete,
            c if c.is_special() => Action::Redact,
            NationalId | BankAccount | DateOfBirth => Action::Redact,
            Email | Phone | PostalAddress | PersonName if is_mail => Action::Document,
            Email | Phone | PostalAddress | PersonName => Action::MoveToProtectedField,
            _ => Action::Document,
        }
    }
}

/// Where a finding sits, as the prioritizer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Notes, descriptions, mail: nobody expects personal data there.
    FreeText,
    /// A structured column meant for another category.
    WrongColumn,
}

impl Exposure {
    /// Mail is free text; a special category is exposed wherever it is.
    pub fn of(in_structured_column: bool, category: Category, is_mail: bool) -> Exposure {
        if in_structured_column && !is_mail && !category.is_special() {
            Exposure::WrongColumn
        } else {
            Exposure::FreeText
        }
    }
}
