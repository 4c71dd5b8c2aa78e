//! The v2 notification lists, serialized straight from the world: each item's bytes come from the
//! item memo (`item_memo`) when its request has not changed.

use super::item_memo::ItemMemo;
use crate::server::data::{Task, Ticket};
use crate::server::domain::World;

/// The operation fields `{"amount":N,"notifications":[…],` (amount only when given), in the
/// prefix form of `read_cache::prefix`: no closing brace, a trailing comma.
pub fn list_prefix(world: &World, memo: &ItemMemo, amount: bool, items: &[(&Ticket, &Task)]) -> Vec<u8> {
    // Room for the envelope too, which the pipeline appends.
    let mut out = Vec::with_capacity(128 + items.len() * 360);
    out.push(b'{');
    if amount {
        out.extend_from_slice(format!("\"amount\":{},", items.len()).as_bytes());
    }
    out.extend_from_slice(b"\"notifications\":[");
    memo.write(world, items, &mut out);
    out.extend_from_slice(b"],");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;
    use crate::server::render::item::value;
    use serde_json::{Map, Value};

    #[test]
    fn a_list_is_the_serialized_fields_of_its_items() {
        let world = World::new(DataSet::builtin());
        let pairs: Vec<(&Ticket, &Task)> =
            world.tickets().iter().flat_map(|t| t.tasks.iter().map(move |k| (t, k))).collect();
        assert!(pairs.len() > 40, "{}", pairs.len());
        let memo = ItemMemo::default();
        // Twice: rendered, then from the memo.
        for amount in [false, true, false, true] {
            let text = list_prefix(&world, &memo, amount, &pairs);
            let mut fields = Map::new();
            let items: Vec<Value> = pairs.iter().map(|(t, k)| value(&world, t, k)).collect();
            if amount {
                fields.insert("amount".into(), Value::from(items.len()));
            }
            fields.insert("notifications".into(), Value::Array(items));
            let mut expected = serde_json::to_vec(&fields).unwrap();
            expected.pop();
            expected.push(b',');
            assert_eq!(String::from_utf8(text).unwrap(), String::from_utf8(expected).unwrap());
        }
        assert_eq!(list_prefix(&world, &memo, false, &[]), b"{\"notifications\":[],");
    }
}
