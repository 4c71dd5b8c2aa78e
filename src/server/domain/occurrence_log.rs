//! Logging occurrences against requests (facts §2.33): creation logs one, `createOccurrence` more.

use super::lookup::Lookup;
use super::occurrences::{Occurrence, OccurrenceTask};
use super::refusal::Refusal;
use super::statuses::is_open;
use super::sync_marks::Topic;
use super::world::World;

/// An occurrence as a call describes it.
#[derive(Debug, Clone)]
pub struct NewOccurrence {
    pub number_origin: Option<String>,
    pub description: String,
    pub date: String,
    pub hour: String,
    pub category: String,
    pub reason: Option<String>,
    pub user: String,
}

impl World {
    /// Logs an occurrence against request `number` (which exists) and records the change; with
    /// `store` false it is answered but not kept (the `occurrence-not-listed` fault).
    pub(super) fn log_occurrence(&mut self, number: i64, new: NewOccurrence, store: bool) -> Occurrence {
        let (origin, task) = match self.tickets.get(number) {
            Some(ticket) => (
                ticket.number_origin.clone(),
                ticket.tasks.iter().find(|k| is_open(k)).map(|task| OccurrenceTask {
                    task_id: task.task_id,
                    name: task.name.clone(),
                    start_ms: ticket.created_at,
                    state: task.state,
                    user_id: task.assignee.clone(),
                }),
            ),
            None => (None, None),
        };
        let occurrence = Occurrence {
            number: self.numbering.occurrence(),
            request_number: number,
            request_number_origin: origin,
            version: self.occurrences.next_version(),
            number_origin: new.number_origin,
            description: new.description,
            date: new.date,
            hour: new.hour,
            category: new.category,
            reason: new.reason,
            user: new.user,
            task,
        };
        if store {
            for forgotten in self.occurrences.push(occurrence.clone()) {
                self.marks.forget(Topic::Occurrence(forgotten));
            }
        }
        self.tickets.touch(number);
        occurrence
    }

    /// `createOccurrence`: logs an occurrence against the request the lookup names.
    pub fn add_occurrence(&mut self, lookup: &Lookup, new: NewOccurrence, store: bool) -> Result<Occurrence, Refusal> {
        let number = self.number_of(lookup)?;
        Ok(self.log_occurrence(number, new, store))
    }
}
