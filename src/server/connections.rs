//! The open connections of a server and which one to close when a new one needs its place: the
//! one idle the longest (no request in progress). A connection in the middle of a request is never
//! chosen; when every connection is busy, new ones wait in the kernel's backlog instead.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use tokio::sync::Notify;

/// One connection as the table sees it.
pub struct Connection {
    in_flight: AtomicU32,
    /// When it last had no request in progress, µs since the table's start.
    idle_since: AtomicU64,
    /// Asked to close (it will once its current exchange, if any, is done).
    closing: AtomicBool,
    close: Notify,
    epoch: Instant,
}

impl Connection {
    fn micros(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Marks a request in progress until the guard is dropped.
    pub fn begin(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Busy(self.clone())
    }

    /// Resolves once the table asks this connection to close.
    pub async fn closed(&self) {
        self.close.notified().await;
    }
}

/// A request in progress on a connection.
pub struct Busy(Arc<Connection>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.idle_since.store(self.0.micros(), Ordering::SeqCst);
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

pub struct Connections {
    live: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    epoch: Instant,
}

impl Default for Connections {
    fn default() -> Self {
        Connections { live: Mutex::new(HashMap::new()), next_id: AtomicU64::new(0), epoch: Instant::now() }
    }
}

impl Connections {
    /// A new connection, idle since now; `remove` it with the returned id when it ends.
    pub fn register(&self) -> (u64, Arc<Connection>) {
        let epoch = self.epoch;
        let connection = Arc::new(Connection {
            in_flight: AtomicU32::new(0),
            idle_since: AtomicU64::new(0),
            closing: AtomicBool::new(false),
            close: Notify::new(),
            epoch,
        });
        connection.idle_since.store(connection.micros(), Ordering::SeqCst);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.live.lock().insert(id, connection.clone());
        (id, connection)
    }

    pub fn remove(&self, id: u64) {
        self.live.lock().remove(&id);
    }

    pub fn len(&self) -> usize {
        self.live.lock().len()
    }

    /// Asks the connection idle the longest to close; false when every one is busy or closing.
    pub fn close_idlest(&self) -> bool {
        let live = self.live.lock();
        let idlest = live
            .values()
            .filter(|c| c.in_flight.load(Ordering::SeqCst) == 0 && !c.closing.load(Ordering::SeqCst))
            .min_by_key(|c| c.idle_since.load(Ordering::SeqCst));
        match idlest {
            Some(connection) => {
                connection.closing.store(true, Ordering::SeqCst);
                connection.close.notify_one();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_idle_connection_is_chosen_never_a_busy_one() {
        let table = Connections::default();
        let (_, first) = table.register();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let (_, second) = table.register();
        let busy = first.begin();
        assert!(table.close_idlest());
        assert!(second.closing.load(Ordering::SeqCst) && !first.closing.load(Ordering::SeqCst));
        assert!(!table.close_idlest(), "the other one is busy");
        drop(busy);
        assert!(table.close_idlest());
        assert_eq!(table.len(), 2, "closing is asked; the connection removes itself when it ends");
    }
}
