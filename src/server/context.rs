//! What a handler gets besides the request body.

use serde_json::Value;

use super::faults::FaultKind;
use super::freedoms::FreedomKind;
use super::reply::Reply;
use super::state::AppState;

pub struct Ctx<'a> {
    pub state: &'a AppState,
    /// The session's user, on endpoints that need a session.
    pub login: Option<String>,
    pub path: &'a str,
    /// A request number read before the handler ran (the `duplicate-numbers` fault): the handler
    /// writes its request under it instead of allocating one.
    pub number: Option<i64>,
}

impl Ctx<'_> {
    pub fn fault(&self, kind: FaultKind) -> bool {
        self.state.faults.has(kind)
    }

    pub fn freedom(&self, kind: FreedomKind) -> bool {
        self.state.freedoms.has(kind)
    }

    /// The session user's login; handlers of session endpoints can rely on it.
    pub fn user(&self) -> &str {
        self.login.as_deref().unwrap_or("")
    }

    /// The number for a new request: the one read earlier when the fault did, else the next one.
    pub fn new_number(&self, world: &mut super::world::World) -> i64 {
        match self.number {
            Some(n) => world.allocate_number_at(n),
            None => world.allocate_number(),
        }
    }
}

/// A handler: the body is a JSON object (XML bodies are mapped first).
pub type Handler = fn(&Ctx<'_>, &Value) -> Reply;
