//! Verification methods and the key types they are written in.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::did::{Did, DidUrl};
use crate::error::{Error, Result};
use crate::key::{Jwk, KeyType, PublicKey};

/// Verification method types Xinlian reads. `Multikey` and `JsonWebKey` are
/// what it writes; the others are read for compatibility with documents
/// already published.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerificationMethodType {
    /// `Multikey` (Controlled Identifiers 1.0).
    Multikey,
    /// `JsonWebKey` (Controlled Identifiers 1.0).
    JsonWebKey,
    /// `JsonWebKey2020`.
    JsonWebKey2020,
    /// `Ed25519VerificationKey2018` (`publicKeyBase58`).
    Ed25519VerificationKey2018,
    /// `Ed25519VerificationKey2020` (`publicKeyMultibase`).
    Ed25519VerificationKey2020,
    /// `X25519KeyAgreementKey2019` (`publicKeyBase58`).
    X25519KeyAgreementKey2019,
    /// `X25519KeyAgreementKey2020` (`publicKeyMultibase`).
    X25519KeyAgreementKey2020,
    /// `EcdsaSecp256k1VerificationKey2019`.
    EcdsaSecp256k1VerificationKey2019,
    /// `EcdsaSecp256k1RecoveryMethod2020` (usually a `blockchainAccountId`).
    EcdsaSecp256k1RecoveryMethod2020,
    /// `P256Key2021` (`publicKeyBase58` of the compressed point), as in the
    /// did:key test vectors.
    P256Key2021,
}

impl VerificationMethodType {
    const ALL: [VerificationMethodType; 10] = [
        VerificationMethodType::Multikey,
        VerificationMethodType::JsonWebKey,
        VerificationMethodType::JsonWebKey2020,
        VerificationMethodType::Ed25519VerificationKey2018,
        VerificationMethodType::Ed25519VerificationKey2020,
        VerificationMethodType::X25519KeyAgreementKey2019,
        VerificationMethodType::X25519KeyAgreementKey2020,
        VerificationMethodType::EcdsaSecp256k1VerificationKey2019,
        VerificationMethodType::EcdsaSecp256k1RecoveryMethod2020,
        VerificationMethodType::P256Key2021,
    ];

    /// The `type` string.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationMethodType::Multikey => "Multikey",
            VerificationMethodType::JsonWebKey => "JsonWebKey",
            VerificationMethodType::JsonWebKey2020 => "JsonWebKey2020",
            VerificationMethodType::Ed25519VerificationKey2018 => "Ed25519VerificationKey2018",
            VerificationMethodType::Ed25519VerificationKey2020 => "Ed25519VerificationKey2020",
            VerificationMethodType::X25519KeyAgreementKey2019 => "X25519KeyAgreementKey2019",
            VerificationMethodType::X25519KeyAgreementKey2020 => "X25519KeyAgreementKey2020",
            VerificationMethodType::EcdsaSecp256k1VerificationKey2019 => "EcdsaSecp256k1VerificationKey2019",
            VerificationMethodType::EcdsaSecp256k1RecoveryMethod2020 => "EcdsaSecp256k1RecoveryMethod2020",
            VerificationMethodType::P256Key2021 => "P256Key2021",
        }
    }

    /// Parses a `type` string; `None` for types Xinlian does not know.
    pub fn from_name(name: &str) -> Option<VerificationMethodType> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The key type this method type is restricted to, if any.
    pub fn required_key_type(self) -> Option<KeyType> {
        match self {
            VerificationMethodType::Ed25519VerificationKey2018 | VerificationMethodType::Ed25519VerificationKey2020 => {
                Some(KeyType::Ed25519)
            }
            VerificationMethodType::X25519KeyAgreementKey2019 | VerificationMethodType::X25519KeyAgreementKey2020 => {
                Some(KeyType::X25519)
            }
            VerificationMethodType::EcdsaSecp256k1VerificationKey2019
            | VerificationMethodType::EcdsaSecp256k1RecoveryMethod2020 => Some(KeyType::Secp256k1),
            VerificationMethodType::P256Key2021 => Some(KeyType::P256),
            _ => None,
        }
    }
}

/// A verification method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMethod {
    /// The method's id: a DID URL, possibly relative to the document.
    pub id: String,
    /// The method's type, e.g. `Multikey`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The DID that controls this method.
    pub controller: Did,
    /// Multibase key (Multikey, *2020 types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
    /// JWK key (JsonWebKey, JsonWebKey2020, secp256k1 2019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<Jwk>,
    /// Raw base58btc key (2018/2019 types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_base58: Option<String>,
    /// Hex key (some secp256k1 methods).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_hex: Option<String>,
    /// CAIP-10 account id (did:ethr recovery methods).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blockchain_account_id: Option<String>,
    /// Every other property, in input order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl VerificationMethod {
    fn bare(id: String, type_: &str, controller: Did) -> VerificationMethod {
        VerificationMethod {
            id,
            type_: type_.into(),
            controller,
            public_key_multibase: None,
            public_key_jwk: None,
            public_key_base58: None,
            public_key_hex: None,
            blockchain_account_id: None,
            extra: Map::new(),
        }
    }

    /// A `Multikey` method.
    pub fn multikey(id: &DidUrl, controller: &Did, key: &PublicKey) -> VerificationMethod {
        let mut vm = Self::bare(id.to_string(), "Multikey", controller.clone());
        vm.public_key_multibase = Some(key.to_multikey());
        vm
    }

    /// A `JsonWebKey` method.
    pub fn json_web_key(id: &DidUrl, controller: &Did, key: &PublicKey) -> VerificationMethod {
        let mut vm = Self::bare(id.to_string(), "JsonWebKey", controller.clone());
        vm.public_key_jwk = Some(key.to_jwk());
        vm
    }

    /// A method of any type with the key in the given JWK (e.g.
    /// `JsonWebKey2020` for did:jwk).
    pub fn with_jwk(id: &DidUrl, type_: &str, controller: &Did, jwk: Jwk) -> VerificationMethod {
        let mut vm = Self::bare(id.to_string(), type_, controller.clone());
        vm.public_key_jwk = Some(jwk);
        vm
    }

    /// A method that names a blockchain account (CAIP-10) rather than a key,
    /// such as did:ethr's `EcdsaSecp256k1RecoveryMethod2020` controller.
    pub fn blockchain_account(id: &DidUrl, type_: &str, controller: &Did, account: &str) -> VerificationMethod {
        let mut vm = Self::bare(id.to_string(), type_, controller.clone());
        vm.blockchain_account_id = Some(account.into());
        vm
    }

    /// The known type, if the `type` string is one Xinlian reads.
    pub fn method_type(&self) -> Option<VerificationMethodType> {
        VerificationMethodType::from_name(&self.type_)
    }

    /// Decodes the public key from whichever verification-material property
    /// the method's type uses, and checks the key fits the type.
    pub fn public_key(&self) -> Result<PublicKey> {
        let t = self.method_type();
        let required = t.and_then(VerificationMethodType::required_key_type);
        let key = match self.decode_material(t) {
            // A type bound to one key type cannot hold a key we do not know.
            Err(Error::UnsupportedKeyType { key_type }) if required.is_some() => Err(Error::invalid_key(format!(
                "{} must hold a {} key, found {key_type}",
                self.type_,
                required.map_or("", KeyType::jwk_crv)
            ))),
            other => other,
        }?;
        if let Some(required) = required
            && key.key_type() != required
        {
            return Err(Error::invalid_key(format!(
                "{} holds a {} key, expected {required}",
                self.type_,
                key.key_type()
            )));
        }
        Ok(key)
    }

    fn decode_material(&self, t: Option<VerificationMethodType>) -> Result<PublicKey> {
        use VerificationMethodType as T;
        Ok(match t {
            Some(T::Multikey | T::Ed25519VerificationKey2020 | T::X25519KeyAgreementKey2020) => {
                PublicKey::from_multikey(self.need(self.public_key_multibase.as_deref(), "publicKeyMultibase")?)?
            }
            Some(T::JsonWebKey | T::JsonWebKey2020) => {
                PublicKey::from_jwk(self.need(self.public_key_jwk.as_ref(), "publicKeyJwk")?)?
            }
            Some(T::Ed25519VerificationKey2018 | T::X25519KeyAgreementKey2019) => {
                let kt = t.and_then(T::required_key_type).unwrap_or(KeyType::Ed25519);
                let raw = self.base58_raw()?.ok_or_else(|| self.missing("publicKeyBase58"))?;
                PublicKey::from_bytes(kt, &raw)?
            }
            Some(T::P256Key2021) if self.public_key_base58.is_some() => {
                let raw = self.base58_raw()?.ok_or_else(|| self.missing("publicKeyBase58"))?;
                PublicKey::from_bytes(KeyType::P256, &raw)?
            }
            _ => self.any_material()?,
        })
    }

    /// For types Xinlian does not know, or secp256k1 methods that may use
    /// any property: the first verification material present.
    fn any_material(&self) -> Result<PublicKey> {
        if let Some(jwk) = &self.public_key_jwk {
            return PublicKey::from_jwk(jwk);
        }
        if let Some(mb) = &self.public_key_multibase {
            return PublicKey::from_multikey(mb);
        }
        let secp = self
            .method_type()
            .is_some_and(|t| t.required_key_type() == Some(KeyType::Secp256k1));
        if secp {
            if let Some(raw) = self.base58_raw()? {
                return PublicKey::from_bytes(KeyType::Secp256k1, &raw);
            }
            if let Some(h) = &self.public_key_hex {
                let raw = decode_hex(h.strip_prefix("0x").unwrap_or(h))
                    .ok_or_else(|| Error::invalid_key("publicKeyHex is not hex"))?;
                return PublicKey::from_bytes(KeyType::Secp256k1, &raw);
            }
            if self.blockchain_account_id.is_some() {
                return Err(Error::invalid_key(
                    "this method names a blockchain account, not a key: the key must be recovered from a signature",
                ));
            }
        }
        Err(Error::UnsupportedKeyType {
            key_type: format!("verification method type {:?}", self.type_),
        })
    }

    fn base58_raw(&self) -> Result<Option<Vec<u8>>> {
        self.public_key_base58
            .as_deref()
            .map(|s| {
                multibase::Base::Base58Btc
                    .decode(s)
                    .map_err(|e| Error::invalid_key(format!("publicKeyBase58 is not base58btc: {e}")))
            })
            .transpose()
    }

    fn need<'a, T: ?Sized>(&self, value: Option<&'a T>, property: &str) -> Result<&'a T> {
        value.ok_or_else(|| self.missing(property))
    }

    fn missing(&self, property: &str) -> Error {
        Error::invalid_key(format!("{} verification method has no {property}", self.type_))
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}
