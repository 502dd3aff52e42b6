//! The official did:key and did:jwk test vectors (copied into
//! `tests/vectors/`, see its README for their source).
//!
//! The did:key vectors use the legacy 2018/2019 key types and JsonWebKey2020,
//! while Xinlian writes Multikey. So documents are compared by what they
//! mean: which relationship references which method id, and the decoded
//! public key of every method.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use xinlian_did_core::method::key::{DidKeyOptions, PublicKeyFormat};
use xinlian_did_core::method::{self, StatelessResolver};
use xinlian_did_core::{
    Dereferenced, Did, DidUrl, Document, Error, ErrorKind, Jwk, KeyType, PublicKey, Relationship, ResolutionOptions,
    Resolver, SecretKey,
};

fn read_vectors(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A did:key vector: the DID, the whole entry (key material) and the
/// expected document.
struct KeyVector {
    did: String,
    entry: Value,
    document: Value,
}

fn did_key_vectors(file: &str) -> Vec<KeyVector> {
    let all = read_vectors(&format!("did-method-key/{file}"));
    let all = all.as_object().unwrap();
    if let Some(Value::Object(documents)) = all.get("didDocument") {
        // x25519.json: {"didDocument": {<did>: <document>}}
        return documents
            .iter()
            .map(|(did, doc)| KeyVector {
                did: did.clone(),
                entry: Value::Null,
                document: doc.clone(),
            })
            .collect();
    }
    all.iter()
        .map(|(did, entry)| KeyVector {
            did: did.clone(),
            entry: entry.clone(),
            document: entry["didDocument"].clone(),
        })
        .collect()
}

/// Method id → (key type, raw public key).
type Methods = BTreeMap<String, (KeyType, Vec<u8>)>;
/// Relationship → method ids it references or embeds, in order.
type Relationships = BTreeMap<&'static str, Vec<String>>;

/// What a document says, independent of how its key types are written.
fn meaning(doc: &Document) -> (Methods, Relationships) {
    let mut methods = Methods::new();
    for vm in doc.all_verification_methods() {
        let id = doc.absolute_id(&vm.id).unwrap().to_string();
        let key = vm
            .public_key()
            .unwrap_or_else(|e| panic!("{}: method {id} does not decode: {e}", doc.id));
        assert!(
            methods.insert(id.clone(), (key.key_type(), key.to_bytes())).is_none(),
            "duplicate {id}"
        );
    }
    let mut relationships = Relationships::new();
    for rel in Relationship::ALL {
        let ids: Vec<String> = doc
            .relationship(rel)
            .iter()
            .map(|entry| doc.absolute_id(entry.id()).unwrap().to_string())
            .collect();
        for id in &ids {
            assert!(methods.contains_key(id), "{} references missing {id}", rel.as_str());
        }
        if !ids.is_empty() {
            relationships.insert(rel.as_str(), ids);
        }
    }
    (methods, relationships)
}

fn resolve(did: &Did, resolver: &StatelessResolver) -> xinlian_did_core::Result<Document> {
    pollster::block_on(resolver.resolve(did, &ResolutionOptions::default())).map(|r| r.document)
}

/// Resolves the vector's DID (Multikey and JsonWebKey formats) and checks it
/// means what the vector's document means.
fn check_resolves_like_vector(v: &KeyVector) -> Document {
    let did = Did::parse(&v.did).unwrap();
    let expected = Document::from_value(v.document.clone()).unwrap_or_else(|e| panic!("{}: {e}", v.did));
    let expected_meaning = meaning(&expected);
    assert!(!expected_meaning.0.is_empty(), "{}: vector has no methods", v.did);
    let mut ours = None;
    for format in [PublicKeyFormat::Multikey, PublicKeyFormat::JsonWebKey] {
        let resolver = StatelessResolver {
            did_key: DidKeyOptions {
                public_key_format: format,
                ..DidKeyOptions::default()
            },
        };
        let doc = resolve(&did, &resolver).unwrap_or_else(|e| panic!("{}: {e}", v.did));
        assert_eq!(doc.id, did);
        assert_eq!(meaning(&doc), expected_meaning, "{} ({format:?})", v.did);
        // What we write parses back to the same document.
        assert_eq!(Document::from_value(doc.to_value()).unwrap(), doc);
        ours.get_or_insert(doc);
    }
    ours.unwrap()
}

fn hex32(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn base58(s: &str) -> Vec<u8> {
    multibase::Base::Base58Btc.decode(s).unwrap()
}

fn private_jwk(value: &Value) -> Jwk {
    serde_json::from_value(value.clone()).unwrap()
}

fn assert_unsupported<T: std::fmt::Debug>(result: xinlian_did_core::Result<T>, what: &str) {
    match result {
        Err(e @ Error::UnsupportedKeyType { .. }) => assert_eq!(e.kind(), ErrorKind::UnsupportedPublicKeyType),
        other => panic!("{what}: expected UnsupportedKeyType, got {other:?}"),
    }
}

#[test]
fn did_key_ed25519_vectors_resolve_and_derive_from_seed() {
    let vectors = did_key_vectors("ed25519-x25519.json");
    assert_eq!(vectors.len(), 5);
    for v in &vectors {
        let doc = check_resolves_like_vector(v);
        // One Ed25519 signing key plus the derived X25519 key agreement key.
        let (methods, rels) = meaning(&doc);
        let types: Vec<KeyType> = methods.values().map(|(t, _)| *t).collect();
        assert_eq!(types.len(), 2);
        assert!(types.contains(&KeyType::Ed25519) && types.contains(&KeyType::X25519));
        assert_eq!(rels.len(), 5);

        let seed = hex32(v.entry["seed"].as_str().unwrap());
        let secret = SecretKey::from_bytes(KeyType::Ed25519, &seed).unwrap();
        assert_eq!(method::key::did_for(&secret.public_key()).as_str(), v.did);

        // The key pairs listed beside the document agree with the seed.
        let pair = &v.entry["verificationKeyPair"];
        let agreement = &v.entry["keyAgreementKeyPair"];
        let x25519 = secret.public_key().to_x25519().unwrap();
        if let Some(b58) = pair["publicKeyBase58"].as_str() {
            assert_eq!(base58(b58), secret.public_key().to_bytes());
            assert_eq!(
                base58(agreement["publicKeyBase58"].as_str().unwrap()),
                x25519.to_bytes()
            );
        } else {
            let jwk = private_jwk(&pair["privateKeyJwk"]);
            let from_jwk = SecretKey::from_jwk(&jwk).unwrap();
            assert_eq!(from_jwk.to_bytes().as_slice(), &seed[..]);
            let agreement_jwk = private_jwk(&agreement["publicKeyJwk"]);
            assert_eq!(PublicKey::from_jwk(&agreement_jwk).unwrap(), x25519);
        }
        assert!(agreement["id"].as_str().unwrap().ends_with(&x25519.to_multikey()));
    }
}

#[test]
fn did_key_x25519_vectors_are_key_agreement_only() {
    let vectors = did_key_vectors("x25519.json");
    assert_eq!(vectors.len(), 4);
    for v in &vectors {
        let doc = check_resolves_like_vector(v);
        let (methods, rels) = meaning(&doc);
        assert_eq!(methods.len(), 1);
        assert_eq!(rels.keys().copied().collect::<Vec<_>>(), ["keyAgreement"]);
        let did = Did::parse(&v.did).unwrap();
        assert_eq!(method::key::public_key(&did).unwrap().key_type(), KeyType::X25519);
    }
}

#[test]
fn did_key_nist_vectors_resolve_and_reject_p521() {
    let vectors = did_key_vectors("nist-curves.json");
    assert_eq!(vectors.len(), 7);
    let (mut p256, mut p384, mut p521) = (0, 0, 0);
    for v in &vectors {
        let did = Did::parse(&v.did).unwrap();
        let pair = &v.entry["verificationMethod"];
        if pair["publicKeyJwk"]["crv"] == "P-521" {
            p521 += 1;
            assert_unsupported(resolve(&did, &StatelessResolver::new()), &v.did);
            assert_unsupported(method::key::public_key(&did), &v.did);
            assert_unsupported(SecretKey::from_jwk(&private_jwk(&pair["privateKeyJwk"])), &v.did);
            continue;
        }
        let doc = check_resolves_like_vector(v);
        let secret = if let Some(jwk) = pair.get("privateKeyJwk") {
            SecretKey::from_jwk(&private_jwk(jwk)).unwrap()
        } else {
            // The P256Key2021 entry: raw scalar in base58.
            let raw = base58(pair["privateKeyBase58"].as_str().unwrap());
            SecretKey::from_bytes(KeyType::P256, &raw).unwrap()
        };
        assert_eq!(method::key::did_for(&secret.public_key()).as_str(), v.did);
        match secret.key_type() {
            KeyType::P256 => p256 += 1,
            KeyType::P384 => p384 += 1,
            other => panic!("{}: unexpected {other}", v.did),
        }
        // ECDSA keys sign and agree with one key: all five relationships.
        let (methods, rels) = meaning(&doc);
        assert_eq!((methods.len(), rels.len()), (1, 5), "{}", v.did);
        // And the key signs what the resolved document verifies.
        let vm = doc.methods_for(Relationship::AssertionMethod)[0];
        vm.public_key()
            .unwrap()
            .verify(b"vector", &secret.sign(b"vector"))
            .unwrap();
    }
    assert_eq!((p256, p384, p521), (3, 2, 2));
}

#[test]
fn did_key_secp256k1_vectors_resolve_and_derive_from_seed() {
    let vectors = did_key_vectors("secp256k1.json");
    assert_eq!(vectors.len(), 6);
    for v in &vectors {
        check_resolves_like_vector(v);
        let pair = &v.entry["verificationKeyPair"];
        let secret = match v.entry.get("seed") {
            Some(seed) => {
                let seed = hex32(seed.as_str().unwrap());
                assert_eq!(base58(pair["privateKeyBase58"].as_str().unwrap()), seed);
                SecretKey::from_bytes(KeyType::Secp256k1, &seed).unwrap()
            }
            None => SecretKey::from_jwk(&private_jwk(&pair["privateKeyJwk"])).unwrap(),
        };
        assert_eq!(secret.key_type(), KeyType::Secp256k1);
        assert_eq!(method::key::did_for(&secret.public_key()).as_str(), v.did);
    }
}

#[test]
fn did_key_bls12381_and_rsa_vectors_are_unsupported() {
    let mut count = 0;
    for file in ["bls12381.json", "rsa.json"] {
        for v in did_key_vectors(file) {
            let did = Did::parse(&v.did).unwrap();
            assert_unsupported(resolve(&did, &StatelessResolver::new()), &v.did);
            assert_unsupported(
                StatelessResolver::new().resolve_sync(&did, &ResolutionOptions::default()),
                &v.did,
            );
            count += 1;
        }
    }
    assert_eq!(count, 8);
}

#[test]
fn every_vector_document_parses_validates_and_round_trips() {
    let mut documents = 0;
    let mut decoded = 0;
    for file in [
        "ed25519-x25519.json",
        "x25519.json",
        "nist-curves.json",
        "secp256k1.json",
        "bls12381.json",
        "rsa.json",
    ] {
        for v in did_key_vectors(file) {
            let text = serde_json::to_string_pretty(&v.document).unwrap();
            let doc = Document::from_json(&text).unwrap_or_else(|e| panic!("{file} {}: {e}", v.did));
            documents += 1;
            assert_eq!(doc.id.as_str(), v.did);
            // Nothing is lost on the way back to JSON (members of the
            // document itself are written in DID Core order).
            assert_eq!(doc.to_value(), v.document, "{}", v.did);
            let did = Did::parse(&v.did).unwrap();
            let did_key = method::key::public_key(&did);
            let methods: Vec<_> = doc.all_verification_methods().collect();
            assert!(!methods.is_empty());
            for (i, vm) in methods.iter().enumerate() {
                match (&did_key, vm.public_key()) {
                    (Ok(expected), Ok(key)) => {
                        decoded += 1;
                        // The first method is the key the DID encodes; a
                        // second one is the X25519 key derived from it.
                        if i == 0 {
                            assert_eq!(&key, expected, "{}", vm.id);
                        } else {
                            assert_eq!(key, expected.to_x25519().unwrap(), "{}", vm.id);
                        }
                    }
                    (Err(Error::UnsupportedKeyType { .. }), got) => {
                        assert_unsupported(got, &vm.id);
                    }
                    (expected, got) => panic!("{}: did:key gave {expected:?}, method gave {got:?}", vm.id),
                }
            }
        }
    }
    assert_eq!(documents, 5 + 4 + 7 + 6 + 6 + 2);
    // Every method of every supported vector: 5 * 2 + 4 + 5 + 6.
    assert_eq!(decoded, 25);
}

fn did_jwk_vectors() -> Vec<Value> {
    read_vectors("did-jwk/did-jwk-spec-examples.json")["vectors"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn did_jwk_examples_resolve_to_the_expected_documents() {
    let vectors = did_jwk_vectors();
    assert_eq!(vectors.len(), 2);
    for v in &vectors {
        let did = Did::parse(v["did"].as_str().unwrap()).unwrap();
        assert_eq!(did.method_specific_id(), v["base64url_value"].as_str().unwrap());
        let doc = resolve(&did, &StatelessResolver::new()).unwrap();
        assert_eq!(doc.to_value(), v["expected_did_document"], "{}", v["name"]);
        assert_eq!(
            Document::from_value(v["expected_did_document"].clone()).unwrap(),
            doc,
            "{}",
            v["name"]
        );

        // DID → JWK → DID is stable, whether the JWK comes from the DID or
        // from the decoded JSON text.
        let jwk = method::jwk::jwk(&did).unwrap();
        assert_eq!(method::jwk::did_for_jwk(&jwk), did);
        let decoded = Jwk::from_json(v["decoded_jwk_json"].as_str().unwrap()).unwrap();
        assert_eq!(decoded, jwk);
        assert_eq!(method::jwk::did_for_jwk(&decoded), did);
        assert_eq!(serde_json::to_string(&decoded).unwrap(), v["decoded_jwk_json"]);

        // The DID URL #0 dereferences to the one method.
        let url = DidUrl::parse(v["did_url"].as_str().unwrap()).unwrap();
        match doc.dereference(&url).unwrap() {
            Dereferenced::VerificationMethod(vm) => {
                assert_eq!(vm.id, url.as_str());
                assert_eq!(vm.public_key().unwrap(), PublicKey::from_jwk(&jwk).unwrap());
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    // The X25519 example (use=enc) is for key agreement only.
    let x25519 = Did::parse(vectors[1]["did"].as_str().unwrap()).unwrap();
    let doc = resolve(&x25519, &StatelessResolver::new()).unwrap();
    let (_, rels) = meaning(&doc);
    assert_eq!(rels.keys().copied().collect::<Vec<_>>(), ["keyAgreement"]);
}

#[test]
fn did_jwk_upstream_typo_fails_validation_at_authentication_0() {
    let vectors = did_jwk_vectors();
    let printed = vectors[0]["expected_did_document_as_printed_upstream"].clone();
    assert!(printed.is_object());
    let text = serde_json::to_string(&printed).unwrap();
    for result in [Document::from_value(printed), Document::from_json(&text)] {
        match result {
            Err(e @ Error::InvalidDocument { .. }) => {
                assert_eq!(e.kind(), ErrorKind::InvalidDidDocument);
                let Error::InvalidDocument { path, .. } = &e else {
                    unreachable!()
                };
                assert_eq!(path, "/authentication/0", "{e}");
                assert!(e.to_string().contains("/authentication/0"));
            }
            other => panic!("the typo document must be rejected: {other:?}"),
        }
    }
}

fn read_hex(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(file);
    hex::decode(std::fs::read_to_string(&path).unwrap().trim()).unwrap()
}

/// The W3C Data Integrity vectors sign `combinedHash` (proof hash followed
/// by document hash). Ed25519 and RFC 6979 ECDSA are deterministic, so our
/// signature must equal the vector's byte for byte, and the vector's must
/// verify (the P-256 rdfc one is high-S).
#[test]
fn w3c_data_integrity_signatures_match_byte_for_byte() {
    let cases = [
        (
            "w3c-vc-di-eddsa/keyPair.json",
            "w3c-vc-di-eddsa/eddsa-rdfc-2022",
            "DataInt",
        ),
        ("w3c-vc-di-eddsa/keyPair.json", "w3c-vc-di-eddsa/eddsa-jcs-2022", "JCS"),
        (
            "w3c-vc-di-eddsa/keyPair.json",
            "w3c-vc-di-eddsa/Ed25519Signature2020",
            "EdSig",
        ),
        (
            "w3c-vc-di-ecdsa/p256KeyPair.json",
            "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256",
            "ECDSAP256",
        ),
        (
            "w3c-vc-di-ecdsa/p256KeyPair.json",
            "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p256",
            "JCSECDSAP256",
        ),
        (
            "w3c-vc-di-ecdsa/p384KeyPair.json",
            "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384",
            "ECDSAP384",
        ),
        (
            "w3c-vc-di-ecdsa/p384KeyPair.json",
            "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p384",
            "JCSECDSAP384",
        ),
    ];
    let mut high_s = 0;
    for (pair, folder, suffix) in cases {
        let pair = read_vectors(pair);
        let secret_multikey = pair
            .get("secretKeyMultibase")
            .or_else(|| pair.get("privateKeyMultibase"))
            .and_then(Value::as_str)
            .unwrap();
        let secret = SecretKey::from_multikey(secret_multikey).unwrap();
        let public = PublicKey::from_multikey(pair["publicKeyMultibase"].as_str().unwrap()).unwrap();
        assert_eq!(secret.public_key(), public, "{folder}");

        let data = read_hex(&format!("{folder}/combinedHash{suffix}.txt"));
        let expected = read_hex(&format!("{folder}/sigHex{suffix}.txt"));
        assert_eq!(expected.len(), public.key_type().signature_len(), "{folder}");
        public
            .verify(&data, &expected)
            .unwrap_or_else(|e| panic!("{folder}: {e}"));
        assert_eq!(secret.sign(&data), expected, "{folder}: signature differs");
        assert_eq!(
            public.verify(&data[1..], &expected),
            Err(Error::InvalidSignature),
            "{folder}"
        );

        // Count high-S signatures (s > n/2): their low-S twin also verifies.
        if public.key_type() == KeyType::P256 {
            let sig = p256::ecdsa::Signature::from_slice(&expected).unwrap();
            if sig.normalize_s().is_some() {
                high_s += 1;
            }
        }
    }
    assert_eq!(high_s, 1, "the P-256 rdfc vector is high-S");
}
