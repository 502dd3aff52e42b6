//! The W3C RDFC test vectors, byte for byte: eddsa-rdfc-2022 and
//! Ed25519Signature2020 (w3c/vc-di-eddsa), ecdsa-rdfc-2019 with P-256 and
//! P-384 (w3c/vc-di-ecdsa), each with the AlumniCredential input and, where
//! present, the employment (`employ/`) input. For each: canonical N-Quads
//! of the document and the proof configuration, both hashes, the combined
//! hash, the deterministic signature, the proofValue, the signed document
//! recreated exactly, and verification of the signed document.
#![cfg(feature = "jsonld")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use sha2::Digest as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xinlian_did_core::{KeyType, Relationship, SecretKey, StatelessResolver};
use xinlian_vc::jsonld::{ContextLoader, RdfcHash, canonicalize, canonicalize_with};
use xinlian_vc::proof::{
    ProofExpectations, ProofFailureKind, RdfcSuite, add_rdfc_proof, rdfc_proof_hashes, verify_rdfc_proof,
    verify_rdfc_signature,
};
use xinlian_vc::{Error, KeySigner, ProofOptions, Signer as _};

fn vectors() -> PathBuf {
    // Copies of the W3C vc-di-eddsa and vc-di-ecdsa TestVectors (see tests/vectors/README.md).
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_json(path: &Path) -> Map<String, Value> {
    serde_json::from_str::<Value>(&read(path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .as_object()
        .cloned()
        .unwrap()
}

fn read_hex(path: &Path) -> Vec<u8> {
    hex::decode(read(path).trim()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The bundled contexts plus the two the vectors use that Xinlian does not
/// bundle (test copies in tests/rdfc_contexts/).
fn loader() -> ContextLoader {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rdfc_contexts");
    ContextLoader::new()
        .with(
            "https://www.w3.org/ns/credentials/examples/v2",
            &read(&dir.join("credentials-examples-v2.jsonld")),
        )
        .unwrap()
        .with(
            "https://w3id.org/citizenship/v4rc1",
            &read(&dir.join("citizenship-v4rc1.jsonld")),
        )
        .unwrap()
}

struct Case {
    /// Folder of the vector files, under vectors/.
    dir: &'static str,
    /// File-name suffix (`DataInt`, `EdSig`, `ECDSAP256`, ...).
    suffix: &'static str,
    /// The unsigned input, relative to `dir`.
    input: &'static str,
    /// The key pair file, relative to `dir`.
    keys: &'static str,
    key_type: KeyType,
    suite: RdfcSuite,
}

const CASES: &[Case] = &[
    Case {
        dir: "w3c-vc-di-eddsa/eddsa-rdfc-2022",
        suffix: "DataInt",
        input: "../unsigned.json",
        keys: "../keyPair.json",
        key_type: KeyType::Ed25519,
        suite: RdfcSuite::EddsaRdfc2022,
    },
    Case {
        dir: "w3c-vc-di-eddsa/eddsa-rdfc-2022/employ",
        suffix: "DataInt",
        input: "../../employmentAuth.json",
        keys: "../../keyPair.json",
        key_type: KeyType::Ed25519,
        suite: RdfcSuite::EddsaRdfc2022,
    },
    Case {
        dir: "w3c-vc-di-eddsa/Ed25519Signature2020",
        suffix: "EdSig",
        // The input is the signed document without its proof (its @context
        // adds the ed25519-2020 context).
        input: "signedEdSig.json",
        keys: "../keyPair.json",
        key_type: KeyType::Ed25519,
        suite: RdfcSuite::Ed25519Signature2020,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256",
        suffix: "ECDSAP256",
        input: "../unsigned.json",
        keys: "../p256KeyPair.json",
        key_type: KeyType::P256,
        suite: RdfcSuite::EcdsaRdfc2019,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256/employ",
        suffix: "ECDSAP256",
        input: "../../employmentAuth.json",
        keys: "../../p256KeyPair.json",
        key_type: KeyType::P256,
        suite: RdfcSuite::EcdsaRdfc2019,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384",
        suffix: "ECDSAP384",
        input: "../unsigned.json",
        keys: "../p384KeyPair.json",
        key_type: KeyType::P384,
        suite: RdfcSuite::EcdsaRdfc2019,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ",
        suffix: "ECDSAP384",
        input: "../../employmentAuth.json",
        keys: "../../p384KeyPair.json",
        key_type: KeyType::P384,
        suite: RdfcSuite::EcdsaRdfc2019,
    },
];

impl Case {
    fn file(&self, prefix: &str, ext: &str) -> PathBuf {
        vectors().join(self.dir).join(format!("{prefix}{}.{ext}", self.suffix))
    }

    fn unsigned(&self) -> Map<String, Value> {
        let mut doc = read_json(&vectors().join(self.dir).join(self.input));
        doc.shift_remove("proof");
        doc
    }

    fn secret(&self) -> SecretKey {
        let keys = read_json(&vectors().join(self.dir).join(self.keys));
        let multibase = keys
            .get("privateKeyMultibase")
            .or_else(|| keys.get("secretKeyMultibase"))
            .and_then(Value::as_str)
            .unwrap();
        let secret = SecretKey::from_multikey(multibase).unwrap();
        assert_eq!(secret.key_type(), self.key_type, "{}", self.dir);
        secret
    }

    /// ecdsa-rdfc-2019 on P-384 runs RDFC-1.0 with SHA-384.
    fn rdfc_hash(&self) -> RdfcHash {
        match self.key_type {
            KeyType::P384 => RdfcHash::Sha384,
            _ => RdfcHash::Sha256,
        }
    }

    fn hash(&self, data: &[u8]) -> Vec<u8> {
        match self.key_type {
            KeyType::P384 => sha2::Sha384::digest(data).to_vec(),
            _ => sha2::Sha256::digest(data).to_vec(),
        }
    }
}

#[test]
fn canonical_document_matches_byte_for_byte() {
    let loader = loader();
    // The second round runs on the contexts the first one processed and
    // remembered (the JSON-LD context memo): it must give the same bytes.
    for case in CASES.iter().chain(CASES) {
        let expected = read(&case.file("canonDoc", "txt"));
        let got = canonicalize_with(&case.unsigned(), case.rdfc_hash(), &loader).unwrap();
        assert_eq!(got, expected, "{}", case.dir);
        assert_eq!(
            hex::encode(case.hash(got.as_bytes())),
            read(&case.file("docHash", "txt")).trim(),
            "{}",
            case.dir
        );
    }
}

#[test]
fn canonical_proof_configuration_matches_byte_for_byte() {
    let loader = loader();
    for case in CASES.iter().chain(CASES) {
        let config = read_json(&case.file("proofConfig", "json"));
        let got = canonicalize_with(&config, case.rdfc_hash(), &loader).unwrap();
        assert_eq!(got, read(&case.file("proofCanon", "txt")), "{}", case.dir);
        assert_eq!(
            hex::encode(case.hash(got.as_bytes())),
            read(&case.file("proofHash", "txt")).trim(),
            "{}",
            case.dir
        );
    }
}

#[test]
fn proof_hashes_of_the_signed_documents_match() {
    let loader = loader();
    for case in CASES {
        let signed = read_json(&case.file("signed", "json"));
        let hashes = rdfc_proof_hashes(&signed, 0, case.key_type, &loader).unwrap();
        assert_eq!(
            hashes.canonical_document,
            read(&case.file("canonDoc", "txt")),
            "{}",
            case.dir
        );
        assert_eq!(
            hashes.canonical_proof_config,
            read(&case.file("proofCanon", "txt")),
            "{}",
            case.dir
        );
        assert_eq!(
            hashes.document_hash,
            read_hex(&case.file("docHash", "txt")),
            "{}",
            case.dir
        );
        assert_eq!(
            hashes.proof_config_hash,
            read_hex(&case.file("proofHash", "txt")),
            "{}",
            case.dir
        );
        assert_eq!(
            hashes.hash_data(),
            read_hex(&case.file("combinedHash", "txt")),
            "{}",
            case.dir
        );
    }
}

#[test]
fn deterministic_signature_and_proof_value_match() {
    for case in CASES {
        let combined = read_hex(&case.file("combinedHash", "txt"));
        let signature = case.secret().sign(&combined);
        // No low-S normalization: the P-256 vector signature is high-S.
        assert_eq!(
            hex::encode(&signature),
            read(&case.file("sigHex", "txt")).trim(),
            "{}",
            case.dir
        );
        assert_eq!(
            multibase::encode(multibase::Base::Base58Btc, &signature),
            read(&case.file("sigBTC58", "txt")).trim(),
            "{}",
            case.dir
        );
        let signed = read_json(&case.file("signed", "json"));
        assert_eq!(
            signed["proof"]["proofValue"],
            read(&case.file("sigBTC58", "txt")).trim(),
            "{}",
            case.dir
        );
    }
}

#[test]
fn signing_recreates_the_signed_documents_exactly() {
    let loader = loader();
    for case in CASES.iter().filter(|c| c.suite != RdfcSuite::Ed25519Signature2020) {
        let signed = read_json(&case.file("signed", "json"));
        let proof = signed["proof"].as_object().unwrap();
        let created = OffsetDateTime::parse(proof["created"].as_str().unwrap(), &Rfc3339).unwrap();
        let vm = proof["verificationMethod"].as_str().unwrap();
        let signer = KeySigner::new(case.secret(), vm).unwrap();
        let options = ProofOptions::new().created(created);
        let made = pollster::block_on(add_rdfc_proof(&case.unsigned(), &options, &signer, &loader)).unwrap();
        assert_eq!(made, signed, "{}", case.dir);
        assert_eq!(made["proof"]["cryptosuite"], case.suite.to_string(), "{}", case.dir);
    }
}

fn expectations() -> ProofExpectations {
    ProofExpectations::new(Relationship::AssertionMethod)
}

#[test]
fn signed_documents_verify() {
    let loader = loader();
    let resolver = StatelessResolver::new();
    for case in CASES {
        let signed = read_json(&case.file("signed", "json"));
        let key = case.secret().public_key();
        verify_rdfc_signature(&signed, 0, &key, &loader).unwrap_or_else(|e| panic!("{}: {e}", case.dir));
        let outcome = pollster::block_on(verify_rdfc_proof(&signed, 0, &resolver, &expectations(), &loader));
        assert!(outcome.verified(), "{}: {:?}", case.dir, outcome.failures);
        assert!(
            outcome.controller.as_deref().unwrap().starts_with("did:key:"),
            "{}",
            case.dir
        );
    }
}

#[test]
fn tampered_documents_do_not_verify() {
    let loader = loader();
    let resolver = StatelessResolver::new();
    for case in CASES {
        let mut signed = read_json(&case.file("signed", "json"));
        signed.insert("name".into(), json!("Forged Credential"));
        let outcome = pollster::block_on(verify_rdfc_proof(&signed, 0, &resolver, &expectations(), &loader));
        assert_eq!(
            outcome.failures.iter().map(|f| f.kind).collect::<Vec<_>>(),
            vec![ProofFailureKind::InvalidSignature],
            "{}",
            case.dir
        );
    }
}

#[test]
fn p384_needs_rdfc_with_sha384() {
    // Regression: with SHA-256 inside RDFC-1.0 (all ssi-rdf offers) the
    // employment credential's blank nodes get other labels than the W3C
    // P-384 vector expects.
    let loader = loader();
    let case = CASES.iter().find(|c| c.dir.ends_with("p384/employ")).unwrap();
    let expected = read(&case.file("canonDoc", "txt"));
    assert_ne!(canonicalize(&case.unsigned(), &loader).unwrap(), expected);
    assert_eq!(
        canonicalize_with(&case.unsigned(), RdfcHash::Sha384, &loader).unwrap(),
        expected
    );
}

#[test]
fn reordering_json_does_not_change_the_canonical_form() {
    let loader = loader();
    let case = &CASES[0];
    let unsigned = case.unsigned();
    let mut reversed = Map::new();
    for (k, v) in unsigned.iter().rev() {
        reversed.insert(k.clone(), v.clone());
    }
    assert_eq!(
        canonicalize(&reversed, &loader).unwrap(),
        read(&case.file("canonDoc", "txt"))
    );
}

#[test]
fn contexts_the_vectors_need_are_not_fetched() {
    // Without the test contexts the examples context is unknown: an error
    // naming it, never a network fetch.
    let case = &CASES[0];
    let err = canonicalize(&case.unsigned(), &ContextLoader::new()).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownContext {
            url: "https://www.w3.org/ns/credentials/examples/v2".into()
        }
    );
}

#[test]
fn a_wrong_key_type_for_the_suite_is_reported() {
    let loader = loader();
    let signed = read_json(&CASES[0].file("signed", "json"));
    let err = rdfc_proof_hashes(&signed, 0, KeyType::P256, &loader).unwrap_err();
    assert!(err.to_string().contains("eddsa-rdfc-2022"), "{err}");
}

fn employment_credential(issuer: &str) -> Map<String, Value> {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://xinlian.dev/contexts/employment/v1"],
        "id": "urn:uuid:8f0e2f4c-6d3b-4f7e-9a51-1c2d3e4f5a6b",
        "type": ["VerifiableCredential", "EmploymentCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-15T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:employee",
            "employment": {
                "type": "EmployeeRole",
                "jobTitle": "Research Engineer",
                "startDate": "2024-01-15",
                "employer": { "id": "did:example:acme", "type": "Organization", "legalName": "Acme Ltd." }
            }
        }
    })
    .as_object()
    .cloned()
    .unwrap()
}

#[test]
fn xinlian_employment_credentials_sign_and_verify_with_every_rdfc_key() {
    let loader = ContextLoader::new();
    let resolver = StatelessResolver::new();
    for key_type in [KeyType::Ed25519, KeyType::P256, KeyType::P384] {
        let signer = KeySigner::did_key(SecretKey::generate(key_type).unwrap()).unwrap();
        let unsigned = employment_credential(signer.did());
        let signed = pollster::block_on(add_rdfc_proof(&unsigned, &ProofOptions::new(), &signer, &loader)).unwrap();
        let expected_suite = RdfcSuite::for_key_type(key_type).unwrap().to_string();
        assert_eq!(signed["proof"]["cryptosuite"], expected_suite.as_str());
        let outcome = pollster::block_on(verify_rdfc_proof(&signed, 0, &resolver, &expectations(), &loader));
        assert!(outcome.verified(), "{key_type}: {:?}", outcome.failures);

        // Changing a claim breaks the signature.
        let mut forged = signed.clone();
        forged["credentialSubject"]["employment"]["jobTitle"] = json!("Chief Executive Officer");
        let outcome = pollster::block_on(verify_rdfc_proof(&forged, 0, &resolver, &expectations(), &loader));
        assert!(!outcome.verified(), "{key_type}");
    }
}

#[test]
fn proof_sets_and_chains_verify() {
    let loader = ContextLoader::new();
    let resolver = StatelessResolver::new();
    let university = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let notary = KeySigner::did_key(SecretKey::generate(KeyType::P256).unwrap()).unwrap();
    let unsigned = employment_credential(university.did());
    let first = ProofOptions::new().id("urn:proof:1");
    let once = pollster::block_on(add_rdfc_proof(&unsigned, &first, &university, &loader)).unwrap();
    let chained = ProofOptions::new().id("urn:proof:2").previous_proof("urn:proof:1");
    let twice = pollster::block_on(add_rdfc_proof(&once, &chained, &notary, &loader)).unwrap();
    assert_eq!(twice["proof"].as_array().unwrap().len(), 2);
    for index in 0..2 {
        let outcome = pollster::block_on(verify_rdfc_proof(&twice, index, &resolver, &expectations(), &loader));
        assert!(outcome.verified(), "proof {index}: {:?}", outcome.failures);
    }
    // Tampering with the first proof breaks the chained second one.
    let mut broken = twice.clone();
    broken["proof"][0]["created"] = json!("2020-01-01T00:00:00Z");
    let outcome = pollster::block_on(verify_rdfc_proof(&broken, 1, &resolver, &expectations(), &loader));
    assert_eq!(
        outcome.failures.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![ProofFailureKind::InvalidSignature]
    );
}

#[test]
fn an_undefined_term_is_refused_when_signing() {
    // VC 1.1 has no @vocab: a claim no context defines would be dropped by
    // JSON-LD and so left unsigned. Xinlian refuses to sign it.
    let loader = ContextLoader::new();
    let signer = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let unsigned = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": signer.did(),
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:s", "degreeClassification": "First" }
    });
    let err = pollster::block_on(add_rdfc_proof(
        unsigned.as_object().unwrap(),
        &ProofOptions::new(),
        &signer,
        &loader,
    ))
    .unwrap_err();
    match err {
        Error::JsonLd { path, reason } => {
            assert_eq!(path, "/credentialSubject/degreeClassification");
            assert!(reason.contains("not defined by any context"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_vc11_document_without_the_data_integrity_context_is_refused() {
    let loader = ContextLoader::new();
    let signer = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let mut unsigned = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": signer.did(),
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:s" }
    });
    let sign = |doc: &Value| {
        pollster::block_on(add_rdfc_proof(
            doc.as_object().unwrap(),
            &ProofOptions::new(),
            &signer,
            &loader,
        ))
    };
    let err = sign(&unsigned).unwrap_err();
    assert!(
        matches!(&err, Error::JsonLd { path, reason } if path == "/proof/type" && reason.contains("data-integrity/v2")),
        "{err:?}"
    );

    // With the Data Integrity context the same credential signs and verifies.
    unsigned["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://w3id.org/security/data-integrity/v2"));
    let signed = sign(&unsigned).unwrap();
    let outcome = pollster::block_on(verify_rdfc_proof(
        &signed,
        0,
        &StatelessResolver::new(),
        &expectations(),
        &loader,
    ));
    assert!(outcome.verified(), "{:?}", outcome.failures);
}

#[test]
fn wrong_purpose_and_unknown_suites_are_reported() {
    let loader = loader();
    let resolver = StatelessResolver::new();
    let signed = read_json(&CASES[0].file("signed", "json"));
    let auth = ProofExpectations::new(Relationship::Authentication);
    let outcome = pollster::block_on(verify_rdfc_proof(&signed, 0, &resolver, &auth, &loader));
    assert!(
        outcome
            .failures
            .iter()
            .any(|f| f.kind == ProofFailureKind::PurposeMismatch)
    );

    let jcs = read_json(&vectors().join("w3c-vc-di-eddsa/eddsa-jcs-2022/signedJCS.json"));
    let outcome = pollster::block_on(verify_rdfc_proof(&jcs, 0, &resolver, &expectations(), &loader));
    assert_eq!(outcome.failures[0].kind, ProofFailureKind::UnknownCryptosuite);
}

#[test]
fn vc11_credentials_with_ed25519_signature_2020_verify() {
    // The common legacy shape: a VC 1.1 credential with the ed25519-2020
    // context, both bundled.
    let loader = ContextLoader::new();
    let secret = SecretKey::generate(KeyType::Ed25519).unwrap();
    let signer = KeySigner::did_key(secret.clone()).unwrap();
    let mut document = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
        "id": "urn:uuid:0b1e5a0c-2f3d-4c5b-8a9e-7d6c5b4a3f21",
        "type": ["VerifiableCredential"],
        "issuer": signer.did(),
        "issuanceDate": "2022-06-30T00:00:00Z",
        "credentialSubject": { "id": "did:example:graduate" },
        "proof": {
            "type": "Ed25519Signature2020",
            "created": "2022-06-30T12:00:00Z",
            "verificationMethod": signer.verification_method(),
            "proofPurpose": "assertionMethod"
        }
    })
    .as_object()
    .cloned()
    .unwrap();
    let hashes = rdfc_proof_hashes(&document, 0, KeyType::Ed25519, &loader).unwrap();
    assert!(hashes.canonical_proof_config.contains(
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#Ed25519Signature2020> ."
    ));
    let signature = secret.sign(&hashes.hash_data());
    document["proof"]["proofValue"] = json!(multibase::encode(multibase::Base::Base58Btc, &signature));
    let resolver = StatelessResolver::new();
    let outcome = pollster::block_on(verify_rdfc_proof(&document, 0, &resolver, &expectations(), &loader));
    assert!(outcome.verified(), "{:?}", outcome.failures);

    document["credentialSubject"]["id"] = json!("did:example:someone-else");
    let outcome = pollster::block_on(verify_rdfc_proof(&document, 0, &resolver, &expectations(), &loader));
    assert!(!outcome.verified());
}
