//! Accounts by role, as given to `run` and `load` (`--user/--password` or `--credentials FILE`),
//! and the input only a vendor has (`data_query`), which travels in the same file. A leaf: the
//! suites name these roles and inputs, the runners log in with them, the command line reads them.

use std::collections::BTreeMap;

/// The roles suites act as; `{{technician.user}}` … in a suite.
pub const ROLES: &[&str] = &["technician", "approver", "requester", "coordinator"];
/// Input only a vendor has, which a case may `need`: a query name of /services/data/query.
pub const VENDOR_INPUTS: &[&str] = &["data_query"];

/// Why a credentials file is not accepted; every message starts with the file (and, for YAML or
/// JSON that does not parse, the line and column).
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// Not YAML or JSON, or an entry of no known form.
    #[error("{file}{}: {cause}", at(.cause))]
    Syntax { file: String, cause: serde_norway::Error },
    /// A vendor input (`data_query`) given an account instead of a name.
    #[error("{file}: `{key}` is a name, not an account")]
    InputNotAName { file: String, key: String },
    /// A key that is neither a role nor a vendor input.
    #[error("{file}: unknown key `{key}` (roles: {}; inputs: {})", ROLES.join(", "), VENDOR_INPUTS.join(", "))]
    UnknownKey { file: String, key: String },
    /// A role given a name instead of `{user, password}`.
    #[error("{file}: role `{role}` needs {{user, password}}")]
    NotAnAccount { file: String, role: String },
    /// A role given an empty list.
    #[error("{file}: role `{role}` lists no account")]
    EmptyRole { file: String, role: String },
    /// No role at all.
    #[error("{file}: no account given")]
    NoAccount { file: String },
}

/// `:line:col` of a parse error, when the parser knows it.
fn at(cause: &serde_norway::Error) -> String {
    cause.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default()
}

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
        let pools = ROLES.iter().map(|r| (r.to_string(), vec![(user.to_string(), password.to_string())])).collect();
        Self::from_pools(pools)
    }

    /// `{"technician": {"user": "…", "password": "…"}, …}` (JSON or YAML); a role may list several
    /// accounts (`technician: [{user: …, password: …}, …]`); a missing role falls back to the first
    /// role given, by name (approver, coordinator, requester, technician).
    pub fn parse(label: &str, text: &str) -> Result<Self, CredentialsError> {
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
        let file = || label.to_string();
        let parsed: BTreeMap<String, Entry> =
            serde_norway::from_str(text).map_err(|cause| CredentialsError::Syntax { file: file(), cause })?;
        let mut given: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut inputs = BTreeMap::new();
        for (role, entry) in parsed {
            if VENDOR_INPUTS.contains(&role.as_str()) {
                match entry {
                    Entry::Text(value) => {
                        inputs.insert(role, value);
                        continue;
                    }
                    _ => return Err(CredentialsError::InputNotAName { file: file(), key: role }),
                }
            }
            if !ROLES.contains(&role.as_str()) {
                return Err(CredentialsError::UnknownKey { file: file(), key: role });
            }
            let list = match entry {
                Entry::One(a) => vec![a],
                Entry::Many(list) => list,
                Entry::Text(_) => return Err(CredentialsError::NotAnAccount { file: file(), role }),
            };
            if list.is_empty() {
                return Err(CredentialsError::EmptyRole { file: file(), role });
            }
            given.insert(role, list.into_iter().map(|a| (a.user, a.password)).collect());
        }
        let Some(fallback) = given.values().next().cloned() else {
            return Err(CredentialsError::NoAccount { file: file() });
        };
        let pools =
            ROLES.iter().map(|r| (r.to_string(), given.get(*r).cloned().unwrap_or_else(|| fallback.clone()))).collect();
        Ok(Self { inputs, ..Self::from_pools(pools) })
    }

    /// Pools by role from (login, password, role name), in the order given.
    pub fn of_users(users: impl IntoIterator<Item = (String, String, String)>) -> Self {
        let mut pools: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (login, password, role) in users {
            pools.entry(role.to_lowercase()).or_default().push((login, password));
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
    use super::{Credentials, CredentialsError};

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
        let empty = Credentials::parse("c.yaml", "technician: []\n").unwrap_err();
        assert!(matches!(&empty, CredentialsError::EmptyRole { role, .. } if role == "technician"), "{empty:?}");
        assert_eq!(empty.to_string(), "c.yaml: role `technician` lists no account");
        let chef = Credentials::parse("c.yaml", "chef: {user: a, password: b}\n").unwrap_err();
        assert!(matches!(&chef, CredentialsError::UnknownKey { key, .. } if key == "chef"), "{chef:?}");
        assert_eq!(
            chef.to_string(),
            "c.yaml: unknown key `chef` (roles: technician, approver, requester, coordinator; inputs: data_query)"
        );
        let text = Credentials::parse("c.yaml", "technician: tecnico\n").unwrap_err();
        assert_eq!(text.to_string(), "c.yaml: role `technician` needs {user, password}");
        let bad = Credentials::parse("c.yaml", "technician: {user: a, password: b, x: 1}\n").unwrap_err();
        assert!(bad.to_string().starts_with("c.yaml:1:1: "), "{bad}");
        let with_query =
            Credentials::parse("c.yaml", "technician: {user: a, password: b}\ndata_query: abertas\n").unwrap();
        assert_eq!(with_query.inputs["data_query"], "abertas");
    }
}
