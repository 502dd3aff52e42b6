//! The multicodec key codes Xinlian reads and writes, with their unsigned
//! varint prefixes.

use std::fmt;

use super::KeyType;
use crate::error::{Error, Result};

/// A multicodec code for key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Codec(pub u64);

impl Codec {
    /// `ed25519-pub`
    pub const ED25519_PUB: Codec = Codec(0xed);
    /// `x25519-pub`
    pub const X25519_PUB: Codec = Codec(0xec);
    /// `secp256k1-pub`
    pub const SECP256K1_PUB: Codec = Codec(0xe7);
    /// `p256-pub`
    pub const P256_PUB: Codec = Codec(0x1200);
    /// `p384-pub`
    pub const P384_PUB: Codec = Codec(0x1201);
    /// `ed25519-priv`
    pub const ED25519_PRIV: Codec = Codec(0x1300);
    /// `secp256k1-priv`
    pub const SECP256K1_PRIV: Codec = Codec(0x1301);
    /// `p256-priv`
    pub const P256_PRIV: Codec = Codec(0x1306);
    /// `p384-priv`
    pub const P384_PRIV: Codec = Codec(0x1307);

    /// The public-key codec for a key type.
    pub fn public(key_type: KeyType) -> Codec {
        match key_type {
            KeyType::Ed25519 => Codec::ED25519_PUB,
            KeyType::X25519 => Codec::X25519_PUB,
            KeyType::P256 => Codec::P256_PUB,
            KeyType::P384 => Codec::P384_PUB,
            KeyType::Secp256k1 => Codec::SECP256K1_PUB,
        }
    }

    /// The secret-key codec for a key type (X25519 secrets are not handled).
    pub(crate) fn secret(key_type: KeyType) -> Codec {
        match key_type {
            KeyType::Ed25519 => Codec::ED25519_PRIV,
            KeyType::P256 => Codec::P256_PRIV,
            KeyType::P384 => Codec::P384_PRIV,
            KeyType::Secp256k1 | KeyType::X25519 => Codec::SECP256K1_PRIV,
        }
    }

    /// The key type if this is a supported public-key codec.
    pub fn public_key_type(self) -> Option<KeyType> {
        KeyType::ALL.into_iter().find(|t| Codec::public(*t) == self)
    }

    /// The key type if this is a supported secret-key codec.
    pub fn secret_key_type(self) -> Option<KeyType> {
        [KeyType::Ed25519, KeyType::P256, KeyType::P384, KeyType::Secp256k1]
            .into_iter()
            .find(|t| Codec::secret(*t) == self)
    }

    /// The multicodec table name of a key codec, for the codecs Xinlian
    /// supports and the other registered key codecs it recognizes (so that a
    /// BLS or RSA key is reported as unsupported, not as garbage).
    pub fn key_name(self) -> Option<&'static str> {
        KEY_CODECS
            .iter()
            .find(|(code, _, _)| *code == self.0)
            .map(|(_, name, _)| *name)
    }

    /// Whether this is a registered public-key codec (supported or not).
    pub fn is_public_key(self) -> bool {
        KEY_CODECS.iter().any(|(code, _, public)| *code == self.0 && *public)
    }

    /// Whether this is a registered secret-key codec (supported or not).
    pub fn is_secret_key(self) -> bool {
        KEY_CODECS.iter().any(|(code, _, public)| *code == self.0 && !*public)
    }

    /// `varint(code) || bytes`.
    pub fn prefix(self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len() + 3);
        let mut v = self.0;
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(low);
                break;
            }
            out.push(low | 0x80);
        }
        out.extend_from_slice(bytes);
        out
    }

    /// Splits a leading unsigned varint code off `bytes`.
    pub fn split(bytes: &[u8]) -> Result<(Codec, &[u8])> {
        let mut code = 0u64;
        for (i, &b) in bytes.iter().enumerate().take(9) {
            code |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if i > 0 && b == 0 {
                    return Err(Error::invalid_key("multicodec varint is not minimally encoded"));
                }
                return Ok((Codec(code), &bytes[i + 1..]));
            }
        }
        Err(Error::invalid_key("truncated or overlong multicodec varint"))
    }
}

/// Registered key codecs: (code, name, is a public key).
const KEY_CODECS: [(u64, &str, bool); 24] = [
    (0xe7, "secp256k1-pub", true),
    (0xea, "bls12_381-g1-pub", true),
    (0xeb, "bls12_381-g2-pub", true),
    (0xec, "x25519-pub", true),
    (0xed, "ed25519-pub", true),
    (0xee, "bls12_381-g1g2-pub", true),
    (0xef, "sr25519-pub", true),
    (0x1200, "p256-pub", true),
    (0x1201, "p384-pub", true),
    (0x1202, "p521-pub", true),
    (0x1203, "ed448-pub", true),
    (0x1204, "x448-pub", true),
    (0x1205, "rsa-pub", true),
    (0x1206, "sm2-pub", true),
    (0xeb51, "jwk_jcs-pub", true),
    (0x1300, "ed25519-priv", false),
    (0x1301, "secp256k1-priv", false),
    (0x1302, "x25519-priv", false),
    (0x1305, "rsa-priv", false),
    (0x1306, "p256-priv", false),
    (0x1307, "p384-priv", false),
    (0x1308, "p521-priv", false),
    (0x1309, "bls12_381-g1-priv", false),
    (0x130a, "bls12_381-g2-priv", false),
];

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key_name() {
            Some(name) => write!(f, "0x{:x} ({name})", self.0),
            None => write!(f, "0x{:x}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_prefixes() {
        assert_eq!(Codec::ED25519_PUB.prefix(&[]), [0xed, 0x01]);
        assert_eq!(Codec::P256_PUB.prefix(&[]), [0x80, 0x24]);
        assert_eq!(Codec::P384_PUB.prefix(&[]), [0x81, 0x24]);
        assert_eq!(Codec::ED25519_PRIV.prefix(&[]), [0x80, 0x26]);
        assert_eq!(Codec::split(&[0x80, 0x24, 7]).unwrap(), (Codec::P256_PUB, &[7u8][..]));
        assert!(Codec::split(&[0x80]).is_err());
        assert!(Codec::split(&[0x80, 0x00]).is_err());
        assert!(Codec::split(&[]).is_err());
    }

    #[test]
    fn key_codec_table_agrees_with_supported_codecs() {
        for t in KeyType::ALL {
            let public = Codec::public(t);
            assert!(public.is_public_key() && !public.is_secret_key(), "{public}");
            assert_eq!(public.public_key_type(), Some(t));
            if t.can_sign() {
                let secret = Codec::secret(t);
                assert!(secret.is_secret_key() && !secret.is_public_key(), "{secret}");
                assert_eq!(secret.secret_key_type(), Some(t));
            }
        }
        assert_eq!(Codec(0xeb).to_string(), "0xeb (bls12_381-g2-pub)");
        assert_eq!(Codec(0x02).to_string(), "0x2");
        assert!(!Codec(0x02).is_public_key() && !Codec(0x02).is_secret_key());
    }
}
