//! The server's one mutable state: what every endpoint reads and writes. Guarded by one mutex in
//! `AppState`; handlers lock it once per request.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use super::data::{DataSet, Task, TaskState, Ticket, User};
use super::freedoms::{FreedomKind, FreedomSet};
use super::other_ids;

#[derive(Debug, Clone)]
pub struct Occurrence {
    pub number: i64,
    pub request_number: i64,
    pub body: Value,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncMapping {
    pub object: String,
    pub from_key: String,
    pub to_key: String,
}

#[derive(Debug, Clone)]
pub struct Device {
    pub login: String,
    pub token: String,
    pub platform: String,
    pub connection: String,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct Position {
    pub login: String,
    pub latitude: f64,
    pub longitude: f64,
    pub time: Value,
}

#[derive(Debug)]
pub struct World {
    pub data: DataSet,
    pub tickets: BTreeMap<i64, Ticket>,
    /// Each ticket as first created or loaded, for the `stale-get-by-id` fault.
    pub originals: BTreeMap<i64, Ticket>,
    /// How new numbers and ids are chosen: consecutive, or scattered (`other-ids`).
    pub ids: IdScheme,
    pub next_number: i64,
    /// The next task id, or with `IdScheme::Scattered` the index of the next scattered one.
    pub next_task_id: i64,
    /// The next occurrence number, or with `IdScheme::Scattered` the index of the next one.
    pub next_occurrence: i64,
    pub occurrences: Vec<Occurrence>,
    pub sync: Vec<SyncMapping>,
    pub devices: Vec<Device>,
    pub positions: Vec<Position>,
    pub unit_positions: BTreeMap<i64, (f64, f64)>,
    /// Task ids in service (attendRequest), and the (login, request number) assignments it creates.
    pub in_service: BTreeSet<i64>,
    pub assignments: BTreeSet<(String, i64)>,
    /// Active check-in of each user: task id.
    pub checkins: HashMap<String, i64>,
    pub denials: Vec<Value>,
    pub team_assignments: Vec<Value>,
    pub request_updates: Vec<Value>,
    /// Bumped on every write; tickets and occurrences remember the version that last changed them.
    pub version: u64,
    pub ticket_versions: BTreeMap<i64, u64>,
    /// What each (user, topic) has synchronized up to (`*NotSynchronized`).
    pub synced: HashMap<(String, String), u64>,
    /// Failed operations, newest last (`/services/error/getList`); capped at `ERROR_LOG_CAP`.
    pub errors: Vec<ErrorRecord>,
}

/// How a world allocates request numbers, task ids and occurrence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdScheme {
    /// Each one after the highest of the data set.
    Consecutive,
    /// `other_ids.rs`: numbers in steps of 7, task ids scattered, occurrences with gaps.
    Scattered,
}

/// Mobile status id (1..4) ↔ status code.
pub const STATUSES: [(i64, &str, &str); 4] = [
    (1, "EmAndamento", "Em andamento"),
    (2, "Suspensa", "Suspensa"),
    (3, "Cancelada", "Cancelada"),
    (4, "Resolvida", "Resolvida"),
];

pub fn status_name(code: &str) -> &str {
    match code {
        "EmAndamento" => "Em andamento",
        "Suspensa" => "Suspensa",
        "Cancelada" => "Cancelada",
        "Resolvida" => "Resolvida",
        "Reaberta" => "Reaberta",
        "Fechada" => "Fechada",
        other => other,
    }
}

impl World {
    pub fn new(data: DataSet) -> World {
        let tickets: BTreeMap<i64, Ticket> = data.requests.iter().map(|t| (t.number, t.clone())).collect();
        let next_number = tickets.keys().max().map_or(1000, |n| n + 1);
        let next_task_id = tickets.values().flat_map(|t| &t.tasks).map(|t| t.task_id).max().map_or(5000, |n| n + 1);
        let ticket_versions = tickets.keys().map(|n| (*n, 0)).collect();
        World {
            originals: tickets.clone(),
            tickets,
            ids: IdScheme::Consecutive,
            next_number,
            next_task_id,
            next_occurrence: 1,
            occurrences: Vec::new(),
            sync: Vec::new(),
            devices: Vec::new(),
            positions: Vec::new(),
            unit_positions: data.units.iter().map(|u| (u.id, (u.latitude, u.longitude))).collect(),
            in_service: BTreeSet::new(),
            assignments: BTreeSet::new(),
            checkins: HashMap::new(),
            denials: Vec::new(),
            team_assignments: Vec::new(),
            request_updates: Vec::new(),
            version: 1,
            ticket_versions,
            synced: HashMap::new(),
            errors: Vec::new(),
            data,
        }
    }

    /// The world of a server: with `other-ids`, the data set's ids are moved to other ranges first
    /// and new ones are allocated the same way.
    pub fn with_freedoms(data: DataSet, freedoms: &FreedomSet) -> World {
        if !freedoms.has(FreedomKind::OtherIds) {
            return World::new(data);
        }
        let (data, tasks) = other_ids::remap(data);
        let mut world = World::new(data);
        world.ids = IdScheme::Scattered;
        world.next_number = world.tickets.keys().max().map_or(other_ids::FIRST_NUMBER, |n| n + other_ids::NUMBER_STEP);
        world.next_task_id = tasks;
        world.next_occurrence = 0;
        world
    }

    pub fn user(&self, login: &str) -> Option<&User> {
        self.data.users.iter().find(|u| u.login == login)
    }

    /// Records a change to a ticket (for `getNotSynchronized`).
    pub fn touch(&mut self, number: i64) {
        self.version += 1;
        self.ticket_versions.insert(number, self.version);
    }

    pub fn allocate_number(&mut self) -> i64 {
        let n = self.next_number;
        self.next_number += self.number_step();
        n
    }

    /// `number`, read earlier as `next_number` by a non-atomic allocation (the
    /// `duplicate-numbers` fault); later allocations still go past it.
    pub fn allocate_number_at(&mut self, number: i64) -> i64 {
        self.next_number = self.next_number.max(number + self.number_step());
        number
    }

    fn number_step(&self) -> i64 {
        match self.ids {
            IdScheme::Consecutive => 1,
            IdScheme::Scattered => other_ids::NUMBER_STEP,
        }
    }

    pub fn allocate_task_id(&mut self) -> i64 {
        let n = self.next_task_id;
        self.next_task_id += 1;
        match self.ids {
            IdScheme::Consecutive => n,
            IdScheme::Scattered => other_ids::task_id(n),
        }
    }

    pub fn allocate_occurrence(&mut self) -> i64 {
        let n = self.next_occurrence;
        self.next_occurrence += 1;
        match self.ids {
            IdScheme::Consecutive => n,
            IdScheme::Scattered => other_ids::occurrence(n),
        }
    }

    /// The ticket and index of a task.
    pub fn find_task(&self, task_id: i64) -> Option<(&Ticket, usize)> {
        self.tickets.values().find_map(|t| t.tasks.iter().position(|k| k.task_id == task_id).map(|i| (t, i)))
    }

    pub fn find_task_mut(&mut self, task_id: i64) -> Option<(&mut Ticket, usize)> {
        self.tickets.values_mut().find_map(|t| t.tasks.iter().position(|k| k.task_id == task_id).map(|i| (t, i)))
    }

    /// Open tasks assigned to `login`, newest request first, as (ticket, task) pairs.
    pub fn tasks_of<'a>(&'a self, login: &'a str) -> impl Iterator<Item = (&'a Ticket, &'a Task)> + 'a {
        self.tickets
            .values()
            .rev()
            .flat_map(move |t| t.tasks.iter().filter(move |k| k.assignee == login && is_open(k)).map(move |k| (t, k)))
    }

    /// A notification list item (specs/defs/mobile.json `notificationItem`, with the v2 extras).
    /// Its members are declared once, in item_text.rs, whose lists serialize them directly.
    pub fn notification_item(&self, ticket: &Ticket, task: &Task) -> Value {
        serde_json::to_value(super::item_text::item(self, ticket, task)).expect("a notification item serializes")
    }

    pub fn service_name(&self, code: i64) -> String {
        self.data.services.iter().find(|s| s.code == code).map_or_else(|| format!("Serviço {code}"), |s| s.name.clone())
    }

    /// The request object of /services/request/* (specs/defs/request.json `ctRequest`).
    pub fn ct_request(&self, ticket: &Ticket) -> Value {
        let service = self.data.services.iter().find(|s| s.code == ticket.service_code);
        let current = ticket.tasks.iter().find(|k| is_open(k));
        json!({
            "number": ticket.number.to_string(),
            "numberOrigin": ticket.number_origin,
            "type": ticket.kind,
            "description": ticket.description,
            "startDateTime": iso(ticket.created_at),
            "startSLA": iso(ticket.created_at),
            "endSLA": iso(ticket.created_at + 8 * 3_600_000),
            "deadline": iso(ticket.created_at + 24 * 3_600_000),
            "urgency": ticket.urgency,
            "impact": ticket.impact,
            "groupId": ticket.group_id,
            "userID": ticket.requester,
            "contact": {
                "name": ticket.contact.name,
                "phoneNumber": ticket.contact.phone_number,
                "email": ticket.contact.email,
                "department": ticket.contact.department,
            },
            "service": {
                "code": ticket.service_code.to_string(),
                "name": service.map(|s| s.name.clone()),
                "category": service.map(|s| json!({"code": s.category_code, "name": s.category_name})),
            },
            "contractID": ticket.contract_id.to_string(),
            "status": {"code": ticket.status, "name": status_name(&ticket.status)},
            "currentTask": current.map(|k| json!({
                "number": k.task_id.to_string(),
                "name": k.name,
                "startDateTime": iso(ticket.created_at),
                "status": {"code": format!("{:?}", k.state), "name": format!("{:?}", k.state)},
                "userId": k.assignee,
                "groupId": ticket.group_id,
            })),
            "definedSLA": true,
            "linkedNumber": null,
        })
    }
}

/// One failed operation, as `/services/error/getList` lists it.
#[derive(Debug, Clone)]
pub struct ErrorRecord {
    pub time_ms: i64,
    /// Endpoint path, e.g. `/services/request/create`.
    pub path: String,
    /// The operation's messageID when the spec names one.
    pub message_id: Option<String>,
    pub code: String,
    pub description: String,
}

/// The error log keeps the newest entries only, so long load runs do not grow it without bound.
pub const ERROR_LOG_CAP: usize = 1000;

impl World {
    /// Records a failed operation (oldest entries are dropped past `ERROR_LOG_CAP`).
    pub fn log_error(&mut self, record: ErrorRecord) {
        if self.errors.len() >= ERROR_LOG_CAP {
            let excess = self.errors.len() + 1 - ERROR_LOG_CAP;
            self.errors.drain(..excess);
        }
        self.errors.push(record);
    }
}

pub fn is_open(task: &Task) -> bool {
    !matches!(task.state, TaskState::Approved | TaskState::Rejected | TaskState::Done)
}

pub(crate) fn time_flag(task: &Task) -> i64 {
    match task.state {
        TaskState::Suspended => 3,
        _ if task.sla_minutes < 0 || task.state == TaskState::Late => 2,
        _ if task.sla_minutes < 60 => 1,
        _ => 0,
    }
}

/// `27/08/2013`
pub fn date_ddmmyyyy(ms: i64) -> String {
    let (y, m, d, ..) = crate::time::parts(ms);
    format!("{d:02}/{m:02}/{y:04}")
}

/// `27/08/2013 14:30`, or " " when no SLA runs (as the real product sends).
pub fn end_sla(created_ms: i64, sla_minutes: i64) -> String {
    let (y, m, d, h, mi, _) = crate::time::parts(created_ms + sla_minutes.max(0) * 60_000 + 8 * 3_600_000);
    format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}")
}

pub use crate::time::iso;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_like_the_real_product() {
        assert_eq!(date_ddmmyyyy(1_377_618_517_000), "27/08/2013");
        assert_eq!(iso(1_377_618_517_123), "2013-08-27T15:48:37.123Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn the_builtin_data_loads_into_a_world() {
        let world = World::new(DataSet::builtin());
        assert_eq!(world.tickets.len(), 50);
        assert!(world.tasks_of("tecnico").count() > 5);
        assert!(world.tasks_of("aprovador").count() > 0);
    }
}
