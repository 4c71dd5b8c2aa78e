//! The freedoms of the reference server (`serve --freedom`): each one changes the wire the way its
//! decision allows (and nothing unrelated), every answer still conforms to the spec with all of
//! them on at once, and faults still show through them.

mod common;

use std::collections::BTreeSet;

use common::TestServer;
use itsm_conform::schema::Side;
use itsm_conform::server::{FaultSet, FreedomChoice, FreedomSet, ServerConfig, FREEDOMS};
use serde_json::{json, Value};

const TECH: (&str, &str) = ("tecnico", "tecnico-demo");
const V2: &str = "/mobile/v2/notification";

async fn with_freedoms(names: &[&str]) -> TestServer {
    let choices: Vec<FreedomChoice> = names.iter().map(|n| n.parse().expect("known freedom")).collect();
    let mut config = ServerConfig::local();
    config.freedoms = FreedomSet::from_choices(&choices);
    TestServer::start_with(config).await
}

async fn tech(t: &TestServer) -> String {
    t.login(TECH.0, TECH.1).await
}

/// POSTs, asserts the status, checks the answer conforms (response schema or error schema).
async fn expect(t: &TestServer, status: u16, path: &str, body: Value) -> Value {
    let (got, answer) = t.post(path, body.clone()).await;
    assert_eq!(got, status, "{path} {body}: {answer}");
    t.assert_conforms(path, got, &answer);
    answer
}

async fn ok(t: &TestServer, path: &str, body: Value) -> Value {
    expect(t, 200, path, body).await
}

fn list_query(sid: &str) -> Value {
    json!({"sessionID": sid, "notificationType": 0, "onlyApproval": 0})
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

fn items(body: &Value) -> Vec<Value> {
    body["notifications"].as_array().cloned().unwrap_or_default()
}

fn numbers(body: &Value) -> Vec<i64> {
    items(body).iter().map(|i| i["number"].as_i64().expect("integer number")).collect()
}

fn pairs(body: &Value) -> Vec<(i64, i64)> {
    items(body).iter().map(|i| (i["number"].as_i64().unwrap(), i["taskId"].as_i64().unwrap())).collect()
}

async fn newest(t: &TestServer, sid: &str, newest: i64) -> Value {
    ok(t, &format!("{V2}/getNewest"), with(list_query(sid), json!({"newestNumber": newest}))).await
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

fn coordinates(sid: &str, page: i64, size: i64) -> Value {
    with(list_query(sid), json!({"latitude": -15.79, "longitude": -47.88, "pager": {"page": page, "size": size}}))
}

/// attendRequest then checkin on the first execution task of getNewest; returns (number, taskId).
async fn check_in(t: &TestServer, sid: &str) -> (i64, i64) {
    let list = newest(t, sid, 0).await;
    let item = items(&list).into_iter().find(|i| i["typeRequest"] == 0 || i.get("typeRequest").is_none());
    let item = item.expect("an execution task");
    let (number, task) = (item["number"].as_i64().unwrap(), item["taskId"].as_i64().unwrap());
    let at = json!({"latitude": -15.79, "longitude": -47.88});
    ok(
        t,
        &format!("{V2}/attendRequest"),
        with(at.clone(), json!({"sessionID": sid, "number": number, "dateTime": now_ms()})),
    )
    .await;
    ok(t, &format!("{V2}/checkin"), with(at, json!({"sessionID": sid, "taskId": task, "startTime": now_ms()}))).await;
    (number, task)
}

fn checkout_body(sid: &str, task: i64, status: i64) -> Value {
    json!({"sessionID": sid, "taskId": task, "status": status, "latitude": -15.79, "longitude": -47.88})
}

async fn create_request(t: &TestServer, sid: &str, origin: &str) -> Value {
    let body = json!({"sessionID": sid, "synchronize": false, "sourceRequest": {
        "numberOrigin": origin, "type": "I", "description": "Monitor piscando", "userID": "solicitante"}});
    ok(t, "/services/request/create", body).await
}

// ---------------------------------------------------------------------------------------------
// the catalogue and the command line

/// The freedoms this file tests one by one; `every_freedom_has_a_test` keeps it complete.
const TESTED_FREEDOMS: &[&str] = &[
    "oldest-first",
    "any-order",
    "other-ids",
    "status-order",
    "datetime-iso",
    "request-flat",
    "extra-fields",
    "null-descriptions",
    "v1-empty-412",
    "v2-getbyuser-501",
    "paging-size-key",
    "session-hex",
    "sparse-operation-ids",
    "execute-param",
    "wrong-type-400",
    "amount-zero",
    "find-after-delete-412",
    "endsla-null",
    "no-v2-extras",
    "table-extras",
    "failure-no-envelope",
    "null-empty-lists",
    "denied-any-reason",
    "checkout-unchecked",
    "unknown-fields-400",
    "occurrence-data-key",
    // Tested in tests/server_users.rs, beside the rules they relax.
    "assignee-only",
    "any-user-updates",
];

#[test]
fn every_freedom_has_a_test() {
    let catalogue: BTreeSet<&str> = FREEDOMS.iter().map(|f| f.name).collect();
    let tested: BTreeSet<&str> = TESTED_FREEDOMS.iter().copied().collect();
    assert_eq!(catalogue, tested, "add a test for each new freedom");
}

#[test]
fn serve_lists_and_parses_freedoms() {
    let (code, out, err) = common::run_cli(&["serve", "--list-freedoms"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), FREEDOMS.len(), "{out}");
    for (line, info) in lines.iter().zip(FREEDOMS) {
        assert!(line.starts_with(info.name) && line.contains(info.cites), "{line}");
        for id in info.departs_from {
            assert!(line.contains(id), "{line}");
        }
    }
    use clap::Parser;
    let parse = |args: &[&str]| {
        let mut argv = vec!["itsm-conform", "serve"];
        argv.extend_from_slice(args);
        itsm_conform::cli::Cli::try_parse_from(argv)
    };
    let err = parse(&["--freedom", "nope"]).unwrap_err().to_string();
    assert!(err.contains("known freedoms"), "{err}");
    let cli = parse(&["--freedom", "all", "--freedom", "session-hex", "--fault", "slow"]).unwrap();
    let itsm_conform::cli::Command::Serve(args) = cli.command else { panic!("serve") };
    assert_eq!(FreedomSet::from_choices(&args.freedoms), FreedomSet::all());
}

// ---------------------------------------------------------------------------------------------
// one test per freedom

#[tokio::test]
async fn oldest_first() {
    let t = with_freedoms(&["oldest-first"]).await;
    let sid = tech(&t).await;
    let all = newest(&t, &sid, 0).await;
    let listed = numbers(&all);
    assert!(listed.len() > 3 && listed.windows(2).all(|w| w[0] <= w[1]), "ascending: {listed:?}");
    let v1 = ok(&t, "/mobile/notification/getByUser", list_query(&sid)).await;
    assert_eq!(numbers(&v1), listed, "v1 getByUser too");
    let oldest = ok(&t, &format!("{V2}/getOldest"), with(list_query(&sid), json!({"oldestNumber": listed[5]}))).await;
    assert!(numbers(&oldest).windows(2).all(|w| w[0] <= w[1]) && numbers(&oldest).iter().all(|n| *n < listed[5]));
    // The same items as the reference, and newestNumber still filters.
    let clean = TestServer::start().await;
    let clean_sid = tech(&clean).await;
    let reference: BTreeSet<(i64, i64)> = pairs(&newest(&clean, &clean_sid, 0).await).into_iter().collect();
    assert_eq!(pairs(&all).into_iter().collect::<BTreeSet<_>>(), reference);
    assert!(numbers(&newest(&t, &sid, listed[3]).await).iter().all(|n| *n > listed[3]));
}

#[tokio::test]
async fn any_order() {
    let t = with_freedoms(&["any-order"]).await;
    let sid = tech(&t).await;
    let all = newest(&t, &sid, 0).await;
    let listed = numbers(&all);
    assert!(listed.windows(2).any(|w| w[0] < w[1]) && listed.windows(2).any(|w| w[0] > w[1]), "{listed:?}");
    assert_eq!(numbers(&newest(&t, &sid, 0).await), listed, "the order is fixed");
    // Pages of getByCoordinates follow the same order: together they list every item once.
    let mut paged = Vec::new();
    for page in 1..=20 {
        let body = ok(&t, &format!("{V2}/getByCoordinates"), coordinates(&sid, page, 4)).await;
        if body["paging"].is_null() {
            break;
        }
        paged.extend(pairs(&body));
    }
    let mut sorted = paged.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), paged.len(), "no item twice");
    assert_eq!(sorted.into_iter().collect::<BTreeSet<_>>(), pairs(&all).into_iter().collect());
}

#[tokio::test]
async fn other_ids() {
    let t = with_freedoms(&["other-ids"]).await;
    let sid = tech(&t).await;
    let all = newest(&t, &sid, 0).await;
    for (number, task) in pairs(&all) {
        assert!(number >= 7_000_000 && (number - 7_000_000) % 7 == 0, "{number}");
        assert!(!(5000..6000).contains(&task), "{task}");
    }
    let mut by_number = pairs(&all);
    by_number.sort_unstable();
    assert!(by_number.windows(2).any(|w| w[1].1 < w[0].1), "task ids do not follow numbers: {by_number:?}");
    let newest_number = by_number.last().unwrap().0;
    let first = ok(&t, "/mobile/notification/new", json!({"sessionID": sid, "description": "Novo 1"})).await;
    let second = ok(&t, "/mobile/notification/new", json!({"sessionID": sid, "description": "Novo 2"})).await;
    let (a, b) = (first["number"].as_i64().unwrap(), second["number"].as_i64().unwrap());
    assert!(a > newest_number && b > a, "newer requests get higher numbers: {newest_number} {a} {b}");
    assert_eq!(
        numbers(&newest(&t, &sid, newest_number).await).into_iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([a, b])
    );
    // Contracts, units, reasons and occurrences in other ranges; status ids stay 1..4.
    let contracts = ok(&t, "/services/v2/contracts", json!({"sessionID": sid})).await;
    let contract = contracts["contracts"][0]["id"].as_i64().unwrap();
    assert!(contract > 1000, "{contracts}");
    let units = ok(&t, "/services/v2/units", json!({"sessionID": sid, "contractID": contract})).await;
    assert!(units["units"].as_array().unwrap().iter().all(|u| u["id"].as_i64().unwrap() > 1000), "{units}");
    let reasons = ok(&t, "/services/v2/deniedReasons", json!({"sessionID": sid})).await;
    assert!(reasons["reasons"][0]["id"].as_i64().unwrap() > 100, "{reasons}");
    let status = ok(&t, "/services/v2/status", json!({"sessionID": sid})).await;
    let ids: Vec<i64> = status["status"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![1, 2, 3, 4]);
    // A checkout to Resolvida with a solution id from the status list works.
    let solution = status["status"][3]["justifications"][0]["id"].as_i64().unwrap();
    let (number, task) = check_in(&t, &sid).await;
    let out = ok(
        &t,
        &format!("{V2}/checkout"),
        with(checkout_body(&sid, task, 4), json!({"solution": solution, "descSolution": "ok"})),
    )
    .await;
    assert_eq!(out["number"], number);
    let occurrence =
        json!({"sessionID": sid, "requestNumber": number.to_string(), "occurrence": {"description": "Nota"}});
    let added = ok(&t, "/services/request/createOccurrence", occurrence).await;
    assert!(added["number"].as_str().unwrap().parse::<i64>().unwrap() > 40_000_000, "{added}");
}

#[tokio::test]
async fn status_order() {
    let t = with_freedoms(&["status-order"]).await;
    let sid = tech(&t).await;
    let body = ok(&t, "/services/v2/status", json!({"sessionID": sid})).await;
    let ids: Vec<i64> = body["status"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![4, 2, 3, 1]);
    let clean = TestServer::start().await;
    let reference = ok(&clean, "/services/v2/status", json!({"sessionID": tech(&clean).await})).await;
    let justifications = |b: &Value, id: i64| {
        b["status"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()["justifications"]
            .as_array()
            .unwrap()
            .clone()
    };
    for id in [2, 4] {
        let mut mine = justifications(&body, id);
        assert_ne!(mine, justifications(&reference, id), "status {id} reordered");
        mine.reverse();
        assert_eq!(mine, justifications(&reference, id), "the same justifications");
    }
}

#[tokio::test]
async fn datetime_iso() {
    let t = with_freedoms(&["datetime-iso"]).await;
    let sid = tech(&t).await;
    for body in [
        ok(&t, "/services/v2/contracts", json!({"sessionID": sid})).await,
        expect(&t, 412, "/services/v2/contracts", json!({"sessionID": "unknown"})).await,
    ] {
        let text = body["dateTime"].as_str().unwrap_or_else(|| panic!("a string: {body}"));
        let ms = body["dateTimeMilliseconds"].as_i64().expect("dateTimeMilliseconds");
        assert_eq!(itsm_conform::time::parse_iso(text), Some(ms), "{body}");
        assert!((ms - now_ms()).abs() < 60_000);
    }
    let body = ok(&t, "/services/v2/contracts", json!({"sessionID": sid})).await;
    assert!(body["operationID"].is_i64() && body["error"].is_null());
}

#[tokio::test]
async fn request_flat() {
    let t = with_freedoms(&["request-flat"]).await;
    let sid = tech(&t).await;
    let created = create_request(&t, &sid, "FLAT-1").await;
    assert!(created.get("request").is_none(), "{created}");
    let number = created["number"].as_i64().expect("an integer number at the top level");
    assert_eq!(created["numberOrigin"], "FLAT-1");
    let read = ok(&t, "/services/request/getById", json!({"sessionID": sid, "number": number})).await;
    assert_eq!((read["number"].as_i64(), read["description"].as_str()), (Some(number), Some("Monitor piscando")));
    let update = json!({"sessionID": sid, "request": {"number": number, "description": "Monitor trocado"}});
    assert_eq!(ok(&t, "/services/request/update", update).await["description"], "Monitor trocado");
    let status = json!({"sessionID": sid, "number": number, "status": {"code": "Suspensa"}});
    assert_eq!(ok(&t, "/services/request/updateStatus", status).await["status"]["code"], "Suspensa");
    let listed = ok(&t, "/services/request/getByUser", json!({"sessionID": sid, "userID": "solicitante"})).await;
    assert!(listed["requests"].as_array().unwrap().iter().all(|r| r["number"].is_i64()), "{listed}");
    let occurrence = json!({"sessionID": sid, "requestNumber": number, "occurrence": {"description": "Nota"}});
    let added = ok(&t, "/services/request/createOccurrence", occurrence).await;
    assert_eq!(added["occurrence"]["description"], "Nota", "under `occurrence`: {added}");
    assert!(added["error"].is_null() && added["operationID"].is_i64());
}

fn every_object_has(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) && map.values().all(|v| every_object_has(v, key)),
        Value::Array(items) => items.iter().all(|v| every_object_has(v, key)),
        _ => true,
    }
}

fn without(value: &Value, keys: &[&str]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), without(v, keys)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| without(v, keys)).collect()),
        other => other.clone(),
    }
}

#[tokio::test]
async fn extra_fields() {
    let t = with_freedoms(&["extra-fields"]).await;
    let clean = TestServer::start().await;
    let (sid, clean_sid) = (tech(&t).await, tech(&clean).await);
    let envelope = ["dateTime", "operationID", "vendorField", "vendorExtension"];
    let list = newest(&t, &sid, 0).await;
    assert!(every_object_has(&list, "vendorField") && list["vendorExtension"].is_object(), "{list}");
    assert_eq!(without(&list, &envelope), without(&newest(&clean, &clean_sid, 0).await, &envelope));
    let status = ok(&t, "/services/v2/status", json!({"sessionID": sid})).await;
    assert!(every_object_has(&status, "vendorField"));
    let failure = expect(&t, 412, "/mobile/notification/getById", json!({"sessionID": sid})).await;
    assert!(every_object_has(&failure, "vendorField") && failure["error"]["code"] == "INPUT", "{failure}");
    let bare = ok(&t, &format!("{V2}/getJustificativas"), json!({"sessionID": sid})).await;
    assert!(every_object_has(&bare, "vendorField"), "{bare}");
}

#[tokio::test]
async fn null_descriptions() {
    let t = with_freedoms(&["null-descriptions"]).await;
    let sid = tech(&t).await;
    for (path, body) in [
        ("/mobile/notification/getById", json!({"sessionID": sid})),
        ("/services/v2/contracts", json!({})),
        ("/services/v2/login", json!({"userName": "x", "password": "y", "token": "t", "platform": "Android"})),
    ] {
        let failure = expect(&t, 412, path, body).await;
        assert!(failure["error"]["description"].is_null() && failure["error"]["code"].is_string(), "{failure}");
    }
    assert!(ok(&t, "/services/v2/contracts", json!({"sessionID": sid})).await["error"].is_null());
}

#[tokio::test]
async fn v1_empty_412() {
    let t = with_freedoms(&["v1-empty-412"]).await;
    let sid = t.login("solicitante", "solicitante-demo").await;
    let failure = expect(&t, 412, "/mobile/notification/getByUser", list_query(&sid)).await;
    assert_eq!(failure["error"], json!({"code": "INPUT", "description": "Required fields are as empty or null"}));
    let sid = tech(&t).await;
    assert!(!items(&ok(&t, "/mobile/notification/getByUser", list_query(&sid)).await).is_empty());
    let clean = TestServer::start().await;
    let sid = clean.login("solicitante", "solicitante-demo").await;
    assert!(items(&ok(&clean, "/mobile/notification/getByUser", list_query(&sid)).await).is_empty());
}

#[tokio::test]
async fn v2_getbyuser_501() {
    let t = with_freedoms(&["v2-getbyuser-501"]).await;
    let sid = tech(&t).await;
    for body in [list_query(&sid), json!({}), json!({"sessionID": "unknown"})] {
        let answer = ok(&t, &format!("{V2}/getByUser"), body).await;
        assert_eq!(answer["code"], "501", "{answer}");
        assert!(answer["description"].is_string() && answer.get("notifications").is_none());
    }
    // Other lists still need a session and answer their list.
    expect(&t, 412, &format!("{V2}/getNewest"), with(list_query("unknown"), json!({"newestNumber": 0}))).await;
    assert!(!items(&newest(&t, &sid, 0).await).is_empty());
}

#[tokio::test]
async fn paging_size_key() {
    let t = with_freedoms(&["paging-size-key"]).await;
    let sid = tech(&t).await;
    let path = format!("{V2}/getByCoordinates");
    let page = ok(&t, &path, coordinates(&sid, 1, 3)).await;
    let paging = &page["paging"];
    assert!(paging.get("elements").is_none() && paging["size"] == 3, "{page}");
    let total = paging["totalElements"].as_i64().unwrap();
    assert_eq!(paging["totalPages"].as_i64(), Some((total + 2) / 3));
    let empty = ok(&t, &path, coordinates(&sid, 1000, 3)).await;
    assert!(items(&empty).is_empty());
    assert_eq!(empty["paging"]["size"], 0, "a paging object with 0 elements: {empty}");
    assert_eq!(empty["paging"]["totalElements"].as_i64(), Some(total));
}

#[tokio::test]
async fn session_hex() {
    let t = with_freedoms(&["session-hex"]).await;
    let sid = tech(&t).await;
    assert!(
        sid.len() == 32 && sid.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() && c.is_ascii_hexdigit()),
        "{sid}"
    );
    ok(&t, "/services/v2/contracts", json!({"sessionID": sid})).await;
    let login = json!({"userName": TECH.0, "password": TECH.1, "token": "fcm:x", "platform": "iOS"});
    let v2 = ok(&t, "/services/v2/login", login).await;
    assert_eq!(v2["sessionID"].as_str().map(str::len), Some(32));
}

#[tokio::test]
async fn sparse_operation_ids() {
    let t = with_freedoms(&["sparse-operation-ids"]).await;
    let sid = tech(&t).await;
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(ok(&t, "/services/v2/contracts", json!({"sessionID": sid})).await["operationID"].as_i64().unwrap());
    }
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "distinct");
    assert!(ids.iter().all(|id| *id > 1_000_000_000), "{ids:?}");
    assert!(ids.windows(2).any(|w| w[1] < w[0]) && ids.windows(2).all(|w| (w[1] - w[0]).abs() > 1), "{ids:?}");
}

#[tokio::test]
async fn execute_param() {
    let t = with_freedoms(&["execute-param"]).await;
    let sid = tech(&t).await;
    let failure =
        expect(&t, 412, "/services/execute", json!({"sessionID": sid, "messageID": "service_naoExiste"})).await;
    assert_eq!(failure["error"]["code"], "PARAM");
    let listed = ok(&t, "/services/execute", json!({"sessionID": sid, "messageID": "service_listContracts"})).await;
    assert!(listed["contracts"].is_array());
}

#[tokio::test]
async fn wrong_type_400() {
    let t = with_freedoms(&["wrong-type-400"]).await;
    let sid = tech(&t).await;
    for (path, body) in [
        ("/mobile/notification/getById", json!({"sessionID": sid, "taskId": "abc"})),
        (&format!("{V2}/getNewest") as &str, with(list_query(&sid), json!({"newestNumber": "x"}))),
        ("/services/request/getById", json!({"sessionID": sid, "number": "SDM-12"})),
    ] {
        let failure = expect(&t, 400, path, body).await;
        assert_eq!(failure["error"]["code"], "INPUT", "{failure}");
    }
    // A missing field is still 412 INPUT.
    let failure = expect(&t, 412, "/mobile/notification/getById", json!({"sessionID": sid})).await;
    assert_eq!(failure["error"]["code"], "INPUT");
}

#[tokio::test]
async fn amount_zero() {
    let t = with_freedoms(&["amount-zero"]).await;
    let sid = tech(&t).await;
    let list = ok(&t, "/mobile/notification/getByUser", list_query(&sid)).await;
    assert_eq!(list["amount"], 0);
    assert!(!items(&list).is_empty());
    let task = items(&list)[0]["taskId"].clone();
    let reasons = ok(&t, "/mobile/notification/getReasons", json!({"sessionID": sid, "taskId": task})).await;
    assert_eq!(reasons["amount"], 0);
    assert!(!reasons["reasons"].as_array().unwrap().is_empty());
    // Amounts the decision does not cover are unchanged.
    let occurrences = ok(&t, "/services/error/getList", json!({"sessionID": sid})).await;
    assert_eq!(occurrences["amount"].as_u64(), occurrences["errors"].as_array().map(|e| e.len() as u64));
}

#[tokio::test]
async fn find_after_delete_412() {
    let t = with_freedoms(&["find-after-delete-412"]).await;
    let sid = tech(&t).await;
    let keys = json!({"sessionID": sid, "object": "request", "fromKey": "SDM-1", "toKey": "1000"});
    let never = expect(&t, 412, "/services/synchronize/find", keys.clone()).await;
    assert_eq!(never["error"]["code"], "INPUT");
    ok(&t, "/services/synchronize", keys.clone()).await;
    assert_eq!(ok(&t, "/services/synchronize/find", keys.clone()).await["amount"], 1);
    ok(&t, "/services/synchronize/delete", keys.clone()).await;
    assert_eq!(expect(&t, 412, "/services/synchronize/find", keys).await["error"]["code"], "INPUT");
}

#[tokio::test]
async fn endsla_null() {
    let t = with_freedoms(&["endsla-null"]).await;
    let sid = tech(&t).await;
    let list = newest(&t, &sid, 0).await;
    let slas: BTreeSet<String> = items(&list).iter().map(|i| i["endSLA"].to_string()).collect();
    assert_eq!(slas, BTreeSet::from(["null".to_string(), "\"null\"".to_string()]), "{list}");
    let task = items(&list)[0]["taskId"].clone();
    let detail = ok(&t, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task})).await;
    assert_eq!(detail["notification"]["endSLA"], "null");
    assert!(detail["notification"]["timeSLA"].is_i64());
    assert!(items(&list).iter().all(|i| i["date"].is_string()));
}

#[tokio::test]
async fn no_v2_extras() {
    let t = with_freedoms(&["no-v2-extras"]).await;
    let sid = tech(&t).await;
    let list = newest(&t, &sid, 0).await;
    let nine: BTreeSet<&str> =
        ["number", "taskId", "type", "date", "endSLA", "timeFlag", "task", "service", "waiting"].into_iter().collect();
    for item in items(&list) {
        let keys: BTreeSet<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, nine, "{item}");
    }
    let update = ok(&t, &format!("{V2}/update"), json!({"sessionID": sid, "number": numbers(&list)[0]})).await;
    assert!(items(&update).iter().all(|i| i.get("inChekin").is_none()));
}

#[tokio::test]
async fn table_extras() {
    let t = with_freedoms(&["table-extras"]).await;
    let sid = tech(&t).await;
    let (number, task) = check_in(&t, &sid).await;
    let detail = ok(&t, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task})).await;
    assert!(detail["site"].is_string(), "{detail}");
    let out = ok(&t, &format!("{V2}/checkout"), checkout_body(&sid, task, 1)).await;
    assert_eq!((out["number"].as_i64(), out["id"].as_i64()), (Some(number), Some(task)), "{out}");
    let again = ok(
        &t,
        &format!("{V2}/checkin"),
        json!({"sessionID": sid, "taskId": task, "latitude": 0.0, "longitude": 0.0, "startTime": now_ms()}),
    )
    .await;
    assert_eq!(again["id"].as_i64(), Some(task));
}

#[tokio::test]
async fn failure_no_envelope() {
    let t = with_freedoms(&["failure-no-envelope"]).await;
    let sid = tech(&t).await;
    for (path, body) in
        [("/mobile/notification/getById", json!({"sessionID": sid})), ("/services/v2/contracts", json!({}))]
    {
        let failure = expect(&t, 412, path, body).await;
        assert!(failure.get("dateTime").is_none() && failure.get("operationID").is_none(), "{failure}");
        assert!(failure["error"]["code"].is_string());
    }
    let success = ok(&t, "/services/v2/contracts", json!({"sessionID": sid})).await;
    assert!(success["dateTime"].is_i64() && success["operationID"].is_i64());
}

#[tokio::test]
async fn null_empty_lists() {
    let t = with_freedoms(&["null-empty-lists"]).await;
    let sid = tech(&t).await;
    let errors = ok(&t, "/services/error/getList", json!({"sessionID": sid, "operationList": ["nenhuma"]})).await;
    assert!(errors["errors"].is_null() && errors["amount"] == 0, "{errors}");
    let find = json!({"sessionID": sid, "object": "request", "fromKey": "NUNCA", "toKey": "1"});
    assert!(ok(&t, "/services/synchronize/find", find).await["requests"].is_null());
    let pending = json!({"sessionID": sid, "requestNumber": "1001"});
    let logs = ok(&t, "/services/occurrence/getNotSynchronized", pending).await;
    assert!(logs["logs"].is_null(), "{logs}");
    // Lists with items are unchanged, and the /services/request/* lists stay arrays (REQ-COMMON-006).
    create_request(&t, &sid, "LOGS-1").await;
    let pending = json!({"sessionID": sid, "requestNumberOrigin": "LOGS-1"});
    let logs = ok(&t, "/services/occurrence/getNotSynchronized", pending).await;
    assert_eq!(logs["logs"].as_array().map(Vec::len), Some(1));
    let logs = ok(&t, "/services/request/listOccurrences", json!({"sessionID": sid, "requestNumber": "1001"})).await;
    assert_eq!(logs["logs"], json!([]));
}

#[tokio::test]
async fn denied_any_reason() {
    let t = with_freedoms(&["denied-any-reason"]).await;
    let sid = tech(&t).await;
    let task = items(&newest(&t, &sid, 0).await)[0]["taskId"].clone();
    let denial = json!({"sessionID": sid, "taskId": task, "latitude": -15.8, "longitude": -47.9, "dateTime": now_ms()});
    ok(&t, &format!("{V2}/checkin/denied"), with(denial.clone(), json!({"reasonId": 9999}))).await;
    ok(&t, &format!("{V2}/checkin/denied"), denial.clone()).await;
    let mut no_task = denial;
    no_task.as_object_mut().unwrap().remove("taskId");
    assert_eq!(expect(&t, 412, &format!("{V2}/checkin/denied"), no_task).await["error"]["code"], "INPUT");
}

#[tokio::test]
async fn checkout_unchecked() {
    let t = with_freedoms(&["checkout-unchecked"]).await;
    let sid = tech(&t).await;
    let (number, task) = check_in(&t, &sid).await;
    let out = ok(&t, &format!("{V2}/checkout"), checkout_body(&sid, task, 4)).await;
    assert_eq!(out["number"], number);
    // The check-in is still required.
    let failure = expect(&t, 412, &format!("{V2}/checkout"), checkout_body(&sid, task, 4)).await;
    assert_eq!(failure["error"]["code"], "INPUT");
}

#[tokio::test]
async fn unknown_fields_400() {
    let t = with_freedoms(&["unknown-fields-400"]).await;
    let sid = tech(&t).await;
    let failure = expect(&t, 400, "/services/v2/contracts", json!({"sessionID": sid, "ordemX": 1})).await;
    assert!(failure["error"]["description"].as_str().unwrap().contains("ordemX"), "{failure}");
    let nested = with(coordinates(&sid, 1, 3), json!({"pager": {"page": 1, "size": 3, "offset": 0}}));
    let failure = expect(&t, 400, &format!("{V2}/getByCoordinates"), nested).await;
    assert!(failure["error"]["description"].as_str().unwrap().contains("pager.offset"), "{failure}");
    // Unknown fields are refused before the session check, declared ones are fine.
    expect(&t, 400, "/services/v2/contracts", json!({"sessionID": "unknown", "x": 1})).await;
    ok(&t, &format!("{V2}/getByCoordinates"), coordinates(&sid, 1, 3)).await;
    ok(&t, "/services/login", json!({"userName": TECH.0, "password": TECH.1, "platform": "SDM"})).await;
}

#[tokio::test]
async fn occurrence_data_key() {
    let t = with_freedoms(&["occurrence-data-key"]).await;
    let sid = tech(&t).await;
    create_request(&t, &sid, "DATA-1").await;
    let occurrence = json!({"sessionID": sid, "requestNumberOrigin": "DATA-1",
                            "occurrence": {"description": "Nota", "date": "2026-01-05T10:00:00.000Z"}});
    let added = ok(&t, "/services/request/createOccurrence", occurrence).await;
    assert!(added.get("date").is_none() && added["data"] == "2026-01-05T10:00:00.000Z", "{added}");
    let logs =
        ok(&t, "/services/request/listOccurrences", json!({"sessionID": sid, "requestNumberOrigin": "DATA-1"})).await;
    assert!(
        logs["logs"].as_array().unwrap().iter().all(|l| l["data"].is_string() && l.get("date").is_none()),
        "{logs}"
    );
    assert_eq!(logs["amount"], 2);
}

// ---------------------------------------------------------------------------------------------
// every freedom at once

async fn all_freedoms(faults: &[&str]) -> TestServer {
    let mut config = ServerConfig::local();
    config.freedoms = FreedomSet::all();
    config.faults = FaultSet::new(faults.iter().map(|f| f.parse().expect("known fault")).collect());
    TestServer::start_with(config).await
}

/// Every endpoint's spec example (with a live session and real credentials): never a 5xx, and
/// every answer conforms, a 200 to the endpoint's response schema, anything else to the error schema.
#[tokio::test]
async fn every_spec_example_gets_a_conforming_answer_with_every_freedom() {
    let t = all_freedoms(&[]).await;
    let endpoints = t.registry.spec().endpoints.clone();
    assert_eq!(endpoints.len(), 50);
    let mut answered = BTreeSet::new();
    for endpoint in &endpoints {
        let sid = tech(&t).await;
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
        let bytes = if endpoint.is_xml() {
            itsm_conform::spec::xml::json_to_xml("Request", &example).into_bytes()
        } else {
            serde_json::to_vec(&example).unwrap()
        };
        let response = t
            .client
            .post(format!("{}{}", t.server.base_url(), endpoint.path))
            .header("Content-Type", endpoint.request_content_type.as_str())
            .header("Accept", "application/json")
            .body(bytes)
            .send()
            .await
            .expect("answered");
        let status = response.status().as_u16();
        let answer: Value = serde_json::from_str(&response.text().await.unwrap()).expect("JSON");
        assert!(status < 500, "{}: {status} {answer}", endpoint.path);
        t.assert_conforms(&endpoint.path, status, &answer);
        if status == 200 {
            answered.insert(endpoint.path.clone());
        }
    }
    // The examples' ids are not the data set's, but many endpoints need none.
    assert!(answered.len() >= 25, "{} answered 200: {answered:?}", answered.len());
}

/// A walk through all 50 endpoints with ids found through the lists, every freedom on: each one
/// answers 200 with a body that conforms.
#[tokio::test]
async fn every_endpoint_answers_a_conforming_success_with_every_freedom() {
    let t = all_freedoms(&[]).await;
    let mut called = BTreeSet::new();
    let mut call = |path: &str| {
        called.insert(path.to_string());
        path.to_string()
    };
    let v2_login = json!({"userName": TECH.0, "password": TECH.1, "token": "fcm:walk", "platform": "Android"});
    let tec = ok(&t, &call("/services/v2/login"), v2_login).await["sessionID"].as_str().unwrap().to_string();
    let apr = ok(&t, &call("/services/login"), json!({"userName": "aprovador", "password": "aprovador-demo"})).await;
    let apr = apr["sessionID"].as_str().unwrap().to_string();
    let xml = "<Login><UserName>coordenador</UserName><Password>coordenador-demo</Password></Login>";
    let response = t
        .client
        .post(format!("{}/services/xml/login", t.server.base_url()))
        .header("Content-Type", "application/xml")
        .body(xml)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let coord: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    t.assert_conforms(&call("/services/xml/login"), 200, &coord);
    let coord = coord["sessionID"].as_str().unwrap().to_string();

    // mobile v1
    let approvals =
        ok(&t, &call("/mobile/notification/getByUser"), with(list_query(&apr), json!({"onlyApproval": 1}))).await;
    let approval = items(&approvals)[0]["taskId"].clone();
    ok(&t, &call("/mobile/notification/getById"), json!({"sessionID": apr, "taskId": approval})).await;
    ok(&t, &call("/mobile/notification/getReasons"), json!({"sessionID": apr, "taskId": approval})).await;
    ok(&t, &call("/mobile/notification/feedback"), json!({"sessionID": apr, "taskId": approval, "feedback": 1})).await;
    ok(&t, &call("/mobile/notification/new"), json!({"sessionID": tec, "description": "Teclado quebrado"})).await;

    // mobile v2 lists
    let list = ok(&t, &call(&format!("{V2}/getNewest")), with(list_query(&tec), json!({"newestNumber": 0}))).await;
    let (number, task) = pairs(&list)[0];
    ok(&t, &call(&format!("{V2}/getOldest")), with(list_query(&tec), json!({"oldestNumber": number + 1}))).await;
    assert_eq!(ok(&t, &call(&format!("{V2}/getByUser")), list_query(&tec)).await["code"], "501");
    ok(&t, &call(&format!("{V2}/getByCoordinates")), coordinates(&tec, 1, 5)).await;
    ok(&t, &call(&format!("{V2}/update")), json!({"sessionID": tec, "number": number})).await;
    let search = with(list_query(&tec), json!({"newestNumber": 0, "textoBusca": "a"}));
    ok(&t, &call(&format!("{V2}/buscaSolicitacao")), search).await;
    ok(&t, &call(&format!("{V2}/getById")), json!({"sessionID": tec, "taskId": task})).await;

    // mobile v2 field service
    let at = json!({"latitude": -15.79, "longitude": -47.88});
    ok(
        &t,
        &call(&format!("{V2}/attendRequest")),
        with(at.clone(), json!({"sessionID": tec, "number": number, "dateTime": now_ms()})),
    )
    .await;
    let checkin = with(at.clone(), json!({"sessionID": tec, "taskId": task, "startTime": now_ms()}));
    ok(&t, &call(&format!("{V2}/checkin")), checkin).await;
    ok(&t, &call(&format!("{V2}/location")), with(at.clone(), json!({"sessionID": tec, "dateTime": now_ms()}))).await;
    let reasons = ok(&t, &call("/services/v2/deniedReasons"), json!({"sessionID": tec})).await;
    let denial =
        json!({"sessionID": tec, "taskId": task, "dateTime": now_ms(), "reasonId": reasons["reasons"][0]["id"]});
    ok(&t, &call(&format!("{V2}/checkin/denied")), with(at.clone(), denial)).await;
    ok(
        &t,
        &call(&format!("{V2}/checkin")),
        with(at.clone(), json!({"sessionID": tec, "taskId": task, "startTime": now_ms()})),
    )
    .await;
    ok(&t, &call(&format!("{V2}/checkout")), checkout_body(&tec, task, 1)).await;
    ok(&t, &call(&format!("{V2}/getJustificativas")), json!({"sessionID": tec})).await;
    ok(&t, &call(&format!("{V2}/getGruposLiderados")), json!({"sessionID": coord})).await;
    ok(&t, &call(&format!("{V2}/getEquipeColaborador")), json!({"sessionID": coord, "taskId": task})).await;
    ok(&t, &call(&format!("{V2}/getColaborador")), json!({"sessionID": coord, "taskId": task})).await;
    ok(&t, &call(&format!("{V2}/atribuicoesEquipesSolicitacoes")), json!({"sessionID": coord, "result": [number]}))
        .await;
    ok(
        &t,
        &call(&format!("{V2}/atualizaInformacoesSolicitacoes")),
        json!({"sessionID": coord, "result": {"n": number}}),
    )
    .await;

    // services/request
    let created = create_request(&t, &tec, "WALK-1").await;
    call("/services/request/create");
    let request_number = created["number"].clone();
    ok(&t, &call("/services/request/getById"), json!({"sessionID": tec, "number": request_number})).await;
    let update = json!({"sessionID": tec, "request": {"numberOrigin": "WALK-1", "description": "Monitor trocado"}});
    ok(&t, &call("/services/request/update"), update).await;
    let status = json!({"sessionID": tec, "numberOrigin": "WALK-1", "status": {"code": "Suspensa"}});
    ok(&t, &call("/services/request/updateStatus"), status).await;
    let occurrence = json!({"sessionID": tec, "requestNumberOrigin": "WALK-1", "occurrence": {"description": "Nota"}});
    ok(&t, &call("/services/request/createOccurrence"), occurrence).await;
    ok(&t, &call("/services/request/listOccurrences"), json!({"sessionID": tec, "requestNumberOrigin": "WALK-1"}))
        .await;
    ok(&t, &call("/services/request/getByUser"), json!({"sessionID": tec, "userID": "solicitante"})).await;
    let pending = json!({"sessionID": tec, "userID": "solicitante", "synchronize": true});
    ok(&t, &call("/services/request/getNotSynchronized"), pending).await;
    let occurrences = json!({"sessionID": tec, "requestNumberOrigin": "WALK-1", "synchronize": true});
    ok(&t, &call("/services/occurrence/getNotSynchronized"), occurrences).await;

    // services
    let source = json!({"number": "SDM-WALK", "type": "R", "description": "Acesso", "startDateTime": now_ms(),
        "urgency": "H", "impact": "L", "userID": "solicitante", "service": {"code": "180"}});
    ok(&t, &call("/services/addServiceRequest"), json!({"sessionID": tec, "serviceRequestSource": source})).await;
    let xml = format!(
        "<AddServiceRequest><SessionID>{tec}</SessionID><ServiceRequestSource><Number>SDM-WALK-X</Number><Type>I</Type>\
         <Description>Sem rede</Description><StartDateTime>2026-01-05T10:00:00</StartDateTime><Urgency>M</Urgency>\
         <Impact>M</Impact><UserID>solicitante</UserID><Service><Code>180</Code></Service></ServiceRequestSource>\
         </AddServiceRequest>"
    );
    let response = t
        .client
        .post(format!("{}/services/xml/addServiceRequest", t.server.base_url()))
        .header("Content-Type", "application/xml")
        .body(xml)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    t.assert_conforms(&call("/services/xml/addServiceRequest"), 200, &answer);
    ok(&t, &call("/services/data/query"), json!({"sessionID": tec, "queryName": "solicitacoesAbertas"})).await;
    ok(&t, &call("/services/error/getList"), json!({"sessionID": tec})).await;
    ok(&t, &call("/services/execute"), json!({"sessionID": tec, "messageID": "service_listContracts"})).await;
    let keys = json!({"sessionID": tec, "object": "request", "fromKey": "SDM-WALK", "toKey": "1"});
    ok(&t, &call("/services/synchronize"), keys.clone()).await;
    ok(&t, &call("/services/synchronize/find"), keys.clone()).await;
    ok(&t, &call("/services/synchronize/delete"), keys).await;

    // services v2
    let contracts = ok(&t, &call("/services/v2/contracts"), json!({"sessionID": tec})).await;
    let contract = contracts["contracts"][0]["id"].clone();
    let units = ok(&t, &call("/services/v2/units"), json!({"sessionID": tec, "contractID": contract})).await;
    let unit = units["units"][0]["id"].clone();
    let moved = json!({"sessionID": tec, "unitID": unit, "latitude": -15.8, "longitude": -47.9});
    ok(&t, &call("/services/v2/coordinates"), moved).await;
    ok(&t, &call("/services/v2/status"), json!({"sessionID": tec})).await;
    ok(&t, &call("/services/v2/getWorkflow"), json!({"sessionID": tec})).await;
    let device = json!({"sessionID": tec, "connection": "/citsmart", "token": "fcm:walk"});
    ok(&t, &call("/services/v2/device/disassociate"), device).await;

    let all: BTreeSet<String> = t.registry.spec().endpoints.iter().map(|e| e.path.clone()).collect();
    let missing: Vec<&String> = all.difference(&called).collect();
    assert!(missing.is_empty(), "not walked: {missing:?}");
}

/// Faults apply on top of every freedom: each deviation still shows.
#[tokio::test]
async fn faults_show_through_every_freedom() {
    let faults = [
        "datetime-seconds",
        "drop-field",
        "paging-off-by-one",
        "newest-ignores-number",
        "type-filter-ignored",
        "error-null-on-failure",
        "operation-id-repeated",
        "login-any-password",
        "write-not-persisted",
        "content-type-text",
    ];
    let t = all_freedoms(&faults).await;
    let (status, login) = t.post("/services/login", json!({"userName": TECH.0, "password": "wrong"})).await;
    assert_eq!(status, 200, "login-any-password: {login}");
    let sid = login["sessionID"].as_str().unwrap().to_string();
    let (_, list) =
        t.post(&format!("{V2}/getNewest"), with(list_query(&sid), json!({"newestNumber": i64::MAX / 2}))).await;
    assert!(!items(&list).is_empty(), "newest-ignores-number: {list}");
    assert!(items(&list).iter().all(|i| i.get("taskId").is_none()), "drop-field");
    let (_, typed) = t
        .post(&format!("{V2}/getNewest"), with(list_query(&sid), json!({"notificationType": 4, "newestNumber": 0})))
        .await;
    assert!(items(&typed).iter().any(|i| i["type"] != 4), "type-filter-ignored");
    // datetime-seconds under datetime-iso: an ISO text of a 1970 instant.
    let millis = list["dateTimeMilliseconds"].as_i64().unwrap();
    assert!((millis - now_ms() / 1000).abs() < 60, "datetime-seconds: {list}");
    let (_, page) = t.post(&format!("{V2}/getByCoordinates"), coordinates(&sid, 1, 3)).await;
    let (total, pages) =
        (page["paging"]["totalElements"].as_i64().unwrap(), page["paging"]["totalPages"].as_i64().unwrap());
    assert_eq!(pages, (total + 2) / 3 + 1, "paging-off-by-one: {page}");
    let (status, failure) = t.post("/mobile/notification/getById", json!({"sessionID": sid})).await;
    assert_eq!((status, failure["error"].is_null()), (412, true), "error-null-on-failure: {failure}");
    let (_, a) = t.post("/services/v2/contracts", json!({"sessionID": sid})).await;
    let (_, b) = t.post("/services/v2/contracts", json!({"sessionID": sid})).await;
    assert_eq!(a["operationID"], b["operationID"], "operation-id-repeated");
    let created = create_request(&t, &sid, "FAULT-1").await;
    let number = created["number"].clone();
    let update = json!({"sessionID": sid, "request": {"number": number, "description": "Depois"}});
    assert_eq!(t.post("/services/request/update", update).await.1["description"], "Depois");
    let (_, read) = t.post("/services/request/getById", json!({"sessionID": sid, "number": number})).await;
    assert_eq!(read["description"], "Monitor piscando", "write-not-persisted: {read}");
    let response = t
        .client
        .post(format!("{}/services/v2/contracts", t.server.base_url()))
        .json(&json!({"sessionID": sid}))
        .send()
        .await
        .unwrap();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain"), "content-type-text: {content_type}");
    // The schema still catches what it should through the freedoms.
    assert!(!t.registry.check(&format!("{V2}/getNewest"), Side::Response, &list).is_empty(), "drop-field is caught");
}
