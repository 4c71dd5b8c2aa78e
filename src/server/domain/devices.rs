//! Device associations of the v2 login (facts §2.43): user, push token, platform and the
//! connection they logged in through. Each user keeps their newest `DEVICES_PER_USER`.

use std::collections::{HashMap, VecDeque};

use super::refusal::Refusal;

/// Associations kept per user (one per token).
pub const DEVICES_PER_USER: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Android,
    Ios,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub token: String,
    pub platform: Platform,
    /// The context path the login came through (`/citsmart`).
    pub connection: String,
    pub active: bool,
}

#[derive(Debug, Default)]
pub struct Devices {
    by_login: HashMap<String, VecDeque<Device>>,
    revision: u64,
}

impl Devices {
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn of(&self, login: &str) -> impl Iterator<Item = &Device> {
        self.by_login.get(login).into_iter().flatten()
    }

    /// Associates the token with the user (replacing an association of the same token).
    pub(super) fn associate(&mut self, login: &str, device: Device) {
        self.revision += 1;
        let devices = self.by_login.entry(login.to_string()).or_default();
        devices.retain(|d| d.token != device.token);
        if devices.len() == DEVICES_PER_USER {
            devices.pop_front();
        }
        devices.push_back(device);
    }

    /// Deactivates the user's active association with this token through this connection.
    pub(super) fn disassociate(&mut self, login: &str, token: &str, connection: &str) -> Result<(), Refusal> {
        let wanted = connection_key(connection);
        let device = self.by_login.get_mut(login).into_iter().flatten().find(|d| {
            d.active
                && d.token == token
                && (connection_key(&d.connection) == wanted || d.connection.eq_ignore_ascii_case(connection.trim()))
        });
        match device {
            Some(device) => {
                device.active = false;
                self.revision += 1;
                Ok(())
            }
            None => Err(Refusal::input("There is no active association for the user to connect and token informed.")),
        }
    }
}

/// The path part of a connection URL, lower-cased and without a trailing slash: the login stores
/// the context path, clients send the whole URL they connected to, and the real DAO compares
/// `UPPER(connection)`.
fn connection_key(connection: &str) -> String {
    let text = connection.trim();
    let path = match text.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => text,
    };
    path.trim_end_matches('/').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(token: &str) -> Device {
        Device { token: token.into(), platform: Platform::Android, connection: "/citsmart".into(), active: true }
    }

    #[test]
    fn a_connection_url_matches_the_stored_context_path() {
        let mut devices = Devices::default();
        devices.associate("u", device("t"));
        assert!(devices.disassociate("u", "t", "http://127.0.0.1:8080/CITSMART/").is_ok());
        assert!(devices.disassociate("u", "t", "/citsmart").is_err(), "already inactive");
    }

    #[test]
    fn each_user_keeps_the_newest_associations() {
        let mut devices = Devices::default();
        for i in 0..DEVICES_PER_USER + 5 {
            devices.associate("u", device(&format!("t{i}")));
        }
        assert_eq!(devices.of("u").count(), DEVICES_PER_USER);
        assert_eq!(devices.of("u").next().map(|d| d.token.as_str()), Some("t5"));
    }
}
