//! The reference server's domain: a typed world (no JSON in it: JSON lives at the edges, in
//! `render` and the handlers) and the commands that change it, each refusing with a typed
//! `Refusal` before it changes anything. Every store bounds what it keeps, so no load, however
//! long, grows the world without limit.
//!
//! Layering inside: the stores (`tickets`, `occurrences`, `field`, `units`, `mappings`,
//! `sync_marks`, `devices`, `errors`, `journal`, `catalog`, `numbering`) know nothing of each
//! other; `world` aggregates them; the command files (`requests`, `request_changes`,
//! `occurrence_log`, `synchronization`, `approval`, `field_service`, `integration`, `lookup`) add
//! `impl World` blocks over it.

pub mod approval;
pub mod catalog;
pub mod devices;
pub mod errors;
pub mod field;
pub mod field_service;
pub mod integration;
pub mod journal;
pub mod lookup;
pub mod mappings;
pub mod numbering;
pub mod occurrence_log;
pub mod occurrences;
pub mod opaque;
pub mod refusal;
pub mod request_changes;
pub mod request_date;
pub mod request_filter;
pub mod requests;
pub mod ring;
pub mod statuses;
pub mod sync_marks;
pub mod synchronization;
pub mod tickets;
pub mod units;
pub mod world;

pub use refusal::{Code, Refusal};
pub use world::{World, WorldOptions};
