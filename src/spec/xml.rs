//! The XML bodies of `/services/xml/*` mapped onto JSON (specs/DECISIONS.md D-XML): an element
//! becomes a property named after it with the first letter lower-cased; an element with child
//! elements becomes an object, a leaf its text as a string. Attributes and the root name are ignored.

use serde_json::{Map, Value};

/// Deeper documents are refused: the mapping recurses, and a hostile body of 100 000 nested
/// elements would otherwise overflow the stack (the JSON parser has the same kind of limit, 128).
pub const MAX_DEPTH: usize = 64;

/// Why an XML body is not acceptable. (Like every error of the crate, its message carries its
/// cause's text on one line, so the cause is data here, not also a `source` to print twice.)
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum XmlError {
    /// Not well-formed XML: roxmltree's account of where and why.
    #[error("malformed XML: {0}")]
    Malformed(roxmltree::Error),
    /// Nested deeper than [`MAX_DEPTH`] elements.
    #[error("XML nested deeper than {MAX_DEPTH} elements")]
    TooDeep,
    /// A body whose bytes are not UTF-8 text.
    #[error("XML body is not valid UTF-8")]
    NotUtf8,
}

/// The JSON twin of an XML document, or why the XML is not acceptable.
pub fn xml_to_json(xml: &str) -> Result<Value, XmlError> {
    let doc = roxmltree::Document::parse(xml).map_err(XmlError::Malformed)?;
    element_to_json(doc.root_element(), 1)
}

/// [`xml_to_json`] of a request body as received: bytes that must first be UTF-8 text.
pub fn body_to_json(body: &[u8]) -> Result<Value, XmlError> {
    std::str::from_utf8(body).map_err(|_| XmlError::NotUtf8).and_then(xml_to_json)
}

fn element_to_json(node: roxmltree::Node<'_, '_>, depth: usize) -> Result<Value, XmlError> {
    if depth > MAX_DEPTH {
        return Err(XmlError::TooDeep);
    }
    let children: Vec<_> = node.children().filter(|c| c.is_element()).collect();
    if children.is_empty() {
        return Ok(Value::String(node.text().unwrap_or("").trim().to_string()));
    }
    let mut map = Map::new();
    for child in children {
        map.insert(json_name(child.tag_name().name()), element_to_json(child, depth + 1)?);
    }
    Ok(Value::Object(map))
}

/// `SessionID` → `sessionID`, `UserName` → `userName`.
pub fn json_name(element: &str) -> String {
    let mut chars = element.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `sessionID` → `SessionID`: the XML element name for a JSON property.
pub fn xml_name(property: &str) -> String {
    let mut chars = property.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Renders a JSON object as the XML a client would send (`root` is the document element).
pub fn json_to_xml(root: &str, value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    write_element(&mut out, root, value);
    out
}

fn write_element(out: &mut String, name: &str, value: &Value) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if !v.is_null() {
                    write_element(out, &xml_name(k), v);
                }
            }
        }
        Value::String(s) => escape_into(out, s),
        Value::Null => {}
        other => escape_into(out, &other.to_string()),
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_elements_to_lower_camel_properties() {
        let xml = "<Login><UserName>ana</UserName><Password>x&amp;y</Password></Login>";
        assert_eq!(xml_to_json(xml).unwrap(), json!({"userName": "ana", "password": "x&y"}));
    }

    #[test]
    fn nested_elements_become_objects_and_round_trip() {
        let value =
            json!({"sessionID": "S1", "serviceRequestSource": {"number": "10", "contact": {"name": "Ana <A>"}}});
        let xml = json_to_xml("AddServiceRequest", &value);
        assert!(xml.contains("<SessionID>S1</SessionID>"));
        assert_eq!(xml_to_json(&xml).unwrap(), value);
    }

    #[test]
    fn malformed_xml_is_an_error_not_a_panic() {
        let malformed = xml_to_json("<Login><UserName>").unwrap_err();
        assert!(matches!(malformed, XmlError::Malformed(_)), "{malformed:?}");
        assert!(malformed.to_string().starts_with("malformed XML: "), "{malformed}");
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert_eq!(xml_to_json(&deep), Err(XmlError::TooDeep));
        assert_eq!(body_to_json(b"<a>\xff</a>"), Err(XmlError::NotUtf8));
        assert_eq!(XmlError::NotUtf8.to_string(), "XML body is not valid UTF-8");
        assert_eq!(XmlError::TooDeep.to_string(), format!("XML nested deeper than {MAX_DEPTH} elements"));
    }
}
