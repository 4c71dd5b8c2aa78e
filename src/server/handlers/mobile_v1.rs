//! `/mobile/notification/*` (v1): getByUser, getById, feedback, getReasons, new. The list query
//! and detail helpers are shared with the v2 module, as v2's classes extend v1's.

use serde_json::{json, Map, Value};

use crate::server::context::{Ctx, Handler};
use crate::server::data::{ContactInfo, Task, TaskKind, TaskState, Ticket};
use crate::server::faults::FaultKind;
use crate::server::freedom_apply;
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::reply::Reply;
use crate::server::world::{date_ddmmyyyy, status_name, World};

pub fn handler_for(path: &str) -> Option<Handler> {
    let handler: Handler = match path {
        "/mobile/notification/getByUser" => |c, b| done(get_by_user(c, b)),
        "/mobile/notification/getById" => |c, b| done(get_by_id(c, b)),
        "/mobile/notification/feedback" => |c, b| done(feedback(c, b)),
        "/mobile/notification/getReasons" => |c, b| done(get_reasons(c, b)),
        "/mobile/notification/new" => |c, b| done(new_request(c, b)),
        _ => return None,
    };
    Some(handler)
}

/// Handlers are written with `?`; an early `Err` is the failure reply.
pub(super) fn done(result: Result<Reply, Reply>) -> Reply {
    result.unwrap_or_else(|reply| reply)
}

/// The real product's texts (facts §2.1-2.5, §2.20).
pub(super) const TASK_ID_MISSING: &str = "Task id not informed";
pub(super) const TYPE_INVALID: &str = "At least one request type must be selected";
const DESCRIPTION_MISSING: &str = "Description of the service request Unknown";
const RATIONALE_UNKNOWN: &str = "Rationale Unknown";
const ALREADY_DECIDED: &str = "The task has been approved or not approved in";
/// 7.x's answer to an empty v1 list (facts §2.3, key `rest.service.mobile.mandatory.fields.are.empty`).
const EMPTY_LIST: &str = "Required fields are as empty or null";

/// v1's system URL: parameter + context with `//` collapsed, hence `http:/` (facts §2.2). The
/// reference has no configured public URL, so it names the loopback host.
pub(super) const SITE: &str = "http:/localhost/citsmart";

/// At most this many items in v1 getByUser (facts §2.3).
const V1_LIST_LIMIT: usize = 200;

/// The nine fields of the v1 `CtNotification` (the v2 extras are not part of the v1 class).
const V1_ITEM_FIELDS: [&str; 9] =
    ["number", "taskId", "type", "date", "endSLA", "timeFlag", "task", "service", "waiting"];

/// `notificationType` and `onlyApproval` of the list queries (specs/defs/mobile.json).
#[derive(Debug, Clone, Copy)]
pub(super) struct ListQuery {
    /// 0 = every type, 1..5 = that `mobile_type`.
    pub notification_type: i64,
    pub only_approval: bool,
    /// The `type-filter-ignored` fault: every type is listed whatever `notification_type` says.
    pub any_type: bool,
}

impl ListQuery {
    pub fn read(ctx: &Ctx<'_>, body: &Value) -> Result<ListQuery, Reply> {
        let mut query = Self::parse(body)?;
        query.any_type = ctx.fault(FaultKind::TypeFilterIgnored);
        Ok(query)
    }

    fn parse(body: &Value) -> Result<ListQuery, Reply> {
        let notification_type = input::int(body, "notificationType")?
            .ok_or_else(|| Reply::input("Field 'notificationType' not informed"))?;
        if !(0..=5).contains(&notification_type) {
            return Err(Reply::input(TYPE_INVALID));
        }
        let only_approval =
            input::flag(body, "onlyApproval")?.ok_or_else(|| Reply::input("Field 'onlyApproval' not informed"))?;
        Ok(ListQuery { notification_type, only_approval: only_approval == 1, any_type: false })
    }

    pub fn matches(&self, ticket: &Ticket, task: &Task) -> bool {
        let type_ok = self.any_type || self.notification_type == 0 || ticket.mobile_type == self.notification_type;
        let approval_ok = !self.only_approval || awaits_approval(task);
        type_ok && approval_ok
    }
}

pub(super) fn awaits_approval(task: &Task) -> bool {
    task.kind == TaskKind::Approval && task.state == TaskState::AwaitingApproval
}

/// The user's open tasks that `query` selects, newest request first.
pub(super) fn listed<'a>(
    world: &'a World,
    login: &'a str,
    query: ListQuery,
) -> impl Iterator<Item = (&'a Ticket, &'a Task)> + 'a {
    world.tasks_of(login).filter(move |(ticket, task)| query.matches(ticket, task))
}

/// The items of a mobile list in the order the list answers them: the reference's (newest request
/// first), or the one a freedom chooses (`freedom_apply::list_key`).
pub(super) fn ordered<'a>(
    ctx: &Ctx<'_>,
    items: impl Iterator<Item = (&'a Ticket, &'a Task)>,
) -> Vec<(&'a Ticket, &'a Task)> {
    let mut items: Vec<(&Ticket, &Task)> = items.collect();
    let freedoms = &ctx.state.freedoms;
    if freedom_apply::reorders(freedoms) {
        items.sort_by_key(|(ticket, task)| freedom_apply::list_key(freedoms, ticket.number, task.task_id));
    }
    items
}

/// Task status as the product describes it.
pub(super) fn task_status_text(state: TaskState) -> &'static str {
    match state {
        TaskState::Available => "Disponível",
        TaskState::AwaitingApproval => "Aguardando aprovação",
        TaskState::InCheckin => "Em execução",
        TaskState::Suspended => "Suspensa",
        TaskState::Late => "Atrasada",
        TaskState::Approved => "Aprovada",
        TaskState::Rejected => "Reprovada",
        TaskState::Done => "Concluída",
    }
}

/// A required task id, or 412 INPUT "Task id not informed".
pub(super) fn task_id(body: &Value) -> Result<i64, Reply> {
    input::req_int(body, "taskId", TASK_ID_MISSING)
}

/// Any task by id; an unknown id is an operation failure (7.x: INTERNAL, facts §3.3).
pub(super) fn task_or_fail(world: &World, task_id: i64) -> Result<(&Ticket, &Task), Reply> {
    world
        .find_task(task_id)
        .and_then(|(ticket, i)| ticket.tasks.get(i).map(|task| (ticket, task)))
        .ok_or_else(|| Reply::fail("INTERNAL", format!("Task {task_id} not found")))
}

fn v1_item(full: Value) -> Value {
    let Value::Object(map) = full else {
        return full;
    };
    let kept: Map<String, Value> = map.into_iter().filter(|(k, _)| V1_ITEM_FIELDS.contains(&k.as_str())).collect();
    Value::Object(kept)
}

fn get_by_user(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let query = ListQuery::read(ctx, body)?;
    let world = ctx.state.world.lock();
    let items: Vec<Value> = ordered(ctx, listed(&world, ctx.user(), query))
        .into_iter()
        .take(V1_LIST_LIMIT)
        .map(|(ticket, task)| v1_item(world.notification_item(ticket, task)))
        .collect();
    // An empty list is answered 200 (D-V1-EMPTY accepts it); `v1-empty-412` answers 7.x's quirk.
    if items.is_empty() && ctx.freedom(FreedomKind::V1Empty412) {
        return Err(Reply::input(EMPTY_LIST));
    }
    Ok(Reply::fields([("amount", Value::from(items.len())), ("notifications", Value::Array(items))]))
}

fn get_by_id(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    let world = ctx.state.world.lock();
    let (ticket, task) = task_or_fail(&world, task_id)?;
    let item = world.notification_item(ticket, task);
    let notification = json!({
        "number": ticket.number,
        "taskId": task.task_id,
        "type": ticket.mobile_type,
        "date": date_ddmmyyyy(ticket.created_at),
        // The 7.x v1 getById leaves endSLA unset (facts §2.2).
        "endSLA": null,
        "timeFlag": item.get("timeFlag").cloned().unwrap_or(Value::Null),
        "task": task.name,
        "service": world.service_name(ticket.service_code),
        "waiting": item.get("waiting").cloned().unwrap_or(Value::from(0)),
        "description": ticket.description,
        "status": status_name(&ticket.status),
        "taskStatus": task_status_text(task.state),
    });
    Ok(Reply::ok(json!({"site": SITE, "notification": notification})))
}

fn feedback(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    let decision = input::req_int(body, "feedback", "Field 'feedback' not informed")?;
    if !(0..=1).contains(&decision) {
        return Err(Reply::input("Field 'feedback' must be 0 (reject) or 1 (approve)"));
    }
    let reason_id = input::int(body, "reasonId")?;
    input::string(body, "comments")?;
    let mut world = ctx.state.world.lock();
    let (ticket, task) = task_or_fail(&world, task_id)?;
    let number = ticket.number;
    if task.assignee != ctx.user() {
        return Err(Reply::input(format!("Task {task_id} is not assigned to the user")));
    }
    // The fault decides a decided task again.
    let redecide =
        matches!(task.state, TaskState::Approved | TaskState::Rejected) && ctx.fault(FaultKind::FeedbackTwice);
    if !(awaits_approval(task) || redecide) {
        return Err(Reply::input(ALREADY_DECIDED));
    }
    if decision == 0 {
        // A rejection needs one of getReasons' reasons (facts §2.1: 0 → "Rationale Unknown").
        let known = reason_id.is_some_and(|id| id != 0 && world.data.approval_reasons.iter().any(|r| r.id == id));
        if !known {
            return Err(Reply::input(RATIONALE_UNKNOWN));
        }
    }
    if let Some((ticket, i)) = world.find_task_mut(task_id) {
        if let Some(task) = ticket.tasks.get_mut(i) {
            task.state = if decision == 1 { TaskState::Approved } else { TaskState::Rejected };
        }
    }
    world.touch(number);
    Ok(Reply::empty())
}

fn get_reasons(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    let world = ctx.state.world.lock();
    task_or_fail(&world, task_id)?;
    let reasons: Vec<Value> =
        world.data.approval_reasons.iter().map(|r| json!({"id": r.id, "desc": r.description})).collect();
    Ok(Reply::ok(json!({"amount": reasons.len(), "reasons": reasons})))
}

/// Opens a request for the session user with the defaults of their contract, and gives them its
/// execution task, so that their getByUser lists it (MV1-NEW-004).
fn new_request(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let description = input::req_string(body, "description", DESCRIPTION_MISSING)?;
    let (latitude, longitude) = if ctx.fault(FaultKind::WrongTypeStored) {
        (input::float_any(body, "latitude"), input::float_any(body, "longitude"))
    } else {
        (input::float(body, "latitude")?, input::float(body, "longitude")?)
    };
    if let (Some(lat), Some(lon)) = (latitude, longitude) {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(Reply::fail("PARAM", "Latitude and/or longitude are not valid values"));
        }
    }
    let now = ctx.state.now_ms();
    let mut world = ctx.state.world.lock();
    let user = world.user(ctx.user()).cloned().ok_or_else(|| Reply::fail("PARAM", "Unknown user"))?;
    let contract_id = user
        .contract_ids
        .iter()
        .copied()
        .find(|id| world.data.contracts.iter().any(|c| c.id == *id))
        .or_else(|| world.data.contracts.first().map(|c| c.id))
        .ok_or_else(|| Reply::fail("PARAM", "Default contract not parameterized"))?;
    let service_code = world
        .data
        .services
        .iter()
        .find(|s| s.contract_id == contract_id)
        .or_else(|| world.data.services.first())
        .map(|s| s.code)
        .ok_or_else(|| Reply::fail("PARAM", "Default service not parameterized"))?;
    let unit = world.data.units.iter().find(|u| u.id == user.unit_id);
    let (unit_lat, unit_lon) = unit.map_or((0.0, 0.0), |u| (u.latitude, u.longitude));
    let number = ctx.new_number(&mut world);
    let task_id = world.allocate_task_id();
    let ticket = Ticket {
        number,
        number_origin: None,
        kind: "R".into(),
        mobile_type: 5,
        description,
        requester: user.login.clone(),
        contact: ContactInfo { name: user.name.clone(), ..ContactInfo::default() },
        service_code,
        contract_id,
        unit_id: user.unit_id,
        urgency: "M".into(),
        impact: "M".into(),
        group_id: user.group_id.clone(),
        status: "EmAndamento".into(),
        created_at: now,
        latitude: latitude.unwrap_or(unit_lat),
        longitude: longitude.unwrap_or(unit_lon),
        tasks: vec![Task {
            task_id,
            name: "Atender solicitação".into(),
            kind: TaskKind::Execution,
            state: TaskState::Available,
            assignee: user.login.clone(),
            sla_minutes: 480,
            priority_order: None,
        }],
    };
    world.originals.insert(number, ticket.clone());
    world.tickets.insert(number, ticket);
    world.touch(number);
    Ok(Reply::ok(json!({ "number": number })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;

    #[test]
    fn list_query_checks_the_type_range() {
        assert!(ListQuery::parse(&json!({"notificationType": 9, "onlyApproval": 0})).is_err());
        assert!(ListQuery::parse(&json!({"onlyApproval": 0})).is_err());
        let q = ListQuery::parse(&json!({"notificationType": 0, "onlyApproval": "S"})).unwrap();
        assert!(q.only_approval);
    }

    #[test]
    fn only_approval_selects_tasks_awaiting_approval() {
        let world = World::new(DataSet::builtin());
        let q = ListQuery { notification_type: 0, only_approval: true, any_type: false };
        let tasks: Vec<_> = listed(&world, "aprovador", q).collect();
        assert!(!tasks.is_empty());
        assert!(tasks.iter().all(|(_, task)| awaits_approval(task)));
        assert_eq!(listed(&world, "tecnico", q).count(), 0);
    }

    #[test]
    fn v1_items_keep_the_nine_fields() {
        let item = v1_item(json!({"number": 1, "taskId": 2, "latitude": 1.0, "waiting": 1}));
        assert_eq!(item, json!({"number": 1, "taskId": 2, "waiting": 1}));
    }
}
