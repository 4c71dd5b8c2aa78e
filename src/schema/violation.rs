use serde::Serialize;
use serde_json::Value;

use crate::spec::Level;

/// One schema validation error, attributed to the requirement it breaks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub requirement: String,
    pub level: Level,
    /// JSON pointer into the instance (`/notifications/0/taskId`).
    pub instance_path: String,
    /// Where in the schema, through `$ref`s (`/allOf/1/properties/contracts/items/$ref/required`).
    pub schema_path: String,
    /// What is wrong, leading with the value (`"12" is not of type "integer"`).
    pub message: String,
    /// The offending value.
    pub value: Value,
}
