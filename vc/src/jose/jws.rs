//! Compact JWS (RFC 7515) with a JSON-object payload (a JWT, RFC 7519):
//! parse, sign and verify with EdDSA, ES256, ES384 and ES256K.
//!
//! Parsing is strict and never panics: exactly three base64url parts
//! without padding, JSON objects without duplicate member names, a known
//! `alg` (never `none`), and a `crit` list that names only extensions the
//! caller understands.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use xinlian_did_core::{KeyType, PublicKey};

use super::json::{kind, parse_strict_object};
use crate::error::{Error, Result};
use crate::signer::Signer;

/// Header parameters RFC 7515 registers; they may never appear in `crit`.
const REGISTERED_HEADERS: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// The signature algorithms Xinlian signs and verifies with, by key type.
pub const SUPPORTED_ALGS: [(&str, KeyType); 4] = [
    ("EdDSA", KeyType::Ed25519),
    ("ES256", KeyType::P256),
    ("ES384", KeyType::P384),
    ("ES256K", KeyType::Secp256k1),
];

pub(crate) fn jwt_err(reason: impl Into<String>) -> Error {
    Error::Jwt { reason: reason.into() }
}

/// The key type an `alg` value signs with.
pub fn key_type_for_alg(alg: &str) -> Result<KeyType> {
    if alg.eq_ignore_ascii_case("none") {
        return Err(jwt_err("header alg \"none\" (unsecured JWS) is not accepted"));
    }
    SUPPORTED_ALGS
        .iter()
        .find(|(name, _)| *name == alg)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            jwt_err(format!(
                "header alg {alg:?} is not supported (EdDSA, ES256, ES384, ES256K)"
            ))
        })
}

/// A JOSE header that passed the structural checks: `alg` is a supported
/// algorithm and the other registered parameters have the right JSON types.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    params: Map<String, Value>,
    key_type: KeyType,
}

impl Header {
    /// Checks a header object. `understood_crit` lists the extension
    /// parameters the caller processes; any other name in `crit` (or a
    /// duplicate, a registered name, an empty list, a name absent from the
    /// header) is refused, as RFC 7515 §4.1.11 requires.
    pub fn from_map(params: Map<String, Value>, understood_crit: &[&str]) -> Result<Header> {
        let alg = match params.get("alg") {
            Some(Value::String(alg)) => alg,
            Some(other) => return Err(jwt_err(format!("header alg must be a string, got {}", kind(other)))),
            None => return Err(jwt_err("header has no alg")),
        };
        let key_type = key_type_for_alg(alg)?;
        for name in ["kid", "typ", "cty"] {
            if let Some(v) = params.get(name).filter(|v| !v.is_string()) {
                return Err(jwt_err(format!("header {name} must be a string, got {}", kind(v))));
            }
        }
        if let Some(crit) = params.get("crit") {
            check_crit(crit, &params, understood_crit)?;
        }
        Ok(Header { params, key_type })
    }

    /// The `alg` value.
    pub fn alg(&self) -> &str {
        self.str_param("alg").unwrap_or_default()
    }

    /// The key type `alg` requires.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The `kid` value, if present.
    pub fn kid(&self) -> Option<&str> {
        self.str_param("kid")
    }

    /// The `typ` value, if present.
    pub fn typ(&self) -> Option<&str> {
        self.str_param("typ")
    }

    /// The `cty` value, if present.
    pub fn cty(&self) -> Option<&str> {
        self.str_param("cty")
    }

    /// Any header parameter.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }

    /// All parameters, in header order.
    pub fn params(&self) -> &Map<String, Value> {
        &self.params
    }

    /// Checks `typ` against an expected media type. Per RFC 7515 §4.1.9 the
    /// `application/` prefix may be left out, and the comparison ignores
    /// ASCII case.
    pub fn expect_typ(&self, expected: &str) -> Result<()> {
        let typ = self
            .typ()
            .ok_or_else(|| jwt_err(format!("header has no typ, expected {expected:?}")))?;
        let short = |t: &str| {
            let lower = t.to_ascii_lowercase();
            lower.strip_prefix("application/").map(str::to_owned).unwrap_or(lower)
        };
        if short(typ) == short(expected) {
            Ok(())
        } else {
            Err(jwt_err(format!("header typ is {typ:?}, expected {expected:?}")))
        }
    }

    fn str_param(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(Value::as_str)
    }
}

fn check_crit(crit: &Value, params: &Map<String, Value>, understood: &[&str]) -> Result<()> {
    let list = crit
        .as_array()
        .ok_or_else(|| jwt_err(format!("header crit must be an array, got {}", kind(crit))))?;
    if list.is_empty() {
        return Err(jwt_err("header crit must not be empty"));
    }
    let mut names: Vec<&str> = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let name = entry
            .as_str()
            .ok_or_else(|| jwt_err(format!("header crit[{i}] must be a string, got {}", kind(entry))))?;
        if names.contains(&name) {
            return Err(jwt_err(format!("header crit lists {name:?} twice")));
        }
        names.push(name);
    }
    for name in names {
        if REGISTERED_HEADERS.contains(&name) {
            return Err(jwt_err(format!("header crit lists the registered parameter {name:?}")));
        }
        if !understood.contains(&name) {
            return Err(jwt_err(format!(
                "header crit lists {name:?}, an extension this verifier does not understand"
            )));
        }
        if !params.contains_key(name) {
            return Err(jwt_err(format!(
                "header crit lists {name:?} but the header has no such parameter"
            )));
        }
    }
    Ok(())
}

/// A parsed compact JWS whose payload is a JSON object (a JWT). The
/// signature is not verified until [`Jwt::verify_signature`] is called.
#[derive(Debug, Clone, PartialEq)]
pub struct Jwt {
    header: Header,
    claims: Map<String, Value>,
    signing_input_len: usize,
    compact: String,
    signature: Vec<u8>,
}

impl Jwt {
    /// Parses a compact JWS; `understood_crit` as in [`Header::from_map`].
    pub fn parse(compact: &str, understood_crit: &[&str]) -> Result<Jwt> {
        let mut parts = compact.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            let dots = compact.bytes().filter(|b| *b == b'.').count();
            return Err(jwt_err(format!(
                "a compact JWS has three base64url parts separated by two dots, found {dots} dots"
            )));
        };
        let header = decode_part(h, "header")?;
        let header = Header::from_map(
            parse_strict_object(&header, "JWS header").map_err(jwt_err)?,
            understood_crit,
        )?;
        let payload = decode_part(p, "payload")?;
        let claims = parse_strict_object(&payload, "JWT payload").map_err(jwt_err)?;
        let signature = decode_part(s, "signature")?;
        if signature.len() != header.key_type().signature_len() {
            return Err(jwt_err(format!(
                "{} signature must be {} bytes, got {}",
                header.alg(),
                header.key_type().signature_len(),
                signature.len()
            )));
        }
        Ok(Jwt {
            header,
            claims,
            signing_input_len: h.len() + 1 + p.len(),
            compact: compact.to_owned(),
            signature,
        })
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The claims set (the payload object).
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Takes the claims set out.
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }

    /// Takes the header and the claims set out.
    pub fn into_parts(self) -> (Header, Map<String, Value>) {
        (self.header, self.claims)
    }

    /// The compact serialization as parsed.
    pub fn as_str(&self) -> &str {
        &self.compact
    }

    /// The bytes the signature covers: `header.payload` as transmitted.
    pub fn signing_input(&self) -> &[u8] {
        &self.compact.as_bytes()[..self.signing_input_len]
    }

    /// Verifies the signature with `key`. The header's `alg` must be the
    /// algorithm of the key's type: an ES256 header never verifies with an
    /// Ed25519 key, whatever the bytes.
    pub fn verify_signature(&self, key: &PublicKey) -> Result<()> {
        let expected = key.key_type().jws_alg();
        if expected != Some(self.header.alg()) {
            return Err(jwt_err(format!(
                "header alg {} does not match the {} key (which signs with {})",
                self.header.alg(),
                key.key_type(),
                expected.unwrap_or("no JWS algorithm")
            )));
        }
        key.verify(self.signing_input(), &self.signature).map_err(Error::from)
    }

    /// A string claim, or an error naming the claim if it has another type.
    pub fn string_claim(&self, name: &str) -> Result<Option<&str>> {
        string_claim(&self.claims, name)
    }

    /// A NumericDate claim (seconds since the epoch), or an error if it is
    /// not a number.
    pub fn numeric_date(&self, name: &str) -> Result<Option<i64>> {
        numeric_date(&self.claims, name)
    }
}

/// A string claim of `claims`.
pub(crate) fn string_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(jwt_err(format!("claim {name} must be a string, got {}", kind(other)))),
    }
}

/// A NumericDate claim of `claims`, truncated to whole seconds.
pub(crate) fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                return Ok(Some(i));
            }
            match n.as_f64() {
                Some(f) if f.is_finite() && f.abs() < 1e15 => Ok(Some(f.floor() as i64)),
                _ => Err(jwt_err(format!("claim {name} is not a usable NumericDate: {n}"))),
            }
        }
        Some(other) => Err(jwt_err(format!(
            "claim {name} must be a NumericDate number, got {}",
            kind(other)
        ))),
    }
}

fn decode_part(part: &str, what: &str) -> Result<Vec<u8>> {
    if part.is_empty() {
        return Err(jwt_err(format!("JWS {what} is empty")));
    }
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| jwt_err(format!("JWS {what} is not base64url without padding: {e}")))
}

/// base64url without padding.
pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `claims` as a compact JWS with `signer`. `alg` is set from the
/// signer's key type; `header` supplies the other parameters (`typ`, `kid`,
/// ...). An `alg` already in `header` must agree with the key.
pub async fn sign_jwt(
    mut header: Map<String, Value>,
    claims: &Map<String, Value>,
    signer: &dyn Signer,
) -> Result<String> {
    let key_type = signer.key_type();
    let alg = key_type
        .jws_alg()
        .ok_or_else(|| jwt_err(format!("{key_type} keys cannot sign a JWS")))?;
    match header.get("alg") {
        None => {
            header.insert("alg".into(), Value::String(alg.into()));
        }
        Some(Value::String(a)) if a == alg => {}
        Some(other) => {
            return Err(jwt_err(format!(
                "header alg {other} does not match the {key_type} signing key"
            )));
        }
    }
    // `alg` first reads better; the order has no meaning.
    let mut ordered = Map::with_capacity(header.len());
    if let Some(a) = header.remove("alg") {
        ordered.insert("alg".into(), a);
    }
    ordered.extend(header);
    let header_json = serde_json::to_vec(&ordered).map_err(|e| jwt_err(format!("cannot serialize header: {e}")))?;
    let claims_json = serde_json::to_vec(claims).map_err(|e| jwt_err(format!("cannot serialize claims: {e}")))?;
    let mut out = b64(&header_json);
    out.push('.');
    out.push_str(&b64(&claims_json));
    let signature = signer.sign(out.as_bytes()).await?;
    if signature.len() != key_type.signature_len() {
        return Err(jwt_err(format!(
            "signer returned a {}-byte signature, {alg} needs {}",
            signature.len(),
            key_type.signature_len()
        )));
    }
    out.push('.');
    out.push_str(&b64(&signature));
    Ok(out)
}
