//! How a world hands out request numbers, task ids and occurrence numbers: consecutive after the
//! data set's, or scattered as another installation would (`other-ids`, `other_ids.rs`).

use crate::server::other_ids;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdScheme {
    /// Each one after the highest of the data set.
    Consecutive,
    /// Numbers in steps of 7, task ids scattered, occurrences with gaps.
    Scattered,
}

#[derive(Debug, Clone)]
pub struct Numbering {
    scheme: IdScheme,
    next_number: i64,
    /// The next task id, or with `Scattered` the index of the next scattered one.
    next_task: i64,
    /// The next occurrence number, or with `Scattered` the index of the next one.
    next_occurrence: i64,
}

impl Numbering {
    /// After the highest number and task id in use (`None`: the data set has none).
    pub fn consecutive(max_number: Option<i64>, max_task: Option<i64>) -> Numbering {
        Numbering {
            scheme: IdScheme::Consecutive,
            next_number: max_number.map_or(1000, |n| n + 1),
            next_task: max_task.map_or(5000, |n| n + 1),
            next_occurrence: 1,
        }
    }

    /// `other-ids`: after the highest remapped number; `tasks_used` scattered task ids are taken.
    pub fn scattered(max_number: Option<i64>, tasks_used: i64) -> Numbering {
        Numbering {
            scheme: IdScheme::Scattered,
            next_number: max_number.map_or(other_ids::FIRST_NUMBER, |n| n + other_ids::NUMBER_STEP),
            next_task: tasks_used,
            next_occurrence: 0,
        }
    }

    /// The number the next request would get (read early by the `duplicate-numbers` fault).
    pub fn peek_number(&self) -> i64 {
        self.next_number
    }

    pub fn number(&mut self) -> i64 {
        let n = self.next_number;
        self.next_number += self.step();
        n
    }

    /// `number`, read earlier by a non-atomic allocation (`duplicate-numbers`); later allocations
    /// still go past it.
    pub fn number_at(&mut self, number: i64) -> i64 {
        self.next_number = self.next_number.max(number + self.step());
        number
    }

    fn step(&self) -> i64 {
        match self.scheme {
            IdScheme::Consecutive => 1,
            IdScheme::Scattered => other_ids::NUMBER_STEP,
        }
    }

    pub fn task_id(&mut self) -> i64 {
        let n = self.next_task;
        self.next_task += 1;
        match self.scheme {
            IdScheme::Consecutive => n,
            IdScheme::Scattered => other_ids::task_id(n),
        }
    }

    pub fn occurrence(&mut self) -> i64 {
        let n = self.next_occurrence;
        self.next_occurrence += 1;
        match self.scheme {
            IdScheme::Consecutive => n,
            IdScheme::Scattered => other_ids::occurrence(n),
        }
    }
}
