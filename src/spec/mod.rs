//! The API spec: loading, the model, the endpoint table, cross-checks and the OpenAPI export.

mod load;
mod model;
pub mod openapi;
pub mod pointer;
mod source;
mod table;
pub mod xml;

pub use load::load;
pub use model::{
    CatalogueEntry, CheckKind, Endpoint, ErrorExample, Examples, Group, Level, Requirement, Spec, TableMapping,
    UnknownCheck,
};
pub use source::SpecFiles;
pub use table::{EndpointTable, TableRow, COLLECTION};
