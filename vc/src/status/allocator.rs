//! Handing out status list indexes to new credentials.

use std::collections::{BTreeMap, HashMap};

use rand_core::{OsRng, RngCore};

use super::bitstring::status_error;
use super::{MIN_STATUS_LIST_BITS, StatusListEntry, StatusPurpose};
use crate::Result;

/// How a [`StatusListAllocator`] picks the next free index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocationStrategy {
    /// 0, 1, 2, ...: simple, but the index leaks the issuance order.
    Sequential,
    /// Uniformly random among the free indexes, never repeating: the spec's
    /// advice, so an index says nothing about when a credential was issued.
    Random,
}

/// Allocates status list indexes for new credentials, per list URL, never
/// giving out an index twice.
///
/// Random allocation is a lazy Fisher–Yates shuffle: O(1) per index, memory
/// proportional to the indexes handed out. To resume after a restart, replay
/// the stored indexes with [`mark_allocated`](Self::mark_allocated).
///
/// ```
/// use xinlian_vc::status::{AllocationStrategy, StatusListAllocator, StatusPurpose};
///
/// let mut allocator = StatusListAllocator::new(131_072, AllocationStrategy::Sequential)?;
/// let url = "https://uni.example/status/1";
/// assert_eq!(allocator.allocate(url)?, 0);
/// assert_eq!(allocator.allocate(url)?, 1);
/// let entry = allocator.allocate_entry(url, StatusPurpose::Revocation)?;
/// assert_eq!(entry.status_list_index, 2);
/// assert_eq!(allocator.allocated(url), 3);
/// # Ok::<(), xinlian_vc::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct StatusListAllocator {
    len_bits: u64,
    strategy: AllocationStrategy,
    lists: BTreeMap<String, ListState>,
}

#[derive(Debug, Clone, Default)]
struct ListState {
    /// How many indexes are handed out.
    allocated: u64,
    /// Sequential: the lowest index that may be free.
    cursor: u64,
    /// Handed-out indexes (both strategies), one bit each.
    used: Vec<u64>,
    /// Random: the sparse permutation, position -> index, and its inverse.
    /// Positions `0..len-allocated` hold the free indexes.
    forward: HashMap<u64, u64>,
    backward: HashMap<u64, u64>,
}

impl ListState {
    fn is_used(&self, index: u64) -> bool {
        self.used
            .get((index / 64) as usize)
            .is_some_and(|w| w & (1 << (index % 64)) != 0)
    }

    fn mark_used(&mut self, index: u64) {
        let word = (index / 64) as usize;
        if self.used.len() <= word {
            self.used.resize(word + 1, 0);
        }
        if let Some(w) = self.used.get_mut(word) {
            *w |= 1 << (index % 64);
        }
    }

    fn at(&self, position: u64) -> u64 {
        self.forward.get(&position).copied().unwrap_or(position)
    }

    fn position_of(&self, index: u64) -> u64 {
        self.backward.get(&index).copied().unwrap_or(index)
    }

    /// Swaps the free index at `position` with the last free one and shrinks
    /// the free range by one; returns the index taken out.
    fn take_position(&mut self, position: u64, len: u64) -> u64 {
        let last = len - self.allocated - 1;
        let taken = self.at(position);
        let moved = self.at(last);
        self.forward.remove(&last);
        self.backward.remove(&taken);
        if position != last {
            self.forward.insert(position, moved);
            self.backward.insert(moved, position);
        } else {
            self.backward.remove(&moved);
        }
        self.mark_used(taken);
        self.allocated += 1;
        taken
    }
}

impl StatusListAllocator {
    /// An allocator for lists of `len_bits` entries.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`](crate::Error::StatusList) when `len_bits` is
    /// below the spec's minimum of 131,072.
    pub fn new(len_bits: u64, strategy: AllocationStrategy) -> Result<Self> {
        if len_bits < MIN_STATUS_LIST_BITS {
            return Err(status_error(format!(
                "a status list needs at least {MIN_STATUS_LIST_BITS} entries, not {len_bits}"
            )));
        }
        Ok(StatusListAllocator {
            len_bits,
            strategy,
            lists: BTreeMap::new(),
        })
    }

    /// The next index of the list at `list_url`, using the operating
    /// system's random generator for [`AllocationStrategy::Random`].
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`](crate::Error::StatusList) when the list is
    /// full (start a new list) or randomness is unavailable.
    pub fn allocate(&mut self, list_url: &str) -> Result<u64> {
        self.allocate_with_rng(list_url, &mut OsRng)
    }

    /// [`allocate`](Self::allocate) with a caller-supplied random generator.
    ///
    /// # Errors
    ///
    /// As [`allocate`](Self::allocate).
    pub fn allocate_with_rng(&mut self, list_url: &str, rng: &mut impl RngCore) -> Result<u64> {
        let len = self.len_bits;
        let state = self.lists.entry(list_url.to_owned()).or_default();
        if state.allocated >= len {
            return Err(status_error(format!(
                "the status list {list_url} is full ({len} entries)"
            )));
        }
        match self.strategy {
            AllocationStrategy::Sequential => {
                while state.is_used(state.cursor) {
                    state.cursor += 1;
                }
                let index = state.cursor;
                state.mark_used(index);
                state.allocated += 1;
                state.cursor += 1;
                Ok(index)
            }
            AllocationStrategy::Random => {
                let free = len - state.allocated;
                let position = uniform_below(rng, free)?;
                Ok(state.take_position(position, len))
            }
        }
    }

    /// Allocates an index and returns the credential's status entry for it.
    ///
    /// # Errors
    ///
    /// As [`allocate`](Self::allocate).
    pub fn allocate_entry(&mut self, list_url: &str, purpose: StatusPurpose) -> Result<StatusListEntry> {
        let index = self.allocate(list_url)?;
        Ok(StatusListEntry::new(purpose, index, list_url))
    }

    /// Records that `index` of `list_url` is already taken (e.g. when
    /// reloading from storage). Marking an index twice is harmless.
    ///
    /// # Errors
    ///
    /// [`Error::StatusList`](crate::Error::StatusList) when `index` is past
    /// the end of the list.
    pub fn mark_allocated(&mut self, list_url: &str, index: u64) -> Result<()> {
        let len = self.len_bits;
        if index >= len {
            return Err(status_error(format!(
                "index {index} is past the end of a list of {len} entries"
            )));
        }
        let state = self.lists.entry(list_url.to_owned()).or_default();
        if state.is_used(index) {
            return Ok(());
        }
        let position = state.position_of(index);
        state.take_position(position, len);
        Ok(())
    }

    /// How many indexes of `list_url` are handed out.
    pub fn allocated(&self, list_url: &str) -> u64 {
        self.lists.get(list_url).map_or(0, |s| s.allocated)
    }

    /// How many indexes of `list_url` are still free.
    pub fn remaining(&self, list_url: &str) -> u64 {
        self.len_bits - self.allocated(list_url)
    }

    /// The number of entries per list.
    pub fn list_len(&self) -> u64 {
        self.len_bits
    }
}

/// A uniform random number in `0..bound` (`bound` > 0), by rejection.
fn uniform_below(rng: &mut impl RngCore, bound: u64) -> Result<u64> {
    let zone = u64::MAX - (u64::MAX % bound);
    for _ in 0..128 {
        let mut bytes = [0u8; 8];
        rng.try_fill_bytes(&mut bytes)
            .map_err(|e| status_error(format!("no randomness for a status list index: {e}")))?;
        let n = u64::from_le_bytes(bytes);
        if n < zone {
            return Ok(n % bound);
        }
    }
    Err(status_error("the random generator keeps returning out-of-range values"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A deterministic xorshift generator for tests.
    struct XorShift(u64);

    impl RngCore for XorShift {
        fn next_u32(&mut self) -> u32 {
            self.next_u64() as u32
        }
        fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for chunk in dest.chunks_mut(8) {
                let bytes = self.next_u64().to_le_bytes();
                chunk.copy_from_slice(&bytes[..chunk.len()]);
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    #[test]
    fn random_allocation_fills_a_list_without_repeats() {
        let mut allocator = StatusListAllocator::new(MIN_STATUS_LIST_BITS, AllocationStrategy::Random).unwrap();
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        allocator.mark_allocated("l", 7).unwrap();
        allocator.mark_allocated("l", MIN_STATUS_LIST_BITS - 1).unwrap();
        let mut seen = HashSet::from([7, MIN_STATUS_LIST_BITS - 1]);
        for _ in 0..MIN_STATUS_LIST_BITS - 2 {
            let index = allocator.allocate_with_rng("l", &mut rng).unwrap();
            assert!(index < MIN_STATUS_LIST_BITS);
            assert!(seen.insert(index), "index {index} handed out twice");
        }
        assert_eq!(allocator.remaining("l"), 0);
        assert!(allocator.allocate_with_rng("l", &mut rng).is_err());
        // Other lists are independent.
        assert!(allocator.allocate_with_rng("other", &mut rng).is_ok());
    }

    #[test]
    fn random_allocation_is_not_sequential() {
        let mut allocator = StatusListAllocator::new(MIN_STATUS_LIST_BITS, AllocationStrategy::Random).unwrap();
        let first: Vec<u64> = (0..8).map(|_| allocator.allocate("l").unwrap()).collect();
        assert_ne!(first, (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn sequential_allocation_skips_marked_indexes() {
        let mut allocator = StatusListAllocator::new(MIN_STATUS_LIST_BITS, AllocationStrategy::Sequential).unwrap();
        allocator.mark_allocated("l", 1).unwrap();
        allocator.mark_allocated("l", 1).unwrap();
        assert_eq!(allocator.allocate("l").unwrap(), 0);
        assert_eq!(allocator.allocate("l").unwrap(), 2);
        assert_eq!(allocator.allocated("l"), 3);
        assert!(allocator.mark_allocated("l", MIN_STATUS_LIST_BITS).is_err());
        assert!(StatusListAllocator::new(100, AllocationStrategy::Sequential).is_err());
    }
}
