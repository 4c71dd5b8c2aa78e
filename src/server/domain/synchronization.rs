//! What a caller has not synchronized yet (`*/getNotSynchronized`): the requests or occurrences
//! changed since the caller last received them; `synchronize` true records them as received.

use super::lookup::Lookup;
use super::occurrences::Occurrence;
use super::refusal::Refusal;
use super::request_filter::{category_matches, RequestFilter};
use super::sync_marks::Topic;
use super::world::World;

impl World {
    /// Numbers of the requests the filter selects that changed since `login` last synchronized
    /// them, by number ascending; `mark` records them as synchronized at their current version.
    pub fn requests_not_synchronized(&mut self, login: &str, filter: &RequestFilter, mark: bool) -> Vec<i64> {
        let pending: Vec<(i64, u64)> = self
            .tickets
            .iter()
            .filter(|t| filter.matches(t))
            .filter_map(|t| {
                let version = self.tickets.version(t.number);
                let synced = self.marks.get(login, Topic::Request(t.number)).unwrap_or(0);
                (version > synced).then_some((t.number, version))
            })
            .collect();
        if mark {
            for (number, version) in &pending {
                self.marks.set(login, Topic::Request(*number), *version);
            }
        }
        pending.into_iter().map(|(number, _)| number).collect()
    }

    /// The occurrences of a request, of the given categories, that `login` has not synchronized;
    /// `mark` records them as synchronized.
    pub fn occurrences_not_synchronized(
        &mut self,
        login: &str,
        lookup: &Lookup,
        categories: &[String],
        mark: bool,
    ) -> Result<Vec<Occurrence>, Refusal> {
        let number = self.number_of(lookup)?;
        let pending: Vec<Occurrence> = self
            .occurrences
            .of(number)
            .filter(|o| category_matches(categories, &o.category))
            .filter(|o| self.marks.get(login, Topic::Occurrence(o.number)).is_none_or(|v| o.version > v))
            .cloned()
            .collect();
        if mark {
            for o in &pending {
                self.marks.set(login, Topic::Occurrence(o.number), o.version);
            }
        }
        Ok(pending)
    }
}
