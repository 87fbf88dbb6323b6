//! The kinds of difference between a policy and the data, with everything that
//! follows from the kind alone: what a person does about it, how strongly it counts
//! for `--fail-on`, and how it is scored. One place per kind.

use super::{Action, Severity};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    RetentionExpired,
    MarketingWithoutConsent,
    UndeclaredPersonalData,
    NoLawfulBasis,
    SpecialCategoryWithoutBasis,
    UnparseableDate,
}

impl ViolationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::RetentionExpired => "retention_expired",
            ViolationKind::MarketingWithoutConsent => "marketing_without_consent",
            ViolationKind::UndeclaredPersonalData => "undeclared_personal_data",
            ViolationKind::NoLawfulBasis => "no_lawful_basis",
            ViolationKind::SpecialCategoryWithoutBasis => "special_category_without_basis",
            ViolationKind::UnparseableDate => "unparseable_date",
        }
    }

    /// What a person does about it.
    pub fn action(self) -> Action {
        match self {
            ViolationKind::RetentionExpired => Action::Delete,
            ViolationKind::MarketingWithoutConsent => Action::ObtainConsent,
            ViolationKind::SpecialCategoryWithoutBasis => Action::RestrictAccess,
            ViolationKind::UndeclaredPersonalData
            | ViolationKind::NoLawfulBasis
            | ViolationKind::UnparseableDate => Action::Document,
        }
    }

    /// How strongly it counts for `--fail-on`.
    pub fn severity(self) -> Severity {
        use ViolationKind::*;
        match self {
            SpecialCategoryWithoutBasis => Severity::Critical,
            RetentionExpired | MarketingWithoutConsent => Severity::High,
            UndeclaredPersonalData | NoLawfulBasis => Severity::Medium,
            UnparseableDate => Severity::Low,
        }
    }

    /// The confidence factor of its to-do item's score: an unreadable date may or may
    /// not be expired.
    pub fn confidence(self) -> f64 {
        if self == ViolationKind::UnparseableDate {
            0.5
        } else {
            1.0
        }
    }

    /// The age factor of its to-do item's score: records kept past their period.
    pub fn age(self) -> f64 {
        if self == ViolationKind::RetentionExpired {
            1.5
        } else {
            1.0
        }
    }

    /// Whether its to-do item names records to act on (an `--export-actions` list):
    /// every action but documentation, and unreadable dates (records to correct).
    pub fn targets_records(self) -> bool {
        self.action() != Action::Document || self == ViolationKind::UnparseableDate
    }
}
