//! A page of shared memory with one slot per clone, mapped by the supervisor before the seed
//! exists, so every clone inherits it. A clone counts its requests in its slot with plain
//! atomic operations; the supervisor reads the slots to scale. No syscall per request.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// How many clones one supervisor can run at most.
pub const MAX_SLOTS: usize = 256;

/// One clone's counters. 64 bytes, so slots never share a cache line.
#[repr(C, align(64))]
pub struct Slot {
    /// The clone's pid, 0 when the slot is free.
    pub pid: AtomicU32,
    /// Requests being handled now.
    pub in_flight: AtomicU32,
    /// Requests handled in all.
    pub served: AtomicU64,
    /// When the last request ended, in ms since the Unix epoch.
    pub last_active_ms: AtomicU64,
}

impl Slot {
    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    pub fn request_ended(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.served.fetch_add(1, Ordering::Relaxed);
        self.last_active_ms.store(now_ms(), Ordering::Relaxed);
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The shared slots. The mapping lives as long as the process (and its forks).
pub struct Slots {
    slots: &'static [Slot],
}

impl Slots {
    /// Maps the shared page (MAP_SHARED, so writes are seen across fork()).
    pub fn map() -> std::io::Result<Self> {
        let len = MAX_SLOTS * std::mem::size_of::<Slot>();
        // SAFETY: an anonymous shared mapping; zeroed memory is a valid array of free slots
        // (all-zero atomics). It is never unmapped, hence 'static.
        unsafe {
            let map = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if map == libc::MAP_FAILED {
                return Err(std::io::Error::last_os_error());
            }
            Ok(Self {
                slots: std::slice::from_raw_parts(map.cast::<Slot>(), MAX_SLOTS),
            })
        }
    }

    pub fn get(&self, index: usize) -> &'static Slot {
        &self.slots[index]
    }

    /// A free slot's index, if any.
    pub fn free(&self) -> Option<usize> {
        self.slots
            .iter()
            .position(|slot| slot.pid.load(Ordering::Relaxed) == 0)
    }

    /// Clears a slot for reuse (its clone is gone).
    pub fn release(&self, index: usize) {
        let slot = &self.slots[index];
        slot.in_flight.store(0, Ordering::Relaxed);
        slot.served.store(0, Ordering::Relaxed);
        slot.last_active_ms.store(0, Ordering::Relaxed);
        slot.pid.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_s_counts_are_seen_by_the_parent() {
        let slots = Slots::map().unwrap();
        let index = slots.free().unwrap();
        // SAFETY: the child only touches the shared slot and exits.
        unsafe {
            let pid = libc::fork();
            if pid == 0 {
                let slot = slots.get(index);
                slot.request_started();
                slot.request_started();
                slot.request_ended();
                libc::_exit(0);
            }
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
        }
        assert_eq!(slots.get(index).in_flight.load(Ordering::Relaxed), 1);
        assert_eq!(slots.get(index).served.load(Ordering::Relaxed), 1);
    }
}
