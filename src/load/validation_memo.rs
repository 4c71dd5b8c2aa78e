//! Full schema validation of every response under load, paid once per distinct document.
//!
//! Validating needs the whole `Value` tree, and building it costs several times the schema walk
//! (a 10 KB list is ~50 µs of the generator's one core). Under load the same documents come back
//! again and again (the technician's list, a task's detail, an action's envelope), differing only
//! in the envelope's `dateTime` and `operationID`. A verdict is a pure function of the document, so
//! this remembers it under a 128-bit hash of the document's top-level members; where the spec
//! constrains those two members by kind only (integer, non-empty string), their values are hashed
//! by kind, so a new `operationID` still finds the verdict. Anything else (a longer number, an
//! empty string, an object) is hashed as it is. The guard in `maskable` keeps this exact: when the
//! spec's envelope definitions are not the kind-only ones below, nothing is masked.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use parking_lot::Mutex;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use xxhash_rust::xxh3::Xxh3;

use crate::spec::Spec;

/// What is remembered of a document: its schema violations (offending values dropped, they are
/// not needed to judge) and the answers of the reads that keyed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Remembered {
    pub violations: Vec<crate::schema::Violation>,
    pub found: Vec<Option<Value>>,
}

/// The members a document's key hashes by kind, with their values in this document: a remembered
/// answer of another document must not stand in for them (GEN-ENV-003 and GEN-ENV-005 judge them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Masked {
    pub date_time: Option<Value>,
    pub operation_id: Option<Value>,
}

/// Past this many distinct documents the memo starts again (memory stays bounded).
const CAPACITY: usize = 10_000;

pub struct ValidationMemo {
    /// Endpoints whose response schema constrains `dateTime` and `operationID` only by kind.
    maskable: BTreeSet<String>,
    seen: Mutex<HashMap<u128, Remembered>>,
    /// Per run, so a target cannot aim documents at each other's keys.
    seed: u64,
}

impl ValidationMemo {
    /// The envelope members hashed by kind where the spec allows it.
    pub const MASKED: [&'static str; 2] = ["dateTime", "operationID"];

    pub fn new(spec: &Spec) -> Self {
        Self { maskable: maskable(spec), seen: Mutex::new(HashMap::new()), seed: rand::random() }
    }

    pub fn is_maskable(&self, endpoint: &str) -> bool {
        self.maskable.contains(endpoint)
    }

    /// The key of a response body read by the reads `salt` names, and the values of the members
    /// it masked; `None` when it is not JSON (it is then parsed and fails).
    pub fn key(&self, endpoint: &str, salt: u64, body: &[u8]) -> Option<(u128, Masked)> {
        let mut hasher = Xxh3::with_seed(self.seed);
        let mut feed = |bytes: &[u8]| hasher.update(bytes);
        feed(endpoint.as_bytes());
        feed(&[0]);
        feed(&salt.to_le_bytes());
        let mut de = serde_json::Deserializer::from_slice(body);
        let members = de.deserialize_any(TopLevel).ok()?;
        de.end().ok()?;
        let mut masked = Masked::default();
        match members {
            None => feed(body),
            Some(members) => {
                let mask = self.is_maskable(endpoint);
                for (name, raw) in &members {
                    feed(name.as_bytes());
                    feed(&[0]);
                    match kind(raw.get()) {
                        Some(k) if mask && Self::MASKED.contains(&name.as_str()) => {
                            feed(k.as_bytes());
                            let value = serde_json::from_str(raw.get()).ok();
                            if name == "dateTime" {
                                masked.date_time = value;
                            } else {
                                masked.operation_id = value;
                            }
                        }
                        _ => feed(raw.get().as_bytes()),
                    }
                    feed(&[0]);
                }
            }
        }
        Some((hasher.digest128(), masked))
    }

    pub fn get(&self, key: u128) -> Option<Remembered> {
        self.seen.lock().get(&key).cloned()
    }

    pub fn put(&self, key: u128, remembered: Remembered) {
        let mut seen = self.seen.lock();
        if seen.len() >= CAPACITY {
            seen.clear();
        }
        seen.insert(key, remembered);
    }
}

/// The kind of a raw JSON value when it is one the envelope schemas tell apart by kind alone:
/// a plain integer literal that fits i64, or a non-empty string. `None`: hash the value as is.
fn kind(raw: &str) -> Option<&'static str> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|c| c.is_ascii_digit()) {
        return Some("\u{1}integer");
    }
    // Any escape decodes to at least one character, so only `""` is the empty string.
    if raw.len() > 2 && raw.starts_with('"') {
        return Some("\u{1}non-empty string");
    }
    None
}

/// The endpoints where masking is exact: the response is `allOf[successEnvelope, rest]`, `rest`
/// never names the two members, and the envelope's definitions of them are the kind-only ones.
fn maskable(spec: &Spec) -> BTreeSet<String> {
    let strip = |v: Option<&Value>| {
        v.cloned().map(|mut v| {
            if let Some(m) = v.as_object_mut() {
                m.remove("description");
                m.remove("x-requirement");
            }
            v
        })
    };
    let envelope_ok = strip(spec.defs.get("responseDateTime"))
        == Some(json!({"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}]}))
        && strip(spec.defs.get("operationID")) == Some(json!({"type": "integer"}))
        && spec.defs.get("successEnvelope").and_then(|e| e.pointer("/properties"))
            == Some(&json!({
                "dateTime": {"$ref": "#/$defs/responseDateTime"},
                "operationID": {"$ref": "#/$defs/operationID"},
                "error": {"type": "null", "x-requirement": "GEN-ENV-006"}
            }));
    if !envelope_ok {
        return BTreeSet::new();
    }
    spec.endpoints
        .iter()
        .filter(|e| {
            let Some(parts) = e.response.get("allOf").and_then(Value::as_array) else { return false };
            let first = parts.first().and_then(|p| p.get("$ref")).and_then(Value::as_str);
            let rest = Value::Array(parts[1..].to_vec()).to_string();
            first == Some("#/$defs/successEnvelope")
                && ValidationMemo::MASKED.iter().all(|m| !rest.contains(&format!("\"{m}\"")))
        })
        .map(|e| e.path.clone())
        .collect()
}

/// A document's top-level members as raw text, in order; `None` when it is not an object.
struct TopLevel;

type Members<'de> = Vec<(String, &'de RawValue)>;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Option<Members<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            members.push((name, map.next_value::<&'de RawValue>()?));
        }
        Ok(Some(members))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{SchemaRegistry, Side};

    fn registry() -> std::sync::Arc<SchemaRegistry> {
        crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap().0
    }

    type Verdict = Vec<String>;

    /// The requirements a document breaks: what the memo stands in for.
    fn verdict(registry: &SchemaRegistry, path: &str, body: &Value) -> Verdict {
        registry.check(path, Side::Response, body).into_iter().map(|v| v.requirement).collect()
    }

    #[test]
    fn the_shipped_spec_masks_the_envelope_of_most_endpoints() {
        let registry = registry();
        let memo = ValidationMemo::new(registry.spec());
        assert!(memo.is_maskable("/mobile/v2/notification/getNewest"));
        assert!(!memo.is_maskable("/services/login"), "logins have no envelope");
        assert!(memo.maskable.len() >= 30, "{}", memo.maskable.len());
    }

    #[test]
    fn documents_with_the_same_key_have_the_same_verdict() {
        // For every endpoint's example and variants of its envelope, any two documents that share
        // a key get the same verdict from a full validation: the memo never changes an answer.
        let registry = registry();
        let memo = ValidationMemo::new(registry.spec());
        let envelope_values = [
            json!(1_764_000_000_000_i64),
            json!(7),
            json!(-3),
            json!("2026-11-28T00:00:00Z"),
            json!("x"),
            json!(""),
            json!(1.5),
            json!(1.0),
            json!(99_999_999_999_999_999_999_u128 as f64),
            json!(null),
            json!(true),
            json!({"a": 1}),
            json!([1]),
        ];
        let mut compared = 0;
        for endpoint in &registry.spec().endpoints {
            let example = &endpoint.examples.response;
            let mut docs = vec![example.clone()];
            if example.is_object() {
                for member in ValidationMemo::MASKED {
                    for v in &envelope_values {
                        let mut d = example.clone();
                        d[member] = v.clone();
                        docs.push(d);
                    }
                    let mut d = example.clone();
                    d.as_object_mut().unwrap().remove(member);
                    docs.push(d);
                }
            }
            let mut by_key: HashMap<u128, (Verdict, String)> = HashMap::new();
            for d in &docs {
                let text = d.to_string();
                let (key, masked) = memo.key(&endpoint.path, 0, text.as_bytes()).unwrap();
                // The masked members come back as they are in this document.
                if memo.is_maskable(&endpoint.path) {
                    assert_eq!(
                        masked.operation_id.as_ref(),
                        d.get("operationID").filter(|_| masked.operation_id.is_some())
                    );
                }
                let v = verdict(&registry, &endpoint.path, d);
                if let Some((seen, first)) = by_key.get(&key) {
                    assert_eq!(seen, &v, "{}: {first} and {text} share a key", endpoint.path);
                    compared += 1;
                } else {
                    by_key.insert(key, (v, text));
                }
            }
            if memo.is_maskable(&endpoint.path) {
                // A fresh operationID or dateTime of the same kind finds the verdict.
                assert!(by_key.len() < docs.len(), "{}", endpoint.path);
            }
        }
        assert!(compared > 100, "{compared}");
    }

    #[test]
    fn anything_else_changes_the_key() {
        let registry = registry();
        let memo = ValidationMemo::new(registry.spec());
        let path = "/mobile/v2/notification/getNewest";
        let key = |v: &Value| memo.key(path, 0, v.to_string().as_bytes()).unwrap().0;
        let base = json!({"notifications": [{"taskId": 1}], "dateTime": 1, "operationID": 2, "error": null});
        for other in [
            json!({"notifications": [{"taskId": 2}], "dateTime": 1, "operationID": 2, "error": null}),
            json!({"notifications": [{"taskId": 1}], "dateTime": 1, "operationID": 2, "error": {}}),
            json!({"notifications": [{"taskId": 1}], "dateTime": 1, "operationID": "2", "error": null}),
            json!({"notifications": [{"taskId": 1}], "dateTime": 1, "error": null}),
            json!({"notifications": [{"taskId": 1}], "dateTime": 1, "operationID": 2, "error": null, "x": 1}),
        ] {
            assert_ne!(key(&base), key(&other), "{other}");
        }
        // The same document elsewhere is another document.
        let k = |path: &str, salt: u64| memo.key(path, salt, base.to_string().as_bytes()).map(|k| k.0);
        assert_ne!(k(path, 0), k("/mobile/v2/notification/getOldest", 0));
        // The same document read by other reads is another entry.
        assert_ne!(k(path, 0), k(path, 1));
        assert_eq!(memo.key(path, 0, b"{\"a\": "), None);
        assert!(memo.key(path, 0, b"[1, 2]").is_some());
    }

    #[test]
    fn a_spec_with_other_envelope_rules_masks_nothing() {
        let registry = registry();
        let mut spec = (**registry.spec()).clone();
        spec.defs.insert("operationID".into(), json!({"type": "integer", "minimum": 1}));
        assert!(ValidationMemo::new(&spec).maskable.is_empty());
    }
}
