//! Which requirement annotations (`x-requirement`) of a schema one document actually exercised.
//!
//! A validator says whether a document is valid, not what it checked: a document without the
//! optional member `inChekin`, or with an empty `notifications` list, is valid while no check of
//! `inChekin` or of a list item ever ran. Counting such a requirement as verified would let a PASS
//! rest on nothing, so this walks the schema along the document and sorts every annotation into
//! reached (its node applied to some part of the document) or not reached, with why: the list was
//! empty (the target lacked data), the member was absent or the document took another form the
//! schema allows (the requirement does not apply).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::spec::pointer::resolve_ref;

/// Why an annotation applied to nothing in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreached {
    /// The array at this instance pointer had no item.
    EmptyList(String),
    /// This optional member (instance pointer, `*` for every item) was absent.
    Absent(String),
    /// The document took another form the schema allows at this instance pointer (another
    /// `anyOf` branch, or a type such as null where the annotated node applies to objects).
    OtherForm(String),
}

impl Unreached {
    /// An empty list is a lack of data; an absent optional member or another allowed form means
    /// the requirement does not apply to this document.
    pub fn lacks_data(&self) -> bool {
        matches!(self, Unreached::EmptyList(_))
    }

    pub fn describe(&self) -> String {
        match self {
            Unreached::EmptyList(at) => format!("the list at {} was empty", shown(at)),
            Unreached::Absent(at) => format!("the optional member {} was absent", shown(at)),
            Unreached::OtherForm(at) => format!("the answer took another form the spec allows at {}", shown(at)),
        }
    }
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "/"
    } else {
        pointer
    }
}

/// What one document exercised of a schema's annotations.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reach {
    pub reached: BTreeSet<String>,
    /// Annotations that applied to nothing, with the reason met first. Never holds a reached one.
    pub unreached: BTreeMap<String, Unreached>,
}

impl Reach {
    fn reach(&mut self, id: &str) {
        self.unreached.remove(id);
        self.reached.insert(id.to_string());
    }

    /// Another form beats an absent member beats an empty list: see [`Unreached::lacks_data`].
    fn miss(&mut self, id: &str, why: &Unreached) {
        if self.reached.contains(id) {
            return;
        }
        let rank = |u: &Unreached| match u {
            Unreached::OtherForm(_) => 0,
            Unreached::Absent(_) => 1,
            Unreached::EmptyList(_) => 2,
        };
        match self.unreached.get(id) {
            Some(existing) if rank(existing) <= rank(why) => {}
            _ => {
                self.unreached.insert(id.to_string(), why.clone());
            }
        }
    }
}

/// Deep enough for every schema of the spec; a guard against a `$ref` cycle in a broken one.
const MAX_DEPTH: usize = 64;

/// Walks `schema` along `document`. `defs` resolves `#/$defs/NAME` references; `branch_valid`
/// tells whether the document part is valid under the subschema at a schema location (`/anyOf/1`
/// from the root, or `/$defs/NAME/anyOf/0` inside a definition), for `anyOf` and `if`.
pub fn reach(
    schema: &Value,
    defs: &Map<String, Value>,
    document: &Value,
    branch_valid: &mut dyn FnMut(&str, &Value) -> bool,
) -> Reach {
    let mut walker = Walker { defs, branch_valid, out: Reach::default() };
    walker.applied(schema, "", document, "", 0);
    walker.out
}

struct Walker<'a, 'f> {
    defs: &'a Map<String, Value>,
    branch_valid: &'f mut dyn FnMut(&str, &Value) -> bool,
    out: Reach,
}

impl<'a> Walker<'a, '_> {
    /// `schema` (at schema location `location`) applies to `instance` (at instance pointer `at`).
    fn applied(&mut self, schema: &Value, location: &str, instance: &Value, at: &str, depth: usize) {
        let Some(node) = schema.as_object().filter(|_| depth < MAX_DEPTH) else { return };
        if let Some(id) = node.get("x-requirement").and_then(Value::as_str) {
            self.out.reach(id);
        }
        if let Some((target, target_location)) = self.reference(node) {
            self.applied(target, &target_location, instance, at, depth + 1);
        }
        for (i, sub) in node.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
            self.applied(sub, &format!("{location}/allOf/{i}"), instance, at, depth + 1);
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(branches) = node.get(keyword).and_then(Value::as_array) else { continue };
            let locations: Vec<String> = (0..branches.len()).map(|i| format!("{location}/{keyword}/{i}")).collect();
            let valid: Vec<bool> = locations.iter().map(|l| (self.branch_valid)(l, instance)).collect();
            if !valid.contains(&true) {
                // No form matched: the validator reports the violation at this node; what the
                // branches would have checked is not known.
                continue;
            }
            for ((sub, l), ok) in branches.iter().zip(&locations).zip(valid) {
                if ok {
                    self.applied(sub, l, instance, at, depth + 1);
                } else {
                    self.missed(sub, &Unreached::OtherForm(at.to_string()), depth + 1);
                }
            }
        }
        if node.contains_key("if") {
            let taken = if (self.branch_valid)(&format!("{location}/if"), instance) { "then" } else { "else" };
            if let Some(sub) = node.get(taken) {
                self.applied(sub, &format!("{location}/{taken}"), instance, at, depth + 1);
            }
        }
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            match instance.as_object() {
                Some(object) => {
                    for (name, sub) in properties {
                        let child_at = format!("{at}/{}", escape(name));
                        let child_location = format!("{location}/properties/{}", escape(name));
                        match object.get(name) {
                            Some(value) => self.applied(sub, &child_location, value, &child_at, depth + 1),
                            None => self.missed(sub, &Unreached::Absent(star(&child_at)), depth + 1),
                        }
                    }
                }
                None => {
                    for sub in properties.values() {
                        self.missed(sub, &Unreached::OtherForm(star(at)), depth + 1);
                    }
                }
            }
        }
        if let Some(items) = node.get("items") {
            let item_location = format!("{location}/items");
            match instance.as_array() {
                Some(list) if list.is_empty() => self.missed(items, &Unreached::EmptyList(star(at)), depth + 1),
                Some(list) => {
                    for (i, item) in list.iter().enumerate() {
                        self.applied(items, &item_location, item, &format!("{at}/{i}"), depth + 1);
                    }
                }
                None => self.missed(items, &Unreached::OtherForm(star(at)), depth + 1),
            }
        }
    }

    /// Every annotation under `schema` applied to nothing, for `why`.
    fn missed(&mut self, schema: &Value, why: &Unreached, depth: usize) {
        let Some(node) = schema.as_object().filter(|_| depth < MAX_DEPTH) else { return };
        if let Some(id) = node.get("x-requirement").and_then(Value::as_str) {
            self.out.miss(id, why);
        }
        if let Some((target, _)) = self.reference(node) {
            self.missed(target, why, depth + 1);
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for sub in node.get(keyword).and_then(Value::as_array).into_iter().flatten() {
                self.missed(sub, why, depth + 1);
            }
        }
        for keyword in ["then", "else"] {
            if let Some(sub) = node.get(keyword) {
                self.missed(sub, why, depth + 1);
            }
        }
        for sub in node.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
            self.missed(sub, why, depth + 1);
        }
        if let Some(items) = node.get("items") {
            self.missed(items, why, depth + 1);
        }
    }

    /// The definition a `$ref` names, and its schema location.
    fn reference(&self, node: &Map<String, Value>) -> Option<(&'a Value, String)> {
        let reference = node.get("$ref")?.as_str()?;
        let target = resolve_ref(reference, self.defs)?;
        Some((target, reference.trim_start_matches('#').to_string()))
    }
}

/// `/notifications/3/taskId` → `/notifications/*/taskId`: reasons name the member, not the item.
pub fn star(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "*" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn walk(schema: &Value, defs: &Value, document: &Value) -> Reach {
        let defs = defs.as_object().cloned().unwrap_or_default();
        // Branch validity by a tiny stand-in: a branch is valid when the document has its one
        // required member, or is null for `{"type": "null"}`.
        let schema_copy = schema.clone();
        let defs_copy = defs.clone();
        let mut valid = |location: &str, instance: &Value| {
            let branch = if let Some(rest) = location.strip_prefix("/$defs/") {
                let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
                defs_copy[name].pointer(&format!("/{tail}")).cloned()
            } else {
                schema_copy.pointer(location).cloned()
            }
            .unwrap();
            match branch.get("required").and_then(Value::as_array) {
                Some(req) => req.iter().all(|r| instance.get(r.as_str().unwrap()).is_some()),
                None => branch.get("type") == Some(&json!("null")) && instance.is_null(),
            }
        };
        reach(schema, &defs, document, &mut valid)
    }

    #[test]
    fn items_of_an_empty_list_are_unreached_for_lack_of_data() {
        let defs = json!({"item": {"x-requirement": "ITEM", "properties": {"extra": {"x-requirement": "EXTRA"}}}});
        let schema = json!({"properties": {"list": {"x-requirement": "LIST", "items": {"$ref": "#/$defs/item"}}}});
        let r = walk(&schema, &defs, &json!({"list": []}));
        assert!(r.reached.contains("LIST"));
        assert_eq!(r.unreached["ITEM"], Unreached::EmptyList("/list".into()));
        assert!(r.unreached["ITEM"].lacks_data());
        let r = walk(&schema, &defs, &json!({"list": [{"a": 1}, {"extra": 2}]}));
        assert!(r.reached.contains("ITEM") && r.reached.contains("EXTRA"));
        let r = walk(&schema, &defs, &json!({"list": [{"a": 1}]}));
        assert_eq!(r.unreached["EXTRA"], Unreached::Absent("/list/*/extra".into()));
        assert!(!r.unreached["EXTRA"].lacks_data());
    }

    #[test]
    fn an_anyof_branch_not_taken_does_not_apply() {
        let schema = json!({"anyOf": [
            {"required": ["notifications"], "properties": {"notifications": {"x-requirement": "LIST-FORM"}}},
            {"required": ["code"], "x-requirement": "BARE-FORM"}
        ]});
        let r = walk(&schema, &json!({}), &json!({"code": "501"}));
        assert!(r.reached.contains("BARE-FORM"));
        assert_eq!(r.unreached["LIST-FORM"], Unreached::OtherForm(String::new()));
        // When no form matches, the validator reports it; the branches say nothing.
        let r = walk(&schema, &json!({}), &json!({"other": 1}));
        assert!(r.reached.is_empty() && r.unreached.is_empty());
    }

    #[test]
    fn a_null_where_an_object_is_allowed_is_another_form() {
        let schema = json!({"properties": {"paging": {"type": ["object", "null"], "properties": {"page": {"x-requirement": "PAGE"}}}}});
        let r = walk(&schema, &json!({}), &json!({"paging": null}));
        assert_eq!(r.unreached["PAGE"], Unreached::OtherForm("/paging".into()));
        assert_eq!(star("/notifications/12/taskId"), "/notifications/*/taskId");
    }
}
