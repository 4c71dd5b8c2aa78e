//! The XML bodies of `/services/xml/*` mapped onto JSON (specs/DECISIONS.md D-XML): an element
//! becomes a property named after it with the first letter lower-cased; an element with child
//! elements becomes an object, a leaf its text as a string. Attributes and the root name are ignored.

use serde_json::{Map, Value};

/// Deeper documents are refused: the mapping recurses, and a hostile body of 100 000 nested
/// elements would otherwise overflow the stack (the JSON parser has the same kind of limit, 128).
pub const MAX_DEPTH: usize = 64;

/// The JSON twin of an XML document, or a message saying why the XML is not acceptable.
pub fn xml_to_json(xml: &str) -> Result<Value, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("malformed XML: {e}"))?;
    element_to_json(doc.root_element(), 1)
}

fn element_to_json(node: roxmltree::Node<'_, '_>, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("XML nested deeper than {MAX_DEPTH} elements"));
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
        assert!(xml_to_json("<Login><UserName>").unwrap_err().starts_with("malformed XML"));
    }
}
