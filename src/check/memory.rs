//! What the envelope rule GEN-ENV-005 (operationID differs between calls) remembers: every id a
//! run has seen and who saw it first (`run`, a few thousand answers), or the most recent ones
//! (`load`, millions of answers: a repeat among the recent is what a counter that stopped looks
//! like, and memory stays bounded).

use std::collections::{HashMap, VecDeque};

use parking_lot::Mutex;

pub struct OperationIds {
    seen: Mutex<(HashMap<i64, String>, VecDeque<i64>)>,
    /// `None`: remember every id; `Some(n)`: the last `n`.
    window: Option<usize>,
}

impl Default for OperationIds {
    fn default() -> Self {
        Self { seen: Mutex::new((HashMap::new(), VecDeque::new())), window: None }
    }
}

impl OperationIds {
    /// Remembers only the last `window` ids.
    pub fn recent(window: usize) -> Self {
        Self { window: Some(window.max(1)), ..Self::default() }
    }

    /// Records `id` for `who`; returns who had it before, if anyone did.
    pub fn record(&self, id: i64, who: &str) -> Option<String> {
        let mut guard = self.seen.lock();
        let (seen, order) = &mut *guard;
        if let Some(previous) = seen.get(&id) {
            return Some(previous.clone());
        }
        seen.insert(id, who.to_string());
        if let Some(window) = self.window {
            order.push_back(id);
            while order.len() > window {
                if let Some(old) = order.pop_front() {
                    seen.remove(&old);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_repeat_is_found_and_a_window_forgets_the_oldest() {
        let all = super::OperationIds::default();
        assert_eq!(all.record(7, "a"), None);
        assert_eq!(all.record(7, "b").as_deref(), Some("a"));
        let recent = super::OperationIds::recent(2);
        for id in [1, 2, 3] {
            assert_eq!(recent.record(id, "x"), None);
        }
        assert_eq!(recent.record(1, "y"), None, "1 left the window");
        assert!(recent.record(3, "z").is_some());
    }
}
