//! gdpr-audit: finds personal data where it should not be — in CRM CSV exports and
//! mailbox dumps — and turns what it finds into a prioritized GDPR to-do list.
//!
//! Data flows one way: [`source`] (walk, sniff, decode, CSV, mail) → [`engine`]
//! (rules compiled once, one clone per thread) → [`classify`] (inventory vs
//! findings) → [`todo`] (the prioritizer) → [`report`] (renderers).

pub mod baseline;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod diff;
pub mod engine;
pub mod finding;
pub mod fingerprint;
pub mod i18n;
pub mod input_guard;
pub mod interrupt;
pub mod keys;
pub mod model;
pub mod output;
pub mod output_target;
pub mod policy;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod store;
pub mod suppress;
pub mod terminal_text;
pub mod todo;

/// How a run ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above `--fail-on`.
    Clean = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Usage error, unreadable configuration, or nothing readable at all.
    Error = 2,
}
