//! The W3C JCS Data Integrity vectors (eddsa-jcs-2022, ecdsa-jcs-2019 P-256
//! and P-384), checked byte for byte, and proof sets and chains.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xinlian_did_core::{KeyType, Relationship, SecretKey, StatelessResolver};
use xinlian_vc::proof::{
    ProofExpectations, ProofFailureKind, ProofOptions, add_proof, proof_hashes, verify_proof, verify_proofs,
};
use xinlian_vc::{KeySigner, Signer};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/data-integrity")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(path: &str) -> Map<String, Value> {
    match serde_json::from_str(&read(path)).unwrap() {
        Value::Object(m) => m,
        other => panic!("{path} is not an object: {other}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

struct Vector {
    folder: &'static str,
    suffix: &'static str,
    key_file: &'static str,
    secret_member: &'static str,
    key_type: KeyType,
}

const VECTORS: [Vector; 3] = [
    Vector {
        folder: "eddsa-jcs-2022",
        suffix: "JCS",
        key_file: "keyPair.json",
        secret_member: "privateKeyMultibase",
        key_type: KeyType::Ed25519,
    },
    Vector {
        folder: "ecdsa-jcs-2019-p256",
        suffix: "JCSECDSAP256",
        key_file: "p256KeyPair.json",
        secret_member: "secretKeyMultibase",
        key_type: KeyType::P256,
    },
    Vector {
        folder: "ecdsa-jcs-2019-p384",
        suffix: "JCSECDSAP384",
        key_file: "p384KeyPair.json",
        secret_member: "secretKeyMultibase",
        key_type: KeyType::P384,
    },
];

impl Vector {
    fn file(&self, prefix: &str, ext: &str) -> String {
        format!("{}/{prefix}{}.{ext}", self.folder, self.suffix)
    }

    fn text(&self, prefix: &str) -> String {
        read(&self.file(prefix, "txt"))
    }

    fn signer(&self) -> KeySigner {
        let keys = json(&format!("{}/{}", self.folder, self.key_file));
        let secret = SecretKey::from_multikey(keys[self.secret_member].as_str().unwrap()).unwrap();
        assert_eq!(secret.key_type(), self.key_type);
        assert_eq!(
            secret.public_key().to_multikey(),
            keys["publicKeyMultibase"].as_str().unwrap(),
            "{}: the secret key does not match the public key",
            self.folder
        );
        KeySigner::did_key(secret).unwrap()
    }
}

fn later() -> OffsetDateTime {
    OffsetDateTime::parse("2024-01-01T00:00:00Z", &Rfc3339).unwrap()
}

fn created() -> OffsetDateTime {
    OffsetDateTime::parse("2023-02-24T23:36:38Z", &Rfc3339).unwrap()
}

#[test]
fn signing_reproduces_every_vector_byte_for_byte() {
    let unsigned = json("unsigned.json");
    for v in &VECTORS {
        let signer = v.signer();
        let config = json(&v.file("proofConfig", "json"));
        assert_eq!(
            signer.verification_method(),
            config["verificationMethod"].as_str().unwrap()
        );

        let options = ProofOptions::new().created(created());
        let signed = pollster::block_on(add_proof(&unsigned, &options, &signer)).unwrap();

        // The full signed document, as the vector prints it.
        let expected_text = read(&v.file("signed", "json"));
        assert_eq!(
            serde_json::to_string_pretty(&signed).unwrap(),
            expected_text.trim_end(),
            "{}: signed document",
            v.folder
        );
        assert_eq!(
            Value::Object(signed.clone()),
            serde_json::from_str::<Value>(&expected_text).unwrap()
        );

        // The proof configuration is the proof without proofValue.
        let mut proof = signed["proof"].as_object().unwrap().clone();
        let proof_value = proof.shift_remove("proofValue").unwrap();
        assert_eq!(proof, config, "{}: proof configuration", v.folder);

        // Intermediate values.
        let hashes = proof_hashes(&signed, 0, v.key_type).unwrap();
        assert_eq!(
            hashes.canonical_document,
            v.text("canonDoc"),
            "{}: canonical document",
            v.folder
        );
        assert_eq!(
            hashes.canonical_proof_config,
            v.text("proofCanon"),
            "{}: canonical proof config",
            v.folder
        );
        assert_eq!(
            hex(&hashes.document_hash),
            v.text("docHash").trim(),
            "{}: document hash",
            v.folder
        );
        assert_eq!(
            hex(&hashes.proof_config_hash),
            v.text("proofHash").trim(),
            "{}: proof hash",
            v.folder
        );
        assert_eq!(
            hex(&hashes.hash_data()),
            v.text("combinedHash").trim(),
            "{}: combined hash",
            v.folder
        );

        // Signature and proofValue.
        let proof_value = proof_value.as_str().unwrap();
        assert_eq!(proof_value, v.text("sigBTC58").trim(), "{}: proofValue", v.folder);
        let signature = xinlian_vc::DataIntegrityProof::from_value(&signed["proof"])
            .unwrap()
            .signature()
            .unwrap();
        assert_eq!(hex(&signature), v.text("sigHex").trim(), "{}: signature", v.folder);
    }
}

#[test]
fn every_signed_vector_verifies() {
    let resolver = StatelessResolver::new();
    let expected = ProofExpectations::new(Relationship::AssertionMethod).at(created());
    for v in &VECTORS {
        let signed = json(&v.file("signed", "json"));
        let outcome = pollster::block_on(verify_proof(&signed, 0, &resolver, &expected));
        assert!(outcome.verified(), "{}: {:?}", v.folder, outcome.failures);
        assert_eq!(
            outcome.controller.as_deref(),
            Some(v.signer().did()),
            "{}: controller",
            v.folder
        );
    }
}

#[test]
fn a_changed_byte_anywhere_breaks_every_vector() {
    let resolver = StatelessResolver::new();
    let expected = ProofExpectations::new(Relationship::AssertionMethod).at(created());
    for v in &VECTORS {
        let signed = json(&v.file("signed", "json"));
        // Document claim.
        let mut doc = signed.clone();
        doc["credentialSubject"]["alumniOf"] = Value::String("The School of Exemples".into());
        let outcome = pollster::block_on(verify_proof(&doc, 0, &resolver, &expected));
        assert_eq!(kinds(&outcome), [ProofFailureKind::InvalidSignature], "{}", v.folder);
        // Proof option.
        let mut doc = signed.clone();
        doc["proof"]["created"] = Value::String("2023-02-24T23:36:39Z".into());
        let outcome = pollster::block_on(verify_proof(&doc, 0, &resolver, &expected));
        assert_eq!(kinds(&outcome), [ProofFailureKind::InvalidSignature], "{}", v.folder);
    }
}

fn kinds(outcome: &xinlian_vc::proof::ProofOutcome) -> Vec<ProofFailureKind> {
    outcome.failures.iter().map(|f| f.kind).collect()
}

fn signers(n: usize) -> Vec<KeySigner> {
    let keys = json("proof-set-chain/multiKeyPairs.json");
    (1..=n)
        .map(|i| {
            let secret = keys[&format!("keyPair{i}")]["privateKeyMultibase"].as_str().unwrap();
            KeySigner::did_key(SecretKey::from_multikey(secret).unwrap()).unwrap()
        })
        .collect()
}

const ID1: &str = "urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544";
const ID2: &str = "urn:uuid:8cc9022b-6b14-4cf3-8571-74972c5feb54";
const ID3: &str = "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23";

/// The proof set and chain of the vc-di-eddsa `proof-set-chain` vectors,
/// rebuilt with eddsa-jcs-2022 (the upstream vectors use RDFC).
fn set_and_chain() -> Map<String, Value> {
    let s = signers(4);
    let unsigned = json("unsigned.json");
    let at = |t: &str| OffsetDateTime::parse(t, &Rfc3339).unwrap();
    let one = ProofOptions::new().created(at("2023-02-24T23:36:38Z"));
    let doc = pollster::block_on(add_proof(&unsigned, &one.clone().id(ID1), &s[0])).unwrap();
    let doc = pollster::block_on(add_proof(&doc, &one.id(ID2), &s[1])).unwrap();
    let three = ProofOptions::new()
        .created(at("2023-02-26T22:06:38Z"))
        .id(ID3)
        .previous_proof(ID1)
        .previous_proof(ID2);
    let doc = pollster::block_on(add_proof(&doc, &three, &s[2])).unwrap();
    let four = ProofOptions::new()
        .created(at("2023-02-26T22:16:38Z"))
        .previous_proof(ID3);
    pollster::block_on(add_proof(&doc, &four, &s[3])).unwrap()
}

#[test]
fn proof_sets_and_chains_verify() {
    let doc = set_and_chain();
    let proofs = doc["proof"].as_array().unwrap();
    assert_eq!(proofs.len(), 4);
    assert_eq!(proofs[2]["previousProof"], serde_json::json!([ID1, ID2]));
    assert_eq!(proofs[3]["previousProof"], serde_json::json!(ID3));
    let resolver = StatelessResolver::new();
    let expected = ProofExpectations::new(Relationship::AssertionMethod).at(later());
    let outcomes = pollster::block_on(verify_proofs(&doc, &resolver, &expected));
    assert_eq!(outcomes.len(), 4);
    for o in &outcomes {
        assert!(o.verified(), "proof {}: {:?}", o.index, o.failures);
    }
}

#[test]
fn chained_proofs_sign_the_document_the_spec_shows() {
    // signedProofChainN / proofChainTempDocN: the document the last proof of
    // a chain signs carries, as `proof`, the array of the proofs it names.
    // The upstream vectors use eddsa-rdfc-2022; renaming the suite in both
    // files keeps the shape and lets the JCS hashing run on them.
    let rename = |mut m: Map<String, Value>| {
        let proofs = match m.get_mut("proof") {
            Some(Value::Array(items)) => items,
            _ => panic!("expected a proof array"),
        };
        for p in proofs.iter_mut() {
            p["cryptosuite"] = Value::String("eddsa-jcs-2022".into());
        }
        m
    };
    for (signed, temp, index) in [
        ("signedProofChain1.json", "proofChainTempDoc1.json", 2),
        ("signedProofChain2.json", "proofChainTempDoc2.json", 3),
    ] {
        let signed = rename(json(&format!("proof-set-chain/{signed}")));
        let temp = rename(json(&format!("proof-set-chain/{temp}")));
        let hashes = proof_hashes(&signed, index, KeyType::Ed25519).unwrap();
        let canonical_temp = serde_json_canonicalizer::to_string(&temp).unwrap();
        assert_eq!(hashes.canonical_document, canonical_temp, "{signed:?}");
    }
}

#[test]
fn tampering_with_a_previous_proof_breaks_the_chain() {
    let doc = set_and_chain();
    let resolver = StatelessResolver::new();
    let expected = ProofExpectations::new(Relationship::AssertionMethod).at(later());

    // Changing proof 1 breaks proof 1 and proof 3 (which signs over it),
    // but neither proof 2 nor proof 4 (which signs over proof 3 only).
    let mut tampered = doc.clone();
    tampered["proof"][0]["created"] = Value::String("2023-02-24T23:36:39Z".into());
    let outcomes = pollster::block_on(verify_proofs(&tampered, &resolver, &expected));
    let verified: Vec<bool> = outcomes.iter().map(|o| o.verified()).collect();
    assert_eq!(verified, [false, true, false, true]);

    // Removing a proof a chain names is a broken chain.
    let mut cut = doc.clone();
    cut["proof"].as_array_mut().unwrap().remove(0);
    let outcome = pollster::block_on(verify_proof(&cut, 1, &resolver, &expected));
    assert!(
        kinds(&outcome).contains(&ProofFailureKind::BrokenChain),
        "{:?}",
        outcome.failures
    );

    // Chaining to a proof that does not exist is refused at signing time.
    let unsigned = json("unsigned.json");
    let err = pollster::block_on(add_proof(
        &unsigned,
        &ProofOptions::new().previous_proof("urn:uuid:nope"),
        &signers(1)[0],
    ))
    .unwrap_err();
    assert!(err.to_string().contains("urn:uuid:nope"), "{err}");
}

mod properties {
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};
    use xinlian_did_core::{Relationship, StatelessResolver};
    use xinlian_vc::DataIntegrityProof;
    use xinlian_vc::proof::{ProofExpectations, verify_proof};

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z@]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    const FIELDS: [&str; 13] = [
        "type",
        "cryptosuite",
        "created",
        "expires",
        "verificationMethod",
        "proofPurpose",
        "challenge",
        "domain",
        "nonce",
        "id",
        "previousProof",
        "proofValue",
        "@context",
    ];

    proptest! {
        #[test]
        fn proofs_round_trip(
            id in proptest::option::of("urn:uuid:[a-f0-9]{8}"),
            challenge in proptest::option::of("[a-z0-9]{1,16}"),
            domains in prop::collection::vec("https://[a-z]{1,8}\\.example", 0..3),
            previous in prop::collection::vec("urn:uuid:[a-f0-9]{8}", 0..3),
            seconds in 0i64..4_000_000_000,
        ) {
            let created = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap();
            let proof = DataIntegrityProof {
                id,
                proof_type: "DataIntegrityProof".into(),
                cryptosuite: "eddsa-jcs-2022".into(),
                created: Some(created),
                expires: None,
                verification_method: "did:example:123#key-1".into(),
                proof_purpose: "assertionMethod".into(),
                challenge,
                domain: domains,
                nonce: None,
                previous_proof: previous,
                context: Some(json!(["https://www.w3.org/ns/credentials/v2"])),
                proof_value: Some("z3FXQ".into()),
                extra: Map::new(),
            };
            let again = DataIntegrityProof::from_object(&proof.to_object(), "/proof").unwrap();
            prop_assert_eq!(again, proof);
        }

        /// Any value in any proof field: verification reports, never panics,
        /// never verifies.
        #[test]
        fn arbitrary_proof_fields_never_panic(field in 0..FIELDS.len(), value in arb_json(), as_array in any::<bool>()) {
            let mut doc = super::json("eddsa-jcs-2022/signedJCS.json");
            doc["proof"][FIELDS[field]] = value;
            if as_array {
                let proof = doc["proof"].take();
                doc["proof"] = Value::Array(vec![proof]);
            }
            let expected = ProofExpectations::new(Relationship::AssertionMethod).at(super::created());
            let outcome = pollster::block_on(verify_proof(&doc, 0, &StatelessResolver::new(), &expected));
            let original = super::json("eddsa-jcs-2022/signedJCS.json");
            if doc["proof"] != original["proof"] && !(as_array && doc["proof"][0] == original["proof"]) {
                prop_assert!(!outcome.verified());
            }
        }

        /// Any JSON as the whole proof: never panics.
        #[test]
        fn arbitrary_proofs_never_panic(proof in arb_json(), index in 0usize..3) {
            let mut doc = super::json("unsigned.json");
            doc.insert("proof".into(), proof);
            let expected = ProofExpectations::new(Relationship::AssertionMethod);
            let outcome = pollster::block_on(verify_proof(&doc, index, &StatelessResolver::new(), &expected));
            prop_assert!(!outcome.verified());
        }
    }
}

/// The upstream proof-set and proof-chain vectors use eddsa-rdfc-2022.
/// With the `jsonld` feature `verify_proof` hands such proofs to the RDFC
/// verifier; with the examples context loaded (the process-wide loader only
/// bundles published contexts), the sets and chains verify as they are.
#[cfg(feature = "jsonld")]
#[test]
fn upstream_rdfc_proof_sets_and_chains_verify() {
    use xinlian_vc::jsonld::ContextLoader;
    use xinlian_vc::proof::verify_rdfc_proof;

    let examples = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/rdfc_contexts/credentials-examples-v2.jsonld"),
    )
    .unwrap();
    let loader = ContextLoader::new()
        .with("https://www.w3.org/ns/credentials/examples/v2", &examples)
        .unwrap();
    let resolver = StatelessResolver::new();
    let expected = ProofExpectations::new(Relationship::AssertionMethod).at(later());
    let verify_all = |doc: &Map<String, Value>, count: usize| -> Vec<bool> {
        (0..count)
            .map(|i| {
                let o = pollster::block_on(verify_rdfc_proof(doc, i, &resolver, &expected, &loader));
                o.verified()
            })
            .collect()
    };
    for (file, count) in [
        ("signedProofSet1.json", 1),
        ("signedProofSet2.json", 2),
        ("signedProofChain1.json", 3),
        ("signedProofChain2.json", 4),
    ] {
        let doc = json(&format!("proof-set-chain/{file}"));
        assert_eq!(verify_all(&doc, count), vec![true; count], "{file}");

        // The generic entry point dispatches to the RDFC verifier (which,
        // with the shared loader, does not know the examples context).
        let o = pollster::block_on(verify_proof(&doc, 0, &resolver, &expected));
        assert!(
            o.failures.iter().any(|f| f.detail.contains("JSON-LD context")),
            "{file}: {:?}",
            o.failures
        );

        // Breaking the first proof breaks every proof chained to it.
        let mut tampered = doc.clone();
        match tampered.get_mut("proof") {
            Some(Value::Array(items)) => items[0]["created"] = Value::String("2023-02-24T23:36:39Z".into()),
            Some(one) => one["created"] = Value::String("2023-02-24T23:36:39Z".into()),
            None => unreachable!(),
        }
        let verified = verify_all(&tampered, count);
        assert!(!verified[0], "{file}");
        if count >= 3 {
            assert!(verified[1], "{file}: the independent proof still verifies");
            assert!(!verified[2], "{file}: the chained proof fails with the proof it names");
        }
    }
}
