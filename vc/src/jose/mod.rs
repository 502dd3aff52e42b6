//! JOSE for credentials: compact JWS, VC-JOSE (`vc+jwt`, `vp+jwt`) and VC
//! 1.1 JWTs.
//!
//! - [`Jwt`]: a strict compact-JWS parser (three base64url parts, JSON
//!   objects with unique member names, a supported `alg`, never `none`,
//!   `crit` limited to understood extensions), [`sign_jwt`] to sign through
//!   a [`Signer`](crate::signer::Signer), and [`Jwt::verify_signature`],
//!   which refuses an `alg` that does not match the key.
//! - [`issue_vc_jwt`] / [`verify_vc_jwt`]: VC 2.0 credentials as
//!   `application/vc+jwt` (W3C VC-JOSE-COSE), and VC 1.1 JWTs on the verify
//!   side; [`issue_vp_jwt`] / [`verify_vp_jwt`] for presentations.
//! - [`KeySource`]: the verifier resolves the header's `kid` (a DID URL of
//!   the issuer, authorized for `assertionMethod`), optionally through a
//!   [`KeyCache`], or is handed a key. A `jwk` header (Open Badges 3.0
//!   VC-JWTs) is accepted only as a key the issuer's DID document lists.
//! - [`verify_vc_jwt_report`]: the same checks as a
//!   [`VerificationReport`](crate::VerificationReport), one outcome per
//!   check, with the decoded [`Credential`](crate::Credential) validated by
//!   the data model. [`verify_vc_jwt`] itself stops at the JOSE layer: it
//!   returns the credential JSON without running the data-model checks.

mod claims;
mod header_key;
mod json;
mod jws;
mod key;
mod report;
mod vc11;
mod vc_jwt;

pub use claims::JwtVerifyOptions;
pub use jws::{Header, Jwt, SUPPORTED_ALGS, key_type_for_alg, sign_jwt};
pub use key::{KeyCache, KeySource, SigningKey};
pub use report::verify_vc_jwt_report;
pub use vc_jwt::{
    CREDENTIALS_V2_CONTEXT, CredentialJwtFormat, ENVELOPED_VC_JWT_PREFIX, JWT_TYP, JwtIssueOptions, VC_JWT_TYP,
    VP_JWT_TYP, VerifiedCredentialJwt, VerifiedPresentationJwt, enveloped_credential, issue_vc_jwt, issue_vp_jwt,
    verify_vc_jwt, verify_vp_jwt,
};
pub use vc11::{CREDENTIALS_V1_CONTEXT, decode_vc11_claims};

pub(crate) use claims::{check_validity_window, now_unix};
pub(crate) use json::kind as json_kind;
pub(crate) use jws::{numeric_date, string_claim};
pub(crate) use key::find_key;
pub(crate) use report::{Failure, Progress, Stage, build_report, time_code};
