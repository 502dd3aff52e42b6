//! Open Badges 3.0 features of the `registrar` binary (issue 12): diplomas
//! that name the graduate by salted, hashed identifiers, and `verify
//! --context URL=FILE` for credentials with contexts Xinlian does not bundle.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use xinlian_did_core::{KeyType, SecretKey};
use xinlian_vc::KeySigner;
use xinlian_vc::jsonld::ContextLoader;
use xinlian_vc::proof::{ProofOptions, add_rdfc_proof};
use xinlian_vc::records::identity::identity_hash;

const BIN: &str = env!("CARGO_BIN_EXE_registrar");

fn registrar(home: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--home")
        .arg(home)
        .args(args)
        .env_remove("XINLIAN_HOME")
        .env_remove("XINLIAN_PASSPHRASE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn init_did_key(home: &Path) {
    ok(&registrar(
        home,
        &["init", "--name", "Example University", "--method", "key"],
    ));
}

fn issue(home: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "issue",
        "diploma",
        "--student-id",
        "2026-0042",
        "--name",
        "Li Wei",
        "--degree",
        "Bachelor of Science",
        "--major",
        "Physics",
        "--graduated",
        "2026-06-30",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    registrar(home, &args)
}

#[test]
fn issue_diploma_names_the_graduate_by_salted_hashes_instead_of_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    init_did_key(&home);
    for format in ["di-eddsa-jcs", "di-eddsa-rdfc"] {
        let file = dir.path().join(format!("{format}.json"));
        ok(&issue(
            &home,
            &file,
            &[
                "--hashed-email",
                "li.wei@example.edu",
                "--hash-student-id",
                "--salt",
                "Lw9b6kD2pQ",
                "--format",
                format,
            ],
        ));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("Li Wei"), "the name is in the diploma: {text}");
        let diploma: Value = serde_json::from_str(&text).unwrap();
        let ids = &diploma["credentialSubject"]["identifier"];
        assert_eq!(
            ids,
            &json!([
                {"type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
                 "identityHash": identity_hash("li.wei@example.edu", "Lw9b6kD2pQ"), "salt": "Lw9b6kD2pQ"},
                {"type": "IdentityObject", "identityType": "sisSourcedId", "hashed": true,
                 "identityHash": identity_hash("2026-0042", "Lw9b6kD2pQ"), "salt": "Lw9b6kD2pQ"}
            ]),
            "{format}"
        );
        // printf '%s' 'li.wei@example.eduLw9b6kD2pQ' | sha256sum
        assert_eq!(
            ids[0]["identityHash"],
            "sha256$fec4449d9b0829e670664e66b6c76aabf5c4a2e72cebbb7b32e2bba3a4ffbfaf"
        );
        let verified: Value =
            serde_json::from_str(&ok(&registrar(&home, &["verify", "--json", file.to_str().unwrap()]))).unwrap();
        assert_eq!(verified["verified"], true, "{format}: {verified:#}");
    }
}

#[test]
fn without_a_salt_each_hashed_diploma_gets_a_fresh_random_one() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    init_did_key(&home);
    let salts: Vec<Value> = ["2026-0042", "2026-0043"]
        .iter()
        .map(|id| {
            let file = dir.path().join(format!("{id}.json"));
            let out = registrar(
                &home,
                &[
                    "issue",
                    "diploma",
                    "--student-id",
                    id,
                    "--name",
                    "Li Wei",
                    "--degree",
                    "Bachelor of Science",
                    "--major",
                    "Physics",
                    "--graduated",
                    "2026-06-30",
                    "--hash-student-id",
                    "-o",
                    file.to_str().unwrap(),
                ],
            );
            ok(&out);
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            v["credentialSubject"]["identifier"][0]["salt"].clone()
        })
        .collect();
    assert_eq!(salts[0].as_str().map(str::len), Some(32), "{salts:?}");
    assert_ne!(salts[0], salts[1]);
}

#[test]
fn a_salt_without_a_hashed_identifier_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    init_did_key(&home);
    let file = dir.path().join("d.json");
    let out = issue(&home, &file, &["--salt", "abc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--salt needs"));
    let bad = issue(&home, &file, &["--hashed-email", "not-an-email"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an email address"));
    assert!(!file.exists());
}

#[test]
fn verify_takes_extra_contexts_from_files() {
    const ALUMNI: &str = "https://alumni.example.edu/contexts/v1";
    const DOC: &str = r#"{"@context": {"alumniOf": "https://schema.org/alumniOf"}}"#;
    let dir = tempfile::tempdir().unwrap();
    let ctx = dir.path().join("alumni.jsonld");
    std::fs::write(&ctx, DOC).unwrap();
    let signer = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", ALUMNI],
        "id": "urn:uuid:1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
        "type": ["VerifiableCredential"],
        "issuer": signer.did(),
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Example University"}
    });
    let loader = ContextLoader::new().with(ALUMNI, DOC).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let signed = runtime
        .block_on(add_rdfc_proof(
            credential.as_object().unwrap(),
            &ProofOptions::new(),
            &signer,
            &loader,
        ))
        .unwrap();
    let file = dir.path().join("alumni.json");
    std::fs::write(&file, Value::Object(signed).to_string()).unwrap();
    let home = dir.path().join("empty-home");
    let spec = format!("{ALUMNI}={}", ctx.display());

    let with = registrar(&home, &["verify", "--json", file.to_str().unwrap(), "--context", &spec]);
    let report: Value = serde_json::from_str(&ok(&with)).unwrap();
    assert_eq!(report["verified"], true, "{report:#}");

    let without = registrar(&home, &["verify", "--json", file.to_str().unwrap()]);
    assert_eq!(without.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&without.stdout).unwrap();
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "proof")
        .unwrap();
    assert_eq!(proof["outcome"], "failed");
    assert!(proof["detail"].as_str().unwrap().contains(ALUMNI), "{proof}");

    for bad in ["no-equals-sign", &format!("{ALUMNI}=/nonexistent/ctx.json")] {
        let out = registrar(&home, &["verify", file.to_str().unwrap(), "--context", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}
