//! Registered JWT claims (RFC 7519 §4.1) and the checks every verifier here
//! runs on them: the validity window and consistency with the credential.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::jws::{jwt_err, numeric_date};
use crate::error::Result;

/// The registered claims that VC-JOSE adds beside a credential's own
/// properties, removed again when the credential is handed back.
pub(crate) const REGISTERED_CLAIMS: [&str; 6] = ["iss", "sub", "jti", "iat", "nbf", "exp"];

/// Options for verifying a JWT-secured credential, presentation or SD-JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtVerifyOptions {
    /// The time to check validity at, in seconds since the epoch; `None`
    /// means the system clock.
    pub now: Option<i64>,
    /// Allowed clock skew in seconds for `exp`, `nbf`, `iat` (default 60).
    pub leeway: i64,
    /// Header extensions the caller understands and processes; any other
    /// name in `crit` is rejected (default: none).
    pub understood_crit: Vec<String>,
    /// For presentations: the `aud` the presentation must be addressed to.
    pub audience: Option<String>,
    /// For presentations: the `nonce` the verifier issued.
    pub nonce: Option<String>,
}

impl Default for JwtVerifyOptions {
    fn default() -> Self {
        JwtVerifyOptions {
            now: None,
            leeway: 60,
            understood_crit: Vec::new(),
            audience: None,
            nonce: None,
        }
    }
}

impl JwtVerifyOptions {
    /// The time to check against.
    pub fn now(&self) -> i64 {
        self.now.unwrap_or_else(now_unix)
    }

    pub(crate) fn crit(&self) -> Vec<&str> {
        self.understood_crit.iter().map(String::as_str).collect()
    }
}

/// The system clock in seconds since the epoch.
pub(crate) fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Seconds since the epoch as an XML Schema dateTimeStamp (`Z`, no
/// fractional seconds), the form VC data models use.
pub(crate) fn to_datetime(seconds: i64, claim: &str) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| jwt_err(format!("claim {claim} ({seconds}) is outside the representable dates")))
}

/// Parses a credential date (`validFrom`, `issuanceDate`, ...) at `path`.
pub(crate) fn parse_datetime(value: &Value, path: &dyn std::fmt::Display) -> Result<i64> {
    let text = value
        .as_str()
        .ok_or_else(|| jwt_err(format!("{path} must be a dateTime string")))?;
    OffsetDateTime::parse(text, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|e| jwt_err(format!("{path} {text:?} is not an RFC 3339 dateTime: {e}")))
}

/// Checks `exp`, `nbf` and `iat` against `now` with `leeway`.
pub(crate) fn check_validity_window(claims: &Map<String, Value>, now: i64, leeway: i64) -> Result<()> {
    if let Some(exp) = numeric_date(claims, "exp")?
        && now > exp.saturating_add(leeway)
    {
        return Err(jwt_err(format!("expired: exp {exp} is before now ({now})")));
    }
    if let Some(nbf) = numeric_date(claims, "nbf")?
        && now.saturating_add(leeway) < nbf
    {
        return Err(jwt_err(format!("not yet valid: nbf {nbf} is after now ({now})")));
    }
    if let Some(iat) = numeric_date(claims, "iat")?
        && now.saturating_add(leeway) < iat
    {
        return Err(jwt_err(format!("iat {iat} is in the future (now {now})")));
    }
    Ok(())
}

/// Checks a credential's own validity dates (`from`/`until` property names)
/// against `now`.
pub(crate) fn check_credential_dates(
    credential: &Map<String, Value>,
    from: &str,
    until: &str,
    now: i64,
    leeway: i64,
) -> Result<()> {
    if let Some(v) = credential.get(from) {
        let t = parse_datetime(v, &format_args!("/{from}"))?;
        if now.saturating_add(leeway) < t {
            return Err(jwt_err(format!("not yet valid: {from} is after now")));
        }
    }
    if let Some(v) = credential.get(until) {
        let t = parse_datetime(v, &format_args!("/{until}"))?;
        if now > t.saturating_add(leeway) {
            return Err(jwt_err(format!("expired: {until} is before now")));
        }
    }
    Ok(())
}

/// The `id` of an `issuer`/`holder` value: the string itself or the
/// object's `id`.
pub(crate) fn entity_id<'a>(value: Option<&'a Value>, path: &str) -> Result<&'a str> {
    match value {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| jwt_err(format!("{path}/id must be a string"))),
        Some(_) => Err(jwt_err(format!("{path} must be a URL or an object with an id"))),
        None => Err(jwt_err(format!("{path} is missing"))),
    }
}

/// The `id`s of the credential subjects (one object or an array).
pub(crate) fn subject_ids(credential: &Map<String, Value>) -> Vec<&str> {
    match credential.get("credentialSubject") {
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).into_iter().collect(),
        Some(Value::Array(a)) => a.iter().filter_map(|s| s.get("id").and_then(Value::as_str)).collect(),
        _ => Vec::new(),
    }
}

/// Sets `name` to `value` in `claims`; an existing different value is an
/// error (the credential and the JWT would disagree).
pub(crate) fn put_claim(claims: &mut Map<String, Value>, name: &str, value: Value) -> Result<()> {
    match claims.get(name) {
        Some(existing) if *existing != value => Err(jwt_err(format!(
            "the credential already has a top-level {name:?} ({existing}) that differs from the JWT claim ({value})"
        ))),
        _ => {
            claims.insert(name.to_owned(), value);
            Ok(())
        }
    }
}
