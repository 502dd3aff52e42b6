//! The cryptosuites Xinlian signs and verifies with: eddsa-jcs-2022 (W3C
//! vc-di-eddsa) and ecdsa-jcs-2019 (W3C vc-di-ecdsa, P-256 with SHA-256 and
//! P-384 with SHA-384). Both canonicalize with JCS and sign
//! `hash(JCS(proof config)) || hash(JCS(document))`.

use std::fmt;

use xinlian_did_core::KeyType;

use super::jcs::HashAlgorithm;

/// A Data Integrity cryptosuite.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cryptosuite {
    /// `eddsa-jcs-2022`: Ed25519 over JCS, SHA-256.
    EddsaJcs2022,
    /// `ecdsa-jcs-2019`: ECDSA over JCS; P-256 with SHA-256, P-384 with
    /// SHA-384.
    EcdsaJcs2019,
    /// `eddsa-rdfc-2022`: Ed25519 over RDFC-1.0 canonical N-Quads, SHA-256
    /// (feature `jsonld`).
    #[cfg(feature = "jsonld")]
    EddsaRdfc2022,
    /// `ecdsa-rdfc-2019`: ECDSA over RDFC-1.0; P-256 with SHA-256, P-384
    /// with SHA-384 (feature `jsonld`).
    #[cfg(feature = "jsonld")]
    EcdsaRdfc2019,
}

impl Cryptosuite {
    /// Every suite, in a stable order.
    pub const ALL: &'static [Cryptosuite] = &[
        Cryptosuite::EddsaJcs2022,
        Cryptosuite::EcdsaJcs2019,
        #[cfg(feature = "jsonld")]
        Cryptosuite::EddsaRdfc2022,
        #[cfg(feature = "jsonld")]
        Cryptosuite::EcdsaRdfc2019,
    ];

    /// The `cryptosuite` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
            Cryptosuite::EcdsaJcs2019 => "ecdsa-jcs-2019",
            #[cfg(feature = "jsonld")]
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            #[cfg(feature = "jsonld")]
            Cryptosuite::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
        }
    }

    /// Parses a `cryptosuite` value; `None` for suites Xinlian does not
    /// implement.
    pub fn from_name(name: &str) -> Option<Cryptosuite> {
        Self::ALL.iter().copied().find(|s| s.as_str() == name)
    }

    /// Whether the suite canonicalizes with RDFC-1.0 (JSON-LD) rather than JCS.
    pub fn is_rdfc(self) -> bool {
        self.as_str().contains("-rdfc-")
    }

    /// The suite Xinlian uses by default for a key type.
    pub fn for_key_type(key_type: KeyType) -> Option<Cryptosuite> {
        match key_type {
            KeyType::Ed25519 => Some(Cryptosuite::EddsaJcs2022),
            KeyType::P256 | KeyType::P384 => Some(Cryptosuite::EcdsaJcs2019),
            _ => None,
        }
    }

    /// Whether the suite signs with keys of this type.
    pub fn supports(self, key_type: KeyType) -> bool {
        self.hash_for(key_type).is_some()
    }

    /// The hash the suite applies to the canonical proof configuration and
    /// document for a key type; `None` if the suite does not take the key.
    pub(crate) fn hash_for(self, key_type: KeyType) -> Option<HashAlgorithm> {
        match (self, key_type) {
            (Cryptosuite::EddsaJcs2022, KeyType::Ed25519) => Some(HashAlgorithm::Sha256),
            (Cryptosuite::EcdsaJcs2019, KeyType::P256) => Some(HashAlgorithm::Sha256),
            (Cryptosuite::EcdsaJcs2019, KeyType::P384) => Some(HashAlgorithm::Sha384),
            #[cfg(feature = "jsonld")]
            (Cryptosuite::EddsaRdfc2022, KeyType::Ed25519) => Some(HashAlgorithm::Sha256),
            #[cfg(feature = "jsonld")]
            (Cryptosuite::EcdsaRdfc2019, KeyType::P256) => Some(HashAlgorithm::Sha256),
            #[cfg(feature = "jsonld")]
            (Cryptosuite::EcdsaRdfc2019, KeyType::P384) => Some(HashAlgorithm::Sha384),
            _ => None,
        }
    }

    /// The key types the suite accepts, for messages.
    pub(crate) fn key_types(self) -> &'static str {
        match self {
            Cryptosuite::EddsaJcs2022 => "Ed25519",
            Cryptosuite::EcdsaJcs2019 => "P-256 or P-384",
            #[cfg(feature = "jsonld")]
            Cryptosuite::EddsaRdfc2022 => "Ed25519",
            #[cfg(feature = "jsonld")]
            Cryptosuite::EcdsaRdfc2019 => "P-256 or P-384",
        }
    }
}

impl fmt::Display for Cryptosuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_take_only_their_keys() {
        assert!(Cryptosuite::EddsaJcs2022.supports(KeyType::Ed25519));
        assert!(!Cryptosuite::EddsaJcs2022.supports(KeyType::P256));
        assert!(Cryptosuite::EcdsaJcs2019.supports(KeyType::P384));
        assert!(!Cryptosuite::EcdsaJcs2019.supports(KeyType::Secp256k1));
        assert_eq!(
            Cryptosuite::from_name("ecdsa-jcs-2019"),
            Some(Cryptosuite::EcdsaJcs2019)
        );
        #[cfg(feature = "jsonld")]
        assert_eq!(
            Cryptosuite::from_name("eddsa-rdfc-2022"),
            Some(Cryptosuite::EddsaRdfc2022)
        );
        #[cfg(not(feature = "jsonld"))]
        assert_eq!(Cryptosuite::from_name("eddsa-rdfc-2022"), None);
        assert_eq!(Cryptosuite::from_name("ecdsa-sd-2023"), None);
    }
}
