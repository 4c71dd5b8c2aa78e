//! What each user has synchronized up to (`*/getNotSynchronized` with `synchronize` true): per
//! request or occurrence, the change clock value each user last received.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Request(i64),
    Occurrence(i64),
}

#[derive(Debug, Default)]
pub struct SyncMarks {
    marks: HashMap<Topic, HashMap<String, u64>>,
    revision: u64,
}

impl SyncMarks {
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn get(&self, login: &str, topic: Topic) -> Option<u64> {
        self.marks.get(&topic).and_then(|users| users.get(login)).copied()
    }

    pub(super) fn set(&mut self, login: &str, topic: Topic, version: u64) {
        self.revision += 1;
        self.marks.entry(topic).or_default().insert(login.to_string(), version);
    }

    /// Drops the marks of a forgotten request or occurrence.
    pub(super) fn forget(&mut self, topic: Topic) {
        if self.marks.remove(&topic).is_some() {
            self.revision += 1;
        }
    }
}
