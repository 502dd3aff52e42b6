//! JSON Web Keys (RFC 7517) for the key types Xinlian supports.

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A JSON Web Key. Members other than `kty`, `crv`, `x`, `y` and `d` are
/// kept in [`Jwk::extra`] so a JWK survives a round trip. `Debug` never
/// prints the private member `d`, and it is zeroized on drop.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type: `OKP` or `EC`.
    pub kty: String,
    /// Curve: `Ed25519`, `X25519`, `P-256`, `P-384`, `secp256k1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// Public key (OKP) or x coordinate (EC), base64url without padding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// y coordinate (EC), base64url without padding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) d: Option<Zeroizing<String>>,
    /// Every other member (`kid`, `use`, `alg`, …), in input order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Jwk {
    pub(crate) fn okp(crv: &str, x: String) -> Jwk {
        Jwk {
            kty: "OKP".into(),
            crv: Some(crv.into()),
            x: Some(x),
            y: None,
            d: None,
            extra: Map::new(),
        }
    }

    pub(crate) fn ec(crv: &str, x: String, y: String) -> Jwk {
        Jwk {
            kty: "EC".into(),
            crv: Some(crv.into()),
            x: Some(x),
            y: Some(y),
            d: None,
            extra: Map::new(),
        }
    }

    pub(crate) fn set_private(&mut self, d: Zeroizing<String>) {
        self.d = Some(d);
    }

    /// True if the JWK holds private key material (`d`).
    pub fn is_private(&self) -> bool {
        self.d.is_some()
    }

    /// A copy without private members.
    pub fn to_public(&self) -> Jwk {
        Jwk {
            d: None,
            ..self.clone()
        }
    }

    /// Parses a JWK from JSON text.
    pub fn from_json(json: &str) -> Result<Jwk> {
        serde_json::from_str(json).map_err(|e| Error::invalid_key(format!("not a JWK: {e}")))
    }

    /// Decodes a base64url member (`x`, `y` or `d`).
    pub(crate) fn decode_member(&self, name: &str) -> Result<Vec<u8>> {
        let value = match name {
            "x" => self.x.as_deref(),
            "y" => self.y.as_deref(),
            "d" => self.d.as_deref().map(String::as_str),
            _ => None,
        }
        .ok_or_else(|| Error::invalid_key(format!("JWK has no {name:?} member")))?;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(value)
            .map_err(|e| Error::invalid_key(format!("JWK member {name:?} is not base64url without padding: {e}")))
    }
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwk")
            .field("kty", &self.kty)
            .field("crv", &self.crv)
            .field("x", &self.x)
            .field("y", &self.y)
            .field("d", &self.d.as_ref().map(|_| "<redacted>"))
            .field("extra", &self.extra)
            .finish()
    }
}
