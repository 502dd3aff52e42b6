//! eddsa-rdfc-2022 sign and verify of a diploma (an Open Badges 3.0
//! OpenBadgeCredential) next to a raw Ed25519 verify of 32 bytes.
//!
//! Target (issue 4): eddsa-rdfc-2022 verify at most 9x a raw Ed25519
//! verify. The context loader caches processed top-level contexts, and the
//! workspace's patched `json-ld-core` shares term definitions between
//! contexts and remembers processed scoped contexts (`vendor/README.md`),
//! so after the first verification no context is processed again. After
//! the criterion runs, the bench prints the ratios from an interleaved
//! timing loop. `tests/interop/benches/rdfc_vs_ssi.rs` puts SpruceID ssi's
//! verify of the same diploma next to these.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/interleaved.rs"]
mod interleaved;
#[path = "support/ob_diploma.rs"]
mod ob_diploma;

use std::hint::black_box;

use criterion::Criterion;
use serde_json::{Map, Value, json};
use time::macros::datetime;
use xinlian_did_core::{KeyType, Relationship, SecretKey, StatelessResolver};
use xinlian_vc::jsonld::{ContextLoader, canonicalize};
use xinlian_vc::proof::{ProofExpectations, add_rdfc_proof, verify_rdfc_proof};
use xinlian_vc::{KeySigner, ProofOptions};

use interleaved::{Op, RawEd25519, print_ratios};
use ob_diploma::ob_diploma;

struct Setup {
    raw: RawEd25519,
    resolver: StatelessResolver,
    loader: ContextLoader,
    university: KeySigner,
    unsigned: Map<String, Value>,
    signed: Map<String, Value>,
    alumni: Map<String, Value>,
    expected: ProofExpectations,
}

/// The AlumniCredential of the W3C vc-di-eddsa vectors: one type-scoped
/// context (VerifiableCredential) instead of the diploma's five.
fn alumni(issuer: &str) -> Map<String, Value> {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": issuer,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:abcdefgh", "alumniOf": "The School of Examples" }
    })
    .as_object()
    .cloned()
    .unwrap()
}

fn setup() -> Setup {
    let university = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    // The examples context of the W3C vectors, for the smaller credential.
    let loader = ContextLoader::new()
        .with(
            "https://www.w3.org/ns/credentials/examples/v2",
            r#"{"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}"#,
        )
        .unwrap();
    let unsigned = ob_diploma(university.did());
    let options = ProofOptions::new().created(datetime!(2026-06-30 12:00:00 UTC));
    let signed = pollster::block_on(add_rdfc_proof(&unsigned, &options, &university, &loader)).unwrap();
    let alumni = pollster::block_on(add_rdfc_proof(
        &alumni(university.did()),
        &options,
        &university,
        &loader,
    ))
    .unwrap();
    let expected = ProofExpectations::new(Relationship::AssertionMethod).at(datetime!(2026-07-01 00:00:00 UTC));
    let s = Setup {
        raw: RawEd25519::new(),
        resolver: StatelessResolver::new(),
        loader,
        university,
        unsigned,
        signed,
        alumni,
        expected,
    };
    rdfc_verify(&s);
    s
}

fn raw_verify(s: &Setup) {
    s.raw.verify();
}

fn rdfc_sign(s: &Setup) {
    let options = ProofOptions::new().created(datetime!(2026-06-30 12:00:00 UTC));
    pollster::block_on(add_rdfc_proof(
        black_box(&s.unsigned),
        &options,
        &s.university,
        &s.loader,
    ))
    .unwrap();
}

fn rdfc_verify(s: &Setup) {
    let outcome = pollster::block_on(verify_rdfc_proof(
        black_box(&s.signed),
        0,
        &s.resolver,
        &s.expected,
        &s.loader,
    ));
    assert!(outcome.verified(), "{:?}", outcome.failures);
}

fn rdfc_verify_alumni(s: &Setup) {
    let outcome = pollster::block_on(verify_rdfc_proof(
        black_box(&s.alumni),
        0,
        &s.resolver,
        &s.expected,
        &s.loader,
    ));
    assert!(outcome.verified(), "{:?}", outcome.failures);
}

/// The same verification with a new loader each time: every context is
/// parsed and processed again, as without the cache.
fn rdfc_verify_uncached(s: &Setup) {
    let loader = ContextLoader::new();
    let outcome = pollster::block_on(verify_rdfc_proof(
        black_box(&s.signed),
        0,
        &s.resolver,
        &s.expected,
        &loader,
    ));
    assert!(outcome.verified(), "{:?}", outcome.failures);
}

fn canonicalize_document(s: &Setup) {
    canonicalize(black_box(&s.unsigned), &s.loader).unwrap();
}

fn canonicalize_proof_config(s: &Setup) {
    let mut config = s.signed["proof"].as_object().cloned().unwrap();
    config.shift_remove("proofValue");
    config.insert("@context".into(), s.unsigned["@context"].clone());
    canonicalize(black_box(&config), &s.loader).unwrap();
}

fn benches(c: &mut Criterion, s: &Setup) {
    let mut group = c.benchmark_group("rdfc");
    group.bench_function("ed25519_raw_verify_32B", |b| b.iter(|| raw_verify(s)));
    group.bench_function("eddsa_rdfc_2022_sign_diploma", |b| b.iter(|| rdfc_sign(s)));
    group.bench_function("eddsa_rdfc_2022_verify_diploma", |b| b.iter(|| rdfc_verify(s)));
    group.bench_function("eddsa_rdfc_2022_verify_alumni", |b| b.iter(|| rdfc_verify_alumni(s)));
    group.finish();
}

fn ratios(s: &Setup) {
    let ops: [Op<Setup>; 7] = [
        ("ed25519 raw verify", raw_verify),
        ("eddsa-rdfc-2022 sign", rdfc_sign),
        ("eddsa-rdfc-2022 verify", rdfc_verify),
        ("  same, no context cache", rdfc_verify_uncached),
        ("  RDFC of the document", canonicalize_document),
        ("  RDFC of the proof config", canonicalize_proof_config),
        ("eddsa-rdfc-2022 verify, alumni", rdfc_verify_alumni),
    ];
    print_ratios("ratios to a raw Ed25519 verify of 32 bytes", s, &ops, 15, 50);
    println!("  target: eddsa-rdfc-2022 verify <= 9.00x");
}

fn main() {
    let s = setup();
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &s);
    c.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` runs each benchmark once, without the ratios.
    if std::env::args().any(|a| a == "--bench") && !std::env::args().any(|a| a == "--list") {
        ratios(&s);
    }
}
