//! Compiled JSON Schema validators for every endpoint, built once and shared.

mod registry;
mod violation;

pub use registry::{SchemaRegistry, Side};
pub use violation::Violation;
