//! `/services/*` outside the request, v2 and login groups: the old addServiceRequest (JSON and
//! XML), execute, data/query, error/getList, the DE-PARA mappings and the occurrence sync.

use serde_json::{json, Value};

use super::request::{self, find_ticket, parse_date, Lookup};
use super::services_v2;
use crate::server::context::{Ctx, Handler};
use crate::server::data::{ContactInfo, Ticket};
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::reply::Reply;
use crate::server::world::{iso, ErrorRecord, SyncMapping};

pub fn handler_for(path: &str) -> Option<Handler> {
    match path {
        // The router maps the XML body onto JSON first (D-XML), so both share the pipeline.
        "/services/addServiceRequest" | "/services/xml/addServiceRequest" => {
            Some(|c, b| logged(c, b, add_service_request))
        }
        "/services/data/query" => Some(|c, b| logged(c, b, data_query)),
        "/services/error/getList" => Some(|c, b| logged(c, b, error_list)),
        "/services/execute" => Some(|c, b| logged(c, b, execute)),
        "/services/occurrence/getNotSynchronized" => Some(|c, b| logged(c, b, occurrences_not_synchronized)),
        "/services/synchronize" => Some(|c, b| logged(c, b, synchronize)),
        "/services/synchronize/delete" => Some(|c, b| logged(c, b, synchronize_delete)),
        "/services/synchronize/find" => Some(|c, b| logged(c, b, synchronize_find)),
        _ => None,
    }
}

/// Runs a handler and records its business failure in the error log that `/services/error/getList`
/// reads (the real product logs failed executions in Rest_Log).
pub(super) fn logged(ctx: &Ctx<'_>, body: &Value, handler: Handler) -> Reply {
    let reply = handler(ctx, body);
    if let Some((code, description)) = reply.failure() {
        let message_id = ctx.state.spec.endpoint(ctx.path).and_then(|e| e.message_id.clone());
        let record = ErrorRecord {
            time_ms: ctx.state.now_ms(),
            path: ctx.path.to_string(),
            message_id,
            code: code.to_string(),
            description: description.to_string(),
        };
        ctx.state.world.lock().log_error(record);
    }
    reply
}

/// A real product text, followed by the field it is about.
fn missing(text: &str, field: &str) -> String {
    format!("{text} ({field})")
}

/// An optional string where an XML nil element (mapped to "") means absent.
fn opt_text(body: &Value, field: &str) -> Result<Option<String>, Reply> {
    Ok(input::string(body, field)?.filter(|s| !s.trim().is_empty()))
}

/// `H`, `M` or `L`, required.
fn priority(body: &Value, field: &str, text: &str) -> Result<String, Reply> {
    let value = input::req_string(body, field, &missing(text, &format!("serviceRequestSource.{field}")))?;
    match value.as_str() {
        "H" | "M" | "L" => Ok(value),
        other => Err(Reply::input(format!("Field 'serviceRequestSource.{field}' must be H, M or L, got \"{other}\""))),
    }
}

/// The old CtAddServiceRequest (facts §2.25): checks each field as the real operation does,
/// rejects a repeated source number, creates the request and answers it as serviceRequestDest.
fn add_service_request(ctx: &Ctx<'_>, body: &Value) -> Reply {
    match create_service_request(ctx, body) {
        Ok(reply) | Err(reply) => reply,
    }
}

fn create_service_request(ctx: &Ctx<'_>, body: &Value) -> Result<Reply, Reply> {
    let source = input::object(body, "serviceRequestSource")?.ok_or_else(|| {
        Reply::input(missing("Dados da solicitação de serviço não informados", "serviceRequestSource"))
    })?;
    let number = match input::text_or_int(source, "number")? {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        _ => {
            return Err(Reply::input(missing(
                "Número da solicitação de serviço não informado",
                "serviceRequestSource.number",
            )))
        }
    };
    let kind = input::req_string(
        source,
        "type",
        &missing("Tipo da solicitação de serviço não informado", "serviceRequestSource.type"),
    )?;
    if kind != "R" && kind != "I" {
        return Err(Reply::input(format!("Field 'serviceRequestSource.type' must be R or I, got \"{kind}\"")));
    }
    let description = input::req_string(
        source,
        "description",
        &missing("Descrição da solicitação de serviço não informada", "serviceRequestSource.description"),
    )?;
    let start = source.get("startDateTime").filter(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()));
    let Some(start) = start else {
        return Err(Reply::input(missing(
            "Data de início da solicitação de serviço não informada",
            "serviceRequestSource.startDateTime",
        )));
    };
    if !(start.is_i64() || start.is_string()) {
        return Err(Reply::wrong_type(format!(
            "Field 'serviceRequestSource.startDateTime' must be a date (epoch ms or ISO-8601), got {start}"
        )));
    }
    let urgency = priority(source, "urgency", "Urgência da solicitação de serviço não informada")?;
    let impact = priority(source, "impact", "Impacto da solicitação de serviço não informado")?;
    let user_id = input::req_string(
        source,
        "userID",
        &missing("Solicitante da solicitação de serviço não informado", "serviceRequestSource.userID"),
    )?;
    let service = input::object(source, "service")?
        .ok_or_else(|| Reply::input(missing("Serviço não informado", "serviceRequestSource.service")))?;
    let code_text = match input::text_or_int(service, "code")? {
        Some(c) if !c.trim().is_empty() => c.trim().to_string(),
        _ => return Err(Reply::input(missing("Serviço não informado", "serviceRequestSource.service.code"))),
    };
    let service_code: i64 = code_text.parse().map_err(|_| {
        Reply::input(format!(
            "Field 'serviceRequestSource.service.code' must be an integer service id, got \"{code_text}\""
        ))
    })?;
    let service_description = opt_text(service, "description")?;
    let group = opt_text(source, "groupId")?;
    let contact = match input::object(source, "contact")? {
        Some(c) => {
            Some((opt_text(c, "name")?, opt_text(c, "department")?, opt_text(c, "email")?, opt_text(c, "phoneNumber")?))
        }
        None => None,
    };

    let now = ctx.state.now_ms();
    let mut world = ctx.state.world.lock();
    if world.tickets.values().any(|t| t.number_origin.as_deref() == Some(number.as_str())) {
        return Err(Reply::input("Solicitação de serviço já cadastrada no CITSmart"));
    }
    let Some(user) = world.user(&user_id).cloned() else {
        return Err(Reply::fail("PARAM", "Dados do usuário não cadastrados"));
    };
    // The real operation needs the service linked to a contract of the integration (PARAM).
    let Some(service_def) = world.data.services.iter().find(|s| s.code == service_code).cloned() else {
        return Err(Reply::fail("PARAM", format!("Serviço {service_code} não vinculado a um contrato")));
    };
    let contact = match contact {
        Some((name, department, email, phone_number)) => {
            ContactInfo { name: name.unwrap_or_else(|| user.name.clone()), phone_number, email, department }
        }
        None => ContactInfo { name: user.name.clone(), ..ContactInfo::default() },
    };
    let new = request::NewTicket {
        number_origin: number,
        kind,
        description,
        requester: user.login.clone(),
        contact,
        service_code,
        contract_id: service_def.contract_id,
        urgency,
        impact,
        group_id: group,
        created_at: now,
        number: None,
    };
    let ticket = request::insert_ticket(&mut world, new, ctx.user());
    let dest = service_request_dest(&ticket, service_description.or(Some(service_def.name)));
    Ok(Reply::ok(json!({ "serviceRequestDest": dest })))
}

/// The created request as an old CtServiceRequest: dates in epoch ms, number as a string.
fn service_request_dest(ticket: &Ticket, service_description: Option<String>) -> Value {
    json!({
        "number": ticket.number.to_string(),
        "type": ticket.kind,
        "description": ticket.description,
        "startDateTime": ticket.created_at,
        "startSLA": ticket.created_at,
        "endSLA": ticket.created_at + 8 * 3_600_000,
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "groupId": ticket.group_id,
        "userID": ticket.requester,
        "contact": {
            "name": ticket.contact.name,
            "department": ticket.contact.department,
            "email": ticket.contact.email,
            "phoneNumber": ticket.contact.phone_number,
        },
        "service": {"code": ticket.service_code.to_string(), "description": service_description},
    })
}

/// Runs the registered operation named by messageID (facts §2.28): only the operations that need
/// no input besides the session can run this way, since execute binds a plain CtMessage.
fn execute(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let message_id = match input::string(body, "messageID") {
        Ok(m) => m.unwrap_or_default(),
        Err(reply) => return reply,
    };
    match message_id.trim() {
        "service_listContracts" => services_v2::contracts(ctx, body),
        "service_listDeniedReasons" => services_v2::denied_reasons(ctx, body),
        "service_listSolicitationStatus" => services_v2::status(ctx, body),
        // AG answers INTERNAL for a name it does not know; RC answers PARAM (`execute-param`).
        _ if ctx.freedom(FreedomKind::ExecuteParam) => Reply::fail("PARAM", "Operação não cadastrada"),
        _ => Reply::fail("INTERNAL", "Operação não cadastrada"),
    }
}

/// The rows of a query of the data set. An object `parameters` keeps the rows whose columns have
/// the given values, the closest an in-memory table gets to bind values.
fn data_query(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let name = match input::req_string(body, "queryName", &missing("Consulta não informada", "queryName")) {
        Ok(name) => name,
        Err(reply) => return reply,
    };
    let world = ctx.state.world.lock();
    let Some(query) = world.data.queries.iter().find(|q| q.name == name) else {
        return Reply::input(format!("Consulta '{name}' não cadastrada"));
    };
    let filter = body.get("parameters").and_then(Value::as_object);
    let rows: Vec<Value> = query
        .rows
        .iter()
        .filter(|row| filter.is_none_or(|f| f.iter().all(|(k, v)| row.get(k).is_some_and(|r| same_value(r, v)))))
        .cloned()
        .collect();
    Reply::ok(json!({"result": rows, "dateTimeMilliseconds": ctx.state.now_ms()}))
}

/// Equal, or the same scalar written as a number in one place and a string in the other.
fn same_value(a: &Value, b: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    a == b || matches!((text(a), text(b)), (Some(x), Some(y)) if x == y)
}

/// Names in `operationList`: an array of names (or of objects with a name), or one string that
/// may be comma-separated (D-TYPES-8X: the shape is not public).
fn operation_names(value: Option<&Value>) -> Vec<String> {
    let name_of = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Object(o) => ["messageID", "operation", "name", "code"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))
                .map(|s| s.trim().to_string()),
            _ => None,
        }
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(name_of).filter(|s| !s.is_empty()).collect(),
        Some(Value::String(s)) => s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
        Some(other) => name_of(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The logged failures, optionally within [startDateTime, endDateTime] and for some operations.
fn error_list(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let window = parse_date(body, "startDateTime").and_then(|s| Ok((s, parse_date(body, "endDateTime")?)));
    let (start, end) = match window {
        Ok(window) => window,
        Err(reply) => return reply,
    };
    let operations = operation_names(body.get("operationList"));
    let world = ctx.state.world.lock();
    let errors: Vec<Value> = world
        .errors
        .iter()
        .filter(|e| start.is_none_or(|s| e.time_ms >= s) && end.is_none_or(|t| e.time_ms <= t))
        .filter(|e| {
            operations.is_empty()
                || operations.iter().any(|op| e.message_id.as_deref() == Some(op.as_str()) || e.path == *op)
        })
        .map(|e| {
            json!({
                "operation": e.message_id.clone().unwrap_or_else(|| e.path.clone()),
                "path": e.path,
                "dateTime": iso(e.time_ms),
                "dateTimeMilliseconds": e.time_ms,
                "code": e.code,
                "description": e.description,
            })
        })
        .collect();
    Reply::ok(json!({"amount": errors.len(), "errors": errors}))
}

/// The occurrences of one request that the caller has not synchronized yet; `synchronize` true
/// marks the returned ones as synchronized (facts §2.30).
fn occurrences_not_synchronized(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let parsed = input::boolean(body, "synchronize").and_then(|s| {
        let lookup = Lookup::read(body, "requestNumber", "requestNumberOrigin")?;
        Ok((s.unwrap_or(false), lookup))
    });
    let (mark, lookup) = match parsed {
        Ok(parsed) => parsed,
        Err(reply) => return reply,
    };
    let categories = request::category_filter(body.get("categoryList"));
    let login = ctx.user().to_string();
    let mut world = ctx.state.world.lock();
    let number = match find_ticket(&world.tickets, &lookup) {
        Ok(ticket) => ticket.number,
        Err(reply) => return reply,
    };
    let pending: Vec<(i64, u64, Value)> = world
        .occurrences
        .iter()
        .filter(|o| o.request_number == number && request::category_matches(&categories, &o.body))
        .filter(|o| {
            world.synced.get(&(login.clone(), request::occurrence_topic(o.number))).is_none_or(|v| o.version > *v)
        })
        .map(|o| (o.number, o.version, o.body.clone()))
        .collect();
    if mark {
        for (occurrence, version, _) in &pending {
            world.synced.insert((login.clone(), request::occurrence_topic(*occurrence)), *version);
        }
    }
    let logs: Vec<Value> = pending.into_iter().map(|(_, _, body)| body).collect();
    Reply::ok(json!({"amount": logs.len(), "logs": logs}))
}

/// The keys of a DE-PARA mapping as sent; each one is optional in a find or a delete.
struct MappingKeys {
    object: Option<String>,
    from_key: Option<String>,
    to_key: Option<String>,
}

impl MappingKeys {
    /// Reads the three keys; `required` makes each one mandatory.
    fn read(body: &Value, required: bool) -> Result<MappingKeys, Reply> {
        let read = |field: &str, text: &str| -> Result<Option<String>, Reply> {
            let value = opt_text(body, field)?;
            if required && value.is_none() {
                return Err(Reply::input(missing(text, field)));
            }
            Ok(value)
        };
        Ok(MappingKeys {
            object: read("object", "Objeto não informado")?,
            from_key: read("fromKey", "Chave de origem não informada")?,
            to_key: read("toKey", "Chave de destino não informada")?,
        })
    }

    fn matches(&self, m: &SyncMapping) -> bool {
        self.object.as_ref().is_none_or(|o| o.eq_ignore_ascii_case(&m.object))
            && self.from_key.as_ref().is_none_or(|f| *f == m.from_key)
            && self.to_key.as_ref().is_none_or(|t| *t == m.to_key)
    }
}

fn mapping_json(m: &SyncMapping) -> Value {
    json!({"object": m.object, "fromKey": m.from_key, "toKey": m.to_key})
}

/// Records (object, fromKey) → toKey; a later synchronize of the same source key replaces it.
fn synchronize(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let (object, from_key, to_key) = match MappingKeys::read(body, true) {
        Ok(MappingKeys { object: Some(o), from_key: Some(f), to_key: Some(t) }) => (o, f, t),
        Ok(_) => return Reply::input("Objeto e chaves do DE-PARA não informados"),
        Err(reply) => return reply,
    };
    let mut world = ctx.state.world.lock();
    world.sync.retain(|m| !(m.object.eq_ignore_ascii_case(&object) && m.from_key == from_key));
    world.sync.push(SyncMapping { object, from_key, to_key });
    Reply::empty()
}

/// The mappings matching every key sent (each key is optional); none found is 200 with amount 0,
/// or 412 INPUT with `find-after-delete-412` (both accepted, DECISIONS.md synchronize).
fn synchronize_find(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let keys = match MappingKeys::read(body, false) {
        Ok(keys) => keys,
        Err(reply) => return reply,
    };
    let world = ctx.state.world.lock();
    let found: Vec<Value> = world.sync.iter().filter(|m| keys.matches(m)).map(mapping_json).collect();
    if found.is_empty() && ctx.freedom(FreedomKind::FindAfterDelete412) {
        return Reply::input("DE-PARA não encontrado para o objeto e as chaves informados");
    }
    Reply::ok(json!({"amount": found.len(), "requests": found}))
}

/// Removes the mappings matching the keys; the object and at least one key are needed, so that a
/// bare call cannot wipe the table.
fn synchronize_delete(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let keys = match MappingKeys::read(body, false) {
        Ok(keys) => keys,
        Err(reply) => return reply,
    };
    if keys.object.is_none() {
        return Reply::input(missing("Objeto não informado", "object"));
    }
    if keys.from_key.is_none() && keys.to_key.is_none() {
        return Reply::input(missing("Chave de origem não informada", "fromKey"));
    }
    let mut world = ctx.state.world.lock();
    let before = world.sync.len();
    world.sync.retain(|m| !keys.matches(m));
    if world.sync.len() == before {
        return Reply::input("DE-PARA não encontrado para o objeto e as chaves informados");
    }
    Reply::empty()
}
