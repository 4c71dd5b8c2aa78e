//! Hostile targets: malformed, truncated, huge, dripping, resetting, hanging, HTML, redirecting,
//! non-UTF-8 and mislabelled answers. The harness never panics or hangs; each gives a failing or
//! error verdict with a reason; the reports are still written. Loopback only, bounded in time.

mod common;

use std::time::Duration;

use itsm_conform::run::{self, Credentials, Outcome, RunConfig, RunHandle, RunVerdict, Selection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone, Copy, Debug)]
enum Behaviour {
    MalformedJson,
    Truncated,
    Huge,
    SlowDrip,
    Reset,
    Hang,
    Html500,
    RedirectLoop,
    InvalidUtf8,
    WrongContentType,
}

async fn answer(mut socket: tokio::net::TcpStream, behaviour: Behaviour) {
    let mut buf = vec![0u8; 64 * 1024];
    let _ = tokio::time::timeout(Duration::from_millis(500), socket.read(&mut buf)).await;
    let head = |status: &str, ct: &str, len: usize| {
        format!("HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
    };
    match behaviour {
        Behaviour::MalformedJson => {
            let body = "{\"dateTime\": 1, \"error\": nul";
            let _ =
                socket.write_all(format!("{}{body}", head("200 OK", "application/json", body.len())).as_bytes()).await;
        }
        Behaviour::Truncated => {
            let _ =
                socket.write_all(format!("{}{{\"error\":", head("200 OK", "application/json", 1000)).as_bytes()).await;
        }
        Behaviour::Huge => {
            let len = 10 * 1024 * 1024;
            let _ = socket.write_all(head("200 OK", "application/json", len).as_bytes()).await;
            let chunk = vec![b' '; 64 * 1024];
            for _ in 0..(len / chunk.len()) {
                if socket.write_all(&chunk).await.is_err() {
                    break;
                }
            }
        }
        Behaviour::SlowDrip => {
            let _ = socket.write_all(head("200 OK", "application/json", 100).as_bytes()).await;
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if socket.write_all(b" ").await.is_err() {
                    break;
                }
            }
        }
        Behaviour::Reset => {
            // A zero linger makes the drop send RST at once (it cannot block, which is why the
            // general method is deprecated).
            #[allow(deprecated)]
            let _ = socket.set_linger(Some(Duration::ZERO));
            drop(socket);
            return;
        }
        Behaviour::Hang => {
            tokio::time::sleep(Duration::from_secs(20)).await;
        }
        Behaviour::Html500 => {
            let body = "<html><body><h1>500 Internal Server Error</h1></body></html>";
            let _ = socket
                .write_all(format!("{}{body}", head("500 Internal Server Error", "text/html", body.len())).as_bytes())
                .await;
        }
        Behaviour::RedirectLoop => {
            let _ = socket
                .write_all(
                    b"HTTP/1.1 302 Found\r\nLocation: /citsmart/loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
        }
        Behaviour::InvalidUtf8 => {
            let body: &[u8] = b"{\"error\": \"\xff\xfe\xfd\"}";
            let mut out = head("200 OK", "application/json", body.len()).into_bytes();
            out.extend_from_slice(body);
            let _ = socket.write_all(&out).await;
        }
        Behaviour::WrongContentType => {
            let body =
                "{\"error\": null, \"sessionID\": \"x\", \"dateTime\": 1, \"operationID\": 1, \"contracts\": []}";
            let _ = socket.write_all(format!("{}{body}", head("200 OK", "text/plain", body.len())).as_bytes()).await;
        }
    }
    let _ = socket.shutdown().await;
}

async fn hostile_server(behaviour: Behaviour) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer(socket, behaviour));
        }
    });
    (format!("http://{addr}/citsmart"), task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_targets_give_failing_or_error_verdicts_with_reasons() {
    let registry = common::registry();
    let suites = itsm_conform::suite::load_dir(&common::project_root().join("suites"), registry.spec()).unwrap();
    for behaviour in [
        Behaviour::MalformedJson,
        Behaviour::Truncated,
        Behaviour::Huge,
        Behaviour::SlowDrip,
        Behaviour::Reset,
        Behaviour::Hang,
        Behaviour::Html500,
        Behaviour::RedirectLoop,
        Behaviour::InvalidUtf8,
        Behaviour::WrongContentType,
    ] {
        let (target, server) = hostile_server(behaviour).await;
        let config = RunConfig {
            selection: Selection { endpoints: vec!["/services/v2/contracts".into()], ..Selection::default() },
            timeout: Duration::from_millis(400),
            ..RunConfig::new(target, Credentials::single("ana", "s3cret-pw"), suites.clone())
        };
        let handle = RunHandle::default();
        let run = run::run_suites(&config, registry.clone(), &handle, &run::engine::NoProgress);
        let report = tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .unwrap_or_else(|_| panic!("{behaviour:?}: the run hung"))
            .expect("the run completes");
        server.abort();
        assert!(report.stats.cases > 0, "{behaviour:?}: no case ran");
        assert_ne!(report.verdict, RunVerdict::Pass, "{behaviour:?}: a hostile target passed");
        for case in &report.cases {
            assert!(
                // A timeout is a warning (GEN-HTTP-006) that leaves the case unchecked: never a pass.
                matches!(case.outcome, Outcome::Fail | Outcome::Error | Outcome::Skipped | Outcome::Warn),
                "{behaviour:?}: case {} is {:?}",
                case.id,
                case.outcome
            );
            let first = &case.steps[0];
            let reason = first
                .error
                .clone()
                .or_else(|| {
                    first
                        .checks
                        .iter()
                        .find(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error))
                        .and_then(|c| c.actual.clone())
                })
                .or_else(|| first.skipped_reason.clone());
            assert!(reason.is_some_and(|r| !r.is_empty()), "{behaviour:?}: case {} has no reason", case.id);
        }
        let dir = tempfile::tempdir().unwrap();
        let formats = itsm_conform::report::ReportFormat::ALL;
        let written = itsm_conform::report::write_reports(&report, dir.path(), &formats).expect("reports written");
        assert_eq!(written.len(), 4);
        let text = itsm_conform::report::terminal_summary(&report, false);
        assert!(!text.contains("s3cret-pw"), "{behaviour:?}: the password leaked into the summary");
    }
}
