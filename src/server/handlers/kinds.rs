//! The two kinds of handler, and what each gets.
//!
//! A read handler answers from the world as it is: it gets the world read-only, the session's
//! user and the configuration, and neither the clock nor the session id, so its answer is a
//! function of the world, the user and the body — what lets the read cache keep it. A write
//! handler may change the world, open sessions and read the clock; its answers are never cached.

use std::sync::Arc;

use parking_lot::RwLockReadGuard;
use serde_json::Value;

use crate::server::domain::World;
use crate::server::faults::{FaultKind, FaultSet};
use crate::server::freedoms::{FreedomKind, FreedomSet};
use crate::server::reply::Reply;
use crate::server::state::AppState;
use crate::server::world_cell::WorldWriter;

/// A handler's outcome: written with `?`, an early `Err` is the failure reply.
pub type Outcome = Result<Reply, Reply>;

#[derive(Clone, Copy)]
pub enum Handler {
    Read(fn(&Reader<'_>, &Value) -> Outcome),
    Write(fn(&Writer<'_>, &Value) -> Outcome),
}

/// One endpoint: its spec path, its handler and whether its failures go to the error log
/// (`/services/error/getList`: the real product logs failed `/services/*` executions).
#[derive(Clone, Copy)]
pub struct Route {
    pub path: &'static str,
    pub handler: Handler,
    pub logs_failures: bool,
}

pub const fn read(path: &'static str, handler: fn(&Reader<'_>, &Value) -> Outcome) -> Route {
    Route { path, handler: Handler::Read(handler), logs_failures: false }
}

pub const fn write(path: &'static str, handler: fn(&Writer<'_>, &Value) -> Outcome) -> Route {
    Route { path, handler: Handler::Write(handler), logs_failures: false }
}

impl Route {
    pub const fn logged(self) -> Route {
        Route { logs_failures: true, ..self }
    }
}

/// What a read handler gets.
pub struct Reader<'a> {
    pub world: &'a World,
    login: Option<&'a str>,
    faults: &'a FaultSet,
    freedoms: &'a FreedomSet,
}

impl<'a> Reader<'a> {
    pub fn new(world: &'a World, login: Option<&'a str>, faults: &'a FaultSet, freedoms: &'a FreedomSet) -> Self {
        Reader { world, login, faults, freedoms }
    }

    pub fn fault(&self, kind: FaultKind) -> bool {
        self.faults.has(kind)
    }

    pub fn freedom(&self, kind: FreedomKind) -> bool {
        self.freedoms.has(kind)
    }

    pub fn freedoms(&self) -> &FreedomSet {
        self.freedoms
    }

    /// The session user's login; handlers of session endpoints can rely on it.
    pub fn user(&self) -> &str {
        self.login.unwrap_or("")
    }
}

/// What a write handler gets.
pub struct Writer<'a> {
    state: &'a AppState,
    login: Option<Arc<str>>,
    path: &'a str,
    number: Option<i64>,
}

impl<'a> Writer<'a> {
    pub fn new(state: &'a AppState, login: Option<Arc<str>>, path: &'a str, number: Option<i64>) -> Self {
        Writer { state, login, path, number }
    }

    pub fn read(&self) -> RwLockReadGuard<'_, World> {
        self.state.world.read()
    }

    pub fn write(&self) -> WorldWriter<'_> {
        self.state.world.write()
    }

    pub fn now_ms(&self) -> i64 {
        self.state.now_ms()
    }

    pub fn open_session(&self, login: &str) -> String {
        self.state.open_session(login)
    }

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

    /// The endpoint's spec path.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The context path the server answers under.
    pub fn base_path(&self) -> &str {
        &self.state.base_path
    }

    /// A request number read before the handler ran (the `duplicate-numbers` fault): the handler
    /// writes its request under it instead of allocating one.
    pub fn preset_number(&self) -> Option<i64> {
        self.number
    }
}
