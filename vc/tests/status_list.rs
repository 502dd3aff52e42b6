//! Bitstring Status List: the W3C vectors decode to the expected bits, the
//! test-suite list credentials are accepted or rejected as labelled, and an
//! issuer-to-verifier round trip works.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Value, json};
use time::macros::datetime;
use xinlian_vc::status::{
    AllocationStrategy, BitstringStatusList, MIN_STATUS_LIST_BITS, StaticStatusLists, StatusList, StatusListAllocator,
    StatusListEntry, StatusListFetcher, StatusPurpose, list_from_credential, status_list_credential,
    status_list_entries,
};
use xinlian_vc::{Credential, Error};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/bitstring-status-list")
}

fn read(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(vectors().join(file)).unwrap()).unwrap()
}

/// The test-suite list credentials have no issuer (their harness adds one).
fn with_issuer(mut value: Value) -> Value {
    if value.get("issuer").is_none() {
        value["issuer"] = json!("did:example:status-issuer");
    }
    value
}

#[test]
fn encoded_lists_decode_to_the_expected_bits() {
    let expected = read("expected-decoded-lists.json");
    for case in expected["lists"].as_array().unwrap() {
        let encoded = case["encodedList"].as_str().unwrap();
        let bits = case["decoded_bits"].as_u64().unwrap();
        let result = BitstringStatusList::decode(encoded);
        if !case["meets_spec_minimum_131072_bits"].as_bool().unwrap() {
            assert!(
                matches!(result, Err(Error::StatusList { .. })),
                "{encoded} is too short but decoded"
            );
            continue;
        }
        let list = result.unwrap();
        assert_eq!(list.len(), bits);
        let set: Vec<u64> = case["set_bit_indices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap())
            .collect();
        assert_eq!(list.count_set(), set.len() as u64);
        for index in &set {
            assert!(list.get(*index).unwrap(), "bit {index} should be set");
            assert!(!list.get(index + 1).unwrap());
        }
        // Re-encoding gives the spec's multibase form, which decodes the same.
        let again = BitstringStatusList::decode(&list.encode()).unwrap();
        assert_eq!(again, list);
        // The legacy form without the multibase prefix is read too.
        if let Some(bare) = encoded.strip_prefix('u') {
            assert_eq!(BitstringStatusList::decode(bare).unwrap(), list);
        }
    }
}

#[test]
fn spec_example_credentials_and_entries() {
    for file in [
        "spec-examples/status-list-credential-all-zero.json",
        "spec-examples/status-list-credential-all-zero-with-examples-context.json",
    ] {
        let credential = Credential::from_value(read(file)).unwrap();
        let (purpose, list) = list_from_credential(&credential).unwrap();
        assert_eq!(purpose, StatusPurpose::Revocation);
        assert_eq!(list.len(), MIN_STATUS_LIST_BITS);
        assert_eq!(list.count_set(), 0);
    }
    let revocable = Credential::from_value(read("spec-examples/revocable-credential-index-94567.json")).unwrap();
    let entries = status_list_entries(&revocable).unwrap();
    assert_eq!(
        entries,
        [StatusListEntry::new(
            StatusPurpose::Revocation,
            94567,
            "https://example.com/credentials/status/3"
        )]
    );
    let list = StatusList::from_credential(
        &Credential::from_value(read("spec-examples/status-list-credential-all-zero.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        list.status_of(&entries[0]).unwrap(),
        0,
        "the spec's list revokes nothing"
    );

    let two = Credential::from_value(read(
        "spec-examples/credential-with-revocation-and-suspension-entries.json",
    ))
    .unwrap();
    let entries = status_list_entries(&two).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].status_purpose, StatusPurpose::Suspension);
    assert_eq!(entries[1].status_list_index, 23452);
    // The revocation list does not answer for suspension.
    assert!(matches!(list.status_of(&entries[1]), Err(Error::StatusList { .. })));
}

#[test]
fn test_suite_list_credentials_are_accepted_or_rejected_as_labelled() {
    for (file, revoked, suspended) in [
        (
            "test-suite-fixtures/status-list-credentials/single-purpose-ok.json",
            true,
            None,
        ),
        (
            "test-suite-fixtures/status-list-credentials/multi-purpose-ok.json",
            true,
            Some(true),
        ),
    ] {
        let credential = Credential::from_value(with_issuer(read(file))).unwrap();
        let list = StatusList::from_credential(&credential).unwrap();
        let url = "https://w3c-ccg.github.io/vc-api/fixtures/credentials/status/x";
        let at = |purpose, index| list.status_of(&StatusListEntry::new(purpose, index, url));
        assert_eq!(at(StatusPurpose::Revocation, 201).unwrap() == 1, revoked, "{file}");
        assert_eq!(at(StatusPurpose::Revocation, 1).unwrap(), 0, "{file}");
        match suspended {
            Some(s) => assert_eq!(at(StatusPurpose::Suspension, 201).unwrap() == 1, s),
            None => assert!(at(StatusPurpose::Suspension, 201).is_err()),
        }
    }
    for (file, path) in [
        (
            "test-suite-fixtures/status-list-credentials/single-purpose-fail.json",
            Some("/credentialSubject/statusPurpose"),
        ),
        (
            "test-suite-fixtures/status-list-credentials/multi-purpose-fail.json",
            Some("/credentialSubject/statusPurpose/0"),
        ),
        (
            "test-suite-fixtures/status-list-credentials/short-encoded-list-fail.json",
            None,
        ),
    ] {
        let credential = Credential::from_value(with_issuer(read(file))).unwrap();
        match (StatusList::from_credential(&credential), path) {
            (Err(Error::Structure { path: p, .. }), Some(path)) => assert_eq!(p, path, "{file}"),
            (Err(Error::StatusList { .. }), None) => {}
            (other, _) => panic!("{file}: unexpected {other:?}"),
        }
    }
}

#[test]
fn test_suite_credentials_carry_parsable_entries() {
    for (file, purpose, index) in [
        ("should-be-revoked.json", StatusPurpose::Revocation, 201),
        ("should-be-suspended.json", StatusPurpose::Suspension, 201),
        ("sl-purpose-multi-ok.json", StatusPurpose::Revocation, 1),
        ("sl-purpose-single-ok.json", StatusPurpose::Revocation, 1),
        ("sl-date-expired-fail.json", StatusPurpose::Revocation, 201),
        ("sl-encoded-list-invalid-fail.json", StatusPurpose::Revocation, 201),
        ("sl-encoded-list-short-fail.json", StatusPurpose::Revocation, 201),
        ("sl-vc-type-missing-fail.json", StatusPurpose::Revocation, 201),
        ("sl-vc-type-wrong-fail.json", StatusPurpose::Revocation, 201),
    ] {
        let credential =
            Credential::from_value(with_issuer(read(&format!("test-suite-fixtures/credentials/{file}")))).unwrap();
        let entries = status_list_entries(&credential).unwrap();
        assert_eq!(entries.len(), 1, "{file}");
        assert_eq!(
            (entries[0].status_purpose, entries[0].status_list_index),
            (purpose, index),
            "{file}"
        );
        assert_eq!(entries[0].id, None);
    }
}

#[test]
fn list_credentials_of_the_wrong_type_are_rejected() {
    let mut value = read("spec-examples/status-list-credential-all-zero.json");
    value["type"] = json!(["VerifiableCredential"]);
    let err = StatusList::from_credential(&Credential::from_value(value).unwrap()).unwrap_err();
    assert!(
        matches!(err, Error::Structure { ref path, .. } if path == "/type"),
        "{err}"
    );

    let mut value = read("spec-examples/status-list-credential-all-zero.json");
    value["credentialSubject"]["type"] = json!("StatusList2021");
    let err = StatusList::from_credential(&Credential::from_value(value).unwrap()).unwrap_err();
    assert!(
        matches!(err, Error::Structure { ref path, .. } if path == "/credentialSubject/type"),
        "{err}"
    );

    let mut value = read("spec-examples/status-list-credential-all-zero.json");
    value["credentialSubject"]["encodedList"] = json!("not-a-list");
    let err = StatusList::from_credential(&Credential::from_value(value).unwrap()).unwrap_err();
    assert!(matches!(err, Error::StatusList { .. }), "{err}");
}

#[test]
fn malformed_entries_point_into_credential_status() {
    let mut value = read("spec-examples/credential-with-revocation-and-suspension-entries.json");
    value["credentialStatus"][1]["statusListIndex"] = json!("twelve");
    let credential = Credential::from_value(value).unwrap();
    let err = status_list_entries(&credential).unwrap_err();
    assert!(
        matches!(err, Error::Structure { ref path, .. } if path == "/credentialStatus/1/statusListIndex"),
        "{err}"
    );
}

#[test]
fn issue_revoke_publish_fetch_check() {
    let list_url = "https://uni.example/status/7";
    let mut allocator = StatusListAllocator::new(MIN_STATUS_LIST_BITS, AllocationStrategy::Random).unwrap();
    let entry = allocator.allocate_entry(list_url, StatusPurpose::Revocation).unwrap();
    let other = allocator.allocate_entry(list_url, StatusPurpose::Revocation).unwrap();
    assert_ne!(entry.status_list_index, other.status_list_index);

    let credential = Credential::builder()
        .issuer("did:web:uni.example")
        .valid_from(datetime!(2025-01-01 00:00 UTC))
        .subject(json!({"id": "did:example:alice", "degree": "BSc"}))
        .status(entry.clone())
        .build()
        .unwrap();
    assert_eq!(status_list_entries(&credential).unwrap(), std::slice::from_ref(&entry));

    let mut list = BitstringStatusList::new(MIN_STATUS_LIST_BITS).unwrap();
    list.set(entry.status_list_index, true).unwrap();
    let published = status_list_credential(
        list_url,
        "did:web:uni.example",
        StatusPurpose::Revocation,
        &list,
        datetime!(2025-02-01 00:00 UTC),
    )
    .unwrap();
    assert!(published.types().contains(&"BitstringStatusListCredential"));
    assert_eq!(published.subjects()[0]["id"], "https://uni.example/status/7#list");

    let mut lists = StaticStatusLists::new();
    lists.publish(published).unwrap();
    let fetched = pollster::block_on(lists.fetch(&entry.status_list_credential, std::time::Instant::now())).unwrap();
    let status = StatusList::from_credential(&fetched).unwrap();
    assert_eq!(status.status_of(&entry).unwrap(), 1);
    assert_eq!(status.status_of(&other).unwrap(), 0);

    let missing =
        pollster::block_on(lists.fetch("https://uni.example/status/8", std::time::Instant::now())).unwrap_err();
    assert!(matches!(missing, Error::Fetch { ref url, .. } if url == "https://uni.example/status/8"));
}

proptest! {
    #[test]
    fn encode_decode_round_trips(indexes in prop::collection::vec(0..MIN_STATUS_LIST_BITS * 2, 0..64)) {
        let mut list = BitstringStatusList::new(MIN_STATUS_LIST_BITS * 2).unwrap();
        for i in &indexes {
            list.set(*i, true).unwrap();
        }
        let encoded = list.encode();
        prop_assert!(encoded.starts_with('u'));
        prop_assert!(!encoded.contains('=') && !encoded.contains('+') && !encoded.contains('/'));
        let decoded = BitstringStatusList::decode(&encoded).unwrap();
        prop_assert_eq!(&decoded, &list);
        for i in &indexes {
            prop_assert!(decoded.get(*i).unwrap());
        }
    }

    #[test]
    fn decoding_arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = BitstringStatusList::decode(&text);
        let _ = BitstringStatusList::decode(&format!("u{text}"));
    }

    #[test]
    fn entries_round_trip(index in any::<u64>(), purpose in 0..4usize) {
        let purpose = [StatusPurpose::Revocation, StatusPurpose::Suspension, StatusPurpose::Message, StatusPurpose::Refresh][purpose];
        let entry = StatusListEntry::new(purpose, index, "https://example.com/sl/1");
        prop_assert_eq!(StatusListEntry::from_value(&entry.to_value()).unwrap(), entry);
    }
}
