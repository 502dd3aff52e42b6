//! Open Badges 3.0 VC-JWTs as 1EdTech specifies them: `typ` `JWT` (or
//! none), the credential itself as the payload with `iss`, `jti`, `nbf` and
//! `sub`, the issuer's key named by `kid` or carried in a `jwk` header that
//! the issuer's DID document must list (issue 12).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Map, Value, json};
use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
use xinlian_vc::jose::{CredentialJwtFormat, KeySource, sign_jwt, verify_vc_jwt, verify_vc_jwt_report};
use xinlian_vc::verify::{Check, Policy, codes};
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

const LEARNER: &str = "did:example:learner";
const BADGE_ID: &str = "urn:uuid:a63a60be-f4af-491e-87fc-2c8fd3f8ff2b";

/// An Open Badges 3.0.3 AchievementCredential with the registered claims an
/// Open Badges VC-JWT carries beside it.
fn ob_payload(issuer: &str) -> Map<String, Value> {
    obj(json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": BADGE_ID,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2026-06-30T00:00:00Z",
        "name": "Bachelor of Science in Physics",
        "credentialSubject": {
            "id": LEARNER,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e",
                "type": ["Achievement"],
                "name": "Bachelor of Science in Physics",
                "criteria": {"narrative": "Complete the programme."}
            }
        },
        "iss": issuer,
        "jti": BADGE_ID,
        "sub": LEARNER,
        "nbf": 1_782_777_600,
        "iat": 1_782_777_600
    }))
}

/// The same badge on the VC 1.1 data model (Open Badges 3.0.0 to 3.0.2).
fn ob_v11_payload(issuer: &str) -> Map<String, Value> {
    let mut p = ob_payload(issuer);
    p.insert(
        "@context".into(),
        json!([
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
        ]),
    );
    p.remove("validFrom");
    p.insert("issuanceDate".into(), json!("2026-06-30T00:00:00Z"));
    p
}

fn policy() -> Policy {
    Policy::new().at(time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap())
}

fn sign(header: Value, payload: &Map<String, Value>, signer: &KeySigner) -> String {
    block(sign_jwt(obj(header), payload, signer)).unwrap()
}

fn public_jwk(signer: &KeySigner) -> Value {
    serde_json::to_value(signer.public_key().to_jwk()).unwrap()
}

/// The failed check of a report and its detail (exactly one failure).
fn only_failure(jwt: &str, resolver: &StatelessResolver) -> (Check, String, String) {
    let (report, _) = block(verify_vc_jwt_report(jwt, KeySource::Resolver(resolver), &policy()));
    let failures: Vec<_> = report.failures().collect();
    assert_eq!(failures.len(), 1, "{:?}", report.checks);
    (failures[0].check, failures[0].code.clone(), failures[0].detail.clone())
}

#[test]
fn regression_open_badges_vc_jwt_with_typ_jwt_and_kid_verifies() {
    // Was refused: "header typ is JWT, expected vc+jwt".
    let resolver = StatelessResolver::new();
    for t in [KeyType::Ed25519, KeyType::P256] {
        let university = signer(t);
        let jwt = sign(
            json!({"typ": "JWT", "kid": university.verification_method()}),
            &ob_payload(university.did()),
            &university,
        );
        let (report, credential) = block(verify_vc_jwt_report(&jwt, KeySource::Resolver(&resolver), &policy()));
        assert!(report.verified(), "{t}: {:?}", report.checks);
        assert_eq!(credential.unwrap().id(), Some(BADGE_ID));
        let verified = block(verify_vc_jwt(
            &jwt,
            KeySource::Resolver(&resolver),
            &xinlian_vc::jose::JwtVerifyOptions {
                now: Some(1_800_000_000),
                ..Default::default()
            },
        ))
        .unwrap();
        assert_eq!(verified.format, CredentialJwtFormat::VcJwt);
        assert_eq!(verified.jwt_claims["sub"], LEARNER);
    }
}

#[test]
fn open_badges_vc_jwt_without_typ_verifies() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let jwt = sign(
        json!({"kid": university.verification_method()}),
        &ob_payload(university.did()),
        &university,
    );
    let (report, _) = block(verify_vc_jwt_report(&jwt, KeySource::Resolver(&resolver), &policy()));
    assert!(report.verified(), "{:?}", report.checks);
}

#[test]
fn open_badges_vc_jwt_key_from_a_listed_jwk_header_verifies() {
    let resolver = StatelessResolver::new();
    for t in [KeyType::Ed25519, KeyType::P256] {
        let university = signer(t);
        // jwk alone, and jwk with the kid of the same key.
        for header in [
            json!({"typ": "JWT", "jwk": public_jwk(&university)}),
            json!({"typ": "JWT", "jwk": public_jwk(&university), "kid": university.verification_method()}),
        ] {
            let jwt = sign(header.clone(), &ob_payload(university.did()), &university);
            let verified = block(verify_vc_jwt(
                &jwt,
                KeySource::Resolver(&resolver),
                &xinlian_vc::jose::JwtVerifyOptions {
                    now: Some(1_800_000_000),
                    ..Default::default()
                },
            ))
            .unwrap_or_else(|e| panic!("{t} {header}: {e}"));
            assert_eq!(
                verified.signer.verification_method.as_deref(),
                Some(university.verification_method()),
                "{t} {header}"
            );
        }
    }
}

#[test]
fn regression_a_jwk_header_the_issuer_does_not_list_is_a_key_authorization_failure() {
    // A stranger signs with its own key, puts that key in the jwk header and
    // names the university as issuer: the signature is fine, the key is not
    // the university's.
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let stranger = signer(KeyType::Ed25519);
    let jwt = sign(
        json!({"typ": "JWT", "jwk": public_jwk(&stranger)}),
        &ob_payload(university.did()),
        &stranger,
    );
    let (check, code, detail) = only_failure(&jwt, &resolver);
    assert_eq!(check, Check::KeyAuthorization);
    assert_eq!(code, codes::INVALID_VERIFICATION_METHOD);
    assert!(detail.contains("header jwk is not a key"), "{detail}");
}

#[test]
fn a_jwk_header_that_differs_from_the_kid_key_is_a_key_authorization_failure() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let stranger = signer(KeyType::Ed25519);
    // kid names the university's key, jwk is the stranger's (who signed).
    let jwt = sign(
        json!({"typ": "JWT", "jwk": public_jwk(&stranger), "kid": university.verification_method()}),
        &ob_payload(university.did()),
        &stranger,
    );
    let (check, _, detail) = only_failure(&jwt, &resolver);
    assert_eq!(check, Check::KeyAuthorization);
    assert!(detail.contains("is not the key of"), "{detail}");
}

#[test]
fn a_jwk_header_with_a_private_key_is_refused() {
    let resolver = StatelessResolver::new();
    let secret = SecretKey::generate(KeyType::Ed25519).unwrap();
    let private_jwk = serde_json::to_value(secret.to_jwk()).unwrap();
    assert!(private_jwk.get("d").is_some());
    let university = KeySigner::did_key(secret).unwrap();
    let jwt = sign(
        json!({"typ": "JWT", "jwk": private_jwk}),
        &ob_payload(university.did()),
        &university,
    );
    let (check, _, detail) = only_failure(&jwt, &resolver);
    assert_eq!(check, Check::KeyAuthorization);
    assert!(detail.contains("private key"), "{detail}");
}

#[test]
fn a_jwk_header_must_be_the_supplied_key() {
    let university = signer(KeyType::Ed25519);
    let stranger = signer(KeyType::Ed25519);
    let jwt = sign(
        json!({"typ": "JWT", "jwk": public_jwk(&stranger)}),
        &ob_payload(university.did()),
        &university,
    );
    let key = university.public_key();
    let err = block(verify_vc_jwt(
        &jwt,
        KeySource::Key(&key),
        &xinlian_vc::jose::JwtVerifyOptions {
            now: Some(1_800_000_000),
            ..Default::default()
        },
    ))
    .unwrap_err();
    assert!(matches!(&err, Error::Jwt { .. }), "{err:?}");
    assert!(err.to_string().contains("header jwk is not the key"), "{err}");
}

#[test]
fn open_badges_3_0_2_vc_jwt_with_a_vc_1_1_payload_verifies() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let jwt = sign(
        json!({"typ": "JWT", "kid": university.verification_method()}),
        &ob_v11_payload(university.did()),
        &university,
    );
    let verified = block(verify_vc_jwt(
        &jwt,
        KeySource::Resolver(&resolver),
        &xinlian_vc::jose::JwtVerifyOptions {
            now: Some(1_800_000_000),
            ..Default::default()
        },
    ))
    .unwrap();
    assert_eq!(verified.format, CredentialJwtFormat::Vc11PayloadJwt);
    let (report, _) = block(verify_vc_jwt_report(&jwt, KeySource::Resolver(&resolver), &policy()));
    assert!(report.verified(), "{:?}", report.checks);
}

#[test]
fn a_vc_1_1_payload_under_typ_vc_jwt_is_a_structure_failure() {
    // vc+jwt promises a VC 2.0 payload (VC-JOSE-COSE).
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let jwt = sign(
        json!({"typ": "vc+jwt", "kid": university.verification_method()}),
        &ob_v11_payload(university.did()),
        &university,
    );
    let (check, _, detail) = only_failure(&jwt, &resolver);
    assert_eq!(check, Check::Structure);
    assert!(
        detail.contains("must start with https://www.w3.org/ns/credentials/v2"),
        "{detail}"
    );
}

#[test]
fn an_open_badges_vc_jwt_whose_iss_is_not_the_issuer_is_a_structure_failure() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let mut payload = ob_payload(university.did());
    payload.insert("iss".into(), json!("did:example:someone-else"));
    let jwt = sign(
        json!({"typ": "JWT", "kid": university.verification_method()}),
        &payload,
        &university,
    );
    let (check, _, detail) = only_failure(&jwt, &resolver);
    assert_eq!(check, Check::Structure);
    assert!(detail.contains("claim iss"), "{detail}");
}

#[test]
fn an_unknown_typ_is_still_refused() {
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::Ed25519);
    let jwt = sign(
        json!({"typ": "sd-jwt", "kid": university.verification_method()}),
        &ob_payload(university.did()),
        &university,
    );
    let (check, _, detail) = only_failure(&jwt, &resolver);
    assert_eq!(check, Check::Structure);
    assert!(detail.contains("expected \"vc+jwt\", \"JWT\" or none"), "{detail}");
}

#[test]
fn verify_any_takes_an_open_badges_vc_jwt_with_a_jwk_header() {
    // The path `registrar verify` and the verifier example use.
    let resolver = StatelessResolver::new();
    let university = signer(KeyType::P256);
    let jwt = sign(
        json!({"typ": "JWT", "jwk": public_jwk(&university)}),
        &ob_payload(university.did()),
        &university,
    );
    let report = block(xinlian_vc::verify::verify_any(&jwt, &resolver, &policy())).unwrap();
    assert!(report.verified(), "{:?}", report.checks);
    assert!(
        report.outcomes(Check::Proof).any(|c| c.detail.contains("ES256")),
        "{:?}",
        report.checks
    );
}
