//! The two fixed-size values of the ERC-1056 model: 20-byte account
//! addresses and 32-byte names (delegate types, attribute names).

use std::fmt;
use std::str::FromStr;

use k256::elliptic_curve::sec1::ToEncodedPoint;
use sha3::{Digest, Keccak256};

use super::LedgerError;

/// keccak256, as the EVM computes it.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// An Ethereum account address (20 bytes).
///
/// Parsed from `0x`-prefixed hex: all-lowercase and all-uppercase are
/// accepted as is; mixed case must be a valid EIP-55 checksum (as ethers'
/// `getAddress` requires). Displayed with the EIP-55 checksum.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Address([u8; 20]);

impl Address {
    /// The null address `0x0000…0000`; an owner set to it deactivates a DID.
    pub const ZERO: Address = Address([0; 20]);

    /// An address from its 20 bytes.
    pub const fn new(bytes: [u8; 20]) -> Address {
        Address(bytes)
    }

    /// The address from a byte slice, which must be 20 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Option<Address> {
        <[u8; 20]>::try_from(bytes).ok().map(Address)
    }

    /// The 20 bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Whether this is the null address.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 20]
    }

    /// The account address of a secp256k1 public key: the last 20 bytes of
    /// keccak256 of the uncompressed point without its `0x04` prefix.
    pub fn from_public_key(key: &k256::PublicKey) -> Address {
        let point = key.to_encoded_point(false);
        let hash = keccak256(&point.as_bytes()[1..]);
        let mut out = [0u8; 20];
        out.copy_from_slice(&hash[12..]);
        Address(out)
    }

    /// The address of the key that signs with `key`.
    pub fn from_signing_key(key: &k256::ecdsa::SigningKey) -> Address {
        Address::from_public_key(&k256::PublicKey::from(key.verifying_key()))
    }

    /// `0x` and 40 lowercase hex digits.
    pub fn to_lower_hex(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }

    /// `0x` and the EIP-55 mixed-case checksum encoding.
    pub fn to_checksum(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0x0f;
            if nibble >= 8 {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    }
}

impl FromStr for Address {
    type Err = LedgerError;

    fn from_str(s: &str) -> Result<Address, LedgerError> {
        let invalid = |reason: &str| LedgerError::InvalidInput {
            what: format!("address {s:?}"),
            reason: reason.to_owned(),
        };
        let digits = s.strip_prefix("0x").ok_or_else(|| invalid("expected a 0x prefix"))?;
        if digits.len() != 40 {
            return Err(invalid("expected 40 hex digits after 0x"));
        }
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| invalid("not hex"))?;
        let address = Address(bytes);
        let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && address.to_checksum()[2..] != *digits {
            return Err(invalid("mixed-case address with a wrong EIP-55 checksum"));
        }
        Ok(address)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_checksum())
    }
}

/// A 32-byte value (Solidity `bytes32`): a delegate type such as `veriKey`
/// or an attribute name such as `did/pub/Ed25519/veriKey/base58`.
///
/// Text is stored left-aligned and zero-padded, as `ethers`'
/// `encodeBytes32String` does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes32([u8; 32]);

impl Bytes32 {
    /// A value from its 32 bytes.
    pub const fn new(bytes: [u8; 32]) -> Bytes32 {
        Bytes32(bytes)
    }

    /// Text, left-aligned and zero-padded. Fails if it is longer than 32
    /// bytes (the contract cannot store it).
    pub fn from_text(text: &str) -> Result<Bytes32, LedgerError> {
        let bytes = text.as_bytes();
        if bytes.len() > 32 {
            return Err(LedgerError::InvalidInput {
                what: format!("bytes32 text {text:?}"),
                reason: format!("{} bytes long, at most 32 fit", bytes.len()),
            });
        }
        let mut out = [0u8; 32];
        out[..bytes.len()].copy_from_slice(bytes);
        Ok(Bytes32(out))
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The value as text the way the reference resolver reads it: UTF-8
    /// with trailing NUL bytes removed; `None` if it is not UTF-8.
    pub fn to_text(&self) -> Option<&str> {
        let end = self.0.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        std::str::from_utf8(&self.0[..end]).ok()
    }
}

impl fmt::Debug for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_text() {
            Some(text) => write!(f, "Bytes32({text:?})"),
            None => write!(f, "Bytes32(0x{})", hex::encode(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eip55_checksums_match_the_eip_examples() {
        for s in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let a: Address = s.parse().unwrap();
            assert_eq!(a.to_checksum(), s);
            assert_eq!(s.to_lowercase().parse::<Address>().unwrap(), a);
        }
    }

    #[test]
    fn mixed_case_with_a_bad_checksum_is_refused() {
        let err = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
            .parse::<Address>()
            .unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
        assert!("0x5aaeb6".parse::<Address>().is_err());
        assert!("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".parse::<Address>().is_err());
    }

    #[test]
    fn address_of_private_key_one() {
        let key = k256::ecdsa::SigningKey::from_slice(&{
            let mut k = [0u8; 32];
            k[31] = 1;
            k
        })
        .unwrap();
        assert_eq!(
            Address::from_signing_key(&key).to_checksum(),
            "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
        );
    }

    #[test]
    fn keccak_of_empty_input() {
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn bytes32_text_round_trip() {
        let b = Bytes32::from_text("veriKey").unwrap();
        assert_eq!(&b.as_bytes()[..7], b"veriKey");
        assert_eq!(b.to_text(), Some("veriKey"));
        assert!(Bytes32::from_text(&"x".repeat(33)).is_err());
        assert_eq!(Bytes32::new([0xff; 32]).to_text(), None);
    }
}
