//! The DE-PARA table of `/services/synchronize*`: (object, source key) → destination key, in the
//! order written; a later synchronize of the same source key replaces the mapping. Bounded: past
//! `MAPPINGS_KEPT` the oldest mapping is forgotten.

use std::collections::{BTreeMap, HashMap};

/// Mappings kept.
pub const MAPPINGS_KEPT: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub object: String,
    pub from_key: String,
    pub to_key: String,
}

/// The keys a find or a delete names; each one is optional.
#[derive(Debug, Clone, Default)]
pub struct MappingFilter {
    pub object: Option<String>,
    pub from_key: Option<String>,
    pub to_key: Option<String>,
}

impl MappingFilter {
    pub fn matches(&self, m: &Mapping) -> bool {
        self.object.as_ref().is_none_or(|o| o.eq_ignore_ascii_case(&m.object))
            && self.from_key.as_ref().is_none_or(|f| *f == m.from_key)
            && self.to_key.as_ref().is_none_or(|t| *t == m.to_key)
    }
}

#[derive(Debug, Default)]
pub struct Mappings {
    by_seq: BTreeMap<u64, Mapping>,
    /// (object lower-cased, source key) → seq: objects compare ignoring case.
    by_key: HashMap<(String, String), u64>,
    seq: u64,
    revision: u64,
}

impl Mappings {
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    /// The mappings a filter selects, in the order written.
    pub fn matching<'a>(&'a self, filter: &'a MappingFilter) -> impl Iterator<Item = &'a Mapping> + 'a {
        self.by_seq.values().filter(move |m| filter.matches(m))
    }

    pub(super) fn put(&mut self, mapping: Mapping) {
        self.revision += 1;
        let key = (mapping.object.to_lowercase(), mapping.from_key.clone());
        if let Some(old) = self.by_key.remove(&key) {
            self.by_seq.remove(&old);
        }
        self.seq += 1;
        self.by_key.insert(key, self.seq);
        self.by_seq.insert(self.seq, mapping);
        while self.by_seq.len() > MAPPINGS_KEPT {
            let Some((_, oldest)) = self.by_seq.pop_first() else { break };
            self.by_key.remove(&(oldest.object.to_lowercase(), oldest.from_key));
        }
    }

    /// Removes the mappings a filter selects; returns how many.
    pub(super) fn remove_matching(&mut self, filter: &MappingFilter) -> usize {
        let doomed: Vec<u64> = self.by_seq.iter().filter(|(_, m)| filter.matches(m)).map(|(seq, _)| *seq).collect();
        for seq in &doomed {
            if let Some(m) = self.by_seq.remove(seq) {
                self.by_key.remove(&(m.object.to_lowercase(), m.from_key));
            }
        }
        if !doomed.is_empty() {
            self.revision += 1;
        }
        doomed.len()
    }
}
