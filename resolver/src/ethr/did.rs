//! did:ethr identifiers.

use std::fmt;

use k256::elliptic_curve::sec1::ToEncodedPoint;
use xinlian_did_core::{Did, Error};

use crate::ledger::Address;

const PREFIX: &str = "did:ethr:";

/// A parsed did:ethr DID:
///
/// ```text
/// ethr-did        = "did:ethr:" [ network ":" ] ( ethereum-address / public-key-hex )
/// network         = a configured name (e.g. "mainnet") / "0x" chain id in hex
/// ethereum-address = "0x" 40HEXDIG   ; all lower, all upper, or EIP-55 mixed case
/// public-key-hex  = "0x" 66HEXDIG    ; a compressed secp256k1 key (02/03 prefix)
/// ```
///
/// The identity of a public-key DID is the key's address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EthrDid {
    /// The network part, if the DID has one (`None` means mainnet, or the
    /// resolver's default network).
    pub network: Option<String>,
    /// The identity address in the registry.
    pub identity: Address,
    /// The compressed public key, for the public-key form.
    pub public_key: Option<[u8; 33]>,
}

impl EthrDid {
    /// The address form `did:ethr:[network:]0x…` (address checksummed).
    pub fn from_address(network: Option<&str>, identity: Address) -> EthrDid {
        EthrDid {
            network: network.map(str::to_owned),
            identity,
            public_key: None,
        }
    }

    /// The public-key form `did:ethr:[network:]0x02…` of a secp256k1 key.
    pub fn from_public_key(network: Option<&str>, key: &k256::PublicKey) -> EthrDid {
        let mut compressed = [0u8; 33];
        compressed.copy_from_slice(key.to_encoded_point(true).as_bytes());
        EthrDid {
            network: network.map(str::to_owned),
            identity: Address::from_public_key(key),
            public_key: Some(compressed),
        }
    }

    /// Parses a did:ethr DID. Errors are `invalidDid` with the byte offset
    /// of the problem, or `methodNotSupported` for another method.
    pub fn parse(did: &Did) -> Result<EthrDid, Error> {
        if did.method() != "ethr" {
            return Err(Error::MethodNotSupported {
                method: did.method().to_owned(),
            });
        }
        let text = did.as_str();
        let msid = &text[PREFIX.len()..];
        let (network, id, id_offset) = match msid.rsplit_once(':') {
            Some((network, id)) => (Some(network), id, PREFIX.len() + network.len() + 1),
            None => (None, msid, PREFIX.len()),
        };
        let invalid = |offset: usize, expected: &'static str| Error::InvalidDid { offset, expected };
        if let Some(network) = network {
            if network.is_empty() || network.contains(':') {
                return Err(invalid(
                    PREFIX.len(),
                    "one network name or 0x chain id before the address",
                ));
            }
            if let Some(hex) = network.strip_prefix("0x")
                && (hex.is_empty() || u64::from_str_radix(hex, 16).is_err())
            {
                return Err(invalid(PREFIX.len() + 2, "a hex chain id (up to 64 bits) after 0x"));
            }
        }
        let Some(digits) = id.strip_prefix("0x") else {
            return Err(invalid(
                id_offset,
                "0x and an address (40 hex digits) or compressed key (66 hex digits)",
            ));
        };
        if let Some(bad) = digits.bytes().position(|b| !b.is_ascii_hexdigit()) {
            return Err(invalid(id_offset + 2 + bad, "a hex digit"));
        }
        match digits.len() {
            40 => {
                let identity = id
                    .parse::<Address>()
                    .map_err(|_| invalid(id_offset, "an address whose mixed case is a valid EIP-55 checksum"))?;
                Ok(EthrDid {
                    network: network.map(str::to_owned),
                    identity,
                    public_key: None,
                })
            }
            66 => {
                let mut compressed = [0u8; 33];
                hex::decode_to_slice(digits, &mut compressed).map_err(|_| invalid(id_offset + 2, "66 hex digits"))?;
                if !matches!(compressed[0], 2 | 3) {
                    return Err(invalid(id_offset + 2, "a compressed secp256k1 key (prefix 02 or 03)"));
                }
                let key = k256::PublicKey::from_sec1_bytes(&compressed)
                    .map_err(|_| invalid(id_offset + 2, "a point on the secp256k1 curve"))?;
                Ok(EthrDid {
                    network: network.map(str::to_owned),
                    identity: Address::from_public_key(&key),
                    public_key: Some(compressed),
                })
            }
            _ => Err(invalid(
                id_offset + 2,
                "40 hex digits (an address) or 66 hex digits (a compressed key)",
            )),
        }
    }

    /// The DID (fails only if the network name has characters a DID may
    /// not hold).
    pub fn to_did(&self) -> Result<Did, Error> {
        Did::parse(&self.to_string())
    }
}

impl fmt::Display for EthrDid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PREFIX)?;
        if let Some(network) = &self.network {
            write!(f, "{network}:")?;
        }
        match &self.public_key {
            Some(key) => write!(f, "0x{}", hex::encode(key)),
            None => f.write_str(&self.identity.to_checksum()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<EthrDid, Error> {
        EthrDid::parse(&Did::parse(s).unwrap())
    }

    #[test]
    fn address_and_public_key_forms() {
        let d = parse("did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a").unwrap();
        assert_eq!(d.network, None);
        assert_eq!(d.identity.to_checksum(), "0xB9C5714089478a327F09197987f16f9E5d936E8a");
        let d = parse("did:ethr:0x5:0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798").unwrap();
        assert_eq!(d.network.as_deref(), Some("0x5"));
        assert_eq!(d.identity.to_checksum(), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
        assert!(d.public_key.is_some());
    }

    #[test]
    fn errors_name_the_offset() {
        let cases = [
            ("did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8", 11),
            ("did:ethr:mainnet:b9c5714089478a327f09197987f16f9e5d936e8a", 17),
            ("did:ethr:0xg9c5714089478a327f09197987f16f9e5d936e8a", 11),
            (
                "did:ethr:0x0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
                11,
            ),
            ("did:ethr:0xzz:0xb9c5714089478a327f09197987f16f9e5d936e8a", 11),
            ("did:ethr:a:b:0xb9c5714089478a327f09197987f16f9e5d936e8a", 9),
        ];
        for (did, offset) in cases {
            match parse(did) {
                Err(Error::InvalidDid { offset: got, .. }) => assert_eq!(got, offset, "{did}"),
                other => panic!("{did}: {other:?}"),
            }
        }
        assert!(matches!(
            parse("did:ethr:0xB9C5714089478a327F09197987f16f9E5d936E8A"),
            Err(Error::InvalidDid { .. })
        ));
        assert!(matches!(
            EthrDid::parse(&Did::parse("did:web:example.com").unwrap()),
            Err(Error::MethodNotSupported { .. })
        ));
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "did:ethr:0xB9C5714089478a327F09197987f16f9E5d936E8a",
            "did:ethr:sepolia:0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        ] {
            let d = parse(s).unwrap();
            assert_eq!(d.to_string(), s);
            assert_eq!(d.to_did().unwrap().as_str(), s);
        }
    }
}
