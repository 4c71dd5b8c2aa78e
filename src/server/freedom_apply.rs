//! Applies the response-shaping freedoms of `freedoms::CATALOGUE`: what the reference answers is
//! rewritten into another form the sources allow (after the faults, so a fault still shows). The
//! behavioural freedoms (ids, list order, status order, checks the 7.x code does not make) live in
//! the handlers and in `other_ids.rs`.

use serde_json::{json, Map, Value};

use super::freedoms::{FreedomKind, FreedomSet};
use super::reply::Reply;
use super::state::AppState;
use crate::spec::{pointer, Endpoint};

const V2_GET_BY_USER: &str = "/mobile/v2/notification/getByUser";

/// The v1-style answers whose `amount` AG never sets (facts §2.3, §2.4).
const AMOUNT_PATHS: [&str; 3] =
    ["/mobile/notification/getByUser", "/mobile/notification/getReasons", "/mobile/v2/notification/getByUser"];

/// The answers of one request (D-REQUEST-RESPONSE).
const REQUEST_PATHS: [&str; 4] = [
    "/services/request/create",
    "/services/request/getById",
    "/services/request/update",
    "/services/request/updateStatus",
];

const REQUEST_LISTS: [&str; 2] = ["/services/request/getByUser", "/services/request/getNotSynchronized"];

const CREATE_OCCURRENCE: &str = "/services/request/createOccurrence";

/// Answers that list occurrences under `logs`.
const OCCURRENCE_LISTS: [&str; 2] = ["/services/request/listOccurrences", "/services/occurrence/getNotSynchronized"];

/// The lists a Jackson server writes as null when it never set them (DECISIONS.md services and
/// XML; the `/services/request/*` lists are arrays, REQ-COMMON-006).
const NULLABLE_LISTS: [(&str, &str); 3] = [
    ("/services/error/getList", "errors"),
    ("/services/occurrence/getNotSynchronized", "logs"),
    ("/services/synchronize/find", "requests"),
];

/// The optional CTNotification members of a list item (facts §2.21).
const V2_EXTRAS: [&str; 10] = [
    "latitude",
    "longitude",
    "timeSLA",
    "personal",
    "inService",
    "inChekin",
    "typeRequest",
    "contract",
    "unit",
    "priorityorder",
];

/// The members `extra-fields` adds: a vendor's additions that no source names.
const EXTRA_MEMBER: &str = "vendorField";
const EXTRA_OBJECT: &str = "vendorExtension";

/// A reply changed before it is rendered: a wrongly typed field as Jackson answers it.
pub fn reply(state: &AppState, reply: Reply) -> Reply {
    match reply {
        Reply::WrongType(description) if state.freedoms.has(FreedomKind::WrongType400) => {
            Reply::Http { status: 400, body: json!({"error": {"code": "INPUT", "description": description}}) }
        }
        other => other,
    }
}

/// What the real stack answers before the session is checked: the JSON reader refusing unknown
/// fields (`unknown-fields-400`), or the 7.x v2 getByUser stub (`v2-getbyuser-501`).
pub fn before_session(state: &AppState, endpoint: &Endpoint, body: &Value) -> Option<Reply> {
    let freedoms = &state.freedoms;
    if freedoms.has(FreedomKind::V2GetByUser501) && endpoint.path == V2_GET_BY_USER {
        return Some(Reply::Bare(json!({"code": "501", "description": "API V2 does not support 'getByUser'"})));
    }
    if freedoms.has(FreedomKind::UnknownFields400) && !endpoint.is_xml() {
        if let Some(field) = unknown_field(&endpoint.request, &state.spec.defs, body, "") {
            let description = format!("Unrecognized field \"{field}\", not marked as ignorable");
            return Some(Reply::Http {
                status: 400,
                body: json!({"error": {"code": "INPUT", "description": description}}),
            });
        }
    }
    None
}

/// The first member of `body` (at `at`, recursively into declared objects) that the request
/// schema does not declare.
fn unknown_field(schema: &Value, defs: &Map<String, Value>, body: &Value, at: &str) -> Option<String> {
    let map = body.as_object()?;
    if !pointer::declares_properties(schema, defs, at) {
        return None;
    }
    for (key, value) in map {
        let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
        if !pointer::declares(schema, defs, &here) {
            return Some(here.trim_start_matches('/').replace('/', "."));
        }
        if let Some(found) = unknown_field(schema, defs, value, &here) {
            return Some(found);
        }
    }
    None
}

/// The order a freedom gives the mobile lists, as a sort key per item (request number, task id);
/// `None` keeps the reference's (newest request first). `any-order` wins over `oldest-first`.
pub fn list_key(freedoms: &FreedomSet, number: i64, task_id: i64) -> Option<(i64, i64)> {
    if freedoms.has(FreedomKind::AnyOrder) {
        return Some((scramble(number, task_id), task_id));
    }
    freedoms.has(FreedomKind::OldestFirst).then_some((number, task_id))
}

/// Whether a freedom changes the order of the mobile lists.
pub fn reorders(freedoms: &FreedomSet) -> bool {
    list_key(freedoms, 0, 0).is_some()
}

/// A fixed pseudo-random key (splitmix64 of the pair): the same items always come in the same order.
fn scramble(number: i64, task_id: i64) -> i64 {
    let mut z = (number as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (task_id as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 1) as i64
}

/// Rewrites a rendered answer (status already final) into the forms the active freedoms choose.
pub fn apply(state: &AppState, path: &str, status: u16, body: &mut Value) {
    let freedoms = &state.freedoms;
    if freedoms.is_empty() {
        return;
    }
    if let Some(obj) = body.as_object_mut() {
        shape_object(freedoms, path, status, obj);
    }
    if freedoms.has(FreedomKind::ExtraFields) {
        if let Some(obj) = body.as_object_mut() {
            obj.insert(EXTRA_OBJECT.into(), json!({"product": "another-itsm", "build": 8042, "features": [{"id": 1}]}));
        }
        add_extra_members(body);
    }
}

fn shape_object(freedoms: &FreedomSet, path: &str, status: u16, obj: &mut Map<String, Value>) {
    let success = status == 200;
    if success && freedoms.has(FreedomKind::RequestFlat) {
        flatten_request(path, obj);
    }
    if success && freedoms.has(FreedomKind::OccurrenceDataKey) {
        rename_occurrence_dates(path, obj);
    }
    if success && freedoms.has(FreedomKind::AmountZero) && AMOUNT_PATHS.contains(&path) && obj.contains_key("amount") {
        obj.insert("amount".into(), Value::from(0));
    }
    if success && freedoms.has(FreedomKind::NullEmptyLists) {
        for (list_path, key) in NULLABLE_LISTS {
            if list_path == path && obj.get(key).and_then(Value::as_array).is_some_and(Vec::is_empty) {
                obj.insert(key.into(), Value::Null);
            }
        }
    }
    if let Some(items) = obj.get_mut("notifications").and_then(Value::as_array_mut) {
        for (i, item) in items.iter_mut().filter_map(Value::as_object_mut).enumerate() {
            if freedoms.has(FreedomKind::EndSlaNull) && item.contains_key("endSLA") {
                // Both forms the product sends (facts §5): null, and the text "null".
                item.insert("endSLA".into(), if i % 2 == 0 { Value::Null } else { Value::from("null") });
            }
            if freedoms.has(FreedomKind::NoV2Extras) {
                V2_EXTRAS.iter().for_each(|k| {
                    item.remove(*k);
                });
            }
        }
    }
    if freedoms.has(FreedomKind::EndSlaNull) && path == "/mobile/v2/notification/getById" {
        if let Some(detail) = obj.get_mut("notification").and_then(Value::as_object_mut) {
            detail.insert("endSLA".into(), Value::from("null"));
        }
    }
    let failed = status == 412 && obj.get("error").is_some_and(|e| !e.is_null());
    if failed && freedoms.has(FreedomKind::FailureNoEnvelope) {
        obj.remove("dateTime");
        obj.remove("operationID");
    }
    if status >= 400 && freedoms.has(FreedomKind::NullDescriptions) {
        if let Some(error) = obj.get_mut("error").and_then(Value::as_object_mut) {
            error.insert("description".into(), Value::Null);
        }
    }
    if freedoms.has(FreedomKind::DateTimeIso) {
        if let Some(ms) = obj.get("dateTime").and_then(Value::as_i64) {
            obj.insert("dateTime".into(), Value::from(crate::time::iso(ms)));
            obj.insert("dateTimeMilliseconds".into(), Value::from(ms));
        }
    }
}

/// `request-flat`: the request's fields at the top level (the table's form) with an integer
/// `number`; list items with integer numbers; createOccurrence's fields under `occurrence`.
fn flatten_request(path: &str, obj: &mut Map<String, Value>) {
    if REQUEST_PATHS.contains(&path) {
        if let Some(Value::Object(request)) = obj.remove("request") {
            for (key, value) in request {
                obj.entry(key).or_insert(value);
            }
            number_to_integer(obj);
        }
    } else if REQUEST_LISTS.contains(&path) {
        for item in obj.get_mut("requests").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(item) = item.as_object_mut() {
                number_to_integer(item);
            }
        }
    } else if path == CREATE_OCCURRENCE {
        let envelope = ["dateTime", "operationID", "error"];
        let fields: Vec<String> = obj.keys().filter(|k| !envelope.contains(&k.as_str())).cloned().collect();
        let occurrence: Map<String, Value> =
            fields.iter().filter_map(|k| obj.remove(k).map(|v| (k.clone(), v))).collect();
        obj.insert("occurrence".into(), Value::Object(occurrence));
    }
}

fn number_to_integer(obj: &mut Map<String, Value>) {
    if let Some(n) = obj.get("number").and_then(Value::as_str).and_then(|s| s.parse::<i64>().ok()) {
        obj.insert("number".into(), Value::from(n));
    }
}

/// `occurrence-data-key`: the table's `Data` for the occurrence's date, wherever an occurrence is
/// answered (createOccurrence, at the top level or under `occurrence`, and the `logs` lists).
fn rename_occurrence_dates(path: &str, obj: &mut Map<String, Value>) {
    let rename = |o: &mut Map<String, Value>| {
        if let Some(date) = o.remove("date") {
            o.insert("data".into(), date);
        }
    };
    if path == CREATE_OCCURRENCE {
        match obj.get_mut("occurrence").and_then(Value::as_object_mut) {
            Some(occurrence) => rename(occurrence),
            None => rename(obj),
        }
    } else if OCCURRENCE_LISTS.contains(&path) {
        for log in obj.get_mut("logs").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(log) = log.as_object_mut() {
                rename(log);
            }
        }
    }
}

/// `extra-fields`: an unknown member in every object of the answer, list items included.
fn add_extra_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(add_extra_members);
            map.insert(EXTRA_MEMBER.into(), Value::from("extra"));
        }
        Value::Array(items) => items.iter_mut().for_each(add_extra_members),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_any_order_key_is_fixed_and_not_the_number_order() {
        let freedoms = FreedomSet::new([FreedomKind::AnyOrder, FreedomKind::OldestFirst]);
        let keys: Vec<i64> = (1000..1020).map(|n| list_key(&freedoms, n, n + 4000).unwrap().0).collect();
        let again: Vec<i64> = (1000..1020).map(|n| list_key(&freedoms, n, n + 4000).unwrap().0).collect();
        assert_eq!(keys, again);
        assert!(keys.windows(2).any(|w| w[0] < w[1]) && keys.windows(2).any(|w| w[0] > w[1]));
        let oldest = FreedomSet::new([FreedomKind::OldestFirst]);
        assert_eq!(list_key(&oldest, 7, 9), Some((7, 9)));
        assert_eq!(list_key(&FreedomSet::default(), 7, 9), None);
    }

    #[test]
    fn a_request_answer_flattens_with_an_integer_number() {
        let mut obj =
            json!({"request": {"number": "1042", "description": "x"}, "error": null}).as_object().cloned().unwrap();
        flatten_request("/services/request/getById", &mut obj);
        assert_eq!(Value::Object(obj), json!({"number": 1042, "description": "x", "error": null}));
        let mut occurrence = json!({"number": "3", "date": "d", "error": null}).as_object().cloned().unwrap();
        flatten_request(CREATE_OCCURRENCE, &mut occurrence);
        rename_occurrence_dates(CREATE_OCCURRENCE, &mut occurrence);
        assert_eq!(Value::Object(occurrence), json!({"error": null, "occurrence": {"number": "3", "data": "d"}}));
    }
}
