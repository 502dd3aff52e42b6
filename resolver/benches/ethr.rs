//! did:ethr resolution from the embedded ledger for identities with 10,
//! 100 and 1,000 changes (direct and behind the cache), and the embedded
//! ledger's write throughput with `synchronous=FULL`.
//!
//! `cargo bench -p xinlian-resolver --bench ethr`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use k256::ecdsa::SigningKey;
use xinlian_did_core::{Did, ResolutionOptions, Resolver};
use xinlian_resolver::CachingResolver;
use xinlian_resolver::ethr::{EthrDid, EthrResolver};
use xinlian_resolver::ledger::{Address, EmbeddedLedger, Ledger, Operation, SignedChange};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The `i`-th change of a busy identity: keys, delegates and services
/// added, some revoked.
fn change(i: u64) -> Operation {
    let b = i as u8;
    match i % 6 {
        0 => Operation::add_delegate("veriKey", Address::new([b; 20]), 365 * 86400).unwrap(),
        1 => Operation::set_attribute("did/pub/Ed25519/veriKey/base58", vec![b; 32], 365 * 86400).unwrap(),
        2 => Operation::set_service("LinkedDomains", &format!("https://example.edu/{i}")).unwrap(),
        3 => Operation::add_delegate("sigAuth", Address::new([b; 20]), 365 * 86400).unwrap(),
        4 => Operation::revoke_delegate("veriKey", Address::new([b.wrapping_sub(4); 20])).unwrap(),
        _ => Operation::set_attribute("did/pub/X25519/enc/base64", vec![b; 32], 365 * 86400).unwrap(),
    }
}

fn bench_resolution(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(EmbeddedLedger::open(dir.path().join("ledger.sqlite")).unwrap());
    let resolver = EthrResolver::builder().network("local", ledger.clone()).build();
    let options = ResolutionOptions::default();

    let mut group = c.benchmark_group("did:ethr resolution (embedded ledger)");
    for (n, seed) in [(10u64, 1u8), (100, 2), (1000, 3)] {
        let key = SigningKey::from_slice(&[seed; 32]).unwrap();
        let identity = Address::from_signing_key(&key);
        rt.block_on(async {
            for i in 0..n {
                let signed = SignedChange::prepare(&*ledger, &key, identity, change(i))
                    .await
                    .unwrap();
                ledger.submit(&signed).await.unwrap();
            }
        });
        let did: Did = EthrDid::from_address(Some("local"), identity).to_did().unwrap();
        assert_eq!(rt.block_on(ledger.history(identity)).unwrap().len() as u64, n);

        group.bench_function(format!("{n} changes, direct"), |b| {
            b.iter(|| rt.block_on(resolver.resolve(black_box(&did), &options)).unwrap())
        });
        group.bench_function(format!("{n} changes, ledger history read only"), |b| {
            b.iter(|| rt.block_on(ledger.history(black_box(identity))).unwrap())
        });
        let cached = CachingResolver::new(resolver.clone());
        group.bench_function(format!("{n} changes, behind the cache"), |b| {
            b.iter(|| rt.block_on(cached.resolve(black_box(&did), &options)).unwrap())
        });
    }
    group.finish();
}

fn bench_writes(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let ledger = EmbeddedLedger::open(dir.path().join("ledger.sqlite")).unwrap();
    let key = SigningKey::from_slice(&[9; 32]).unwrap();
    let identity = Address::from_signing_key(&key);
    let mut group = c.benchmark_group("embedded ledger writes (synchronous=FULL)");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    let mut i = 0u64;
    group.bench_function("sign + submit one change", |b| {
        b.iter(|| {
            i += 1;
            rt.block_on(async {
                let signed = SignedChange::prepare(&ledger, &key, identity, change(i)).await.unwrap();
                ledger.submit(&signed).await.unwrap()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench_resolution, bench_writes);
criterion_main!(benches);
