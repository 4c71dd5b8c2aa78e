//! The response as the engine sees it: a status, a content type, and values at pointers. Two
//! implementations give the same answers: the whole document (`run`, and sampled responses under
//! load) and a sparse read of the members a step declared (the load generator's fast path).

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::select::select;

/// What a response's body is, as far as the engine cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Not JSON (or cut short): only status and content type can be checked.
    NotJson,
    /// A JSON object (the shape of every envelope and error of the API).
    Object,
    /// JSON of another kind (a bare array, as getJustificativas answers).
    OtherJson,
}

pub trait ResponseView {
    fn status(&self) -> u16;
    fn content_type(&self) -> &str;
    fn body(&self) -> Body;
    /// The value at `pointer` (a pointer the compiled step reads; the full view answers any).
    fn get(&self, pointer: &str) -> Option<Cow<'_, Value>>;
    /// The whole document, when it was parsed (schema validation and reach need it).
    fn document(&self) -> Option<&Value>;
}

/// A parsed response.
pub struct FullView<'a> {
    pub status: u16,
    pub content_type: &'a str,
    pub document: Option<&'a Value>,
}

impl ResponseView for FullView<'_> {
    fn status(&self) -> u16 {
        self.status
    }
    fn content_type(&self) -> &str {
        self.content_type
    }
    fn body(&self) -> Body {
        match self.document {
            None => Body::NotJson,
            Some(Value::Object(_)) => Body::Object,
            Some(_) => Body::OtherJson,
        }
    }
    fn get(&self, pointer: &str) -> Option<Cow<'_, Value>> {
        let document = self.document?;
        // Plain pointers are looked up in place; selectors (`max:`, `[id=4]`, `a|b`) compute.
        if super::select::is_selector(pointer) {
            select(document, pointer).map(Cow::Owned)
        } else {
            document.pointer(pointer).map(Cow::Borrowed)
        }
    }
    fn document(&self) -> Option<&Value> {
        self.document
    }
}

/// A response read sparsely: the answers of the step's declared pointers, slot by slot.
pub struct SparseView<'a> {
    pub status: u16,
    pub content_type: &'a str,
    pub body: Body,
    pub slots: &'a HashMap<String, usize>,
    pub answers: &'a [Option<Value>],
}

impl ResponseView for SparseView<'_> {
    fn status(&self) -> u16 {
        self.status
    }
    fn content_type(&self) -> &str {
        self.content_type
    }
    fn body(&self) -> Body {
        self.body
    }
    fn get(&self, pointer: &str) -> Option<Cow<'_, Value>> {
        let slot = *self.slots.get(pointer)?;
        self.answers.get(slot)?.as_ref().map(Cow::Borrowed)
    }
    fn document(&self) -> Option<&Value> {
        None
    }
}

/// What kind of body the bytes are, without parsing them: the first significant byte.
pub fn body_kind(bytes: &[u8], parses: bool) -> Body {
    if !parses {
        return Body::NotJson;
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Body::Object,
        _ => Body::OtherJson,
    }
}
