//! `/mobile/v2/notification/*`: the v2 lists (getByUser, getNewest, getOldest, getByCoordinates,
//! update, buscaSolicitacao), getById, the field-service flow (attendRequest → checkin → location →
//! checkout, checkin/denied), getJustificativas and the coordinator endpoints.

use serde_json::{json, Value};

use super::mobile_v1::{done, listed, ordered, task_id, task_or_fail, task_status_text, ListQuery, SITE};
use crate::server::context::{Ctx, Handler};
use crate::server::data::{Task, TaskState, Ticket, User};
use crate::server::faults::FaultKind;
use crate::server::freedom_apply;
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::item_text;
use crate::server::reply::Reply;
use crate::server::world::{end_sla, is_open, status_name, Position, World, STATUSES};
use crate::server::world_cell::WorldGuard;

pub fn handler_for(path: &str) -> Option<Handler> {
    let handler: Handler = match path {
        "/mobile/v2/notification/getByUser" => |c, b| done(get_by_user(c, b)),
        "/mobile/v2/notification/getNewest" => |c, b| done(get_newest(c, b)),
        "/mobile/v2/notification/getOldest" => |c, b| done(get_oldest(c, b)),
        "/mobile/v2/notification/getByCoordinates" => |c, b| done(get_by_coordinates(c, b)),
        "/mobile/v2/notification/update" => |c, b| done(update(c, b)),
        "/mobile/v2/notification/buscaSolicitacao" => |c, b| done(busca_solicitacao(c, b)),
        "/mobile/v2/notification/getById" => |c, b| done(get_by_id(c, b)),
        "/mobile/v2/notification/attendRequest" => |c, b| done(attend_request(c, b)),
        "/mobile/v2/notification/checkin" => |c, b| done(checkin(c, b)),
        "/mobile/v2/notification/checkin/denied" => |c, b| done(checkin_denied(c, b)),
        "/mobile/v2/notification/checkout" => |c, b| done(checkout(c, b)),
        "/mobile/v2/notification/location" => |c, b| done(location(c, b)),
        "/mobile/v2/notification/getJustificativas" => get_justificativas,
        "/mobile/v2/notification/getGruposLiderados" => |c, b| done(get_grupos_liderados(c, b)),
        "/mobile/v2/notification/getEquipeColaborador" => |c, b| done(get_equipe_colaborador(c, b)),
        "/mobile/v2/notification/getColaborador" => |c, b| done(get_colaborador(c, b)),
        "/mobile/v2/notification/atribuicoesEquipesSolicitacoes" => |c, b| done(atribuicoes_equipes(c, b)),
        "/mobile/v2/notification/atualizaInformacoesSolicitacoes" => |c, b| done(atualiza_informacoes(c, b)),
        _ => return None,
    };
    Some(handler)
}

/// `pager.size` when the client sends none (system parameter 257, facts §2.13).
const DEFAULT_PAGE_SIZE: i64 = 10;

// ---------------------------------------------------------------------------------------------
// Request fields

fn req_number(body: &Value, field: &str) -> Result<i64, Reply> {
    input::req_int(body, field, &format!("Field '{field}' not informed"))
}

/// A request date: epoch ms or a date string (D-DATES-IN), kept as sent.
fn req_date(body: &Value, field: &str) -> Result<Value, Reply> {
    match body.get(field) {
        None | Some(Value::Null) => Err(Reply::input(format!("Field '{field}' not informed"))),
        Some(v) if v.is_i64() || v.is_u64() => Ok(v.clone()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Value::from(s.clone())),
        Some(_) => Err(Reply::wrong_type(format!("Field '{field}' must be epoch milliseconds or an ISO-8601 date"))),
    }
}

/// Latitude and longitude, both required.
fn req_position(body: &Value) -> Result<(f64, f64), Reply> {
    Ok((input::req_float(body, "latitude")?, input::req_float(body, "longitude")?))
}

/// `id` of checkin/checkout, which the table lists and the 7.x class lacks (D-V2-GETBYID): the
/// task's id with `table-extras`.
fn table_id(ctx: &Ctx<'_>, fields: &mut serde_json::Map<String, Value>, task_id: i64) {
    if ctx.freedom(FreedomKind::TableExtras) {
        fields.insert("id".into(), Value::from(task_id));
    }
}

// ---------------------------------------------------------------------------------------------
// Lists

fn items<'a>(world: &World, selected: impl Iterator<Item = (&'a Ticket, &'a Task)>) -> Vec<Value> {
    selected.map(|(ticket, task)| world.notification_item(ticket, task)).collect()
}

/// The table's v1-style list (D-V2-GETBYUSER), with the v2 items.
fn get_by_user(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let query = ListQuery::read(ctx, body)?;
    let world = ctx.state.world.lock();
    let selected = ordered(ctx, listed(&world, ctx.user(), query));
    Ok(Reply::OpText(item_text::list_prefix(&world, true, selected.into_iter())))
}

/// Requests newer than the newest the app has (MV2-GETNEWEST-003).
fn get_newest(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let query = ListQuery::read(ctx, body)?;
    let newest = req_number(body, "newestNumber")?;
    let ignore = ctx.fault(FaultKind::NewestIgnoresNumber);
    let world = ctx.state.world.lock();
    let selected = ordered(ctx, listed(&world, ctx.user(), query).filter(|(t, _)| ignore || t.number > newest));
    Ok(Reply::OpText(item_text::list_prefix(&world, false, selected.into_iter())))
}

/// Requests older than the oldest the app has (MV2-GETOLDEST-003).
fn get_oldest(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let query = ListQuery::read(ctx, body)?;
    let oldest = req_number(body, "oldestNumber")?;
    let ignore = ctx.fault(FaultKind::OldestIgnoresNumber);
    let world = ctx.state.world.lock();
    let selected = ordered(ctx, listed(&world, ctx.user(), query).filter(|(t, _)| ignore || t.number < oldest));
    Ok(Reply::OpText(item_text::list_prefix(&world, false, selected.into_iter())))
}

/// getNewest plus a case-insensitive text search on description, task and service.
fn busca_solicitacao(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let query = ListQuery::read(ctx, body)?;
    let newest = req_number(body, "newestNumber")?;
    let text = input::string(body, "textoBusca")?
        .ok_or_else(|| Reply::input("Field 'textoBusca' not informed"))?
        .to_lowercase();
    let world = ctx.state.world.lock();
    let selected = listed(&world, ctx.user(), query).filter(|(ticket, task)| {
        let service = world.service_name(ticket.service_code);
        ticket.number > newest
            && [ticket.description.as_str(), task.name.as_str(), service.as_str()]
                .iter()
                .any(|field| field.to_lowercase().contains(&text))
    });
    Ok(Reply::fields([("notifications", Value::Array(items(&world, ordered(ctx, selected).into_iter())))]))
}

/// Great-circle distance in km.
fn distance_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

/// The page `page` (1-based) of `size` items out of `total`: (start, end) indices.
fn page_bounds(page: i64, size: i64, total: usize) -> (usize, usize) {
    let start = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX).min(total);
    let end = start.saturating_add(usize::try_from(size).unwrap_or(usize::MAX)).min(total);
    (start, end)
}

/// Nearest first (or in a freedom's order), paged; `paging` is null on an empty page (D-PAGING).
fn get_by_coordinates(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let query = ListQuery::read(ctx, body)?;
    let origin = req_position(body)?;
    let pager = input::object(body, "pager")?.ok_or_else(|| Reply::input("Field 'pager' not informed"))?;
    let page = input::int(pager, "page")?.unwrap_or(1);
    let size =
        if ctx.fault(FaultKind::WrongTypeStored) { input::int_any(pager, "size") } else { input::int(pager, "size")? };
    let size = size.unwrap_or(DEFAULT_PAGE_SIZE);
    if page < 1 || size < 1 {
        return Err(Reply::input("pager.page and pager.size must be at least 1"));
    }
    let world = ctx.state.world.lock();
    let mut selected: Vec<(f64, &Ticket, &Task)> = listed(&world, ctx.user(), query)
        .map(|(ticket, task)| (distance_km(origin, (ticket.latitude, ticket.longitude)), ticket, task))
        .collect();
    // Ties keep the list order: newest request first, then task id.
    selected.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.number.cmp(&a.1.number)).then(a.2.task_id.cmp(&b.2.task_id)));
    let freedoms = &ctx.state.freedoms;
    if freedom_apply::reorders(freedoms) {
        selected.sort_by_key(|(_, ticket, task)| freedom_apply::list_key(freedoms, ticket.number, task.task_id));
    }
    let total = selected.len();
    let (start, end) = page_bounds(page, size, total);
    let list = items(&world, selected[start..end].iter().map(|(_, ticket, task)| (*ticket, *task)));
    let total_pages = if ctx.fault(FaultKind::PagingRoundedDown) {
        total as u64 / size.unsigned_abs()
    } else {
        (total as u64).div_ceil(size.unsigned_abs())
    };
    // The docs write `size` for `elements`, and an empty page may carry a paging object (D-PAGING).
    let count_key = if ctx.freedom(FreedomKind::PagingSizeKey) { "size" } else { "elements" };
    let paging = if list.is_empty() && !ctx.freedom(FreedomKind::PagingSizeKey) {
        Value::Null
    } else {
        json!({"page": page, count_key: list.len(), "totalPages": total_pages, "totalElements": total})
    };
    Ok(Reply::ok(json!({"paging": paging, "notifications": list})))
}

/// The user's current tasks of one request, with no type or approval filter (MV2-UPDATE-004).
fn update(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let number = req_number(body, "number")?;
    let world = ctx.state.world.lock();
    let selected = ordered(ctx, world.tasks_of(ctx.user()).filter(|(t, _)| t.number == number));
    Ok(Reply::fields([("notifications", Value::Array(items(&world, selected.into_iter())))]))
}

/// The v2 detail (CTNotificationGetById, facts §2.14); `number` and `taskId` are extras.
fn get_by_id(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    let world = ctx.state.world.lock();
    let (ticket, task) = task_or_fail(&world, task_id)?;
    // `site`, which the table lists and AG's v2 class lacks, with `table-extras` (D-V2-GETBYID).
    let site = ctx.freedom(FreedomKind::TableExtras).then_some(SITE);
    let mut reply = json!({
        "notification": {
            "number": ticket.number,
            "taskId": task.task_id,
            "endSLA": end_sla(ticket.created_at, task.sla_minutes),
            "task": task.name,
            "service": world.service_name(ticket.service_code),
            "description": ticket.description,
            "status": status_name(&ticket.status),
            "taskStatus": task_status_text(task.state),
            "timeSLA": task.sla_minutes,
        }
    });
    if let Some(site) = site {
        reply["site"] = Value::from(site);
    }
    Ok(Reply::ok(reply))
}

// ---------------------------------------------------------------------------------------------
// Field service: attend, check in, deny, check out, report positions

fn task_mut(world: &mut World, task_id: i64) -> Option<&mut Task> {
    world.find_task_mut(task_id).and_then(|(ticket, i)| ticket.tasks.get_mut(i))
}

/// The user takes request `number`: their open tasks of it go in service, and the assignment
/// that checkin requires is recorded.
fn attend_request(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let number = req_number(body, "number")?;
    if !ctx.fault(FaultKind::WrongTypeStored) {
        req_position(body)?;
    }
    req_date(body, "dateTime")?;
    let login = ctx.user().to_string();
    let mut world = ctx.state.world.lock();
    let ticket = world.tickets.get(&number).ok_or_else(|| Reply::input(format!("Request {number} not found")))?;
    let mine: Vec<i64> = ticket.tasks.iter().filter(|k| k.assignee == login && is_open(k)).map(|k| k.task_id).collect();
    if mine.is_empty() {
        return Err(Reply::input(format!("Request {number} has no open task for the user")));
    }
    // Attending again what is already attended changes nothing: leave the world (and the read
    // cache's generation) alone then.
    let assignment = (login, number);
    if mine.iter().any(|t| !world.in_service.contains(t)) || !world.assignments.contains(&assignment) {
        world.in_service.extend(mine);
        world.assignments.insert(assignment);
    }
    Ok(Reply::ok(json!({ "success": true })))
}

/// The request number of the task the user is checked in on, dropping a check-in whose task was
/// since closed by other means (so the user is not blocked for ever).
fn active_checkin(world: &mut WorldGuard<'_>, login: &str) -> Option<i64> {
    // Read through the guard, borrowing mutably only to drop a stale check-in: a refused
    // check-in is then no write (world_cell.rs).
    let task_id = *world.checkins.get(login)?;
    let live = world
        .find_task(task_id)
        .and_then(|(ticket, i)| ticket.tasks.get(i).map(|task| (ticket.number, task.state)))
        .filter(|(_, state)| *state == TaskState::InCheckin);
    match live {
        Some((number, _)) => Some(number),
        None => {
            world.checkins.remove(login);
            None
        }
    }
}

fn checkin(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    req_position(body)?;
    req_date(body, "startTime")?;
    let login = ctx.user().to_string();
    let mut world = ctx.state.world.lock();
    let active = active_checkin(&mut world, &login).filter(|_| !ctx.fault(FaultKind::SecondCheckinAllowed));
    if let Some(active) = active {
        return Err(Reply::input(format!(
            "You own active checkin(s) for request(s) {active}. Perform checkout(s) before."
        )));
    }
    let (ticket, task) = world
        .find_task(task_id)
        .and_then(|(t, i)| t.tasks.get(i).map(|k| (t, k)))
        .ok_or_else(|| Reply::input(format!("Task {task_id} not found")))?;
    let number = ticket.number;
    if !world.assignments.contains(&(login.clone(), number)) {
        return Err(Reply::input(format!(
            "There is no assignment for request {number} .You can only make checkin if there is an assignment for you."
        )));
    }
    if task.state == TaskState::InCheckin {
        return Err(Reply::input(format!("Another attendant has checked in on request {number}.")));
    }
    if task.assignee != login || !is_open(task) {
        return Err(Reply::input(format!("Task {task_id} is not open for the user")));
    }
    if let Some(task) = task_mut(&mut world, task_id) {
        task.state = TaskState::InCheckin;
    }
    world.checkins.insert(login, task_id);
    world.touch(number);
    let mut fields = serde_json::Map::from_iter([("number".to_string(), Value::from(number))]);
    table_id(ctx, &mut fields, task_id);
    Ok(Reply::Op(fields))
}

/// The attendant could not check in: the denial is recorded; the task stays (or becomes again)
/// available and out of check-in (MV2-CHECKIN-DENIED-004).
fn checkin_denied(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    let (latitude, longitude) = req_position(body)?;
    let date = req_date(body, "dateTime")?;
    // 7.x only inserts the row: `denied-any-reason` takes any reasonId, or none.
    let any_reason = ctx.freedom(FreedomKind::DeniedAnyReason);
    let reason_id = if any_reason { input::int(body, "reasonId")?.unwrap_or(0) } else { req_number(body, "reasonId")? };
    let login = ctx.user().to_string();
    let mut world = ctx.state.world.lock();
    if !any_reason && !world.data.denied_reasons.iter().any(|r| r.id == reason_id) {
        return Err(Reply::input(format!("Denial reason {reason_id} not found")));
    }
    let (ticket, task) = world
        .find_task(task_id)
        .and_then(|(t, i)| t.tasks.get(i).map(|k| (t, k)))
        .ok_or_else(|| Reply::input(format!("Task {task_id} not found")))?;
    let number = ticket.number;
    if task.assignee != login {
        return Err(Reply::input(format!("Task {task_id} is not assigned to the user")));
    }
    if world.checkins.get(&login) == Some(&task_id) {
        world.checkins.remove(&login);
        if let Some(task) = task_mut(&mut world, task_id) {
            task.state = TaskState::Available;
        }
        world.touch(number);
    }
    world.denials.push(json!({
        "login": login,
        "taskId": task_id,
        "number": number,
        "reasonId": reason_id,
        "latitude": latitude,
        "longitude": longitude,
        "dateTime": date,
    }));
    Ok(Reply::empty())
}

/// Ends the user's check-in on the task and moves its request to `status` (world::STATUSES).
fn checkout(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    req_position(body)?;
    let status = req_number(body, "status")?;
    let Some(&(_, status_code, _)) = STATUSES.iter().find(|(id, ..)| *id == status) else {
        return Err(Reply::input(format!("Status {status} is not one of 1, 2, 3, 4")));
    };
    let solution = input::int(body, "solution")?;
    let desc_solution = input::string(body, "descSolution")?;
    // Inherited from CtNotificationFeedback and unused, but still typed.
    input::int(body, "feedback")?;
    input::int(body, "reasonId")?;
    input::string(body, "comments")?;
    let login = ctx.user().to_string();
    let mut world = ctx.state.world.lock();
    // The 7.x code does not check them (facts §2.12): `checkout-unchecked` does not either.
    if (status == 2 || status == 4) && !ctx.freedom(FreedomKind::CheckoutUnchecked) {
        // Solved needs a solution category, suspended a suspension reason (facts §2.12).
        let (Some(solution), Some(_)) = (solution, desc_solution.filter(|d| !d.trim().is_empty())) else {
            return Err(Reply::input(format!("solution and descSolution are required for status {status}")));
        };
        let known = if status == 4 { &world.data.solution_categories } else { &world.data.suspension_reasons };
        if !known.iter().any(|r| r.id == solution) {
            return Err(Reply::input(format!("Solution {solution} is not valid for status {status}")));
        }
    }
    let number = world
        .find_task(task_id)
        .map(|(ticket, _)| ticket.number)
        .ok_or_else(|| Reply::input(format!("Task {task_id} not found")))?;
    let checked_in = active_checkin(&mut world, &login).is_some() && world.checkins.get(&login) == Some(&task_id);
    if !checked_in && !ctx.fault(FaultKind::CheckoutWithoutCheckin) {
        return Err(Reply::input(format!(
            "There is no check in for request {number}. You can only perform checkout if there is a checkin."
        )));
    }
    if checked_in {
        world.checkins.remove(&login);
    }
    if let Some(task) = task_mut(&mut world, task_id) {
        task.state = match status {
            1 => TaskState::Available,
            2 => TaskState::Suspended,
            // Cancelled or solved: the task's work is over.
            _ => TaskState::Done,
        };
    }
    if !ctx.fault(FaultKind::CheckoutKeepsStatus) {
        if let Some(ticket) = world.tickets.get_mut(&number) {
            ticket.status = status_code.to_string();
        }
    }
    world.touch(number);
    let mut fields = serde_json::Map::from_iter([("number".to_string(), Value::from(number))]);
    table_id(ctx, &mut fields, task_id);
    Ok(Reply::Op(fields))
}

fn location(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let (latitude, longitude) = req_position(body)?;
    let time = req_date(body, "dateTime")?;
    let mut world = ctx.state.world.lock();
    world.positions.push(Position { login: ctx.user().to_string(), latitude, longitude, time });
    Ok(Reply::ok(json!({ "success": true })))
}

// ---------------------------------------------------------------------------------------------
// Justifications and coordinator endpoints

/// A bare array, no envelope (D-COLLECTIONS); the fields the data set lacks are null.
fn get_justificativas(ctx: &Ctx<'_>, _body: &Value) -> Reply {
    let world = ctx.state.world.lock();
    let list: Vec<Value> = world
        .data
        .justificativas
        .iter()
        .map(|j| {
            json!({
                "idJustificativa": j.id_justificativa,
                "descricaoJustificativa": j.descricao_justificativa,
                "suspensao": j.suspensao,
                "situacao": j.situacao,
                "complementoJustificativa": null,
                "filtroDescricaoJustificativa": null,
                "viagem": j.viagem,
                "aprovacao": j.aprovacao,
                "deleted": null,
            })
        })
        .collect();
    Reply::Bare(Value::Array(list))
}

fn colaborador(world: &World, login: &str) -> Value {
    match world.user(login) {
        Some(User { employee_id, name, .. }) => json!({"id": employee_id, "nome": name, "login": login}),
        None => json!({"id": 0, "nome": null, "login": login}),
    }
}

/// The reference shape `gruposLideradosReference`: the teams the user leads.
fn get_grupos_liderados(ctx: &Ctx<'_>, _body: &Value) -> Result<Reply, Reply> {
    let world = ctx.state.world.lock();
    let grupos: Vec<Value> = world
        .data
        .teams
        .iter()
        .filter(|t| t.leader == ctx.user())
        .map(|t| json!({"id": t.id, "nome": t.name}))
        .collect();
    Ok(Reply::ok(json!({ "grupos": grupos })))
}

/// The reference shape `equipeColaboradorReference`: the teams of the task's assignee, with
/// their members.
fn get_equipe_colaborador(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    let world = ctx.state.world.lock();
    let (_, task) = task_or_fail(&world, task_id)?;
    let assignee = task.assignee.as_str();
    let equipes: Vec<Value> = world
        .data
        .teams
        .iter()
        .filter(|t| t.leader == assignee || t.members.iter().any(|m| m == assignee))
        .map(|t| {
            let members: Vec<Value> = t.members.iter().map(|m| colaborador(&world, m)).collect();
            json!({"id": t.id, "nome": t.name, "colaboradores": members})
        })
        .collect();
    Ok(Reply::ok(json!({ "equipes": equipes })))
}

/// The reference shape `colaboradorReference`: the employee the task is assigned to.
fn get_colaborador(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let task_id = task_id(body)?;
    let world = ctx.state.world.lock();
    let (_, task) = task_or_fail(&world, task_id)?;
    Ok(Reply::ok(json!({ "colaboradores": [colaborador(&world, &task.assignee)] })))
}

/// `result` is any JSON value (D-TYPES-8X); absent or null is 412 INPUT.
fn req_result(body: &Value) -> Result<Value, Reply> {
    body.get("result").filter(|v| !v.is_null()).cloned().ok_or_else(|| Reply::input("Field 'result' not informed"))
}

fn atribuicoes_equipes(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let result = req_result(body)?;
    ctx.state.world.lock().team_assignments.push(result);
    Ok(Reply::empty())
}

fn atualiza_informacoes(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let result = req_result(body)?;
    ctx.state.world.lock().request_updates.push(result);
    Ok(Reply::empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;
    use crate::server::faults::FaultSet;
    use crate::server::state::AppState;

    #[test]
    fn pages_are_one_based_and_clamped() {
        assert_eq!(page_bounds(1, 10, 25), (0, 10));
        assert_eq!(page_bounds(3, 10, 25), (20, 25));
        assert_eq!(page_bounds(4, 10, 25), (25, 25));
        assert_eq!(page_bounds(i64::MAX, i64::MAX, 25), (25, 25));
    }

    #[test]
    fn distance_is_zero_at_the_origin_and_grows() {
        let brasilia = (-15.7939, -47.8828);
        assert!(distance_km(brasilia, brasilia) < 1e-9);
        let goiania = distance_km(brasilia, (-16.6869, -49.2648));
        assert!((150.0..200.0).contains(&goiania), "{goiania}");
    }

    #[test]
    fn request_dates_are_epoch_ms_or_text() {
        assert!(req_date(&json!({"d": 1_377_618_517_000_i64}), "d").is_ok());
        assert!(req_date(&json!({"d": "2013-08-27T15:48:37Z"}), "d").is_ok());
        assert!(req_date(&json!({"d": ""}), "d").is_err());
        assert!(req_date(&json!({"d": true}), "d").is_err());
        assert!(req_date(&json!({}), "d").is_err());
    }

    fn state() -> AppState {
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap();
        let ttl = std::time::Duration::from_secs(1800);
        AppState::new(
            World::new(DataSet::builtin()),
            FaultSet::new(Vec::new()),
            ttl,
            registry.spec().clone(),
            "/c".into(),
        )
    }

    /// The read cache keeps its lists across requests that change nothing (world_cell.rs): a
    /// repeated attendRequest and a refused check-in leave the generation alone; real changes bump it.
    #[test]
    fn only_requests_that_change_the_world_bump_its_generation() {
        let state = state();
        let ctx =
            Ctx { state: &state, login: Some("tecnico".into()), path: "/mobile/v2/notification/checkin", number: None };
        let (number, task) = {
            let world = state.world.lock();
            let query = ListQuery { notification_type: 0, only_approval: false, any_type: false };
            let (ticket, task) = listed(&world, "tecnico", query).next().expect("the technician has a task");
            (ticket.number, task.task_id)
        };
        let at = json!({"latitude": -15.79, "longitude": -47.88, "dateTime": 1, "startTime": 1});
        let with = |extra: Value| {
            let mut body = at.clone();
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        let generation = || state.world.generation();

        let g = generation();
        assert!(attend_request(&ctx, &with(json!({"number": number}))).is_ok());
        assert!(generation() > g, "a first attendRequest is a write");
        let g = generation();
        assert!(attend_request(&ctx, &with(json!({"number": number}))).is_ok());
        assert_eq!(generation(), g, "attending again changes nothing");

        assert!(checkin(&ctx, &with(json!({"taskId": task}))).is_ok());
        assert!(generation() > g, "a check-in is a write");
        let g = generation();
        assert!(checkin(&ctx, &with(json!({"taskId": task}))).is_err());
        assert_eq!(generation(), g, "a refused check-in changes nothing");
    }
}
