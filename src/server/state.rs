//! Shared server state: the world, the sessions, the operation counter, the clock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use super::faults::{FaultKind, FaultSet};
use super::freedoms::{FreedomKind, FreedomSet};
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
    /// None unless the server was started with some (`ServerConfig::freedoms`).
    pub freedoms: FreedomSet,
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
            freedoms: FreedomSet::default(),
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
        let seq = self.operation_seq.fetch_add(1, Ordering::Relaxed);
        if self.freedoms.has(FreedomKind::SparseOperationIds) {
            return sparse_operation_id(seq);
        }
        seq
    }

    /// Opens a session for `login` and returns its id: a UUID (8.x), or 32 upper-case hex
    /// characters (7.x's HttpSession id) with `session-hex`.
    pub fn open_session(&self, login: &str) -> String {
        let uuid = uuid::Uuid::new_v4();
        let id = if self.freedoms.has(FreedomKind::SessionHex) {
            uuid.simple().to_string().to_ascii_uppercase()
        } else {
            uuid.to_string()
        };
        let session = Session { login: login.to_string(), created_ms: self.now_ms() };
        self.sessions.lock().insert(id.clone(), session);
        id
    }

    /// The login of a live session; an expired one is removed (checked lazily, as the real product does).
    pub fn session_user(&self, session_id: &str) -> Option<String> {
        let ttl = if self.faults.has(FaultKind::SessionNeverExpires) {
            i64::MAX
        } else {
            i64::try_from(self.session_ttl.as_millis()).unwrap_or(i64::MAX)
        };
        let now = self.now_ms();
        let mut sessions = self.sessions.lock();
        match sessions.get(session_id) {
            Some(s) if now.saturating_sub(s.created_ms) <= ttl => Some(s.login.clone()),
            Some(_) => {
                sessions.remove(session_id);
                None
            }
            None => None,
        }
    }
}

/// A row id as a database with other tables might hand it out: large, with gaps, out of order,
/// still distinct (`seq * A mod P` is a bijection on 0..P for a prime P and A not a multiple of it).
fn sparse_operation_id(seq: i64) -> i64 {
    const P: i64 = 1_000_000_007;
    const A: i64 = 690_723_493;
    900_000_000_000 + (seq.rem_euclid(P) * A) % P * 3
}

#[cfg(test)]
mod tests {
    use super::sparse_operation_id;

    #[test]
    fn sparse_operation_ids_are_distinct_large_and_not_monotonic() {
        let ids: Vec<i64> = (1..2000).map(sparse_operation_id).collect();
        let distinct: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len());
        assert!(ids.iter().all(|id| *id > 900_000_000_000));
        assert!(ids.windows(2).any(|w| w[1] < w[0]), "not monotonic");
        assert!(ids.windows(2).all(|w| (w[1] - w[0]).abs() > 1), "not consecutive");
    }
}
