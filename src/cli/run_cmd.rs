//! `itsm-conform run`: flags and environment → RunConfig (read here, once), target (given or the
//! embedded reference server), the run, the reports, the exit code.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::args::{LevelArg, RunArgs, TierArg};
use super::CliError;
use crate::diag::Diagnostics;
use crate::run::engine::Progress;
use crate::run::{self, Credentials, RunConfig, RunHandle, Selection};
use crate::schema::SchemaRegistry;
use crate::server::{self, ServerConfig};
use crate::spec::{self, Group, Level, SpecFiles};
use crate::suite::{self, LoadedSuite};

/// SIGINT (Ctrl-C) or SIGTERM (`timeout`, CI cancellation, `docker stop`) interrupts the run: the
/// reports are still written, with verdict INCOMPLETE unless a MUST already failed.
async fn interrupt_on_signal(handle: RunHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            if tokio::signal::ctrl_c().await.is_ok() {
                handle.interrupt("interrupted by SIGINT");
            }
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => handle.interrupt("interrupted by SIGINT"),
            _ = term.recv() => handle.interrupt("interrupted by SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    if tokio::signal::ctrl_c().await.is_ok() {
        handle.interrupt("interrupted by Ctrl-C");
    }
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn planned(&self, cases: usize) {
        self.0.set_length(cases as u64);
    }
    fn finished(&self, case: &run::CaseResult) {
        self.0.inc(1);
        self.0.set_message(case.id.clone());
    }
}

/// Suites named by `--suite` (a file path, or a name in the suites directory), or all of them.
fn load_suites(args: &RunArgs, spec: &spec::Spec) -> Result<Vec<LoadedSuite>, Diagnostics> {
    if args.suite.is_empty() {
        return suite::load_dir(&args.suites_dir, spec);
    }
    let mut all: Option<Vec<LoadedSuite>> = None;
    let mut out = Vec::new();
    for wanted in &args.suite {
        let path = Path::new(wanted);
        if path.is_file() || wanted.ends_with(".yaml") || wanted.ends_with(".yml") {
            out.push(suite::load_file(path, spec)?);
            continue;
        }
        if all.is_none() {
            all = Some(suite::load_dir(&args.suites_dir, spec)?);
        }
        let found = all.as_ref().and_then(|list| list.iter().find(|s| s.suite.name == *wanted));
        match found {
            Some(s) => out.push(s.clone()),
            None => {
                let names: Vec<String> = all.iter().flatten().map(|s| s.suite.name.clone()).collect();
                return Err(Diagnostics::single(
                    crate::diag::Diagnostic::new(
                        crate::diag::DiagnosticKind::UnknownSuite,
                        crate::diag::Location::file(args.suites_dir.display().to_string()),
                        format!("no suite named `{wanted}`"),
                    )
                    .with_hint(format!("suites: {}", names.join(", "))),
                ));
            }
        }
    }
    Ok(out)
}

pub fn run(args: &RunArgs, files: &SpecFiles, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, CliError> {
    let registry = super::checked_spec(files)?;
    if let Some(g) = args.group.iter().find(|g| !Group::ALL.iter().any(|x| x.name() == *g)) {
        return Err(CliError::UnknownGroup { name: g.clone() });
    }
    if let Some(e) = args.endpoint.iter().find(|e| registry.spec().endpoint(e).is_none()) {
        return Err(CliError::UnknownEndpoint { path: e.clone() });
    }
    let suites = load_suites(args, registry.spec()).map_err(CliError::Suites)?;
    let target = args.connection.resolve()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(CliError::Runtime)?;
    runtime.block_on(run_async(args, registry, suites, target, out, err))
}

async fn run_async(
    args: &RunArgs,
    registry: Arc<SchemaRegistry>,
    suites: Vec<LoadedSuite>,
    target: Option<(String, Credentials)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    let mut embedded = None;
    let mut session_ttl = args.session_ttl;
    let (target, credentials) = match target {
        Some(given) => given,
        None => {
            let server = server::start(ServerConfig::local(), registry.spec().clone())
                .await
                .map_err(CliError::EmbeddedServer)?;
            let url = server.base_url();
            let _ = writeln!(err, "no --target: running against the embedded reference server at {url}");
            session_ttl = server.session_ttl();
            let credentials = super::target::reference_accounts(&server);
            embedded = Some(server);
            (url, credentials)
        }
    };
    let jobs = args.jobs.map_or(crate::run::DEFAULT_JOBS, usize::from);
    let mut inputs = credentials.inputs.clone();
    if let Some(query) = &args.data_query {
        inputs.insert("data_query".into(), query.clone());
    }
    let config = RunConfig {
        target,
        embedded: embedded.is_some(),
        credentials,
        suites,
        generated: !args.no_generated,
        include_slow: args.include.contains(&TierArg::Slow),
        session_ttl,
        inputs,
        breaker: None,
        selection: Selection {
            groups: args.group.clone(),
            endpoints: args.endpoint.clone(),
            tags: args.tag.clone(),
            level: args.level.map(|l| match l {
                LevelArg::Must => Level::Must,
                LevelArg::Should => Level::Should,
            }),
        },
        timeout: args.timeout,
        jobs,
        insecure: args.insecure,
        ca_cert: args.ca_cert.clone(),
    };
    // Before any case: the target answers, serves this API, and takes every account.
    let client = crate::run::http::client(&config)?;
    if let Err(e) = crate::run::preflight::preflight(&client, &config.target, &config.credentials).await {
        if let Some(server) = embedded {
            server.shutdown().await;
        }
        return Err(e.into());
    }
    let handle = RunHandle::default();
    let watcher = tokio::spawn(interrupt_on_signal(handle.clone()));
    let bar = indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} cases {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let result = run::run_suites(&config, registry.clone(), &handle, &Bar(bar.clone())).await;
    bar.finish_and_clear();
    watcher.abort();
    if let Some(server) = embedded {
        server.shutdown().await;
    }
    let report = result?;
    let color = !args.no_color && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let _ = write!(out, "{}", crate::report::terminal_summary(&report, color));
    let paths = crate::report::write_reports(&report, &args.out, &args.report)?;
    for p in paths {
        let _ = writeln!(err, "wrote {}", p.display());
    }
    // The verdict is the outcome, FAIL and INCOMPLETE included: the summary and reports say why.
    Ok(crate::model::verdict::exit_code(report.verdict))
}
