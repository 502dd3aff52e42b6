//! VC-JOSE: credentials and presentations of the VC Data Model 2.0 secured
//! as compact JWS (`application/vc+jwt`, `application/vp+jwt`), per W3C
//! "Securing Verifiable Credentials using JOSE and COSE".
//!
//! The payload is the credential (or presentation) itself. Registered JWT
//! claims may sit beside it; when present they must agree with it: `iss`
//! with `issuer` (or `holder`), `jti` with `id`, `sub` with a
//! `credentialSubject.id`, and `exp`/`nbf`/`iat` bound the validity window.
//! `typ` is `vc+jwt` / `vp+jwt`; `cty`, when present, must be `vc` / `vp`.
//!
//! Open Badges 3.0 VC-JWTs (1EdTech) are read too: `typ` `JWT` (or none),
//! the credential as the payload (a VC 2.0 one, or for Open Badges 3.0.0 to
//! 3.0.2 a VC 1.1 one with `issuanceDate`), the key from `kid` or from a
//! `jwk` header that the issuer's DID document must list.

use serde_json::{Map, Value};
use xinlian_did_core::Relationship;

use super::claims::{
    JwtVerifyOptions, REGISTERED_CLAIMS, check_credential_dates, check_validity_window, entity_id, now_unix,
    parse_datetime, put_claim, subject_ids,
};
use super::header_key::find_header_key;
use super::jws::{Header, Jwt, jwt_err, sign_jwt, string_claim};
use super::key::{KeySource, SigningKey, find_key};
use super::report::{Failure, Progress, Stage, time_code};
use super::vc11::{self, CREDENTIALS_V1_CONTEXT};
use crate::error::Result;
use crate::signer::Signer;
use crate::verify::{Check, codes};

/// The VC Data Model 2.0 base context.
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// `typ` of a JWT-secured credential.
pub const VC_JWT_TYP: &str = "vc+jwt";
/// `typ` of a JWT-secured presentation.
pub const VP_JWT_TYP: &str = "vp+jwt";
/// The `typ` drafts of VC-JOSE-COSE used for credentials, still read.
pub const LEGACY_VC_JWT_TYP: &str = "vc-ld+jwt";
/// The plain JWT `typ` of Open Badges 3.0 VC-JWTs (and VC 1.1 JWTs).
pub const JWT_TYP: &str = "JWT";
/// Prefix of an `EnvelopedVerifiableCredential` id carrying a vc+jwt.
pub const ENVELOPED_VC_JWT_PREFIX: &str = "data:application/vc+jwt,";

/// Options for securing a credential or presentation as a JWT.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JwtIssueOptions {
    /// `iat` in seconds since the epoch; `None` means the system clock.
    pub issued_at: Option<i64>,
    /// Presentations: the verifier the presentation is for (`aud`).
    pub audience: Option<String>,
    /// Presentations: the verifier's challenge (`nonce`).
    pub nonce: Option<String>,
}

/// How a verified credential JWT was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialJwtFormat {
    /// VC Data Model 2.0 secured with VC-JOSE (`typ: vc+jwt`).
    VcJwt,
    /// VC Data Model 1.1 JWT (`vc` claim, §6.3.1 decoding rules).
    Vc11Jwt,
    /// A VC Data Model 1.1 credential as the whole payload, `typ` `JWT` or
    /// none (Open Badges 3.0.0 to 3.0.2 VC-JWTs).
    Vc11PayloadJwt,
}

/// A credential whose JWT verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCredentialJwt {
    /// The credential: for 1.1 JWTs rebuilt from the `vc` claim and the
    /// registered claims; for vc+jwt the payload without registered claims.
    pub credential: Value,
    /// The registered JWT claims that were present (`iss`, `sub`, `jti`,
    /// `iat`, `nbf`, `exp`).
    pub jwt_claims: Map<String, Value>,
    /// The protected header.
    pub header: Header,
    /// The key the signature verified with.
    pub signer: SigningKey,
    /// Which encoding the JWT used.
    pub format: CredentialJwtFormat,
}

/// A presentation whose JWT verified, with its enveloped credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedPresentationJwt {
    /// The presentation (payload without registered claims, `aud`, `nonce`).
    pub presentation: Value,
    /// The protected header.
    pub header: Header,
    /// The holder key the signature verified with.
    pub signer: SigningKey,
    /// Every `EnvelopedVerifiableCredential` (vc+jwt) in the presentation,
    /// verified, in order.
    pub credentials: Vec<VerifiedCredentialJwt>,
}

/// Secures a VC 2.0 credential as a `vc+jwt`. The signer's DID must be the
/// credential's issuer; `kid` is the signer's verification method. `iss`,
/// `jti`, `sub`, `nbf` and `exp` are derived from `issuer`, `id`, the single
/// subject's `id`, `validFrom` and `validUntil`; `iat` is the issue time.
pub async fn issue_vc_jwt(
    credential: &Map<String, Value>,
    signer: &dyn Signer,
    options: &JwtIssueOptions,
) -> Result<String> {
    check_v2_shape(credential, "VerifiableCredential", "credential")?;
    let issuer = entity_id(credential.get("issuer"), "/issuer")?.to_owned();
    check_signer_is(signer, &issuer, "issuer")?;
    let mut claims = credential.clone();
    put_claim(&mut claims, "iss", Value::String(issuer))?;
    if let Some(id) = credential.get("id").and_then(Value::as_str) {
        put_claim(&mut claims, "jti", Value::String(id.to_owned()))?;
    }
    if let [sub] = subject_ids(credential).as_slice() {
        put_claim(&mut claims, "sub", Value::String((*sub).to_owned()))?;
    }
    if let Some(v) = credential.get("validFrom") {
        put_claim(&mut claims, "nbf", parse_datetime(v, &"/validFrom")?.into())?;
    }
    if let Some(v) = credential.get("validUntil") {
        put_claim(&mut claims, "exp", parse_datetime(v, &"/validUntil")?.into())?;
    }
    put_claim(&mut claims, "iat", options.issued_at.unwrap_or_else(now_unix).into())?;
    sign_jwt(jose_header(VC_JWT_TYP, signer), &claims, signer).await
}

/// Secures a VC 2.0 presentation as a `vp+jwt`, signed by the holder. `aud`
/// and `nonce` come from the options.
pub async fn issue_vp_jwt(
    presentation: &Map<String, Value>,
    signer: &dyn Signer,
    options: &JwtIssueOptions,
) -> Result<String> {
    check_v2_shape(presentation, "VerifiablePresentation", "presentation")?;
    let mut claims = presentation.clone();
    let holder = match presentation.get("holder") {
        Some(h) => entity_id(Some(h), "/holder")?.to_owned(),
        None => signer_did(signer).to_owned(),
    };
    check_signer_is(signer, &holder, "holder")?;
    put_claim(&mut claims, "iss", Value::String(holder))?;
    if let Some(id) = presentation.get("id").and_then(Value::as_str) {
        put_claim(&mut claims, "jti", Value::String(id.to_owned()))?;
    }
    if let Some(aud) = &options.audience {
        put_claim(&mut claims, "aud", Value::String(aud.clone()))?;
    }
    if let Some(nonce) = &options.nonce {
        put_claim(&mut claims, "nonce", Value::String(nonce.clone()))?;
    }
    put_claim(&mut claims, "iat", options.issued_at.unwrap_or_else(now_unix).into())?;
    sign_jwt(jose_header(VP_JWT_TYP, signer), &claims, signer).await
}

/// Verifies a JWT-secured credential: a VC 2.0 `vc+jwt`, a VC 1.1 JWT (a
/// payload with a `vc` claim, as older wallets issue), or an Open Badges 3.0
/// VC-JWT (`typ` `JWT` or none, the credential as the payload). The key
/// comes from `keys`; with a resolver, `kid` must be a DID URL of the issuer
/// authorized for `assertionMethod`, and a `jwk` header must be a key the
/// issuer's DID document lists for `assertionMethod` (a `jwk` it does not
/// list is a key-authorization failure).
pub async fn verify_vc_jwt(
    jwt: &str,
    keys: KeySource<'_>,
    options: &JwtVerifyOptions,
) -> Result<VerifiedCredentialJwt> {
    verify_vc_jwt_staged(jwt, keys, options, &mut Progress::default())
        .await
        .map_err(|f| f.error)
}

/// [`verify_vc_jwt`], recording which checks passed and tying a failure to
/// its check.
pub(crate) async fn verify_vc_jwt_staged(
    jwt: &str,
    keys: KeySource<'_>,
    options: &JwtVerifyOptions,
    progress: &mut Progress,
) -> Result<VerifiedCredentialJwt, Failure> {
    let parsed = Jwt::parse(jwt, &options.crit()).stage(Check::Structure, codes::PARSING_ERROR)?;
    if parsed.claims().contains_key("vc") {
        return vc11::verify(parsed, keys, options, progress).await;
    }
    let header = parsed.header();
    let claims = parsed.claims();
    let (issuer, model) = check_vc_jwt_claims(header, claims).stage(Check::Structure, codes::MALFORMED_VALUE_ERROR)?;
    progress.pass(Check::Structure);
    let signer = find_header_key(
        keys,
        header,
        issuer,
        Relationship::AssertionMethod,
        claims.get("iat").and_then(Value::as_i64),
    )
    .await
    .stage(Check::KeyAuthorization, codes::INVALID_VERIFICATION_METHOD)?;
    progress.pass(Check::KeyAuthorization);
    parsed
        .verify_signature(&signer.key)
        .stage(Check::Proof, codes::CRYPTOGRAPHIC_SECURITY_ERROR)?;
    progress.pass(Check::Proof);
    let now = options.now();
    let (from, until, format) = match model {
        DataModel::V2 => ("validFrom", "validUntil", CredentialJwtFormat::VcJwt),
        DataModel::V11 => ("issuanceDate", "expirationDate", CredentialJwtFormat::Vc11PayloadJwt),
    };
    check_validity_window(claims, now, options.leeway)
        .and_then(|()| check_credential_dates(claims, from, until, now, options.leeway))
        .map_err(|error| Failure {
            check: Check::ValidityPeriod,
            code: time_code(&error),
            error,
        })?;
    progress.pass(Check::ValidityPeriod);
    let (header, claims) = parsed.into_parts();
    let (credential, jwt_claims) = split_registered(claims, &REGISTERED_CLAIMS);
    Ok(VerifiedCredentialJwt {
        credential: Value::Object(credential),
        jwt_claims,
        header,
        signer,
        format,
    })
}

/// The VC data model of a credential that is a JWT's whole payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataModel {
    /// VC 2.0 (`validFrom`, `validUntil`).
    V2,
    /// VC 1.1 (`issuanceDate`, `expirationDate`): Open Badges 3.0.0 to
    /// 3.0.2 VC-JWTs, `typ` `JWT` or none only.
    V11,
}

/// The structural checks of a credential-as-payload JWT: `typ`, `cty`, a
/// VC payload, and registered claims that agree with it. Returns the
/// issuer id and the payload's data model.
fn check_vc_jwt_claims<'c>(header: &Header, claims: &'c Map<String, Value>) -> Result<(&'c str, DataModel)> {
    // The Recommendation names `vc+jwt`; drafts (and ssi 0.16) wrote
    // `vc-ld+jwt`; Open Badges 3.0 writes `JWT` or leaves `typ` out.
    let explicitly_vc_jwt = match header.typ() {
        None if header.get("typ").is_some() => return Err(jwt_err("header typ must be a string")),
        None => false,
        Some(typ) => {
            if header.expect_typ(VC_JWT_TYP).is_ok() || header.expect_typ(LEGACY_VC_JWT_TYP).is_ok() {
                true
            } else if header.expect_typ(JWT_TYP).is_ok() {
                false
            } else {
                return Err(jwt_err(format!(
                    "header typ is {typ:?}, expected \"{VC_JWT_TYP}\", \"{JWT_TYP}\" or none"
                )));
            }
        }
    };
    if let Some(cty) = header
        .cty()
        .filter(|c| !c.eq_ignore_ascii_case("vc") && *c != "application/vc")
    {
        return Err(jwt_err(format!("header cty is {cty:?}, expected \"vc\"")));
    }
    let model = if !explicitly_vc_jwt && first_context(claims) == Some(CREDENTIALS_V1_CONTEXT) {
        if !as_list(claims.get("type")).iter().any(|t| t == "VerifiableCredential") {
            return Err(jwt_err("credential /type must include VerifiableCredential"));
        }
        DataModel::V11
    } else {
        check_v2_shape(claims, "VerifiableCredential", "credential")?;
        DataModel::V2
    };
    let issuer = entity_id(claims.get("issuer"), "/issuer")?;
    if let Some(iss) = string_claim(claims, "iss")?
        && iss != issuer
    {
        return Err(jwt_err(format!(
            "claim iss {iss:?} is not the credential's issuer {issuer:?}"
        )));
    }
    if let Some(jti) = string_claim(claims, "jti")?
        && claims.get("id").and_then(Value::as_str) != Some(jti)
    {
        return Err(jwt_err(format!("claim jti {jti:?} is not the credential's id")));
    }
    if let Some(sub) = string_claim(claims, "sub")?
        && !subject_ids(claims).contains(&sub)
    {
        return Err(jwt_err(format!("claim sub {sub:?} is not a credentialSubject id")));
    }
    Ok((issuer, model))
}

/// Verifies a `vp+jwt`: the holder's signature (`kid` authorized for
/// `authentication`), `aud` and `nonce` against the options, the validity
/// window, and every enveloped vc+jwt credential inside.
pub async fn verify_vp_jwt(
    jwt: &str,
    keys: KeySource<'_>,
    options: &JwtVerifyOptions,
) -> Result<VerifiedPresentationJwt> {
    let parsed = Jwt::parse(jwt, &options.crit())?;
    let header = parsed.header().clone();
    header.expect_typ(VP_JWT_TYP)?;
    if let Some(cty) = header
        .cty()
        .filter(|c| !c.eq_ignore_ascii_case("vp") && *c != "application/vp")
    {
        return Err(jwt_err(format!("header cty is {cty:?}, expected \"vp\"")));
    }
    let claims = parsed.claims();
    check_v2_shape(claims, "VerifiablePresentation", "presentation")?;
    let iss = string_claim(claims, "iss")?;
    let holder = match claims.get("holder") {
        Some(h) => entity_id(Some(h), "/holder")?,
        None => iss.ok_or_else(|| jwt_err("presentation has neither holder nor iss"))?,
    };
    if let Some(iss) = iss
        && iss != holder
    {
        return Err(jwt_err(format!(
            "claim iss {iss:?} is not the presentation's holder {holder:?}"
        )));
    }
    let signed_at = claims.get("iat").and_then(Value::as_i64);
    let signer = find_key(keys, header.kid(), holder, Relationship::Authentication, signed_at).await?;
    parsed.verify_signature(&signer.key)?;
    check_audience_and_nonce(claims, options)?;
    check_validity_window(claims, options.now(), options.leeway)?;
    let mut credentials = Vec::new();
    for (i, entry) in as_list(claims.get("verifiableCredential")).iter().enumerate() {
        let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
        let is_enveloped = as_list(entry.get("type"))
            .iter()
            .any(|t| t.as_str() == Some("EnvelopedVerifiableCredential"));
        if !is_enveloped {
            continue;
        }
        // Nothing beside the envelope is signed by the credential's issuer:
        // refuse it rather than let it pass for the credential's content.
        if let Some(extra) = entry
            .as_object()
            .and_then(|o| o.keys().find(|k| !matches!(k.as_str(), "@context" | "id" | "type")))
        {
            return Err(jwt_err(format!(
                "/verifiableCredential/{i} has {extra:?} beside the enveloped credential; \
                 an EnvelopedVerifiableCredential may only have @context, id and type"
            )));
        }
        let inner = id.strip_prefix(ENVELOPED_VC_JWT_PREFIX).ok_or_else(|| {
            jwt_err(format!(
                "/verifiableCredential/{i}/id is not a data:application/vc+jwt URL"
            ))
        })?;
        let verified = Box::pin(verify_vc_jwt(inner, keys, options))
            .await
            .map_err(|e| jwt_err(format!("/verifiableCredential/{i}: {e}")))?;
        credentials.push(verified);
    }
    let (presentation, _) = split_registered(
        parsed.into_claims(),
        &["iss", "jti", "iat", "nbf", "exp", "aud", "nonce"],
    );
    Ok(VerifiedPresentationJwt {
        presentation: Value::Object(presentation),
        header,
        signer,
        credentials,
    })
}

/// Wraps a vc+jwt as an `EnvelopedVerifiableCredential` for a VC 2.0
/// presentation's `verifiableCredential`.
pub fn enveloped_credential(vc_jwt: &str) -> Value {
    serde_json::json!({
        "@context": CREDENTIALS_V2_CONTEXT,
        "id": format!("{ENVELOPED_VC_JWT_PREFIX}{vc_jwt}"),
        "type": "EnvelopedVerifiableCredential",
    })
}

pub(crate) fn check_audience_and_nonce(claims: &Map<String, Value>, options: &JwtVerifyOptions) -> Result<()> {
    if let Some(expected) = &options.audience {
        let ok = match claims.get("aud") {
            Some(Value::String(a)) => a == expected,
            Some(Value::Array(list)) => list.iter().any(|a| a == expected.as_str()),
            _ => false,
        };
        if !ok {
            return Err(jwt_err(format!("claim aud does not name this verifier ({expected:?})")));
        }
    }
    if let Some(expected) = &options.nonce
        && string_claim(claims, "nonce")? != Some(expected.as_str())
    {
        return Err(jwt_err("claim nonce is missing or is not the verifier's nonce"));
    }
    Ok(())
}

fn jose_header(typ: &str, signer: &dyn Signer) -> Map<String, Value> {
    let mut header = Map::new();
    header.insert("kid".into(), Value::String(signer.verification_method().to_owned()));
    header.insert("typ".into(), Value::String(typ.to_owned()));
    header
}

fn signer_did(signer: &dyn Signer) -> &str {
    let vm = signer.verification_method();
    vm.split_once('#').map_or(vm, |(did, _)| did)
}

fn check_signer_is(signer: &dyn Signer, expected: &str, role: &str) -> Result<()> {
    let did = signer_did(signer);
    if did == expected {
        Ok(())
    } else {
        Err(jwt_err(format!(
            "the signer's DID {did:?} is not the {role} {expected:?}"
        )))
    }
}

/// The first `@context` entry, when it is a string.
fn first_context(object: &Map<String, Value>) -> Option<&str> {
    match object.get("@context") {
        Some(Value::Array(list)) => list.first(),
        other => other,
    }
    .and_then(Value::as_str)
}

fn check_v2_shape(object: &Map<String, Value>, required_type: &str, what: &str) -> Result<()> {
    if first_context(object) != Some(CREDENTIALS_V2_CONTEXT) {
        return Err(jwt_err(format!(
            "{what} /@context must start with {CREDENTIALS_V2_CONTEXT} (a VC 2.0 {what})"
        )));
    }
    if !as_list(object.get("type"))
        .iter()
        .any(|t| t.as_str() == Some(required_type))
    {
        return Err(jwt_err(format!("{what} /type must include {required_type}")));
    }
    Ok(())
}

fn as_list(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(list)) => list,
        Some(other) => std::slice::from_ref(other),
        None => &[],
    }
}

fn split_registered(mut claims: Map<String, Value>, names: &[&str]) -> (Map<String, Value>, Map<String, Value>) {
    let mut registered = Map::new();
    claims.retain(|name, value| {
        if names.contains(&name.as_str()) {
            registered.insert(name.clone(), value.take());
            false
        } else {
            true
        }
    });
    (claims, registered)
}
