//! The world behind its lock, with a generation that counts writes.
//!
//! The read cache (`read_cache.rs`) may serve an answer only while the world is as it was when the
//! answer was computed. A guard that hands out `&mut World` is the one way to change the world, so
//! the guard marks itself written on a mutable borrow and bumps the generation when it is released
//! (still under the lock). Reads never bump it, nor do requests that only touch other state, so a
//! loop of reads and rejected actions keeps its cached lists. Conservative: a mutable borrow that
//! changes nothing still counts as a write.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Mutex, MutexGuard};

use super::world::World;

pub struct WorldCell {
    world: Mutex<World>,
    generation: AtomicU64,
}

impl WorldCell {
    pub fn new(world: World) -> Self {
        Self { world: Mutex::new(world), generation: AtomicU64::new(0) }
    }

    pub fn lock(&self) -> WorldGuard<'_> {
        WorldGuard { guard: self.world.lock(), generation: &self.generation, written: false }
    }

    /// Read before computing an answer; the answer is valid while this stays the same.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}

pub struct WorldGuard<'a> {
    guard: MutexGuard<'a, World>,
    generation: &'a AtomicU64,
    written: bool,
}

impl Deref for WorldGuard<'_> {
    type Target = World;

    fn deref(&self) -> &World {
        &self.guard
    }
}

impl DerefMut for WorldGuard<'_> {
    fn deref_mut(&mut self) -> &mut World {
        self.written = true;
        &mut self.guard
    }
}

impl Drop for WorldGuard<'_> {
    fn drop(&mut self) {
        // Runs before the mutex guard field is dropped: the bump is visible before anyone can read
        // the new state.
        if self.written {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_mutable_borrow_bumps_the_generation() {
        let cell = WorldCell::new(World::new(crate::server::DataSet::builtin()));
        let before = cell.generation();
        {
            let world = cell.lock();
            let _ = world.deref();
        }
        assert_eq!(cell.generation(), before, "a read is not a write");
        {
            let mut world = cell.lock();
            let _ = world.deref_mut();
            assert_eq!(cell.generation(), before, "bumped on release, not before");
        }
        assert_eq!(cell.generation(), before + 1);
    }
}
