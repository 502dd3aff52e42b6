//! One verification entry point for every format: the caller hands over
//! text, the library finds the format (Data Integrity JSON, vc+jwt or VC 1.1
//! JWT, SD-JWT VC) and reports the same checks.

use serde_json::{Map, Value, json};
use xinlian_did_core::Resolver;

use super::credential::{FetchGate, check_credential_into, status_schema_trust};
use super::presentation::check_presentation_into;
use super::report::{Check, CheckOutcome, Outcome, VerificationReport};
use super::{Policy, codes};
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

/// The members an `EnvelopedVerifiableCredential` may have: everything a
/// verifier could show must come from the enveloped (signed) content.
const ENVELOPE_MEMBERS: [&str; 3] = ["@context", "id", "type"];

/// The enveloped content of a JSON object whose `id` is a `data:` URL of a
/// vc+jwt or vc+sd-jwt: `None` when the object is not an envelope,
/// `Some(Err(_))` with the reason when it is one that cannot be trusted as
/// shown (members beside `@context`, `id` and `type`, which nothing signs,
/// or content that is not a compact credential JWT / SD-JWT).
pub(crate) fn enveloped_content(object: &Map<String, Value>) -> Option<std::result::Result<&str, String>> {
    let id = object.get("id").and_then(Value::as_str)?;
    let inner = ENVELOPED_PREFIXES.iter().find_map(|p| id.strip_prefix(p))?;
    let extra: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| !ENVELOPE_MEMBERS.contains(k))
        .collect();
    if !extra.is_empty() {
        return Some(Err(format!(
            "an enveloped credential may only have @context, id and type; {} beside the signed content \
             cannot be verified and is refused",
            extra.join(", ")
        )));
    }
    let compact = matches!(detect_format(inner), Ok(SecuredFormat::Jwt | SecuredFormat::SdJwt));
    if !compact || jwt_typ(inner).as_deref() == Some("vp+jwt") {
        return Some(Err(
            "an enveloped credential must envelop a compact vc+jwt or vc+sd-jwt credential".to_owned(),
        ));
    }
    Some(Ok(inner))
}

/// Verifies the content of an envelope (see [`enveloped_content`]) into a
/// report: only the enveloped credential is checked and reported.
pub(crate) async fn verify_enveloped(
    object: &Map<String, Value>,
    resolver: &dyn Resolver,
    policy: &Policy,
    fetch: FetchGate,
) -> Option<VerificationReport> {
    Some(match enveloped_content(object)? {
        Ok(inner) => verify_compact(inner, resolver, policy, fetch).await,
        Err(reason) => structure_failure(reason),
    })
}
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
        codes::MALFORMED_VALUE_ERROR,
        detail,
    ));
    report
}

/// Replaces the skipped status/schema/trust outcomes of a JWT report with
/// the real checks of the decoded credential (which passed its proof
/// checks: the JWT report hands a credential back only then).
async fn complete(
    mut report: VerificationReport,
    credential: &Credential,
    resolver: &dyn Resolver,
    policy: &Policy,
    fetch: FetchGate,
) -> VerificationReport {
    report.checks.retain(|c| {
        !(matches!(c.check, Check::Status | Check::Schema | Check::Trust) && c.outcome == Outcome::Skipped)
    });
    report
        .checks
        .extend(status_schema_trust(credential, resolver, policy, fetch).await);
    report
}

/// Adds "not run" status and schema outcomes to a report whose proof did
/// not verify and that has none: nothing was fetched.
fn note_not_fetched(mut report: VerificationReport) -> VerificationReport {
    for check in [Check::Status, Check::Schema] {
        if report.outcomes(check).next().is_none() {
            report.push(CheckOutcome::skipped(
                check,
                "not run: the proof did not verify, so nothing was fetched",
            ));
        }
    }
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
/// An `EnvelopedVerifiableCredential` is verified by what it envelops; one
/// with members beside `@context`, `id` and `type` (claims nothing signs)
/// fails the Structure check. Nothing is fetched before the proofs verify,
/// and all fetches share one deadline ([`Policy::fetch_deadline`]).
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
    let fetch = FetchGate {
        deadline: policy.deadline_from_now(),
        allowed: true,
    };
    match detect_format(text)? {
        SecuredFormat::DataIntegrity => {
            let value = read_json(text.as_bytes(), "input", &policy.limits)?;
            if let Some(object) = value.as_object()
                && let Some(report) = verify_enveloped(object, resolver, policy, fetch).await
            {
                return Ok(report);
            }
            let is_presentation = value.get("type").is_some_and(|t| {
                t == "VerifiablePresentation"
                    || t.as_array()
                        .is_some_and(|a| a.iter().any(|x| x == "VerifiablePresentation"))
            });
            let mut report = VerificationReport::default();
            if is_presentation {
                match Presentation::from_value_within(value, &policy.limits) {
                    Ok(p) => Box::pin(check_presentation_into(&mut report, &p, resolver, policy, fetch)).await,
                    Err(e) => return Ok(structure_failure(e.to_string())),
                }
            } else {
                match Credential::from_value_within(value, &policy.limits) {
                    Ok(c) => check_credential_into(&mut report, &c, resolver, policy, "", fetch).await,
                    Err(e) => return Ok(structure_failure(e.to_string())),
                }
            }
            Ok(report)
        }
        SecuredFormat::Jwt | SecuredFormat::SdJwt => Ok(verify_compact(text, resolver, policy, fetch).await),
    }
}

/// Verifies a compact JWT (vc+jwt, VC 1.1 JWT, vp+jwt) or SD-JWT.
async fn verify_compact(text: &str, resolver: &dyn Resolver, policy: &Policy, fetch: FetchGate) -> VerificationReport {
    if detect_format(text).ok() == Some(SecuredFormat::SdJwt) {
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
        return match verified.as_ref().and_then(|v| sd_jwt_as_credential(&v.claims)) {
            Some(c) => complete(report, &c, resolver, policy, fetch).await,
            None => note_not_fetched(report),
        };
    }
    if jwt_typ(text).as_deref() == Some("vp+jwt") {
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
                        for mut o in status_schema_trust(&credential, resolver, policy, fetch).await {
                            o.detail = format!("verifiableCredential[{i}]: {}", o.detail);
                            report.push(o);
                        }
                    }
                }
            }
            Err(e) => {
                report.push(CheckOutcome::failed(
                    Check::Proof,
                    codes::CRYPTOGRAPHIC_SECURITY_ERROR,
                    e.to_string(),
                ));
                report = note_not_fetched(report);
            }
        }
        return report;
    }
    let (report, credential) = verify_vc_jwt_report(text, KeySource::Resolver(resolver), policy).await;
    match credential {
        Some(c) => complete(report, &c, resolver, policy, fetch).await,
        None => report,
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
