//! The sessions: a session ends `ttl` after login however much it is used (D-SESSION, not
//! sliding). Expired sessions are swept, not only refused: every login first drops the sessions
//! that expired before it (they expire in login order, so this is a pop from the front of a
//! queue, O(1) amortized), and the server sweeps periodically when no one logs in. A hard cap on
//! live sessions bounds what even a never-expiring configuration holds.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;

/// Live sessions kept at most; past it the oldest one ends early.
pub const MAX_SESSIONS: usize = 100_000;

#[derive(Debug, Clone)]
struct Session {
    login: Arc<str>,
    /// Login time, ms on the server clock.
    created_ms: i64,
}

#[derive(Debug, Default)]
struct Inner {
    by_id: HashMap<Arc<str>, Session>,
    /// Login order: (login time, id). Ids already gone are skipped when reached.
    order: VecDeque<(i64, Arc<str>)>,
}

#[derive(Debug)]
pub struct Sessions {
    inner: Mutex<Inner>,
    /// `None`: sessions never expire (the `session-never-expires` fault).
    ttl_ms: Option<i64>,
    cap: usize,
}

impl Sessions {
    pub fn new(ttl_ms: Option<i64>, cap: usize) -> Sessions {
        Sessions { inner: Mutex::new(Inner::default()), ttl_ms, cap: cap.max(1) }
    }

    fn expired(&self, created_ms: i64, now_ms: i64) -> bool {
        self.ttl_ms.is_some_and(|ttl| now_ms.saturating_sub(created_ms) > ttl)
    }

    /// Opens a session under `id` for `login`, after sweeping what expired.
    pub fn open(&self, id: String, login: &str, now_ms: i64) {
        let mut inner = self.inner.lock();
        self.sweep_locked(&mut inner, now_ms);
        while inner.by_id.len() >= self.cap {
            let Some((_, oldest)) = inner.order.pop_front() else { break };
            inner.by_id.remove(&oldest);
        }
        let id: Arc<str> = id.into();
        inner.order.push_back((now_ms, id.clone()));
        inner.by_id.insert(id, Session { login: login.into(), created_ms: now_ms });
    }

    /// The login of a live session; an expired one is removed (checked lazily, as the real product
    /// does, besides the sweeps).
    pub fn user(&self, id: &str, now_ms: i64) -> Option<Arc<str>> {
        let mut inner = self.inner.lock();
        let session = inner.by_id.get(id)?;
        if !self.expired(session.created_ms, now_ms) {
            return Some(session.login.clone());
        }
        inner.by_id.remove(id);
        None
    }

    /// Drops every expired session; returns how many live ones remain.
    pub fn sweep(&self, now_ms: i64) -> usize {
        let mut inner = self.inner.lock();
        self.sweep_locked(&mut inner, now_ms);
        inner.by_id.len()
    }

    fn sweep_locked(&self, inner: &mut Inner, now_ms: i64) {
        if self.ttl_ms.is_none() {
            return;
        }
        while let Some((created_ms, id)) = inner.order.front() {
            if !self.expired(*created_ms, now_ms) {
                break;
            }
            // A clock that went back could have put a younger session under this id: keep it.
            let id = id.clone();
            inner.order.pop_front();
            if inner.by_id.get(&id).is_some_and(|s| self.expired(s.created_ms, now_ms)) {
                inner.by_id.remove(&id);
            }
        }
        // Sessions removed lazily leave their queue entries behind; those go once they
        // outnumber the live sessions.
        if inner.order.len() > 2 * inner.by_id.len().max(1024) {
            let Inner { by_id, order } = inner;
            order.retain(|(_, id)| by_id.contains_key(id));
        }
        // Give back what a burst of logins took once it has expired.
        if inner.by_id.capacity() > 4 * inner.by_id.len().max(1024) {
            inner.by_id.shrink_to(2 * inner.by_id.len());
            inner.order.shrink_to(2 * inner.by_id.len());
        }
    }

    /// Sessions held, expired or not (a sweep has not necessarily run).
    pub fn len(&self) -> usize {
        self.inner.lock().by_id.len()
    }

    pub fn ids(&self) -> Vec<String> {
        self.inner.lock().by_id.keys().map(|id| id.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_sweeps_what_expired_before_it() {
        let sessions = Sessions::new(Some(1000), 100);
        for i in 0..50 {
            sessions.open(format!("s{i}"), "u", 0);
        }
        assert_eq!(sessions.len(), 50);
        assert_eq!(sessions.user("s1", 1000).as_deref(), Some("u"), "alive at its TTL");
        sessions.open("late".into(), "u", 1001);
        assert_eq!(sessions.len(), 1, "the 50 expired ones are gone");
        assert!(sessions.user("s1", 1001).is_none());
    }

    #[test]
    fn a_periodic_sweep_drops_expired_sessions_without_logins() {
        let sessions = Sessions::new(Some(1000), 100);
        sessions.open("a".into(), "u", 0);
        sessions.open("b".into(), "u", 600);
        assert_eq!(sessions.sweep(1200), 1);
        assert_eq!(sessions.sweep(1601), 0);
    }

    #[test]
    fn never_expiring_sessions_stay_within_the_cap() {
        let sessions = Sessions::new(None, 10);
        for i in 0..25 {
            sessions.open(format!("s{i}"), "u", i64::from(i));
        }
        assert_eq!(sessions.sweep(i64::MAX), 10);
        assert!(sessions.user("s0", 0).is_none(), "the oldest ended first");
        assert!(sessions.user("s24", i64::MAX).is_some());
    }
}
