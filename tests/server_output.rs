//! Snapshots of the reference server's human-facing output: the banner, `--list-faults` and
//! `--list-freedoms`.

mod common;

use common::{run_cli, TestServer};
use itsm_conform::server::{self, Fault, FaultSet, FreedomChoice, FreedomSet, ServerConfig};

#[tokio::test]
async fn the_banner_names_address_data_users_faults_and_freedoms() {
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(vec!["slow:50ms".parse::<Fault>().unwrap(), "html-500".parse().unwrap()]);
    let freedoms: Vec<FreedomChoice> = ["session-hex", "oldest-first"].iter().map(|f| f.parse().unwrap()).collect();
    config.freedoms = FreedomSet::from_choices(&freedoms);
    let t = TestServer::start_with(config).await;
    let banner = server::banner(&t.server, "itsm-conform reference data (built-in)", true);
    assert!(banner.contains(&t.server.base_url()), "{banner}");
    insta::assert_snapshot!("banner", itsm_conform::redact::ports(&banner));
    let other = server::banner(&t.server, "other", false);
    assert!(!other.contains("tecnico-demo"), "passwords of a --data file are not printed:\n{other}");
}

#[test]
fn list_faults_output() {
    let (code, out, _) = run_cli(&["serve", "--list-faults"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("list_faults", out);
}

#[test]
fn list_freedoms_output() {
    let (code, out, _) = run_cli(&["serve", "--list-freedoms"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("list_freedoms", out);
}

/// `serve` at debug level logs one line per request, and never a password or a body.
#[tokio::test]
async fn debug_logs_name_requests_but_never_passwords() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_itsm-conform"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("serve starts");
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/citsmart/services/login");
    let mut answered = false;
    for _ in 0..100 {
        let sent =
            client.post(&url).json(&serde_json::json!({"userName": "tecnico", "password": "tecnico-demo"})).send();
        if let Ok(r) = sent.await {
            assert_eq!(r.status().as_u16(), 200);
            answered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(answered, "serve did not come up");
    child.start_kill().unwrap();
    let output = child.wait_with_output().await.unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("/citsmart/services/login"), "one line per request:\n{log}");
    // The banner shows the demo passwords by design; the request log must not.
    let after_banner = log.split("faults").last().unwrap_or("");
    assert!(!after_banner.contains("tecnico-demo"), "a password reached the log:\n{log}");
    assert!(!log.contains("\"password\""), "a request body reached the log:\n{log}");
}
