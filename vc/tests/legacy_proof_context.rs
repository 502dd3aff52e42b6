//! Issue 12 item 5: legacy `Ed25519Signature2020` proofs that carry their
//! own `@context`, as SpruceID ssi and DIDKit write them when the
//! credential's `@context` does not list the suite context.
//!
//! `ssi_fixtures/ed25519-signature-2020-proof-context.json` was signed by
//! ssi 0.16 (`AnySuite::Ed25519Signature2020`, did:key from the seed
//! `[9; 32]`, created 2025-07-01T09:00:00Z) in
//! `tests/interop/tests/ssi_legacy.rs`, which signs it afresh and checks the
//! same; stored unchanged here so this crate's tests need no ssi.
#![cfg(feature = "jsonld")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use serde_json::{Map, Value, json};
use time::macros::datetime;
use xinlian_did_core::{KeyType, Relationship, SecretKey, StatelessResolver};
use xinlian_vc::jsonld::ContextLoader;
use xinlian_vc::proof::{ProofExpectations, ProofFailureKind, ProofOutcome, add_rdfc_proof, verify_rdfc_proof};
use xinlian_vc::{KeySigner, ProofOptions};

fn fixture() -> Map<String, Value> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ssi_fixtures/ed25519-signature-2020-proof-context.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn verify(document: &Map<String, Value>) -> ProofOutcome {
    let expected = ProofExpectations::new(Relationship::AssertionMethod);
    pollster::block_on(verify_rdfc_proof(
        document,
        0,
        &StatelessResolver::new(),
        &expected,
        &ContextLoader::new(),
    ))
}

fn kinds(outcome: &ProofOutcome) -> Vec<ProofFailureKind> {
    outcome.failures.iter().map(|f| f.kind).collect()
}

#[test]
fn regression_ed25519_signature_2020_with_its_own_proof_context_verifies() {
    let signed = fixture();
    // The shape DIDKit/ssi write: the suite context only in the proof.
    assert_eq!(signed["@context"], json!(["https://www.w3.org/2018/credentials/v1"]));
    assert_eq!(
        signed["proof"]["@context"],
        json!("https://w3id.org/security/suites/ed25519-2020/v1")
    );
    let outcome = verify(&signed);
    assert!(outcome.verified(), "{:?}", outcome.failures);
    assert!(outcome.controller.as_deref().unwrap().starts_with("did:key:z6Mk"));
}

#[test]
fn a_tampered_legacy_proof_with_its_own_context_fails_the_signature() {
    let mut document = fixture();
    document.insert("issuanceDate".into(), json!("2025-07-02T09:00:00Z"));
    assert_eq!(kinds(&verify(&document)), vec![ProofFailureKind::InvalidSignature]);

    // The proof's own fields are signed too.
    let mut proof = fixture();
    proof["proof"]["created"] = json!("2025-07-01T09:00:01Z");
    assert_eq!(kinds(&verify(&proof)), vec![ProofFailureKind::InvalidSignature]);

    // So is the meaning the proof's @context gives them: another context
    // (here the credentials v1 context alone, which does not define the
    // proof type) does not verify.
    let mut context = fixture();
    context["proof"]["@context"] = json!("https://www.w3.org/2018/credentials/v1");
    assert!(!verify(&context).verified());
}

/// The Data Integrity rule stands: a `DataIntegrityProof` whose `@context`
/// the document's `@context` does not start with is refused.
#[test]
fn a_data_integrity_proof_context_must_still_prefix_the_documents() {
    let signer = KeySigner::did_key(SecretKey::from_bytes(KeyType::Ed25519, &[5; 32]).unwrap()).unwrap();
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": signer.did(),
        "validFrom": "2025-07-01T09:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "name": "Alice"}
    });
    let options = ProofOptions::new().created(datetime!(2025-07-01 09:00 UTC));
    let mut signed = pollster::block_on(add_rdfc_proof(
        credential.as_object().unwrap(),
        &options,
        &signer,
        &ContextLoader::new(),
    ))
    .unwrap();
    assert!(verify(&signed).verified());
    signed["proof"]["@context"] = json!(["https://w3id.org/security/data-integrity/v2"]);
    assert_eq!(kinds(&verify(&signed)), vec![ProofFailureKind::ContextMismatch]);
}
