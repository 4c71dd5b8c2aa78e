//! Switchable deviations: each makes the reference server break the spec in one small, plausible
//! way, so the harness can prove it catches it. Every fault names the requirement that must catch it.

use std::fmt;
use std::time::Duration;

/// One fault of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    DropField,
    NumberAsString,
    DateTimeSeconds,
    DateTimeLocale,
    OperationIdMissing,
    OperationIdRepeated,
    ErrorOnSuccess,
    ErrorNullOnFailure,
    EmptyErrorCode,
    SessionError200,
    NoSessionCheck,
    PagingOffByOne,
    StaleGetById,
    NewestIgnoresNumber,
    CheckoutKeepsStatus,
    Html500,
    LoginWrongCode,
    Slow,
    WriteNotPersisted,
    TypeFilterIgnored,
    PagingRoundedDown,
    SessionNeverExpires,
    DuplicateNumbers,
    CheckinNotInLists,
    RenamedOptionalField,
    FeedbackTwice,
    OldestIgnoresNumber,
    SecondCheckinAllowed,
    CheckoutWithoutCheckin,
    LoginAnyPassword,
    WrongTypeStored,
    StatusNotPersisted,
    OccurrenceNotListed,
    ContentTypeText,
    CheckinIgnoresOthers,
    CheckoutAnyUser,
    FeedbackAnyUser,
    GetByIdAnyUser,
    UnitsIgnoreContract,
    RefusalStillApplies,
}

/// Name, argument, what it does, and the requirement a conformance run must report for it.
pub struct FaultInfo {
    pub kind: FaultKind,
    pub name: &'static str,
    pub arg: Option<&'static str>,
    pub description: &'static str,
    pub caught_by: &'static str,
}

pub const CATALOGUE: &[FaultInfo] = &[
    FaultInfo {
        kind: FaultKind::DropField,
        name: "drop-field",
        arg: None,
        description: "getNewest/getOldest/getByCoordinates items lack the required `taskId`",
        caught_by: "MV-ITEM-001",
    },
    FaultInfo {
        kind: FaultKind::NumberAsString,
        name: "number-as-string",
        arg: None,
        description: "notification items send `number` as a string (\"123\")",
        caught_by: "MV-ITEM-001",
    },
    FaultInfo {
        kind: FaultKind::DateTimeSeconds,
        name: "datetime-seconds",
        arg: None,
        description: "`dateTime` in epoch seconds instead of milliseconds",
        caught_by: "GEN-ENV-003",
    },
    FaultInfo {
        kind: FaultKind::DateTimeLocale,
        name: "datetime-locale",
        arg: None,
        description: "`dateTime` as a locale text (\"27/11/2026 21:00\") that denotes no instant",
        caught_by: "GEN-ENV-003",
    },
    FaultInfo {
        kind: FaultKind::OperationIdMissing,
        name: "operation-id-missing",
        arg: None,
        description: "success responses have no `operationID`",
        caught_by: "GEN-ENV-001",
    },
    FaultInfo {
        kind: FaultKind::OperationIdRepeated,
        name: "operation-id-repeated",
        arg: None,
        description: "every response has the same `operationID`",
        caught_by: "GEN-ENV-005",
    },
    FaultInfo {
        kind: FaultKind::ErrorOnSuccess,
        name: "error-on-success",
        arg: None,
        description: "HTTP 200 responses carry a non-null `error`",
        caught_by: "GEN-ENV-006",
    },
    FaultInfo {
        kind: FaultKind::ErrorNullOnFailure,
        name: "error-null-on-failure",
        arg: None,
        description: "failure responses (412) have `error: null`",
        caught_by: "GEN-ERR-001",
    },
    FaultInfo {
        kind: FaultKind::EmptyErrorCode,
        name: "empty-error-code",
        arg: None,
        description: "failure responses have an empty `error.code`",
        caught_by: "GEN-ERR-002",
    },
    FaultInfo {
        kind: FaultKind::SessionError200,
        name: "session-error-200",
        arg: None,
        description: "a missing or unknown session is answered HTTP 200 (with the SESSION error)",
        caught_by: "GEN-SES-001",
    },
    FaultInfo {
        kind: FaultKind::NoSessionCheck,
        name: "no-session-check",
        arg: Some("GROUP (default services-v2)"),
        description: "the endpoints of one group do not check the session",
        caught_by: "GEN-SES-001",
    },
    FaultInfo {
        kind: FaultKind::PagingOffByOne,
        name: "paging-off-by-one",
        arg: None,
        description: "getByCoordinates reports `totalPages` one too high",
        caught_by: "MV2-GETBYCOORDINATES-003",
    },
    FaultInfo {
        kind: FaultKind::StaleGetById,
        name: "stale-get-by-id",
        arg: None,
        description: "/services/request/getById returns the request as created, ignoring later updates",
        caught_by: "GEN-STATE-001",
    },
    FaultInfo {
        kind: FaultKind::NewestIgnoresNumber,
        name: "newest-ignores-number",
        arg: None,
        description: "getNewest ignores `newestNumber` and returns every notification",
        caught_by: "MV2-GETNEWEST-003",
    },
    FaultInfo {
        kind: FaultKind::CheckoutKeepsStatus,
        name: "checkout-keeps-status",
        arg: None,
        description: "checkout answers success but leaves the request's status unchanged",
        caught_by: "MV2-CHECKOUT-004",
    },
    FaultInfo {
        kind: FaultKind::Html500,
        name: "html-500",
        arg: Some("PATH (default /services/v2/status)"),
        description: "one endpoint answers an HTML 500 error page",
        caught_by: "GEN-HTTP-005",
    },
    FaultInfo {
        kind: FaultKind::LoginWrongCode,
        name: "login-wrong-code",
        arg: None,
        description: "v2 login failures answer code SESSION instead of INPUT",
        caught_by: "SV2-LOGIN-005",
    },
    FaultInfo {
        kind: FaultKind::Slow,
        name: "slow",
        arg: Some("DURATION[@PATH] (default 300ms, every endpoint)"),
        description: "responses are delayed: every endpoint (slow:300ms) or one (slow:2s@/services/v2/status)",
        caught_by: "GEN-HTTP-006",
    },
    FaultInfo {
        kind: FaultKind::WriteNotPersisted,
        name: "write-not-persisted",
        arg: None,
        description: "/services/request/update answers the changed request but stores nothing",
        caught_by: "REQ-UPDATE-001",
    },
    FaultInfo {
        kind: FaultKind::TypeFilterIgnored,
        name: "type-filter-ignored",
        arg: None,
        description: "the mobile lists ignore `notificationType` 1..5 and list every type",
        caught_by: "MV-LIST-001",
    },
    FaultInfo {
        kind: FaultKind::PagingRoundedDown,
        name: "paging-rounded-down",
        arg: None,
        description: "getByCoordinates reports `totalPages` = floor(totalElements / size)",
        caught_by: "MV2-GETBYCOORDINATES-003",
    },
    FaultInfo {
        kind: FaultKind::SessionNeverExpires,
        name: "session-never-expires",
        arg: None,
        description: "sessions never expire (--session-ttl is ignored)",
        caught_by: "GEN-SES-004",
    },
    FaultInfo {
        kind: FaultKind::DuplicateNumbers,
        name: "duplicate-numbers",
        arg: None,
        description: "v1 new and request/create allocate numbers non-atomically: creates within ~25 ms get the same number",
        caught_by: "MV1-NEW-003",
    },
    FaultInfo {
        kind: FaultKind::CheckinNotInLists,
        name: "checkin-not-in-lists",
        arg: None,
        description: "list items show `inChekin: 0` even during a check-in",
        caught_by: "MV2-CHECKIN-005",
    },
    FaultInfo {
        kind: FaultKind::RenamedOptionalField,
        name: "renamed-optional-field",
        arg: None,
        description: "list items send the extra `inChekin` as `inCheckin` (the API doc's spelling)",
        caught_by: "MV-ITEM-005",
    },
    FaultInfo {
        kind: FaultKind::FeedbackTwice,
        name: "feedback-twice",
        arg: None,
        description: "a second v1 feedback on an already decided task succeeds",
        caught_by: "MV1-FEEDBACK-004",
    },
    FaultInfo {
        kind: FaultKind::OldestIgnoresNumber,
        name: "oldest-ignores-number",
        arg: None,
        description: "getOldest ignores `oldestNumber` and returns every notification",
        caught_by: "MV2-GETOLDEST-003",
    },
    FaultInfo {
        kind: FaultKind::SecondCheckinAllowed,
        name: "second-checkin-allowed",
        arg: None,
        description: "a user with an open check-in may check in on another task",
        caught_by: "MV2-CHECKIN-006",
    },
    FaultInfo {
        kind: FaultKind::CheckoutWithoutCheckin,
        name: "checkout-without-checkin",
        arg: None,
        description: "checkout succeeds on a task the user has not checked in to",
        caught_by: "MV2-CHECKOUT-003",
    },
    FaultInfo {
        kind: FaultKind::LoginAnyPassword,
        name: "login-any-password",
        arg: None,
        description: "/services/login accepts any password for a known user",
        caught_by: "SVC-LOGIN-002",
    },
    FaultInfo {
        kind: FaultKind::WrongTypeStored,
        name: "wrong-type-stored",
        arg: None,
        description: "latitude/longitude of v1 new and attendRequest and `pager.size` accept wrongly typed values (a numeric string is read as its number)",
        caught_by: "GEN-INP-001",
    },
    FaultInfo {
        kind: FaultKind::StatusNotPersisted,
        name: "status-not-persisted",
        arg: None,
        description: "/services/request/updateStatus answers the new status but stores nothing",
        caught_by: "REQ-UPDATESTATUS-001",
    },
    FaultInfo {
        kind: FaultKind::OccurrenceNotListed,
        name: "occurrence-not-listed",
        arg: None,
        description: "createOccurrence answers success but listOccurrences omits the new occurrence",
        caught_by: "REQ-LISTOCCURRENCES-001",
    },
    FaultInfo {
        kind: FaultKind::ContentTypeText,
        name: "content-type-text",
        arg: None,
        description: "JSON bodies are labelled `text/plain`",
        caught_by: "GEN-HTTP-003",
    },
    FaultInfo {
        kind: FaultKind::CheckinIgnoresOthers,
        name: "checkin-ignores-others",
        arg: None,
        description: "a check-in on a task another attendant is checked in on succeeds",
        caught_by: "MV2-CHECKIN-007",
    },
    FaultInfo {
        kind: FaultKind::CheckoutAnyUser,
        name: "checkout-any-user",
        arg: None,
        description: "a user without a check-in checks out another user's check-in (ending it)",
        caught_by: "MV2-CHECKOUT-007",
    },
    FaultInfo {
        kind: FaultKind::FeedbackAnyUser,
        name: "feedback-any-user",
        arg: None,
        description: "v1 feedback decides an approval task whoever the user is",
        caught_by: "MV1-FEEDBACK-006",
    },
    FaultInfo {
        kind: FaultKind::GetByIdAnyUser,
        name: "getbyid-any-user",
        arg: None,
        description: "v2 getById answers any task to any user",
        caught_by: "MV2-GETBYID-005",
    },
    FaultInfo {
        kind: FaultKind::UnitsIgnoreContract,
        name: "units-ignore-contract",
        arg: None,
        description: "/services/v2/units lists every unit, whatever the contractID",
        caught_by: "SV2-UNITS-003",
    },
    FaultInfo {
        kind: FaultKind::RefusalStillApplies,
        name: "refusal-still-applies",
        arg: None,
        description: "another user's request update or status change is refused (412) but applied",
        caught_by: "REQ-UPDATE-005",
    },
];

/// An active fault with its argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub arg: Option<String>,
}

impl Fault {
    pub fn info(&self) -> &'static FaultInfo {
        CATALOGUE.iter().find(|i| i.kind == self.kind).expect("every kind is catalogued")
    }

    /// The delay of a `slow` fault at `path`: every path, or only the one after `@`.
    pub fn delay_at(&self, path: &str) -> Option<Duration> {
        if self.kind != FaultKind::Slow {
            return None;
        }
        let (duration, only) = match self.arg.as_deref().map(|a| a.split_once('@').unwrap_or((a, ""))) {
            Some((d, p)) => (parse_duration(d), p),
            None => (None, ""),
        };
        (only.is_empty() || only == path).then(|| duration.unwrap_or(Duration::from_millis(300)))
    }

    pub fn delay(&self) -> Option<Duration> {
        self.delay_at("")
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.arg {
            Some(arg) => write!(f, "{}:{arg}", self.info().name),
            None => f.write_str(self.info().name),
        }
    }
}

/// A `--fault` that names no fault of the catalogue, or gives it an argument it does not take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    #[error("unknown fault `{name}`; known faults: {}", CATALOGUE.iter().map(|i| i.name).collect::<Vec<_>>().join(", "))]
    Unknown { name: String },
    #[error("fault `{name}` takes no argument")]
    NoArgument { name: String },
    /// `slow:D` with a `D` that is not a duration.
    #[error("`{text}` is not a duration (e.g. 300ms, 2s)")]
    NotADuration { text: String },
    /// `slow:D@PATH` with a `PATH` that does not start with `/`.
    #[error("`{path}` is not an endpoint path (e.g. slow:2s@/services/v2/status)")]
    NotAPath { path: String },
}

impl std::str::FromStr for Fault {
    type Err = FaultError;

    /// `NAME` or `NAME:ARG`, as given to `--fault`.
    fn from_str(s: &str) -> Result<Self, FaultError> {
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n, Some(a.to_string())),
            None => (s, None),
        };
        let Some(info) = CATALOGUE.iter().find(|i| i.name == name) else {
            return Err(FaultError::Unknown { name: name.to_string() });
        };
        if arg.is_some() && info.arg.is_none() {
            return Err(FaultError::NoArgument { name: name.to_string() });
        }
        if info.kind == FaultKind::Slow {
            if let Some(a) = &arg {
                let (duration, path) = a.split_once('@').unwrap_or((a, ""));
                parse_duration(duration).ok_or_else(|| FaultError::NotADuration { text: duration.to_string() })?;
                if a.contains('@') && !path.starts_with('/') {
                    return Err(FaultError::NotAPath { path: path.to_string() });
                }
            }
        }
        Ok(Fault { kind: info.kind, arg })
    }
}

/// Durations of fault arguments and flags (`300ms`, `2s`), parsed where every layer can use them.
pub use crate::time::parse_duration;

/// The active faults of one server.
#[derive(Debug, Clone, Default)]
pub struct FaultSet {
    faults: Vec<Fault>,
}

impl FaultSet {
    pub fn new(faults: Vec<Fault>) -> Self {
        Self { faults }
    }

    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fault> {
        self.faults.iter()
    }

    pub fn has(&self, kind: FaultKind) -> bool {
        self.faults.iter().any(|f| f.kind == kind)
    }

    pub fn arg(&self, kind: FaultKind) -> Option<&str> {
        self.faults.iter().find(|f| f.kind == kind).and_then(|f| f.arg.as_deref())
    }

    /// The delay of a request to `path` (a `slow` fault).
    pub fn delay_at(&self, path: &str) -> Option<Duration> {
        self.faults.iter().find_map(|f| f.delay_at(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_arguments() {
        assert_eq!("slow:2s".parse::<Fault>().unwrap().delay(), Some(Duration::from_secs(2)));
        assert_eq!("slow".parse::<Fault>().unwrap().delay(), Some(Duration::from_millis(300)));
        let one = "slow:2s@/services/v2/status".parse::<Fault>().unwrap();
        assert_eq!(one.delay_at("/services/v2/status"), Some(Duration::from_secs(2)));
        assert_eq!(one.delay_at("/services/v2/units"), None);
        assert!("slow:2s@status".parse::<Fault>().is_err());
        assert!("slow:fast".parse::<Fault>().is_err());
        assert_eq!("drop-field:x".parse::<Fault>().unwrap_err(), FaultError::NoArgument { name: "drop-field".into() });
        assert_eq!("drop-field:x".parse::<Fault>().unwrap_err().to_string(), "fault `drop-field` takes no argument");
        let unknown = "nope".parse::<Fault>().unwrap_err();
        assert_eq!(unknown, FaultError::Unknown { name: "nope".into() });
        assert!(unknown.to_string().starts_with("unknown fault `nope`; known faults: drop-field, "), "{unknown}");
        assert_eq!("html-500:/services/login".parse::<Fault>().unwrap().to_string(), "html-500:/services/login");
    }

    #[test]
    fn the_catalogue_has_at_least_twelve_distinct_faults() {
        let mut names: Vec<_> = CATALOGUE.iter().map(|i| i.name).collect();
        names.dedup();
        assert!(names.len() >= 12);
    }
}

#[cfg(test)]
mod catalogue_tests {
    use super::CATALOGUE;

    /// The runner cites these ids when it catches a fault: they must be requirements of the spec.
    #[test]
    fn every_fault_names_an_existing_requirement() {
        let (registry, _) =
            crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).expect("the embedded spec loads");
        for info in CATALOGUE {
            let requirement = registry.spec().requirement(info.caught_by);
            assert!(requirement.is_some(), "fault `{}` names unknown requirement `{}`", info.name, info.caught_by);
        }
    }
}
