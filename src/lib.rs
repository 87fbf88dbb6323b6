//! gdpr-audit: finds personal data where it should not be — in CRM CSV exports and
//! mailbox dumps — and turns what it finds into a prioritized GDPR to-do list.
//!
//! Layers, bottom to top; a module imports only from its own layer or below (the
//! `layers` test checks it, and the README's layout section lists the same):
//!
//! 1. vocabulary and utilities: [`model`], [`i18n`], [`output`], [`keys`],
//!    [`fingerprint`], [`interrupt`], [`redact`];
//! 2. sources: [`source`] (walk, sniff, decode, one reader per format, the record model);
//! 3. rules: [`rules`] (rule files, validators, compilation);
//! 4. engine: [`engine`] (the compiled matcher);
//! 5. classification and facts: [`finding`], [`classify`], [`store`];
//! 6. the audit: [`audit`] (the report's data);
//! 7. judgement: [`policy`], [`suppress`], [`baseline`], [`todo`];
//! 8. the scan driver: [`scan`] (sources → engine → classification, in parallel);
//! 9. outputs: [`render`] (renderers and every writer of user-facing files);
//! 10. commands: [`commands`], [`cli`].

// 1. vocabulary and utilities
pub mod fingerprint;
pub mod i18n;
pub mod interrupt;
pub mod keys;
pub mod model;
pub mod output;
pub mod redact;
// 2. sources
pub mod source;
// 3. rules, 4. engine
pub mod engine;
pub mod rules;
// 5. classification and facts
pub mod classify;
pub mod finding;
pub mod store;
// 6. the audit
pub mod audit;
// 7. judgement
pub mod baseline;
pub mod policy;
pub mod suppress;
pub mod todo;
// 8. the scan driver
pub mod scan;
// 9. outputs
pub mod render;
// 10. commands
pub mod cli;
pub mod commands;

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
