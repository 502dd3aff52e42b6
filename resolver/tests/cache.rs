//! The caching resolver: hits, time to live, negative caching, noCache,
//! keys, bounds, and concurrent use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;
use xinlian_did_core::{Did, Document, DocumentMetadata, ErrorKind, Resolution, ResolutionOptions, Resolver};
use xinlian_resolver::{CacheOptions, CachingResolver, MethodRegistry};

/// A resolver for did:example that counts calls, optionally takes time, and
/// stamps each answer with the call number as its `versionId`.
/// `did:example:missing` is notFound, `did:example:broken` an internal error.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
    delay: Duration,
    seen_no_cache: AtomicUsize,
}

impl Counting {
    fn slow(delay: Duration) -> Self {
        Counting {
            delay,
            ..Counting::default()
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Resolver for Counting {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if options.no_cache {
            self.seen_no_cache.fetch_add(1, Ordering::SeqCst);
        }
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        match did.method_specific_id() {
            "missing" => Err(xinlian_did_core::Error::NotFound { what: did.to_string() }),
            "broken" => Err(xinlian_did_core::Error::Internal {
                message: "ledger unreachable".into(),
            }),
            _ => {
                let metadata = DocumentMetadata {
                    version_id: Some(call.to_string()),
                    ..DocumentMetadata::default()
                };
                Resolution::new(Document::new(did.clone()), metadata, options)
            }
        }
    }
}

fn did(id: &str) -> Did {
    Did::parse(&format!("did:example:{id}")).unwrap()
}

fn plain() -> ResolutionOptions {
    ResolutionOptions::default()
}

fn no_cache() -> ResolutionOptions {
    ResolutionOptions {
        no_cache: true,
        ..ResolutionOptions::default()
    }
}

fn version(res: &Resolution) -> &str {
    res.document_metadata.version_id.as_deref().unwrap()
}

fn cache(options: CacheOptions) -> CachingResolver<Counting> {
    CachingResolver::with_options(Counting::default(), options)
}

#[tokio::test]
async fn a_hit_does_not_reach_the_inner_resolver() {
    let cached = CachingResolver::new(Counting::default());
    let first = cached.resolve(&did("a"), &plain()).await.unwrap();
    let second = cached.resolve(&did("a"), &plain()).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(version(&second), "1");
    assert_eq!(cached.inner().calls(), 1);
    assert_eq!(cached.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn entries_expire_after_their_time_to_live() {
    let cached = cache(CacheOptions {
        ttl: Duration::from_secs(60),
        ..CacheOptions::default()
    });
    cached.resolve(&did("a"), &plain()).await.unwrap();
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(version(&cached.resolve(&did("a"), &plain()).await.unwrap()), "1");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(version(&cached.resolve(&did("a"), &plain()).await.unwrap()), "2");
    assert_eq!(cached.inner().calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn not_found_is_cached_briefly() {
    let cached = cache(CacheOptions {
        ttl: Duration::from_secs(300),
        not_found_ttl: Duration::from_secs(5),
        ..CacheOptions::default()
    });
    for _ in 0..3 {
        let err = cached.resolve(&did("missing"), &plain()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
    assert_eq!(cached.inner().calls(), 1);
    tokio::time::advance(Duration::from_secs(6)).await;
    cached.resolve(&did("missing"), &plain()).await.unwrap_err();
    assert_eq!(
        cached.inner().calls(),
        2,
        "the negative entry expired after its shorter TTL"
    );

    // Successes made at the same time live on.
    cached.resolve(&did("a"), &plain()).await.unwrap();
    tokio::time::advance(Duration::from_secs(6)).await;
    cached.resolve(&did("a"), &plain()).await.unwrap();
    assert_eq!(cached.inner().calls(), 3);
}

#[tokio::test]
async fn negative_caching_can_be_turned_off() {
    let cached = cache(CacheOptions {
        not_found_ttl: Duration::ZERO,
        ..CacheOptions::default()
    });
    cached.resolve(&did("missing"), &plain()).await.unwrap_err();
    cached.resolve(&did("missing"), &plain()).await.unwrap_err();
    assert_eq!(cached.inner().calls(), 2);
    assert!(cached.is_empty());
}

#[tokio::test]
async fn internal_errors_are_never_cached() {
    let cached = CachingResolver::new(Counting::default());
    for _ in 0..3 {
        let err = cached.resolve(&did("broken"), &plain()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InternalError);
    }
    assert_eq!(cached.inner().calls(), 3);
    assert!(cached.is_empty());
}

#[tokio::test]
async fn no_cache_bypasses_and_refreshes() {
    let cached = CachingResolver::new(Counting::default());
    assert_eq!(version(&cached.resolve(&did("a"), &plain()).await.unwrap()), "1");
    // noCache goes to the inner resolver (and tells it not to use its own caches)...
    assert_eq!(version(&cached.resolve(&did("a"), &no_cache()).await.unwrap()), "2");
    assert_eq!(cached.inner().seen_no_cache.load(Ordering::SeqCst), 1);
    // ...and the fresh answer replaces the cached one.
    assert_eq!(version(&cached.resolve(&did("a"), &plain()).await.unwrap()), "2");
    assert_eq!(cached.inner().calls(), 2);
    assert_eq!(cached.len(), 1, "noCache and plain requests share one entry");
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_cached_answer() {
    /// Fails on its second call only.
    struct FailsSecond(AtomicUsize);
    #[async_trait]
    impl Resolver for FailsSecond {
        async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
            if self.0.fetch_add(1, Ordering::SeqCst) == 1 {
                return Err(xinlian_did_core::Error::Internal { message: "down".into() });
            }
            Resolution::new(Document::new(did.clone()), DocumentMetadata::default(), options)
        }
    }
    let cached = CachingResolver::new(FailsSecond(AtomicUsize::new(0)));
    cached.resolve(&did("a"), &plain()).await.unwrap();
    assert!(cached.resolve(&did("a"), &no_cache()).await.is_err());
    cached.resolve(&did("a"), &plain()).await.unwrap();
    assert_eq!(
        cached.inner().0.load(Ordering::SeqCst),
        2,
        "the last answer came from the cache"
    );
}

#[tokio::test]
async fn options_that_change_the_answer_are_part_of_the_key() {
    let cached = CachingResolver::new(Counting::default());
    let v1 = ResolutionOptions {
        version_id: Some("1".into()),
        ..plain()
    };
    let at = ResolutionOptions {
        version_time: Some("2024-01-01T00:00:00Z".into()),
        ..plain()
    };
    let json = ResolutionOptions {
        accept: Some("application/did+json".into()),
        ..plain()
    };
    let mut extra = plain();
    extra.extra.insert("network".into(), json!("sepolia"));
    for options in [&plain(), &v1, &at, &json, &extra] {
        cached.resolve(&did("a"), options).await.unwrap();
    }
    assert_eq!(cached.inner().calls(), 5);
    assert_eq!(cached.len(), 5);
    // Each again: all hits, each with its own answer.
    for options in [&plain(), &v1, &at, &json, &extra] {
        cached.resolve(&did("a"), options).await.unwrap();
    }
    assert_eq!(cached.inner().calls(), 5);
    let res = cached.resolve(&did("a"), &json).await.unwrap();
    assert_eq!(
        res.resolution_metadata.content_type.as_deref(),
        Some("application/did+json")
    );
    // Surrounding whitespace in accept does not split entries.
    let spaced = ResolutionOptions {
        accept: Some(" application/did+json ".into()),
        ..plain()
    };
    cached.resolve(&did("a"), &spaced).await.unwrap();
    assert_eq!(cached.inner().calls(), 5);
}

#[tokio::test]
async fn least_recently_used_entries_are_evicted() {
    let cached = cache(CacheOptions {
        capacity: 2,
        ..CacheOptions::default()
    });
    cached.resolve(&did("a"), &plain()).await.unwrap();
    cached.resolve(&did("b"), &plain()).await.unwrap();
    cached.resolve(&did("a"), &plain()).await.unwrap(); // a is now the most recent
    cached.resolve(&did("c"), &plain()).await.unwrap(); // evicts b
    assert_eq!(cached.len(), 2);
    assert_eq!(cached.inner().calls(), 3);
    cached.resolve(&did("a"), &plain()).await.unwrap();
    assert_eq!(cached.inner().calls(), 3, "a survived");
    cached.resolve(&did("b"), &plain()).await.unwrap();
    assert_eq!(cached.inner().calls(), 4, "b was evicted");
    assert_eq!(cached.len(), 2);
}

#[tokio::test]
async fn zero_capacity_caches_nothing() {
    let cached = cache(CacheOptions {
        capacity: 0,
        ..CacheOptions::default()
    });
    cached.resolve(&did("a"), &plain()).await.unwrap();
    cached.resolve(&did("a"), &plain()).await.unwrap();
    assert_eq!(cached.inner().calls(), 2);
    assert!(cached.is_empty());
}

#[tokio::test]
async fn invalidate_and_clear() {
    let cached = CachingResolver::new(Counting::default());
    let v1 = ResolutionOptions {
        version_id: Some("1".into()),
        ..plain()
    };
    cached.resolve(&did("a"), &plain()).await.unwrap();
    cached.resolve(&did("a"), &v1).await.unwrap();
    cached.resolve(&did("b"), &plain()).await.unwrap();
    assert_eq!(cached.invalidate(&did("a")), 2);
    assert_eq!(cached.len(), 1);
    cached.resolve(&did("a"), &plain()).await.unwrap();
    assert_eq!(cached.inner().calls(), 4);
    cached.clear();
    assert!(cached.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_misses_for_one_key_are_coalesced() {
    let cached = Arc::new(CachingResolver::new(Counting::slow(Duration::from_millis(100))));
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let cached = Arc::clone(&cached);
            tokio::spawn(async move { cached.resolve(&did("a"), &plain()).await })
        })
        .collect();
    for task in tasks {
        let res = task.await.unwrap().unwrap();
        assert_eq!(res.document.id, did("a"));
        assert_eq!(version(&res), "1");
    }
    assert_eq!(cached.inner().calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn coalesced_waiters_share_errors_that_are_not_cached() {
    let cached = Arc::new(CachingResolver::new(Counting::slow(Duration::from_millis(100))));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let cached = Arc::clone(&cached);
            tokio::spawn(async move { cached.resolve(&did("broken"), &plain()).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap_err().kind(), ErrorKind::InternalError);
    }
    assert_eq!(cached.inner().calls(), 1);
    assert!(cached.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_tasks_many_keys_stay_within_capacity() {
    let cached = Arc::new(cache(CacheOptions {
        capacity: 10,
        ..CacheOptions::default()
    }));
    let tasks: Vec<_> = (0..16)
        .map(|t| {
            let cached = Arc::clone(&cached);
            tokio::spawn(async move {
                for i in 0..300 {
                    // Every other request is for one hot key, the rest cycle through 50 cold ones.
                    let id = if i % 2 == 0 {
                        "hot".to_owned()
                    } else {
                        format!("k{}", (i * 7 + t * 13) % 50)
                    };
                    let res = cached.resolve(&did(&id), &plain()).await.unwrap();
                    assert_eq!(res.document.id, did(&id));
                    assert!(cached.len() <= 10);
                    if i % 50 == 0 {
                        cached.resolve(&did("missing"), &plain()).await.unwrap_err();
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert!(cached.len() <= 10);
    assert!(cached.inner().calls() < 16 * 300, "some requests were hits");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_leader_does_not_strand_its_waiters() {
    let cached = Arc::new(CachingResolver::new(Counting::slow(Duration::from_secs(1))));
    let leader = {
        let cached = Arc::clone(&cached);
        tokio::spawn(async move { cached.resolve(&did("a"), &plain()).await })
    };
    tokio::time::sleep(Duration::from_millis(10)).await; // the leader is now resolving
    let follower = {
        let cached = Arc::clone(&cached);
        tokio::spawn(async move { cached.resolve(&did("a"), &plain()).await })
    };
    tokio::time::sleep(Duration::from_millis(10)).await; // the follower is now waiting
    leader.abort();
    assert!(leader.await.unwrap_err().is_cancelled());
    let res = tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("the follower finished")
        .unwrap()
        .unwrap();
    assert_eq!(res.document.id, did("a"));
    assert_eq!(cached.inner().calls(), 2, "the follower resolved by itself");
    // And the key is not left marked as in flight.
    cached.resolve(&did("a"), &plain()).await.unwrap();
    assert_eq!(cached.inner().calls(), 2);
}

#[tokio::test]
async fn caches_any_resolver_including_the_registry() {
    let registry = MethodRegistry::new();
    let cached: Arc<dyn Resolver> = Arc::new(CachingResolver::new(registry));
    let did = Did::parse("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").unwrap();
    let a = cached.resolve(&did, &plain()).await.unwrap();
    let b = cached.resolve(&did, &plain()).await.unwrap();
    assert_eq!(a, b);
    let err = cached
        .resolve(&Did::parse("did:nope:1").unwrap(), &plain())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MethodNotSupported);
}
