//! The serialized notification items of the v2 lists, kept between requests: an item is
//! rendered again only when its request changed (the ticket store's version of it) or its
//! in-service flag did, so a list costs a copy of each item's bytes instead of serializing some
//! twenty members per item (most of an uncached getNewest). Bounded in bytes: past the cap the
//! memo starts afresh.

use std::collections::HashMap;

use parking_lot::Mutex;

use super::item::item;
use crate::server::data::{Task, Ticket};
use crate::server::domain::World;

/// Bytes of items kept at most.
const MAX_BYTES: usize = 8 << 20;

/// What an item's bytes were rendered from.
#[derive(PartialEq, Eq)]
struct Stamp {
    number: i64,
    version: u64,
    in_service: bool,
}

#[derive(Default)]
struct Inner {
    items: HashMap<i64, (Stamp, Box<[u8]>)>,
    bytes: usize,
}

#[derive(Default)]
pub struct ItemMemo {
    inner: Mutex<Inner>,
}

impl ItemMemo {
    /// Appends the items, comma-separated, as `serde_json` writes `item::item`.
    pub fn write(&self, world: &World, items: &[(&Ticket, &Task)], out: &mut Vec<u8>) {
        let mut inner = self.inner.lock();
        for (i, (ticket, task)) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let stamp = Stamp {
                number: ticket.number,
                version: world.tickets().version(ticket.number),
                in_service: world.field().in_service(task.task_id),
            };
            if let Some((kept, text)) = inner.items.get(&task.task_id) {
                if *kept == stamp {
                    out.extend_from_slice(text);
                    continue;
                }
            }
            let start = out.len();
            // Writing to a Vec cannot fail; an item that could not serialize would be a bug in Item.
            serde_json::to_writer(&mut *out, &item(world, ticket, task)).expect("a notification item serializes");
            let text: Box<[u8]> = out[start..].into();
            if inner.bytes + text.len() > MAX_BYTES {
                inner.items.clear();
                inner.bytes = 0;
            }
            inner.bytes += text.len();
            if let Some((_, old)) = inner.items.insert(task.task_id, (stamp, text)) {
                inner.bytes -= old.len();
            }
        }
    }

    /// Bytes of items held.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;
    use crate::server::domain::field_service::FieldRules;

    fn written(memo: &ItemMemo, world: &World) -> Vec<u8> {
        let pairs: Vec<(&Ticket, &Task)> = world.tickets().open_tasks_of("tecnico").collect();
        let mut out = Vec::new();
        memo.write(world, &pairs, &mut out);
        out
    }

    fn fresh(world: &World) -> Vec<u8> {
        let items: Vec<_> = world.tickets().open_tasks_of("tecnico").map(|(t, k)| item(world, t, k)).collect();
        let text = serde_json::to_vec(&items).unwrap();
        text[1..text.len() - 1].to_vec()
    }

    #[test]
    fn kept_items_are_the_items_as_they_are_now() {
        let mut world = World::new(DataSet::builtin());
        let memo = ItemMemo::default();
        assert_eq!(written(&memo, &world), fresh(&world));
        assert!(memo.bytes() > 0);
        assert_eq!(written(&memo, &world), fresh(&world), "from the memo");
        let (number, task) = {
            let (ticket, task) = world.tickets().open_tasks_of("tecnico").next().unwrap();
            (ticket.number, task.task_id)
        };
        world.attend("tecnico", number, FieldRules::default()).unwrap();
        assert_eq!(written(&memo, &world), fresh(&world), "inService changed");
        world.check_in("tecnico", task, FieldRules::default()).unwrap();
        assert_eq!(written(&memo, &world), fresh(&world), "inChekin changed");
    }
}
