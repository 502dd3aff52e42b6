//! Issuing an SD-JWT VC: the issuer chooses which claims and array elements
//! are disclosable.

use std::collections::HashSet;

use rand_core::{OsRng, RngCore};
use serde_json::{Map, Value};
use xinlian_did_core::PublicKey;
use xinlian_did_core::json::SERDE_JSON_MAX_DEPTH;

use super::disclosure::{Disclosure, SD_ALG_SHA256, decoy_digest, sd_err};
use super::{SD_JWT_VC_TYP, SdJwt, pointer_tokens};
use crate::Limit;
use crate::error::{Error, Result};
use crate::jose::{now_unix, sign_jwt};
use crate::signer::Signer;

/// Top-level claims SD-JWT VC forbids making selectively disclosable.
pub(crate) const NEVER_DISCLOSABLE: [&str; 7] = ["iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"];

/// Claims the builder sets itself; the caller's claims may not hold them.
const SET_BY_BUILDER: [&str; 5] = ["iss", "iat", "vct", "cnf", "_sd_alg"];

/// Builds and signs an SD-JWT VC (`typ: dc+sd-jwt`).
///
/// The payload holds `iss` (the signer's DID, or [`Self::issuer`]), `iat`,
/// `vct`, `cnf.jwk` (the holder key), `_sd_alg: sha-256`, and the caller's
/// claims, with those named by [`Self::disclosable`] replaced by digests.
#[derive(Debug, Clone)]
pub struct SdJwtVcBuilder {
    vct: String,
    claims: Map<String, Value>,
    disclosable: Vec<String>,
    max_decoys: usize,
    holder_key: Option<PublicKey>,
    issuer: Option<String>,
    issued_at: Option<i64>,
    not_before: Option<i64>,
    expires_at: Option<i64>,
}

impl SdJwtVcBuilder {
    /// A builder for a credential of type `vct` with `claims`.
    pub fn new(vct: impl Into<String>, claims: Map<String, Value>) -> Self {
        SdJwtVcBuilder {
            vct: vct.into(),
            claims,
            disclosable: Vec::new(),
            max_decoys: 3,
            holder_key: None,
            issuer: None,
            issued_at: None,
            not_before: None,
            expires_at: None,
        }
    }

    /// Makes the claim or array element at `pointer` (RFC 6901, e.g.
    /// `/address/street`, `/courses/2`) selectively disclosable. A pointer
    /// below another disclosable one gives recursive disclosures.
    pub fn disclosable(mut self, pointer: impl Into<String>) -> Self {
        self.disclosable.push(pointer.into());
        self
    }

    /// Every object with disclosable claims (and the top level), and every
    /// array with disclosable elements, gets between 1 and `max` decoy
    /// digests (default 3; 0 turns decoys off).
    pub fn decoys(mut self, max: usize) -> Self {
        self.max_decoys = max;
        self
    }

    /// The holder's key, put into `cnf.jwk` for key binding.
    pub fn holder_key(mut self, key: &PublicKey) -> Self {
        self.holder_key = Some(key.clone());
        self
    }

    /// `iss`, when it is not the signer's DID (e.g. an HTTPS issuer whose
    /// key the verifier knows). A DID URL signer must belong to it.
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuer = Some(iss.into());
        self
    }

    /// `iat` (default: now).
    pub fn issued_at(mut self, seconds: i64) -> Self {
        self.issued_at = Some(seconds);
        self
    }

    /// `nbf`.
    pub fn not_before(mut self, seconds: i64) -> Self {
        self.not_before = Some(seconds);
        self
    }

    /// `exp`.
    pub fn expires_at(mut self, seconds: i64) -> Self {
        self.expires_at = Some(seconds);
        self
    }

    /// Creates the disclosures and signs the issuer JWT with `signer`
    /// (`kid` is the signer's verification method).
    pub async fn issue(self, signer: &dyn Signer) -> Result<SdJwt> {
        // Building the payload walks the claims recursively: no deeper than
        // any parsed JSON can be.
        if self
            .claims
            .values()
            .any(|v| xinlian_did_core::json::depth_exceeds(v, SERDE_JSON_MAX_DEPTH - 1))
        {
            return Err(Error::LimitExceeded {
                what: "SD-JWT claims to issue",
                limit: Limit::Depth,
                max: SERDE_JSON_MAX_DEPTH,
                actual: None,
                path: String::new(),
            });
        }
        let vm = signer.verification_method();
        let signer_id = vm.split_once('#').map_or(vm, |(id, _)| id);
        let iss = self.issuer.clone().unwrap_or_else(|| signer_id.to_owned());
        if vm.starts_with("did:") && signer_id != iss {
            return Err(sd_err(format!("the signer {vm:?} is not a key of the issuer {iss:?}")));
        }
        for name in SET_BY_BUILDER {
            if self.claims.contains_key(name) {
                return Err(sd_err(format!(
                    "claim /{name} is set by the builder and may not be passed in"
                )));
            }
        }
        let mut wanted: HashSet<Vec<String>> = HashSet::new();
        for pointer in &self.disclosable {
            let tokens = pointer_tokens(pointer)?;
            if let [top] = tokens.as_slice()
                && NEVER_DISCLOSABLE.contains(&top.as_str())
            {
                return Err(sd_err(format!(
                    "SD-JWT VC forbids making /{top} selectively disclosable"
                )));
            }
            wanted.insert(tokens);
        }
        let mut state = Build {
            wanted,
            found: HashSet::new(),
            disclosures: Vec::new(),
            max_decoys: self.max_decoys,
            path: Vec::new(),
        };
        let mut payload = state.object(&self.claims, true)?;
        if state.found.len() != state.wanted.len() {
            let missing: Vec<&str> = self
                .disclosable
                .iter()
                .filter(|p| pointer_tokens(p).is_ok_and(|t| !state.found.contains(&t)))
                .map(String::as_str)
                .collect();
            return Err(sd_err(format!(
                "disclosable pointers name no claim: {}",
                missing.join(", ")
            )));
        }
        payload.insert("iss".into(), Value::String(iss));
        payload.insert("iat".into(), self.issued_at.unwrap_or_else(now_unix).into());
        if let Some(nbf) = self.not_before {
            payload.insert("nbf".into(), nbf.into());
        }
        if let Some(exp) = self.expires_at {
            payload.insert("exp".into(), exp.into());
        }
        payload.insert("vct".into(), Value::String(self.vct));
        if let Some(key) = &self.holder_key {
            let jwk =
                serde_json::to_value(key.to_jwk()).map_err(|e| sd_err(format!("cannot encode holder key: {e}")))?;
            payload.insert("cnf".into(), serde_json::json!({ "jwk": jwk }));
        }
        payload.insert("_sd_alg".into(), Value::String(SD_ALG_SHA256.into()));
        let mut header = Map::new();
        header.insert("kid".into(), Value::String(vm.to_owned()));
        header.insert("typ".into(), Value::String(SD_JWT_VC_TYP.into()));
        let jwt = sign_jwt(header, &payload, signer).await?;
        Ok(SdJwt::from_parts(jwt, state.disclosures, None))
    }
}

struct Build {
    wanted: HashSet<Vec<String>>,
    found: HashSet<Vec<String>>,
    disclosures: Vec<Disclosure>,
    max_decoys: usize,
    path: Vec<String>,
}

impl Build {
    fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
            .collect()
    }

    fn value(&mut self, value: &Value) -> Result<Value> {
        match value {
            Value::Object(o) => Ok(Value::Object(self.object(o, false)?)),
            Value::Array(a) => self.array(a),
            other => Ok(other.clone()),
        }
    }

    fn object(&mut self, object: &Map<String, Value>, top: bool) -> Result<Map<String, Value>> {
        let mut out = Map::with_capacity(object.len() + 1);
        let mut digests = Vec::new();
        for (name, value) in object {
            self.path.push(name.clone());
            if name == "_sd" || name == "..." || name == "_sd_alg" {
                return Err(sd_err(format!("claim {} uses a name SD-JWT reserves", self.pointer())));
            }
            let processed = self.value(value)?;
            if self.wanted.contains(&self.path) {
                self.found.insert(self.path.clone());
                let disclosure = Disclosure::new(Some(name), processed)?;
                digests.push(disclosure.digest().to_owned());
                self.disclosures.push(disclosure);
            } else {
                out.insert(name.clone(), processed);
            }
            self.path.pop();
        }
        if !digests.is_empty() || top {
            if self.max_decoys > 0 {
                let count = 1 + (OsRng.next_u32() as usize) % self.max_decoys;
                digests.extend((0..count).map(|_| decoy_digest()));
            }
            if !digests.is_empty() {
                digests.sort_unstable();
                out.insert("_sd".into(), digests.into_iter().map(Value::String).collect());
            }
        }
        Ok(out)
    }

    fn array(&mut self, array: &[Value]) -> Result<Value> {
        let mut out = Vec::with_capacity(array.len());
        let mut disclosed = false;
        for (i, value) in array.iter().enumerate() {
            self.path.push(i.to_string());
            let processed = self.value(value)?;
            if self.wanted.contains(&self.path) {
                self.found.insert(self.path.clone());
                let disclosure = Disclosure::new(None, processed)?;
                out.push(serde_json::json!({ "...": disclosure.digest() }));
                self.disclosures.push(disclosure);
                disclosed = true;
            } else {
                out.push(processed);
            }
            self.path.pop();
        }
        // Decoy elements at random positions hide how many elements there are.
        if disclosed && self.max_decoys > 0 {
            let count = 1 + (OsRng.next_u32() as usize) % self.max_decoys;
            for _ in 0..count {
                let at = (OsRng.next_u32() as usize) % (out.len() + 1);
                out.insert(at, serde_json::json!({ "...": decoy_digest() }));
            }
        }
        Ok(Value::Array(out))
    }
}
