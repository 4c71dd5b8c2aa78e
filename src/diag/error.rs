use std::fmt;

use super::Location;

/// What a diagnostic is about: what code matches on (the load generator forgives the variables its
/// setup case captured), never the message text, which is for people and may be reworded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// A file or directory that cannot be read.
    Unreadable,
    /// Not well-formed, or not in the file's format: JSON, YAML, a row of the endpoint table.
    Syntax,
    /// A file in the spec directory that is none of the spec's kinds.
    NotASpecFile,
    /// One name given twice: a requirement id, a shared definition, an endpoint, a suite, a case.
    Duplicate,
    /// A name that breaks its rule: a suite name, a requirement id without its group's prefix.
    BadName,
    /// An endpoint whose group does not match its path, or whose path is under no group.
    WrongGroup,
    /// Something a file must have: the endpoint table and its rows, an endpoint file for a table
    /// row, a session endpoint's `sessionID`, an XML endpoint's `requestXml`, a case's steps.
    Missing,
    /// The endpoint table and an endpoint file disagree on a path or a name.
    TableMismatch,
    /// A requirement that cites no source, or a decision DECISIONS.md does not have.
    UnsourcedRequirement,
    /// A requirement checked by schema that no schema cites.
    UncitedRequirement,
    /// An example that does not validate or map onto its schema, or one where none belongs.
    InvalidExample,
    /// A schema that does not compile.
    InvalidSchema,
    /// A path that is not an endpoint of the spec.
    UnknownEndpoint,
    /// A body member the endpoint's request schema does not declare.
    UnknownField,
    /// A requirement id the spec does not define.
    UnknownRequirement,
    /// A role that is not one of the suites' roles.
    UnknownRole,
    /// A `needs` entry that is not a vendor input.
    UnknownInput,
    /// `{{name}}` that is neither a built-in, a credential, nor captured by an earlier step.
    UnknownVariable { name: String },
    /// A `--suite` name no suite of the suites directory has.
    UnknownSuite,
    /// A `--scenario` name that is neither a built-in scenario nor a file.
    UnknownScenario,
    /// A case that uses vendor input without `needs` saying so.
    UndeclaredInput,
    /// A case's `accounts` entry that is not a role with a count of 2 or more.
    InvalidAccounts,
    /// A step combining what cannot go together: a teardown with checks, `body` with `raw_body`,
    /// an `across` check on a step that is not `parallel`.
    InvalidStep,
    /// A capture whose pointer is not a JSON pointer.
    InvalidPointer,
    /// A load scenario not of the generator's shape: two cases, JSON bodies by POST.
    InvalidScenario,
}

/// One problem found in an input file, rendered like a compiler diagnostic:
///
/// ```text
/// error: unknown group `mobile-v3`
///   --> specs/endpoints/mobile-v2/getNewest.json:3:12
///   = hint: one of mobile-v1, mobile-v2, services, services-request, services-v2, services-xml
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub location: Location,
    pub message: String,
    pub hints: Vec<String>,
}

impl Diagnostic {
    pub fn new(kind: DiagnosticKind, location: Location, message: impl Into<String>) -> Self {
        Self { kind, location, message: message.into(), hints: Vec::new() }
    }

    /// `{{name}}` used where no such variable exists; the name travels as data in the kind.
    pub fn unknown_variable(location: Location, name: &str) -> Self {
        Self::new(
            DiagnosticKind::UnknownVariable { name: name.to_string() },
            location,
            format!("unknown variable `{name}`"),
        )
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  --> {}", self.message, self.location)?;
        for hint in &self.hints {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// A non-empty list of diagnostics, the error type of every loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn single(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self::single(d)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
