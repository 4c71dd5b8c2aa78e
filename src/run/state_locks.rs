//! Cases declare the target state they depend on (`state: {reads: […], adds: […], writes: […]}`).
//! Per key, readers run beside readers, adders beside adders, and a writer alone: a paging total
//! does not grow under a case that reads it across two pages, a user's open check-in does not
//! appear under a case that needs none, and the verdicts are the same at any `--jobs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::suite::SharedState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Read,
    Add,
    Write,
}

#[derive(Default)]
struct Holders {
    readers: usize,
    adders: usize,
    writer: bool,
}

impl Holders {
    fn admits(&self, how: Use) -> bool {
        !self.writer
            && match how {
                Use::Read => self.adders == 0,
                Use::Add => self.readers == 0,
                Use::Write => self.readers == 0 && self.adders == 0,
            }
    }

    fn enter(&mut self, how: Use) {
        match how {
            Use::Read => self.readers += 1,
            Use::Add => self.adders += 1,
            Use::Write => self.writer = true,
        }
    }

    fn leave(&mut self, how: Use) {
        match how {
            Use::Read => self.readers -= 1,
            Use::Add => self.adders -= 1,
            Use::Write => self.writer = false,
        }
    }
}

#[derive(Default)]
struct Key {
    holders: Mutex<Holders>,
    changed: Notify,
}

/// One lock per state key named by any case of the run.
#[derive(Default)]
pub struct StateLocks {
    keys: BTreeMap<String, Arc<Key>>,
}

/// A key held by a running case, released when the case ends.
pub struct Held {
    key: Arc<Key>,
    how: Use,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.key.holders.lock().leave(self.how);
        self.key.changed.notify_waiters();
    }
}

impl StateLocks {
    pub fn new<'a>(states: impl IntoIterator<Item = &'a SharedState>) -> Self {
        let mut keys = BTreeMap::new();
        for state in states {
            for key in state.reads.iter().chain(&state.adds).chain(&state.writes) {
                keys.entry(key.clone()).or_insert_with(|| Arc::new(Key::default()));
            }
        }
        Self { keys }
    }

    /// Waits for every key of `state`, in one global order (by name) so two cases can never each
    /// hold what the other waits for. A key named twice is held in the strongest use.
    pub async fn hold(&self, state: &SharedState) -> Vec<Held> {
        let mut held = Vec::new();
        for (name, key) in &self.keys {
            let how = if state.writes.contains(name) || (state.reads.contains(name) && state.adds.contains(name)) {
                Use::Write
            } else if state.adds.contains(name) {
                Use::Add
            } else if state.reads.contains(name) {
                Use::Read
            } else {
                continue;
            };
            held.push(Self::enter(key, how).await);
        }
        held
    }

    async fn enter(key: &Arc<Key>, how: Use) -> Held {
        loop {
            // Registered before looking, so a release between the look and the wait is not missed.
            let changed = key.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut holders = key.holders.lock();
                if holders.admits(how) {
                    holders.enter(how);
                    return Held { key: key.clone(), how };
                }
            }
            changed.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn state(reads: &[&str], adds: &[&str], writes: &[&str]) -> SharedState {
        let own = |keys: &[&str]| keys.iter().map(|s| s.to_string()).collect();
        SharedState { reads: own(reads), adds: own(adds), writes: own(writes) }
    }

    async fn admitted(locks: &StateLocks, state: &SharedState) -> Option<Vec<Held>> {
        tokio::time::timeout(Duration::from_millis(100), locks.hold(state)).await.ok()
    }

    #[tokio::test]
    async fn readers_share_adders_share_and_a_writer_runs_alone() {
        let (read, add, write, other) =
            (state(&["k"], &[], &[]), state(&[], &["k"], &[]), state(&[], &[], &["k"]), state(&[], &[], &["o"]));
        let locks = StateLocks::new([&read, &add, &write, &other]);

        let first = locks.hold(&read).await;
        assert!(admitted(&locks, &read).await.is_some(), "a second reader waited");
        assert!(admitted(&locks, &add).await.is_none(), "an adder ran beside a reader");
        assert!(admitted(&locks, &write).await.is_none(), "a writer ran beside a reader");
        assert!(admitted(&locks, &other).await.is_some(), "another key waited");
        drop(first);

        let adding = locks.hold(&add).await;
        assert!(admitted(&locks, &add).await.is_some(), "a second adder waited");
        assert!(admitted(&locks, &read).await.is_none(), "a reader ran beside an adder");
        drop(adding);

        let writing = locks.hold(&write).await;
        for s in [&read, &add, &write] {
            assert!(admitted(&locks, s).await.is_none(), "{s:?} ran beside a writer");
        }
        drop(writing);
        assert!(admitted(&locks, &write).await.is_some(), "the writer's key stayed held");
    }

    /// A waiter is woken when the holder leaves.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_waiting_case_starts_when_the_holder_ends() {
        let (read, write) = (state(&["k"], &[], &[]), state(&[], &[], &["k"]));
        let locks = Arc::new(StateLocks::new([&read, &write]));
        let reading = locks.hold(&read).await;
        let waiter = {
            let locks = locks.clone();
            tokio::spawn(async move { locks.hold(&write).await.len() })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiter.is_finished());
        drop(reading);
        let held = tokio::time::timeout(Duration::from_secs(2), waiter).await.expect("the writer never started");
        assert_eq!(held.unwrap(), 1);
    }
}
