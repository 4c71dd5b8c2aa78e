//! A run's configuration, normalized once from flags and environment (read in `cli::run_cmd` only).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub use crate::accounts::Credentials;
use crate::spec::Level;
use crate::suite::LoadedSuite;

/// Which cases run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub groups: Vec<String>,
    pub endpoints: Vec<String>,
    pub tags: Vec<String>,
    /// `must`: only MUST checks count (SHOULD checks are not reported).
    pub level: Option<Level>,
}

impl Selection {
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.groups.iter().map(|g| format!("--group {g}")));
        out.extend(self.endpoints.iter().map(|e| format!("--endpoint {e}")));
        out.extend(self.tags.iter().map(|t| format!("--tag {t}")));
        if let Some(l) = self.level {
            out.push(format!("--level {}", l.to_string().to_lowercase()));
        }
        out
    }
}

/// Cases in flight when `--jobs` is not given. The work is I/O-bound (a case waits on the target),
/// so a remote target wants many more than the cores; 16 keeps a small server's load modest (16
/// requests in flight) and, with suites isolated by the state they touch (`state:`), changes no
/// verdict (tests/concurrency.rs). scripts/bench-remote.sh measures the time against a slow target.
pub const DEFAULT_JOBS: usize = 16;

#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Base URL of the target (`http://127.0.0.1:8080/citsmart`).
    pub target: String,
    pub embedded: bool,
    pub credentials: Credentials,
    pub suites: Vec<LoadedSuite>,
    /// Include the cases generated from the spec (session, missing fields, wrong types …).
    pub generated: bool,
    pub selection: Selection,
    pub timeout: Duration,
    pub jobs: usize,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    /// Run the slow tier (`--include slow`): cases tagged `slow`.
    pub include_slow: bool,
    /// The target's session lifetime, which the slow tier waits out.
    pub session_ttl: Duration,
    /// Input only the vendor has (`data_query`), from `--data-query` or the credentials file.
    pub inputs: BTreeMap<String, String>,
    /// Consecutive requests without an answer (timeouts, connection failures) that stop the run;
    /// default [`RunConfig::breaker_threshold`].
    pub breaker: Option<usize>,
}

impl RunConfig {
    /// Every suite and generated case against `target`, with the defaults of `itsm-conform run`.
    pub fn new(target: String, credentials: Credentials, suites: Vec<LoadedSuite>) -> Self {
        let inputs = credentials.inputs.clone();
        Self {
            target,
            embedded: false,
            credentials,
            suites,
            generated: true,
            selection: Selection::default(),
            timeout: Duration::from_secs(10),
            jobs: 4,
            insecure: false,
            ca_cert: None,
            include_slow: false,
            session_ttl: Duration::from_secs(30 * 60),
            inputs,
            breaker: None,
        }
    }

    /// The circuit breaker's threshold: twice the requests in flight (at least 3). A target that
    /// stopped answering fails every request in flight within one timeout, and the next round
    /// within a second one, so it stops the run in about two timeouts; one slow endpoint among
    /// answering ones never gets that many in a row.
    pub fn breaker_threshold(&self) -> usize {
        self.breaker.unwrap_or(2 * self.jobs.max(1)).max(3)
    }
}
