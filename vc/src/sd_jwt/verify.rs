//! The verifier's side: check an SD-JWT (VC) presentation and recover the
//! disclosed claims.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use xinlian_did_core::{Jwk, PublicKey, Relationship};

use super::disclosure::{Disclosure, SD_ALG_SHA256, sd_err, sha256_b64};
use super::issue::NEVER_DISCLOSABLE;
use super::{KB_JWT_TYP, SD_JWT_VC_TYP, SdJwt};
use crate::Limits;
use crate::error::Result;
use crate::jose::{
    Failure, Header, Jwt, JwtVerifyOptions, KeySource, Progress, SigningKey, Stage, build_report,
    check_validity_window, find_key, json_kind, numeric_date, string_claim, time_code,
};
use crate::verify::{Check, VerificationReport, codes};

/// What the Key Binding JWT must say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindingCheck {
    /// This verifier's identifier; the KB-JWT's `aud` must equal it.
    pub audience: String,
    /// The nonce this verifier handed out; the KB-JWT's `nonce` must equal it.
    pub nonce: String,
    /// How old (seconds) the KB-JWT's `iat` may be (default 300).
    pub max_age: i64,
}

impl KeyBindingCheck {
    /// Expects `audience` and `nonce`, with a five-minute freshness window.
    pub fn new(audience: impl Into<String>, nonce: impl Into<String>) -> Self {
        KeyBindingCheck {
            audience: audience.into(),
            nonce: nonce.into(),
            max_age: 300,
        }
    }
}

/// Options for [`verify_sd_jwt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwtVerifyOptions {
    /// Clock, leeway and understood `crit` extensions.
    pub jwt: JwtVerifyOptions,
    /// The issuer JWT's required `typ` (default `dc+sd-jwt`); `None` accepts
    /// any (plain SD-JWT, not SD-JWT VC).
    pub typ: Option<String>,
    /// Enforce SD-JWT VC rules: `iss` and `vct` present, `iss`, `nbf`,
    /// `exp`, `cnf`, `vct`, `status` never disclosed (default true).
    pub sd_jwt_vc: bool,
    /// Require key binding with these values; `None` accepts an SD-JWT
    /// without a KB-JWT (one that is present is still checked, except
    /// `aud` and `nonce`).
    pub key_binding: Option<KeyBindingCheck>,
    /// Bounds on the presentation: its length, its number of disclosures,
    /// and the nesting depth of the claims rebuilt from them (default
    /// [`Limits::default`]: 1 MiB, 1,024, 32). Disclosures can nest inside
    /// each other far deeper than any one JSON text; the depth bound is
    /// what keeps reassembly off the end of the stack.
    pub limits: Limits,
}

impl Default for SdJwtVerifyOptions {
    fn default() -> Self {
        SdJwtVerifyOptions {
            jwt: JwtVerifyOptions::default(),
            typ: Some(SD_JWT_VC_TYP.into()),
            sd_jwt_vc: true,
            key_binding: None,
            limits: Limits::default(),
        }
    }
}

/// A verified SD-JWT: only what the holder disclosed.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSdJwt {
    /// The processed payload: undisclosed claims absent, disclosed ones in
    /// place, `_sd` and `_sd_alg` removed.
    pub claims: Map<String, Value>,
    /// The issuer JWT's header.
    pub header: Header,
    /// The issuer key the signature verified with.
    pub issuer_key: SigningKey,
    /// The holder key the KB-JWT verified with, if one was present.
    pub holder_key: Option<PublicKey>,
    /// The disclosures that were presented.
    pub disclosures: Vec<Disclosure>,
}

/// Verifies an SD-JWT presentation (`<JWT>~<D1>~…~[<KB-JWT>]`):
///
/// 1. the issuer JWT: strict parse, `typ`, signature with the key from
///    `keys` (the `kid`, a DID URL of `iss`, through a resolver, or a given
///    key), validity window;
/// 2. every disclosure's digest is referenced exactly once, no digest twice,
///    no unreferenced disclosure, no claim-name collision, no `_sd`/`...`
///    misuse, `_sd_alg` is `sha-256`;
/// 3. key binding: `kb+jwt` signed by the `cnf` key, `sd_hash` over the
///    presentation, `aud`, `nonce`, `iat` within the freshness window.
pub async fn verify_sd_jwt(
    presentation: &str,
    keys: KeySource<'_>,
    options: &SdJwtVerifyOptions,
) -> Result<VerifiedSdJwt> {
    verify_sd_jwt_staged(presentation, keys, options, &mut Progress::default())
        .await
        .map_err(|f| f.error)
}

/// Verifies an SD-JWT presentation like [`verify_sd_jwt`] into a
/// [`VerificationReport`]: structure (serialization, disclosures, digests),
/// key authorization and proof (the issuer JWT), validity period, and for
/// key binding holder binding (KB-JWT signature, `sd_hash`, freshness),
/// challenge (`nonce`) and domain (`aud`). Returns the verified SD-JWT when
/// nothing failed.
pub async fn verify_sd_jwt_report(
    presentation: &str,
    keys: KeySource<'_>,
    options: &SdJwtVerifyOptions,
) -> (VerificationReport, Option<VerifiedSdJwt>) {
    let mut progress = Progress::default();
    let result = verify_sd_jwt_staged(presentation, keys, options, &mut progress).await;
    let (verified, failure) = match result {
        Ok(v) => (Some(v), None),
        Err(f) => (None, Some(f)),
    };
    let bound = options.key_binding.is_some();
    let detail = |check: Check| -> String {
        let Some(v) = &verified else {
            return String::new();
        };
        let vm = v
            .issuer_key
            .verification_method
            .as_deref()
            .unwrap_or("the supplied key");
        match check {
            Check::Structure => format!("{} disclosures, every digest referenced once", v.disclosures.len()),
            Check::KeyAuthorization => format!("{vm} belongs to the issuer and is authorized for assertionMethod"),
            Check::Proof => format!("issuer-signed JWT ({}) verified with {vm}", v.header.alg()),
            Check::ValidityPeriod => "within the issuer JWT's iat/nbf/exp".to_owned(),
            Check::HolderBinding => "KB-JWT signed by the cnf key over this presentation (sd_hash), fresh".to_owned(),
            Check::Challenge => "KB-JWT nonce is the verifier's".to_owned(),
            Check::Domain => "KB-JWT aud is this verifier".to_owned(),
            _ => String::new(),
        }
    };
    let not_bound = "key binding was not required";
    let not_run: &[(Check, &str)] = if bound {
        &[]
    } else {
        &[
            (Check::HolderBinding, not_bound),
            (Check::Challenge, not_bound),
            (Check::Domain, not_bound),
        ]
    };
    let report = build_report(&SD_JWT_CHECKS, &progress, failure.as_ref(), detail, not_run);
    (report, verified)
}

/// The checks of an SD-JWT report, in report order.
const SD_JWT_CHECKS: [Check; 7] = [
    Check::Structure,
    Check::Proof,
    Check::KeyAuthorization,
    Check::ValidityPeriod,
    Check::HolderBinding,
    Check::Challenge,
    Check::Domain,
];

async fn verify_sd_jwt_staged(
    presentation: &str,
    keys: KeySource<'_>,
    options: &SdJwtVerifyOptions,
    progress: &mut Progress,
) -> Result<VerifiedSdJwt, Failure> {
    const STRUCTURE: (Check, &str) = (Check::Structure, codes::MALFORMED_VALUE_ERROR);
    let sd_jwt =
        SdJwt::parse_with_limits(presentation, &options.limits).stage(Check::Structure, codes::PARSING_ERROR)?;
    let crit = options.jwt.crit();
    let jwt = Jwt::parse(sd_jwt.issuer_jwt(), &crit)
        .map_err(|e| sd_err(format!("issuer-signed JWT: {e}")))
        .stage(Check::Structure, codes::PARSING_ERROR)?;
    if let Some(typ) = &options.typ {
        jwt.header().expect_typ(typ).stage(STRUCTURE.0, STRUCTURE.1)?;
    }
    let claims = jwt.claims();
    let iss = string_claim(claims, "iss").stage(STRUCTURE.0, STRUCTURE.1)?;
    let issuer_key = match (keys, iss) {
        (_, Some(iss)) => find_key(
            keys,
            jwt.header().kid(),
            iss,
            Relationship::AssertionMethod,
            claims.get("iat").and_then(Value::as_i64),
        )
        .await
        .stage(Check::KeyAuthorization, codes::INVALID_VERIFICATION_METHOD)?,
        (KeySource::Key(key), None) if !options.sd_jwt_vc => SigningKey {
            key: key.clone(),
            verification_method: None,
        },
        _ => return Err(sd_err("the issuer-signed JWT has no iss")).stage(STRUCTURE.0, STRUCTURE.1),
    };
    progress.pass(Check::KeyAuthorization);
    jwt.verify_signature(&issuer_key.key)
        .stage(Check::Proof, codes::CRYPTOGRAPHIC_SECURITY_ERROR)?;
    progress.pass(Check::Proof);

    let processed = process(&sd_jwt, claims, options.sd_jwt_vc, &options.limits).stage(STRUCTURE.0, STRUCTURE.1)?;
    progress.pass(Check::Structure);
    let now = options.jwt.now();
    check_validity_window(claims, now, options.jwt.leeway).map_err(|error| Failure {
        check: Check::ValidityPeriod,
        code: time_code(&error),
        error,
    })?;
    progress.pass(Check::ValidityPeriod);

    let holder_key = match (sd_jwt.key_binding_jwt(), &options.key_binding) {
        (None, Some(_)) => {
            return Err(sd_err("key binding is required but the presentation has no KB-JWT"))
                .stage(Check::HolderBinding, codes::HOLDER_BINDING_ERROR);
        }
        (None, None) => None,
        (Some(kb), expected) => {
            let key = cnf_key(&processed).stage(Check::HolderBinding, codes::HOLDER_BINDING_ERROR)?;
            check_key_binding(
                kb,
                &key,
                presentation,
                expected.as_ref(),
                &crit,
                now,
                options.jwt.leeway,
                progress,
            )?;
            Some(key)
        }
    };
    Ok(VerifiedSdJwt {
        claims: processed,
        header: jwt.header().clone(),
        issuer_key,
        holder_key,
        disclosures: sd_jwt.disclosures().to_vec(),
    })
}

/// Checks `_sd_alg`, replaces digests by the disclosed claims, and checks
/// every disclosure was used and the SD-JWT VC rules.
fn process(
    sd_jwt: &SdJwt,
    claims: &Map<String, Value>,
    sd_jwt_vc: bool,
    limits: &Limits,
) -> Result<Map<String, Value>> {
    match claims.get("_sd_alg") {
        None => {}
        Some(Value::String(alg)) if alg == SD_ALG_SHA256 => {}
        Some(other) => return Err(sd_err(format!("_sd_alg {other} is not supported (only sha-256)"))),
    }
    let mut processing = Processing {
        by_digest: sd_jwt.disclosures().iter().map(|d| (d.digest(), d)).collect(),
        seen: HashSet::new(),
        used: HashSet::new(),
        sd_jwt_vc,
        limits,
    };
    let mut processed = processing.object(claims, &At::Root, 1)?;
    processed.shift_remove("_sd_alg");
    if let Some(unused) = sd_jwt
        .disclosures()
        .iter()
        .find(|d| !processing.used.contains(d.digest()))
    {
        return Err(sd_err(format!(
            "disclosure {} ({}) is not referenced by the issuer-signed JWT or another disclosure",
            unused.digest(),
            unused
                .name()
                .map_or_else(|| "an array element".to_owned(), |n| format!("claim {n:?}"))
        )));
    }
    if sd_jwt_vc {
        match processed.get("vct") {
            Some(Value::String(_)) => {}
            Some(other) => return Err(sd_err(format!("vct must be a string, got {}", json_kind(other)))),
            None => return Err(sd_err("an SD-JWT VC needs a vct claim")),
        }
    }
    Ok(processed)
}

fn cnf_key(claims: &Map<String, Value>) -> Result<PublicKey> {
    let jwk = claims
        .get("cnf")
        .and_then(|c| c.get("jwk"))
        .ok_or_else(|| sd_err("a KB-JWT is present but the payload has no cnf.jwk holder key"))?;
    let jwk: Jwk = serde_json::from_value(jwk.clone()).map_err(|e| sd_err(format!("cnf.jwk is not a JWK: {e}")))?;
    if jwk.is_private() {
        return Err(sd_err("cnf.jwk contains a private key"));
    }
    Ok(PublicKey::from_jwk(&jwk)?)
}

#[allow(clippy::too_many_arguments)]
fn check_key_binding(
    kb: &str,
    holder: &PublicKey,
    presentation: &str,
    expected: Option<&KeyBindingCheck>,
    crit: &[&str],
    now: i64,
    leeway: i64,
    progress: &mut Progress,
) -> Result<(), Failure> {
    const BINDING: (Check, &str) = (Check::HolderBinding, codes::HOLDER_BINDING_ERROR);
    let jwt = Jwt::parse(kb, crit)
        .map_err(|e| sd_err(format!("KB-JWT: {e}")))
        .stage(BINDING.0, BINDING.1)?;
    jwt.header()
        .expect_typ(KB_JWT_TYP)
        .map_err(|e| sd_err(format!("KB-JWT: {e}")))
        .stage(BINDING.0, BINDING.1)?;
    jwt.verify_signature(holder)
        .map_err(|e| sd_err(format!("KB-JWT is not signed by the cnf key: {e}")))
        .stage(BINDING.0, BINDING.1)?;
    let claims = jwt.claims();
    let binding = || -> Result<(i64, &str, &str)> {
        let sd_hash = string_claim(claims, "sd_hash")?.ok_or_else(|| sd_err("KB-JWT has no sd_hash"))?;
        let covered = &presentation[..presentation.len() - kb.len()];
        if sd_hash != sha256_b64(covered.as_bytes()) {
            return Err(sd_err("KB-JWT sd_hash does not match the presented SD-JWT"));
        }
        let iat = numeric_date(claims, "iat")?.ok_or_else(|| sd_err("KB-JWT has no iat"))?;
        if iat > now.saturating_add(leeway) {
            return Err(sd_err(format!("KB-JWT iat {iat} is in the future (now {now})")));
        }
        if let Some(expected) = expected
            && iat < now.saturating_sub(expected.max_age).saturating_sub(leeway)
        {
            return Err(sd_err(format!(
                "KB-JWT is too old: iat {iat}, now {now}, max age {}s",
                expected.max_age
            )));
        }
        check_validity_window(claims, now, leeway)?;
        let aud = string_claim(claims, "aud")?.ok_or_else(|| sd_err("KB-JWT has no aud"))?;
        let nonce = string_claim(claims, "nonce")?.ok_or_else(|| sd_err("KB-JWT has no nonce"))?;
        Ok((iat, aud, nonce))
    };
    let (_, aud, nonce) = binding().stage(BINDING.0, BINDING.1)?;
    progress.pass(Check::HolderBinding);
    if let Some(expected) = expected {
        if nonce != expected.nonce {
            return Err(sd_err("KB-JWT nonce is not the verifier's nonce"))
                .stage(Check::Challenge, codes::INVALID_CHALLENGE_ERROR);
        }
        progress.pass(Check::Challenge);
        if aud != expected.audience {
            return Err(sd_err(format!(
                "KB-JWT aud {aud:?} is not this verifier ({:?})",
                expected.audience
            )))
            .stage(Check::Domain, codes::INVALID_DOMAIN_ERROR);
        }
        progress.pass(Check::Domain);
    }
    Ok(())
}

struct Processing<'d> {
    by_digest: HashMap<&'d str, &'d Disclosure>,
    seen: HashSet<String>,
    used: HashSet<&'d str>,
    sd_jwt_vc: bool,
    limits: &'d Limits,
}

impl<'d> Processing<'d> {
    /// Rebuilds `value`, found at `at` under `parents` arrays and objects;
    /// refuses to go deeper than the limit (disclosures nest without bound
    /// otherwise, and every level is a stack frame here).
    fn value(&mut self, value: &Value, at: &At<'_>, parents: usize) -> Result<Value> {
        let depth = match value {
            Value::Object(_) | Value::Array(_) if parents >= self.limits.max_depth => {
                return Err(self.limits.too_deep("SD-JWT claims", at.to_string()));
            }
            Value::Object(_) | Value::Array(_) => parents + 1,
            other => return Ok(other.clone()),
        };
        Ok(match value {
            Value::Object(o) => Value::Object(self.object(o, at, depth)?),
            Value::Array(a) => Value::Array(self.array(a, at, depth)?),
            other => other.clone(),
        })
    }

    /// Rebuilds `object`, itself at nesting `depth`.
    fn object(&mut self, object: &Map<String, Value>, at: &At<'_>, depth: usize) -> Result<Map<String, Value>> {
        let mut out = Map::with_capacity(object.len());
        for (name, value) in object {
            match name.as_str() {
                "_sd" => continue,
                "..." => {
                    return Err(sd_err(format!(
                        "{}: \"...\" is only allowed as an array element placeholder",
                        At::Member(at, "...")
                    )));
                }
                "_sd_alg" if !at.is_root() => {
                    return Err(sd_err(format!(
                        "{}: _sd_alg is only allowed at the top level",
                        At::Member(at, "_sd_alg")
                    )));
                }
                _ => {}
            }
            out.insert(name.clone(), self.value(value, &At::Member(at, name), depth)?);
        }
        let Some(sd) = object.get("_sd") else {
            return Ok(out);
        };
        let digests = sd
            .as_array()
            .ok_or_else(|| sd_err(format!("{at}/_sd must be an array of digests, got {}", json_kind(sd))))?;
        for (i, digest) in digests.iter().enumerate() {
            let digest = digest.as_str().ok_or_else(|| {
                sd_err(format!(
                    "{at}/_sd/{i} must be a digest string, got {}",
                    json_kind(digest)
                ))
            })?;
            if !self.seen.insert(digest.to_owned()) {
                return Err(sd_err(format!("{at}/_sd/{i}: digest {digest} appears more than once")));
            }
            let Some(disclosure) = self.by_digest.get(digest).copied() else {
                continue; // undisclosed claim or decoy
            };
            let Some(name) = disclosure.name() else {
                return Err(sd_err(format!(
                    "{at}/_sd/{i}: digest {digest} refers to an array-element disclosure, not a claim"
                )));
            };
            if out.contains_key(name) {
                return Err(sd_err(format!(
                    "{}: disclosed claim {name:?} is already in the object",
                    At::Member(at, name)
                )));
            }
            if self.sd_jwt_vc && at.is_root() && NEVER_DISCLOSABLE.contains(&name) {
                return Err(sd_err(format!("SD-JWT VC forbids disclosing /{name} selectively")));
            }
            self.used.insert(disclosure.digest());
            let value = self.value(disclosure.value(), &At::Member(at, name), depth)?;
            out.insert(name.to_owned(), value);
        }
        Ok(out)
    }

    /// Rebuilds `array`, itself at nesting `depth`.
    fn array(&mut self, array: &[Value], at: &At<'_>, depth: usize) -> Result<Vec<Value>> {
        let mut out = Vec::with_capacity(array.len());
        for (i, element) in array.iter().enumerate() {
            let child = At::Element(at, i);
            let placeholder = element.as_object().and_then(|o| o.get("...").map(|d| (o.len(), d)));
            let Some((members, digest)) = placeholder else {
                out.push(self.value(element, &child, depth)?);
                continue;
            };
            if members != 1 {
                return Err(sd_err(format!(
                    "{child}: an array element placeholder must hold only \"...\""
                )));
            }
            let digest = digest.as_str().ok_or_else(|| {
                sd_err(format!(
                    "{child}/... must be a digest string, got {}",
                    json_kind(digest)
                ))
            })?;
            if !self.seen.insert(digest.to_owned()) {
                return Err(sd_err(format!("{child}: digest {digest} appears more than once")));
            }
            let Some(disclosure) = self.by_digest.get(digest).copied() else {
                continue; // undisclosed element or decoy: removed
            };
            if let Some(name) = disclosure.name() {
                return Err(sd_err(format!(
                    "{child}: digest {digest} refers to the claim {name:?}, not an array element"
                )));
            }
            self.used.insert(disclosure.digest());
            out.push(self.value(disclosure.value(), &child, depth)?);
        }
        Ok(out)
    }
}

/// Where the processor is in the payload; rendered as a JSON pointer only
/// when an error needs it.
#[derive(Clone, Copy)]
enum At<'p> {
    Root,
    Member(&'p At<'p>, &'p str),
    Element(&'p At<'p>, usize),
}

impl At<'_> {
    fn is_root(&self) -> bool {
        matches!(self, At::Root)
    }
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root => Ok(()),
            At::Member(parent, name) => write!(f, "{parent}/{}", name.replace('~', "~0").replace('/', "~1")),
            At::Element(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}
