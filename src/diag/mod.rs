//! Diagnostics for bad input: a location (`file:line:col`), a title, and hints.

mod error;
mod span;

pub use error::{Diagnostic, DiagnosticKind, Diagnostics};
pub use span::{locate_pointer, Location};
