//! A cache of the serialized answers of read handlers (`handlers::Handler::Read`), so a mobile app
//! polling `getNewest` costs a lookup and a copy instead of rebuilding and serializing every item
//! (scripts/bench-server.sh measures it against a bare axum handler).
//!
//! Correctness rests on rules the types and the pipeline enforce:
//! - only the answers of read handlers are cached: a read handler gets the world read-only and
//!   neither the clock nor the session id, so its answer is a function of the world, the
//!   session's user and the request body; the pipeline bypasses the cache while any fault or
//!   freedom is active (they reshape answers after rendering);
//! - an entry remembers the world's revision it was computed at, and is served only while the
//!   published generation equals it (`world_cell.rs`): a read that starts after a write has
//!   answered never sees an answer computed before that write;
//! - an entry is keyed by the route and the exact request bytes and remembers the session and
//!   user it was computed for; a hit is only served while that session is alive for that user.
//!
//! Bounded in entries and in bytes: an answer larger than `max_entry_bytes` is not cached; past
//! either cap the least recently used entries go; an entry of an older generation goes as soon
//! as it is looked up (it can never be served again). A body is admitted on its second sighting
//! (a small table of recent body hashes), so clients that send a fresh body every time do not
//! churn the cache.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Map, Value};

/// How much the cache may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimits {
    pub max_bytes: usize,
    pub max_entries: usize,
    pub max_entry_bytes: usize,
}

impl Default for CacheLimits {
    /// 32 MiB in at most 4096 answers of at most 2 MiB each: a poll's answer is a few KB.
    fn default() -> Self {
        CacheLimits { max_bytes: 32 << 20, max_entries: 4096, max_entry_bytes: 2 << 20 }
    }
}

/// Bodies larger than this are not cached (a poll is a hundred bytes).
const MAX_KEY: usize = 4096;

/// Slots of the admission table.
const SEEN_SLOTS: usize = 4096;

/// What an entry costs besides its key and answer (the entry, its map and LRU slots).
const ENTRY_OVERHEAD: usize = 160;

/// The envelope keys `Reply::render` appends; an answer that already has one is not cached.
const ENVELOPE: [&str; 3] = ["dateTime", "operationID", "error"];

/// One cached answer.
pub struct Entry {
    generation: u64,
    pub session_id: Option<Box<str>>,
    pub login: Option<Arc<str>>,
    /// The serialized operation fields without the closing brace (see [`prefix`]).
    pub prefix: Arc<[u8]>,
}

struct Slot {
    entry: Arc<Entry>,
    key: Arc<[u8]>,
    tick: u64,
    bytes: usize,
}

struct Inner {
    /// Per route index: request bytes → entry.
    routes: HashMap<usize, HashMap<Arc<[u8]>, Slot>>,
    /// Least recently used first: tick → (route, key).
    lru: BTreeMap<u64, (usize, Arc<[u8]>)>,
    seen: Vec<u64>,
    tick: u64,
    bytes: usize,
    entries: usize,
}

pub struct ReadCache {
    inner: Mutex<Inner>,
    limits: CacheLimits,
}

impl ReadCache {
    pub fn new(limits: CacheLimits) -> ReadCache {
        let inner = Inner {
            routes: HashMap::new(),
            lru: BTreeMap::new(),
            seen: vec![0; SEEN_SLOTS],
            tick: 0,
            bytes: 0,
            entries: 0,
        };
        ReadCache { inner: Mutex::new(inner), limits }
    }

    /// The entry for these bytes on this route, if computed in this generation.
    pub fn get(&self, route: usize, body: &[u8], generation: u64) -> Option<Arc<Entry>> {
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let slot = inner.routes.get_mut(&route)?.get_mut(body)?;
        if slot.entry.generation != generation {
            inner.remove(route, body);
            return None;
        }
        inner.tick += 1;
        let (old, key) = (slot.tick, slot.key.clone());
        slot.tick = inner.tick;
        let entry = slot.entry.clone();
        inner.lru.remove(&old);
        inner.lru.insert(inner.tick, (route, key));
        Some(entry)
    }

    pub fn put(
        &self,
        route: usize,
        body: &[u8],
        generation: u64,
        session_id: Option<&str>,
        login: Option<Arc<str>>,
        prefix: Vec<u8>,
    ) {
        if body.len() > MAX_KEY || prefix.len() > self.limits.max_entry_bytes {
            return;
        }
        let hash = xxhash_rust::xxh3::xxh3_64_with_seed(body, route as u64) | 1;
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let seen = &mut inner.seen[(hash % SEEN_SLOTS as u64) as usize];
        if *seen != hash {
            *seen = hash;
            return;
        }
        let bytes = body.len() + prefix.len() + session_id.map_or(0, str::len) + ENTRY_OVERHEAD;
        let entry =
            Arc::new(Entry { generation, session_id: session_id.map(Into::into), login, prefix: prefix.into() });
        inner.remove(route, body);
        inner.tick += 1;
        let key: Arc<[u8]> = body.into();
        inner.lru.insert(inner.tick, (route, key.clone()));
        inner.routes.entry(route).or_default().insert(key.clone(), Slot { entry, key, tick: inner.tick, bytes });
        inner.bytes += bytes;
        inner.entries += 1;
        while inner.bytes > self.limits.max_bytes || inner.entries > self.limits.max_entries {
            let Some((_, (route, key))) = inner.lru.pop_first() else { break };
            inner.remove(route, &key);
        }
    }

    /// (entries, bytes) held.
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.inner.lock();
        (inner.entries, inner.bytes)
    }
}

impl Inner {
    fn remove(&mut self, route: usize, body: &[u8]) {
        let Some(map) = self.routes.get_mut(&route) else { return };
        if let Some(slot) = map.remove(body) {
            self.lru.remove(&slot.tick);
            self.bytes -= slot.bytes;
            self.entries -= 1;
        }
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
    use serde_json::json;

    fn cache(max_bytes: usize, max_entries: usize) -> ReadCache {
        ReadCache::new(CacheLimits { max_bytes, max_entries, max_entry_bytes: max_bytes / 4 })
    }

    /// Puts twice (admission is on the second sighting).
    fn admit(cache: &ReadCache, route: usize, body: &[u8], generation: u64, answer: Vec<u8>) {
        cache.put(route, body, generation, Some("s"), Some("u".into()), answer.clone());
        cache.put(route, body, generation, Some("s"), Some("u".into()), answer);
    }

    #[test]
    fn the_envelope_is_appended_to_the_prefix() {
        let fields = json!({"notifications": [{"number": 1}]});
        let bytes = with_envelope(&prefix(fields.as_object().unwrap()).unwrap(), 5, 6);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"notifications":[{"number":1}],"dateTime":5,"operationID":6,"error":null}"#
        );
        assert_eq!(
            with_envelope(&prefix(&Map::new()).unwrap(), 5, 6),
            br#"{"dateTime":5,"operationID":6,"error":null}"#
        );
        assert!(prefix(json!({"error": null}).as_object().unwrap()).is_none());
    }

    #[test]
    fn entries_live_in_one_generation_and_route() {
        let cache = cache(1 << 20, 100);
        cache.put(0, b"{}", 7, Some("s"), Some("u".into()), b"{".to_vec());
        assert!(cache.get(0, b"{}", 7).is_none(), "admitted on the second sighting only");
        admit(&cache, 0, b"{}", 7, b"{".to_vec());
        assert_eq!(cache.get(0, b"{}", 7).map(|e| e.prefix.clone()).as_deref(), Some(&b"{"[..]));
        assert!(cache.get(1, b"{}", 7).is_none(), "another route");
        assert!(cache.get(0, b"{ }", 7).is_none());
        assert!(cache.get(0, b"{}", 8).is_none());
        assert_eq!(cache.usage().0, 0, "an entry of an older generation is dropped when met");
    }

    /// 40 large answers over a large data set took 1.27 GB before the byte cap.
    #[test]
    fn the_cache_stays_within_its_bytes_evicting_the_least_recently_used() {
        let cache = cache(1 << 20, 10_000);
        let answer = vec![b'x'; 100_000];
        for i in 0..40 {
            admit(&cache, 0, format!("{{\"n\":{i}}}").as_bytes(), 1, answer.clone());
            // The first body stays in use, so it stays.
            assert!(cache.get(0, b"{\"n\":0}", 1).is_some(), "after {i}");
        }
        let (entries, bytes) = cache.usage();
        assert!(bytes <= 1 << 20, "{bytes} bytes");
        assert!((9..=10).contains(&entries), "{entries} entries");
        assert!(cache.get(0, b"{\"n\":1}", 1).is_none(), "the least recently used went first");
        assert!(cache.get(0, b"{\"n\":39}", 1).is_some());
        admit(&cache, 0, b"huge", 1, vec![b'x'; 300_000]);
        assert!(cache.get(0, b"huge", 1).is_none(), "an answer over the entry cap is not cached");
    }

    #[test]
    fn the_cache_stays_within_its_entries() {
        let cache = cache(1 << 30, 8);
        for i in 0..100 {
            admit(&cache, i % 3, format!("{i}").as_bytes(), 1, b"{".to_vec());
        }
        assert_eq!(cache.usage().0, 8);
    }
}
