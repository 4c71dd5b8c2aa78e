//! A run's configuration, normalized once from flags and environment (read in `cli::run_cmd` only).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::spec::Level;
use crate::suite::LoadedSuite;

/// Login and password of each role the suites use (`technician`, `approver`, `requester`, `coordinator`).
/// A role may have several accounts (`pools`): the conformance runner uses the first, and each
/// simulated user of a load run its own (user index modulo the pool), so users do not share one.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub roles: BTreeMap<String, (String, String)>,
    pub pools: BTreeMap<String, Vec<(String, String)>>,
    /// Input only the vendor has, given in the same file (`data_query: NAME`).
    pub inputs: BTreeMap<String, String>,
}

impl Credentials {
    fn from_pools(pools: BTreeMap<String, Vec<(String, String)>>) -> Self {
        let roles = pools.iter().filter_map(|(r, p)| p.first().map(|a| (r.clone(), a.clone()))).collect();
        Self { roles, pools, inputs: BTreeMap::new() }
    }

    /// One account for every role (`--user/--password`).
    pub fn single(user: &str, password: &str) -> Self {
        let pools = crate::suite::template::ROLES
            .iter()
            .map(|r| (r.to_string(), vec![(user.to_string(), password.to_string())]))
            .collect();
        Self::from_pools(pools)
    }

    /// `{"technician": {"user": "…", "password": "…"}, …}` (JSON or YAML); a role may list several
    /// accounts (`technician: [{user: …, password: …}, …]`); a missing role falls back to the first
    /// role given, by name (approver, coordinator, requester, technician).
    pub fn parse(label: &str, text: &str) -> Result<Self, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Account {
            user: String,
            password: String,
        }
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Entry {
            One(Account),
            Many(Vec<Account>),
            /// A vendor input (`data_query: NAME`).
            Text(String),
        }
        let parsed: BTreeMap<String, Entry> = serde_norway::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
            format!("{label}{at}: {e}")
        })?;
        let mut given: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut inputs = BTreeMap::new();
        for (role, entry) in parsed {
            if crate::suite::VENDOR_INPUTS.contains(&role.as_str()) {
                match entry {
                    Entry::Text(value) => {
                        inputs.insert(role, value);
                        continue;
                    }
                    _ => return Err(format!("{label}: `{role}` is a name, not an account")),
                }
            }
            if !crate::suite::template::ROLES.contains(&role.as_str()) {
                return Err(format!(
                    "{label}: unknown key `{role}` (roles: {}; inputs: {})",
                    crate::suite::template::ROLES.join(", "),
                    crate::suite::VENDOR_INPUTS.join(", ")
                ));
            }
            let list = match entry {
                Entry::One(a) => vec![a],
                Entry::Many(list) => list,
                Entry::Text(_) => return Err(format!("{label}: role `{role}` needs {{user, password}}")),
            };
            if list.is_empty() {
                return Err(format!("{label}: role `{role}` lists no account"));
            }
            given.insert(role, list.into_iter().map(|a| (a.user, a.password)).collect());
        }
        let Some(fallback) = given.values().next().cloned() else {
            return Err(format!("{label}: no account given"));
        };
        let pools = crate::suite::template::ROLES
            .iter()
            .map(|r| (r.to_string(), given.get(*r).cloned().unwrap_or_else(|| fallback.clone())))
            .collect();
        Ok(Self { inputs, ..Self::from_pools(pools) })
    }

    /// The demo accounts of a running reference server, every account of each role, and the
    /// vendor input it can answer (the name of one of its data queries).
    pub fn of_reference(server: &crate::server::RunningServer) -> Self {
        let mut credentials = Self::of_users(server.credentials());
        if let Some(query) = server.data_query_names().into_iter().next() {
            credentials.inputs.insert("data_query".into(), query);
        }
        credentials
    }

    /// The accounts of the built-in data set: those of a reference server started without
    /// `--data` (a child process, whose users this process cannot ask for).
    pub fn of_builtin_data() -> Self {
        Self::of_users(crate::server::DataSet::builtin().users.into_iter().map(|u| (u.login, u.password, u.role)))
    }

    /// Pools by role from (login, password, role), in data-set order.
    fn of_users(users: impl IntoIterator<Item = (String, String, crate::server::data::Role)>) -> Self {
        let mut pools: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (login, password, role) in users {
            pools.entry(format!("{role:?}").to_lowercase()).or_default().push((login, password));
        }
        Self::from_pools(pools)
    }

    /// The account of `role` for simulated user `index` (round robin over the role's accounts).
    pub fn account(&self, role: &str, index: usize) -> Option<&(String, String)> {
        let pool = self.pools.get(role).filter(|p| !p.is_empty())?;
        pool.get(index % pool.len())
    }

    /// Every password, for redaction.
    pub fn secrets(&self) -> Vec<String> {
        let mut s: Vec<String> = self
            .pools
            .values()
            .flatten()
            .chain(self.roles.values())
            .map(|(_, p)| p.clone())
            .filter(|p| !p.is_empty())
            .collect();
        s.sort();
        s.dedup();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn a_role_may_list_several_accounts_used_round_robin() {
        let c = Credentials::parse(
            "c.yaml",
            "technician: [{user: a, password: pa}, {user: b, password: pb}]\napprover: {user: c, password: pc}\n",
        )
        .unwrap();
        assert_eq!(c.roles["technician"], ("a".into(), "pa".into()));
        assert_eq!(c.account("technician", 3).unwrap().0, "b");
        assert_eq!(c.account("requester", 7).unwrap().0, "c", "a missing role falls back to the first role by name");
        assert_eq!(c.secrets(), ["pa", "pb", "pc"]);
        assert!(Credentials::parse("c.yaml", "technician: []\n").unwrap_err().contains("no account"));
        assert!(Credentials::parse("c.yaml", "chef: {user: a, password: b}\n").unwrap_err().contains("unknown key"));
        let with_query =
            Credentials::parse("c.yaml", "technician: {user: a, password: b}\ndata_query: abertas\n").unwrap();
        assert_eq!(with_query.inputs["data_query"], "abertas");
    }

    #[test]
    fn the_builtin_data_gives_the_documented_demo_accounts() {
        let c = Credentials::of_builtin_data();
        assert_eq!(c.roles["technician"], ("tecnico".into(), "tecnico-demo".into()));
        assert_eq!(c.roles["approver"], ("aprovador".into(), "aprovador-demo".into()));
        assert!(c.pools["technician"].iter().any(|(u, _)| u == "tecnico2"));
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
