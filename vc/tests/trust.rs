//! Trust lists: an accreditation authority accredits issuers for credential
//! types; the verifier's policy requires it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;
use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
use xinlian_vc::proof::ProofOptions;
use xinlian_vc::records::diploma::{DegreeType, Diploma};
use xinlian_vc::trust::{TrustList, TrustListEntry};
use xinlian_vc::verify::codes;
use xinlian_vc::{
    Check, Credential, Error, KeySigner, Outcome, Policy, VerificationReport, add_proof, verify_credential,
};

const LIST_ID: &str = "https://moe.example/trust/universities";

fn now() -> OffsetDateTime {
    datetime!(2026-01-01 00:00 UTC)
}

fn signer(seed: u8) -> KeySigner {
    KeySigner::did_key(SecretKey::from_bytes(KeyType::Ed25519, &[seed; 32]).unwrap()).unwrap()
}

fn ministry() -> KeySigner {
    signer(20)
}

fn university() -> KeySigner {
    signer(1)
}

fn sign(credential: &Credential, signer: &KeySigner) -> Credential {
    let options = ProofOptions::new().created(datetime!(2025-01-01 00:00 UTC));
    let signed = pollster::block_on(add_proof(credential.as_object(), &options, signer)).unwrap();
    Credential::from_value(Value::Object(signed)).unwrap()
}

fn diploma() -> Credential {
    let uni = university();
    let unsigned = Diploma::builder()
        .student("did:example:alice", "Alice Zhang")
        .degree(DegreeType::Bachelor, "Bachelor of Science")
        .issuer(uni.did(), "Example University")
        .valid_from(datetime!(2025-07-01 09:00 UTC))
        .build()
        .unwrap();
    sign(&unsigned, &uni)
}

fn diploma_types() -> Vec<String> {
    diploma()
        .types()
        .into_iter()
        .filter(|t| *t != "VerifiableCredential")
        .map(str::to_owned)
        .collect()
}

fn list_credential(entries: &[TrustListEntry]) -> Credential {
    let authority = ministry();
    let unsigned =
        TrustList::credential(LIST_ID, authority.did(), entries, datetime!(2025-01-01 00:00 UTC), None).unwrap();
    sign(&unsigned, &authority)
}

fn load(credential: &Credential) -> Result<TrustList, Error> {
    pollster::block_on(TrustList::from_credential(
        credential,
        &StatelessResolver::new(),
        ministry().did(),
        now(),
    ))
}

fn verify_with(entries: &[TrustListEntry]) -> VerificationReport {
    let list = load(&list_credential(entries)).unwrap();
    let policy = Policy::new().at(now()).trust_list(list).require_trust();
    pollster::block_on(verify_credential(&diploma(), &StatelessResolver::new(), &policy))
}

fn trust_outcome(report: &VerificationReport) -> (Outcome, String, String) {
    let o = report.outcomes(Check::Trust).next().unwrap();
    (o.outcome, o.code.clone(), o.detail.clone())
}

#[test]
fn an_accredited_issuer_passes_and_the_match_is_named() {
    let entries = [
        TrustListEntry::new("did:example:other-university", ["AchievementCredential"]),
        TrustListEntry::new(university().did(), diploma_types())
            .name("Example University")
            .valid(
                Some(datetime!(2025-01-01 00:00 UTC)),
                Some(datetime!(2030-01-01 00:00 UTC)),
            ),
    ];
    let report = verify_with(&entries);
    assert!(report.verified(), "{report:#?}");
    let (outcome, _, detail) = trust_outcome(&report);
    assert_eq!(outcome, Outcome::Passed);
    assert!(detail.contains(LIST_ID), "{detail}");
    assert!(detail.contains("entry 1"), "{detail}");
    assert!(detail.contains("Example University"), "{detail}");
}

#[test]
fn an_unknown_issuer_fails_trust() {
    let report = verify_with(&[TrustListEntry::new("did:example:other-university", diploma_types())]);
    assert_eq!(report.failures().map(|c| c.check).collect::<Vec<_>>(), [Check::Trust]);
    let (_, code, detail) = trust_outcome(&report);
    assert_eq!(code, codes::ISSUER_NOT_ACCREDITED);
    assert!(detail.contains("is not on trust list"), "{detail}");
}

#[test]
fn a_type_not_accredited_fails_trust() {
    let report = verify_with(&[TrustListEntry::new(university().did(), ["EmploymentCredential"])]);
    let (outcome, _, detail) = trust_outcome(&report);
    assert_eq!(outcome, Outcome::Failed);
    assert!(detail.contains("accredits [\"EmploymentCredential\"]"), "{detail}");
}

#[test]
fn an_expired_entry_fails_trust() {
    let entry = TrustListEntry::new(university().did(), diploma_types()).valid(
        Some(datetime!(2020-01-01 00:00 UTC)),
        Some(datetime!(2025-06-01 00:00 UTC)),
    );
    let report = verify_with(&[entry]);
    let (outcome, _, detail) = trust_outcome(&report);
    assert_eq!(outcome, Outcome::Failed);
    assert!(detail.contains("expired on 2025-06-01T00:00:00Z"), "{detail}");
}

#[test]
fn a_miss_is_a_warning_when_trust_is_not_required() {
    let list = load(&list_credential(&[])).unwrap();
    let policy = Policy::new().at(now()).trust_list(list);
    let report = pollster::block_on(verify_credential(&diploma(), &StatelessResolver::new(), &policy));
    assert!(report.verified());
    assert_eq!(trust_outcome(&report).0, Outcome::Warning);
}

#[test]
fn requiring_trust_without_lists_fails() {
    let policy = Policy::new().at(now()).require_trust();
    let report = pollster::block_on(verify_credential(&diploma(), &StatelessResolver::new(), &policy));
    assert!(report.failed(Check::Trust));
}

#[test]
fn a_list_from_another_authority_is_refused() {
    let impostor = signer(21);
    let unsigned = TrustList::credential(
        LIST_ID,
        impostor.did(),
        &[TrustListEntry::new(university().did(), diploma_types())],
        datetime!(2025-01-01 00:00 UTC),
        None,
    )
    .unwrap();
    let err = load(&sign(&unsigned, &impostor)).unwrap_err();
    assert!(err.to_string().contains("not by the trusted authority"), "{err}");
}

#[test]
fn a_list_signed_by_another_key_is_refused() {
    let impostor = signer(21);
    let unsigned = TrustList::credential(
        LIST_ID,
        ministry().did(),
        &[TrustListEntry::new(university().did(), diploma_types())],
        datetime!(2025-01-01 00:00 UTC),
        None,
    )
    .unwrap();
    let err = load(&sign(&unsigned, &impostor)).unwrap_err();
    assert!(err.to_string().contains("not by the authority"), "{err}");
}

#[test]
fn a_tampered_list_is_refused() {
    let good = list_credential(&[TrustListEntry::new("did:example:other", ["AchievementCredential"])]);
    let mut value = good.to_value();
    value["credentialSubject"]["accreditedIssuers"][0]["id"] = json!(university().did());
    let tampered = Credential::from_value(value).unwrap();
    let err = load(&tampered).unwrap_err();
    assert!(err.to_string().contains("does not verify"), "{err}");
}

#[test]
fn an_expired_list_is_refused() {
    let authority = ministry();
    let unsigned = TrustList::credential(
        LIST_ID,
        authority.did(),
        &[],
        datetime!(2024-01-01 00:00 UTC),
        Some(datetime!(2025-01-01 00:00 UTC)),
    )
    .unwrap();
    let signed = sign(&unsigned, &authority);
    let err = load(&signed).unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
}
