//! Drives the `verifier` binary against credentials and presentations made
//! in-process with xinlian-vc (did:key issuer, holder and ministry).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use xinlian_did_core::{KeyType, Relationship, SecretKey};
use xinlian_vc::records::diploma::{DegreeType, Diploma};
use xinlian_vc::sd_jwt::SdJwtVcBuilder;
use xinlian_vc::status::{BitstringStatusList, StatusListEntry, StatusPurpose, status_list_credential};
use xinlian_vc::{Credential, KeySigner, Presentation, ProofOptions, Signer, add_proof};

const STATUS_URL: &str = "https://university.example/status/1/revocation";
const STATUS_INDEX: u64 = 42;

fn signer() -> KeySigner {
    KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap()
}

fn verifier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verifier"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// A university, a graduate, a ministry and a signed diploma, in a temp dir
/// holding the ministry's trust list and the university's status list.
struct World {
    dir: tempfile::TempDir,
    university: KeySigner,
    graduate: KeySigner,
    ministry: String,
    trust_list: PathBuf,
    diploma: Credential,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let university = signer();
        let graduate = signer();
        let diploma = Diploma::builder()
            .student(graduate.did(), "Li Wei")
            .degree(DegreeType::Bachelor, "Bachelor of Science")
            .issuer(university.did(), "Example University")
            .valid_from(OffsetDateTime::now_utc() - Duration::days(1))
            .status(StatusListEntry::new(
                StatusPurpose::Revocation,
                STATUS_INDEX,
                STATUS_URL,
            ))
            .build()
            .unwrap();
        let signed = pollster::block_on(add_proof(diploma.as_object(), &ProofOptions::new(), &university)).unwrap();
        let diploma = Credential::from_value(Value::Object(signed)).unwrap();

        let trust_list = dir.path().join("trust.json");
        let key = dir.path().join("ministry.key");
        let out = verifier(&[
            "trust-list",
            "create",
            "--authority-key",
            key.to_str().unwrap(),
            "--issuer",
            university.did(),
            "--types",
            "AchievementCredential",
            "-o",
            trust_list.to_str().unwrap(),
        ]);
        assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
        let ministry = stdout(&out).trim().to_owned();
        assert!(ministry.starts_with("did:key:z6Mk"), "{ministry}");
        let world = World {
            dir,
            university,
            graduate,
            ministry,
            trust_list,
            diploma,
        };
        world.publish_status(false);
        world
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn status_dir(&self) -> PathBuf {
        self.path("published")
    }

    /// Publishes the revocation list (bit `STATUS_INDEX` set or not) in the
    /// `registrar publish` layout.
    fn publish_status(&self, revoked: bool) {
        let mut list = BitstringStatusList::new(131_072).unwrap();
        list.set(STATUS_INDEX, revoked).unwrap();
        let unsigned = status_list_credential(
            STATUS_URL,
            self.university.did(),
            StatusPurpose::Revocation,
            &list,
            OffsetDateTime::now_utc() - Duration::days(1),
        )
        .unwrap();
        let signed =
            pollster::block_on(add_proof(unsigned.as_object(), &ProofOptions::new(), &self.university)).unwrap();
        let file = self.status_dir().join("status/1/revocation");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, serde_json::to_string(&signed).unwrap()).unwrap();
    }

    fn presentation(&self, challenge: &str, domain: &str) -> PathBuf {
        let vp = Presentation::builder()
            .holder(self.graduate.did())
            .credential(self.diploma.clone())
            .build()
            .unwrap();
        let options = ProofOptions::new()
            .purpose(Relationship::Authentication)
            .challenge(challenge)
            .domain(domain);
        let signed = pollster::block_on(add_proof(vp.as_object(), &options, &self.graduate)).unwrap();
        let file = self.path("vp.json");
        std::fs::write(&file, serde_json::to_string_pretty(&signed).unwrap()).unwrap();
        file
    }

    /// `verifier verify FILE` with the trust list and status directory.
    fn verify(&self, file: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "verify".to_owned(),
            file.display().to_string(),
            "--trust-list".into(),
            self.trust_list.display().to_string(),
            "--authority".into(),
            self.ministry.clone(),
            "--status-dir".into(),
            self.status_dir().display().to_string(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        verifier(&refs)
    }
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn outcomes(report: &Value, check: &str) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["check"] == check)
        .map(|c| c["outcome"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn trust_list_key_file_is_private_and_reused() {
    let world = World::new();
    let key = world.path("ministry.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let list: Value = serde_json::from_str(&std::fs::read_to_string(&world.trust_list).unwrap()).unwrap();
    assert_eq!(list["issuer"], world.ministry.as_str());
    assert_eq!(
        list["credentialSubject"]["accreditedIssuers"][0]["id"],
        world.university.did()
    );
    // A second list signed with the same key names the same authority.
    let again = verifier(&[
        "trust-list",
        "create",
        "--authority-key",
        key.to_str().unwrap(),
        "--issuer",
        "did:example:other",
        "--types",
        "AchievementCredential,EmploymentCredential",
        "-o",
        world.path("trust2.json").to_str().unwrap(),
    ]);
    assert_eq!(code(&again), 0);
    assert_eq!(stdout(&again).trim(), world.ministry);
}

#[test]
fn a_good_presentation_verifies_with_every_check() {
    let world = World::new();
    let vp = world.presentation("c-123", "employer.example");
    let out = world.verify(&vp, &["--challenge", "c-123", "--domain", "employer.example", "--json"]);
    let r = report(&out);
    assert_eq!(code(&out), 0, "{r:#}");
    assert_eq!(r["verified"], true);
    for check in [
        "proof",
        "keyAuthorization",
        "trust",
        "status",
        "validityPeriod",
        "holderBinding",
        "challenge",
        "domain",
    ] {
        let o = outcomes(&r, check);
        assert!(
            !o.is_empty() && o.iter().all(|o| o == "passed"),
            "{check}: {o:?} in {r:#}"
        );
    }
    // The text report ends with the verdict.
    let text = world.verify(&vp, &["--challenge", "c-123", "--domain", "employer.example"]);
    assert!(stdout(&text).trim_end().ends_with("\nVERIFIED"), "{}", stdout(&text));
}

#[test]
fn wrong_challenge_or_domain_is_refused() {
    let world = World::new();
    let vp = world.presentation("c-123", "employer.example");
    let out = world.verify(&vp, &["--challenge", "c-999", "--domain", "employer.example", "--json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcomes(&report(&out), "challenge"), ["failed"]);
    let out = world.verify(&vp, &["--challenge", "c-123", "--domain", "evil.example", "--json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcomes(&report(&out), "domain"), ["failed"]);
}

#[test]
fn revocation_in_the_published_status_list_is_refused() {
    let world = World::new();
    let vp = world.presentation("c-1", "employer.example");
    world.publish_status(true);
    let out = world.verify(&vp, &["--challenge", "c-1", "--domain", "employer.example", "--json"]);
    let r = report(&out);
    assert_eq!(code(&out), 1, "{r:#}");
    assert_eq!(outcomes(&r, "status"), ["failed"]);
    world.publish_status(false);
    let out = world.verify(&vp, &["--challenge", "c-1", "--domain", "employer.example"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn an_issuer_the_ministry_does_not_accredit_is_refused() {
    let world = World::new();
    let vp = world.presentation("c-1", "employer.example");
    let other_list = world.path("other.json");
    let out = verifier(&[
        "trust-list",
        "create",
        "--authority-key",
        world.path("ministry.key").to_str().unwrap(),
        "--issuer",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "--types",
        "AchievementCredential",
        "-o",
        other_list.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0);
    let out = verifier(&[
        "verify",
        vp.to_str().unwrap(),
        "--trust-list",
        other_list.to_str().unwrap(),
        "--authority",
        &world.ministry,
        "--status-dir",
        world.status_dir().to_str().unwrap(),
        "--challenge",
        "c-1",
        "--domain",
        "employer.example",
        "--json",
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcomes(&report(&out), "trust"), ["failed"]);
}

#[test]
fn a_trust_list_from_another_authority_is_an_input_error() {
    let world = World::new();
    let vp = world.presentation("c-1", "employer.example");
    let out = verifier(&[
        "verify",
        vp.to_str().unwrap(),
        "--trust-list",
        world.trust_list.to_str().unwrap(),
        "--authority",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    ]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("trust list"), "{:?}", out);
}

#[test]
fn a_presentation_of_someone_elses_credential_fails_holder_binding() {
    let world = World::new();
    let thief = signer();
    let vp = Presentation::builder()
        .holder(thief.did())
        .credential(world.diploma.clone())
        .build()
        .unwrap();
    let options = ProofOptions::new()
        .purpose(Relationship::Authentication)
        .challenge("c")
        .domain("d");
    let signed = pollster::block_on(add_proof(vp.as_object(), &options, &thief)).unwrap();
    let file = world.path("stolen.json");
    std::fs::write(&file, serde_json::to_string(&signed).unwrap()).unwrap();
    let out = world.verify(&file, &["--challenge", "c", "--domain", "d", "--json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcomes(&report(&out), "holderBinding"), ["failed"]);
}

#[test]
fn a_bare_credential_passes_only_with_no_holder_binding() {
    let world = World::new();
    let file = world.path("diploma.json");
    std::fs::write(&file, serde_json::to_string(&world.diploma.to_value()).unwrap()).unwrap();
    let out = world.verify(&file, &["--json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcomes(&report(&out), "holderBinding"), ["failed"]);
    let out = world.verify(&file, &["--json", "--no-holder-binding"]);
    assert_eq!(code(&out), 0, "{:#}", report(&out));
}

#[test]
fn tampered_and_malformed_input() {
    let world = World::new();
    let mut value = world.diploma.to_value();
    value["credentialSubject"]["identifier"][0]["identityHash"] = json!("Mallory");
    let file = world.path("tampered.json");
    std::fs::write(&file, serde_json::to_string(&value).unwrap()).unwrap();
    let out = world.verify(&file, &["--json", "--no-holder-binding"]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcomes(&report(&out), "proof"), ["failed"]);

    let junk = world.path("junk.txt");
    std::fs::write(&junk, "hello").unwrap();
    assert_eq!(code(&world.verify(&junk, &[])), 2);
    assert_eq!(code(&world.verify(&world.path("missing.json"), &[])), 2);
}

fn sd_jwt_claims(world: &World) -> serde_json::Map<String, Value> {
    json!({
        "sub": world.graduate.did(),
        "degree": "Bachelor of Science",
        "graduation_year": 2026,
        "birth_date": "2003-04-01",
        "grades": {"physics": "A"},
        "credentialStatus": {
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": STATUS_INDEX.to_string(),
            "statusListCredential": STATUS_URL,
        },
    })
    .as_object()
    .cloned()
    .unwrap()
}

fn sd_presentation(world: &World, with_cnf: bool, nonce: &str) -> PathBuf {
    let mut builder = SdJwtVcBuilder::new(
        "https://university.example/vct/AchievementCredential",
        sd_jwt_claims(world),
    )
    .disclosable("/degree")
    .disclosable("/graduation_year")
    .disclosable("/birth_date")
    .disclosable("/grades");
    if with_cnf {
        builder = builder.holder_key(&world.graduate.public_key());
    }
    let issued = pollster::block_on(builder.issue(&world.university)).unwrap();
    let shown = pollster::block_on(issued.present_paths(&["/degree", "/graduation_year"]).unwrap().bind(
        &world.graduate as &dyn Signer,
        "employer.example",
        nonce,
        None,
    ))
    .unwrap();
    let file = world.path(if with_cnf { "vp-cnf.sd-jwt" } else { "vp-sub.sd-jwt" });
    std::fs::write(&file, shown.to_string()).unwrap();
    file
}

#[test]
fn sd_jwt_presentations_verify_with_cnf_or_a_did_subject() {
    let world = World::new();
    for with_cnf in [true, false] {
        let file = sd_presentation(&world, with_cnf, "n-1");
        let out = world.verify(&file, &["--challenge", "n-1", "--domain", "employer.example", "--json"]);
        let r = report(&out);
        assert_eq!(code(&out), 0, "cnf {with_cnf}: {r:#}");
        for check in ["proof", "trust", "status", "holderBinding", "challenge", "domain"] {
            let o = outcomes(&r, check);
            assert!(
                !o.is_empty() && o.iter().all(|o| o == "passed"),
                "cnf {with_cnf}: {check}: {o:?}"
            );
        }
        let claims = r["disclosedClaims"].as_object().unwrap();
        assert_eq!(claims["degree"], "Bachelor of Science");
        assert_eq!(claims["graduation_year"], 2026);
        assert!(
            !claims.contains_key("birth_date") && !claims.contains_key("grades"),
            "{claims:?}"
        );

        let out = world.verify(&file, &["--challenge", "n-2", "--domain", "employer.example", "--json"]);
        assert_eq!(code(&out), 1, "cnf {with_cnf}: a wrong nonce must fail");
        let out = world.verify(&file, &["--challenge", "n-1", "--domain", "other.example", "--json"]);
        assert_eq!(code(&out), 1, "cnf {with_cnf}: a wrong audience must fail");
    }
}

#[test]
fn an_sd_jwt_bound_by_someone_else_fails_holder_binding() {
    let world = World::new();
    let issued = pollster::block_on(
        SdJwtVcBuilder::new(
            "https://university.example/vct/AchievementCredential",
            sd_jwt_claims(&world),
        )
        .disclosable("/degree")
        .issue(&world.university),
    )
    .unwrap();
    let thief = signer();
    let shown = pollster::block_on(issued.present_paths(&["/degree"]).unwrap().bind(
        &thief,
        "employer.example",
        "n",
        None,
    ))
    .unwrap();
    let file = world.path("stolen.sd-jwt");
    std::fs::write(&file, shown.to_string()).unwrap();
    let out = world.verify(&file, &["--challenge", "n", "--domain", "employer.example", "--json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcomes(&report(&out), "holderBinding"), ["failed"]);
}

/// A 50 MB file is refused by size, having read at most the limit + 1
/// bytes; the limit is the user's to raise.
#[test]
fn regression_verify_refuses_a_50_mb_file_by_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::write(&big, format!("{{\"a\":[{}0]}}", "0,".repeat(25_000_000))).unwrap();
    let started = std::time::Instant::now();
    let out = verifier(&["verify", big.to_str().unwrap()]);
    assert_eq!(code(&out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("larger than the limit of 1048576 bytes") && stderr.contains("--max-input-bytes"),
        "{stderr}"
    );
    let small = dir.path().join("small.json");
    std::fs::write(&small, "{\"a\": \"just over the limit\"}").unwrap();
    let out = verifier(&["verify", "--max-input-bytes", "10", small.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than the limit of 10 bytes"));
}

/// A one-file HTTP server on 127.0.0.1 (plain std sockets): answers every
/// request with `body`; counts the connections it accepted.
fn serve_status_list(body: String) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    (port, hits)
}

/// Issue 11 item 3: status lists go through the SSRF-guarded fetch; a
/// plain-http loopback URL is refused (and never connected to) unless the
/// verifier opts in with `--allow-local-http-status`.
#[test]
fn regression_status_lists_on_loopback_http_are_fetched_only_with_the_opt_in() {
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let university = signer();
    let mut list = BitstringStatusList::new(131_072).unwrap();
    list.set(STATUS_INDEX, false).unwrap();
    let make_list = |url: &str| {
        let unsigned = status_list_credential(
            url,
            university.did(),
            StatusPurpose::Revocation,
            &list,
            OffsetDateTime::now_utc() - Duration::days(1),
        )
        .unwrap();
        let signed = pollster::block_on(add_proof(unsigned.as_object(), &ProofOptions::new(), &university)).unwrap();
        serde_json::to_string(&signed).unwrap()
    };
    // The list's own id does not have to match the URL; its issuer must.
    let (port, hits) = serve_status_list(make_list("http://127.0.0.1/status/1/revocation"));
    let url = format!("http://127.0.0.1:{port}/status/1/revocation");
    let diploma = Diploma::builder()
        .student(signer().did(), "Li Wei")
        .degree(DegreeType::Bachelor, "Bachelor of Science")
        .issuer(university.did(), "Example University")
        .valid_from(OffsetDateTime::now_utc() - Duration::days(1))
        .status(StatusListEntry::new(
            StatusPurpose::Revocation,
            STATUS_INDEX,
            url.as_str(),
        ))
        .build()
        .unwrap();
    let signed = pollster::block_on(add_proof(diploma.as_object(), &ProofOptions::new(), &university)).unwrap();
    let file = dir.path().join("diploma.json");
    std::fs::write(&file, serde_json::to_string(&signed).unwrap()).unwrap();
    let path = file.to_str().unwrap();

    let out = verifier(&["verify", path, "--no-holder-binding", "--json"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let report = report(&out);
    let refused = report["checks"].as_array().unwrap().iter().any(|c| {
        c["check"] == "status" && c["outcome"] == "failed" && c["detail"].as_str().unwrap().contains("refused")
    });
    assert!(refused, "{report:#}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the guard connected to loopback");

    let out = verifier(&[
        "verify",
        path,
        "--no-holder-binding",
        "--allow-local-http-status",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}
