//! Resolution directly and behind the cache (hit path): did:key, and did:ethr
//! on the embedded SQLite ledger with a short change history.
//!
//! `cargo bench -p xinlian-resolver --bench cache`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use xinlian_did_core::{Did, KeyType, ResolutionOptions, Resolver, SecretKey, StatelessResolver, method};
use xinlian_resolver::ethr::{EthrDid, EthrResolver};
use xinlian_resolver::ledger::{Address, EmbeddedLedger, Ledger, Operation, SignedChange};
use xinlian_resolver::{CachingResolver, MethodRegistry};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn did_key() -> Did {
    method::key::did_for(&SecretKey::generate(KeyType::Ed25519).unwrap().public_key())
}

fn bench_did_key(c: &mut Criterion) {
    let rt = runtime();
    let did = did_key();
    let options = ResolutionOptions::default();
    let mut group = c.benchmark_group("did:key");

    let direct = StatelessResolver::new();
    group.bench_function("direct", |b| {
        b.iter(|| rt.block_on(direct.resolve(black_box(&did), &options)).unwrap())
    });

    let registry = MethodRegistry::new();
    group.bench_function("registry", |b| {
        b.iter(|| rt.block_on(registry.resolve(black_box(&did), &options)).unwrap())
    });

    let cached = CachingResolver::new(StatelessResolver::new());
    rt.block_on(cached.resolve(&did, &options)).unwrap();
    group.bench_function("cached hit", |b| {
        b.iter(|| rt.block_on(cached.resolve(black_box(&did), &options)).unwrap())
    });
    group.finish();
}

fn bench_did_ethr(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(EmbeddedLedger::open(dir.path().join("ledger.sqlite")).unwrap());
    let key = k256::ecdsa::SigningKey::from_slice(&[0x11; 32]).unwrap();
    let identity = Address::from_signing_key(&key);
    rt.block_on(async {
        // A university that published a few services: a short history to replay.
        for i in 0..4 {
            let op = Operation::set_service("LinkedDomains", &format!("https://registrar{i}.example.edu")).unwrap();
            let change = SignedChange::prepare(&*ledger, &key, identity, op).await.unwrap();
            ledger.submit(&change).await.unwrap();
        }
    });
    let did = EthrDid::from_address(Some("local"), identity).to_did().unwrap();
    let options = ResolutionOptions::default();
    let resolver = EthrResolver::builder().network("local", ledger.clone()).build();
    let mut group = c.benchmark_group("did:ethr (embedded ledger, 4 changes)");

    group.bench_function("direct", |b| {
        b.iter(|| rt.block_on(resolver.resolve(black_box(&did), &options)).unwrap())
    });

    let cached = CachingResolver::new(resolver.clone());
    rt.block_on(cached.resolve(&did, &options)).unwrap();
    group.bench_function("cached hit", |b| {
        b.iter(|| rt.block_on(cached.resolve(black_box(&did), &options)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_did_key, bench_did_ethr);
criterion_main!(benches);
