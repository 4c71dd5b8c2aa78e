//! What happens to one request: delay → body → (read cache) → session → handler → error log →
//! envelope → faults → freedoms. Read handlers run under the shared world lock and their answers
//! may be cached; write handlers are never cached.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::domain::errors::ErrorRecord;
use super::faults::FaultKind;
use super::freedom_apply;
use super::handlers::kinds::{Handler, Outcome, Reader, Route, Writer};
use super::read_cache;
use super::reply::Reply;
use super::state::AppState;
use crate::spec::{xml, Endpoint, Group};

/// One endpoint as served: its route, spec and paths.
pub struct Served {
    pub state: Arc<AppState>,
    /// The route's index in `handlers::ROUTES` (its read cache partition).
    pub index: usize,
    pub route: &'static Route,
    pub endpoint: Endpoint,
    /// Base path + endpoint path, for the request log.
    pub full_path: Arc<str>,
    /// The spec path and messageID, for the error log.
    pub path: Arc<str>,
    pub message_id: Option<Arc<str>>,
}

/// The endpoints that open a request with a new number (the `duplicate-numbers` fault).
const NUMBERED: [&str; 2] = ["/mobile/notification/new", "/services/request/create"];

/// How long a faulty create holds the number it read before writing it.
const NUMBER_RACE: std::time::Duration = std::time::Duration::from_millis(25);

pub fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = serde_json::to_vec(body).expect("Value serializes");
    (status, [(header::CONTENT_TYPE, "application/json;charset=UTF-8")], bytes).into_response()
}

pub async fn respond(served: &Served, body: Result<Bytes, axum::extract::rejection::BytesRejection>) -> Response {
    let state = &served.state;
    let path = served.route.path;
    if let Some(delay) = state.faults.delay_at(path) {
        tokio::time::sleep(delay).await;
    }
    if state.faults.has(FaultKind::Html500)
        && state.faults.arg(FaultKind::Html500).unwrap_or("/services/v2/status") == path
    {
        let page = "<!DOCTYPE html><html><head><title>Error 500</title></head><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>";
        return (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/html;charset=UTF-8")], page)
            .into_response();
    }
    let body = match body {
        Ok(bytes) => bytes,
        Err(rejection) => {
            let status = rejection.status().as_u16();
            return json_response(status, &json!({"error": {"code": "INPUT", "description": rejection.body_text()}}));
        }
    };
    let number = if state.faults.has(FaultKind::DuplicateNumbers) && NUMBERED.contains(&path) {
        // Reads the next number, lets go of the world, and writes the request later: creates that
        // arrive meanwhile read the same number.
        let number = state.world.read().peek_number();
        tokio::time::sleep(NUMBER_RACE).await;
        Some(number)
    } else {
        None
    };
    let (status, bytes) = process(served, &body, number);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if state.faults.has(FaultKind::ContentTypeText) {
        "text/plain;charset=UTF-8"
    } else {
        "application/json;charset=UTF-8"
    };
    (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
}

/// Status and serialized body of one request.
fn process(served: &Served, body: &[u8], number: Option<i64>) -> (u16, Vec<u8>) {
    let state = &*served.state;
    // Faults and freedoms reshape answers after they are rendered: no cache then.
    let cacheable =
        matches!(served.route.handler, Handler::Read(_)) && state.faults.is_empty() && state.freedoms.is_empty();
    if cacheable {
        if let Some(entry) = state.cache.get(served.index, body, state.world.generation()) {
            // The same bytes in the same generation: the same answer, while the session lives.
            if entry.session_id.as_deref().and_then(|id| state.session_user(id)) == entry.login {
                return (200, read_cache::with_envelope(&entry.prefix, state.now_ms(), state.next_operation_id()));
            }
        }
    }
    // Why a body is refused becomes the description of the 400 answer.
    let parsed = if served.endpoint.is_xml() {
        xml::body_to_json(body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice::<Value>(body).map_err(|e| format!("malformed JSON: {e}"))
    };
    let value = match parsed {
        Err(message) => return finish(served, Reply::bad_request(message)),
        Ok(value) if !value.is_object() => {
            return finish(served, Reply::bad_request("the request body must be a JSON object"))
        }
        Ok(value) => value,
    };
    // What the real stack answers before any session check: its JSON reader, then a stub resource.
    if let Some(reply) = freedom_apply::before_session(state, &served.endpoint, &value) {
        return finish(served, reply);
    }
    let login = match authenticate(state, &served.endpoint, &value) {
        Ok(login) => login,
        Err(reply) => return finish(served, reply),
    };
    let reply = match served.route.handler {
        Handler::Read(handler) => {
            let world = state.world.read();
            let revision = world.revision();
            let reader = Reader::new(&world, login.as_deref(), state);
            let reply = settle(handler(&reader, &value));
            drop(world);
            if !cacheable {
                reply
            } else {
                match cache_form(reply) {
                    Ok(mut prefix) => {
                        let (now, id) = (state.now_ms(), state.next_operation_id());
                        if !state.cache.admits(served.index, body) {
                            read_cache::append_envelope(&mut prefix, now, id);
                            return (200, prefix);
                        }
                        let bytes = read_cache::with_envelope(&prefix, now, id);
                        let session_id = value.get("sessionID").and_then(Value::as_str);
                        state.cache.put(served.index, body, revision, session_id, login, prefix);
                        return (200, bytes);
                    }
                    Err(reply) => reply,
                }
            }
        }
        Handler::Write(handler) => settle(handler(&Writer::new(state, login, served.route.path, number), &value)),
    };
    if served.route.logs_failures {
        log_failure(served, &reply);
    }
    finish(served, reply)
}

fn settle(outcome: Outcome) -> Reply {
    outcome.unwrap_or_else(|reply| reply)
}

/// A success in the cache's prefix form; anything else is given back.
fn cache_form(reply: Reply) -> Result<Vec<u8>, Reply> {
    match reply {
        Reply::OpText(prefix) => Ok(prefix),
        Reply::Op(fields) => read_cache::prefix(&fields).ok_or(Reply::Op(fields)),
        other => Err(other),
    }
}

/// Records a business failure in the error log that `/services/error/getList` reads (the real
/// product logs failed executions in Rest_Log).
fn log_failure(served: &Served, reply: &Reply) {
    let Some((code, description)) = reply.failure() else { return };
    let state = &served.state;
    let record = ErrorRecord {
        time_ms: state.now_ms(),
        path: served.path.clone(),
        message_id: served.message_id.clone(),
        code,
        description: description.to_string(),
    };
    state.world.write().log_error(record);
}

/// Renders a reply with the envelope, applies the faults, then the freedoms (a fault shows through
/// every freedom: each reshapes only what the reference would answer), serializes.
fn finish(served: &Served, reply: Reply) -> (u16, Vec<u8>) {
    let state = &*served.state;
    let session_failure = matches!(reply, Reply::Session);
    let reply = freedom_apply::reply(state, reply);
    let (mut status, mut value) = reply.render(state.now_ms(), state.next_operation_id());
    super::fault_apply::apply(state, served.route.path, session_failure, &mut status, &mut value);
    freedom_apply::apply(state, served.route.path, status, &mut value);
    (status, serde_json::to_vec(&value).unwrap_or_default())
}

/// The session's user; `Err(Reply::Session)` when the endpoint needs a session and has none.
fn authenticate(state: &AppState, endpoint: &Endpoint, body: &Value) -> Result<Option<Arc<str>>, Reply> {
    let session_id = body.get("sessionID").and_then(Value::as_str);
    if !endpoint.session {
        return Ok(session_id.and_then(|id| state.session_user(id)));
    }
    if let Some(login) = session_id.and_then(|id| state.session_user(id)) {
        return Ok(Some(login));
    }
    let skip_check = state.faults.has(FaultKind::NoSessionCheck) && {
        let group = state.faults.arg(FaultKind::NoSessionCheck).unwrap_or("services-v2");
        Group::of_path(&endpoint.path).is_some_and(|g| g.name() == group)
    };
    if !skip_check {
        return Err(Reply::Session);
    }
    // The faulty server serves as its first user instead of refusing.
    Ok(state.world.read().catalog().users.first().map(|u| Arc::from(u.login.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cached answer is the bytes the rendered reply would have been.
    #[test]
    fn cached_bytes_equal_the_rendered_reply() {
        for fields in [json!({"notifications": [{"number": 1, "task": "Atender \"já\""}]}), json!({})] {
            let map = fields.as_object().unwrap().clone();
            let (_, rendered) = Reply::Op(map.clone()).render(1_700_000_000_000, 42);
            let prefix = cache_form(Reply::Op(map)).ok().unwrap();
            let cached = read_cache::with_envelope(&prefix, 1_700_000_000_000, 42);
            assert_eq!(cached, serde_json::to_vec(&rendered).unwrap());
        }
        assert!(cache_form(Reply::ok(json!({"error": null}))).is_err());
        assert!(cache_form(Reply::input("no")).is_err());
    }
}
