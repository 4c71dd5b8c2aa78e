//! `/services/*` outside the request, v2, login and DE-PARA groups: the old addServiceRequest
//! (JSON and XML), execute, data/query, error/getList and the occurrence sync.

use serde_json::{json, Value};

use super::catalog_reads;
use super::kinds::{Outcome, Reader, Writer};
use super::request_fields::{category_filter, lookup, missing, parse_date};
use crate::server::domain::requests::{ContactUpdate, ServiceRequest};
use crate::server::domain::Code;
use crate::server::freedoms::FreedomKind;
use crate::server::input;
use crate::server::render::occurrence::occurrence;
use crate::server::render::request::service_request_dest;
use crate::server::reply::Reply;
use crate::time::iso;

/// An optional string where an XML nil element (mapped to "") means absent.
pub fn opt_text(body: &Value, field: &str) -> Result<Option<String>, Reply> {
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
/// creates the request and answers it as serviceRequestDest. The router maps an XML body onto
/// JSON first (D-XML), so both endpoints share this.
pub fn add_service_request(w: &Writer<'_>, body: &Value) -> Outcome {
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
    let group_id = opt_text(source, "groupId")?;
    let contact = match input::object(source, "contact")? {
        Some(c) => Some(ContactUpdate {
            name: opt_text(c, "name")?,
            department: opt_text(c, "department")?,
            email: opt_text(c, "email")?,
            phone_number: opt_text(c, "phoneNumber")?,
        }),
        None => None,
    };
    let request = ServiceRequest {
        number,
        kind,
        description,
        urgency,
        impact,
        user_id,
        service_code,
        group_id,
        contact,
        now: w.now_ms(),
        actor: w.user().to_string(),
    };
    let mut world = w.write();
    let number = world.add_service_request(request)?;
    let Some(ticket) = world.tickets().get(number) else {
        return Err(Reply::input(format!("Solicitação {number} não encontrada")));
    };
    let service_name = world.catalog().service(service_code).map(|s| s.name.clone());
    let dest = service_request_dest(ticket, service_description.or(service_name));
    Ok(Reply::ok(json!({ "serviceRequestDest": dest })))
}

/// Runs the registered operation named by messageID (facts §2.28): only the operations that need
/// no input besides the session can run this way, since execute binds a plain CtMessage.
pub fn execute(r: &Reader<'_>, body: &Value) -> Outcome {
    let message_id = input::string(body, "messageID")?.unwrap_or_default();
    match message_id.trim() {
        "service_listContracts" => catalog_reads::contracts(r, body),
        "service_listDeniedReasons" => catalog_reads::denied_reasons(r, body),
        "service_listSolicitationStatus" => catalog_reads::status(r, body),
        // AG answers INTERNAL for a name it does not know; RC answers PARAM (`execute-param`).
        _ if r.freedom(FreedomKind::ExecuteParam) => Err(Reply::fail(Code::Param, "Operação não cadastrada")),
        _ => Err(Reply::fail(Code::Internal, "Operação não cadastrada")),
    }
}

/// The rows of a query of the data set. An object `parameters` keeps the rows whose columns have
/// the given values. A write handler only because its answer carries the clock.
pub fn data_query(w: &Writer<'_>, body: &Value) -> Outcome {
    let name = input::req_string(body, "queryName", &missing("Consulta não informada", "queryName"))?;
    let world = w.read();
    let Some(query) = world.catalog().queries.iter().find(|q| q.name == name) else {
        return Err(Reply::input(format!("Consulta '{name}' não cadastrada")));
    };
    let filter = body.get("parameters").and_then(Value::as_object);
    let rows: Vec<Value> = query
        .rows
        .iter()
        .filter(|row| filter.is_none_or(|f| f.iter().all(|(k, v)| row.get(k).is_some_and(|cell| cell.matches(v)))))
        .map(|row| row.to_value())
        .collect();
    Ok(Reply::ok(json!({"result": rows, "dateTimeMilliseconds": w.now_ms()})))
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
pub fn error_list(r: &Reader<'_>, body: &Value) -> Outcome {
    let start = parse_date(body, "startDateTime")?;
    let end = parse_date(body, "endDateTime")?;
    let operations = operation_names(body.get("operationList"));
    let errors: Vec<Value> = r
        .world
        .errors()
        .iter()
        .filter(|e| start.is_none_or(|s| e.time_ms >= s) && end.is_none_or(|t| e.time_ms <= t))
        .filter(|e| {
            operations.is_empty()
                || operations.iter().any(|op| e.message_id.as_deref() == Some(op.as_str()) || *e.path == **op)
        })
        .map(|e| {
            json!({
                "operation": e.message_id.as_deref().unwrap_or(&e.path),
                "path": &*e.path,
                "dateTime": iso(e.time_ms),
                "dateTimeMilliseconds": e.time_ms,
                "code": e.code.as_str(),
                "description": e.description,
            })
        })
        .collect();
    Ok(Reply::ok(json!({"amount": errors.len(), "errors": errors})))
}

/// The occurrences of one request that the caller has not synchronized yet; `synchronize` true
/// marks the returned ones as synchronized (facts §2.30).
pub fn occurrences_not_synchronized(w: &Writer<'_>, body: &Value) -> Outcome {
    let mark = input::boolean(body, "synchronize")?.unwrap_or(false);
    let lookup = lookup(body, "requestNumber", "requestNumberOrigin")?;
    let categories = category_filter(body.get("categoryList"));
    let pending = w.write().occurrences_not_synchronized(w.user(), &lookup, &categories, mark)?;
    let logs: Vec<Value> = pending.iter().map(occurrence).collect();
    Ok(Reply::ok(json!({"amount": logs.len(), "logs": logs})))
}
