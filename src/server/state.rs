//! Shared server state: the world, the sessions, the read cache, the operation counter, the clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::domain::World;
use super::faults::{FaultKind, FaultSet};
use super::freedoms::{FreedomKind, FreedomSet};
use super::read_cache::{CacheLimits, ReadCache};
use super::sessions::{Sessions, MAX_SESSIONS};
use super::world_cell::WorldCell;
use crate::spec::Spec;

pub struct AppState {
    pub world: WorldCell,
    pub sessions: Sessions,
    pub cache: ReadCache,
    pub faults: FaultSet,
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
    pub fn new(
        world: World,
        faults: FaultSet,
        freedoms: FreedomSet,
        session_ttl: Duration,
        spec: Arc<Spec>,
        base_path: String,
        cache: CacheLimits,
    ) -> Self {
        let ttl_ms = (!faults.has(FaultKind::SessionNeverExpires))
            .then(|| i64::try_from(session_ttl.as_millis()).unwrap_or(i64::MAX));
        Self {
            world: WorldCell::new(world),
            sessions: Sessions::new(ttl_ms, MAX_SESSIONS),
            cache: ReadCache::new(cache),
            faults,
            freedoms,
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
        self.sessions.open(id.clone(), login, self.now_ms());
        id
    }

    /// The login of a live session.
    pub fn session_user(&self, session_id: &str) -> Option<Arc<str>> {
        self.sessions.user(session_id, self.now_ms())
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
