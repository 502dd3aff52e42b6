//! Errors of the registrar CLI and the exit status each maps to.

use std::path::{Path, PathBuf};

/// What can go wrong in a registrar command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: arguments, files, CSV rows (exit status 2).
    #[error("{0}")]
    Input(String),
    /// A file could not be read or written (exit status 2).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A command refused to write its output file: the target is a link,
    /// directory, device, FIFO or socket, or exists and `--force` was not
    /// given (exit status 2).
    #[error("{path}: {reason}")]
    OutputRefused {
        /// The target.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// The signing key is not (or no longer) an assertion method of the
    /// institution's current DID document, or is marked compromised there:
    /// nothing is signed with it (exit status 2).
    #[error(
        "refusing to sign: the DID document of {did} {reason} ({verification_method}); \
         if a key rotation was interrupted, run `registrar rotate-key` to finish it"
    )]
    KeyNotListed {
        /// The signing key's verification method.
        verification_method: String,
        /// The institution's DID.
        did: String,
        /// What the DID document says about the key.
        reason: &'static str,
    },
    /// The home directory holds no institution yet (exit status 2).
    #[error("no institution in {0}: run `registrar init --name NAME` first (or pass --home)")]
    NotInitialized(PathBuf),
    /// The passphrase does not open the key file (exit status 2).
    #[error("wrong passphrase (or the key file is corrupted)")]
    WrongPassphrase,
    /// A DID or key error.
    #[error(transparent)]
    Did(#[from] xinlian_did_core::Error),
    /// A credential error.
    #[error(transparent)]
    Vc(#[from] xinlian_vc::Error),
    /// A resolver or ledger error.
    #[error(transparent)]
    Resolver(#[from] xinlian_resolver::Error),
    /// A storage error in the registrar's own database.
    #[error("registrar database: {0}")]
    Db(#[from] rusqlite::Error),
    /// The command ran but its answer is "no" (e.g. a credential that does
    /// not verify): exit status 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.to_owned(),
            source,
        }
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Failed(_) => 1,
            _ => 2,
        }
    }
}

/// `Result` with [`CliError`].
pub type Result<T, E = CliError> = std::result::Result<T, E>;
