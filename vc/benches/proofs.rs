//! Data Integrity proofs next to raw signatures.
//!
//! Target (issue 3): verifying an eddsa-jcs-2022 diploma with a did:key
//! issuer at most 1.5x a raw Ed25519 verify of 32 bytes. The criterion runs
//! time each operation; afterwards an interleaved timing loop (so both sides
//! see the same machine state) prints the ratios.
//!
//! `PROOFS_BENCH_COMPONENTS=1` instead times the parts of a verification
//! (JCS, hashing, key decoding); `PROOFS_BENCH_PROFILE=1` runs a plain
//! verify loop for five seconds, for `perf record`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use serde_json::{Map, Value};
use time::macros::{date, datetime};
use xinlian_did_core::{KeyType, PublicKey, Relationship, SecretKey, StatelessResolver};
use xinlian_vc::proof::{ProofExpectations, ProofOptions, add_proof, verify_proof};
use xinlian_vc::records::diploma::{DegreeType, Diploma};
use xinlian_vc::{Credential, KeySigner, Policy, verify_credential};

struct Suite {
    name: &'static str,
    secret: SecretKey,
    public: PublicKey,
    signer: KeySigner,
    unsigned: Map<String, Value>,
    signed: Map<String, Value>,
    credential: Credential,
    message: [u8; 32],
    raw_signature: Vec<u8>,
}

fn diploma(issuer: &str) -> Credential {
    Diploma::builder()
        .student("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "Li Wei")
        .degree(DegreeType::Bachelor, "Bachelor of Science")
        .major("Physics")
        .graduated(date!(2026 - 06 - 30))
        .honors("magna cum laude")
        .gpa("3.8")
        .issuer(issuer, "Example University")
        .credential_id("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33")
        .valid_from(datetime!(2026-07-01 09:00 UTC))
        .build()
        .unwrap()
}

fn suite(name: &'static str, key_type: KeyType) -> Suite {
    let secret = SecretKey::from_bytes(key_type, &[7u8; 32]).unwrap();
    let public = secret.public_key();
    let signer = KeySigner::did_key(secret.clone()).unwrap();
    let unsigned = diploma(signer.did()).as_object().clone();
    let options = ProofOptions::new().created(datetime!(2026-07-01 09:00 UTC));
    let signed = pollster::block_on(add_proof(&unsigned, &options, &signer)).unwrap();
    let credential = Credential::from_value(Value::Object(signed.clone())).unwrap();
    let message = [42u8; 32];
    let raw_signature = secret.sign(&message);
    Suite {
        name,
        secret,
        public,
        signer,
        unsigned,
        signed,
        credential,
        message,
        raw_signature,
    }
}

fn expectations() -> ProofExpectations {
    ProofExpectations::new(Relationship::AssertionMethod).at(datetime!(2027-01-01 00:00 UTC))
}

fn bench(c: &mut Criterion, s: &Suite, resolver: &StatelessResolver) {
    let options = ProofOptions::new().created(datetime!(2026-07-01 09:00 UTC));
    let expected = expectations();
    let policy = Policy::new().at(datetime!(2027-01-01 00:00 UTC));
    let raw = match s.public.key_type() {
        KeyType::Ed25519 => "ed25519",
        _ => "p256",
    };
    c.bench_function(&format!("raw/{raw}_sign_32"), |b| {
        b.iter(|| s.secret.sign(black_box(&s.message)))
    });
    c.bench_function(&format!("raw/{raw}_verify_32"), |b| {
        b.iter(|| s.public.verify(black_box(&s.message), &s.raw_signature).unwrap())
    });
    c.bench_function(&format!("{}/sign_diploma", s.name), |b| {
        b.iter(|| pollster::block_on(add_proof(black_box(&s.unsigned), &options, &s.signer)).unwrap())
    });
    c.bench_function(&format!("{}/verify_proof_diploma", s.name), |b| {
        b.iter(|| {
            let o = pollster::block_on(verify_proof(black_box(&s.signed), 0, resolver, &expected));
            assert!(o.verified());
        })
    });
    c.bench_function(&format!("{}/verify_credential_diploma", s.name), |b| {
        b.iter(|| {
            let r = pollster::block_on(verify_credential(black_box(&s.credential), resolver, &policy));
            assert!(r.verified());
        })
    });
}

/// Median time per call of `f`, over `rounds` rounds of `iters` calls.
fn time_per_call(rounds: usize, iters: u32, mut f: impl FnMut()) -> Vec<Duration> {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                f();
            }
            start.elapsed() / iters
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ratios(s: &Suite, resolver: &StatelessResolver) {
    let expected = expectations();
    let policy = Policy::new().at(datetime!(2027-01-01 00:00 UTC));
    let options = ProofOptions::new().created(datetime!(2026-07-01 09:00 UTC));
    let (mut raw_v, mut proof_v, mut cred_v, mut raw_s, mut sign_s) = (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..15 {
        raw_v.extend(time_per_call(1, 400, || {
            s.public.verify(black_box(&s.message), &s.raw_signature).unwrap()
        }));
        proof_v.extend(time_per_call(1, 400, || {
            assert!(pollster::block_on(verify_proof(black_box(&s.signed), 0, resolver, &expected)).verified())
        }));
        cred_v.extend(time_per_call(1, 400, || {
            assert!(pollster::block_on(verify_credential(black_box(&s.credential), resolver, &policy)).verified())
        }));
        raw_s.extend(time_per_call(1, 200, || {
            black_box(s.secret.sign(black_box(&s.message)));
        }));
        sign_s.extend(time_per_call(1, 200, || {
            black_box(pollster::block_on(add_proof(black_box(&s.unsigned), &options, &s.signer)).unwrap());
        }));
    }
    let (raw_v, proof_v, cred_v, raw_s, sign_s) = (
        median(raw_v),
        median(proof_v),
        median(cred_v),
        median(raw_s),
        median(sign_s),
    );
    let r = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "{:<22} raw verify {:>9.2?} | verify_proof {:>9.2?} ({:.2}x) | verify_credential {:>9.2?} ({:.2}x)",
        s.name,
        raw_v,
        proof_v,
        r(proof_v, raw_v),
        cred_v,
        r(cred_v, raw_v)
    );
    println!(
        "{:<22} raw sign   {:>9.2?} | add_proof    {:>9.2?} ({:.2}x)",
        s.name,
        raw_s,
        sign_s,
        r(sign_s, raw_s)
    );
}

/// Where verify time goes (set `PROOFS_BENCH_COMPONENTS=1`).
fn components(s: &Suite) {
    use sha2::Digest as _;
    let mut doc = s.signed.clone();
    doc.shift_remove("proof");
    let proof = s.signed["proof"].as_object().unwrap().clone();
    let vm = proof["verificationMethod"].as_str().unwrap().to_owned();
    let t = |name: &str, iters: u32, f: &mut dyn FnMut()| {
        let d = median(time_per_call(9, iters, &mut *f));
        println!("{name:<40} {d:>9.2?}");
    };
    t("jcs(document)", 2000, &mut || {
        black_box(serde_json_canonicalizer::to_vec(black_box(&doc)).unwrap());
    });
    t("jcs(proof)", 2000, &mut || {
        black_box(serde_json_canonicalizer::to_vec(black_box(&proof)).unwrap());
    });
    let bytes = serde_json_canonicalizer::to_vec(&doc).unwrap();
    println!("document: {} canonical bytes", bytes.len());
    t("sha256(canonical document)", 2000, &mut || {
        black_box(sha2::Sha256::digest(black_box(&bytes)));
    });
    t("serde_json::to_vec(document)", 2000, &mut || {
        black_box(serde_json::to_vec(black_box(&doc)).unwrap());
    });
    t("DidUrl::parse(vm)", 2000, &mut || {
        black_box(xinlian_did_core::DidUrl::parse(black_box(&vm)).unwrap());
    });
    let did = xinlian_did_core::DidUrl::parse(&vm).unwrap().did();
    t("did:key public_key", 2000, &mut || {
        black_box(xinlian_did_core::method::key::public_key(black_box(&did)).unwrap());
    });
    t("DataIntegrityProof::from_object", 2000, &mut || {
        black_box(xinlian_vc::DataIntegrityProof::from_object(black_box(&proof), "/proof").unwrap());
    });
    t("clone(document)", 2000, &mut || {
        black_box(black_box(&doc).clone());
    });
}

fn main() {
    let resolver = StatelessResolver::new();
    if std::env::var_os("PROOFS_BENCH_PROFILE").is_some() {
        // A plain loop for `perf record`.
        let s = suite("eddsa-jcs-2022", KeyType::Ed25519);
        let policy = Policy::new().at(datetime!(2027-01-01 00:00 UTC));
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            assert!(pollster::block_on(verify_credential(black_box(&s.credential), &resolver, &policy)).verified());
        }
        return;
    }
    if std::env::var_os("PROOFS_BENCH_COMPONENTS").is_some() {
        let s = suite("eddsa-jcs-2022", KeyType::Ed25519);
        components(&s);
        ratios(&s, &resolver);
        return;
    }
    let suites = [
        suite("eddsa-jcs-2022", KeyType::Ed25519),
        suite("ecdsa-jcs-2019-p256", KeyType::P256),
    ];
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    for s in &suites {
        bench(&mut c, s, &resolver);
    }
    c.final_summary();
    println!("\nratios (median of 15 interleaved rounds; target: eddsa-jcs-2022 verify <= 1.5x raw Ed25519 verify)");
    for s in &suites {
        ratios(s, &resolver);
    }
}
