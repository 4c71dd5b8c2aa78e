//! `/services/request/*` (8.x, facts §2.32-2.39): requests created from a source system's tickets,
//! looked up by CITSmart number or by the source number (`numberOrigin`), updated, re-statused,
//! listed, and their occurrences (the request's log).

use serde_json::{json, Value};

use super::kinds::{Outcome, Reader, Writer};
use super::request_fields::{
    category_filter, contact_update, id_field, lookup, missing, parse_date, priority, request_filter, request_type,
    service_code,
};
use crate::server::domain::occurrence_log::NewOccurrence;
use crate::server::domain::request_changes::{Changer, RequestChanges};
use crate::server::domain::request_filter::category_matches;
use crate::server::domain::requests::{hhmm, CreateRequest};
use crate::server::domain::statuses::{normalize, STATUS_CODES};
use crate::server::domain::World;
use crate::server::faults::FaultKind;
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::render::occurrence::occurrence;
use crate::server::render::request::{ct_request, list_item};
use crate::server::reply::Reply;
use crate::time::iso;

fn request_reply(world: &World, number: i64) -> Outcome {
    match world.tickets().get(number) {
        Some(ticket) => Ok(Reply::ok(json!({ "request": ct_request(world, ticket) }))),
        None => Err(Reply::input(format!("Solicitação {number} não encontrada"))),
    }
}

/// Creates a request from `sourceRequest` (D-REQUEST-CREATE); numberOrigin must be new.
pub fn create(w: &Writer<'_>, body: &Value) -> Outcome {
    let synchronize = input::boolean(body, "synchronize")?.unwrap_or(false);
    let source = input::object(body, "sourceRequest")?
        .ok_or_else(|| Reply::input(missing("Solicitação de origem não informada", "sourceRequest")))?;
    let number_origin = input::text_or_int(source, "numberOrigin")?
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| Reply::input(missing("Número de origem não informado", "sourceRequest.numberOrigin")))?;
    let kind = request_type(source, "type")?
        .ok_or_else(|| Reply::input(missing("Tipo da solicitação não informado", "sourceRequest.type")))?;
    let description = input::req_string(source, "description", "Descrição não informada (sourceRequest.description)")?;
    let user_id = input::req_string(source, "userID", "Solicitante não informado (sourceRequest.userID)")?;
    let request = CreateRequest {
        contact: contact_update(source)?,
        contract: id_field(source, "contractID")?,
        service: service_code(source)?,
        urgency: priority(source, "urgency")?.unwrap_or_else(|| "M".into()),
        impact: priority(source, "impact")?.unwrap_or_else(|| "M".into()),
        group_id: input::string(source, "groupId")?.filter(|g| !g.trim().is_empty()),
        number_origin,
        kind,
        description,
        user_id,
        synchronize,
        now: w.now_ms(),
        number: w.preset_number(),
        actor: w.user().to_string(),
    };
    let mut world = w.write();
    let number = world.create_request(request)?;
    request_reply(&world, number)
}

/// The request by number or numberOrigin; the `stale-get-by-id` fault answers it as created.
pub fn get_by_id(r: &Reader<'_>, body: &Value) -> Outcome {
    let lookup = lookup(body, "number", "numberOrigin")?;
    let world = r.world;
    let ticket = if r.fault(FaultKind::StaleGetById) { world.find_original(&lookup)? } else { world.find(&lookup)? };
    Ok(Reply::ok(json!({ "request": ct_request(world, ticket) })))
}

/// Changes the fields sent in `request` (facts §2.38): description, type, requester, contact,
/// service, contract, urgency, impact, group.
pub fn update(w: &Writer<'_>, body: &Value) -> Outcome {
    input::boolean(body, "synchronize")?;
    let request =
        input::object(body, "request")?.ok_or_else(|| Reply::input(missing("Solicitação não informada", "request")))?;
    let lookup = lookup(request, "number", "numberOrigin")?;
    let changes = RequestChanges {
        description: input::string(request, "description")?.filter(|d| !d.trim().is_empty()),
        kind: request_type(request, "type")?,
        user_id: input::string(request, "userID")?.filter(|u| !u.trim().is_empty()),
        contact: contact_update(request)?,
        service: service_code(request)?,
        contract: id_field(request, "contractID")?,
        urgency: priority(request, "urgency")?,
        impact: priority(request, "impact")?,
        group_id: input::string(request, "groupId")?.filter(|g| !g.trim().is_empty()),
    };
    let mut world = w.write();
    // The fault changes a copy: the answer shows the update, the world keeps the old request.
    let ticket = world.update_request(&lookup, changes, changer(w, !w.fault(FaultKind::WriteNotPersisted)))?;
    Ok(Reply::ok(json!({ "request": ct_request(&world, &ticket) })))
}

/// The session's user as the changer of a request, with the switches of the ownership rule.
fn changer<'a>(w: &'a Writer<'_>, persist: bool) -> Changer<'a> {
    Changer {
        login: w.user(),
        anyone: w.freedom(FreedomKind::AnyUserUpdates),
        refusal_applies: w.fault(FaultKind::RefusalStillApplies),
        persist,
    }
}

/// Sets the request's status to one of the documented codes (compared ignoring case and spaces).
pub fn update_status(w: &Writer<'_>, body: &Value) -> Outcome {
    let lookup = lookup(body, "number", "numberOrigin")?;
    let status =
        input::object(body, "status")?.ok_or_else(|| Reply::input(missing("Situação não informada", "status")))?;
    let code = input::req_string(status, "code", "Situação não informada (status.code)")?;
    input::string(status, "details")?;
    let Some(canonical) = STATUS_CODES.iter().find(|c| normalize(c) == normalize(&code)) else {
        return Err(Reply::input(format!("Situação '{code}' inválida; use one of {}", STATUS_CODES.join(", "))));
    };
    let mut world = w.write();
    // The fault answers the new status from a copy; the stored request keeps the old one.
    let ticket = world.update_status(&lookup, canonical, changer(w, !w.fault(FaultKind::StatusNotPersisted)))?;
    Ok(Reply::ok(json!({ "request": ct_request(&world, &ticket) })))
}

/// Adds an occurrence to a request (facts §2.33); its fields are answered at the top level.
pub fn create_occurrence(w: &Writer<'_>, body: &Value) -> Outcome {
    let lookup = lookup(body, "requestNumber", "requestNumberOrigin")?;
    let occurrence_body = input::object(body, "occurrence")?
        .ok_or_else(|| Reply::input(missing("Ocorrência não informada", "occurrence")))?;
    let description = input::req_string(
        occurrence_body,
        "description",
        "Descrição da ocorrência não informada (occurrence.description)",
    )?;
    let number_origin = input::string(occurrence_body, "numberOrigin")?;
    let now = w.now_ms();
    // The date is echoed as sent when it is a string (validated), as ISO-8601 when epoch ms.
    let date = match occurrence_body.get("date") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            parse_date(occurrence_body, "date")?;
            s.clone()
        }
        _ => iso(parse_date(occurrence_body, "date")?.unwrap_or(now)),
    };
    let hour = input::string(occurrence_body, "hour")?.filter(|h| !h.trim().is_empty()).unwrap_or_else(|| hhmm(now));
    let category = match occurrence_body.get("category") {
        None | Some(Value::Null) => "Acompanhamento".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(c @ Value::Object(_)) => input::string(c, "code")?.unwrap_or_else(|| "Acompanhamento".into()),
        Some(other) => {
            return Err(Reply::wrong_type(format!(
                "Field 'occurrence.category' must be a code or {{code}}, got {other}"
            )))
        }
    };
    let reason = input::string(occurrence_body, "reason")?;
    let new = NewOccurrence { number_origin, description, date, hour, category, reason, user: w.user().to_string() };
    // The fault answers the occurrence and loses it: the log does not keep it.
    let stored = w.write().add_occurrence(&lookup, new, !w.fault(FaultKind::OccurrenceNotListed))?;
    Ok(Reply::ok(occurrence(&stored)))
}

/// The occurrences of a request, oldest first, optionally of some categories.
pub fn list_occurrences(r: &Reader<'_>, body: &Value) -> Outcome {
    let lookup = lookup(body, "requestNumber", "requestNumberOrigin")?;
    let categories = category_filter(body.get("categoryList"));
    let world = r.world;
    let number = world.number_of(&lookup)?;
    let logs: Vec<Value> =
        world.occurrences().of(number).filter(|o| category_matches(&categories, &o.category)).map(occurrence).collect();
    Ok(Reply::ok(json!({"amount": logs.len(), "logs": logs})))
}

/// The requests of a requester, newest first.
pub fn get_by_user(r: &Reader<'_>, body: &Value) -> Outcome {
    let user = input::req_string(body, "userID", "Usuário não informado (userID)")?;
    let (filter, all_attributes) = request_filter(body, Some(user))?;
    let world = r.world;
    let requests: Vec<Value> = world
        .tickets()
        .iter()
        .rev()
        .filter(|t| filter.matches(t))
        .map(|t| list_item(world, t, all_attributes))
        .collect();
    Ok(Reply::ok(json!({"amount": requests.len(), "requests": requests})))
}

/// The requests changed since the caller last synchronized them (oldest first); `synchronize`
/// true records them as synchronized at their current version.
pub fn get_not_synchronized(w: &Writer<'_>, body: &Value) -> Outcome {
    let mark = input::boolean(body, "synchronize")?.unwrap_or(false);
    let user = input::string(body, "userID")?.filter(|u| !u.trim().is_empty());
    let (filter, all_attributes) = request_filter(body, user)?;
    let mut world = w.write();
    let pending = world.requests_not_synchronized(w.user(), &filter, mark);
    let requests: Vec<Value> =
        pending.iter().filter_map(|n| world.tickets().get(*n)).map(|t| list_item(&world, t, all_attributes)).collect();
    Ok(Reply::ok(json!({"amount": requests.len(), "requests": requests})))
}
