//! Criterion benchmarks for did-core: sign and verify per key type, did:key
//! resolution, DID parsing, and DID document parse+validate of the official
//! vector documents.
//!
//! ```text
//! cargo bench -p xinlian-did-core
//! ```
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use xinlian_did_core::method::{StatelessResolver, key};
use xinlian_did_core::{Did, DidUrl, Document, KeyType, ResolutionOptions, SecretKey};

fn signatures(c: &mut Criterion) {
    let message = [0x5a_u8; 32];
    for key_type in [KeyType::Ed25519, KeyType::P256, KeyType::Secp256k1, KeyType::P384] {
        let secret = SecretKey::generate(key_type).unwrap();
        let public = secret.public_key();
        let signature = secret.sign(&message);
        public.verify(&message, &signature).unwrap();
        let mut group = c.benchmark_group(format!("{key_type}"));
        group.bench_function("sign 32 bytes", |b| b.iter(|| secret.sign(black_box(&message))));
        group.bench_function("verify 32 bytes", |b| {
            b.iter(|| public.verify(black_box(&message), black_box(&signature)).unwrap())
        });
        group.finish();
    }
}

fn did_key_resolution(c: &mut Criterion) {
    let resolver = StatelessResolver::new();
    let options = ResolutionOptions::default();
    let mut group = c.benchmark_group("did:key resolve");
    for key_type in [KeyType::Ed25519, KeyType::P256, KeyType::Secp256k1] {
        let did = key::did_for(&SecretKey::generate(key_type).unwrap().public_key());
        group.bench_function(format!("{key_type}"), |b| {
            b.iter(|| resolver.resolve_sync(black_box(&did), &options).unwrap())
        });
    }
    group.finish();
}

fn identifiers(c: &mut Criterion) {
    let did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    let url = "did:web:example.com%3A8443:user:alice/path/to?service=files&relativeRef=%2Fa#key-1";
    let mut group = c.benchmark_group("parse");
    group.bench_function("Did", |b| b.iter(|| Did::parse(black_box(did)).unwrap()));
    group.bench_function("DidUrl", |b| b.iter(|| DidUrl::parse(black_box(url)).unwrap()));
    group.finish();
}

/// The expected documents of one vector file, as JSON text.
fn vector_documents(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(file);
    let all: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let documents: Vec<&Value> = if file.starts_with("did-jwk") {
        all["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| &v["expected_did_document"])
            .collect()
    } else if let Some(Value::Object(docs)) = all.get("didDocument") {
        docs.values().collect()
    } else {
        all.as_object().unwrap().values().map(|v| &v["didDocument"]).collect()
    };
    documents
        .into_iter()
        .map(|d| serde_json::to_string_pretty(d).unwrap())
        .collect()
}

fn document_parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("Document::from_json");
    for file in [
        "did-method-key/ed25519-x25519.json",
        "did-method-key/x25519.json",
        "did-method-key/nist-curves.json",
        "did-method-key/secp256k1.json",
        "did-method-key/bls12381.json",
        "did-method-key/rsa.json",
        "did-jwk/did-jwk-spec-examples.json",
    ] {
        let documents = vector_documents(file);
        for text in &documents {
            Document::from_json(text).unwrap();
        }
        group.throughput(Throughput::Elements(documents.len() as u64));
        let name = Path::new(file).file_stem().unwrap().to_string_lossy().into_owned();
        group.bench_function(format!("{name} ({} docs)", documents.len()), |b| {
            b.iter(|| {
                for text in &documents {
                    black_box(Document::from_json(black_box(text)).unwrap());
                }
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = signatures, did_key_resolution, identifiers, document_parsing
}
criterion_main!(benches);
