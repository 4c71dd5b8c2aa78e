//! The reference lists of `/services/v2/*` that `/services/execute` can also run: contracts,
//! denial reasons, statuses.

use serde_json::{json, Value};

use super::kinds::{Outcome, Reader};
use crate::server::domain::statuses::STATUSES;
use crate::server::freedoms::FreedomKind;
use crate::server::reply::Reply;

/// The active contracts of the session user's employee (facts §2.40).
pub fn contracts(r: &Reader<'_>, _body: &Value) -> Outcome {
    let catalog = r.world.catalog();
    let ids: &[i64] = catalog.user(r.user()).map_or(&[], |u| u.contract_ids.as_slice());
    let contracts: Vec<Value> = catalog
        .contracts
        .iter()
        .filter(|c| ids.contains(&c.id))
        .map(|c| json!({"id": c.id, "description": c.number}))
        .collect();
    Ok(Reply::ok(json!({ "contracts": contracts })))
}

/// The active check-in denial reasons (facts §2.42).
pub fn denied_reasons(r: &Reader<'_>, _body: &Value) -> Outcome {
    let reasons: Vec<Value> =
        r.world.catalog().denied_reasons.iter().map(|r| json!({"id": r.id, "description": r.description})).collect();
    Ok(Reply::ok(json!({ "reasons": reasons })))
}

/// Statuses 1..4; Suspensa carries the suspension reasons and Resolvida the solution categories
/// (facts §2.46). No source orders them: `status-order` lists 4, 2, 3, 1 and reverses each list.
pub fn status(r: &Reader<'_>, _body: &Value) -> Outcome {
    let catalog = r.world.catalog();
    let reorder = r.freedom(FreedomKind::StatusOrder);
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
                let reasons: Vec<Value> = catalog
                    .suspension_reasons
                    .iter()
                    .map(|r| json!({"id": r.id, "description": r.description}))
                    .collect();
                json!({"id": id, "description": description, "justifications": arrange(reasons)})
            }
            4 => {
                // parentId is set only when > 0, as the real code does.
                let categories: Vec<Value> = catalog
                    .solution_categories
                    .iter()
                    .map(|r| json!({"id": r.id, "description": r.description, "parentId": r.parent_id.filter(|p| *p > 0)}))
                    .collect();
                json!({"id": id, "description": description, "justifications": arrange(categories)})
            }
            _ => json!({"id": id, "description": description}),
        })
        .collect();
    Ok(Reply::ok(json!({ "status": items })))
}
