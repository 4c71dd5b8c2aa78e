//! The mobile v2 field-service flow: attendRequest → checkin → location → checkout, and
//! checkin/denied. Write handlers: decode, one command, the answer.

use serde_json::{json, Map, Value};

use super::kinds::{Outcome, Writer};
use super::mobile_query::task_id;
use super::mobile_v2_lists::{req_number, req_position};
use crate::server::domain::field_service::{CheckOut, DeniedCheckIn, FieldRules};
use crate::server::domain::journal::Position;
use crate::server::domain::request_date::RequestDate;
use crate::server::domain::statuses::STATUSES;
use crate::server::faults::FaultKind;
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::reply::Reply;

/// A request date: epoch ms or a date string (D-DATES-IN), kept as sent.
fn req_date(body: &Value, field: &str) -> Result<RequestDate, Reply> {
    match body.get(field) {
        None | Some(Value::Null) => Err(Reply::input(format!("Field '{field}' not informed"))),
        Some(v) if v.is_i64() => Ok(RequestDate::Millis(v.as_i64().unwrap_or_default())),
        Some(v) if v.is_u64() => Ok(RequestDate::Text(v.to_string())),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(RequestDate::Text(s.clone())),
        Some(_) => Err(Reply::wrong_type(format!("Field '{field}' must be epoch milliseconds or an ISO-8601 date"))),
    }
}

/// `{number}`, and `id` (the table lists it, the 7.x class lacks it: D-V2-GETBYID) with
/// `table-extras`.
fn numbered(w: &Writer<'_>, number: i64, task_id: i64) -> Reply {
    let mut fields = Map::from_iter([("number".to_string(), Value::from(number))]);
    if w.freedom(FreedomKind::TableExtras) {
        fields.insert("id".into(), Value::from(task_id));
    }
    Reply::Op(fields)
}

/// Who may work on a task, and the faults that break the rules.
fn field_rules(w: &Writer<'_>) -> FieldRules {
    FieldRules {
        peers: !w.freedom(FreedomKind::AssigneeOnly),
        second_checkin: w.fault(FaultKind::SecondCheckinAllowed),
        ignore_others: w.fault(FaultKind::CheckinIgnoresOthers),
    }
}

/// The user takes request `number` (what checkin requires).
pub fn attend_request(w: &Writer<'_>, body: &Value) -> Outcome {
    let number = req_number(body, "number")?;
    if !w.fault(FaultKind::WrongTypeStored) {
        req_position(body)?;
    }
    req_date(body, "dateTime")?;
    w.write().attend(w.user(), number, field_rules(w))?;
    Ok(Reply::ok(json!({ "success": true })))
}

pub fn checkin(w: &Writer<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    req_position(body)?;
    req_date(body, "startTime")?;
    let number = w.write().check_in(w.user(), task_id, field_rules(w))?;
    Ok(numbered(w, number, task_id))
}

/// The attendant could not check in (MV2-CHECKIN-DENIED-004).
pub fn checkin_denied(w: &Writer<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    let (latitude, longitude) = req_position(body)?;
    let date = req_date(body, "dateTime")?;
    // 7.x only inserts the row: `denied-any-reason` takes any reasonId, or none.
    let any_reason = w.freedom(FreedomKind::DeniedAnyReason);
    let reason_id = if any_reason { input::int(body, "reasonId")?.unwrap_or(0) } else { req_number(body, "reasonId")? };
    let denied =
        DeniedCheckIn { login: w.user().to_string(), task_id, reason_id, any_reason, latitude, longitude, date };
    w.write().deny_check_in(denied)?;
    Ok(Reply::empty())
}

/// Ends the user's check-in and moves the request to `status` (1..4).
pub fn checkout(w: &Writer<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    req_position(body)?;
    let status = req_number(body, "status")?;
    if !STATUSES.iter().any(|(id, ..)| *id == status) {
        return Err(Reply::input(format!("Status {status} is not one of 1, 2, 3, 4")));
    }
    let solution = input::int(body, "solution")?;
    let desc_solution = input::string(body, "descSolution")?;
    // Inherited from CtNotificationFeedback and unused, but still typed.
    input::int(body, "feedback")?;
    input::int(body, "reasonId")?;
    input::string(body, "comments")?;
    let out = CheckOut {
        login: w.user().to_string(),
        task_id,
        status,
        solution,
        desc_solution,
        check_solution: !w.freedom(FreedomKind::CheckoutUnchecked),
        without_checkin: w.fault(FaultKind::CheckoutWithoutCheckin),
        keep_status: w.fault(FaultKind::CheckoutKeepsStatus),
        any_user: w.fault(FaultKind::CheckoutAnyUser),
    };
    let number = w.write().check_out(out)?;
    Ok(numbered(w, number, task_id))
}

pub fn location(w: &Writer<'_>, body: &Value) -> Outcome {
    let (latitude, longitude) = req_position(body)?;
    let time = req_date(body, "dateTime")?;
    w.write().report_position(Position { login: w.user().to_string(), latitude, longitude, time });
    Ok(Reply::ok(json!({ "success": true })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_dates_are_epoch_ms_or_text() {
        assert_eq!(req_date(&json!({"d": 1_377_618_517_000_i64}), "d"), Ok(RequestDate::Millis(1_377_618_517_000)));
        assert!(req_date(&json!({"d": "2013-08-27T15:48:37Z"}), "d").is_ok());
        assert!(req_date(&json!({"d": ""}), "d").is_err());
        assert!(req_date(&json!({"d": true}), "d").is_err());
        assert!(req_date(&json!({}), "d").is_err());
    }
}
