use serde_json::{Value, json};

use super::*;
use crate::dereference::Dereferenced;
use crate::error::ErrorKind;
use crate::key::{KeyType, PublicKey, SecretKey};

const DID: &str = "did:example:123";

fn key(t: KeyType, seed: u8) -> PublicKey {
    SecretKey::from_bytes(t, &[seed; 32]).unwrap().public_key()
}

fn ed25519() -> PublicKey {
    key(KeyType::Ed25519, 1)
}

fn p256() -> PublicKey {
    key(KeyType::P256, 2)
}

fn multikey_method(id: &str, key: &PublicKey) -> Value {
    json!({"id": id, "type": "Multikey", "controller": DID, "publicKeyMultibase": key.to_multikey()})
}

/// A document that uses every part of the data model, with properties we do
/// not model at every level.
fn rich() -> Value {
    let x25519 = ed25519().to_x25519().unwrap();
    let mut jwk = serde_json::to_value(p256().to_jwk()).unwrap();
    jwk["kid"] = json!("key-2");
    jwk["alg"] = json!("ES256");
    let mut embedded = multikey_method("#key-3", &key(KeyType::Secp256k1, 3));
    embedded["revoked"] = json!(false);
    json!({
        "@context": [
            DID_CONTEXT_V1,
            MULTIKEY_CONTEXT_V1,
            {"@vocab": "https://example.com/vocab#"}
        ],
        "id": DID,
        "controller": "did:example:controller",
        "alsoKnownAs": ["https://university.example/alice", "did:web:alice.example"],
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": ed25519().to_multikey(),
                "expires": "2030-01-01T00:00:00Z",
                "custom": {"nested": [1, 2, {"deep": null}]}
            },
            {
                "id": "did:example:123#key-2",
                "type": "JsonWebKey",
                "controller": "did:example:controller",
                "publicKeyJwk": jwk
            }
        ],
        "authentication": ["#key-1", embedded],
        "assertionMethod": ["did:example:123#key-2", "did:other:456#key-1"],
        "keyAgreement": [multikey_method("#key-4", &x25519)],
        "capabilityInvocation": ["#key-1"],
        "capabilityDelegation": ["did:example:123#key-1"],
        "service": [
            {
                "id": "#files",
                "type": "LinkedDomains",
                "serviceEndpoint": "https://files.example/base/",
                "note": "kept"
            },
            {
                "id": "did:example:123#hub",
                "type": ["DIDCommMessaging", "Other"],
                "serviceEndpoint": {"uri": "https://hub.example/inbox", "accept": ["didcomm/v2"]}
            },
            {
                "id": "#mirrors",
                "type": "Mirrors",
                "serviceEndpoint": ["https://a.example/", {"url": "https://b.example/x"}, {"other": 1}]
            }
        ],
        "unknownTop": {"kept": [true, 1.5, "x"]},
        "@language": "en"
    })
}

/// Parses from text and from a value; both must agree (error messages may
/// differ: text errors also name a line and column).
fn parse(value: Value) -> Result<Document> {
    let text = serde_json::to_string(&value).unwrap();
    let from_text = Document::from_json(&text);
    let from_value = Document::from_value(value);
    match (&from_text, &from_value) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(Error::InvalidDocument { path: a, .. }), Err(Error::InvalidDocument { path: b, .. })) => {
            assert_eq!(a, b, "from_json and from_value name different paths")
        }
        _ => panic!("from_json and from_value disagree: {from_text:?} / {from_value:?}"),
    }
    from_text
}

fn url(s: &str) -> DidUrl {
    DidUrl::parse(s).unwrap()
}

#[test]
fn rich_document_round_trips_unchanged() {
    let value = rich();
    let doc = parse(value.clone()).unwrap();
    assert_eq!(doc.to_value(), value);
    assert_eq!(Document::from_json(&serde_json::to_string(&doc).unwrap()).unwrap(), doc);

    assert_eq!(
        doc.controller,
        Some(OneOrMany::One(Did::parse("did:example:controller").unwrap()))
    );
    assert_eq!(doc.also_known_as.len(), 2);
    assert_eq!(doc.extra["unknownTop"], json!({"kept": [true, 1.5, "x"]}));
    assert_eq!(doc.extra["@language"], "en");
    assert_eq!(doc.verification_method[0].extra["expires"], "2030-01-01T00:00:00Z");
    assert_eq!(
        doc.verification_method[1].public_key_jwk.as_ref().unwrap().extra["kid"],
        "key-2"
    );
    assert_eq!(doc.service[0].extra["note"], "kept");
    match &doc.authentication[1] {
        VerificationReference::Embedded(vm) => assert_eq!(vm.extra["revoked"], false),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rich_document_accessors() {
    let doc = parse(rich()).unwrap();
    assert_eq!(doc.all_verification_methods().count(), 4);
    // Relative and absolute ids find the same listed or embedded method.
    assert_eq!(
        doc.verification_method("#key-1").unwrap().public_key().unwrap(),
        ed25519()
    );
    assert_eq!(
        doc.verification_method("did:example:123#key-1"),
        doc.verification_method("#key-1")
    );
    assert_eq!(doc.verification_method("#key-2").unwrap().public_key().unwrap(), p256());
    assert_eq!(
        doc.verification_method("#key-3").unwrap().public_key().unwrap(),
        key(KeyType::Secp256k1, 3)
    );
    assert!(doc.verification_method("#key-9").is_none());
    assert!(doc.verification_method("not a url").is_none());

    // authorized_method checks the relationship, not just existence.
    assert!(doc.authorized_method("#key-2", Relationship::AssertionMethod).is_some());
    assert!(doc.authorized_method("#key-1", Relationship::AssertionMethod).is_none());
    assert!(doc.authorized_method("#key-3", Relationship::Authentication).is_some());
    assert!(
        doc.authorized_method("#key-3", Relationship::CapabilityInvocation)
            .is_none()
    );
    assert!(
        doc.authorized_method("#key-1", Relationship::CapabilityDelegation)
            .is_some()
    );
    assert_eq!(
        doc.authorized_method("#key-4", Relationship::KeyAgreement)
            .unwrap()
            .public_key()
            .unwrap()
            .key_type(),
        KeyType::X25519
    );

    // methods_for resolves references within the document and skips others.
    let ids = |rel| -> Vec<String> { doc.methods_for(rel).iter().map(|vm| vm.id.clone()).collect() };
    assert_eq!(ids(Relationship::Authentication), ["#key-1", "#key-3"]);
    assert_eq!(ids(Relationship::AssertionMethod), ["did:example:123#key-2"]);
    assert_eq!(ids(Relationship::KeyAgreement), ["#key-4"]);

    let hub = doc.service("#hub").unwrap();
    assert!(hub.has_type("Other") && hub.has_type("DIDCommMessaging") && !hub.has_type("LinkedDomains"));
    assert_eq!(hub.endpoint_uris(), ["https://hub.example/inbox"]);
    assert_eq!(
        doc.service("did:example:123#mirrors").unwrap().endpoint_uris(),
        ["https://a.example/", "https://b.example/x"]
    );
    assert!(doc.service("#key-1").is_none());
}

#[test]
fn controller_one_or_many_round_trips() {
    for controller in [
        json!("did:example:a"),
        json!(["did:example:a", "did:example:b"]),
        json!([]),
    ] {
        let value = json!({"@context": DID_CONTEXT_V1, "id": DID, "controller": controller});
        let doc = parse(value.clone()).unwrap();
        assert_eq!(doc.to_value(), value);
    }
    let doc = parse(json!({"id": DID, "controller": ["did:example:a", "did:example:b"]})).unwrap();
    let controllers: Vec<&str> = doc.controller.as_ref().unwrap().iter().map(Did::as_str).collect();
    assert_eq!(controllers, ["did:example:a", "did:example:b"]);
    assert!(
        doc.controller
            .as_ref()
            .unwrap()
            .contains(&Did::parse("did:example:b").unwrap())
    );
}

#[test]
fn built_document_validates_and_round_trips() {
    let did = Did::parse(DID).unwrap();
    let mut doc = Document::new(did.clone());
    doc.add_context(MULTIKEY_CONTEXT_V1);
    doc.add_context(MULTIKEY_CONTEXT_V1);
    doc.add_context(JWK_CONTEXT_V1);
    assert_eq!(
        doc.context,
        Some(json!([DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1, JWK_CONTEXT_V1]))
    );
    doc.add_verification_method(
        VerificationMethod::multikey(&did.with_fragment("a").unwrap(), &did, &ed25519()),
        &[Relationship::Authentication, Relationship::AssertionMethod],
    );
    doc.add_verification_method(
        VerificationMethod::json_web_key(&did.with_fragment("b").unwrap(), &did, &p256()),
        &[Relationship::CapabilityInvocation],
    );
    doc.service
        .push(Service::new("#s", "LinkedDomains", "https://example.com/"));
    doc.validate().unwrap();
    assert_eq!(Document::from_value(doc.to_value()).unwrap(), doc);
    assert_eq!(
        doc.methods_for(Relationship::AssertionMethod)[0].public_key().unwrap(),
        ed25519()
    );

    // add_context turns a single context into a list.
    let mut single = Document::new(did);
    single.context = Some(json!(DID_CONTEXT_V1));
    single.add_context(DID_CONTEXT_V1);
    assert_eq!(single.context, Some(json!(DID_CONTEXT_V1)));
    single.add_context(JWK_CONTEXT_V1);
    assert_eq!(single.context, Some(json!([DID_CONTEXT_V1, JWK_CONTEXT_V1])));
    single.context = None;
    single.add_context(JWK_CONTEXT_V1);
    assert_eq!(single.context, Some(json!([DID_CONTEXT_V1, JWK_CONTEXT_V1])));
}

/// Applies `edit` to the rich document and expects an error at `path`.
fn rejects(edit: impl FnOnce(&mut Value), path: &str) -> String {
    let mut value = rich();
    edit(&mut value);
    match parse(value) {
        Err(Error::InvalidDocument { path: got, reason }) => {
            assert_eq!(got, path, "wrong path; reason: {reason}");
            reason
        }
        other => panic!("expected an error at {path}, got {other:?}"),
    }
}

#[test]
fn duplicate_ids_are_rejected() {
    // Relative and absolute spellings of one id.
    let reason = rejects(
        |v| v["verificationMethod"][1]["id"] = json!("did:example:123#key-1"),
        "/verificationMethod/1/id",
    );
    assert!(reason.contains("duplicate"), "{reason}");
    // A listed method and an embedded one.
    rejects(
        |v| v["authentication"][1]["id"] = json!("#key-2"),
        "/authentication/1/id",
    );
    // Two services, and a service that reuses a method's id.
    rejects(|v| v["service"][2]["id"] = json!("#hub"), "/service/2/id");
    rejects(|v| v["service"][0]["id"] = json!("#key-1"), "/service/0/id");
}

#[test]
fn dangling_and_wrong_references_are_rejected() {
    let reason = rejects(
        |v| v["capabilityInvocation"][0] = json!("#missing"),
        "/capabilityInvocation/0",
    );
    assert!(reason.contains("did:example:123#missing"), "{reason}");
    let reason = rejects(|v| v["assertionMethod"][0] = json!("#files"), "/assertionMethod/0");
    assert!(reason.contains("service"), "{reason}");
    rejects(|v| v["keyAgreement"] = json!(["#key 4"]), "/keyAgreement/0");
    rejects(|v| v["authentication"][0] = json!("key-1"), "/authentication/0");
    // References to other DIDs cannot be checked here and are allowed.
    parse(json!({"id": DID, "authentication": ["did:other:1#k"]})).unwrap();
}

#[test]
fn bad_ids_are_rejected() {
    rejects(
        |v| v["verificationMethod"][0]["id"] = json!("key-1"),
        "/verificationMethod/0/id",
    );
    rejects(
        |v| v["verificationMethod"][0]["id"] = json!("#a b"),
        "/verificationMethod/0/id",
    );
    rejects(
        |v| v["verificationMethod"][0]["id"] = json!("#a%zz"),
        "/verificationMethod/0/id",
    );
    rejects(
        |v| v["keyAgreement"][0]["id"] = json!("did:Example:1#x"),
        "/keyAgreement/0/id",
    );
    rejects(|v| v["service"][1]["id"] = json!("not a uri"), "/service/1/id");
    rejects(|v| v["id"] = json!("did:Example:123"), "/id");
    rejects(|v| v["id"] = json!("did:example:123#frag"), "/id");
    rejects(|v| v["id"] = json!(7), "/id");
    rejects(
        |v| v["verificationMethod"][1]["controller"] = json!("https://example.com"),
        "/verificationMethod/1/controller",
    );
    rejects(|v| v["controller"] = json!("nope"), "/controller");
    rejects(|v| v["alsoKnownAs"][1] = json!("no scheme"), "/alsoKnownAs/1");
    rejects(|v| v["alsoKnownAs"] = json!("https://one.example"), "/alsoKnownAs");
    // A service id may be any absolute URI.
    let mut value = rich();
    value["service"][0]["id"] = json!("https://example.com/services/files");
    parse(value).unwrap();
}

#[test]
fn errors_inside_either_or_values_keep_their_path() {
    // Inside an embedded method, a list of controllers, a list of types.
    let reason = rejects(
        |v| v["authentication"][1]["controller"] = json!("did:Bad:1"),
        "/authentication/1/controller",
    );
    assert!(reason.contains("invalid DID at byte 4"), "{reason}");
    rejects(
        |v| {
            v["keyAgreement"][0].as_object_mut().unwrap().remove("type");
        },
        "/keyAgreement/0",
    );
    rejects(|v| v["authentication"][0] = json!(7), "/authentication/0");
    rejects(|v| v["authentication"][0] = json!(["#key-1"]), "/authentication/0");
    rejects(|v| v["controller"] = json!(["did:example:a", "nope"]), "/controller/1");
    rejects(|v| v["controller"] = json!({"id": "did:example:a"}), "/controller");
    rejects(|v| v["service"][1]["type"] = json!(["A", 2]), "/service/1/type/1");
    rejects(|v| v["service"][1]["type"] = json!(null), "/service/1/type");
}

#[test]
fn private_key_material_is_rejected() {
    let secret = SecretKey::from_bytes(KeyType::P256, &[2; 32]).unwrap();
    let private = serde_json::to_value(secret.to_jwk()).unwrap();
    rejects(
        |v| v["verificationMethod"][1]["publicKeyJwk"] = private.clone(),
        "/verificationMethod/1/publicKeyJwk/d",
    );
    for property in [
        "privateKeyMultibase",
        "privateKeyJwk",
        "privateKeyBase58",
        "secretKeyMultibase",
    ] {
        rejects(
            |v| v["verificationMethod"][0][property] = json!("z3u2secret"),
            &format!("/verificationMethod/0/{property}"),
        );
    }
    let reason = rejects(
        |v| v["authentication"][1]["privateKeyMultibase"] = json!("z3u2secret"),
        "/authentication/1/privateKeyMultibase",
    );
    assert!(reason.contains("private"), "{reason}");
}

#[test]
fn key_material_must_fit_the_type() {
    // Both publicKeyJwk and publicKeyMultibase.
    let jwk = serde_json::to_value(ed25519().to_jwk()).unwrap();
    let reason = rejects(
        |v| v["verificationMethod"][0]["publicKeyJwk"] = jwk.clone(),
        "/verificationMethod/0",
    );
    assert!(reason.contains("both"), "{reason}");
    // Ed25519VerificationKey2020 holding a P-256 key.
    let reason = rejects(
        |v| {
            v["verificationMethod"][0]["type"] = json!("Ed25519VerificationKey2020");
            v["verificationMethod"][0]["publicKeyMultibase"] = json!(p256().to_multikey());
        },
        "/verificationMethod/0/publicKeyMultibase",
    );
    assert!(reason.contains("P-256") && reason.contains("Ed25519"), "{reason}");
    // ... or a key type Xinlian does not know (BLS12-381 G2, codec 0xeb).
    let bls = multibase::encode(multibase::Base::Base58Btc, [[0xeb, 0x01].as_slice(), &[7; 96]].concat());
    rejects(
        |v| {
            v["verificationMethod"][0]["type"] = json!("Ed25519VerificationKey2020");
            v["verificationMethod"][0]["publicKeyMultibase"] = json!(bls.clone());
        },
        "/verificationMethod/0/publicKeyMultibase",
    );
    // X25519KeyAgreementKey2020 holding an Ed25519 key.
    rejects(
        |v| {
            v["keyAgreement"][0]["type"] = json!("X25519KeyAgreementKey2020");
            v["keyAgreement"][0]["publicKeyMultibase"] = json!(ed25519().to_multikey());
        },
        "/keyAgreement/0/publicKeyMultibase",
    );
    // Malformed material.
    rejects(
        |v| v["verificationMethod"][0]["publicKeyMultibase"] = json!("zzzz"),
        "/verificationMethod/0/publicKeyMultibase",
    );
    rejects(
        |v| v["verificationMethod"][0]["publicKeyMultibase"] = json!("uAAAA"),
        "/verificationMethod/0/publicKeyMultibase",
    );
    rejects(
        |v| v["verificationMethod"][1]["publicKeyJwk"]["x"] = json!("AAAA"),
        "/verificationMethod/1/publicKeyJwk",
    );
    rejects(
        |v| v["verificationMethod"][1]["publicKeyJwk"]["x"] = json!(12),
        "/verificationMethod/1/publicKeyJwk",
    );
    // A known type with no key at all.
    rejects(
        |v| {
            v["verificationMethod"][0]
                .as_object_mut()
                .unwrap()
                .remove("publicKeyMultibase");
        },
        "/verificationMethod/0",
    );
    rejects(
        |v| v["verificationMethod"][0]["type"] = json!(""),
        "/verificationMethod/0/type",
    );

    // Well-formed keys of types Xinlian cannot use still make a valid
    // document: an RSA JWK, a BLS Multikey, an unknown method type.
    let mut value = rich();
    value["verificationMethod"][1]["publicKeyJwk"] = json!({"kty": "RSA", "n": "sbX8", "e": "AQAB"});
    value["verificationMethod"][0]["publicKeyMultibase"] = json!(bls);
    value["keyAgreement"][0]["type"] = json!("SomeFutureKey2030");
    let doc = parse(value).unwrap();
    assert!(matches!(
        doc.verification_method[1].public_key(),
        Err(Error::UnsupportedKeyType { .. })
    ));
    assert!(matches!(
        doc.verification_method[0].public_key(),
        Err(Error::UnsupportedKeyType { .. })
    ));
}

#[test]
fn legacy_method_types_decode() {
    let b58 = |k: &PublicKey| multibase::Base::Base58Btc.encode(k.to_bytes());
    let x25519 = ed25519().to_x25519().unwrap();
    let secp = key(KeyType::Secp256k1, 5);
    let cases = [
        (
            json!({"type": "Ed25519VerificationKey2018", "publicKeyBase58": b58(&ed25519())}),
            ed25519(),
        ),
        (
            json!({"type": "Ed25519VerificationKey2020", "publicKeyMultibase": ed25519().to_multikey()}),
            ed25519(),
        ),
        (
            json!({"type": "X25519KeyAgreementKey2019", "publicKeyBase58": b58(&x25519)}),
            x25519.clone(),
        ),
        (
            json!({"type": "X25519KeyAgreementKey2020", "publicKeyMultibase": x25519.to_multikey()}),
            x25519,
        ),
        (
            json!({"type": "JsonWebKey2020", "publicKeyJwk": p256().to_jwk()}),
            p256(),
        ),
        (
            json!({"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyBase58": b58(&secp)}),
            secp.clone(),
        ),
        (
            json!({"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyJwk": secp.to_jwk()}),
            secp.clone(),
        ),
        (
            json!({"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyHex": hex::encode(secp.to_uncompressed_bytes().unwrap())}),
            secp.clone(),
        ),
        (
            json!({"type": "EcdsaSecp256k1RecoveryMethod2020", "publicKeyHex": format!("0x{}", hex::encode(secp.to_bytes()))}),
            secp,
        ),
        (json!({"type": "P256Key2021", "publicKeyBase58": b58(&p256())}), p256()),
    ];
    for (mut vm, expected) in cases {
        vm["id"] = json!("#k");
        vm["controller"] = json!(DID);
        let doc = parse(json!({"id": DID, "verificationMethod": [vm.clone()]})).unwrap_or_else(|e| panic!("{vm}: {e}"));
        assert_eq!(doc.verification_method[0].public_key().unwrap(), expected, "{vm}");
    }
    // A recovery method naming an account (did:ethr) is valid but has no key.
    let account = json!({
        "id": "#controller", "type": "EcdsaSecp256k1RecoveryMethod2020", "controller": DID,
        "blockchainAccountId": "eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"
    });
    let doc = parse(json!({"id": DID, "verificationMethod": [account]})).unwrap();
    assert!(matches!(
        doc.verification_method[0].public_key(),
        Err(Error::InvalidKey { .. })
    ));
}

#[test]
fn bad_services_are_rejected() {
    rejects(
        |v| v["service"][0]["serviceEndpoint"] = json!("not a uri"),
        "/service/0/serviceEndpoint",
    );
    rejects(
        |v| v["service"][0]["serviceEndpoint"] = json!(42),
        "/service/0/serviceEndpoint",
    );
    rejects(
        |v| v["service"][0]["serviceEndpoint"] = json!([]),
        "/service/0/serviceEndpoint",
    );
    rejects(
        |v| v["service"][0]["serviceEndpoint"] = json!(null),
        "/service/0/serviceEndpoint",
    );
    rejects(
        |v| v["service"][2]["serviceEndpoint"][1] = json!(1),
        "/service/2/serviceEndpoint/1",
    );
    rejects(
        |v| v["service"][2]["serviceEndpoint"][0] = json!("relative/path"),
        "/service/2/serviceEndpoint/0",
    );
    rejects(|v| v["service"][1]["type"] = json!([]), "/service/1/type");
    rejects(|v| v["service"][1]["type"] = json!(""), "/service/1/type");
    rejects(|v| v["service"][1]["type"] = json!(["A", ""]), "/service/1/type");
    rejects(
        |v| {
            v["service"][0].as_object_mut().unwrap().remove("serviceEndpoint");
        },
        "/service/0",
    );
}

#[test]
fn bad_contexts_are_rejected() {
    rejects(|v| v["@context"] = json!(42), "/@context");
    rejects(|v| v["@context"] = json!([]), "/@context");
    rejects(|v| v["@context"][1] = json!(42), "/@context/1");
    rejects(|v| v["@context"][0] = json!("https://example.com/other"), "/@context/0");
    rejects(
        |v| v["@context"] = json!({"@vocab": "https://example.com/"}),
        "/@context",
    );
    rejects(|v| v["@context"] = json!("https://example.com/other"), "/@context");
    // A lone DID context string, DID Core 1.1, or no context (plain JSON) are fine.
    for context in [
        json!(DID_CONTEXT_V1),
        json!(["https://www.w3.org/ns/did/v1.1", MULTIKEY_CONTEXT_V1]),
    ] {
        let mut value = rich();
        value["@context"] = context;
        parse(value).unwrap();
    }
    let mut value = rich();
    value.as_object_mut().unwrap().remove("@context");
    assert_eq!(parse(value).unwrap().context, None);
}

#[test]
fn malformed_json_names_a_path() {
    for (text, path) in [
        ("", "/"),
        ("[]", "/"),
        ("null", "/"),
        (r#"{"@context": "https://www.w3.org/ns/did/v1"}"#, "/"),
        (r#"{"id": "did:example:123"} trailing"#, "/"),
        (
            r#"{"id": "did:example:123", "verificationMethod": {}}"#,
            "/verificationMethod",
        ),
        (
            r##"{"id": "did:example:123", "verificationMethod": [{"id": "#k"}]}"##,
            "/verificationMethod/0",
        ),
        (r#"{"id": "did:example:123", "service": [{"id": 1}]}"#, "/service/0/id"),
    ] {
        match Document::from_json(text) {
            Err(e @ Error::InvalidDocument { .. }) => {
                assert_eq!(e.kind(), ErrorKind::InvalidDidDocument);
                let Error::InvalidDocument { path: got, .. } = &e else {
                    unreachable!()
                };
                assert_eq!(got, path, "{text}: {e}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn dereferences_fragments_to_methods_and_services() {
    let doc = parse(rich()).unwrap();
    for (fragment, expected_id) in [
        ("key-1", "#key-1"),
        ("key-2", "did:example:123#key-2"),
        ("key-3", "#key-3"),
        ("key-4", "#key-4"),
    ] {
        match doc.dereference(&url(&format!("{DID}#{fragment}"))).unwrap() {
            Dereferenced::VerificationMethod(vm) => assert_eq!(vm.id, expected_id),
            other => panic!("{fragment}: {other:?}"),
        }
    }
    match doc.dereference(&url("did:example:123#hub")).unwrap() {
        Dereferenced::Service(s) => assert!(s.has_type("DIDCommMessaging")),
        other => panic!("{other:?}"),
    }
    // The bare DID and version queries give the document.
    for u in [DID, "did:example:123?versionId=7"] {
        assert_eq!(
            doc.dereference(&url(u)).unwrap(),
            Dereferenced::Document(Box::new(doc.clone())),
            "{u}"
        );
    }
}

#[test]
fn dereferences_service_queries_to_endpoints() {
    let doc = parse(rich()).unwrap();
    let endpoints = |u: &str| match doc.dereference(&url(u)) {
        Ok(Dereferenced::ServiceEndpoints(e)) => e,
        other => panic!("{u}: {other:?}"),
    };
    assert_eq!(
        endpoints("did:example:123?service=files"),
        ["https://files.example/base/"]
    );
    assert_eq!(
        endpoints("did:example:123?service=files&relativeRef=%2Fdocs%2Fa.pdf"),
        ["https://files.example/docs/a.pdf"]
    );
    assert_eq!(
        endpoints("did:example:123?service=files&relativeRef=sub/b.txt%3Fv%3D2"),
        ["https://files.example/base/sub/b.txt?v=2"]
    );
    assert_eq!(
        endpoints("did:example:123?relativeRef=..%2Fup&service=files"),
        ["https://files.example/up"]
    );
    assert_eq!(endpoints("did:example:123?service=hub"), ["https://hub.example/inbox"]);
    assert_eq!(
        endpoints("did:example:123?service=mirrors&relativeRef=%2Fz"),
        ["https://a.example/z", "https://b.example/z"]
    );
}

#[test]
fn dereferencing_what_is_not_there_is_not_found() {
    let mut value = rich();
    value["service"][1]["serviceEndpoint"] = json!({"accept": ["didcomm/v2"]});
    let doc = parse(value).unwrap();
    for u in [
        "did:example:123#missing",
        "did:example:123?service=missing",
        "did:example:123?service=hub",
        "did:example:123/some/path",
        "did:example:456#key-1",
        "did:other:123",
    ] {
        match doc.dereference(&url(u)) {
            Err(e) => assert_eq!(e.kind(), ErrorKind::NotFound, "{u}: {e}"),
            Ok(found) => panic!("{u}: {found:?}"),
        }
    }
}

#[test]
fn dereferences_through_a_resolver() {
    use crate::method::{StatelessResolver, key};
    use crate::resolution::ResolutionOptions;
    let did = key::did_for(&ed25519());
    let resolver = StatelessResolver::new();
    let vm_url = did.with_fragment(did.method_specific_id()).unwrap();
    let result = pollster::block_on(crate::dereference(&resolver, &vm_url, &ResolutionOptions::default())).unwrap();
    match result.content {
        Dereferenced::VerificationMethod(vm) => assert_eq!(vm.public_key().unwrap(), ed25519()),
        other => panic!("{other:?}"),
    }
    let missing = did.with_fragment("nope").unwrap();
    let err = pollster::block_on(crate::dereference(&resolver, &missing, &ResolutionOptions::default())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let other = url("did:example:123#key-1");
    let err = pollster::block_on(crate::dereference(&resolver, &other, &ResolutionOptions::default())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MethodNotSupported);
}

mod props {
    use proptest::prelude::*;

    use super::*;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[#a-z:/.?=%0-9 -]{0,24}".prop_map(Value::String),
            Just(json!(DID)),
            Just(json!("#key-1")),
            Just(json!(DID_CONTEXT_V1)),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let keys = prop_oneof![
                Just("id".to_owned()),
                Just("type".to_owned()),
                Just("controller".to_owned()),
                Just("@context".to_owned()),
                Just("verificationMethod".to_owned()),
                Just("authentication".to_owned()),
                Just("service".to_owned()),
                Just("serviceEndpoint".to_owned()),
                Just("publicKeyMultibase".to_owned()),
                Just("publicKeyJwk".to_owned()),
                "[a-z]{1,6}",
            ];
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((keys, inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    /// Every JSON pointer to a value inside `v`.
    fn pointers(v: &Value, prefix: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let p = format!("{prefix}/{}", json_pointer_escape(k));
                    out.push(p.clone());
                    pointers(child, p, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let p = format!("{prefix}/{i}");
                    out.push(p.clone());
                    pointers(child, p, out);
                }
            }
            _ => {}
        }
    }

    fn check(value: Value) -> Result<(), TestCaseError> {
        let text = serde_json::to_string(&value).unwrap();
        match Document::from_json(&text) {
            Ok(doc) => {
                // Whatever is accepted re-parses to itself.
                prop_assert_eq!(&Document::from_value(doc.to_value()).unwrap(), &doc);
                for vm in doc.all_verification_methods() {
                    let _ = vm.public_key();
                }
                let _ = doc.dereference(&doc.id.to_url());
            }
            Err(Error::InvalidDocument { path, .. }) => prop_assert!(path.starts_with('/'), "{}", path),
            Err(other) => prop_assert!(false, "unexpected error kind: {:?}", other),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_json_never_panics(value in arb_json()) {
            check(value)?;
        }

        #[test]
        fn arbitrary_top_level_properties_never_panic(
            entries in proptest::collection::vec(("[a-zA-Z@]{1,20}", arb_json()), 0..6),
        ) {
            let mut value = json!({"id": DID});
            for (k, v) in entries {
                value[k] = v;
            }
            check(value)?;
        }

        #[test]
        fn mutated_valid_documents_never_panic(
            index in any::<proptest::sample::Index>(),
            replacement in arb_json(),
            remove in any::<bool>(),
        ) {
            let mut value = rich();
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            let pointer = index.get(&all).clone();
            if remove {
                let (parent, last) = pointer.rsplit_once('/').unwrap();
                match value.pointer_mut(parent) {
                    Some(Value::Object(m)) => {
                        m.shift_remove(last);
                    }
                    Some(Value::Array(items)) => {
                        items.remove(last.parse::<usize>().unwrap());
                    }
                    _ => {}
                }
            } else {
                *value.pointer_mut(&pointer).unwrap() = replacement;
            }
            check(value)?;
        }
    }
}

#[test]
fn regression_did_document_naming_a_member_twice_is_refused_with_its_pointer() {
    let text = serde_json::to_string(&rich()).unwrap();
    // A second `id` in the first verification method: readers that keep
    // the first and readers that keep the last would use different keys.
    let forged = text.replacen(
        "\"verificationMethod\":[{",
        "\"verificationMethod\":[{\"id\":\"did:example:attacker#k\",",
        1,
    );
    assert_ne!(forged, text);
    let err = Document::from_json(&forged).unwrap_err();
    let Error::InvalidDocument { path, reason } = &err else {
        panic!("{err}")
    };
    assert_eq!(path, "/verificationMethod/0");
    assert!(reason.contains("duplicate member name \"id\""), "{err}");
    assert!(Document::from_json(&text).is_ok());
}

#[test]
fn did_documents_over_the_size_or_depth_limit_are_refused() {
    let deep = format!(
        "{{\"id\":\"did:example:123\",\"x\":{}{}}}",
        "[".repeat(40),
        "]".repeat(40)
    );
    let err = Document::from_json(&deep).unwrap_err().to_string();
    assert!(err.contains("nesting deeper than the limit of 32"), "{err}");
    let big = format!("{{\"id\":\"did:example:123\",\"x\":\"{}\"}}", "a".repeat(2 << 20));
    let err = Document::from_json(&big).unwrap_err().to_string();
    assert!(err.contains("more than the limit of 1048576"), "{err}");
}
