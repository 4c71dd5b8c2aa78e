//! Exit codes: public API, documented in README.md and `--help`. One table, one place.

use std::process::ExitCode;

/// Everything ran, every in-scope MUST requirement was checked and held (SHOULD failures are warnings).
pub const OK: u8 = 0;
/// The target broke at least one MUST requirement.
pub const CONFORMANCE_FAILURE: u8 = 1;
/// Bad input: a flag, a suite or a spec file. Nothing was sent to the target.
pub const USAGE_ERROR: u8 = 2;
/// The target could not be reached, does not serve this API at the given URL, stopped answering
/// during the run (circuit breaker), or the harness itself failed.
pub const HARNESS_ERROR: u8 = 3;
/// A load run breached one of its thresholds.
pub const THRESHOLD_BREACHED: u8 = 4;
/// The run did not establish the verdict: it was interrupted (SIGINT, SIGTERM), or an in-scope
/// MUST requirement was left unchecked (the reports list which, and why). Never a pass.
pub const INCOMPLETE: u8 = 5;
/// The target rejected an account of the credentials at the pre-flight login: no case ran.
pub const CREDENTIALS_REJECTED: u8 = 6;

/// The table printed in `--help` and checked against README.md by a test.
pub const TABLE: &str = "\
EXIT CODES:
  0  ok: every in-scope MUST requirement was checked and held (warnings allowed)
  1  conformance failure: a MUST requirement failed
  2  usage or input error: bad flag, suite or spec file
  3  target unreachable, not this API, stopped answering, or harness error
  4  load thresholds breached
  5  incomplete: interrupted, or an in-scope MUST requirement left unchecked
  6  credentials rejected by the target (pre-flight login)";

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}
