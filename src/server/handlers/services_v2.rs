//! `/services/v2/*` besides login and the reference lists (`catalog_reads.rs`): coordinates,
//! device/disassociate, getWorkflow, units.

use serde_json::{json, Value};

use super::kinds::{Outcome, Reader, Writer};
use crate::server::faults::FaultKind;
use crate::server::input;
use crate::server::reply::Reply;

/// Moves a unit (facts §2.41): every failure is INPUT, as `buildSimpleError` makes it.
pub fn coordinates(w: &Writer<'_>, body: &Value) -> Outcome {
    let unit_id = input::req_int(body, "unitID", "Unit ID must not be null")?;
    let latitude = input::float(body, "latitude")?;
    let longitude = input::float(body, "longitude")?;
    let (Some(latitude), Some(longitude)) = (latitude, longitude) else {
        return Err(Reply::input("Latitude and longitude must not be null"));
    };
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return Err(Reply::input(format!("Invalid coordinates: latitude {latitude}, longitude {longitude}")));
    }
    w.write().move_unit(unit_id, latitude, longitude)?;
    Ok(Reply::ok(json!({"success": true})))
}

/// Deactivates the association the v2 login made between the user, the token and the connection
/// (facts §2.43).
pub fn device_disassociate(w: &Writer<'_>, body: &Value) -> Outcome {
    let connection = input::req_string(body, "connection", "Connection must not be null or empty")?;
    let token = input::req_string(body, "token", "Token must not be null or empty")?;
    w.write().disassociate_device(w.user(), &token, &connection)?;
    Ok(Reply::ok(json!({"success": true})))
}

/// The FluxoDTO of the data set, bare (the table's return is `FluxoDTO(JSON)`, D-JSON-RETURNS).
pub fn get_workflow(r: &Reader<'_>, _body: &Value) -> Outcome {
    Ok(Reply::Bare(r.world.catalog().workflow.to_value()))
}

/// The units of a contract, optionally only `unitID` (facts §2.47).
pub fn units(r: &Reader<'_>, body: &Value) -> Outcome {
    let contract_id = input::req_int(body, "contractID", "Contract ID must not be null")?;
    let unit_id = match input::text_or_int(body, "unitID")? {
        None => None,
        Some(text) if text.trim().is_empty() => None,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return Err(Reply::wrong_type(format!("Field 'unitID' must be an integer, got \"{text}\""))),
        },
    };
    let units: Vec<Value> = r
        .world
        .catalog()
        .units
        .iter()
        .filter(|u| {
            let contract_ok = u.contract_id == contract_id || r.fault(FaultKind::UnitsIgnoreContract);
            contract_ok && unit_id.is_none_or(|id| id == u.id)
        })
        .map(|u| json!({"id": u.id, "description": u.name}))
        .collect();
    Ok(Reply::ok(json!({ "units": units })))
}
