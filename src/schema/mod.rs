//! Compiled JSON Schema validators for every endpoint, built once and shared.

pub mod crosscheck;
pub mod reach;
mod registry;
mod violation;

pub use registry::{SchemaCheck, SchemaRegistry, Side};
pub use violation::Violation;

pub use crosscheck::{cross_check, CrossCheck};

use std::sync::Arc;

use crate::diag::Diagnostics;
use crate::spec::SpecFiles;

/// Loads, compiles and cross-checks a spec: what every command does before its first request.
pub fn load_checked(files: &SpecFiles) -> Result<(Arc<SchemaRegistry>, CrossCheck), Diagnostics> {
    let spec = Arc::new(crate::spec::load(files)?);
    let registry = Arc::new(SchemaRegistry::compile(spec.clone())?);
    let check = cross_check(&spec, &registry);
    Ok((registry, check))
}
