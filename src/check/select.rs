//! Values of a response picked by data, not by position: the pointers of suite captures and checks.
//!
//! ```text
//! /notifications/0/taskId                 a JSON pointer
//! /request/number|/number                 alternatives: the first that has a non-null value
//! /status[id=4]/justifications/0/id       the first item of /status whose id is 4
//! /notifications[taskId=123]/inChekin     (numbers and numeric strings compare by value)
//! /notifications[type>0,type<6]/type      conditions: = != > < >= <=, all of them (comma)
//! max:/notifications/*/number             the largest number of every item (the newest request)
//! min:/notifications/*/number             the smallest; count:/notifications/* counts items
//! ```
//!
//! Checks and captures must not rest on an order the sources do not give (STYLE: checks from data,
//! never from positions): `max:` finds the newest request whatever order the target lists it in.

use serde_json::Value;

/// The value a pointer selects, cloned; `None` when nothing is there.
pub fn select(body: &Value, pointer: &str) -> Option<Value> {
    let alternatives: Vec<&str> = pointer.split('|').map(str::trim).collect();
    // A non-null value in any alternative wins over a null one (two response forms, one of which
    // carries the member as null).
    let values: Vec<Option<Value>> = alternatives.iter().map(|alt| select_one(body, alt)).collect();
    values.iter().flatten().find(|v| !v.is_null()).cloned().or_else(|| values.into_iter().flatten().next())
}

/// Whether a pointer uses the selector syntax (anything beyond a plain JSON pointer).
pub fn is_selector(pointer: &str) -> bool {
    pointer.contains(['|', '[', '*']) || pointer.contains(':')
}

#[derive(Clone, Copy)]
enum Aggregate {
    Max,
    Min,
    Count,
}

fn select_one(body: &Value, alternative: &str) -> Option<Value> {
    let (aggregate, path) = match alternative.split_once(':') {
        Some(("max", p)) => (Some(Aggregate::Max), p),
        Some(("min", p)) => (Some(Aggregate::Min), p),
        Some(("count", p)) => (Some(Aggregate::Count), p),
        _ => (None, alternative),
    };
    let found = walk(body, path);
    match aggregate {
        None => found.into_iter().next().cloned(),
        Some(Aggregate::Count) => Some(Value::from(found.len())),
        Some(agg) => {
            let numbered = found.into_iter().filter_map(|v| number(v).map(|n| (n, v)));
            let best = match agg {
                Aggregate::Max => numbered.max_by(|a, b| a.0.total_cmp(&b.0)),
                _ => numbered.min_by(|a, b| a.0.total_cmp(&b.0)),
            };
            best.map(|(_, v)| v.clone())
        }
    }
}

/// Every value the path reaches (more than one only through `*`).
fn walk<'v>(body: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut current = vec![body];
    if path.is_empty() {
        return current;
    }
    let Some(rest) = path.strip_prefix('/') else { return Vec::new() };
    for raw in rest.split('/') {
        let (name, filter) = match raw.find('[') {
            Some(i) if raw.ends_with(']') => (&raw[..i], Some(&raw[i + 1..raw.len() - 1])),
            _ => (raw, None),
        };
        let mut next = Vec::new();
        for value in current {
            let target = if name.is_empty() && filter.is_some() {
                Some(value)
            } else if name == "*" {
                match value {
                    Value::Array(items) => {
                        next.extend(items.iter());
                        continue;
                    }
                    Value::Object(map) => {
                        next.extend(map.values());
                        continue;
                    }
                    _ => None,
                }
            } else {
                child(value, &unescape(name))
            };
            let Some(target) = target else { continue };
            match filter {
                None => next.push(target),
                Some(condition) => {
                    if let Some(item) = target.as_array().and_then(|items| items.iter().find(|i| matches(i, condition)))
                    {
                        next.push(item);
                    }
                }
            }
        }
        current = next;
    }
    current
}

fn child<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(name),
        Value::Array(items) => name.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `field=value,field>value …`: every condition holds for the item (values are JSON literals, or
/// else text; `>`/`<` compare numbers).
fn matches(item: &Value, conditions: &str) -> bool {
    conditions.split(',').all(|condition| {
        let Some(at) = condition.find(['=', '!', '<', '>']) else { return false };
        let field = condition[..at].trim();
        let rest = &condition[at..];
        let (op, literal) = ["!=", ">=", "<=", "=", ">", "<"]
            .iter()
            .find_map(|op| rest.strip_prefix(op).map(|l| (*op, l.trim())))
            .unwrap_or(("", ""));
        let wanted: Value = serde_json::from_str(literal).unwrap_or_else(|_| Value::String(literal.into()));
        let Some(value) = item.get(field) else { return false };
        let ordered = || number(value).zip(number(&wanted));
        match op {
            "=" => same(value, &wanted),
            "!=" => !same(value, &wanted),
            ">" => ordered().is_some_and(|(a, b)| a > b),
            "<" => ordered().is_some_and(|(a, b)| a < b),
            ">=" => ordered().is_some_and(|(a, b)| a >= b),
            "<=" => ordered().is_some_and(|(a, b)| a <= b),
            _ => false,
        }
    })
}

/// Numbers and numeric strings compare by value (`"123"` = `123`); everything else exactly.
pub fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    matches!((number(a), number(b)), (Some(x), Some(y)) if x == y)
}

pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_pointers_and_alternatives() {
        let body = json!({"request": {"number": null}, "number": "12", "list": [1, 2]});
        assert_eq!(select(&body, "/list/1"), Some(json!(2)));
        assert_eq!(select(&body, "/request/number|/number"), Some(json!("12")));
        assert_eq!(select(&body, "/request/number"), Some(Value::Null));
        assert_eq!(select(&body, "/missing"), None);
        assert_eq!(select(&body, ""), Some(body.clone()));
    }

    #[test]
    fn items_are_found_by_their_fields_not_their_position() {
        let body = json!({"status": [
            {"id": 3, "description": "Cancelada"},
            {"id": 4, "justifications": [{"id": 77}]},
            {"id": 2, "justifications": []}
        ]});
        assert_eq!(select(&body, "/status[id=4]/justifications/0/id"), Some(json!(77)));
        assert_eq!(select(&body, "/status[id=\"4\"]/justifications/0/id"), Some(json!(77)));
        assert_eq!(select(&body, "/status[id=2]/justifications"), Some(json!([])));
        assert_eq!(select(&body, "/status[id=9]/justifications"), None);
        assert_eq!(select(&body, "/status[description=Cancelada]/id"), Some(json!(3)));
        assert_eq!(select(&body, "/status[id>2,id<4]/id"), Some(json!(3)));
        assert_eq!(select(&body, "/status[id!=3]/id"), Some(json!(4)));
        assert_eq!(select(&body, "/status[id>=4]/justifications/0/id"), Some(json!(77)));
    }

    #[test]
    fn the_newest_is_the_highest_number_in_any_order() {
        let body = json!({"notifications": [{"number": 5}, {"number": "12"}, {"number": 7}]});
        assert_eq!(select(&body, "max:/notifications/*/number"), Some(json!("12")));
        assert_eq!(select(&body, "min:/notifications/*/number"), Some(json!(5)));
        assert_eq!(select(&body, "count:/notifications/*"), Some(json!(3)));
        assert_eq!(select(&json!({"notifications": []}), "max:/notifications/*/number"), None);
        assert!(is_selector("max:/a/*/b") && is_selector("/a[b=1]") && !is_selector("/a/0/b"));
    }
}
