//! What the mobile lists share (v2's classes extend v1's): the type and approval filter, the
//! order a freedom may choose, the task id every task endpoint reads, and the product's texts.

use serde_json::Value;

use super::kinds::Reader;
use crate::server::data::{Task, TaskState, Ticket};
use crate::server::domain::approval::awaits_approval;
use crate::server::domain::World;
use crate::server::faults::FaultKind;
use crate::server::freedom_apply;
use crate::server::freedoms::FreedomSet;
use crate::server::input;
use crate::server::reply::Reply;

/// The real product's texts (facts §2.1-2.5, §2.20).
pub const TASK_ID_MISSING: &str = "Task id not informed";
pub const TYPE_INVALID: &str = "At least one request type must be selected";

/// v1's system URL: parameter + context with `//` collapsed, hence `http:/` (facts §2.2). The
/// reference has no configured public URL, so it names the loopback host.
pub const SITE: &str = "http:/localhost/citsmart";

/// `notificationType` and `onlyApproval` of the list queries (specs/defs/mobile.json).
#[derive(Debug, Clone, Copy)]
pub struct ListQuery {
    /// 0 = every type, 1..5 = that `mobile_type`.
    pub notification_type: i64,
    pub only_approval: bool,
    /// The `type-filter-ignored` fault: every type is listed whatever `notification_type` says.
    pub any_type: bool,
}

impl ListQuery {
    pub fn read(reader: &Reader<'_>, body: &Value) -> Result<ListQuery, Reply> {
        let mut query = Self::parse(body)?;
        query.any_type = reader.fault(FaultKind::TypeFilterIgnored);
        Ok(query)
    }

    fn parse(body: &Value) -> Result<ListQuery, Reply> {
        let notification_type = input::int(body, "notificationType")?
            .ok_or_else(|| Reply::input("Field 'notificationType' not informed"))?;
        if !(0..=5).contains(&notification_type) {
            return Err(Reply::input(TYPE_INVALID));
        }
        let only_approval =
            input::flag(body, "onlyApproval")?.ok_or_else(|| Reply::input("Field 'onlyApproval' not informed"))?;
        Ok(ListQuery { notification_type, only_approval: only_approval == 1, any_type: false })
    }

    pub fn matches(&self, ticket: &Ticket, task: &Task) -> bool {
        let type_ok = self.any_type || self.notification_type == 0 || ticket.mobile_type == self.notification_type;
        let approval_ok = !self.only_approval || awaits_approval(task);
        type_ok && approval_ok
    }
}

/// The user's open tasks that `query` selects, newest request first.
pub fn listed<'a>(
    world: &'a World,
    login: &str,
    query: ListQuery,
) -> impl Iterator<Item = (&'a Ticket, &'a Task)> + 'a {
    world.tickets().open_tasks_of(login).filter(move |(ticket, task)| query.matches(ticket, task))
}

/// At most `limit` items in the order the list answers them: the reference's (newest request
/// first: the first `limit` are taken without looking further), or the one a freedom chooses
/// (`freedom_apply::list_key`: every item is sorted first).
pub fn first<'a>(
    freedoms: &FreedomSet,
    items: impl Iterator<Item = (&'a Ticket, &'a Task)>,
    limit: usize,
) -> Vec<(&'a Ticket, &'a Task)> {
    if !freedom_apply::reorders(freedoms) {
        return items.take(limit).collect();
    }
    let mut items: Vec<(&Ticket, &Task)> = items.collect();
    items.sort_by_key(|(ticket, task)| freedom_apply::list_key(freedoms, ticket.number, task.task_id));
    items.truncate(limit);
    items
}

/// Every item, in the order the list answers them.
pub fn ordered<'a>(
    freedoms: &FreedomSet,
    items: impl Iterator<Item = (&'a Ticket, &'a Task)>,
) -> Vec<(&'a Ticket, &'a Task)> {
    first(freedoms, items, usize::MAX)
}

/// Task status as the product describes it.
pub fn task_status_text(state: TaskState) -> &'static str {
    match state {
        TaskState::Available => "Disponível",
        TaskState::AwaitingApproval => "Aguardando aprovação",
        TaskState::InCheckin => "Em execução",
        TaskState::Suspended => "Suspensa",
        TaskState::Late => "Atrasada",
        TaskState::Approved => "Aprovada",
        TaskState::Rejected => "Reprovada",
        TaskState::Done => "Concluída",
    }
}

/// A required task id, or 412 INPUT "Task id not informed".
pub fn task_id(body: &Value) -> Result<i64, Reply> {
    input::req_int(body, "taskId", TASK_ID_MISSING)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;
    use serde_json::json;

    #[test]
    fn list_query_checks_the_type_range() {
        assert!(ListQuery::parse(&json!({"notificationType": 9, "onlyApproval": 0})).is_err());
        assert!(ListQuery::parse(&json!({"onlyApproval": 0})).is_err());
        let q = ListQuery::parse(&json!({"notificationType": 0, "onlyApproval": "S"})).unwrap();
        assert!(q.only_approval);
    }

    #[test]
    fn only_approval_selects_tasks_awaiting_approval() {
        let world = World::new(DataSet::builtin());
        let q = ListQuery { notification_type: 0, only_approval: true, any_type: false };
        let tasks: Vec<_> = listed(&world, "aprovador", q).collect();
        assert!(!tasks.is_empty());
        assert!(tasks.iter().all(|(_, task)| awaits_approval(task)));
        assert_eq!(listed(&world, "tecnico", q).count(), 0);
    }
}
