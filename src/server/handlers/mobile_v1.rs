//! Handlers of this group (being written).

use crate::server::context::Handler;

pub fn handler_for(path: &str) -> Option<Handler> {
    let _ = path;
    None
}
