//! How a call names a request (its CITSmart number or the source system's `numberOrigin`) or a
//! task (its id).

use super::refusal::Refusal;
use super::world::World;
use crate::server::data::{Task, Ticket};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Number(i64),
    Origin(String),
}

impl World {
    /// The request a lookup names; an unknown one is INPUT.
    pub fn find(&self, lookup: &Lookup) -> Result<&Ticket, Refusal> {
        match lookup {
            Lookup::Number(n) => {
                self.tickets.get(*n).ok_or_else(|| Refusal::input(format!("Solicitação {n} não encontrada")))
            }
            Lookup::Origin(origin) => self.tickets.by_origin(origin).ok_or_else(|| not_found_origin(origin)),
        }
    }

    /// A task (open or not) and its request, by task id; an unknown id is an operation failure
    /// (7.x: INTERNAL, facts §3.3).
    pub fn task_or_fail(&self, task_id: i64) -> Result<(&Ticket, &Task), Refusal> {
        self.tickets.task(task_id).ok_or_else(|| Refusal::internal(format!("Task {task_id} not found")))
    }

    /// The number of the request a lookup names.
    pub fn number_of(&self, lookup: &Lookup) -> Result<i64, Refusal> {
        self.find(lookup).map(|t| t.number)
    }

    /// The request a lookup names as it was created (the `stale-get-by-id` fault; the world keeps
    /// originals only then).
    pub fn find_original(&self, lookup: &Lookup) -> Result<&Ticket, Refusal> {
        match lookup {
            Lookup::Number(n) => {
                self.tickets.original(*n).ok_or_else(|| Refusal::input(format!("Solicitação {n} não encontrada")))
            }
            Lookup::Origin(origin) => self
                .tickets
                .by_origin(origin)
                .and_then(|t| self.tickets.original(t.number))
                .ok_or_else(|| not_found_origin(origin)),
        }
    }
}

fn not_found_origin(origin: &str) -> Refusal {
    Refusal::input(format!("Solicitação de origem {origin} não encontrada"))
}
