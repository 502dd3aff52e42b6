//! What a ledger can answer instead of a result.

use super::Address;

/// A ledger failure. The variants separate what a caller handles
/// differently: the thing asked for does not exist ([`NotFound`]), the
/// ledger could not be asked ([`Unreachable`]: retry later), the ledger
/// refused a change ([`Refused`]: fix the change), and answers that make no
/// sense ([`Malformed`]).
///
/// [`NotFound`]: LedgerError::NotFound
/// [`Unreachable`]: LedgerError::Unreachable
/// [`Refused`]: LedgerError::Refused
/// [`Malformed`]: LedgerError::Malformed
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The block (or other record) asked for does not exist on the ledger.
    #[error("not found on ledger {ledger}: {what}")]
    NotFound {
        /// Which ledger (a file path, an RPC URL).
        ledger: String,
        /// What was looked for, e.g. `block 42 (latest is 17)`.
        what: String,
    },
    /// The ledger could not be reached or its storage failed: a file that
    /// cannot be opened, a database locked for longer than the busy
    /// timeout, a node that does not answer. Retrying may help.
    #[error("ledger {ledger} unreachable: {reason}")]
    Unreachable {
        /// Which ledger.
        ledger: String,
        /// What failed.
        reason: String,
    },
    /// The ledger refused a signed change, for the reason given.
    #[error("change refused: {0}")]
    Refused(#[from] Refusal),
    /// The ledger answered with data that breaks the ERC-1056 model (a
    /// history whose `previousChange` links do not go backwards, a stored
    /// row of the wrong shape).
    #[error("ledger {ledger} returned malformed data: {reason}")]
    Malformed {
        /// Which ledger.
        ledger: String,
        /// What was wrong.
        reason: String,
    },
    /// The ledger cannot be used with this configuration or this version of
    /// the software (a database written by a newer schema, a chain id or
    /// registry address that differs from the stored one).
    #[error("ledger {ledger} is incompatible: {reason}")]
    Incompatible {
        /// Which ledger.
        ledger: String,
        /// What does not fit.
        reason: String,
    },
    /// An input given to a ledger helper is malformed (an address that is
    /// not 40 hex digits, a name longer than 32 bytes).
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// The input, quoted.
        what: String,
        /// What was wrong with it.
        reason: String,
    },
}

/// Why a signed change was refused. These are exactly the contract's
/// checks, told apart so the caller knows what to fix.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The signature is not a valid secp256k1 recoverable signature (`v`
    /// not 27 or 28, `r` or `s` zero or out of range, no key recovers).
    #[error("malformed signature: {reason}")]
    MalformedSignature {
        /// What was wrong with it.
        reason: &'static str,
    },
    /// The signature does not recover to the signer the change names: it was
    /// made by another key, or over different arguments, registry or nonce.
    #[error("wrong signer: the change names {claimed} but its signature recovers to {recovered}")]
    WrongSigner {
        /// The signer the change names.
        claimed: Address,
        /// The address the signature recovers to.
        recovered: Address,
    },
    /// The change is signed by someone who is not the identity's owner.
    #[error("{signer} is not the owner of identity {identity} (the owner is {owner})")]
    NotOwner {
        /// The identity.
        identity: Address,
        /// Its current owner.
        owner: Address,
        /// Who signed.
        signer: Address,
    },
    /// The change was signed over a nonce the owner has already used: a
    /// replay of an earlier change.
    #[error("replayed nonce: signed over nonce {signed} of {owner}, whose next nonce is {current}")]
    ReplayedNonce {
        /// The owner whose nonce counts.
        owner: Address,
        /// The nonce in the change.
        signed: u64,
        /// The owner's current nonce.
        current: u64,
    },
    /// The change was signed over a nonce the owner has not reached yet.
    #[error("nonce from the future: signed over nonce {signed} of {owner}, whose next nonce is {current}")]
    NonceAhead {
        /// The owner whose nonce counts.
        owner: Address,
        /// The nonce in the change.
        signed: u64,
        /// The owner's current nonce.
        current: u64,
    },
    /// A chain refused the transaction for a reason outside the checks
    /// above: the contract reverted (with the revert reason, if any), or
    /// the node rejected it (the payer cannot pay the gas).
    #[error("rejected by the chain: {reason}")]
    Rejected {
        /// The revert reason or the node's message, with the transaction.
        reason: String,
    },
}

impl From<LedgerError> for xinlian_did_core::Error {
    /// `NotFound` becomes `notFound`; every other ledger failure is an
    /// `internalError` for the resolution caller.
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::NotFound { .. } => xinlian_did_core::Error::NotFound { what: e.to_string() },
            other => xinlian_did_core::Error::Internal {
                message: other.to_string(),
            },
        }
    }
}
