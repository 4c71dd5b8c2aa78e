//! `/services/v2/*` (login is in `login.rs`).

use serde_json::{json, Value};

use super::services::logged;
use crate::server::context::{Ctx, Handler};
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::reply::Reply;
use crate::server::world::STATUSES;

pub fn handler_for(path: &str) -> Option<Handler> {
    match path {
        "/services/v2/contracts" => Some(|c, b| logged(c, b, contracts)),
        "/services/v2/coordinates" => Some(|c, b| logged(c, b, coordinates)),
        "/services/v2/deniedReasons" => Some(|c, b| logged(c, b, denied_reasons)),
        "/services/v2/device/disassociate" => Some(|c, b| logged(c, b, device_disassociate)),
        "/services/v2/getWorkflow" => Some(|c, b| logged(c, b, get_workflow)),
        "/services/v2/status" => Some(|c, b| logged(c, b, status)),
        "/services/v2/units" => Some(|c, b| logged(c, b, units)),
        _ => None,
    }
}

/// The active contracts of the session user's employee (facts §2.40).
pub(super) fn contracts(ctx: &Ctx<'_>, _body: &Value) -> Reply {
    let world = ctx.state.world.lock();
    let ids = world.user(ctx.user()).map(|u| u.contract_ids.clone()).unwrap_or_default();
    let contracts: Vec<Value> = world
        .data
        .contracts
        .iter()
        .filter(|c| ids.contains(&c.id))
        .map(|c| json!({"id": c.id, "description": c.number}))
        .collect();
    Reply::ok(json!({ "contracts": contracts }))
}

/// Moves a unit (facts §2.41): every failure is INPUT, as `buildSimpleError` makes it.
fn coordinates(ctx: &Ctx<'_>, body: &Value) -> Reply {
    match update_coordinates(ctx, body) {
        Ok(reply) | Err(reply) => reply,
    }
}

fn update_coordinates(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let unit_id = input::req_int(body, "unitID", "Unit ID must not be null")?;
    let latitude = input::float(body, "latitude")?;
    let longitude = input::float(body, "longitude")?;
    let (Some(latitude), Some(longitude)) = (latitude, longitude) else {
        return Err(Reply::input("Latitude and longitude must not be null"));
    };
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return Err(Reply::input(format!("Invalid coordinates: latitude {latitude}, longitude {longitude}")));
    }
    let mut world = ctx.state.world.lock();
    match world.unit_positions.get_mut(&unit_id) {
        Some(position) => *position = (latitude, longitude),
        None => return Err(Reply::input(format!("Unit not found for ID {unit_id}"))),
    }
    Ok(Reply::ok(json!({"success": true})))
}

/// The active check-in denial reasons (facts §2.42).
pub(super) fn denied_reasons(ctx: &Ctx<'_>, _body: &Value) -> Reply {
    let world = ctx.state.world.lock();
    let reasons: Vec<Value> =
        world.data.denied_reasons.iter().map(|r| json!({"id": r.id, "description": r.description})).collect();
    Reply::ok(json!({ "reasons": reasons }))
}

/// The path part of a connection URL, lower-cased and without a trailing slash: the login stores
/// the context path, clients send the whole URL they connected to, and the real DAO compares
/// `UPPER(connection)`.
fn connection_key(connection: &str) -> String {
    let text = connection.trim();
    let path = match text.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => text,
    };
    path.trim_end_matches('/').to_lowercase()
}

/// Deactivates the association the v2 login made between the user, the token and the connection
/// (facts §2.43).
fn device_disassociate(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let fields = input::req_string(body, "connection", "Connection must not be null or empty")
        .and_then(|c| Ok((c, input::req_string(body, "token", "Token must not be null or empty")?)));
    let (connection, token) = match fields {
        Ok(fields) => fields,
        Err(reply) => return reply,
    };
    let wanted = connection_key(&connection);
    let mut world = ctx.state.world.lock();
    let device = world.devices.iter_mut().find(|d| {
        d.active
            && d.login == ctx.user()
            && d.token == token
            && (connection_key(&d.connection) == wanted || d.connection.eq_ignore_ascii_case(connection.trim()))
    });
    match device {
        Some(device) => {
            device.active = false;
            Reply::ok(json!({"success": true}))
        }
        None => Reply::input("There is no active association for the user to connect and token informed."),
    }
}

/// The FluxoDTO of the data set, bare (the table's return is `FluxoDTO(JSON)`, D-JSON-RETURNS).
fn get_workflow(ctx: &Ctx<'_>, _body: &Value) -> Reply {
    let world = ctx.state.world.lock();
    Reply::Bare(world.data.workflow.clone())
}

/// Statuses 1..4; Suspensa carries the suspension reasons and Resolvida the solution categories
/// (facts §2.46). No source orders them: `status-order` lists 4, 2, 3, 1 and reverses each list.
pub(super) fn status(ctx: &Ctx<'_>, _body: &Value) -> Reply {
    let world = ctx.state.world.lock();
    let reorder = ctx.freedom(FreedomKind::StatusOrder);
    let order: [usize; 4] = if reorder { [3, 1, 2, 0] } else { [0, 1, 2, 3] };
    let arrange = |mut list: Vec<Value>| {
        if reorder {
            list.reverse();
        }
        list
    };
    let items: Vec<Value> = order
        .iter()
        .map(|i| &STATUSES[*i])
        .map(|(id, _, description)| match id {
            2 => {
                let reasons: Vec<Value> = world
                    .data
                    .suspension_reasons
                    .iter()
                    .map(|r| json!({"id": r.id, "description": r.description}))
                    .collect();
                json!({"id": id, "description": description, "justifications": arrange(reasons)})
            }
            4 => {
                // parentId is set only when > 0, as the real code does.
                let categories: Vec<Value> = world
                    .data
                    .solution_categories
                    .iter()
                    .map(|r| json!({"id": r.id, "description": r.description, "parentId": r.parent_id.filter(|p| *p > 0)}))
                    .collect();
                json!({"id": id, "description": description, "justifications": arrange(categories)})
            }
            _ => json!({"id": id, "description": description}),
        })
        .collect();
    Reply::ok(json!({ "status": items }))
}

/// The units of a contract, optionally only `unitID` (facts §2.47).
fn units(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let contract_id = match input::req_int(body, "contractID", "Contract ID must not be null") {
        Ok(id) => id,
        Err(reply) => return reply,
    };
    let unit_id = match input::text_or_int(body, "unitID") {
        Ok(None) => None,
        Ok(Some(text)) if text.trim().is_empty() => None,
        Ok(Some(text)) => match text.trim().parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return Reply::wrong_type(format!("Field 'unitID' must be an integer, got \"{text}\"")),
        },
        Err(reply) => return reply,
    };
    let world = ctx.state.world.lock();
    let units: Vec<Value> = world
        .data
        .units
        .iter()
        .filter(|u| u.contract_id == contract_id && unit_id.is_none_or(|id| id == u.id))
        .map(|u| json!({"id": u.id, "description": u.name}))
        .collect();
    Reply::ok(json!({ "units": units }))
}
