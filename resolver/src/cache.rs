//! A bounded, time-limited cache in front of any [`Resolver`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;
use tokio::time::Instant;
use xinlian_did_core::{Did, ErrorKind, Resolution, ResolutionOptions, Resolver};

/// The outcome of one resolution, as cached and shared.
type Outcome = xinlian_did_core::Result<Resolution>;

/// Settings of a [`CachingResolver`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheOptions {
    /// Most entries kept; the least recently used entry is evicted to make
    /// room. `0` disables caching (concurrent identical misses are still
    /// coalesced). Default 1024.
    pub capacity: usize,
    /// How long a successful resolution is served from the cache. Default
    /// 5 minutes.
    pub ttl: Duration,
    /// How long a `notFound` answer is served from the cache (negative
    /// caching); keep it short so a DID that gets created shows up soon.
    /// `Duration::ZERO` disables negative caching. Default 30 seconds.
    /// Other errors (`internalError`, invalid documents, ...) are never
    /// cached.
    pub not_found_ttl: Duration,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            capacity: 1024,
            ttl: Duration::from_secs(300),
            not_found_ttl: Duration::from_secs(30),
        }
    }
}

/// A [`Resolver`] that caches another resolver's answers.
///
/// - Entries are keyed by the DID and the options that change the answer
///   (`versionId`, `versionTime`, `accept` and method-specific options).
/// - At most [`CacheOptions::capacity`] entries are kept, least recently used
///   evicted first; each expires after its time to live.
/// - Successful resolutions and `notFound` answers are cached (the latter
///   for the shorter [`CacheOptions::not_found_ttl`]); no other error is.
/// - `noCache: true` bypasses the cache (and is passed on to the inner
///   resolver) and refreshes the entry with the fresh answer.
/// - Safe to share between tasks: concurrent misses for the same key are
///   coalesced into one call of the inner resolver, whose answer all of them
///   receive.
///
/// ```
/// use std::time::Duration;
/// use xinlian_did_core::{ResolutionOptions, Resolver, StatelessResolver};
/// use xinlian_resolver::{CacheOptions, CachingResolver};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let options = CacheOptions { capacity: 100, ttl: Duration::from_secs(60), ..CacheOptions::default() };
/// let cached = CachingResolver::with_options(StatelessResolver::new(), options);
/// let did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK".parse()?;
/// let first = cached.resolve(&did, &ResolutionOptions::default()).await?;
/// let again = cached.resolve(&did, &ResolutionOptions::default()).await?; // from the cache
/// assert_eq!(first, again);
/// assert_eq!(cached.len(), 1);
/// # Ok(())
/// # }
/// ```
pub struct CachingResolver<R> {
    inner: R,
    options: CacheOptions,
    state: Mutex<State>,
}

impl<R: Resolver> CachingResolver<R> {
    /// Caches `inner` with the default [`CacheOptions`].
    pub fn new(inner: R) -> Self {
        Self::with_options(inner, CacheOptions::default())
    }

    /// Caches `inner` with `options`.
    pub fn with_options(inner: R, options: CacheOptions) -> Self {
        CachingResolver {
            state: Mutex::new(State {
                entries: Lru::new(options.capacity),
                in_flight: HashMap::new(),
            }),
            inner,
            options,
        }
    }

    /// The cached resolver.
    pub fn inner(&self) -> &R {
        &self.inner
    }

    /// The options this cache was built with.
    pub fn options(&self) -> &CacheOptions {
        &self.options
    }

    /// Entries held (expired entries count until they are evicted or looked
    /// up).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the cache holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every entry.
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// Drops every entry for `did` (whatever the options); returns how many.
    pub fn invalidate(&self, did: &Did) -> usize {
        self.lock().entries.remove_where(|key| key.did == did.as_str())
    }

    /// Locks the state. A panic while the lock was held may have left the
    /// state half-updated, so a poisoned cache is emptied and used on.
    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => {
                let mut guard = poisoned.into_inner();
                guard.entries.clear();
                guard.in_flight.clear();
                self.state.clear_poison();
                guard
            }
        }
    }

    /// How long `outcome` may be cached, if at all.
    fn ttl_for(&self, outcome: &Outcome) -> Option<Duration> {
        let ttl = match outcome {
            Ok(_) => self.options.ttl,
            Err(e) if e.kind() == ErrorKind::NotFound => self.options.not_found_ttl,
            Err(_) => return None,
        };
        (!ttl.is_zero()).then_some(ttl)
    }

    fn store(&self, key: &Key, outcome: &Outcome) {
        if let Some(ttl) = self.ttl_for(outcome) {
            let entry = Entry {
                outcome: Arc::new(outcome.clone()),
                expires: Instant::now() + ttl,
            };
            self.lock().entries.insert(key.clone(), entry);
        }
    }
}

#[async_trait]
impl<R: Resolver> Resolver for CachingResolver<R> {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> Outcome {
        let key = Key::new(did, options);
        if options.no_cache {
            let outcome = self.inner.resolve(did, options).await;
            self.store(&key, &outcome);
            return outcome;
        }
        loop {
            let role = {
                let mut state = self.lock();
                if let Some(outcome) = state.entries.get_fresh(&key, Instant::now()) {
                    // The deep copy happens after the lock is released.
                    drop(state);
                    return Outcome::clone(&outcome);
                }
                match state.in_flight.get(&key) {
                    Some(receiver) => Role::Follower(receiver.clone()),
                    None => {
                        let (sender, receiver) = watch::channel(None);
                        state.in_flight.insert(key.clone(), receiver);
                        Role::Leader(sender)
                    }
                }
            };
            match role {
                Role::Follower(mut receiver) => {
                    let shared = match receiver.wait_for(Option::is_some).await {
                        Ok(value) => value.clone(),
                        // The leader was cancelled before it had an answer: try again.
                        Err(_) => None,
                    };
                    if let Some(outcome) = shared {
                        return outcome;
                    }
                }
                Role::Leader(sender) => {
                    let flight = InFlight {
                        cache: self,
                        key: &key,
                        sender,
                    };
                    let outcome = self.inner.resolve(did, options).await;
                    self.store(&key, &outcome);
                    flight.finish(&outcome);
                    return outcome;
                }
            }
        }
    }
}

impl<R> std::fmt::Debug for CachingResolver<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachingResolver")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// What a task does on a miss: resolve (and share the answer), or wait for
/// the task already resolving the same key.
enum Role {
    Leader(watch::Sender<Option<Outcome>>),
    Follower(watch::Receiver<Option<Outcome>>),
}

/// A leader's registration in `in_flight`; removed when the leader finishes
/// or is cancelled (dropped), so waiting followers never wait forever.
struct InFlight<'a, R: Resolver> {
    cache: &'a CachingResolver<R>,
    key: &'a Key,
    sender: watch::Sender<Option<Outcome>>,
}

impl<R: Resolver> InFlight<'_, R> {
    fn finish(self, outcome: &Outcome) {
        // Unregister first, so no new follower subscribes after the send.
        self.cache.lock().in_flight.remove(self.key);
        self.sender.send_replace(Some(outcome.clone()));
    }
}

impl<R: Resolver> Drop for InFlight<'_, R> {
    fn drop(&mut self) {
        // After `finish` this finds nothing of ours (a new leader's entry has
        // a different channel); on cancellation it removes our entry, and
        // dropping the sender then wakes the followers.
        let mut state = self.cache.lock();
        if state
            .in_flight
            .get(self.key)
            .is_some_and(|receiver| receiver.same_channel(&self.sender.subscribe()))
        {
            state.in_flight.remove(self.key);
        }
    }
}

/// What a cached answer depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    did: String,
    version_id: Option<String>,
    version_time: Option<String>,
    accept: Option<String>,
    /// Method-specific options, as JSON (empty if none).
    extra: String,
}

impl Key {
    fn new(did: &Did, options: &ResolutionOptions) -> Key {
        Key {
            did: did.as_str().to_owned(),
            version_id: options.version_id.clone(),
            version_time: options.version_time.clone(),
            accept: options.accept.as_deref().map(str::trim).map(str::to_owned),
            extra: if options.extra.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&options.extra).unwrap_or_default()
            },
        }
    }
}

struct Entry {
    /// Shared, so a hit copies a pointer under the lock, not the document.
    outcome: Arc<Outcome>,
    expires: Instant,
}

struct State {
    entries: Lru<Key, Entry>,
    in_flight: HashMap<Key, watch::Receiver<Option<Outcome>>>,
}

impl Lru<Key, Entry> {
    /// The cached outcome for `key` if it has not expired (an expired entry
    /// is dropped).
    fn get_fresh(&mut self, key: &Key, now: Instant) -> Option<Arc<Outcome>> {
        let entry = self.get(key)?;
        if entry.expires > now {
            return Some(Arc::clone(&entry.outcome));
        }
        self.remove(key);
        None
    }
}

/// "No node" in the LRU list.
const NIL: usize = usize::MAX;

struct Node<K, V> {
    key: K,
    value: V,
    /// Towards the most recently used end.
    prev: usize,
    /// Towards the least recently used end.
    next: usize,
}

/// A least-recently-used map with a fixed capacity: a hash map from key to
/// slot, and a doubly linked list threaded through a dense vector of slots.
struct Lru<K, V> {
    map: HashMap<K, usize>,
    nodes: Vec<Node<K, V>>,
    /// Most recently used slot.
    head: usize,
    /// Least recently used slot.
    tail: usize,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    fn new(capacity: usize) -> Self {
        Lru {
            map: HashMap::new(),
            nodes: Vec::new(),
            head: NIL,
            tail: NIL,
            capacity,
        }
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    fn clear(&mut self) {
        self.map.clear();
        self.nodes.clear();
        self.head = NIL;
        self.tail = NIL;
    }

    /// The value for `key`, marking it most recently used.
    fn get(&mut self, key: &K) -> Option<&V> {
        let slot = *self.map.get(key)?;
        self.unlink(slot);
        self.push_front(slot);
        self.nodes.get(slot).map(|node| &node.value)
    }

    /// Inserts or replaces; evicts the least recently used entry when full.
    fn insert(&mut self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        if let Some(&slot) = self.map.get(&key) {
            if let Some(node) = self.nodes.get_mut(slot) {
                node.value = value;
            }
            self.unlink(slot);
            self.push_front(slot);
            return;
        }
        while self.nodes.len() >= self.capacity && self.tail != NIL {
            self.remove_slot(self.tail);
        }
        let slot = self.nodes.len();
        self.nodes.push(Node {
            key: key.clone(),
            value,
            prev: NIL,
            next: NIL,
        });
        self.map.insert(key, slot);
        self.push_front(slot);
    }

    fn remove(&mut self, key: &K) -> bool {
        match self.map.get(key) {
            Some(&slot) => {
                self.remove_slot(slot);
                true
            }
            None => false,
        }
    }

    /// Removes every entry whose key matches; returns how many.
    fn remove_where(&mut self, mut matches: impl FnMut(&K) -> bool) -> usize {
        let doomed: Vec<K> = self.map.keys().filter(|k| matches(k)).cloned().collect();
        doomed.iter().filter(|k| self.remove(k)).count()
    }

    fn unlink(&mut self, slot: usize) {
        let Some(node) = self.nodes.get(slot) else { return };
        let (prev, next) = (node.prev, node.next);
        match self.nodes.get_mut(prev) {
            Some(p) => p.next = next,
            None => self.head = next,
        }
        match self.nodes.get_mut(next) {
            Some(n) => n.prev = prev,
            None => self.tail = prev,
        }
        if let Some(node) = self.nodes.get_mut(slot) {
            node.prev = NIL;
            node.next = NIL;
        }
    }

    fn push_front(&mut self, slot: usize) {
        let old_head = self.head;
        if let Some(node) = self.nodes.get_mut(slot) {
            node.prev = NIL;
            node.next = old_head;
        }
        match self.nodes.get_mut(old_head) {
            Some(h) => h.prev = slot,
            None => self.tail = slot,
        }
        self.head = slot;
    }

    /// Removes the node in `slot`, moving the last node into its place to
    /// keep the vector dense.
    fn remove_slot(&mut self, slot: usize) {
        if slot >= self.nodes.len() {
            return;
        }
        self.unlink(slot);
        let removed = self.nodes.swap_remove(slot);
        self.map.remove(&removed.key);
        if slot < self.nodes.len() {
            // The former last node now lives in `slot`: repoint its neighbours and its key.
            let (prev, next, key) = match self.nodes.get(slot) {
                Some(moved) => (moved.prev, moved.next, moved.key.clone()),
                None => return,
            };
            match self.nodes.get_mut(prev) {
                Some(p) => p.next = slot,
                None => self.head = slot,
            }
            match self.nodes.get_mut(next) {
                Some(n) => n.prev = slot,
                None => self.tail = slot,
            }
            self.map.insert(key, slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys from most to least recently used, checking the links both ways.
    fn order(lru: &Lru<u32, u32>) -> Vec<u32> {
        let mut forward = Vec::new();
        let mut slot = lru.head;
        while let Some(node) = lru.nodes.get(slot) {
            forward.push(node.key);
            slot = node.next;
        }
        let mut backward = Vec::new();
        let mut slot = lru.tail;
        while let Some(node) = lru.nodes.get(slot) {
            backward.push(node.key);
            slot = node.prev;
        }
        backward.reverse();
        assert_eq!(forward, backward, "links disagree");
        assert_eq!(forward.len(), lru.map.len());
        for (key, &slot) in &lru.map {
            assert_eq!(lru.nodes[slot].key, *key);
        }
        forward
    }

    #[test]
    fn lru_evicts_least_recently_used() {
        let mut lru = Lru::new(3);
        for k in 1..=3 {
            lru.insert(k, k * 10);
        }
        assert_eq!(order(&lru), [3, 2, 1]);
        assert_eq!(lru.get(&1), Some(&10));
        assert_eq!(order(&lru), [1, 3, 2]);
        lru.insert(4, 40);
        assert_eq!(order(&lru), [4, 1, 3]);
        assert_eq!(lru.get(&2), None);
        lru.insert(3, 33);
        assert_eq!(order(&lru), [3, 4, 1]);
        assert_eq!(lru.get(&3), Some(&33));
        assert_eq!(lru.len(), 3);
    }

    #[test]
    fn lru_remove_keeps_links_consistent() {
        let mut lru = Lru::new(10);
        for k in 0..6 {
            lru.insert(k, k);
        }
        assert!(lru.remove(&0)); // tail, and slot 0 gets the last node
        assert_eq!(order(&lru), [5, 4, 3, 2, 1]);
        assert!(lru.remove(&5)); // head
        assert_eq!(order(&lru), [4, 3, 2, 1]);
        assert!(lru.remove(&3)); // middle
        assert_eq!(order(&lru), [4, 2, 1]);
        assert!(!lru.remove(&3));
        assert_eq!(lru.remove_where(|k| k % 2 == 0), 2);
        assert_eq!(order(&lru), [1]);
        assert!(lru.remove(&1));
        assert_eq!(order(&lru), Vec::<u32>::new());
        lru.insert(7, 7);
        assert_eq!(order(&lru), [7]);
    }

    #[test]
    fn lru_with_zero_capacity_holds_nothing() {
        let mut lru = Lru::new(0);
        lru.insert(1, 1);
        assert_eq!(lru.len(), 0);
        assert_eq!(lru.get(&1), None);
    }

    #[test]
    fn lru_random_operations_match_a_model() {
        // A small deterministic pseudo-random walk against a naive model.
        let mut lru = Lru::new(8);
        let mut model: Vec<(u32, u32)> = Vec::new(); // most recent first
        let mut seed = 0x2545_f491_u32;
        for step in 0..5000u32 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let key = seed % 20;
            match seed % 3 {
                0 => {
                    lru.insert(key, step);
                    model.retain(|(k, _)| *k != key);
                    model.insert(0, (key, step));
                    model.truncate(8);
                }
                1 => {
                    let got = lru.get(&key).copied();
                    let want = model.iter().position(|(k, _)| *k == key).map(|i| {
                        let e = model.remove(i);
                        model.insert(0, e);
                        e.1
                    });
                    assert_eq!(got, want, "step {step}");
                }
                _ => {
                    let removed = lru.remove(&key);
                    let before = model.len();
                    model.retain(|(k, _)| *k != key);
                    assert_eq!(removed, model.len() < before, "step {step}");
                }
            }
            assert_eq!(
                order(&lru),
                model.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
                "step {step}"
            );
        }
    }
}
