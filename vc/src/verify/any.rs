//! One verification entry point for every format: the caller hands over
//! text, the library finds the format (Data Integrity JSON, vc+jwt or VC 1.1
//! JWT, SD-JWT VC) and reports the same checks.

use serde_json::{Map, Value, json};
use xinlian_did_core::Resolver;

use super::credential::status_schema_trust;
use super::report::{Check, CheckOutcome, Outcome, VerificationReport};
use super::{Policy, verify_credential, verify_presentation};
use crate::credential::{CREDENTIALS_V2_CONTEXT, Credential, Presentation};
use crate::jose::{JwtVerifyOptions, KeySource, verify_vc_jwt_report, verify_vp_jwt};
use crate::limits::read_json;
use crate::sd_jwt::{KeyBindingCheck, SdJwtVerifyOptions, verify_sd_jwt_report};
use crate::{Error, Result};

/// The securing formats [`verify_any`] recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecuredFormat {
    /// A JSON credential or presentation with embedded proofs (Data
    /// Integrity, Ed25519Signature2020).
    DataIntegrity,
    /// A compact JWS: `vc+jwt`, `vp+jwt`, or a VC 1.1 JWT.
    Jwt,
    /// An SD-JWT (VC), with or without key binding.
    SdJwt,
}

const ENVELOPED_PREFIXES: [&str; 2] = ["data:application/vc+jwt,", "data:application/vc+sd-jwt,"];

/// Finds the format of `input` without verifying anything.
///
/// # Errors
///
/// [`Error::Structure`] when the text is none of the formats.
pub fn detect_format(input: &str) -> Result<SecuredFormat> {
    let text = input.trim();
    if text.starts_with('{') {
        return Ok(SecuredFormat::DataIntegrity);
    }
    let is_b64 = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let jws = text.split('~').next().unwrap_or("");
    let parts: Vec<&str> = jws.split('.').collect();
    if parts.len() == 3 && parts.iter().all(|p| is_b64(p)) && !parts[0].is_empty() {
        return Ok(if text.contains('~') {
            SecuredFormat::SdJwt
        } else {
            SecuredFormat::Jwt
        });
    }
    Err(Error::Structure {
        what: "input",
        path: String::new(),
        reason: "not a JSON credential or presentation, a compact JWT, or an SD-JWT".into(),
    })
}

fn structure_failure(detail: String) -> VerificationReport {
    let mut report = VerificationReport::default();
    report.push(CheckOutcome::failed(
        Check::Structure,
        super::codes::MALFORMED_VALUE_ERROR,
        detail,
    ));
    report
}

/// Replaces the skipped status/schema/trust outcomes of a JWT report with
/// the real checks of the decoded credential.
async fn complete(
    mut report: VerificationReport,
    credential: &Credential,
    resolver: &dyn Resolver,
    policy: &Policy,
) -> VerificationReport {
    report.checks.retain(|c| {
        !(matches!(c.check, Check::Status | Check::Schema | Check::Trust) && c.outcome == Outcome::Skipped)
    });
    report
        .checks
        .extend(status_schema_trust(credential, resolver, policy).await);
    report
}

/// The SD-JWT's processed claims as a VC-shaped credential, so that status
/// and trust checks can run on them: `iss` is the issuer, the last path
/// segment of `vct` a type (so trust lists that accredit, say,
/// `AchievementCredential` match), the disclosed claims the subject,
/// `credentialStatus` kept as is.
fn sd_jwt_as_credential(claims: &Map<String, Value>) -> Option<Credential> {
    let issuer = claims.get("iss")?.as_str()?;
    let mut subject = Map::new();
    for (k, v) in claims {
        if !matches!(
            k.as_str(),
            "iss" | "iat" | "nbf" | "exp" | "cnf" | "vct" | "jti" | "credentialStatus" | "status"
        ) {
            let key = if k == "sub" { "id" } else { k.as_str() };
            subject.insert(key.to_owned(), v.clone());
        }
    }
    if subject.is_empty() {
        subject.insert("sdJwtVc".into(), Value::Bool(true));
    }
    let mut types = vec![Value::String("VerifiableCredential".into())];
    let vct_type = claims
        .get("vct")
        .and_then(Value::as_str)
        .and_then(|vct| vct.trim_end_matches('/').rsplit(['/', ':', '#']).next())
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    if let Some(t) = vct_type.filter(|t| *t != "VerifiableCredential") {
        types.push(Value::String(t.to_owned()));
    }
    let mut vc = json!({
        "@context": [CREDENTIALS_V2_CONTEXT],
        "type": types,
        "issuer": issuer,
        "credentialSubject": subject,
    });
    if let (Some(status), Some(obj)) = (claims.get("credentialStatus"), vc.as_object_mut()) {
        obj.insert("credentialStatus".into(), status.clone());
    }
    Credential::from_value(vc).ok()
}

/// Verifies a credential or presentation in any supported format.
///
/// Input that is none of the formats (or JSON that does not parse) is an
/// error; anything that is recognisably a credential gets a report, and a
/// credential that breaks the data model gets a failed Structure check.
/// The input is read within [`Policy::limits`] (by default 1 MiB, 32
/// levels of nesting, 1,024 SD-JWT disclosures); JSON is read strictly.
///
/// # Errors
///
/// [`Error::Structure`] when the input is not a credential in any format,
/// [`Error::LimitExceeded`] when it is too large (checked before anything
/// is parsed) or JSON nests too deep, [`Error::DuplicateKey`] when a JSON
/// object names a member twice.
pub async fn verify_any(input: &str, resolver: &dyn Resolver, policy: &Policy) -> Result<VerificationReport> {
    policy.limits.check_size("input", input.len())?;
    let text = input.trim();
    match detect_format(text)? {
        SecuredFormat::DataIntegrity => {
            let value = read_json(text.as_bytes(), "input", &policy.limits)?;
            // An enveloped credential: verify what it envelops.
            if let Some(id) = value.get("id").and_then(Value::as_str)
                && let Some(inner) = ENVELOPED_PREFIXES.iter().find_map(|p| id.strip_prefix(p))
            {
                return Box::pin(verify_any(inner, resolver, policy)).await;
            }
            let is_presentation = value.get("type").is_some_and(|t| {
                t == "VerifiablePresentation"
                    || t.as_array()
                        .is_some_and(|a| a.iter().any(|x| x == "VerifiablePresentation"))
            });
            Ok(if is_presentation {
                match Presentation::from_value_within(value, &policy.limits) {
                    Ok(p) => verify_presentation(&p, resolver, policy).await,
                    Err(e) => structure_failure(e.to_string()),
                }
            } else {
                match Credential::from_value_within(value, &policy.limits) {
                    Ok(c) => verify_credential(&c, resolver, policy).await,
                    Err(e) => structure_failure(e.to_string()),
                }
            })
        }
        SecuredFormat::Jwt => {
            let typ = jwt_typ(text);
            if typ.as_deref() == Some("vp+jwt") {
                let options = JwtVerifyOptions {
                    now: Some(policy.now().unix_timestamp()),
                    leeway: policy.clock_skew.whole_seconds(),
                    audience: policy.domain.clone(),
                    nonce: policy.challenge.clone(),
                    ..JwtVerifyOptions::default()
                };
                let mut report = VerificationReport::default();
                match verify_vp_jwt(text, KeySource::Resolver(resolver), &options).await {
                    Ok(vp) => {
                        report.push(CheckOutcome::passed(
                            Check::Proof,
                            format!("vp+jwt and its {} credential(s) verified", vp.credentials.len()),
                        ));
                        for (i, c) in vp.credentials.iter().enumerate() {
                            if let Ok(credential) = Credential::from_value(c.credential.clone()) {
                                for mut o in status_schema_trust(&credential, resolver, policy).await {
                                    o.detail = format!("verifiableCredential[{i}]: {}", o.detail);
                                    report.push(o);
                                }
                            }
                        }
                    }
                    Err(e) => report.push(CheckOutcome::failed(
                        Check::Proof,
                        super::codes::CRYPTOGRAPHIC_SECURITY_ERROR,
                        e.to_string(),
                    )),
                }
                return Ok(report);
            }
            let (report, credential) = verify_vc_jwt_report(text, KeySource::Resolver(resolver), policy).await;
            Ok(match credential {
                Some(c) => complete(report, &c, resolver, policy).await,
                None => report,
            })
        }
        SecuredFormat::SdJwt => {
            let mut options = SdJwtVerifyOptions {
                limits: policy.limits,
                ..SdJwtVerifyOptions::default()
            };
            options.jwt.now = Some(policy.now().unix_timestamp());
            options.jwt.leeway = policy.clock_skew.whole_seconds();
            if let (Some(aud), Some(nonce)) = (&policy.domain, &policy.challenge) {
                options.key_binding = Some(KeyBindingCheck::new(aud.clone(), nonce.clone()));
            }
            let (report, verified) = verify_sd_jwt_report(text, KeySource::Resolver(resolver), &options).await;
            Ok(match verified.as_ref().and_then(|v| sd_jwt_as_credential(&v.claims)) {
                Some(c) => complete(report, &c, resolver, policy).await,
                None => report,
            })
        }
    }
}

fn jwt_typ(compact: &str) -> Option<String> {
    use base64::Engine as _;
    let header = compact.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value.get("typ")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(detect_format(" {\"a\":1}").unwrap(), SecuredFormat::DataIntegrity);
        assert_eq!(detect_format("eyJh.eyJi.c2ln").unwrap(), SecuredFormat::Jwt);
        assert_eq!(detect_format("eyJh.eyJi.c2ln~WyJh~").unwrap(), SecuredFormat::SdJwt);
        assert!(detect_format("hello").is_err());
        assert!(detect_format("a.b").is_err());
        assert!(detect_format("").is_err());
    }
}
