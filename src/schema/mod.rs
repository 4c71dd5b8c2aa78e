//! Compiled JSON Schema validators for every endpoint, built once and shared.

pub mod reach;
mod registry;
mod violation;

pub use registry::{SchemaCheck, SchemaRegistry, Side};
pub use violation::Violation;
