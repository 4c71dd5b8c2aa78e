//! The embedded reference server in a child process (`serve --bind 127.0.0.1:0 --ready-line`),
//! for `load` without `--target`: the server then has its own process and runtime instead of
//! competing with the load generator inside one, and its log goes to a file the user can read.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::run::Credentials;

/// What `serve --ready-line` prints on standard output, followed by the base URL, once it listens.
pub const READY_PREFIX: &str = "itsm-conform-ready ";

/// Start-up includes loading and checking the spec, seconds in a debug build on a busy machine.
const READY_DEADLINE: Duration = Duration::from_secs(15);

/// How long a child that closed its standard output gets to exit on its own (to report its status).
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Lines of the server's log quoted in an error.
const LOG_TAIL_LINES: usize = 20;

/// Why the child reference server did not start (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum ChildServerError {
    #[error("cannot create the server log `{}`: {cause}", .path.display())]
    Log { path: PathBuf, cause: std::io::Error },
    #[error("cannot start the reference server `{}`: {cause}", .exe.display())]
    Spawn { exe: PathBuf, cause: std::io::Error },
    /// It started but never said it was ready; `tail` is the end of its log, indented.
    #[error("the reference server `{} serve` did not start: {why}; its log ({}):\n{tail}", .exe.display(), .log.display())]
    NotReady { exe: PathBuf, why: NotReady, log: PathBuf, tail: String },
}

/// Why a started child never said it was ready.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("cannot read its output: {0}")]
    Unreadable(std::io::Error),
    #[error("it exited ({0}) before it was ready")]
    Exited(ExitStatus),
    #[error("it closed its output without saying it was ready")]
    Closed,
    #[error("it did not say it was ready within {} s", .0.as_secs())]
    Timeout(Duration),
}

/// A running child reference server; dropping it kills and reaps the child.
pub struct ChildServer {
    child: Child,
    /// Our end of the child's stdin; closing it (on drop, or when this process dies) stops it.
    _stdin: Option<ChildStdin>,
    base_url: String,
    log: PathBuf,
}

impl ChildServer {
    /// Starts `exe serve` on a free loopback port with the built-in data and waits (at most
    /// `READY_DEADLINE`) for its ready line. Its standard error goes to `log`.
    pub fn start(exe: &Path, specs_dir: Option<&Path>, log: &Path) -> Result<ChildServer, ChildServerError> {
        let log_file =
            std::fs::File::create(log).map_err(|cause| ChildServerError::Log { path: log.to_path_buf(), cause })?;
        let mut command = Command::new(exe);
        // `--specs` is global; before the subcommand is where the top-level parser expects it.
        if let Some(dir) = specs_dir {
            command.arg("--specs").arg(dir);
        }
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--ready-line"])
            // Piped and kept open: the server stops when it closes (we exit, however we exit).
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file);
        // Its own process group: a terminal Ctrl-C reaches only the load generator, which stops
        // the run, writes the reports and then stops this child itself.
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn().map_err(|cause| ChildServerError::Spawn { exe: exe.to_path_buf(), cause })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        // A thread, because std cannot read a pipe with a timeout.
        let reader = std::thread::Builder::new().name("reference-server-stdout".into()).spawn(move || {
            let mut reader = BufReader::new(stdout);
            let _ = tx.send(read_ready_line(&mut reader));
            // Keep draining until the child exits, so a later write of the child never fails.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let why = match reader {
            Err(e) => NotReady::Unreadable(e),
            Ok(_) => match rx.recv_timeout(READY_DEADLINE) {
                Ok(Some(base_url)) => {
                    return Ok(ChildServer { child, _stdin: stdin, base_url, log: log.to_path_buf() })
                }
                Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => match exit_status(&mut child) {
                    Some(status) => NotReady::Exited(status),
                    None => NotReady::Closed,
                },
                Err(mpsc::RecvTimeoutError::Timeout) => NotReady::Timeout(READY_DEADLINE),
            },
        };
        let _ = child.kill();
        let _ = child.wait();
        Err(ChildServerError::NotReady { exe: exe.to_path_buf(), why, log: log.to_path_buf(), tail: log_tail(log) })
    }

    /// `http://127.0.0.1:PORT/citsmart`, as the child reported it.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The demo accounts: the child serves the built-in data set.
    pub fn credentials(&self) -> Credentials {
        super::target::builtin_accounts()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> &Path {
        &self.log
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        // Killed, not asked: the server holds nothing worth a graceful stop. Waited, so no zombie.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The base URL of the first ready line; `None` at the end of the output or on a read error.
fn read_ready_line(reader: &mut BufReader<ChildStdout>) -> Option<String> {
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {
                let text = String::from_utf8_lossy(&line);
                if let Some(url) = text.trim_end().strip_prefix(READY_PREFIX) {
                    return Some(url.trim().to_string());
                }
            }
        }
    }
}

/// The child's exit status if it exits within `EXIT_GRACE` (polled: `wait` has no timeout).
fn exit_status(child: &mut Child) -> Option<ExitStatus> {
    let until = Instant::now() + EXIT_GRACE;
    while Instant::now() < until {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => return None,
        }
    }
    None
}

/// The last lines of the log, indented, or a note that it is empty.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read(log).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return "  (empty)".to_string();
    }
    lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
