//! Applies the response-shaping faults of `faults::CATALOGUE` to a rendered response. Behavioural
//! faults (stale data, ignored filters, skipped session checks) live in the handlers.

use serde_json::Value;

use super::faults::FaultKind;
use super::state::AppState;

const ITEM_LISTS: [&str; 3] = [
    "/mobile/v2/notification/getNewest",
    "/mobile/v2/notification/getOldest",
    "/mobile/v2/notification/getByCoordinates",
];

pub fn apply(state: &AppState, path: &str, session_failure: bool, status: &mut u16, body: &mut Value) {
    let faults = &state.faults;
    if faults.is_empty() {
        return;
    }
    let success = *status == 200;
    let Some(obj) = body.as_object_mut() else { return };
    if faults.has(FaultKind::DateTimeSeconds) {
        if let Some(ms) = obj.get("dateTime").and_then(Value::as_i64) {
            obj.insert("dateTime".into(), Value::from(ms / 1000));
        }
    }
    if faults.has(FaultKind::DateTimeLocale) && obj.contains_key("dateTime") {
        obj.insert("dateTime".into(), Value::from("27/11/2026 21:00"));
    }
    if success && faults.has(FaultKind::OperationIdMissing) {
        obj.remove("operationID");
    }
    if faults.has(FaultKind::OperationIdRepeated) && obj.contains_key("operationID") {
        obj.insert("operationID".into(), Value::from(1));
    }
    if success && faults.has(FaultKind::ErrorOnSuccess) && obj.get("error").is_some_and(Value::is_null) {
        obj.insert("error".into(), serde_json::json!({"code": "INPUT", "description": "Operação concluída"}));
    }
    if !success && *status == 412 {
        if faults.has(FaultKind::ErrorNullOnFailure) {
            obj.insert("error".into(), Value::Null);
        } else if faults.has(FaultKind::EmptyErrorCode) {
            if let Some(err) = obj.get_mut("error").and_then(Value::as_object_mut) {
                err.insert("code".into(), Value::from(""));
            }
        }
    }
    if session_failure && faults.has(FaultKind::SessionError200) {
        *status = 200;
    }
    if let Some(items) = obj.get_mut("notifications").and_then(Value::as_array_mut) {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            if faults.has(FaultKind::NumberAsString) {
                if let Some(n) = item.get("number").and_then(Value::as_i64) {
                    item.insert("number".into(), Value::from(n.to_string()));
                }
            }
            if faults.has(FaultKind::DropField) && ITEM_LISTS.contains(&path) {
                item.remove("taskId");
            }
            if faults.has(FaultKind::CheckinNotInLists) && item.contains_key("inChekin") {
                item.insert("inChekin".into(), Value::from(0));
            }
            if faults.has(FaultKind::RenamedOptionalField) {
                if let Some(value) = item.remove("inChekin") {
                    item.insert("inCheckin".into(), value);
                }
            }
        }
    }
    if faults.has(FaultKind::PagingOffByOne) {
        if let Some(total) = obj.get_mut("paging").and_then(|p| p.get_mut("totalPages")) {
            if let Some(n) = total.as_i64() {
                *total = Value::from(n + 1);
            }
        }
    }
}
