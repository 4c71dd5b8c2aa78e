//! A history that keeps only its newest entries: what the API records but never lists in full
//! (positions, denials, failed operations) stays bounded however long a load runs.

use std::collections::VecDeque;

#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    cap: usize,
}

impl<T> Ring<T> {
    /// At most `cap` entries (at least one).
    pub fn new(cap: usize) -> Ring<T> {
        Ring { items: VecDeque::new(), cap: cap.max(1) }
    }

    /// Appends `item`, dropping the oldest entry when full.
    pub fn push(&mut self, item: T) {
        if self.items.len() == self.cap {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn keeps_the_newest_entries() {
        let mut ring = Ring::new(3);
        (1..=5).for_each(|i| ring.push(i));
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!((ring.len(), ring.capacity()), (3, 3));
    }
}
