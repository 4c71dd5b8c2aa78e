//! The binary itself, interrupted mid-run by a real SIGTERM or SIGINT, and stopped by its circuit
//! breaker against a target that stopped answering: every report is written, the verdict is never
//! PASS, and the exit code is the documented one. Loopback only, each run bounded in time.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use itsm_conform::exit;
use itsm_conform::server::{self, Fault, FaultSet, ServerConfig};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const EXE: &str = env!("CARGO_BIN_EXE_itsm-conform");
const REPORTS: [&str; 4] = ["itsm-conform.junit.xml", "itsm-conform.json", "itsm-conform.md", "itsm-conform.html"];

/// The reference server's accounts as a credentials file.
fn credentials_file(dir: &Path, server: &server::RunningServer) -> std::path::PathBuf {
    let mut text = String::new();
    for (role, pool) in itsm_conform::cli::reference_accounts(server).pools {
        text.push_str(&format!("{role}:\n"));
        for (user, password) in pool {
            text.push_str(&format!("  - {{user: \"{user}\", password: \"{password}\"}}\n"));
        }
    }
    let path = dir.join("credentials.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn report_json(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("itsm-conform.json")).unwrap()).unwrap()
}

/// Waits for the child for at most `limit`; kills it and panics past that.
fn wait_for(child: &mut std::process::Child, limit: Duration) -> i32 {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the run did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sigint_mid_run_write_every_report_with_verdict_incomplete() {
    let registry = common::registry();
    // Slow enough that the run takes half a minute; the signal comes after about a second.
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(vec!["slow:30ms".parse::<Fault>().unwrap()]);
    let server = server::start(config, registry.spec().clone()).await.unwrap();
    for signal in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("reports");
        let credentials = credentials_file(dir.path(), &server);
        let mut child = Command::new(EXE)
            .args(["run", "--target", &server.base_url(), "--credentials"])
            .arg(&credentials)
            .args(["--jobs", "1", "--no-color", "--out"])
            .arg(&out)
            .current_dir(common::project_root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let sent = Command::new("kill").args([format!("-{signal}"), child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        let code = tokio::task::block_in_place(|| wait_for(&mut child, Duration::from_secs(15)));
        assert_eq!(code, i32::from(exit::INCOMPLETE), "SIG{signal}: exit code");
        for name in REPORTS {
            assert!(out.join(name).exists(), "SIG{signal}: {name} is written");
        }
        let report = report_json(&out);
        assert_eq!(report["verdict"], "incomplete", "SIG{signal}");
        assert_eq!(report["stopped"], "interrupted");
        assert!(report["stop_reason"].as_str().unwrap().contains(&format!("SIG{signal}")), "{}", report["stop_reason"]);
        assert!(report["stats"]["cases_not_run"].as_u64().unwrap() > 0, "SIG{signal}: cases not run are listed");
        let junit = std::fs::read_to_string(out.join("itsm-conform.junit.xml")).unwrap();
        assert!(
            junit.contains(&format!("not run: interrupted by SIG{signal}")),
            "SIG{signal}: JUnit skips with the reason"
        );
    }
    server.shutdown().await;
}

/// A target whose logins answer and whose every other endpoint hangs.
async fn hanging_target() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let Ok(n) = socket.read(&mut buf).await else { return };
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                if head.contains("/login ") {
                    let body = r#"{"sessionID":"0123456789ABCDEF0123456789ABCDEF","error":null}"#;
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                } else {
                    // Never answers; holds the connection for longer than any run here.
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}/citsmart")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_stops_answering_trips_the_circuit_breaker() {
    let target = hanging_target().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let started = Instant::now();
    let out_arg = out.display().to_string();
    let args = vec![
        "run".to_string(),
        "--target".into(),
        target,
        "--user".into(),
        "ana".into(),
        "--password".into(),
        "s3cret-pw".into(),
        "--timeout".into(),
        "1s".into(),
        "--jobs".into(),
        "2".into(),
        "--out".into(),
        out_arg,
    ];
    let (code, _, stderr) = tokio::task::spawn_blocking(move || {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        common::run_cli(&argv)
    })
    .await
    .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(code, exit::HARNESS_ERROR, "{stderr}");
    // About twice the timeout (the first requests in flight, then the next ones), plus start-up.
    assert!(seconds < 4.0, "stopped after {seconds:.1} s");
    let report = report_json(&out);
    assert_eq!(report["verdict"], "error");
    assert_eq!(report["stopped"], "target_stopped_answering");
    assert!(report["stop_reason"].as_str().unwrap().contains("stopped answering"));
    assert!(report["stats"]["cases_not_run"].as_u64().unwrap() > 100, "the rest is listed as not run");
    for name in REPORTS {
        assert!(out.join(name).exists(), "{name} is written");
    }
}
