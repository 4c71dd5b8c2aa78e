//! The process's open-file limit: every connection holds a descriptor, so the connection cap must
//! stay below the soft limit, and `serve` first raises the soft limit to the hard one (as Go's
//! runtime does), since the usual soft default of 1,024 is far below what the kernel allows.

/// Descriptors kept for everything but connections: the listener, the runtime's epoll and event
/// descriptors, standard streams, log files, a run's own clients when the server runs in-process.
pub const RESERVED: u64 = 64;

/// The soft limit on open files, if the platform has one.
pub fn soft_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE).ok().map(|(soft, _)| soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Raises the soft limit on open files to the hard limit; returns the soft limit now in force.
pub fn raise_to_hard_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use nix::sys::resource::{getrlimit, setrlimit, Resource};
        let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
        if soft >= hard {
            return Some(soft);
        }
        match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
            Ok(()) => Some(hard),
            Err(_) => Some(soft),
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The connection cap a server can keep: `wanted`, or fewer when the descriptors are fewer.
pub fn connection_cap(wanted: usize) -> usize {
    let available = soft_limit().map_or(u64::MAX, |soft| soft.saturating_sub(RESERVED).max(1));
    wanted.min(usize::try_from(available).unwrap_or(usize::MAX)).max(1)
}
