//! The world: everything the 50 endpoints read and write, typed, in stores that keep their own
//! indexes and bounds. Commands (the `impl World` blocks of the sibling files) are the only way
//! to change it; each returns `Result<_, Refusal>` and refuses before changing anything.

use super::catalog::Catalog;
use super::devices::Devices;
use super::errors::ErrorLog;
use super::field::FieldState;
use super::journal::Journal;
use super::mappings::Mappings;
use super::numbering::Numbering;
use super::occurrences::{OccurrenceLog, OCCURRENCES_KEPT};
use super::sync_marks::{SyncMarks, Topic};
use super::tickets::{TicketStore, DEFAULT_MAX_REQUESTS};
use super::units::UnitPositions;
use crate::server::data::{DataSet, Ticket};
use crate::server::other_ids;

/// How a world is set up besides its data.
#[derive(Debug, Clone)]
pub struct WorldOptions {
    /// `other-ids`: the data set's ids moved to other ranges, new ones allocated the same way.
    pub other_ids: bool,
    /// Keep each request as created (the `stale-get-by-id` fault answers it).
    pub keep_originals: bool,
    /// Requests created at run time that are kept (oldest forgotten first).
    pub max_requests: usize,
}

impl Default for WorldOptions {
    fn default() -> Self {
        WorldOptions { other_ids: false, keep_originals: false, max_requests: DEFAULT_MAX_REQUESTS }
    }
}

#[derive(Debug)]
pub struct World {
    pub(super) catalog: Catalog,
    pub(super) tickets: TicketStore,
    pub(super) numbering: Numbering,
    pub(super) occurrences: OccurrenceLog,
    pub(super) field: FieldState,
    pub(super) units: UnitPositions,
    pub(super) mappings: Mappings,
    pub(super) marks: SyncMarks,
    pub(super) devices: Devices,
    pub(super) errors: ErrorLog,
    pub(super) journal: Journal,
}

impl World {
    /// The built-in options: consecutive ids, no originals, the default request cap.
    pub fn new(data: DataSet) -> World {
        World::with(data, &WorldOptions::default())
    }

    pub fn with(data: DataSet, options: &WorldOptions) -> World {
        let (data, tasks_used) = if options.other_ids { other_ids::remap(data) } else { (data, 0) };
        let (catalog, requests) = Catalog::of(data);
        let max_number = requests.iter().map(|t| t.number).max();
        let numbering = if options.other_ids {
            Numbering::scattered(max_number, tasks_used)
        } else {
            Numbering::consecutive(max_number, requests.iter().flat_map(|t| &t.tasks).map(|k| k.task_id).max())
        };
        let mut tickets = TicketStore::new(options.max_requests, options.keep_originals);
        for ticket in requests {
            tickets.insert(ticket, false);
        }
        World {
            units: UnitPositions::of(&catalog.units),
            catalog,
            tickets,
            numbering,
            occurrences: OccurrenceLog::new(OCCURRENCES_KEPT),
            field: FieldState::default(),
            mappings: Mappings::default(),
            marks: SyncMarks::default(),
            devices: Devices::default(),
            errors: ErrorLog::default(),
            journal: Journal::default(),
        }
    }

    /// Grows with every change of what an answer can show (not the journal, which none shows):
    /// an answer computed at one revision is the answer while the revision stays.
    pub fn revision(&self) -> u64 {
        self.tickets.revision()
            + self.occurrences.revision()
            + self.field.revision()
            + self.units.revision()
            + self.mappings.revision()
            + self.marks.revision()
            + self.devices.revision()
            + self.errors.revision()
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn tickets(&self) -> &TicketStore {
        &self.tickets
    }

    pub fn occurrences(&self) -> &OccurrenceLog {
        &self.occurrences
    }

    pub fn field(&self) -> &FieldState {
        &self.field
    }

    pub fn units(&self) -> &UnitPositions {
        &self.units
    }

    pub fn mappings(&self) -> &Mappings {
        &self.mappings
    }

    pub fn marks(&self) -> &SyncMarks {
        &self.marks
    }

    pub fn devices(&self) -> &Devices {
        &self.devices
    }

    pub fn errors(&self) -> &ErrorLog {
        &self.errors
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The number the next request would get (the `duplicate-numbers` fault reads it early).
    pub fn peek_number(&self) -> i64 {
        self.numbering.peek_number()
    }

    /// Stores a request created at run time; what the cap makes it forget goes with everything
    /// that refers to it.
    pub(super) fn store_created(&mut self, ticket: Ticket) {
        for old in self.tickets.insert(ticket, true) {
            let tasks: Vec<i64> = old.tasks.iter().map(|k| k.task_id).collect();
            self.field.forget_request(old.number, &tasks);
            self.marks.forget(Topic::Request(old.number));
            for occurrence in self.occurrences.forget_request(old.number) {
                self.marks.forget(Topic::Occurrence(occurrence));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_data_loads_into_a_world() {
        let world = World::new(DataSet::builtin());
        assert_eq!(world.tickets().len(), 50);
        assert!(world.tickets().open_tasks_of("tecnico").count() > 5);
        assert!(world.tickets().open_tasks_of("aprovador").count() > 0);
    }
}
