//! The spec as types: endpoints, requirements, groups. Built by `spec::load`, read everywhere else.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The six path families of the endpoint table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    MobileV1,
    MobileV2,
    Services,
    ServicesRequest,
    ServicesV2,
    ServicesXml,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::MobileV1,
        Group::MobileV2,
        Group::Services,
        Group::ServicesRequest,
        Group::ServicesV2,
        Group::ServicesXml,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::MobileV1 => "mobile-v1",
            Group::MobileV2 => "mobile-v2",
            Group::Services => "services",
            Group::ServicesRequest => "services-request",
            Group::ServicesV2 => "services-v2",
            Group::ServicesXml => "services-xml",
        }
    }

    /// The group a table path belongs to, by its prefix.
    pub fn of_path(path: &str) -> Option<Group> {
        let group = if path.starts_with("/mobile/v2/notification/") {
            Group::MobileV2
        } else if path.starts_with("/mobile/notification/") {
            Group::MobileV1
        } else if path.starts_with("/services/request/") {
            Group::ServicesRequest
        } else if path.starts_with("/services/v2/") {
            Group::ServicesV2
        } else if path.starts_with("/services/xml/") {
            Group::ServicesXml
        } else if path.starts_with("/services/") {
            Group::Services
        } else {
            return None;
        };
        Some(group)
    }

    pub fn prefix(self) -> &'static str {
        match self {
            Group::MobileV1 => "/mobile/notification/",
            Group::MobileV2 => "/mobile/v2/notification/",
            Group::Services => "/services/",
            Group::ServicesRequest => "/services/request/",
            Group::ServicesV2 => "/services/v2/",
            Group::ServicesXml => "/services/xml/",
        }
    }

    /// Prefix of the requirement ids of this group's endpoints.
    pub fn requirement_prefix(self) -> &'static str {
        match self {
            Group::MobileV1 => "MV1",
            Group::MobileV2 => "MV2",
            Group::Services => "SVC",
            Group::ServicesRequest => "REQ",
            Group::ServicesV2 => "SV2",
            Group::ServicesXml => "XML",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "MAY")]
    May,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        })
    }
}

/// How a requirement is checked: by a schema annotation, by the runner, or against the reference only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CheckKind {
    Schema,
    Runner(String),
    Reference,
}

/// A requirement's `check` that is none of the forms [`CheckKind`] knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check `{check}`: expected `schema`, `reference` or `runner:<kind>`")]
pub struct UnknownCheck {
    pub check: String,
}

impl TryFrom<String> for CheckKind {
    type Error = UnknownCheck;
    fn try_from(s: String) -> Result<Self, UnknownCheck> {
        match s.as_str() {
            "schema" => Ok(CheckKind::Schema),
            "reference" => Ok(CheckKind::Reference),
            _ => match s.strip_prefix("runner:") {
                Some(kind) if !kind.is_empty() => Ok(CheckKind::Runner(kind.to_string())),
                _ => Err(UnknownCheck { check: s }),
            },
        }
    }
}

impl From<CheckKind> for String {
    fn from(c: CheckKind) -> String {
        match c {
            CheckKind::Schema => "schema".into(),
            CheckKind::Reference => "reference".into(),
            CheckKind::Runner(k) => format!("runner:{k}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub level: Level,
    pub text: String,
    pub source: String,
    pub check: CheckKind,
}

/// A requirement and the file that defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueEntry {
    #[serde(flatten)]
    pub requirement: Requirement,
    pub file: String,
    /// The endpoint it belongs to, for endpoint requirements.
    pub endpoint: Option<String>,
}

/// Every table name of a row, mapped to a JSON pointer in the request or response instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableMapping {
    pub parameters: BTreeMap<String, String>,
    pub returns: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorExample {
    pub status: u16,
    pub body: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Examples {
    pub request: Value,
    pub response: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_xml: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_examples: Vec<ErrorExample>,
}

/// One endpoint file of `specs/endpoints/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Endpoint {
    pub path: String,
    pub group: Group,
    pub since: String,
    #[serde(rename = "messageID")]
    pub message_id: Option<String>,
    pub summary: String,
    pub session: bool,
    pub request_content_type: String,
    pub table: TableMapping,
    pub request: Value,
    pub response: Value,
    pub examples: Examples,
    pub requirements: Vec<Requirement>,
    /// Where it was read from (not part of the file).
    #[serde(skip_deserializing, default)]
    pub file: String,
}

impl Endpoint {
    pub fn is_xml(&self) -> bool {
        self.request_content_type == "application/xml"
    }

    /// `SV2-CONTRACTS`: the requirement-id stem of this endpoint.
    pub fn requirement_stem(&self) -> String {
        let rest = self.path.strip_prefix(self.group.prefix()).unwrap_or(&self.path);
        format!("{}-{}", self.group.requirement_prefix(), rest.replace('/', "-").to_uppercase())
    }

    /// Names of the request properties whose absence must be rejected with 412 INPUT.
    pub fn missing_field_requirements(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(props) = self.request.get("properties").and_then(Value::as_object) {
            for (name, schema) in props {
                if let Some(id) = schema.get("x-missing-requirement").and_then(Value::as_str) {
                    out.push((name.clone(), id.to_string()));
                }
            }
        }
        out
    }
}

/// A whole, loaded spec. Endpoints are in table order.
#[derive(Debug, Clone)]
pub struct Spec {
    pub endpoints: Vec<Endpoint>,
    pub defs: serde_json::Map<String, Value>,
    pub requirements: BTreeMap<String, CatalogueEntry>,
    pub table: super::EndpointTable,
    /// Raw text of every file, by label, so later checks can point at `file:line:col`.
    pub texts: BTreeMap<String, String>,
}

impl Spec {
    pub fn endpoint(&self, path: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.path == path)
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.get(id).map(|e| &e.requirement)
    }

    /// A schema made self-contained: the endpoint's schema plus every shared `$defs`.
    pub fn bundle(&self, schema: &Value) -> Value {
        let mut bundled = match schema {
            Value::Object(map) => map.clone(),
            other => {
                let mut m = serde_json::Map::new();
                m.insert("allOf".into(), Value::Array(vec![other.clone()]));
                m
            }
        };
        bundled.insert("$schema".into(), Value::String("https://json-schema.org/draft/2020-12/schema".into()));
        bundled.insert("$defs".into(), Value::Object(self.defs.clone()));
        Value::Object(bundled)
    }
}

#[cfg(test)]
mod check_kind_tests {
    use super::{CheckKind, UnknownCheck};

    #[test]
    fn an_unknown_check_names_itself_and_the_forms_it_may_take() {
        assert_eq!(CheckKind::try_from("runner:content".to_string()), Ok(CheckKind::Runner("content".into())));
        let e = CheckKind::try_from("runner:".to_string()).unwrap_err();
        assert_eq!(e, UnknownCheck { check: "runner:".into() });
        assert_eq!(e.to_string(), "unknown check `runner:`: expected `schema`, `reference` or `runner:<kind>`");
    }
}
