//! The reference implementation of all 50 endpoints (`itsm-conform serve`): stateful, in memory,
//! faithful to specs/ and specs/DECISIONS.md, with switchable faults (deviations a run must catch)
//! and freedoms (choices the sources allow that a run must accept), and bounded in every resource
//! it holds (`limits.rs`).
//!
//! Layers, each importing only those before it (the server imports `spec`, `time` and nothing of
//! `run`, `load`, `report` or `cli`):
//! 1. catalogues and the data set format: `data`, `faults`, `freedoms`, `other_ids`;
//! 2. the typed world and its commands: `domain`;
//! 3. state around it: `sessions`, `world_cell`, `read_cache`, `state`, `fd_limit`,
//!    `connections`, `listener`, `limits`;
//! 4. the JSON edge: `reply`, `input`, `render`, `fault_apply`, `freedom_apply`;
//! 5. `handlers` (one kind for reads, one for writes), `pipeline`, `router`; then this file.

mod connections;
pub mod data;
pub mod domain;
mod fault_apply;
pub mod faults;
mod fd_limit;
mod freedom_apply;
pub mod freedoms;
mod handlers;
mod input;
pub mod limits;
mod listener;
mod other_ids;
mod pipeline;
mod read_cache;
mod render;
mod reply;
mod router;
mod sessions;
mod state;
mod world_cell;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub use data::DataSet;
pub use faults::{Fault, FaultKind, FaultSet, CATALOGUE};
pub use fd_limit::raise_to_hard_limit as raise_fd_limit;
pub use freedoms::{FreedomChoice, FreedomKind, FreedomSet, CATALOGUE as FREEDOMS};
pub use limits::Limits;
pub use listener::ConnectionLimits;
pub use read_cache::CacheLimits;
pub use router::BODY_LIMIT;

use crate::spec::Spec;
use domain::{World, WorldOptions};
use state::AppState;

/// The date format of the answers, which the load generator writes too (`src/load` imports it
/// from here; `crate::time::iso` is the same function).
pub mod world {
    pub use crate::time::iso;
}

/// Everything `serve` and the in-process server need.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    pub base_path: String,
    pub data: DataSet,
    pub session_ttl: Duration,
    pub faults: FaultSet,
    /// Allowed variations from the reference's defaults; faults apply on top of them.
    pub freedoms: FreedomSet,
    pub limits: Limits,
}

impl ServerConfig {
    /// Loopback, a free port, `/citsmart`, the built-in data, 30-minute sessions, no faults, no
    /// freedoms, the default limits.
    pub fn local() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_path: "/citsmart".into(),
            data: DataSet::builtin(),
            session_ttl: Duration::from_secs(30 * 60),
            faults: FaultSet::default(),
            freedoms: FreedomSet::default(),
            limits: Limits::default(),
        }
    }
}

/// A started server. Dropping it without `shutdown` leaves it running until the runtime ends.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub base_path: String,
    state: Arc<AppState>,
    connections: Arc<connections::Connections>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT/citsmart`
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.base_path)
    }

    /// (login, password, role) of every user of the data set.
    pub fn credentials(&self) -> Vec<(String, String, data::Role)> {
        let world = self.state.world.read();
        world.catalog().users.iter().map(|u| (u.login.clone(), u.password.clone(), u.role)).collect()
    }

    /// Names of the queries `/services/data/query` knows: what a vendor gives `run --data-query`.
    pub fn data_query_names(&self) -> Vec<String> {
        self.state.world.read().catalog().queries.iter().map(|q| q.name.clone()).collect()
    }

    /// How long a session lives from login.
    pub fn session_ttl(&self) -> Duration {
        self.state.session_ttl
    }

    /// Ids of the sessions held (tests check that no report leaks one).
    pub fn session_ids(&self) -> Vec<String> {
        self.state.sessions.ids()
    }

    /// Sessions held, expired ones included until a sweep drops them.
    pub fn session_count(&self) -> usize {
        self.state.sessions.len()
    }

    /// Open connections.
    pub fn connection_count(&self) -> usize {
        self.connections.len()
    }

    /// (entries, bytes) the read cache holds.
    pub fn cache_usage(&self) -> (usize, usize) {
        self.state.cache.usage()
    }

    /// Requests the world holds (the data set's and those created since, within the cap).
    pub fn request_count(&self) -> usize {
        self.state.world.read().tickets().len()
    }

    /// Moves the server's clock forward (session expiry tests).
    pub fn advance_clock(&self, by: Duration) {
        self.state.advance_clock(by);
    }

    pub async fn shutdown(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }

    /// Waits until the server stops (Ctrl-C handling is the caller's).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// How often idle sessions are swept besides the sweep every login does: often enough that a
/// server nobody logs in to gives back what expired within about a lifetime.
fn sweep_period(ttl: Duration) -> Duration {
    (ttl / 2).clamp(Duration::from_millis(500), Duration::from_secs(60))
}

/// Binds and starts the server on the current tokio runtime.
pub async fn start(config: ServerConfig, spec: Arc<Spec>) -> std::io::Result<RunningServer> {
    let base_path = normalize_base_path(&config.base_path);
    let options = WorldOptions {
        other_ids: config.freedoms.has(FreedomKind::OtherIds),
        keep_originals: config.faults.has(FaultKind::StaleGetById),
        max_requests: config.limits.max_requests,
    };
    let world = World::with(config.data, &options);
    let state = Arc::new(AppState::new(
        world,
        config.faults,
        config.freedoms,
        config.session_ttl,
        spec,
        base_path.clone(),
        config.limits.cache,
    ));
    let app = router::router(state.clone(), &base_path);
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let stop = CancellationToken::new();
    let sweeper = {
        let (state, stop) = (state.clone(), stop.clone());
        let mut tick = tokio::time::interval(sweep_period(config.session_ttl));
        async move {
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        state.sessions.sweep(state.now_ms());
                    }
                    () = stop.cancelled() => break,
                }
            }
        }
    };
    let connections = Arc::new(connections::Connections::default());
    let serving = listener::serve(listener, app, config.limits.connections, connections.clone(), stop.clone());
    let task = tokio::spawn(async move {
        tokio::join!(serving, sweeper);
    });
    Ok(RunningServer { addr, base_path, state, connections, stop, task })
}

/// `citsmart/` → `/citsmart`; `/` → ``.
pub fn normalize_base_path(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// The start-up banner: address, base path, data set, demo credentials (passwords of the demo data
/// set only; a `--data` file's passwords are not printed), active faults and freedoms.
pub fn banner(server: &RunningServer, data_name: &str, builtin_data: bool) -> String {
    let mut out = format!(
        "itsm-conform reference server\n  listening on  {}\n  base path     {}\n  data set      {}\n",
        server.base_url(),
        if server.base_path.is_empty() { "/" } else { &server.base_path },
        data_name
    );
    out.push_str("  users\n");
    for (login, password, role) in server.credentials() {
        let shown = if builtin_data { password } else { "(from the data file)".into() };
        out.push_str(&format!("    {login:<14} {shown:<20} {role:?}\n"));
    }
    let faults: Vec<String> = server.state.faults.iter().map(ToString::to_string).collect();
    out.push_str(&format!("  faults        {}\n", if faults.is_empty() { "none".into() } else { faults.join(", ") }));
    let freedoms: Vec<String> = server.state.freedoms.iter().map(|f| f.to_string()).collect();
    let freedoms = if freedoms.is_empty() { "none".into() } else { freedoms.join(", ") };
    out.push_str(&format!("  freedoms      {freedoms}\n"));
    out
}
