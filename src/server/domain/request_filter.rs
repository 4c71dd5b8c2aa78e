//! The filters of `/services/request/getByUser` and `getNotSynchronized` (facts §2.35); every one
//! is optional. Names compare lower-cased without spaces (`statuses::normalize`).

use super::statuses::normalize;
use crate::server::data::Ticket;

#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub user: Option<String>,
    /// Lower-cased.
    pub description: Option<String>,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub service: Option<i64>,
    pub contract: Option<i64>,
    /// Normalized.
    pub status: Option<String>,
    pub contracts: Vec<String>,
    pub statuses: Vec<String>,
    pub groups: Vec<String>,
}

impl RequestFilter {
    pub fn matches(&self, t: &Ticket) -> bool {
        self.user.as_ref().is_none_or(|u| u.eq_ignore_ascii_case(&t.requester))
            && self.description.as_ref().is_none_or(|d| t.description.to_lowercase().contains(d.as_str()))
            && self.start.is_none_or(|s| t.created_at >= s)
            && self.end.is_none_or(|e| t.created_at <= e)
            && self.service.is_none_or(|s| t.service_code == s)
            && self.contract.is_none_or(|c| t.contract_id == c)
            && self.status.as_ref().is_none_or(|s| normalize(&t.status) == *s)
            && (self.contracts.is_empty() || self.contracts.contains(&t.contract_id.to_string()))
            && (self.statuses.is_empty() || self.statuses.contains(&normalize(&t.status)))
            && (self.groups.is_empty() || self.groups.contains(&normalize(&t.group_id)))
    }
}

/// Whether an occurrence's category is one of `filter` (normalized); an empty filter takes all.
pub fn category_matches(filter: &[String], category: &str) -> bool {
    filter.is_empty() || filter.contains(&normalize(category))
}
