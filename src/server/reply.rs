//! What a handler answers, and how it becomes an HTTP response with the envelope of the spec
//! (specs/DECISIONS.md D-ENVELOPE, D-ERROR, D-STATUS).

use serde_json::{json, Map, Value};

use super::domain::{Code, Refusal};

/// The outcome of one operation, before the envelope is added.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Success: these fields plus `dateTime`, `operationID` and `error: null`, HTTP 200.
    Op(Map<String, Value>),
    /// The same, with the fields already serialized in `read_cache::prefix` form (`{…,`): long
    /// lists are written straight from the world (item_text.rs).
    OpText(Vec<u8>),
    /// Success sent as is, HTTP 200 (login responses, bare arrays, coordinator JSON).
    Bare(Value),
    /// A validation or business failure: HTTP 412, full envelope with `operationID`.
    Fail { code: Code, description: String },
    /// A wrongly typed field: rendered as `Fail` with code INPUT; the `wrong-type-400` freedom
    /// answers it 400, as Jackson would before any CITSmart code runs (D-STATUS).
    WrongType(String),
    /// No, unknown or expired session: HTTP 412, `dateTime` and `error` only (facts §3.3).
    Session,
    /// A login failure: HTTP 412, `{error, sessionID: null}` (facts §2.29, §2.45).
    LoginFail { code: Code, description: String },
    /// A transport-level answer (400 malformed body, 404, 413).
    Http { status: u16, body: Value },
}

pub const SESSION_TEXT: &str = "Sessão não existe ou está expirada";

impl Reply {
    pub fn ok(fields: Value) -> Reply {
        match fields {
            Value::Object(map) => Reply::Op(map),
            other => Reply::Bare(other),
        }
    }

    /// Success with these fields, moved in (`json!` would copy every value by serializing it, which
    /// for a list of notifications is most of a request's cost).
    pub fn fields<'k>(fields: impl IntoIterator<Item = (&'k str, Value)>) -> Reply {
        Reply::Op(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    pub fn empty() -> Reply {
        Reply::Op(Map::new())
    }

    pub fn input(description: impl Into<String>) -> Reply {
        Reply::Fail { code: Code::Input, description: description.into() }
    }

    pub fn fail(code: Code, description: impl Into<String>) -> Reply {
        Reply::Fail { code, description: description.into() }
    }

    pub fn wrong_type(description: impl Into<String>) -> Reply {
        Reply::WrongType(description.into())
    }

    /// Code and description of an operation failure (what the error log records).
    pub fn failure(&self) -> Option<(Code, &str)> {
        match self {
            Reply::Fail { code, description } => Some((*code, description)),
            Reply::WrongType(description) => Some((Code::Input, description)),
            _ => None,
        }
    }

    pub fn bad_request(description: impl Into<String>) -> Reply {
        Reply::Http { status: 400, body: json!({"error": {"code": "INPUT", "description": description.into()}}) }
    }

    /// Status and body, given the response time and a fresh operation id.
    pub fn render(self, now_ms: i64, operation_id: i64) -> (u16, Value) {
        match self {
            // Only taken when faults rewrite the body (they need the tree): parse the fields back.
            Reply::OpText(prefix) => Reply::Op(fields_of(&prefix)).render(now_ms, operation_id),
            Reply::Op(mut fields) => {
                fields.insert("dateTime".into(), Value::from(now_ms));
                fields.insert("operationID".into(), Value::from(operation_id));
                fields.insert("error".into(), Value::Null);
                (200, Value::Object(fields))
            }
            Reply::Bare(body) => (200, body),
            Reply::Fail { code, description } => (
                412,
                json!({"dateTime": now_ms, "operationID": operation_id, "error": {"code": code.as_str(), "description": description}}),
            ),
            Reply::WrongType(description) => {
                Reply::Fail { code: Code::Input, description }.render(now_ms, operation_id)
            }
            Reply::Session => {
                (412, json!({"dateTime": now_ms, "error": {"code": "SESSION", "description": SESSION_TEXT}}))
            }
            Reply::LoginFail { code, description } => {
                (412, json!({"error": {"code": code.as_str(), "description": description}, "sessionID": null}))
            }
            Reply::Http { status, body } => (status, body),
        }
    }
}

/// A refused command is an operation failure: 412 with its code and text.
impl From<Refusal> for Reply {
    fn from(refusal: Refusal) -> Reply {
        Reply::Fail { code: refusal.code, description: refusal.message }
    }
}

/// The fields of a prefix (`{…,` or `{`), as `Reply::Op` holds them.
fn fields_of(prefix: &[u8]) -> Map<String, Value> {
    let mut text = prefix.to_vec();
    if text.last() == Some(&b',') {
        text.pop();
    }
    text.push(b'}');
    // The prefix is our own serialization; failing to read it back would be a bug in item_text.
    serde_json::from_slice(&text).expect("a reply prefix is a JSON object")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_gets_the_envelope_and_failures_the_error() {
        let (status, body) = Reply::ok(json!({"success": true})).render(1000, 7);
        assert_eq!((status, body), (200, json!({"success": true, "dateTime": 1000, "operationID": 7, "error": null})));
        let (status, body) = Reply::input("Task id not informed").render(1000, 8);
        assert_eq!(status, 412);
        assert_eq!(body["error"]["code"], "INPUT");
        let (status, body) = Reply::Session.render(1000, 9);
        assert_eq!(status, 412);
        assert!(body.get("operationID").is_none());
    }

    #[test]
    fn serialized_fields_render_as_the_same_fields() {
        let fields = json!({"amount": 1, "notifications": [{"number": 1, "task": "a \"b\""}]});
        let prefix = br#"{"amount":1,"notifications":[{"number":1,"task":"a \"b\""}],"#.to_vec();
        assert_eq!(Reply::OpText(prefix).render(5, 6), Reply::ok(fields).render(5, 6));
        assert_eq!(Reply::OpText(b"{".to_vec()).render(5, 6), Reply::empty().render(5, 6));
    }
}
