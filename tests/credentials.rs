//! Credentials stay with the target: no report shows a password in any encoding — passwords with
//! quotes, backslashes and non-ASCII characters included, and a one-letter password masks its value
//! without mangling the rest of the report. Loopback only.

mod common;

use std::time::Duration;

use itsm_conform::run::{self, Credentials, RunConfig, RunHandle, RunReport, Selection};
use itsm_conform::server::{self, DataSet, ServerConfig};
use itsm_conform::suite::{self, LoadedSuite};

const LOGIN_PATHS: [&str; 3] = ["/services/login", "/services/v2/login", "/services/xml/login"];

fn config(target: String, credentials: Credentials, suites: Vec<LoadedSuite>, generated: bool) -> RunConfig {
    RunConfig {
        target,
        embedded: false,
        credentials,
        suites,
        generated,
        selection: Selection::default(),
        timeout: Duration::from_secs(5),
        jobs: 4,
        insecure: false,
        ca_cert: None,
    }
}

async fn run(config: &RunConfig) -> RunReport {
    let handle = RunHandle::default();
    let run = run::run_suites(config, common::registry(), &handle, &run::engine::NoProgress);
    tokio::time::timeout(Duration::from_secs(60), run).await.expect("the run does not hang").expect("the run completes")
}

/// Passwords that each break naive redaction: quotes and backslashes (JSON escaping), `'` (shell
/// quoting), `<` and `&` (XML), non-ASCII (`\u` escapes, percent-encoding), and one letter.
const PASSWORDS: [(&str, &str); 5] = [
    ("tecnico", "tec\"ni\\co'<&>ç-1"),
    ("tecnico2", "a\"\\'b"),
    ("aprovador", "p"),
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
    let credentials = Credentials::of_reference(&server);
    let suites = suite::load_dir(&common::project_root().join("suites"), registry.spec()).unwrap();
    let report = run(&config(server.base_url(), credentials.clone(), suites, true)).await;
    server.shutdown().await;
    // The logins worked with these passwords, so every suite sent them.
    assert_eq!(report.verdict, run::RunVerdict::Pass);

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
