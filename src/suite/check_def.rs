//! One content check of a suite: a requirement, a pointer and exactly one operator. The operator is
//! a tagged enum, so "exactly one" is enforced where the YAML is read (with its line and column),
//! not by counting optional fields afterwards.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// One content check, tied to a requirement: `{requirement, pointer, <operator>: …, across?}`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(extend("unevaluatedProperties" = false))]
pub struct CheckDef {
    pub requirement: String,
    /// Pointer into the response (the array for `some`/`none`/`each`/`min_items`/`unique`); `a|b`
    /// tries each alternative (a response the spec accepts in two forms); `/status[id=2]/…` finds an
    /// item by its fields (see `check::select`); templated.
    pub pointer: String,
    /// On a `parallel` step: the check applies to the array of every answer's body instead of to
    /// each answer (`{pointer: "", unique: number, across: true}`: the answers' numbers differ).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub across: bool,
    #[serde(flatten)]
    pub op: CheckOp,
}

/// What a check asserts of the value at its pointer. One variant per operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckOp {
    /// The value equals this (templated; numbers and numeric strings compare by value).
    Equals(Value),
    /// The value differs from this (templated).
    NotEquals(Value),
    /// The value is one of these (templated).
    OneOf(Vec<Value>),
    /// The value is present and not null (`present: true`).
    Present(bool),
    /// The value has this JSON type.
    Kind(JsonKind),
    /// Some item of the array has these field values (templated).
    Some(BTreeMap<String, Value>),
    /// No item of the array has these field values (templated).
    None(BTreeMap<String, Value>),
    /// Every item of the array satisfies this comparison.
    Each(EachDef),
    /// The array has at least this many items.
    MinItems(usize),
    /// The array has at most this many items.
    MaxItems(usize),
    /// No two items of the array have the same value of this field.
    Unique(String),
    /// The items of the array are ordered by this field.
    Sorted(SortDef),
    /// A paging object (`/paging`) whose `totalPages` is the harness's own ceil(totalElements /
    /// this page size), with `totalElements` at least the items seen (templated).
    PageCount(Value),
    /// Some item of the array carries each of these members (for optional members a source shows:
    /// absent from every item is a finding; an empty array is not checked).
    Has(Vec<String>),
}

/// The operators: every field of a check after its first three.
const OPERATORS: &[&str] = FIELDS.split_at(3).1;

impl CheckOp {
    /// The operator's name as written in a suite.
    pub fn name(&self) -> &'static str {
        match self {
            CheckOp::Equals(_) => "equals",
            CheckOp::NotEquals(_) => "not_equals",
            CheckOp::OneOf(_) => "one_of",
            CheckOp::Present(_) => "present",
            CheckOp::Kind(_) => "kind",
            CheckOp::Some(_) => "some",
            CheckOp::None(_) => "none",
            CheckOp::Each(_) => "each",
            CheckOp::MinItems(_) => "min_items",
            CheckOp::MaxItems(_) => "max_items",
            CheckOp::Unique(_) => "unique",
            CheckOp::Sorted(_) => "sorted",
            CheckOp::PageCount(_) => "page_count",
            CheckOp::Has(_) => "has",
        }
    }

    /// The templated values of the operator (where `{{variables}}` may appear).
    pub fn templated(&self) -> Vec<&Value> {
        match self {
            CheckOp::Equals(v) | CheckOp::NotEquals(v) | CheckOp::PageCount(v) => vec![v],
            CheckOp::OneOf(values) => values.iter().collect(),
            CheckOp::Some(fields) | CheckOp::None(fields) => fields.values().collect(),
            CheckOp::Each(each) => [&each.gt, &each.lt, &each.equals].into_iter().flatten().collect(),
            CheckOp::Present(_)
            | CheckOp::Kind(_)
            | CheckOp::MinItems(_)
            | CheckOp::MaxItems(_)
            | CheckOp::Unique(_)
            | CheckOp::Sorted(_)
            | CheckOp::Has(_) => Vec::new(),
        }
    }

    /// Read the operator `name`'s value from the map being deserialized.
    fn next<'de, A: MapAccess<'de>>(name: &str, map: &mut A) -> Result<CheckOp, A::Error> {
        Ok(match name {
            "equals" => CheckOp::Equals(map.next_value()?),
            "not_equals" => CheckOp::NotEquals(map.next_value()?),
            "one_of" => CheckOp::OneOf(map.next_value()?),
            "present" => match map.next_value()? {
                true => CheckOp::Present(true),
                false => {
                    return Err(de::Error::custom(
                        "`present` takes `true` (a value that must be absent is a `none` or schema rule)",
                    ))
                }
            },
            "kind" => CheckOp::Kind(map.next_value()?),
            "some" => CheckOp::Some(map.next_value()?),
            "none" => CheckOp::None(map.next_value()?),
            "each" => CheckOp::Each(map.next_value()?),
            "min_items" => CheckOp::MinItems(map.next_value()?),
            "max_items" => CheckOp::MaxItems(map.next_value()?),
            "unique" => CheckOp::Unique(map.next_value()?),
            "sorted" => CheckOp::Sorted(map.next_value()?),
            "page_count" => CheckOp::PageCount(map.next_value()?),
            "has" => CheckOp::Has(map.next_value()?),
            other => unreachable!("`{other}` is not in OPERATORS"),
        })
    }
}

const FIELDS: &[&str] = &[
    "requirement",
    "pointer",
    "across",
    "equals",
    "not_equals",
    "one_of",
    "present",
    "kind",
    "some",
    "none",
    "each",
    "min_items",
    "max_items",
    "unique",
    "sorted",
    "page_count",
    "has",
];

impl<'de> Deserialize<'de> for CheckDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CheckVisitor;
        impl<'de> Visitor<'de> for CheckVisitor {
            type Value = CheckDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a check: {requirement, pointer, and one operator}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CheckDef, A::Error> {
                let (mut requirement, mut pointer, mut across, mut op) = (None, None, None, None::<CheckOp>);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "requirement" if requirement.is_none() => requirement = Some(map.next_value()?),
                        "pointer" if pointer.is_none() => pointer = Some(map.next_value()?),
                        "across" if across.is_none() => across = Some(map.next_value()?),
                        "requirement" | "pointer" | "across" => {
                            return Err(de::Error::custom(format!("duplicate field `{key}`")))
                        }
                        name if OPERATORS.contains(&name) => {
                            if let Some(first) = &op {
                                return Err(de::Error::custom(format!(
                                    "a check has exactly one operator; this one has `{}` and `{name}` (split it into two checks)",
                                    first.name()
                                )));
                            }
                            op = Some(CheckOp::next(name, &mut map)?);
                        }
                        other => return Err(de::Error::unknown_field(other, FIELDS)),
                    }
                }
                let requirement = requirement.ok_or_else(|| de::Error::missing_field("requirement"))?;
                let op = op.ok_or_else(|| {
                    de::Error::custom(format!(
                        "check of `{requirement}` has no operator (one of {})",
                        OPERATORS.join(", ")
                    ))
                })?;
                Ok(CheckDef {
                    requirement,
                    pointer: pointer.ok_or_else(|| de::Error::missing_field("pointer"))?,
                    across: across.unwrap_or(false),
                    op,
                })
            }
        }
        deserializer.deserialize_map(CheckVisitor)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SortDef {
    pub field: String,
    pub order: SortOrder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

/// A JSON type, for the `kind` operator (`integer` is also a `number`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JsonKind {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl JsonKind {
    pub fn name(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Boolean => "boolean",
            JsonKind::Integer => "integer",
            JsonKind::Number => "number",
            JsonKind::String => "string",
            JsonKind::Array => "array",
            JsonKind::Object => "object",
        }
    }
}

/// Every item's `field` compared: `gt`, `lt`, `equals` (all given must hold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EachDef {
    pub field: String,
    #[serde(default)]
    pub gt: Option<Value>,
    #[serde(default)]
    pub lt: Option<Value>,
    #[serde(default)]
    pub equals: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<CheckDef, serde_norway::Error> {
        serde_norway::from_str(yaml)
    }

    #[test]
    fn one_operator_reads_into_its_variant() {
        let c = parse("{requirement: R-1, pointer: /a, max_items: 5}").unwrap();
        assert_eq!(c.op, CheckOp::MaxItems(5));
        assert!(!c.across);
        let c = parse("{requirement: R-1, pointer: '', unique: number, across: true}").unwrap();
        assert_eq!(c.op, CheckOp::Unique("number".into()));
        assert!(c.across);
    }

    #[test]
    fn two_operators_no_operator_and_unknown_keys_are_refused_where_they_are() {
        let two = parse("{requirement: R-1, pointer: /a, equals: 1, some: {x: 1}}").unwrap_err().to_string();
        assert!(two.contains("exactly one operator") && two.contains("`equals` and `some`"), "{two}");
        let two_checks = "- {requirement: R-1, pointer: /a, equals: 1}\n- {requirement: R-2, pointer: /a, equals: 1, some: {x: 1}}\n";
        let place = serde_norway::from_str::<Vec<CheckDef>>(two_checks).unwrap_err().location().map(|l| l.line());
        assert_eq!(place, Some(2), "the error points at the check that has two operators");
        let none = parse("{requirement: R-1, pointer: /a}").unwrap_err().to_string();
        assert!(none.contains("has no operator"), "{none}");
        let unknown = parse("{requirement: R-1, pointer: /a, equal: 1}").unwrap_err().to_string();
        assert!(unknown.contains("unknown field `equal`"), "{unknown}");
        let wrong = parse("{requirement: R-1, pointer: /a, kind: text}").unwrap_err().to_string();
        assert!(wrong.contains("unknown variant `text`"), "{wrong}");
        assert!(parse("{requirement: R-1, pointer: /a, present: false}").is_err());
    }

    #[test]
    fn serializes_back_to_the_same_shape() {
        let yaml = "{requirement: R-1, pointer: /a, each: {field: number, gt: 0}}";
        let c = parse(yaml).unwrap();
        let back: CheckDef = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        assert_eq!(serde_json::to_value(&c).unwrap()["each"]["field"], "number");
    }

    #[test]
    fn the_operators_are_the_fields_after_the_first_three() {
        assert_eq!(&FIELDS[..3], ["requirement", "pointer", "across"]);
        assert_eq!(OPERATORS.len(), 14);
    }
}
