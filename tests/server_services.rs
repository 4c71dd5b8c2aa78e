//! The reference server's /services/* endpoints (old addServiceRequest, execute, data/query,
//! error/getList, DE-PARA, occurrence sync), /services/request/* and /services/v2/*: every endpoint
//! answers conforming bodies, and what one endpoint writes the others read.

mod common;

use common::TestServer;
use itsm_conform::schema::Side;
use itsm_conform::server::{Fault, FaultKind, FaultSet, ServerConfig};
use itsm_conform::spec::xml::json_to_xml;
use serde_json::{json, Value};

/// POSTs `body` (which must validate against the endpoint's request schema), checks the answer
/// conforms (response schema on 200, error schema otherwise) and returns it.
async fn call(ts: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let violations = ts.registry.check(path, Side::Request, &body);
    assert!(violations.is_empty(), "{path}: the test's request does not conform: {violations:#?}\n{body}");
    send(ts, path, body).await
}

/// POSTs any body (invalid ones included) and checks the answer conforms.
async fn send(ts: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let (status, answer) = ts.post(path, body).await;
    ts.assert_conforms(path, status, &answer);
    (status, answer)
}

/// POSTs an XML document (Content-Type application/xml) and checks the JSON answer conforms.
async fn post_xml(ts: &TestServer, path: &str, xml: String) -> (u16, Value) {
    let response = ts
        .client
        .post(format!("{}{}", ts.server.base_url(), path))
        .header("Content-Type", "application/xml")
        .header("Accept", "application/json")
        .body(xml)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
    ts.assert_conforms(path, status, &value);
    (status, value)
}

fn assert_fail(status: u16, body: &Value, code: &str) {
    assert_eq!(status, 412, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
}

fn source_request(origin: &str, user: &str) -> Value {
    json!({
        "numberOrigin": origin,
        "type": "I",
        "description": "Impressora não imprime",
        "userID": user,
        "contact": {"name": "Sofia", "phoneNumber": "61 3333-4444", "email": "sofia@example.org"},
        "contractID": "1",
        "service": {"code": "171", "name": "Manutenção de impressora", "category": {"code": "HW", "name": "Hardware"}},
        "urgency": "M",
        "impact": "L",
        "groupId": "CAMPO"
    })
}

async fn create(ts: &TestServer, session: &str, origin: &str) -> Value {
    let body =
        json!({"sessionID": session, "synchronize": false, "sourceRequest": source_request(origin, "solicitante")});
    let (status, answer) = call(ts, "/services/request/create", body).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

fn old_source(number: &str) -> Value {
    json!({
        "number": number,
        "type": "R",
        "description": "Acesso à pasta do Financeiro",
        "startDateTime": 1_412_101_947_000_i64,
        "startSLA": null,
        "endSLA": null,
        "urgency": "H",
        "impact": "L",
        "groupId": null,
        "userID": "solicitante",
        "contact": {"name": "Sofia Solicitante", "department": "Financeiro", "email": "sofia@example.org", "phoneNumber": "6133334444"},
        "service": {"code": "180", "description": "Acesso à rede"}
    })
}

const PATHS: [&str; 25] = [
    "/services/addServiceRequest",
    "/services/data/query",
    "/services/error/getList",
    "/services/execute",
    "/services/occurrence/getNotSynchronized",
    "/services/synchronize",
    "/services/synchronize/delete",
    "/services/synchronize/find",
    "/services/xml/addServiceRequest",
    "/services/request/create",
    "/services/request/createOccurrence",
    "/services/request/getById",
    "/services/request/getByUser",
    "/services/request/getNotSynchronized",
    "/services/request/listOccurrences",
    "/services/request/update",
    "/services/request/updateStatus",
    "/services/v2/contracts",
    "/services/v2/coordinates",
    "/services/v2/deniedReasons",
    "/services/v2/device/disassociate",
    "/services/v2/getWorkflow",
    "/services/v2/status",
    "/services/v2/units",
    "/services/v2/login",
];

#[tokio::test]
async fn every_endpoint_is_routed_and_has_a_schema() {
    let ts = TestServer::start().await;
    for path in PATHS {
        // A schema that rejects a bare number proves the conformance checks of these tests bite.
        assert!(!ts.registry.check(path, Side::Response, &json!(5)).is_empty(), "{path}: no response schema");
        let (status, body) = ts.post(path, json!({})).await;
        assert_ne!(status, 404, "{path} is not routed: {body}");
        ts.assert_conforms(path, status, &body);
    }
}

#[tokio::test]
async fn request_lifecycle_is_stateful() {
    let ts = TestServer::start().await;
    let s = ts.login("tecnico", "tecnico-demo").await;

    let created = create(&ts, &s, "LC-0001").await;
    let req = &created["request"];
    let number = req["number"].as_str().expect("number is a string").to_string();
    assert!(number.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(req["numberOrigin"], "LC-0001");
    assert_eq!(req["type"], "I");
    assert_eq!(req["userID"], "solicitante");
    assert_eq!(req["service"]["code"], "171");
    assert_eq!(req["contractID"], "1");
    assert_eq!(req["status"]["code"], "EmAndamento");
    assert_eq!(req["currentTask"]["userId"], "tecnico", "execution task assigned to a technician of CAMPO");

    // getById, by number and by numberOrigin.
    let (st, by_number) = call(&ts, "/services/request/getById", json!({"sessionID": s, "number": number})).await;
    assert_eq!(st, 200);
    assert_eq!(by_number["request"]["numberOrigin"], "LC-0001");
    let (st, by_origin) =
        call(&ts, "/services/request/getById", json!({"sessionID": s, "numberOrigin": "LC-0001"})).await;
    assert_eq!(st, 200);
    assert_eq!(by_origin["request"]["number"], number.as_str());
    // An integer number works too.
    let n: i64 = number.parse().unwrap();
    let (st, _) = call(&ts, "/services/request/getById", json!({"sessionID": s, "number": n})).await;
    assert_eq!(st, 200);

    // update: description, urgency, contact, service; the answer carries the same number.
    let update = json!({"sessionID": s, "synchronize": false, "request": {
        "numberOrigin": "LC-0001", "userID": "solicitante", "description": "Toner trocado, problema persiste",
        "urgency": "H", "impact": "M", "contact": {"email": "outro@example.org"}, "service": {"code": "170"}}});
    let (st, updated) = call(&ts, "/services/request/update", update).await;
    assert_eq!(st, 200, "{updated}");
    assert_eq!(updated["request"]["number"], number.as_str());

    let status =
        json!({"sessionID": s, "number": number, "status": {"code": "Suspensa", "details": "Aguardando peça"}});
    let (st, suspended) = call(&ts, "/services/request/updateStatus", status).await;
    assert_eq!(st, 200, "{suspended}");
    assert_eq!(suspended["request"]["status"]["code"], "Suspensa");

    let (_, after) = call(&ts, "/services/request/getById", json!({"sessionID": s, "numberOrigin": "LC-0001"})).await;
    let r = &after["request"];
    assert_eq!(r["description"], "Toner trocado, problema persiste");
    assert_eq!(r["urgency"], "H");
    assert_eq!(r["impact"], "M");
    assert_eq!(r["contact"]["email"], "outro@example.org");
    assert_eq!(r["contact"]["name"], "Sofia", "contact fields not sent are kept");
    assert_eq!(r["service"]["code"], "170");
    assert_eq!(r["status"]["code"], "Suspensa");

    // Every documented status code is accepted, case and spaces ignored; an unknown one is not.
    for code in ["Em Andamento", "resolvida", "Reaberta", "Cancelada", "Fechada"] {
        let (st, body) = call(
            &ts,
            "/services/request/updateStatus",
            json!({"sessionID": s, "number": number, "status": {"code": code}}),
        )
        .await;
        assert_eq!(st, 200, "{code}: {body}");
    }
    let (st, bad) = call(
        &ts,
        "/services/request/updateStatus",
        json!({"sessionID": s, "number": number, "status": {"code": "Pausada"}}),
    )
    .await;
    assert_fail(st, &bad, "INPUT");
    let (_, still) = call(&ts, "/services/request/getById", json!({"sessionID": s, "number": number})).await;
    assert_eq!(still["request"]["status"]["code"], "Fechada", "a rejected status leaves the status unchanged");

    // Occurrences: the creation one the server logged, then ours.
    let occurrence = json!({"sessionID": s, "requestNumberOrigin": "LC-0001", "occurrence": {
        "numberOrigin": "LC-0001-1", "description": "Técnico agendado", "date": "2024-06-11T03:00:00.000Z",
        "hour": "1045", "category": {"code": "Agendamento"}, "reason": "Visita"}});
    let (st, occ) = call(&ts, "/services/request/createOccurrence", occurrence).await;
    assert_eq!(st, 200, "{occ}");
    assert_eq!(occ["description"], "Técnico agendado");
    assert_eq!(occ["requestNumber"], number.as_str());
    assert_eq!(occ["requestNumberOrigin"], "LC-0001");
    assert_eq!(occ["category"], "Agendamento");
    assert_eq!(occ["userID"], "tecnico");
    for key in [json!({"requestNumber": number}), json!({"requestNumberOrigin": "LC-0001"})] {
        let mut body = key.clone();
        body["sessionID"] = json!(s);
        let (st, list) = call(&ts, "/services/request/listOccurrences", body).await;
        assert_eq!(st, 200);
        let logs = list["logs"].as_array().unwrap();
        assert_eq!(list["amount"], 2);
        assert_eq!(logs[0]["category"], "Criacao");
        assert_eq!(logs[1]["description"], "Técnico agendado");
    }
    let (_, only) = call(
        &ts,
        "/services/request/listOccurrences",
        json!({"sessionID": s, "requestNumber": number, "categoryList": ["Agendamento"]}),
    )
    .await;
    assert_eq!(only["amount"], 1);

    // getByUser lists it, with the requester's userID on every item.
    let (st, mine) = call(&ts, "/services/request/getByUser", json!({"sessionID": s, "userID": "solicitante"})).await;
    assert_eq!(st, 200);
    let items = mine["requests"].as_array().unwrap();
    assert_eq!(mine["amount"].as_u64().unwrap() as usize, items.len());
    assert!(items.iter().any(|r| r["number"] == number.as_str()));
    assert!(items.iter().all(|r| r["userID"] == "solicitante"));
    let filtered = json!({"sessionID": s, "userID": "solicitante", "status": {"code": "Fechada"},
        "description": "toner", "startDate": "2000-01-01T00:00:00.000Z", "allAttributes": true});
    let (_, narrow) = call(&ts, "/services/request/getByUser", filtered).await;
    assert_eq!(narrow["amount"], 1, "{narrow}");
    assert_eq!(narrow["requests"][0]["number"], number.as_str());
    assert!(narrow["requests"][0].get("currentTask").is_some(), "allAttributes gives the whole request");
    let (_, none) =
        call(&ts, "/services/request/getByUser", json!({"sessionID": s, "userID": "solicitante", "endDate": 0})).await;
    assert_eq!(none["amount"], 0);

    // getNotSynchronized: ours is pending; after synchronize true nothing is new; a change brings it back.
    let query = json!({"sessionID": s, "userID": "solicitante", "synchronize": true});
    let (st, pending) = call(&ts, "/services/request/getNotSynchronized", query.clone()).await;
    assert_eq!(st, 200);
    assert!(pending["requests"].as_array().unwrap().iter().any(|r| r["number"] == number.as_str()), "{pending}");
    let (_, again) = call(&ts, "/services/request/getNotSynchronized", query.clone()).await;
    assert_eq!(again["amount"], 0, "{again}");
    assert_eq!(again["requests"], json!([]));
    let (st, _) = call(
        &ts,
        "/services/request/updateStatus",
        json!({"sessionID": s, "numberOrigin": "LC-0001", "status": {"code": "Reaberta"}}),
    )
    .await;
    assert_eq!(st, 200);
    let (_, changed) =
        call(&ts, "/services/request/getNotSynchronized", json!({"sessionID": s, "synchronize": "true"})).await;
    assert_eq!(changed["amount"], 1, "{changed}");
    assert_eq!(changed["requests"][0]["status"]["code"], "Reaberta");
    // Another user has synchronized nothing yet.
    let other = ts.login("aprovador", "aprovador-demo").await;
    let (_, theirs) =
        call(&ts, "/services/request/getNotSynchronized", json!({"sessionID": other, "synchronize": "false"})).await;
    assert!(theirs["amount"].as_u64().unwrap() >= 1);

    // occurrence/getNotSynchronized: both occurrences once, then nothing; a new one comes alone.
    let q = json!({"sessionID": s, "requestNumberOrigin": "LC-0001", "synchronize": true});
    let (st, occs) = call(&ts, "/services/occurrence/getNotSynchronized", q.clone()).await;
    assert_eq!(st, 200);
    assert_eq!(occs["amount"], 2, "{occs}");
    let (_, occs) = call(&ts, "/services/occurrence/getNotSynchronized", q.clone()).await;
    assert_eq!(occs["amount"], 0);
    let third = json!({"sessionID": s, "requestNumber": number, "occurrence": {"description": "Peça chegou", "category": "Acompanhamento"}});
    let (st, _) = call(&ts, "/services/request/createOccurrence", third).await;
    assert_eq!(st, 200);
    let (_, occs) = call(&ts, "/services/occurrence/getNotSynchronized", q).await;
    assert_eq!(occs["amount"], 1);
    assert_eq!(occs["logs"][0]["description"], "Peça chegou");
}

#[tokio::test]
async fn request_inputs_are_checked() {
    let ts = TestServer::start().await;
    let s = ts.login("tecnico", "tecnico-demo").await;
    create(&ts, &s, "DUP-1").await;

    // A repeated numberOrigin is rejected and creates nothing.
    let before = call(&ts, "/services/request/getByUser", json!({"sessionID": s, "userID": "solicitante"})).await.1
        ["amount"]
        .clone();
    let again = json!({"sessionID": s, "sourceRequest": source_request("DUP-1", "solicitante")});
    let (st, body) = call(&ts, "/services/request/create", again).await;
    assert_fail(st, &body, "INPUT");
    let after = call(&ts, "/services/request/getByUser", json!({"sessionID": s, "userID": "solicitante"})).await.1
        ["amount"]
        .clone();
    assert_eq!(before, after);

    let cases = [
        ("/services/request/create", json!({"sessionID": s})),
        (
            "/services/request/create",
            json!({"sessionID": s, "sourceRequest": {"type": "I", "description": "x", "userID": "solicitante"}}),
        ),
        (
            "/services/request/create",
            json!({"sessionID": s, "sourceRequest": {"numberOrigin": "X1", "type": "Q", "description": "x", "userID": "solicitante"}}),
        ),
        (
            "/services/request/create",
            json!({"sessionID": s, "sourceRequest": {"numberOrigin": "X2", "type": "I", "description": "x", "userID": "ninguem"}}),
        ),
        (
            "/services/request/create",
            json!({"sessionID": s, "sourceRequest": {"numberOrigin": "X3", "type": "I", "description": "x", "userID": "solicitante", "service": {"code": "999"}}}),
        ),
        (
            "/services/request/create",
            json!({"sessionID": s, "synchronize": 7, "sourceRequest": source_request("X4", "solicitante")}),
        ),
        ("/services/request/getById", json!({"sessionID": s})),
        ("/services/request/getById", json!({"sessionID": s, "numberOrigin": "NAO-EXISTE"})),
        ("/services/request/getById", json!({"sessionID": s, "number": "abc"})),
        ("/services/request/update", json!({"sessionID": s})),
        ("/services/request/update", json!({"sessionID": s, "request": {"userID": "solicitante"}})),
        (
            "/services/request/update",
            json!({"sessionID": s, "request": {"numberOrigin": "NAO-EXISTE", "userID": "solicitante"}}),
        ),
        ("/services/request/updateStatus", json!({"sessionID": s, "numberOrigin": "DUP-1"})),
        ("/services/request/updateStatus", json!({"sessionID": s, "status": {"code": "Suspensa"}})),
        ("/services/request/createOccurrence", json!({"sessionID": s, "requestNumberOrigin": "DUP-1"})),
        ("/services/request/createOccurrence", json!({"sessionID": s, "occurrence": {"description": "x"}})),
        (
            "/services/request/createOccurrence",
            json!({"sessionID": s, "requestNumberOrigin": "NAO-EXISTE", "occurrence": {"description": "x"}}),
        ),
        ("/services/request/listOccurrences", json!({"sessionID": s})),
        ("/services/request/getByUser", json!({"sessionID": s})),
        ("/services/request/getByUser", json!({"sessionID": s, "userID": "solicitante", "startDate": "ontem"})),
        ("/services/occurrence/getNotSynchronized", json!({"sessionID": s})),
    ];
    for (path, body) in cases {
        let (st, answer) = send(&ts, path, body.clone()).await;
        assert_fail(st, &answer, "INPUT");
        assert!(answer["error"]["description"].as_str().is_some_and(|d| !d.is_empty()), "{path} {body}: {answer}");
    }
    // A field of the wrong type is named in the error.
    let (st, answer) = send(&ts, "/services/request/getById", json!({"sessionID": s, "number": [1]})).await;
    assert_fail(st, &answer, "INPUT");
    assert!(answer["error"]["description"].as_str().unwrap().contains("number"), "{answer}");
    // No session: the router answers SESSION.
    let (st, answer) = send(&ts, "/services/request/getById", json!({"number": "1000"})).await;
    assert_fail(st, &answer, "SESSION");
}

#[tokio::test]
async fn requests_of_the_data_set_are_readable() {
    let ts = TestServer::start().await;
    let s = ts.login("solicitante", "solicitante-demo").await;
    let (st, body) = call(&ts, "/services/request/getById", json!({"sessionID": s, "number": "1000"})).await;
    assert_eq!(st, 200);
    assert_eq!(body["request"]["numberOrigin"], "EXT-0000");
    let (st, body) = call(&ts, "/services/request/getById", json!({"sessionID": s, "numberOrigin": "EXT-0000"})).await;
    assert_eq!(st, 200);
    assert_eq!(body["request"]["number"], "1000");
    // Nothing of the data set is pending synchronization.
    let (_, body) = call(&ts, "/services/request/getNotSynchronized", json!({"sessionID": s})).await;
    assert_eq!(body["amount"], 0);
}

#[tokio::test]
async fn stale_get_by_id_fault_answers_the_request_as_created() {
    let faults = FaultSet::new(vec![Fault { kind: FaultKind::StaleGetById, arg: None }]);
    let ts = TestServer::start_with(ServerConfig { faults, ..ServerConfig::local() }).await;
    let s = ts.login("tecnico", "tecnico-demo").await;
    create(&ts, &s, "STALE-1").await;
    let update = json!({"sessionID": s, "request": {"numberOrigin": "STALE-1", "userID": "solicitante", "description": "Nova descrição"}});
    let (st, updated) = call(&ts, "/services/request/update", update).await;
    assert_eq!(st, 200);
    assert_eq!(updated["request"]["description"], "Nova descrição");
    let (_, got) = call(&ts, "/services/request/getById", json!({"sessionID": s, "numberOrigin": "STALE-1"})).await;
    assert_eq!(got["request"]["description"], "Impressora não imprime", "the faulty server ignores the update");
}

#[tokio::test]
async fn parallel_creates_get_distinct_numbers() {
    let ts = std::sync::Arc::new(TestServer::start().await);
    let s = ts.login("tecnico", "tecnico-demo").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (ts, s) = (ts.clone(), s.clone());
        tasks.push(tokio::spawn(async move {
            let origin = format!("PAR-{i:03}");
            let body = create(&ts, &s, &origin).await;
            (origin, body["request"]["number"].as_str().unwrap().to_string())
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        created.push(task.await.expect("task"));
    }
    let mut numbers: Vec<&String> = created.iter().map(|(_, n)| n).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 20, "numbers are distinct: {created:?}");
    for (origin, number) in &created {
        let (st, body) = call(&ts, "/services/request/getById", json!({"sessionID": s, "number": number})).await;
        assert_eq!(st, 200);
        assert_eq!(body["request"]["numberOrigin"], origin.as_str());
    }
}

#[tokio::test]
async fn add_service_request_json_and_xml_share_the_pipeline() {
    let ts = TestServer::start().await;
    let s = ts.login("tecnico", "tecnico-demo").await;

    let (st, body) =
        call(&ts, "/services/addServiceRequest", json!({"sessionID": s, "serviceRequestSource": old_source("SDM-1")}))
            .await;
    assert_eq!(st, 200, "{body}");
    let dest = &body["serviceRequestDest"];
    let number = dest["number"].as_str().unwrap().to_string();
    assert_eq!(
        (dest["type"].as_str(), dest["urgency"].as_str(), dest["impact"].as_str()),
        (Some("R"), Some("H"), Some("L"))
    );
    assert_eq!(dest["userID"], "solicitante");
    assert_eq!(dest["service"]["code"], "180");
    // The created request is a request like any other: getById by its source number finds it.
    let (st, got) = call(&ts, "/services/request/getById", json!({"sessionID": s, "numberOrigin": "SDM-1"})).await;
    assert_eq!(st, 200);
    assert_eq!(got["request"]["number"], number.as_str());

    let (st, dup) =
        call(&ts, "/services/addServiceRequest", json!({"sessionID": s, "serviceRequestSource": old_source("SDM-1")}))
            .await;
    assert_fail(st, &dup, "INPUT");
    assert_eq!(dup["error"]["description"], "Solicitação de serviço já cadastrada no CITSmart");

    // Each mandatory field.
    for field in ["number", "type", "description", "startDateTime", "urgency", "impact", "userID", "service"] {
        let mut source = old_source("SDM-MISSING");
        source.as_object_mut().unwrap().remove(field);
        let (st, body) =
            send(&ts, "/services/addServiceRequest", json!({"sessionID": s, "serviceRequestSource": source})).await;
        assert_fail(st, &body, "INPUT");
    }
    let mut no_code = old_source("SDM-NOCODE");
    no_code["service"] = json!({"description": "x"});
    let (st, body) =
        send(&ts, "/services/addServiceRequest", json!({"sessionID": s, "serviceRequestSource": no_code})).await;
    assert_fail(st, &body, "INPUT");
    let (st, body) = send(&ts, "/services/addServiceRequest", json!({"sessionID": s})).await;
    assert_fail(st, &body, "INPUT");
    let mut stranger = old_source("SDM-2");
    stranger["userID"] = json!("ninguem");
    let (st, body) =
        call(&ts, "/services/addServiceRequest", json!({"sessionID": s, "serviceRequestSource": stranger})).await;
    assert_eq!(st, 412);
    assert_eq!(body["error"]["code"], "PARAM");

    // A service the data set does not have cannot be linked to a contract (PARAM, as 7.x).
    let mut unknown_service = old_source("SDM-3");
    unknown_service["service"]["code"] = json!("27");
    let body = json!({"sessionID": s, "serviceRequestSource": unknown_service});
    let (st, body) = call(&ts, "/services/addServiceRequest", body).await;
    assert_fail(st, &body, "PARAM");

    // XML login, then XML addServiceRequest with that session.
    let login_xml = json_to_xml("Login", &json!({"userName": "tecnico", "password": "tecnico-demo"}));
    let (st, login) = post_xml(&ts, "/services/xml/login", login_xml).await;
    assert_eq!(st, 200, "{login}");
    let xml_session = login["sessionID"].as_str().unwrap().to_string();
    let source = json!({
        "number": "SDM-XML-1", "type": "I", "description": "Sem rede na sala 12", "startDateTime": "2014-09-30T15:32:27",
        "startSLA": "", "urgency": "M", "impact": "M", "groupId": "CAMPO", "userID": "solicitante",
        "contact": {"name": "Sofia", "department": "Financeiro", "email": "sofia@example.org", "phoneNumber": "6133334444"},
        "service": {"code": "170", "description": "Instalação"}
    });
    let request = json!({"sessionID": xml_session, "serviceRequestSource": source});
    let violations = ts.registry.check("/services/xml/addServiceRequest", Side::Request, &request);
    assert!(violations.is_empty(), "{violations:#?}");
    let (st, body) = post_xml(&ts, "/services/xml/addServiceRequest", json_to_xml("AddServiceRequest", &request)).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["serviceRequestDest"]["type"], "I");
    assert_eq!(body["serviceRequestDest"]["groupId"], "CAMPO");
    assert_eq!(body["serviceRequestDest"]["contact"]["department"], "Financeiro");
    // The same Number again, through either endpoint, is a duplicate.
    let (st, dup) = post_xml(&ts, "/services/xml/addServiceRequest", json_to_xml("AddServiceRequest", &request)).await;
    assert_fail(st, &dup, "INPUT");
    let mut as_json = request.clone();
    as_json["serviceRequestSource"]["startDateTime"] = json!(1_412_101_947_000_i64);
    let (st, dup) = send(&ts, "/services/addServiceRequest", as_json).await;
    assert_fail(st, &dup, "INPUT");
    // An XML document without ServiceRequestSource/Number, and one without a session.
    let mut partial = request.clone();
    partial["serviceRequestSource"].as_object_mut().unwrap().remove("number");
    let (st, body) = post_xml(&ts, "/services/xml/addServiceRequest", json_to_xml("AddServiceRequest", &partial)).await;
    assert_fail(st, &body, "INPUT");
    let (st, body) = post_xml(
        &ts,
        "/services/xml/addServiceRequest",
        json_to_xml("AddServiceRequest", &json!({"serviceRequestSource": source})),
    )
    .await;
    assert_fail(st, &body, "SESSION");
}

#[tokio::test]
async fn execute_runs_registered_operations_only() {
    let ts = TestServer::start().await;
    let s = ts.login("tecnico", "tecnico-demo").await;
    let (st, body) =
        call(&ts, "/services/execute", json!({"sessionID": s, "messageID": "service_listContracts"})).await;
    assert_eq!(st, 200, "{body}");
    let ids: Vec<i64> = body["contracts"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![1, 2], "tecnico's contracts");
    let (st, body) =
        call(&ts, "/services/execute", json!({"sessionID": s, "messageID": "service_listDeniedReasons"})).await;
    assert_eq!(st, 200);
    assert_eq!(body["reasons"].as_array().unwrap().len(), 3);
    let (st, body) =
        call(&ts, "/services/execute", json!({"sessionID": s, "messageID": "service_listSolicitationStatus"})).await;
    assert_eq!(st, 200);
    assert_eq!(body["status"].as_array().unwrap().len(), 4);

    let (st, body) = call(&ts, "/services/execute", json!({"sessionID": s, "messageID": "service_naoExiste"})).await;
    assert_eq!(st, 412);
    assert_eq!(body["error"]["code"], "INTERNAL");
    assert_eq!(body["error"]["description"], "Operação não cadastrada");
    let (st, body) = send(&ts, "/services/execute", json!({"sessionID": s})).await;
    assert_eq!(st, 412);
    assert_eq!(body["error"]["code"], "INTERNAL");
}

#[tokio::test]
async fn data_query_and_error_list() {
    let ts = TestServer::start().await;
    let s = ts.login("tecnico", "tecnico-demo").await;
    let (st, body) =
        call(&ts, "/services/data/query", json!({"sessionID": s, "queryName": "solicitacoesAbertas"})).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["result"].as_array().unwrap().len(), 2);
    assert_eq!(body["result"][0]["idsolicitacaoservico"], 1000);
    assert!(body["dateTimeMilliseconds"].is_i64());
    let filtered =
        json!({"sessionID": s, "queryName": "solicitacoesAbertas", "parameters": {"idsolicitacaoservico": "1001"}});
    let (_, body) = call(&ts, "/services/data/query", filtered).await;
    assert_eq!(body["result"], json!([{"idsolicitacaoservico": 1001, "situacao": "EmAndamento"}]));
    let (st, body) = call(&ts, "/services/data/query", json!({"sessionID": s, "queryName": "naoExiste"})).await;
    assert_fail(st, &body, "INPUT");
    let (st, body) = send(&ts, "/services/data/query", json!({"sessionID": s})).await;
    assert_fail(st, &body, "INPUT");

    // The failures above (and an execute one) are in the error log.
    let (st, _) = call(&ts, "/services/execute", json!({"sessionID": s, "messageID": "nada"})).await;
    assert_eq!(st, 412);
    let (st, log) = call(&ts, "/services/error/getList", json!({"sessionID": s})).await;
    assert_eq!(st, 200, "{log}");
    assert_eq!(log["amount"], 3, "{log}");
    let errors = log["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["description"] == "Consulta 'naoExiste' não cadastrada"));
    assert!(errors.iter().any(|e| e["code"] == "INTERNAL" && e["path"] == "/services/execute"));
    let (_, only) =
        call(&ts, "/services/error/getList", json!({"sessionID": s, "operationList": ["/services/execute"]})).await;
    assert_eq!(only["amount"], 1);
    let (_, later) =
        call(&ts, "/services/error/getList", json!({"sessionID": s, "startDateTime": "2999-01-01T00:00:00Z"})).await;
    assert_eq!(later["amount"], 0);
    let window = json!({"sessionID": s, "startDateTime": 0, "endDateTime": "2999-01-01T00:00:00.000-03:00"});
    let (_, all) = call(&ts, "/services/error/getList", window).await;
    assert_eq!(all["amount"], 3);
    let (st, bad) = send(&ts, "/services/error/getList", json!({"sessionID": s, "startDateTime": "ontem"})).await;
    assert_fail(st, &bad, "INPUT");
}

#[tokio::test]
async fn synchronize_find_delete() {
    let ts = TestServer::start().await;
    let s = ts.login("tecnico", "tecnico-demo").await;
    let keys = json!({"sessionID": s, "object": "request", "fromKey": "SDM-2019-004711", "toKey": "1000"});
    let (st, body) = call(&ts, "/services/synchronize/find", keys.clone()).await;
    assert_eq!(st, 200);
    assert_eq!(body["amount"], 0);
    let (st, body) = call(&ts, "/services/synchronize", keys.clone()).await;
    assert_eq!(st, 200, "{body}");
    let (_, found) = call(&ts, "/services/synchronize/find", keys.clone()).await;
    assert_eq!(found["amount"], 1);
    assert_eq!(found["requests"][0], json!({"object": "request", "fromKey": "SDM-2019-004711", "toKey": "1000"}));
    // Re-synchronizing the same source key replaces the target.
    let moved = json!({"sessionID": s, "object": "request", "fromKey": "SDM-2019-004711", "toKey": "1001"});
    call(&ts, "/services/synchronize", moved.clone()).await;
    let (_, by_object) = send(
        &ts,
        "/services/synchronize/find",
        json!({"sessionID": s, "object": "request", "fromKey": "SDM-2019-004711"}),
    )
    .await;
    assert_eq!(by_object["amount"], 1);
    assert_eq!(by_object["requests"][0]["toKey"], "1001");

    let (st, body) = call(&ts, "/services/synchronize/delete", moved.clone()).await;
    assert_eq!(st, 200, "{body}");
    let (_, gone) = call(&ts, "/services/synchronize/find", moved.clone()).await;
    assert_eq!(gone["amount"], 0);
    assert_eq!(gone["requests"], json!([]));
    let (st, body) = call(&ts, "/services/synchronize/delete", moved).await;
    assert_fail(st, &body, "INPUT");
    for field in ["object", "fromKey", "toKey"] {
        let mut partial = keys.clone();
        partial.as_object_mut().unwrap().remove(field);
        let (st, body) = send(&ts, "/services/synchronize", partial).await;
        assert_fail(st, &body, "INPUT");
        assert!(body["error"]["description"].as_str().unwrap().contains(field));
    }
    // create with synchronize true records the request's DE-PARA entry.
    let body = json!({"sessionID": s, "synchronize": "true", "sourceRequest": source_request("SYNC-9", "solicitante")});
    let (_, created) = call(&ts, "/services/request/create", body).await;
    let (_, found) =
        send(&ts, "/services/synchronize/find", json!({"sessionID": s, "object": "request", "fromKey": "SYNC-9"}))
            .await;
    assert_eq!(found["requests"][0]["toKey"], created["request"]["number"]);
}

#[tokio::test]
async fn v2_operations() {
    let ts = TestServer::start().await;
    let (st, login) = send(
        &ts,
        "/services/v2/login",
        json!({"userName": "tecnico", "password": "tecnico-demo", "token": "fcm:token-1", "platform": "iOS"}),
    )
    .await;
    assert_eq!(st, 200, "{login}");
    let s = login["sessionID"].as_str().unwrap().to_string();

    // status: ids 1..4, justifications on 2 and 4.
    let (st, body) = call(&ts, "/services/v2/status", json!({"sessionID": s})).await;
    assert_eq!(st, 200);
    let status = body["status"].as_array().unwrap();
    let ids: Vec<i64> = status.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![1, 2, 3, 4]);
    assert_eq!(status[0]["description"], "Em andamento");
    assert_eq!(status[1]["justifications"].as_array().unwrap().len(), 2);
    assert_eq!(status[3]["justifications"][1]["parentId"], 10);
    assert!(status[3]["justifications"][0]["parentId"].is_null());
    assert!(status[2].get("justifications").is_none());

    // units of a contract, filtered by unitID.
    let (st, body) = call(&ts, "/services/v2/units", json!({"sessionID": s, "contractID": 1})).await;
    assert_eq!(st, 200);
    assert_eq!(
        body["units"],
        json!([{"id": 10, "description": "Sede Brasília"}, {"id": 11, "description": "Filial Goiânia"}])
    );
    let (_, one) = call(&ts, "/services/v2/units", json!({"sessionID": s, "contractID": 1, "unitID": "11"})).await;
    assert_eq!(one["units"].as_array().unwrap().len(), 1);
    let (_, empty) = call(&ts, "/services/v2/units", json!({"sessionID": s, "contractID": 99})).await;
    assert_eq!(empty["units"], json!([]));
    let (st, body) = send(&ts, "/services/v2/units", json!({"sessionID": s})).await;
    assert_fail(st, &body, "INPUT");

    // coordinates.
    let (st, body) = call(
        &ts,
        "/services/v2/coordinates",
        json!({"sessionID": s, "unitID": 10, "latitude": -15.8, "longitude": -47.9}),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["success"], true);
    let (st, body) = call(
        &ts,
        "/services/v2/coordinates",
        json!({"sessionID": s, "unitID": 9999, "latitude": -15.8, "longitude": -47.9}),
    )
    .await;
    assert_fail(st, &body, "INPUT");
    assert_eq!(body["error"]["description"], "Unit not found for ID 9999");
    let (st, body) = send(
        &ts,
        "/services/v2/coordinates",
        json!({"sessionID": s, "unitID": 10, "latitude": 123.0, "longitude": 0.0}),
    )
    .await;
    assert_fail(st, &body, "INPUT");
    for field in ["unitID", "latitude", "longitude"] {
        let mut partial = json!({"sessionID": s, "unitID": 10, "latitude": -15.8, "longitude": -47.9});
        partial.as_object_mut().unwrap().remove(field);
        let (st, body) = send(&ts, "/services/v2/coordinates", partial).await;
        assert_fail(st, &body, "INPUT");
    }

    let (st, body) = call(&ts, "/services/v2/deniedReasons", json!({"sessionID": s})).await;
    assert_eq!(st, 200);
    assert_eq!(body["reasons"][0], json!({"id": 1, "description": "Local fechado"}));

    let (st, body) = call(&ts, "/services/v2/getWorkflow", json!({"sessionID": s})).await;
    assert_eq!(st, 200);
    assert_eq!(body["idFluxo"], 1);
    let (st, _) = call(&ts, "/services/v2/getWorkflow", json!({})).await;
    assert_eq!(st, 200, "getWorkflow needs no session (D-NO-PARAMS)");

    let (st, body) = call(&ts, "/services/v2/contracts", json!({"sessionID": s})).await;
    assert_eq!(st, 200);
    assert_eq!(body["contracts"].as_array().unwrap().len(), 2);

    // device/disassociate: the association made by the login, once.
    let connection = ts.server.base_url();
    let unknown = json!({"sessionID": s, "connection": connection, "token": "fcm:never-sent"});
    let (st, body) = call(&ts, "/services/v2/device/disassociate", unknown).await;
    assert_fail(st, &body, "INPUT");
    let known = json!({"sessionID": s, "connection": connection.to_uppercase(), "token": "fcm:token-1"});
    let (st, body) = call(&ts, "/services/v2/device/disassociate", known.clone()).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["success"], true);
    let (st, body) = call(&ts, "/services/v2/device/disassociate", known).await;
    assert_fail(st, &body, "INPUT");
    assert_eq!(
        body["error"]["description"],
        "There is no active association for the user to connect and token informed."
    );
    let (st, body) =
        send(&ts, "/services/v2/device/disassociate", json!({"sessionID": s, "token": "fcm:token-1"})).await;
    assert_fail(st, &body, "INPUT");
    // Another user cannot drop tecnico's association.
    let (_, other) = send(
        &ts,
        "/services/v2/login",
        json!({"userName": "tecnico2", "password": "tecnico2-demo", "token": "fcm:token-2", "platform": "android"}),
    )
    .await;
    let other_session = other["sessionID"].as_str().unwrap();
    let (st, _) = call(
        &ts,
        "/services/v2/device/disassociate",
        json!({"sessionID": s, "connection": "/citsmart", "token": "fcm:token-2"}),
    )
    .await;
    assert_eq!(st, 412);
    let (st, _) = call(
        &ts,
        "/services/v2/device/disassociate",
        json!({"sessionID": other_session, "connection": "/citsmart", "token": "fcm:token-2"}),
    )
    .await;
    assert_eq!(st, 200);
}
