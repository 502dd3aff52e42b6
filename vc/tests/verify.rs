//! Credential and presentation verification: every check passes on a good
//! credential, and each kind of tampering fails the check it should.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use serde_json::{Map, Value, json};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use xinlian_did_core::{KeyType, Relationship, SecretKey, StatelessResolver};
use xinlian_vc::proof::ProofOptions;
use xinlian_vc::records::diploma::{DegreeType, Diploma};
use xinlian_vc::status::{
    BitstringStatusList, StaticStatusLists, StatusListEntry, StatusPurpose, status_list_credential,
};
use xinlian_vc::verify::{StaticSchemas, codes};
use xinlian_vc::{
    Check, Credential, KeySigner, Outcome, Policy, Presentation, Signer, VerificationReport, add_proof,
    verify_credential, verify_presentation,
};

const STATUS_URL: &str = "https://uni.example/status/1";
const SCHEMA_URL: &str = "https://uni.example/schemas/diploma.json";

fn now() -> OffsetDateTime {
    datetime!(2026-01-01 00:00 UTC)
}

fn signer(seed: u8, key_type: KeyType) -> KeySigner {
    let len = if key_type == KeyType::P384 { 48 } else { 32 };
    KeySigner::did_key(SecretKey::from_bytes(key_type, &vec![seed; len]).unwrap()).unwrap()
}

fn university() -> KeySigner {
    signer(1, KeyType::Ed25519)
}

fn student() -> KeySigner {
    signer(2, KeyType::Ed25519)
}

fn unsigned_diploma(issuer: &str) -> Credential {
    Diploma::builder()
        .student(student().did(), "Alice Zhang")
        .degree(DegreeType::Bachelor, "Bachelor of Science")
        .major("Computer Science")
        .graduated(date!(2025 - 06 - 30))
        .issuer(issuer, "Example University")
        .valid_from(datetime!(2025-07-01 09:00 UTC))
        .build()
        .unwrap()
}

fn sign_object(object: &Map<String, Value>, options: &ProofOptions, signer: &dyn Signer) -> Map<String, Value> {
    pollster::block_on(add_proof(object, options, signer)).unwrap()
}

fn sign(credential: &Credential, signer: &dyn Signer) -> Credential {
    let options = ProofOptions::new().created(datetime!(2025-07-01 09:00 UTC));
    Credential::from_value(Value::Object(sign_object(credential.as_object(), &options, signer))).unwrap()
}

fn diploma() -> Credential {
    let uni = university();
    sign(&unsigned_diploma(uni.did()), &uni)
}

fn verify(credential: &Credential, policy: &Policy) -> VerificationReport {
    pollster::block_on(verify_credential(credential, &StatelessResolver::new(), policy))
}

fn policy() -> Policy {
    Policy::new().at(now())
}

/// Re-parses a credential after editing its JSON.
fn edit(credential: &Credential, f: impl FnOnce(&mut Value)) -> Credential {
    let mut value = credential.to_value();
    f(&mut value);
    Credential::from_value(value).unwrap()
}

fn outcome(report: &VerificationReport, check: Check) -> Outcome {
    let outcomes: Vec<_> = report.outcomes(check).collect();
    assert!(!outcomes.is_empty(), "no {check} outcome in {report:#?}");
    if outcomes.iter().any(|o| o.outcome == Outcome::Failed) {
        Outcome::Failed
    } else {
        outcomes[0].outcome
    }
}

fn code(report: &VerificationReport, check: Check) -> String {
    report
        .outcomes(check)
        .find(|o| o.outcome == Outcome::Failed)
        .map(|o| o.code.clone())
        .unwrap_or_default()
}

/// The checks that failed, in order.
fn failed(report: &VerificationReport) -> Vec<Check> {
    let mut checks: Vec<Check> = report.failures().map(|c| c.check).collect();
    checks.dedup();
    checks
}

#[test]
fn an_issued_diploma_verifies() {
    let report = verify(&diploma(), &policy());
    assert!(report.verified(), "{report:#?}");
    for check in [
        Check::Structure,
        Check::Proof,
        Check::KeyAuthorization,
        Check::ValidityPeriod,
    ] {
        assert_eq!(outcome(&report, check), Outcome::Passed, "{check}");
    }
    // Not configured: reported as skipped, not silently passed.
    for check in [Check::Status, Check::Schema, Check::Trust] {
        assert_eq!(outcome(&report, check), Outcome::Skipped, "{check}");
    }
}

#[test]
fn the_report_serializes_as_the_cli_prints_it() {
    let report = verify(&diploma(), &policy());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["verified"], Value::Bool(true));
    let first = &json["checks"][0];
    assert_eq!(first["check"], "structure");
    assert_eq!(first["outcome"], "passed");
    assert_eq!(first["code"], "OK");
    assert!(first["detail"].as_str().unwrap().contains("VC Data Model"));
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["check", "outcome", "code", "detail"]);
    assert_eq!(report.to_json(), json);
}

#[test]
fn ecdsa_p256_and_p384_issuers_verify_too() {
    for key_type in [KeyType::P256, KeyType::P384] {
        let uni = signer(3, key_type);
        let credential = sign(&unsigned_diploma(uni.did()), &uni);
        assert_eq!(credential.proofs()[0]["cryptosuite"], "ecdsa-jcs-2019");
        let report = verify(&credential, &policy());
        assert!(report.verified(), "{key_type}: {report:#?}");
    }
}

#[test]
fn tampered_claim_fails_the_proof() {
    let tampered = edit(&diploma(), |v| {
        v["credentialSubject"]["name"] = json!("Mallory");
    });
    let report = verify(&tampered, &policy());
    assert_eq!(failed(&report), [Check::Proof]);
    assert_eq!(code(&report, Check::Proof), codes::PROOF_VERIFICATION_ERROR);
    assert_eq!(outcome(&report, Check::KeyAuthorization), Outcome::Passed);
}

#[test]
fn tampered_validity_fails_the_proof() {
    let tampered = edit(&diploma(), |v| {
        v["validUntil"] = json!("2099-01-01T00:00:00Z");
    });
    assert_eq!(failed(&verify(&tampered, &policy())), [Check::Proof]);
}

#[test]
fn tampered_proof_value_fails_the_proof() {
    let original = diploma();
    let tampered = edit(&original, |v| {
        let pv = v["proof"]["proofValue"].as_str().unwrap().to_owned();
        // Change one base58 character in the middle of the signature.
        let mut chars: Vec<char> = pv.chars().collect();
        let i = chars.len() / 2;
        chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
        v["proof"]["proofValue"] = json!(chars.into_iter().collect::<String>());
    });
    let report = verify(&tampered, &policy());
    assert_eq!(failed(&report), [Check::Proof]);

    let garbage = edit(&original, |v| v["proof"]["proofValue"] = json!("not multibase"));
    let report = verify(&garbage, &policy());
    assert_eq!(failed(&report), [Check::Proof]);
    assert_eq!(code(&report, Check::Proof), codes::MALFORMED_VALUE_ERROR);
}

#[test]
fn tampered_proof_options_fail_the_proof() {
    let tampered = edit(&diploma(), |v| v["proof"]["created"] = json!("2025-07-01T09:00:01Z"));
    assert_eq!(failed(&verify(&tampered, &policy())), [Check::Proof]);

    let unknown_suite = edit(&diploma(), |v| v["proof"]["cryptosuite"] = json!("eddsa-jcs-2099"));
    let report = verify(&unknown_suite, &policy());
    assert_eq!(failed(&report), [Check::Proof]);
    assert!(report.failures().any(|c| c.detail.contains("eddsa-jcs-2099")));

    let wrong_type = edit(&diploma(), |v| v["proof"]["type"] = json!("Ed25519Signature2020"));
    assert_eq!(failed(&verify(&wrong_type, &policy())), [Check::Proof]);
}

#[test]
fn swapped_key_fails_proof_and_key_authorization() {
    // The proof claims another key: the signature no longer matches, and
    // the key does not belong to the issuer.
    let mallory = signer(9, KeyType::Ed25519);
    let tampered = edit(&diploma(), |v| {
        v["proof"]["verificationMethod"] = json!(mallory.verification_method());
    });
    let report = verify(&tampered, &policy());
    assert_eq!(failed(&report), [Check::Proof, Check::KeyAuthorization]);
    assert!(
        report
            .failures()
            .any(|c| c.check == Check::KeyAuthorization && c.detail.contains(mallory.did()))
    );
}

#[test]
fn signed_by_someone_else_fails_key_authorization_only() {
    let uni = university();
    let mallory = signer(9, KeyType::Ed25519);
    // A valid signature, but by a key that is not the issuer's.
    let forged = sign(&unsigned_diploma(uni.did()), &mallory);
    let report = verify(&forged, &policy());
    assert_eq!(failed(&report), [Check::KeyAuthorization]);
    assert_eq!(
        code(&report, Check::KeyAuthorization),
        codes::INVALID_VERIFICATION_METHOD
    );
}

#[test]
fn changed_issuer_fails() {
    let mallory = signer(9, KeyType::Ed25519);
    let tampered = edit(&diploma(), |v| v["issuer"]["id"] = json!(mallory.did()));
    let report = verify(&tampered, &policy());
    assert_eq!(failed(&report), [Check::Proof, Check::KeyAuthorization]);
}

#[test]
fn verification_method_not_in_the_document_fails_key_authorization() {
    let uni = university();
    let tampered = edit(&diploma(), |v| {
        v["proof"]["verificationMethod"] = json!(format!("{}#other-key", uni.did()));
    });
    let report = verify(&tampered, &policy());
    assert!(report.failed(Check::KeyAuthorization));
    assert_eq!(
        code(&report, Check::KeyAuthorization),
        codes::INVALID_VERIFICATION_METHOD
    );

    let not_a_url = edit(&diploma(), |v| {
        v["proof"]["verificationMethod"] = json!("https://example.com/key")
    });
    let report = verify(&not_a_url, &policy());
    assert_eq!(
        code(&report, Check::KeyAuthorization),
        codes::INVALID_VERIFICATION_METHOD_URL
    );
}

#[test]
fn wrong_purpose_fails() {
    let uni = university();
    let options = ProofOptions::new()
        .created(datetime!(2025-07-01 09:00 UTC))
        .purpose(Relationship::Authentication);
    let signed = sign_object(unsigned_diploma(uni.did()).as_object(), &options, &uni);
    let credential = Credential::from_value(Value::Object(signed)).unwrap();
    let report = verify(&credential, &policy());
    assert_eq!(failed(&report), [Check::Proof]);
    assert!(report.failures().any(|c| c.detail.contains("proofPurpose")));
}

#[test]
fn unsigned_credential_fails_the_proof_check() {
    let report = verify(&unsigned_diploma(university().did()), &policy());
    assert_eq!(failed(&report), [Check::Proof]);
}

#[test]
fn expired_credential_fails_validity() {
    let uni = university();
    let mut value = unsigned_diploma(uni.did()).to_value();
    value["validUntil"] = json!("2025-12-31T00:00:00Z");
    let credential = sign(&Credential::from_value(value).unwrap(), &uni);
    let report = verify(&credential, &policy());
    assert_eq!(failed(&report), [Check::ValidityPeriod]);
    assert_eq!(code(&report, Check::ValidityPeriod), codes::EXPIRED);
    // The injectable clock: the same credential was fine a month earlier.
    assert!(verify(&credential, &Policy::new().at(datetime!(2025-12-01 00:00 UTC))).verified());
    // And within the clock skew.
    let skewed = Policy::new()
        .at(datetime!(2025-12-31 00:04 UTC))
        .clock_skew(Duration::minutes(5));
    assert!(verify(&credential, &skewed).verified());
}

#[test]
fn not_yet_valid_credential_fails_validity() {
    let report = verify(&diploma(), &Policy::new().at(datetime!(2025-06-01 00:00 UTC)));
    assert!(report.failed(Check::ValidityPeriod));
    assert_eq!(code(&report, Check::ValidityPeriod), codes::NOT_YET_VALID);
}

#[test]
fn proof_created_in_the_future_fails() {
    let uni = university();
    let options = ProofOptions::new().created(datetime!(2027-01-01 00:00 UTC));
    let signed = sign_object(unsigned_diploma(uni.did()).as_object(), &options, &uni);
    let report = verify(&Credential::from_value(Value::Object(signed)).unwrap(), &policy());
    assert_eq!(failed(&report), [Check::Proof]);
}

#[test]
fn expired_proof_fails() {
    let uni = university();
    let options = ProofOptions::new()
        .created(datetime!(2025-07-01 00:00 UTC))
        .expires(datetime!(2025-08-01 00:00 UTC));
    let signed = sign_object(unsigned_diploma(uni.did()).as_object(), &options, &uni);
    let report = verify(&Credential::from_value(Value::Object(signed)).unwrap(), &policy());
    assert_eq!(failed(&report), [Check::Proof]);
    assert!(report.failures().any(|c| c.detail.contains("expires")));
}

// ---- status ----

fn with_status(index: u64, purpose: StatusPurpose) -> Credential {
    let uni = university();
    let entry = StatusListEntry::new(purpose, index, STATUS_URL);
    let mut value = unsigned_diploma(uni.did()).to_value();
    value["credentialStatus"] = entry.to_value();
    sign(&Credential::from_value(value).unwrap(), &uni)
}

fn status_lists(set: &[u64], purpose: StatusPurpose, list_signer: &KeySigner) -> Arc<StaticStatusLists> {
    let mut list = BitstringStatusList::new(131_072).unwrap();
    for i in set {
        list.set(*i, true).unwrap();
    }
    let unsigned = status_list_credential(
        STATUS_URL,
        list_signer.did(),
        purpose,
        &list,
        datetime!(2025-07-01 00:00 UTC),
    )
    .unwrap();
    let signed = sign(&unsigned, list_signer);
    let mut lists = StaticStatusLists::new();
    lists.publish(signed).unwrap();
    Arc::new(lists)
}

#[test]
fn revoked_credential_fails_status() {
    let credential = with_status(42, StatusPurpose::Revocation);
    let lists = status_lists(&[42], StatusPurpose::Revocation, &university());
    let report = verify(&credential, &policy().status_fetcher(lists));
    assert_eq!(failed(&report), [Check::Status]);
    assert_eq!(code(&report, Check::Status), codes::REVOKED);
}

#[test]
fn unrevoked_credential_passes_status() {
    let credential = with_status(42, StatusPurpose::Revocation);
    let lists = status_lists(&[41, 43], StatusPurpose::Revocation, &university());
    let report = verify(&credential, &policy().status_fetcher(lists));
    assert!(report.verified(), "{report:#?}");
    assert_eq!(outcome(&report, Check::Status), Outcome::Passed);
}

#[test]
fn suspended_credential_fails_status() {
    let credential = with_status(7, StatusPurpose::Suspension);
    let lists = status_lists(&[7], StatusPurpose::Suspension, &university());
    let report = verify(&credential, &policy().status_fetcher(lists));
    assert_eq!(code(&report, Check::Status), codes::SUSPENDED);
}

#[test]
fn status_is_skipped_without_a_fetcher_and_fails_when_the_list_is_missing() {
    let credential = with_status(42, StatusPurpose::Revocation);
    let report = verify(&credential, &policy());
    assert_eq!(outcome(&report, Check::Status), Outcome::Skipped);
    assert!(
        report
            .outcomes(Check::Status)
            .next()
            .unwrap()
            .detail
            .contains("fetcher")
    );

    let empty = Arc::new(StaticStatusLists::new());
    let report = verify(&credential, &policy().status_fetcher(empty));
    assert_eq!(code(&report, Check::Status), codes::STATUS_RETRIEVAL_ERROR);
}

#[test]
fn a_status_list_with_a_bad_proof_fails_status() {
    let credential = with_status(42, StatusPurpose::Revocation);
    // Someone publishes an all-clear list in the issuer's name, signed with
    // another key.
    let mallory = signer(9, KeyType::Ed25519);
    let mut list = BitstringStatusList::new(131_072).unwrap();
    list.set(1, true).unwrap();
    let unsigned = status_list_credential(
        STATUS_URL,
        university().did(),
        StatusPurpose::Revocation,
        &list,
        datetime!(2025-07-01 00:00 UTC),
    )
    .unwrap();
    let mut lists = StaticStatusLists::new();
    lists.publish(sign(&unsigned, &mallory)).unwrap();
    let report = verify(&credential, &policy().status_fetcher(Arc::new(lists)));
    assert_eq!(code(&report, Check::Status), codes::STATUS_VERIFICATION_ERROR);
}

// ---- schema ----

fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "type": "object",
        "required": ["credentialSubject"],
        "properties": {
            "credentialSubject": {
                "type": "object",
                "required": ["id", "name", "achievement"],
                "properties": { "name": { "type": "string", "minLength": 1 } }
            }
        }
    })
}

fn with_schema(name: Value) -> Credential {
    let uni = university();
    let mut value = unsigned_diploma(uni.did()).to_value();
    value["credentialSchema"] = json!({ "id": SCHEMA_URL, "type": "JsonSchema" });
    value["credentialSubject"]["name"] = name;
    sign(&Credential::from_value(value).unwrap(), &uni)
}

#[test]
fn schema_pass_and_fail() {
    let loader = Arc::new(StaticSchemas::new().with(SCHEMA_URL, schema()));
    let good = verify(&with_schema(json!("Alice")), &policy().schema_loader(loader.clone()));
    assert!(good.verified(), "{good:#?}");
    assert_eq!(outcome(&good, Check::Schema), Outcome::Passed);

    let bad = verify(&with_schema(json!(42)), &policy().schema_loader(loader));
    assert_eq!(failed(&bad), [Check::Schema]);
    assert_eq!(code(&bad, Check::Schema), codes::SCHEMA_MISMATCH);
    assert!(
        bad.failures().any(|c| c.detail.contains("/credentialSubject/name")),
        "{bad:#?}"
    );
}

#[test]
fn schema_without_loader_is_skipped_with_a_note() {
    let report = verify(&with_schema(json!("Alice")), &policy());
    let schema = report.outcomes(Check::Schema).next().unwrap();
    assert_eq!(schema.outcome, Outcome::Skipped);
    assert!(schema.detail.contains("no schema loader"));
}

#[test]
fn unknown_or_invalid_schema_fails() {
    let empty = Arc::new(StaticSchemas::new());
    let report = verify(&with_schema(json!("Alice")), &policy().schema_loader(empty));
    assert_eq!(code(&report, Check::Schema), codes::SCHEMA_UNAVAILABLE);

    let broken = Arc::new(StaticSchemas::new().with(SCHEMA_URL, json!({ "type": 12 })));
    let report = verify(&with_schema(json!("Alice")), &policy().schema_loader(broken));
    assert_eq!(code(&report, Check::Schema), codes::SCHEMA_UNAVAILABLE);
}

// ---- presentations ----

const CHALLENGE: &str = "c0ffee-1234";
const DOMAIN: &str = "https://employer.example";

fn presentation(holder: &KeySigner, options: ProofOptions) -> Presentation {
    let vp = Presentation::builder()
        .holder(holder.did())
        .credential(diploma())
        .build()
        .unwrap();
    let options = options
        .created(datetime!(2025-12-31 23:00 UTC))
        .purpose(Relationship::Authentication);
    Presentation::from_value(Value::Object(sign_object(vp.as_object(), &options, holder))).unwrap()
}

fn vp_policy() -> Policy {
    policy().challenge(CHALLENGE).domain(DOMAIN).require_holder_binding()
}

fn verify_vp(vp: &Presentation, policy: &Policy) -> VerificationReport {
    pollster::block_on(verify_presentation(vp, &StatelessResolver::new(), policy))
}

#[test]
fn a_presentation_verifies() {
    let vp = presentation(&student(), ProofOptions::new().challenge(CHALLENGE).domain(DOMAIN));
    let report = verify_vp(&vp, &vp_policy());
    assert!(report.verified(), "{report:#?}");
    for check in [Check::Challenge, Check::Domain, Check::HolderBinding] {
        assert_eq!(outcome(&report, check), Outcome::Passed, "{check}");
    }
    // The embedded credential's checks are in the same report, prefixed.
    assert!(
        report
            .outcomes(Check::Proof)
            .any(|c| c.detail.starts_with("verifiableCredential[0]: "))
    );
}

#[test]
fn presentation_challenge_mismatch_fails_challenge() {
    let vp = presentation(&student(), ProofOptions::new().challenge("replayed").domain(DOMAIN));
    let report = verify_vp(&vp, &vp_policy());
    assert_eq!(failed(&report), [Check::Challenge]);
    assert_eq!(code(&report, Check::Challenge), codes::INVALID_CHALLENGE_ERROR);

    let none = presentation(&student(), ProofOptions::new().domain(DOMAIN));
    assert_eq!(failed(&verify_vp(&none, &vp_policy())), [Check::Challenge]);
}

#[test]
fn presentation_domain_mismatch_fails_domain() {
    let vp = presentation(
        &student(),
        ProofOptions::new().challenge(CHALLENGE).domain("https://evil.example"),
    );
    let report = verify_vp(&vp, &vp_policy());
    assert_eq!(failed(&report), [Check::Domain]);
    assert_eq!(code(&report, Check::Domain), codes::INVALID_DOMAIN_ERROR);
}

#[test]
fn presentation_by_someone_else_fails_holder_checks() {
    // Mallory presents Alice's diploma, naming herself as holder.
    let mallory = signer(9, KeyType::Ed25519);
    let vp = presentation(&mallory, ProofOptions::new().challenge(CHALLENGE).domain(DOMAIN));
    let report = verify_vp(&vp, &vp_policy());
    assert_eq!(failed(&report), [Check::HolderBinding]);
    // Without the binding requirement it is reported as skipped.
    let report = verify_vp(&vp, &policy().challenge(CHALLENGE).domain(DOMAIN));
    assert!(report.verified());
    assert_eq!(outcome(&report, Check::HolderBinding), Outcome::Skipped);
}

#[test]
fn presentation_signed_with_a_key_not_the_holders_fails_key_authorization() {
    let alice = student();
    let mallory = signer(9, KeyType::Ed25519);
    let vp = Presentation::builder()
        .holder(alice.did())
        .credential(diploma())
        .build()
        .unwrap();
    let options = ProofOptions::new()
        .created(datetime!(2025-12-31 23:00 UTC))
        .purpose(Relationship::Authentication)
        .challenge(CHALLENGE)
        .domain(DOMAIN);
    let vp = Presentation::from_value(Value::Object(sign_object(vp.as_object(), &options, &mallory))).unwrap();
    let report = verify_vp(&vp, &vp_policy());
    assert_eq!(failed(&report), [Check::KeyAuthorization]);
}

#[test]
fn presentation_with_assertion_purpose_fails_the_proof() {
    let alice = student();
    let vp = Presentation::builder()
        .holder(alice.did())
        .credential(diploma())
        .build()
        .unwrap();
    let options = ProofOptions::new()
        .created(datetime!(2025-12-31 23:00 UTC))
        .challenge(CHALLENGE)
        .domain(DOMAIN);
    let vp = Presentation::from_value(Value::Object(sign_object(vp.as_object(), &options, &alice))).unwrap();
    let report = verify_vp(&vp, &vp_policy());
    assert_eq!(failed(&report), [Check::Proof]);
}

#[test]
fn a_tampered_credential_inside_a_presentation_fails_with_its_prefix() {
    let alice = student();
    let tampered = edit(&diploma(), |v| v["credentialSubject"]["name"] = json!("Mallory"));
    let vp = Presentation::builder()
        .holder(alice.did())
        .credential(tampered)
        .build()
        .unwrap();
    let options = ProofOptions::new()
        .created(datetime!(2025-12-31 23:00 UTC))
        .purpose(Relationship::Authentication)
        .challenge(CHALLENGE)
        .domain(DOMAIN);
    let vp = Presentation::from_value(Value::Object(sign_object(vp.as_object(), &options, &alice))).unwrap();
    let report = verify_vp(&vp, &vp_policy());
    let failures: Vec<_> = report.failures().collect();
    assert_eq!(failures.len(), 1, "{report:#?}");
    assert_eq!(failures[0].check, Check::Proof);
    assert!(failures[0].detail.starts_with("verifiableCredential[0]: "));
}

// ---- robustness ----

/// Every value of the signed credential, replaced by values of every JSON
/// type: verification never panics, and never verifies a changed
/// credential (changes the data model refuses are skipped).
#[test]
fn no_change_anywhere_verifies_and_nothing_panics() {
    let original = diploma().to_value();
    let mut pointers = Vec::new();
    collect_pointers(&original, String::new(), &mut pointers);
    let replacements = [json!(null), json!(0), json!("x"), json!([]), json!({}), json!(true)];
    let mut tried = 0;
    for pointer in &pointers {
        for replacement in &replacements {
            let mut value = original.clone();
            let slot = value.pointer_mut(pointer).unwrap();
            if *slot == *replacement {
                continue;
            }
            *slot = replacement.clone();
            let Ok(credential) = Credential::from_value(value) else {
                continue;
            };
            tried += 1;
            let report = verify(&credential, &policy());
            assert!(!report.verified(), "changing {pointer} to {replacement} still verifies");
        }
    }
    assert!(tried > 50, "only {tried} variants were tried");
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                collect_pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                collect_pointers(v, p, out);
            }
        }
        _ => {}
    }
}

// ---- other DID methods ----

#[test]
fn a_did_jwk_issuer_resolves_through_the_resolver() {
    let secret = SecretKey::from_bytes(KeyType::P256, &[5u8; 32]).unwrap();
    let did = xinlian_did_core::method::jwk::did_for(&secret.public_key());
    let uni = KeySigner::new(secret, format!("{did}#0")).unwrap();
    let credential = sign(&unsigned_diploma(uni.did()), &uni);
    let report = verify(&credential, &policy());
    assert!(report.verified(), "{report:#?}");

    // A fragment the document does not have.
    let tampered = edit(&credential, |v| {
        v["proof"]["verificationMethod"] = json!(format!("{did}#1"))
    });
    let report = verify(&tampered, &policy());
    assert_eq!(
        code(&report, Check::KeyAuthorization),
        codes::INVALID_VERIFICATION_METHOD
    );
}

#[test]
fn an_unresolvable_issuer_fails_key_authorization() {
    let tampered = edit(&diploma(), |v| {
        v["proof"]["verificationMethod"] = json!("did:web:uni.example#key-1");
    });
    let report = verify(&tampered, &policy());
    assert!(report.failed(Check::KeyAuthorization));
    assert_eq!(
        code(&report, Check::KeyAuthorization),
        codes::INVALID_CONTROLLED_IDENTIFIER_DOCUMENT
    );
}
