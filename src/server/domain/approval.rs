//! Mobile v1 feedback: an approver decides a task awaiting approval (facts §2.1).

use super::field_service::NO_ACCESS;
use super::refusal::Refusal;
use super::world::World;
use crate::server::data::{Operation, Task, TaskKind, TaskState};

/// The product's texts (facts §2.1).
const RATIONALE_UNKNOWN: &str = "Rationale Unknown";
const ALREADY_DECIDED: &str = "The task has been approved or not approved in";

/// A decision, decoded.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub login: String,
    pub task_id: i64,
    pub approve: bool,
    pub reason_id: Option<i64>,
    /// The `feedback-twice` fault: a decided task may be decided again.
    pub redecide: bool,
    /// The `feedback-any-user` fault: whoever the user is, the task is decided.
    pub any_user: bool,
}

pub fn awaits_approval(task: &Task) -> bool {
    task.kind == TaskKind::Approval && task.state == TaskState::AwaitingApproval
}

impl World {
    /// Approves or rejects; a rejection needs one of getReasons' reasons (0 is "Rationale Unknown").
    /// Only a user whose group may decide approvals decides, and only its own tasks (D-USERS).
    pub fn feedback(&mut self, feedback: Feedback) -> Result<(), Refusal> {
        if !feedback.any_user && !self.catalog.may(&feedback.login, Operation::Feedback) {
            return Err(Refusal::permission(NO_ACCESS));
        }
        let task_id = feedback.task_id;
        let (_, task) = self.task_or_fail(task_id)?;
        if task.assignee != feedback.login && !feedback.any_user {
            return Err(Refusal::input(format!("Task {task_id} is not assigned to the user")));
        }
        let redecide = matches!(task.state, TaskState::Approved | TaskState::Rejected) && feedback.redecide;
        if !(awaits_approval(task) || redecide) {
            return Err(Refusal::input(ALREADY_DECIDED));
        }
        if !feedback.approve {
            let known = feedback
                .reason_id
                .is_some_and(|id| id != 0 && self.catalog.approval_reasons.iter().any(|r| r.id == id));
            if !known {
                return Err(Refusal::input(RATIONALE_UNKNOWN));
            }
        }
        let state = if feedback.approve { TaskState::Approved } else { TaskState::Rejected };
        self.tickets.set_task_state(task_id, state);
        Ok(())
    }
}
