//! A run's configuration, normalized once from flags and environment (read in `cli::run_cmd` only).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::spec::Level;
use crate::suite::LoadedSuite;

/// Login and password of each role the suites use (`technician`, `approver`, `requester`, `coordinator`).
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub roles: BTreeMap<String, (String, String)>,
}

impl Credentials {
    /// One account for every role (`--user/--password`).
    pub fn single(user: &str, password: &str) -> Self {
        let roles = crate::suite::template::ROLES
            .iter()
            .map(|r| (r.to_string(), (user.to_string(), password.to_string())))
            .collect();
        Self { roles }
    }

    /// `{"technician": {"user": "…", "password": "…"}, …}` (JSON or YAML); missing roles fall back to
    /// the first one given.
    pub fn parse(label: &str, text: &str) -> Result<Self, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Account {
            user: String,
            password: String,
        }
        let parsed: BTreeMap<String, Account> = serde_norway::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
            format!("{label}{at}: {e}")
        })?;
        for role in parsed.keys() {
            if !crate::suite::template::ROLES.contains(&role.as_str()) {
                return Err(format!(
                    "{label}: unknown role `{role}` (roles: {})",
                    crate::suite::template::ROLES.join(", ")
                ));
            }
        }
        let Some(first) = parsed.values().next() else {
            return Err(format!("{label}: no account given"));
        };
        let fallback = (first.user.clone(), first.password.clone());
        let roles = crate::suite::template::ROLES
            .iter()
            .map(|r| {
                let account = parsed.get(*r).map_or(fallback.clone(), |a| (a.user.clone(), a.password.clone()));
                (r.to_string(), account)
            })
            .collect();
        Ok(Self { roles })
    }

    /// The demo accounts of a running reference server, one per role.
    pub fn of_reference(server: &crate::server::RunningServer) -> Self {
        let mut roles = BTreeMap::new();
        for (login, password, role) in server.credentials() {
            roles.entry(format!("{role:?}").to_lowercase()).or_insert((login, password));
        }
        Self { roles }
    }

    /// Every password, for redaction.
    pub fn secrets(&self) -> Vec<String> {
        let mut s: Vec<String> = self.roles.values().map(|(_, p)| p.clone()).filter(|p| !p.is_empty()).collect();
        s.sort();
        s.dedup();
        s
    }
}

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
}
