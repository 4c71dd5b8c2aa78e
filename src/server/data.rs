//! The reference server's data set: users, contracts, units, services, requests with tasks, reasons,
//! statuses, justifications, teams, a workflow. `--data FILE` loads another one; its JSON Schema is
//! generated from these types (specs/meta/dataset.schema.json).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a user can do; the demo users have one role each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Technician,
    Approver,
    Requester,
    Coordinator,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    pub login: String,
    pub password: String,
    pub name: String,
    pub employee_id: i64,
    pub role: Role,
    /// Unit of the employee; used by `new` for coordinates and by `units`.
    pub unit_id: i64,
    /// Active contracts of the employee (`/services/v2/contracts`).
    pub contract_ids: Vec<i64>,
    /// Executor group acronym (sigla).
    pub group_id: String,
}

/// An operation of the data set's permission table (the product dispatches every operation through
/// a user-group to operation table, `Rest_Permission`, facts §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    /// Mobile v1 feedback: deciding an approval.
    Feedback,
    AttendRequest,
    Checkin,
    Checkout,
}

/// Operations a role may not run; the reference refuses them with `PERMISSION` (D-USERS).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeniedOperations {
    pub role: Role,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contract {
    pub id: i64,
    /// The contract number, shown as `description`.
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub contract_id: i64,
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceDef {
    pub code: i64,
    pub name: String,
    pub category_code: String,
    pub category_name: String,
    pub contract_id: i64,
}

/// An `{id, description}` item: approval reasons, denial reasons, suspension reasons.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdText {
    pub id: i64,
    pub description: String,
    /// Parent id, for solution categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Justificativa {
    pub id_justificativa: i64,
    pub descricao_justificativa: String,
    pub suspensao: String,
    pub situacao: String,
    pub viagem: String,
    pub aprovacao: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TaskKind {
    /// Work to execute (waiting = 1 in lists, typeRequest 0).
    Execution,
    /// An approval (typeRequest 1); `feedback` decides it.
    Approval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TaskState {
    Available,
    AwaitingApproval,
    InCheckin,
    Suspended,
    Late,
    Approved,
    Rejected,
    Done,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Task {
    pub task_id: i64,
    pub name: String,
    pub kind: TaskKind,
    pub state: TaskState,
    /// Login of the user the task is assigned to.
    pub assignee: String,
    /// Minutes left in the SLA; negative when late.
    pub sla_minutes: i64,
    #[serde(default)]
    pub priority_order: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactInfo {
    pub name: String,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
}

/// A service request or incident (a "ticket").
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ticket {
    pub number: i64,
    #[serde(default)]
    pub number_origin: Option<String>,
    /// `I` incident or `R` request.
    pub kind: String,
    /// Mobile request type: 1 purchase, 2 travel, 3 HR, 4 incident, 5 request.
    pub mobile_type: i64,
    pub description: String,
    /// Login of the requester.
    pub requester: String,
    /// Login of the session that opened it through the integration API, when that is not the
    /// requester (an integration account acting for an employee); it may change it (D-USERS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_by: Option<String>,
    pub contact: ContactInfo,
    pub service_code: i64,
    pub contract_id: i64,
    pub unit_id: i64,
    /// `H`, `M` or `L`.
    pub urgency: String,
    pub impact: String,
    pub group_id: String,
    /// Status code: EmAndamento, Suspensa, Cancelada, Resolvida, Reaberta, Fechada.
    pub status: String,
    /// Creation time, epoch milliseconds.
    pub created_at: i64,
    pub latitude: f64,
    pub longitude: f64,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Team {
    pub id: i64,
    pub name: String,
    /// Login of the coordinator who leads it.
    pub leader: String,
    /// Logins of its members.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamedQuery {
    pub name: String,
    /// Rows returned as `result`.
    pub rows: Vec<Value>,
}

/// A whole data set (`--data FILE`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataSet {
    /// Free text shown in the start-up banner.
    pub name: String,
    pub users: Vec<User>,
    pub contracts: Vec<Contract>,
    pub units: Vec<Unit>,
    pub services: Vec<ServiceDef>,
    pub requests: Vec<Ticket>,
    /// Approval/rejection reasons (`getReasons`).
    pub approval_reasons: Vec<IdText>,
    /// Check-in denial reasons (`/services/v2/deniedReasons`).
    pub denied_reasons: Vec<IdText>,
    /// Solution categories: justifications of status 4 (Resolvida).
    pub solution_categories: Vec<IdText>,
    /// Suspension reasons: justifications of status 2 (Suspensa).
    pub suspension_reasons: Vec<IdText>,
    pub justificativas: Vec<Justificativa>,
    pub teams: Vec<Team>,
    /// The FluxoDTO returned by `/services/v2/getWorkflow`.
    pub workflow: Value,
    /// Queries of `/services/data/query`.
    pub queries: Vec<NamedQuery>,
    /// Action radius in km and location interval in minutes, returned by v2 login.
    pub range_action: i64,
    pub location_interval: i64,
    /// The permission table: what each role may not do. Absent, every role may run every
    /// operation (and ownership rules still apply).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denied_operations: Vec<DeniedOperations>,
}

/// The built-in data set.
pub const DEFAULT_DATA: &str = include_str!("default_data.json");

impl DataSet {
    pub fn builtin() -> DataSet {
        serde_json::from_str(DEFAULT_DATA).expect("the built-in data set is valid (tested)")
    }

    pub fn json_schema() -> Value {
        serde_json::to_value(schemars::schema_for!(DataSet)).expect("schema serializes")
    }

    /// Parses and checks a data set: JSON Schema first (so the error names the offending field),
    /// then referential checks (task assignees exist, ids are unique).
    pub fn parse(label: &str, text: &str) -> Result<DataSet, DataSetError> {
        let file = || label.to_string();
        let value: Value = serde_json::from_str(text).map_err(|cause| DataSetError::Json { file: file(), cause })?;
        let schema = Self::json_schema();
        let validator = jsonschema::validator_for(&schema).map_err(DataSetError::Schema)?;
        if let Some(err) = validator.iter_errors(&value).next() {
            let pointer = err.instance_path().as_str().to_string();
            let location = crate::diag::Location::of_pointer(label, text, &pointer);
            let field = if pointer.is_empty() { "(top level)".to_string() } else { pointer };
            return Err(DataSetError::Field { location, field, message: err.to_string() });
        }
        let data: DataSet =
            serde_json::from_value(value).map_err(|cause| DataSetError::Shape { file: file(), cause })?;
        data.check_references().map_err(|problem| DataSetError::Reference { file: file(), problem })?;
        Ok(data)
    }

    fn check_references(&self) -> Result<(), ReferenceError> {
        let mut numbers = std::collections::BTreeSet::new();
        let mut tasks = std::collections::BTreeSet::new();
        for (i, t) in self.requests.iter().enumerate() {
            if !numbers.insert(t.number) {
                return Err(ReferenceError::DuplicateNumber { request: i, number: t.number });
            }
            for (j, task) in t.tasks.iter().enumerate() {
                if !tasks.insert(task.task_id) {
                    return Err(ReferenceError::DuplicateTask { request: i, task: j, task_id: task.task_id });
                }
                if !self.users.iter().any(|u| u.login == task.assignee) {
                    return Err(ReferenceError::UnknownAssignee {
                        request: i,
                        task: j,
                        assignee: task.assignee.clone(),
                    });
                }
            }
        }
        if self.users.is_empty() {
            return Err(ReferenceError::NoUsers);
        }
        Ok(())
    }
}

/// Why a `--data` file is not a data set; every message starts with the file (and, where known,
/// the line and column) and names the offending field.
#[derive(Debug, thiserror::Error)]
pub enum DataSetError {
    /// Not JSON at all.
    #[error("{file}:{}:{}: not valid JSON: {cause}", .cause.line(), .cause.column())]
    Json { file: String, cause: serde_json::Error },
    /// The data set's own JSON Schema does not compile (a bug of this program, not of the file).
    #[error("internal: data set schema: {0}")]
    Schema(jsonschema::ValidationError<'static>),
    /// A member the data set's JSON Schema refuses, at `file:line:col`, with the validator's words.
    #[error("{location}: field `{field}`: {message}")]
    Field { location: crate::diag::Location, field: String, message: String },
    /// Valid by the schema but not by the types (the schema is generated from them, so rare).
    #[error("{file}: {cause}")]
    Shape { file: String, cause: serde_json::Error },
    /// Ids that clash, or a task assigned to no user.
    #[error("{file}: {problem}")]
    Reference { file: String, problem: ReferenceError },
}

/// A referential problem of a data set that its schema cannot see.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("field `/requests/{request}/number`: request number {number} is used twice")]
    DuplicateNumber { request: usize, number: i64 },
    #[error("field `/requests/{request}/tasks/{task}/taskId`: task id {task_id} is used twice")]
    DuplicateTask { request: usize, task: usize, task_id: i64 },
    #[error("field `/requests/{request}/tasks/{task}/assignee`: no user `{assignee}`")]
    UnknownAssignee { request: usize, task: usize, assignee: String },
    #[error("field `/users`: a data set needs at least one user")]
    NoUsers,
}
