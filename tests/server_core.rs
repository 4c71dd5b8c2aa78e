//! The reference server around its handlers: robustness against hostile input, session lifetime,
//! every fault of the catalogue (the deviation happens, the rest does not change), the data-set
//! schema and `--data` files, and the `serve` command line.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{project_root, run_cli, TestServer};
use itsm_conform::schema::Side;
use itsm_conform::server::data::{DataSetError, ReferenceError};
use itsm_conform::server::{DataSet, Fault, FaultSet, ServerConfig, CATALOGUE};
use reqwest::Method;
use serde_json::{json, Value};

const TECH: (&str, &str) = ("tecnico", "tecnico-demo");

/// A request of the built-in data set that `tecnico` can take, check in to and check out of:
/// request 1001 (EmAndamento) with its one execution task 5003, available.
const OPEN_REQUEST: i64 = 1001;
const OPEN_TASK: i64 = 5003;

// ---------------------------------------------------------------------------------------------
// helpers

struct Raw {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

async fn raw(t: &TestServer, method: Method, path: &str, body: Vec<u8>) -> Raw {
    let url = format!("{}{}", t.server.base_url(), path);
    let response = t
        .client
        .request(method, url)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: no answer: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    Raw { status, headers, body }
}

/// A proper error answer: 4xx, a JSON content type, a body that validates against the error schema.
fn assert_error(t: &TestServer, what: &str, r: &Raw) -> Value {
    assert!(
        (400..500).contains(&r.status),
        "{what}: status {} (want 4xx): {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    assert!(r.content_type().contains("json"), "{what}: content type `{}`", r.content_type());
    let body = r.json();
    let code = body["error"]["code"].as_str().unwrap_or("");
    assert!(!code.is_empty(), "{what}: no error.code in {body}");
    let violations = t.registry.check_error(&body);
    assert!(violations.is_empty(), "{what}: error body does not conform: {violations:#?}\n{body}");
    body
}

async fn with_faults(faults: &[&str]) -> TestServer {
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(faults.iter().map(|f| f.parse::<Fault>().expect("known fault")).collect());
    TestServer::start_with(config).await
}

async fn tech_session(t: &TestServer) -> String {
    t.login(TECH.0, TECH.1).await
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

async fn contracts(t: &TestServer, sid: &str) -> (u16, Value) {
    t.post("/services/v2/contracts", json!({ "sessionID": sid })).await
}

async fn v1_list(t: &TestServer, sid: &str) -> (u16, Value) {
    t.post("/mobile/notification/getByUser", json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0})).await
}

fn numbers(body: &Value) -> Vec<i64> {
    body["notifications"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["number"].as_i64()).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// robustness: every hostile request gets a proper 4xx error, never a 5xx, never a hang

/// Endpoints of several groups and handlers; a session is put in the body where it matters.
const ROBUST_PATHS: [&str; 6] = [
    "/services/login",
    "/services/v2/login",
    "/services/v2/contracts",
    "/mobile/notification/getById",
    "/mobile/v2/notification/checkin",
    "/services/request/getById",
];

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn malformed_bodies_are_answered_400() {
    let t = TestServer::start().await;
    let sid = tech_session(&t).await;
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("truncated JSON", br#"{"sessionID": "#.to_vec()),
        ("not JSON at all", b"userName=tecnico&password=x".to_vec()),
        ("empty body", Vec::new()),
        ("a JSON array", format!(r#"[{{"sessionID": "{sid}"}}]"#).into_bytes()),
        ("a JSON string", br#""tecnico""#.to_vec()),
        ("a number out of f64 range", format!(r#"{{"sessionID": "{sid}", "taskId": 1e400}}"#).into_bytes()),
        ("a huge negative exponent overflow", format!(r#"{{"sessionID": "{sid}", "latitude": -1e309}}"#).into_bytes()),
        ("10000 nested arrays", nested(10_000).into_bytes()),
        (
            "10000 nested arrays in a field",
            format!(r#"{{"sessionID": "{sid}", "taskId": {}}}"#, nested(10_000)).into_bytes(),
        ),
        ("invalid UTF-8 in a string", b"{\"userName\": \"t\xff\xfecnico\", \"password\": \"x\"}".to_vec()),
        ("a lone surrogate escape", br#"{"userName": "\ud800", "password": "x"}"#.to_vec()),
        ("trailing garbage", format!(r#"{{"sessionID": "{sid}"}} {{}}"#).into_bytes()),
    ];
    for path in ROBUST_PATHS {
        for (what, body) in &bodies {
            let r = raw(&t, Method::POST, path, body.clone()).await;
            let what = format!("{path} with {what}");
            assert_error(&t, &what, &r);
            assert_eq!(r.status, 400, "{what}");
        }
    }
    // Still serving normally afterwards.
    let (status, body) = contracts(&t, &sid).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn wrongly_typed_and_huge_fields_are_412_input_naming_the_field() {
    let t = TestServer::start().await;
    let sid = tech_session(&t).await;
    let cases = [
        ("/mobile/notification/getById", json!({"sessionID": sid, "taskId": "abc"})),
        ("/mobile/notification/getById", json!({"sessionID": sid, "taskId": 99_999_999_999_999_999_999_999.0_f64})),
        ("/mobile/notification/getById", json!({"sessionID": sid, "taskId": {"id": 1}})),
        ("/mobile/notification/getById", json!({"sessionID": sid, "taskId": [OPEN_TASK]})),
        ("/mobile/notification/getById", json!({"sessionID": sid, "taskId": 1.5})),
        ("/mobile/notification/getByUser", json!({"sessionID": sid, "notificationType": "zero", "onlyApproval": 0})),
        (
            "/mobile/v2/notification/checkin",
            json!({"sessionID": sid, "taskId": "abc", "latitude": 0.0, "longitude": 0.0}),
        ),
        (
            "/mobile/v2/notification/getNewest",
            json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "newestNumber": "x"}),
        ),
    ];
    for (path, body) in cases {
        let r = raw(&t, Method::POST, path, serde_json::to_vec(&body).unwrap()).await;
        let what = format!("{path} with {body}");
        let answer = assert_error(&t, &what, &r);
        assert_eq!(r.status, 412, "{what}: {answer}");
        assert_eq!(answer["error"]["code"], "INPUT", "{what}: {answer}");
        let field =
            body.as_object().unwrap().keys().find(|k| *k != "sessionID" && body[k.as_str()] != json!(0)).unwrap();
        let description = answer["error"]["description"].as_str().unwrap_or("");
        assert!(description.contains(field.as_str()), "{what}: the description does not name `{field}`: {description}");
    }
    // The literal 99999999999999999999999 (no decimal point) is a u64 overflow for serde_json:
    // it becomes a float, which is not an integer taskId.
    let text = format!(r#"{{"sessionID": "{sid}", "taskId": 99999999999999999999999}}"#);
    let r = raw(&t, Method::POST, "/mobile/notification/getById", text.into_bytes()).await;
    let answer = assert_error(&t, "taskId 99999999999999999999999", &r);
    assert_eq!((r.status, answer["error"]["code"].as_str()), (412, Some("INPUT")), "{answer}");
    // Wrong types in a login are a login failure, not a crash.
    let r = raw(&t, Method::POST, "/services/login", br#"{"userName": 5, "password": ["x"]}"#.to_vec()).await;
    let answer = assert_error(&t, "v1 login with numbers", &r);
    assert_eq!(answer["error"]["code"], "SESSION");
    let r = raw(&t, Method::POST, "/services/v2/login", br#"{"userName": true, "password": {}}"#.to_vec()).await;
    let answer = assert_error(&t, "v2 login with booleans", &r);
    assert_eq!(answer["error"]["code"], "INPUT");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let t = TestServer::start().await;
    let sid = tech_session(&t).await;
    let padding = "a".repeat(2 * 1024 * 1024);
    let body = format!(r#"{{"sessionID": "{sid}", "padding": "{padding}"}}"#).into_bytes();
    assert!(body.len() > itsm_conform::server::BODY_LIMIT);
    for path in ["/services/v2/contracts", "/services/login"] {
        let r = raw(&t, Method::POST, path, body.clone()).await;
        let answer = assert_error(&t, &format!("{path} with 2 MiB"), &r);
        assert_eq!(r.status, 413, "{answer}");
    }
    // Just under the limit is processed normally (unknown fields are ignored).
    let padding = "a".repeat(itsm_conform::server::BODY_LIMIT - 200);
    let body = format!(r#"{{"sessionID": "{sid}", "padding": "{padding}"}}"#).into_bytes();
    let r = raw(&t, Method::POST, "/services/v2/contracts", body).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["contracts"].as_array().is_some_and(|c| !c.is_empty()));
}

#[tokio::test]
async fn other_methods_are_405_with_allow_post() {
    let t = TestServer::start().await;
    for path in ["/services/login", "/services/v2/contracts", "/mobile/notification/getByUser"] {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
            let r = raw(&t, method.clone(), path, Vec::new()).await;
            let what = format!("{method} {path}");
            let answer = assert_error(&t, &what, &r);
            assert_eq!(r.status, 405, "{what}: {answer}");
            let allow = r.headers.get("allow").and_then(|v| v.to_str().ok()).unwrap_or("");
            assert!(allow.split(',').any(|m| m.trim() == "POST"), "{what}: Allow is `{allow}`");
        }
    }
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let t = TestServer::start().await;
    for path in ["/services/nope", "/mobile/v3/notification/getNewest", "/", "/services/v2/contracts/extra"] {
        for method in [Method::POST, Method::GET] {
            let r = raw(&t, method.clone(), path, b"{}".to_vec()).await;
            let answer = assert_error(&t, &format!("{method} {path}"), &r);
            assert_eq!(r.status, 404, "{path}: {answer}");
        }
    }
    // Outside the base path too.
    let url = format!("http://{}/services/v2/contracts", t.server.addr);
    let response = t.client.post(url).body("{}").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn hostile_requests_in_parallel_leave_the_server_consistent() {
    let t = TestServer::start().await;
    let sid = tech_session(&t).await;
    let mut tasks = Vec::new();
    for i in 0..64 {
        let client = t.client.clone();
        let url = format!("{}/services/v2/contracts", t.server.base_url());
        let body = match i % 4 {
            0 => nested(5000).into_bytes(),
            1 => b"\xff\xfe\xfd".to_vec(),
            2 => format!(r#"{{"sessionID": "{sid}"}}"#).into_bytes(),
            _ => br#"{"sessionID": 12}"#.to_vec(),
        };
        tasks.push(tokio::spawn(async move { client.post(url).body(body).send().await.map(|r| r.status().as_u16()) }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        let status = task.await.unwrap().expect("answered");
        let expected = match i % 4 {
            0 | 1 => 400,
            2 => 200,
            _ => 412,
        };
        assert_eq!(status, expected, "request {i}");
    }
}

#[tokio::test]
async fn hostile_xml_bodies_are_answered_400() {
    let t = TestServer::start().await;
    let deep = format!("<Login>{}x{}</Login>", "<a>".repeat(100_000), "</a>".repeat(100_000));
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><Login><UserName>&d;</UserName></Login>"#;
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("100000 nested elements", deep.into_bytes()),
        ("unclosed elements", "<Login>".repeat(50_000).into_bytes()),
        ("entity expansion (a DTD)", laughs.as_bytes().to_vec()),
        ("invalid UTF-8", b"<Login><UserName>\xff\xfe</UserName></Login>".to_vec()),
        ("JSON instead of XML", br#"{"userName": "tecnico", "password": "tecnico-demo"}"#.to_vec()),
        ("an empty body", Vec::new()),
    ];
    for path in ["/services/xml/login", "/services/xml/addServiceRequest"] {
        for (what, body) in &bodies {
            let r = raw(&t, Method::POST, path, body.clone()).await;
            let what = format!("{path} with {what}");
            assert_error(&t, &what, &r);
            assert_eq!(r.status, 400, "{what}");
        }
    }
    // Still alive, and the XML login works.
    let xml = "<Login><UserName>tecnico</UserName><Password>tecnico-demo</Password></Login>";
    let r = raw(&t, Method::POST, "/services/xml/login", xml.as_bytes().to_vec()).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["sessionID"].is_string());
}

/// Values put in place of each field of each spec example.
fn hostile_values() -> Vec<Value> {
    vec![
        json!("abc"),
        json!(""),
        json!("x".repeat(10_000)),
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e23),
        json!(1.5),
        json!(-1e300),
        json!(true),
        Value::Null,
        json!([]),
        json!({}),
        json!([1, "a", null]),
        json!({"a": {"b": [1]}}),
    ]
}

/// The example, the example without each field, with each field (and each field of an object
/// field) replaced by each hostile value.
fn mutations(example: &Value) -> Vec<Value> {
    let mut out = vec![json!({}), example.clone()];
    let Some(map) = example.as_object() else { return out };
    for (key, value) in map {
        if key == "sessionID" {
            continue;
        }
        let mut removed = example.clone();
        removed.as_object_mut().unwrap().remove(key);
        out.push(removed);
        for v in hostile_values() {
            let mut m = example.clone();
            m[key.as_str()] = v;
            out.push(m);
        }
        if let Some(inner) = value.as_object() {
            for inner_key in inner.keys() {
                for v in hostile_values() {
                    let mut m = example.clone();
                    m[key.as_str()][inner_key.as_str()] = v;
                    out.push(m);
                }
            }
        }
    }
    out
}

/// Every endpoint, its spec example mutated field by field: never a 5xx or a dropped connection;
/// a 200 validates against the endpoint's response schema, anything else is a proper error.
#[tokio::test]
async fn every_endpoint_answers_mutated_examples_properly() {
    answers_mutated_examples_properly(ServerConfig::local()).await;
}

/// The same with every freedom on: the forms they choose conform too, for hostile input as well.
#[tokio::test]
async fn every_endpoint_answers_mutated_examples_properly_with_every_freedom() {
    let mut config = ServerConfig::local();
    config.freedoms = itsm_conform::server::FreedomSet::all();
    answers_mutated_examples_properly(config).await;
}

async fn answers_mutated_examples_properly(config: ServerConfig) {
    let t = TestServer::start_with(config).await;
    let endpoints = t.registry.spec().endpoints.clone();
    assert_eq!(endpoints.len(), 50);
    let mut problems = Vec::new();
    let mut sent = 0;
    for endpoint in &endpoints {
        let sid = tech_session(&t).await;
        let mut example = endpoint.examples.request.clone();
        if let Some(map) = example.as_object_mut() {
            if map.contains_key("sessionID") || endpoint.session {
                map.insert("sessionID".into(), json!(sid));
            }
            if map.contains_key("userName") {
                map.insert("userName".into(), json!(TECH.0));
                map.insert("password".into(), json!(TECH.1));
            }
        }
        for body in mutations(&example) {
            let bytes = if endpoint.is_xml() {
                itsm_conform::spec::xml::json_to_xml("Request", &body).into_bytes()
            } else {
                serde_json::to_vec(&body).unwrap()
            };
            sent += 1;
            let url = format!("{}{}", t.server.base_url(), endpoint.path);
            let response = match t
                .client
                .post(url)
                .header("Content-Type", endpoint.request_content_type.as_str())
                .body(bytes)
                .send()
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{} {body}: no answer ({e})", endpoint.path));
                    continue;
                }
            };
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let parsed: Option<Value> = serde_json::from_str(&text).ok();
            let short = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            match (status, parsed) {
                (200, Some(answer)) => {
                    let violations = t.registry.check(&endpoint.path, Side::Response, &answer);
                    if !violations.is_empty() {
                        problems.push(format!(
                            "{} {}: 200 does not conform: {:?}",
                            endpoint.path,
                            short(&body),
                            violations
                        ));
                    }
                }
                (400..=499, Some(answer)) => {
                    if !t.registry.check_error(&answer).is_empty() {
                        problems.push(format!(
                            "{} {}: {status} is not an error body: {}",
                            endpoint.path,
                            short(&body),
                            short(&answer)
                        ));
                    }
                }
                (_, _) => problems.push(format!(
                    "{} {}: {status} {}",
                    endpoint.path,
                    short(&body),
                    &text[..text.len().min(300)]
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{} problems in {sent} requests:\n{}", problems.len(), problems.join("\n"));
    assert!(sent > 2500, "{sent} requests");
}

/// The list endpoints answer from a cache (src/server/read_cache.rs); every write must show in
/// the next read, and each answer still gets its own envelope.
#[tokio::test]
async fn repeated_reads_get_fresh_envelopes_and_see_every_write() {
    let t = TestServer::start().await;
    let sid = tech_session(&t).await;
    let other_sid = tech_session(&t).await;
    let (_, first) = get_newest(&t, &sid, 0).await;
    let (status, second) = get_newest(&t, &other_sid, 0).await;
    assert_eq!(status, 200);
    t.assert_conforms("/mobile/v2/notification/getNewest", status, &second);
    assert_eq!(first["notifications"], second["notifications"], "same user, same answer");
    assert!(second["operationID"].as_i64() > first["operationID"].as_i64());
    assert!((second["dateTime"].as_i64().unwrap() - now_ms()).abs() < 60_000);
    // The very same request again (served from the cache): same list, its own envelope.
    let (_, third) = get_newest(&t, &other_sid, 0).await;
    assert_eq!(third["notifications"], second["notifications"]);
    assert!(third["operationID"].as_i64() > second["operationID"].as_i64());
    t.assert_conforms("/mobile/v2/notification/getNewest", 200, &third);
    let item = |body: &Value| {
        body["notifications"].as_array().unwrap().iter().find(|i| i["taskId"] == OPEN_TASK).cloned().expect("open task")
    };
    assert_eq!((item(&second)["inService"].clone(), item(&second)["inChekin"].clone()), (json!(false), json!(0)));
    // Another user has another list.
    let sid2 = t.login("tecnico2", "tecnico2-demo").await;
    let (_, theirs) = get_newest(&t, &sid2, 0).await;
    assert_ne!(theirs["notifications"], second["notifications"]);

    let position = json!({"latitude": -15.8039, "longitude": -47.8828});
    let attend = json!({"sessionID": sid, "number": OPEN_REQUEST, "dateTime": now_ms(),
                        "latitude": position["latitude"], "longitude": position["longitude"]});
    assert_eq!(t.post("/mobile/v2/notification/attendRequest", attend).await.0, 200);
    let (_, after_attend) = get_newest(&t, &sid, 0).await;
    assert_eq!(item(&after_attend)["inService"], true, "attendRequest shows: {}", item(&after_attend));
    let checkin = json!({"sessionID": sid, "taskId": OPEN_TASK, "startTime": now_ms(),
                         "latitude": position["latitude"], "longitude": position["longitude"]});
    assert_eq!(t.post("/mobile/v2/notification/checkin", checkin).await.0, 200);
    let (_, after_checkin) = get_newest(&t, &sid, 0).await;
    assert_eq!(item(&after_checkin)["inChekin"], 1, "checkin shows");
    let (_, v1_after) = v1_list(&t, &sid).await;
    let (_, v2_by_user) = t
        .post("/mobile/v2/notification/getByUser", json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0}))
        .await;
    if v2_by_user.get("notifications").is_some() {
        assert_eq!(item(&v2_by_user)["inChekin"], 1);
    }
    let checkout = json!({"sessionID": sid, "taskId": OPEN_TASK, "status": 4, "solution": 10, "descSolution": "Feito.",
                          "latitude": position["latitude"], "longitude": position["longitude"]});
    assert_eq!(t.post("/mobile/v2/notification/checkout", checkout).await.0, 200);
    let (_, after_checkout) = get_newest(&t, &sid, 0).await;
    let still_listed = after_checkout["notifications"].as_array().unwrap().iter().find(|i| i["taskId"] == OPEN_TASK);
    assert!(still_listed.is_none_or(|i| i["inChekin"] == 0), "checkout shows: {still_listed:?}");
    let (_, v1_final) = v1_list(&t, &sid).await;
    assert_ne!(v1_after["notifications"], v1_final["notifications"], "the v1 list changed too");
    // The session is checked before the cache is consulted.
    t.server.advance_clock(Duration::from_secs(31 * 60));
    let (status, expired) = get_newest(&t, &sid, 0).await;
    assert_eq!((status, expired["error"]["code"].as_str()), (412, Some("SESSION")));
}

// ---------------------------------------------------------------------------------------------
// sessions

#[tokio::test]
async fn a_missing_or_unknown_session_is_412_session() {
    let t = TestServer::start().await;
    for body in
        [json!({}), json!({"sessionID": null}), json!({"sessionID": "no-such-session"}), json!({"sessionID": ""})]
    {
        for path in ["/services/v2/contracts", "/mobile/notification/getByUser"] {
            let (status, answer) = t.post(path, body.clone()).await;
            assert_eq!(status, 412, "{path} {body}: {answer}");
            assert_eq!(answer["error"]["code"], "SESSION", "{path} {body}: {answer}");
            t.assert_conforms(path, status, &answer);
        }
    }
    // A real session works on the same endpoints.
    let sid = tech_session(&t).await;
    let (status, answer) = contracts(&t, &sid).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_session_expires_30_minutes_after_login_and_use_does_not_extend_it() {
    let t = TestServer::start().await;
    let sid = tech_session(&t).await;
    let (status, first) = contracts(&t, &sid).await;
    assert_eq!(status, 200, "{first}");
    t.server.advance_clock(Duration::from_secs(20 * 60));
    let (status, at_20) = contracts(&t, &sid).await;
    assert_eq!(status, 200, "still valid at 20 min: {at_20}");
    assert_eq!(at_20["contracts"], first["contracts"]);
    // A sliding session would now live until 50 min; a fixed one ends at 30.
    t.server.advance_clock(Duration::from_secs(11 * 60));
    let (status, at_31) = contracts(&t, &sid).await;
    assert_eq!(status, 412, "expired at 31 min: {at_31}");
    assert_eq!(at_31["error"]["code"], "SESSION");
    // Expired stays expired, and a new login gives a working session.
    let (status, _) = contracts(&t, &sid).await;
    assert_eq!(status, 412);
    let fresh = tech_session(&t).await;
    assert_ne!(fresh, sid);
    let (status, _) = contracts(&t, &fresh).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_session_lifetime_is_configurable() {
    let mut config = ServerConfig::local();
    config.session_ttl = Duration::from_millis(400);
    let t = TestServer::start_with(config).await;
    let sid = tech_session(&t).await;
    let (status, _) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (status, answer) = contracts(&t, &sid).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (412, Some("SESSION")), "{answer}");

    let mut config = ServerConfig::local();
    config.session_ttl = Duration::from_secs(5 * 60);
    let t = TestServer::start_with(config).await;
    let sid = tech_session(&t).await;
    t.server.advance_clock(Duration::from_secs(4 * 60));
    assert_eq!(contracts(&t, &sid).await.0, 200);
    t.server.advance_clock(Duration::from_secs(2 * 60));
    assert_eq!(contracts(&t, &sid).await.0, 412);
}

#[tokio::test]
async fn v2_login_sessions_expire_the_same_way() {
    let t = TestServer::start().await;
    let login = json!({"userName": TECH.0, "password": TECH.1, "token": "fcm:abc", "platform": "Android"});
    let (status, body) = t.post("/services/v2/login", login).await;
    assert_eq!(status, 200, "{body}");
    let sid = body["sessionID"].as_str().unwrap().to_string();
    assert_eq!(contracts(&t, &sid).await.0, 200);
    t.server.advance_clock(Duration::from_secs(31 * 60));
    assert_eq!(contracts(&t, &sid).await.0, 412);
}

// ---------------------------------------------------------------------------------------------
// faults: one test per catalogue entry

/// The faults this file tests; `every_fault_of_the_catalogue_has_a_test` keeps it complete.
const TESTED_FAULTS: &[&str] = &[
    "drop-field",
    "number-as-string",
    "datetime-seconds",
    "datetime-locale",
    "operation-id-missing",
    "operation-id-repeated",
    "error-on-success",
    "error-null-on-failure",
    "empty-error-code",
    "session-error-200",
    "no-session-check",
    "paging-off-by-one",
    "stale-get-by-id",
    "newest-ignores-number",
    "checkout-keeps-status",
    "html-500",
    "login-wrong-code",
    "slow",
    "write-not-persisted",
    "type-filter-ignored",
    "paging-rounded-down",
    "session-never-expires",
    "duplicate-numbers",
    "checkin-not-in-lists",
    "renamed-optional-field",
    "feedback-twice",
    "oldest-ignores-number",
    "second-checkin-allowed",
    "checkout-without-checkin",
    "login-any-password",
    "wrong-type-stored",
    "status-not-persisted",
    "occurrence-not-listed",
    "content-type-text",
    // Tested in tests/server_users.rs, with the rules they break.
    "checkin-ignores-others",
    "checkout-any-user",
    "feedback-any-user",
    "getbyid-any-user",
    "units-ignore-contract",
    "refusal-still-applies",
];

#[test]
fn every_fault_of_the_catalogue_has_a_test() {
    let catalogue: BTreeSet<&str> = CATALOGUE.iter().map(|f| f.name).collect();
    let tested: BTreeSet<&str> = TESTED_FAULTS.iter().copied().collect();
    assert_eq!(catalogue, tested, "add a fault_* test for each new fault");
    assert!(catalogue.len() >= 12);
}

async fn get_newest(t: &TestServer, sid: &str, newest: i64) -> (u16, Value) {
    let body = json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "newestNumber": newest});
    t.post("/mobile/v2/notification/getNewest", body).await
}

#[tokio::test]
async fn fault_drop_field() {
    let t = with_faults(&["drop-field"]).await;
    let sid = tech_session(&t).await;
    let (status, body) = get_newest(&t, &sid, 0).await;
    assert_eq!(status, 200, "{body}");
    let items = body["notifications"].as_array().expect("notifications");
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i.get("taskId").is_none()), "taskId dropped: {body}");
    assert!(items.iter().all(|i| i["number"].is_i64()), "number kept");
    assert!(
        !t.registry.check("/mobile/v2/notification/getNewest", Side::Response, &body).is_empty(),
        "the schema catches it"
    );
    // v1 lists are not affected.
    let (status, v1) = v1_list(&t, &sid).await;
    assert_eq!(status, 200);
    assert!(v1["notifications"].as_array().unwrap().iter().all(|i| i["taskId"].is_i64()), "{v1}");
    t.assert_conforms("/mobile/notification/getByUser", status, &v1);
}

#[tokio::test]
async fn fault_number_as_string() {
    let t = with_faults(&["number-as-string"]).await;
    let sid = tech_session(&t).await;
    let (status, body) = v1_list(&t, &sid).await;
    assert_eq!(status, 200, "{body}");
    let items = body["notifications"].as_array().expect("notifications");
    assert!(!items.is_empty());
    for item in items {
        let text = item["number"].as_str().unwrap_or_else(|| panic!("number is a string: {item}"));
        assert!(text.parse::<i64>().is_ok(), "{item}");
        assert!(item["taskId"].is_i64(), "taskId stays an integer: {item}");
    }
    assert!(body["dateTime"].is_i64() && body["operationID"].is_i64() && body["error"].is_null());
    assert!(
        !t.registry.check("/mobile/notification/getByUser", Side::Response, &body).is_empty(),
        "the schema catches it"
    );
    // Responses without notification items are untouched.
    let (status, c) = contracts(&t, &sid).await;
    t.assert_conforms("/services/v2/contracts", status, &c);
}

#[tokio::test]
async fn fault_datetime_seconds() {
    let t = with_faults(&["datetime-seconds"]).await;
    let sid = tech_session(&t).await;
    let (_, first) = contracts(&t, &sid).await;
    let (status, second) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    let seconds = second["dateTime"].as_i64().expect("an integer");
    assert!((seconds - now_ms() / 1000).abs() <= 5, "dateTime {seconds} is epoch seconds");
    let (a, b) = (first["operationID"].as_i64().unwrap(), second["operationID"].as_i64().unwrap());
    assert!(b > a, "operationID still increases: {a} then {b}");
    assert!(second["error"].is_null() && !second["contracts"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn fault_datetime_locale() {
    let t = with_faults(&["datetime-locale"]).await;
    let sid = tech_session(&t).await;
    let (_, first) = contracts(&t, &sid).await;
    let (status, second) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    assert_eq!(second["dateTime"], "27/11/2026 21:00");
    assert!(second["operationID"].as_i64().unwrap() > first["operationID"].as_i64().unwrap());
    // Failures carry it too; their code is unchanged.
    let (status, failure) = contracts(&t, "unknown").await;
    assert_eq!((status, failure["error"]["code"].as_str()), (412, Some("SESSION")));
    assert_eq!(failure["dateTime"], "27/11/2026 21:00");
}

#[tokio::test]
async fn fault_operation_id_missing() {
    let t = with_faults(&["operation-id-missing"]).await;
    let sid = tech_session(&t).await;
    let (status, body) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    assert!(body.get("operationID").is_none(), "{body}");
    assert!((body["dateTime"].as_i64().unwrap() - now_ms()).abs() < 60_000, "dateTime unchanged");
    assert!(!t.registry.check("/services/v2/contracts", Side::Response, &body).is_empty(), "the schema catches it");
    // Failures keep theirs.
    let (status, failure) = t.post("/mobile/notification/getById", json!({"sessionID": sid})).await;
    assert_eq!(status, 412, "{failure}");
    assert!(failure["operationID"].is_i64(), "{failure}");
}

#[tokio::test]
async fn fault_operation_id_repeated() {
    let t = with_faults(&["operation-id-repeated"]).await;
    let sid = tech_session(&t).await;
    let (_, a) = contracts(&t, &sid).await;
    let (_, b) = v1_list(&t, &sid).await;
    assert!(a["operationID"].is_i64());
    assert_eq!(a["operationID"], b["operationID"], "the same id twice");
    assert!((b["dateTime"].as_i64().unwrap() - now_ms()).abs() < 60_000);
    assert!(b["error"].is_null() && !b["notifications"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn fault_error_on_success() {
    let t = with_faults(&["error-on-success"]).await;
    let clean = TestServer::start().await;
    let sid = tech_session(&t).await;
    let (status, body) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    assert!(body["error"]["code"].is_string(), "error set on a 200: {body}");
    let clean_sid = tech_session(&clean).await;
    let (_, expected) = contracts(&clean, &clean_sid).await;
    assert_eq!(body["contracts"], expected["contracts"], "the payload is unchanged");
    // Failures are as usual.
    let (status, failure) = contracts(&t, "unknown").await;
    assert_eq!((status, failure["error"]["code"].as_str()), (412, Some("SESSION")));
}

#[tokio::test]
async fn fault_error_null_on_failure() {
    let t = with_faults(&["error-null-on-failure"]).await;
    let sid = tech_session(&t).await;
    let (status, failure) = t.post("/mobile/notification/getById", json!({"sessionID": sid})).await;
    assert_eq!(status, 412, "the status is still 412: {failure}");
    assert!(failure["error"].is_null(), "{failure}");
    assert!(!t.registry.check_error(&failure).is_empty(), "the error schema catches it");
    let (status, failure) = contracts(&t, "unknown").await;
    assert_eq!(status, 412);
    assert!(failure["error"].is_null());
    // Success is unchanged.
    let (status, body) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    t.assert_conforms("/services/v2/contracts", status, &body);
}

#[tokio::test]
async fn fault_empty_error_code() {
    let t = with_faults(&["empty-error-code"]).await;
    let sid = tech_session(&t).await;
    let (status, failure) = t.post("/mobile/notification/getById", json!({"sessionID": sid})).await;
    assert_eq!(status, 412);
    assert_eq!(failure["error"]["code"], "", "{failure}");
    assert!(failure["error"]["description"].as_str().is_some_and(|d| !d.is_empty()), "description kept: {failure}");
    assert!(!t.registry.check_error(&failure).is_empty(), "the error schema catches it");
    let (status, body) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    t.assert_conforms("/services/v2/contracts", status, &body);
}

#[tokio::test]
async fn fault_session_error_200() {
    let t = with_faults(&["session-error-200"]).await;
    let (status, body) = contracts(&t, "unknown").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"]["code"], "SESSION");
    let (status, body) = t.post("/mobile/notification/getByUser", json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (200, Some("SESSION")));
    // Other failures keep 412.
    let sid = tech_session(&t).await;
    let (status, failure) = t.post("/mobile/notification/getById", json!({"sessionID": sid})).await;
    assert_eq!((status, failure["error"]["code"].as_str()), (412, Some("INPUT")), "{failure}");
    let (status, failure) = t.post("/services/login", json!({"userName": "tecnico", "password": "wrong"})).await;
    assert_eq!((status, failure["error"]["code"].as_str()), (412, Some("SESSION")), "{failure}");
}

#[tokio::test]
async fn fault_no_session_check() {
    let t = with_faults(&["no-session-check"]).await;
    let (status, body) = t.post("/services/v2/contracts", json!({})).await;
    assert_eq!(status, 200, "services-v2 answers without a session: {body}");
    assert!(!body["contracts"].as_array().unwrap().is_empty());
    let (status, body) = t.post("/services/v2/contracts", json!({"sessionID": "unknown"})).await;
    assert_eq!(status, 200, "{body}");
    // Other groups still check.
    for path in ["/mobile/v2/notification/getNewest", "/mobile/notification/getByUser"] {
        let (status, body) = t.post(path, json!({"notificationType": 0, "onlyApproval": 0, "newestNumber": 0})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")), "{path}: {body}");
    }
    // With a group argument, that group is the one that does not check.
    let t = with_faults(&["no-session-check:mobile-v1"]).await;
    let (status, body) = v1_list(&t, "unknown").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t.post("/services/v2/contracts", json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")), "{body}");
}

#[tokio::test]
async fn fault_paging_off_by_one() {
    let t = with_faults(&["paging-off-by-one"]).await;
    let clean = TestServer::start().await;
    let size = 3;
    let request = |sid: &str, page: i64| {
        json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "latitude": -15.7939, "longitude": -47.8828,
               "pager": {"page": page, "size": size}})
    };
    let path = "/mobile/v2/notification/getByCoordinates";
    let sid = tech_session(&t).await;
    let (status, body) = t.post(path, request(&sid, 1)).await;
    assert_eq!(status, 200, "{body}");
    let total = body["paging"]["totalElements"].as_i64().expect("totalElements");
    assert!(total > 0, "{body}");
    let pages = (total + size - 1) / size;
    assert_eq!(body["paging"]["totalPages"].as_i64(), Some(pages + 1), "one page too many: {body}");
    // totalElements and the pages' contents are right: they add up to totalElements.
    let mut seen = 0;
    for page in 1..=pages {
        let (_, body) = t.post(path, request(&sid, page)).await;
        seen += body["notifications"].as_array().map_or(0, Vec::len);
    }
    assert_eq!(i64::try_from(seen).unwrap(), total);
    let clean_sid = tech_session(&clean).await;
    let (_, expected) = clean.post(path, request(&clean_sid, 1)).await;
    assert_eq!(expected["paging"]["totalPages"].as_i64(), Some(pages), "{expected}");
    assert_eq!(expected["paging"]["totalElements"].as_i64(), Some(total), "{expected}");
    assert_eq!(expected["notifications"], t.post(path, request(&sid, 1)).await.1["notifications"]);
}

async fn create_and_update(t: &TestServer, origin: &str) -> (String, Value) {
    let sid = tech_session(t).await;
    let create = json!({"sessionID": sid, "synchronize": false, "sourceRequest": {
        "numberOrigin": origin, "type": "I", "description": "Monitor piscando (antes)", "userID": "solicitante",
        "contact": {"name": "Sofia Solicitante"}, "contractID": "1", "service": {"code": "170"},
        "urgency": "M", "impact": "L", "groupId": "CAMPO"}});
    let (status, created) = t.post("/services/request/create", create).await;
    assert_eq!(status, 200, "create: {created}");
    let update = json!({"sessionID": sid, "synchronize": false,
        "request": {"numberOrigin": origin, "description": "Monitor piscando (depois)"}});
    let (status, updated) = t.post("/services/request/update", update).await;
    assert_eq!(status, 200, "update: {updated}");
    (sid, updated)
}

#[tokio::test]
async fn fault_stale_get_by_id() {
    let t = with_faults(&["stale-get-by-id"]).await;
    let (sid, updated) = create_and_update(&t, "STALE-1").await;
    assert_eq!(
        updated["request"]["description"], "Monitor piscando (depois)",
        "update answers the new text: {updated}"
    );
    let (status, read) =
        t.post("/services/request/getById", json!({"sessionID": sid, "numberOrigin": "STALE-1"})).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["request"]["description"], "Monitor piscando (antes)", "getById is stale: {read}");
    assert_eq!(read["request"]["number"], updated["request"]["number"], "the same request");
    // Without the fault, getById shows the update.
    let clean = TestServer::start().await;
    let (sid, _) = create_and_update(&clean, "STALE-1").await;
    let (_, read) = clean.post("/services/request/getById", json!({"sessionID": sid, "numberOrigin": "STALE-1"})).await;
    assert_eq!(read["request"]["description"], "Monitor piscando (depois)", "{read}");
}

#[tokio::test]
async fn fault_newest_ignores_number() {
    let t = with_faults(&["newest-ignores-number"]).await;
    let sid = tech_session(&t).await;
    let (_, all) = v1_list(&t, &sid).await;
    let mut listed = numbers(&all);
    listed.sort_unstable();
    assert!(listed.len() >= 3, "{all}");
    let middle = listed[listed.len() / 2];
    let (status, newest) = get_newest(&t, &sid, middle).await;
    assert_eq!(status, 200, "{newest}");
    assert!(numbers(&newest).iter().any(|n| *n <= middle), "items at or below newestNumber {middle}: {newest}");
    // getOldest still honours oldestNumber.
    let body = json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "oldestNumber": middle});
    let (status, oldest) = t.post("/mobile/v2/notification/getOldest", body).await;
    assert_eq!(status, 200, "{oldest}");
    assert!(!numbers(&oldest).is_empty() && numbers(&oldest).iter().all(|n| *n < middle), "{oldest}");
    // Without the fault, only newer items.
    let clean = TestServer::start().await;
    let clean_sid = tech_session(&clean).await;
    let (_, newest) = get_newest(&clean, &clean_sid, middle).await;
    assert!(!numbers(&newest).is_empty() && numbers(&newest).iter().all(|n| *n > middle), "{newest}");
}

/// attendRequest → checkin → checkout to Resolvida on the open request; returns the status code
/// `/services/request/getById` shows afterwards, and the answer of a second checkout.
async fn resolve_open_request(t: &TestServer) -> (String, u16) {
    let sid = tech_session(t).await;
    let position = json!({"latitude": -15.8039, "longitude": -47.8828});
    let attend = json!({"sessionID": sid, "number": OPEN_REQUEST, "dateTime": now_ms(),
                        "latitude": position["latitude"], "longitude": position["longitude"]});
    let (status, body) = t.post("/mobile/v2/notification/attendRequest", attend).await;
    assert_eq!(status, 200, "attendRequest: {body}");
    let checkin = json!({"sessionID": sid, "taskId": OPEN_TASK, "startTime": now_ms(),
                         "latitude": position["latitude"], "longitude": position["longitude"]});
    let (status, body) = t.post("/mobile/v2/notification/checkin", checkin).await;
    assert_eq!((status, body["number"].as_i64()), (200, Some(OPEN_REQUEST)), "checkin: {body}");
    let checkout = json!({"sessionID": sid, "taskId": OPEN_TASK, "status": 4, "solution": 10,
                          "descSolution": "Cabo de vídeo trocado.", "latitude": position["latitude"], "longitude": position["longitude"]});
    let (status, body) = t.post("/mobile/v2/notification/checkout", checkout.clone()).await;
    assert_eq!((status, body["number"].as_i64()), (200, Some(OPEN_REQUEST)), "checkout: {body}");
    let (again, _) = t.post("/mobile/v2/notification/checkout", checkout).await;
    let (status, read) =
        t.post("/services/request/getById", json!({"sessionID": sid, "number": OPEN_REQUEST.to_string()})).await;
    assert_eq!(status, 200, "getById: {read}");
    (read["request"]["status"]["code"].as_str().unwrap_or("").to_string(), again)
}

#[tokio::test]
async fn fault_checkout_keeps_status() {
    let t = with_faults(&["checkout-keeps-status"]).await;
    let (status_code, second_checkout) = resolve_open_request(&t).await;
    assert_eq!(status_code, "EmAndamento", "the request did not move");
    assert_eq!(second_checkout, 412, "the check-in did end: a second checkout is refused");
    let clean = TestServer::start().await;
    let (status_code, second_checkout) = resolve_open_request(&clean).await;
    assert_eq!(status_code, "Resolvida");
    assert_eq!(second_checkout, 412);
}

#[tokio::test]
async fn fault_html_500() {
    let t = with_faults(&["html-500"]).await;
    let sid = tech_session(&t).await;
    let body = serde_json::to_vec(&json!({"sessionID": sid})).unwrap();
    let r = raw(&t, Method::POST, "/services/v2/status", body.clone()).await;
    assert_eq!(r.status, 500, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.content_type().starts_with("text/html"), "{}", r.content_type());
    assert!(String::from_utf8_lossy(&r.body).contains("<html"));
    let (status, c) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    t.assert_conforms("/services/v2/contracts", status, &c);
    // The argument picks the endpoint.
    let t = with_faults(&["html-500:/services/v2/contracts"]).await;
    let sid = tech_session(&t).await;
    let r = raw(&t, Method::POST, "/services/v2/contracts", body).await;
    assert_eq!(r.status, 500);
    assert!(r.content_type().starts_with("text/html"));
    let (status, v1) = v1_list(&t, &sid).await;
    assert_eq!(status, 200, "{v1}");
}

#[tokio::test]
async fn fault_login_wrong_code() {
    let t = with_faults(&["login-wrong-code"]).await;
    let wrong = json!({"userName": TECH.0, "password": "wrong", "token": "fcm:abc", "platform": "Android"});
    let (status, body) = t.post("/services/v2/login", wrong).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")), "{body}");
    let no_token = json!({"userName": TECH.0, "password": TECH.1, "platform": "iOS"});
    let (status, body) = t.post("/services/v2/login", no_token).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")), "{body}");
    // A good v2 login still works, and v1 is as always.
    let good = json!({"userName": TECH.0, "password": TECH.1, "token": "fcm:abc", "platform": "Android"});
    let (status, body) = t.post("/services/v2/login", good).await;
    assert_eq!(status, 200, "{body}");
    t.assert_conforms("/services/v2/login", status, &body);
    let (status, body) = t.post("/services/login", json!({"userName": TECH.0, "password": "wrong"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")));
    // Without the fault, the v2 failure is INPUT.
    let clean = TestServer::start().await;
    let wrong = json!({"userName": TECH.0, "password": "wrong", "token": "fcm:abc", "platform": "Android"});
    let (_, body) = clean.post("/services/v2/login", wrong).await;
    assert_eq!(body["error"]["code"], "INPUT");
}

#[tokio::test]
async fn fault_slow() {
    let t = with_faults(&["slow:200ms"]).await;
    let started = Instant::now();
    let sid = tech_session(&t).await;
    assert!(started.elapsed() >= Duration::from_millis(200), "login delayed");
    let started = Instant::now();
    let (status, body) = contracts(&t, &sid).await;
    assert!(started.elapsed() >= Duration::from_millis(200), "took {:?}", started.elapsed());
    assert_eq!(status, 200);
    t.assert_conforms("/services/v2/contracts", status, &body);
    // Errors are delayed too, and otherwise unchanged.
    let started = Instant::now();
    let (status, body) = contracts(&t, "unknown").await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")));
    // The default delay is 300 ms.
    let fault: Fault = "slow".parse().unwrap();
    assert_eq!(fault.delay(), Some(Duration::from_millis(300)));
}

#[tokio::test]
async fn fault_write_not_persisted() {
    let t = with_faults(&["write-not-persisted"]).await;
    let (sid, updated) = create_and_update(&t, "LOST-1").await;
    assert_eq!(updated["request"]["description"], "Monitor piscando (depois)", "update answers success: {updated}");
    let read = |sid: String| json!({"sessionID": sid, "numberOrigin": "LOST-1"});
    let (status, got) = t.post("/services/request/getById", read(sid.clone())).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["request"]["description"], "Monitor piscando (antes)", "nothing was stored: {got}");
    // updateStatus still writes.
    let status_body = json!({"sessionID": sid, "numberOrigin": "LOST-1", "status": {"code": "Suspensa"}});
    assert_eq!(t.post("/services/request/updateStatus", status_body).await.0, 200);
    let (_, got) = t.post("/services/request/getById", read(sid)).await;
    assert_eq!(got["request"]["status"]["code"], "Suspensa", "{got}");
    let clean = TestServer::start().await;
    let (sid, _) = create_and_update(&clean, "LOST-1").await;
    let (_, got) = clean.post("/services/request/getById", read(sid)).await;
    assert_eq!(got["request"]["description"], "Monitor piscando (depois)");
}

/// The technician's items of every list, for one notificationType.
async fn types_listed(t: &TestServer, sid: &str, kind: i64) -> Vec<(String, BTreeSet<i64>)> {
    let base = json!({"sessionID": sid, "notificationType": kind, "onlyApproval": 0});
    let with = |extra: Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let calls = [
        ("/mobile/notification/getByUser", base.clone()),
        ("/mobile/v2/notification/getNewest", with(json!({"newestNumber": 0}))),
        ("/mobile/v2/notification/getOldest", with(json!({"oldestNumber": i64::MAX / 2}))),
        (
            "/mobile/v2/notification/getByCoordinates",
            with(json!({"latitude": -15.79, "longitude": -47.88, "pager": {"page": 1, "size": 100}})),
        ),
    ];
    let mut out = Vec::new();
    for (path, body) in calls {
        let (status, answer) = t.post(path, body).await;
        assert!(status == 200 || status == 412, "{path}: {answer}");
        let items = answer["notifications"].as_array().cloned().unwrap_or_default();
        out.push((path.to_string(), items.iter().filter_map(|i| i["type"].as_i64()).collect()));
    }
    out
}

#[tokio::test]
async fn fault_type_filter_ignored() {
    let t = with_faults(&["type-filter-ignored"]).await;
    let sid = tech_session(&t).await;
    for (path, types) in types_listed(&t, &sid, 4).await {
        assert!(types.len() > 1, "{path} lists every type despite notificationType 4: {types:?}");
    }
    // The approval filter still applies.
    let sid_apr = t.login("aprovador", "aprovador-demo").await;
    let body = json!({"sessionID": sid_apr, "notificationType": 4, "onlyApproval": 1});
    let (_, approvals) = t.post("/mobile/notification/getByUser", body).await;
    let items = approvals["notifications"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|i| i["waiting"] == 1), "{approvals}");
    let clean = TestServer::start().await;
    let sid = tech_session(&clean).await;
    for (path, types) in types_listed(&clean, &sid, 4).await {
        assert_eq!(types, BTreeSet::from([4]), "{path}");
    }
}

/// MV-LIST-001 is only observable when a technician has tasks of several types: both data sets give
/// theirs at least two.
#[tokio::test]
async fn the_technicians_of_both_data_sets_have_tasks_of_several_types() {
    let mut other = ServerConfig::local();
    other.data = DataSet::parse(OTHER_VENDOR, &other_vendor_text()).unwrap();
    for (config, user, password) in [(ServerConfig::local(), TECH.0, TECH.1), (other, "maria.campo", "Campo#2026")] {
        let t = TestServer::start_with(config).await;
        let sid = t.login(user, password).await;
        for (path, types) in types_listed(&t, &sid, 0).await {
            assert!(types.len() >= 2, "{user} on {path}: types {types:?}");
        }
    }
}

#[tokio::test]
async fn fault_paging_rounded_down() {
    let t = with_faults(&["paging-rounded-down"]).await;
    let sid = tech_session(&t).await;
    let path = "/mobile/v2/notification/getByCoordinates";
    let request = |size: i64| {
        json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "latitude": -15.7939, "longitude": -47.8828,
               "pager": {"page": 1, "size": size}})
    };
    let (_, all) = t.post(path, request(1000)).await;
    let total = all["paging"]["totalElements"].as_i64().expect("totalElements");
    let size = (2..total).find(|s| total % s != 0).expect("a size that does not divide the total");
    let (status, body) = t.post(path, request(size)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["paging"]["totalPages"].as_i64(), Some(total / size), "rounded down: {body}");
    // The page itself is right.
    assert_eq!(body["paging"]["totalElements"].as_i64(), Some(total));
    assert_eq!(body["paging"]["elements"].as_i64(), Some(size));
    let clean = TestServer::start().await;
    let sid = tech_session(&clean).await;
    let request = json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "latitude": -15.7939,
                         "longitude": -47.8828, "pager": {"page": 1, "size": size}});
    let (_, body) = clean.post(path, request).await;
    assert_eq!(body["paging"]["totalPages"].as_i64(), Some((total + size - 1) / size));
}

#[tokio::test]
async fn fault_session_never_expires() {
    let mut config = ServerConfig::local();
    config.session_ttl = Duration::from_millis(300);
    config.faults = FaultSet::new(vec!["session-never-expires".parse().unwrap()]);
    let t = TestServer::start_with(config).await;
    let sid = tech_session(&t).await;
    tokio::time::sleep(Duration::from_millis(450)).await;
    t.server.advance_clock(Duration::from_secs(3 * 3600));
    let (status, body) = contracts(&t, &sid).await;
    assert_eq!(status, 200, "still valid long past --session-ttl: {body}");
    // Unknown sessions are still refused.
    let (status, body) = contracts(&t, "no-such-session").await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")));
}

/// Two creates sent together; returns their numbers (as text).
async fn two_creates(t: &TestServer, sid: &str, round: &str) -> [(String, String); 2] {
    let new = |text: &str| json!({"sessionID": sid, "description": format!("Duplicado? {text}")});
    let create = |origin: String| {
        json!({"sessionID": sid, "sourceRequest": {"numberOrigin": origin, "type": "R", "description": "Duplicado?",
               "userID": "solicitante"}})
    };
    let (a, b, c, d) = tokio::join!(
        t.post("/mobile/notification/new", new("a")),
        t.post("/mobile/notification/new", new("b")),
        t.post("/services/request/create", create(format!("DUP-{round}-1"))),
        t.post("/services/request/create", create(format!("DUP-{round}-2"))),
    );
    for (status, body) in [&a, &b, &c, &d] {
        assert_eq!(*status, 200, "{body}");
    }
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), String::from);
    [(text(&a.1["number"]), text(&b.1["number"])), (text(&c.1["request"]["number"]), text(&d.1["request"]["number"]))]
}

#[tokio::test]
async fn fault_duplicate_numbers() {
    let t = with_faults(&["duplicate-numbers"]).await;
    let sid = tech_session(&t).await;
    for (first, second) in two_creates(&t, &sid, "F").await {
        assert_eq!(first, second, "concurrent creates share a number");
    }
    // One create at a time still gets a new number.
    let (_, one) = t.post("/mobile/notification/new", json!({"sessionID": sid, "description": "Sozinho 1"})).await;
    let (_, two) = t.post("/mobile/notification/new", json!({"sessionID": sid, "description": "Sozinho 2"})).await;
    assert!(two["number"].as_i64() > one["number"].as_i64(), "{one} {two}");
    let clean = TestServer::start().await;
    let sid = tech_session(&clean).await;
    for (first, second) in two_creates(&clean, &sid, "C").await {
        assert_ne!(first, second);
    }
}

/// attendRequest and checkin on the open task; returns the session.
async fn check_in_open_task(t: &TestServer) -> String {
    let sid = tech_session(t).await;
    let attend =
        json!({"sessionID": sid, "number": OPEN_REQUEST, "dateTime": now_ms(), "latitude": -15.8, "longitude": -47.9});
    assert_eq!(t.post("/mobile/v2/notification/attendRequest", attend).await.0, 200);
    let checkin =
        json!({"sessionID": sid, "taskId": OPEN_TASK, "startTime": now_ms(), "latitude": -15.8, "longitude": -47.9});
    let (status, body) = t.post("/mobile/v2/notification/checkin", checkin).await;
    assert_eq!(status, 200, "{body}");
    sid
}

fn open_item(body: &Value) -> Value {
    body["notifications"].as_array().unwrap().iter().find(|i| i["taskId"] == OPEN_TASK).cloned().expect("open task")
}

#[tokio::test]
async fn fault_checkin_not_in_lists() {
    let t = with_faults(&["checkin-not-in-lists"]).await;
    let sid = check_in_open_task(&t).await;
    let (_, newest) = get_newest(&t, &sid, 0).await;
    let item = open_item(&newest);
    assert_eq!(item["inChekin"], 0, "the check-in does not show: {item}");
    assert_eq!(item["inService"], true, "attendRequest still shows: {item}");
    let clean = TestServer::start().await;
    let sid = check_in_open_task(&clean).await;
    let (_, newest) = get_newest(&clean, &sid, 0).await;
    assert_eq!(open_item(&newest)["inChekin"], 1);
}

#[tokio::test]
async fn fault_renamed_optional_field() {
    let t = with_faults(&["renamed-optional-field"]).await;
    let sid = tech_session(&t).await;
    let (status, newest) = get_newest(&t, &sid, 0).await;
    let items = newest["notifications"].as_array().unwrap();
    assert!(items.iter().all(|i| i.get("inChekin").is_none() && i["inCheckin"].is_i64()), "{newest}");
    // Every other extra is there, and the schema (extras are optional) cannot tell.
    assert!(items.iter().all(|i| i["typeRequest"].is_i64() && i["inService"].is_boolean()));
    t.assert_conforms("/mobile/v2/notification/getNewest", status, &newest);
    let clean = TestServer::start().await;
    let sid = tech_session(&clean).await;
    let (_, newest) = get_newest(&clean, &sid, 0).await;
    assert!(newest["notifications"][0]["inChekin"].is_i64());
}

/// The approver's first approval task, decided once; returns the answer of a second feedback.
async fn approve_twice(t: &TestServer) -> (u16, Value) {
    let sid = t.login("aprovador", "aprovador-demo").await;
    let body = json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 1});
    let (_, list) = t.post("/mobile/notification/getByUser", body).await;
    let task = list["notifications"][0]["taskId"].as_i64().expect("an approval");
    let feedback = json!({"sessionID": sid, "taskId": task, "feedback": 1, "comments": "ok"});
    assert_eq!(t.post("/mobile/notification/feedback", feedback.clone()).await.0, 200);
    // A rejection without a reason is still refused.
    let other = list["notifications"][1]["taskId"].as_i64().expect("a second approval");
    let reject = json!({"sessionID": sid, "taskId": other, "feedback": 0, "reasonId": 0});
    let (status, body) = t.post("/mobile/notification/feedback", reject).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("INPUT")));
    t.post("/mobile/notification/feedback", feedback).await
}

#[tokio::test]
async fn fault_feedback_twice() {
    let t = with_faults(&["feedback-twice"]).await;
    let (status, body) = approve_twice(&t).await;
    assert_eq!(status, 200, "the second feedback succeeds: {body}");
    let (status, body) = approve_twice(&TestServer::start().await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("INPUT")));
}

#[tokio::test]
async fn fault_oldest_ignores_number() {
    let t = with_faults(&["oldest-ignores-number"]).await;
    let sid = tech_session(&t).await;
    let (_, all) = get_newest(&t, &sid, 0).await;
    let listed = numbers(&all);
    let middle = listed[listed.len() / 2];
    let body = json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "oldestNumber": middle});
    let (status, oldest) = t.post("/mobile/v2/notification/getOldest", body.clone()).await;
    assert_eq!(status, 200, "{oldest}");
    assert!(numbers(&oldest).iter().any(|n| *n >= middle), "items at or above oldestNumber {middle}: {oldest}");
    // getNewest still honours newestNumber.
    let (_, newest) = get_newest(&t, &sid, middle).await;
    assert!(!numbers(&newest).is_empty() && numbers(&newest).iter().all(|n| *n > middle), "{newest}");
    let clean = TestServer::start().await;
    let mut body = body;
    body["sessionID"] = json!(tech_session(&clean).await);
    let (_, oldest) = clean.post("/mobile/v2/notification/getOldest", body).await;
    assert!(numbers(&oldest).iter().all(|n| *n < middle), "{oldest}");
}

/// Checks in on the open task, then on another task of the technician: the second answer.
async fn second_checkin(t: &TestServer) -> (u16, Value) {
    let sid = check_in_open_task(t).await;
    let (_, newest) = get_newest(t, &sid, 0).await;
    let other = newest["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["taskId"] != OPEN_TASK && i["typeRequest"] == 0 && i["inChekin"] == 0)
        .cloned()
        .expect("another task");
    // Without attendRequest there is no assignment: refused either way.
    let checkin = json!({"sessionID": sid, "taskId": other["taskId"], "startTime": now_ms(), "latitude": -15.8, "longitude": -47.9});
    let (status, _) = t.post("/mobile/v2/notification/checkin", checkin.clone()).await;
    assert_eq!(status, 412);
    let attend = json!({"sessionID": sid, "number": other["number"], "dateTime": now_ms(), "latitude": -15.8, "longitude": -47.9});
    assert_eq!(t.post("/mobile/v2/notification/attendRequest", attend).await.0, 200);
    t.post("/mobile/v2/notification/checkin", checkin).await
}

#[tokio::test]
async fn fault_second_checkin_allowed() {
    let t = with_faults(&["second-checkin-allowed"]).await;
    let (status, body) = second_checkin(&t).await;
    assert_eq!(status, 200, "a second open check-in: {body}");
    let (status, body) = second_checkin(&TestServer::start().await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("INPUT")), "{body}");
}

/// Attends the open request and checks out of its task without a check-in.
async fn checkout_without_checkin(t: &TestServer) -> (u16, Value, String) {
    let sid = tech_session(t).await;
    let attend =
        json!({"sessionID": sid, "number": OPEN_REQUEST, "dateTime": now_ms(), "latitude": -15.8, "longitude": -47.9});
    assert_eq!(t.post("/mobile/v2/notification/attendRequest", attend).await.0, 200);
    let checkout = json!({"sessionID": sid, "taskId": OPEN_TASK, "status": 3, "latitude": -15.8, "longitude": -47.9});
    let (status, body) = t.post("/mobile/v2/notification/checkout", checkout).await;
    (status, body, sid)
}

#[tokio::test]
async fn fault_checkout_without_checkin() {
    let t = with_faults(&["checkout-without-checkin"]).await;
    let (status, body, sid) = checkout_without_checkin(&t).await;
    assert_eq!((status, body["number"].as_i64()), (200, Some(OPEN_REQUEST)), "{body}");
    // The checkout still moves the request.
    let (_, read) =
        t.post("/services/request/getById", json!({"sessionID": sid, "number": OPEN_REQUEST.to_string()})).await;
    assert_eq!(read["request"]["status"]["code"], "Cancelada", "{read}");
    let (status, body, _) = checkout_without_checkin(&TestServer::start().await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("INPUT")), "{body}");
}

#[tokio::test]
async fn fault_login_any_password() {
    let t = with_faults(&["login-any-password"]).await;
    let (status, body) = t.post("/services/login", json!({"userName": TECH.0, "password": "anything"})).await;
    assert_eq!(status, 200, "{body}");
    let sid = body["sessionID"].as_str().expect("a session").to_string();
    assert_eq!(contracts(&t, &sid).await.0, 200, "and it works");
    // An unknown user, and v2 login, are still refused.
    let (status, body) = t.post("/services/login", json!({"userName": "ninguem", "password": "anything"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("SESSION")));
    let v2 = json!({"userName": TECH.0, "password": "anything", "token": "fcm:x", "platform": "Android"});
    let (status, body) = t.post("/services/v2/login", v2).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("INPUT")));
    let clean = TestServer::start().await;
    let (status, _) = clean.post("/services/login", json!({"userName": TECH.0, "password": "anything"})).await;
    assert_eq!(status, 412);
}

#[tokio::test]
async fn fault_wrong_type_stored() {
    let t = with_faults(&["wrong-type-stored"]).await;
    let sid = tech_session(&t).await;
    let new = json!({"sessionID": sid, "description": "Tipos errados", "latitude": "-15.5", "longitude": "abc"});
    let (status, body) = t.post("/mobile/notification/new", new.clone()).await;
    assert_eq!(status, 200, "accepted: {body}");
    let number = body["number"].as_i64().unwrap();
    let (_, listed) = t.post("/mobile/v2/notification/update", json!({"sessionID": sid, "number": number})).await;
    let item = &listed["notifications"][0];
    assert_eq!((item["latitude"].as_f64(), item["longitude"].as_f64()), (Some(-15.5), Some(0.0)), "stored: {item}");
    let attend =
        json!({"sessionID": sid, "number": OPEN_REQUEST, "dateTime": now_ms(), "latitude": "x", "longitude": true});
    assert_eq!(t.post("/mobile/v2/notification/attendRequest", attend.clone()).await.0, 200);
    let coordinates = |size: Value| {
        json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0, "latitude": -15.79, "longitude": -47.88,
               "pager": {"page": 1, "size": size}})
    };
    let (status, page) = t.post("/mobile/v2/notification/getByCoordinates", coordinates(json!("2"))).await;
    assert_eq!((status, page["paging"]["elements"].as_i64()), (200, Some(2)), "{page}");
    // Other fields are still checked.
    let (status, body) = t.post("/mobile/notification/getById", json!({"sessionID": sid, "taskId": "abc"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (412, Some("INPUT")));
    let clean = TestServer::start().await;
    let sid = tech_session(&clean).await;
    let mut new = new;
    new["sessionID"] = json!(sid);
    assert_eq!(clean.post("/mobile/notification/new", new).await.0, 412);
}

#[tokio::test]
async fn fault_status_not_persisted() {
    let t = with_faults(&["status-not-persisted"]).await;
    let (sid, _) = create_and_update(&t, "STATUS-1").await;
    let body = json!({"sessionID": sid, "numberOrigin": "STATUS-1", "status": {"code": "Suspensa"}});
    let (status, answer) = t.post("/services/request/updateStatus", body).await;
    assert_eq!((status, answer["request"]["status"]["code"].as_str()), (200, Some("Suspensa")), "{answer}");
    let (_, read) = t.post("/services/request/getById", json!({"sessionID": sid, "numberOrigin": "STATUS-1"})).await;
    assert_eq!(read["request"]["status"]["code"], "EmAndamento", "not stored: {read}");
    assert_eq!(read["request"]["description"], "Monitor piscando (depois)", "update still writes");
    let clean = TestServer::start().await;
    let (sid, _) = create_and_update(&clean, "STATUS-1").await;
    let body = json!({"sessionID": sid, "numberOrigin": "STATUS-1", "status": {"code": "Suspensa"}});
    clean.post("/services/request/updateStatus", body).await;
    let (_, read) =
        clean.post("/services/request/getById", json!({"sessionID": sid, "numberOrigin": "STATUS-1"})).await;
    assert_eq!(read["request"]["status"]["code"], "Suspensa");
}

/// Creates request `origin`, adds an occurrence; returns the descriptions listOccurrences lists.
async fn occurrence_descriptions(t: &TestServer, origin: &str) -> Vec<String> {
    let (sid, _) = create_and_update(t, origin).await;
    let add = json!({"sessionID": sid, "requestNumberOrigin": origin,
                     "occurrence": {"description": "Peça encomendada", "category": {"code": "Acompanhamento"}}});
    let (status, body) = t.post("/services/request/createOccurrence", add).await;
    assert_eq!(status, 200, "{body}");
    let (_, list) =
        t.post("/services/request/listOccurrences", json!({"sessionID": sid, "requestNumberOrigin": origin})).await;
    list["logs"].as_array().unwrap().iter().filter_map(|l| l["description"].as_str().map(String::from)).collect()
}

#[tokio::test]
async fn fault_occurrence_not_listed() {
    let t = with_faults(&["occurrence-not-listed"]).await;
    let listed = occurrence_descriptions(&t, "OCC-1").await;
    assert!(!listed.iter().any(|d| d == "Peça encomendada"), "{listed:?}");
    assert!(listed.iter().any(|d| d == "Registro da solicitação"), "the server's own entries stay: {listed:?}");
    let listed = occurrence_descriptions(&TestServer::start().await, "OCC-1").await;
    assert!(listed.iter().any(|d| d == "Peça encomendada"), "{listed:?}");
}

#[tokio::test]
async fn fault_content_type_text() {
    let t = with_faults(&["content-type-text"]).await;
    let sid = tech_session(&t).await;
    let r =
        raw(&t, Method::POST, "/services/v2/contracts", serde_json::to_vec(&json!({"sessionID": sid})).unwrap()).await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("text/plain"), "{}", r.content_type());
    t.assert_conforms("/services/v2/contracts", 200, &r.json());
    let r = raw(&t, Method::POST, "/services/v2/contracts", b"{}".to_vec()).await;
    assert!(r.content_type().starts_with("text/plain") && r.json()["error"]["code"] == "SESSION");
    let clean = TestServer::start().await;
    let sid = tech_session(&clean).await;
    let r =
        raw(&clean, Method::POST, "/services/v2/contracts", serde_json::to_vec(&json!({"sessionID": sid})).unwrap())
            .await;
    assert!(r.content_type().starts_with("application/json"));
}

#[tokio::test]
async fn several_faults_combine() {
    let t = with_faults(&["datetime-seconds", "operation-id-repeated", "number-as-string"]).await;
    let sid = tech_session(&t).await;
    let (_, a) = v1_list(&t, &sid).await;
    let (_, b) = contracts(&t, &sid).await;
    assert_eq!(a["operationID"], b["operationID"]);
    assert!((b["dateTime"].as_i64().unwrap() - now_ms() / 1000).abs() <= 5);
    assert!(a["notifications"][0]["number"].is_string());
}

// ---------------------------------------------------------------------------------------------
// the data set: schema, another vendor's data, broken files

const SCHEMA_FILE: &str = "specs/meta/dataset.schema.json";
const OTHER_VENDOR: &str = "suites/data/other-vendor.json";

#[test]
fn the_dataset_schema_file_is_fresh() {
    let fresh = format!("{}\n", serde_json::to_string_pretty(&DataSet::json_schema()).unwrap());
    common::assert_committed_file_fresh(SCHEMA_FILE, &fresh, "--test server_core the_dataset_schema_file_is_fresh");
}

#[test]
fn the_builtin_data_and_the_other_vendor_file_validate_against_the_schema_file() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(project_root().join(SCHEMA_FILE)).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let builtin: Value = serde_json::from_str(itsm_conform::server::data::DEFAULT_DATA).unwrap();
    assert!(validator.is_valid(&builtin));
    let other: Value =
        serde_json::from_str(&std::fs::read_to_string(project_root().join(OTHER_VENDOR)).unwrap()).unwrap();
    let errors: Vec<String> = validator.iter_errors(&other).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn other_vendor_text() -> String {
    std::fs::read_to_string(project_root().join(OTHER_VENDOR)).unwrap()
}

#[test]
fn the_other_vendor_data_set_loads_and_shares_nothing_with_the_builtin_one() {
    let other = DataSet::parse(OTHER_VENDOR, &other_vendor_text()).unwrap_or_else(|e| panic!("{e}"));
    let builtin = DataSet::builtin();
    let logins = |d: &DataSet| d.users.iter().map(|u| u.login.clone()).collect::<BTreeSet<_>>();
    assert!(logins(&other).is_disjoint(&logins(&builtin)));
    assert!(logins(&other).contains("maria.campo") && logins(&other).contains("joao.aprova"));
    assert!(other.requests.iter().all(|r| r.number >= 70_000));
    assert!(other.requests.iter().flat_map(|r| &r.tasks).all(|k| k.task_id >= 900_000));
    let texts = |d: &DataSet| d.requests.iter().map(|r| r.description.clone()).collect::<BTreeSet<_>>();
    assert!(texts(&other).is_disjoint(&texts(&builtin)));
    let roles: BTreeSet<String> = other.users.iter().map(|u| format!("{:?}", u.role)).collect();
    assert_eq!(roles.len(), 4, "every role: {roles:?}");
}

#[tokio::test]
async fn a_server_with_the_other_vendor_data_serves_it() {
    let mut config = ServerConfig::local();
    config.data = DataSet::parse(OTHER_VENDOR, &other_vendor_text()).unwrap();
    let t = TestServer::start_with(config).await;
    let (status, _) = t.post("/services/login", json!({"userName": TECH.0, "password": TECH.1})).await;
    assert_eq!(status, 412, "the built-in users are gone");
    let sid = t.login("maria.campo", "Campo#2026").await;
    let (status, list) = v1_list(&t, &sid).await;
    assert_eq!(status, 200, "{list}");
    t.assert_conforms("/mobile/notification/getByUser", status, &list);
    let items = list["notifications"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["number"].as_i64().unwrap() >= 70_000 && i["taskId"].as_i64().unwrap() >= 900_000));
    let (status, c) = contracts(&t, &sid).await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = c["contracts"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![501, 502]);
}

#[test]
fn a_broken_data_file_is_rejected_naming_the_file_and_the_field() {
    let mut value: Value = serde_json::from_str(&other_vendor_text()).unwrap();
    value["requests"][2]["tasks"][0]["assignee"] = json!("ninguem");
    let text = serde_json::to_string_pretty(&value).unwrap();
    let err = DataSet::parse("broken.json", &text).unwrap_err();
    assert!(
        matches!(&err, DataSetError::Reference { problem: ReferenceError::UnknownAssignee { request: 2, task: 0, assignee }, .. } if assignee == "ninguem"),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "broken.json: field `/requests/2/tasks/0/assignee`: no user `ninguem`");

    let mut value: Value = serde_json::from_str(&other_vendor_text()).unwrap();
    value["requests"][3]["number"] = json!("70003");
    let text = serde_json::to_string_pretty(&value).unwrap();
    let err = DataSet::parse("broken.json", &text).unwrap_err();
    let DataSetError::Field { location, field, .. } = &err else { panic!("{err:?}") };
    assert_eq!(field, "/requests/3/number");
    // file:line:col of the offending value.
    let line = text.lines().position(|l| l.contains("\"70003\"")).unwrap() + 1;
    assert_eq!((location.file.as_str(), location.line), ("broken.json", line));
    assert!(err.to_string().starts_with(&format!("broken.json:{line}:")), "{err}");

    let mut value: Value = serde_json::from_str(&other_vendor_text()).unwrap();
    value["users"][1].as_object_mut().unwrap().remove("password");
    let err = DataSet::parse("broken.json", &value.to_string()).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("/users/1") && shown.contains("password"), "{shown}");

    let err = DataSet::parse("broken.json", "{\"name\": ").unwrap_err();
    assert!(matches!(err, DataSetError::Json { .. }), "{err:?}");
    assert!(err.to_string().starts_with("broken.json:1:"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// the `serve` command line (what returns before serving; the server itself is tested above)

#[test]
fn serve_list_faults_prints_the_catalogue() {
    let (code, out, err) = run_cli(&["serve", "--list-faults"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), CATALOGUE.len(), "{out}");
    for (line, info) in lines.iter().zip(CATALOGUE) {
        assert!(line.starts_with(info.name), "{line}");
        assert!(line.contains(info.description), "{line}");
    }
    assert!(out.contains("slow[:DURATION[@PATH]]") && out.contains("default 300ms"), "{out}");
}

#[test]
fn serve_rejects_a_bad_data_file_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vendor.json");
    let mut value: Value = serde_json::from_str(&other_vendor_text()).unwrap();
    value["requests"][0]["tasks"][0]["assignee"] = json!("fantasma");
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let path_text = path.display().to_string();
    let (code, _, err) = run_cli(&["serve", "--data", &path_text, "--bind", "127.0.0.1:0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&path_text) && err.contains("/requests/0/tasks/0/assignee"), "{err}");

    let missing = dir.path().join("missing.json").display().to_string();
    let (code, _, err) = run_cli(&["serve", "--data", &missing]);
    assert_eq!(code, 2);
    assert!(err.contains(&missing), "{err}");
}

#[test]
fn serve_exits_3_when_the_address_is_taken() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, _, err) = run_cli(&["serve", "--bind", &addr]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(&addr), "{err}");
}

#[test]
fn serve_flags_are_validated() {
    use clap::Parser;
    let parse = |args: &[&str]| {
        let mut argv = vec!["itsm-conform", "serve"];
        argv.extend_from_slice(args);
        itsm_conform::cli::Cli::try_parse_from(argv)
    };
    let err = parse(&["--fault", "nope"]).unwrap_err().to_string();
    assert!(err.contains("known faults"), "{err}");
    assert!(parse(&["--fault", "slow:fast"]).is_err());
    assert!(parse(&["--session-ttl", "0s"]).is_err());
    assert!(parse(&["--session-ttl", "soon"]).is_err());
    assert!(parse(&["--bind", "localhost"]).is_err());
    let cli =
        parse(&["--fault", "slow:2s", "--fault", "html-500", "--session-ttl", "90s", "--base-path", "/"]).unwrap();
    let itsm_conform::cli::Command::Serve(args) = cli.command else { panic!("serve") };
    assert_eq!(args.faults.len(), 2);
    assert_eq!(args.session_ttl, Duration::from_secs(90));
    assert_eq!(args.bind.to_string(), "127.0.0.1:8080");
}
