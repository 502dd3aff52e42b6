//! Regression tests for issue 11's verifier items: un-revocation through
//! another issuer's status list (item 1), fetches before the proof verified
//! and the one fetch deadline (item 3, library side), compromised keys and
//! the "as of" lookup (item 5), and enveloped credentials whose outer
//! fields nothing signs (item 7).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use xinlian_did_core::{
    Did, DidUrl, Document, DocumentMetadata, KeyType, Relationship, Resolution, ResolutionOptions, Resolver, SecretKey,
    Service, StatelessResolver, VerificationMethod,
};
use xinlian_vc::jose::{JwtIssueOptions, enveloped_credential, issue_vc_jwt, issue_vp_jwt};
use xinlian_vc::proof::{COMPROMISED_KEY_SERVICE, ProofOptions};
use xinlian_vc::sd_jwt::SdJwtVcBuilder;
use xinlian_vc::status::{
    BitstringStatusList, StaticStatusLists, StatusListEntry, StatusListFetcher, StatusPurpose, status_list_credential,
};
use xinlian_vc::verify::{SchemaLoader, codes, verify_any};
use xinlian_vc::{
    Check, Credential, KeySigner, Outcome, Policy, Presentation, VerificationReport, add_proof, verify_credential,
    verify_presentation,
};

const STATUS_URL: &str = "https://uni.example/status/1";

fn signer(seed: u8) -> KeySigner {
    KeySigner::did_key(SecretKey::from_bytes(KeyType::Ed25519, &[seed; 32]).unwrap()).unwrap()
}

fn university() -> KeySigner {
    signer(1)
}

fn other_institution() -> KeySigner {
    signer(9)
}

fn policy() -> Policy {
    Policy::new().at(datetime!(2026-01-01 00:00 UTC))
}

fn unsigned(issuer: &str, status: Option<StatusListEntry>) -> Credential {
    let mut value = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2025-07-01T09:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "degree": "Bachelor of Science"}
    });
    if let Some(entry) = status {
        value["credentialStatus"] = entry.to_value();
    }
    Credential::from_value(value).unwrap()
}

fn sign(credential: &Credential, signer: &KeySigner, created: OffsetDateTime) -> Credential {
    let options = ProofOptions::new().created(created);
    let signed = pollster::block_on(add_proof(credential.as_object(), &options, signer)).unwrap();
    Credential::from_value(Value::Object(signed)).unwrap()
}

fn revoked_entry() -> StatusListEntry {
    StatusListEntry::new(StatusPurpose::Revocation, 42, STATUS_URL)
}

/// A Data Integrity diploma by the university, with status index 42.
fn data_integrity() -> String {
    let uni = university();
    let credential = sign(
        &unsigned(uni.did(), Some(revoked_entry())),
        &uni,
        datetime!(2025-07-01 09:00 UTC),
    );
    serde_json::to_string(&credential.to_value()).unwrap()
}

fn vc_jwt() -> String {
    let uni = university();
    let options = JwtIssueOptions {
        issued_at: Some(1_751_360_400),
        ..Default::default()
    };
    let credential = unsigned(uni.did(), Some(revoked_entry()));
    pollster::block_on(issue_vc_jwt(credential.as_object(), &uni, &options)).unwrap()
}

fn sd_jwt() -> String {
    let uni = university();
    let mut claims = Map::new();
    claims.insert("degree".into(), json!("Bachelor of Science"));
    claims.insert("credentialStatus".into(), revoked_entry().to_value());
    let builder = SdJwtVcBuilder::new("https://uni.example/vct/Diploma", claims)
        .issued_at(1_751_360_400)
        .disclosable("/degree");
    pollster::block_on(builder.issue(&uni)).unwrap().to_string()
}

/// Every format of the same revoked-at-42 credential.
fn every_format() -> [(&'static str, String); 3] {
    [
        ("data integrity", data_integrity()),
        ("vc+jwt", vc_jwt()),
        ("sd-jwt", sd_jwt()),
    ]
}

/// A signed status list at [`STATUS_URL`], issued by `issuer` and signed by
/// `list_signer`, with `set` bits set.
fn status_list(issuer: &KeySigner, purpose: StatusPurpose, set: &[u64], edit: impl FnOnce(&mut Value)) -> Credential {
    let mut list = BitstringStatusList::new(131_072).unwrap();
    for i in set {
        list.set(*i, true).unwrap();
    }
    let unsigned = status_list_credential(
        STATUS_URL,
        issuer.did(),
        purpose,
        &list,
        datetime!(2025-07-01 00:00 UTC),
    )
    .unwrap();
    let mut value = unsigned.to_value();
    edit(&mut value);
    sign(
        &Credential::from_value(value).unwrap(),
        issuer,
        datetime!(2025-07-01 00:00 UTC),
    )
}

/// A fetcher over fixed lists that records every call and its deadline.
#[derive(Default)]
struct Recording {
    lists: StaticStatusLists,
    calls: AtomicUsize,
    deadlines: Mutex<Vec<Instant>>,
}

impl Recording {
    fn serving(list: Credential) -> Arc<Recording> {
        let mut lists = StaticStatusLists::new();
        lists.insert(STATUS_URL, list);
        Arc::new(Recording {
            lists,
            ..Recording::default()
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl StatusListFetcher for Recording {
    async fn fetch(&self, url: &str, deadline: Instant) -> xinlian_vc::Result<Credential> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.deadlines.lock().unwrap().push(deadline);
        self.lists.fetch(url, deadline).await
    }
}

#[async_trait]
impl SchemaLoader for Recording {
    async fn load(&self, id: &str, _deadline: Instant) -> xinlian_vc::Result<Value> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(xinlian_vc::Error::Fetch {
            url: id.to_owned(),
            reason: "no schemas here".into(),
        })
    }
}

fn verify(input: &str, policy: &Policy) -> VerificationReport {
    pollster::block_on(verify_any(input, &StatelessResolver::new(), policy)).unwrap()
}

fn status_codes(report: &VerificationReport) -> Vec<(Outcome, String)> {
    report
        .outcomes(Check::Status)
        .map(|o| (o.outcome, o.code.clone()))
        .collect()
}

// ---------------------------------------------------------------- item 1

#[test]
fn regression_status_list_signed_by_another_issuer_is_refused() {
    // Institution B's own, validly signed list with bit 42 clear, served at
    // the URL the university's revoked credential names.
    let foreign = status_list(&other_institution(), StatusPurpose::Revocation, &[], |_| {});
    for (format, input) in every_format() {
        let fetcher = Recording::serving(foreign.clone());
        let report = verify(&input, &policy().status_fetcher(fetcher.clone()));
        assert!(!report.verified(), "{format}: {report:#?}");
        assert_eq!(
            status_codes(&report),
            [(Outcome::Failed, codes::STATUS_LIST_ISSUER_MISMATCH.to_owned())],
            "{format}: {report:#?}"
        );
        assert_eq!(fetcher.calls(), 1, "{format}");
    }
}

#[test]
fn regression_status_list_of_an_allowed_federation_issuer_is_accepted_only_by_policy() {
    let federation = other_institution();
    let shared = status_list(&federation, StatusPurpose::Revocation, &[42], |_| {});
    for (format, input) in every_format() {
        let policy = policy()
            .status_fetcher(Recording::serving(shared.clone()))
            .allow_status_list_issuer(federation.did());
        let report = verify(&input, &policy);
        assert_eq!(
            status_codes(&report),
            [(Outcome::Failed, codes::REVOKED.to_owned())],
            "{format}: {report:#?}"
        );
    }
}

#[test]
fn regression_own_status_list_still_revokes_in_every_format() {
    let own = status_list(&university(), StatusPurpose::Revocation, &[42], |_| {});
    for (format, input) in every_format() {
        let report = verify(&input, &policy().status_fetcher(Recording::serving(own.clone())));
        assert_eq!(
            status_codes(&report),
            [(Outcome::Failed, codes::REVOKED.to_owned())],
            "{format}: {report:#?}"
        );
    }
}

#[test]
fn regression_status_list_purpose_mismatch_is_refused() {
    // The university's own suspension list (nothing suspended) served where
    // the revocation list should be.
    let suspension = status_list(&university(), StatusPurpose::Suspension, &[], |_| {});
    for (format, input) in every_format() {
        let report = verify(&input, &policy().status_fetcher(Recording::serving(suspension.clone())));
        assert_eq!(
            status_codes(&report),
            [(Outcome::Failed, codes::STATUS_PURPOSE_MISMATCH.to_owned())],
            "{format}: {report:#?}"
        );
    }
}

#[test]
fn regression_expired_or_not_yet_valid_status_list_is_refused() {
    let expired = status_list(&university(), StatusPurpose::Revocation, &[], |v| {
        v["validUntil"] = json!("2025-12-01T00:00:00Z");
    });
    let early = status_list(&university(), StatusPurpose::Revocation, &[], |v| {
        v["validFrom"] = json!("2026-02-01T00:00:00Z");
    });
    for list in [expired, early] {
        for (format, input) in every_format() {
            let report = verify(&input, &policy().status_fetcher(Recording::serving(list.clone())));
            assert_eq!(
                status_codes(&report),
                [(Outcome::Failed, codes::STATUS_LIST_VALIDITY_PERIOD.to_owned())],
                "{format}: {report:#?}"
            );
        }
    }
}

// ---------------------------------------------------------------- item 3

/// Each format with a broken signature (the last character of the JWS
/// signature, or a claim of the Data Integrity document, changed).
fn every_format_tampered() -> [(&'static str, String); 3] {
    let flip = |compact: String| {
        let (jws, rest) = compact
            .split_once('~')
            .map_or((compact.as_str(), None), |(j, r)| (j, Some(r)));
        let mut parts: Vec<String> = jws.split('.').map(str::to_owned).collect();
        let sig = parts[2].clone();
        let first = if sig.starts_with('A') { "B" } else { "A" };
        parts[2] = format!("{first}{}", &sig[1..]);
        match rest {
            Some(r) => format!("{}~{r}", parts.join(".")),
            None => parts.join("."),
        }
    };
    [
        (
            "data integrity",
            data_integrity().replace("Bachelor of Science", "Doctor of Science"),
        ),
        ("vc+jwt", flip(vc_jwt())),
        ("sd-jwt", flip(sd_jwt())),
    ]
}

#[test]
fn regression_nothing_is_fetched_before_the_proof_verifies() {
    let own = status_list(&university(), StatusPurpose::Revocation, &[], |_| {});
    for (format, input) in every_format_tampered() {
        let fetcher = Recording::serving(own.clone());
        let report = verify(
            &input,
            &policy().status_fetcher(fetcher.clone()).schema_loader(fetcher.clone()),
        );
        assert!(report.failed(Check::Proof), "{format}: {report:#?}");
        assert_eq!(fetcher.calls(), 0, "{format}: fetched before the proof verified");
        let status: Vec<_> = report.outcomes(Check::Status).collect();
        assert_eq!(status.len(), 1, "{format}: {report:#?}");
        assert_eq!(status[0].outcome, Outcome::Skipped, "{format}");
        assert!(status[0].detail.contains("not run"), "{format}: {}", status[0].detail);
    }
}

#[test]
fn regression_a_credential_with_a_schema_is_not_loaded_before_the_proof_verifies() {
    let uni = university();
    let mut value = unsigned(uni.did(), None).to_value();
    value["credentialSchema"] = json!({"id": "https://uni.example/schema.json", "type": "JsonSchema"});
    let signed = sign(
        &Credential::from_value(value).unwrap(),
        &uni,
        datetime!(2025-07-01 09:00 UTC),
    );
    let tampered = serde_json::to_string(&signed.to_value())
        .unwrap()
        .replace("Bachelor of Science", "Doctor of Science");
    let loader = Recording::serving(status_list(&uni, StatusPurpose::Revocation, &[], |_| {}));
    let report = verify(&tampered, &policy().schema_loader(loader.clone()));
    assert!(report.failed(Check::Proof));
    assert_eq!(loader.calls(), 0);
    let schema: Vec<_> = report.outcomes(Check::Schema).collect();
    assert_eq!(schema[0].outcome, Outcome::Skipped);
    assert!(schema[0].detail.contains("not run"), "{}", schema[0].detail);
}

#[test]
fn regression_a_presentation_whose_proof_fails_fetches_nothing_for_its_credentials() {
    let holder = signer(3);
    let credential = Credential::from_json(&data_integrity()).unwrap();
    let presentation = Presentation::builder()
        .holder(holder.did())
        .credential(credential)
        .build()
        .unwrap();
    // Signed by someone who is not the holder: key authorization fails.
    let options = ProofOptions::new()
        .purpose(Relationship::Authentication)
        .created(datetime!(2025-12-31 00:00 UTC));
    let signed = pollster::block_on(add_proof(presentation.as_object(), &options, &signer(4))).unwrap();
    let presentation = Presentation::from_value(Value::Object(signed)).unwrap();
    let fetcher = Recording::serving(status_list(&university(), StatusPurpose::Revocation, &[], |_| {}));
    let report = pollster::block_on(verify_presentation(
        &presentation,
        &StatelessResolver::new(),
        &policy().status_fetcher(fetcher.clone()),
    ));
    assert!(report.failed(Check::KeyAuthorization), "{report:#?}");
    assert_eq!(fetcher.calls(), 0);
}

#[test]
fn regression_every_fetch_of_one_verification_shares_one_deadline() {
    // Two status entries on two lists: two fetches, one deadline.
    let uni = university();
    let second_url = "https://uni.example/status/2";
    let mut value = unsigned(uni.did(), None).to_value();
    value["credentialStatus"] = json!([
        revoked_entry().to_value(),
        StatusListEntry::new(StatusPurpose::Suspension, 7, second_url).to_value(),
    ]);
    let credential = sign(
        &Credential::from_value(value).unwrap(),
        &uni,
        datetime!(2025-07-01 09:00 UTC),
    );
    let mut lists = StaticStatusLists::new();
    lists.insert(STATUS_URL, status_list(&uni, StatusPurpose::Revocation, &[], |_| {}));
    let mut suspension = BitstringStatusList::new(131_072).unwrap();
    suspension.set(7, false).unwrap();
    let second = status_list_credential(
        second_url,
        uni.did(),
        StatusPurpose::Suspension,
        &suspension,
        datetime!(2025-07-01 00:00 UTC),
    )
    .unwrap();
    lists.insert(second_url, sign(&second, &uni, datetime!(2025-07-01 00:00 UTC)));
    let fetcher = Arc::new(Recording {
        lists,
        ..Recording::default()
    });
    let started = Instant::now();
    let policy = policy()
        .status_fetcher(fetcher.clone())
        .fetch_deadline(Duration::from_secs(7));
    let report = pollster::block_on(verify_credential(&credential, &StatelessResolver::new(), &policy));
    assert!(report.verified(), "{report:#?}");
    let deadlines = fetcher.deadlines.lock().unwrap().clone();
    assert_eq!(deadlines.len(), 2);
    assert_eq!(deadlines[0], deadlines[1], "the fetches got different deadlines");
    assert!(deadlines[0] >= started + Duration::from_secs(7));
    assert!(deadlines[0] <= Instant::now() + Duration::from_secs(7));

    // A deadline that has passed fetches nothing more.
    let fetcher = Recording::serving(status_list(&uni, StatusPurpose::Revocation, &[], |_| {}));
    let policy = self::policy()
        .status_fetcher(fetcher.clone())
        .fetch_deadline(Duration::ZERO);
    let report = verify(&data_integrity(), &policy);
    assert_eq!(
        status_codes(&report),
        [(Outcome::Failed, codes::STATUS_RETRIEVAL_ERROR.to_owned())]
    );
    assert_eq!(fetcher.calls(), 0);
}

// ---------------------------------------------------------------- item 5

const WEB_DID: &str = "did:web:uni.example";

fn web_key(seed: u8) -> SecretKey {
    SecretKey::from_bytes(KeyType::Ed25519, &[seed; 32]).unwrap()
}

fn document_with(key_seed: u8, fragment: &str) -> Document {
    let did = Did::parse(WEB_DID).unwrap();
    let mut document = Document::new(did.clone());
    let url = DidUrl::parse(&format!("{WEB_DID}#{fragment}")).unwrap();
    let vm = VerificationMethod::multikey(&url, &did, &web_key(key_seed).public_key());
    document.add_verification_method(vm, &[Relationship::AssertionMethod]);
    document
}

/// A did:web whose key-1 was rotated out for key-2 at 2026-01-01; with
/// `compromised`, the current document announces key-1 as stolen.
struct Rotated {
    compromised: bool,
}

impl Rotated {
    const ROTATED_AT: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);
}

#[async_trait]
impl Resolver for Rotated {
    async fn resolve(&self, did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
        if did.as_str() != WEB_DID {
            return StatelessResolver::new().resolve_sync(did, options);
        }
        let historical = options
            .version_time
            .as_deref()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
            .is_some_and(|t| t < Self::ROTATED_AT);
        let document = if historical {
            document_with(11, "key-1")
        } else {
            let mut current = document_with(12, "key-2");
            if self.compromised {
                current.service.push(Service::new(
                    format!("{WEB_DID}#stolen-1"),
                    COMPROMISED_KEY_SERVICE,
                    web_key(11).public_key().to_multikey(),
                ));
            }
            current
        };
        Resolution::new(document, DocumentMetadata::default(), options)
    }
}

fn old_key_signer() -> KeySigner {
    KeySigner::new(web_key(11), format!("{WEB_DID}#key-1")).unwrap()
}

/// A credential signed by the rotated-out key, claiming a time before the
/// rotation, in both formats.
fn backdated_by_old_key() -> [(&'static str, String); 2] {
    let old = old_key_signer();
    let credential = unsigned(WEB_DID, None);
    let di = sign(&credential, &old, datetime!(2025-07-01 09:00 UTC));
    let options = JwtIssueOptions {
        issued_at: Some(datetime!(2025-07-01 09:00 UTC).unix_timestamp()),
        ..Default::default()
    };
    let jwt = pollster::block_on(issue_vc_jwt(credential.as_object(), &old, &options)).unwrap();
    [
        ("data integrity", serde_json::to_string(&di.to_value()).unwrap()),
        ("vc+jwt", jwt),
    ]
}

fn verify_with(resolver: &dyn Resolver, input: &str) -> VerificationReport {
    let policy = Policy::new().at(datetime!(2026-06-01 00:00 UTC));
    pollster::block_on(verify_any(input, resolver, &policy)).unwrap()
}

#[test]
fn regression_a_compromised_key_is_refused_even_for_backdated_proofs() {
    for (format, input) in backdated_by_old_key() {
        let report = verify_with(&Rotated { compromised: true }, &input);
        assert!(!report.verified(), "{format}: {report:#?}");
        let key: Vec<_> = report
            .outcomes(Check::KeyAuthorization)
            .map(|o| (o.outcome, o.code.as_str()))
            .collect();
        assert_eq!(
            key,
            [(Outcome::Failed, codes::COMPROMISED_KEY)],
            "{format}: {report:#?}"
        );
    }
}

#[test]
fn regression_an_ordinary_rotation_keeps_old_proofs_valid() {
    for (format, input) in backdated_by_old_key() {
        let report = verify_with(&Rotated { compromised: false }, &input);
        assert!(report.verified(), "{format}: {report:#?}");
    }
}

#[test]
fn regression_a_compromised_key_still_in_the_current_document_is_refused() {
    // The controller announced the key as stolen but has not removed it yet.
    struct StillListed;
    #[async_trait]
    impl Resolver for StillListed {
        async fn resolve(&self, _did: &Did, options: &ResolutionOptions) -> xinlian_did_core::Result<Resolution> {
            let mut document = document_with(11, "key-1");
            document.service.push(Service::new(
                format!("{WEB_DID}#stolen-1"),
                COMPROMISED_KEY_SERVICE,
                web_key(11).public_key().to_multikey(),
            ));
            Resolution::new(document, DocumentMetadata::default(), options)
        }
    }
    for (format, input) in backdated_by_old_key() {
        let report = verify_with(&StillListed, &input);
        assert!(
            report
                .outcomes(Check::KeyAuthorization)
                .any(|o| o.code == codes::COMPROMISED_KEY),
            "{format}: {report:#?}"
        );
    }
}

// ---------------------------------------------------------------- item 7

#[test]
fn regression_enveloped_credential_outer_fields_are_never_reported_as_verified() {
    let uni = university();
    let token = pollster::block_on(issue_vc_jwt(
        unsigned(uni.did(), None).as_object(),
        &uni,
        &JwtIssueOptions {
            issued_at: Some(1_751_360_400),
            ..Default::default()
        },
    ))
    .unwrap();
    // The bare envelope verifies: its content is the university's.
    let envelope = enveloped_credential(&token);
    let report = verify(&envelope.to_string(), &policy());
    assert!(report.verified(), "{report:#?}");

    // The same envelope claiming another issuer, subject and degree beside
    // the signed content is refused, not reported as verified.
    let mut dressed = envelope.clone();
    dressed["issuer"] = json!("did:web:harvard.edu");
    dressed["credentialSubject"] = json!({"id": "did:example:mallory", "degree": "Doctor of Medicine"});
    let report = verify(&dressed.to_string(), &policy());
    assert!(!report.verified(), "{report:#?}");
    let structure: Vec<_> = report.outcomes(Check::Structure).collect();
    assert_eq!(structure[0].outcome, Outcome::Failed);
    assert_eq!(structure[0].code, codes::MALFORMED_VALUE_ERROR);
    assert!(
        structure[0].detail.contains("credentialSubject"),
        "{}",
        structure[0].detail
    );
    assert!(structure[0].detail.contains("issuer"), "{}", structure[0].detail);
    assert!(!report.checks.iter().any(|c| c.outcome == Outcome::Passed));

    // Inside a presentation too: the enveloped credential is verified by its
    // content, and a dressed-up envelope fails.
    let holder = signer(3);
    let presentation = |credential: Value| {
        let vp = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": holder.did(),
            "verifiableCredential": [credential],
        });
        let options = ProofOptions::new()
            .purpose(Relationship::Authentication)
            .created(datetime!(2025-12-31 00:00 UTC));
        let signed = pollster::block_on(add_proof(vp.as_object().unwrap(), &options, &holder)).unwrap();
        serde_json::to_string(&Value::Object(signed)).unwrap()
    };
    let report = verify(&presentation(envelope), &policy());
    assert!(report.verified(), "{report:#?}");
    assert!(
        report
            .outcomes(Check::Proof)
            .any(|o| o.outcome == Outcome::Passed && o.detail.starts_with("envelopedCredential[0]")),
        "{report:#?}"
    );
    let report = verify(&presentation(dressed.clone()), &policy());
    assert!(!report.verified(), "{report:#?}");
    assert!(
        report
            .outcomes(Check::Structure)
            .any(|o| o.outcome == Outcome::Failed && o.detail.starts_with("envelopedCredential[0]")),
        "{report:#?}"
    );

    // And in a vp+jwt: the holder signs the envelope's surroundings, the
    // issuer does not; a dressed-up envelope fails the presentation.
    let vp_jwt = |credential: Value| {
        let vp = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": holder.did(),
            "verifiableCredential": [credential],
        });
        let options = JwtIssueOptions {
            issued_at: Some(1_767_000_000),
            ..Default::default()
        };
        pollster::block_on(issue_vp_jwt(vp.as_object().unwrap(), &holder, &options)).unwrap()
    };
    let report = verify(&vp_jwt(enveloped_credential(&token)), &policy());
    assert!(report.verified(), "{report:#?}");
    let report = verify(&vp_jwt(dressed), &policy());
    assert!(!report.verified(), "{report:#?}");
    assert!(
        report
            .outcomes(Check::Proof)
            .any(|o| o.outcome == Outcome::Failed && o.detail.contains("beside the enveloped credential")),
        "{report:#?}"
    );
}
