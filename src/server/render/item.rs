//! The notification list item, declared once (lists write it through `list` and `item_memo`).
//!
//! Building a `serde_json::Value` for each of a list's items (a map of 19 owned keys) and then
//! serializing it was most of an uncached getNewest. Lists write the items from this typed,
//! borrowed view; `value` turns the same view into a `Value` where a handler edits the item (v1
//! lists, getById).

use serde::Serialize;
use serde_json::Value;

use super::dates::{date_ddmmyyyy, end_sla, time_flag};
use crate::server::data::{Task, TaskKind, TaskState, Ticket};
use crate::server::domain::World;

/// A notification item (specs/defs/mobile.json `notificationItem`, with the v2 extras), in the
/// order the members are sent.
#[derive(Serialize)]
pub struct Item<'a> {
    number: i64,
    #[serde(rename = "taskId")]
    task_id: i64,
    #[serde(rename = "type")]
    kind: i64,
    date: String,
    #[serde(rename = "endSLA")]
    end_sla: String,
    #[serde(rename = "timeFlag")]
    time_flag: i64,
    task: &'a str,
    service: std::borrow::Cow<'a, str>,
    waiting: i64,
    latitude: f64,
    longitude: f64,
    #[serde(rename = "timeSLA")]
    time_sla: i64,
    personal: bool,
    #[serde(rename = "inService")]
    in_service: bool,
    #[serde(rename = "inChekin")]
    in_checkin: i64,
    #[serde(rename = "typeRequest")]
    type_request: i64,
    contract: i64,
    unit: i64,
    priorityorder: Option<i64>,
}

pub fn item<'a>(world: &'a World, ticket: &'a Ticket, task: &'a Task) -> Item<'a> {
    Item {
        number: ticket.number,
        task_id: task.task_id,
        kind: ticket.mobile_type,
        date: date_ddmmyyyy(ticket.created_at),
        end_sla: end_sla(ticket.created_at, task.sla_minutes),
        time_flag: time_flag(task),
        task: &task.name,
        service: world.catalog().service_name(ticket.service_code),
        waiting: waiting(task),
        latitude: ticket.latitude,
        longitude: ticket.longitude,
        time_sla: task.sla_minutes,
        personal: true,
        in_service: world.field().in_service(task.task_id),
        in_checkin: i64::from(task.state == TaskState::InCheckin),
        type_request: i64::from(task.kind == TaskKind::Approval),
        contract: ticket.contract_id,
        unit: ticket.unit_id,
        priorityorder: task.priority_order,
    }
}

/// 1 for work to execute or a decision awaited.
pub fn waiting(task: &Task) -> i64 {
    i64::from(task.kind == TaskKind::Execution || task.state == TaskState::AwaitingApproval)
}

/// The item as a `Value`, for handlers that edit it.
pub fn value(world: &World, ticket: &Ticket, task: &Task) -> Value {
    serde_json::to_value(item(world, ticket, task)).expect("a notification item serializes")
}
