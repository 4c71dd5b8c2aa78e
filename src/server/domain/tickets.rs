//! The requests ("tickets") of a world, with the indexes that keep every lookup off a scan of all
//! of them: by number (ordered, so lists run newest first), by source number (`numberOrigin`,
//! whose uniqueness `create` checks), by task id, and each user's open tasks, newest request
//! first. Every change goes through this store, so the indexes cannot drift from the tickets.
//!
//! Requests created at run time are kept up to a cap, oldest forgotten first (the data set's are
//! kept for ever), so a long load run that keeps opening requests holds a bounded world.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use super::statuses::is_open;
use crate::server::data::{Task, TaskState, Ticket};

/// How many requests created at run time a world keeps by default (`--max-requests`).
pub const DEFAULT_MAX_REQUESTS: usize = 20_000;

#[derive(Debug, Clone)]
struct Record {
    ticket: Ticket,
    /// The change clock value of the last change (`getNotSynchronized`).
    version: u64,
    /// Insertion sequence: tells a record from a later one written under the same number.
    seq: u64,
    /// The ticket as created, kept only for the `stale-get-by-id` fault.
    original: Option<Box<Ticket>>,
}

#[derive(Debug)]
pub struct TicketStore {
    records: BTreeMap<i64, Record>,
    by_origin: HashMap<String, i64>,
    task_owner: HashMap<i64, i64>,
    /// Per assignee: (newest number first, task index) of every open task.
    open_tasks: HashMap<String, BTreeSet<(Reverse<i64>, usize)>>,
    /// Run-time requests, oldest first, as (number, seq).
    created: VecDeque<(i64, u64)>,
    max_created: usize,
    keep_originals: bool,
    seq: u64,
    clock: u64,
    revision: u64,
}

impl TicketStore {
    pub fn new(max_created: usize, keep_originals: bool) -> TicketStore {
        TicketStore {
            records: BTreeMap::new(),
            by_origin: HashMap::new(),
            task_owner: HashMap::new(),
            open_tasks: HashMap::new(),
            created: VecDeque::new(),
            max_created: max_created.max(1),
            keep_originals,
            seq: 0,
            clock: 0,
            revision: 0,
        }
    }

    /// Counts changes; the world's revision sums its stores' (read_cache.rs relies on it).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn get(&self, number: i64) -> Option<&Ticket> {
        self.records.get(&number).map(|r| &r.ticket)
    }

    /// The ticket as it was created (the `stale-get-by-id` fault); `None` unless the store keeps
    /// originals.
    pub fn original(&self, number: i64) -> Option<&Ticket> {
        self.records.get(&number).and_then(|r| r.original.as_deref())
    }

    /// The request with this source number (the lowest number, should a data set repeat one).
    pub fn by_origin(&self, origin: &str) -> Option<&Ticket> {
        self.by_origin.get(origin).and_then(|n| self.get(*n))
    }

    pub fn origin_taken(&self, origin: &str) -> bool {
        self.by_origin.contains_key(origin)
    }

    /// The ticket of a task and the task's index in it.
    pub fn find_task(&self, task_id: i64) -> Option<(&Ticket, usize)> {
        let ticket = self.get(*self.task_owner.get(&task_id)?)?;
        ticket.tasks.iter().position(|k| k.task_id == task_id).map(|i| (ticket, i))
    }

    pub fn task(&self, task_id: i64) -> Option<(&Ticket, &Task)> {
        self.find_task(task_id).and_then(|(ticket, i)| ticket.tasks.get(i).map(|task| (ticket, task)))
    }

    /// Open tasks assigned to `login`, newest request first (tasks of one request in order).
    pub fn open_tasks_of<'a>(&'a self, login: &str) -> impl Iterator<Item = (&'a Ticket, &'a Task)> + 'a {
        self.open_tasks.get(login).into_iter().flatten().filter_map(|(Reverse(number), i)| {
            let ticket = self.get(*number)?;
            ticket.tasks.get(*i).map(|task| (ticket, task))
        })
    }

    /// Every ticket, by number ascending.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Ticket> {
        self.records.values().map(|r| &r.ticket)
    }

    /// The change clock value of the ticket's last change (0: never changed).
    pub fn version(&self, number: i64) -> u64 {
        self.records.get(&number).map_or(0, |r| r.version)
    }

    /// Adds a ticket (replacing one under the same number, which only the `duplicate-numbers`
    /// fault produces). A run-time one counts against the cap; returns the tickets forgotten to
    /// stay within it, oldest first.
    pub(super) fn insert(&mut self, ticket: Ticket, created: bool) -> Vec<Ticket> {
        let number = ticket.number;
        if let Some(old) = self.records.remove(&number) {
            self.unindex(&old.ticket);
        }
        self.seq += 1;
        self.clock += 1;
        self.revision += 1;
        self.index(&ticket);
        let original = self.keep_originals.then(|| Box::new(ticket.clone()));
        // The data set's requests have never changed: no caller has them to synchronize.
        let version = if created { self.clock } else { 0 };
        self.records.insert(number, Record { ticket, version, seq: self.seq, original });
        if !created {
            return Vec::new();
        }
        self.created.push_back((number, self.seq));
        let mut forgotten = Vec::new();
        while self.created.len() > self.max_created {
            let Some((old_number, seq)) = self.created.pop_front() else { break };
            if self.records.get(&old_number).is_some_and(|r| r.seq == seq) {
                if let Some(record) = self.records.remove(&old_number) {
                    self.unindex(&record.ticket);
                    forgotten.push(record.ticket);
                }
            }
        }
        forgotten
    }

    /// Changes a ticket and records the change; the indexes follow whatever `change` did.
    pub(super) fn modify(&mut self, number: i64, change: impl FnOnce(&mut Ticket)) -> bool {
        let Some(mut record) = self.records.remove(&number) else { return false };
        self.unindex(&record.ticket);
        change(&mut record.ticket);
        record.ticket.number = number;
        self.index(&record.ticket);
        self.clock += 1;
        self.revision += 1;
        record.version = self.clock;
        self.records.insert(number, record);
        true
    }

    /// Sets a task's state; returns its request's number.
    pub(super) fn set_task_state(&mut self, task_id: i64, state: TaskState) -> Option<i64> {
        let number = *self.task_owner.get(&task_id)?;
        self.modify(number, |ticket| {
            if let Some(task) = ticket.tasks.iter_mut().find(|k| k.task_id == task_id) {
                task.state = state;
            }
        });
        Some(number)
    }

    /// Records a change of the request that is not in its fields (an occurrence was added).
    pub(super) fn touch(&mut self, number: i64) {
        self.clock += 1;
        self.revision += 1;
        if let Some(record) = self.records.get_mut(&number) {
            record.version = self.clock;
        }
    }

    fn index(&mut self, ticket: &Ticket) {
        let number = ticket.number;
        if let Some(origin) = &ticket.number_origin {
            let slot = self.by_origin.entry(origin.clone()).or_insert(number);
            *slot = (*slot).min(number);
        }
        for (i, task) in ticket.tasks.iter().enumerate() {
            self.task_owner.insert(task.task_id, number);
            if is_open(task) {
                self.open_tasks.entry(task.assignee.clone()).or_default().insert((Reverse(number), i));
            }
        }
    }

    fn unindex(&mut self, ticket: &Ticket) {
        let number = ticket.number;
        if let Some(origin) = &ticket.number_origin {
            if self.by_origin.get(origin) == Some(&number) {
                self.by_origin.remove(origin);
                // Only a data set repeats a source number: the next lowest one takes over.
                let next = self.records.values().find(|r| r.ticket.number_origin.as_deref() == Some(origin.as_str()));
                if let Some(next) = next {
                    self.by_origin.insert(origin.clone(), next.ticket.number);
                }
            }
        }
        for (i, task) in ticket.tasks.iter().enumerate() {
            if self.task_owner.get(&task.task_id) == Some(&number) {
                self.task_owner.remove(&task.task_id);
            }
            if let Some(open) = self.open_tasks.get_mut(&task.assignee) {
                open.remove(&(Reverse(number), i));
                if open.is_empty() {
                    self.open_tasks.remove(&task.assignee);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::{ContactInfo, TaskKind};

    fn ticket(number: i64, origin: Option<&str>, task_id: i64, assignee: &str) -> Ticket {
        Ticket {
            number,
            number_origin: origin.map(String::from),
            kind: "R".into(),
            mobile_type: 5,
            description: format!("request {number}"),
            requester: "solicitante".into(),
            opened_by: None,
            contact: ContactInfo::default(),
            service_code: 1,
            contract_id: 1,
            unit_id: 1,
            urgency: "M".into(),
            impact: "M".into(),
            group_id: "G".into(),
            status: "EmAndamento".into(),
            created_at: 0,
            latitude: 0.0,
            longitude: 0.0,
            tasks: vec![Task {
                task_id,
                name: "t".into(),
                kind: TaskKind::Execution,
                state: TaskState::Available,
                assignee: assignee.into(),
                sla_minutes: 10,
                priority_order: None,
            }],
        }
    }

    #[test]
    fn indexes_follow_inserts_changes_and_the_cap() {
        let mut store = TicketStore::new(2, false);
        assert!(store.insert(ticket(1, Some("a"), 10, "u"), false).is_empty());
        assert!(store.insert(ticket(2, Some("b"), 20, "u"), true).is_empty());
        assert!(store.insert(ticket(3, Some("c"), 30, "v"), true).is_empty());
        let newest: Vec<i64> = store.open_tasks_of("u").map(|(t, _)| t.number).collect();
        assert_eq!(newest, [2, 1]);
        assert_eq!(store.by_origin("b").map(|t| t.number), Some(2));
        assert_eq!(store.set_task_state(20, TaskState::Done), Some(2));
        assert_eq!(store.open_tasks_of("u").map(|(t, _)| t.number).collect::<Vec<_>>(), [1]);
        // A third run-time request forgets the oldest run-time one (2), never the data set's (1).
        let forgotten = store.insert(ticket(4, Some("d"), 40, "u"), true);
        assert_eq!(forgotten.iter().map(|t| t.number).collect::<Vec<_>>(), [2]);
        assert!(store.get(2).is_none() && store.task(20).is_none() && !store.origin_taken("b"));
        assert_eq!(store.open_tasks_of("u").map(|(t, _)| t.number).collect::<Vec<_>>(), [4, 1]);
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn versions_grow_with_every_change() {
        let mut store = TicketStore::new(10, true);
        store.insert(ticket(1, None, 10, "u"), true);
        let v = store.version(1);
        store.modify(1, |t| t.description = "changed".into());
        assert!(store.version(1) > v);
        assert_eq!(store.original(1).map(|t| t.description.as_str()), Some("request 1"));
        let before = store.revision();
        store.touch(1);
        assert!(store.revision() > before);
    }
}
