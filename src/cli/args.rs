//! The command line, as clap types: flags only, no I/O.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::server::faults::Fault;
use crate::server::freedoms::FreedomChoice;
use crate::time::parse_duration;

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
  itsm-conform serve                          the reference server on 127.0.0.1:8080/citsmart

EXIT CODES:
  0  ok: every in-scope MUST requirement was checked and held (warnings allowed)
  1  conformance failure: a MUST requirement failed
  2  usage or input error: bad flag, suite or spec file
  3  target unreachable, not this API, stopped answering, or harness error
  4  load thresholds breached
  5  incomplete: interrupted, or an in-scope MUST requirement left unchecked
  6  credentials rejected by the target (pre-flight login)";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect, check and export the API spec.
    #[command(subcommand, after_help = AFTER_HELP)]
    Spec(SpecCommand),
    /// Run the reference server: all 50 endpoints, stateful, in memory, with switchable faults.
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Run the conformance suites against a target and write the certification reports.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// List and check the conformance suites.
    #[command(subcommand)]
    Suites(SuitesCommand),
    /// Load-test the mobile flows (Goose) with thresholds that gate: exit 4 on a breach.
    #[command(after_help = LOAD_HELP)]
    Load(LoadArgs),
}

const LOAD_HELP: &str = "\
EXAMPLES:
  itsm-conform load                                      embedded reference, default mix, 15 s
  itsm-conform load --users 20 --run-time 30s --threshold 'p95<300ms' --threshold 'error-rate<1%'
  itsm-conform load --target http://host/citsmart --credentials creds.yaml --scenario technician:3 --scenario approver
  itsm-conform load --threshold 'getNewest:p99<200ms' --abort-on-fail --baseline reports/load-summary.json

SCENARIOS (suites/load/*.yaml, the suite step format; or a path): technician, approver, requester, coordinator.
THRESHOLDS: [NAME:]METRIC OP VALUE; metrics pN (p50, p95, p99.9 …), max, avg (ms, s), error-rate (%), rps.
Defaults: error-rate<1%, p95<500ms.

REPORTS (in --out, default reports/): load-summary.json, load-goose.html, load-goose.json, load-goose.md;
load.junit.xml, load.json, load.md, load.html (the load report in `run`'s formats, never over its files);
without --target also load-server.log, the log of the reference server (a child process on a free port).

Before any load, a pre-flight checks that the target answers, serves this API and accepts every
account (a few requests); a failure ends the command with one line and exit 3 or 6.

EXIT CODES:
  0  ok: every threshold held over a run that went its full length
  2  usage or input error: bad flag, scenario or threshold (with its column)
  3  target unreachable, not this API, or harness error
  4  load thresholds breached
  5  incomplete: interrupted (SIGINT, SIGTERM) before its run time or iterations
  6  credentials rejected by the target (pre-flight login)";

#[derive(Debug, Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub connection: TargetArgs,
    /// A scenario (built-in name or file) and its weight in the mix; repeatable.
    #[arg(long, value_name = "NAME[:WEIGHT]", value_parser = crate::load::plan::parse_mix)]
    pub scenario: Vec<(String, usize)>,
    /// Simulated users.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub users: usize,
    /// Users started per second (default: all within a second).
    #[arg(long, value_name = "R")]
    pub increase_rate: Option<f64>,
    /// How long the load runs (default 15s unless --iterations).
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION")]
    pub run_time: Option<Duration>,
    /// Loop iterations per user, then stop.
    #[arg(long, value_name = "N")]
    pub iterations: Option<usize>,
    /// Pause between the steps of a loop.
    #[arg(long, default_value = "0ms", value_parser = parse_any_duration, value_name = "DURATION")]
    pub think_time: Duration,
    /// A gate: `p95<300ms`, `error-rate<1%`, `rps>500`, `getNewest:p99<1s`; repeatable.
    #[arg(long, value_name = "EXPR")]
    pub threshold: Vec<String>,
    /// Judge the thresholds during the run too, and stop at the first breach.
    #[arg(long)]
    pub abort_on_fail: bool,
    /// Fraction of responses validated against the full JSON Schema (the envelope is always checked).
    #[arg(long, default_value_t = 1.0, value_name = "F")]
    pub validate_sample: f64,
    /// A previous load-summary.json to compare with.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Directory of the reports.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub out: PathBuf,
    /// The itsm-conform executable that runs the embedded reference server as a child process
    /// without --target (default: this executable). Hidden: for tests, which run the CLI
    /// in-process from a test binary that cannot `serve`.
    #[arg(long, env = "ITSM_SERVER_EXE", hide = true, value_name = "PATH")]
    pub server_exe: Option<PathBuf>,
}

/// A duration flag's value that is not one (clap prints it after `invalid value … for …:`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a number with a unit; `examples` are the forms the flag takes.
    #[error("`{text}` is not a duration ({examples})")]
    NotADuration { text: String, examples: &'static str },
    #[error("must be more than zero")]
    Zero,
    /// `serve --session-ttl 0s`.
    #[error("the session lifetime must be greater than zero")]
    ZeroLifetime,
}

fn parse_any_duration(text: &str) -> Result<Duration, DurationError> {
    parse_duration(text).ok_or_else(|| DurationError::NotADuration { text: text.into(), examples: "300ms, 10s, 1m" })
}

const RUN_HELP: &str = "\
EXAMPLES:
  itsm-conform run                                        all suites against the embedded reference server
  itsm-conform run --target https://host/citsmart --credentials creds.yaml
  itsm-conform run --target http://127.0.0.1:8080/citsmart --user ana --password s3cret --group mobile-v2
  itsm-conform run --suite technician --report junit,json --out build/reports
  itsm-conform run --level must --tag flow --jobs 4 --timeout 5s

CREDENTIALS FILE (YAML or JSON; roles technician, approver, requester, coordinator; a role may list several
accounts, which `load` gives to its users in turn; a missing role uses the first role given, by name):
  technician: {user: tecnico, password: \"…\"}
  approver:   {user: aprovador, password: \"…\"}

REPORTS (in --out, default reports/): itsm-conform.junit.xml, itsm-conform.json, itsm-conform.md,
itsm-conform.html; the terminal summary is printed. Secrets are redacted in every report.

BEFORE ANY CASE, a pre-flight (2 s at most) checks that the target answers, that the URL serves this
API (a login answers JSON, not HTML or a 404) and that every account logs in; a failure ends the run
with one line and exit 3 or 6, and no case runs.

VERDICTS: PASS (every in-scope MUST checked and held), FAIL (a MUST failed), INCOMPLETE (interrupted,
or an in-scope MUST left unchecked: the reports list which and why), ERROR (the target stopped
answering: K consecutive requests without an answer stop the run; or a harness error).
Out of scope unless asked for: the slow tier (`--include slow`: session expiry, a 30-minute wait unless
--session-ttl says otherwise) and requirements that need vendor input (`--data-query NAME`).

EXIT CODES:
  0  ok: every in-scope MUST requirement was checked and held (warnings allowed)
  1  conformance failure: a MUST requirement failed
  2  usage or input error: bad flag, suite or spec file
  3  target unreachable, not this API, stopped answering, or harness error
  5  incomplete: interrupted, or an in-scope MUST requirement left unchecked
  6  credentials rejected by the target (pre-flight login)";

/// Where the implementation is and how to log in; shared by `run` and `load`.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Base URL of the implementation (`https://host/citsmart`); without it, the embedded reference server.
    #[arg(long, env = "ITSM_TARGET", value_name = "URL")]
    pub target: Option<String>,
    /// One account for every role.
    #[arg(long, env = "ITSM_USER", requires = "password", conflicts_with = "credentials")]
    pub user: Option<String>,
    #[arg(long, env = "ITSM_PASSWORD", hide_env_values = true, requires = "user")]
    pub password: Option<String>,
    /// Accounts by role (YAML or JSON): technician, approver, requester, coordinator.
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub connection: TargetArgs,
    /// A suite name (from --suites-dir) or a suite file; repeatable. Default: every suite.
    #[arg(long, value_name = "NAME|PATH")]
    pub suite: Vec<String>,
    /// Directory of the suites.
    #[arg(long, default_value = "suites", value_name = "DIR")]
    pub suites_dir: PathBuf,
    /// Only cases that call endpoints of this group; repeatable.
    #[arg(long, value_name = "GROUP")]
    pub group: Vec<String>,
    /// Only cases that call this endpoint path; repeatable.
    #[arg(long, value_name = "PATH")]
    pub endpoint: Vec<String>,
    /// Only cases with this tag (or of this suite); repeatable.
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// `must`: report MUST requirements only; `should` (default): both.
    #[arg(long, value_enum)]
    pub level: Option<LevelArg>,
    /// Report formats, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "junit,json,markdown,html", value_name = "LIST")]
    pub report: Vec<crate::report::ReportFormat>,
    /// Directory of the reports.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub out: PathBuf,
    /// Time allowed for each request (300ms, 10s, 1m).
    #[arg(long, default_value = "10s", value_parser = parse_positive_duration, value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// Cases run concurrently (default 16: the work is waiting on the target, not the cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Accept invalid TLS certificates.
    #[arg(long)]
    pub insecure: bool,
    /// Trust this CA certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Do not run the cases generated from the spec (session, missing fields, wrong types).
    #[arg(long)]
    pub no_generated: bool,
    /// Opt-in tiers: `slow` (cases that wait long, e.g. for a session to expire); repeatable.
    #[arg(long, value_enum, value_name = "TIER")]
    pub include: Vec<TierArg>,
    /// The target's session lifetime, which the slow tier waits out (SEEN: 30 minutes).
    #[arg(long, default_value = "30m", value_name = "DURATION", value_parser = parse_positive_duration)]
    pub session_ttl: Duration,
    /// A query name the target's /services/data/query knows (no list call reveals one); without it,
    /// the requirements that need it are out of scope. Also `data_query:` in the credentials file.
    #[arg(long, value_name = "NAME")]
    pub data_query: Option<String>,
    /// Print the summary without colour.
    #[arg(long, env = "NO_COLOR", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_color: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TierArg {
    /// Cases that wait long (session expiry).
    Slow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Must,
    Should,
}

fn parse_positive_duration(text: &str) -> Result<std::time::Duration, DurationError> {
    match parse_any_duration(text)? {
        d if d.is_zero() => Err(DurationError::Zero),
        d => Ok(d),
    }
}

#[derive(Debug, Subcommand)]
pub enum SuitesCommand {
    /// Every suite and case, with tags and endpoints.
    List {
        #[arg(long, default_value = "suites", value_name = "DIR")]
        suites_dir: PathBuf,
    },
    /// Load and cross-check every suite against the spec; exit 2 with file:line:col on a problem.
    Check {
        #[arg(long, default_value = "suites", value_name = "DIR")]
        suites_dir: PathBuf,
    },
}

const SERVE_HELP: &str = "\
EXAMPLES:
  itsm-conform serve                                  127.0.0.1:8080, base path /citsmart, demo data
  itsm-conform serve --bind 0.0.0.0:9000 --base-path /
  itsm-conform serve --data suites/data/other-vendor.json --session-ttl 5m
  itsm-conform serve --fault datetime-seconds --fault slow:300ms
  itsm-conform serve --list-faults                    every fault, one per line
  RUST_LOG=debug itsm-conform serve                   one log line per request

The start-up banner (standard error) gives the address, the data set, the demo users and their
passwords, and the active faults. Ctrl-C stops the server.
";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub bind: SocketAddr,
    /// Path prefix of every endpoint (`/citsmart/services/login`); `/` for none.
    #[arg(long, default_value = "/citsmart", value_name = "PATH")]
    pub base_path: String,
    /// Load this data set (JSON, schema specs/meta/dataset.schema.json) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Session lifetime, counted from login (use does not extend it): 30m, 90s, 1h.
    #[arg(long, default_value = "30m", value_name = "DURATION", value_parser = parse_ttl)]
    pub session_ttl: Duration,
    /// Make the server deviate from the spec (repeatable); see --list-faults.
    #[arg(long = "fault", value_name = "NAME[:ARG]")]
    pub faults: Vec<Fault>,
    /// Print every fault of the catalogue, one per line, and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// Use a behaviour the spec allows but the reference does not use by default (repeatable;
    /// `all` for every one); see --list-freedoms. Faults apply on top.
    #[arg(long = "freedom", value_name = "NAME|all")]
    pub freedoms: Vec<FreedomChoice>,
    /// Print every freedom of the catalogue, one per line, and exit.
    #[arg(long)]
    pub list_freedoms: bool,
    /// Open connections at most (kept below the open-file limit); past it the connection idle the
    /// longest is closed to make room, and new ones wait while every one is busy.
    #[arg(long, default_value_t = 4096, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Close a connection that sends no complete request head this long after connecting or
    /// after its previous answer: 30s, 2m.
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = parse_ttl)]
    pub idle_timeout: Duration,
    /// Requests created at run time that the server keeps (the oldest is forgotten first; the
    /// data set's are always kept).
    #[arg(long, default_value_t = 20_000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_requests: u32,
    /// Once listening, print `itsm-conform-ready <base URL>` on standard output. Hidden: the
    /// handshake of `load`, which starts this server as a child process on a free port.
    #[arg(long, hide = true)]
    pub ready_line: bool,
}

fn parse_ttl(text: &str) -> Result<Duration, DurationError> {
    match parse_duration(text) {
        Some(d) if d.is_zero() => Err(DurationError::ZeroLifetime),
        Some(d) => Ok(d),
        None => Err(DurationError::NotADuration { text: text.into(), examples: "e.g. 30m, 90s, 1h" }),
    }
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
