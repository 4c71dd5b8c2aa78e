//! itsm-conform: certify and load-test implementations of the CITSmart ITSM web-services API.
//!
//! One run flows one way: spec → suite → request → response → checks → verdict → report.
//! This crate is the whole tool; `main.rs` only parses arguments and calls [`cli::run`].

pub mod accounts;
pub mod check;
pub mod cli;
pub mod diag;
pub mod exit;
pub mod fsx;
pub mod load;
pub mod model;
pub mod redact;
pub mod report;
pub mod run;
pub mod schema;
pub mod secrets;
pub mod server;
pub mod spec;
pub mod suite;
pub mod time;
