//! Every way a command can end in error: one type that knows its exit code (src/exit.rs) and
//! renders itself, once, on standard error ([`crate::cli::run`] is the only caller of
//! [`CliError::render`]). A verdict (FAIL, thresholds breached, INCOMPLETE) is an outcome, not an
//! error: commands return it as their exit code.
//!
//! Each message is one line that carries its cause's text (`cannot read `x`: No such file…`), the
//! form the command line has always printed; causes are therefore data, not also `source`s that a
//! chain walker would print twice. Input files are reported by their diagnostics (`file:line:col`).

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use super::child_server::ChildServerError;
use super::target::TargetError;
use crate::diag::Diagnostics;
use crate::exit;
use crate::load::{BaselineError, LoadError, PlanError};
use crate::report::WriteError;
use crate::run::http::ClientError;
use crate::run::preflight::PreflightError;
use crate::server::data::DataSetError;
use crate::spec::Group;

/// Why a command could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    // Exit 2, the command line: nothing was sent.
    /// `--group` (`run`, `spec list`) names no group of the spec.
    #[error("unknown group `{name}`")]
    UnknownGroup { name: String },
    /// `run --endpoint` names no endpoint of the spec.
    #[error("unknown endpoint `{path}`")]
    UnknownEndpoint { path: String },
    /// `spec show PATH` names no endpoint; `similar` are the paths that share its last segment.
    #[error("no endpoint `{path}` in the spec")]
    NoSuchEndpoint { path: String, similar: Vec<String> },
    /// `--target` and its credentials: not a URL, no credentials, a credentials file that cannot be
    /// read or is not one.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A load plan's flags or thresholds (`--users 0`, `p95<<3ms`); a scenario's problems are
    /// [`CliError::Scenario`].
    #[error(transparent)]
    Plan(PlanError),

    // Exit 2, input files: their diagnostics name file:line:col.
    /// The spec files (`--specs`, or the embedded ones) are unreadable or inconsistent.
    #[error("{}", problems(.0, "spec"))]
    Spec(Diagnostics),
    /// The suites (`--suites-dir`, `--suite`) are unreadable, malformed or do not match the spec.
    #[error("{}", problems(.0, "suites"))]
    Suites(Diagnostics),
    /// A load scenario (`--scenario`) cannot be read or is not a load scenario.
    #[error(transparent)]
    Scenario(Diagnostics),
    /// `--baseline FILE` cannot be compared with.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// `serve --data FILE` cannot be read.
    #[error("cannot read data file `{}`: {cause}", .path.display())]
    DataFile { path: PathBuf, cause: io::Error },
    /// `serve --data FILE` is not a data set: the message names the file and the offending field.
    #[error(transparent)]
    DataSet(#[from] DataSetError),

    // Exit 3 or 6, the target: nothing but the pre-flight's logins was sent.
    /// The pre-flight found the target unreachable, too slow, not this API, redirecting (3), or
    /// refusing an account (6).
    #[error(transparent)]
    Preflight(#[from] PreflightError),

    // Exit 3, the harness.
    /// No HTTP client: `--ca-cert` unreadable or not a certificate, or TLS set-up failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(io::Error),
    /// The embedded reference server of `run` or `load` (in-process) did not start.
    #[error("cannot start the embedded reference server: {0}")]
    EmbeddedServer(io::Error),
    /// The embedded reference server of `load` (a child process) did not start.
    #[error(transparent)]
    ChildServer(#[from] ChildServerError),
    /// `serve` cannot listen on `--bind`.
    #[error("cannot listen on {bind}: {cause}")]
    Listen { bind: SocketAddr, cause: io::Error },
    /// The load run did not happen or did not finish.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A load run that sent no request measured nothing (its reports are written, verdict ERROR).
    #[error("no request was sent")]
    NothingSent,
    #[error("cannot create `{}`: {cause}", .path.display())]
    CreateDir { path: PathBuf, cause: io::Error },
    #[error("cannot write `{}`: {cause}", .path.display())]
    WriteFile { path: PathBuf, cause: io::Error },
    /// A report of `run` or `load` cannot be written.
    #[error(transparent)]
    Reports(#[from] WriteError),
}

/// The diagnostics, a blank line, and how many there are: `3 problems in the suites`.
fn problems(diagnostics: &Diagnostics, what: &str) -> String {
    let n = diagnostics.0.len();
    format!("{diagnostics}\n\n{n} problem{} in the {what}", if n == 1 { "" } else { "s" })
}

impl CliError {
    /// The process's exit code for this error (the table in src/exit.rs).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::UnknownGroup { .. }
            | CliError::UnknownEndpoint { .. }
            | CliError::NoSuchEndpoint { .. }
            | CliError::Target(_)
            | CliError::Plan(_)
            | CliError::Spec(_)
            | CliError::Suites(_)
            | CliError::Scenario(_)
            | CliError::Baseline(_)
            | CliError::DataFile { .. }
            | CliError::DataSet(_) => exit::USAGE_ERROR,
            CliError::Preflight(PreflightError::CredentialsRejected { .. }) => exit::CREDENTIALS_REJECTED,
            CliError::Preflight(_)
            | CliError::Client(_)
            | CliError::Runtime(_)
            | CliError::EmbeddedServer(_)
            | CliError::ChildServer(_)
            | CliError::Listen { .. }
            | CliError::Load(_)
            | CliError::NothingSent
            | CliError::CreateDir { .. }
            | CliError::WriteFile { .. }
            | CliError::Reports(_) => exit::HARNESS_ERROR,
        }
    }

    /// What to do about it, printed under the message as `  = hint: …`.
    pub fn hint(&self) -> Option<String> {
        match self {
            CliError::UnknownGroup { .. } => {
                let names: Vec<_> = Group::ALL.iter().map(|g| g.name()).collect();
                Some(format!("one of {}", names.join(", ")))
            }
            CliError::UnknownEndpoint { .. } => Some("`itsm-conform spec list` shows every endpoint".into()),
            CliError::NoSuchEndpoint { similar, .. } if similar.is_empty() => {
                Some("`itsm-conform spec list` shows every path".into())
            }
            CliError::NoSuchEndpoint { similar, .. } => Some(format!("did you mean {}?", similar.join(" or "))),
            CliError::Target(e) => e.hint().map(String::from),
            _ => None,
        }
    }

    /// Writes the error as the user sees it: diagnostics as they are (each its own `error:` with
    /// `file:line:col`), anything else as `error: message` and its hint.
    pub fn render(&self, w: &mut dyn Write) -> io::Result<()> {
        match self {
            CliError::Spec(_) | CliError::Suites(_) | CliError::Scenario(_) => writeln!(w, "{self}"),
            _ => {
                writeln!(w, "error: {self}")?;
                if let Some(hint) = self.hint() {
                    writeln!(w, "  = hint: {hint}")?;
                }
                Ok(())
            }
        }
    }
}

/// A scenario's diagnostics render as diagnostics; every other plan error as one `error:` line.
impl From<PlanError> for CliError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Scenario(d) => CliError::Scenario(d),
            other => CliError::Plan(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, DiagnosticKind, Location};

    fn rendered(e: &CliError) -> String {
        let mut out = Vec::new();
        e.render(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_flag_error_renders_once_with_its_hint_and_exits_2() {
        let e = CliError::UnknownEndpoint { path: "/x".into() };
        assert_eq!(e.exit_code(), exit::USAGE_ERROR);
        assert_eq!(
            rendered(&e),
            "error: unknown endpoint `/x`\n  = hint: `itsm-conform spec list` shows every endpoint\n"
        );
        let e = CliError::Target(TargetError::Unreadable {
            path: "c.yaml".into(),
            cause: io::Error::new(io::ErrorKind::NotFound, "gone"),
        });
        assert_eq!(rendered(&e), "error: cannot read `c.yaml`: gone\n", "no hint, no hint line");
    }

    #[test]
    fn diagnostics_render_as_themselves_with_their_count() {
        let d = Diagnostic::new(DiagnosticKind::Missing, Location::at("s.yaml", 3, 5), "case `a` has no steps");
        let e = CliError::Suites(Diagnostics::single(d.clone()));
        assert_eq!(e.exit_code(), exit::USAGE_ERROR);
        assert_eq!(rendered(&e), "error: case `a` has no steps\n  --> s.yaml:3:5\n\n1 problem in the suites\n");
        let e = CliError::Spec(Diagnostics(vec![d.clone(), d.clone()]));
        assert!(rendered(&e).ends_with("\n\n2 problems in the spec\n"), "{}", rendered(&e));
        // A scenario's diagnostics are the whole message: no count.
        let e = CliError::from(PlanError::Scenario(Diagnostics::single(d)));
        assert!(matches!(e, CliError::Scenario(_)));
        assert_eq!(rendered(&e), "error: case `a` has no steps\n  --> s.yaml:3:5\n");
        let e = CliError::from(PlanError::NoUsers);
        assert_eq!(rendered(&e), "error: --users must be at least 1\n");
    }

    #[test]
    fn the_target_and_the_harness_have_their_own_codes() {
        let rejected = PreflightError::CredentialsRejected {
            roles: vec!["approver".into()],
            user: "ana".into(),
            code: "SESSION".into(),
            description: "invalid".into(),
        };
        assert_eq!(CliError::from(rejected).exit_code(), exit::CREDENTIALS_REJECTED);
        let unreachable =
            PreflightError::Unreachable { url: "http://h/services/login".into(), cause: "refused".into() };
        assert_eq!(CliError::from(unreachable).exit_code(), exit::HARNESS_ERROR);
        assert_eq!(CliError::NothingSent.exit_code(), exit::HARNESS_ERROR);
        let e = CliError::Listen {
            bind: "127.0.0.1:9".parse().unwrap(),
            cause: io::Error::new(io::ErrorKind::AddrInUse, "in use"),
        };
        assert_eq!(
            (e.exit_code(), rendered(&e)),
            (exit::HARNESS_ERROR, "error: cannot listen on 127.0.0.1:9: in use\n".into())
        );
    }
}
