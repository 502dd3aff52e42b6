//! `verifier verify --context URL=FILE`: JSON-LD contexts beyond the bundled
//! ones, read from files, never fetched (issue 12).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;

use serde_json::{Value, json};
use xinlian_did_core::{KeyType, SecretKey};
use xinlian_vc::KeySigner;
use xinlian_vc::jsonld::ContextLoader;
use xinlian_vc::proof::{ProofOptions, add_rdfc_proof};

const ALUMNI: &str = "https://alumni.example.edu/contexts/v1";
const DOC: &str = r#"{"@context": {"alumniOf": "https://schema.org/alumniOf"}}"#;

#[test]
fn a_credential_with_an_added_context_verifies_only_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = dir.path().join("alumni.jsonld");
    std::fs::write(&ctx, DOC).unwrap();
    let signer = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", ALUMNI],
        "type": ["VerifiableCredential"],
        "issuer": signer.did(),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Example University"}
    });
    let loader = ContextLoader::new().with(ALUMNI, DOC).unwrap();
    let signed = pollster::block_on(add_rdfc_proof(
        credential.as_object().unwrap(),
        &ProofOptions::new(),
        &signer,
        &loader,
    ))
    .unwrap();
    let file = dir.path().join("alumni.json");
    std::fs::write(&file, Value::Object(signed).to_string()).unwrap();
    let spec = format!("{ALUMNI}={}", ctx.display());
    let run = |extra: &[&str]| {
        let mut args = vec!["verify", file.to_str().unwrap(), "--no-status", "--no-holder-binding"];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_verifier"))
            .args(&args)
            .output()
            .unwrap()
    };
    assert_eq!(run(&["--context", &spec]).status.code(), Some(0));
    let without = run(&[]);
    assert_eq!(without.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&without.stdout).contains(ALUMNI));
    let bad = run(&["--context", "no-equals-sign"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected URL=FILE"));
}
