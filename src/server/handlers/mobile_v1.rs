//! `/mobile/notification/*` (v1): getByUser, getById, feedback, getReasons, new.

use serde_json::{json, Map, Value};

use super::kinds::{Outcome, Reader, Writer};
use super::mobile_query::{first, listed, task_id, task_status_text, ListQuery, SITE};
use crate::server::domain::approval::Feedback;
use crate::server::domain::requests::MobileRequest;
use crate::server::domain::statuses::status_name;
use crate::server::domain::Code;
use crate::server::faults::FaultKind;
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::render::dates::{date_ddmmyyyy, time_flag};
use crate::server::render::item;
use crate::server::reply::Reply;

const DESCRIPTION_MISSING: &str = "Description of the service request Unknown";
/// 7.x's answer to an empty v1 list (facts §2.3, key `rest.service.mobile.mandatory.fields.are.empty`).
const EMPTY_LIST: &str = "Required fields are as empty or null";

/// At most this many items in v1 getByUser: "at most the first 200 tasks" (facts §2.3, SEEN).
pub const V1_LIST_LIMIT: usize = 200;

/// The nine fields of the v1 `CtNotification` (the v2 extras are not part of the v1 class).
const V1_ITEM_FIELDS: [&str; 9] =
    ["number", "taskId", "type", "date", "endSLA", "timeFlag", "task", "service", "waiting"];

fn v1_item(full: Value) -> Value {
    let Value::Object(map) = full else {
        return full;
    };
    let kept: Map<String, Value> = map.into_iter().filter(|(k, _)| V1_ITEM_FIELDS.contains(&k.as_str())).collect();
    Value::Object(kept)
}

pub fn get_by_user(r: &Reader<'_>, body: &Value) -> Outcome {
    let query = ListQuery::read(r, body)?;
    let world = r.world;
    let items: Vec<Value> = first(r.freedoms(), listed(world, r.user(), query), V1_LIST_LIMIT)
        .into_iter()
        .map(|(ticket, task)| v1_item(item::value(world, ticket, task)))
        .collect();
    // An empty list is answered 200 (D-V1-EMPTY accepts it); `v1-empty-412` answers 7.x's quirk.
    if items.is_empty() && r.freedom(FreedomKind::V1Empty412) {
        return Err(Reply::input(EMPTY_LIST));
    }
    Ok(Reply::fields([("amount", Value::from(items.len())), ("notifications", Value::Array(items))]))
}

pub fn get_by_id(r: &Reader<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    let world = r.world;
    let (ticket, task) = world.task_or_fail(task_id)?;
    let notification = json!({
        "number": ticket.number,
        "taskId": task.task_id,
        "type": ticket.mobile_type,
        "date": date_ddmmyyyy(ticket.created_at),
        // The 7.x v1 getById leaves endSLA unset (facts §2.2).
        "endSLA": null,
        "timeFlag": time_flag(task),
        "task": task.name,
        "service": world.catalog().service_name(ticket.service_code),
        "waiting": item::waiting(task),
        "description": ticket.description,
        "status": status_name(&ticket.status),
        "taskStatus": task_status_text(task.state),
    });
    Ok(Reply::ok(json!({"site": SITE, "notification": notification})))
}

pub fn feedback(w: &Writer<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    let decision = input::req_int(body, "feedback", "Field 'feedback' not informed")?;
    if !(0..=1).contains(&decision) {
        return Err(Reply::input("Field 'feedback' must be 0 (reject) or 1 (approve)"));
    }
    let reason_id = input::int(body, "reasonId")?;
    input::string(body, "comments")?;
    let feedback = Feedback {
        login: w.user().to_string(),
        task_id,
        approve: decision == 1,
        reason_id,
        redecide: w.fault(FaultKind::FeedbackTwice),
        any_user: w.fault(FaultKind::FeedbackAnyUser),
    };
    w.write().feedback(feedback)?;
    Ok(Reply::empty())
}

pub fn get_reasons(r: &Reader<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    let world = r.world;
    world.task_or_fail(task_id)?;
    let reasons: Vec<Value> =
        world.catalog().approval_reasons.iter().map(|r| json!({"id": r.id, "desc": r.description})).collect();
    Ok(Reply::ok(json!({"amount": reasons.len(), "reasons": reasons})))
}

/// Opens a request for the session user (MV1-NEW-004).
pub fn new_request(w: &Writer<'_>, body: &Value) -> Outcome {
    let description = input::req_string(body, "description", DESCRIPTION_MISSING)?;
    let (latitude, longitude) = if w.fault(FaultKind::WrongTypeStored) {
        (input::float_any(body, "latitude"), input::float_any(body, "longitude"))
    } else {
        (input::float(body, "latitude")?, input::float(body, "longitude")?)
    };
    if let (Some(lat), Some(lon)) = (latitude, longitude) {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(Reply::fail(Code::Param, "Latitude and/or longitude are not valid values"));
        }
    }
    let request = MobileRequest {
        login: w.user().to_string(),
        description,
        latitude,
        longitude,
        now: w.now_ms(),
        number: w.preset_number(),
    };
    let number = w.write().open_mobile_request(request)?;
    Ok(Reply::ok(json!({ "number": number })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_items_keep_the_nine_fields() {
        let item = v1_item(json!({"number": 1, "taskId": 2, "latitude": 1.0, "waiting": 1}));
        assert_eq!(item, json!({"number": 1, "taskId": 2, "waiting": 1}));
    }
}
