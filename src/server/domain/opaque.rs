//! JSON the API defines as "any value" (D-TYPES-8X, D-JSON-RETURNS): kept as its compact text and
//! never interpreted, so the world holds no JSON tree; it is parsed again only at the edge.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpaqueJson(Box<str>);

impl OpaqueJson {
    pub fn of(value: &Value) -> OpaqueJson {
        OpaqueJson(value.to_string().into_boxed_str())
    }

    /// The value again (its own serialization, so it always parses).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
