//! The `EthereumDIDRegistry` (ERC-1056) contract's interface: call
//! encoding for the view functions and the ten change functions, and log
//! decoding into [`LedgerEvent`]s.
//!
//! The interface is written out with `sol!` from the function and event
//! signatures of the deployed contract (npm `ethr-did-registry` 1.x), so no
//! ABI file ships with the crate.

use alloy::primitives::{Address as EvmAddress, B256, Bytes, U256};
use alloy::rpc::types::Log;
use alloy::sol_types::{SolCall, SolEvent};

use super::super::{Address, Bytes32, Erc1056Event, LedgerEvent, Operation, SignedChange};

alloy::sol! {
    /// The ERC-1056 registry as deployed (`ethr-did-registry` 1.x).
    interface EthereumDIDRegistry {
        function identityOwner(address identity) external view returns (address);
        function changed(address identity) external view returns (uint256);
        function nonce(address owner) external view returns (uint256);

        function changeOwner(address identity, address newOwner) external;
        function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) external;
        function revokeDelegate(address identity, bytes32 delegateType, address delegate) external;
        function setAttribute(address identity, bytes32 name, bytes value, uint256 validity) external;
        function revokeAttribute(address identity, bytes32 name, bytes value) external;

        function changeOwnerSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, address newOwner) external;
        function addDelegateSigned(
            address identity, uint8 sigV, bytes32 sigR, bytes32 sigS,
            bytes32 delegateType, address delegate, uint256 validity
        ) external;
        function revokeDelegateSigned(
            address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 delegateType, address delegate
        ) external;
        function setAttributeSigned(
            address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 name, bytes value, uint256 validity
        ) external;
        function revokeAttributeSigned(
            address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 name, bytes value
        ) external;

        event DIDOwnerChanged(address indexed identity, address owner, uint256 previousChange);
        event DIDDelegateChanged(
            address indexed identity, bytes32 delegateType, address delegate, uint256 validTo, uint256 previousChange
        );
        event DIDAttributeChanged(
            address indexed identity, bytes32 name, bytes value, uint256 validTo, uint256 previousChange
        );
    }
}

use EthereumDIDRegistry as Registry;

/// Our address as alloy's.
pub(super) fn to_evm(address: Address) -> EvmAddress {
    EvmAddress::from(*address.as_bytes())
}

/// alloy's address as ours.
pub(super) fn from_evm(address: EvmAddress) -> Address {
    Address::new(address.into_array())
}

fn word(value: Bytes32) -> B256 {
    B256::from(*value.as_bytes())
}

/// `identityOwner(identity)` call data.
pub(super) fn identity_owner_call(identity: Address) -> Vec<u8> {
    Registry::identityOwnerCall {
        identity: to_evm(identity),
    }
    .abi_encode()
}

/// `changed(identity)` call data.
pub(super) fn changed_call(identity: Address) -> Vec<u8> {
    Registry::changedCall {
        identity: to_evm(identity),
    }
    .abi_encode()
}

/// `nonce(owner)` call data.
pub(super) fn nonce_call(owner: Address) -> Vec<u8> {
    Registry::nonceCall { owner: to_evm(owner) }.abi_encode()
}

/// Decodes the return data of `identityOwner`.
pub(super) fn decode_address(data: &[u8]) -> Result<Address, String> {
    Registry::identityOwnerCall::abi_decode_returns(data)
        .map(from_evm)
        .map_err(|e| {
            format!(
                "identityOwner returned {} bytes that are not an address: {e}",
                data.len()
            )
        })
}

/// Decodes the return data of `changed` or `nonce` (`what`), which must fit
/// in 64 bits.
pub(super) fn decode_u64(what: &str, data: &[u8]) -> Result<u64, String> {
    let value = Registry::changedCall::abi_decode_returns(data)
        .map_err(|e| format!("{what} returned {} bytes that are not a uint256: {e}", data.len()))?;
    u64::try_from(value).map_err(|_| format!("{what} returned {value}, which does not fit in 64 bits"))
}

/// The `…Signed` function call that carries `change`, relayed by anyone.
pub(super) fn signed_call(change: &SignedChange) -> Vec<u8> {
    let identity = to_evm(change.identity);
    let sig_v = change.signature.v;
    let sig_r = B256::from(change.signature.r);
    let sig_s = B256::from(change.signature.s);
    match &change.operation {
        Operation::ChangeOwner { new_owner } => Registry::changeOwnerSignedCall {
            identity,
            sigV: sig_v,
            sigR: sig_r,
            sigS: sig_s,
            newOwner: to_evm(*new_owner),
        }
        .abi_encode(),
        Operation::AddDelegate {
            delegate_type,
            delegate,
            validity,
        } => Registry::addDelegateSignedCall {
            identity,
            sigV: sig_v,
            sigR: sig_r,
            sigS: sig_s,
            delegateType: word(*delegate_type),
            delegate: to_evm(*delegate),
            validity: U256::from(*validity),
        }
        .abi_encode(),
        Operation::RevokeDelegate {
            delegate_type,
            delegate,
        } => Registry::revokeDelegateSignedCall {
            identity,
            sigV: sig_v,
            sigR: sig_r,
            sigS: sig_s,
            delegateType: word(*delegate_type),
            delegate: to_evm(*delegate),
        }
        .abi_encode(),
        Operation::SetAttribute { name, value, validity } => Registry::setAttributeSignedCall {
            identity,
            sigV: sig_v,
            sigR: sig_r,
            sigS: sig_s,
            name: word(*name),
            value: Bytes::copy_from_slice(value),
            validity: U256::from(*validity),
        }
        .abi_encode(),
        Operation::RevokeAttribute { name, value } => Registry::revokeAttributeSignedCall {
            identity,
            sigV: sig_v,
            sigR: sig_r,
            sigS: sig_s,
            name: word(*name),
            value: Bytes::copy_from_slice(value),
        }
        .abi_encode(),
    }
}

/// The plain function call for `operation` on `identity`, which the
/// contract accepts only from the owner's account (`msg.sender`).
pub(super) fn owner_call(identity: Address, operation: &Operation) -> Vec<u8> {
    let identity = to_evm(identity);
    match operation {
        Operation::ChangeOwner { new_owner } => Registry::changeOwnerCall {
            identity,
            newOwner: to_evm(*new_owner),
        }
        .abi_encode(),
        Operation::AddDelegate {
            delegate_type,
            delegate,
            validity,
        } => Registry::addDelegateCall {
            identity,
            delegateType: word(*delegate_type),
            delegate: to_evm(*delegate),
            validity: U256::from(*validity),
        }
        .abi_encode(),
        Operation::RevokeDelegate {
            delegate_type,
            delegate,
        } => Registry::revokeDelegateCall {
            identity,
            delegateType: word(*delegate_type),
            delegate: to_evm(*delegate),
        }
        .abi_encode(),
        Operation::SetAttribute { name, value, validity } => Registry::setAttributeCall {
            identity,
            name: word(*name),
            value: Bytes::copy_from_slice(value),
            validity: U256::from(*validity),
        }
        .abi_encode(),
        Operation::RevokeAttribute { name, value } => Registry::revokeAttributeCall {
            identity,
            name: word(*name),
            value: Bytes::copy_from_slice(value),
        }
        .abi_encode(),
    }
}

/// The three event signatures (`topic0`), for log filters.
pub(super) fn event_topics() -> Vec<B256> {
    vec![
        Registry::DIDOwnerChanged::SIGNATURE_HASH,
        Registry::DIDDelegateChanged::SIGNATURE_HASH,
        Registry::DIDAttributeChanged::SIGNATURE_HASH,
    ]
}

/// `identity` as an indexed topic (left-padded to 32 bytes).
pub(super) fn identity_topic(identity: Address) -> B256 {
    to_evm(identity).into_word()
}

/// A `uint256` that must fit in 64 bits (a block number).
fn block_number(what: &str, value: U256) -> Result<u64, String> {
    u64::try_from(value).map_err(|_| format!("{what} {value} does not fit in 64 bits"))
}

/// Decodes one registry log into an event. `timestamp` is the log's block
/// time (looked up by the caller if the node leaves it out of the log).
/// Errors say what was wrong with the log, for
/// [`LedgerError::Malformed`](super::super::LedgerError::Malformed).
pub(super) fn decode_log(log: &Log, timestamp: u64) -> Result<LedgerEvent, String> {
    let topics = log.topics();
    let at = match (log.block_number, log.log_index) {
        (Some(block), Some(index)) => format!("log {index} of block {block}"),
        _ => "a log".to_owned(),
    };
    let block_number_of_log = log.block_number.ok_or_else(|| format!("{at} has no block number"))?;
    let topic0 = topics.first().ok_or_else(|| format!("{at} has no topics"))?;
    let data = &log.data().data;
    let bad = |e: alloy::sol_types::Error| format!("{at} does not decode as its event: {e}");
    let (identity, previous_change, event) = if *topic0 == Registry::DIDOwnerChanged::SIGNATURE_HASH {
        let e = Registry::DIDOwnerChanged::decode_raw_log(topics.iter().copied(), data).map_err(bad)?;
        (
            e.identity,
            e.previousChange,
            Erc1056Event::DidOwnerChanged {
                owner: from_evm(e.owner),
            },
        )
    } else if *topic0 == Registry::DIDDelegateChanged::SIGNATURE_HASH {
        let e = Registry::DIDDelegateChanged::decode_raw_log(topics.iter().copied(), data).map_err(bad)?;
        (
            e.identity,
            e.previousChange,
            Erc1056Event::DidDelegateChanged {
                delegate_type: Bytes32::new(e.delegateType.0),
                delegate: from_evm(e.delegate),
                valid_to: e.validTo.saturating_to(),
            },
        )
    } else if *topic0 == Registry::DIDAttributeChanged::SIGNATURE_HASH {
        let e = Registry::DIDAttributeChanged::decode_raw_log(topics.iter().copied(), data).map_err(bad)?;
        (
            e.identity,
            e.previousChange,
            Erc1056Event::DidAttributeChanged {
                name: Bytes32::new(e.name.0),
                value: e.value.to_vec(),
                valid_to: e.validTo.saturating_to(),
            },
        )
    } else {
        return Err(format!("{at} is not an ERC-1056 event (topic0 {topic0})"));
    };
    Ok(LedgerEvent {
        identity: from_evm(identity),
        block_number: block_number_of_log,
        timestamp,
        previous_change: block_number(&format!("previousChange in {at}"), previous_change)?,
        event,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Signature;

    #[test]
    fn selectors_match_the_contract_signatures() {
        let selector =
            |signature: &str| <[u8; 4]>::try_from(&crate::ledger::keccak256(signature.as_bytes())[..4]).unwrap();
        assert_eq!(
            Registry::identityOwnerCall::SELECTOR,
            selector("identityOwner(address)")
        );
        assert_eq!(Registry::changedCall::SELECTOR, selector("changed(address)"));
        assert_eq!(Registry::nonceCall::SELECTOR, selector("nonce(address)"));
        assert_eq!(
            Registry::addDelegateSignedCall::SELECTOR,
            selector("addDelegateSigned(address,uint8,bytes32,bytes32,bytes32,address,uint256)")
        );
        assert_eq!(
            Registry::DIDAttributeChanged::SIGNATURE_HASH.0,
            crate::ledger::keccak256(b"DIDAttributeChanged(address,bytes32,bytes,uint256,uint256)")
        );
    }

    #[test]
    fn signed_calls_carry_the_signature_and_arguments() {
        let change = SignedChange {
            identity: Address::new([1; 20]),
            operation: Operation::set_attribute("did/svc/X", b"https://x".to_vec(), 60).unwrap(),
            signer: Address::new([1; 20]),
            nonce: 0,
            signature: Signature {
                v: 27,
                r: [2; 32],
                s: [3; 32],
            },
        };
        let data = signed_call(&change);
        let call = Registry::setAttributeSignedCall::abi_decode(&data).unwrap();
        assert_eq!(call.sigV, 27);
        assert_eq!(call.sigR, B256::from([2; 32]));
        assert_eq!(call.value.as_ref(), b"https://x");
        assert_eq!(call.validity, U256::from(60));
        let plain = owner_call(change.identity, &change.operation);
        assert_eq!(&plain[..4], Registry::setAttributeCall::SELECTOR);
    }

    #[test]
    fn u64_returns_that_overflow_are_reported() {
        let big = U256::MAX.to_be_bytes::<32>();
        let err = decode_u64("changed", &big).unwrap_err();
        assert!(err.contains("does not fit"), "{err}");
        assert!(decode_address(&[1, 2, 3]).is_err());
    }
}
