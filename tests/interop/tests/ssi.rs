//! Interop with SpruceID `ssi` 0.16: credentials one library issues, the
//! other verifies, for eddsa-rdfc-2022 Data Integrity proofs and for
//! JOSE-secured VC 2.0 (`vc+jwt`). Both sides use a did:key Ed25519 issuer
//! made from the same fixed seed, resolve it locally, and load only the
//! JSON-LD contexts they bundle (credentials v2; nothing is fetched).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use ssi::claims::data_integrity::{AnySuite, CryptographicSuite, ProofOptions as SsiProofOptions};
use ssi::claims::vc::v2::JsonCredential;
use ssi::claims::vc_jose_cose::JoseVc;
use ssi::claims::{JwsPayload, JwsSlice, VerificationParameters};
use ssi::dids::{AnyDidMethod, VerificationMethodDIDResolver};
use ssi::verification_methods::{AnyMethod, ReferenceOrOwned, SingleSecretSigner};
use time::macros::datetime;
use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
use xinlian_vc::jose::{
    CredentialJwtFormat, JwtIssueOptions, JwtVerifyOptions, KeySource, issue_vc_jwt, verify_vc_jwt,
};
use xinlian_vc::verify::verify_any;
use xinlian_vc::{Check, Cryptosuite, KeySigner, Outcome, Policy, ProofOptions, Signer, VerificationReport, add_proof};

mod support;

/// ssi's resolver for DIDs (did:key here: resolved without any network).
type SsiResolver = VerificationMethodDIDResolver<AnyDidMethod, AnyMethod>;

/// The university's fixed Ed25519 seed: both libraries derive the same key.
const SEED: [u8; 32] = [7; 32];

/// The university's key as Xinlian sees it.
fn xinlian_signer() -> KeySigner {
    KeySigner::did_key(SecretKey::from_bytes(KeyType::Ed25519, &SEED).unwrap()).unwrap()
}

fn ssi_resolver() -> SsiResolver {
    VerificationMethodDIDResolver::new(AnyDidMethod::default())
}

/// A small diploma-like VC 2.0 credential using only terms the credentials
/// v2 context defines (`name`, `description`, `issuer`, `validFrom`, ...).
fn diploma(issuer: &str) -> Map<String, Value> {
    let value = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:3f1b8c52-6f0e-4d39-9a53-0c2a5d7e1b44",
        "type": ["VerifiableCredential"],
        "name": "Bachelor of Science",
        "description": "Bachelor of Science in Computer Science, awarded 1 July 2025",
        "issuer": { "id": issuer, "name": "Example University" },
        "validFrom": "2025-07-01T09:00:00Z",
        "credentialSubject": {
            "id": "did:example:alice",
            "name": "Alice Zhang",
            "description": "Graduated with honours"
        }
    });
    let Value::Object(map) = value else { unreachable!() };
    map
}

fn ssi_credential(issuer: &str) -> JsonCredential {
    serde_json::from_value(Value::Object(diploma(issuer))).unwrap()
}

fn policy() -> Policy {
    Policy::new().at(datetime!(2026-01-01 00:00 UTC))
}

fn xinlian_verify(text: &str) -> VerificationReport {
    pollster::block_on(verify_any(text, &StatelessResolver::new(), &policy())).unwrap()
}

fn assert_verified(report: &VerificationReport, what: &str) {
    assert!(report.verified(), "{what}: {}", report.to_json());
    assert!(
        report.outcomes(Check::Proof).any(|o| o.outcome == Outcome::Passed),
        "{what}: {}",
        report.to_json()
    );
}

/// ssi signs the diploma with eddsa-rdfc-2022; returns the JSON text.
fn ssi_issue_data_integrity() -> String {
    let (jwk, vm) = support::ssi_key(&SEED);
    let mut options = SsiProofOptions::from_method(ReferenceOrOwned::Reference(vm.parse().unwrap()));
    options.created = Some("2025-07-01T09:00:00Z".parse().unwrap());
    let signed = pollster::block_on(AnySuite::EdDsaRdfc2022.sign(
        ssi_credential(did_of(&vm)),
        ssi_resolver(),
        SingleSecretSigner::new(jwk).into_local(),
        options,
    ))
    .unwrap();
    serde_json::to_string(&signed).unwrap()
}

/// Xinlian signs the same diploma with eddsa-rdfc-2022.
fn xinlian_issue_data_integrity() -> String {
    let uni = xinlian_signer();
    let options = ProofOptions::new()
        .cryptosuite(Cryptosuite::EddsaRdfc2022)
        .created(datetime!(2025-07-01 09:00 UTC));
    let signed = pollster::block_on(add_proof(&diploma(uni.did()), &options, &uni)).unwrap();
    serde_json::to_string(&Value::Object(signed)).unwrap()
}

/// ssi's verdict on a Data Integrity credential: `Ok` when every proof
/// verifies, `Err` with the reason otherwise (decoding, resolution or an
/// invalid signature).
fn ssi_verify_data_integrity(text: &str) -> Result<(), String> {
    let vc = ssi::claims::data_integrity::from_json_str::<JsonCredential, AnySuite>(text).map_err(|e| e.to_string())?;
    let resolver = ssi_resolver();
    let params = VerificationParameters::from_resolver(&resolver);
    match pollster::block_on(vc.verify(params)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(invalid)) => Err(format!("invalid: {invalid}")),
        Err(error) => Err(format!("proof validation error: {error}")),
    }
}

/// ssi's verdict on a JOSE-secured VC 2.0; the key comes from the `kid`
/// (a did:key DID URL) through ssi's resolver.
fn ssi_verify_jose(jwt: &str) -> Result<(), String> {
    let jws = JwsSlice::new(jwt.as_bytes()).map_err(|e| e.to_string())?;
    let vc = JoseVc::<JsonCredential>::decode(jws).map_err(|e| e.to_string())?;
    let resolver = ssi_resolver();
    let params = VerificationParameters::from_resolver(&resolver);
    match pollster::block_on(vc.verify(params)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(invalid)) => Err(format!("invalid: {invalid}")),
        Err(error) => Err(format!("proof validation error: {error}")),
    }
}

fn did_of(vm: &str) -> &str {
    vm.split_once('#').map_or(vm, |(did, _)| did)
}

/// The same signed JSON credential with one claim changed, the proof kept.
fn tamper_json(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut credential: Value = serde_json::from_str(text).unwrap();
    let before = credential.clone();
    edit(&mut credential);
    assert_ne!(credential, before, "the edit changes the credential");
    serde_json::to_string(&credential).unwrap()
}

/// The JSON payload of a compact JWS.
fn jwt_payload(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The JWS header.
fn jwt_header(jwt: &str) -> Value {
    let header = jwt.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
}

/// The same JWS with one claim of its payload changed and the signature
/// kept: what an attacker who edits a credential produces.
fn tamper_jwt(jwt: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    let mut payload = jwt_payload(jwt);
    edit(&mut payload);
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
    parts.join(".")
}

/// The credential as ssi's JOSE VC payload, under the `typ` the W3C
/// Recommendation names (`vc+jwt`); ssi's own `JoseVc` says `vc-ld+jwt`.
struct VcJwt(JsonCredential);

impl JwsPayload for VcJwt {
    fn typ(&self) -> Option<&str> {
        Some("vc+jwt")
    }

    fn cty(&self) -> Option<&str> {
        Some("vc")
    }

    fn payload_bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        std::borrow::Cow::Owned(serde_json::to_vec(&self.0).unwrap())
    }
}

#[test]
fn both_libraries_derive_the_same_did_key() {
    let (_, vm) = support::ssi_key(&SEED);
    assert_eq!(vm, xinlian_signer().verification_method());
    assert!(vm.starts_with("did:key:z6Mk"), "{vm}");
}

// 1. ssi issues eddsa-rdfc-2022, Xinlian verifies.

#[test]
fn ssi_data_integrity_verifies_with_xinlian() {
    let text = ssi_issue_data_integrity();
    let signed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(signed["proof"]["type"], "DataIntegrityProof", "{signed:#}");
    assert_eq!(signed["proof"]["cryptosuite"], "eddsa-rdfc-2022", "{signed:#}");
    // ssi checks its own output, so a failure below is Xinlian's.
    ssi_verify_data_integrity(&text).unwrap();

    let report = xinlian_verify(&text);
    assert_verified(&report, "ssi eddsa-rdfc-2022");
    assert!(
        report
            .outcomes(Check::KeyAuthorization)
            .all(|o| o.outcome == Outcome::Passed),
        "{}",
        report.to_json()
    );
}

#[test]
fn tampered_ssi_data_integrity_fails_xinlians_proof_check() {
    let text = ssi_issue_data_integrity();
    for tampered in [
        tamper_json(&text, |c| c["credentialSubject"]["name"] = "Mallory".into()),
        tamper_json(&text, |c| c["name"] = "Doctor of Science".into()),
        tamper_json(&text, |c| c["validFrom"] = "2020-07-01T09:00:00Z".into()),
    ] {
        let report = xinlian_verify(&tampered);
        assert!(report.failed(Check::Proof), "{}", report.to_json());
        assert!(!report.verified());
        assert!(ssi_verify_data_integrity(&tampered).is_err());
    }
}

// 2. Xinlian issues eddsa-rdfc-2022, ssi verifies.

#[test]
fn xinlian_data_integrity_verifies_with_ssi() {
    let text = xinlian_issue_data_integrity();
    assert_verified(&xinlian_verify(&text), "Xinlian eddsa-rdfc-2022");
    ssi_verify_data_integrity(&text).unwrap();
}

#[test]
fn tampered_xinlian_data_integrity_is_rejected_by_ssi() {
    let text = xinlian_issue_data_integrity();
    for tampered in [
        tamper_json(&text, |c| c["credentialSubject"]["name"] = "Mallory".into()),
        tamper_json(&text, |c| c["name"] = "Doctor of Science".into()),
        tamper_json(&text, |c| c["validFrom"] = "2020-07-01T09:00:00Z".into()),
    ] {
        let verdict = ssi_verify_data_integrity(&tampered);
        assert!(verdict.is_err(), "ssi accepted a tampered credential");
    }
}

#[test]
fn both_libraries_sign_the_same_bytes() {
    // Ed25519 is deterministic, so the same key, document and proof options
    // give the same proofValue only if both canonicalize and hash alike.
    let ssi: Value = serde_json::from_str(&ssi_issue_data_integrity()).unwrap();
    let xinlian: Value = serde_json::from_str(&xinlian_issue_data_integrity()).unwrap();
    assert_eq!(
        ssi["proof"]["verificationMethod"],
        xinlian["proof"]["verificationMethod"]
    );
    assert_eq!(ssi["proof"]["proofPurpose"], xinlian["proof"]["proofPurpose"]);
    assert_eq!(
        ssi["proof"]["proofValue"], xinlian["proof"]["proofValue"],
        "ssi {ssi:#}\nXinlian {xinlian:#}"
    );
}

// 3. JOSE-secured VC 2.0, both ways.

fn ssi_issue_jose(payload: &impl JwsPayload) -> String {
    let (jwk, _) = support::ssi_key(&SEED);
    pollster::block_on(payload.sign(&jwk)).unwrap().as_str().to_owned()
}

fn xinlian_issue_vc_jwt() -> String {
    let uni = xinlian_signer();
    let options = JwtIssueOptions {
        issued_at: Some(1_751_360_400),
        ..Default::default()
    };
    pollster::block_on(issue_vc_jwt(&diploma(uni.did()), &uni, &options)).unwrap()
}

#[test]
fn ssi_vc_jwt_verifies_with_xinlian() {
    let (_, vm) = support::ssi_key(&SEED);
    let jwt = ssi_issue_jose(&VcJwt(ssi_credential(did_of(&vm))));
    let header = jwt_header(&jwt);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["kid"], vm.as_str());
    assert_eq!(header["typ"], "vc+jwt");
    ssi_verify_jose(&jwt).unwrap();

    assert_verified(&xinlian_verify(&jwt), "ssi vc+jwt");
    let keys = StatelessResolver::new();
    let options = JwtVerifyOptions::default();
    let verified = pollster::block_on(verify_vc_jwt(&jwt, KeySource::Resolver(&keys), &options)).unwrap();
    assert_eq!(verified.format, CredentialJwtFormat::VcJwt);
    assert_eq!(verified.credential["credentialSubject"]["name"], "Alice Zhang");

    let tampered = tamper_jwt(&jwt, |p| p["credentialSubject"]["name"] = "Mallory".into());
    let report = xinlian_verify(&tampered);
    assert!(report.failed(Check::Proof), "{}", report.to_json());
}

#[test]
fn ssi_default_jose_vc_with_the_draft_typ_vc_ld_jwt_verifies_with_xinlian() {
    // ssi 0.16's `JoseVc` writes `typ: vc-ld+jwt`, the media type of the
    // VC-JOSE-COSE drafts before the Recommendation renamed it `vc+jwt`.
    // `typ` is a SHOULD, so Xinlian reads the draft name too; tampering still
    // fails. Same payload and key as the test above.
    let (_, vm) = support::ssi_key(&SEED);
    let jwt = ssi_issue_jose(&JoseVc(ssi_credential(did_of(&vm))));
    assert_eq!(jwt_header(&jwt)["typ"], "vc-ld+jwt");
    assert_eq!(jwt_header(&jwt)["cty"], "vc");
    ssi_verify_jose(&jwt).unwrap();

    assert_verified(&xinlian_verify(&jwt), "ssi JoseVc (typ vc-ld+jwt)");
    let tampered = tamper_jwt(&jwt, |p| p["credentialSubject"]["name"] = "Mallory".into());
    assert!(!xinlian_verify(&tampered).verified());
}

#[test]
fn xinlian_vc_jwt_verifies_with_ssi() {
    let jwt = xinlian_issue_vc_jwt();
    assert_eq!(jwt_header(&jwt)["typ"], "vc+jwt");
    assert_verified(&xinlian_verify(&jwt), "Xinlian vc+jwt");
    ssi_verify_jose(&jwt).unwrap();

    let tampered = tamper_jwt(&jwt, |p| p["credentialSubject"]["name"] = "Mallory".into());
    assert!(ssi_verify_jose(&tampered).is_err(), "ssi accepted a tampered vc+jwt");
    assert!(!xinlian_verify(&tampered).verified());
}

#[test]
fn ssi_vc_1_1_jwt_verifies_with_xinlian() {
    // The VC Data Model 1.1 JWT encoding (a `vc` claim beside iss/sub/jti/nbf),
    // which ssi issues through `ToJwtClaims`. Xinlian only reads this form.
    use ssi::claims::vc::v1::ToJwtClaims as _;
    let (jwk, vm) = support::ssi_key(&SEED);
    let credential: ssi::claims::vc::v1::JsonCredential = serde_json::from_value(json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:3f1b8c52-6f0e-4d39-9a53-0c2a5d7e1b44",
        "type": ["VerifiableCredential"],
        "issuer": did_of(&vm),
        "issuanceDate": "2025-07-01T09:00:00Z",
        "credentialSubject": { "id": "did:example:alice" }
    }))
    .unwrap();
    let claims = credential.to_jwt_claims().unwrap();
    let jwt = pollster::block_on(claims.sign(&jwk)).unwrap().as_str().to_owned();
    let payload = jwt_payload(&jwt);
    assert!(payload.get("vc").is_some(), "{payload:#}");
    assert_eq!(payload["iss"], did_of(&vm));

    let keys = StatelessResolver::new();
    let options = JwtVerifyOptions::default();
    let verified = pollster::block_on(verify_vc_jwt(&jwt, KeySource::Resolver(&keys), &options)).unwrap();
    assert_eq!(verified.format, CredentialJwtFormat::Vc11Jwt);
    assert_eq!(verified.credential["issuer"], did_of(&vm));
    assert_eq!(verified.credential["credentialSubject"]["id"], "did:example:alice");
    assert_eq!(verified.credential["issuanceDate"], "2025-07-01T09:00:00Z");
    assert_verified(&xinlian_verify(&jwt), "ssi VC 1.1 JWT");

    let tampered = tamper_jwt(&jwt, |p| p["sub"] = "did:example:mallory".into());
    assert!(!xinlian_verify(&tampered).verified());
}
