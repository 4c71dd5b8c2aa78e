//! `/services/v2/*` (login is in `login.rs`).

use serde_json::{json, Value};

use crate::server::context::{Ctx, Handler};
use crate::server::reply::Reply;

pub fn handler_for(path: &str) -> Option<Handler> {
    match path {
        "/services/v2/contracts" => Some(contracts),
        _ => None,
    }
}

/// The active contracts of the session user's employee (facts §2.40).
fn contracts(ctx: &Ctx<'_>, _body: &Value) -> Reply {
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
