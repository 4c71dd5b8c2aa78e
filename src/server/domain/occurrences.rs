//! Occurrences: the log of each request (facts §2.33), newest last, bounded in all: past
//! `OCCURRENCES_KEPT` the oldest occurrence of the whole world is forgotten first.

use std::collections::{HashMap, VecDeque};

use crate::server::data::TaskState;

/// Occurrences a world keeps in all.
pub const OCCURRENCES_KEPT: usize = 100_000;

/// The task an occurrence was logged against, as it was then.
#[derive(Debug, Clone, PartialEq)]
pub struct OccurrenceTask {
    pub task_id: i64,
    pub name: String,
    /// The request's creation time, epoch ms.
    pub start_ms: i64,
    pub state: TaskState,
    pub user_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub number: i64,
    pub request_number: i64,
    pub request_number_origin: Option<String>,
    /// The change clock value when it was logged (`occurrence/getNotSynchronized`).
    pub version: u64,
    pub number_origin: Option<String>,
    pub description: String,
    pub date: String,
    pub hour: String,
    pub category: String,
    pub reason: Option<String>,
    pub user: String,
    pub task: Option<OccurrenceTask>,
}

#[derive(Debug)]
pub struct OccurrenceLog {
    by_request: HashMap<i64, VecDeque<Occurrence>>,
    /// Every kept occurrence, oldest first, as (request number, occurrence number); entries of
    /// forgotten requests linger until popped or compacted away.
    order: VecDeque<(i64, i64)>,
    kept: usize,
    cap: usize,
    clock: u64,
    revision: u64,
}

impl OccurrenceLog {
    pub fn new(cap: usize) -> OccurrenceLog {
        OccurrenceLog {
            by_request: HashMap::new(),
            order: VecDeque::new(),
            kept: 0,
            cap: cap.max(1),
            clock: 0,
            revision: 0,
        }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn len(&self) -> usize {
        self.kept
    }

    pub fn is_empty(&self) -> bool {
        self.kept == 0
    }

    /// The occurrences of a request, oldest first.
    pub fn of(&self, request: i64) -> impl Iterator<Item = &Occurrence> {
        self.by_request.get(&request).into_iter().flatten()
    }

    /// The next change clock value, for the occurrence about to be added.
    pub(super) fn next_version(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Appends an occurrence; returns the numbers of those forgotten to stay within the cap.
    pub(super) fn push(&mut self, occurrence: Occurrence) -> Vec<i64> {
        self.revision += 1;
        self.kept += 1;
        self.order.push_back((occurrence.request_number, occurrence.number));
        self.by_request.entry(occurrence.request_number).or_default().push_back(occurrence);
        let mut forgotten = Vec::new();
        while self.kept > self.cap {
            let Some((request, number)) = self.order.pop_front() else { break };
            // Numbers grow with time, so the world's oldest live occurrence is also its request's
            // oldest; an entry that is not is a forgotten request's, already gone.
            let Some(log) = self.by_request.get_mut(&request) else { continue };
            if log.front().is_some_and(|o| o.number == number) {
                log.pop_front();
                self.kept -= 1;
                forgotten.push(number);
            }
            if log.is_empty() {
                self.by_request.remove(&request);
            }
        }
        forgotten
    }

    /// Forgets a request's occurrences (the request was forgotten); returns their numbers.
    pub(super) fn forget_request(&mut self, request: i64) -> Vec<i64> {
        let Some(log) = self.by_request.remove(&request) else { return Vec::new() };
        self.revision += 1;
        self.kept -= log.len();
        if self.order.len() > 2 * self.kept.max(1024) {
            // Amortized: the lingering entries are dropped once they outnumber the live ones.
            let mut live: Vec<(i64, i64)> =
                self.by_request.values().flatten().map(|o| (o.request_number, o.number)).collect();
            live.sort_unstable_by_key(|(_, number)| *number);
            self.order = live.into();
        }
        log.into_iter().map(|o| o.number).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occurrence(request: i64, number: i64) -> Occurrence {
        Occurrence {
            number,
            request_number: request,
            request_number_origin: None,
            version: 0,
            number_origin: None,
            description: String::new(),
            date: String::new(),
            hour: String::new(),
            category: String::new(),
            reason: None,
            user: String::new(),
            task: None,
        }
    }

    #[test]
    fn the_oldest_occurrences_go_first_and_forgotten_requests_leave_nothing() {
        let mut log = OccurrenceLog::new(3);
        for (request, number) in [(1, 1), (2, 2), (1, 3)] {
            assert!(log.push(occurrence(request, number)).is_empty());
        }
        assert_eq!(log.push(occurrence(2, 4)), [1]);
        assert_eq!(log.of(1).map(|o| o.number).collect::<Vec<_>>(), [3]);
        assert_eq!(log.forget_request(2), [2, 4]);
        assert_eq!(log.len(), 1);
        for number in 5..8 {
            log.push(occurrence(3, number));
        }
        // The forgotten request's lingering entries are skipped, not counted.
        assert_eq!(log.len(), 3);
        assert_eq!(log.of(1).count(), 0);
        assert_eq!(log.of(3).count(), 3);
    }
}
