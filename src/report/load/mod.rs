//! The formats of a load report ([`crate::model::LoadReport`]), each a pure function of it:
//! `load.junit.xml`, `load.json`, `load.md`, `load.html`, and the summary `load` prints (with its
//! deltas against `--baseline`). The rows and their wording are formatted once, in `view`.

mod baseline;
mod html;
pub mod json;
mod junit;
mod markdown;
mod terminal;
mod view;

pub use baseline::against_baseline;
pub(crate) use html::render as html;
pub(crate) use junit::render as junit;
pub(crate) use markdown::render as markdown;
pub use terminal::terminal_summary;
