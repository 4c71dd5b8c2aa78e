//! The content checks of a suite (`equals`, `some`, `each`, `page_count` …): one function per
//! check definition, on the value at its pointer. A rule about items says "not checked" rather
//! than "held" when there is nothing it could be about (an empty list, a member no item carries).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use super::rec::{short, Evidence, Rec, RecVerdict};
use super::select::{number, same};
use super::view::ResponseView;
use crate::model::Unchecked;
use crate::suite::template::{self, TemplateError, Vars};
use crate::suite::{CheckDef, CheckOp, JsonKind, SortOrder};

/// Held when `ok`, else broken with this expected and actual.
fn judged<'s>(
    requirement: &'s str,
    check: String,
    ok: bool,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Rec<'s> {
    Rec::judged(requirement, check, ok, || Evidence::new(expected, actual))
}

fn unchecked<'s>(requirement: &'s str, why: Unchecked, check: String, detail: String) -> Rec<'s> {
    Rec::unchecked(requirement, check, why, detail)
}

fn matches_fields(item: &Value, fields: &BTreeMap<String, Value>) -> bool {
    fields.iter().all(|(k, v)| item.get(k).is_some_and(|x| same(x, v)))
}

/// Why a content check could not be judged: a harness error of the step, not the target's failure.
#[derive(Debug, thiserror::Error)]
enum CheckError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A `page_count` size that renders to no positive number.
    #[error("page size {0} is not a positive number")]
    PageSize(String),
}

fn render_map(m: &BTreeMap<String, Value>, vars: &Vars) -> Result<BTreeMap<String, Value>, TemplateError> {
    m.iter().map(|(k, v)| Ok((k.clone(), template::render(v, vars)?))).collect()
}

fn json_kind(v: &Value) -> JsonKind {
    match v {
        Value::Null => JsonKind::Null,
        Value::Bool(_) => JsonKind::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => JsonKind::Integer,
        Value::Number(_) => JsonKind::Number,
        Value::String(_) => JsonKind::String,
        Value::Array(_) => JsonKind::Array,
        Value::Object(_) => JsonKind::Object,
    }
}

/// One content check of a suite on the answer.
pub fn check<'s>(check: &'s CheckDef, view: &dyn ResponseView, vars: &Vars) -> Rec<'s> {
    let pointer = match template::render(&Value::String(check.pointer.clone()), vars) {
        Ok(Value::String(p)) => p,
        _ => check.pointer.clone(),
    };
    let at = view.get(&pointer);
    let at = at.as_deref();
    let req = check.requirement.as_str();
    let name = |op: &str| format!("{} {op}", if pointer.is_empty() { "/" } else { &pointer });
    let render = |v: &Value| template::render(v, vars);
    // A null list counts as empty (Jackson writes null lists as null; specs/DECISIONS.md).
    let empty = Vec::new();
    let items = match at {
        Some(Value::Null) => Some(&empty),
        other => other.and_then(Value::as_array),
    };
    let outcome = (|| -> Result<Rec<'s>, CheckError> {
        Ok(match &check.op {
            CheckOp::Equals(expected) => {
                let expected = render(expected)?;
                let ok = at.is_some_and(|v| same(v, &expected));
                return Ok(judged(req, name("equals"), ok, short(&expected), at.map_or("missing".into(), short)));
            }
            CheckOp::NotEquals(unexpected) => {
                let unexpected = render(unexpected)?;
                let ok = at.is_some_and(|v| !same(v, &unexpected));
                return Ok(judged(
                    req,
                    name("differs"),
                    ok,
                    format!("not {}", short(&unexpected)),
                    at.map_or("missing".into(), short),
                ));
            }
            CheckOp::OneOf(options) => {
                let options: Vec<Value> = options.iter().map(render).collect::<Result<_, _>>()?;
                let ok = at.is_some_and(|v| options.iter().any(|o| same(v, o)));
                return Ok(judged(
                    req,
                    name("is one of"),
                    ok,
                    short(&Value::Array(options)),
                    at.map_or("missing".into(), short),
                ));
            }
            CheckOp::Present(_) => {
                let ok = at.is_some_and(|v| !v.is_null());
                return Ok(judged(req, name("present"), ok, "present", "missing or null"));
            }
            &CheckOp::Kind(kind) => {
                let actual = at.map(json_kind);
                // An integer is also a number.
                let ok = actual.is_some_and(|a| a == kind || (kind == JsonKind::Number && a == JsonKind::Integer));
                return Ok(judged(
                    req,
                    name(&format!("is {}", kind.name())),
                    ok,
                    kind.name(),
                    at.map_or("missing".into(), |v| format!("{} {}", json_kind(v).name(), short(v))),
                ));
            }
            CheckOp::Some(fields) => {
                let fields = render_map(fields, vars)?;
                let ok = items.is_some_and(|list| list.iter().any(|i| matches_fields(i, &fields)));
                return Ok(judged(
                    req,
                    name("has a matching item"),
                    ok,
                    format!("an item with {}", short(&serde_json::to_value(&fields).unwrap_or_default())),
                    items.map_or("not an array".into(), |l| format!("{} items, none matching", l.len())),
                ));
            }
            CheckOp::None(fields) => {
                let fields = render_map(fields, vars)?;
                // Items that carry none of the members named cannot break the rule or keep it: when
                // the list has items and none carries them all (an optional member the target does not
                // send, like `inChekin`), the rule does not apply to this target.
                if let Some(list) = items.filter(|l| !l.is_empty()) {
                    if !list.iter().any(|i| fields.keys().all(|k| i.get(k).is_some())) {
                        let members: Vec<&str> = fields.keys().map(String::as_str).collect();
                        return Ok(unchecked(
                            req,
                            Unchecked::NotApplicable,
                            name("has no matching item"),
                            format!("no item of {} carries {}", name("").trim_end(), members.join(" and ")),
                        ));
                    }
                }
                let found = items.and_then(|list| list.iter().find(|i| matches_fields(i, &fields)));
                let ok = items.is_some() && found.is_none();
                return Ok(judged(
                    req,
                    name("has no matching item"),
                    ok,
                    format!("no item with {}", short(&serde_json::to_value(&fields).unwrap_or_default())),
                    found.map_or("not an array".into(), short),
                ));
            }
            CheckOp::Unique(field) => {
                let Some(list) = items else {
                    return Ok(judged(
                        req,
                        name(&format!("unique {field}")),
                        false,
                        "an array",
                        at.map_or("missing".into(), short),
                    ));
                };
                if list.is_empty() {
                    return Ok(unchecked(
                        req,
                        Unchecked::LackedData,
                        name(&format!("unique {field}")),
                        format!("{} has no item", name("")),
                    ));
                }
                let mut seen: Vec<&Value> = Vec::new();
                let repeated = list.iter().filter_map(|i| i.get(field)).find(|v| {
                    let again = seen.iter().any(|s| same(s, v));
                    seen.push(v);
                    again
                });
                return Ok(judged(
                    req,
                    name(&format!("unique {field}")),
                    repeated.is_none(),
                    format!("no two items with the same {field}"),
                    repeated.map_or(String::new(), |v| format!("{field} {} appears twice", short(v))),
                ));
            }
            CheckOp::Sorted(sort) => {
                let what = name(&format!(
                    "sorted by {} {}",
                    sort.field,
                    if sort.order == SortOrder::Desc { "descending" } else { "ascending" }
                ));
                let Some(list) = items.filter(|l| l.len() > 1) else {
                    return Ok(unchecked(
                        req,
                        Unchecked::LackedData,
                        what,
                        format!("{} had fewer than two items", name("")),
                    ));
                };
                let values: Vec<Option<f64>> = list.iter().map(|i| i.get(&sort.field).and_then(number)).collect();
                let misplaced = values.windows(2).position(|w| match (w[0], w[1]) {
                    (Some(a), Some(b)) => {
                        if sort.order == SortOrder::Desc {
                            a < b
                        } else {
                            a > b
                        }
                    }
                    _ => true,
                });
                return Ok(judged(
                    req,
                    what,
                    misplaced.is_none(),
                    format!(
                        "{} in {} order",
                        sort.field,
                        if sort.order == SortOrder::Desc { "descending" } else { "ascending" }
                    ),
                    misplaced.map_or(String::new(), |i| {
                        format!(
                            "item {} ({}) before item {} ({})",
                            i,
                            short(list[i].get(&sort.field).unwrap_or(&Value::Null)),
                            i + 1,
                            short(list[i + 1].get(&sort.field).unwrap_or(&Value::Null))
                        )
                    }),
                ));
            }
            CheckOp::PageCount(size) => {
                let size = render(size)?;
                let what = name("totalPages = ceil(totalElements / size)");
                let size = number(&size).filter(|s| *s >= 1.0).ok_or_else(|| CheckError::PageSize(short(&size)))?;
                let total = at.and_then(|p| p.get("totalElements")).and_then(number);
                let pages = at.and_then(|p| p.get("totalPages")).and_then(number);
                let (ok, actual) = match (total, pages) {
                    (Some(t), Some(p)) => ((t / size).ceil() == p, format!("totalElements {t}, totalPages {p}")),
                    _ => (false, at.map_or("no paging".into(), short)),
                };
                return Ok(judged(
                    req,
                    what,
                    ok,
                    match total {
                        Some(t) => format!("totalPages {} (= ceil({t} / {size}))", (t / size).ceil()),
                        None => "a paging object with totalElements and totalPages".into(),
                    },
                    actual,
                ));
            }
            CheckOp::Has(members) => {
                let what = name(&format!("items carry {}", members.join(", ")));
                let Some(list) = items.filter(|l| !l.is_empty()) else {
                    return Ok(unchecked(req, Unchecked::LackedData, what, format!("{} had no item", name(""))));
                };
                let absent: Vec<&str> =
                    members.iter().map(String::as_str).filter(|m| !list.iter().any(|i| i.get(*m).is_some())).collect();
                return Ok(judged(
                    req,
                    what,
                    absent.is_empty(),
                    format!("some item with {}", members.join(", ")),
                    format!("absent from every one of {} items: {}", list.len(), absent.join(", ")),
                ));
            }
            CheckOp::Each(each) => {
                let gt = each.gt.as_ref().map(render).transpose()?;
                let lt = each.lt.as_ref().map(render).transpose()?;
                let eq = each.equals.as_ref().map(render).transpose()?;
                let what = name(&format!("every item's {}", each.field));
                // A rule about every item proves nothing about an empty list.
                if items.is_some_and(Vec::is_empty) {
                    return Ok(unchecked(
                        req,
                        Unchecked::LackedData,
                        what,
                        format!("{} had no item", if pointer.is_empty() { "/" } else { &pointer }),
                    ));
                }
                let offending = items.and_then(|list| {
                    list.iter().find(|item| {
                        let v = item.get(&each.field).unwrap_or(&Value::Null);
                        let n = number(v);
                        gt.as_ref().is_some_and(|g| !matches!((n, number(g)), (Some(a), Some(b)) if a > b))
                            || lt.as_ref().is_some_and(|l| !matches!((n, number(l)), (Some(a), Some(b)) if a < b))
                            || eq.as_ref().is_some_and(|e| !same(v, e))
                    })
                });
                let ok = items.is_some() && offending.is_none();
                let mut wanted = Vec::new();
                if let Some(g) = &gt {
                    wanted.push(format!("> {}", short(g)));
                }
                if let Some(l) = &lt {
                    wanted.push(format!("< {}", short(l)));
                }
                if let Some(e) = &eq {
                    wanted.push(format!("= {}", short(e)));
                }
                return Ok(judged(
                    req,
                    what,
                    ok,
                    format!("every {} {}", each.field, wanted.join(" and ")),
                    offending.map_or("not an array".into(), short),
                ));
            }
            CheckOp::MinItems(_) | CheckOp::MaxItems(_) => {
                let (min, max) = match check.op {
                    CheckOp::MinItems(m) => (m, None),
                    CheckOp::MaxItems(m) => (0, Some(m)),
                    _ => unreachable!("matched above"),
                };
                let len = items.map(Vec::len);
                let ok = len.is_some_and(|n| n >= min && max.is_none_or(|m| n <= m));
                judged(
                    req,
                    name("item count"),
                    ok,
                    format!("between {min} and {} items", max.map_or("any".into(), |m| m.to_string())),
                    len.map_or("not an array".into(), |n| format!("{n} items")),
                )
            }
        })
    })();
    outcome.unwrap_or_else(|e| Rec {
        requirement: Cow::Borrowed(req),
        check: Cow::Owned(name("check")),
        verdict: RecVerdict::Error(e.to_string()),
    })
}
