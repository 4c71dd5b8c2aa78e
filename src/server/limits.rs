//! Every bound of what a server holds, in one place: connections and their idle time, the
//! requests created at run time that the world keeps, the read cache. (Sessions, occurrences,
//! DE-PARA mappings, devices and the histories have fixed caps next to their stores.)

use super::domain::tickets::DEFAULT_MAX_REQUESTS;
use super::listener::ConnectionLimits;
use super::read_cache::CacheLimits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub connections: ConnectionLimits,
    /// Requests created at run time that are kept (the oldest is forgotten first); the data set's
    /// are always kept.
    pub max_requests: usize,
    pub cache: CacheLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: ConnectionLimits::default(),
            max_requests: DEFAULT_MAX_REQUESTS,
            cache: CacheLimits::default(),
        }
    }
}
