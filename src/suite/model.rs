//! Suites as data: YAML files in suites/ (JSON Schema for editors: specs/meta/suite.schema.json).
//!
//! ```yaml
//! name: technician
//! description: Field technician flow (mobile v2)
//! tags: [flow, mobile-v2]
//! cases:
//!   - name: login, list, check in, check out
//!     steps:
//!       - call: /services/v2/login
//!         body: {userName: "{{technician.user}}", password: "{{technician.password}}", token: "t-{{unique}}", platform: Android}
//!         expect: {status: 200}
//!         capture: {sid: /sessionID}
//!       - call: /mobile/v2/notification/getNewest
//!         body: {sessionID: "{{sid}}", notificationType: 0, onlyApproval: 0, newestNumber: 0}
//!         skip_unless: {non_empty: /notifications, reason: the technician has no notifications}
//!         expect:
//!           status: 200
//!           checks:
//!             - {requirement: MV2-GETNEWEST-003, pointer: /notifications, each: {field: number, gt: 0}}
//!         capture: {task: /notifications/0/taskId}
//! ```

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::check_def::CheckDef;
use super::template;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteFile {
    /// Suite id: lowercase words with dashes.
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub cases: Vec<CaseDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDef {
    pub name: String,
    /// `slow`: only with `--include slow` (the case waits long, e.g. for a session to expire).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Input only the vendor has, without which the case is out of scope: `data_query` (a query
    /// name for /services/data/query, `--data-query NAME` or `data_query:` in the credentials file).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Roles that must be different accounts for the case to mean anything (one user's request as
    /// seen by another): when one account plays them all, the case does not apply.
    #[serde(default)]
    pub distinct_roles: Vec<String>,
    /// Accounts the case needs per role (`{technician: 2}`: `{{technician.2.user}}` is the second):
    /// one user's work as another user of the same role sees it. With fewer accounts in the
    /// credentials, the case is out of scope ("needs two accounts per role").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts: BTreeMap<String, usize>,
    /// Target state the case reads, adds to or writes (`{reads: [requests], writes: [technician-checkin]}`):
    /// a case never runs beside one whose use of a key conflicts with its own, so that no
    /// concurrency (`--jobs`) can change a verdict.
    #[serde(default, skip_serializing_if = "SharedState::is_empty")]
    pub state: SharedState,
    pub steps: Vec<StepDef>,
}

/// Keys of target state a case depends on (free names; the suites use a small vocabulary:
/// `requests`, `approvals`, `technician-checkin`). Readers need the state not to change while they
/// run, adders only add to it (new requests: adders commute), writers change what others read or
/// write (a user's open check-in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedState {
    /// Runs beside other readers only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<String>,
    /// Runs beside other adders only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adds: Vec<String>,
    /// Runs alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writes: Vec<String>,
}

impl SharedState {
    pub fn is_empty(&self) -> bool {
        self.reads.is_empty() && self.adds.is_empty() && self.writes.is_empty()
    }
}

/// The tag of the cases that only run with `--include slow`.
pub const SLOW_TAG: &str = "slow";
/// Inputs a case may `need` (see [`CaseDef::needs`]).
pub use crate::accounts::VENDOR_INPUTS;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// Shown in reports; defaults to the endpoint path.
    #[serde(default)]
    pub name: Option<String>,
    /// A spec endpoint path (`/services/request/create`).
    pub call: String,
    /// HTTP method; only for negative cases (`GET` → 405).
    #[serde(default)]
    pub method: Option<String>,
    /// The JSON body, templated with `{{var}}` (a string that is only `{{var}}` keeps the variable's
    /// JSON type). XML endpoints render it as XML (specs/DECISIONS.md D-XML).
    #[serde(default)]
    pub body: Option<Value>,
    /// A raw body sent as is (malformed-input cases); excludes `body`.
    #[serde(default)]
    pub raw_body: Option<String>,
    /// Root element name for XML endpoints (default from the endpoint: `Login`, `AddServiceRequest`).
    #[serde(default)]
    pub xml_root: Option<String>,
    /// Milliseconds to wait before sending (templated: `"{{half_session_ms}}"`); for the slow tier.
    #[serde(default)]
    pub wait_ms: Option<Value>,
    /// A clean-up step (`teardown: true`): it puts the target back as the case found it (closes a
    /// check-in a negative step may have left open), runs even when the case stopped early, and
    /// checks nothing: it is not part of the certification.
    #[serde(default)]
    pub teardown: bool,
    /// Send the request this many times at once (concurrent creates must get distinct numbers);
    /// each answer is checked, `across` checks see them all, captures come from the first.
    #[serde(default)]
    pub parallel: Option<usize>,
    /// Skips this step and the rest of the case (verdict Skipped, with the reason) when the target
    /// lacks data: checked on this step's response before its expectations.
    #[serde(default)]
    pub skip_unless: Option<SkipUnless>,
    #[serde(default)]
    pub expect: Expect,
    /// Variables from the response: name → pointer (`a|b` alternatives, `/status[id=4]/…` finds
    /// an item by its fields, `max:/notifications/*/number` the largest; see `run::select`).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

impl StepDef {
    /// Every `{{variable}}` the step uses: in its body, its wait, its checks and its skip condition.
    pub fn variables(&self) -> Vec<String> {
        let mut used = Vec::new();
        if let Some(body) = &self.body {
            template::variables_in_value(body, &mut used);
        }
        if let Some(wait) = &self.wait_ms {
            template::variables_in_value(wait, &mut used);
        }
        for check in &self.expect.checks {
            used.extend(template::variables_in(&check.pointer));
            for v in check.op.templated() {
                template::variables_in_value(v, &mut used);
            }
        }
        if let Some(skip) = &self.skip_unless {
            for pointer in [&skip.non_empty, &skip.present, &skip.absent].into_iter().flatten() {
                used.extend(template::variables_in(pointer));
            }
        }
        used
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkipUnless {
    /// The array at this pointer must be non-empty.
    #[serde(default)]
    pub non_empty: Option<String>,
    /// A value must be at this pointer (the answer took the form the rest of the case is about).
    #[serde(default)]
    pub present: Option<String>,
    /// No value may be at this pointer (`/code`: the answer is not v2 getByUser's bare 501).
    #[serde(default)]
    pub absent: Option<String>,
    /// The response status must be this one.
    #[serde(default)]
    pub status: Option<u16>,
    pub reason: String,
    /// The skip means the rest does not apply to this target (it answered in another form the
    /// spec allows), not that it lacked data: it does not make the run incomplete.
    #[serde(default)]
    pub not_applicable: bool,
}

/// `status: 200` or `status: [400, 412]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StatusSpec {
    One(u16),
    Any(Vec<u16>),
}

impl StatusSpec {
    pub fn allows(&self, status: u16) -> bool {
        match self {
            StatusSpec::One(s) => *s == status,
            StatusSpec::Any(list) => list.contains(&status),
        }
    }
}

/// `error: INPUT`, `error: [INTERNAL, PARAM]` or `error: any`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ErrorSpec {
    One(String),
    Any(Vec<String>),
}

impl ErrorSpec {
    pub fn allows(&self, code: &str) -> bool {
        match self {
            ErrorSpec::One(c) => c == "any" || c == code,
            ErrorSpec::Any(list) => list.iter().any(|c| c == code),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Expected HTTP status (default 200, or 412 when `error` is given).
    #[serde(default)]
    pub status: Option<StatusSpec>,
    /// Expected failure: 412 (unless `status` says otherwise) with this `error.code`.
    #[serde(default)]
    pub error: Option<ErrorSpec>,
    /// Requirement of the status/error expectation (default GEN-HTTP-002 for success, GEN-ERR-006
    /// for a failure).
    #[serde(default)]
    pub requirement: Option<String>,
    /// Further requirements the status (and error code) expectation is an instance of: a
    /// generated missing-field case verifies the field's own requirement and GEN-INP-003.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Checks of the response content.
    #[serde(default)]
    pub checks: Vec<CheckDef>,
}

impl Expect {
    /// The status expected: `status`, else 412 when an `error` is expected, else 200.
    pub fn expected_status(&self) -> StatusSpec {
        match (&self.status, &self.error) {
            (Some(s), _) => s.clone(),
            (None, Some(_)) => StatusSpec::One(412),
            (None, None) => StatusSpec::One(200),
        }
    }
}
