//! The API spec: loading, the model, the endpoint table, cross-checks and the OpenAPI export.

pub mod crosscheck;
mod load;
mod model;
pub mod openapi;
pub mod pointer;
mod source;
mod table;
pub mod xml;

use std::sync::Arc;

pub use crosscheck::{cross_check, CrossCheck};
pub use load::load;
pub use model::{
    CatalogueEntry, CheckKind, Endpoint, ErrorExample, Examples, Group, Level, Requirement, Spec, TableMapping,
};
pub use source::SpecFiles;
pub use table::{EndpointTable, TableRow, COLLECTION};

use crate::diag::Diagnostics;
use crate::schema::SchemaRegistry;

/// Loads, compiles and cross-checks a spec: what every command does before its first request.
pub fn load_checked(files: &SpecFiles) -> Result<(Arc<SchemaRegistry>, CrossCheck), Diagnostics> {
    let spec = Arc::new(load(files)?);
    let registry = Arc::new(SchemaRegistry::compile(spec.clone())?);
    let check = cross_check(&spec, &registry);
    Ok((registry, check))
}
