//! Credential::from_json and Presentation::from_json on arbitrary text: no
//! panics, errors name a JSON pointer, and every accepted value survives a
//! round trip (in memory and through JSON text), its accessors work, and
//! verifying it (no network: a stateless resolver, a fixed clock) never
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use time::macros::datetime;
use xinlian_did_core::StatelessResolver;
use xinlian_vc::credential::datetime::format_date_time_stamp;
use xinlian_vc::{Credential, Error, Policy, Presentation, verify_credential, verify_presentation};

fn policy() -> Policy {
    let mut policy = Policy::new();
    policy.now = Some(datetime!(2026-01-01 00:00 UTC));
    policy
}

fn check_error(err: &Error, what: &str) {
    match err {
        Error::Structure { what: w, path, .. } => {
            assert_eq!(*w, what);
            assert!(path.starts_with('/'), "path {path:?} is not a JSON pointer");
        }
        other => panic!("{what} parse returned {other:?}"),
    }
}

fn check_credential(credential: &Credential) {
    let value = credential.to_value();
    assert_eq!(Credential::from_value(value.clone()).as_ref().ok(), Some(credential));
    let text = serde_json::to_string(credential).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Value>(&text).ok().as_ref(), Some(&value));
    assert_eq!(Credential::from_json(&text).as_ref().ok(), Some(credential), "{text}");
    assert!(credential.types().contains(&"VerifiableCredential"));
    assert!(!credential.subjects().is_empty());
    let _ = (
        credential.id(),
        credential.issuer_id(),
        credential.subject_ids(),
        credential.contexts(),
    );
    let _ = (credential.status_entries(), credential.schemas(), credential.proofs());
    assert!(!credential.without_proof().contains_key("proof"));
    for at in [credential.valid_from(), credential.valid_until()]
        .into_iter()
        .flatten()
    {
        let _ = format_date_time_stamp(at);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let resolver = StatelessResolver::new();

    match Credential::from_json(input) {
        Ok(credential) => {
            check_credential(&credential);
            let _ = pollster::block_on(verify_credential(&credential, &resolver, &policy()));
        }
        Err(e) => check_error(&e, "credential"),
    }

    match Presentation::from_json(input) {
        Ok(presentation) => {
            let value = presentation.to_value();
            assert_eq!(
                Presentation::from_value(value.clone()).as_ref().ok(),
                Some(&presentation)
            );
            let text = serde_json::to_string(&presentation).unwrap_or_default();
            assert_eq!(
                Presentation::from_json(&text).as_ref().ok(),
                Some(&presentation),
                "{text}"
            );
            assert!(presentation.types().contains(&"VerifiablePresentation"));
            let _ = (presentation.id(), presentation.holder(), presentation.proofs());
            for credential in presentation.credentials() {
                check_credential(credential);
            }
            assert!(!presentation.without_proof().contains_key("proof"));
            let _ = pollster::block_on(verify_presentation(&presentation, &resolver, &policy()));
        }
        Err(e) => check_error(&e, "presentation"),
    }
});
