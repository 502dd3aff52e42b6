//! Bounds on outside input: how large, how deep, how many disclosures.
//!
//! Every entry point that reads a credential or presentation from text
//! ([`verify_any`](crate::verify::verify_any), [`Credential::from_json`],
//! [`Presentation::from_json`], [`verify_sd_jwt`](crate::sd_jwt::verify_sd_jwt))
//! checks its input against a [`Limits`] before it walks it: the size
//! first (nothing is parsed when the input is too long), then the nesting
//! depth and, for SD-JWT, the number of disclosures. A refusal is
//! [`Error::LimitExceeded`], naming the [`Limit`], its value and where.
//!
//! The defaults suit credentials: real ones are a few KB, nest fewer than
//! ten levels, and carry tens of disclosures. Raise them through
//! [`Policy::limits`](crate::Policy::limits),
//! [`SdJwtVerifyOptions::limits`](crate::sd_jwt::SdJwtVerifyOptions::limits)
//! or the `*_with_limits` parsers.
//!
//! [`Credential::from_json`]: crate::Credential::from_json
//! [`Presentation::from_json`]: crate::Presentation::from_json

use std::fmt;
use std::io::Read as _;

use serde_json::Value;
use xinlian_did_core::json::{JsonError, JsonLimits, parse_strict};

use crate::{Error, Result};

/// Default [`Limits::max_input_bytes`]: 1 MiB for one credential or
/// presentation (in any format, the SD-JWT with all its disclosures).
pub const DEFAULT_MAX_INPUT_BYTES: usize = xinlian_did_core::json::DEFAULT_MAX_BYTES;

/// Default [`Limits::max_depth`]: 32 nested arrays or objects, counted in
/// the parsed JSON and, for SD-JWT, in the claims rebuilt from the
/// disclosures. A credential at this depth verifies (JSON-LD expansion and
/// RDF canonicalization included) on a 2 MiB thread stack.
pub const DEFAULT_MAX_DEPTH: usize = xinlian_did_core::json::DEFAULT_MAX_DEPTH;

/// Default [`Limits::max_disclosures`]: 1,024 disclosures in one SD-JWT.
pub const DEFAULT_MAX_DISCLOSURES: usize = 1024;

/// Bounds on one credential or presentation read from outside.
///
/// Raising `max_depth` far above the default lets input steer recursive
/// walks (JSON-LD expansion, SD-JWT reassembly) deeper into the stack: keep
/// it below a hundred unless the verifying thread's stack is large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest input in bytes (default [`DEFAULT_MAX_INPUT_BYTES`]).
    pub max_input_bytes: usize,
    /// The deepest nesting of arrays and objects (default
    /// [`DEFAULT_MAX_DEPTH`]; `{}` is depth 1). Parsed JSON never nests
    /// deeper than 127 levels, whatever this says.
    pub max_depth: usize,
    /// The most disclosures an SD-JWT may carry (default
    /// [`DEFAULT_MAX_DISCLOSURES`]).
    pub max_disclosures: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_disclosures: DEFAULT_MAX_DISCLOSURES,
        }
    }
}

impl Limits {
    /// The JSON reader's share of these limits.
    pub fn json(&self) -> JsonLimits {
        JsonLimits {
            max_bytes: self.max_input_bytes,
            max_depth: self.max_depth,
        }
    }

    /// Refuses input longer than [`Limits::max_input_bytes`].
    ///
    /// # Errors
    ///
    /// [`Error::LimitExceeded`] with [`Limit::InputBytes`].
    pub fn check_size(&self, what: &'static str, len: usize) -> Result<()> {
        if len > self.max_input_bytes {
            return Err(Error::LimitExceeded {
                what,
                limit: Limit::InputBytes,
                max: self.max_input_bytes,
                actual: Some(len),
                path: String::new(),
            });
        }
        Ok(())
    }

    /// Refuses a value (built in memory, not parsed) that nests deeper than
    /// [`Limits::max_depth`]; safe on values of any depth.
    ///
    /// # Errors
    ///
    /// [`Error::LimitExceeded`] with [`Limit::Depth`].
    pub fn check_depth(&self, what: &'static str, value: &Value) -> Result<()> {
        if xinlian_did_core::json::depth_exceeds(value, self.max_depth) {
            return Err(self.too_deep(what, String::new()));
        }
        Ok(())
    }

    /// Reads a credential or presentation from `reader` (a file, standard
    /// input, a socket) into a string, reading at most
    /// [`Limits::max_input_bytes`] + 1 bytes: a larger input is refused
    /// without being read whole, so memory stays bounded by the limit.
    ///
    /// # Errors
    ///
    /// An I/O error of kind [`std::io::ErrorKind::FileTooLarge`] when the
    /// input is longer than the limit, [`std::io::ErrorKind::InvalidData`]
    /// when it is not UTF-8, or the reader's own error.
    pub fn read_input(&self, reader: impl std::io::Read) -> std::io::Result<String> {
        let cap = self.max_input_bytes.saturating_add(1);
        let mut bytes = Vec::with_capacity(cap.min(64 << 10));
        reader
            .take(u64::try_from(cap).unwrap_or(u64::MAX))
            .read_to_end(&mut bytes)?;
        if bytes.len() > self.max_input_bytes {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!(
                    "input is larger than the limit of {} bytes (credentials and presentations are a few KB)",
                    self.max_input_bytes
                ),
            ));
        }
        String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    pub(crate) fn too_deep(&self, what: &'static str, path: String) -> Error {
        Error::LimitExceeded {
            what,
            limit: Limit::Depth,
            max: self.max_depth,
            actual: None,
            path,
        }
    }
}

/// Which bound of [`Limits`] input went past.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// [`Limits::max_input_bytes`].
    InputBytes,
    /// [`Limits::max_depth`].
    Depth,
    /// [`Limits::max_disclosures`].
    Disclosures,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::InputBytes => "size (bytes)",
            Limit::Depth => "nesting depth",
            Limit::Disclosures => "disclosure count",
        })
    }
}

/// Reads `text` as strict JSON (no duplicate member names) within
/// `limits`; `what` names the input in errors (`"credential"`, ...).
pub(crate) fn read_json(text: &[u8], what: &'static str, limits: &Limits) -> Result<Value> {
    parse_strict(text, &limits.json()).map_err(|e| json_error(e, what))
}

/// This crate's error for a strict-JSON refusal of `what`.
pub(crate) fn json_error(error: JsonError, what: &'static str) -> Error {
    match error {
        JsonError::TooLarge { limit, actual } => Error::LimitExceeded {
            what,
            limit: Limit::InputBytes,
            max: limit,
            actual: Some(actual),
            path: String::new(),
        },
        JsonError::TooDeep { limit, pointer } => Error::LimitExceeded {
            what,
            limit: Limit::Depth,
            max: limit,
            actual: None,
            path: pointer,
        },
        JsonError::DuplicateKey { pointer, key } => Error::DuplicateKey {
            what,
            path: pointer,
            key,
        },
        other => Error::Structure {
            what,
            path: "/".into(),
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_input_stops_after_the_limit() {
        let limits = Limits {
            max_input_bytes: 8,
            ..Limits::default()
        };
        assert_eq!(limits.read_input(&b"12345678"[..]).unwrap(), "12345678");
        // An endless reader: only limit + 1 bytes are ever read.
        let err = limits.read_input(std::io::repeat(b'x')).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("limit of 8 bytes"), "{err}");
        let err = limits.read_input(&[0xff, 0xfe][..]).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }
}
