//! `/services/request/*` (8.x, facts §2.32-2.39): requests created from a source system's tickets,
//! looked up by CITSmart number or by the source number (`numberOrigin`), updated, re-statused,
//! listed, and their occurrences (the request's log).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::services::logged;
use crate::server::context::{Ctx, Handler};
use crate::server::data::{ContactInfo, Role, Task, TaskKind, TaskState, Ticket};
use crate::server::faults::FaultKind;
use crate::server::input;
use crate::server::reply::Reply;
use crate::server::world::{is_open, iso, Occurrence, SyncMapping, World};

pub fn handler_for(path: &str) -> Option<Handler> {
    match path {
        "/services/request/create" => Some(|c, b| logged(c, b, create)),
        "/services/request/createOccurrence" => Some(|c, b| logged(c, b, create_occurrence)),
        "/services/request/getById" => Some(|c, b| logged(c, b, get_by_id)),
        "/services/request/getByUser" => Some(|c, b| logged(c, b, get_by_user)),
        "/services/request/getNotSynchronized" => Some(|c, b| logged(c, b, get_not_synchronized)),
        "/services/request/listOccurrences" => Some(|c, b| logged(c, b, list_occurrences)),
        "/services/request/update" => Some(|c, b| logged(c, b, update)),
        "/services/request/updateStatus" => Some(|c, b| logged(c, b, update_status)),
        _ => None,
    }
}

/// Request status codes (the Java enum names, facts §2.39) and their names.
const STATUS_CODES: [&str; 6] = ["EmAndamento", "Suspensa", "Cancelada", "Resolvida", "Reaberta", "Fechada"];

fn answer(result: Result<Reply, Reply>) -> Reply {
    match result {
        Ok(reply) | Err(reply) => reply,
    }
}

/// A real product text, followed by the field it is about.
fn missing(text: &str, field: &str) -> Reply {
    Reply::input(format!("{text} ({field})"))
}

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by services.rs for the old addServiceRequest and occurrence sync).

/// What creating a ticket needs; the rest (number, task, unit, position) is derived.
pub(super) struct NewTicket {
    pub number_origin: String,
    pub kind: String,
    pub description: String,
    pub requester: String,
    pub contact: ContactInfo,
    pub service_code: i64,
    pub contract_id: i64,
    pub urgency: String,
    pub impact: String,
    pub group_id: Option<String>,
    pub created_at: i64,
    /// A number read before the write (`duplicate-numbers`); `None` allocates the next one.
    pub number: Option<i64>,
}

/// Creates a ticket with one execution task for a technician (of the requested group when one
/// belongs to it), logs its creation occurrence and records the change. Returns the ticket.
pub(super) fn insert_ticket(world: &mut World, new: NewTicket, actor: &str) -> Ticket {
    let technicians: Vec<(String, String)> = world
        .data
        .users
        .iter()
        .filter(|u| u.role == Role::Technician)
        .map(|u| (u.login.clone(), u.group_id.clone()))
        .collect();
    let (assignee, tech_group) = technicians
        .iter()
        .find(|(_, g)| new.group_id.as_deref() == Some(g.as_str()))
        .or_else(|| technicians.first())
        .cloned()
        .or_else(|| world.data.users.first().map(|u| (u.login.clone(), u.group_id.clone())))
        .unwrap_or_else(|| (new.requester.clone(), String::new()));
    let unit_id = world.user(&new.requester).map(|u| u.unit_id).or_else(|| world.data.units.first().map(|u| u.id));
    let unit_id = unit_id.unwrap_or(0);
    let (latitude, longitude) = world.unit_positions.get(&unit_id).copied().unwrap_or((0.0, 0.0));
    let number = match new.number {
        Some(n) => world.allocate_number_at(n),
        None => world.allocate_number(),
    };
    let task_id = world.allocate_task_id();
    let incident = new.kind == "I";
    let ticket = Ticket {
        number,
        number_origin: Some(new.number_origin),
        mobile_type: if incident { 4 } else { 5 },
        kind: new.kind,
        description: new.description,
        requester: new.requester,
        contact: new.contact,
        service_code: new.service_code,
        contract_id: new.contract_id,
        unit_id,
        urgency: new.urgency,
        impact: new.impact,
        group_id: new.group_id.unwrap_or(tech_group),
        status: "EmAndamento".into(),
        created_at: new.created_at,
        latitude,
        longitude,
        tasks: vec![Task {
            task_id,
            name: if incident { "Atender incidente".into() } else { "Atender solicitação".into() },
            kind: TaskKind::Execution,
            state: TaskState::Available,
            assignee,
            sla_minutes: 480,
            priority_order: None,
        }],
    };
    world.tickets.insert(number, ticket.clone());
    world.originals.insert(number, ticket.clone());
    let creation = OccurrenceInput {
        number_origin: None,
        description: "Registro da solicitação".into(),
        date: iso(new.created_at),
        hour: hhmm(new.created_at),
        category: "Criacao".into(),
        reason: None,
        user: actor.to_string(),
    };
    add_occurrence(world, number, creation);
    ticket
}

/// `0930` for 09:30 UTC.
fn hhmm(ms: i64) -> String {
    let text = iso(ms);
    format!("{}{}", text.get(11..13).unwrap_or("00"), text.get(14..16).unwrap_or("00"))
}

pub(super) struct OccurrenceInput {
    pub number_origin: Option<String>,
    pub description: String,
    pub date: String,
    pub hour: String,
    pub category: String,
    pub reason: Option<String>,
    pub user: String,
}

/// Appends an occurrence to request `number` (which must exist) and records the change; returns
/// the occurrence as the API shows it.
pub(super) fn add_occurrence(world: &mut World, number: i64, input: OccurrenceInput) -> Value {
    let (origin, task) = match world.tickets.get(&number) {
        Some(ticket) => (ticket.number_origin.clone(), occurrence_task(ticket)),
        None => (None, Value::Null),
    };
    let id = world.allocate_occurrence();
    world.version += 1;
    let body = json!({
        "number": id.to_string(),
        "numberOrigin": input.number_origin,
        "description": input.description,
        "date": input.date,
        "hour": input.hour,
        "origin": "OUTROS",
        "category": input.category,
        "userID": input.user,
        "elapsedTime": null,
        "reason": input.reason,
        "task": task,
        "requestNumber": number.to_string(),
        "requestNumberOrigin": origin,
        "request": null,
    });
    let version = world.version;
    world.occurrences.push(Occurrence { number: id, request_number: number, body: body.clone(), version });
    world.touch(number);
    body
}

/// The task an occurrence is logged against: the request's current (first open) task.
fn occurrence_task(ticket: &Ticket) -> Value {
    match ticket.tasks.iter().find(|k| is_open(k)) {
        Some(task) => json!({
            "number": task.task_id.to_string(),
            "name": task.name,
            "startDateTime": iso(ticket.created_at),
            "endDateTime": null,
            "status": {"code": format!("{:?}", task.state), "name": format!("{:?}", task.state)},
            "userId": task.assignee,
        }),
        None => Value::Null,
    }
}

/// The `synced` topic of one occurrence, per caller.
pub(super) fn occurrence_topic(number: i64) -> String {
    format!("occurrence:{number}")
}

fn request_topic(number: i64) -> String {
    format!("request:{number}")
}

/// How a request is named in a call: its CITSmart number or the source system's number.
pub(super) enum Lookup {
    Number(i64),
    Origin(String),
}

impl Lookup {
    /// Reads `number_field` (string of digits or integer) or else `origin_field`; neither → INPUT.
    pub(super) fn read(body: &Value, number_field: &str, origin_field: &str) -> Result<Lookup, Reply> {
        if let Some(text) = input::text_or_int(body, number_field)?.filter(|t| !t.trim().is_empty()) {
            return text.trim().parse::<i64>().map(Lookup::Number).map_err(|_| {
                Reply::wrong_type(format!("Field '{number_field}' must be a request number (digits), got \"{text}\""))
            });
        }
        match input::text_or_int(body, origin_field)?.filter(|t| !t.trim().is_empty()) {
            Some(origin) => Ok(Lookup::Origin(origin)),
            None => {
                Err(Reply::input(format!("Número da solicitação não informado ({number_field} ou {origin_field})")))
            }
        }
    }
}

/// The ticket a lookup names, in `tickets` (the live ones, or the originals for the stale fault).
pub(super) fn find_ticket<'a>(tickets: &'a BTreeMap<i64, Ticket>, lookup: &Lookup) -> Result<&'a Ticket, Reply> {
    match lookup {
        Lookup::Number(n) => tickets.get(n).ok_or_else(|| Reply::input(format!("Solicitação {n} não encontrada"))),
        Lookup::Origin(origin) => tickets
            .values()
            .find(|t| t.number_origin.as_deref() == Some(origin.as_str()))
            .ok_or_else(|| Reply::input(format!("Solicitação de origem {origin} não encontrada"))),
    }
}

fn find_number(world: &World, lookup: &Lookup) -> Result<i64, Reply> {
    find_ticket(&world.tickets, lookup).map(|t| t.number)
}

/// A request date (D-DATES-IN): epoch ms or an ISO-8601 string; anything else → INPUT.
pub(super) fn parse_date(body: &Value, field: &str) -> Result<Option<i64>, Reply> {
    let bad = |v: &Value| Reply::wrong_type(format!("Field '{field}' must be a date (epoch ms or ISO-8601), got {v}"));
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v @ Value::Number(_)) => v.as_i64().map(Some).ok_or_else(|| bad(v)),
        Some(v @ Value::String(s)) => crate::time::parse_iso(s).map(Some).ok_or_else(|| bad(v)),
        Some(v) => Err(bad(v)),
    }
}

/// Lower-cased names from a list filter: an array of strings or of objects with a code (or one of
/// `keys`), or one comma-separated string (D-TYPES-8X: the shapes are not public).
fn name_list(value: Option<&Value>, keys: &[&str]) -> Vec<String> {
    let name_of = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Object(o) => keys.iter().find_map(|k| match o.get(*k) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            }),
            _ => None,
        }
    };
    let names: Vec<String> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(name_of).collect(),
        Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
        Some(other) => name_of(other).into_iter().collect(),
        None => Vec::new(),
    };
    names.into_iter().map(|n| normalize(&n)).filter(|n| !n.is_empty()).collect()
}

/// Lower case without spaces, so `Em Andamento` matches `EmAndamento`.
fn normalize(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// The categories of `categoryList` (codes, or objects with a code).
pub(super) fn category_filter(value: Option<&Value>) -> Vec<String> {
    name_list(value, &["code", "name"])
}

pub(super) fn category_matches(filter: &[String], occurrence: &Value) -> bool {
    filter.is_empty()
        || occurrence.get("category").and_then(Value::as_str).is_some_and(|c| filter.contains(&normalize(c)))
}

// ---------------------------------------------------------------------------------------------
// Field readers of the request bodies.

fn priority(body: &Value, field: &str) -> Result<Option<String>, Reply> {
    match input::string(body, field)?.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(p) if matches!(p.as_str(), "H" | "M" | "L") => Ok(Some(p)),
        Some(p) => Err(Reply::input(format!("Field '{field}' must be H, M or L, got \"{p}\""))),
    }
}

fn request_type(body: &Value, field: &str) -> Result<Option<String>, Reply> {
    match input::string(body, field)?.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(t) if t == "I" || t == "R" => Ok(Some(t)),
        Some(t) => Err(Reply::input(format!("Tipo da solicitação inválido: '{field}' must be I or R, got \"{t}\""))),
    }
}

/// An optional id sent as a string of digits or an integer.
fn id_field(body: &Value, field: &str) -> Result<Option<i64>, Reply> {
    match input::text_or_int(body, field)?.filter(|t| !t.trim().is_empty()) {
        None => Ok(None),
        Some(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Reply::wrong_type(format!("Field '{field}' must be an integer id, got \"{text}\""))),
    }
}

/// The `service.code` of an optional service object.
fn service_code(body: &Value) -> Result<Option<i64>, Reply> {
    match input::object(body, "service")? {
        Some(service) => id_field(service, "code"),
        None => Ok(None),
    }
}

/// Contact fields sent (each optional).
struct ContactUpdate {
    name: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    department: Option<String>,
}

fn contact_update(body: &Value) -> Result<Option<ContactUpdate>, Reply> {
    let Some(contact) = input::object(body, "contact")? else { return Ok(None) };
    Ok(Some(ContactUpdate {
        name: input::string(contact, "name")?,
        phone_number: input::string(contact, "phoneNumber")?,
        email: input::string(contact, "email")?,
        department: input::string(contact, "department")?,
    }))
}

impl ContactUpdate {
    fn apply(self, contact: &mut ContactInfo) {
        if let Some(name) = self.name {
            contact.name = name;
        }
        if self.phone_number.is_some() {
            contact.phone_number = self.phone_number;
        }
        if self.email.is_some() {
            contact.email = self.email;
        }
        if self.department.is_some() {
            contact.department = self.department;
        }
    }
}

fn check_service(world: &World, code: i64) -> Result<(), Reply> {
    if world.data.services.iter().any(|s| s.code == code) {
        Ok(())
    } else {
        Err(Reply::input(format!("Serviço {code} não encontrado")))
    }
}

fn check_contract(world: &World, id: i64) -> Result<(), Reply> {
    if world.data.contracts.iter().any(|c| c.id == id) {
        Ok(())
    } else {
        Err(Reply::input(format!("Contrato {id} não encontrado")))
    }
}

fn check_user(world: &World, login: &str) -> Result<(), Reply> {
    world.user(login).map(|_| ()).ok_or_else(|| Reply::input(format!("Usuário {login} não encontrado")))
}

fn request_reply(world: &World, number: i64) -> Reply {
    match world.tickets.get(&number) {
        Some(ticket) => Reply::ok(json!({ "request": world.ct_request(ticket) })),
        None => Reply::input(format!("Solicitação {number} não encontrada")),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

/// Creates a request from `sourceRequest` (D-REQUEST-CREATE); numberOrigin must be new.
fn create(ctx: &Ctx<'_>, body: &Value) -> Reply {
    answer(create_request(ctx, body))
}

fn create_request(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let synchronize = input::boolean(body, "synchronize")?.unwrap_or(false);
    let source = input::object(body, "sourceRequest")?
        .ok_or_else(|| missing("Solicitação de origem não informada", "sourceRequest"))?;
    let number_origin = input::text_or_int(source, "numberOrigin")?
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| missing("Número de origem não informado", "sourceRequest.numberOrigin"))?;
    let kind = request_type(source, "type")?
        .ok_or_else(|| missing("Tipo da solicitação não informado", "sourceRequest.type"))?;
    let description = input::req_string(source, "description", "Descrição não informada (sourceRequest.description)")?;
    let user_id = input::req_string(source, "userID", "Solicitante não informado (sourceRequest.userID)")?;
    let contact = contact_update(source)?;
    let contract = id_field(source, "contractID")?;
    let service = service_code(source)?;
    let urgency = priority(source, "urgency")?.unwrap_or_else(|| "M".into());
    let impact = priority(source, "impact")?.unwrap_or_else(|| "M".into());
    let group_id = input::string(source, "groupId")?.filter(|g| !g.trim().is_empty());

    let now = ctx.state.now_ms();
    let mut world = ctx.state.world.lock();
    if world.tickets.values().any(|t| t.number_origin.as_deref() == Some(number_origin.as_str())) {
        return Err(Reply::input(format!("Solicitação de origem {number_origin} já cadastrada")));
    }
    check_user(&world, &user_id)?;
    if let Some(id) = contract {
        check_contract(&world, id)?;
    }
    if let Some(code) = service {
        check_service(&world, code)?;
    }
    let user_contracts = world.user(&user_id).map(|u| u.contract_ids.clone()).unwrap_or_default();
    // Without a service, the first one of the contract (or of the requester's contracts) is used,
    // as the real product falls back to the default service of the integration.
    let service_def = match service {
        Some(code) => world.data.services.iter().find(|s| s.code == code),
        None => world
            .data
            .services
            .iter()
            .find(|s| contract.map_or(user_contracts.contains(&s.contract_id), |c| s.contract_id == c))
            .or_else(|| world.data.services.first()),
    };
    let (service_code, service_contract) = service_def.map_or((0, None), |s| (s.code, Some(s.contract_id)));
    let contract_id = contract.or(service_contract).or_else(|| world.data.contracts.first().map(|c| c.id)).unwrap_or(0);
    let mut contact_info = ContactInfo {
        name: world.user(&user_id).map(|u| u.name.clone()).unwrap_or_default(),
        ..ContactInfo::default()
    };
    if let Some(update) = contact {
        update.apply(&mut contact_info);
    }
    let new = NewTicket {
        number_origin: number_origin.clone(),
        kind,
        description,
        requester: user_id,
        contact: contact_info,
        service_code,
        contract_id,
        urgency,
        impact,
        group_id,
        created_at: now,
        number: ctx.number,
    };
    let ticket = insert_ticket(&mut world, new, ctx.user());
    if synchronize {
        // synchronize true also keeps the DE-PARA entry of the request (facts §2.32).
        world.sync.retain(|m| !(m.object == "request" && m.from_key == number_origin));
        world.sync.push(SyncMapping {
            object: "request".into(),
            from_key: number_origin,
            to_key: ticket.number.to_string(),
        });
    }
    Ok(Reply::ok(json!({ "request": world.ct_request(&ticket) })))
}

/// The request by number or numberOrigin; the `stale-get-by-id` fault answers it as created.
fn get_by_id(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let lookup = match Lookup::read(body, "number", "numberOrigin") {
        Ok(lookup) => lookup,
        Err(reply) => return reply,
    };
    let world = ctx.state.world.lock();
    let tickets = if ctx.fault(FaultKind::StaleGetById) { &world.originals } else { &world.tickets };
    match find_ticket(tickets, &lookup) {
        Ok(ticket) => Reply::ok(json!({ "request": world.ct_request(ticket) })),
        Err(reply) => reply,
    }
}

/// Changes the fields sent in `request` (facts §2.38): description, type, requester, contact,
/// service, contract, urgency, impact, group.
fn update(ctx: &Ctx<'_>, body: &Value) -> Reply {
    answer(update_request(ctx, body))
}

fn update_request(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    input::boolean(body, "synchronize")?;
    let request = input::object(body, "request")?.ok_or_else(|| missing("Solicitação não informada", "request"))?;
    let lookup = Lookup::read(request, "number", "numberOrigin")?;
    let description = input::string(request, "description")?.filter(|d| !d.trim().is_empty());
    let kind = request_type(request, "type")?;
    let user_id = input::string(request, "userID")?.filter(|u| !u.trim().is_empty());
    let contact = contact_update(request)?;
    let service = service_code(request)?;
    let contract = id_field(request, "contractID")?;
    let urgency = priority(request, "urgency")?;
    let impact = priority(request, "impact")?;
    let group_id = input::string(request, "groupId")?.filter(|g| !g.trim().is_empty());

    let mut world = ctx.state.world.lock();
    let number = find_number(&world, &lookup)?;
    if let Some(login) = &user_id {
        check_user(&world, login)?;
    }
    if let Some(code) = service {
        check_service(&world, code)?;
    }
    if let Some(id) = contract {
        check_contract(&world, id)?;
    }
    // The fault changes a copy: the answer shows the update, the world keeps the old request.
    let mut copy = ctx.fault(FaultKind::WriteNotPersisted).then(|| world.tickets.get(&number).cloned()).flatten();
    let target = match copy.as_mut() {
        Some(ticket) => Some(ticket),
        None => world.tickets.get_mut(&number),
    };
    if let Some(ticket) = target {
        if let Some(d) = description {
            ticket.description = d;
        }
        if let Some(k) = kind {
            ticket.mobile_type = if k == "I" { 4 } else { 5 };
            ticket.kind = k;
        }
        if let Some(u) = user_id {
            ticket.requester = u;
        }
        if let Some(c) = contact {
            c.apply(&mut ticket.contact);
        }
        if let Some(code) = service {
            ticket.service_code = code;
        }
        if let Some(id) = contract {
            ticket.contract_id = id;
        }
        if let Some(u) = urgency {
            ticket.urgency = u;
        }
        if let Some(i) = impact {
            ticket.impact = i;
        }
        if let Some(g) = group_id {
            ticket.group_id = g;
        }
    }
    if let Some(ticket) = copy {
        return Ok(Reply::ok(json!({ "request": world.ct_request(&ticket) })));
    }
    world.touch(number);
    Ok(request_reply(&world, number))
}

/// Sets the request's status to one of the documented codes (compared ignoring case and spaces).
fn update_status(ctx: &Ctx<'_>, body: &Value) -> Reply {
    answer(update_request_status(ctx, body))
}

fn update_request_status(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let lookup = Lookup::read(body, "number", "numberOrigin")?;
    let status = input::object(body, "status")?.ok_or_else(|| missing("Situação não informada", "status"))?;
    let code = input::req_string(status, "code", "Situação não informada (status.code)")?;
    input::string(status, "details")?;
    let Some(canonical) = STATUS_CODES.iter().find(|c| normalize(c) == normalize(&code)) else {
        return Err(Reply::input(format!("Situação '{code}' inválida; use one of {}", STATUS_CODES.join(", "))));
    };
    let mut world = ctx.state.world.lock();
    let number = find_number(&world, &lookup)?;
    if ctx.fault(FaultKind::StatusNotPersisted) {
        // Answers the new status from a copy; the stored request keeps the old one.
        let mut copy = world.tickets.get(&number).cloned();
        if let Some(ticket) = copy.as_mut() {
            ticket.status = (*canonical).to_string();
            return Ok(Reply::ok(json!({ "request": world.ct_request(ticket) })));
        }
    }
    if let Some(ticket) = world.tickets.get_mut(&number) {
        ticket.status = (*canonical).to_string();
    }
    world.touch(number);
    Ok(request_reply(&world, number))
}

/// Adds an occurrence to a request (facts §2.33); its fields are answered at the top level.
fn create_occurrence(ctx: &Ctx<'_>, body: &Value) -> Reply {
    answer(create_request_occurrence(ctx, body))
}

fn create_request_occurrence(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let lookup = Lookup::read(body, "requestNumber", "requestNumberOrigin")?;
    let occurrence =
        input::object(body, "occurrence")?.ok_or_else(|| missing("Ocorrência não informada", "occurrence"))?;
    let description =
        input::req_string(occurrence, "description", "Descrição da ocorrência não informada (occurrence.description)")?;
    let number_origin = input::string(occurrence, "numberOrigin")?;
    let now = ctx.state.now_ms();
    // The date is echoed as sent when it is a string (validated), as ISO-8601 when epoch ms.
    let date = match occurrence.get("date") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            parse_date(occurrence, "date")?;
            s.clone()
        }
        _ => iso(parse_date(occurrence, "date")?.unwrap_or(now)),
    };
    let hour = input::string(occurrence, "hour")?.filter(|h| !h.trim().is_empty()).unwrap_or_else(|| hhmm(now));
    let category = match occurrence.get("category") {
        None | Some(Value::Null) => "Acompanhamento".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(c @ Value::Object(_)) => input::string(c, "code")?.unwrap_or_else(|| "Acompanhamento".into()),
        Some(other) => {
            return Err(Reply::wrong_type(format!(
                "Field 'occurrence.category' must be a code or {{code}}, got {other}"
            )))
        }
    };
    let reason = input::string(occurrence, "reason")?;
    let mut world = ctx.state.world.lock();
    let number = find_number(&world, &lookup)?;
    let input =
        OccurrenceInput { number_origin, description, date, hour, category, reason, user: ctx.user().to_string() };
    let occurrence = add_occurrence(&mut world, number, input);
    if ctx.fault(FaultKind::OccurrenceNotListed) {
        // Answered, then lost: the log no longer has it.
        world.occurrences.pop();
    }
    Ok(Reply::ok(occurrence))
}

/// The occurrences of a request, oldest first, optionally of some categories.
fn list_occurrences(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let lookup = match Lookup::read(body, "requestNumber", "requestNumberOrigin") {
        Ok(lookup) => lookup,
        Err(reply) => return reply,
    };
    let categories = category_filter(body.get("categoryList"));
    let world = ctx.state.world.lock();
    let number = match find_number(&world, &lookup) {
        Ok(number) => number,
        Err(reply) => return reply,
    };
    let logs: Vec<Value> = world
        .occurrences
        .iter()
        .filter(|o| o.request_number == number && category_matches(&categories, &o.body))
        .map(|o| o.body.clone())
        .collect();
    Reply::ok(json!({"amount": logs.len(), "logs": logs}))
}

/// The filters of getByUser/getNotSynchronized (facts §2.35); every one is optional.
struct ListFilter {
    user: Option<String>,
    description: Option<String>,
    start: Option<i64>,
    end: Option<i64>,
    service: Option<i64>,
    contract: Option<i64>,
    status: Option<String>,
    contracts: Vec<String>,
    statuses: Vec<String>,
    groups: Vec<String>,
    all_attributes: bool,
}

impl ListFilter {
    fn read(body: &Value, user: Option<String>) -> Result<ListFilter, Reply> {
        let status = match input::object(body, "status")? {
            Some(s) => input::string(s, "code")?.map(|c| normalize(&c)).filter(|c| !c.is_empty()),
            None => None,
        };
        let all_attributes = match body.get("allAttributes") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "s" | "1"),
            Some(Value::Number(n)) => n.as_i64() == Some(1),
            _ => false,
        };
        Ok(ListFilter {
            user,
            description: input::string(body, "description")?.map(|d| d.to_lowercase()).filter(|d| !d.trim().is_empty()),
            start: parse_date(body, "startDate")?,
            end: parse_date(body, "endDate")?,
            service: service_code(body)?,
            contract: id_field(body, "contractID")?,
            status,
            contracts: name_list(body.get("contractList"), &["id", "contractID", "code"]),
            statuses: name_list(body.get("statusList"), &["code", "name"]),
            groups: name_list(body.get("groupList"), &["code", "groupId", "sigla", "name"]),
            all_attributes,
        })
    }

    fn matches(&self, t: &Ticket) -> bool {
        self.user.as_ref().is_none_or(|u| u.eq_ignore_ascii_case(&t.requester))
            && self.description.as_ref().is_none_or(|d| t.description.to_lowercase().contains(d.as_str()))
            && self.start.is_none_or(|s| t.created_at >= s)
            && self.end.is_none_or(|e| t.created_at <= e)
            && self.service.is_none_or(|s| t.service_code == s)
            && self.contract.is_none_or(|c| t.contract_id == c)
            && self.status.as_ref().is_none_or(|s| normalize(&t.status) == *s)
            && (self.contracts.is_empty() || self.contracts.contains(&t.contract_id.to_string()))
            && (self.statuses.is_empty() || self.statuses.contains(&normalize(&t.status)))
            && (self.groups.is_empty() || self.groups.contains(&normalize(&t.group_id)))
    }

    /// The whole request with allAttributes, else the list fields the docs show (facts §2.35).
    fn item(&self, world: &World, t: &Ticket) -> Value {
        let full = world.ct_request(t);
        if self.all_attributes {
            return full;
        }
        let keys = [
            "number",
            "numberOrigin",
            "type",
            "description",
            "userID",
            "urgency",
            "impact",
            "groupId",
            "startDateTime",
            "startSLA",
            "endSLA",
            "status",
        ];
        let map = keys.iter().filter_map(|k| full.get(*k).map(|v| ((*k).to_string(), v.clone()))).collect();
        Value::Object(map)
    }
}

/// The requests of a requester, newest first.
fn get_by_user(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let filter = input::req_string(body, "userID", "Usuário não informado (userID)")
        .and_then(|user| ListFilter::read(body, Some(user)));
    let filter = match filter {
        Ok(filter) => filter,
        Err(reply) => return reply,
    };
    let world = ctx.state.world.lock();
    let requests: Vec<Value> =
        world.tickets.values().rev().filter(|t| filter.matches(t)).map(|t| filter.item(&world, t)).collect();
    Reply::ok(json!({"amount": requests.len(), "requests": requests}))
}

/// The requests changed since the caller last synchronized them (oldest first); `synchronize`
/// true records them as synchronized at their current version.
fn get_not_synchronized(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let parsed = input::boolean(body, "synchronize").and_then(|mark| {
        let user = input::string(body, "userID")?.filter(|u| !u.trim().is_empty());
        Ok((mark.unwrap_or(false), ListFilter::read(body, user)?))
    });
    let (mark, filter) = match parsed {
        Ok(parsed) => parsed,
        Err(reply) => return reply,
    };
    let login = ctx.user().to_string();
    let mut world = ctx.state.world.lock();
    let pending: Vec<(i64, u64)> = world
        .tickets
        .values()
        .filter(|t| filter.matches(t))
        .filter_map(|t| {
            let version = world.ticket_versions.get(&t.number).copied().unwrap_or(0);
            let synced = world.synced.get(&(login.clone(), request_topic(t.number))).copied().unwrap_or(0);
            (version > synced).then_some((t.number, version))
        })
        .collect();
    let requests: Vec<Value> =
        pending.iter().filter_map(|(n, _)| world.tickets.get(n)).map(|t| filter.item(&world, t)).collect();
    if mark {
        for (number, version) in pending {
            world.synced.insert((login.clone(), request_topic(number)), version);
        }
    }
    Reply::ok(json!({"amount": requests.len(), "requests": requests}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_match_ignoring_case_and_spaces() {
        assert_eq!(normalize("Em Andamento"), normalize("EmAndamento"));
        assert_eq!(hhmm(1_377_618_517_123), "1548");
    }
}
