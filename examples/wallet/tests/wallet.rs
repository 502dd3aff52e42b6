//! Drives the `wallet` binary with credentials issued in-process by a
//! did:key university, and checks its presentations with xinlian-vc.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use xinlian_did_core::{KeyType, PublicKey, SecretKey, StatelessResolver};
use xinlian_vc::jose::KeySource;
use xinlian_vc::records::diploma::{DegreeType, Diploma};
use xinlian_vc::sd_jwt::{KeyBindingCheck, SdJwtVcBuilder, SdJwtVerifyOptions, verify_sd_jwt};
use xinlian_vc::{Check, KeySigner, Policy, Presentation, ProofOptions, add_proof, verify_presentation};

struct Wallet {
    dir: tempfile::TempDir,
    did: String,
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wallet"))
        .arg("--wallet")
        .arg(dir.join("w"))
        .args(args)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn university() -> KeySigner {
    KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap()
}

impl Wallet {
    fn init() -> Wallet {
        let dir = tempfile::tempdir().unwrap();
        let out = run(dir.path(), &["init"]);
        assert_eq!(code(&out), 0, "{}", text(&out));
        let did = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        Wallet { dir, did }
    }

    fn run(&self, args: &[&str]) -> Output {
        run(self.dir.path(), args)
    }

    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn public_key(&self) -> PublicKey {
        PublicKey::from_multikey(self.did.trim_start_matches("did:key:")).unwrap()
    }

    fn diploma(&self, issuer: &KeySigner, subject: &str) -> String {
        let diploma = Diploma::builder()
            .student(subject, "Li Wei")
            .degree(DegreeType::Bachelor, "Bachelor of Science")
            .issuer(issuer.did(), "Example University")
            .valid_from(OffsetDateTime::now_utc() - Duration::days(1))
            .build()
            .unwrap();
        let signed = pollster::block_on(add_proof(diploma.as_object(), &ProofOptions::new(), issuer)).unwrap();
        serde_json::to_string_pretty(&signed).unwrap()
    }

    fn import(&self, name: &str, contents: &str) -> Output {
        let path = self.file(name, contents);
        self.run(&["--json", "import", path.to_str().unwrap()])
    }
}

#[test]
fn init_makes_a_private_key_file_once() {
    let wallet = Wallet::init();
    let holder = wallet.dir.path().join("w/holder.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&holder).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let record: Value = serde_json::from_str(&std::fs::read_to_string(&holder).unwrap()).unwrap();
    assert_eq!(record["did"], wallet.did.as_str());
    let did = wallet.run(&["did"]);
    assert_eq!(String::from_utf8_lossy(&did.stdout).trim(), wallet.did);
    let again = wallet.run(&["init"]);
    assert_eq!(code(&again), 2, "{}", text(&again));
}

#[test]
fn import_verifies_and_refuses_tampered_credentials() {
    let wallet = Wallet::init();
    let issuer = university();
    let good = wallet.diploma(&issuer, &wallet.did);
    let out = wallet.import("good.json", &good);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let row: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(row["localId"], "1");
    assert_eq!(row["verified"], true);
    // Importing the same credential again keeps one copy.
    let out = wallet.import("good-again.json", &good);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap()["localId"], "1");

    let mut tampered: Value = serde_json::from_str(&good).unwrap();
    tampered["credentialSubject"]["achievement"]["name"] = json!("Doctor of Everything");
    let tampered = serde_json::to_string(&tampered).unwrap();
    let out = wallet.import("bad.json", &tampered);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("does not verify"), "{}", text(&out));
    let list: Value = serde_json::from_slice(&wallet.run(&["--json", "list"]).stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    let path = wallet.file("bad.json", &tampered);
    let out = wallet.run(&["--json", "import", "--force", path.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let list: Value = serde_json::from_slice(&wallet.run(&["--json", "list"]).stdout).unwrap();
    assert_eq!(list[1]["verifiedOnImport"], false);

    let out = wallet.import("junk.json", "not a credential");
    assert_eq!(code(&out), 2);
}

#[test]
fn present_answers_the_challenge_with_holder_binding() {
    let wallet = Wallet::init();
    let issuer = university();
    assert_eq!(code(&wallet.import("d.json", &wallet.diploma(&issuer, &wallet.did))), 0);
    let vp_path = wallet.dir.path().join("vp.json");
    let out = wallet.run(&[
        "present",
        "--challenge",
        "c-42",
        "--domain",
        "employer.example",
        "--credential",
        "1",
        "-o",
        vp_path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let vp = Presentation::from_json(&std::fs::read_to_string(&vp_path).unwrap()).unwrap();
    assert_eq!(vp.holder(), Some(wallet.did.as_str()));
    assert_eq!(vp.proofs()[0]["proofPurpose"], "authentication");

    let resolver = StatelessResolver::new();
    let policy = Policy::new()
        .challenge("c-42")
        .domain("employer.example")
        .require_holder_binding();
    let report = pollster::block_on(verify_presentation(&vp, &resolver, &policy));
    assert!(report.verified(), "{:#}", report.to_json());
    assert!(
        report
            .outcomes(Check::HolderBinding)
            .all(|c| c.outcome == xinlian_vc::Outcome::Passed)
    );

    let replay = Policy::new().challenge("c-43").domain("employer.example");
    assert!(pollster::block_on(verify_presentation(&vp, &resolver, &replay)).failed(Check::Challenge));
}

#[test]
fn present_refuses_unknown_credentials_and_empty_wallets() {
    let wallet = Wallet::init();
    let out_path = wallet.dir.path().join("vp.json");
    let out = wallet.run(&[
        "present",
        "--challenge",
        "c",
        "--domain",
        "d",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let out = wallet.run(&[
        "present",
        "--challenge",
        "c",
        "--domain",
        "d",
        "--credential",
        "7",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(text(&out).contains("no credential \"7\""), "{}", text(&out));
}

#[test]
fn present_sd_discloses_only_degree_and_graduation_year() {
    let wallet = Wallet::init();
    let issuer = university();
    let claims = json!({
        "sub": wallet.did,
        "degree": "Bachelor of Science",
        "graduation_year": 2026,
        "birth_date": "2003-04-01",
        "grades": {"physics": "A", "chemistry": "B"},
    });
    let issued = pollster::block_on(
        SdJwtVcBuilder::new(
            "https://university.example/vct/diploma",
            claims.as_object().cloned().unwrap(),
        )
        .disclosable("/degree")
        .disclosable("/graduation_year")
        .disclosable("/birth_date")
        .disclosable("/grades")
        .holder_key(&wallet.public_key())
        .issue(&issuer),
    )
    .unwrap();
    let out = wallet.import("d.sd-jwt", &issued.to_string());
    assert_eq!(code(&out), 0, "{}", text(&out));

    let vp_path = wallet.dir.path().join("vp.sd-jwt");
    let out = wallet.run(&[
        "present-sd",
        "--credential",
        "1",
        "--disclose",
        "degree,graduation year",
        "--audience",
        "employer.example",
        "--nonce",
        "n-7",
        "-o",
        vp_path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let shown = std::fs::read_to_string(&vp_path).unwrap();
    let options = SdJwtVerifyOptions {
        key_binding: Some(KeyBindingCheck::new("employer.example", "n-7")),
        ..SdJwtVerifyOptions::default()
    };
    let resolver = StatelessResolver::new();
    let verified = pollster::block_on(verify_sd_jwt(&shown, KeySource::Resolver(&resolver), &options)).unwrap();
    assert_eq!(verified.claims["degree"], "Bachelor of Science");
    assert_eq!(verified.claims["graduation_year"], 2026);
    assert!(!verified.claims.contains_key("birth_date"));
    assert!(!verified.claims.contains_key("grades"));
    assert!(verified.holder_key.is_some());

    // A claim the credential does not hold is an error when nothing else is asked for.
    let out = wallet.run(&[
        "present-sd",
        "--credential",
        "1",
        "--disclose",
        "shoe size",
        "--audience",
        "a",
        "--nonce",
        "n",
        "-o",
        vp_path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", text(&out));
}

#[test]
fn import_warns_when_the_credential_is_for_someone_else() {
    let wallet = Wallet::init();
    let issuer = university();
    let out = wallet.import("other.json", &wallet.diploma(&issuer, "did:example:someone-else"));
    assert_eq!(code(&out), 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not this wallet's holder"),
        "{}",
        text(&out)
    );
}

/// A 50 MB file is refused by size, having read at most the limit + 1
/// bytes; the limit is the user's to raise.
#[test]
fn regression_import_refuses_a_50_mb_file_by_size() {
    let wallet = Wallet::init();
    let big = wallet.file("big.json", &format!("{{\"a\":[{}0]}}", "0,".repeat(25_000_000)));
    let started = std::time::Instant::now();
    let out = wallet.run(&["import", big.to_str().unwrap()]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        text(&out).contains("larger than the limit of 1048576 bytes") && text(&out).contains("--max-input-bytes"),
        "{}",
        text(&out)
    );
    let diploma = wallet.diploma(&university(), &wallet.did);
    let path = wallet.file("diploma.json", &diploma);
    let out = wallet.run(&["--max-input-bytes", "100", "import", path.to_str().unwrap()]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        text(&out).contains("larger than the limit of 100 bytes"),
        "{}",
        text(&out)
    );
    let out = wallet.run(&["import", path.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}
