//! `/services/synchronize`, `/synchronize/find` and `/synchronize/delete`: the DE-PARA mappings.

use serde_json::{json, Value};

use super::kinds::{Outcome, Reader, Writer};
use super::request_fields::missing;
use super::services::opt_text;
use crate::server::domain::mappings::{Mapping, MappingFilter};
use crate::server::freedoms::FreedomKind;
use crate::server::reply::Reply;

/// Reads the three keys; `required` makes each one mandatory.
fn keys(body: &Value, required: bool) -> Result<MappingFilter, Reply> {
    let read = |field: &str, text: &str| -> Result<Option<String>, Reply> {
        let value = opt_text(body, field)?;
        if required && value.is_none() {
            return Err(Reply::input(missing(text, field)));
        }
        Ok(value)
    };
    Ok(MappingFilter {
        object: read("object", "Objeto não informado")?,
        from_key: read("fromKey", "Chave de origem não informada")?,
        to_key: read("toKey", "Chave de destino não informada")?,
    })
}

/// Records (object, fromKey) → toKey; a later synchronize of the same source key replaces it.
pub fn synchronize(w: &Writer<'_>, body: &Value) -> Outcome {
    let (object, from_key, to_key) = match keys(body, true)? {
        MappingFilter { object: Some(o), from_key: Some(f), to_key: Some(t) } => (o, f, t),
        _ => return Err(Reply::input("Objeto e chaves do DE-PARA não informados")),
    };
    w.write().synchronize(Mapping { object, from_key, to_key });
    Ok(Reply::empty())
}

/// The mappings matching every key sent (each key is optional); none found is 200 with amount 0,
/// or 412 INPUT with `find-after-delete-412` (both accepted, DECISIONS.md synchronize).
pub fn find(r: &Reader<'_>, body: &Value) -> Outcome {
    let filter = keys(body, false)?;
    let found: Vec<Value> = r
        .world
        .mappings()
        .matching(&filter)
        .map(|m| json!({"object": m.object, "fromKey": m.from_key, "toKey": m.to_key}))
        .collect();
    if found.is_empty() && r.freedom(FreedomKind::FindAfterDelete412) {
        return Err(Reply::input("DE-PARA não encontrado para o objeto e as chaves informados"));
    }
    Ok(Reply::ok(json!({"amount": found.len(), "requests": found})))
}

/// Removes the mappings matching the keys; the object and at least one key are needed, so that a
/// bare call cannot wipe the table.
pub fn delete(w: &Writer<'_>, body: &Value) -> Outcome {
    let filter = keys(body, false)?;
    if filter.object.is_none() {
        return Err(Reply::input(missing("Objeto não informado", "object")));
    }
    if filter.from_key.is_none() && filter.to_key.is_none() {
        return Err(Reply::input(missing("Chave de origem não informada", "fromKey")));
    }
    w.write().delete_mappings(&filter)?;
    Ok(Reply::empty())
}
