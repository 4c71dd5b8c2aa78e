//! A cache of the serialized answers of the pure-read list endpoints, so a mobile app polling
//! `getNewest` costs a lookup and a copy instead of rebuilding and serializing every item
//! (scripts/bench-server.sh measures it against a bare axum handler).
//!
//! Correctness rests on three rules, enforced by the router:
//! - only the endpoints of [`CACHEABLE`] are cached: their handlers only read the world, and their
//!   answer depends on nothing but the world, the session's user and the request body (no clock, no
//!   session id); the cache is bypassed while any fault is active;
//! - every write to the world bumps the world's generation as it releases the lock
//!   (`world_cell.rs`), and an entry is only used in the generation it was computed in, so a read that
//!   starts after a write has answered never sees an answer computed before that write;
//! - an entry is keyed by the exact request bytes and remembers the session and user it was
//!   computed for; a hit is only served while that session is still alive for that user.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Map, Value};

/// Pure reads (their handlers take the world lock read-only and use neither the clock nor the
/// session id). Add an endpoint only after checking that of its handler.
pub const CACHEABLE: [&str; 7] = [
    "/mobile/v2/notification/getNewest",
    "/mobile/v2/notification/getOldest",
    "/mobile/v2/notification/getByCoordinates",
    "/mobile/v2/notification/getByUser",
    "/mobile/v2/notification/update",
    "/mobile/notification/getByUser",
    "/services/v2/contracts",
];

/// Bounds memory (entries per endpoint) against clients that send endless distinct bodies: past
/// this, the endpoint's cache starts afresh.
const MAX_ENTRIES: usize = 1024;

/// Bodies larger than this are not cached (a poll is a hundred bytes).
const MAX_KEY: usize = 4096;

/// The envelope keys `Reply::render` appends; an answer that already has one is not cached.
const ENVELOPE: [&str; 3] = ["dateTime", "operationID", "error"];

/// One cached answer.
pub struct Entry {
    generation: u64,
    pub session_id: Option<String>,
    pub login: Option<String>,
    /// The serialized operation fields without the closing brace (see [`prefix`]).
    pub prefix: Arc<[u8]>,
}

/// The cache of one endpoint, keyed by the request body's bytes.
#[derive(Default)]
pub struct ReadCache {
    entries: Mutex<HashMap<Box<[u8]>, Arc<Entry>>>,
}

impl ReadCache {
    pub fn get(&self, body: &[u8], generation: u64) -> Option<Arc<Entry>> {
        let entries = self.entries.lock();
        entries.get(body).filter(|e| e.generation == generation).cloned()
    }

    pub fn put(
        &self,
        body: &[u8],
        generation: u64,
        session_id: Option<String>,
        login: Option<String>,
        prefix: Arc<[u8]>,
    ) {
        if body.len() > MAX_KEY {
            return;
        }
        let entry = Arc::new(Entry { generation, session_id, login, prefix });
        let mut entries = self.entries.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(body.into(), entry);
    }
}

/// The serialized operation fields without the closing brace, ready for [`with_envelope`]; `None`
/// when the handler set an envelope field itself.
pub fn prefix(fields: &Map<String, Value>) -> Option<Vec<u8>> {
    if ENVELOPE.iter().any(|k| fields.contains_key(*k)) {
        return None;
    }
    let mut bytes = serde_json::to_vec(fields).ok()?;
    bytes.pop(); // the closing `}`
    if !fields.is_empty() {
        bytes.push(b',');
    }
    Some(bytes)
}

/// The same bytes `Reply::Op(fields).render(now, id)` serializes to.
pub fn with_envelope(prefix: &[u8], now_ms: i64, operation_id: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + 64);
    out.extend_from_slice(prefix);
    let _ = write!(out, "\"dateTime\":{now_ms},\"operationID\":{operation_id},\"error\":null}}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::reply::Reply;
    use serde_json::json;

    #[test]
    fn cached_bytes_equal_the_rendered_reply() {
        for fields in [json!({"notifications": [{"number": 1, "task": "Atender \"já\""}]}), json!({})] {
            let map = fields.as_object().unwrap().clone();
            let (_, rendered) = Reply::Op(map.clone()).render(1_700_000_000_000, 42);
            let cached = with_envelope(&prefix(&map).unwrap(), 1_700_000_000_000, 42);
            assert_eq!(cached, serde_json::to_vec(&rendered).unwrap());
        }
        assert!(prefix(json!({"error": null}).as_object().unwrap()).is_none());
    }

    #[test]
    fn entries_live_in_one_generation() {
        let mut generation = 0;
        let cache = ReadCache::default();
        let g = generation;
        cache.put(b"{}", g, Some("s".into()), Some("u".into()), Arc::from(&b"{"[..]));
        assert_eq!(cache.get(b"{}", g).map(|e| e.prefix.clone()).as_deref(), Some(&b"{"[..]));
        assert!(cache.get(b"{ }", g).is_none());
        generation += 1;
        assert!(cache.get(b"{}", generation).is_none());
    }
}
