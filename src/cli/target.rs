//! `--target` and its credentials, validated once for `run` and `load`.

use std::path::PathBuf;

use super::args::TargetArgs;
use crate::accounts::{Credentials, CredentialsError};
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

/// Why `--target` and its credentials cannot be used (exit 2: nothing was sent).
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("`{target}` is not an http(s) URL")]
    NotAUrl { target: String },
    /// A `--target` without `--user/--password` or `--credentials`.
    #[error("a --target needs credentials")]
    NoCredentials,
    /// `--credentials FILE` cannot be read.
    #[error("cannot read `{}`: {cause}", .path.display())]
    Unreadable { path: PathBuf, cause: std::io::Error },
    /// `--credentials FILE` is not a credentials file.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
}

impl TargetError {
    /// How to fix it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            TargetError::NotAUrl { .. } => Some("e.g. https://host/citsmart"),
            TargetError::NoCredentials => {
                Some("give --user and --password (or ITSM_USER/ITSM_PASSWORD), or --credentials FILE")
            }
            TargetError::Unreadable { .. } => None,
            TargetError::Credentials(_) => Some("see `itsm-conform run --help` for the credentials file"),
        }
    }
}

impl TargetArgs {
    /// `Ok(None)`: no target, use the embedded reference server. `Ok(Some((url, credentials)))`: a
    /// checked http(s) URL and its accounts. `Err`: what is wrong (its hint says how to fix it).
    pub fn resolve(&self) -> Result<Option<(String, Credentials)>, TargetError> {
        let credentials = match (&self.credentials, &self.user, &self.password) {
            (Some(path), _, _) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|cause| TargetError::Unreadable { path: path.clone(), cause })?;
                Some(Credentials::parse(&path.display().to_string(), &text)?)
            }
            (None, Some(user), Some(password)) => Some(Credentials::single(user, password)),
            _ => None,
        };
        let Some(target) = &self.target else { return Ok(None) };
        if !(target.starts_with("http://") || target.starts_with("https://")) {
            return Err(TargetError::NotAUrl { target: target.clone() });
        }
        credentials.map(|c| Some((target.clone(), c))).ok_or(TargetError::NoCredentials)
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
