//! The axum router: one POST route per spec endpoint under the base path, the request pipeline
//! (delay → body → session → handler → envelope → faults → freedoms; the pure reads of
//! `read_cache::CACHEABLE` answered from that cache), 405/404/413/400 answers, one debug log line
//! per request.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use super::context::Ctx;
use super::faults::FaultKind;
use super::freedom_apply;
use super::handlers;
use super::read_cache::{self, ReadCache};
use super::reply::Reply;
use super::state::AppState;
use crate::spec::{xml, Endpoint, Group};

pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Clone)]
struct Route {
    state: Arc<AppState>,
    endpoint: Arc<Endpoint>,
    handler: super::context::Handler,
    /// Base path + endpoint path, for the request log.
    full_path: Arc<str>,
    /// Shared by all routes: bumped after every request to a route without a cache.
    /// The answers of this endpoint, when it is a pure read (`read_cache::CACHEABLE`).
    cache: Option<Arc<ReadCache>>,
}

pub fn router(state: Arc<AppState>, base_path: &str) -> Router {
    let base = base_path.trim_end_matches('/');
    let mut router = Router::new();
    for endpoint in &state.spec.endpoints {
        let Some(handler) = handlers::handler_for(&endpoint.path) else { continue };
        let full_path: Arc<str> = format!("{base}{}", endpoint.path).into();
        let route = Route {
            state: state.clone(),
            endpoint: Arc::new(endpoint.clone()),
            handler,
            full_path: full_path.clone(),
            cache: read_cache::CACHEABLE.contains(&endpoint.path.as_str()).then(|| Arc::new(ReadCache::default())),
        };
        router = router.route(&full_path, post(dispatch).with_state(route));
    }
    router.fallback(not_found).method_not_allowed_fallback(method_not_allowed).layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn not_found(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    tracing::debug!(%method, path = %uri.path(), status = 404, "request");
    json_response(
        404,
        &json!({"error": {"code": "PARAM", "description": "Operação não cadastrada: no endpoint at this path"}}),
    )
}

/// 405 with a JSON error body; axum adds `Allow: POST` to what a method router's fallback answers.
async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    tracing::debug!(%method, path = %uri.path(), status = 405, "request");
    json_response(
        405,
        &json!({"error": {"code": "PARAM", "description": format!("method {method} not allowed: every operation is POST")}}),
    )
}

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = serde_json::to_vec(body).expect("Value serializes");
    (status, [(header::CONTENT_TYPE, "application/json;charset=UTF-8")], bytes).into_response()
}

async fn dispatch(
    State(route): State<Route>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    // Method, path, status and time only: never the body (passwords, session ids).
    let started = tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now);
    let response = respond(&route, body).await;
    if let Some(started) = started {
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        tracing::debug!(method = %"POST", path = %route.full_path, status = response.status().as_u16(), micros, "request");
    }
    response
}

async fn respond(route: &Route, body: Result<Bytes, axum::extract::rejection::BytesRejection>) -> Response {
    let state = &route.state;
    if let Some(delay) = state.faults.delay_at(&route.endpoint.path) {
        tokio::time::sleep(delay).await;
    }
    if state.faults.has(FaultKind::Html500) {
        let target = state.faults.arg(FaultKind::Html500).unwrap_or("/services/v2/status");
        if target == route.endpoint.path {
            let page = "<!DOCTYPE html><html><head><title>Error 500</title></head><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>";
            return (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/html;charset=UTF-8")], page)
                .into_response();
        }
    }
    let body = match body {
        Ok(bytes) => bytes,
        Err(rejection) => {
            let status = rejection.status().as_u16();
            return json_response(status, &json!({"error": {"code": "INPUT", "description": rejection.body_text()}}));
        }
    };
    let number = if state.faults.has(FaultKind::DuplicateNumbers) && NUMBERED.contains(&route.endpoint.path.as_str()) {
        // Reads the next number, lets go of the world, and writes the request later: creates that
        // arrive meanwhile read the same number.
        let number = state.world.lock().next_number;
        tokio::time::sleep(NUMBER_RACE).await;
        Some(number)
    } else {
        None
    };
    let (status, bytes) = process(state, route, &body, number);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if state.faults.has(FaultKind::ContentTypeText) {
        "text/plain;charset=UTF-8"
    } else {
        "application/json;charset=UTF-8"
    };
    (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
}

/// The endpoints that open a request with a new number (the `duplicate-numbers` fault).
const NUMBERED: [&str; 2] = ["/mobile/notification/new", "/services/request/create"];

/// How long a faulty create holds the number it read before writing it.
const NUMBER_RACE: std::time::Duration = std::time::Duration::from_millis(25);

/// Parses the body, checks the session, runs the handler (or answers from the read cache),
/// renders, applies faults and freedoms; returns the status and the serialized body.
fn process(state: &AppState, route: &Route, body: &[u8], number: Option<i64>) -> (u16, Vec<u8>) {
    // Faults and freedoms reshape answers after they are rendered: no cache then.
    let cache = route.cache.as_deref().filter(|_| state.faults.is_empty() && state.freedoms.is_empty());
    let generation = state.world.generation();
    if let Some(entry) = cache.and_then(|c| c.get(body, generation)) {
        // The same bytes in the same generation: the same answer, while the session lives.
        if entry.session_id.as_deref().and_then(|id| state.session_user(id)) == entry.login {
            return (200, read_cache::with_envelope(&entry.prefix, state.now_ms(), state.next_operation_id()));
        }
    }
    let endpoint = &route.endpoint;
    // Why a body is refused becomes the description of the 400 answer.
    let parsed = if endpoint.is_xml() {
        xml::body_to_json(body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice::<Value>(body).map_err(|e| format!("malformed JSON: {e}"))
    };
    let value = match parsed {
        Err(message) => return finish(state, route, Reply::bad_request(message)),
        Ok(value) if !value.is_object() => {
            return finish(state, route, Reply::bad_request("the request body must be a JSON object"))
        }
        Ok(value) => value,
    };
    let Some(cache) = cache else {
        // A write to the world bumps its generation as it releases the lock (world_cell.rs).
        return finish(state, route, run(state, route, &value, number));
    };
    let login = match authenticate(state, route, &value) {
        Ok(login) => login,
        Err(reply) => return finish(state, route, reply),
    };
    let session_id = value.get("sessionID").and_then(Value::as_str).map(String::from);
    let ctx = Ctx { state, login: login.clone(), path: &endpoint.path, number };
    let prefix = match (route.handler)(&ctx, &value) {
        Reply::Op(fields) => match read_cache::prefix(&fields) {
            Some(prefix) => prefix,
            None => return finish(state, route, Reply::Op(fields)),
        },
        Reply::OpText(prefix) => prefix,
        other => return finish(state, route, other),
    };
    let bytes = read_cache::with_envelope(&prefix, state.now_ms(), state.next_operation_id());
    cache.put(body, generation, session_id, login, prefix.into());
    (200, bytes)
}

/// Renders a reply with the envelope, applies the faults, then the freedoms (a fault shows through
/// every freedom: each reshapes only what the reference would answer), serializes.
fn finish(state: &AppState, route: &Route, reply: Reply) -> (u16, Vec<u8>) {
    let session_failure = matches!(reply, Reply::Session);
    let reply = freedom_apply::reply(state, reply);
    let (mut status, mut value) = reply.render(state.now_ms(), state.next_operation_id());
    super::fault_apply::apply(state, &route.endpoint.path, session_failure, &mut status, &mut value);
    freedom_apply::apply(state, &route.endpoint.path, status, &mut value);
    (status, serde_json::to_vec(&value).unwrap_or_default())
}

fn run(state: &AppState, route: &Route, body: &Value, number: Option<i64>) -> Reply {
    // What the real stack answers before any session check: its JSON reader, then a stub resource.
    if let Some(reply) = freedom_apply::before_session(state, &route.endpoint, body) {
        return reply;
    }
    match authenticate(state, route, body) {
        Ok(login) => {
            let ctx = Ctx { state, login, path: &route.endpoint.path, number };
            (route.handler)(&ctx, body)
        }
        Err(reply) => reply,
    }
}

/// The session's user; `Err(Reply::Session)` when the endpoint needs a session and has none.
fn authenticate(state: &AppState, route: &Route, body: &Value) -> Result<Option<String>, Reply> {
    let endpoint = &route.endpoint;
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
    Ok(state.world.lock().data.users.first().map(|u| u.login.clone()))
}
