//! The integration tests, one binary so that the test build links once (as ripgrep does).

mod archives;
mod batches;
mod ci_mode;
mod cli;
mod common;
mod corpus;
mod crm_headers;
mod eval;
mod first_hour;
mod formats;
mod formats_corpus;
mod hostile;
mod hostile_text;
mod hostile_writers;
mod html_browser;
mod layers;
mod mail_folders;
mod outlook;
mod policy;
mod privacy;
mod recipes;
mod redact;
mod report_formats;
mod scale_out;
mod shard;
mod subject;
