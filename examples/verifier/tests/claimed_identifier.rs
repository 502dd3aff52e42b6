//! `verifier verify --claimed-identifier`: an employer checks that the
//! diploma names the email address or student number the applicant gave,
//! when the diploma carries only salted hashes of them (issue 12).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::{Command, Output};

use serde_json::Value;
use time::{Duration, OffsetDateTime};
use xinlian_did_core::{KeyType, SecretKey};
use xinlian_vc::records::diploma::{DegreeType, Diploma};
use xinlian_vc::records::identity::{EMAIL_ADDRESS, STUDENT_NUMBER};
use xinlian_vc::{KeySigner, ProofOptions, add_proof};

fn verifier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verifier"))
        .args(args)
        .output()
        .unwrap()
}

fn hashed_diploma(dir: &std::path::Path) -> std::path::PathBuf {
    let university = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let diploma = Diploma::builder()
        .student_hashed("did:example:li-wei", EMAIL_ADDRESS, "li.wei@example.edu", "Lw9b6kD2pQ")
        .hashed_identifier(STUDENT_NUMBER, "2026-0042", "Lw9b6kD2pQ")
        .degree(DegreeType::Bachelor, "Bachelor of Science")
        .issuer(university.did(), "Example University")
        .valid_from(OffsetDateTime::now_utc() - Duration::days(1))
        .build()
        .unwrap();
    let signed = pollster::block_on(add_proof(diploma.as_object(), &ProofOptions::new(), &university)).unwrap();
    let file = dir.join("diploma.json");
    std::fs::write(&file, Value::Object(signed).to_string()).unwrap();
    file
}

fn verify_claims(file: &std::path::Path, claims: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "verify",
        file.to_str().unwrap(),
        "--json",
        "--no-status",
        "--no-holder-binding",
    ];
    for c in claims {
        args.extend(["--claimed-identifier", c]);
    }
    let out = verifier(&args);
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}")),
    )
}

#[test]
fn a_claimed_email_and_student_number_match_the_hashed_identifiers() {
    let dir = tempfile::tempdir().unwrap();
    let file = hashed_diploma(dir.path());
    let (code, report) = verify_claims(&file, &["li.wei@example.edu", "2026-0042"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verified"], true);
    let claims = &report["claimedIdentifiers"];
    assert_eq!(claims[0]["matched"], true);
    assert_eq!(claims[0]["identityType"], "emailAddress");
    assert_eq!(claims[1]["matched"], true);
    assert_eq!(claims[1]["identityType"], "sisSourcedId");
}

#[test]
fn a_claimed_identifier_the_diploma_does_not_name_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let file = hashed_diploma(dir.path());
    let (code, report) = verify_claims(&file, &["li.wei@example.edu", "someone.else@example.edu"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verified"], false);
    assert_eq!(report["claimedIdentifiers"][0]["matched"], true);
    assert_eq!(report["claimedIdentifiers"][1]["matched"], false);
    // The signature itself is fine: only the identity claim failed.
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["outcome"] != "failed")
    );

    let text = verifier(&[
        "verify",
        file.to_str().unwrap(),
        "--no-status",
        "--no-holder-binding",
        "--claimed-identifier",
        "2026-0043",
    ]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("matches no identifier"), "{stdout}");
    assert!(stdout.trim_end().ends_with("NOT VERIFIED"), "{stdout}");
}
