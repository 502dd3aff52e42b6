//! ERC-1056 signed changes ("meta-transactions"): what the owner signs,
//! how it is hashed, and the contract's checks.
//!
//! The `EthereumDIDRegistry` contract's `…Signed` functions hash their
//! arguments with `abi.encodePacked` and recover the signer with
//! `ecrecover`:
//!
//! | function | hashed after `0x19 0x00 ‖ registry ‖ nonce ‖ identity` |
//! |---|---|
//! | `changeOwnerSigned` | `"changeOwner" ‖ newOwner` |
//! | `addDelegateSigned` | `"addDelegate" ‖ delegateType ‖ delegate ‖ validity` |
//! | `revokeDelegateSigned` | `"revokeDelegate" ‖ delegateType ‖ delegate` |
//! | `setAttributeSigned` | `"setAttribute" ‖ name ‖ value ‖ validity` |
//! | `revokeAttributeSigned` | `"revokeAttribute" ‖ name ‖ value` |
//!
//! Addresses are 20 bytes, `bytes32` values 32 bytes, `uint` values (the
//! nonce, `validity`) 32 bytes big-endian, `bytes` values raw, function
//! names their ASCII bytes. The nonce is `nonce[identityOwner(identity)]`;
//! a change is accepted when the signature recovers to the identity's
//! owner, and the owner's nonce then goes up by one.

use k256::ecdsa::{RecoveryId, SigningKey, VerifyingKey};

use super::{Address, Bytes32, Erc1056Event, Ledger, LedgerError, Refusal, keccak256};

/// A change to an identity, as one of the contract's five functions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `changeOwner(identity, newOwner)`.
    ChangeOwner {
        /// The new owner; the null address deactivates the DID.
        new_owner: Address,
    },
    /// `addDelegate(identity, delegateType, delegate, validity)`.
    AddDelegate {
        /// The delegate type, e.g. `veriKey` or `sigAuth`.
        delegate_type: Bytes32,
        /// The delegate.
        delegate: Address,
        /// Seconds from the block time the delegate stays valid.
        validity: u64,
    },
    /// `revokeDelegate(identity, delegateType, delegate)`.
    RevokeDelegate {
        /// The delegate type.
        delegate_type: Bytes32,
        /// The delegate.
        delegate: Address,
    },
    /// `setAttribute(identity, name, value, validity)`.
    SetAttribute {
        /// The attribute name, e.g. `did/svc/LinkedDomains`.
        name: Bytes32,
        /// The value.
        value: Vec<u8>,
        /// Seconds from the block time the attribute stays valid.
        validity: u64,
    },
    /// `revokeAttribute(identity, name, value)`.
    RevokeAttribute {
        /// The attribute name.
        name: Bytes32,
        /// The value being revoked.
        value: Vec<u8>,
    },
}

impl Operation {
    /// `addDelegate` with a delegate type given as text (`veriKey`, `sigAuth`).
    pub fn add_delegate(delegate_type: &str, delegate: Address, validity: u64) -> Result<Operation, LedgerError> {
        Ok(Operation::AddDelegate {
            delegate_type: Bytes32::from_text(delegate_type)?,
            delegate,
            validity,
        })
    }

    /// `revokeDelegate` with a delegate type given as text.
    pub fn revoke_delegate(delegate_type: &str, delegate: Address) -> Result<Operation, LedgerError> {
        Ok(Operation::RevokeDelegate {
            delegate_type: Bytes32::from_text(delegate_type)?,
            delegate,
        })
    }

    /// `setAttribute` with a name given as text.
    pub fn set_attribute(name: &str, value: impl Into<Vec<u8>>, validity: u64) -> Result<Operation, LedgerError> {
        Ok(Operation::SetAttribute {
            name: Bytes32::from_text(name)?,
            value: value.into(),
            validity,
        })
    }

    /// `revokeAttribute` with a name given as text.
    pub fn revoke_attribute(name: &str, value: impl Into<Vec<u8>>) -> Result<Operation, LedgerError> {
        Ok(Operation::RevokeAttribute {
            name: Bytes32::from_text(name)?,
            value: value.into(),
        })
    }

    /// A `did/svc/<service_type>` attribute with the endpoint as its value,
    /// valid for 100 years (the did:ethr way to publish a service).
    pub fn set_service(service_type: &str, endpoint: &str) -> Result<Operation, LedgerError> {
        const HUNDRED_YEARS: u64 = 100 * 365 * 24 * 3600;
        Operation::set_attribute(&format!("did/svc/{service_type}"), endpoint.as_bytes(), HUNDRED_YEARS)
    }

    /// The contract function's name as hashed: `changeOwner`, `addDelegate`,
    /// `revokeDelegate`, `setAttribute` or `revokeAttribute`.
    pub fn function_name(&self) -> &'static str {
        match self {
            Operation::ChangeOwner { .. } => "changeOwner",
            Operation::AddDelegate { .. } => "addDelegate",
            Operation::RevokeDelegate { .. } => "revokeDelegate",
            Operation::SetAttribute { .. } => "setAttribute",
            Operation::RevokeAttribute { .. } => "revokeAttribute",
        }
    }

    /// The function name and arguments, `abi.encodePacked` as the contract
    /// hashes them.
    pub fn packed(&self) -> Vec<u8> {
        let mut out = self.function_name().as_bytes().to_vec();
        match self {
            Operation::ChangeOwner { new_owner } => out.extend_from_slice(new_owner.as_bytes()),
            Operation::AddDelegate {
                delegate_type,
                delegate,
                validity,
            } => {
                out.extend_from_slice(delegate_type.as_bytes());
                out.extend_from_slice(delegate.as_bytes());
                out.extend_from_slice(&uint256(*validity));
            }
            Operation::RevokeDelegate {
                delegate_type,
                delegate,
            } => {
                out.extend_from_slice(delegate_type.as_bytes());
                out.extend_from_slice(delegate.as_bytes());
            }
            Operation::SetAttribute { name, value, validity } => {
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(value);
                out.extend_from_slice(&uint256(*validity));
            }
            Operation::RevokeAttribute { name, value } => {
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(value);
            }
        }
        out
    }

    /// The event the contract emits for this operation in a block with
    /// time `block_timestamp`: `validTo` is `now + validity` for additions,
    /// `now` for a delegate revocation and `0` for an attribute revocation.
    /// (`now + validity` saturates at `u64::MAX`.)
    pub fn event_at(&self, block_timestamp: u64) -> Erc1056Event {
        match self {
            Operation::ChangeOwner { new_owner } => Erc1056Event::DidOwnerChanged { owner: *new_owner },
            Operation::AddDelegate {
                delegate_type,
                delegate,
                validity,
            } => Erc1056Event::DidDelegateChanged {
                delegate_type: *delegate_type,
                delegate: *delegate,
                valid_to: block_timestamp.saturating_add(*validity),
            },
            Operation::RevokeDelegate {
                delegate_type,
                delegate,
            } => Erc1056Event::DidDelegateChanged {
                delegate_type: *delegate_type,
                delegate: *delegate,
                valid_to: block_timestamp,
            },
            Operation::SetAttribute { name, value, validity } => Erc1056Event::DidAttributeChanged {
                name: *name,
                value: value.clone(),
                valid_to: block_timestamp.saturating_add(*validity),
            },
            Operation::RevokeAttribute { name, value } => Erc1056Event::DidAttributeChanged {
                name: *name,
                value: value.clone(),
                valid_to: 0,
            },
        }
    }
}

fn uint256(value: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[24..].copy_from_slice(&value.to_be_bytes());
    out
}

/// The hash the owner signs:
/// `keccak256(0x19 ‖ 0x00 ‖ registry ‖ uint256(nonce) ‖ identity ‖ operation.packed())`.
pub fn signing_hash(registry: Address, nonce: u64, identity: Address, operation: &Operation) -> [u8; 32] {
    let packed = operation.packed();
    let mut data = Vec::with_capacity(2 + 20 + 32 + 20 + packed.len());
    data.extend_from_slice(&[0x19, 0x00]);
    data.extend_from_slice(registry.as_bytes());
    data.extend_from_slice(&uint256(nonce));
    data.extend_from_slice(identity.as_bytes());
    data.extend_from_slice(&packed);
    keccak256(&data)
}

/// A secp256k1 recoverable signature in the contract's `(v, r, s)` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    /// `27` or `28` (27 + the parity of the nonce point's y).
    pub v: u8,
    /// `r`, big-endian.
    pub r: [u8; 32],
    /// `s`, big-endian.
    pub s: [u8; 32],
}

impl Signature {
    /// The 65 bytes `r ‖ s ‖ v`, as wallets write them.
    pub fn to_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..32].copy_from_slice(&self.r);
        out[32..64].copy_from_slice(&self.s);
        out[64] = self.v;
        out
    }

    /// Reads `r ‖ s ‖ v` (65 bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, Refusal> {
        let bytes: &[u8; 65] = bytes.try_into().map_err(|_| Refusal::MalformedSignature {
            reason: "a signature is 65 bytes (r, s, v)",
        })?;
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&bytes[..32]);
        s.copy_from_slice(&bytes[32..64]);
        Ok(Signature { v: bytes[64], r, s })
    }

    /// Recovers the signer of `hash` the way `ecrecover` does: `v` must be
    /// 27 or 28, `r` and `s` in range; high-`s` signatures are accepted.
    pub fn recover(&self, hash: &[u8; 32]) -> Result<Address, Refusal> {
        let parity = match self.v {
            27 => false,
            28 => true,
            _ => {
                return Err(Refusal::MalformedSignature {
                    reason: "v must be 27 or 28",
                });
            }
        };
        let signature =
            k256::ecdsa::Signature::from_scalars(self.r, self.s).map_err(|_| Refusal::MalformedSignature {
                reason: "r and s must be non-zero and below the curve order",
            })?;
        // ecrecover accepts high-s; k256 verifies low-s only, and the mirror
        // signature (n - s) with the other parity recovers the same key.
        let (signature, parity) = match signature.normalize_s() {
            Some(low) => (low, !parity),
            None => (signature, parity),
        };
        let key =
            VerifyingKey::recover_from_prehash(hash, &signature, RecoveryId::new(parity, false)).map_err(|_| {
                Refusal::MalformedSignature {
                    reason: "no public key recovers from this signature",
                }
            })?;
        Ok(Address::from_public_key(&k256::PublicKey::from(&key)))
    }
}

/// A change signed by the identity's owner, ready to [submit](Ledger::submit).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignedChange {
    /// The identity to change.
    pub identity: Address,
    /// The operation.
    pub operation: Operation,
    /// Who signed (the owner, if the change is to be accepted).
    pub signer: Address,
    /// The owner's nonce the signature is over.
    pub nonce: u64,
    /// The signature over [`signing_hash`].
    pub signature: Signature,
}

impl SignedChange {
    /// Signs `operation` on `identity` with `key` for `registry`, over
    /// `nonce` (the owner's current [`Ledger::nonce`]).
    pub fn sign(
        key: &SigningKey,
        registry: Address,
        nonce: u64,
        identity: Address,
        operation: Operation,
    ) -> Result<SignedChange, LedgerError> {
        let hash = signing_hash(registry, nonce, identity, &operation);
        let (signature, recovery) = key
            .sign_prehash_recoverable(&hash)
            .map_err(|e| LedgerError::InvalidInput {
                what: "signing key".into(),
                reason: format!("cannot sign: {e}"),
            })?;
        if recovery.is_x_reduced() {
            // Probability about 2^-128; ecrecover cannot express it.
            return Err(LedgerError::InvalidInput {
                what: "signature".into(),
                reason: "the signature's r was reduced modulo n; sign again".into(),
            });
        }
        let (r, s) = signature.split_bytes();
        Ok(SignedChange {
            identity,
            operation,
            signer: Address::from_signing_key(key),
            nonce,
            signature: Signature {
                v: 27 + u8::from(recovery.is_y_odd()),
                r: r.into(),
                s: s.into(),
            },
        })
    }

    /// Reads the nonce of `key`'s address from `ledger` and signs
    /// `operation` on `identity` for that ledger's registry.
    pub async fn prepare(
        ledger: &(impl Ledger + ?Sized),
        key: &SigningKey,
        identity: Address,
        operation: Operation,
    ) -> Result<SignedChange, LedgerError> {
        let nonce = ledger.nonce(Address::from_signing_key(key)).await?;
        SignedChange::sign(key, ledger.registry(), nonce, identity, operation)
    }

    /// The hash this change's signature must be over.
    pub fn signing_hash(&self, registry: Address) -> [u8; 32] {
        signing_hash(registry, self.nonce, self.identity, &self.operation)
    }
}

/// The contract's checks for a signed change, given the identity's current
/// `owner` and the owner's `current_nonce`: the signature must recover to
/// the signer the change names (else [`Refusal::WrongSigner`]), the signer
/// must be the owner ([`Refusal::NotOwner`]), and the change must be signed
/// over the owner's current nonce ([`Refusal::ReplayedNonce`],
/// [`Refusal::NonceAhead`]).
///
/// The contract itself hashes with the current nonce and compares the
/// recovered address with the owner; with the nonce and signer carried in
/// the change, the same changes are accepted and a refusal can say why.
pub fn authorize(change: &SignedChange, registry: Address, owner: Address, current_nonce: u64) -> Result<(), Refusal> {
    let recovered = change.signature.recover(&change.signing_hash(registry))?;
    if recovered != change.signer {
        return Err(Refusal::WrongSigner {
            claimed: change.signer,
            recovered,
        });
    }
    if change.signer != owner {
        return Err(Refusal::NotOwner {
            identity: change.identity,
            owner,
            signer: change.signer,
        });
    }
    match change.nonce.cmp(&current_nonce) {
        std::cmp::Ordering::Less => Err(Refusal::ReplayedNonce {
            owner,
            signed: change.nonce,
            current: current_nonce,
        }),
        std::cmp::Ordering::Greater => Err(Refusal::NonceAhead {
            owner,
            signed: change.nonce,
            current: current_nonce,
        }),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_slice(&[n; 32]).unwrap()
    }

    #[test]
    fn packing_follows_abi_encode_packed() {
        let delegate = Address::new([0xaa; 20]);
        let op = Operation::add_delegate("veriKey", delegate, 86400).unwrap();
        let packed = op.packed();
        assert_eq!(&packed[..11], b"addDelegate");
        assert_eq!(&packed[11..18], b"veriKey");
        assert_eq!(&packed[18..43], &[0u8; 25]);
        assert_eq!(&packed[43..63], &[0xaa; 20]);
        assert_eq!(&packed[63..95], &uint256(86400));
        assert_eq!(packed.len(), 11 + 32 + 20 + 32);

        let op = Operation::set_attribute("did/svc/X", b"abc".to_vec(), 1).unwrap();
        assert_eq!(op.packed().len(), 12 + 32 + 3 + 32);
        let op = Operation::revoke_attribute("did/svc/X", b"abc".to_vec()).unwrap();
        assert_eq!(op.packed().len(), 15 + 32 + 3);
        let op = Operation::ChangeOwner { new_owner: delegate };
        assert_eq!(op.packed(), [b"changeOwner".as_slice(), &[0xaa; 20]].concat());
    }

    #[test]
    fn signing_hash_prefix_and_layout() {
        let registry = Address::new([0x11; 20]);
        let identity = Address::new([0x22; 20]);
        let op = Operation::ChangeOwner {
            new_owner: Address::new([0x33; 20]),
        };
        let mut expected = vec![0x19, 0x00];
        expected.extend_from_slice(&[0x11; 20]);
        expected.extend_from_slice(&uint256(5));
        expected.extend_from_slice(&[0x22; 20]);
        expected.extend_from_slice(b"changeOwner");
        expected.extend_from_slice(&[0x33; 20]);
        assert_eq!(signing_hash(registry, 5, identity, &op), keccak256(&expected));
    }

    #[test]
    fn sign_then_authorize() {
        let owner = key(1);
        let identity = Address::from_signing_key(&owner);
        let registry = Address::new([0x42; 20]);
        let op = Operation::set_service("Hub", "https://hub.example").unwrap();
        let change = SignedChange::sign(&owner, registry, 3, identity, op).unwrap();
        assert_eq!(change.signer, identity);
        authorize(&change, registry, identity, 3).unwrap();
        assert!(matches!(
            authorize(&change, registry, identity, 4),
            Err(Refusal::ReplayedNonce {
                signed: 3,
                current: 4,
                ..
            })
        ));
        assert!(matches!(
            authorize(&change, registry, identity, 2),
            Err(Refusal::NonceAhead { .. })
        ));
        // Another registry: the signature recovers to someone else.
        assert!(matches!(
            authorize(&change, Address::new([0x43; 20]), identity, 3),
            Err(Refusal::WrongSigner { .. })
        ));
        // A tampered argument.
        let mut tampered = change.clone();
        tampered.operation = Operation::set_service("Hub", "https://evil.example").unwrap();
        assert!(matches!(
            authorize(&tampered, registry, identity, 3),
            Err(Refusal::WrongSigner { .. })
        ));
        // A valid signature by someone who is not the owner.
        let other = key(2);
        let change = SignedChange::sign(&other, registry, 0, identity, change.operation).unwrap();
        assert!(matches!(
            authorize(&change, registry, identity, 0),
            Err(Refusal::NotOwner { .. })
        ));
    }

    #[test]
    fn high_s_and_bad_v_like_ecrecover() {
        let owner = key(9);
        let identity = Address::from_signing_key(&owner);
        let registry = Address::new([1; 20]);
        let op = Operation::revoke_delegate("sigAuth", Address::new([5; 20])).unwrap();
        let change = SignedChange::sign(&owner, registry, 0, identity, op).unwrap();
        let hash = change.signing_hash(registry);
        // Flip to the high-s twin: n - s with the other parity.
        let sig = k256::ecdsa::Signature::from_scalars(change.signature.r, change.signature.s).unwrap();
        let (r, s) = sig.split_scalars();
        let high = k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
        let twin = Signature {
            v: if change.signature.v == 27 { 28 } else { 27 },
            r: change.signature.r,
            s: high.split_bytes().1.into(),
        };
        assert_eq!(twin.recover(&hash).unwrap(), identity);
        let bad_v = Signature {
            v: 1,
            ..change.signature
        };
        assert!(matches!(bad_v.recover(&hash), Err(Refusal::MalformedSignature { .. })));
        let zero = Signature {
            r: [0; 32],
            ..change.signature
        };
        assert!(zero.recover(&hash).is_err());
        assert_eq!(
            Signature::from_bytes(&change.signature.to_bytes()).unwrap(),
            change.signature
        );
    }
}
