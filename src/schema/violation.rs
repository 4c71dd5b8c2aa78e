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
    /// The offending value (of the first occurrence).
    pub value: Value,
    /// How many members broke this rule the same way (items of a list): one violation stands for
    /// all of them, `instance_path` is the first.
    pub occurrences: usize,
    /// For a member of list items: the list (`/notifications/*` form) and its length.
    pub out_of: Option<(String, usize)>,
}

impl Violation {
    /// `/notifications/*/taskId: "taskId" is a required property (in 90 of 90 items)`, or the
    /// single instance's path and message.
    pub fn summary(&self) -> String {
        let at = if self.instance_path.is_empty() { "/" } else { &self.instance_path };
        match &self.out_of {
            Some((_, len)) => {
                format!("{}: {} (in {} of {} items)", super::reach::star(at), self.message, self.occurrences, len)
            }
            None if self.occurrences > 1 => format!("{at}: {} ({} times)", self.message, self.occurrences),
            None => format!("{at}: {}", self.message),
        }
    }
}
