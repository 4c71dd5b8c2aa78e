//! The status vocabularies: request status codes (the Java enum names, facts §2.39), the four
//! statuses a mobile checkout can set (facts §2.46), and whether a task is still open.

use crate::server::data::{Task, TaskState};

/// Mobile status id (1..4) ↔ request status code ↔ description.
pub const STATUSES: [(i64, &str, &str); 4] = [
    (1, "EmAndamento", "Em andamento"),
    (2, "Suspensa", "Suspensa"),
    (3, "Cancelada", "Cancelada"),
    (4, "Resolvida", "Resolvida"),
];

/// Request status codes `updateStatus` accepts.
pub const STATUS_CODES: [&str; 6] = ["EmAndamento", "Suspensa", "Cancelada", "Resolvida", "Reaberta", "Fechada"];

/// The product's name of a status code (an unknown code names itself).
pub fn status_name(code: &str) -> &str {
    match code {
        "EmAndamento" => "Em andamento",
        "Suspensa" => "Suspensa",
        "Cancelada" => "Cancelada",
        "Resolvida" => "Resolvida",
        "Reaberta" => "Reaberta",
        "Fechada" => "Fechada",
        other => other,
    }
}

/// Lower case without spaces, so `Em Andamento` matches `EmAndamento`.
pub fn normalize(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Decided, rejected and finished tasks are closed; lists show open ones only.
pub fn is_open(task: &Task) -> bool {
    !matches!(task.state, TaskState::Approved | TaskState::Rejected | TaskState::Done)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn status_codes_match_ignoring_case_and_spaces() {
        assert_eq!(normalize("Em Andamento"), normalize("EmAndamento"));
    }
}
