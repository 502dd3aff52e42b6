//! ecdsa-rdfc-2019 (W3C vc-di-ecdsa): ECDSA over RDFC-1.0 canonical N-Quads,
//! P-256 with SHA-256 and P-384 with SHA-384 (feature `jsonld`).
//!
//! The transformation, hashing and proof handling are those of
//! [`eddsa_rdfc`](super::eddsa_rdfc) with the hash picked by the curve.
//! Signatures are raw `r || s` (64 bytes for P-256, 96 for P-384), made
//! deterministically (RFC 6979) by [`SecretKey::sign`](xinlian_did_core::SecretKey::sign);
//! high-S signatures are accepted when verifying, as the W3C vectors need
//! (their P-256 rdfc signature is high-S).

use xinlian_did_core::KeyType;

use super::jcs::HashAlgorithm;

/// The `cryptosuite` name of ecdsa-rdfc-2019.
pub const ECDSA_RDFC_2019: &str = "ecdsa-rdfc-2019";

/// The hash ecdsa-rdfc-2019 applies to the canonical forms for a key of
/// `key_type`: SHA-256 for P-256, SHA-384 for P-384, none for other keys.
pub(crate) fn hash_for(key_type: KeyType) -> Option<HashAlgorithm> {
    match key_type {
        KeyType::P256 => Some(HashAlgorithm::Sha256),
        KeyType::P384 => Some(HashAlgorithm::Sha384),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_picks_the_hash() {
        assert_eq!(hash_for(KeyType::P256), Some(HashAlgorithm::Sha256));
        assert_eq!(hash_for(KeyType::P384), Some(HashAlgorithm::Sha384));
        assert_eq!(hash_for(KeyType::Ed25519), None);
        assert_eq!(hash_for(KeyType::Secp256k1), None);
    }
}
