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

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:x}", self.0)
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
}
