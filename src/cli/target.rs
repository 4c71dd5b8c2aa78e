//! `--target` and its credentials, validated once for `run` and `load`.

use super::args::TargetArgs;
use crate::run::Credentials;

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
