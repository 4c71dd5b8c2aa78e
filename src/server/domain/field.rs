//! The field-service state of the mobile v2 flow: which tasks are in service (attendRequest),
//! which users are assigned to which requests (what checkin requires), and each user's one open
//! check-in.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Default)]
pub struct FieldState {
    in_service: HashSet<i64>,
    /// Request number → users assigned to it.
    assignments: HashMap<i64, Vec<String>>,
    /// User → the task they are checked in on.
    checkins: HashMap<String, i64>,
    revision: u64,
}

impl FieldState {
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn in_service(&self, task_id: i64) -> bool {
        self.in_service.contains(&task_id)
    }

    pub fn is_assigned(&self, login: &str, number: i64) -> bool {
        self.assignments.get(&number).is_some_and(|users| users.iter().any(|u| u == login))
    }

    /// The task the user is checked in on, as recorded (it may since have been closed otherwise).
    pub fn checkin_of(&self, login: &str) -> Option<i64> {
        self.checkins.get(login).copied()
    }

    /// The user checked in on the task, if any (at most one without the `checkin-ignores-others`
    /// fault; then the first found).
    pub fn holder_of(&self, task_id: i64) -> Option<String> {
        self.checkins.iter().find(|(_, task)| **task == task_id).map(|(user, _)| user.clone())
    }

    pub(super) fn put_in_service(&mut self, tasks: &[i64]) {
        self.revision += 1;
        self.in_service.extend(tasks);
    }

    pub(super) fn assign(&mut self, login: &str, number: i64) {
        self.revision += 1;
        let users = self.assignments.entry(number).or_default();
        if !users.iter().any(|u| u == login) {
            users.push(login.to_string());
        }
    }

    pub(super) fn check_in(&mut self, login: &str, task_id: i64) {
        self.revision += 1;
        self.checkins.insert(login.to_string(), task_id);
    }

    pub(super) fn end_check_in(&mut self, login: &str) {
        self.revision += 1;
        self.checkins.remove(login);
    }

    /// Drops what refers to a forgotten request.
    pub(super) fn forget_request(&mut self, number: i64, tasks: &[i64]) {
        self.revision += 1;
        self.assignments.remove(&number);
        for task in tasks {
            self.in_service.remove(task);
        }
        self.checkins.retain(|_, task| !tasks.contains(task));
    }
}
