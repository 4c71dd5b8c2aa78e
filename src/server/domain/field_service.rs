//! The mobile v2 field-service flow (facts §2.8-2.12): attend a request, check in on one of its
//! tasks, report positions, check out (moving the request's status), or record why a check-in was
//! not possible.

use super::journal::{Denial, Position};
use super::refusal::Refusal;
use super::request_date::RequestDate;
use super::statuses::{is_open, STATUSES};
use super::world::World;
use crate::server::data::{Operation, TaskState};

/// The switches of the field-service flow: faults that break a rule and the freedom that narrows
/// who may work on a task.
#[derive(Debug, Clone, Copy)]
pub struct FieldRules {
    /// A group peer of a task's assignee may attend its request and check in on it (off with the
    /// `assignee-only` freedom).
    pub peers: bool,
    /// The `second-checkin-allowed` fault: a user may hold two check-ins.
    pub second_checkin: bool,
    /// The `checkin-ignores-others` fault: a task another attendant is checked in on takes a
    /// second check-in.
    pub ignore_others: bool,
}

impl Default for FieldRules {
    fn default() -> Self {
        FieldRules { peers: true, second_checkin: false, ignore_others: false }
    }
}

/// The product's refusal of an operation the user's group may not run (AG-MSG, facts §3.2).
pub const NO_ACCESS: &str = "Usuário não tem acesso à operação";

/// A check-out, decoded.
#[derive(Debug, Clone)]
pub struct CheckOut {
    pub login: String,
    pub task_id: i64,
    /// Mobile status id, one of `STATUSES`.
    pub status: i64,
    pub solution: Option<i64>,
    pub desc_solution: Option<String>,
    /// Solved (4) needs a solution category, suspended (2) a suspension reason; the 7.x code does
    /// not check (`checkout-unchecked`).
    pub check_solution: bool,
    /// The `checkout-without-checkin` fault.
    pub without_checkin: bool,
    /// The `checkout-keeps-status` fault.
    pub keep_status: bool,
    /// The `checkout-any-user` fault: a user without a check-in ends another user's check-in on
    /// the task.
    pub any_user: bool,
}

/// A denied check-in, decoded.
#[derive(Debug, Clone)]
pub struct DeniedCheckIn {
    pub login: String,
    pub task_id: i64,
    pub reason_id: i64,
    /// 7.x only inserts the row: any reason goes (`denied-any-reason`).
    pub any_reason: bool,
    pub latitude: f64,
    pub longitude: f64,
    pub date: RequestDate,
}

impl World {
    /// The user takes request `number`: their open tasks of it (or, with `rules.peers`, those of a
    /// group peer when they hold none) go in service, and the assignment that checkin requires is
    /// recorded. Attending again changes nothing.
    pub fn attend(&mut self, login: &str, number: i64, rules: FieldRules) -> Result<(), Refusal> {
        if !self.catalog.may(login, Operation::AttendRequest) {
            return Err(Refusal::permission(NO_ACCESS));
        }
        let ticket = self.tickets.get(number).ok_or_else(|| Refusal::input(format!("Request {number} not found")))?;
        let open_of = |who: &dyn Fn(&str) -> bool| -> Vec<i64> {
            ticket.tasks.iter().filter(|k| who(&k.assignee) && is_open(k)).map(|k| k.task_id).collect()
        };
        let mut tasks = open_of(&|assignee| assignee == login);
        if tasks.is_empty() && rules.peers {
            tasks = open_of(&|assignee| self.catalog.same_group(assignee, login));
        }
        if tasks.is_empty() {
            return Err(Refusal::input(format!("Request {number} has no open task for the user")));
        }
        if tasks.iter().any(|t| !self.field.in_service(*t)) {
            self.field.put_in_service(&tasks);
        }
        if !self.field.is_assigned(login, number) {
            self.field.assign(login, number);
        }
        Ok(())
    }

    /// The request number of the task the user is checked in on, dropping a check-in whose task
    /// was since closed by other means (so the user is not blocked for ever).
    fn active_checkin(&mut self, login: &str) -> Option<i64> {
        let task_id = self.field.checkin_of(login)?;
        let live = self.tickets.task(task_id).filter(|(_, task)| task.state == TaskState::InCheckin);
        match live {
            Some((ticket, _)) => Some(ticket.number),
            None => {
                self.field.end_check_in(login);
                None
            }
        }
    }

    /// Checks the user in on a task of a request they attend: their own task, or with
    /// `rules.peers` a group peer's. One open check-in per user, and one attendant checked in on a
    /// task (facts §2.10). Returns the request's number.
    pub fn check_in(&mut self, login: &str, task_id: i64, rules: FieldRules) -> Result<i64, Refusal> {
        if !self.catalog.may(login, Operation::Checkin) {
            return Err(Refusal::permission(NO_ACCESS));
        }
        if let Some(active) = self.active_checkin(login).filter(|_| !rules.second_checkin) {
            return Err(Refusal::input(format!(
                "You own active checkin(s) for request(s) {active}. Perform checkout(s) before."
            )));
        }
        let (ticket, task) =
            self.tickets.task(task_id).ok_or_else(|| Refusal::input(format!("Task {task_id} not found")))?;
        let number = ticket.number;
        if !self.field.is_assigned(login, number) {
            return Err(Refusal::input(format!(
                "There is no assignment for request {number} .You can only make checkin if there is an assignment for you."
            )));
        }
        if task.state == TaskState::InCheckin && !rules.ignore_others {
            return Err(Refusal::input(format!("Another attendant has checked in on request {number}.")));
        }
        let may_work = task.assignee == login || (rules.peers && self.catalog.same_group(&task.assignee, login));
        if !may_work || !is_open(task) {
            return Err(Refusal::input(format!("Task {task_id} is not open for the user")));
        }
        self.tickets.set_task_state(task_id, TaskState::InCheckin);
        self.field.check_in(login, task_id);
        Ok(number)
    }

    /// The attendant could not check in: the denial is recorded, and the task stays (or becomes
    /// again) available and out of check-in (MV2-CHECKIN-DENIED-004).
    pub fn deny_check_in(&mut self, denied: DeniedCheckIn) -> Result<(), Refusal> {
        let (login, task_id, reason_id) = (denied.login.as_str(), denied.task_id, denied.reason_id);
        if !denied.any_reason && !self.catalog.denied_reasons.iter().any(|r| r.id == reason_id) {
            return Err(Refusal::input(format!("Denial reason {reason_id} not found")));
        }
        let (ticket, task) =
            self.tickets.task(task_id).ok_or_else(|| Refusal::input(format!("Task {task_id} not found")))?;
        let number = ticket.number;
        if task.assignee != login {
            return Err(Refusal::input(format!("Task {task_id} is not assigned to the user")));
        }
        if self.field.checkin_of(login) == Some(task_id) {
            self.field.end_check_in(login);
            self.tickets.set_task_state(task_id, TaskState::Available);
        }
        self.journal.record_denial(Denial {
            login: denied.login,
            task_id,
            number,
            reason_id,
            latitude: denied.latitude,
            longitude: denied.longitude,
            date: denied.date,
        });
        Ok(())
    }

    /// Ends the user's check-in on the task and moves its request to the status. Returns the
    /// request's number.
    pub fn check_out(&mut self, out: CheckOut) -> Result<i64, Refusal> {
        let (login, task_id, status) = (out.login.as_str(), out.task_id, out.status);
        let Some(&(_, status_code, _)) = STATUSES.iter().find(|(id, ..)| *id == status) else {
            return Err(Refusal::input(format!("Status {status} is not one of 1, 2, 3, 4")));
        };
        if (status == 2 || status == 4) && out.check_solution {
            let (Some(solution), Some(_)) = (out.solution, out.desc_solution.filter(|d| !d.trim().is_empty())) else {
                return Err(Refusal::input(format!("solution and descSolution are required for status {status}")));
            };
            let known = if status == 4 { &self.catalog.solution_categories } else { &self.catalog.suspension_reasons };
            if !known.iter().any(|r| r.id == solution) {
                return Err(Refusal::input(format!("Solution {solution} is not valid for status {status}")));
            }
        }
        let number = self
            .tickets
            .task(task_id)
            .map(|(ticket, _)| ticket.number)
            .ok_or_else(|| Refusal::input(format!("Task {task_id} not found")))?;
        if !self.catalog.may(login, Operation::Checkout) {
            return Err(Refusal::permission(NO_ACCESS));
        }
        let checked_in = self.active_checkin(login).is_some() && self.field.checkin_of(login) == Some(task_id);
        let other = if checked_in { None } else { self.field.holder_of(task_id) };
        let taken_over = out.any_user && other.is_some();
        if !checked_in && !out.without_checkin && !taken_over {
            return Err(Refusal::input(format!(
                "There is no check in for request {number}. You can only perform checkout if there is a checkin."
            )));
        }
        if checked_in {
            self.field.end_check_in(login);
        }
        if let Some(other) = other.filter(|_| taken_over) {
            self.field.end_check_in(&other);
        }
        let state = match status {
            1 => TaskState::Available,
            2 => TaskState::Suspended,
            // Cancelled or solved: the task's work is over.
            _ => TaskState::Done,
        };
        self.tickets.set_task_state(task_id, state);
        if !out.keep_status {
            self.tickets.modify(number, |ticket| ticket.status = status_code.to_string());
        }
        Ok(number)
    }

    /// A position the app reports (kept in the journal's bounded history).
    pub fn report_position(&mut self, position: Position) {
        self.journal.record_position(position);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;
    use crate::server::domain::journal::JOURNAL_KEPT;

    /// Positions are reported twice per technician loop: the journal keeps the newest only.
    #[test]
    fn reported_positions_stay_bounded() {
        let mut world = World::new(DataSet::builtin());
        for i in 0..5000 {
            world.report_position(Position {
                login: "tecnico".into(),
                latitude: -15.0,
                longitude: -47.0,
                time: RequestDate::Millis(i),
            });
        }
        let positions = world.journal().positions();
        assert_eq!(positions.len(), JOURNAL_KEPT);
        assert_eq!(positions.iter().last().map(|p| p.time.clone()), Some(RequestDate::Millis(4999)));
    }

    /// A refused command changes nothing, so cached answers survive it (world_cell.rs); a real
    /// change moves the revision.
    #[test]
    fn only_commands_that_change_the_world_move_its_revision() {
        let mut world = World::new(DataSet::builtin());
        let (number, task) = {
            let (ticket, task) = world.tickets().open_tasks_of("tecnico").next().expect("the technician has a task");
            (ticket.number, task.task_id)
        };
        let revision = world.revision();
        world.attend("tecnico", number, FieldRules::default()).unwrap();
        assert!(world.revision() > revision, "a first attendRequest is a change");
        let revision = world.revision();
        world.attend("tecnico", number, FieldRules::default()).unwrap();
        assert_eq!(world.revision(), revision, "attending again changes nothing");
        world.check_in("tecnico", task, FieldRules::default()).unwrap();
        assert!(world.revision() > revision, "a check-in is a change");
        let revision = world.revision();
        assert!(world.check_in("tecnico", task, FieldRules::default()).is_err());
        assert_eq!(world.revision(), revision, "a refused check-in changes nothing");
        world.report_position(Position {
            login: "tecnico".into(),
            latitude: 0.0,
            longitude: 0.0,
            time: RequestDate::Millis(0),
        });
        assert_eq!(world.revision(), revision, "the journal is no answer's");
    }
}
