//! Selective disclosure: SD-JWT (RFC 9901) and SD-JWT VC
//! (draft-ietf-oauth-sd-jwt-vc).
//!
//! - The issuer builds an SD-JWT VC with [`SdJwtVcBuilder`]: it names the
//!   disclosable object claims and array elements by JSON pointer, at any
//!   depth; salts are 128 random bits from the OS, digests are SHA-256 and
//!   sorted, decoy digests hide how many claims there are.
//! - The holder picks disclosures with [`SdJwt::present`] (a frame of
//!   booleans) or [`SdJwt::present_paths`] (JSON pointers) and binds the
//!   presentation to its `cnf` key with [`SdJwt::bind`] (a `kb+jwt` with
//!   `aud`, `nonce`, `iat` and `sd_hash`).
//! - The verifier calls [`verify_sd_jwt`]: issuer signature, every digest
//!   and disclosure, key binding, audience, nonce and freshness; it gets back
//!   only the disclosed claims.
//!
//! ```
//! use serde_json::json;
//! use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
//! use xinlian_vc::jose::KeySource;
//! use xinlian_vc::sd_jwt::{KeyBindingCheck, SdJwt, SdJwtVcBuilder, SdJwtVerifyOptions, verify_sd_jwt};
//! use xinlian_vc::KeySigner;
//!
//! # fn main() -> Result<(), xinlian_vc::Error> { pollster::block_on(async {
//! let university = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519)?)?;
//! let graduate = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519)?)?;
//! let claims = json!({ "degree": "BSc Physics", "graduation_year": 2026, "birth_date": "2003-04-01" });
//! let issued = SdJwtVcBuilder::new("https://example.edu/diploma", claims.as_object().cloned().unwrap_or_default())
//!     .disclosable("/degree")
//!     .disclosable("/graduation_year")
//!     .disclosable("/birth_date")
//!     .holder_key(&graduate.public_key())
//!     .issue(&university)
//!     .await?;
//!
//! // The graduate shows degree and year, not the birth date.
//! let shown = issued
//!     .present_paths(&["/degree", "/graduation_year"])?
//!     .bind(&graduate, "https://employer.example", "n-0S6_WzA2Mj", None)
//!     .await?;
//!
//! let resolver = StatelessResolver::new();
//! let options = SdJwtVerifyOptions {
//!     key_binding: Some(KeyBindingCheck::new("https://employer.example", "n-0S6_WzA2Mj")),
//!     ..SdJwtVerifyOptions::default()
//! };
//! let verified = verify_sd_jwt(&shown.to_string(), KeySource::Resolver(&resolver), &options).await?;
//! assert_eq!(verified.claims["degree"], "BSc Physics");
//! assert!(!verified.claims.contains_key("birth_date"));
//! # Ok(()) }) }
//! ```

mod disclosure;
mod issue;
mod present;
mod verify;

use std::collections::HashMap;
use std::fmt;

pub use disclosure::{Disclosure, SD_ALG_SHA256, sha256_b64};
pub use issue::SdJwtVcBuilder;
pub use verify::{KeyBindingCheck, SdJwtVerifyOptions, VerifiedSdJwt, verify_sd_jwt, verify_sd_jwt_report};

use disclosure::sd_err;

use crate::error::{Error, Result};
use crate::{Limit, Limits};

/// `typ` of an SD-JWT VC issuer-signed JWT.
pub const SD_JWT_VC_TYP: &str = "dc+sd-jwt";
/// `typ` of a Key Binding JWT.
pub const KB_JWT_TYP: &str = "kb+jwt";

/// An SD-JWT in compact form: the issuer-signed JWT, disclosures, and an
/// optional Key Binding JWT (`<JWT>~<D1>~…~<Dn>~<KB-JWT>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwt {
    issuer_jwt: String,
    disclosures: Vec<Disclosure>,
    key_binding_jwt: Option<String>,
}

impl SdJwt {
    /// Splits and checks the compact form: a JWT, then `~`-separated
    /// disclosures (none empty, none repeated), then a KB-JWT or nothing
    /// after the last `~`. Signatures are checked by [`verify_sd_jwt`].
    ///
    /// The input is read within the default [`Limits`] (1 MiB, 1,024
    /// disclosures, 32 levels of JSON in each).
    pub fn parse(compact: &str) -> Result<SdJwt> {
        Self::parse_with_limits(compact, &Limits::default())
    }

    /// [`SdJwt::parse`] within other [`Limits`].
    ///
    /// # Errors
    ///
    /// [`Error::LimitExceeded`] when the text
    /// is longer than `limits.max_input_bytes` or has more than
    /// `limits.max_disclosures` disclosures (checked before any is
    /// decoded); [`Error::SdJwt`] when it is malformed.
    pub fn parse_with_limits(compact: &str, limits: &Limits) -> Result<SdJwt> {
        limits.check_size("SD-JWT", compact.len())?;
        // `~` count: the disclosures, plus the one before the KB-JWT (or the end).
        let disclosures = compact.bytes().filter(|&b| b == b'~').count().saturating_sub(1);
        if disclosures > limits.max_disclosures {
            return Err(Error::LimitExceeded {
                what: "SD-JWT",
                limit: Limit::Disclosures,
                max: limits.max_disclosures,
                actual: Some(disclosures),
                path: String::new(),
            });
        }
        let Some((issuer_jwt, rest)) = compact.split_once('~') else {
            return Err(sd_err("no '~' separator: an SD-JWT is <JWT>~<disclosures>~[<KB-JWT>]"));
        };
        if issuer_jwt.is_empty() {
            return Err(sd_err("the issuer-signed JWT before the first '~' is empty"));
        }
        let mut parts: Vec<&str> = rest.split('~').collect();
        let last = parts.pop().unwrap_or_default();
        let key_binding_jwt = (!last.is_empty()).then(|| last.to_owned());
        let mut disclosures: Vec<Disclosure> = Vec::with_capacity(parts.len());
        let mut positions: HashMap<&str, usize> = HashMap::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            if part.is_empty() {
                return Err(sd_err(format!("disclosure {i} is empty (\"~~\")")));
            }
            if let Some(j) = positions.insert(part, i) {
                return Err(sd_err(format!("disclosure {i} repeats disclosure {j}")));
            }
            disclosures.push(Disclosure::parse_within(part, limits).map_err(|e| match e {
                Error::SdJwt { reason } => sd_err(format!("disclosure {i}: {reason}")),
                other => other,
            })?);
        }
        Ok(SdJwt {
            issuer_jwt: issuer_jwt.to_owned(),
            disclosures,
            key_binding_jwt,
        })
    }

    pub(crate) fn from_parts(
        issuer_jwt: String,
        disclosures: Vec<Disclosure>,
        key_binding_jwt: Option<String>,
    ) -> Self {
        SdJwt {
            issuer_jwt,
            disclosures,
            key_binding_jwt,
        }
    }

    /// The issuer-signed JWT.
    pub fn issuer_jwt(&self) -> &str {
        &self.issuer_jwt
    }

    /// The disclosures, in order.
    pub fn disclosures(&self) -> &[Disclosure] {
        &self.disclosures
    }

    /// The Key Binding JWT, if any.
    pub fn key_binding_jwt(&self) -> Option<&str> {
        self.key_binding_jwt.as_deref()
    }

    /// The SD-JWT without the KB-JWT (`<JWT>~<D1>~…~<Dn>~`): the string the
    /// KB-JWT's `sd_hash` covers.
    pub fn without_key_binding(&self) -> String {
        let mut out = String::with_capacity(
            self.issuer_jwt.len() + self.disclosures.iter().map(|d| d.as_str().len() + 1).sum::<usize>() + 1,
        );
        out.push_str(&self.issuer_jwt);
        out.push('~');
        for d in &self.disclosures {
            out.push_str(d.as_str());
            out.push('~');
        }
        out
    }

    /// `sd_hash` of this SD-JWT: SHA-256 over [`Self::without_key_binding`].
    pub fn sd_hash(&self) -> String {
        sha256_b64(self.without_key_binding().as_bytes())
    }
}

impl fmt::Display for SdJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.without_key_binding())?;
        if let Some(kb) = &self.key_binding_jwt {
            f.write_str(kb)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for SdJwt {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<SdJwt> {
        SdJwt::parse(s)
    }
}

/// Splits a JSON pointer (RFC 6901) into unescaped tokens.
pub(crate) fn pointer_tokens(pointer: &str) -> Result<Vec<String>> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(sd_err(format!(
            "{pointer:?} is not a JSON pointer to a claim (it must start with '/')"
        )));
    };
    rest.split('/')
        .map(|t| {
            if t.contains('~') && t.replace("~0", "").replace("~1", "").contains('~') {
                return Err(sd_err(format!("JSON pointer {pointer:?} has a bad '~' escape")));
            }
            Ok(t.replace("~1", "/").replace("~0", "~"))
        })
        .collect()
}
