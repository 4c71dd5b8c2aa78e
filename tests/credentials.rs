//! Credentials stay with the target: no request is resent to another origin on a redirect, a login
//! body is never resent at all, and no report shows a password in any encoding — passwords with
//! quotes, backslashes and non-ASCII characters included, and a one-letter password masks its value
//! without mangling the rest of the report. Loopback only.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use itsm_conform::run::{self, Credentials, Outcome, RunConfig, RunHandle, RunReport};
use itsm_conform::server::{self, DataSet, ServerConfig};
use itsm_conform::suite::{self, LoadedSuite};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LOGIN_PATHS: [&str; 3] = ["/services/login", "/services/v2/login", "/services/xml/login"];

/// Requests a loopback server received: (path, body), in order.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// Reads one HTTP/1.1 request (head, then a `Content-Length` body): (path, body).
async fn read_request(socket: &mut TcpStream) -> Option<(String, String)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = socket.read(&mut buf).await.ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = socket.read(&mut buf).await.ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&buf[..n]);
    }
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    Some((path, String::from_utf8_lossy(&data[head_end..head_end + length]).into_owned()))
}

fn redirect(status: &str, location: &str) -> String {
    format!("HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

fn json_200(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A loopback server answering each request with `answer(port, path)`; counts accepted connections
/// and records every request.
async fn loopback(
    answer: impl Fn(u16, &str) -> String + Send + Sync + 'static,
) -> (u16, Arc<AtomicUsize>, Received, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let received: Received = Arc::default();
    let answer = Arc::new(answer);
    let (count, log) = (accepted.clone(), received.clone());
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let (log, answer) = (log.clone(), answer.clone());
            tokio::spawn(async move {
                if let Some((path, body)) = read_request(&mut socket).await {
                    let response = answer(port, &path);
                    log.lock().unwrap().push((path, body));
                    let _ = socket.write_all(response.as_bytes()).await;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (port, accepted, received, task)
}

fn config(target: String, credentials: Credentials, suites: Vec<LoadedSuite>, generated: bool) -> RunConfig {
    RunConfig { generated, timeout: Duration::from_secs(5), ..RunConfig::new(target, credentials, suites) }
}

async fn run(config: &RunConfig) -> RunReport {
    let handle = RunHandle::default();
    let run = run::run_suites(config, common::registry(), &handle, &run::engine::NoProgress);
    tokio::time::timeout(Duration::from_secs(60), run).await.expect("the run does not hang").expect("the run completes")
}

/// The `actual` of every failed GEN-HTTP-001 check, by endpoint.
fn redirect_failures(report: &RunReport) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for step in report.cases.iter().flat_map(|c| &c.steps) {
        for check in step.checks.iter().filter(|c| c.requirement == "GEN-HTTP-001" && c.outcome == Outcome::Fail) {
            out.push((step.endpoint.clone(), check.actual.clone().unwrap_or_default()));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_origin_receives_nothing() {
    let (other, other_accepted, other_received, other_task) = loopback(|_, _| json_200("{}")).await;
    let (target_port, _, target_received, target_task) =
        loopback(move |_, path| redirect("307 Temporary Redirect", &format!("http://127.0.0.1:{other}{path}"))).await;
    let registry = common::registry();
    let suites = suite::load_dir(&common::project_root().join("suites"), registry.spec()).unwrap();
    let config = config(
        format!("http://127.0.0.1:{target_port}/citsmart"),
        Credentials::single("ana", "s3cret-pw"),
        suites,
        true,
    );
    let report = run(&config).await;
    // Let a straggling connection (there should be none) reach the other listener before counting.
    tokio::time::sleep(Duration::from_millis(100)).await;
    other_task.abort();
    target_task.abort();
    let sent = target_received.lock().unwrap().len();
    assert!(sent > 50, "the run sent its requests to the target: {sent}");
    assert_eq!(other_accepted.load(Ordering::SeqCst), 0, "received: {:?}", other_received.lock().unwrap());
    let failures = redirect_failures(&report);
    let logins = failures.iter().filter(|(e, _)| LOGIN_PATHS.contains(&e.as_str())).count();
    assert!(logins > 0 && failures.len() > logins, "failed GEN-HTTP-001 on login and other endpoints: {failures:?}");
    for (endpoint, actual) in &failures {
        assert!(
            actual.contains("HTTP 307")
                && actual.contains(&format!("http://127.0.0.1:{other}/citsmart{endpoint}"))
                && actual.contains("another origin")
                && actual.contains("not followed; nothing was resent"),
            "{endpoint}: {actual}"
        );
    }
    assert_eq!(report.verdict, run::RunVerdict::Fail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_origin_307_is_followed_once_and_never_for_a_login() {
    let (port, _, received, task) = loopback(|_, path| match path.strip_prefix("/citsmart").unwrap_or(path) {
        "/services/v2/login" => redirect("307 Temporary Redirect", "/citsmart/moved/login"),
        "/services/v2/contracts" => redirect("308 Permanent Redirect", "/citsmart/moved/contracts"),
        "/services/v2/units" => redirect("307 Temporary Redirect", "/citsmart/moved/units"),
        "/moved/units" => redirect("307 Temporary Redirect", "/citsmart/moved/again"),
        "/services/v2/status" => redirect("302 Found", "/citsmart/moved/status"),
        _ => json_200(r#"{"contracts": [], "error": null}"#),
    })
    .await;
    let registry = common::registry();
    let text = r#"
name: redirects
cases:
  - name: login
    steps:
      - call: /services/v2/login
        body: {userName: "{{technician.user}}", password: "{{technician.password}}", token: t, platform: iOS}
  - name: contracts
    steps:
      - call: /services/v2/contracts
        body: {sessionID: s-contracts}
  - name: units
    steps:
      - call: /services/v2/units
        body: {sessionID: s-units, contractID: 1}
  - name: status
    steps:
      - call: /services/v2/status
        body: {sessionID: s-status}
"#;
    let suite = suite::load_text("redirects.yaml", text, registry.spec()).unwrap_or_else(|d| panic!("{d}"));
    let config = config(
        format!("http://127.0.0.1:{port}/citsmart"),
        Credentials::single("ana", "s3cret-pw"),
        vec![suite],
        false,
    );
    let report = run(&config).await;
    task.abort();
    let mut by_path: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, body) in received.lock().unwrap().iter() {
        by_path.entry(path.clone()).or_default().push(body.clone());
    }
    let count = |p: &str| by_path.get(p).map_or(0, Vec::len);
    // The 308 of a non-login endpoint is followed once, with the same method and body.
    assert_eq!(by_path.get("/citsmart/moved/contracts"), Some(&vec![r#"{"sessionID":"s-contracts"}"#.to_string()]));
    // The login's 307 is not followed: the password went to the login path only.
    assert_eq!(count("/citsmart/services/v2/login"), 1);
    assert_eq!(count("/citsmart/moved/login"), 0, "the login body was resent: {by_path:?}");
    // One redirect at most: the second one is the answer.
    assert_eq!((count("/citsmart/moved/units"), count("/citsmart/moved/again")), (1, 0), "{by_path:?}");
    // A 302 would turn the POST into a GET: not followed.
    assert_eq!(count("/citsmart/moved/status"), 0, "{by_path:?}");
    let failures: BTreeMap<String, String> = redirect_failures(&report).into_iter().collect();
    assert_eq!(
        failures.keys().map(String::as_str).collect::<Vec<_>>(),
        ["/services/v2/login", "/services/v2/status", "/services/v2/units"],
        "the followed redirect is no failure: {failures:?}"
    );
    assert!(failures["/services/v2/login"].contains("same origin; this request is not resent"), "{failures:?}");
    assert!(failures["/services/v2/units"]
        .contains("/citsmart/moved/again (same origin; one redirect was already followed)"));
    assert!(failures["/services/v2/status"].contains("HTTP 302"), "{failures:?}");
    let contracts = report.cases.iter().find(|c| c.name == "contracts").unwrap();
    assert_eq!(contracts.steps[0].response.as_ref().map(|r| r.status), Some(200), "the followed answer is recorded");
}

/// Passwords that each break naive redaction: quotes and backslashes (JSON escaping), `'` (shell
/// quoting), `<` and `&` (XML), non-ASCII (`\u` escapes, percent-encoding), and one letter.
const PASSWORDS: [(&str, &str); 6] = [
    ("tecnico", "tec\"ni\\co'<&>ç-1"),
    ("tecnico2", "a\"\\'b"),
    ("aprovador", "p"),
    ("aprovador2", "\\u00e9%&a"),
    ("solicitante", "r\"\\'<"),
    ("coordenador", "c'o\"o\\rd/€"),
];

/// `text` in each encoding a report could show it in.
fn encodings(text: &str) -> Vec<String> {
    let json = serde_json::to_string(text).unwrap();
    let json = json[1..json.len() - 1].to_string();
    let xml = |quot: &str, apos: &str| {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', quot).replace('\'', apos)
    };
    let percent: String = text
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect();
    let mut forms = vec![
        text.to_string(),
        json.clone(),
        xml("&quot;", "&apos;"),
        xml("&quot;", "&#39;"),
        xml("&quot;", "&#x27;"),
        xml("&#34;", "&#39;"),
        percent,
    ];
    // HTML-escaped, as the HTML report shows a body (minijinja also escapes `'` and `/`).
    for base in [text.to_string(), json] {
        let html = base.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        forms.push(html.replace('\'', "&#x27;").replace('/', "&#x2f;"));
        forms.push(html);
    }
    forms.sort();
    forms.dedup();
    forms
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_report_shows_a_password_in_any_encoding_and_a_short_one_mangles_nothing() {
    let registry = common::registry();
    let mut data = DataSet::builtin();
    for user in &mut data.users {
        user.password = PASSWORDS.iter().find(|(l, _)| *l == user.login).expect("every demo user").1.to_string();
    }
    let mut server_config = ServerConfig::local();
    server_config.data = data;
    let server = server::start(server_config, registry.spec().clone()).await.expect("server starts");
    let credentials = itsm_conform::cli::reference_accounts(&server);
    let suites = suite::load_dir(&common::project_root().join("suites"), registry.spec()).unwrap();
    let report = run(&config(server.base_url(), credentials.clone(), suites, true)).await;
    server.shutdown().await;
    // The logins worked with these passwords, so every suite sent them.
    assert_eq!(report.verdict, run::RunVerdict::Pass, "{:?}", redirect_failures(&report));

    // The login bodies show the password as ***.
    let (mut logins, mut xml_logins) = (0, 0);
    for step in report.cases.iter().flat_map(|c| &c.steps).filter(|s| LOGIN_PATHS.contains(&s.endpoint.as_str())) {
        let Some(request) = &step.request else { continue };
        let body = serde_json::from_str(&request.body)
            .or_else(|_| itsm_conform::spec::xml::xml_to_json(&request.body))
            .unwrap_or_default();
        // Some cases log in with a wrong password on purpose; those are no secret.
        let password = body.get("password").and_then(serde_json::Value::as_str).unwrap_or("");
        assert!(PASSWORDS.iter().all(|(_, p)| *p != password), "{}", request.body);
        logins += usize::from(password == "***");
        xml_logins += usize::from(password == "***" && request.body.contains("<Password>***</Password>"));
    }
    assert!(logins > 10 && xml_logins > 0, "logins seen: {logins}, XML: {xml_logins}");

    let dir = tempfile::tempdir().unwrap();
    let paths = itsm_conform::report::write_reports(&report, dir.path(), &itsm_conform::report::ReportFormat::ALL)
        .expect("reports written");
    let mut texts: Vec<(String, String)> =
        paths.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap())).collect();
    texts.push(("terminal".into(), itsm_conform::report::terminal_summary(&report, false)));
    for (name, text) in &texts {
        for (_, password) in PASSWORDS {
            // A short password is a value, never free text: look for it where requests carry it.
            let needles = if password.chars().count() >= itsm_conform::secrets::DISTINCTIVE_CHARS {
                encodings(password)
            } else {
                let json = serde_json::to_string(password).unwrap();
                let xml_value: String = password
                    .chars()
                    .map(|c| match c {
                        '<' => "&lt;".into(),
                        '&' => "&amp;".into(),
                        '"' => "&quot;".into(),
                        '\'' => "&apos;".into(),
                        c => c.to_string(),
                    })
                    .collect();
                let mut n = encodings(&format!("\"password\":{json}"));
                n.extend(encodings(&format!("<Password>{xml_value}</Password>")));
                n
            };
            for needle in needles {
                assert!(!text.contains(&needle), "{name} contains the password {password:?} as {needle:?}");
            }
        }
    }
    // The one-letter password `p` left the rest intact: URLs, the target, the field names.
    let json = &texts.iter().find(|(n, _)| n.ends_with(".json")).unwrap().1;
    assert!(json.contains(&format!("\"target\": \"{}\"", report.target)), "the target URL is intact");
    assert!(json.contains("http://127.0.0.1:") && json.contains(r#"\"password\":\"***\""#));
    assert!(json.contains("/services/v2/login") && json.contains("\"passed\""));
    let html = &texts.iter().find(|(n, _)| n.ends_with(".html")).unwrap().1;
    assert!(html.contains("http://") && html.contains(&report.target) && !html.contains("htt***"));
    for (name, text) in &texts {
        assert!(!text.contains("htt***") && !text.contains("***ass"), "{name} is mangled");
    }
}
