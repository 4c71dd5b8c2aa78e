//! Shared server state: the world, the sessions, the operation counter, the clock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use super::faults::FaultSet;
use super::world::World;
use super::world_cell::WorldCell;
use crate::spec::Spec;

#[derive(Debug, Clone)]
pub struct Session {
    pub login: String,
    /// Creation time, ms on the server clock; the session ends `ttl` later, however much it is used.
    pub created_ms: i64,
}

pub struct AppState {
    pub world: WorldCell,
    pub sessions: Mutex<HashMap<String, Session>>,
    pub faults: FaultSet,
    pub session_ttl: Duration,
    pub spec: Arc<Spec>,
    /// The context path the server answers under (`/citsmart`); v2 login stores it as the device's connection.
    pub base_path: String,
    operation_seq: AtomicI64,
    /// Added to the wall clock; tests move time forward without sleeping.
    clock_offset_ms: AtomicI64,
}

impl AppState {
    pub fn new(world: World, faults: FaultSet, session_ttl: Duration, spec: Arc<Spec>, base_path: String) -> Self {
        Self {
            world: WorldCell::new(world),
            sessions: Mutex::new(HashMap::new()),
            faults,
            session_ttl,
            spec,
            base_path,
            operation_seq: AtomicI64::new(1),
            clock_offset_ms: AtomicI64::new(0),
        }
    }

    pub fn now_ms(&self) -> i64 {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        wall + self.clock_offset_ms.load(Ordering::Relaxed)
    }

    pub fn advance_clock(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.clock_offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    pub fn next_operation_id(&self) -> i64 {
        self.operation_seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Opens a session for `login` and returns its id.
    pub fn open_session(&self, login: &str) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let session = Session { login: login.to_string(), created_ms: self.now_ms() };
        self.sessions.lock().insert(id.clone(), session);
        id
    }

    /// The login of a live session; an expired one is removed (checked lazily, as the real product does).
    pub fn session_user(&self, session_id: &str) -> Option<String> {
        let ttl = i64::try_from(self.session_ttl.as_millis()).unwrap_or(i64::MAX);
        let now = self.now_ms();
        let mut sessions = self.sessions.lock();
        match sessions.get(session_id) {
            Some(s) if now - s.created_ms <= ttl => Some(s.login.clone()),
            Some(_) => {
                sessions.remove(session_id);
                None
            }
            None => None,
        }
    }
}
