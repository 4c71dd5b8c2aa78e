//! The world behind its lock, and the generation the read cache keys its answers by.
//!
//! Reads share the lock; a write holds it alone. The generation is the world's revision (which
//! grows with every change an answer can show, `domain::World::revision`), published when a write
//! guard is released, still under the lock: a reader that sees the new state sees the new
//! generation too. A write that changes nothing (a refused command, a repeated attendRequest, a
//! position for the journal) leaves the generation alone, so cached lists survive it.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::domain::World;

pub struct WorldCell {
    world: RwLock<World>,
    generation: AtomicU64,
}

impl WorldCell {
    pub fn new(world: World) -> Self {
        let generation = AtomicU64::new(world.revision());
        Self { world: RwLock::new(world), generation }
    }

    pub fn read(&self) -> RwLockReadGuard<'_, World> {
        self.world.read()
    }

    pub fn write(&self) -> WorldWriter<'_> {
        WorldWriter { guard: self.world.write(), generation: &self.generation }
    }

    /// The revision of the world as last published; an answer computed at this revision (read
    /// under the lock with `World::revision`) is still the answer.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}

pub struct WorldWriter<'a> {
    guard: RwLockWriteGuard<'a, World>,
    generation: &'a AtomicU64,
}

impl Deref for WorldWriter<'_> {
    type Target = World;

    fn deref(&self) -> &World {
        &self.guard
    }
}

impl DerefMut for WorldWriter<'_> {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.guard
    }
}

impl Drop for WorldWriter<'_> {
    fn drop(&mut self) {
        // Runs before the lock guard field is dropped: the new generation is visible before
        // anyone can read the new state.
        self.generation.store(self.guard.revision(), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;

    #[test]
    fn only_a_change_moves_the_generation() {
        let cell = WorldCell::new(World::new(DataSet::builtin()));
        let before = cell.generation();
        drop(cell.read());
        drop(cell.write());
        assert_eq!(cell.generation(), before, "a write that changes nothing is no change");
        {
            let mut world = cell.write();
            let unit = world.catalog().units[0].id;
            world.move_unit(unit, 1.0, 2.0).unwrap();
            assert_eq!(cell.generation(), before, "published on release, not before");
        }
        assert!(cell.generation() > before);
    }
}
