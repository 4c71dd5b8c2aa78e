//! The reference server between users (D-USERS): a group peer may attend and check in on a
//! technician's task but not beside it or over it; only the approver of a task decides it and a
//! requester's group may not decide at all; a user reads the tasks of requests it works on; units
//! follow the contract; only the requester (or a coordinator) changes a request. Each rule has a
//! fault that turns it off, tested here against the clean server.

mod common;

use common::TestServer;
use itsm_conform::server::{Fault, FaultSet, FreedomKind, FreedomSet, ServerConfig};
use serde_json::{json, Value};

const V2: &str = "/mobile/v2/notification";
/// Request 1001 of the built-in data set: one execution task (5003) of `tecnico`, available;
/// `tecnico2` is in the same group (CAMPO).
const OPEN_REQUEST: i64 = 1001;
const OPEN_TASK: i64 = 5003;
/// An approval task of `aprovador`, awaiting (request 1000, of `solicitante`).
const APPROVAL_TASK: i64 = 5001;

async fn server(faults: &[&str], freedoms: &[FreedomKind]) -> TestServer {
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(faults.iter().map(|f| f.parse::<Fault>().expect("known fault")).collect());
    config.freedoms = FreedomSet::new(freedoms.iter().copied());
    TestServer::start_with(config).await
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

fn code(body: &Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

async fn attend(t: &TestServer, sid: &str) -> (u16, Value) {
    let body =
        json!({"sessionID": sid, "number": OPEN_REQUEST, "dateTime": now_ms(), "latitude": -15.8, "longitude": -47.9});
    t.post(&format!("{V2}/attendRequest"), body).await
}

async fn check_in(t: &TestServer, sid: &str) -> (u16, Value) {
    let body =
        json!({"sessionID": sid, "taskId": OPEN_TASK, "startTime": now_ms(), "latitude": -15.8, "longitude": -47.9});
    t.post(&format!("{V2}/checkin"), body).await
}

async fn check_out(t: &TestServer, sid: &str) -> (u16, Value) {
    let body = json!({"sessionID": sid, "taskId": OPEN_TASK, "status": 1, "latitude": -15.8, "longitude": -47.9});
    t.post(&format!("{V2}/checkout"), body).await
}

/// Both technicians attend request 1001 and the first checks in on its task.
async fn first_checked_in(t: &TestServer) -> (String, String) {
    let a = t.login("tecnico", "tecnico-demo").await;
    let b = t.login("tecnico2", "tecnico2-demo").await;
    assert_eq!(attend(t, &a).await.0, 200);
    let (status, body) = attend(t, &b).await;
    assert_eq!(status, 200, "a group peer attends: {body}");
    let (status, body) = check_in(t, &a).await;
    assert_eq!(status, 200, "{body}");
    (a, b)
}

#[tokio::test]
async fn a_group_peer_checks_in_on_a_free_task_but_not_beside_another_attendant() {
    let t = TestServer::start().await;
    let a = t.login("tecnico", "tecnico-demo").await;
    let b = t.login("tecnico2", "tecnico2-demo").await;
    assert_eq!(attend(&t, &b).await.0, 200);
    let (status, body) = check_in(&t, &b).await;
    assert_eq!((status, body["number"].as_i64()), (200, Some(OPEN_REQUEST)), "the peer may work on it: {body}");
    assert_eq!(check_out(&t, &b).await.0, 200);
    assert_eq!(attend(&t, &a).await.0, 200);
    assert_eq!(check_in(&t, &a).await.0, 200);
    let (status, body) = check_in(&t, &b).await;
    assert_eq!((status, code(&body)), (412, Some("INPUT")), "{body}");
    assert!(body["error"]["description"].as_str().unwrap().contains("Another attendant"), "{body}");
    // The requester's group may not attend at all (the data set's permission table).
    let requester = t.login("solicitante", "solicitante-demo").await;
    let (status, body) = attend(&t, &requester).await;
    assert_eq!((status, code(&body)), (412, Some("PERMISSION")), "the requester's group may not: {body}");
}

#[tokio::test]
async fn fault_checkin_ignores_others() {
    let t = server(&["checkin-ignores-others"], &[]).await;
    let (_, b) = first_checked_in(&t).await;
    let (status, body) = check_in(&t, &b).await;
    assert_eq!(status, 200, "a second attendant checks in: {body}");
}

#[tokio::test]
async fn a_checkout_of_another_users_check_in_is_refused_and_leaves_it_open() {
    let t = TestServer::start().await;
    let (a, b) = first_checked_in(&t).await;
    let (status, body) = check_out(&t, &b).await;
    assert_eq!((status, code(&body)), (412, Some("INPUT")), "{body}");
    let (status, body) = check_out(&t, &a).await;
    assert_eq!(status, 200, "the first technician's check-in was still open: {body}");
}

#[tokio::test]
async fn fault_checkout_any_user() {
    let t = server(&["checkout-any-user"], &[]).await;
    let (a, b) = first_checked_in(&t).await;
    let (status, body) = check_out(&t, &b).await;
    assert_eq!(status, 200, "the second technician ends the first one's check-in: {body}");
    let (status, body) = check_out(&t, &a).await;
    assert_eq!((status, code(&body)), (412, Some("INPUT")), "no check-in left: {body}");
}

#[tokio::test]
async fn the_assignee_only_freedom_keeps_peers_off_a_task() {
    let t = server(&[], &[FreedomKind::AssigneeOnly]).await;
    let b = t.login("tecnico2", "tecnico2-demo").await;
    let (status, body) = attend(&t, &b).await;
    assert_eq!((status, code(&body)), (412, Some("INPUT")), "{body}");
}

async fn decide(t: &TestServer, user: (&str, &str)) -> (u16, Value) {
    let sid = t.login(user.0, user.1).await;
    let body = json!({"sessionID": sid, "taskId": APPROVAL_TASK, "feedback": 1, "comments": "ok"});
    t.post("/mobile/notification/feedback", body).await
}

#[tokio::test]
async fn only_the_tasks_approver_decides_it() {
    let t = TestServer::start().await;
    let (status, body) = decide(&t, ("aprovador2", "aprovador2-demo")).await;
    assert_eq!((status, code(&body)), (412, Some("INPUT")), "another approver: {body}");
    let (status, body) = decide(&t, ("solicitante", "solicitante-demo")).await;
    assert_eq!((status, code(&body)), (412, Some("PERMISSION")), "a requester: {body}");
    assert_eq!(body["error"]["description"], "Usuário não tem acesso à operação");
    let (status, body) = decide(&t, ("aprovador", "aprovador-demo")).await;
    assert_eq!(status, 200, "the approver: {body}");
}

#[tokio::test]
async fn fault_feedback_any_user() {
    let t = server(&["feedback-any-user"], &[]).await;
    let (status, body) = decide(&t, ("solicitante", "solicitante-demo")).await;
    assert_eq!(status, 200, "a requester decides: {body}");
    let (status, body) = decide(&t, ("aprovador", "aprovador-demo")).await;
    assert_eq!((status, code(&body)), (412, Some("INPUT")), "already decided: {body}");
}

async fn read_task(t: &TestServer, user: (&str, &str)) -> (u16, Value) {
    let sid = t.login(user.0, user.1).await;
    t.post(&format!("{V2}/getById"), json!({"sessionID": sid, "taskId": OPEN_TASK})).await
}

#[tokio::test]
async fn a_task_is_read_by_those_who_work_on_its_request_and_coordinators() {
    let t = TestServer::start().await;
    assert_eq!(read_task(&t, ("tecnico", "tecnico-demo")).await.0, 200);
    assert_eq!(read_task(&t, ("coordenador", "coordenador-demo")).await.0, 200);
    let (status, body) = read_task(&t, ("solicitante", "solicitante-demo")).await;
    assert_eq!((status, code(&body)), (412, Some("INPUT")), "{body}");
}

#[tokio::test]
async fn fault_getbyid_any_user() {
    let t = server(&["getbyid-any-user"], &[]).await;
    let (status, body) = read_task(&t, ("solicitante", "solicitante-demo")).await;
    assert_eq!((status, body["notification"]["taskId"].as_i64()), (200, Some(OPEN_TASK)), "{body}");
}

async fn units(t: &TestServer, contract: i64) -> Vec<i64> {
    let sid = t.login("tecnico", "tecnico-demo").await;
    let (status, body) = t.post("/services/v2/units", json!({"sessionID": sid, "contractID": contract})).await;
    assert_eq!(status, 200, "{body}");
    body["units"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn units_follow_the_contract() {
    let t = TestServer::start().await;
    assert_eq!(units(&t, 1).await, vec![10, 11]);
    assert_eq!(units(&t, 2).await, vec![12]);
    assert!(units(&t, 987_654_321).await.is_empty());
}

#[tokio::test]
async fn fault_units_ignore_contract() {
    let t = server(&["units-ignore-contract"], &[]).await;
    assert_eq!(units(&t, 987_654_321).await, vec![10, 11, 12, 13]);
}

/// The requester opens a request; `user` then changes its description. The answer, and the
/// description as the requester reads it afterwards.
async fn change_by(t: &TestServer, user: (&str, &str), origin: &str) -> (u16, Value, String) {
    let requester = t.login("solicitante", "solicitante-demo").await;
    let create = json!({"sessionID": requester, "sourceRequest": {
        "numberOrigin": origin, "type": "I", "description": "antes", "userID": "solicitante", "urgency": "M", "impact": "L"}});
    assert_eq!(t.post("/services/request/create", create).await.0, 200);
    let sid = t.login(user.0, user.1).await;
    let update = json!({"sessionID": sid, "request": {"numberOrigin": origin, "userID": "solicitante", "description": "depois"}});
    let (status, body) = t.post("/services/request/update", update).await;
    let read = json!({"sessionID": requester, "numberOrigin": origin});
    let (_, read) = t.post("/services/request/getById", read).await;
    (status, body, read["request"]["description"].as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn only_the_requester_or_a_coordinator_changes_a_request() {
    let t = TestServer::start().await;
    let (status, body, description) = change_by(&t, ("tecnico", "tecnico-demo"), "users-1").await;
    assert_eq!((status, code(&body), description.as_str()), (412, Some("PERMISSION"), "antes"), "{body}");
    let (status, _, description) = change_by(&t, ("coordenador", "coordenador-demo"), "users-2").await;
    assert_eq!((status, description.as_str()), (200, "depois"));
    let (status, _, description) = change_by(&t, ("solicitante", "solicitante-demo"), "users-3").await;
    assert_eq!((status, description.as_str()), (200, "depois"));
    // updateStatus follows the same rule.
    let sid = t.login("tecnico", "tecnico-demo").await;
    let cancel = json!({"sessionID": sid, "numberOrigin": "users-1", "status": {"code": "Cancelada"}});
    let (status, body) = t.post("/services/request/updateStatus", cancel).await;
    assert_eq!((status, code(&body)), (412, Some("PERMISSION")), "{body}");
}

#[tokio::test]
async fn the_any_user_updates_freedom_lets_anyone_change_a_request() {
    let t = server(&[], &[FreedomKind::AnyUserUpdates]).await;
    let (status, _, description) = change_by(&t, ("tecnico", "tecnico-demo"), "users-free").await;
    assert_eq!((status, description.as_str()), (200, "depois"));
}

#[tokio::test]
async fn fault_refusal_still_applies() {
    let t = server(&["refusal-still-applies"], &[]).await;
    let (status, body, description) = change_by(&t, ("tecnico", "tecnico-demo"), "users-4").await;
    assert_eq!((status, code(&body), description.as_str()), (412, Some("PERMISSION"), "depois"), "{body}");
}

/// An integration account opens a request for an employee and keeps it up to date.
#[tokio::test]
async fn the_session_that_opened_a_request_for_its_requester_changes_it() {
    let t = TestServer::start().await;
    let sid = t.login("tecnico", "tecnico-demo").await;
    let create = json!({"sessionID": sid, "sourceRequest": {
        "numberOrigin": "users-opened", "type": "I", "description": "antes", "userID": "solicitante"}});
    assert_eq!(t.post("/services/request/create", create).await.0, 200);
    let update = json!({"sessionID": sid, "request": {"numberOrigin": "users-opened", "description": "depois"}});
    let (status, body) = t.post("/services/request/update", update).await;
    assert_eq!((status, body["request"]["description"].as_str()), (200, Some("depois")), "{body}");
    let other = t.login("tecnico2", "tecnico2-demo").await;
    let update = json!({"sessionID": other, "request": {"numberOrigin": "users-opened", "description": "outro"}});
    assert_eq!(t.post("/services/request/update", update).await.0, 412);
}
