//! The pre-flight: a wrong password, a URL that serves something else and an unreachable target
//! each end `run` and `load` within 2 s with one line and their exit code, after fewer than 10
//! requests (a counting loopback server), and no case or load runs. Loopback only.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use itsm_conform::exit;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback server answering every request with `status`, `content_type` and `body`, counting
/// the requests it received.
async fn counting_server(
    status: &'static str,
    content_type: &'static str,
    body: &'static str,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut read = 0;
                // Headers, then as much body as Content-Length says.
                loop {
                    let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buf[read..])).await
                    else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    read += n;
                    let text = String::from_utf8_lossy(&buf[..read]).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if read >= end + 4 + length {
                            break;
                        }
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://127.0.0.1:{port}/citsmart"), count)
}

const REJECTED: &str =
    r#"{"error":{"code":"SESSION","description":"User was not found and / or password is invalid"},"sessionID":null}"#;
const HTML_404: &str = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>";

/// Runs the CLI on a thread (it builds its own runtime); returns (code, stdout, stderr, seconds).
async fn cli(args: Vec<String>) -> (u8, String, String, f64) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = common::run_cli(&argv);
        (code, out, err, started.elapsed().as_secs_f64())
    })
    .await
    .unwrap()
}

fn run_args(target: &str, out: &std::path::Path) -> Vec<String> {
    ["run", "--target", target, "--user", "ana", "--password", "wrong-pass", "--out"]
        .into_iter()
        .map(String::from)
        .chain([out.display().to_string()])
        .collect()
}

fn load_args(target: &str, out: &std::path::Path) -> Vec<String> {
    ["load", "--target", target, "--user", "ana", "--password", "wrong-pass", "--run-time", "5s", "--out"]
        .into_iter()
        .map(String::from)
        .chain([out.display().to_string()])
        .collect()
}

/// One line on standard error, nothing written to the reports directory, a few requests, fast.
fn assert_stopped_early(
    what: &str,
    result: &(u8, String, String, f64),
    code: u8,
    requests: usize,
    out: &std::path::Path,
) {
    let (got, stdout, stderr, seconds) = result;
    assert_eq!(*got, code, "{what}: exit code; stderr:\n{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{what}: one line on standard error:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{what}: {}", lines[0]);
    assert!(stdout.is_empty(), "{what}: nothing on standard output:\n{stdout}");
    assert!(*seconds < 2.0, "{what}: took {seconds:.2} s");
    assert!(requests < 10, "{what}: the target received {requests} requests");
    let files = std::fs::read_dir(out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, 0, "{what}: no case ran and no report was written");
    assert!(!stderr.contains("wrong-pass"), "{what}: the password is not printed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_stops_run_and_load_with_the_servers_own_words() {
    for command in ["run", "load"] {
        let (target, count) = counting_server("412 Precondition Failed", "application/json", REJECTED).await;
        let out = tempfile::tempdir().unwrap();
        let args = if command == "run" { run_args(&target, out.path()) } else { load_args(&target, out.path()) };
        let result = cli(args).await;
        assert_stopped_early(command, &result, exit::CREDENTIALS_REJECTED, count.load(Ordering::SeqCst), out.path());
        let line = result.2.trim();
        assert!(line.contains("`ana`"), "{command}: names the user: {line}");
        assert!(line.contains("technician"), "{command}: names the role: {line}");
        assert!(line.contains("User was not found and / or password is invalid"), "{command}: {line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_that_serves_something_else_stops_run_and_load_with_a_hint() {
    for command in ["run", "load"] {
        let (target, count) = counting_server("404 Not Found", "text/html", HTML_404).await;
        let out = tempfile::tempdir().unwrap();
        let args = if command == "run" { run_args(&target, out.path()) } else { load_args(&target, out.path()) };
        let result = cli(args).await;
        assert_stopped_early(command, &result, exit::HARNESS_ERROR, count.load(Ordering::SeqCst), out.path());
        let line = result.2.trim();
        assert!(line.contains("HTTP 404") && line.contains("text/html"), "{command}: says what answered: {line}");
        assert!(line.contains("base path"), "{command}: hints at the base path: {line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_target_stops_run_and_load_at_once() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = format!("http://127.0.0.1:{port}/citsmart");
    for command in ["run", "load"] {
        let out = tempfile::tempdir().unwrap();
        let args = if command == "run" { run_args(&target, out.path()) } else { load_args(&target, out.path()) };
        let result = cli(args).await;
        assert_stopped_early(command, &result, exit::HARNESS_ERROR, 0, out.path());
        assert!(result.2.contains("cannot reach the target"), "{command}: {}", result.2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_on_the_reference_server_names_role_user_and_description() {
    let registry = common::registry();
    let server = itsm_conform::server::start(itsm_conform::server::ServerConfig::local(), registry.spec().clone())
        .await
        .unwrap();
    let client = itsm_conform::run::preflight::client(false).unwrap();
    let mut credentials = itsm_conform::cli::reference_accounts(&server);
    let ok = itsm_conform::run::preflight::preflight(&client, &server.base_url(), &credentials).await.unwrap();
    assert!(ok.accounts >= 4, "every account of every role logs in once: {}", ok.accounts);
    credentials.pools.get_mut("approver").unwrap()[0].1 = "not-the-password".into();
    let e = itsm_conform::run::preflight::preflight(&client, &server.base_url(), &credentials).await.unwrap_err();
    let line = e.to_string();
    assert_eq!(itsm_conform::cli::CliError::from(e).exit_code(), exit::CREDENTIALS_REJECTED);
    assert!(line.contains("approver") && line.contains("`aprovador`") && line.contains("SESSION"), "{line}");
    assert!(!line.contains("not-the-password"), "{line}");
    server.shutdown().await;
}
