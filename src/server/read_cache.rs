//! A cache of the serialized answers of the pure-read list endpoints, so a mobile app polling
//! `getNewest` costs a lookup and a copy instead of rebuilding and serializing every item
//! (scripts/bench-server.sh measures it against a bare axum handler).
//!
//! Correctness rests on two rules, both enforced by the router:
//! - only the endpoints of [`CACHEABLE`] are cached: their handlers only read the world, and their
//!   answer depends on nothing but the world, the session's user and the request body (no clock, no
//!   session id); the cache is bypassed while any fault is active;
//! - every request to any other endpoint (a possible write) bumps the generation *after* its handler
//!   ran, and an entry is only used in the generation it was computed in. A read that starts after
//!   a write has answered therefore never sees an entry computed before that write.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Bounds memory against clients that send endless distinct bodies: past this, start afresh.
const MAX_ENTRIES: usize = 4096;

/// The envelope keys `Reply::render` appends; an answer that already has one is not cached.
const ENVELOPE: [&str; 3] = ["dateTime", "operationID", "error"];

#[derive(Default)]
pub struct ReadCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, (u64, Vec<u8>)>>,
}

impl ReadCache {
    /// Read before running a handler; the entry computed then is stored under this generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Called after every request to an endpoint that is not cacheable.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The cached answer prefix (`{"notifications":[…],`) for `key` in `generation`.
    pub fn get(&self, key: &str, generation: u64) -> Option<Vec<u8>> {
        let entries = self.entries.lock();
        entries.get(key).filter(|(g, _)| *g == generation).map(|(_, prefix)| prefix.clone())
    }

    pub fn put(&self, key: String, generation: u64, prefix: Vec<u8>) {
        let mut entries = self.entries.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, (generation, prefix));
    }
}

/// Path, user and body without `sessionID` (sessions of the same user get the same answer).
pub fn key(path: &str, login: Option<&str>, body: &Value) -> String {
    let mut key = String::with_capacity(128);
    key.push_str(path);
    key.push('\n');
    key.push_str(login.unwrap_or(""));
    key.push('\n');
    if let Some(map) = body.as_object() {
        for (name, value) in map.iter().filter(|(name, _)| name.as_str() != "sessionID") {
            // Names quoted too, so no crafted name can make two bodies share a key.
            key.push_str(&Value::from(name.as_str()).to_string());
            key.push('=');
            key.push_str(&value.to_string());
            key.push('\n');
        }
    }
    key
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
    fn entries_live_in_one_generation_and_the_key_ignores_the_session() {
        let cache = ReadCache::default();
        let a = key("/p", Some("u"), &json!({"sessionID": "1", "n": 5}));
        assert_eq!(a, key("/p", Some("u"), &json!({"sessionID": "2", "n": 5})));
        assert_ne!(a, key("/p", Some("v"), &json!({"sessionID": "1", "n": 5})));
        assert_ne!(a, key("/p", Some("u"), &json!({"sessionID": "1", "n": 6})));
        let g = cache.generation();
        cache.put(a.clone(), g, b"{".to_vec());
        assert_eq!(cache.get(&a, g), Some(b"{".to_vec()));
        cache.invalidate();
        assert_eq!(cache.get(&a, cache.generation()), None);
    }
}
