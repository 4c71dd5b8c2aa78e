//! `itsm-conform load`: flags → LoadPlan (exit 2 on bad input), target (given, or the embedded
//! reference server in-process on its own runtime), the Goose run, the summary, the exit code.

use std::io::Write;

use super::args::LoadArgs;
use crate::exit;
use crate::load::{self, summary, PlanError, PlanInput, Target};
use crate::run::Credentials;
use crate::server::{self, ServerConfig};
use crate::spec::SpecFiles;

fn usage(err: &mut dyn Write, message: &str) -> u8 {
    let _ = writeln!(err, "error: {message}");
    exit::USAGE_ERROR
}

pub fn run(args: &LoadArgs, files: &SpecFiles, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let registry = match super::checked_spec(files, err) {
        Ok(r) => r,
        Err(code) => return code,
    };
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
    let plan = match load::plan::build(input, registry.spec()) {
        Ok(p) => p,
        Err(PlanError::Scenario(d)) => {
            let _ = writeln!(err, "{d}");
            return exit::USAGE_ERROR;
        }
        Err(e) => return usage(err, &e.to_string()),
    };
    if plan.increase_rate <= 0.0 {
        return usage(err, "--increase-rate must be more than 0");
    }
    // Read the baseline before the run: a bad file is a usage error, not a lost run.
    let baseline = match &plan.baseline {
        Some(path) => match summary::read_baseline(path) {
            Ok(b) => Some(b),
            Err(e) => return usage(err, &e),
        },
        None => None,
    };
    let given = match args.connection.resolve() {
        Ok(t) => t,
        Err((message, hint)) => {
            return usage(err, &if hint.is_empty() { message } else { format!("{message} ({hint})") })
        }
    };
    // The embedded server gets its own single-thread runtime so its scheduling does not compete
    // with Goose's users inside one pool (the machine's cores are still shared).
    let server_runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            return exit::HARNESS_ERROR;
        }
    };
    let mut embedded = None;
    let target = match given {
        Some((url, credentials)) => Target { url, embedded: false, credentials },
        None => {
            let started = server_runtime.block_on(server::start(ServerConfig::local(), registry.spec().clone()));
            let server = match started {
                Ok(s) => s,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot start the embedded reference server: {e}");
                    return exit::HARNESS_ERROR;
                }
            };
            let credentials = Credentials::of_reference(&server);
            let url = server.base_url();
            let _ = writeln!(
                err,
                "no --target: load against the embedded reference server at {url} (in-process, demo accounts)"
            );
            embedded = Some(server);
            Target { url, embedded: true, credentials }
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            return exit::HARNESS_ERROR;
        }
    };
    let result = runtime.block_on(load::run(&plan, registry, &target));
    drop(runtime);
    if let Some(server) = embedded {
        server_runtime.block_on(server.shutdown());
    }
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return exit::HARNESS_ERROR;
        }
    };
    let s = &outcome.summary;
    let _ = write!(out, "{}", summary::render_terminal(s));
    if let Some(before) = &baseline {
        let _ = write!(out, "{}", summary::render_baseline(s, before));
    }
    let path = plan.out.join(summary::FILE_NAME);
    let json = serde_json::to_string_pretty(s).unwrap_or_default();
    if let Err(e) = crate::fsx::write_atomic(&path, json.as_bytes()) {
        let _ = writeln!(err, "error: cannot write `{}`: {e}", path.display());
        return exit::HARNESS_ERROR;
    }
    for p in outcome.reports.iter().chain(std::iter::once(&path)) {
        let _ = writeln!(err, "wrote {}", p.display());
    }
    if s.total.count == 0 {
        let _ = writeln!(err, "error: no request was sent");
        return exit::HARNESS_ERROR;
    }
    if s.passed {
        exit::OK
    } else {
        exit::THRESHOLD_BREACHED
    }
}
