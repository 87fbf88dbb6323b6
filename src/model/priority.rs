//! How urgent a to-do item is, from its score: P1 ≥ 18 (fix this week), P2 ≥ 9,
//! P3 ≥ 4, else P4 (housekeeping). Serialized as `"P1"` … `"P4"`.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    /// Most urgent first.
    pub const ALL: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];

    pub fn of_score(score: f64) -> Priority {
        if score >= 18.0 {
            Priority::P1
        } else if score >= 9.0 {
            Priority::P2
        } else if score >= 4.0 {
            Priority::P3
        } else {
            Priority::P4
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }

    /// P1 and P2: the items whose reasons the Markdown report spells out.
    pub fn is_urgent(self) -> bool {
        self <= Priority::P2
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
