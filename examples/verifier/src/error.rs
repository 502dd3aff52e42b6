//! The verifier's error type: every error is bad input (exit code 2); a
//! presentation that does not verify is a report, not an error (exit 1).

use std::path::Path;

/// Bad input: a missing file, a malformed presentation or trust list, a
/// wrong argument.
#[derive(Debug, thiserror::Error)]
pub enum VerifierError {
    /// What was wrong, and where.
    #[error("{0}")]
    Input(String),
}

impl VerifierError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        2
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, e: std::io::Error) -> VerifierError {
        VerifierError::Input(format!("{}: {e}", path.display()))
    }
}

impl From<xinlian_vc::Error> for VerifierError {
    fn from(e: xinlian_vc::Error) -> Self {
        VerifierError::Input(e.to_string())
    }
}

impl From<xinlian_did_core::Error> for VerifierError {
    fn from(e: xinlian_did_core::Error) -> Self {
        VerifierError::Input(e.to_string())
    }
}

/// `Result` with [`VerifierError`].
pub type Result<T, E = VerifierError> = std::result::Result<T, E>;
