//! VC-JOSE (vc+jwt, vp+jwt), VC 1.1 JWTs and the compact JWS rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use xinlian_did_core::{
    Did, DidUrl, Document, DocumentMetadata, KeyType, Relationship, Resolution, ResolutionOptions, Resolver, SecretKey,
    StatelessResolver, VerificationMethod,
};
use xinlian_vc::jose::{
    CredentialJwtFormat, Jwt, JwtIssueOptions, JwtVerifyOptions, KeySource, enveloped_credential, issue_vc_jwt,
    issue_vp_jwt, sign_jwt, verify_vc_jwt, verify_vp_jwt,
};
use xinlian_vc::{Error, KeySigner, Signer as _};

fn block<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

fn signer(t: KeyType) -> KeySigner {
    KeySigner::did_key(SecretKey::generate(t).unwrap()).unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn diploma(issuer: &str, holder: &str) -> Map<String, Value> {
    obj(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "DiplomaCredential"],
        "issuer": { "id": issuer, "name": "Example University" },
        "validFrom": "2026-06-30T00:00:00Z",
        "validUntil": "2076-06-30T00:00:00Z",
        "credentialSubject": {
            "id": holder,
            "degree": { "type": "BachelorDegree", "name": "Bachelor of Science in Physics" },
            "graduationYear": 2026
        }
    }))
}

fn jwt_err(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(e @ (Error::Jwt { .. } | Error::Did(_))) => e.to_string(),
        other => panic!("expected a JWT error, got {other:?}"),
    }
}

/// After the diploma's validFrom.
fn options() -> JwtVerifyOptions {
    JwtVerifyOptions {
        now: Some(1_800_000_000),
        ..JwtVerifyOptions::default()
    }
}

fn issue_options() -> JwtIssueOptions {
    JwtIssueOptions {
        issued_at: Some(1_790_000_000),
        ..JwtIssueOptions::default()
    }
}

fn encode(header: &Value, payload: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// Signs raw header and payload text (to smuggle duplicates or odd headers).
fn sign_raw(signer: &KeySigner, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let sig = block(signer.sign(input.as_bytes())).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

// ---------------------------------------------------------------------------
// vc+jwt
// ---------------------------------------------------------------------------

#[test]
fn vc_jwt_round_trip_with_every_algorithm() {
    let resolver = StatelessResolver::new();
    for (t, alg) in [
        (KeyType::Ed25519, "EdDSA"),
        (KeyType::P256, "ES256"),
        (KeyType::P384, "ES384"),
        (KeyType::Secp256k1, "ES256K"),
    ] {
        let university = signer(t);
        let credential = diploma(university.did(), "did:example:graduate");
        let jwt = block(issue_vc_jwt(&credential, &university, &issue_options())).unwrap();
        let parsed = Jwt::parse(&jwt, &[]).unwrap();
        assert_eq!(parsed.header().alg(), alg);
        assert_eq!(parsed.header().typ(), Some("vc+jwt"));
        assert_eq!(parsed.header().kid(), Some(university.verification_method()));
        let claims = parsed.claims();
        assert_eq!(claims["iss"], university.did());
        assert_eq!(claims["sub"], "did:example:graduate");
        assert_eq!(claims["jti"], "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33");
        assert_eq!(claims["iat"], 1_790_000_000);
        assert_eq!(claims["nbf"], 1_782_777_600); // 2026-06-30T00:00:00Z
        assert_eq!(claims["exp"], 3_360_700_800_i64); // 2076-06-30T00:00:00Z

        let verified = block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())).unwrap();
        assert_eq!(verified.credential, Value::Object(credential), "{alg}");
        assert_eq!(verified.format, CredentialJwtFormat::VcJwt);
        assert_eq!(verified.jwt_claims["iss"], university.did());
        assert_eq!(verified.signer.key, university.public_key());
        assert_eq!(
            verified.signer.verification_method.as_deref(),
            Some(university.verification_method())
        );
    }
}

#[test]
fn vc_jwt_verifies_with_a_supplied_key() {
    let university = signer(KeyType::Ed25519);
    let jwt = block(issue_vc_jwt(
        &diploma(university.did(), "did:example:g"),
        &university,
        &issue_options(),
    ))
    .unwrap();
    let key = university.public_key();
    block(verify_vc_jwt(&jwt, KeySource::Key(&key), &options())).unwrap();
    let other = signer(KeyType::Ed25519).public_key();
    assert!(jwt_err(block(verify_vc_jwt(&jwt, KeySource::Key(&other), &options()))).contains("signature"));
}

#[test]
fn issuing_for_another_issuer_is_refused() {
    let university = signer(KeyType::Ed25519);
    let err = jwt_err(block(issue_vc_jwt(
        &diploma("did:example:other", "did:example:g"),
        &university,
        &issue_options(),
    )));
    assert!(err.contains("is not the issuer"), "{err}");
}

#[test]
fn issuing_a_v1_credential_as_vc_jwt_is_refused() {
    let university = signer(KeyType::Ed25519);
    let mut c = diploma(university.did(), "did:example:g");
    c.insert("@context".into(), json!(["https://www.w3.org/2018/credentials/v1"]));
    assert!(jwt_err(block(issue_vc_jwt(&c, &university, &issue_options()))).contains("@context"));
}

#[test]
fn tampered_vc_jwt_is_rejected() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::P256);
    let jwt = block(issue_vc_jwt(
        &diploma(university.did(), "did:example:g"),
        &university,
        &issue_options(),
    ))
    .unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["credentialSubject"]["degree"]["name"] = json!("Doctor of Medicine");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    assert!(
        jwt_err(block(verify_vc_jwt(
            &forged,
            KeySource::Resolver(&resolver),
            &options()
        )))
        .contains("signature")
    );
}

#[test]
fn alg_none_is_rejected() {
    let resolver = StatelessResolver::new();
    let payload = Value::Object(diploma("did:example:u", "did:example:g"));
    for alg in ["none", "None", "NONE"] {
        let jwt = encode(&json!({"alg": alg, "typ": "vc+jwt"}), &payload, b"");
        let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
        assert!(err.contains("\"none\""), "{err}");
    }
}

#[test]
fn unsupported_or_missing_alg_is_rejected() {
    let payload = Value::Object(diploma("did:example:u", "did:example:g"));
    for (header, why) in [
        (json!({"alg": "HS256"}), "not supported"),
        (json!({"alg": "RS256"}), "not supported"),
        (json!({"typ": "vc+jwt"}), "no alg"),
        (json!({"alg": 7}), "must be a string"),
    ] {
        let err = jwt_err(Jwt::parse(&encode(&header, &payload, &[0; 64]), &[]));
        assert!(err.contains(why), "{header}: {err}");
    }
}

#[test]
fn alg_that_does_not_match_the_key_is_rejected() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let credential = diploma(university.did(), "did:example:g");
    // An Ed25519 signature (64 bytes, like ES256's) under an ES256 header.
    let header = json!({"alg": "ES256", "typ": "vc+jwt", "kid": university.verification_method()}).to_string();
    let jwt = sign_raw(&university, &header, &Value::Object(credential).to_string());
    let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
    assert!(err.contains("does not match the Ed25519 key"), "{err}");
    // An ES384 header fails earlier: the signature has the wrong length.
    let header = json!({"alg": "ES384", "typ": "vc+jwt"}).to_string();
    let jwt = sign_raw(&university, &header, "{}");
    assert!(jwt_err(Jwt::parse(&jwt, &[])).contains("96 bytes"));
}

#[test]
fn kid_of_another_did_is_rejected() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let mallory = signer(KeyType::Ed25519);
    // Mallory signs a credential naming the university as issuer, with her own kid.
    let claims = diploma(university.did(), "did:example:g");
    let jwt = block(sign_jwt(
        obj(json!({"typ": "vc+jwt", "kid": mallory.verification_method()})),
        &claims,
        &mallory,
    ))
    .unwrap();
    let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
    assert!(err.contains("is not a key of"), "{err}");
    // ... or with the university's kid: the signature does not verify.
    let jwt = block(sign_jwt(
        obj(json!({"typ": "vc+jwt", "kid": university.verification_method()})),
        &claims,
        &mallory,
    ))
    .unwrap();
    assert!(jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options()))).contains("signature"));
    // A kid that is not a DID URL cannot be resolved.
    let jwt = block(sign_jwt(
        obj(json!({"typ": "vc+jwt", "kid": "key-1"})),
        &claims,
        &university,
    ))
    .unwrap();
    assert!(jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options()))).contains("not a DID URL"));
}

/// A DID whose only key is authorized for authentication, not assertion.
struct AuthOnlyResolver {
    did: Did,
    key: xinlian_did_core::PublicKey,
}

#[async_trait]
impl Resolver for AuthOnlyResolver {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        assert_eq!(did, &self.did);
        let mut doc = Document::new(self.did.clone());
        let id = DidUrl::parse(&format!("{}#key-1", self.did)).unwrap();
        doc.add_verification_method(
            VerificationMethod::multikey(&id, &self.did, &self.key),
            &[Relationship::Authentication],
        );
        Resolution::new(doc, DocumentMetadata::default(), options)
    }
}

#[test]
fn kid_not_authorized_for_assertion_is_rejected() {
    let secret = SecretKey::generate(KeyType::Ed25519).unwrap();
    let resolver = AuthOnlyResolver {
        did: Did::parse("did:example:university").unwrap(),
        key: secret.public_key(),
    };
    let university = KeySigner::new(secret, "did:example:university#key-1").unwrap();
    let jwt = block(issue_vc_jwt(
        &diploma("did:example:university", "did:example:g"),
        &university,
        &issue_options(),
    ))
    .unwrap();
    let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
    assert!(err.contains("not authorized for assertionMethod"), "{err}");
    // The same key may sign presentations (authentication).
    let vp = obj(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:university",
    }));
    let vp_jwt = block(issue_vp_jwt(&vp, &university, &issue_options())).unwrap();
    block(verify_vp_jwt(&vp_jwt, KeySource::Resolver(&resolver), &options())).unwrap();
}

#[test]
fn crit_headers_are_checked() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let claims = diploma(university.did(), "did:example:g");
    let kid = university.verification_method();
    let mk = |header: Value| block(sign_jwt(obj(header), &claims, &university)).unwrap();
    for (header, why) in [
        (
            json!({"typ": "vc+jwt", "kid": kid, "crit": ["exp"], "exp": 1}),
            "does not understand",
        ),
        (
            json!({"typ": "vc+jwt", "kid": kid, "crit": ["b64", "b64"], "b64": true}),
            "twice",
        ),
        (json!({"typ": "vc+jwt", "kid": kid, "crit": []}), "must not be empty"),
        (
            json!({"typ": "vc+jwt", "kid": kid, "crit": ["kid"]}),
            "registered parameter",
        ),
        (json!({"typ": "vc+jwt", "kid": kid, "crit": "exp"}), "must be an array"),
        (json!({"typ": "vc+jwt", "kid": kid, "crit": [1]}), "must be a string"),
    ] {
        let err = jwt_err(block(verify_vc_jwt(
            &mk(header.clone()),
            KeySource::Resolver(&resolver),
            &options(),
        )));
        assert!(err.contains(why), "{header}: {err}");
    }
    // An extension the caller declares it understands passes, but must be present.
    let understood = JwtVerifyOptions {
        understood_crit: vec!["exp".into()],
        ..options()
    };
    let jwt = mk(json!({"typ": "vc+jwt", "kid": kid, "crit": ["exp"], "exp": 1}));
    block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &understood)).unwrap();
    let jwt = mk(json!({"typ": "vc+jwt", "kid": kid, "crit": ["exp"]}));
    assert!(
        jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &understood))).contains("no such parameter")
    );
}

#[test]
fn duplicate_member_names_are_rejected() {
    let university = signer(KeyType::Ed25519);
    let kid = university.verification_method();
    let resolver = StatelessResolver::new();
    let credential = Value::Object(diploma(university.did(), "did:example:g")).to_string();
    let header = format!(r#"{{"alg":"EdDSA","typ":"vc+jwt","kid":"{kid}","alg":"EdDSA"}}"#);
    let jwt = sign_raw(&university, &header, &credential);
    let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
    assert!(
        err.contains("duplicate member name \"alg\"") && err.contains("header"),
        "{err}"
    );

    let header = format!(r#"{{"alg":"EdDSA","typ":"vc+jwt","kid":"{kid}"}}"#);
    let payload = credential.replacen('{', r#"{"issuer":"did:example:mallory","#, 1);
    let jwt = sign_raw(&university, &header, &payload);
    let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
    assert!(
        err.contains("duplicate member name \"issuer\"") && err.contains("payload"),
        "{err}"
    );

    let nested = credential.replacen(
        r#""graduationYear":2026"#,
        r#""graduationYear":2026,"graduationYear":1999"#,
        1,
    );
    assert_ne!(nested, credential);
    let jwt = sign_raw(&university, &header, &nested);
    assert!(jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options()))).contains("duplicate"));
}

#[test]
fn typ_and_cty_are_checked() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let claims = diploma(university.did(), "did:example:g");
    let kid = university.verification_method();
    let mk = |header: Value| block(sign_jwt(obj(header), &claims, &university)).unwrap();
    for (header, ok) in [
        (json!({"typ": "vc+jwt", "kid": kid}), true),
        (json!({"typ": "application/vc+jwt", "kid": kid}), true),
        (json!({"typ": "vc+jwt", "cty": "vc", "kid": kid}), true),
        (json!({"typ": "vp+jwt", "kid": kid}), false),
        // Open Badges 3.0 VC-JWTs: typ JWT, or none (issue 12).
        (json!({"typ": "JWT", "kid": kid}), true),
        (json!({"kid": kid}), true),
        (json!({"typ": "jwt", "kid": kid}), true),
        (json!({"typ": "JOSE", "kid": kid}), false),
        (json!({"typ": "vc+jwt", "cty": "vp", "kid": kid}), false),
        (json!({"typ": 5, "kid": kid}), false),
    ] {
        let result = block(verify_vc_jwt(
            &mk(header.clone()),
            KeySource::Resolver(&resolver),
            &options(),
        ));
        assert_eq!(result.is_ok(), ok, "{header}: {result:?}");
    }
}

#[test]
fn jwt_claims_must_agree_with_the_credential() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let claims = diploma(university.did(), "did:example:g");
    let kid = university.verification_method();
    for (name, value, why) in [
        ("iss", json!("did:example:mallory"), "not the credential's issuer"),
        ("sub", json!("did:example:someone-else"), "not a credentialSubject id"),
        ("jti", json!("urn:uuid:other"), "not the credential's id"),
        ("exp", json!(1_700_000_000), "expired"),
        ("nbf", json!(1_900_000_000), "not yet valid"),
        ("iat", json!(1_900_000_000), "in the future"),
        ("exp", json!("tomorrow"), "NumericDate"),
    ] {
        let mut c = claims.clone();
        c.insert(name.into(), value);
        let jwt = block(sign_jwt(obj(json!({"typ": "vc+jwt", "kid": kid})), &c, &university)).unwrap();
        let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
        assert!(err.contains(why), "{name}: {err}");
    }
}

#[test]
fn credential_validity_period_is_checked() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let jwt = block(issue_vc_jwt(
        &diploma(university.did(), "did:example:g"),
        &university,
        &issue_options(),
    ))
    .unwrap();
    let before = JwtVerifyOptions {
        now: Some(1_782_000_000),
        ..JwtVerifyOptions::default()
    };
    assert!(jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &before))).contains("not yet valid"));
    let after = JwtVerifyOptions {
        now: Some(3_400_000_000),
        ..JwtVerifyOptions::default()
    };
    assert!(jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &after))).contains("expired"));
}

// ---------------------------------------------------------------------------
// vp+jwt
// ---------------------------------------------------------------------------

#[test]
fn vp_jwt_with_an_enveloped_diploma() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let graduate = signer(KeyType::P256);
    let vc = block(issue_vc_jwt(
        &diploma(university.did(), graduate.did()),
        &university,
        &issue_options(),
    ))
    .unwrap();
    let presentation = obj(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": graduate.did(),
        "verifiableCredential": [enveloped_credential(&vc)],
    }));
    let vp_options = JwtIssueOptions {
        issued_at: Some(1_799_999_990),
        audience: Some("https://hr.example.com".into()),
        nonce: Some("c0ffee".into()),
    };
    let vp = block(issue_vp_jwt(&presentation, &graduate, &vp_options)).unwrap();
    assert_eq!(Jwt::parse(&vp, &[]).unwrap().header().typ(), Some("vp+jwt"));
    let check = JwtVerifyOptions {
        audience: Some("https://hr.example.com".into()),
        nonce: Some("c0ffee".into()),
        ..options()
    };
    let verified = block(verify_vp_jwt(&vp, KeySource::Resolver(&resolver), &check)).unwrap();
    assert_eq!(verified.presentation, Value::Object(presentation));
    assert_eq!(verified.credentials.len(), 1);
    assert_eq!(
        verified.credentials[0].credential["credentialSubject"]["id"],
        graduate.did()
    );
    assert_eq!(verified.signer.key, graduate.public_key());

    for (aud, nonce, why) in [
        ("https://evil.example", "c0ffee", "aud"),
        ("https://hr.example.com", "replay", "nonce"),
    ] {
        let wrong = JwtVerifyOptions {
            audience: Some(aud.into()),
            nonce: Some(nonce.into()),
            ..options()
        };
        assert!(jwt_err(block(verify_vp_jwt(&vp, KeySource::Resolver(&resolver), &wrong))).contains(why));
    }
    // The presentation must be signed by its holder.
    let thief = signer(KeyType::Ed25519);
    assert!(
        jwt_err(block(issue_vp_jwt(
            &verified_presentation_for(graduate.did(), &vc),
            &thief,
            &vp_options
        )))
        .contains("is not the holder")
    );
    // A vc+jwt is not a vp+jwt.
    assert!(jwt_err(block(verify_vp_jwt(&vc, KeySource::Resolver(&resolver), &options()))).contains("typ"));
}

fn verified_presentation_for(holder: &str, vc: &str) -> Map<String, Value> {
    obj(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [enveloped_credential(vc)],
    }))
}

#[test]
fn vp_jwt_with_a_forged_enveloped_credential_is_rejected() {
    let resolver = StatelessResolver::new();
    let graduate = signer(KeyType::Ed25519);
    let university = signer(KeyType::Ed25519);
    let vc = block(issue_vc_jwt(
        &diploma(university.did(), graduate.did()),
        &university,
        &issue_options(),
    ))
    .unwrap();
    let forged_vc = format!("{}AAAA", &vc[..vc.len() - 4]);
    let vp = block(issue_vp_jwt(
        &verified_presentation_for(graduate.did(), &forged_vc),
        &graduate,
        &issue_options(),
    ))
    .unwrap();
    let err = jwt_err(block(verify_vp_jwt(&vp, KeySource::Resolver(&resolver), &options())));
    assert!(err.contains("/verifiableCredential/0"), "{err}");
}

// ---------------------------------------------------------------------------
// VC 1.1 JWTs
// ---------------------------------------------------------------------------

fn v11_claims(issuer: &str) -> Map<String, Value> {
    obj(json!({
        "iss": issuer,
        "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "jti": "http://example.edu/credentials/3732",
        "nbf": 1_541_493_724,
        "iat": 1_541_493_724,
        "exp": 1_900_000_000,
        "nonce": "660!6345FSer",
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": { "id": "https://example.edu/achievements/physics", "type": ["Achievement"], "name": "BSc Physics" }
            }
        }
    }))
}

#[test]
fn vc11_jwt_is_decoded_per_the_1_1_rules() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Secp256k1);
    let claims = v11_claims(university.did());
    let jwt = block(sign_jwt(
        obj(json!({"typ": "JWT", "kid": university.verification_method()})),
        &claims,
        &university,
    ))
    .unwrap();
    let verified = block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())).unwrap();
    assert_eq!(verified.format, CredentialJwtFormat::Vc11Jwt);
    let c = &verified.credential;
    assert_eq!(c["issuer"], university.did());
    assert_eq!(c["credentialSubject"]["id"], "did:example:ebfeb1f712ebc6f1c276e12ec21");
    assert_eq!(c["id"], "http://example.edu/credentials/3732");
    assert_eq!(c["issuanceDate"], "2018-11-06T08:42:04Z");
    assert_eq!(c["expirationDate"], "2030-03-17T17:46:40Z");
    assert_eq!(c["credentialSubject"]["achievement"]["name"], "BSc Physics");
    assert_eq!(verified.jwt_claims["jti"], "http://example.edu/credentials/3732");
    // Without typ too, and with the properties already in vc when they agree.
    let mut agreeing = claims.clone();
    let vc = agreeing.get_mut("vc").unwrap().as_object_mut().unwrap();
    vc.insert(
        "issuer".into(),
        json!({ "id": university.did(), "name": "Example University" }),
    );
    vc.insert("issuanceDate".into(), json!("2018-11-06T08:42:04Z"));
    vc.insert("id".into(), json!("http://example.edu/credentials/3732"));
    let jwt = block(sign_jwt(
        obj(json!({"kid": university.verification_method()})),
        &agreeing,
        &university,
    ))
    .unwrap();
    let verified = block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())).unwrap();
    assert_eq!(verified.credential["issuer"]["name"], "Example University");
}

#[test]
fn vc11_jwt_inconsistencies_are_rejected() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let kid = university.verification_method();
    let cases: [(&str, Value, &str); 8] = [
        ("/vc/issuer", json!("did:example:other"), "differs from vc /issuer"),
        (
            "/vc/credentialSubject/id",
            json!("did:example:other"),
            "differs from vc /credentialSubject/id",
        ),
        ("/vc/id", json!("urn:other"), "differs from vc /id"),
        (
            "/vc/issuanceDate",
            json!("2019-01-01T00:00:00Z"),
            "differs from vc /issuanceDate",
        ),
        (
            "/vc/expirationDate",
            json!("2031-01-01T00:00:00Z"),
            "differs from vc /expirationDate",
        ),
        (
            "/vc/@context",
            json!(["https://www.w3.org/ns/credentials/v2"]),
            "@context",
        ),
        ("/vc", json!("a string"), "must be an object"),
        ("/exp", json!(1_600_000_000), "expired"),
    ];
    for (pointer, value, why) in cases {
        let mut claims = Value::Object(v11_claims(university.did()));
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        claims
            .pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert(key.into(), value);
        let jwt = block(sign_jwt(
            obj(json!({"typ": "JWT", "kid": kid})),
            claims.as_object().unwrap(),
            &university,
        ))
        .unwrap();
        let err = jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options())));
        assert!(err.contains(why), "{pointer}: {err}");
    }
    // A 1.1 payload under a vc+jwt typ is refused.
    let jwt = block(sign_jwt(
        obj(json!({"typ": "vc+jwt", "kid": kid})),
        &v11_claims(university.did()),
        &university,
    ))
    .unwrap();
    assert!(jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options()))).contains("VC 1.1"));
    // iss naming someone else than the signer.
    let other = signer(KeyType::Ed25519);
    let jwt = block(sign_jwt(
        obj(json!({"kid": kid})),
        &v11_claims(other.did()),
        &university,
    ))
    .unwrap();
    assert!(
        jwt_err(block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &options()))).contains("is not a key of")
    );
}

// ---------------------------------------------------------------------------
// Compact JWS structure
// ---------------------------------------------------------------------------

#[test]
fn malformed_compact_jws_is_rejected() {
    let good = encode(&json!({"alg": "EdDSA"}), &json!({}), &[0; 64]);
    let parts: Vec<&str> = good.split('.').collect();
    for (input, why) in [
        (String::new(), "two dots"),
        ("a.b".to_owned(), "found 1 dots"),
        (format!("{good}.x"), "found 3 dots"),
        (format!(".{}.{}", parts[1], parts[2]), "header is empty"),
        (format!("{}..{}", parts[0], parts[2]), "payload is empty"),
        (format!("{}.{}.", parts[0], parts[1]), "signature is empty"),
        (format!("{}=.{}.{}", parts[0], parts[1], parts[2]), "base64url"),
        (
            format!("{}.{}.{}", parts[0].replace('e', "+"), parts[1], parts[2]),
            "base64url",
        ),
        (encode(&json!([1]), &json!({}), &[0; 64]), "must be a JSON object"),
        (
            encode(&json!({"alg": "EdDSA"}), &json!("text"), &[0; 64]),
            "must be a JSON object",
        ),
        (encode(&json!({"alg": "EdDSA"}), &json!({}), &[0; 63]), "64 bytes"),
        (
            encode(&json!({"alg": "EdDSA", "kid": 1}), &json!({}), &[0; 64]),
            "kid must be a string",
        ),
        (
            format!("{}.{}.{}", URL_SAFE_NO_PAD.encode("{\"alg\":"), parts[1], parts[2]),
            "not valid JSON",
        ),
    ] {
        let err = jwt_err(Jwt::parse(&input, &[]));
        assert!(err.contains(why), "{input}: {err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsing_arbitrary_strings_as_jws_never_panics(s in "\\PC{0,400}") {
        let _ = Jwt::parse(&s, &[]);
    }

    #[test]
    fn parsing_dotted_base64_never_panics(parts in proptest::collection::vec("[A-Za-z0-9_\\-=+/]{0,60}", 0..5)) {
        let _ = Jwt::parse(&parts.join("."), &["b64"]);
    }

    #[test]
    fn verifying_arbitrary_json_payloads_never_panics(header in "\\PC{0,80}", payload in "\\PC{0,200}") {
        let jwt = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(&header),
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode([0u8; 64])
        );
        let resolver = StatelessResolver::new();
        let _ = block(verify_vc_jwt(&jwt, KeySource::Resolver(&resolver), &JwtVerifyOptions::default()));
        let _ = block(verify_vp_jwt(&jwt, KeySource::Resolver(&resolver), &JwtVerifyOptions::default()));
    }

    #[test]
    fn verifying_arbitrary_claim_values_never_panics(value in any_json(), name in "(iss|sub|jti|exp|nbf|iat|vc|issuer|credentialSubject|validFrom|@context|type)") {
        let mut claims = Value::Object(v11_claims("did:example:u"));
        claims.as_object_mut().unwrap().insert(name, value);
        let jwt = encode(&json!({"alg": "EdDSA"}), &claims, &[0; 64]);
        let key = SecretKey::from_bytes(KeyType::Ed25519, &[3; 32]).unwrap().public_key();
        let _ = block(verify_vc_jwt(&jwt, KeySource::Key(&key), &JwtVerifyOptions::default()));
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z@]{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

// ---------------------------------------------------------------------------
// Verification reports
// ---------------------------------------------------------------------------

#[test]
fn vc_jwt_report_has_one_outcome_per_check() {
    use time::OffsetDateTime;
    use xinlian_vc::jose::verify_vc_jwt_report;
    use xinlian_vc::{Check, Outcome, Policy};

    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let jwt = block(issue_vc_jwt(
        &diploma(university.did(), "did:example:g"),
        &university,
        &issue_options(),
    ))
    .unwrap();
    let policy = Policy::new().at(OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap());
    let (report, credential) = block(verify_vc_jwt_report(&jwt, KeySource::Resolver(&resolver), &policy));
    assert!(report.verified(), "{}", report.to_json());
    let credential = credential.unwrap();
    assert_eq!(credential.issuer_id(), university.did());
    for check in [
        Check::Structure,
        Check::Proof,
        Check::KeyAuthorization,
        Check::ValidityPeriod,
    ] {
        assert!(
            report.outcomes(check).all(|c| c.outcome == Outcome::Passed),
            "{check}: {}",
            report.to_json()
        );
    }
    assert!(report.outcomes(Check::Status).all(|c| c.outcome == Outcome::Skipped));

    // A forged signature fails the proof check only; the later check is not run.
    let forged = format!("{}AAAA", &jwt[..jwt.len() - 4]);
    let (report, credential) = block(verify_vc_jwt_report(&forged, KeySource::Resolver(&resolver), &policy));
    assert!(credential.is_none());
    assert!(report.failed(Check::Proof));
    assert!(!report.failed(Check::KeyAuthorization) && !report.failed(Check::Structure));
    assert!(
        report
            .outcomes(Check::ValidityPeriod)
            .all(|c| c.outcome == Outcome::Skipped)
    );

    // Expired: the validity period fails with the EXPIRED code.
    let late = Policy::new().at(OffsetDateTime::from_unix_timestamp(3_400_000_000).unwrap());
    let (report, _) = block(verify_vc_jwt_report(&jwt, KeySource::Resolver(&resolver), &late));
    let outcome = report.outcomes(Check::ValidityPeriod).next().unwrap();
    assert_eq!(outcome.outcome, Outcome::Failed);
    assert_eq!(outcome.code, xinlian_vc::verify::codes::EXPIRED);

    // Another DID's key fails key authorization.
    let mallory = signer(KeyType::Ed25519);
    let claims = diploma(university.did(), "did:example:g");
    let jwt = block(sign_jwt(
        obj(json!({"typ": "vc+jwt", "kid": mallory.verification_method()})),
        &claims,
        &mallory,
    ))
    .unwrap();
    let (report, _) = block(verify_vc_jwt_report(&jwt, KeySource::Resolver(&resolver), &policy));
    assert!(report.failed(Check::KeyAuthorization));
    assert!(!report.failed(Check::Proof));
}

#[test]
fn cached_keys_are_reused_but_still_checked_against_the_issuer() {
    use xinlian_vc::jose::KeyCache;

    let resolver = StatelessResolver::new();
    let cache = KeyCache::default();
    let university = signer(KeyType::Ed25519);
    let jwt = block(issue_vc_jwt(
        &diploma(university.did(), "did:example:g"),
        &university,
        &issue_options(),
    ))
    .unwrap();
    for _ in 0..2 {
        let verified = block(verify_vc_jwt(&jwt, KeySource::Cached(&resolver, &cache), &options())).unwrap();
        assert_eq!(verified.signer.key, university.public_key());
    }
    // The university's cached key does not make its kid usable for another issuer.
    let other = signer(KeyType::Ed25519);
    let claims = diploma(other.did(), "did:example:g");
    let forged = block(sign_jwt(
        obj(json!({"typ": "vc+jwt", "kid": university.verification_method()})),
        &claims,
        &university,
    ))
    .unwrap();
    let err = jwt_err(block(verify_vc_jwt(
        &forged,
        KeySource::Cached(&resolver, &cache),
        &options(),
    )));
    assert!(err.contains("is not a key of"), "{err}");
    // Expired entries are resolved again.
    let short = KeyCache::new(std::time::Duration::ZERO);
    block(verify_vc_jwt(&jwt, KeySource::Cached(&resolver, &short), &options())).unwrap();
    cache.clear();
    block(verify_vc_jwt(&jwt, KeySource::Cached(&resolver, &cache), &options())).unwrap();
}
