//! The reference data of a world, as the data set gives it and nothing changes it: users,
//! contracts, units, services, reasons, justifications, teams, the workflow and the named queries.
//! Users and services are indexed, since every list item names its service.

use std::collections::HashMap;

use serde_json::Value;

use super::opaque::OpaqueJson;
use crate::server::data::{
    Contract, DataSet, DeniedOperations, IdText, Justificativa, Operation, ServiceDef, Team, Ticket, Unit, User,
};

/// One column value of a named query's row: a scalar, or a nested value kept opaque.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    Nested(OpaqueJson),
}

impl Cell {
    fn of(value: &Value) -> Cell {
        match value {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => Cell::Number(n.clone()),
            Value::String(s) => Cell::Text(s.clone()),
            other => Cell::Nested(OpaqueJson::of(other)),
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Number(n) => Value::Number(n.clone()),
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Nested(json) => json.to_value(),
        }
    }

    /// Scalars as text: a column matches a parameter written as a number in one place and a string
    /// in the other, the closest an in-memory table gets to bind values.
    fn text(&self) -> Option<String> {
        match self {
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Number(n) => Some(n.to_string()),
            Cell::Text(s) => Some(s.clone()),
            Cell::Null | Cell::Nested(_) => None,
        }
    }

    /// Equal to a request parameter, or the same scalar in another JSON type.
    pub fn matches(&self, wanted: &Value) -> bool {
        let wanted_text = match wanted {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let same = match (self, wanted) {
            (Cell::Null, Value::Null) => true,
            (Cell::Nested(json), other) => json.to_value() == *other,
            _ => false,
        };
        same || matches!((self.text(), wanted_text), (Some(a), Some(b)) if a == b)
    }
}

/// A row: its columns in the data set's order, or (the data set schema allows any JSON there) a
/// lone value with no columns.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Columns(Vec<(String, Cell)>),
    Value(Cell),
}

impl Row {
    fn of(value: &Value) -> Row {
        match value {
            Value::Object(map) => Row::Columns(map.iter().map(|(k, v)| (k.clone(), Cell::of(v))).collect()),
            other => Row::Value(Cell::of(other)),
        }
    }

    pub fn get(&self, column: &str) -> Option<&Cell> {
        match self {
            Row::Columns(columns) => columns.iter().find(|(name, _)| name == column).map(|(_, cell)| cell),
            Row::Value(_) => None,
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Row::Columns(columns) => {
                Value::Object(columns.iter().map(|(name, cell)| (name.clone(), cell.to_value())).collect())
            }
            Row::Value(cell) => cell.to_value(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Query {
    pub name: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub name: String,
    pub users: Vec<User>,
    pub contracts: Vec<Contract>,
    /// Units as the data set places them (`new` takes a user's default position from here;
    /// `coordinates` moves units in `UnitPositions`).
    pub units: Vec<Unit>,
    pub services: Vec<ServiceDef>,
    pub approval_reasons: Vec<IdText>,
    pub denied_reasons: Vec<IdText>,
    pub solution_categories: Vec<IdText>,
    pub suspension_reasons: Vec<IdText>,
    pub justificativas: Vec<Justificativa>,
    pub teams: Vec<Team>,
    pub workflow: OpaqueJson,
    pub queries: Vec<Query>,
    pub range_action: i64,
    pub location_interval: i64,
    pub denied_operations: Vec<DeniedOperations>,
    user_index: HashMap<String, usize>,
    service_index: HashMap<i64, usize>,
}

impl Catalog {
    /// The catalogue of a data set, and its requests (which become the world's tickets).
    pub fn of(data: DataSet) -> (Catalog, Vec<Ticket>) {
        let mut user_index = HashMap::new();
        for (i, user) in data.users.iter().enumerate() {
            user_index.entry(user.login.clone()).or_insert(i);
        }
        let mut service_index = HashMap::new();
        for (i, service) in data.services.iter().enumerate() {
            service_index.entry(service.code).or_insert(i);
        }
        let queries = data
            .queries
            .iter()
            .map(|q| Query { name: q.name.clone(), rows: q.rows.iter().map(Row::of).collect() })
            .collect();
        let catalog = Catalog {
            name: data.name,
            users: data.users,
            contracts: data.contracts,
            units: data.units,
            services: data.services,
            approval_reasons: data.approval_reasons,
            denied_reasons: data.denied_reasons,
            solution_categories: data.solution_categories,
            suspension_reasons: data.suspension_reasons,
            justificativas: data.justificativas,
            teams: data.teams,
            workflow: OpaqueJson::of(&data.workflow),
            queries,
            range_action: data.range_action,
            location_interval: data.location_interval,
            denied_operations: data.denied_operations,
            user_index,
            service_index,
        };
        (catalog, data.requests)
    }

    pub fn user(&self, login: &str) -> Option<&User> {
        self.user_index.get(login).and_then(|i| self.users.get(*i))
    }

    /// Whether the user's role may run the operation (the data set's permission table).
    pub fn may(&self, login: &str, operation: Operation) -> bool {
        let Some(user) = self.user(login) else { return false };
        !self.denied_operations.iter().any(|d| d.role == user.role && d.operations.contains(&operation))
    }

    /// Whether the two users are in the same executor group (a group peer may attend and check in
    /// on the other's tasks, D-USERS).
    pub fn same_group(&self, a: &str, b: &str) -> bool {
        match (self.user(a), self.user(b)) {
            (Some(a), Some(b)) => a.group_id == b.group_id,
            _ => false,
        }
    }

    pub fn is_coordinator(&self, login: &str) -> bool {
        self.user(login).is_some_and(|u| u.role == crate::server::data::Role::Coordinator)
    }

    pub fn service(&self, code: i64) -> Option<&ServiceDef> {
        self.service_index.get(&code).and_then(|i| self.services.get(*i))
    }

    /// The service's name, or `Serviço CODE` for a code the data set lacks.
    pub fn service_name(&self, code: i64) -> std::borrow::Cow<'_, str> {
        match self.service(code) {
            Some(s) => std::borrow::Cow::Borrowed(s.name.as_str()),
            None => std::borrow::Cow::Owned(format!("Serviço {code}")),
        }
    }

    pub fn contract_exists(&self, id: i64) -> bool {
        self.contracts.iter().any(|c| c.id == id)
    }

    /// The user whose password this is; `any_password` trusts any (`login-any-password`).
    pub fn authenticate(&self, login: &str, password: &str, any_password: bool) -> Option<&User> {
        self.user(login).filter(|u| u.password == password || any_password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_match_the_same_scalar_in_another_type() {
        assert!(Cell::of(&json!(1000)).matches(&json!("1000")));
        assert!(Cell::of(&json!("EmAndamento")).matches(&json!("EmAndamento")));
        assert!(!Cell::of(&json!("a")).matches(&json!("b")));
        assert!(Cell::of(&json!(null)).matches(&json!(null)));
        assert!(Cell::of(&json!({"a": [1]})).matches(&json!({"a": [1]})));
    }

    #[test]
    fn users_and_services_are_found_by_key() {
        let (catalog, tickets) = Catalog::of(DataSet::builtin());
        assert!(catalog.user("tecnico").is_some());
        assert!(catalog.user("nobody").is_none());
        let code = catalog.services[0].code;
        assert_eq!(catalog.service_name(code), catalog.services[0].name);
        assert_eq!(catalog.service_name(-1), "Serviço -1");
        assert_eq!(tickets.len(), 50);
    }
}
