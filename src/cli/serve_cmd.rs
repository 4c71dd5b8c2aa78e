//! `itsm-conform serve`: the reference server in the foreground, until Ctrl-C (or SIGTERM).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use super::args::ServeArgs;
use super::CliError;
use crate::exit;
use crate::server::{self, DataSet, FaultSet, FreedomSet, Limits, ServerConfig, CATALOGUE, FREEDOMS};
use crate::spec::SpecFiles;

/// How long a graceful stop may wait for open connections before the process just ends.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

pub fn run(args: &ServeArgs, files: &SpecFiles, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    if args.list_faults {
        return Ok(list_faults(out));
    }
    if args.list_freedoms {
        return Ok(list_freedoms(out));
    }
    // The server is the executable form of the spec: it does not start from an inconsistent one.
    let registry = super::checked_spec(files)?;
    let (data, data_name, builtin) = match &args.data {
        None => {
            let data = DataSet::builtin();
            let name = data.name.clone();
            (data, name, true)
        }
        Some(path) => {
            let data = load_data(path)?;
            let name = format!("{} ({})", data.name, path.display());
            (data, name, false)
        }
    };
    let config = ServerConfig {
        bind: args.bind,
        base_path: args.base_path.clone(),
        data,
        session_ttl: args.session_ttl,
        faults: FaultSet::new(args.faults.clone()),
        freedoms: FreedomSet::from_choices(&args.freedoms),
        limits: limits(args),
    };
    // Every connection holds a descriptor; the usual soft limit (1,024) is far below the hard one.
    server::raise_fd_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(CliError::Runtime)?;
    init_logging();
    runtime.block_on(async {
        let server = server::start(config, registry.spec().clone())
            .await
            .map_err(|cause| CliError::Listen { bind: args.bind, cause })?;
        let mut banner = server::banner(&server, &data_name, builtin);
        if args.ready_line {
            // A child of `load` writes this to a log file in the reports directory: no passwords
            // there, even the demo ones (all distinctive, so masked in the banner's free text).
            let passwords = crate::secrets::Secrets::new(server.credentials().into_iter().map(|(_, p, _)| p));
            banner = passwords.redact(&banner);
        }
        let _ = write!(err, "{banner}");
        let _ = writeln!(err, "  stop with     Ctrl-C");
        let _ = err.flush();
        if args.ready_line {
            // The parent waits for this line; flushed so it does not sit in a buffer.
            let _ = writeln!(out, "{}{}", super::child_server::READY_PREFIX, server.base_url());
            let _ = out.flush();
        }
        tracing::info!(addr = %server.addr, base_path = %server.base_path, "reference server started");
        let signal = if args.ready_line {
            // A child of `load` also stops when its parent's end of stdin closes, so a parent that
            // dies without cleaning up (SIGKILL) leaves no server behind.
            tokio::select! {
                s = stop_signal() => s,
                s = stdin_closed() => s,
            }
        } else {
            stop_signal().await
        };
        tracing::info!(signal, "stopping");
        if tokio::time::timeout(SHUTDOWN_GRACE, server.shutdown()).await.is_err() {
            tracing::warn!("open connections did not close within {SHUTDOWN_GRACE:?}; stopping anyway");
        }
        tracing::info!("reference server stopped");
        Ok(exit::OK)
    })
}

fn limits(args: &ServeArgs) -> Limits {
    let mut limits = Limits::default();
    limits.connections.max_connections = args.max_connections as usize;
    limits.connections.idle_timeout = args.idle_timeout;
    limits.max_requests = args.max_requests as usize;
    limits
}

/// Reads and checks a `--data` file; the message names the file and, for a bad file, the field.
fn load_data(path: &Path) -> Result<DataSet, CliError> {
    let text = std::fs::read_to_string(path).map_err(|cause| CliError::DataFile { path: path.to_path_buf(), cause })?;
    Ok(DataSet::parse(&path.display().to_string(), &text)?)
}

/// `NAME[:ARG]  description (default …)  [caught by REQ]`, one line per fault.
fn list_faults(out: &mut dyn Write) -> u8 {
    let rows: Vec<(String, String)> = CATALOGUE
        .iter()
        .map(|info| {
            let (usage, note) = match info.arg {
                None => (info.name.to_string(), String::new()),
                Some(arg) => match arg.split_once(" (") {
                    Some((arg_name, rest)) => (format!("{}[:{arg_name}]", info.name), format!(" ({rest}")),
                    None => (format!("{}[:{arg}]", info.name), String::new()),
                },
            };
            (usage, format!("{}{note}  [caught by {}]", info.description, info.caught_by))
        })
        .collect();
    let width = rows.iter().map(|(usage, _)| usage.len()).max().unwrap_or(0);
    for (usage, text) in rows {
        if writeln!(out, "{usage:<width$}  {text}").is_err() {
            break; // a closed pipe (`| head`) is not an error
        }
    }
    exit::OK
}

/// `NAME  description  [D-… / facts §…] (departs from …)`, one line per freedom.
fn list_freedoms(out: &mut dyn Write) -> u8 {
    let width = FREEDOMS.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for info in FREEDOMS {
        let departs = if info.departs_from.is_empty() {
            String::new()
        } else {
            format!(" (departs from {})", info.departs_from.join(", "))
        };
        if writeln!(out, "{:<width$}  {}  [{}]{departs}", info.name, info.description, info.cites).is_err() {
            break; // a closed pipe (`| head`) is not an error
        }
    }
    exit::OK
}

/// Logs to standard error, filtered by RUST_LOG (default `info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_ansi(std::io::stderr().is_terminal());
    // main() holds the stderr lock for the whole run, so worker threads writing through
    // `std::io::stderr()` would block forever; a duplicate of the descriptor bypasses that lock.
    let installed = match stderr_file() {
        Some(file) => builder.with_writer(file).try_init(),
        None => builder.with_writer(std::io::sink).try_init(),
    };
    // Already installed (a second server in the same process): keep the first one.
    let _ = installed;
}

#[cfg(unix)]
fn stderr_file() -> Option<std::fs::File> {
    use std::os::fd::AsFd;
    std::io::stderr().as_fd().try_clone_to_owned().ok().map(std::fs::File::from)
}

#[cfg(not(unix))]
fn stderr_file() -> Option<std::fs::File> {
    None
}

/// Waits for Ctrl-C, or SIGTERM on Unix; returns which.
/// Resolves when standard input reaches its end. A plain thread, not `spawn_blocking`: a runtime
/// waits for its blocking tasks when it shuts down, and this read may never end.
async fn stdin_closed() -> &'static str {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new().name("stdin-watch".into()).spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = tx.send(());
    });
    if spawned.is_err() {
        return std::future::pending().await;
    }
    let _ = rx.await;
    "stdin closed"
}

async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "ctrl-c",
                _ = term.recv() => "SIGTERM",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "ctrl-c"
}
