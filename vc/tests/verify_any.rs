//! One verification entry point: Data Integrity JSON, vc+jwt and SD-JWT VC
//! all go through `verify_any` and get the same checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Map, Value, json};
use time::macros::datetime;
use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
use xinlian_vc::jose::{JwtIssueOptions, issue_vc_jwt};
use xinlian_vc::proof::ProofOptions;
use xinlian_vc::records::diploma::{DegreeType, Diploma};
use xinlian_vc::sd_jwt::SdJwtVcBuilder;
use xinlian_vc::trust::{TrustList, TrustListEntry};
use xinlian_vc::verify::{SecuredFormat, detect_format, verify_any};
use xinlian_vc::{Check, Credential, KeySigner, Outcome, Policy, add_proof};

fn signer(seed: u8) -> KeySigner {
    KeySigner::did_key(SecretKey::from_bytes(KeyType::Ed25519, &[seed; 32]).unwrap()).unwrap()
}

fn diploma(uni: &KeySigner) -> Credential {
    Diploma::builder()
        .student("did:example:alice", "Alice Zhang")
        .degree(DegreeType::Bachelor, "Bachelor of Science")
        .major("Computer Science")
        .issuer(uni.did(), "Example University")
        .valid_from(datetime!(2025-07-01 09:00 UTC))
        .build()
        .unwrap()
}

fn policy() -> Policy {
    Policy::new().at(datetime!(2026-01-01 00:00 UTC))
}

fn verify(input: &str, policy: &Policy) -> xinlian_vc::VerificationReport {
    pollster::block_on(verify_any(input, &StatelessResolver::new(), policy)).unwrap()
}

fn data_integrity(uni: &KeySigner) -> String {
    let options = ProofOptions::new().created(datetime!(2025-07-01 09:00 UTC));
    let signed = pollster::block_on(add_proof(diploma(uni).as_object(), &options, uni)).unwrap();
    serde_json::to_string(&Value::Object(signed)).unwrap()
}

fn jwt(uni: &KeySigner) -> String {
    let options = JwtIssueOptions {
        issued_at: Some(1_751_360_400),
        ..Default::default()
    };
    pollster::block_on(issue_vc_jwt(diploma(uni).as_object(), uni, &options)).unwrap()
}

fn sd_jwt(uni: &KeySigner) -> String {
    let mut claims = Map::new();
    claims.insert("degree".into(), json!("Bachelor of Science"));
    claims.insert("graduation_year".into(), json!(2025));
    claims.insert("birth_date".into(), json!("2003-02-01"));
    let builder = SdJwtVcBuilder::new("https://example.edu/vct/AchievementCredential", claims)
        .issued_at(1_751_360_400)
        .disclosable("/degree")
        .disclosable("/graduation_year")
        .disclosable("/birth_date");
    pollster::block_on(builder.issue(uni)).unwrap().to_string()
}

#[test]
fn every_format_is_detected_and_verifies() {
    let uni = signer(1);
    for (input, format) in [
        (data_integrity(&uni), SecuredFormat::DataIntegrity),
        (jwt(&uni), SecuredFormat::Jwt),
        (sd_jwt(&uni), SecuredFormat::SdJwt),
    ] {
        assert_eq!(detect_format(&input).unwrap(), format);
        let report = verify(&input, &policy());
        assert!(report.verified(), "{format:?}: {report:#?}");
        assert!(
            report.outcomes(Check::Proof).any(|o| o.outcome == Outcome::Passed),
            "{format:?}"
        );
        assert!(
            report.outcomes(Check::Status).next().is_some(),
            "{format:?} reports status"
        );
        assert!(
            report.outcomes(Check::Trust).next().is_some(),
            "{format:?} reports trust"
        );
    }
}

#[test]
fn tampering_fails_in_every_format() {
    let uni = signer(1);
    let di = data_integrity(&uni).replace("Bachelor of Science", "Doctor of Science");
    assert!(verify(&di, &policy()).failed(Check::Proof));

    let token = jwt(&uni);
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let sig = parts[2].clone();
    let first = if sig.starts_with('A') { "B" } else { "A" };
    let flipped = format!("{first}{}", sig.get(1..).unwrap());
    parts[2] = flipped;
    assert!(!verify(&parts.join("."), &policy()).verified());

    let sd = sd_jwt(&uni);
    let (jws, rest) = sd.split_once('~').unwrap();
    let other = sd_jwt(&signer(2));
    let (_, other_rest) = other.split_once('~').unwrap();
    // Disclosures from another issuance do not match this issuer's digests.
    assert_ne!(rest, other_rest);
    assert!(!verify(&format!("{jws}~{other_rest}"), &policy()).verified());
}

#[test]
fn garbage_is_an_input_error_and_bad_json_credentials_fail_structure() {
    let resolver = StatelessResolver::new();
    for garbage in ["", "hello", "a.b", "{not json"] {
        assert!(
            pollster::block_on(verify_any(garbage, &resolver, &policy())).is_err(),
            "{garbage:?}"
        );
    }
    let report = verify(
        r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}"#,
        &policy(),
    );
    assert!(report.failed(Check::Structure));
}

#[test]
fn a_trust_list_accredits_an_sd_jwt_vc_by_its_vct() {
    let uni = signer(1);
    let ministry = signer(20);
    let unsigned = TrustList::credential(
        "https://moe.example/trust",
        ministry.did(),
        &[TrustListEntry::new(uni.did(), ["AchievementCredential"])],
        datetime!(2025-01-01 00:00 UTC),
        None,
    )
    .unwrap();
    let signed = pollster::block_on(add_proof(
        unsigned.as_object(),
        &ProofOptions::new().created(datetime!(2025-01-01 00:00 UTC)),
        &ministry,
    ))
    .unwrap();
    let list_credential = Credential::from_value(Value::Object(signed)).unwrap();
    let list = pollster::block_on(TrustList::from_credential(
        &list_credential,
        &StatelessResolver::new(),
        ministry.did(),
        datetime!(2026-01-01 00:00 UTC),
    ))
    .unwrap();
    let policy = policy().trust_list(list).require_trust();
    let report = verify(&sd_jwt(&uni), &policy);
    assert!(report.verified(), "{report:#?}");
    let stranger = verify(&sd_jwt(&signer(3)), &policy);
    assert!(stranger.failed(Check::Trust));
}

#[cfg(feature = "jsonld")]
#[test]
fn add_proof_takes_the_rdfc_suites_and_verify_any_checks_them() {
    let uni = signer(1);
    let options = ProofOptions::new()
        .cryptosuite(xinlian_vc::Cryptosuite::EddsaRdfc2022)
        .created(datetime!(2025-07-01 09:00 UTC));
    let signed = pollster::block_on(add_proof(diploma(&uni).as_object(), &options, &uni)).unwrap();
    assert_eq!(signed["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    let text = serde_json::to_string(&Value::Object(signed)).unwrap();
    assert!(verify(&text, &policy()).verified());
    assert!(verify(&text.replace("Alice Zhang", "Mallory"), &policy()).failed(Check::Proof));
    // An Ed25519 key cannot make an ECDSA proof.
    let ecdsa = ProofOptions::new().cryptosuite(xinlian_vc::Cryptosuite::EcdsaRdfc2019);
    assert!(pollster::block_on(add_proof(diploma(&uni).as_object(), &ecdsa, &uni)).is_err());
}
