//! JSON at the edge: how the world's entities are written in answers (specs/defs/*.json). Reads
//! the domain, never changes it.

pub mod dates;
pub mod item;
pub mod occurrence;
pub mod request;
