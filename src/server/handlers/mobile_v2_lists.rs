//! The mobile v2 lists (getByUser, getNewest, getOldest, getByCoordinates, update,
//! buscaSolicitacao) and the v2 detail (getById): all read handlers.

use serde_json::{json, Value};

use super::kinds::{Outcome, Reader};
use super::mobile_query::{listed, ordered, task_id, task_status_text, ListQuery, SITE};
use crate::server::data::{Task, Ticket};
use crate::server::domain::statuses::{is_open, status_name};
use crate::server::domain::World;
use crate::server::faults::FaultKind;
use crate::server::freedom_apply;
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::render::dates::end_sla;
use crate::server::render::item;
use crate::server::reply::Reply;

/// `pager.size` when the client sends none (system parameter 257, facts §2.13).
const DEFAULT_PAGE_SIZE: i64 = 10;

pub fn req_number(body: &Value, field: &str) -> Result<i64, Reply> {
    input::req_int(body, field, &format!("Field '{field}' not informed"))
}

/// Latitude and longitude, both required.
pub fn req_position(body: &Value) -> Result<(f64, f64), Reply> {
    Ok((input::req_float(body, "latitude")?, input::req_float(body, "longitude")?))
}

fn items<'a>(world: &World, selected: impl Iterator<Item = (&'a Ticket, &'a Task)>) -> Vec<Value> {
    selected.map(|(ticket, task)| item::value(world, ticket, task)).collect()
}

/// The table's v1-style list (D-V2-GETBYUSER), with the v2 items.
pub fn get_by_user(r: &Reader<'_>, body: &Value) -> Outcome {
    let query = ListQuery::read(r, body)?;
    let selected = ordered(r.freedoms(), listed(r.world, r.user(), query));
    Ok(Reply::OpText(item::list_prefix(r.world, true, selected.into_iter())))
}

/// Requests newer than the newest the app has (MV2-GETNEWEST-003). The user's tasks come newest
/// first, so the list stops at the first one that is not newer.
pub fn get_newest(r: &Reader<'_>, body: &Value) -> Outcome {
    let query = ListQuery::read(r, body)?;
    let newest = req_number(body, "newestNumber")?;
    let ignore = r.fault(FaultKind::NewestIgnoresNumber);
    let newer = listed(r.world, r.user(), query).take_while(|(t, _)| ignore || t.number > newest);
    let selected = ordered(r.freedoms(), newer);
    Ok(Reply::OpText(item::list_prefix(r.world, false, selected.into_iter())))
}

/// Requests older than the oldest the app has (MV2-GETOLDEST-003).
pub fn get_oldest(r: &Reader<'_>, body: &Value) -> Outcome {
    let query = ListQuery::read(r, body)?;
    let oldest = req_number(body, "oldestNumber")?;
    let ignore = r.fault(FaultKind::OldestIgnoresNumber);
    let older = listed(r.world, r.user(), query).skip_while(|(t, _)| !ignore && t.number >= oldest);
    let selected = ordered(r.freedoms(), older);
    Ok(Reply::OpText(item::list_prefix(r.world, false, selected.into_iter())))
}

/// getNewest plus a case-insensitive text search on description, task and service.
pub fn busca_solicitacao(r: &Reader<'_>, body: &Value) -> Outcome {
    let query = ListQuery::read(r, body)?;
    let newest = req_number(body, "newestNumber")?;
    let text = input::string(body, "textoBusca")?
        .ok_or_else(|| Reply::input("Field 'textoBusca' not informed"))?
        .to_lowercase();
    let world = r.world;
    let selected = listed(world, r.user(), query).filter(|(ticket, task)| {
        let service = world.catalog().service_name(ticket.service_code);
        ticket.number > newest
            && [ticket.description.as_str(), task.name.as_str(), &service]
                .iter()
                .any(|field| field.to_lowercase().contains(&text))
    });
    Ok(Reply::fields([("notifications", Value::Array(items(world, ordered(r.freedoms(), selected).into_iter())))]))
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
pub fn get_by_coordinates(r: &Reader<'_>, body: &Value) -> Outcome {
    let query = ListQuery::read(r, body)?;
    let origin = req_position(body)?;
    let pager = input::object(body, "pager")?.ok_or_else(|| Reply::input("Field 'pager' not informed"))?;
    let page = input::int(pager, "page")?.unwrap_or(1);
    let size =
        if r.fault(FaultKind::WrongTypeStored) { input::int_any(pager, "size") } else { input::int(pager, "size")? };
    let size = size.unwrap_or(DEFAULT_PAGE_SIZE);
    if page < 1 || size < 1 {
        return Err(Reply::input("pager.page and pager.size must be at least 1"));
    }
    let world = r.world;
    let mut selected: Vec<(f64, &Ticket, &Task)> = listed(world, r.user(), query)
        .map(|(ticket, task)| (distance_km(origin, (ticket.latitude, ticket.longitude)), ticket, task))
        .collect();
    // Ties keep the list order: newest request first, then task id.
    selected.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.number.cmp(&a.1.number)).then(a.2.task_id.cmp(&b.2.task_id)));
    let freedoms = r.freedoms();
    if freedom_apply::reorders(freedoms) {
        selected.sort_by_key(|(_, ticket, task)| freedom_apply::list_key(freedoms, ticket.number, task.task_id));
    }
    let total = selected.len();
    let (start, end) = page_bounds(page, size, total);
    let list = items(world, selected[start..end].iter().map(|(_, ticket, task)| (*ticket, *task)));
    let total_pages = if r.fault(FaultKind::PagingRoundedDown) {
        total as u64 / size.unsigned_abs()
    } else {
        (total as u64).div_ceil(size.unsigned_abs())
    };
    // The docs write `size` for `elements`, and an empty page may carry a paging object (D-PAGING).
    let count_key = if r.freedom(FreedomKind::PagingSizeKey) { "size" } else { "elements" };
    let paging = if list.is_empty() && !r.freedom(FreedomKind::PagingSizeKey) {
        Value::Null
    } else {
        json!({"page": page, count_key: list.len(), "totalPages": total_pages, "totalElements": total})
    };
    Ok(Reply::ok(json!({"paging": paging, "notifications": list})))
}

/// The user's current tasks of one request, with no type or approval filter (MV2-UPDATE-004).
pub fn update(r: &Reader<'_>, body: &Value) -> Outcome {
    let number = req_number(body, "number")?;
    let world = r.world;
    let user = r.user();
    let mine = world
        .tickets()
        .get(number)
        .into_iter()
        .flat_map(|t| t.tasks.iter().filter(|k| k.assignee == user && is_open(k)).map(move |k| (t, k)));
    let selected = ordered(r.freedoms(), mine);
    Ok(Reply::fields([("notifications", Value::Array(items(world, selected.into_iter())))]))
}

/// The v2 detail (CTNotificationGetById, facts §2.14); `number` and `taskId` are extras.
pub fn get_by_id(r: &Reader<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    let world = r.world;
    let (ticket, task) = world.task_or_fail(task_id)?;
    // A user reads the tasks of requests it works on (holds a task of), or any as a coordinator
    // (D-USERS); `getbyid-any-user` answers everyone.
    let may_read = ticket.tasks.iter().any(|k| k.assignee == r.user()) || world.catalog().is_coordinator(r.user());
    if !may_read && !r.fault(FaultKind::GetByIdAnyUser) {
        return Err(Reply::input(format!("Task {task_id} not found for the user")));
    }
    let mut reply = json!({
        "notification": {
            "number": ticket.number,
            "taskId": task.task_id,
            "endSLA": end_sla(ticket.created_at, task.sla_minutes),
            "task": task.name,
            "service": world.catalog().service_name(ticket.service_code),
            "description": ticket.description,
            "status": status_name(&ticket.status),
            "taskStatus": task_status_text(task.state),
            "timeSLA": task.sla_minutes,
        }
    });
    // `site`, which the table lists and AG's v2 class lacks, with `table-extras` (D-V2-GETBYID).
    if r.freedom(FreedomKind::TableExtras) {
        reply["site"] = Value::from(SITE);
    }
    Ok(Reply::ok(reply))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
