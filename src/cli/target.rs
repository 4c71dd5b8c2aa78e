//! `--target` and its credentials, validated once for `run` and `load`.

use super::args::TargetArgs;
use crate::accounts::Credentials;
use crate::server::RunningServer;

/// The demo accounts of a running reference server, every account of each role, and the vendor
/// input it can answer (the name of one of its data queries): what `run` and `load` use without
/// `--target`. Here, because only the command line meets both the server and the client.
pub fn reference_accounts(server: &RunningServer) -> Credentials {
    let users = server.credentials().into_iter().map(|(login, password, role)| (login, password, format!("{role:?}")));
    let mut credentials = Credentials::of_users(users);
    if let Some(query) = server.data_query_names().into_iter().next() {
        credentials.inputs.insert("data_query".into(), query);
    }
    credentials
}

/// The accounts of the built-in data set: those of a reference server started without `--data`
/// (a child process, whose users this process cannot ask for).
pub(crate) fn builtin_accounts() -> Credentials {
    let users =
        crate::server::DataSet::builtin().users.into_iter().map(|u| (u.login, u.password, format!("{:?}", u.role)));
    let mut credentials = Credentials::of_users(users);
    if let Some(query) = crate::server::DataSet::builtin().queries.first() {
        credentials.inputs.insert("data_query".into(), query.name.clone());
    }
    credentials
}

impl TargetArgs {
    /// `Ok(None)`: no target, use the embedded reference server. `Ok(Some((url, credentials)))`: a
    /// checked http(s) URL and its accounts. `Err`: what is wrong and how to fix it.
    pub fn resolve(&self) -> Result<Option<(String, Credentials)>, (String, String)> {
        let credentials = match (&self.credentials, &self.user, &self.password) {
            (Some(path), _, _) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| (format!("cannot read `{}`: {e}", path.display()), String::new()))?;
                let parsed = Credentials::parse(&path.display().to_string(), &text)
                    .map_err(|e| (e, "see `itsm-conform run --help` for the credentials file".to_string()))?;
                Some(parsed)
            }
            (None, Some(user), Some(password)) => Some(Credentials::single(user, password)),
            _ => None,
        };
        let Some(target) = &self.target else { return Ok(None) };
        if !(target.starts_with("http://") || target.starts_with("https://")) {
            return Err((format!("`{target}` is not an http(s) URL"), "e.g. https://host/citsmart".into()));
        }
        match credentials {
            Some(c) => Ok(Some((target.clone(), c))),
            None => Err((
                "a --target needs credentials".into(),
                "give --user and --password (or ITSM_USER/ITSM_PASSWORD), or --credentials FILE".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_builtin_data_gives_the_documented_demo_accounts() {
        let c = super::builtin_accounts();
        assert_eq!(c.roles["technician"], ("tecnico".into(), "tecnico-demo".into()));
        assert_eq!(c.roles["approver"], ("aprovador".into(), "aprovador-demo".into()));
        assert!(c.pools["technician"].iter().any(|(u, _)| u == "tecnico2"));
    }
}
