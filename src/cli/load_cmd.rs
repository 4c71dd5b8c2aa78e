//! `itsm-conform load`: flags → LoadPlan (exit 2 on bad input), target, the Goose run, the
//! summary and its load report (`load.*`), the exit code. Without `--target` the target is the
//! embedded reference server in a child process (`serve --ready-line` on a free loopback port, its
//! log in `<out>/load-server.log`), stopped after the reports are written; only when this program
//! cannot `serve` (the library called from a test binary without `--server-exe`) does it run
//! in-process, on its own runtime.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::LoadArgs;
use super::child_server::ChildServer;
use super::CliError;
use crate::load::{self, summary, PlanInput, Target};
use crate::model::{verdict, LoadReport, RunVerdict};
use crate::report::{self, ReportFormat};
use crate::run::Credentials;
use crate::server::{self, ServerConfig};
use crate::spec::{Spec, SpecFiles};

/// The child server's standard error, in `--out`.
const SERVER_LOG: &str = "load-server.log";

pub fn run(
    args: &LoadArgs,
    files: &SpecFiles,
    specs_dir: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    let registry = super::checked_spec(files)?;
    let input = PlanInput {
        scenarios: args.scenario.clone(),
        users: args.users,
        increase_rate: args.increase_rate,
        run_time: args.run_time,
        iterations: args.iterations,
        think_time: args.think_time,
        thresholds: args.threshold.clone(),
        abort_on_fail: args.abort_on_fail,
        validate_sample: args.validate_sample,
        baseline: args.baseline.clone(),
        out: args.out.clone(),
    };
    let plan = load::plan::build(input, registry.spec())?;
    // Read the baseline before the run: a bad file is a usage error, not a lost run.
    let baseline = plan.baseline.as_deref().map(summary::read_baseline).transpose()?;
    let given = args.connection.resolve()?;
    // Held until the reports are written: dropping it stops the embedded server.
    let mut embedded = None;
    let target = match given {
        Some((url, credentials)) => Target { url, embedded: false, credentials },
        None => {
            let (server, url, credentials, description) =
                start_embedded(args, &plan.out, specs_dir, registry.spec().clone())?;
            let _ = writeln!(err, "no --target: load against the embedded reference server at {url} ({description})");
            embedded = Some(server);
            Target { url, embedded: true, credentials }
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(CliError::Runtime)?;
    // Before any load: a handful of logins, not hundreds of thousands of failed ones.
    let client = crate::run::preflight::client(false)?;
    if let Err(e) = runtime.block_on(crate::run::preflight::preflight(&client, &target.url, &target.credentials)) {
        if let Some(server) = embedded {
            server.stop();
        }
        return Err(e.into());
    }
    let result = runtime.block_on(load::run(&plan, registry.clone(), &target));
    drop(runtime);
    let outcome = result?;
    let s = &outcome.summary;
    let report = LoadReport::new(s.clone(), registry.spec(), plan.selection());
    let _ = write!(out, "{}", report::load::terminal_summary(&report));
    if let Some(before) = &baseline {
        let _ = write!(out, "{}", report::load::against_baseline(s, before));
    }
    // The summary stays the `--baseline` format; the load report carries it whole.
    let path = plan.out.join(summary::FILE_NAME);
    let json = serde_json::to_string_pretty(s).unwrap_or_default();
    crate::fsx::write_atomic(&path, json.as_bytes())
        .map_err(|cause| CliError::WriteFile { path: path.clone(), cause })?;
    let written = report::write_load_reports(&report, &plan.out, &ReportFormat::ALL)?;
    for p in outcome.reports.iter().chain(std::iter::once(&path)).chain(&written) {
        let _ = writeln!(err, "wrote {}", p.display());
    }
    // Every return path drops the server, which stops it; this one lets the in-process one finish
    // its connections.
    if let Some(server) = embedded {
        server.stop();
    }
    if report.verdict == RunVerdict::Error {
        return Err(CliError::NothingSent);
    }
    Ok(verdict::load_exit_code(report.verdict))
}

/// The executable that runs the child server: `--server-exe`, else this program when it is
/// itsm-conform. `None` when this program is something else (a test binary calling the library),
/// which cannot `serve`: the caller then falls back to the in-process server.
fn server_exe(args: &LoadArgs) -> Option<PathBuf> {
    if let Some(exe) = &args.server_exe {
        return Some(exe.clone());
    }
    let exe = std::env::current_exe().ok()?;
    (exe.file_stem()? == "itsm-conform").then_some(exe)
}

/// The embedded reference server of a run without `--target`.
enum Embedded {
    Child(ChildServer),
    /// On its own single-thread runtime, so its scheduling does not compete with Goose's users
    /// inside one pool (the machine's cores are still shared).
    InProcess(tokio::runtime::Runtime, server::RunningServer),
}

impl Embedded {
    fn stop(self) {
        match self {
            Embedded::Child(child) => drop(child),
            Embedded::InProcess(runtime, server) => runtime.block_on(server.shutdown()),
        }
    }
}

/// Starts the embedded server: a child process when an itsm-conform executable is at hand, else
/// in-process. Returns it with its URL, its demo accounts and how it runs (for the message).
fn start_embedded(
    args: &LoadArgs,
    out: &Path,
    specs_dir: Option<&Path>,
    spec: Arc<Spec>,
) -> Result<(Embedded, String, Credentials, String), CliError> {
    if let Some(exe) = server_exe(args) {
        std::fs::create_dir_all(out).map_err(|cause| CliError::CreateDir { path: out.to_path_buf(), cause })?;
        let child = ChildServer::start(&exe, specs_dir, &out.join(SERVER_LOG))?;
        let description = format!("child process {}, demo accounts; its log: {}", child.pid(), child.log().display());
        let (url, credentials) = (child.base_url().to_string(), child.credentials());
        return Ok((Embedded::Child(child), url, credentials, description));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    let server = runtime.block_on(server::start(ServerConfig::local(), spec)).map_err(CliError::EmbeddedServer)?;
    let (url, credentials) = (server.base_url(), super::target::reference_accounts(&server));
    let description = "in-process: this program cannot run `serve` and no --server-exe was given; demo accounts";
    Ok((Embedded::InProcess(runtime, server), url, credentials, description.to_string()))
}
