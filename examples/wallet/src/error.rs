//! The wallet's error type and exit codes.

use std::path::Path;

/// What went wrong, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// Bad input: a missing file, a malformed credential, a wrong argument
    /// (exit code 2).
    #[error("{0}")]
    Input(String),
    /// The operation ran but its answer is "no": a credential that does not
    /// verify (exit code 1).
    #[error("{0}")]
    Refused(String),
}

impl WalletError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            WalletError::Input(_) => 2,
            WalletError::Refused(_) => 1,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, e: std::io::Error) -> WalletError {
        WalletError::Input(format!("{}: {e}", path.display()))
    }
}

impl From<xinlian_vc::Error> for WalletError {
    fn from(e: xinlian_vc::Error) -> Self {
        WalletError::Input(e.to_string())
    }
}

impl From<xinlian_did_core::Error> for WalletError {
    fn from(e: xinlian_did_core::Error) -> Self {
        WalletError::Input(e.to_string())
    }
}

/// `Result` with [`WalletError`].
pub type Result<T, E = WalletError> = std::result::Result<T, E>;
