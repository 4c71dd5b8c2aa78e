//! Accounts by role, as given to `run` and `load` (`--user/--password` or `--credentials FILE`),
//! and the input only a vendor has (`data_query`), which travels in the same file. A leaf: the
//! suites name these roles and inputs, the runners log in with them, the command line reads them.

use std::collections::BTreeMap;

/// The roles suites act as; `{{technician.user}}` … in a suite.
pub const ROLES: &[&str] = &["technician", "approver", "requester", "coordinator"];
/// Input only a vendor has, which a case may `need`: a query name of /services/data/query.
pub const VENDOR_INPUTS: &[&str] = &["data_query"];

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
            if VENDOR_INPUTS.contains(&role.as_str()) {
                match entry {
                    Entry::Text(value) => {
                        inputs.insert(role, value);
                        continue;
                    }
                    _ => return Err(format!("{label}: `{role}` is a name, not an account")),
                }
            }
            if !ROLES.contains(&role.as_str()) {
                return Err(format!(
                    "{label}: unknown key `{role}` (roles: {}; inputs: {})",
                    ROLES.join(", "),
                    VENDOR_INPUTS.join(", ")
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
}
