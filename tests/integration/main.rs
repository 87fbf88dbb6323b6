//! The integration tests, one binary so that the test build links once (as ripgrep does).

mod archives;
mod batches;
mod ci_mode;
mod cli;
mod common;
mod corpus;
mod eval;
mod formats;
mod formats_corpus;
mod hostile;
mod html_browser;
mod layers;
mod mail_folders;
mod policy;
mod privacy;
mod recipes;
mod report_formats;
