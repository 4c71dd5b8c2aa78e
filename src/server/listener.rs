//! Accepting and serving connections, bounded: at most `max_connections` open at once (kept below
//! the process's descriptor limit, `fd_limit.rs`), a connection that sends no complete request
//! head within `idle_timeout` of connecting or of its previous answer is closed (hyper's
//! header-read timer, which in hyper 1.x runs from the moment a connection is idle, so one
//! deadline bounds both an idle keep-alive and a slow header), and at the cap the connection idle
//! the longest is closed to make room for the new one (`connections.rs`). A connection with a
//! request in progress is never closed for another; when all are busy, new ones wait in the
//! kernel's backlog. This replaces `axum::serve`, which has none of these bounds: 1,100 idle
//! sockets exhausted a 1,024-descriptor limit and normal requests timed out.

use std::convert::Infallible;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1::Builder;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use super::connections::{Connection, Connections};
use super::fd_limit;

/// The bounds of the connection layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections at most (lowered to fit the descriptor limit).
    pub max_connections: usize,
    /// How long a connection may go without a complete request head after connecting or after
    /// its previous answer.
    pub idle_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits { max_connections: 4096, idle_timeout: Duration::from_secs(30) }
    }
}

/// How long to wait before accepting again after an accept error (out of descriptors: a closed
/// idle connection gives one back at once).
const ACCEPT_RETRY: Duration = Duration::from_millis(10);

/// How often a connection waiting at the cap asks again for an idle one to close.
const ROOM_RETRY: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until `stop` is cancelled, then closes every connection gracefully
/// (idle ones at once, busy ones after their answer) and returns when all are closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    table: Arc<Connections>,
    stop: CancellationToken,
) {
    let cap = fd_limit::connection_cap(limits.max_connections);
    let permits = Arc::new(Semaphore::new(cap));
    // HTTP/1.1 only, as the product's servlet containers speak to these clients; the timer starts
    // when a connection opens or goes idle, so a silent socket is closed too.
    let mut builder = Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.idle_timeout);
    tracing::debug!(cap, idle_timeout = ?limits.idle_timeout, "accepting connections");
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(&e, &table).await;
                    continue;
                }
            },
            () = stop.cancelled() => break,
        };
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => match make_room(&permits, &table, &stop).await {
                Some(permit) => permit,
                None => break,
            },
        };
        tokio::spawn(serve_connection(builder.clone(), stream, app.clone(), table.clone(), permit, stop.clone()));
    }
    drop(listener);
    // Every connection holds a permit until it has closed.
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
}

/// At the cap, a new connection has arrived: the connection idle the longest is asked to close,
/// and the new one waits for its place. While every connection is busy it waits for one to
/// finish (asking again now and then, as a finished one may stay open, idle).
async fn make_room(
    permits: &Arc<Semaphore>,
    table: &Connections,
    stop: &CancellationToken,
) -> Option<OwnedSemaphorePermit> {
    loop {
        table.close_idlest();
        tokio::select! {
            permit = permits.clone().acquire_owned() => return permit.ok(),
            () = tokio::time::sleep(ROOM_RETRY) => {}
            () = stop.cancelled() => return None,
        }
    }
}

async fn accept_failed(error: &std::io::Error, table: &Connections) {
    use std::io::ErrorKind;
    if matches!(error.kind(), ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset)
    {
        return;
    }
    // Out of descriptors (other parts of the process hold some): give one back.
    tracing::debug!("accept error: {error}");
    table.close_idlest();
    tokio::time::sleep(ACCEPT_RETRY).await;
}

async fn serve_connection(
    builder: Builder,
    stream: TcpStream,
    app: Router,
    table: Arc<Connections>,
    permit: OwnedSemaphorePermit,
    stop: CancellationToken,
) {
    let _permit = permit;
    // Answers are written whole: no reason to hold the last segment back.
    let _ = stream.set_nodelay(true);
    let (id, connection) = table.register();
    let service = tracked(app, connection.clone());
    let mut served = pin!(builder.serve_connection(TokioIo::new(stream), service));
    let mut asked = pin!(connection.closed());
    let mut stopping = pin!(stop.cancelled());
    let mut closing = false;
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!("connection ended: {e}");
                }
                break;
            }
            () = &mut asked, if !closing => {
                closing = true;
                served.as_mut().graceful_shutdown();
            }
            () = &mut stopping, if !closing => {
                closing = true;
                served.as_mut().graceful_shutdown();
            }
        }
    }
    table.remove(id);
}

/// The router as a hyper service, marking its connection busy while a request is in progress.
fn tracked(
    app: Router,
    connection: Arc<Connection>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future: Send + 'static,
> + Clone {
    let inner = TowerToHyperService::new(app);
    hyper::service::service_fn(move |request: Request<Incoming>| {
        let busy = connection.begin();
        let answer = hyper::service::Service::call(&inner, request);
        async move {
            let response = answer.await;
            drop(busy);
            response
        }
    })
}
