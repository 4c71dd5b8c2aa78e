//! The notification list item, declared once, and lists serialized straight from the world.
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

/// The operation fields `{"amount":N,"notifications":[…],` (amount only when given), in the
/// prefix form of `read_cache::prefix`: no closing brace, a trailing comma.
pub fn list_prefix<'a>(world: &World, amount: bool, selected: impl Iterator<Item = (&'a Ticket, &'a Task)>) -> Vec<u8> {
    let items: Vec<(&Ticket, &Task)> = selected.collect();
    let mut out = Vec::with_capacity(64 + items.len() * 360);
    out.push(b'{');
    if amount {
        out.extend_from_slice(format!("\"amount\":{},", items.len()).as_bytes());
    }
    out.extend_from_slice(b"\"notifications\":[");
    for (i, (ticket, task)) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing to a Vec cannot fail; an item that could not serialize would be a bug in Item.
        serde_json::to_writer(&mut out, &item(world, ticket, task)).expect("a notification item serializes");
    }
    out.extend_from_slice(b"],");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;
    use serde_json::Map;

    #[test]
    fn a_list_is_the_serialized_fields_of_its_items() {
        let world = World::new(DataSet::builtin());
        let pairs: Vec<(&Ticket, &Task)> =
            world.tickets().iter().flat_map(|t| t.tasks.iter().map(move |k| (t, k))).collect();
        assert!(pairs.len() > 40, "{}", pairs.len());
        for amount in [false, true] {
            let text = list_prefix(&world, amount, pairs.iter().copied());
            let mut fields = Map::new();
            let items: Vec<Value> = pairs.iter().map(|(t, k)| value(&world, t, k)).collect();
            if amount {
                fields.insert("amount".into(), Value::from(items.len()));
            }
            fields.insert("notifications".into(), Value::Array(items));
            let mut expected = serde_json::to_vec(&fields).unwrap();
            expected.pop();
            expected.push(b',');
            assert_eq!(String::from_utf8(text).unwrap(), String::from_utf8(expected).unwrap());
        }
        assert_eq!(list_prefix(&world, false, std::iter::empty()), b"{\"notifications\":[],");
    }
}
