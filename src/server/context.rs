//! What a handler gets besides the request body.

use serde_json::Value;

use super::faults::FaultKind;
use super::reply::Reply;
use super::state::AppState;

pub struct Ctx<'a> {
    pub state: &'a AppState,
    /// The session's user, on endpoints that need a session.
    pub login: Option<String>,
    pub path: &'a str,
}

impl Ctx<'_> {
    pub fn fault(&self, kind: FaultKind) -> bool {
        self.state.faults.has(kind)
    }

    /// The session user's login; handlers of session endpoints can rely on it.
    pub fn user(&self) -> &str {
        self.login.as_deref().unwrap_or("")
    }
}

/// A handler: the body is a JSON object (XML bodies are mapped first).
pub type Handler = fn(&Ctx<'_>, &Value) -> Reply;
