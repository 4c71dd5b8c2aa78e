//! Reads a few members of a JSON document without building the rest.
//!
//! Under load most responses need only their envelope (`error`, `operationID`) and one or two
//! captured ids; building a whole `serde_json::Value` of a 10 KB list for that was the generator's
//! largest cost. This walks the document once with serde, descends only along the wanted JSON
//! pointers and skips everything else with `IgnoredAny` (which still checks the syntax, so a
//! malformed body is still an error).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize as _;
use serde_json::Value;

/// What to read at a JSON pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// The value, `Some(Value::Null)` when present and null, `None` when absent.
    Value,
    /// Whether the pointer names a non-empty array: `Some(Value::Bool(true))` when it does.
    NonEmptyArray,
}

#[derive(Debug, Default, Clone)]
struct Node {
    children: Vec<(String, usize)>,
    values: Vec<usize>,
    non_empty: Vec<usize>,
}

/// A set of JSON pointers compiled into a trie, built once per scenario step.
#[derive(Debug, Clone)]
pub struct Extraction {
    nodes: Vec<Node>,
    wants: usize,
}

impl Extraction {
    /// Pointers in RFC 6901 form (`/notifications/0/taskId`, `~1` and `~0` escapes).
    pub fn new<'a>(wanted: impl IntoIterator<Item = (&'a str, Want)>) -> Self {
        let mut nodes = vec![Node::default()];
        let mut wants = 0;
        for (pointer, want) in wanted {
            let mut at = 0;
            for token in pointer.split('/').skip(1) {
                let token = token.replace("~1", "/").replace("~0", "~");
                at = match nodes[at].children.iter().find(|(t, _)| *t == token) {
                    Some((_, next)) => *next,
                    None => {
                        nodes.push(Node::default());
                        let next = nodes.len() - 1;
                        nodes[at].children.push((token, next));
                        next
                    }
                };
            }
            match want {
                Want::Value => nodes[at].values.push(wants),
                Want::NonEmptyArray => nodes[at].non_empty.push(wants),
            }
            wants += 1;
        }
        Self { nodes, wants }
    }

    /// The wanted values, in the order given to `new`; an error when the body is not JSON.
    pub fn read(&self, body: &[u8]) -> Result<Vec<Option<Value>>, serde_json::Error> {
        let mut found = vec![None; self.wants];
        let mut de = serde_json::Deserializer::from_slice(body);
        At { ex: self, node: 0, found: &mut found }.deserialize(&mut de)?;
        de.end()?;
        Ok(found)
    }

    /// The wanted values of an already parsed document (what `read` gives for its text).
    pub fn answer(&self, document: &Value) -> Vec<Option<Value>> {
        let mut found = vec![None; self.wants];
        self.answer_from(0, document, &mut found);
        found
    }

    /// Answers the wants of `node` and below from an already built value.
    fn answer_from(&self, node: usize, value: &Value, found: &mut [Option<Value>]) {
        let n = &self.nodes[node];
        for &i in &n.values {
            found[i] = Some(value.clone());
        }
        for &i in &n.non_empty {
            if value.as_array().is_some_and(|a| !a.is_empty()) {
                found[i] = Some(Value::Bool(true));
            }
        }
        for (token, child) in &n.children {
            let inner = match value {
                Value::Object(map) => map.get(token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            if let Some(inner) = inner {
                self.answer_from(*child, inner, found);
            }
        }
    }
}

/// The seed for the value at one trie node.
struct At<'a> {
    ex: &'a Extraction,
    node: usize,
    found: &'a mut [Option<Value>],
}

impl<'de> DeserializeSeed<'de> for At<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let node = &self.ex.nodes[self.node];
        if !node.values.is_empty() {
            // The value itself is wanted: build it once, answer deeper pointers from it.
            let value = Value::deserialize(de)?;
            self.ex.answer_from(self.node, &value, self.found);
            Ok(())
        } else if node.children.is_empty() && node.non_empty.is_empty() {
            de.deserialize_ignored_any(IgnoredAny).map(|_| ())
        } else {
            de.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for At<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let node = &self.ex.nodes[self.node];
        while let Some(child) = map.next_key_seed(KeyMatch(&node.children))? {
            match child {
                Some(next) => map.next_value_seed(At { ex: self.ex, node: next, found: &mut *self.found })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let node = &self.ex.nodes[self.node];
        let mut index = 0usize;
        loop {
            let child = node.children.iter().find(|(t, _)| t.parse::<usize>().ok() == Some(index)).map(|(_, c)| *c);
            let more = match child {
                Some(next) => seq.next_element_seed(At { ex: self.ex, node: next, found: &mut *self.found })?.is_some(),
                None => seq.next_element::<IgnoredAny>()?.is_some(),
            };
            if !more {
                break;
            }
            if index == 0 {
                for &i in &node.non_empty {
                    self.found[i] = Some(Value::Bool(true));
                }
            }
            index += 1;
        }
        Ok(())
    }

    // Scalars: the pointer goes deeper than the document; nothing is found.
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A map key, matched against a node's child tokens without allocating: `Some(child)` or `None`.
struct KeyMatch<'a>(&'a [(String, usize)]);

impl<'de> DeserializeSeed<'de> for KeyMatch<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Option<usize>, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyMatch<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().find(|(t, _)| t == key).map(|(_, c)| *c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(pointers: &[(&str, Want)], body: &Value) -> Vec<Option<Value>> {
        Extraction::new(pointers.iter().copied()).read(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn reads_the_wanted_members_and_tells_null_from_absent() {
        let body = json!({
            "dateTime": 1, "operationID": 7, "error": null,
            "notifications": [{"taskId": 11, "number": "R1", "x": [1, {"y": 2}]}, {"taskId": 12}],
            "a/b": {"~": 3}
        });
        let got = read(
            &[
                ("/error", Want::Value),
                ("/operationID", Want::Value),
                ("/missing", Want::Value),
                ("/notifications", Want::NonEmptyArray),
                ("/notifications/0/taskId", Want::Value),
                ("/notifications/1/taskId", Want::Value),
                ("/notifications/0/x/1/y", Want::Value),
                ("/notifications/0/x/1/y/deeper", Want::Value),
                ("/a~1b/~0", Want::Value),
            ],
            &body,
        );
        assert_eq!(
            got,
            vec![
                Some(Value::Null),
                Some(json!(7)),
                None,
                Some(json!(true)),
                Some(json!(11)),
                Some(json!(12)),
                Some(json!(2)),
                None,
                Some(json!(3)),
            ]
        );
    }

    #[test]
    fn agrees_with_a_full_parse_on_every_pointer_of_a_document() {
        // Every pointer of a nested document, asked at once and one by one, gives what
        // `Value::pointer` gives, including a pointer whose prefix is also wanted.
        let body = json!({"a": [1, [2, 3], {"b": null, "c": "t"}], "d": {"e": {"f": []}}, "g": true});
        let mut pointers = Vec::new();
        fn walk(v: &Value, at: String, out: &mut Vec<String>) {
            out.push(at.clone());
            match v {
                Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, format!("{at}/{k}"), out)),
                Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| walk(v, format!("{at}/{i}"), out)),
                _ => {}
            }
        }
        walk(&body, String::new(), &mut pointers);
        pointers.retain(|p| !p.is_empty());
        let all: Vec<(&str, Want)> = pointers.iter().map(|p| (p.as_str(), Want::Value)).collect();
        let got = read(&all, &body);
        assert_eq!(got, Extraction::new(all.iter().copied()).answer(&body));
        for (p, v) in pointers.iter().zip(got) {
            assert_eq!(v.as_ref(), body.pointer(p), "{p}");
            assert_eq!(read(&[(p, Want::Value)], &body)[0].as_ref(), body.pointer(p), "{p} alone");
        }
    }

    #[test]
    fn non_empty_array_is_false_for_empty_arrays_objects_and_scalars() {
        let body = json!({"empty": [], "object": {"0": 1}, "scalar": 3, "full": [null]});
        let got = read(
            &[
                ("/empty", Want::NonEmptyArray),
                ("/object", Want::NonEmptyArray),
                ("/scalar", Want::NonEmptyArray),
                ("/none", Want::NonEmptyArray),
                ("/full", Want::NonEmptyArray),
            ],
            &body,
        );
        assert_eq!(got, vec![None, None, None, None, Some(json!(true))]);
    }

    #[test]
    fn malformed_documents_are_errors_even_where_nothing_is_wanted() {
        let ex = Extraction::new([("/error", Want::Value)]);
        for bad in [&b"{\"x\": [1, 2,, 3], \"error\": null}"[..], b"{\"error\": null} trailing", b"", b"{\"x\": tru}"] {
            assert!(ex.read(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(ex.read(b"[1, 2]").unwrap(), vec![None]);
        assert_eq!(ex.read(br#"{"e\u0072ror": 5}"#).unwrap(), vec![Some(json!(5))]);
    }
}
