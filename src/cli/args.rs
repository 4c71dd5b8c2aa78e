//! The command line, as clap types: flags only, no I/O.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
EXAMPLES:
  itsm-conform spec list                      all 50 endpoints as a table
  itsm-conform spec list --format json        the same, for scripts
  itsm-conform spec show /services/v2/login   schemas, examples and requirements of one endpoint
  itsm-conform spec check                     load and cross-check every spec file
  itsm-conform spec export openapi --out specs/openapi.json

";

#[derive(Debug, Parser)]
#[command(
    name = "itsm-conform",
    version,
    about = "Certify and load-test implementations of the CITSmart ITSM web-services API",
    after_help = TOP_HELP
)]
pub struct Cli {
    /// Read specs from this directory instead of the copy built into the binary.
    #[arg(long, global = true, env = "ITSM_SPECS", value_name = "DIR")]
    pub specs: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// Top-level help epilogue; `cli::tests::help_lists_exit_codes` keeps it in sync with `exit::TABLE`.
const TOP_HELP: &str = "EXAMPLES:
  itsm-conform spec list                      all 50 endpoints as a table
  itsm-conform spec check                     load and cross-check every spec file
  itsm-conform spec export openapi --out specs/openapi.json

EXIT CODES:
  0  ok: every MUST requirement held (warnings allowed)
  1  conformance failure: a MUST requirement failed
  2  usage or input error: bad flag, suite or spec file
  3  target unreachable or harness error
  4  load thresholds breached";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect, check and export the API spec.
    #[command(subcommand, after_help = AFTER_HELP)]
    Spec(SpecCommand),
}

#[derive(Debug, Subcommand)]
pub enum SpecCommand {
    /// List every endpoint: path, group, session, field counts, requirements.
    List(ListArgs),
    /// Show one endpoint: schemas, examples, requirements.
    Show(ShowArgs),
    /// Load and cross-check every spec file; exit 2 with file:line:col on a problem.
    Check,
    /// Export the spec in another format.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Only endpoints of this group (mobile-v1, mobile-v2, services, services-request, services-v2, services-xml).
    #[arg(long)]
    pub group: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The endpoint path, as in the table (`/services/v2/login`).
    pub path: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// OpenAPI 3.1 document of all 50 POST operations.
    Openapi {
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}
