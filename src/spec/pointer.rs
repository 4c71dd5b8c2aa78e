//! Does an instance pointer (`/notifications/*/number`) land on a property the schema declares?
//! Follows `$ref` (to shared `$defs`), `allOf`/`anyOf`/`oneOf`, `properties` and `items`.

use serde_json::{Map, Value};

/// Bounds the walk: schemas are small, and a `$ref` cycle must not hang a check.
const MAX_VISITS: usize = 10_000;

pub fn declares(schema: &Value, defs: &Map<String, Value>, pointer: &str) -> bool {
    !reach(schema, defs, pointer).is_empty()
}

/// Whether the node at `pointer` describes its own properties; a node that does not (any JSON, a
/// free-form object) accepts whatever fields a client nests in it.
pub fn declares_properties(schema: &Value, defs: &Map<String, Value>, pointer: &str) -> bool {
    reach(schema, defs, pointer).iter().any(|node| node.get("properties").is_some())
}

/// The schema nodes (after `$ref`s and combinators) an instance pointer lands on.
fn reach<'a>(schema: &'a Value, defs: &'a Map<String, Value>, pointer: &str) -> Vec<&'a Value> {
    let segments: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    };
    let mut found = Vec::new();
    let mut stack: Vec<(&Value, &[String])> = vec![(schema, &segments)];
    let mut visits = 0;
    while let Some((node, segs)) = stack.pop() {
        visits += 1;
        if visits > MAX_VISITS {
            break;
        }
        let Some(obj) = node.as_object() else { continue };
        if let Some(target) = obj.get("$ref").and_then(Value::as_str).and_then(|r| resolve_ref(r, defs)) {
            stack.push((target, segs));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for sub in obj.get(key).and_then(Value::as_array).into_iter().flatten() {
                stack.push((sub, segs));
            }
        }
        let Some((first, rest)) = segs.split_first() else {
            found.push(node);
            continue;
        };
        if first == "*" {
            if let Some(items) = obj.get("items") {
                stack.push((items, rest));
            }
        } else if let Some(prop) = obj.get("properties").and_then(|p| p.get(first.as_str())) {
            stack.push((prop, rest));
        }
    }
    found
}

/// `#/$defs/name` → the shared definition.
pub fn resolve_ref<'a>(reference: &str, defs: &'a Map<String, Value>) -> Option<&'a Value> {
    reference.strip_prefix("#/$defs/").and_then(|name| defs.get(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_refs_combinators_and_items() {
        let defs = json!({"item": {"properties": {"number": {"type": "integer"}}}});
        let defs = defs.as_object().unwrap();
        let schema = json!({"allOf": [{"properties": {"list": {"type": "array", "items": {"$ref": "#/$defs/item"}}}}]});
        assert!(declares(&schema, defs, ""));
        assert!(declares(&schema, defs, "/list"));
        assert!(declares(&schema, defs, "/list/*/number"));
        assert!(!declares(&schema, defs, "/list/*/missing"));
        assert!(!declares(&schema, defs, "/other"));
    }

    #[test]
    fn a_ref_cycle_terminates() {
        let defs = json!({"a": {"$ref": "#/$defs/a"}});
        assert!(!declares(&json!({"$ref": "#/$defs/a"}), defs.as_object().unwrap(), "/x"));
    }
}
