//! Legacy Linked Data proofs from SpruceID `ssi` 0.16 (as DIDKit writes
//! them): a VC 1.1 credential whose `@context` does not list the
//! Ed25519Signature2020 suite context, so ssi puts
//! `"@context": ["https://w3id.org/security/suites/ed25519-2020/v1"]` in the
//! proof object. Xinlian verifies it; a tampered copy fails the signature.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use ssi::claims::data_integrity::{AnySuite, CryptographicSuite, ProofOptions as SsiProofOptions};
use ssi::dids::{AnyDidMethod, VerificationMethodDIDResolver};
use ssi::verification_methods::{AnyMethod, ReferenceOrOwned, SingleSecretSigner};
use time::macros::datetime;
use xinlian_did_core::StatelessResolver;
use xinlian_vc::verify::verify_any;
use xinlian_vc::{Check, Outcome, Policy, VerificationReport};

mod support;

const SEED: [u8; 32] = [9; 32];

/// ssi signs a VC 1.1 credential (credentials v1 context only) with
/// Ed25519Signature2020; returns the JSON.
fn ssi_issue_ed25519_signature_2020() -> Value {
    let (jwk, vm) = support::ssi_key(&SEED);
    let did = vm.split('#').next().unwrap().to_owned();
    let credential = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:0f6f3c1e-2b7a-4c53-9a3e-6c1d2f0b8e11",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2025-07-01T09:00:00Z",
        "credentialSubject": {"id": "did:example:alice"}
    });
    let credential: ssi::claims::vc::v1::JsonCredential = serde_json::from_value(credential).unwrap();
    let mut options = SsiProofOptions::from_method(ReferenceOrOwned::Reference(vm.parse().unwrap()));
    options.created = Some("2025-07-01T09:00:00Z".parse().unwrap());
    let resolver: VerificationMethodDIDResolver<AnyDidMethod, AnyMethod> =
        VerificationMethodDIDResolver::new(AnyDidMethod::default());
    let signed = pollster::block_on(AnySuite::Ed25519Signature2020.sign(
        credential,
        resolver,
        SingleSecretSigner::new(jwk).into_local(),
        options,
    ))
    .unwrap();
    serde_json::to_value(&signed).unwrap()
}

fn xinlian_verify(credential: &Value) -> VerificationReport {
    let policy = Policy::new().at(datetime!(2026-01-01 00:00 UTC));
    pollster::block_on(verify_any(&credential.to_string(), &StatelessResolver::new(), &policy)).unwrap()
}

#[test]
fn ssi_ed25519_signature_2020_with_a_proof_context_verifies_with_xinlian() {
    let signed = ssi_issue_ed25519_signature_2020();
    assert_eq!(
        signed["proof"]["@context"],
        json!("https://w3id.org/security/suites/ed25519-2020/v1"),
        "ssi puts the suite context in the proof: {signed}"
    );
    let report = xinlian_verify(&signed);
    assert!(report.verified(), "{}", report.to_json());
    assert!(report.outcomes(Check::Proof).any(|o| o.outcome == Outcome::Passed));

    let mut tampered = signed.clone();
    tampered["issuanceDate"] = json!("2025-07-02T09:00:00Z");
    let report = xinlian_verify(&tampered);
    assert!(!report.verified(), "{}", report.to_json());
    let json = report.to_json();
    let proof_check = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "proof")
        .unwrap();
    assert_eq!(proof_check["outcome"], "failed");
    assert!(
        proof_check["detail"]
            .as_str()
            .unwrap()
            .contains("signature does not match"),
        "{proof_check}"
    );
}
