//! The `other-ids` freedom: the same data set under ids from other ranges, as another installation
//! of the product (other sequences, other tables' rows in between) would number it. Numbers and ids
//! are BigInteger/Integer row ids with no documented range (facts §1, §2.21; D-IDS), so only what
//! the spec relies on is kept: request numbers grow with age (getNewest/getOldest compare them, SEEN
//! DAO filters) and every id stays unique. Status ids stay 1..4 (a SEEN enum).

use std::collections::BTreeMap;

use super::data::DataSet;

/// Request numbers start here and grow in steps, leaving gaps.
pub const FIRST_NUMBER: i64 = 7_000_000;
pub const NUMBER_STEP: i64 = 7;

/// A prime: `(i * A + B) mod P` visits every value of 0..P once, in no monotonic order.
const P: i64 = 100_003;

/// The `index`-th task id: scattered over 3 000 017 … 4 300 056, unrelated to request numbers and
/// not increasing (a task created later may get a smaller id).
pub fn task_id(index: i64) -> i64 {
    3_000_017 + 13 * ((index.rem_euclid(P) * 7_919 + 4_242) % P)
}

/// The `index`-th occurrence number: increasing, with gaps, in a range of its own.
pub fn occurrence(index: i64) -> i64 {
    41_000_003 + 11 * index
}

/// Affine maps keep every reference consistent (a parent id that names a missing row still
/// names none) and the new ids distinct.
fn contract(id: i64) -> i64 {
    8_000 + 37 * id
}

fn unit(id: i64) -> i64 {
    20_000 + 53 * id
}

/// The data set with other ids, and the number of task ids handed out (the index of the next one).
pub fn remap(mut data: DataSet) -> (DataSet, i64) {
    let mut olds: Vec<i64> = data.requests.iter().map(|r| r.number).collect();
    olds.sort_unstable();
    // Rank order keeps older requests below newer ones.
    let numbers: BTreeMap<i64, i64> =
        olds.iter().enumerate().map(|(rank, old)| (*old, FIRST_NUMBER + NUMBER_STEP * rank as i64)).collect();
    let mut tasks = 0;
    for request in &mut data.requests {
        request.number = numbers[&request.number];
        request.contract_id = contract(request.contract_id);
        request.unit_id = unit(request.unit_id);
        for task in &mut request.tasks {
            task.task_id = task_id(tasks);
            tasks += 1;
        }
    }
    for user in &mut data.users {
        user.unit_id = unit(user.unit_id);
        user.contract_ids.iter_mut().for_each(|c| *c = contract(*c));
    }
    for c in &mut data.contracts {
        c.id = contract(c.id);
    }
    for u in &mut data.units {
        u.id = unit(u.id);
        u.contract_id = contract(u.contract_id);
    }
    for s in &mut data.services {
        s.contract_id = contract(s.contract_id);
    }
    let reasons = [
        (&mut data.approval_reasons, 300, 11),
        (&mut data.denied_reasons, 700, 17),
        (&mut data.solution_categories, 1_000, 19),
        (&mut data.suspension_reasons, 2_000, 23),
    ];
    for (list, base, step) in reasons {
        for reason in list.iter_mut() {
            reason.id = base + step * reason.id;
            reason.parent_id = reason.parent_id.map(|p| if p > 0 { base + step * p } else { p });
        }
    }
    for j in &mut data.justificativas {
        j.id_justificativa = 5_000 + 29 * j.id_justificativa;
    }
    (data, tasks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_move_but_stay_unique_and_numbers_keep_their_order() {
        let before = DataSet::builtin();
        let (after, tasks) = remap(before.clone());
        let count = |d: &DataSet| d.requests.iter().map(|r| r.tasks.len()).sum::<usize>();
        assert_eq!(tasks as usize, count(&before));
        let pairs: Vec<(i64, i64)> =
            before.requests.iter().zip(&after.requests).map(|(b, a)| (b.number, a.number)).collect();
        assert!(pairs.iter().all(|(_, n)| *n >= FIRST_NUMBER && (n - FIRST_NUMBER) % NUMBER_STEP == 0));
        for w in pairs.windows(2) {
            assert_eq!(w[0].0 < w[1].0, w[0].1 < w[1].1, "order kept: {w:?}");
        }
        let ids: Vec<i64> = after.requests.iter().flat_map(|r| r.tasks.iter().map(|t| t.task_id)).collect();
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
        assert!(ids.windows(2).any(|w| w[1] < w[0]), "task ids are not monotonic: {ids:?}");
        let units: BTreeSet<i64> = after.units.iter().map(|u| u.id).collect();
        assert!(after.users.iter().all(|u| units.contains(&u.unit_id)));
        let contracts: BTreeSet<i64> = after.contracts.iter().map(|c| c.id).collect();
        assert!(after.services.iter().all(|s| contracts.contains(&s.contract_id)));
        assert!(before.contracts.iter().all(|c| !contracts.contains(&c.id)));
        let later: Vec<i64> = (tasks..tasks + 50).map(task_id).collect();
        assert!(later.iter().all(|id| !ids.contains(id)), "new task ids are new");
    }
}
