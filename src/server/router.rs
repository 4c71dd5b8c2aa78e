//! The axum router: one POST route per spec endpoint under the base path (`pipeline.rs` answers
//! it), 405/404 answers, the body limit, one debug log line per request.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::json;

use super::handlers;
use super::pipeline::{self, json_response, Served};
use super::state::AppState;

pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: Arc<AppState>, base_path: &str) -> Router {
    let base = base_path.trim_end_matches('/');
    let mut router = Router::new();
    for endpoint in &state.spec.endpoints {
        let Some((index, route)) = handlers::route_for(&endpoint.path) else { continue };
        let full_path: Arc<str> = format!("{base}{}", endpoint.path).into();
        let served = Served {
            state: state.clone(),
            index,
            route,
            endpoint: endpoint.clone(),
            full_path: full_path.clone(),
            path: endpoint.path.as_str().into(),
            message_id: endpoint.message_id.as_deref().map(Arc::from),
        };
        router = router.route(&full_path, post(dispatch).with_state(Arc::new(served)));
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

async fn dispatch(
    State(served): State<Arc<Served>>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    // Method, path, status and time only: never the body (passwords, session ids).
    let started = tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now);
    let response = pipeline::respond(&served, body).await;
    if let Some(started) = started {
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        tracing::debug!(method = %"POST", path = %served.full_path, status = response.status().as_u16(), micros, "request");
    }
    response
}
