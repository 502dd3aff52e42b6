//! The bundled JSON-LD contexts: every file listed in `vc/contexts/README.md`
//! has the SHA-256 the table gives and is served, offline, for its URL; the
//! Open Badges 3.0.x, extensions and CLR 2.0 contexts expand a credential.
#![cfg(feature = "jsonld")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use serde_json::{Map, Value, json};
use sha2::Digest as _;
use xinlian_vc::Error;
use xinlian_vc::jsonld::{ContextLoader, canonicalize};

/// The rows of the bundled-contexts table: (file, URL, SHA-256).
fn readme_rows() -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("contexts");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let code = |cell: &str| cell.trim().split('`').nth(1).map(str::to_owned);
    readme
        .lines()
        .take_while(|l| !l.starts_with("**Derived"))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').collect();
            (
                code(cells[1]).unwrap(),
                code(cells[2]).unwrap(),
                code(cells[4]).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_bundled_context_has_the_readme_sha256_and_is_served() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("contexts");
    let rows = readme_rows();
    assert!(rows.len() >= 14, "{rows:?}");
    let loader = ContextLoader::new();
    for (file, url, sha) in rows {
        let bytes = std::fs::read(dir.join(&file)).unwrap();
        assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), sha, "{file}");
        assert!(loader.contains(&url), "{url} ({file}) is not served");
    }
}

const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// An Open Badge on the VC 2.0 base context, with `contexts` after it.
fn open_badge(contexts: &[&str]) -> Map<String, Value> {
    open_badge_on(VC_V2, contexts)
}

/// An Open Badge on the given VC base context (1.1 or 2.0).
fn open_badge_on(base: &str, contexts: &[&str]) -> Map<String, Value> {
    let mut ctx = vec![json!(base)];
    ctx.extend(contexts.iter().map(|c| json!(c)));
    let date_term = if base == VC_V1 { "issuanceDate" } else { "validFrom" };
    json!({
        "@context": ctx,
        "id": "urn:uuid:5f3a2b1c-0d4e-4f6a-8b7c-9d0e1f2a3b4c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example University"},
        date_term: "2026-07-01T00:00:00Z",
        "name": "Physics",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e",
                "type": ["Achievement"],
                "name": "Physics",
                "criteria": {"narrative": "Pass the exam."}
            }
        }
    })
    .as_object()
    .unwrap()
    .clone()
}

#[test]
fn regression_open_badges_extensions_context_is_bundled() {
    // An Open Badges 3.0 credential that also lists the extensions context
    // (as many Open Badges issuers do) was refused: context not bundled.
    let doc = open_badge(&[
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]);
    let nquads = canonicalize(&doc, &ContextLoader::new()).unwrap();
    assert!(
        nquads.contains("<https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject>"),
        "{nquads}"
    );
}

#[test]
fn every_open_badges_3_0_x_context_expands_an_open_badge() {
    // 3.0.0 and 3.0.1 were written for VC 1.1: on the VC 2.0 context they
    // redefine the protected term `description` (jsonld.js refuses that
    // too), so they are checked on credentials/v1; 3.0.2 and 3.0.3 on both.
    for (base, ctx) in [
        (VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"),
        (VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"),
        (VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"),
        (VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"),
        (VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"),
        (VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"),
    ] {
        let nquads = canonicalize(&open_badge_on(base, &[ctx]), &ContextLoader::new())
            .unwrap_or_else(|e| panic!("{base} + {ctx}: {e}"));
        assert!(nquads.contains("vocab.html#Achievement>"), "{ctx}: {nquads}");
    }
}

#[test]
fn open_badges_3_0_1_on_vc_2_0_is_a_protected_term_redefinition() {
    let doc = open_badge(&["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"]);
    match canonicalize(&doc, &ContextLoader::new()) {
        Err(Error::JsonLd { reason, .. }) => assert!(reason.contains("protected term"), "{reason}"),
        other => panic!("expected a protected term redefinition, got {other:?}"),
    }
}

#[test]
fn a_clr_2_0_credential_expands_with_the_bundled_clr_context() {
    for (clr, vocab) in [
        (
            "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
            "https://purl.imsglobal.org/spec/clr/v2p0/vocab.html#ClrSubject",
        ),
        (
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrSubject",
        ),
    ] {
        let doc = json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                clr,
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": "urn:uuid:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
            "type": ["VerifiableCredential", "ClrCredential"],
            "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example University"},
            "validFrom": "2026-07-01T00:00:00Z",
            "name": "Transcript",
            "credentialSubject": {"id": "did:example:learner", "type": ["ClrSubject"]}
        });
        let nquads =
            canonicalize(doc.as_object().unwrap(), &ContextLoader::new()).unwrap_or_else(|e| panic!("{clr}: {e}"));
        assert!(nquads.contains(vocab), "{clr}: {nquads}");
    }
}

#[test]
fn an_unbundled_context_is_still_refused_by_name() {
    let doc = open_badge(&["https://purl.imsglobal.org/spec/ob/v3p0/context-9.9.9.json"]);
    match canonicalize(&doc, &ContextLoader::new()) {
        Err(Error::UnknownContext { url, .. }) => {
            assert_eq!(url, "https://purl.imsglobal.org/spec/ob/v3p0/context-9.9.9.json")
        }
        other => panic!("expected UnknownContext, got {other:?}"),
    }
}

#[test]
fn a_policy_context_loader_verifies_a_credential_with_an_added_context() {
    // `registrar verify --context URL=FILE` and the verifier example's
    // `--context` hand their contexts to the verifier through the policy.
    use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
    use xinlian_vc::KeySigner;
    use xinlian_vc::proof::{ProofOptions, add_rdfc_proof};
    use xinlian_vc::verify::{Check, Policy, verify_any};

    const ALUMNI: &str = "https://alumni.example.edu/contexts/v1";
    let loader = ContextLoader::new()
        .with(ALUMNI, r#"{"@context": {"alumniOf": "https://schema.org/alumniOf"}}"#)
        .unwrap();
    let signer = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let credential = json!({
        "@context": [VC_V2, ALUMNI],
        "id": "urn:uuid:1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
        "type": ["VerifiableCredential"],
        "issuer": signer.did(),
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Example University"}
    });
    let signed = pollster::block_on(add_rdfc_proof(
        credential.as_object().unwrap(),
        &ProofOptions::new(),
        &signer,
        &loader,
    ))
    .unwrap();
    let text = Value::Object(signed).to_string();
    let resolver = StatelessResolver::new();

    let with = pollster::block_on(verify_any(&text, &resolver, &Policy::new().context_loader(loader))).unwrap();
    assert!(with.verified(), "{:?}", with.checks);

    let without = pollster::block_on(verify_any(&text, &resolver, &Policy::new())).unwrap();
    let failure = without.failures().next().expect("a failure");
    assert_eq!(failure.check, Check::Proof, "{:?}", without.checks);
    assert!(failure.detail.contains(ALUMNI), "{}", failure.detail);
}
