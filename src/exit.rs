//! Exit codes: public API, documented in README.md and `--help`. One table, one place.

use std::process::ExitCode;

/// Everything ran and every MUST requirement held (SHOULD failures are warnings).
pub const OK: u8 = 0;
/// The target broke at least one MUST requirement.
pub const CONFORMANCE_FAILURE: u8 = 1;
/// Bad input: a flag, a suite or a spec file. Nothing was sent to the target.
pub const USAGE_ERROR: u8 = 2;
/// The target could not be reached, or the harness itself failed.
pub const HARNESS_ERROR: u8 = 3;
/// A load run breached one of its thresholds.
pub const THRESHOLD_BREACHED: u8 = 4;

/// The table printed in `--help` and checked against README.md by a test.
pub const TABLE: &str = "\
EXIT CODES:
  0  ok: every MUST requirement held (warnings allowed)
  1  conformance failure: a MUST requirement failed
  2  usage or input error: bad flag, suite or spec file
  3  target unreachable or harness error
  4  load thresholds breached";

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}
