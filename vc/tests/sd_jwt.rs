//! SD-JWT and SD-JWT VC: the RFC 9901 Section 5 example, the sd-jwt-python
//! testcases, a diploma shown selectively, and every rejection rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use xinlian_did_core::{Jwk, KeyType, PublicKey, SecretKey, StatelessResolver};
use xinlian_vc::jose::{Jwt, KeySource, sign_jwt};
use xinlian_vc::sd_jwt::{
    Disclosure, KeyBindingCheck, SdJwt, SdJwtVcBuilder, SdJwtVerifyOptions, sha256_b64, verify_sd_jwt,
};
use xinlian_vc::{Error, KeySigner, Signer as _};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sd-jwt")
}

fn read_json(rel: &str) -> Value {
    let text = std::fs::read_to_string(vectors().join(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

/// The issuer and holder keys of the spec's `settings.yml`.
fn settings_key(holder: bool) -> SecretKey {
    let (d, x, y) = if holder {
        (
            "5K5SCos8zf9zRemGGUl6yfok-_NiiryNZsvANWMhF-I",
            "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc",
            "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ",
        )
    } else {
        (
            "Ur2bNKuBPOrAaxsRnbSH6hIhmNTxSGXshDSUD1a1y7g",
            "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
            "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8",
        )
    };
    let jwk = Jwk::from_json(&json!({"kty": "EC", "crv": "P-256", "d": d, "x": x, "y": y}).to_string()).unwrap();
    SecretKey::from_jwk(&jwk).unwrap()
}

fn jwk_key(value: &Value) -> PublicKey {
    PublicKey::from_jwk(&serde_json::from_value::<Jwk>(value.clone()).unwrap()).unwrap()
}

fn sd_err(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(e @ (Error::SdJwt { .. } | Error::Jwt { .. } | Error::Did(_))) => e.to_string(),
        other => panic!("expected an SD-JWT/JWT error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// RFC 9901 Section 5 example
// ---------------------------------------------------------------------------

#[test]
fn section5_every_disclosure_digest_matches() {
    let v = read_json("sd-jwt-section5-simple-example.json");
    let entries = v["disclosures"].as_array().unwrap();
    assert_eq!(entries.len(), 10);
    for entry in entries {
        let d = Disclosure::parse(entry["disclosure"].as_str().unwrap()).unwrap();
        assert_eq!(d.digest(), entry["sha256_digest_b64url"].as_str().unwrap(), "{entry}");
        let contents = entry["contents"].as_array().unwrap();
        assert_eq!(d.salt(), contents[0].as_str().unwrap());
        assert_eq!(d.name(), entry["claim_name"].as_str());
        assert_eq!(d.value(), contents.last().unwrap());
        // The decoded bytes are exactly the spec's JSON text (with its spaces).
        let decoded = URL_SAFE_NO_PAD.decode(d.as_str()).unwrap();
        assert_eq!(decoded, entry["disclosure_decoded_json"].as_str().unwrap().as_bytes());
    }
    // The issuance string carries the same ten disclosures in order.
    let issued = SdJwt::parse(v["sd_jwt_issuance"].as_str().unwrap()).unwrap();
    assert_eq!(issued.issuer_jwt(), v["issuer_signed_jwt"].as_str().unwrap());
    assert!(issued.key_binding_jwt().is_none());
    let got: Vec<&str> = issued.disclosures().iter().map(Disclosure::digest).collect();
    let want: Vec<&str> = entries
        .iter()
        .map(|e| e["sha256_digest_b64url"].as_str().unwrap())
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        issued.to_string(),
        v["sd_jwt_issuance"].as_str().unwrap(),
        "serialization is byte for byte"
    );
}

#[test]
fn section5_sd_hash_matches() {
    let v = read_json("sd-jwt-section5-simple-example.json");
    let p = &v["presentation"];
    let presented = SdJwt::parse(p["sd_jwt_kb"].as_str().unwrap()).unwrap();
    assert_eq!(presented.without_key_binding(), p["sd_hash_input"].as_str().unwrap());
    assert_eq!(presented.key_binding_jwt(), p["kb_jwt"].as_str());
    let expected = p["kb_jwt_payload"]["sd_hash"].as_str().unwrap();
    assert_eq!(presented.sd_hash(), expected);
    assert_eq!(sha256_b64(p["sd_hash_input"].as_str().unwrap().as_bytes()), expected);
    assert_eq!(presented.to_string(), p["sd_jwt_kb"].as_str().unwrap());
}

#[test]
fn section5_issuer_and_kb_jwt_signatures_verify() {
    let v = read_json("sd-jwt-section5-simple-example.json");
    let issuer = jwk_key(&v["issuer_public_jwk"]);
    let holder = jwk_key(&v["holder_public_jwk"]);
    let jwt = Jwt::parse(v["issuer_signed_jwt"].as_str().unwrap(), &[]).unwrap();
    jwt.verify_signature(&issuer).unwrap();
    assert_eq!(Value::Object(jwt.claims().clone()), v["sd_jwt_payload"]);
    assert_eq!(Value::Object(jwt.header().params().clone()), v["issuer_jwt_header"]);
    assert!(
        jwt.verify_signature(&holder).is_err(),
        "the holder key did not sign the issuer JWT"
    );
    let kb = Jwt::parse(v["presentation"]["kb_jwt"].as_str().unwrap(), &[]).unwrap();
    kb.verify_signature(&holder).unwrap();
    assert_eq!(Value::Object(kb.claims().clone()), v["presentation"]["kb_jwt_payload"]);
    assert!(kb.verify_signature(&issuer).is_err());
}

fn section5_options(v: &Value) -> SdJwtVerifyOptions {
    let p = &v["presentation"];
    let mut options = SdJwtVerifyOptions {
        typ: Some("example+sd-jwt".into()),
        sd_jwt_vc: false,
        key_binding: Some(KeyBindingCheck::new(
            p["kb_jwt_payload"]["aud"].as_str().unwrap(),
            p["kb_jwt_payload"]["nonce"].as_str().unwrap(),
        )),
        ..SdJwtVerifyOptions::default()
    };
    options.jwt.now = Some(p["kb_jwt_payload"]["iat"].as_i64().unwrap() + 10);
    options
}

#[test]
fn section5_presentation_verifies_to_the_expected_processed_payload() {
    let v = read_json("sd-jwt-section5-simple-example.json");
    let issuer = jwk_key(&v["issuer_public_jwk"]);
    let options = section5_options(&v);
    let verified = block(verify_sd_jwt(
        v["presentation"]["sd_jwt_kb"].as_str().unwrap(),
        KeySource::Key(&issuer),
        &options,
    ))
    .unwrap();
    assert_eq!(
        Value::Object(verified.claims.clone()),
        v["presentation"]["expected_processed_payload"]
    );
    assert_eq!(verified.holder_key, Some(jwk_key(&v["holder_public_jwk"])));
    assert_eq!(verified.disclosures.len(), 4);
}

#[test]
fn section5_full_issuance_processes_to_the_user_claims() {
    let v = read_json("sd-jwt-section5-simple-example.json");
    let issuer = jwk_key(&v["issuer_public_jwk"]);
    let mut options = section5_options(&v);
    options.key_binding = None;
    let verified = block(verify_sd_jwt(
        v["sd_jwt_issuance"].as_str().unwrap(),
        KeySource::Key(&issuer),
        &options,
    ))
    .unwrap();
    let mut claims = verified.claims;
    for registered in ["iss", "iat", "exp", "cnf"] {
        claims.remove(registered).unwrap();
    }
    assert_eq!(Value::Object(claims), v["user_claims"]);
}

#[test]
fn section5_holder_selects_the_same_disclosures_as_the_spec() {
    let v = read_json("sd-jwt-section5-simple-example.json");
    let spec = read_json("ietf-examples-input/simple-specification.json");
    let issued = SdJwt::parse(v["sd_jwt_issuance"].as_str().unwrap()).unwrap();
    let presented = issued.present(&spec["holder_disclosed_claims"]).unwrap();
    let ours: BTreeSet<&str> = presented.disclosures().iter().map(Disclosure::as_str).collect();
    let spec_presentation = SdJwt::parse(v["presentation"]["sd_jwt_kb"].as_str().unwrap()).unwrap();
    let theirs: BTreeSet<&str> = spec_presentation.disclosures().iter().map(Disclosure::as_str).collect();
    assert_eq!(ours, theirs);
    // The same choice by JSON pointer.
    let by_path = issued
        .present_paths(&["/given_name", "/family_name", "/address", "/nationalities/0"])
        .unwrap();
    assert_eq!(by_path, presented);
}

#[test]
fn section5_spec_input_reissued_by_us_verifies_to_the_same_claims() {
    let spec = read_json("ietf-examples-input/simple-specification.json");
    let v = read_json("sd-jwt-section5-simple-example.json");
    let issuer = KeySigner::new(settings_key(false), "https://issuer.example.com#key-1").unwrap();
    let holder = KeySigner::new(settings_key(true), "holder").unwrap();
    let mut builder = SdJwtVcBuilder::new(
        "https://example.com/simple",
        spec["user_claims"].as_object().unwrap().clone(),
    )
    .holder_key(&holder.public_key());
    for p in spec["disclosable"].as_array().unwrap() {
        builder = builder.disclosable(p.as_str().unwrap());
    }
    let issued = block(builder.issue(&issuer)).unwrap();
    assert_eq!(issued.disclosures().len(), 10);
    let shown = block(issued.present(&spec["holder_disclosed_claims"]).unwrap().bind(
        &holder,
        "https://verifier.example.org",
        "1234567890",
        None,
    ))
    .unwrap();
    let options = SdJwtVerifyOptions {
        key_binding: Some(KeyBindingCheck::new("https://verifier.example.org", "1234567890")),
        ..SdJwtVerifyOptions::default()
    };
    let verified = block(verify_sd_jwt(
        &shown.to_string(),
        KeySource::Key(&issuer.public_key()),
        &options,
    ))
    .unwrap();
    let expected = &v["presentation"]["expected_processed_payload"];
    for (name, value) in expected.as_object().unwrap() {
        if !["iat", "exp"].contains(&name.as_str()) {
            assert_eq!(verified.claims.get(name), Some(value), "{name}");
        }
    }
    assert!(!verified.claims.contains_key("email"));
    assert!(!verified.claims.contains_key("birthdate"));
}

// ---------------------------------------------------------------------------
// sd-jwt-python testcases
// ---------------------------------------------------------------------------

fn run_python_testcase(name: &str) {
    let spec = read_json(&format!("sd-jwt-python-testcases/{name}/specification.json"));
    let issuer = KeySigner::new(settings_key(false), "https://example.com/issuer#key-1").unwrap();
    let holder = KeySigner::new(settings_key(true), "holder").unwrap();
    let user_claims = spec["user_claims"].as_object().unwrap().clone();
    let mut builder = SdJwtVcBuilder::new("https://example.com/testcase", user_claims.clone())
        .holder_key(&holder.public_key())
        .decoys(4);
    for p in spec["disclosable"].as_array().unwrap() {
        builder = builder.disclosable(p.as_str().unwrap());
    }
    let issued = block(builder.issue(&issuer)).unwrap();
    assert_eq!(
        issued.disclosures().len(),
        spec["disclosable"].as_array().unwrap().len(),
        "{name}"
    );
    let key = issuer.public_key();
    let strip = |mut claims: Map<String, Value>| {
        for registered in ["iss", "iat", "vct", "cnf"] {
            claims.remove(registered).unwrap();
        }
        Value::Object(claims)
    };

    // Everything disclosed gives the user claims back.
    let all = block(verify_sd_jwt(
        &issued.to_string(),
        KeySource::Key(&key),
        &SdJwtVerifyOptions::default(),
    ))
    .unwrap();
    assert_eq!(strip(all.claims), Value::Object(user_claims), "{name}: full disclosure");

    // The holder's selection gives exactly the expected claims.
    let mut shown = issued.present(&spec["holder_disclosed_claims"]).unwrap();
    let mut options = SdJwtVerifyOptions::default();
    if spec["key_binding"] == true {
        shown = block(shown.bind(&holder, "https://example.com/verifier", "1234567890", None)).unwrap();
        options.key_binding = Some(KeyBindingCheck::new("https://example.com/verifier", "1234567890"));
    }
    let verified = block(verify_sd_jwt(&shown.to_string(), KeySource::Key(&key), &options)).unwrap();
    assert_eq!(strip(verified.claims), spec["expect_verified_user_claims"], "{name}");
}

#[test]
fn python_testcase_key_binding() {
    run_python_testcase("key_binding");
}

#[test]
fn python_testcase_recursions() {
    run_python_testcase("recursions");
}

#[test]
fn python_testcase_array_recursive_sd() {
    run_python_testcase("array_recursive_sd");
}

#[test]
fn python_testcase_object_data_types() {
    run_python_testcase("object_data_types");
}

// ---------------------------------------------------------------------------
// The diploma: degree and graduation year, without birth date or grades
// ---------------------------------------------------------------------------

fn diploma_claims() -> Map<String, Value> {
    json!({
        "given_name": "Li",
        "family_name": "Wei",
        "birth_date": "2003-04-01",
        "student_id": "2022-10457",
        "degree": { "type": "BachelorDegree", "name": "Bachelor of Science in Physics" },
        "graduation_year": 2026,
        "honours": "cum laude",
        "grades": [
            { "course": "Quantum Mechanics", "grade": "A" },
            { "course": "Thermodynamics", "grade": "B+" }
        ],
        "gpa": 3.7,
        "institution": "Example University"
    })
    .as_object()
    .unwrap()
    .clone()
}

const DIPLOMA_DISCLOSABLE: [&str; 10] = [
    "/given_name",
    "/family_name",
    "/birth_date",
    "/student_id",
    "/degree",
    "/graduation_year",
    "/honours",
    "/grades/0",
    "/grades/1",
    "/gpa",
];

fn issue_diploma(university: &KeySigner, graduate: &KeySigner) -> SdJwt {
    let mut builder = SdJwtVcBuilder::new("https://example.edu/credentials/diploma", diploma_claims())
        .holder_key(&graduate.public_key());
    for p in DIPLOMA_DISCLOSABLE {
        builder = builder.disclosable(p);
    }
    block(builder.issue(university)).unwrap()
}

#[test]
fn graduate_shows_degree_and_year_without_birth_date_or_grades() {
    let university = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let graduate = KeySigner::did_key(SecretKey::generate(KeyType::P256).unwrap()).unwrap();
    let issued = issue_diploma(&university, &graduate);

    // What the issuer signed: no personal claim in clear, only digests.
    let jwt = Jwt::parse(issued.issuer_jwt(), &[]).unwrap();
    assert_eq!(jwt.header().typ(), Some("dc+sd-jwt"));
    assert_eq!(jwt.header().kid(), Some(university.verification_method()));
    let payload = jwt.claims();
    assert_eq!(payload["iss"], university.did());
    assert_eq!(payload["vct"], "https://example.edu/credentials/diploma");
    assert_eq!(payload["_sd_alg"], "sha-256");
    assert!(payload["iat"].is_i64());
    assert_eq!(
        payload["cnf"]["jwk"],
        serde_json::to_value(graduate.public_key().to_jwk()).unwrap()
    );
    assert_eq!(payload["institution"], "Example University");
    for hidden in ["birth_date", "degree", "graduation_year", "gpa"] {
        assert!(!payload.contains_key(hidden), "{hidden} is in clear");
    }
    let digests: Vec<&str> = payload["_sd"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(digests.len() > 8, "8 top-level disclosures plus at least one decoy");
    assert!(digests.windows(2).all(|w| w[0] < w[1]), "digests are sorted");
    let grades = payload["grades"].as_array().unwrap();
    assert!(
        (3..=5).contains(&grades.len()),
        "two grades plus 1 to 3 decoys: {grades:?}"
    );
    assert!(
        grades
            .iter()
            .all(|g| g.as_object().unwrap().len() == 1 && g["..."].is_string())
    );

    // The graduate shows degree and graduation year to an employer.
    let shown = issued.present_paths(&["/degree", "/graduation_year"]).unwrap();
    assert_eq!(shown.disclosures().len(), 2);
    let shown = block(shown.bind(&graduate, "https://hr.example.com", "8f2a1c", None)).unwrap();
    let text = shown.to_string();
    assert!(
        !text.contains(issued.disclosures()[2].as_str()),
        "the birth date disclosure is not sent"
    );

    let resolver = StatelessResolver::new();
    let options = SdJwtVerifyOptions {
        key_binding: Some(KeyBindingCheck::new("https://hr.example.com", "8f2a1c")),
        ..SdJwtVerifyOptions::default()
    };
    let verified = block(verify_sd_jwt(&text, KeySource::Resolver(&resolver), &options)).unwrap();
    assert_eq!(verified.claims["degree"]["name"], "Bachelor of Science in Physics");
    assert_eq!(verified.claims["graduation_year"], 2026);
    assert_eq!(verified.claims["institution"], "Example University");
    assert_eq!(
        verified.claims["grades"],
        json!([]),
        "undisclosed grades vanish from the array"
    );
    for hidden in [
        "birth_date",
        "given_name",
        "family_name",
        "student_id",
        "honours",
        "gpa",
        "_sd",
        "_sd_alg",
    ] {
        assert!(!verified.claims.contains_key(hidden), "{hidden} leaked");
    }
    assert_eq!(
        verified.issuer_key.verification_method.as_deref(),
        Some(university.verification_method())
    );
    assert_eq!(verified.holder_key, Some(graduate.public_key()));

    // Another verifier, or a replay with another nonce, is refused.
    let other = SdJwtVerifyOptions {
        key_binding: Some(KeyBindingCheck::new("https://hr.example.com", "fresh-nonce")),
        ..SdJwtVerifyOptions::default()
    };
    assert!(sd_err(block(verify_sd_jwt(&text, KeySource::Resolver(&resolver), &other))).contains("nonce"));
}

#[test]
fn one_grade_can_be_shown_without_the_other() {
    let university = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let graduate = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let issued = issue_diploma(&university, &graduate);
    let shown = issued.present_paths(&["/grades/1"]).unwrap();
    let resolver = StatelessResolver::new();
    let verified = block(verify_sd_jwt(
        &shown.to_string(),
        KeySource::Resolver(&resolver),
        &SdJwtVerifyOptions::default(),
    ))
    .unwrap();
    assert_eq!(
        verified.claims["grades"],
        json!([{ "course": "Thermodynamics", "grade": "B+" }])
    );
}

// ---------------------------------------------------------------------------
// Rejections
// ---------------------------------------------------------------------------

struct Fixture {
    issuer: KeySigner,
    holder: KeySigner,
    resolver: StatelessResolver,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            issuer: KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap(),
            holder: KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap(),
            resolver: StatelessResolver::new(),
        }
    }

    /// An issuer JWT over `payload` (an SD-JWT VC header), for hand-made SD-JWTs.
    fn sign(&self, payload: Value) -> String {
        let header = json!({ "kid": self.issuer.verification_method(), "typ": "dc+sd-jwt" });
        self.sign_with_header(header, payload)
    }

    fn sign_with_header(&self, header: Value, payload: Value) -> String {
        block(sign_jwt(
            header.as_object().unwrap().clone(),
            payload.as_object().unwrap(),
            &self.issuer,
        ))
        .unwrap()
    }

    fn base_payload(&self, extra: Value) -> Value {
        let mut p = json!({
            "iss": self.issuer.did(),
            "iat": 1_700_000_000,
            "vct": "https://example.edu/diploma",
            "_sd_alg": "sha-256",
            "cnf": { "jwk": serde_json::to_value(self.holder.public_key().to_jwk()).unwrap() },
        });
        p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        p
    }

    fn verify(
        &self,
        presentation: &str,
        options: &SdJwtVerifyOptions,
    ) -> Result<xinlian_vc::sd_jwt::VerifiedSdJwt, Error> {
        block(verify_sd_jwt(
            presentation,
            KeySource::Resolver(&self.resolver),
            options,
        ))
    }

    fn kb_options(&self) -> SdJwtVerifyOptions {
        SdJwtVerifyOptions {
            key_binding: Some(KeyBindingCheck::new("https://verifier.example", "n1")),
            ..SdJwtVerifyOptions::default()
        }
    }

    fn diploma(&self) -> SdJwt {
        issue_diploma(&self.issuer, &self.holder)
    }
}

fn disclosure(json_text: &str) -> Disclosure {
    Disclosure::parse(&URL_SAFE_NO_PAD.encode(json_text)).unwrap()
}

#[test]
fn hand_made_sd_jwt_verifies_when_well_formed() {
    let f = Fixture::new();
    let d = disclosure(r#"["c2FsdHNhbHRzYWx0c2FsdA","degree","BSc"]"#);
    let jwt = f.sign(f.base_payload(json!({ "_sd": [d.digest()] })));
    let verified = f
        .verify(&format!("{jwt}~{}~", d.as_str()), &SdJwtVerifyOptions::default())
        .unwrap();
    assert_eq!(verified.claims["degree"], "BSc");
}

#[test]
fn rejects_tampered_issuer_signature() {
    let f = Fixture::new();
    let issued = f.diploma().to_string();
    let (jwt, rest) = issued.split_once('~').unwrap();
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    payload["institution"] = json!("Diploma Mill");
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
    let forged = format!("{}~{rest}", parts.join("."));
    assert!(sd_err(f.verify(&forged, &SdJwtVerifyOptions::default())).contains("signature"));
}

#[test]
fn rejects_issuer_jwt_with_alg_none() {
    let f = Fixture::new();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"dc+sd-jwt"}"#);
    let payload = URL_SAFE_NO_PAD.encode(f.base_payload(json!({})).to_string());
    let err = sd_err(f.verify(&format!("{header}.{payload}.~"), &SdJwtVerifyOptions::default()));
    assert!(err.contains("\"none\""), "{err}");
}

#[test]
fn rejects_wrong_typ() {
    let f = Fixture::new();
    let jwt = f.sign_with_header(
        json!({ "kid": f.issuer.verification_method(), "typ": "JWT" }),
        f.base_payload(json!({})),
    );
    assert!(sd_err(f.verify(&format!("{jwt}~"), &SdJwtVerifyOptions::default())).contains("typ"));
}

#[test]
fn rejects_kid_of_another_did() {
    let f = Fixture::new();
    let other = Fixture::new();
    // Signed by f's key, claiming to come from another issuer.
    let jwt = f.sign(f.base_payload(json!({ "iss": other.issuer.did() })));
    let err = sd_err(f.verify(&format!("{jwt}~"), &SdJwtVerifyOptions::default()));
    assert!(err.contains("is not a key of"), "{err}");
}

#[test]
fn rejects_unreferenced_disclosure() {
    let f = Fixture::new();
    let issued = f.diploma().to_string();
    let stray = Disclosure::new(Some("degree"), json!("PhD")).unwrap();
    let err = sd_err(f.verify(&format!("{issued}{}~", stray.as_str()), &SdJwtVerifyOptions::default()));
    assert!(err.contains("not referenced"), "{err}");
}

#[test]
fn rejects_repeated_disclosure() {
    let f = Fixture::new();
    let issued = f.diploma();
    let d = issued.disclosures()[0].as_str();
    let err = sd_err(f.verify(
        &format!("{}~{d}~{d}~", issued.issuer_jwt()),
        &SdJwtVerifyOptions::default(),
    ));
    assert!(err.contains("repeats"), "{err}");
}

#[test]
fn rejects_digest_appearing_twice() {
    let f = Fixture::new();
    let d = disclosure(r#"["c2FsdA","degree","BSc"]"#);
    let jwt = f.sign(f.base_payload(json!({ "_sd": [d.digest()], "nested": { "_sd": [d.digest()] } })));
    let err = sd_err(f.verify(&format!("{jwt}~{}~", d.as_str()), &SdJwtVerifyOptions::default()));
    assert!(err.contains("more than once"), "{err}");
    // Twice in one array, even when undisclosed.
    let jwt = f.sign(f.base_payload(json!({ "list": [{ "...": "abc" }, { "...": "abc" }] })));
    assert!(sd_err(f.verify(&format!("{jwt}~"), &SdJwtVerifyOptions::default())).contains("more than once"));
}

#[test]
fn rejects_disclosure_of_the_wrong_kind() {
    let f = Fixture::new();
    let element = disclosure(r#"["c2FsdA","BSc"]"#);
    let jwt = f.sign(f.base_payload(json!({ "_sd": [element.digest()] })));
    let err = sd_err(f.verify(&format!("{jwt}~{}~", element.as_str()), &SdJwtVerifyOptions::default()));
    assert!(err.contains("array-element disclosure"), "{err}");
    let claim = disclosure(r#"["c2FsdA","degree","BSc"]"#);
    let jwt = f.sign(f.base_payload(json!({ "list": [{ "...": claim.digest() }] })));
    let err = sd_err(f.verify(&format!("{jwt}~{}~", claim.as_str()), &SdJwtVerifyOptions::default()));
    assert!(err.contains("not an array element"), "{err}");
}

#[test]
fn rejects_claim_name_collision() {
    let f = Fixture::new();
    let d = disclosure(r#"["c2FsdA","degree","PhD"]"#);
    let jwt = f.sign(f.base_payload(json!({ "degree": "BSc", "_sd": [d.digest()] })));
    let err = sd_err(f.verify(&format!("{jwt}~{}~", d.as_str()), &SdJwtVerifyOptions::default()));
    assert!(err.contains("already in the object"), "{err}");
}

#[test]
fn rejects_sd_and_ellipsis_misuse() {
    let f = Fixture::new();
    for (payload, why) in [
        (json!({ "_sd": "abc" }), "must be an array"),
        (json!({ "_sd": [42] }), "must be a digest string"),
        (json!({ "...": "abc" }), "array element placeholder"),
        (json!({ "list": [{ "...": "abc", "x": 1 }] }), "only \"...\""),
        (json!({ "list": [{ "...": 7 }] }), "must be a digest string"),
        (json!({ "_sd_alg": "sha-512" }), "not supported"),
        (json!({ "nested": { "_sd_alg": "sha-256" } }), "top level"),
    ] {
        let jwt = f.sign(f.base_payload(payload.clone()));
        let err = sd_err(f.verify(&format!("{jwt}~"), &SdJwtVerifyOptions::default()));
        assert!(err.contains(why), "{payload}: {err}");
    }
    // A disclosure naming "_sd" or "..." never parses.
    for name in ["_sd", "..."] {
        let encoded = URL_SAFE_NO_PAD.encode(format!(r#"["c2FsdA","{name}","x"]"#));
        let jwt = f.sign(f.base_payload(json!({ "_sd": [sha256_b64(encoded.as_bytes())] })));
        assert!(sd_err(f.verify(&format!("{jwt}~{encoded}~"), &SdJwtVerifyOptions::default())).contains(name));
    }
}

#[test]
fn rejects_selectively_disclosed_registered_claims_in_sd_jwt_vc() {
    let f = Fixture::new();
    for name in ["iss", "vct", "cnf", "exp", "nbf", "status"] {
        let d = Disclosure::new(Some(name), json!("x")).unwrap();
        let mut payload = f.base_payload(json!({ "_sd": [d.digest()] }));
        if name != "iss" {
            payload.as_object_mut().unwrap().remove(name);
        }
        let jwt = f.sign(payload);
        let err = sd_err(f.verify(&format!("{jwt}~{}~", d.as_str()), &SdJwtVerifyOptions::default()));
        assert!(
            err.contains("forbids disclosing") || err.contains("already in the object"),
            "{name}: {err}"
        );
    }
    let mut payload = f.base_payload(json!({}));
    payload.as_object_mut().unwrap().remove("vct");
    let jwt = f.sign(payload);
    assert!(sd_err(f.verify(&format!("{jwt}~"), &SdJwtVerifyOptions::default())).contains("vct"));
}

#[test]
fn rejects_expired_sd_jwt() {
    let f = Fixture::new();
    let jwt = f.sign(f.base_payload(json!({ "exp": 1_700_000_100 })));
    assert!(sd_err(f.verify(&format!("{jwt}~"), &SdJwtVerifyOptions::default())).contains("expired"));
}

#[test]
fn rejects_missing_key_binding_when_required() {
    let f = Fixture::new();
    let shown = f.diploma().present_paths(&["/degree"]).unwrap();
    let err = sd_err(f.verify(&shown.to_string(), &f.kb_options()));
    assert!(err.contains("no KB-JWT"), "{err}");
}

#[test]
fn rejects_key_binding_for_another_audience_or_nonce() {
    let f = Fixture::new();
    let shown = f.diploma().present_paths(&["/degree"]).unwrap();
    let wrong_aud = block(shown.clone().bind(&f.holder, "https://evil.example", "n1", None)).unwrap();
    assert!(sd_err(f.verify(&wrong_aud.to_string(), &f.kb_options())).contains("aud"));
    let wrong_nonce = block(shown.bind(&f.holder, "https://verifier.example", "n2", None)).unwrap();
    assert!(sd_err(f.verify(&wrong_nonce.to_string(), &f.kb_options())).contains("nonce"));
}

#[test]
fn rejects_stale_or_future_key_binding() {
    let f = Fixture::new();
    let shown = f.diploma().present_paths(&["/degree"]).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let stale = block(
        shown
            .clone()
            .bind(&f.holder, "https://verifier.example", "n1", Some(now - 3600)),
    )
    .unwrap();
    assert!(sd_err(f.verify(&stale.to_string(), &f.kb_options())).contains("too old"));
    let future = block(shown.bind(&f.holder, "https://verifier.example", "n1", Some(now + 3600))).unwrap();
    assert!(sd_err(f.verify(&future.to_string(), &f.kb_options())).contains("future"));
}

#[test]
fn rejects_key_binding_over_other_disclosures() {
    let f = Fixture::new();
    let issued = f.diploma();
    let bound = block(issued.present_paths(&["/degree"]).unwrap().bind(
        &f.holder,
        "https://verifier.example",
        "n1",
        None,
    ))
    .unwrap();
    // A man in the middle adds the birth date disclosure after binding.
    let birth = issued
        .disclosures()
        .iter()
        .find(|d| d.name() == Some("birth_date"))
        .unwrap();
    let kb = bound.key_binding_jwt().unwrap();
    let tampered = format!("{}{}~{kb}", bound.without_key_binding(), birth.as_str());
    assert!(sd_err(f.verify(&tampered, &f.kb_options())).contains("sd_hash"));
}

#[test]
fn rejects_key_binding_signed_by_another_key() {
    let f = Fixture::new();
    let thief = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let shown = f.diploma().present_paths(&["/degree"]).unwrap();
    let stolen = block(shown.bind(&thief, "https://verifier.example", "n1", None)).unwrap();
    assert!(sd_err(f.verify(&stolen.to_string(), &f.kb_options())).contains("cnf key"));
}

#[test]
fn rejects_key_binding_with_wrong_typ_or_without_cnf() {
    let f = Fixture::new();
    let shown = f.diploma().present_paths(&["/degree"]).unwrap();
    let claims = json!({ "iat": time::OffsetDateTime::now_utc().unix_timestamp(), "aud": "https://verifier.example",
        "nonce": "n1", "sd_hash": shown.sd_hash() });
    let kb = block(sign_jwt(
        json!({ "typ": "JWT" }).as_object().unwrap().clone(),
        claims.as_object().unwrap(),
        &f.holder,
    ))
    .unwrap();
    assert!(sd_err(f.verify(&format!("{shown}{kb}"), &f.kb_options())).contains("typ"));

    let mut payload = f.base_payload(json!({}));
    payload.as_object_mut().unwrap().remove("cnf");
    let jwt = f.sign(payload);
    let unbound = SdJwt::parse(&format!("{jwt}~")).unwrap();
    let bound = block(unbound.bind(&f.holder, "https://verifier.example", "n1", None)).unwrap();
    assert!(sd_err(f.verify(&bound.to_string(), &f.kb_options())).contains("cnf"));
}

#[test]
fn rejects_malformed_compact_serialization() {
    let f = Fixture::new();
    let issued = f.diploma().to_string();
    for (input, why) in [
        ("", "no '~'"),
        ("abc", "no '~'"),
        ("~", "empty"),
        (&*format!("{}~~", issued.split('~').next().unwrap()), "empty"),
        (&*format!("{}~!!~", issued.split('~').next().unwrap()), "base64url"),
        ("a.b.c~", "base64url"),
        (&*issued.replace('~', "~WyJhIl0~"), "2 or 3"),
    ] {
        let err = sd_err(f.verify(input, &SdJwtVerifyOptions::default()));
        assert!(err.contains(why), "{input:.40}: {err}");
    }
}

#[test]
fn builder_rejects_bad_choices() {
    let issuer = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let build = |claims: Value, pointers: &[&str]| {
        let mut b = SdJwtVcBuilder::new("https://example.edu/diploma", claims.as_object().unwrap().clone());
        for p in pointers {
            b = b.disclosable(*p);
        }
        block(b.issue(&issuer)).map(|s| s.to_string())
    };
    assert!(sd_err(build(json!({ "a": 1 }), &["/b"])).contains("name no claim"));
    assert!(sd_err(build(json!({ "a": [1] }), &["/a/3"])).contains("name no claim"));
    assert!(sd_err(build(json!({ "a": 1 }), &["a"])).contains("JSON pointer"));
    assert!(sd_err(build(json!({ "status": {} }), &["/status"])).contains("forbids"));
    assert!(sd_err(build(json!({ "iss": "x" }), &[])).contains("set by the builder"));
    assert!(sd_err(build(json!({ "a": { "_sd": [] } }), &[])).contains("reserves"));
    assert!(sd_err(build(json!({ "a": { "...": 1 } }), &[])).contains("reserves"));
    let other = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519).unwrap()).unwrap();
    let b = SdJwtVcBuilder::new("v", Map::new()).issuer(other.did());
    assert!(sd_err(block(b.issue(&issuer))).contains("not a key of the issuer"));
}

#[test]
fn salts_and_digests_differ_between_issuances() {
    let f = Fixture::new();
    let a = f.diploma();
    let b = f.diploma();
    let salts: BTreeSet<&str> = a
        .disclosures()
        .iter()
        .chain(b.disclosures())
        .map(Disclosure::salt)
        .collect();
    assert_eq!(salts.len(), 20);
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 20, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,5}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer to a member or element below `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            for (k, v) in o {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn disclosures_round_trip(name in proptest::option::of("\\PC{0,10}"), value in any_json()) {
        prop_assume!(name.as_deref() != Some("_sd") && name.as_deref() != Some("..."));
        let d = Disclosure::new(name.as_deref(), value.clone()).unwrap();
        let parsed = Disclosure::parse(d.as_str()).unwrap();
        prop_assert_eq!(parsed.name(), name.as_deref());
        prop_assert_eq!(parsed.value(), &value);
        prop_assert_eq!(parsed.digest(), sha256_b64(d.as_str().as_bytes()));
    }

    #[test]
    fn any_choice_of_disclosable_claims_round_trips(
        // Names start with `x` so none is a registered claim (iss, iat, vct,
        // cnf, nbf, exp, status), which the builder sets or refuses.
        claims in proptest::collection::btree_map("x[a-z]{0,4}", any_json(), 1..5),
        pick in proptest::collection::vec(any::<bool>(), 64),
    ) {
        let claims: Map<String, Value> = claims.into_iter().collect();
        let mut all = Vec::new();
        pointers(&Value::Object(claims.clone()), String::new(), &mut all);
        let chosen: Vec<&String> = all.iter().zip(pick.iter().cycle()).filter(|(_, p)| **p).map(|(a, _)| a).collect();
        let issuer = KeySigner::new(settings_key(false), "https://example.com/issuer#k").unwrap();
        let mut builder = SdJwtVcBuilder::new("urn:t", claims.clone()).decoys(2);
        for p in &chosen {
            builder = builder.disclosable(p.as_str());
        }
        let issued = block(builder.issue(&issuer)).unwrap();
        prop_assert_eq!(issued.disclosures().len(), chosen.len());
        let reparsed = SdJwt::parse(&issued.to_string()).unwrap();
        prop_assert_eq!(&reparsed, &issued);
        let key = issuer.public_key();
        let verified = block(verify_sd_jwt(&issued.to_string(), KeySource::Key(&key), &SdJwtVerifyOptions::default())).unwrap();
        let mut got = verified.claims;
        for registered in ["iss", "iat", "vct"] {
            got.remove(registered);
        }
        prop_assert_eq!(Value::Object(got), Value::Object(claims.clone()));
        // Showing nothing leaves only the always-visible claims, and verifies.
        let none = issued.present(&json!({})).unwrap();
        let verified = block(verify_sd_jwt(&none.to_string(), KeySource::Key(&key), &SdJwtVerifyOptions::default())).unwrap();
        prop_assert!(verified.disclosures.is_empty());
        prop_assert!(none.disclosures().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsing_arbitrary_strings_never_panics(s in ".{0,300}") {
        let _ = SdJwt::parse(&s);
        let _ = Jwt::parse(&s, &[]);
        let _ = Disclosure::parse(&s);
    }

    #[test]
    fn parsing_arbitrary_sd_jwt_shapes_never_panics(
        parts in proptest::collection::vec("[A-Za-z0-9_\\-.~]{0,40}", 0..6),
    ) {
        let s = parts.join("~");
        let _ = SdJwt::parse(&s);
        let f = Fixture::new();
        let _ = f.verify(&s, &SdJwtVerifyOptions::default());
    }

    #[test]
    fn verifying_base64_of_arbitrary_json_never_panics(header in "\\PC{0,60}", payload in "\\PC{0,120}", d in "\\PC{0,60}") {
        let s = format!(
            "{}.{}.{}~{}~",
            URL_SAFE_NO_PAD.encode(&header),
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode([0u8; 64]),
            URL_SAFE_NO_PAD.encode(&d)
        );
        let key = SecretKey::from_bytes(KeyType::Ed25519, &[1; 32]).unwrap().public_key();
        let _ = block(verify_sd_jwt(&s, KeySource::Key(&key), &SdJwtVerifyOptions::default()));
    }
}

#[test]
fn sd_jwt_report_names_the_failing_check() {
    use xinlian_vc::sd_jwt::verify_sd_jwt_report;
    use xinlian_vc::{Check, Outcome};

    let f = Fixture::new();
    let shown = f.diploma().present_paths(&["/degree"]).unwrap();
    let bound = block(shown.bind(&f.holder, "https://verifier.example", "n1", None))
        .unwrap()
        .to_string();
    let (report, verified) = block(verify_sd_jwt_report(
        &bound,
        KeySource::Resolver(&f.resolver),
        &f.kb_options(),
    ));
    assert!(report.verified(), "{}", report.to_json());
    assert_eq!(verified.unwrap().claims["degree"]["type"], "BachelorDegree");
    assert!(
        report.checks.iter().all(|c| c.outcome == Outcome::Passed),
        "{}",
        report.to_json()
    );

    let replay = SdJwtVerifyOptions {
        key_binding: Some(KeyBindingCheck::new("https://verifier.example", "n2")),
        ..SdJwtVerifyOptions::default()
    };
    let (report, verified) = block(verify_sd_jwt_report(&bound, KeySource::Resolver(&f.resolver), &replay));
    assert!(verified.is_none());
    assert!(report.failed(Check::Challenge));
    assert!(!report.failed(Check::HolderBinding) && !report.failed(Check::Proof));

    let other_aud = SdJwtVerifyOptions {
        key_binding: Some(KeyBindingCheck::new("https://other.example", "n1")),
        ..SdJwtVerifyOptions::default()
    };
    let (report, _) = block(verify_sd_jwt_report(
        &bound,
        KeySource::Resolver(&f.resolver),
        &other_aud,
    ));
    assert!(report.failed(Check::Domain));

    let issued = f.diploma();
    let stray = Disclosure::new(Some("degree"), json!("PhD")).unwrap();
    let (report, _) = block(verify_sd_jwt_report(
        &format!("{issued}{}~", stray.as_str()),
        KeySource::Resolver(&f.resolver),
        &SdJwtVerifyOptions::default(),
    ));
    assert!(report.failed(Check::Structure));
    assert!(
        report
            .outcomes(Check::HolderBinding)
            .all(|c| c.outcome == Outcome::Skipped)
    );
}
