//! The one check engine: a step compiled once ([`CompiledStep`]), evaluated against a response
//! view that a whole document or a sparse read implements ([`ResponseView`]). `run` records every
//! result; `load` turns the first broken one into a Goose failure with the same requirement id, so
//! a rule changed here changes everywhere.

mod compiled;
mod content;
mod evaluate;
pub mod ids;
mod memory;
mod rec;
pub mod scope;
pub mod select;
pub mod sparse;
mod view;

pub use compiled::CompiledStep;
pub use evaluate::{across, evaluate, instant_ms, schema_requirements, Context, SchemaMode};
pub use memory::OperationIds;
pub use rec::{Evidence, Rec, RecVerdict};
pub use view::{body_kind, Body, FullView, ResponseView, SparseView};
