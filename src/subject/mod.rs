//! Data-subject requests (GDPR Art. 15–17, 20): find one person everywhere the
//! scanner reads, export what is held about them, and plan its erasure.
//!
//! The subjects' identifiers are normalised ([`identity`]) and compiled into one
//! matcher for any number of requests, which runs over the same sources and
//! records the scan reads.

pub mod erase;
pub mod find;
pub mod hits;
pub mod identity;
pub mod matcher;
pub mod report;
pub mod request;
pub mod walk;
mod walk_csv;
mod walk_formats;
mod walk_mail;
mod walk_outlook;

pub use find::{FindResult, RequestResult, SearchRules, candidate_rules, find};
