//! Outside input is bounded before anything walks it: size, nesting depth,
//! SD-JWT disclosures; and JSON objects never name a member twice.
//!
//! The crash inputs run on a thread with a 2 MiB stack (a tokio worker's),
//! where an unbounded recursion would abort the whole test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Map, Value, json};
use time::macros::datetime;
use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
use xinlian_vc::jose::{KeySource, sign_jwt};
use xinlian_vc::sd_jwt::{Disclosure, SD_ALG_SHA256, SD_JWT_VC_TYP, SdJwtVerifyOptions, verify_sd_jwt};
use xinlian_vc::verify::verify_any;
use xinlian_vc::{
    Credential, Cryptosuite, Error, KeySigner, Limit, Limits, Policy, Presentation, ProofOptions, Signer as _,
    add_proof,
};

const TWO_MIB: usize = 2 << 20;

/// Runs `f` on a thread with a 2 MiB stack; a stack overflow there aborts
/// the test binary, so getting a value back means no overflow.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(TWO_MIB)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Runs `f` on a thread with a large stack (for building inputs).
fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn throwaway_issuer() -> KeySigner {
    KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap()
}

/// A signed SD-JWT VC whose disclosures nest `levels` deep: either each
/// disclosure's value is `{"_sd": [digest of the next]}` (an object chain)
/// or `[{"...": digest of the next}]` (an array-element chain).
fn nested_sd_jwt(levels: usize, arrays: bool) -> String {
    let issuer = throwaway_issuer();
    let mut disclosures: Vec<Disclosure> = Vec::with_capacity(levels);
    let mut inner = Value::String("bottom".into());
    for _ in 0..levels {
        let d = if arrays {
            Disclosure::new(None, inner).unwrap()
        } else {
            Disclosure::new(Some("a"), inner).unwrap()
        };
        inner = if arrays {
            json!([{ "...": d.digest() }])
        } else {
            json!({ "_sd": [d.digest()] })
        };
        disclosures.push(d);
    }
    let mut payload = Map::new();
    payload.insert("iss".into(), json!(issuer.did()));
    payload.insert("iat".into(), json!(1_751_360_400));
    payload.insert("vct".into(), json!("https://example.edu/vct/Nested"));
    payload.insert("nest".into(), inner);
    payload.insert("_sd_alg".into(), json!(SD_ALG_SHA256));
    let mut header = Map::new();
    header.insert("kid".into(), json!(issuer.verification_method()));
    header.insert("typ".into(), json!(SD_JWT_VC_TYP));
    let jwt = pollster::block_on(sign_jwt(header, &payload, &issuer)).unwrap();
    let mut out = jwt;
    out.push('~');
    for d in disclosures.iter().rev() {
        out.push_str(d.as_str());
        out.push('~');
    }
    out
}

fn verify_nested(input: String, limits: Limits) -> Result<(), Error> {
    on_small_stack(move || {
        let options = SdJwtVerifyOptions {
            limits,
            ..SdJwtVerifyOptions::default()
        };
        let resolver = StatelessResolver::new();
        pollster::block_on(verify_sd_jwt(&input, KeySource::Resolver(&resolver), &options)).map(|_| ())
    })
}

/// Limits that let the crash inputs through to the reassembly, so that the
/// depth bound is the one that stops them.
fn all_but_depth() -> Limits {
    Limits {
        max_input_bytes: 64 << 20,
        max_disclosures: 100_000,
        ..Limits::default()
    }
}

#[test]
fn regression_sd_jwt_disclosures_nested_7000_deep_are_refused_not_a_stack_overflow() {
    let input = nested_sd_jwt(7_000, false);
    // By default the disclosure count stops it before any is decoded...
    let err = verify_nested(input.clone(), Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                limit: Limit::Disclosures,
                max: 1024,
                actual: Some(7_000),
                ..
            }
        ),
        "{err}"
    );
    // ...and with that raised, the depth bound stops the reassembly.
    let err = verify_nested(input, all_but_depth()).unwrap_err();
    let Error::LimitExceeded {
        what,
        limit: Limit::Depth,
        max: 32,
        path,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*what, "SD-JWT claims");
    assert_eq!(path, &format!("/nest{}", "/a".repeat(31)), "{err}");
}

#[test]
fn regression_sd_jwt_array_element_chain_30000_deep_is_refused_not_a_stack_overflow() {
    let input = nested_sd_jwt(30_000, true);
    let err = verify_nested(input.clone(), Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                limit: Limit::InputBytes | Limit::Disclosures,
                ..
            }
        ),
        "{err}"
    );
    let err = verify_nested(input, all_but_depth()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                limit: Limit::Depth,
                max: 32,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn sd_jwt_nested_to_the_depth_limit_verifies_on_a_small_stack() {
    // The payload is depth 1, "nest" adds one object per level: 31 levels
    // of disclosures reach depth 32 exactly.
    let input = nested_sd_jwt(31, false);
    verify_nested(input, Limits::default()).unwrap();
    let input = nested_sd_jwt(32, false);
    assert!(matches!(
        verify_nested(input, Limits::default()).unwrap_err(),
        Error::LimitExceeded {
            limit: Limit::Depth,
            ..
        }
    ));
}

#[test]
fn regression_sd_jwt_verified_through_verify_any_honours_the_policy_limits() {
    let input = nested_sd_jwt(2_000, false);
    let err = on_small_stack(move || {
        let policy = Policy::new().limits(all_but_depth());
        pollster::block_on(verify_any(&input, &StatelessResolver::new(), &policy)).map(|r| r.to_json())
    });
    // verify_any reports the refusal as a failed Structure check.
    let report = err.unwrap();
    let text = report.to_string();
    assert!(text.contains("nesting depth"), "{text}");
}

/// An unsigned-shape credential whose subject nests `depth` objects deep
/// in total (the credential object itself is depth 1).
fn nested_credential(issuer: &KeySigner, depth: usize) -> Map<String, Value> {
    // credential (1) > credentialSubject (2) > a (3) > ... > a (depth)
    let mut inner = json!({ "leaf": "x" });
    for _ in 3..depth {
        inner = json!({ "a": inner });
    }
    let mut subject = json!({ "id": "did:example:alice" });
    subject["a"] = inner;
    let credential = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            { "a": "https://example.org/vocab#a", "leaf": "https://example.org/vocab#leaf" }
        ],
        "type": ["VerifiableCredential"],
        "issuer": issuer.did(),
        "validFrom": "2025-07-01T09:00:00Z",
        "credentialSubject": subject,
    });
    credential.as_object().unwrap().clone()
}

fn rdfc_signed(depth: usize) -> String {
    signed(depth, Cryptosuite::EddsaRdfc2022)
}

fn signed(depth: usize, suite: Cryptosuite) -> String {
    on_big_stack(move || {
        let issuer = throwaway_issuer();
        let credential = nested_credential(&issuer, depth);
        let options = ProofOptions::new()
            .cryptosuite(suite)
            .created(datetime!(2025-07-01 09:00 UTC));
        let signed = pollster::block_on(add_proof(&credential, &options, &issuer)).unwrap();
        serde_json::to_string(&Value::Object(signed)).unwrap()
    })
}

#[test]
fn regression_maximally_nested_rdfc_credential_through_verify_any_is_refused_on_a_small_stack() {
    // 127 levels: as deep as serde_json parses at all.
    let input = rdfc_signed(127);
    let err = on_small_stack(move || {
        pollster::block_on(verify_any(&input, &StatelessResolver::new(), &Policy::new())).map(|r| r.to_json())
    })
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                what: "input",
                limit: Limit::Depth,
                max: 32,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn rdfc_credential_at_the_depth_limit_verifies_on_a_small_stack() {
    let input = rdfc_signed(32);
    let report = on_small_stack(move || {
        pollster::block_on(verify_any(
            &input,
            &StatelessResolver::new(),
            &Policy::new().at(datetime!(2026-01-01 00:00 UTC)),
        ))
        .unwrap()
    });
    assert!(report.verified(), "{}", report.to_json());
}

#[test]
fn regression_data_integrity_credential_with_a_leading_duplicate_issuer_is_refused() {
    let issuer = throwaway_issuer();
    let credential = nested_credential(&issuer, 3);
    let options = ProofOptions::new().created(datetime!(2025-07-01 09:00 UTC));
    let signed = pollster::block_on(add_proof(&credential, &options, &issuer)).unwrap();
    let text = serde_json::to_string(&Value::Object(signed)).unwrap();
    // The same text with a leading "issuer" before the real, signed one:
    // a first-key-wins reader would show Harvard as the issuer.
    let forged = text.replacen('{', r#"{"issuer":"did:web:harvard.edu","#, 1);
    let expected = |err: Error, what: &str| match err {
        Error::DuplicateKey { what: w, path, key } => {
            assert_eq!((w, path.as_str(), key.as_str()), (what, "", "issuer"));
        }
        other => panic!("{other}"),
    };
    let err = pollster::block_on(verify_any(&forged, &StatelessResolver::new(), &Policy::new())).unwrap_err();
    expected(err, "input");
    expected(Credential::from_json(&forged).unwrap_err(), "credential");
    let err = serde_json::from_str::<Credential>(&forged).unwrap_err();
    assert!(err.to_string().contains("duplicate member name \"issuer\""), "{err}");
    // The untouched credential still verifies.
    let report = pollster::block_on(verify_any(
        &text,
        &StatelessResolver::new(),
        &Policy::new().at(datetime!(2026-01-01 00:00 UTC)),
    ))
    .unwrap();
    assert!(report.verified(), "{}", report.to_json());
}

#[test]
fn regression_duplicate_keys_in_presentations_are_refused_with_their_pointer() {
    let text = r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],
        "verifiableCredential":[{"@context":["https://www.w3.org/ns/credentials/v2"],
        "type":["VerifiableCredential"],"issuer":"did:example:a","credentialSubject":{"id":"did:example:b",
        "id":"did:example:c"}}]}"#;
    let err = Presentation::from_json(text).unwrap_err();
    assert_eq!(
        err,
        Error::DuplicateKey {
            what: "presentation",
            path: "/verifiableCredential/0/credentialSubject".into(),
            key: "id".into(),
        }
    );
    assert!(err.to_string().contains("\"id\""), "{err}");
}

#[test]
fn regression_duplicate_keys_in_sd_jwt_disclosures_are_refused() {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"["salt","degree",{"k":1,"k":2}]"#);
    let err = Disclosure::parse(&encoded).unwrap_err().to_string();
    assert!(err.contains("duplicate member name \"k\""), "{err}");
}

#[test]
fn regression_50_mb_json_array_is_refused_by_size_before_parsing() {
    let input = format!("[{}0]", "0,".repeat(25 << 20));
    assert!(input.len() > 50 << 20);
    let started = std::time::Instant::now();
    let err = pollster::block_on(verify_any(&input, &StatelessResolver::new(), &Policy::new())).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                limit: Limit::InputBytes,
                max: 1_048_576,
                actual: Some(n),
                ..
            } if n == input.len()
        ),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    for err in [
        Credential::from_json(&input).unwrap_err(),
        Presentation::from_json(&input).unwrap_err(),
        xinlian_vc::sd_jwt::SdJwt::parse(&input).unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                Error::LimitExceeded {
                    limit: Limit::InputBytes,
                    ..
                }
            ),
            "{err}"
        );
    }
    // A higher limit is a choice the caller makes.
    let roomy = Limits {
        max_input_bytes: 64 << 20,
        ..Limits::default()
    };
    assert!(matches!(
        Credential::from_json_with_limits(&input, &roomy).unwrap_err(),
        Error::Structure { .. }
    ));
}

#[test]
fn credentials_built_in_memory_deeper_than_the_limit_are_refused() {
    let issuer = throwaway_issuer();
    let deep = nested_credential(&issuer, 200);
    let err = on_small_stack(move || Credential::from_value(Value::Object(deep)).map(|_| ()).unwrap_err());
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                limit: Limit::Depth,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn regression_rdfc_credential_nested_127_deep_verifies_on_a_small_stack_when_the_limits_allow_it() {
    // JSON-LD expansion took ~125 KiB of stack per level in a debug build:
    // 16 levels overflowed a 2 MiB thread. Deep documents are expanded on a
    // thread of their own, so even the deepest JSON serde_json parses
    // verifies when a caller raises the depth limit.
    let input = rdfc_signed(127);
    let report = on_small_stack(move || {
        let policy = Policy::new().at(datetime!(2026-01-01 00:00 UTC)).limits(Limits {
            max_depth: 127,
            ..Limits::default()
        });
        pollster::block_on(verify_any(&input, &StatelessResolver::new(), &policy)).unwrap()
    });
    assert!(report.verified(), "{}", report.to_json());
}

#[test]
fn jcs_credential_nested_127_deep_verifies_on_a_small_stack_when_the_limits_allow_it() {
    // Validation, JCS and the report walk the credential recursively too;
    // at the deepest JSON serde_json parses they stay within 2 MiB.
    let input = signed(127, Cryptosuite::EddsaJcs2022);
    let report = on_small_stack(move || {
        let policy = Policy::new().at(datetime!(2026-01-01 00:00 UTC)).limits(Limits {
            max_depth: 127,
            ..Limits::default()
        });
        pollster::block_on(verify_any(&input, &StatelessResolver::new(), &policy)).unwrap()
    });
    assert!(report.verified(), "{}", report.to_json());
}

#[test]
fn presentations_embedding_a_credential_deeper_than_the_limit_are_refused() {
    let issuer = throwaway_issuer();
    let deep = nested_credential(&issuer, 40);
    let presentation = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [deep],
    });
    let text = presentation.to_string();
    for err in [
        Presentation::from_value(presentation).unwrap_err(),
        Presentation::from_json(&text).unwrap_err(),
        pollster::block_on(verify_any(&text, &StatelessResolver::new(), &Policy::new())).unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                Error::LimitExceeded {
                    limit: Limit::Depth,
                    max: 32,
                    ..
                }
            ),
            "{err}"
        );
    }
}

/// A value nested `depth` arrays deep, and a way to drop it without
/// recursing (serde_json's `Drop` recurses once per level).
fn deep_array(depth: usize) -> Value {
    let mut v = Value::Null;
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

fn dismantle(mut v: Value) {
    while let Value::Array(mut items) = v {
        v = items.pop().unwrap_or(Value::Null);
    }
}

#[test]
fn signing_a_document_built_deeper_than_any_parsed_json_is_refused_on_a_small_stack() {
    let (proof_err, sd_err) = on_small_stack(|| {
        let issuer = throwaway_issuer();
        let mut credential = nested_credential(&issuer, 3);
        credential.insert("deep".into(), deep_array(20_000));
        let proof_err = pollster::block_on(add_proof(&credential, &ProofOptions::new(), &issuer)).unwrap_err();
        dismantle(credential.remove("deep").unwrap());
        // The builder owns its claims and drops them (serde_json's Drop
        // recurses), so these stay shallow enough to drop.
        let mut claims = Map::new();
        claims.insert("deep".into(), deep_array(500));
        let builder = xinlian_vc::sd_jwt::SdJwtVcBuilder::new("https://example.edu/vct/Deep", claims);
        let sd_err = pollster::block_on(builder.issue(&issuer)).unwrap_err();
        (proof_err, sd_err)
    });
    for err in [proof_err, sd_err] {
        assert!(
            matches!(
                err,
                Error::LimitExceeded {
                    limit: Limit::Depth,
                    max: 127,
                    ..
                }
            ),
            "{err}"
        );
    }
}
