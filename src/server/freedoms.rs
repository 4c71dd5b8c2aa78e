//! Switchable freedoms: behaviours the table, the facts and specs/DECISIONS.md allow but the
//! reference does not use by default. A server with every freedom on is still conformant, so a run
//! against it proves the harness does not fail a faithful vendor for choices the sources leave open.
//! Each freedom cites its source and names the SHOULD requirements it departs from on purpose.

use std::fmt;

/// One freedom of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FreedomKind {
    OldestFirst,
    AnyOrder,
    OtherIds,
    StatusOrder,
    DateTimeIso,
    RequestFlat,
    ExtraFields,
    NullDescriptions,
    V1Empty412,
    V2GetByUser501,
    PagingSizeKey,
    SessionHex,
    SparseOperationIds,
    ExecuteParam,
    WrongType400,
    AmountZero,
    FindAfterDelete412,
    EndSlaNull,
    NoV2Extras,
    TableExtras,
    FailureNoEnvelope,
    NullEmptyLists,
    DeniedAnyReason,
    CheckoutUnchecked,
    UnknownFields400,
    OccurrenceDataKey,
    AssigneeOnly,
    AnyUserUpdates,
}

/// Name, what it does, the source that allows it, and what a run may report because of it.
pub struct FreedomInfo {
    pub kind: FreedomKind,
    pub name: &'static str,
    pub description: &'static str,
    /// The decision (specs/DECISIONS.md) or fact (../shared/facts, §N) that allows it.
    pub cites: &'static str,
    /// SHOULD requirements this freedom departs from on purpose: a run may warn on them, never fail.
    pub departs_from: &'static [&'static str],
    /// Faults whose evidence this freedom removes, so a run with both cannot catch them (e.g. no
    /// item carries `inChekin` to be wrong).
    pub hides_faults: &'static [&'static str],
}

/// The mobile lists whose order only a SHOULD constrains.
const DESCENDING: &[&str] = &["MV2-GETNEWEST-004", "MV2-GETOLDEST-004"];

pub const CATALOGUE: &[FreedomInfo] = &[
    FreedomInfo {
        kind: FreedomKind::OldestFirst,
        name: "oldest-first",
        description: "mobile lists (v1 getByUser, getNewest, getOldest, getByCoordinates, buscaSolicitacao, update) ordered by number ascending",
        cites: "DECISIONS.md mobile lists: descending order is SHOULD (INFERRED)",
        departs_from: DESCENDING,
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::AnyOrder,
        name: "any-order",
        description: "the same mobile lists in a fixed pseudo-random order (seeded per item)",
        cites: "DECISIONS.md mobile lists: descending order is SHOULD (INFERRED)",
        departs_from: DESCENDING,
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::OtherIds,
        name: "other-ids",
        description: "request numbers from 7000000 in steps of 7, scattered task ids, other occurrence, unit, contract and reason ids",
        cites: "D-IDS; facts §1, §2.21 (BigInteger row ids, no range)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::StatusOrder,
        name: "status-order",
        description: "/services/v2/status lists the statuses 4, 2, 3, 1 and each justification list reversed",
        cites: "facts §2.46; DECISIONS.md v2 status: ids 1-4 present (no order)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::DateTimeIso,
        name: "datetime-iso",
        description: "envelope `dateTime` as an ISO-8601 string, plus `dateTimeMilliseconds` (8.x)",
        cites: "D-ENVELOPE; facts §2.26, §5 (8.x SEEN)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::RequestFlat,
        name: "request-flat",
        description: "/services/request/* answer the request fields at the top level with an integer `number`; createOccurrence answers under `occurrence`",
        cites: "D-REQUEST-RESPONSE; DECISIONS.md createOccurrence",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::ExtraFields,
        name: "extra-fields",
        description: "unknown extra members in every response object and list item",
        cites: "DECISIONS.md Levels: extra response fields are always accepted",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::NullDescriptions,
        name: "null-descriptions",
        description: "failure `error.description` is null",
        cites: "D-ERROR; facts §2.13, §2.20 (null SEEN)",
        departs_from: &["GEN-ERR-004"],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::V1Empty412,
        name: "v1-empty-412",
        description: "an empty v1 getByUser answers 412 INPUT \"Required fields are as empty or null\"",
        cites: "D-V1-EMPTY; facts §2.3 (SEEN quirk)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::V2GetByUser501,
        name: "v2-getbyuser-501",
        description: "/mobile/v2/notification/getByUser answers 200 with the bare {code \"501\", description}, before any session check",
        cites: "D-V2-GETBYUSER; facts §2.15 (SEEN)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::PagingSizeKey,
        name: "paging-size-key",
        description: "getByCoordinates paging writes `size` for `elements`; an empty page has a paging object with 0 elements",
        cites: "D-PAGING; facts §2.13 (docs write size)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::SessionHex,
        name: "session-hex",
        description: "session ids are 32 upper-case hex characters (7.x) instead of UUIDs",
        cites: "D-SESSION; facts §2.29 (SEEN)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::SparseOperationIds,
        name: "sparse-operation-ids",
        description: "operationIDs large, not consecutive, not monotonic (still distinct)",
        cites: "D-ENVELOPE; facts §1 (the id of a Rest_Execution row)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::ExecuteParam,
        name: "execute-param",
        description: "/services/execute with an unknown messageID answers PARAM (RC) instead of INTERNAL (AG)",
        cites: "D-EXECUTE; facts §3.2 (SEEN disagreement)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::WrongType400,
        name: "wrong-type-400",
        description: "wrongly typed fields answer HTTP 400 (Jackson) instead of 412 INPUT",
        cites: "D-STATUS (any 4xx for a wrongly typed field)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::AmountZero,
        name: "amount-zero",
        description: "v1-style `amount` fields (getByUser, getReasons, v2 getByUser) are always 0",
        cites: "D-COLLECTIONS; facts §2.3, §2.4 (AG never sets it)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::FindAfterDelete412,
        name: "find-after-delete-412",
        description: "synchronize/find of keys never synchronized or deleted answers 412 INPUT instead of 200 with amount 0",
        cites: "DECISIONS.md synchronize/delete/find: either answer is accepted",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::EndSlaNull,
        name: "endsla-null",
        description: "`endSLA` of list items and the v2 detail is null or the text \"null\"",
        cites: "D-IDS; facts §2.14, §5 (SEEN \" \" and \"null\")",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::NoV2Extras,
        name: "no-v2-extras",
        description: "list items omit the optional v2 extras (latitude … priorityorder)",
        cites: "D-COLLECTIONS; facts §2.21, §1 (presence over JSON is not enforced)",
        departs_from: &["MV-ITEM-005"],
        hides_faults: &["checkin-not-in-lists", "renamed-optional-field"],
    },
    FreedomInfo {
        kind: FreedomKind::TableExtras,
        name: "table-extras",
        description: "v2 getById answers `site`, and checkin/checkout answer `id`, as the table lists them",
        cites: "D-V2-GETBYID",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::FailureNoEnvelope,
        name: "failure-no-envelope",
        description: "412 failures carry `error` without `dateTime` and `operationID`",
        cites: "D-ERROR; facts §3.3 (session failures carry no operationID)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::NullEmptyLists,
        name: "null-empty-lists",
        description: "empty `errors` (error/getList), `logs` (occurrence/getNotSynchronized) and find's `requests` are null (as Jackson writes an unset list)",
        cites: "DECISIONS.md services: errors, logs, requests array or null",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::DeniedAnyReason,
        name: "denied-any-reason",
        description: "checkin/denied accepts a reasonId that deniedReasons does not list (7.x only inserts the row)",
        cites: "DECISIONS.md mobile v2 actions: checkin/denied reason check is SHOULD",
        departs_from: &["MV2-CHECKIN-DENIED-003"],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::CheckoutUnchecked,
        name: "checkout-unchecked",
        description: "checkout to status 4 or 2 does not check solution and descSolution (7.x does not)",
        cites: "DECISIONS.md mobile v2 actions; facts §2.12",
        departs_from: &["MV2-CHECKOUT-005"],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::UnknownFields400,
        name: "unknown-fields-400",
        description: "a request field the endpoint's schema does not declare answers 400 (Jackson 1.x default)",
        cites: "D-UNKNOWN-FIELDS; facts §1 (FAIL_ON_UNKNOWN_PROPERTIES, INFERRED)",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::OccurrenceDataKey,
        name: "occurrence-data-key",
        description: "occurrences carry the table's `data` instead of `date`",
        cites: "DECISIONS.md createOccurrence: date or data is accepted",
        departs_from: &[],
        hides_faults: &[],
    },
    FreedomInfo {
        kind: FreedomKind::AssigneeOnly,
        name: "assignee-only",
        description: "only a task's assignee may attend its request and check in on it (no group peer)",
        cites: "D-USERS (facts §2.8-§2.10 do not say whether a second attendant may join)",
        departs_from: &[],
        hides_faults: &["checkin-ignores-others", "checkout-any-user"],
    },
    FreedomInfo {
        kind: FreedomKind::AnyUserUpdates,
        name: "any-user-updates",
        description: "any session may change any request (services/request update and updateStatus)",
        cites: "D-USERS (facts §2.32-§2.39 act for the body's userID; no source ties it to the session)",
        departs_from: &[],
        hides_faults: &["refusal-still-applies"],
    },
];

impl FreedomKind {
    pub fn info(self) -> &'static FreedomInfo {
        CATALOGUE.iter().find(|i| i.kind == self).expect("every kind is catalogued")
    }
}

impl fmt::Display for FreedomKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info().name)
    }
}

/// What one `--freedom` names: one freedom, or `all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreedomChoice(pub Vec<FreedomKind>);

/// A `--freedom` that names no freedom of the catalogue (nor `all`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown freedom `{name}`; known freedoms: all, {}", CATALOGUE.iter().map(|i| i.name).collect::<Vec<_>>().join(", "))]
pub struct UnknownFreedom {
    pub name: String,
}

impl std::str::FromStr for FreedomChoice {
    type Err = UnknownFreedom;

    fn from_str(s: &str) -> Result<Self, UnknownFreedom> {
        if s == "all" {
            return Ok(FreedomChoice(CATALOGUE.iter().map(|i| i.kind).collect()));
        }
        match CATALOGUE.iter().find(|i| i.name == s) {
            Some(info) => Ok(FreedomChoice(vec![info.kind])),
            None => Err(UnknownFreedom { name: s.to_string() }),
        }
    }
}

/// The active freedoms of one server, in catalogue order, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreedomSet {
    kinds: Vec<FreedomKind>,
}

impl FreedomSet {
    pub fn new(kinds: impl IntoIterator<Item = FreedomKind>) -> Self {
        let mut kinds: Vec<FreedomKind> = kinds.into_iter().collect();
        kinds.sort();
        kinds.dedup();
        Self { kinds }
    }

    /// Every freedom of the catalogue.
    pub fn all() -> Self {
        Self::new(CATALOGUE.iter().map(|i| i.kind))
    }

    /// The union of `--freedom` choices.
    pub fn from_choices(choices: &[FreedomChoice]) -> Self {
        Self::new(choices.iter().flat_map(|c| c.0.iter().copied()))
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn has(&self, kind: FreedomKind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn iter(&self) -> impl Iterator<Item = FreedomKind> + '_ {
        self.kinds.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_all_means_every_one() {
        let one: FreedomChoice = "oldest-first".parse().unwrap();
        assert_eq!(one.0, vec![FreedomKind::OldestFirst]);
        let unknown = "nope".parse::<FreedomChoice>().unwrap_err();
        assert_eq!(unknown, UnknownFreedom { name: "nope".into() });
        assert!(unknown.to_string().starts_with("unknown freedom `nope`; known freedoms: all, "), "{unknown}");
        let set = FreedomSet::from_choices(&["all".parse().unwrap(), "session-hex".parse().unwrap()]);
        assert_eq!(set, FreedomSet::all());
        assert_eq!(set.iter().count(), CATALOGUE.len());
        let mut names: Vec<&str> = CATALOGUE.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOGUE.len(), "names are unique");
    }

    /// What a freedom cites and departs from must exist: the decision in DECISIONS.md, the
    /// requirement in the spec (at level SHOULD: a freedom never breaks a MUST), the fault in the
    /// fault catalogue.
    #[test]
    fn citations_departures_and_hidden_faults_exist() {
        let (registry, _) =
            crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).expect("the embedded spec loads");
        let spec = registry.spec();
        let decisions = spec.texts.iter().find(|(k, _)| k.ends_with("DECISIONS.md")).map(|(_, t)| t.as_str());
        let decisions = decisions.expect("DECISIONS.md is embedded");
        for info in CATALOGUE {
            assert!(!info.cites.is_empty(), "{} cites nothing", info.name);
            for word in info.cites.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                if word.starts_with("D-") {
                    let heading = format!("## {word}:");
                    assert!(decisions.contains(&heading), "{} cites unknown decision {word}", info.name);
                }
            }
            for id in info.departs_from {
                let requirement = spec.requirement(id);
                let requirement = requirement.unwrap_or_else(|| panic!("{} departs from unknown {id}", info.name));
                assert_eq!(requirement.level, crate::spec::Level::Should, "{} departs from {id}", info.name);
            }
            for fault in info.hides_faults {
                assert!(super::super::faults::CATALOGUE.iter().any(|f| f.name == *fault), "{fault}");
            }
        }
    }
}
