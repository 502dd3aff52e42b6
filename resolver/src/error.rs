//! The crate's error type.

/// Everything that can go wrong in `xinlian-resolver`.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A DID, key or resolution error from `xinlian-did-core`.
    #[error(transparent)]
    Did(#[from] xinlian_did_core::Error),
    /// The HTTP resolver server could not do `action` (bind, accept, read
    /// its address).
    #[error("resolver server: {action}: {source}")]
    Server {
        /// What the server was doing.
        action: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The operator config file is unreadable or wrong.
    #[error("config {location}: {reason}")]
    Config {
        /// Where: the file, and the key or line in it (e.g.
        /// `resolver.toml: ethr.networks[0].ledger`).
        location: String,
        /// What was wrong.
        reason: String,
    },
    /// A method name given to the method registry is not a DID method name
    /// (lowercase ASCII letters and digits).
    #[error("invalid DID method name {method:?} at byte {offset}: expected lowercase letters and digits")]
    InvalidMethodName {
        /// The name given.
        method: String,
        /// Byte offset of the first offending character.
        offset: usize,
    },
    /// A did:web resolution or client-setup failure.
    #[error(transparent)]
    Web(#[from] crate::web::WebError),
    /// A ledger failure: not found, unreachable, refused (see
    /// [`LedgerError`](crate::ledger::LedgerError)).
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
