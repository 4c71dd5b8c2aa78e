//! Reading the fields of the `/services/*` request bodies (facts §2.25-2.39, D-TYPES-8X): request
//! lookups, dates, priorities, ids, contacts and the list filters whose shapes are not public.

use serde_json::Value;

use crate::server::domain::lookup::Lookup;
use crate::server::domain::request_filter::RequestFilter;
use crate::server::domain::requests::ContactUpdate;
use crate::server::domain::statuses::normalize;
use crate::server::input;
use crate::server::reply::Reply;

/// A real product text, followed by the field it is about.
pub fn missing(text: &str, field: &str) -> String {
    format!("{text} ({field})")
}

/// Reads `number_field` (string of digits or integer) or else `origin_field`; neither → INPUT.
pub fn lookup(body: &Value, number_field: &str, origin_field: &str) -> Result<Lookup, Reply> {
    if let Some(text) = input::text_or_int(body, number_field)?.filter(|t| !t.trim().is_empty()) {
        return text.trim().parse::<i64>().map(Lookup::Number).map_err(|_| {
            Reply::wrong_type(format!("Field '{number_field}' must be a request number (digits), got \"{text}\""))
        });
    }
    match input::text_or_int(body, origin_field)?.filter(|t| !t.trim().is_empty()) {
        Some(origin) => Ok(Lookup::Origin(origin)),
        None => Err(Reply::input(format!("Número da solicitação não informado ({number_field} ou {origin_field})"))),
    }
}

/// A request date (D-DATES-IN): epoch ms or an ISO-8601 string; anything else → INPUT.
pub fn parse_date(body: &Value, field: &str) -> Result<Option<i64>, Reply> {
    let bad = |v: &Value| Reply::wrong_type(format!("Field '{field}' must be a date (epoch ms or ISO-8601), got {v}"));
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v @ Value::Number(_)) => v.as_i64().map(Some).ok_or_else(|| bad(v)),
        Some(v @ Value::String(s)) => crate::time::parse_iso(s).map(Some).ok_or_else(|| bad(v)),
        Some(v) => Err(bad(v)),
    }
}

/// Lower-cased names from a list filter: an array of strings or of objects with a code (or one of
/// `keys`), or one comma-separated string (D-TYPES-8X: the shapes are not public).
pub fn name_list(value: Option<&Value>, keys: &[&str]) -> Vec<String> {
    let name_of = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Object(o) => keys.iter().find_map(|k| match o.get(*k) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            }),
            _ => None,
        }
    };
    let names: Vec<String> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(name_of).collect(),
        Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
        Some(other) => name_of(other).into_iter().collect(),
        None => Vec::new(),
    };
    names.into_iter().map(|n| normalize(&n)).filter(|n| !n.is_empty()).collect()
}

/// The categories of `categoryList` (codes, or objects with a code).
pub fn category_filter(value: Option<&Value>) -> Vec<String> {
    name_list(value, &["code", "name"])
}

pub fn priority(body: &Value, field: &str) -> Result<Option<String>, Reply> {
    match input::string(body, field)?.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(p) if matches!(p.as_str(), "H" | "M" | "L") => Ok(Some(p)),
        Some(p) => Err(Reply::input(format!("Field '{field}' must be H, M or L, got \"{p}\""))),
    }
}

pub fn request_type(body: &Value, field: &str) -> Result<Option<String>, Reply> {
    match input::string(body, field)?.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(t) if t == "I" || t == "R" => Ok(Some(t)),
        Some(t) => Err(Reply::input(format!("Tipo da solicitação inválido: '{field}' must be I or R, got \"{t}\""))),
    }
}

/// An optional id sent as a string of digits or an integer.
pub fn id_field(body: &Value, field: &str) -> Result<Option<i64>, Reply> {
    match input::text_or_int(body, field)?.filter(|t| !t.trim().is_empty()) {
        None => Ok(None),
        Some(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Reply::wrong_type(format!("Field '{field}' must be an integer id, got \"{text}\""))),
    }
}

/// The `service.code` of an optional service object.
pub fn service_code(body: &Value) -> Result<Option<i64>, Reply> {
    match input::object(body, "service")? {
        Some(service) => id_field(service, "code"),
        None => Ok(None),
    }
}

pub fn contact_update(body: &Value) -> Result<Option<ContactUpdate>, Reply> {
    let Some(contact) = input::object(body, "contact")? else { return Ok(None) };
    Ok(Some(ContactUpdate {
        name: input::string(contact, "name")?,
        phone_number: input::string(contact, "phoneNumber")?,
        email: input::string(contact, "email")?,
        department: input::string(contact, "department")?,
    }))
}

/// The filters of getByUser/getNotSynchronized (facts §2.35), and `allAttributes`.
pub fn request_filter(body: &Value, user: Option<String>) -> Result<(RequestFilter, bool), Reply> {
    let status = match input::object(body, "status")? {
        Some(s) => input::string(s, "code")?.map(|c| normalize(&c)).filter(|c| !c.is_empty()),
        None => None,
    };
    let all_attributes = match body.get("allAttributes") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "s" | "1"),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    };
    let filter = RequestFilter {
        user,
        description: input::string(body, "description")?.map(|d| d.to_lowercase()).filter(|d| !d.trim().is_empty()),
        start: parse_date(body, "startDate")?,
        end: parse_date(body, "endDate")?,
        service: service_code(body)?,
        contract: id_field(body, "contractID")?,
        status,
        contracts: name_list(body.get("contractList"), &["id", "contractID", "code"]),
        statuses: name_list(body.get("statusList"), &["code", "name"]),
        groups: name_list(body.get("groupList"), &["code", "groupId", "sigla", "name"]),
    };
    Ok((filter, all_attributes))
}
