//! VC Data Model 1.1 JWTs (§6.3 "JSON Web Token"): the credential sits in
//! the `vc` claim and the registered claims carry some of its properties.
//!
//! Decoding follows §6.3.1: `iss` is the issuer (or `issuer.id`), `sub` the
//! `credentialSubject.id`, `jti` the `id`, `nbf` the `issuanceDate` and
//! `exp` the `expirationDate`. When the `vc` object also holds one of those
//! properties, the two must agree, or the JWT is rejected.

use serde_json::{Map, Value};
use xinlian_did_core::Relationship;

use super::claims::{
    JwtVerifyOptions, REGISTERED_CLAIMS, check_credential_dates, check_validity_window, entity_id, parse_datetime,
    to_datetime,
};
use super::header_key::find_header_key;
use super::jws::{Jwt, jwt_err, numeric_date, string_claim};
use super::key::KeySource;
use super::report::{Failure, Progress, Stage, time_code};
use super::vc_jwt::{CredentialJwtFormat, VerifiedCredentialJwt};
use crate::error::Result;
use crate::verify::{Check, codes};

/// The VC Data Model 1.1 base context.
pub const CREDENTIALS_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// Rebuilds the credential of a VC 1.1 JWT claims set per §6.3.1, checking
/// that the registered claims and the `vc` object agree.
pub fn decode_vc11_claims(claims: &Map<String, Value>) -> Result<Map<String, Value>> {
    let mut vc = match claims.get("vc") {
        Some(Value::Object(vc)) => vc.clone(),
        Some(_) => return Err(jwt_err("claim vc must be an object")),
        None => return Err(jwt_err("a VC 1.1 JWT needs a vc claim")),
    };
    let first_context = match vc.get("@context") {
        Some(Value::Array(list)) => list.first(),
        other => other,
    };
    if first_context.and_then(Value::as_str) != Some(CREDENTIALS_V1_CONTEXT) {
        return Err(jwt_err(format!(
            "vc /@context must start with {CREDENTIALS_V1_CONTEXT}"
        )));
    }
    let vc_types = match vc.get("type") {
        Some(Value::Array(list)) => list.iter().any(|t| t == "VerifiableCredential"),
        Some(t) => t == "VerifiableCredential",
        None => false,
    };
    if !vc_types {
        return Err(jwt_err("vc /type must include VerifiableCredential"));
    }
    if let Some(iss) = string_claim(claims, "iss")? {
        match vc.get_mut("issuer") {
            None => {
                vc.insert("issuer".into(), Value::String(iss.to_owned()));
            }
            Some(Value::Object(issuer)) => match issuer.get("id") {
                None => {
                    issuer.insert("id".into(), Value::String(iss.to_owned()));
                }
                Some(id) if id == iss => {}
                Some(id) => return Err(jwt_err(format!("claim iss {iss:?} differs from vc /issuer/id {id}"))),
            },
            Some(other) if other == iss => {}
            Some(other) => return Err(jwt_err(format!("claim iss {iss:?} differs from vc /issuer {other}"))),
        }
    }
    if let Some(sub) = string_claim(claims, "sub")? {
        match vc.get_mut("credentialSubject") {
            Some(Value::Object(subject)) => match subject.get("id") {
                None => {
                    subject.insert("id".into(), Value::String(sub.to_owned()));
                }
                Some(id) if id == sub => {}
                Some(id) => {
                    return Err(jwt_err(format!(
                        "claim sub {sub:?} differs from vc /credentialSubject/id {id}"
                    )));
                }
            },
            _ => return Err(jwt_err("claim sub needs vc /credentialSubject to be a single object")),
        }
    }
    if let Some(jti) = string_claim(claims, "jti")? {
        match vc.get("id") {
            None => {
                vc.insert("id".into(), Value::String(jti.to_owned()));
            }
            Some(id) if id == jti => {}
            Some(id) => return Err(jwt_err(format!("claim jti {jti:?} differs from vc /id {id}"))),
        }
    }
    for (claim, property) in [("nbf", "issuanceDate"), ("exp", "expirationDate")] {
        let Some(seconds) = numeric_date(claims, claim)? else {
            continue;
        };
        match vc.get(property) {
            None => {
                vc.insert(property.into(), Value::String(to_datetime(seconds, claim)?));
            }
            Some(v) => {
                if parse_datetime(v, &format!("vc /{property}"))? != seconds {
                    return Err(jwt_err(format!(
                        "claim {claim} ({seconds}) differs from vc /{property} {v}"
                    )));
                }
            }
        }
    }
    if !vc.contains_key("issuer") {
        return Err(jwt_err("VC 1.1 JWT names no issuer (neither iss nor vc /issuer)"));
    }
    if !vc.contains_key("issuanceDate") {
        return Err(jwt_err(
            "VC 1.1 JWT has no issuance date (neither nbf nor vc /issuanceDate)",
        ));
    }
    Ok(vc)
}

/// Verifies a parsed VC 1.1 JWT (see [`super::verify_vc_jwt`]).
pub(crate) async fn verify(
    parsed: Jwt,
    keys: KeySource<'_>,
    options: &JwtVerifyOptions,
    progress: &mut Progress,
) -> Result<VerifiedCredentialJwt, Failure> {
    let header = parsed.header().clone();
    // 1.1 JWTs carry typ "JWT" or none; a vc+jwt typ would promise a 2.0 payload.
    let credential = match header.typ() {
        Some(typ) if !typ.eq_ignore_ascii_case("JWT") => Err(jwt_err(format!(
            "header typ {typ:?} does not fit a VC 1.1 JWT (expected \"JWT\" or none)"
        ))),
        _ => decode_vc11_claims(parsed.claims()),
    }
    .stage(Check::Structure, codes::MALFORMED_VALUE_ERROR)?;
    let issuer =
        entity_id(credential.get("issuer"), "vc /issuer").stage(Check::Structure, codes::MALFORMED_VALUE_ERROR)?;
    progress.pass(Check::Structure);
    let signed_at = ["iat", "nbf"]
        .iter()
        .find_map(|c| parsed.claims().get(*c).and_then(serde_json::Value::as_i64));
    let signer = find_header_key(keys, &header, issuer, Relationship::AssertionMethod, signed_at)
        .await
        .stage(Check::KeyAuthorization, codes::INVALID_VERIFICATION_METHOD)?;
    progress.pass(Check::KeyAuthorization);
    parsed
        .verify_signature(&signer.key)
        .stage(Check::Proof, codes::CRYPTOGRAPHIC_SECURITY_ERROR)?;
    progress.pass(Check::Proof);
    let now = options.now();
    check_validity_window(parsed.claims(), now, options.leeway)
        .and_then(|()| check_credential_dates(&credential, "issuanceDate", "expirationDate", now, options.leeway))
        .map_err(|error| Failure {
            check: Check::ValidityPeriod,
            code: time_code(&error),
            error,
        })?;
    progress.pass(Check::ValidityPeriod);
    let jwt_claims = REGISTERED_CLAIMS
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), parsed.claims().get(*name)?.clone())))
        .collect();
    Ok(VerifiedCredentialJwt {
        credential: Value::Object(credential),
        jwt_claims,
        header,
        signer,
        format: CredentialJwtFormat::Vc11Jwt,
    })
}
