//! End-to-end tests of the `registrar` binary: every command, run as a
//! child process against a home in a temporary directory.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_registrar");

/// What a finished `registrar` run left behind.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from_output(args: &[&str], out: Output) -> Run {
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        eprintln!(
            "$ registrar {}\n-> {}\n{}{}",
            args.join(" "),
            run.code,
            run.stdout,
            run.stderr
        );
        run
    }

    /// Asserts the exit status, showing the output when it is wrong.
    #[track_caller]
    fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn ok(self) -> Run {
        self.expect(0)
    }

    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{}", self.stdout))
    }
}

/// A command with a clean environment (no XINLIAN_* from the caller).
fn command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--home")
        .arg(home)
        .env_remove("XINLIAN_HOME")
        .env_remove("XINLIAN_PASSPHRASE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

fn run(home: &Path, args: &[&str]) -> Run {
    let out = command(home).args(args).output().unwrap();
    Run::from_output(args, out)
}

fn run_stdin(home: &Path, args: &[&str], input: &str) -> Run {
    let mut child = command(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    Run::from_output(args, child.wait_with_output().unwrap())
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `init --json` with extra arguments; returns the printed profile.
fn init(home: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["init", "--name", "Example University", "--json"];
    args.extend_from_slice(extra);
    run(home, &args).ok().json()
}

fn issue_diploma(home: &Path, student: &str, format: &str, out: &Path) -> Run {
    run(
        home,
        &[
            "issue",
            "diploma",
            "--student-id",
            student,
            "--name",
            "Li Wei",
            "--degree",
            "Bachelor of Science",
            "--major",
            "Computer Science",
            "--graduated",
            "2026-06-30",
            "--honors",
            "magna cum laude",
            "--format",
            format,
            "-o",
            s(out),
        ],
    )
}

fn issue_employment(home: &Path, employee: &str, format: &str, out: &Path) -> Run {
    run(
        home,
        &[
            "issue",
            "employment",
            "--employee-id",
            employee,
            "--name",
            "Zhang San",
            "--title",
            "Research Engineer",
            "--start",
            "2024-09-01",
            "--end",
            "2026-08-31",
            "--format",
            format,
            "-o",
            s(out),
        ],
    )
}

/// `verify --json`: exit status and the report.
fn verify_json(home: &Path, file: &Path) -> (i32, Value) {
    let r = run(home, &["verify", "--json", s(file)]);
    let report = r.json();
    (r.code, report)
}

/// `verify --json --allow-local-http-status` (status lists served by a
/// `registrar serve` on 127.0.0.1 over plain http): exit status and the report.
fn verify_json_local(home: &Path, file: &Path) -> (i32, Value) {
    let r = run(home, &["verify", "--json", "--allow-local-http-status", s(file)]);
    let report = r.json();
    (r.code, report)
}

/// The outcomes of one check in a `verify --json` report.
fn outcomes<'a>(report: &'a Value, check: &str) -> Vec<&'a Value> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["check"] == check)
        .collect()
}

/// Asserts the report's shape and that it verified.
#[track_caller]
fn assert_verified(code: i32, report: &Value) {
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verified"], true, "{report:#}");
    let checks = report["checks"].as_array().expect("checks is an array");
    assert!(!checks.is_empty());
    for c in checks {
        for field in ["check", "outcome", "detail"] {
            assert!(c[field].is_string(), "check without {field}: {c}");
        }
        assert_ne!(c["outcome"], "failed", "{c}");
    }
    for needed in ["proof", "keyAuthorization", "status"] {
        let found = outcomes(report, needed);
        assert!(!found.is_empty(), "no {needed} check in {report:#}");
        assert!(
            found.iter().all(|c| c["outcome"] == "passed"),
            "{needed} did not pass: {report:#}"
        );
    }
}

/// Asserts a report did not verify because `check` failed (with `detail` in
/// its detail, if given).
#[track_caller]
fn assert_failed_check(code: i32, report: &Value, check: &str, detail: Option<&str>) {
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verified"], false, "{report:#}");
    let failed: Vec<_> = outcomes(report, check)
        .into_iter()
        .filter(|c| c["outcome"] == "failed")
        .collect();
    assert!(!failed.is_empty(), "{check} did not fail: {report:#}");
    if let Some(detail) = detail {
        assert!(
            failed.iter().any(|c| c["detail"].as_str().unwrap().contains(detail)),
            "no failed {check} mentions {detail:?}: {report:#}"
        );
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// GET over HTTP/1.1 on loopback: (status code, body).
fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    (status, if chunked { dechunk(body) } else { body.to_owned() })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

/// A `registrar serve` child, killed when dropped.
struct Server {
    child: Child,
}

impl Server {
    fn start(home: &Path, port: u16) -> Server {
        let addr = format!("127.0.0.1:{port}");
        let child = command(home)
            .args(["serve", "--addr", &addr])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "registrar serve did not listen on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- init

#[test]
fn init_ethr_is_the_default_and_keys_are_private() {
    let dir = tmp();
    let home = dir.path().join("home");
    let profile = init(&home, &[]);
    let did = profile["did"].as_str().unwrap();
    assert!(did.starts_with("did:ethr:0x539:0x"), "{did}");
    assert!(
        profile["verificationMethod"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{did}#"))
    );
    for key in ["signing.key", "owner.key"] {
        let path = home.join("keys").join(key);
        let file = read_json(&path);
        assert_eq!(file["protection"], "none", "{key}");
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600, "{key}");
    }
    #[cfg(unix)]
    assert_eq!(mode(&home.join("keys")), 0o700);
    assert!(home.join("ledger.sqlite").is_file());

    // A second init is refused and leaves the first institution alone.
    let again = run(&home, &["init", "--name", "Another"]).expect(2);
    assert!(
        again.stderr.contains("already holds an institution"),
        "{}",
        again.stderr
    );
    assert_eq!(read_json(&home.join("institution.json"))["did"], did);

    // Text output names the DID.
    let other = dir.path().join("other");
    let text = run(&other, &["init", "--name", "Other University"]).ok();
    assert!(text.stdout.contains("created did:ethr:"), "{}", text.stdout);
}

#[test]
fn init_key_jwk_and_web_with_ed25519_and_p256() {
    let dir = tmp();
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--method", "key"], "did:key:z6Mk", "did:key:z6Mk"),
        (&["--method", "key", "--key-type", "p256"], "did:key:zDn", "did:key:zDn"),
        (&["--method", "jwk"], "did:jwk:", "#0"),
        (&["--method", "jwk", "--key-type", "p256"], "did:jwk:", "#0"),
        (
            &["--method", "web", "--web-domain", "registrar.example.edu"],
            "did:web:registrar.example.edu",
            "#key-1",
        ),
        (
            &[
                "--method",
                "web",
                "--web-domain",
                "registrar.example.edu",
                "--key-type",
                "p256",
            ],
            "did:web:registrar.example.edu",
            "#key-1",
        ),
        (&["--key-type", "ed25519"], "did:ethr:", "#delegate-"),
    ];
    for (i, (args, did_prefix, vm_part)) in cases.iter().enumerate() {
        let home = dir.path().join(format!("h{i}"));
        let profile = init(&home, args);
        let did = profile["did"].as_str().unwrap();
        assert!(did.starts_with(did_prefix), "{args:?}: {did}");
        assert!(
            profile["verificationMethod"].as_str().unwrap().contains(vm_part),
            "{args:?}: {profile}"
        );
        #[cfg(unix)]
        assert_eq!(mode(&home.join("keys").join("signing.key")), 0o600, "{args:?}");
        let key_type = read_json(&home.join("keys").join("signing.key"))["key_type"]
            .as_str()
            .unwrap()
            .to_owned();
        let p256 = args.contains(&"p256");
        assert_eq!(
            key_type.to_ascii_lowercase().contains("256"),
            p256,
            "{args:?}: key type {key_type}"
        );
        if args.contains(&"web") {
            assert_eq!(read_json(&home.join("did.json"))["id"], did);
        }
    }
}

#[test]
fn init_refuses_bad_combinations_without_writing_anything() {
    let dir = tmp();
    // did:ethr cannot publish P-256 keys.
    let home = dir.path().join("p256-ethr");
    let r = run(&home, &["init", "--name", "U", "--key-type", "p256"]).expect(2);
    assert!(r.stderr.contains("P-256"), "{}", r.stderr);
    assert!(!home.join("institution.json").exists());
    // did:web needs a domain (a usage error from clap).
    let home = dir.path().join("web");
    let r = run(&home, &["init", "--name", "U", "--method", "web"]).expect(2);
    assert!(r.stderr.contains("--web-domain"), "{}", r.stderr);
    assert!(!home.join("institution.json").exists());
}

// ---------------------------------------------------------------- passphrases

#[test]
fn encrypted_keys_need_the_right_passphrase() {
    let dir = tmp();
    let home = dir.path().join("home");
    let pass = dir.path().join("pass");
    let wrong = dir.path().join("wrong");
    std::fs::write(&pass, "correct horse battery staple\n").unwrap();
    std::fs::write(&wrong, "Tr0ub4dor&3\n").unwrap();
    let r = run(
        &home,
        &[
            "--passphrase-file",
            s(&pass),
            "init",
            "--name",
            "Sealed U",
            "--encrypt",
            "--json",
        ],
    )
    .ok();
    assert!(r.json()["did"].as_str().unwrap().starts_with("did:ethr:"));
    for key in ["signing.key", "owner.key"] {
        let path = home.join("keys").join(key);
        let file = read_json(&path);
        assert_eq!(file["protection"], "passphrase", "{key}: {file}");
        assert!(
            file.get("secret_key_multibase").is_none(),
            "{key} holds the secret in the clear"
        );
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
    }

    let out = dir.path().join("d.json");
    let r = run(
        &home,
        &[
            "--passphrase-file",
            s(&wrong),
            "issue",
            "diploma",
            "--student-id",
            "s1",
            "--name",
            "A",
            "--degree",
            "BSc",
            "--major",
            "CS",
            "--graduated",
            "2026-06-30",
            "-o",
            s(&out),
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("wrong passphrase"), "{}", r.stderr);
    assert!(!out.exists(), "nothing is issued with a wrong passphrase");

    // XINLIAN_PASSPHRASE works as well as --passphrase-file.
    let wrong_env = command(&home)
        .env("XINLIAN_PASSPHRASE", "nope")
        .args(["rotate-key"])
        .output()
        .unwrap();
    let r = Run::from_output(&["rotate-key"], wrong_env).expect(2);
    assert!(r.stderr.contains("wrong passphrase"), "{}", r.stderr);

    let r = run(
        &home,
        &[
            "--passphrase-file",
            s(&pass),
            "issue",
            "diploma",
            "--student-id",
            "s1",
            "--name",
            "A",
            "--degree",
            "BSc",
            "--major",
            "CS",
            "--graduated",
            "2026-06-30",
            "-o",
            s(&out),
        ],
    );
    r.ok();
    let (code, report) = verify_json(&home, &out);
    assert_verified(code, &report);
}

// ---------------------------------------------------------------- issue + verify

fn issue_and_verify_all(home: &Path, dir: &Path, formats: &[&str]) {
    for format in formats {
        for kind in ["diploma", "employment"] {
            let out = dir.join(format!("{kind}-{format}.out"));
            let r = match kind {
                "diploma" => issue_diploma(home, &format!("s-{format}"), format, &out),
                _ => issue_employment(home, &format!("e-{format}"), format, &out),
            };
            r.ok();
            let text = std::fs::read_to_string(&out).unwrap();
            if format.starts_with("di-") {
                let credential: Value = serde_json::from_str(&text).unwrap();
                let suite = credential["proof"]["cryptosuite"].as_str().unwrap();
                let wanted = format!("{}-{}-", &format[3..8], &format[9..]);
                assert!(suite.starts_with(&wanted), "{format}: {suite}");
                assert!(credential["credentialStatus"].is_array(), "{format}: {credential}");
            } else {
                assert_eq!(
                    text.trim().split('~').next().unwrap().split('.').count(),
                    3,
                    "{format}: {text}"
                );
                assert_eq!(text.contains('~'), *format == "sd-jwt", "{format}");
            }
            let (code, report) = verify_json(home, &out);
            assert_verified(code, &report);
            let text = run(home, &["verify", s(&out)]).ok();
            assert!(text.stdout.contains("VERIFIED"), "{}", text.stdout);
        }
    }
}

#[test]
fn issue_every_eddsa_format_and_verify() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    issue_and_verify_all(&home, dir.path(), &["di-eddsa-jcs", "di-eddsa-rdfc", "jwt", "sd-jwt"]);
    // An Ed25519 institution cannot sign ecdsa suites.
    let r = issue_diploma(&home, "x", "di-ecdsa-rdfc", &dir.path().join("x.json")).expect(2);
    assert!(r.stderr.contains("P-256"), "{}", r.stderr);
}

#[test]
fn issue_every_ecdsa_format_and_verify() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key", "--key-type", "p256"]);
    issue_and_verify_all(&home, dir.path(), &["di-ecdsa-jcs", "di-ecdsa-rdfc", "jwt", "sd-jwt"]);
}

#[test]
fn did_web_and_did_jwk_institutions_issue_verifiable_credentials() {
    let dir = tmp();
    for (name, args) in [
        ("web", &["--method", "web", "--web-domain", "registrar.example.edu"][..]),
        ("jwk", &["--method", "jwk"][..]),
    ] {
        let home = dir.path().join(name);
        let did = init(&home, args)["did"].as_str().unwrap().to_owned();
        let out = dir.path().join(format!("{name}.json"));
        issue_diploma(&home, "s1", "di-eddsa-jcs", &out).ok();
        assert_eq!(read_json(&out)["issuer"]["id"], did.as_str());
        let (code, report) = verify_json(&home, &out);
        assert_verified(code, &report);
    }
}

#[test]
fn issue_to_stdout_and_verify_from_stdin() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let args = [
        "issue",
        "diploma",
        "--student-id",
        "s1",
        "--name",
        "A",
        "--degree",
        "BSc",
        "--major",
        "CS",
        "--graduated",
        "2026-06-30",
    ];
    let text = run(&home, &args).ok().stdout;
    let credential: Value = serde_json::from_str(&text).unwrap();
    assert!(credential["id"].as_str().unwrap().starts_with("urn:uuid:"));
    let r = run_stdin(&home, &["verify", "--json", "-"], &text).ok();
    assert_verified(r.code, &r.json());

    // --json wraps the credential with its log entry.
    let mut json_args = args.to_vec();
    json_args[3] = "s2";
    json_args.push("--json");
    let out = run(&home, &json_args).ok().json();
    assert!(out["credentialId"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_eq!(out["credential"]["id"], out["credentialId"]);
    assert_eq!(out["format"], "di-eddsa-jcs");
    assert!(out["statusListIndex"].is_u64());
}

#[test]
fn issue_refuses_bad_fields() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let r = run(
        &home,
        &[
            "issue",
            "diploma",
            "--student-id",
            "s1",
            "--name",
            "A",
            "--degree",
            "BSc",
            "--major",
            "CS",
            "--graduated",
            "30/06/2026",
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("not a date"), "{}", r.stderr);
    let r = run(&home, &["issue"]).expect(2);
    assert!(r.stderr.contains("issue diploma"), "{}", r.stderr);
}

// ---------------------------------------------------------------- missing home

#[test]
fn issue_without_an_institution_says_run_init() {
    let dir = tmp();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for home in [dir.path().join("missing"), empty] {
        let r = issue_diploma(&home, "s1", "di-eddsa-jcs", &dir.path().join("d.json")).expect(2);
        assert!(r.stderr.contains("registrar init"), "{}", r.stderr);
        for cmd in [
            &["revoke", "urn:uuid:x"][..],
            &["rotate-key"][..],
            &["publish", "--out-dir", "p"][..],
        ] {
            let r = run(&home, cmd).expect(2);
            assert!(r.stderr.contains("registrar init"), "{cmd:?}: {}", r.stderr);
        }
    }
    assert!(
        !dir.path().join("missing").exists(),
        "a failed command created the home"
    );
}

/// verify needs no institution: a did:key issuer resolves offline and its
/// status lists come from its `registrar serve`.
#[test]
fn verify_works_with_a_missing_or_empty_home_and_serve_answers() {
    let dir = tmp();
    let home = dir.path().join("home");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let did = init(&home, &["--method", "key", "--public-url", &url])["did"]
        .as_str()
        .unwrap()
        .to_owned();
    let good = dir.path().join("good.json");
    let revoked = dir.path().join("revoked.json");
    issue_diploma(&home, "s1", "di-eddsa-jcs", &good).ok();
    issue_diploma(&home, "s2", "di-eddsa-jcs", &revoked).ok();
    run(&home, &["revoke", s(&revoked)]).ok();

    let server = Server::start(&home, port);
    let (status, body) = http_get(port, "/health");
    assert_eq!(status, 200, "{body}");
    let (status, body) = http_get(port, "/status/1/revocation");
    assert_eq!(status, 200, "{body}");
    let list: Value = serde_json::from_str(&body).unwrap();
    assert!(
        list["type"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "BitstringStatusListCredential"),
        "{list}"
    );
    assert_eq!(list["issuer"], did.as_str());
    assert!(list["proof"].is_object());
    let (status, _) = http_get(port, "/status/9/revocation");
    assert_eq!(status, 404);
    let (status, body) = http_get(port, &format!("/1.0/identifiers/{did}"));
    assert_eq!(status, 200, "{body}");
    let resolution: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(resolution["didDocument"]["id"], did.as_str(), "{resolution}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for verifier_home in [dir.path().join("missing"), empty] {
        let (code, report) = verify_json_local(&verifier_home, &good);
        assert_verified(code, &report);
        let (code, report) = verify_json_local(&verifier_home, &revoked);
        assert_failed_check(code, &report, "status", Some("revoked"));
    }
    assert!(!dir.path().join("missing").exists(), "verify created the home");

    // Without the opt-in, the SSRF guard refuses the plain-http loopback URL.
    let (code, report) = verify_json(&dir.path().join("missing"), &good);
    assert_failed_check(code, &report, "status", Some("refused"));
    drop(server);

    // With the server gone, status cannot be checked: not verified.
    let (code, report) = verify_json_local(&dir.path().join("missing"), &good);
    assert_failed_check(code, &report, "status", None);
}

/// Issue 11 item 1, as reported: university A revokes a diploma; institution
/// B's own validly signed lists served at A's status URL must not make it
/// verify again.
#[test]
fn regression_status_list_signed_by_another_issuer_does_not_unrevoke() {
    let dir = tmp();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    init(&a, &["--method", "key", "--public-url", &url]);
    init(&b, &["--method", "key", "--public-url", &url]);
    let revoked = dir.path().join("revoked.json");
    issue_diploma(&a, "s1", "di-eddsa-jcs", &revoked).ok();
    run(&a, &["revoke", s(&revoked)]).ok();
    // B has lists of its own (nothing revoked) at the same paths.
    issue_diploma(&b, "s1", "di-eddsa-jcs", &dir.path().join("b.json")).ok();

    let verifier_home = dir.path().join("verifier");
    {
        let _a_serves = Server::start(&a, port);
        let (code, report) = verify_json_local(&verifier_home, &revoked);
        assert_failed_check(code, &report, "status", Some("revoked"));
    }
    let _b_serves = Server::start(&b, port);
    let (code, report) = verify_json_local(&verifier_home, &revoked);
    assert_failed_check(code, &report, "status", Some("not by the credential's issuer"));
    let status = outcomes(&report, "status");
    assert_eq!(
        status[0]["code"], "urn:xinlian:problem:STATUS_LIST_ISSUER_MISMATCH",
        "{report:#}"
    );
}

// ---------------------------------------------------------------- tampering, garbage

#[test]
fn tampered_credentials_fail_the_proof_check() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);

    let file = dir.path().join("d.json");
    issue_diploma(&home, "s1", "di-eddsa-jcs", &file).ok();
    let mut credential = read_json(&file);
    let degree = &mut credential["credentialSubject"]["achievement"]["name"];
    assert_eq!(degree, "Bachelor of Science");
    *degree = Value::from("Doctor of Philosophy");
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, serde_json::to_string_pretty(&credential).unwrap()).unwrap();
    let (code, report) = verify_json(&home, &tampered);
    assert_failed_check(code, &report, "proof", None);
    let text = run(&home, &["verify", s(&tampered)]).expect(1);
    assert!(text.stdout.contains("NOT VERIFIED"), "{}", text.stdout);

    for format in ["jwt", "sd-jwt"] {
        let file = dir.path().join(format!("d.{format}"));
        issue_diploma(&home, &format!("s-{format}"), format, &file).ok();
        let (code, report) = verify_json(&home, &file);
        assert_verified(code, &report);
        // Flip one character in the middle of the signature.
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text.trim();
        let jws_end = text.find('~').unwrap_or(text.len());
        let sig_start = text[..jws_end].rfind('.').unwrap() + 1;
        let at = sig_start + (jws_end - sig_start) / 2;
        let old = text.as_bytes()[at];
        let new = if old == b'A' { 'B' } else { 'A' };
        let flipped = format!("{}{new}{}", &text[..at], &text[at + 1..]);
        let tampered = dir.path().join(format!("tampered.{format}"));
        std::fs::write(&tampered, flipped).unwrap();
        let (code, report) = verify_json(&home, &tampered);
        assert_failed_check(code, &report, "proof", None);
    }
}

#[test]
fn garbage_input_is_a_usage_error() {
    let dir = tmp();
    let home = dir.path().join("missing");
    let garbage = dir.path().join("garbage.txt");
    std::fs::write(&garbage, "this is not a credential\n").unwrap();
    let r = run(&home, &["verify", s(&garbage)]).expect(2);
    assert!(r.stderr.starts_with("error:"), "{}", r.stderr);
    run(&home, &["verify", "--json", s(&garbage)]).expect(2);
    let r = run(&home, &["verify", s(&dir.path().join("nope.json"))]).expect(2);
    assert!(r.stderr.contains("nope.json"), "{}", r.stderr);
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"@context\": [").unwrap();
    run(&home, &["verify", s(&broken)]).expect(2);
    run_stdin(&home, &["verify", "-"], "").expect(2);
    run(&home, &["frobnicate"]).expect(2);
    run(&home, &["verify"]).expect(2);
}

/// A 50 MB file or standard input is refused by size after reading at most
/// the limit + 1 bytes (it used to be read whole, and parsed: 1.9 GB).
#[test]
fn regression_50_mb_input_is_refused_by_size_quickly() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let big = dir.path().join("big.json");
    let mut text = String::with_capacity(50 << 20);
    text.push('[');
    while text.len() < 50_000_000 {
        text.push_str("0,");
    }
    text.push_str("0]");
    std::fs::write(&big, &text).unwrap();

    let started = Instant::now();
    let r = run(&home, &["verify", s(&big)]).expect(2);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert!(
        r.stderr.contains("larger than the limit of 1048576 bytes") && r.stderr.contains("--max-input-bytes"),
        "{}",
        r.stderr
    );
    let r = run(&home, &["revoke", s(&big)]).expect(2);
    assert!(r.stderr.contains("larger than the limit"), "{}", r.stderr);

    // Standard input: the CLI stops reading, so the writer may see a broken pipe.
    let mut child = command(&home)
        .args(["verify", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let r = Run::from_output(&["verify", "-"], out).expect(2);
    assert!(
        r.stderr.contains("standard input: input is larger than the limit"),
        "{}",
        r.stderr
    );

    // The limit is the caller's to set.
    let small = dir.path().join("small.txt");
    std::fs::write(&small, "not a credential, but 41 bytes long......").unwrap();
    let r = run(&home, &["verify", "--max-input-bytes", "40", s(&small)]).expect(2);
    assert!(r.stderr.contains("larger than the limit of 40 bytes"), "{}", r.stderr);
    let r = run(&home, &["verify", s(&small)]).expect(2);
    assert!(!r.stderr.contains("larger than the limit"), "{}", r.stderr);
}

/// `registrar serve` refuses a large request body (413) on its own routes
/// as on the resolver's, and an overlong URL (431), before any handler
/// runs, and keeps serving.
#[test]
fn regression_serve_refuses_oversized_bodies_and_urls() {
    let dir = tmp();
    let home = dir.path().join("missing");
    let port = free_port();
    let _server = Server::start(&home, port);
    let status_line = |request: &[u8]| {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = stream.write_all(request);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).lines().next().unwrap_or("").to_owned()
    };
    let big_body =
        b"GET /status/1/revocation HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n";
    let line = status_line(big_body);
    assert!(line.starts_with("HTTP/1.1 413"), "{line}");
    let long_url = format!(
        "GET /1.0/identifiers/did:key:z{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let line = status_line(long_url.as_bytes());
    assert!(line.starts_with("HTTP/1.1 431"), "{line}");
    let (status, body) = http_get(port, "/health");
    assert_eq!(status, 200, "{body}");
}

// ---------------------------------------------------------------- revoke, suspend, reinstate

#[test]
fn revoke_suspend_and_reinstate_by_id_and_by_file() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.jwt");
    issue_diploma(&home, "a", "di-eddsa-jcs", &a).ok();
    issue_diploma(&home, "b", "jwt", &b).ok();
    let a_id = read_json(&a)["id"].as_str().unwrap().to_owned();
    for f in [&a, &b] {
        let (code, report) = verify_json(&home, f);
        assert_verified(code, &report);
    }

    // Revoke by id.
    let change = run(&home, &["revoke", &a_id, "--json"]).ok().json();
    assert_eq!(change["credentialId"], a_id.as_str());
    assert_eq!(change["status"], "revoked");
    assert!(
        change["statusList"].as_str().unwrap().ends_with("/status/1/revocation"),
        "{change}"
    );
    let (code, report) = verify_json(&home, &a);
    assert_failed_check(code, &report, "status", Some("revoked"));
    let text = run(&home, &["verify", s(&a)]).expect(1);
    assert!(text.stdout.contains("NOT VERIFIED"));
    // Revocation is permanent.
    let r = run(&home, &["reinstate", s(&a)]).expect(2);
    assert!(r.stderr.contains("permanent"), "{}", r.stderr);
    // The other credential is untouched.
    let (code, report) = verify_json(&home, &b);
    assert_verified(code, &report);

    // Suspend and reinstate by file (a JWT).
    let change = run(&home, &["suspend", s(&b), "--json"]).ok().json();
    assert_eq!(change["status"], "suspended");
    let (code, report) = verify_json(&home, &b);
    assert_failed_check(code, &report, "status", Some("suspended"));
    let r = run(&home, &["reinstate", s(&b)]).ok();
    assert!(r.stdout.contains("active"), "{}", r.stdout);
    let (code, report) = verify_json(&home, &b);
    assert_verified(code, &report);

    // Unknown credentials.
    let r = run(&home, &["revoke", "urn:uuid:00000000-0000-4000-8000-000000000000"]).expect(2);
    assert!(r.stderr.contains("not issued by this registrar"), "{}", r.stderr);
}

// ---------------------------------------------------------------- rotate-key

#[test]
fn rotate_key_keeps_earlier_credentials_verifiable() {
    let dir = tmp();
    let home = dir.path().join("home");
    let first_vm = init(&home, &[])["verificationMethod"].as_str().unwrap().to_owned();
    let before = dir.path().join("before.json");
    issue_diploma(&home, "s1", "di-eddsa-jcs", &before).ok();
    // Rotate straight after issuing (the same second, most likely).
    let second_vm = run(&home, &["rotate-key", "--json"]).ok().json()["verificationMethod"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first_vm, second_vm);
    assert!(home.join("keys").join("signing-2.key").is_file());
    #[cfg(unix)]
    assert_eq!(mode(&home.join("keys").join("signing-2.key")), 0o600);

    let between = dir.path().join("between.json");
    issue_diploma(&home, "s2", "di-eddsa-jcs", &between).ok();
    assert_eq!(read_json(&between)["proof"]["verificationMethod"], second_vm.as_str());
    let r = run(&home, &["rotate-key"]).ok();
    assert!(r.stdout.contains("new signing key"), "{}", r.stdout);
    let after = dir.path().join("after.json");
    issue_diploma(&home, "s3", "di-eddsa-jcs", &after).ok();

    for (file, vm) in [(&before, &first_vm), (&between, &second_vm)] {
        assert_eq!(read_json(file)["proof"]["verificationMethod"], vm.as_str());
    }
    for file in [&before, &between, &after] {
        let (code, report) = verify_json(&home, file);
        assert_verified(code, &report);
    }
    // The retired keys are no longer in the current document.
    let did = first_vm.split('#').next().unwrap();
    let doc = run(&home, &["resolve", did]).ok().stdout;
    assert!(!doc.contains(&first_vm) && !doc.contains(&second_vm), "{doc}");
}

/// A JWT signed before a key rotation still verifies: the issuer's DID is
/// resolved as of the token's `iat` when its `kid` was rotated out.
#[test]
fn rotate_key_keeps_earlier_jwts_verifiable() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    let before = dir.path().join("before.jwt");
    issue_diploma(&home, "s1", "jwt", &before).ok();
    run(&home, &["rotate-key"]).ok();
    let (code, report) = verify_json(&home, &before);
    assert_verified(code, &report);
}

#[test]
fn rotate_key_is_refused_for_did_key() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let r = run(&home, &["rotate-key"]).expect(2);
    assert!(
        r.stderr.contains("did:ethr") && r.stderr.contains("did:key"),
        "{}",
        r.stderr
    );
    assert!(!home.join("keys").join("signing-2.key").exists());
}

// ---------------------------------------------------------------- publish, resolve

#[test]
fn publish_writes_status_lists_and_did_web_document() {
    let dir = tmp();
    let home = dir.path().join("home");
    let did = init(&home, &["--method", "web", "--web-domain", "registrar.example.edu"])["did"]
        .as_str()
        .unwrap()
        .to_owned();
    issue_diploma(&home, "s1", "di-eddsa-jcs", &dir.path().join("d.json")).ok();
    let out = dir.path().join("site");
    let written = run(&home, &["publish", "--out-dir", s(&out), "--json"]).ok().json();
    let written: Vec<&str> = written["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(written.len(), 3, "{written:?}");
    for purpose in ["revocation", "suspension"] {
        let path = out.join("status").join("1").join(purpose);
        let list = read_json(&path);
        assert_eq!(list["credentialSubject"]["statusPurpose"], purpose, "{list}");
        assert_eq!(list["id"], format!("https://registrar.example.edu/status/1/{purpose}"));
        assert_eq!(list["issuer"], did.as_str());
    }
    let doc = read_json(&out.join(".well-known").join("did.json"));
    assert_eq!(doc["id"], did.as_str());
    assert!(doc["assertionMethod"].as_array().is_some_and(|a| !a.is_empty()));

    // A did:ethr institution publishes status lists only.
    let ethr = dir.path().join("ethr");
    init(&ethr, &[]);
    issue_diploma(&ethr, "s1", "di-eddsa-jcs", &dir.path().join("e.json")).ok();
    let out = dir.path().join("site-ethr");
    let r = run(&ethr, &["publish", "--out-dir", s(&out)]).ok();
    assert!(r.stdout.contains("status/1/revocation"), "{}", r.stdout);
    assert!(out.join("status/1/suspension").is_file());
    assert!(!out.join(".well-known").exists());
}

#[test]
fn resolve_did_key_anywhere_and_the_institutions_did_ethr() {
    let dir = tmp();
    let nowhere = dir.path().join("missing");
    let did_key = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    let doc: Value = serde_json::from_str(&run(&nowhere, &["resolve", did_key]).ok().stdout).unwrap();
    assert_eq!(doc["id"], did_key);
    assert!(doc["verificationMethod"][0]["publicKeyMultibase"].is_string(), "{doc}");
    let result = run(&nowhere, &["resolve", did_key, "--json"]).ok().json();
    assert_eq!(result["didDocument"]["id"], did_key);
    assert!(result["didResolutionMetadata"].is_object(), "{result}");

    let home = dir.path().join("home");
    let profile = init(&home, &[]);
    let did = profile["did"].as_str().unwrap();
    let vm = profile["verificationMethod"].as_str().unwrap();
    let doc: Value = serde_json::from_str(&run(&home, &["resolve", did]).ok().stdout).unwrap();
    assert_eq!(doc["id"], did);
    assert!(
        doc["assertionMethod"].as_array().unwrap().iter().any(|m| m == vm),
        "{doc}"
    );
    let result = run(&home, &["resolve", did, "--json"]).ok().json();
    assert_eq!(result["didDocument"]["id"], did);

    // A DID URL with a fragment names one verification method.
    let method: Value = serde_json::from_str(&run(&home, &["resolve", vm]).ok().stdout).unwrap();
    assert_eq!(method["id"], vm, "{method}");
    assert_eq!(method["controller"], did);
    let deref = run(&home, &["resolve", vm, "--json"]).ok().json();
    assert_eq!(deref["contentStream"]["id"], vm, "{deref}");
    run(&home, &["resolve", &format!("{did}#nope")]).expect(1);

    // Without the ledger the did:ethr is unknown; a non-DID is a usage error.
    let r = run(&nowhere, &["resolve", did, "--json"]).expect(1);
    assert!(r.json()["didResolutionMetadata"]["error"].is_string(), "{}", r.stdout);
    run(&nowhere, &["resolve", "not-a-did"]).expect(2);
}

// ---------------------------------------------------------------- batch

fn write_csv(path: &Path, rows: impl IntoIterator<Item = String>) {
    let mut text = String::from("student_id,name,degree,major,graduated,honors,subject_did\n");
    for row in rows {
        text.push_str(&row);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn good_row(i: usize) -> String {
    format!("S{i:06},Student {i},Bachelor of Science,Physics,2026-06-30,,")
}

fn credential_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn batch_reports_bad_rows_by_line_and_issues_the_good_ones() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let csv = dir.path().join("class.csv");
    let holder = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    write_csv(
        &csv,
        [
            good_row(1),                                                                           // line 2
            "S000002,,Bachelor of Science,Physics,2026-06-30,,".into(),                            // 3: no name
            "S000003,Student 3,Bachelor of Science,Physics,2026-13-45,,".into(),                   // 4: bad date
            "S000004,Student 4,Bachelor of Science,Physics,2026-06-30,,not-a-did".into(),          // 5: bad DID
            format!("S000005,\"Doe, Jane\",Master of Arts,History,2026-06-30,cum laude,{holder}"), // 6
            "S000006,Student 6".into(),                                                            // 7: short row
            good_row(7),                                                                           // 8
        ],
    );
    let out = dir.path().join("out");
    let r = run(&home, &["issue", "--batch", s(&csv), "--out-dir", s(&out), "--json"]).expect(1);
    let summary = r.json();
    assert_eq!(summary["rows"], 7, "{summary}");
    assert_eq!(summary["issued"], 3, "{summary}");
    let errors = summary["errors"].as_array().unwrap();
    let lines: Vec<u64> = errors.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 7], "{summary}");
    let rows: Vec<u64> = errors.iter().map(|e| e["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, [2, 3, 4, 6], "{summary}");
    let detail = |i: usize| errors[i]["error"].as_str().unwrap().to_owned();
    assert!(detail(0).contains("name"), "{}", detail(0));
    assert!(detail(1).contains("2026-13-45"), "{}", detail(1));
    assert!(detail(2).contains("subject_did"), "{}", detail(2));

    let files = credential_files(&out);
    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["S000001.json", "S000005.json", "S000007.json"]);
    for f in &files {
        let (code, report) = verify_json(&home, f);
        assert_verified(code, &report);
    }
    let jane = read_json(&out.join("S000005.json"));
    assert_eq!(jane["credentialSubject"]["id"], holder);
    assert_eq!(jane["credentialSubject"]["identifier"][0]["identityHash"], "Doe, Jane");
    assert_eq!(jane["credentialSubject"]["achievement"]["name"], "Master of Arts");

    // Text mode reports the same rows on standard error.
    let r = run(&home, &["issue", "--batch", s(&csv), "--out-dir", s(&out)]).expect(1);
    for line in ["line 3", "line 4", "line 5", "line 7"] {
        assert!(r.stderr.contains(line), "{line}: {}", r.stderr);
    }
    assert!(r.stdout.contains("3 already issued"), "{}", r.stdout);
    assert_eq!(credential_files(&out).len(), 3);

    // A file without the needed columns is refused as a whole.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,name\n1,A\n").unwrap();
    let r = run(&home, &["issue", "--batch", s(&bad), "--out-dir", s(&out)]).expect(2);
    assert!(r.stderr.contains("student_id"), "{}", r.stderr);
    // A missing file too.
    run(
        &home,
        &[
            "issue",
            "--batch",
            s(&dir.path().join("nope.csv")),
            "--out-dir",
            s(&out),
        ],
    )
    .expect(2);
}

#[test]
fn batch_refuses_a_student_listed_twice() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let csv = dir.path().join("class.csv");
    write_csv(&csv, [good_row(1), good_row(2), good_row(1)]);
    let out = dir.path().join("out");
    let summary = run(&home, &["issue", "--batch", s(&csv), "--out-dir", s(&out), "--json"])
        .expect(1)
        .json();
    assert_eq!(summary["issued"], 2, "{summary}");
    let errors = summary["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{summary}");
    assert_eq!(errors[0]["line"], 4);
    assert!(errors[0]["error"].as_str().unwrap().contains("line 2"), "{summary}");
}

/// Reads the issuance log: (credential id, list, index, state, file) per row.
fn log_rows(home: &Path) -> Vec<(String, i64, i64, String, Option<String>)> {
    let conn = rusqlite::Connection::open(home.join("registrar.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT credential_id, list_number, status_index, state, file FROM issued ORDER BY subject")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn interrupted_batch_resumes_and_issues_each_student_exactly_once() {
    const STUDENTS: usize = 3000;
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    let csv = dir.path().join("class.csv");
    write_csv(&csv, (1..=STUDENTS).map(good_row));
    let out = dir.path().join("out");
    let args = ["issue", "--batch", s(&csv), "--out-dir", s(&out), "--json"];

    let mut child = command(&home)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut seen = 0;
    while seen < 300 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the batch finished ({status}) before it could be interrupted ({seen} files)");
        }
        assert!(Instant::now() < deadline, "the batch wrote only {seen} files");
        std::thread::sleep(Duration::from_millis(20));
        seen = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = credential_files(&out)
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
        .count();
    assert!(partial < STUDENTS, "killed too late: {partial} files");

    let summary = run(&home, &args).ok().json();
    assert_eq!(summary["rows"], STUDENTS as u64, "{summary}");
    assert!(summary["already_issued"].as_u64().unwrap() > 0, "{summary}");
    assert_eq!(
        summary["issued"].as_u64().unwrap() + summary["already_issued"].as_u64().unwrap(),
        STUDENTS as u64,
        "{summary}"
    );
    assert!(summary["errors"].as_array().unwrap().is_empty(), "{summary}");

    // One file per student, nothing else left in the directory.
    let files = credential_files(&out);
    let expected: Vec<PathBuf> = (1..=STUDENTS).map(|i| out.join(format!("S{i:06}.json"))).collect();
    assert_eq!(files, expected);

    // One log row per student, all issued, ids and status indexes unique.
    let rows = log_rows(&home);
    assert_eq!(rows.len(), STUDENTS);
    assert!(rows.iter().all(|r| r.3 == "issued"), "some rows are not issued");
    let ids: HashSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids.len(), STUDENTS);
    let indexes: HashSet<(i64, i64)> = rows.iter().map(|r| (r.1, r.2)).collect();
    assert_eq!(indexes.len(), STUDENTS);

    // Each file holds the credential the log names for it.
    let mut file_ids = HashSet::new();
    let mut file_indexes = HashSet::new();
    for (i, (id, _, index, _, file)) in rows.iter().enumerate() {
        let path = PathBuf::from(file.as_deref().unwrap());
        assert_eq!(path, expected[i]);
        let credential = read_json(&path);
        assert_eq!(credential["id"], id.as_str());
        assert_eq!(
            credential["credentialSubject"]["id"],
            format!("urn:xinlian:student:S{:06}", i + 1)
        );
        let status = &credential["credentialStatus"][0];
        assert_eq!(
            status["statusListIndex"].as_str().map(|s| s.parse::<i64>().unwrap()),
            Some(*index)
        );
        file_ids.insert(credential["id"].as_str().unwrap().to_owned());
        file_indexes.insert(status["statusListIndex"].as_str().unwrap().to_owned());
    }
    assert_eq!(file_ids.len(), STUDENTS);
    assert_eq!(file_indexes.len(), STUDENTS);

    for i in [0, STUDENTS / 3, STUDENTS / 2, STUDENTS - 1] {
        let (code, report) = verify_json(&home, &expected[i]);
        assert_verified(code, &report);
    }

    // A third run has nothing left to do.
    let summary = run(&home, &args).ok().json();
    assert_eq!(summary["issued"], 0, "{summary}");
    assert_eq!(summary["already_issued"], STUDENTS as u64, "{summary}");
}

// ---------------------------------------------------------------- completions, help, demo

#[test]
fn completions_and_help_for_every_command() {
    let dir = tmp();
    let home = dir.path().join("missing");
    let bash = run(&home, &["completions", "bash"]).ok().stdout;
    assert!(bash.contains("registrar") && bash.contains("complete"), "{bash}");
    assert!(bash.contains("rotate-key"), "completions omit commands");
    let zsh = run(&home, &["completions", "zsh"]).ok().stdout;
    assert!(zsh.contains("#compdef registrar"), "{zsh}");
    run(&home, &["completions", "tcsh"]).expect(2);

    let top = run(&home, &["--help"]).ok().stdout;
    let commands = [
        "init",
        "issue",
        "revoke",
        "suspend",
        "reinstate",
        "rotate-key",
        "publish",
        "resolve",
        "verify",
        "serve",
        "demo",
        "completions",
    ];
    for cmd in commands {
        assert!(top.contains(cmd), "top-level help omits {cmd}");
        let help = run(&home, &[cmd, "--help"]).ok().stdout;
        assert!(help.contains(&format!("Usage: registrar {cmd}")), "{cmd}: {help}");
        assert!(
            help.lines().next().is_some_and(|l| l.len() > 10),
            "{cmd} has no description: {help}"
        );
    }
    let verify = run(&home, &["verify", "--help"]).ok().stdout;
    assert!(verify.contains("1 not verified"), "{verify}");
    let issue = run(&home, &["issue", "--help"]).ok().stdout;
    assert!(
        issue.contains("--batch") && issue.contains("run the same command again"),
        "{issue}"
    );
    for cmd in ["diploma", "employment"] {
        let help = run(&home, &["issue", cmd, "--help"]).ok().stdout;
        assert!(help.contains("--format"), "{help}");
    }
    for cmd in [
        "init",
        "issue",
        "revoke",
        "suspend",
        "reinstate",
        "rotate-key",
        "publish",
        "resolve",
        "verify",
        "demo",
    ] {
        let help = run(&home, &[cmd, "--help"]).ok().stdout;
        assert!(help.contains("--json"), "{cmd} has no --json");
    }
    assert!(!home.exists());
}

#[test]
fn demo_runs_end_to_end() {
    let dir = tmp();
    let out = run(&dir.path().join("unused"), &["demo", "--json"]).ok().json();
    assert_eq!(out["ok"], true, "{out}");
    let steps = out["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 5, "{out}");
    assert_eq!(steps[2]["detail"]["verified"], true);
    assert_eq!(steps[4]["detail"]["verified"], false);
    let text = run(&dir.path().join("unused"), &["demo"]).ok().stdout;
    assert!(text.contains("Demo complete"), "{text}");
}

/// An init that failed half way (after writing the signing key) used to
/// leave `keys/signing.key` behind, and every later init failed with
/// "File exists".
#[test]
fn regression_failed_init_leaves_nothing_behind() {
    let dir = tmp();
    let home = dir.path().join("home");
    let r = run(
        &home,
        &["init", "--name", "U", "--method", "web", "--web-domain", "bad domain/x"],
    )
    .expect(2);
    assert!(r.stderr.contains("--web-domain"), "{}", r.stderr);
    assert!(!home.exists(), "the failed init left {home:?}");
    init(&home, &["--method", "web", "--web-domain", "registrar.example.edu"]);

    // In a home directory that existed before, only init's own files go.
    let existing = dir.path().join("existing");
    std::fs::create_dir(&existing).unwrap();
    std::fs::write(existing.join("notes.txt"), "mine").unwrap();
    run(
        &existing,
        &["init", "--name", "U", "--method", "web", "--web-domain", "bad domain/x"],
    )
    .expect(2);
    assert!(!existing.join("keys").join("signing.key").exists());
    assert_eq!(std::fs::read_to_string(existing.join("notes.txt")).unwrap(), "mine");
    init(&existing, &["--method", "web", "--web-domain", "registrar.example.edu"]);
}

/// `issue diploma` used to reserve a log row (and a status index) before
/// checking its fields, and accepted empty names and degrees.
#[test]
fn regression_issue_checks_fields_before_reserving_a_log_row() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let base = [
        "issue",
        "diploma",
        "--student-id",
        "s1",
        "--degree",
        "BSc",
        "--major",
        "CS",
    ];
    let cases: &[(&[&str], &str)] = &[
        (
            &["--name", "A", "--graduated", "2026-06-30", "--subject-did", "garbage"],
            "--subject-did",
        ),
        (&["--name", "A", "--graduated", "2026-02-30"], "--graduated"),
        (
            &["--graduated", "2026-06-30", "--name", " "],
            "--name must not be empty",
        ),
    ];
    for (extra, message) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let r = run(&home, &args).expect(2);
        assert!(r.stderr.contains(message), "{extra:?}: {}", r.stderr);
    }
    let r = run(
        &home,
        &[
            "issue",
            "employment",
            "--employee-id",
            "e1",
            "--name",
            "N",
            "--title",
            "T",
            "--start",
            "2024-01-01",
            "--end",
            "2023-01-01",
        ],
    )
    .expect(2);
    assert!(r.stderr.contains("before --start"), "{}", r.stderr);
    let rows = if home.join("registrar.sqlite").exists() {
        log_rows(&home)
    } else {
        Vec::new()
    };
    assert!(rows.is_empty(), "refused requests left log rows: {rows:?}");
}

/// Parallel `issue` runs on a new home raced to create the log's tables
/// ("table issued already exists") and failed with "database is locked";
/// parallel revocations of credentials in one list could each store a list
/// signed without the other's bit.
#[test]
fn regression_parallel_commands_share_a_home() {
    const N: usize = 8;
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let file = |i: usize| dir.path().join(format!("c{i}.json"));
    let children: Vec<Child> = (0..N)
        .map(|i| {
            command(&home)
                .args([
                    "issue",
                    "diploma",
                    "--student-id",
                    &format!("c{i}"),
                    "--name",
                    "A",
                    "--degree",
                    "BSc",
                ])
                .args(["--major", "CS", "--graduated", "2026-06-30", "-o", s(&file(i))])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        Run::from_output(&["issue", "(parallel)"], child.wait_with_output().unwrap()).ok();
    }
    let rows = log_rows(&home);
    assert_eq!(rows.len(), N);
    assert_eq!(
        rows.iter().map(|r| (r.1, r.2)).collect::<HashSet<_>>().len(),
        N,
        "status indexes collide"
    );

    let revoked: Vec<usize> = (0..N).step_by(2).collect();
    let children: Vec<Child> = revoked
        .iter()
        .map(|&i| {
            command(&home)
                .args(["revoke", s(&file(i))])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        Run::from_output(&["revoke", "(parallel)"], child.wait_with_output().unwrap()).ok();
    }
    for i in 0..N {
        let (code, report) = verify_json(&home, &file(i));
        if revoked.contains(&i) {
            assert_failed_check(code, &report, "status", Some("revoked"));
        } else {
            assert_verified(code, &report);
        }
    }
}

/// `revoke` with a wrong passphrase used to set the revoked flag in the log
/// before asking for the key: it exited 2, yet the next revocation
/// published it.
#[test]
fn regression_status_change_with_a_wrong_passphrase_changes_nothing() {
    let dir = tmp();
    let home = dir.path().join("home");
    let pass = dir.path().join("pass");
    let wrong = dir.path().join("wrong");
    std::fs::write(&pass, "the right passphrase").unwrap();
    std::fs::write(&wrong, "the wrong passphrase").unwrap();
    run(
        &home,
        &[
            "--passphrase-file",
            s(&pass),
            "init",
            "--name",
            "U",
            "--method",
            "key",
            "--encrypt",
        ],
    )
    .ok();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    for (student, file) in [("a", &a), ("b", &b)] {
        let mut args = vec![
            "--passphrase-file",
            s(&pass),
            "issue",
            "diploma",
            "--student-id",
            student,
            "--name",
            "N",
        ];
        args.extend([
            "--degree",
            "BSc",
            "--major",
            "CS",
            "--graduated",
            "2026-06-30",
            "-o",
            s(file),
        ]);
        run(&home, &args).ok();
    }
    let r = run(&home, &["--passphrase-file", s(&wrong), "revoke", s(&a)]).expect(2);
    assert!(r.stderr.contains("wrong passphrase"), "{}", r.stderr);
    // Re-signing the revocation list must not publish the refused change.
    run(&home, &["--passphrase-file", s(&pass), "revoke", s(&b)]).ok();
    let (code, report) = verify_json(&home, &a);
    assert_verified(code, &report);
    let (code, report) = verify_json(&home, &b);
    assert_failed_check(code, &report, "status", Some("revoked"));
}

/// A student with two degrees, and ids that differ only in characters a
/// file name cannot hold, used to share one output file: the second
/// credential overwrote the first.
#[test]
fn regression_batch_gives_every_credential_its_own_file() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let csv = dir.path().join("class.csv");
    write_csv(
        &csv,
        [
            "S1,Ann,Bachelor of Science,Physics,2026-06-30,,".to_owned(),
            "S1,Ann,Master of Science,Physics,2026-06-30,,".to_owned(),
            "a/b,Bob,Bachelor of Arts,History,2026-06-30,,".to_owned(),
            "a_b,Cat,Bachelor of Arts,History,2026-06-30,,".to_owned(),
        ],
    );
    let out = dir.path().join("out");
    let args = ["issue", "--batch", s(&csv), "--out-dir", s(&out), "--json"];
    let summary = run(&home, &args).ok().json();
    assert_eq!(summary["issued"], 4, "{summary}");
    let files = credential_files(&out);
    assert_eq!(files.len(), 4, "{files:?}");
    let degrees: HashSet<String> = files
        .iter()
        .map(|f| {
            let c = read_json(f);
            format!(
                "{} {}",
                c["credentialSubject"]["id"], c["credentialSubject"]["achievement"]["name"]
            )
        })
        .collect();
    assert_eq!(degrees.len(), 4, "{degrees:?}");
    assert!(out.join("S1.json").is_file() && out.join("a_b.json").is_file());
    let summary = run(&home, &args).ok().json();
    assert_eq!(summary["already_issued"], 4, "{summary}");
    assert_eq!(credential_files(&out), files);
}

/// A secp256k1 institution signs credentials as ES256K JWTs and SD-JWTs;
/// its status lists are signed by a second, Ed25519 key of the same DID
/// (Data Integrity has no secp256k1 suite), so revocation works too.
#[test]
fn secp256k1_institutions_issue_jwts_with_working_status_lists() {
    for method in [
        &["--method", "ethr"][..],
        &["--method", "web", "--web-domain", "uni.example"][..],
    ] {
        let dir = tmp();
        let home = dir.path().join("home");
        let mut args = vec!["--key-type", "secp256k1"];
        args.extend_from_slice(method);
        init(&home, &args);
        assert!(home.join("keys/status.key").is_file(), "{method:?}");
        for format in ["jwt", "sd-jwt"] {
            let file = dir.path().join(format!("{format}.txt"));
            issue_diploma(&home, &format!("s-{format}"), format, &file).ok();
            let (code, report) = verify_json(&home, &file);
            assert_verified(code, &report);
            assert!(report.to_string().contains("ES256K"), "{method:?} {format}: {report}");
            run(&home, &["revoke", s(&file)]).ok();
            let (code, report) = verify_json(&home, &file);
            assert_failed_check(code, &report, "status", Some("revoked"));
        }
    }
    // did:key and did:jwk have one key only: refused, and nothing is written.
    for method in ["key", "jwk"] {
        let dir = tmp();
        let home = dir.path().join("home");
        let r = run(
            &home,
            &["init", "--name", "X", "--method", method, "--key-type", "secp256k1"],
        );
        assert_eq!(r.code, 2, "{method}");
        assert!(
            r.stderr.contains("secp256k1 needs --method ethr or web"),
            "{}",
            r.stderr
        );
        assert!(!home.join("institution.json").exists());
    }
}

/// `registrar serve` publishes a did:web institution's document where
/// did:web resolvers look for it.
#[test]
fn serve_publishes_the_did_web_document() {
    let dir = tmp();
    let home = dir.path().join("home");
    let profile = init(&home, &["--method", "web", "--web-domain", "uni.example"]);
    let port = free_port();
    let _server = Server::start(&home, port);
    let (status, body) = http_get(port, "/.well-known/did.json");
    assert_eq!(status, 200, "{body}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["id"], profile["did"]);
    assert_eq!(doc["id"], "did:web:uni.example");
}

// ---------------------------------------------------------------- issue 11: crash-safe rotation

/// `rotate-key` with the test hook that aborts the process right after
/// rotation step `step` (0 = the journal is written).
fn rotate_killed_after(home: &Path, step: u32, extra: &[&str]) -> Run {
    let mut args = vec!["rotate-key"];
    args.extend_from_slice(extra);
    let out = command(home)
        .env("XINLIAN_TEST_ABORT_AFTER", format!("rotate:{step}"))
        .args(&args)
        .output()
        .unwrap();
    Run::from_output(&args, out)
}

fn profile(home: &Path) -> Value {
    read_json(&home.join("institution.json"))
}

/// The verification method of each stored status list credential's proof.
fn status_list_signers(home: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(home.join("registrar.sqlite")).unwrap();
    let mut stmt = conn.prepare("SELECT credential FROM status_lists").unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|c| {
            let c: Value = serde_json::from_str(&c.unwrap()).unwrap();
            c["proof"]["verificationMethod"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// Killed after any step of a rotation, the next command finishes it: no
/// "File exists" wedge, no signing with a revoked key, new credentials
/// verify, credentials issued before still verify, revocation still works,
/// and every status list is signed by a key the DID lists.
#[test]
fn regression_rotate_key_killed_at_every_step_is_finished_by_the_next_command() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    let mut kept = Vec::new();
    let first = dir.path().join("kept-0.json");
    issue_diploma(&home, "kept-0", "di-eddsa-jcs", &first).ok();
    kept.push(first);
    for step in 0..=5u32 {
        let generation = profile(&home)["key_generation"].as_u64().unwrap();
        let victim = dir.path().join(format!("victim-{step}.json"));
        issue_diploma(&home, &format!("victim-{step}"), "jwt", &victim).ok();

        let r = rotate_killed_after(&home, step, &[]);
        assert!(r.code != 0 && r.code != 2, "step {step}: the process was not aborted");
        assert!(
            r.stderr.contains(&format!("after rotation step {step}")),
            "{}",
            r.stderr
        );
        assert!(home.join("rotation.json").is_file(), "step {step}: no journal left");

        // The next command: `rotate-key` itself (finishing, not rotating
        // twice) or one that signs.
        let next = dir.path().join(format!("kept-{}.json", step + 1));
        if step % 2 == 1 {
            let done = run(&home, &["rotate-key", "--json"]).ok().json();
            assert_eq!(done["resumed"], true, "step {step}: {done}");
            issue_diploma(&home, &format!("kept-{}", step + 1), "di-eddsa-jcs", &next).ok();
        } else {
            let r = issue_diploma(&home, &format!("kept-{}", step + 1), "di-eddsa-jcs", &next).ok();
            assert!(
                r.stderr.contains("finishing the key rotation"),
                "step {step}: {}",
                r.stderr
            );
        }
        assert!(!home.join("rotation.json").exists(), "step {step}: journal left behind");
        let p = profile(&home);
        assert_eq!(
            p["key_generation"].as_u64().unwrap(),
            generation + 1,
            "step {step}: one rotation"
        );
        let vm = p["verification_method"].as_str().unwrap().to_owned();
        assert_eq!(
            read_json(&next)["proof"]["verificationMethod"],
            vm.as_str(),
            "step {step}"
        );
        kept.push(next);

        // The current key is listed; the status lists are signed by it.
        let doc = run(&home, &["resolve", &vm]).ok().stdout;
        assert!(doc.contains(&vm), "step {step}: {doc}");
        let signers = status_list_signers(&home);
        assert!(!signers.is_empty());
        assert!(
            signers.iter().all(|s| *s == vm),
            "step {step}: lists signed by {signers:?}, key {vm}"
        );

        // Revocation works, and re-signing the list breaks nothing else.
        run(&home, &["revoke", s(&victim)]).ok();
        let (code, report) = verify_json(&home, &victim);
        assert_failed_check(code, &report, "status", Some("revoked"));
        for file in &kept {
            let (code, report) = verify_json(&home, file);
            assert_verified(code, &report);
        }
    }
    // A plain rotation afterwards works, and key files stay private.
    run(&home, &["rotate-key"]).ok();
    for entry in std::fs::read_dir(home.join("keys")).unwrap() {
        let path = entry.unwrap().path();
        assert!(path.extension().is_some_and(|e| e == "key"), "stray file {path:?}");
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600, "{path:?}");
    }
}

/// What the old `rotate-key` left when killed after the ledger revoked the
/// old key but before the profile was saved: `issue` and `revoke` signed
/// with the revoked key and exited 0. Now nothing is signed with a key the
/// DID document does not list.
#[test]
fn regression_signing_with_a_key_the_ledger_revoked_is_refused() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    let before = dir.path().join("before.json");
    issue_diploma(&home, "s1", "di-eddsa-jcs", &before).ok();
    let stale = profile(&home);
    run(&home, &["rotate-key"]).ok();
    let lists_before = status_list_signers(&home);
    // The profile as an interrupted old-style rotation left it.
    std::fs::write(home.join("institution.json"), stale.to_string()).unwrap();

    let out = dir.path().join("after.json");
    let r = issue_diploma(&home, "s2", "di-eddsa-jcs", &out).expect(2);
    assert!(
        r.stderr.contains("refusing to sign") && r.stderr.contains("no longer lists it"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    let r = run(&home, &["revoke", s(&before)]).expect(2);
    assert!(r.stderr.contains("refusing to sign"), "{}", r.stderr);
    let r = run(&home, &["publish", "--out-dir", s(&dir.path().join("pub"))]).expect(2);
    assert!(r.stderr.contains("refusing to sign"), "{}", r.stderr);
    assert_eq!(status_list_signers(&home), lists_before, "a status list was re-signed");
    let (code, report) = verify_json(&home, &before);
    assert_verified(code, &report);
}

// ---------------------------------------------------------------- issue 11: compromised keys

/// The old signing key (generation 1) as a signer, the way a thief who
/// copied `keys/signing.key` would use it.
fn stolen_signer(home: &Path, vm: &str) -> xinlian_vc::KeySigner {
    let file = read_json(&home.join("keys").join("signing.key"));
    let secret = xinlian_did_core::SecretKey::from_multikey(file["secret_key_multibase"].as_str().unwrap()).unwrap();
    xinlian_vc::KeySigner::new(secret, vm.to_owned()).unwrap()
}

/// Signs `credential` (without its proof and status) with `signer`,
/// claiming `created`, as Data Integrity and as a vc+jwt with that `iat`.
fn forge(credential: &Value, signer: &xinlian_vc::KeySigner, created: &str) -> (String, String) {
    let mut doc = credential.as_object().unwrap().clone();
    doc.remove("proof");
    doc.remove("credentialStatus");
    doc["credentialSubject"]["name"] = Value::from("Mallory");
    let at = time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let di = rt
        .block_on(xinlian_vc::proof::add_proof(
            &doc,
            &xinlian_vc::proof::ProofOptions::new()
                .cryptosuite(xinlian_vc::proof::Cryptosuite::EddsaJcs2022)
                .created(at),
            signer,
        ))
        .unwrap();
    let jwt = rt
        .block_on(xinlian_vc::jose::issue_vc_jwt(
            &doc,
            signer,
            &xinlian_vc::jose::JwtIssueOptions {
                issued_at: Some(at.unix_timestamp()),
                ..Default::default()
            },
        ))
        .unwrap();
    (serde_json::to_string_pretty(&Value::Object(di)).unwrap(), jwt)
}

/// After `rotate-key --compromised`, the old key is named by a
/// `CompromisedKey` service, and a credential the thief signs with it,
/// backdated to before the rotation, no longer verifies (Data Integrity
/// `created` and JWT `iat` alike). After an ordinary rotation, credentials
/// signed before keep verifying.
#[test]
fn regression_rotate_key_compromised_refuses_backdated_proofs_by_the_old_key() {
    let dir = tmp();
    let home = dir.path().join("home");
    let old_vm = init(&home, &[])["verificationMethod"].as_str().unwrap().to_owned();
    let before = dir.path().join("before.json");
    issue_diploma(&home, "s1", "di-eddsa-jcs", &before).ok();
    let created = read_json(&before)["proof"]["created"].as_str().unwrap().to_owned();
    let thief = stolen_signer(&home, &old_vm);

    let done = run(&home, &["rotate-key", "--compromised", "--json"]).ok().json();
    assert_eq!(done["compromised"], true, "{done}");
    let did = old_vm.split('#').next().unwrap();
    let resolved = run(&home, &["resolve", did, "--json"]).ok().json();
    let services = resolved["didDocument"]["service"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        services.iter().any(|s| s["type"] == "CompromisedKey"
            && s["serviceEndpoint"] == thief.public_key().to_multikey().as_str()),
        "no CompromisedKey service for the old key: {resolved:#}"
    );

    let (di, jwt) = forge(&read_json(&before), &thief, &created);
    let forged_di = dir.path().join("forged.json");
    let forged_jwt = dir.path().join("forged.jwt");
    std::fs::write(&forged_di, di).unwrap();
    std::fs::write(&forged_jwt, jwt).unwrap();
    for file in [&forged_di, &forged_jwt] {
        let (code, report) = verify_json(&home, file);
        assert_eq!(code, 1, "{file:?}: {report:#}");
        assert_eq!(report["verified"], false, "{report:#}");
        assert!(
            report.to_string().to_lowercase().contains("compromised"),
            "{file:?} is not refused as signed by a compromised key: {report:#}"
        );
    }
    // New credentials are signed by the new key and verify.
    let after = dir.path().join("after.json");
    issue_diploma(&home, "s2", "di-eddsa-jcs", &after).ok();
    let (code, report) = verify_json(&home, &after);
    assert_verified(code, &report);

    // An ordinary rotation: what the old key signed before still verifies,
    // and no key is marked compromised.
    let home2 = dir.path().join("home2");
    init(&home2, &[]);
    let before2 = dir.path().join("before2.json");
    issue_diploma(&home2, "s1", "di-eddsa-jcs", &before2).ok();
    let done = run(&home2, &["rotate-key", "--json"]).ok().json();
    assert_eq!(done["compromised"], false, "{done}");
    let (code, report) = verify_json(&home2, &before2);
    assert_verified(code, &report);
    let did2 = profile(&home2)["did"].as_str().unwrap().to_owned();
    let doc2 = run(&home2, &["resolve", &did2]).ok().stdout;
    assert!(!doc2.contains("CompromisedKey"), "{doc2}");
}

// ---------------------------------------------------------------- issue 11: outputs, passphrases, names

/// `-o` used to replace whatever was there: `/dev/null` (as root), a
/// symlink's target, an existing file.
#[test]
fn regression_output_refuses_devices_links_directories_and_existing_files() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let existing = dir.path().join("existing.json");
    std::fs::write(&existing, "keep").unwrap();
    let mut refused: Vec<(PathBuf, &str)> = vec![
        (existing.clone(), "pass --force"),
        (dir.path().to_owned(), "is a directory"),
    ];
    #[cfg(unix)]
    {
        let target = dir.path().join("target.json");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        refused.push((link, "symbolic link"));
        refused.push((PathBuf::from("/dev/null"), "not a regular file"));
        let fifo = dir.path().join("fifo");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        refused.push((fifo, "not a regular file"));
    }
    for (i, (path, reason)) in refused.iter().enumerate() {
        for force in [false, true] {
            if *reason == "pass --force" && force {
                continue;
            }
            let mut args = vec!["issue", "diploma", "--student-id"];
            let student = format!("s{i}");
            args.push(&student);
            args.extend([
                "--name",
                "A",
                "--degree",
                "BSc",
                "--major",
                "CS",
                "--graduated",
                "2026-06-30",
                "-o",
                s(path),
            ]);
            if force {
                args.push("--force");
            }
            let r = run(&home, &args).expect(2);
            assert!(r.stderr.contains(reason), "{path:?} force={force}: {}", r.stderr);
        }
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep");
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        assert_eq!(std::fs::read_to_string(dir.path().join("target.json")).unwrap(), "keep");
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    }
    // Nothing was reserved in the log for a refused target.
    assert!(
        !home.join("registrar.sqlite").exists() || log_rows(&home).is_empty(),
        "a refused target reserved a log row"
    );

    // --force replaces a regular file, atomically, readable by all.
    issue_diploma(&home, "s0", "di-eddsa-jcs", &existing).expect(2);
    let r = run(
        &home,
        &[
            "issue",
            "diploma",
            "--student-id",
            "s0",
            "--name",
            "A",
            "--degree",
            "BSc",
            "--major",
            "CS",
            "--graduated",
            "2026-06-30",
            "--force",
            "-o",
            s(&existing),
        ],
    );
    r.ok();
    let (code, report) = verify_json(&home, &existing);
    assert_verified(code, &report);
    #[cfg(unix)]
    assert_eq!(mode(&existing), 0o644);

    // --batch: a file that is not this registrar's is refused (that row),
    // replaced with --force.
    let csv = dir.path().join("class.csv");
    write_csv(&csv, (1..=3).map(good_row));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("S000002.json"), "keep").unwrap();
    let args = ["issue", "--batch", s(&csv), "--out-dir", s(&out), "--json"];
    let summary = run(&home, &args).expect(1).json();
    assert_eq!(summary["issued"], 2, "{summary}");
    assert!(
        summary["errors"][0]["error"].as_str().unwrap().contains("--force"),
        "{summary}"
    );
    assert_eq!(std::fs::read_to_string(out.join("S000002.json")).unwrap(), "keep");
    let mut forced = args.to_vec();
    forced.push("--force");
    let summary = run(&home, &forced).ok().json();
    assert_eq!(summary["issued"], 1, "{summary}");
    let (code, report) = verify_json(&home, &out.join("S000002.json"));
    assert_verified(code, &report);

    // publish never writes through a link either.
    #[cfg(unix)]
    {
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("status").join("1")).unwrap();
        std::os::unix::fs::symlink(&existing, site.join("status").join("1").join("revocation")).unwrap();
        let r = run(&home, &["publish", "--out-dir", s(&site)]).expect(2);
        assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
        let (code, report) = verify_json(&home, &existing);
        assert_verified(code, &report);
    }
}

/// `XINLIAN_PASSPHRASE= registrar init --encrypt` sealed keys with an empty
/// passphrase. Empty, blank and short passphrases are refused, the message
/// says the minimum, and nothing is left behind.
#[test]
fn regression_empty_or_short_passphrases_are_refused() {
    let dir = tmp();
    for (i, pass) in ["", "   ", "short", "elevenchars"].iter().enumerate() {
        let home = dir.path().join(format!("home{i}"));
        let args = ["init", "--name", "U", "--method", "key", "--encrypt"];
        let out = command(&home)
            .env("XINLIAN_PASSPHRASE", pass)
            .args(args)
            .output()
            .unwrap();
        let r = Run::from_output(&args, out).expect(2);
        assert!(r.stderr.contains("at least 12 characters"), "{pass:?}: {}", r.stderr);
        assert!(!home.join("institution.json").exists());
        assert!(!home.join("keys").join("signing.key").exists());
        // The same from a file.
        let file = dir.path().join(format!("pass{i}"));
        std::fs::write(&file, format!("{pass}\n")).unwrap();
        let r = run(
            &home,
            &["--passphrase-file", s(&file), "init", "--name", "U", "--encrypt"],
        )
        .expect(2);
        assert!(r.stderr.contains("at least 12 characters"), "{pass:?}: {}", r.stderr);
        assert!(!home.join("institution.json").exists());
    }
    let home = dir.path().join("ok");
    let args = ["init", "--name", "U", "--method", "key", "--encrypt"];
    let out = command(&home)
        .env("XINLIAN_PASSPHRASE", "twelve chars")
        .args(args)
        .output()
        .unwrap();
    Run::from_output(&args, out).ok();
    assert_eq!(
        read_json(&home.join("keys").join("signing.key"))["protection"],
        "passphrase"
    );
}

/// The profile recorded the embedded registry as `0x0x…`; it has one
/// `0x`, and a profile saved again (by a rotation) keeps it so. A profile
/// written by an older version is repaired.
#[test]
fn regression_profile_registry_address_has_one_0x() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    let registry = profile(&home)["ledger"]["registry"].as_str().unwrap().to_owned();
    let hex = registry.strip_prefix("0x").unwrap();
    assert!(
        hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{registry}"
    );
    run(&home, &["rotate-key"]).ok();
    assert_eq!(profile(&home)["ledger"]["registry"], registry.as_str());
    let mut old = profile(&home);
    old["ledger"]["registry"] = Value::from(format!("0x{registry}"));
    std::fs::write(home.join("institution.json"), old.to_string()).unwrap();
    run(&home, &["rotate-key"]).ok();
    assert_eq!(profile(&home)["ledger"]["registry"], registry.as_str());
}

/// A `student_id` starting with `.` made a hidden output file; one with
/// `/` or `..` must not leave the output directory either.
#[test]
fn regression_student_ids_never_make_hidden_or_escaping_files() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "key"]);
    let csv = dir.path().join("class.csv");
    write_csv(
        &csv,
        [".hidden", "..", "../escape", "..%2Fx", "/abs"]
            .iter()
            .map(|id| format!("{id},Eve,Bachelor of Science,Physics,2026-06-30,,")),
    );
    let out = dir.path().join("out");
    let summary = run(&home, &["issue", "--batch", s(&csv), "--out-dir", s(&out), "--json"])
        .ok()
        .json();
    assert_eq!(summary["issued"], 5, "{summary}");
    let files = credential_files(&out);
    assert_eq!(files.len(), 5, "{files:?}");
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(!name.starts_with('.'), "hidden file {name}");
        assert_eq!(f.parent().unwrap(), out);
    }
    assert!(!dir.path().join("escape.json").exists());
    assert!(out.join("_hidden.json").is_file(), "{files:?}");
}

/// `registrar init --encrypt` at a terminal asked for the passphrase once.
/// It asks twice now and refuses answers that differ. The terminal is a
/// real pseudo-terminal made by util-linux `script` (the passphrase prompt
/// reads /dev/tty, not standard input).
#[test]
fn regression_interactive_passphrase_is_asked_twice_and_must_match() {
    let dir = tmp();
    let at_terminal = |home: &Path, typed: &str| -> Run {
        let cmd = format!("{BIN} --home {} init --name U --method key --encrypt", s(home));
        let mut child = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env_remove("XINLIAN_HOME")
            .env_remove("XINLIAN_PASSPHRASE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("util-linux `script` is needed to give the registrar a terminal");
        child.stdin.take().unwrap().write_all(typed.as_bytes()).unwrap();
        Run::from_output(
            &["init", "--encrypt", "(at a terminal)"],
            child.wait_with_output().unwrap(),
        )
    };
    let home = dir.path().join("differ");
    let r = at_terminal(&home, "correct horse battery\ncorrect horse batterX\n").expect(2);
    assert!(r.stdout.contains("Repeat the passphrase"), "{}", r.stdout);
    assert!(r.stdout.contains("passphrases differ"), "{}", r.stdout);
    assert!(!home.join("institution.json").exists());
    let home = dir.path().join("short");
    let r = at_terminal(&home, "short\nshort\n").expect(2);
    assert!(r.stdout.contains("at least 12 characters"), "{}", r.stdout);
    let home = dir.path().join("same");
    let r = at_terminal(&home, "correct horse battery\ncorrect horse battery\n").ok();
    assert!(r.stdout.contains("Repeat the passphrase"), "{}", r.stdout);
    assert_eq!(
        read_json(&home.join("keys").join("signing.key"))["protection"],
        "passphrase"
    );
}

/// did:web rotates in the home's did.json, journaled like did:ethr: an
/// ordinary rotation keeps the old key listed (did:web has no history, so
/// that is how what it signed keeps verifying); `--compromised` removes the
/// old key and names it in a `CompromisedKey` service, which `publish`
/// puts online.
#[test]
fn rotate_key_for_did_web_keeps_or_marks_the_old_key() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &["--method", "web", "--web-domain", "registrar.example.edu"]);
    let did = "did:web:registrar.example.edu";
    let before = dir.path().join("before.json");
    issue_diploma(&home, "s1", "di-eddsa-jcs", &before).ok();

    // Killed after did.json got the new key; the next issue finishes it.
    let r = rotate_killed_after(&home, 2, &[]);
    assert!(r.code != 0 && r.code != 2, "not aborted: {}", r.stderr);
    let mid = dir.path().join("mid.json");
    issue_diploma(&home, "s2", "di-eddsa-jcs", &mid).ok();
    assert_eq!(read_json(&mid)["proof"]["verificationMethod"], format!("{did}#key-2"));
    assert!(!home.join("rotation.json").exists());
    let doc = read_json(&home.join("did.json"));
    let assertion: Vec<&str> = doc["assertionMethod"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        assertion.iter().any(|a| a.ends_with("#key-1")) && assertion.iter().any(|a| a.ends_with("#key-2")),
        "{doc:#}"
    );
    let key2 = doc["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .find(|vm| vm["id"].as_str().unwrap().ends_with("#key-2"))
        .unwrap()["publicKeyMultibase"]
        .as_str()
        .unwrap()
        .to_owned();
    for file in [&before, &mid] {
        let (code, report) = verify_json(&home, file);
        assert_verified(code, &report);
    }

    // Key 2 is stolen.
    let done = run(&home, &["rotate-key", "--compromised", "--json"]).ok().json();
    assert_eq!(done["verificationMethod"], format!("{did}#key-3"));
    let doc = read_json(&home.join("did.json"));
    let text = doc.to_string();
    assert!(!text.contains(&format!("{did}#key-2\"")), "key 2 still listed: {doc:#}");
    assert!(
        doc["service"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["type"] == "CompromisedKey" && s["serviceEndpoint"]["uri"] == key2.as_str()),
        "{doc:#}"
    );
    let (code, report) = verify_json(&home, &mid);
    assert_eq!((code, &report["verified"]), (1, &Value::Bool(false)), "{report:#}");
    let after = dir.path().join("after.json");
    issue_diploma(&home, "s3", "di-eddsa-jcs", &after).ok();
    for file in [&before, &after] {
        let (code, report) = verify_json(&home, file);
        assert_verified(code, &report);
    }
    assert!(
        status_list_signers(&home).iter().all(|s| *s == format!("{did}#key-3")),
        "{:?}",
        status_list_signers(&home)
    );
    let site = dir.path().join("site");
    run(&home, &["publish", "--out-dir", s(&site)]).ok();
    let published = read_json(&site.join(".well-known").join("did.json"));
    assert_eq!(published, doc);
}

/// Two commands started after a killed rotation both find its journal;
/// they finish it once between them (the rotation lock), not twice.
#[test]
fn regression_two_commands_finishing_one_rotation_do_it_once() {
    let dir = tmp();
    let home = dir.path().join("home");
    init(&home, &[]);
    let did = profile(&home)["did"].as_str().unwrap().to_owned();
    let r = rotate_killed_after(&home, 1, &[]);
    assert!(r.code != 0 && r.code != 2, "not aborted: {}", r.stderr);
    let children: Vec<(PathBuf, Child)> = (0..2)
        .map(|i| {
            let out = dir.path().join(format!("c{i}.json"));
            let child = command(&home)
                .args([
                    "issue",
                    "diploma",
                    "--student-id",
                    &format!("c{i}"),
                    "--name",
                    "A",
                    "--degree",
                    "BSc",
                    "--major",
                    "CS",
                    "--graduated",
                    "2026-06-30",
                    "-o",
                    s(&out),
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (out, child)
        })
        .collect();
    for (out, child) in children {
        Run::from_output(&["issue", "(concurrent)"], child.wait_with_output().unwrap()).ok();
        let (code, report) = verify_json(&home, &out);
        assert_verified(code, &report);
    }
    assert_eq!(profile(&home)["key_generation"], 2);
    let resolved = run(&home, &["resolve", &did, "--json"]).ok().json();
    let methods = resolved["didDocument"]["assertionMethod"].as_array().unwrap();
    // The controller's own key and the new signing key, once.
    let keys: Vec<&Value> = resolved["didDocument"]["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|vm| vm["publicKeyMultibase"].is_string() || vm["publicKeyHex"].is_string())
        .collect();
    assert_eq!(
        keys.len(),
        1,
        "the new key is listed {} times: {resolved:#}",
        keys.len()
    );
    assert!(!methods.is_empty());
}
