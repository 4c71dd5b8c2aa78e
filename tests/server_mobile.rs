//! The mobile endpoints of the reference server (v1 `/mobile/notification/*`, v2
//! `/mobile/v2/notification/*`): every endpoint with valid requests built from the server's state,
//! the technician, approver and requester flows, and the list, paging and failure rules.

mod common;

use std::collections::BTreeSet;

use common::TestServer;
use serde_json::{json, Value};

const V1: &str = "/mobile/notification";
const V2: &str = "/mobile/v2/notification";
const NOW_MS: i64 = 1_764_000_000_000;

/// POSTs, asserts 200 and schema conformance, returns the body.
async fn ok(srv: &TestServer, path: &str, body: Value) -> Value {
    let (status, response) = srv.post(path, body.clone()).await;
    assert_eq!(status, 200, "{path} {body}: {response}");
    srv.assert_conforms(path, status, &response);
    response
}

/// POSTs, asserts 412 with `code` and a conforming error body, returns the description.
async fn fails(srv: &TestServer, path: &str, body: Value, code: &str) -> String {
    let (status, response) = srv.post(path, body.clone()).await;
    assert_eq!(status, 412, "{path} {body}: {response}");
    srv.assert_conforms(path, status, &response);
    assert_eq!(response["error"]["code"], code, "{path}: {response}");
    response["error"]["description"].as_str().unwrap_or_default().to_string()
}

/// v2 login with a device token, as the app does.
async fn login_v2(srv: &TestServer, user: &str, password: &str) -> String {
    let body = json!({"userName": user, "password": password, "token": format!("fcm:{user}"), "platform": "Android"});
    let (status, response) = srv.post("/services/v2/login", body).await;
    assert_eq!(status, 200, "v2 login {user}: {response}");
    response["sessionID"].as_str().expect("sessionID").to_string()
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

fn notifications(body: &Value) -> &Vec<Value> {
    body["notifications"].as_array().expect("notifications array")
}

fn numbers(body: &Value) -> Vec<i64> {
    notifications(body).iter().map(|n| n["number"].as_i64().expect("number")).collect()
}

/// The item of `task_id` in an update of its request.
async fn item_after_update(srv: &TestServer, sid: &str, number: i64, task_id: i64) -> Option<Value> {
    let body = ok(srv, &format!("{V2}/update"), json!({"sessionID": sid, "number": number})).await;
    assert!(numbers(&body).iter().all(|n| *n == number), "update lists only request {number}: {body}");
    notifications(&body).iter().find(|n| n["taskId"] == task_id).cloned()
}

/// A task of `sid`'s user that is not in check-in, as (number, taskId).
async fn free_task(srv: &TestServer, sid: &str) -> (i64, i64) {
    let body = ok(srv, &format!("{V2}/getNewest"), with(list_query(sid), json!({"newestNumber": 0}))).await;
    let item = notifications(&body)
        .iter()
        .find(|n| n["inChekin"] == 0 && n["typeRequest"] == 0)
        .expect("an execution task not in check-in");
    (item["number"].as_i64().unwrap(), item["taskId"].as_i64().unwrap())
}

async fn attend(srv: &TestServer, sid: &str, number: i64) {
    let body = json!({"sessionID": sid, "number": number, "latitude": -15.79, "longitude": -47.88, "dateTime": NOW_MS});
    let response = ok(srv, &format!("{V2}/attendRequest"), body).await;
    assert_eq!(response["success"], true);
}

fn checkin_body(sid: &str, task_id: i64) -> Value {
    json!({"sessionID": sid, "taskId": task_id, "latitude": -15.79, "longitude": -47.88, "startTime": NOW_MS})
}

fn checkout_body(sid: &str, task_id: i64, status: i64) -> Value {
    json!({"sessionID": sid, "taskId": task_id, "latitude": -15.79, "longitude": -47.88, "status": status,
           "solution": 10, "descSolution": "Cabo de rede trocado."})
}

#[tokio::test]
async fn every_mobile_endpoint_answers_a_conforming_success() {
    let srv = TestServer::start().await;
    let tec = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let apr = srv.login("aprovador", "aprovador-demo").await;
    let sol = srv.login("solicitante", "solicitante-demo").await;
    let coord = login_v2(&srv, "coordenador", "coordenador-demo").await;
    let mut called = BTreeSet::new();
    let mut call = |path: &str| {
        called.insert(path.to_string());
        path.to_string()
    };

    // v1
    let list = ok(&srv, &call(&format!("{V1}/getByUser")), with(list_query(&apr), json!({"onlyApproval": 1}))).await;
    let approval = notifications(&list)[0]["taskId"].as_i64().unwrap();
    ok(&srv, &call(&format!("{V1}/getById")), json!({"sessionID": apr, "taskId": approval})).await;
    let reasons = ok(&srv, &call(&format!("{V1}/getReasons")), json!({"sessionID": apr, "taskId": approval})).await;
    assert!(reasons["amount"].as_i64().unwrap() > 0);
    ok(&srv, &call(&format!("{V1}/feedback")), json!({"sessionID": apr, "taskId": approval, "feedback": 1})).await;
    let created =
        ok(&srv, &call(&format!("{V1}/new")), json!({"sessionID": sol, "description": "Teclado quebrado"})).await;
    assert!(created["number"].is_i64());

    // v2 lists and detail
    let newest = ok(&srv, &call(&format!("{V2}/getNewest")), with(list_query(&tec), json!({"newestNumber": 0}))).await;
    let first = &notifications(&newest)[0];
    let (number, task_id) = (first["number"].as_i64().unwrap(), first["taskId"].as_i64().unwrap());
    ok(&srv, &call(&format!("{V2}/getOldest")), with(list_query(&tec), json!({"oldestNumber": number + 1}))).await;
    ok(&srv, &call(&format!("{V2}/getByUser")), list_query(&tec)).await;
    let coords = json!({"latitude": -15.79, "longitude": -47.88, "pager": {"page": 1, "size": 5}});
    ok(&srv, &call(&format!("{V2}/getByCoordinates")), with(list_query(&tec), coords)).await;
    ok(&srv, &call(&format!("{V2}/update")), json!({"sessionID": tec, "number": number})).await;
    let search = json!({"newestNumber": 0, "textoBusca": "impressora"});
    ok(&srv, &call(&format!("{V2}/buscaSolicitacao")), with(list_query(&tec), search)).await;
    ok(&srv, &call(&format!("{V2}/getById")), json!({"sessionID": tec, "taskId": task_id})).await;

    // v2 field service
    call(&format!("{V2}/attendRequest"));
    attend(&srv, &tec, number).await;
    ok(&srv, &call(&format!("{V2}/checkin")), checkin_body(&tec, task_id)).await;
    let position = json!({"sessionID": tec, "latitude": -15.8, "longitude": -47.9, "dateTime": NOW_MS});
    ok(&srv, &call(&format!("{V2}/location")), position).await;
    let denial = json!({"sessionID": tec, "taskId": task_id, "latitude": -15.8, "longitude": -47.9,
                        "dateTime": NOW_MS, "reasonId": 2});
    ok(&srv, &call(&format!("{V2}/checkin/denied")), denial).await;
    ok(&srv, &format!("{V2}/checkin"), checkin_body(&tec, task_id)).await;
    ok(&srv, &call(&format!("{V2}/checkout")), checkout_body(&tec, task_id, 1)).await;

    // v2 justifications and coordinator endpoints
    ok(&srv, &call(&format!("{V2}/getJustificativas")), json!({"sessionID": tec})).await;
    ok(&srv, &call(&format!("{V2}/getGruposLiderados")), json!({"sessionID": coord})).await;
    ok(&srv, &call(&format!("{V2}/getEquipeColaborador")), json!({"sessionID": coord, "taskId": task_id})).await;
    ok(&srv, &call(&format!("{V2}/getColaborador")), json!({"sessionID": coord, "taskId": task_id})).await;
    let assignment = json!({"sessionID": coord, "result": [{"idSolicitacao": number, "idGrupo": 1}]});
    ok(&srv, &call(&format!("{V2}/atribuicoesEquipesSolicitacoes")), assignment).await;
    let info = json!({"sessionID": coord, "result": {"idSolicitacao": number, "descricao": "Peça trocada"}});
    ok(&srv, &call(&format!("{V2}/atualizaInformacoesSolicitacoes")), info).await;

    let mut expected: BTreeSet<String> = BTreeSet::new();
    for spec in std::fs::read_dir(common::project_root().join("specs/endpoints/mobile-v1"))
        .unwrap()
        .chain(std::fs::read_dir(common::project_root().join("specs/endpoints/mobile-v2")).unwrap())
    {
        let text = std::fs::read_to_string(spec.unwrap().path()).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        expected.insert(value["path"].as_str().unwrap().to_string());
    }
    assert_eq!(expected.len(), 23);
    assert_eq!(called, expected);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn technician_attends_checks_in_and_solves_a_request() {
    let srv = TestServer::start().await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let (number, task_id) = free_task(&srv, &sid).await;

    let detail = ok(&srv, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task_id})).await;
    assert_eq!(detail["notification"]["taskId"], task_id);
    assert_eq!(detail["notification"]["number"], number);
    assert!(detail["notification"]["timeSLA"].is_i64());

    let before = item_after_update(&srv, &sid, number, task_id).await.expect("listed before");
    assert_eq!(before["inService"], false);
    attend(&srv, &sid, number).await;
    let attended = item_after_update(&srv, &sid, number, task_id).await.expect("listed while attended");
    assert_eq!(attended["inService"], true);

    let checked_in = ok(&srv, &format!("{V2}/checkin"), checkin_body(&sid, task_id)).await;
    assert_eq!(checked_in["number"], number);
    let in_checkin = item_after_update(&srv, &sid, number, task_id).await.expect("listed in check-in");
    assert_eq!(in_checkin["inChekin"], 1);
    let detail = ok(&srv, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task_id})).await;
    assert_eq!(detail["notification"]["taskStatus"], "Em execução");

    // A second check-in, on this or another task, fails while the first is open.
    let text = fails(&srv, &format!("{V2}/checkin"), checkin_body(&sid, task_id), "INPUT").await;
    assert!(text.contains(&number.to_string()), "{text}");

    for (i, lat) in [-15.80, -15.81].into_iter().enumerate() {
        let body =
            json!({"sessionID": sid, "latitude": lat, "longitude": -47.9, "dateTime": NOW_MS + i as i64 * 60_000});
        assert_eq!(ok(&srv, &format!("{V2}/location"), body).await["success"], true);
    }

    let checked_out = ok(&srv, &format!("{V2}/checkout"), checkout_body(&sid, task_id, 4)).await;
    assert_eq!(checked_out["number"], number);
    assert!(item_after_update(&srv, &sid, number, task_id).await.is_none(), "a solved task leaves the lists");
    let detail = ok(&srv, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task_id})).await;
    assert_eq!(detail["notification"]["status"], "Resolvida");
    assert_eq!(detail["notification"]["taskStatus"], "Concluída");

    // The check-in is over: a second checkout fails.
    fails(&srv, &format!("{V2}/checkout"), checkout_body(&sid, task_id, 4), "INPUT").await;
    srv.server.shutdown().await;
}

#[tokio::test]
async fn checkout_and_checkin_need_their_predecessors() {
    let srv = TestServer::start().await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let (number, task_id) = free_task(&srv, &sid).await;

    // No attendRequest yet: no assignment, no check-in.
    let text = fails(&srv, &format!("{V2}/checkin"), checkin_body(&sid, task_id), "INPUT").await;
    assert!(text.contains("no assignment"), "{text}");
    attend(&srv, &sid, number).await;
    let text = fails(&srv, &format!("{V2}/checkout"), checkout_body(&sid, task_id, 4), "INPUT").await;
    assert!(text.contains("no check in"), "{text}");

    ok(&srv, &format!("{V2}/checkin"), checkin_body(&sid, task_id)).await;
    // Status 4 without its solution is refused and leaves the check-in open.
    let mut incomplete = checkout_body(&sid, task_id, 4);
    incomplete.as_object_mut().unwrap().remove("descSolution");
    fails(&srv, &format!("{V2}/checkout"), incomplete, "INPUT").await;
    fails(&srv, &format!("{V2}/checkout"), checkout_body(&sid, task_id, 7), "INPUT").await;

    // Suspending keeps the task listed, suspended, out of check-in.
    let mut suspend = checkout_body(&sid, task_id, 2);
    suspend["solution"] = json!(20);
    ok(&srv, &format!("{V2}/checkout"), suspend).await;
    let item = item_after_update(&srv, &sid, number, task_id).await.expect("a suspended task stays listed");
    assert_eq!(item["inChekin"], 0);
    assert_eq!(item["timeFlag"], 3);
    let detail = ok(&srv, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task_id})).await;
    assert_eq!(detail["notification"]["status"], "Suspensa");

    // Missing taskId is the product's text.
    let text = fails(
        &srv,
        &format!("{V2}/checkout"),
        json!({"sessionID": sid, "latitude": 0.0, "longitude": 0.0, "status": 1}),
        "INPUT",
    )
    .await;
    assert_eq!(text, "Task id not informed");
    srv.server.shutdown().await;
}

#[tokio::test]
async fn checkin_denial_leaves_the_task_available() {
    let srv = TestServer::start().await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let (number, task_id) = free_task(&srv, &sid).await;
    attend(&srv, &sid, number).await;
    ok(&srv, &format!("{V2}/checkin"), checkin_body(&sid, task_id)).await;

    let denial = |reason: i64| {
        json!({"sessionID": sid, "taskId": task_id, "latitude": -15.8, "longitude": -47.9,
               "dateTime": NOW_MS, "reasonId": reason})
    };
    fails(&srv, &format!("{V2}/checkin/denied"), denial(99), "INPUT").await;
    ok(&srv, &format!("{V2}/checkin/denied"), denial(1)).await;
    let item = item_after_update(&srv, &sid, number, task_id).await.expect("still listed");
    assert_eq!(item["inChekin"], 0);
    let detail = ok(&srv, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task_id})).await;
    assert_eq!(detail["notification"]["taskStatus"], "Disponível");

    // The denial ended the check-in: checkout has nothing to close, a new check-in is allowed.
    fails(&srv, &format!("{V2}/checkout"), checkout_body(&sid, task_id, 1), "INPUT").await;
    let again = ok(&srv, &format!("{V2}/checkin"), checkin_body(&sid, task_id)).await;
    assert_eq!(again["number"], number);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn approver_approves_once_and_rejects_with_a_reason() {
    let srv = TestServer::start().await;
    let sid = srv.login("aprovador", "aprovador-demo").await;
    let query = with(list_query(&sid), json!({"onlyApproval": 1}));
    let list = ok(&srv, &format!("{V1}/getByUser"), query.clone()).await;
    let items = notifications(&list);
    assert!(items.len() >= 2, "{list}");
    assert_eq!(list["amount"], items.len());
    assert!(items.iter().all(|n| n["waiting"] == 1));
    assert!(items.iter().all(|n| n.get("latitude").is_none()), "v1 items have the nine v1 fields");
    let (first, second) = (items[0]["taskId"].as_i64().unwrap(), items[1]["taskId"].as_i64().unwrap());

    let detail = ok(&srv, &format!("{V1}/getById"), json!({"sessionID": sid, "taskId": first})).await;
    assert_eq!(detail["notification"]["taskId"], first);
    assert_eq!(detail["notification"]["number"], items[0]["number"]);
    assert_eq!(detail["notification"]["taskStatus"], "Aguardando aprovação");
    assert!(detail["site"].is_string());

    let reasons = ok(&srv, &format!("{V1}/getReasons"), json!({"sessionID": sid, "taskId": first})).await;
    let reason_list = reasons["reasons"].as_array().unwrap();
    assert_eq!(reasons["amount"], reason_list.len());
    let reason = reason_list[0]["id"].as_i64().unwrap();

    ok(&srv, &format!("{V1}/feedback"), json!({"sessionID": sid, "taskId": first, "feedback": 1, "comments": "ok"}))
        .await;
    fails(&srv, &format!("{V1}/feedback"), json!({"sessionID": sid, "taskId": first, "feedback": 1}), "INPUT").await;
    let detail = ok(&srv, &format!("{V1}/getById"), json!({"sessionID": sid, "taskId": first})).await;
    assert_eq!(detail["notification"]["taskStatus"], "Aprovada");
    let after = ok(&srv, &format!("{V1}/getByUser"), query.clone()).await;
    assert!(notifications(&after).iter().all(|n| n["taskId"] != first), "the approved task leaves the list");

    let reject = |reason: i64| json!({"sessionID": sid, "taskId": second, "feedback": 0, "reasonId": reason});
    let text = fails(&srv, &format!("{V1}/feedback"), reject(0), "INPUT").await;
    assert_eq!(text, "Rationale Unknown");
    ok(&srv, &format!("{V1}/feedback"), reject(reason)).await;
    let detail = ok(&srv, &format!("{V1}/getById"), json!({"sessionID": sid, "taskId": second})).await;
    assert_eq!(detail["notification"]["taskStatus"], "Reprovada");

    // Unknown task ids and missing ids.
    let (status, _) =
        srv.post(&format!("{V1}/feedback"), json!({"sessionID": sid, "taskId": 999_999, "feedback": 1})).await;
    assert_eq!(status, 412);
    let text = fails(&srv, &format!("{V1}/getById"), json!({"sessionID": sid}), "INPUT").await;
    assert_eq!(text, "Task id not informed");
    fails(&srv, &format!("{V1}/getReasons"), json!({"sessionID": sid}), "INPUT").await;
    srv.server.shutdown().await;
}

#[tokio::test]
async fn requester_opens_requests_that_their_lists_show() {
    let srv = TestServer::start().await;
    let sid = srv.login("solicitante", "solicitante-demo").await;
    let body = json!({"sessionID": sid, "description": "Monitor piscando", "latitude": -15.8, "longitude": -47.9});
    let first = ok(&srv, &format!("{V1}/new"), body).await["number"].as_i64().unwrap();
    let second = ok(&srv, &format!("{V1}/new"), json!({"sessionID": sid, "description": "Mouse sem fio"})).await
        ["number"]
        .as_i64()
        .unwrap();
    assert_ne!(first, second);

    let list = ok(&srv, &format!("{V1}/getByUser"), list_query(&sid)).await;
    assert_eq!(numbers(&list), vec![second, first], "newest first");
    let task_id = notifications(&list)[1]["taskId"].as_i64().unwrap();
    let detail = ok(&srv, &format!("{V1}/getById"), json!({"sessionID": sid, "taskId": task_id})).await;
    assert_eq!(detail["notification"]["number"], first);
    assert_eq!(detail["notification"]["description"], "Monitor piscando");
    assert_eq!(detail["notification"]["status"], "Em andamento");

    let newest = ok(&srv, &format!("{V2}/getNewest"), with(list_query(&sid), json!({"newestNumber": first}))).await;
    assert_eq!(numbers(&newest), vec![second]);
    let text = fails(&srv, &format!("{V1}/new"), json!({"sessionID": sid, "description": "  "}), "INPUT").await;
    assert_eq!(text, "Description of the service request Unknown");
    let bad = json!({"sessionID": sid, "description": "x", "latitude": 91.0, "longitude": 181.0});
    fails(&srv, &format!("{V1}/new"), bad, "PARAM").await;
    srv.server.shutdown().await;
}

#[tokio::test]
async fn newest_oldest_and_search_honour_their_bounds() {
    let srv = TestServer::start().await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let all = ok(&srv, &format!("{V2}/getByUser"), list_query(&sid)).await;
    let every = numbers(&all);
    let middle = every[every.len() / 2];

    let newest = ok(&srv, &format!("{V2}/getNewest"), with(list_query(&sid), json!({"newestNumber": middle}))).await;
    let got = numbers(&newest);
    assert!(!got.is_empty() && got.iter().all(|n| *n > middle), "{got:?}");
    assert!(got.windows(2).all(|w| w[0] >= w[1]), "descending: {got:?}");
    assert_eq!(got.len(), every.iter().filter(|n| **n > middle).count());

    let oldest = ok(&srv, &format!("{V2}/getOldest"), with(list_query(&sid), json!({"oldestNumber": middle}))).await;
    let got = numbers(&oldest);
    assert!(!got.is_empty() && got.iter().all(|n| *n < middle), "{got:?}");
    assert!(got.windows(2).all(|w| w[0] >= w[1]), "descending: {got:?}");

    let incidents = json!({"notificationType": 4, "newestNumber": 0});
    let typed = ok(&srv, &format!("{V2}/getNewest"), with(list_query(&sid), incidents)).await;
    assert!(!notifications(&typed).is_empty());
    assert!(notifications(&typed).iter().all(|n| n["type"] == 4));

    let search = json!({"newestNumber": 0, "textoBusca": "IMPRESSORA"});
    let found = ok(&srv, &format!("{V2}/buscaSolicitacao"), with(list_query(&sid), search)).await;
    assert!(!notifications(&found).is_empty());
    for item in notifications(&found) {
        let text = format!("{} {}", item["task"], item["service"]).to_lowercase();
        let detail = ok(&srv, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": item["taskId"]})).await;
        let description = detail["notification"]["description"].as_str().unwrap().to_lowercase();
        assert!(text.contains("impressora") || description.contains("impressora"), "{item}");
    }
    let search = json!({"newestNumber": middle, "textoBusca": ""});
    let bounded = ok(&srv, &format!("{V2}/buscaSolicitacao"), with(list_query(&sid), search)).await;
    assert!(numbers(&bounded).iter().all(|n| *n > middle));

    fails(&srv, &format!("{V2}/getNewest"), list_query(&sid), "INPUT").await;
    fails(&srv, &format!("{V2}/getOldest"), list_query(&sid), "INPUT").await;
    srv.server.shutdown().await;
}

/// Great-circle distance in km, computed independently of the server.
fn distance_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

#[tokio::test]
async fn get_by_coordinates_pages_by_distance() {
    let srv = TestServer::start().await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let all = ok(&srv, &format!("{V2}/getByUser"), list_query(&sid)).await;
    let total = notifications(&all).len();
    assert!(total > 7, "{total}");
    let expected: BTreeSet<i64> = notifications(&all).iter().map(|n| n["taskId"].as_i64().unwrap()).collect();

    let (lat, lon) = (-23.5505, -46.6333);
    let size = 3_usize;
    let pages = total.div_ceil(size);
    let page = |page: usize| {
        with(list_query(&sid), json!({"latitude": lat, "longitude": lon, "pager": {"page": page, "size": size}}))
    };
    let mut seen = BTreeSet::new();
    let mut distances = Vec::new();
    for p in 1..=pages {
        let body = ok(&srv, &format!("{V2}/getByCoordinates"), page(p)).await;
        let items = notifications(&body);
        let paging = &body["paging"];
        assert_eq!(paging["page"], p);
        assert_eq!(paging["elements"], items.len());
        assert_eq!(paging["totalElements"], total);
        assert_eq!(paging["totalPages"], pages);
        assert_eq!(items.len(), if p < pages { size } else { total - size * (pages - 1) });
        for item in items {
            seen.insert(item["taskId"].as_i64().unwrap());
            let (ilat, ilon) = (item["latitude"].as_f64().unwrap(), item["longitude"].as_f64().unwrap());
            distances.push(distance_km((lat, lon), (ilat, ilon)));
        }
    }
    assert_eq!(seen, expected, "the pages together list every task once");
    assert!(distances.windows(2).all(|w| w[0] <= w[1] + 1e-9), "nearest first: {distances:?}");

    let beyond = ok(&srv, &format!("{V2}/getByCoordinates"), page(pages + 1)).await;
    assert!(beyond["paging"].is_null());
    assert!(notifications(&beyond).is_empty());

    let no_size = with(list_query(&sid), json!({"latitude": lat, "longitude": lon, "pager": {}}));
    let default = ok(&srv, &format!("{V2}/getByCoordinates"), no_size).await;
    assert_eq!(notifications(&default).len(), total.min(10));
    assert_eq!(default["paging"]["page"], 1);
    fails(
        &srv,
        &format!("{V2}/getByCoordinates"),
        with(list_query(&sid), json!({"latitude": lat, "longitude": lon})),
        "INPUT",
    )
    .await;
    srv.server.shutdown().await;
}

#[tokio::test]
async fn notification_type_outside_zero_to_five_is_refused() {
    let srv = TestServer::start().await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let bad = json!({"sessionID": sid, "notificationType": 9, "onlyApproval": 0, "newestNumber": 0,
                     "oldestNumber": 2000, "textoBusca": "x", "latitude": 0.0, "longitude": 0.0,
                     "pager": {"page": 1, "size": 10}});
    for path in [
        format!("{V1}/getByUser"),
        format!("{V2}/getByUser"),
        format!("{V2}/getNewest"),
        format!("{V2}/getOldest"),
        format!("{V2}/getByCoordinates"),
        format!("{V2}/buscaSolicitacao"),
    ] {
        let text = fails(&srv, &path, bad.clone(), "INPUT").await;
        assert_eq!(text, "At least one request type must be selected", "{path}");
    }
    srv.server.shutdown().await;
}

#[tokio::test]
async fn justificativas_and_coordinator_views_come_from_the_data() {
    let srv = TestServer::start().await;
    let coord = login_v2(&srv, "coordenador", "coordenador-demo").await;
    let tec = login_v2(&srv, "tecnico", "tecnico-demo").await;

    // No session needed (D-NO-PARAMS); a bare array.
    let list = ok(&srv, &format!("{V2}/getJustificativas"), json!({})).await;
    let items = list.as_array().expect("bare array");
    assert_eq!(items.len(), 4);
    let ids: BTreeSet<i64> = items.iter().map(|j| j["idJustificativa"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), items.len());
    assert!(items.iter().all(|j| j.as_object().unwrap().len() == 9));

    let grupos = ok(&srv, &format!("{V2}/getGruposLiderados"), json!({"sessionID": coord})).await;
    let ids: Vec<i64> = grupos["grupos"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![1, 2]);
    let none = ok(&srv, &format!("{V2}/getGruposLiderados"), json!({"sessionID": tec})).await;
    assert_eq!(none["grupos"], json!([]));

    let (_, task_id) = free_task(&srv, &tec).await;
    let equipes = ok(&srv, &format!("{V2}/getEquipeColaborador"), json!({"sessionID": coord, "taskId": task_id})).await;
    let equipes = equipes["equipes"].as_array().unwrap();
    assert_eq!(equipes.len(), 1);
    assert_eq!(equipes[0]["id"], 1);
    let logins: Vec<&str> =
        equipes[0]["colaboradores"].as_array().unwrap().iter().map(|c| c["login"].as_str().unwrap()).collect();
    assert_eq!(logins, vec!["tecnico", "tecnico2"]);
    let colaborador = ok(&srv, &format!("{V2}/getColaborador"), json!({"sessionID": coord, "taskId": task_id})).await;
    assert_eq!(colaborador["colaboradores"][0]["login"], "tecnico");
    assert_eq!(colaborador["colaboradores"][0]["id"], 101);
    fails(&srv, &format!("{V2}/getColaborador"), json!({"sessionID": coord}), "INPUT").await;

    fails(&srv, &format!("{V2}/atribuicoesEquipesSolicitacoes"), json!({"sessionID": coord}), "INPUT").await;
    fails(&srv, &format!("{V2}/atualizaInformacoesSolicitacoes"), json!({"sessionID": coord, "result": null}), "INPUT")
        .await;
    ok(&srv, &format!("{V2}/atualizaInformacoesSolicitacoes"), json!({"sessionID": coord, "result": "texto livre"}))
        .await;
    srv.server.shutdown().await;
}

#[tokio::test]
async fn mobile_endpoints_need_a_session() {
    let srv = TestServer::start().await;
    for path in [format!("{V1}/getByUser"), format!("{V2}/getNewest"), format!("{V2}/checkin")] {
        let (status, body) =
            srv.post(&path, json!({"sessionID": "nope", "notificationType": 0, "onlyApproval": 0})).await;
        assert_eq!(status, 412, "{path}");
        assert_eq!(body["error"]["code"], "SESSION");
    }
    srv.server.shutdown().await;
}

#[tokio::test]
async fn behavioural_faults_break_exactly_their_rule() {
    use itsm_conform::server::{Fault, FaultKind, FaultSet, ServerConfig};
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(vec![
        Fault { kind: FaultKind::NewestIgnoresNumber, arg: None },
        Fault { kind: FaultKind::CheckoutKeepsStatus, arg: None },
    ]);
    let srv = TestServer::start_with(config).await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;

    let all = numbers(&ok(&srv, &format!("{V2}/getByUser"), list_query(&sid)).await).clone();
    let newest = all[0];
    let faulty = ok(&srv, &format!("{V2}/getNewest"), with(list_query(&sid), json!({"newestNumber": newest}))).await;
    assert_eq!(numbers(&faulty), all, "newest-ignores-number lists everything");

    let (number, task_id) = free_task(&srv, &sid).await;
    attend(&srv, &sid, number).await;
    ok(&srv, &format!("{V2}/checkin"), checkin_body(&sid, task_id)).await;
    let out = ok(&srv, &format!("{V2}/checkout"), checkout_body(&sid, task_id, 4)).await;
    assert_eq!(out["number"], number);
    let detail = ok(&srv, &format!("{V2}/getById"), json!({"sessionID": sid, "taskId": task_id})).await;
    assert_eq!(detail["notification"]["status"], "Em andamento", "checkout-keeps-status leaves the request");
    srv.server.shutdown().await;
}

#[tokio::test]
async fn wrong_types_and_extreme_values_are_refused_without_a_crash() {
    let srv = TestServer::start().await;
    let sid = login_v2(&srv, "tecnico", "tecnico-demo").await;
    let fields = [
        "notificationType",
        "onlyApproval",
        "newestNumber",
        "oldestNumber",
        "textoBusca",
        "latitude",
        "longitude",
        "pager",
        "number",
        "taskId",
        "feedback",
        "reasonId",
        "description",
        "dateTime",
        "startTime",
        "status",
        "solution",
        "descSolution",
        "result",
    ];
    let values = [
        json!("abc"),
        json!(true),
        json!([1]),
        json!({"page": -5, "size": 0}),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(1e300),
    ];
    let paths: Vec<String> = ["getByUser", "getById", "feedback", "getReasons", "new"]
        .iter()
        .map(|p| format!("{V1}/{p}"))
        .chain(
            [
                "getByUser",
                "getNewest",
                "getOldest",
                "getByCoordinates",
                "update",
                "buscaSolicitacao",
                "getById",
                "attendRequest",
                "checkin",
                "checkin/denied",
                "checkout",
                "location",
                "getJustificativas",
                "getGruposLiderados",
                "getEquipeColaborador",
                "getColaborador",
                "atribuicoesEquipesSolicitacoes",
                "atualizaInformacoesSolicitacoes",
            ]
            .iter()
            .map(|p| format!("{V2}/{p}")),
        )
        .collect();
    for path in &paths {
        for value in &values {
            let mut body = json!({"sessionID": sid});
            for field in fields {
                body[field] = value.clone();
            }
            let (status, response) = srv.post(path, body).await;
            assert!(status == 200 || (400..500).contains(&status), "{path} {value}: {status} {response}");
            srv.assert_conforms(path, status, &response);
        }
        let (status, response) = srv.post(path, json!({"sessionID": sid})).await;
        assert!(status == 200 || status == 412, "{path} without fields: {status} {response}");
        srv.assert_conforms(path, status, &response);
    }
    srv.server.shutdown().await;
}
