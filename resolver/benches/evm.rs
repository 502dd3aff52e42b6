//! did:ethr resolution through the EVM ledger on a local anvil node, for an
//! identity with 100 changes (the `previousChange` walk: one `eth_getLogs`
//! per block), next to the same history in the embedded ledger. Also
//! reports, once, how long relaying the 100 signed changes to anvil took.
//!
//! Needs anvil and the registry artifact (`scripts/test-tools.sh`).
//!
//! `cargo bench -p xinlian-resolver --bench evm`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use xinlian_did_core::{Did, ResolutionOptions, Resolver};
use xinlian_resolver::ethr::{EthrDid, EthrResolver};
use xinlian_resolver::ledger::{Address, EmbeddedLedger, EvmLedger, Ledger, Operation, SignedChange};

const CHANGES: u64 = 100;
const CHAIN: u64 = 1337;

/// The `i`-th change of a busy identity (as in the `ethr` bench).
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let anvil = support::Anvil::start(CHAIN);
    let dir = tempfile::tempdir().unwrap();
    let key = support::key(0x77);
    let identity = Address::from_signing_key(&key);

    let (evm, embedded) = rt.block_on(async {
        let registry = anvil.deploy_registry().await;
        let evm = EvmLedger::builder(anvil.url())
            .registry(registry)
            .chain_id(CHAIN)
            .payer(support::dev_key(1))
            .poll_interval(Duration::from_millis(5))
            .connect()
            .await
            .unwrap();
        let embedded = EmbeddedLedger::builder(dir.path().join("ledger.sqlite"))
            .chain_id(CHAIN)
            .registry(registry)
            .open()
            .unwrap();
        let started = Instant::now();
        for i in 0..CHANGES {
            let signed = SignedChange::prepare(&evm, &key, identity, change(i)).await.unwrap();
            evm.submit(&signed).await.unwrap();
            embedded.submit(&signed).await.unwrap();
        }
        println!(
            "setup: {CHANGES} signed changes relayed to anvil and written to the embedded ledger in {:.0} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        (Arc::new(evm), Arc::new(embedded))
    });

    let did: Did = EthrDid::from_address(Some("local"), identity).to_did().unwrap();
    let options = ResolutionOptions::default();
    let evm_resolver = EthrResolver::builder().network("local", evm.clone()).build();
    let embedded_resolver = EthrResolver::builder().network("local", embedded.clone()).build();
    // Same document from both, before timing anything.
    rt.block_on(async {
        let a = evm_resolver.resolve(&did, &options).await.unwrap();
        let b = embedded_resolver.resolve(&did, &options).await.unwrap();
        assert_eq!(
            serde_json::to_value(&a.document).unwrap(),
            serde_json::to_value(&b.document).unwrap()
        );
        assert_eq!(evm.history(identity).await.unwrap().len() as u64, CHANGES);
    });

    let mut group = c.benchmark_group(format!("did:ethr resolution, {CHANGES} changes"));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("evm ledger (anvil, JSON-RPC walk)", |b| {
        b.iter(|| rt.block_on(evm_resolver.resolve(black_box(&did), &options)).unwrap())
    });
    group.bench_function("evm ledger history walk only", |b| {
        b.iter(|| rt.block_on(evm.history(black_box(identity))).unwrap())
    });
    group.bench_function("embedded ledger", |b| {
        b.iter(|| {
            rt.block_on(embedded_resolver.resolve(black_box(&did), &options))
                .unwrap()
        })
    });
    group.finish();
    drop(anvil);
}

criterion_group!(benches, bench_resolution);
criterion_main!(benches);
