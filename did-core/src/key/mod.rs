//! Keys: Ed25519, P-256, P-384 and secp256k1 for signing, X25519 for key
//! agreement. Public keys encode to raw bytes, Multikey and JWK; secret keys
//! zeroize on drop and never print.

mod jwk;
mod multicodec;

use std::fmt;

use ed25519_dalek::{Signer as _, Verifier as _};
use rand_core::OsRng;
use zeroize::Zeroizing;

pub use jwk::Jwk;
pub use multicodec::Codec;

use crate::error::{Error, Result};

/// The key algorithms Xinlian knows.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Ed25519 (EdDSA over Curve25519).
    Ed25519,
    /// X25519 (Diffie-Hellman over Curve25519), key agreement only.
    X25519,
    /// NIST P-256 (secp256r1), ECDSA with SHA-256.
    P256,
    /// NIST P-384 (secp384r1), ECDSA with SHA-384.
    P384,
    /// secp256k1, ECDSA with SHA-256.
    Secp256k1,
}

impl KeyType {
    /// Every key type, in a stable order.
    pub const ALL: [KeyType; 5] = [
        KeyType::Ed25519,
        KeyType::X25519,
        KeyType::P256,
        KeyType::P384,
        KeyType::Secp256k1,
    ];

    /// Whether keys of this type can sign.
    pub fn can_sign(self) -> bool {
        !matches!(self, KeyType::X25519)
    }

    /// The JWK `crv` value.
    pub fn jwk_crv(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "Ed25519",
            KeyType::X25519 => "X25519",
            KeyType::P256 => "P-256",
            KeyType::P384 => "P-384",
            KeyType::Secp256k1 => "secp256k1",
        }
    }

    /// The JOSE `alg` for signatures with this key type, if it signs.
    pub fn jws_alg(self) -> Option<&'static str> {
        match self {
            KeyType::Ed25519 => Some("EdDSA"),
            KeyType::P256 => Some("ES256"),
            KeyType::P384 => Some("ES384"),
            KeyType::Secp256k1 => Some("ES256K"),
            KeyType::X25519 => None,
        }
    }

    /// Length in bytes of a signature made with this key type.
    pub fn signature_len(self) -> usize {
        match self {
            KeyType::P384 => 96,
            KeyType::X25519 => 0,
            _ => 64,
        }
    }

    fn from_crv(crv: &str) -> Result<KeyType> {
        KeyType::ALL
            .into_iter()
            .find(|t| t.jwk_crv() == crv)
            .ok_or_else(|| Error::UnsupportedKeyType {
                key_type: format!("JWK crv {crv:?}"),
            })
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jwk_crv())
    }
}

/// A public key.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// Ed25519 verifying key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// X25519 public key (Montgomery u-coordinate).
    X25519([u8; 32]),
    /// P-256 public key.
    P256(p256::PublicKey),
    /// P-384 public key.
    P384(p384::PublicKey),
    /// secp256k1 public key.
    Secp256k1(k256::PublicKey),
}

impl PublicKey {
    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKey::Ed25519(_) => KeyType::Ed25519,
            PublicKey::X25519(_) => KeyType::X25519,
            PublicKey::P256(_) => KeyType::P256,
            PublicKey::P384(_) => KeyType::P384,
            PublicKey::Secp256k1(_) => KeyType::Secp256k1,
        }
    }

    /// Reads raw key bytes: 32 bytes for Ed25519 and X25519, a SEC1 point
    /// (compressed or uncompressed) for the ECDSA curves.
    pub fn from_bytes(key_type: KeyType, bytes: &[u8]) -> Result<PublicKey> {
        fn sec1<T>(r: std::result::Result<T, impl fmt::Display>, t: KeyType) -> Result<T> {
            r.map_err(|e| Error::invalid_key(format!("not a {t} SEC1 point: {e}")))
        }
        Ok(match key_type {
            KeyType::Ed25519 => {
                let raw: [u8; 32] = bytes.try_into().map_err(|_| {
                    Error::invalid_key(format!("Ed25519 public key must be 32 bytes, got {}", bytes.len()))
                })?;
                PublicKey::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(&raw)
                        .map_err(|_| Error::invalid_key("Ed25519 public key is not a curve point"))?,
                )
            }
            KeyType::X25519 => {
                PublicKey::X25519(bytes.try_into().map_err(|_| {
                    Error::invalid_key(format!("X25519 public key must be 32 bytes, got {}", bytes.len()))
                })?)
            }
            KeyType::P256 => PublicKey::P256(sec1(p256::PublicKey::from_sec1_bytes(bytes), key_type)?),
            KeyType::P384 => PublicKey::P384(sec1(p384::PublicKey::from_sec1_bytes(bytes), key_type)?),
            KeyType::Secp256k1 => PublicKey::Secp256k1(sec1(k256::PublicKey::from_sec1_bytes(bytes), key_type)?),
        })
    }

    /// Raw key bytes: 32 bytes for Ed25519/X25519, the compressed SEC1
    /// point for the ECDSA curves (the form Multikey uses).
    pub fn to_bytes(&self) -> Vec<u8> {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        match self {
            PublicKey::Ed25519(k) => k.to_bytes().to_vec(),
            PublicKey::X25519(k) => k.to_vec(),
            PublicKey::P256(k) => k.to_encoded_point(true).as_bytes().to_vec(),
            PublicKey::P384(k) => k.to_encoded_point(true).as_bytes().to_vec(),
            PublicKey::Secp256k1(k) => k.to_encoded_point(true).as_bytes().to_vec(),
        }
    }

    /// The uncompressed SEC1 point (`0x04 || x || y`) for ECDSA curves;
    /// `None` for Ed25519 and X25519.
    pub fn to_uncompressed_bytes(&self) -> Option<Vec<u8>> {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        Some(match self {
            PublicKey::P256(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            PublicKey::P384(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            PublicKey::Secp256k1(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            PublicKey::Ed25519(_) | PublicKey::X25519(_) => return None,
        })
    }

    /// The multicodec-prefixed key bytes (no multibase).
    pub fn to_multicodec(&self) -> Vec<u8> {
        Codec::public(self.key_type()).prefix(&self.to_bytes())
    }

    /// Reads multicodec-prefixed key bytes.
    pub fn from_multicodec(bytes: &[u8]) -> Result<PublicKey> {
        let (codec, key) = Codec::split(bytes)?;
        match codec.public_key_type() {
            Some(t) => PublicKey::from_bytes(t, key),
            None if codec.is_public_key() => Err(Error::UnsupportedKeyType {
                key_type: format!("multicodec {codec}"),
            }),
            None if codec.is_secret_key() => Err(Error::invalid_key(format!(
                "multicodec {codec} is a secret key, expected a public key"
            ))),
            None => Err(Error::invalid_key(format!(
                "multicodec {codec} is not a public-key codec"
            ))),
        }
    }

    /// The Multikey `publicKeyMultibase` form: base58btc (`z…`) of the
    /// multicodec-prefixed key.
    pub fn to_multikey(&self) -> String {
        multibase::encode(multibase::Base::Base58Btc, self.to_multicodec())
    }

    /// Reads a Multikey `publicKeyMultibase` value. Multikey requires
    /// base58btc, so other multibase prefixes are refused.
    pub fn from_multikey(s: &str) -> Result<PublicKey> {
        PublicKey::from_multicodec(&decode_base58btc_multibase(s)?)
    }

    /// The key as a public JWK (`OKP` for Ed25519/X25519, `EC` otherwise).
    pub fn to_jwk(&self) -> Jwk {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let t = self.key_type();
        match self {
            PublicKey::Ed25519(_) | PublicKey::X25519(_) => Jwk::okp(t.jwk_crv(), b64(&self.to_bytes())),
            _ => {
                // 0x04 || x || y, with x and y of equal length.
                let point = self.to_uncompressed_bytes().unwrap_or_default();
                let coordinates = point.get(1..).unwrap_or_default();
                let (x, y) = coordinates.split_at(coordinates.len() / 2);
                Jwk::ec(t.jwk_crv(), b64(x), b64(y))
            }
        }
    }

    /// Reads a public JWK. Private members (`d`) are ignored here; use
    /// [`SecretKey::from_jwk`] for private JWKs.
    pub fn from_jwk(jwk: &Jwk) -> Result<PublicKey> {
        if !matches!(jwk.kty.as_str(), "OKP" | "EC") {
            return Err(Error::UnsupportedKeyType {
                key_type: format!("JWK kty {:?}", jwk.kty),
            });
        }
        let crv = jwk
            .crv
            .as_deref()
            .ok_or_else(|| Error::invalid_key("JWK has no \"crv\""))?;
        let key_type = KeyType::from_crv(crv)?;
        let x = jwk.decode_member("x")?;
        match (jwk.kty.as_str(), key_type) {
            ("OKP", KeyType::Ed25519 | KeyType::X25519) => PublicKey::from_bytes(key_type, &x),
            ("EC", KeyType::P256 | KeyType::P384 | KeyType::Secp256k1) => {
                let y = jwk.decode_member("y")?;
                let n = match key_type {
                    KeyType::P384 => 48,
                    _ => 32,
                };
                if x.len() != n || y.len() != n {
                    return Err(Error::invalid_key(format!(
                        "{crv} JWK coordinates must be {n} bytes, got x={} y={}",
                        x.len(),
                        y.len()
                    )));
                }
                let mut point = Vec::with_capacity(1 + 2 * n);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                PublicKey::from_bytes(key_type, &point)
            }
            (kty, _) => Err(Error::invalid_key(format!(
                "JWK kty {kty:?} does not match crv {crv:?}"
            ))),
        }
    }

    /// For an Ed25519 key, the X25519 key-agreement key derived from it
    /// (the birational map used by did:key).
    pub fn to_x25519(&self) -> Result<PublicKey> {
        match self {
            PublicKey::Ed25519(k) => Ok(PublicKey::X25519(k.to_montgomery().to_bytes())),
            other => Err(Error::UnsupportedKeyType {
                key_type: format!("{} key cannot be converted to X25519", other.key_type()),
            }),
        }
    }

    /// Verifies `signature` over `message`. ECDSA signatures are the raw
    /// `r || s` form (IEEE P1363, as in JOSE and Data Integrity), hashed with
    /// SHA-256 (P-256, secp256k1) or SHA-384 (P-384). High-S signatures are
    /// accepted for every curve, as the W3C ECDSA vectors require.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        match self {
            PublicKey::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| Error::InvalidSignature)?;
                k.verify(message, &sig).map_err(|_| Error::InvalidSignature)
            }
            PublicKey::P256(k) => {
                use p256::ecdsa::signature::Verifier;
                let sig = p256::ecdsa::Signature::from_slice(signature).map_err(|_| Error::InvalidSignature)?;
                p256::ecdsa::VerifyingKey::from(k)
                    .verify(message, &sig)
                    .map_err(|_| Error::InvalidSignature)
            }
            PublicKey::P384(k) => {
                use p384::ecdsa::signature::Verifier;
                let sig = p384::ecdsa::Signature::from_slice(signature).map_err(|_| Error::InvalidSignature)?;
                p384::ecdsa::VerifyingKey::from(k)
                    .verify(message, &sig)
                    .map_err(|_| Error::InvalidSignature)
            }
            PublicKey::Secp256k1(k) => {
                use k256::ecdsa::signature::Verifier;
                let sig = k256::ecdsa::Signature::from_slice(signature).map_err(|_| Error::InvalidSignature)?;
                // k256 refuses high-S; the signature is equally valid with s negated.
                let sig = sig.normalize_s().unwrap_or(sig);
                k256::ecdsa::VerifyingKey::from(k)
                    .verify(message, &sig)
                    .map_err(|_| Error::InvalidSignature)
            }
            PublicKey::X25519(_) => Err(Error::UnsupportedKeyType {
                key_type: "X25519 keys cannot verify signatures".into(),
            }),
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.key_type(), self.to_multikey())
    }
}

/// Decodes a multibase string that must use base58btc (`z` prefix).
pub(crate) fn decode_base58btc_multibase(s: &str) -> Result<Vec<u8>> {
    let rest = s
        .strip_prefix('z')
        .ok_or_else(|| Error::invalid_key("Multikey value must be multibase base58btc (start with 'z')"))?;
    multibase::Base::Base58Btc
        .decode(rest)
        .map_err(|e| Error::invalid_key(format!("invalid base58btc: {e}")))
}

/// A secret (signing) key. Zeroized on drop; `Debug` shows only the key type
/// and public key.
#[derive(Clone)]
pub struct SecretKey(SecretInner);

#[derive(Clone)]
enum SecretInner {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Secp256k1(k256::ecdsa::SigningKey),
}

impl SecretKey {
    /// Generates a key from the operating system's random number generator.
    pub fn generate(key_type: KeyType) -> Result<SecretKey> {
        Ok(SecretKey(match key_type {
            KeyType::Ed25519 => SecretInner::Ed25519(ed25519_dalek::SigningKey::generate(&mut OsRng)),
            KeyType::P256 => SecretInner::P256(p256::ecdsa::SigningKey::random(&mut OsRng)),
            KeyType::P384 => SecretInner::P384(p384::ecdsa::SigningKey::random(&mut OsRng)),
            KeyType::Secp256k1 => SecretInner::Secp256k1(k256::ecdsa::SigningKey::random(&mut OsRng)),
            KeyType::X25519 => return Err(unsupported_secret()),
        }))
    }

    /// Reads raw secret bytes: the 32-byte seed for Ed25519, the big-endian
    /// scalar (32 or 48 bytes) for ECDSA curves.
    pub fn from_bytes(key_type: KeyType, bytes: &[u8]) -> Result<SecretKey> {
        let scalar_err = |_| Error::invalid_key(format!("not a valid {key_type} secret scalar"));
        Ok(SecretKey(match key_type {
            KeyType::Ed25519 => {
                let seed: &[u8; 32] = bytes.try_into().map_err(|_| {
                    Error::invalid_key(format!("Ed25519 secret key must be 32 bytes, got {}", bytes.len()))
                })?;
                SecretInner::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed))
            }
            KeyType::P256 => SecretInner::P256(p256::ecdsa::SigningKey::from_slice(bytes).map_err(scalar_err)?),
            KeyType::P384 => SecretInner::P384(p384::ecdsa::SigningKey::from_slice(bytes).map_err(scalar_err)?),
            KeyType::Secp256k1 => {
                SecretInner::Secp256k1(k256::ecdsa::SigningKey::from_slice(bytes).map_err(scalar_err)?)
            }
            KeyType::X25519 => return Err(unsupported_secret()),
        }))
    }

    /// The raw secret bytes (seed or scalar), zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match &self.0 {
            SecretInner::Ed25519(k) => k.to_bytes().to_vec(),
            SecretInner::P256(k) => k.to_bytes().to_vec(),
            SecretInner::P384(k) => k.to_bytes().to_vec(),
            SecretInner::Secp256k1(k) => k.to_bytes().to_vec(),
        })
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        match &self.0 {
            SecretInner::Ed25519(_) => KeyType::Ed25519,
            SecretInner::P256(_) => KeyType::P256,
            SecretInner::P384(_) => KeyType::P384,
            SecretInner::Secp256k1(_) => KeyType::Secp256k1,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match &self.0 {
            SecretInner::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SecretInner::P256(k) => PublicKey::P256((*k.verifying_key()).into()),
            SecretInner::P384(k) => PublicKey::P384((*k.verifying_key()).into()),
            SecretInner::Secp256k1(k) => PublicKey::Secp256k1((*k.verifying_key()).into()),
        }
    }

    /// Signs `message`. Ed25519 is deterministic by construction; ECDSA is
    /// deterministic per RFC 6979 and returns `r || s` (SHA-256 for P-256 and
    /// secp256k1, SHA-384 for P-384).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.0 {
            SecretInner::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            SecretInner::P256(k) => {
                let sig: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(k, message);
                sig.to_bytes().to_vec()
            }
            SecretInner::P384(k) => {
                let sig: p384::ecdsa::Signature = p384::ecdsa::signature::Signer::sign(k, message);
                sig.to_bytes().to_vec()
            }
            SecretInner::Secp256k1(k) => {
                let sig: k256::ecdsa::Signature = k256::ecdsa::signature::Signer::sign(k, message);
                sig.to_bytes().to_vec()
            }
        }
    }

    /// The Multikey `secretKeyMultibase` form (base58btc, multicodec
    /// private-key prefix), zeroized when dropped.
    pub fn to_multikey(&self) -> Zeroizing<String> {
        let bytes = Zeroizing::new(Codec::secret(self.key_type()).prefix(&self.to_bytes()));
        Zeroizing::new(multibase::encode(multibase::Base::Base58Btc, bytes.as_slice()))
    }

    /// Reads a Multikey `secretKeyMultibase` value.
    pub fn from_multikey(s: &str) -> Result<SecretKey> {
        let bytes = Zeroizing::new(decode_base58btc_multibase(s)?);
        let (codec, key) = Codec::split(&bytes)?;
        match codec.secret_key_type() {
            Some(t) => SecretKey::from_bytes(t, key),
            None if codec.is_secret_key() => Err(Error::UnsupportedKeyType {
                key_type: format!("multicodec {codec} for a secret key"),
            }),
            None => Err(Error::invalid_key(format!(
                "multicodec {codec} is not a secret-key codec"
            ))),
        }
    }

    /// The key as a private JWK (public members plus `d`).
    pub fn to_jwk(&self) -> Jwk {
        use base64::Engine as _;
        let mut jwk = self.public_key().to_jwk();
        jwk.set_private(Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.to_bytes().as_slice()),
        ));
        jwk
    }

    /// Reads a private JWK; the public members must match `d`.
    pub fn from_jwk(jwk: &Jwk) -> Result<SecretKey> {
        let public = PublicKey::from_jwk(jwk)?;
        let d = Zeroizing::new(jwk.decode_member("d")?);
        let secret = SecretKey::from_bytes(public.key_type(), &d)?;
        if secret.public_key() != public {
            return Err(Error::invalid_key("JWK \"d\" does not match its public key"));
        }
        Ok(secret)
    }
}

fn unsupported_secret() -> Error {
    Error::UnsupportedKeyType {
        key_type: "X25519 secret keys (key agreement only, not signing)".into(),
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKey({}, public {}, secret redacted)",
            self.key_type(),
            self.public_key().to_multikey()
        )
    }
}

#[cfg(test)]
mod tests;
