//! A request as `/services/request/*` answer it (specs/defs/request.json `ctRequest`), its list
//! form, and the old CtServiceRequest of addServiceRequest.

use serde_json::{json, Map, Value};

use crate::server::data::Ticket;
use crate::server::domain::statuses::{is_open, status_name};
use crate::server::domain::World;
use crate::time::iso;

/// The members of a list item without `allAttributes` (facts §2.35).
const LIST_KEYS: [&str; 12] = [
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

pub fn ct_request(world: &World, ticket: &Ticket) -> Value {
    let service = world.catalog().service(ticket.service_code);
    let current = ticket.tasks.iter().find(|k| is_open(k));
    json!({
        "number": ticket.number.to_string(),
        "numberOrigin": ticket.number_origin,
        "type": ticket.kind,
        "description": ticket.description,
        "startDateTime": iso(ticket.created_at),
        "startSLA": iso(ticket.created_at),
        "endSLA": iso(ticket.created_at + 8 * 3_600_000),
        "deadline": iso(ticket.created_at + 24 * 3_600_000),
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "groupId": ticket.group_id,
        "userID": ticket.requester,
        "contact": {
            "name": ticket.contact.name,
            "phoneNumber": ticket.contact.phone_number,
            "email": ticket.contact.email,
            "department": ticket.contact.department,
        },
        "service": {
            "code": ticket.service_code.to_string(),
            "name": service.map(|s| s.name.clone()),
            "category": service.map(|s| json!({"code": s.category_code, "name": s.category_name})),
        },
        "contractID": ticket.contract_id.to_string(),
        "status": {"code": ticket.status, "name": status_name(&ticket.status)},
        "currentTask": current.map(|k| json!({
            "number": k.task_id.to_string(),
            "name": k.name,
            "startDateTime": iso(ticket.created_at),
            "status": {"code": format!("{:?}", k.state), "name": format!("{:?}", k.state)},
            "userId": k.assignee,
            "groupId": ticket.group_id,
        })),
        "definedSLA": true,
        "linkedNumber": null,
    })
}

/// A list item: the whole request with `allAttributes`, else the fields the docs show.
pub fn list_item(world: &World, ticket: &Ticket, all_attributes: bool) -> Value {
    let full = ct_request(world, ticket);
    if all_attributes {
        return full;
    }
    let map: Map<String, Value> =
        LIST_KEYS.iter().filter_map(|k| full.get(*k).map(|v| ((*k).to_string(), v.clone()))).collect();
    Value::Object(map)
}

/// The created request as an old CtServiceRequest: dates in epoch ms, number as a string.
pub fn service_request_dest(ticket: &Ticket, service_description: Option<String>) -> Value {
    json!({
        "number": ticket.number.to_string(),
        "type": ticket.kind,
        "description": ticket.description,
        "startDateTime": ticket.created_at,
        "startSLA": ticket.created_at,
        "endSLA": ticket.created_at + 8 * 3_600_000,
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "groupId": ticket.group_id,
        "userID": ticket.requester,
        "contact": {
            "name": ticket.contact.name,
            "department": ticket.contact.department,
            "email": ticket.contact.email,
            "phoneNumber": ticket.contact.phone_number,
        },
        "service": {"code": ticket.service_code.to_string(), "description": service_description},
    })
}
