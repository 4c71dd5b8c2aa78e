//! The failed operations `/services/error/getList` lists (the real product logs failed executions
//! in Rest_Log): the newest `ERRORS_KEPT`, so long load runs do not grow it.

use std::sync::Arc;

use super::refusal::Code;
use super::ring::Ring;

/// Failed operations kept.
pub const ERRORS_KEPT: usize = 1000;

#[derive(Debug, Clone)]
pub struct ErrorRecord {
    pub time_ms: i64,
    /// Endpoint path, e.g. `/services/request/create`.
    pub path: Arc<str>,
    /// The operation's messageID when the spec names one.
    pub message_id: Option<Arc<str>>,
    pub code: Code,
    pub description: String,
}

#[derive(Debug)]
pub struct ErrorLog {
    records: Ring<ErrorRecord>,
    revision: u64,
}

impl Default for ErrorLog {
    fn default() -> Self {
        ErrorLog { records: Ring::new(ERRORS_KEPT), revision: 0 }
    }
}

impl ErrorLog {
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &ErrorRecord> {
        self.records.iter()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub(super) fn push(&mut self, record: ErrorRecord) {
        self.revision += 1;
        self.records.push(record);
    }
}
