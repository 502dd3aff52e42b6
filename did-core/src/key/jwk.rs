//! JSON Web Keys (RFC 7517) for the key types Xinlian supports.

use std::fmt;

use base64::Engine as _;
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A JSON Web Key. Members other than `kty`, `crv`, `x`, `y` and `d` are
/// kept in [`Jwk::extra`] so a JWK survives a round trip. `Debug` never
/// prints the private member `d`, and it is zeroized on drop.
///
/// A JWK read from JSON remembers the order of its members and writes them
/// back in that order, so a did:jwk DID decoded to a JWK encodes back to the
/// same DID (see [`crate::method::jwk::did_for_jwk`]). Equality ignores the
/// order.
#[derive(Clone)]
pub struct Jwk {
    /// Key type, e.g. `OKP` or `EC` (other types parse, but no key can be
    /// made from them).
    pub kty: String,
    /// Curve: `Ed25519`, `X25519`, `P-256`, `P-384`, `secp256k1`.
    pub crv: Option<String>,
    /// Public key (OKP) or x coordinate (EC), base64url without padding.
    pub x: Option<String>,
    /// y coordinate (EC), base64url without padding.
    pub y: Option<String>,
    pub(crate) d: Option<Zeroizing<String>>,
    /// Every other member (`kid`, `use`, `alg`, …), in input order.
    pub extra: Map<String, Value>,
    /// Member names in the order they were read (empty for a JWK built in
    /// code, which writes `kty`, `crv`, `x`, `y`, `d`, then `extra`).
    order: Vec<String>,
}

impl PartialEq for Jwk {
    fn eq(&self, other: &Self) -> bool {
        self.kty == other.kty
            && self.crv == other.crv
            && self.x == other.x
            && self.y == other.y
            && self.d == other.d
            && self.extra == other.extra
    }
}

impl Eq for Jwk {}

const MODELLED: [&str; 5] = ["kty", "crv", "x", "y", "d"];

impl Jwk {
    pub(crate) fn okp(crv: &str, x: String) -> Jwk {
        Jwk {
            kty: "OKP".into(),
            crv: Some(crv.into()),
            x: Some(x),
            y: None,
            d: None,
            extra: Map::new(),
            order: Vec::new(),
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
            order: Vec::new(),
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

    /// Whether the JWK was read from JSON and remembers its member order.
    pub(crate) fn has_source_order(&self) -> bool {
        !self.order.is_empty()
    }

    /// The value of a modelled member (`kty`, `crv`, `x`, `y`, `d`).
    fn modelled(&self, name: &str) -> Option<&str> {
        match name {
            "kty" => Some(self.kty.as_str()),
            "crv" => self.crv.as_deref(),
            "x" => self.x.as_deref(),
            "y" => self.y.as_deref(),
            "d" => self.d.as_deref().map(String::as_str),
            _ => None,
        }
    }

    /// Member names in the order they are written: the source order for
    /// members still present, then the rest (modelled ones first).
    fn write_order(&self) -> Vec<&str> {
        let present = |name: &str| self.modelled(name).is_some() || self.extra.contains_key(name);
        let mut names: Vec<&str> = self.order.iter().map(String::as_str).filter(|n| present(n)).collect();
        for name in MODELLED.into_iter().chain(self.extra.keys().map(String::as_str)) {
            if present(name) && !names.contains(&name) {
                names.push(name);
            }
        }
        names
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

impl Serialize for Jwk {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let names = self.write_order();
        let mut map = serializer.serialize_map(Some(names.len()))?;
        for name in names {
            match (self.modelled(name), self.extra.get(name)) {
                (Some(v), _) => map.serialize_entry(name, v)?,
                (None, Some(v)) => map.serialize_entry(name, v)?,
                (None, None) => {}
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Jwk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut members = Map::<String, Value>::deserialize(deserializer)?;
        let order: Vec<String> = members.keys().cloned().collect();
        let mut take = |name: &str| -> std::result::Result<Option<String>, D::Error> {
            match members.remove(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(D::Error::custom(format!("JWK member {name:?} must be a string"))),
            }
        };
        let kty = take("kty")?.ok_or_else(|| D::Error::missing_field("kty"))?;
        let crv = take("crv")?;
        let x = take("x")?;
        let y = take("y")?;
        let d = take("d")?.map(Zeroizing::new);
        Ok(Jwk {
            kty,
            crv,
            x,
            y,
            d,
            extra: members,
            order,
        })
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
