//! # xinlian-vc
//!
//! W3C Verifiable Credentials for Xinlian (信链).
//!
//! ## Issue, then verify
//!
//! A university signs a diploma with a Data Integrity proof
//! (eddsa-jcs-2022) through a [`Signer`]; anyone verifies it into a
//! [`VerificationReport`] with one outcome per check.
//!
//! ```
//! use time::macros::datetime;
//! use xinlian_did_core::{KeyType, SecretKey, StatelessResolver};
//! use xinlian_vc::records::diploma::{DegreeType, Diploma};
//! use xinlian_vc::{Check, Credential, KeySigner, Outcome, Policy, ProofOptions, add_proof, verify_credential};
//!
//! # fn main() -> xinlian_vc::Result<()> {
//! // The university's key, published as a did:key.
//! let university = KeySigner::did_key(SecretKey::generate(KeyType::Ed25519)?)?;
//!
//! let diploma = Diploma::builder()
//!     .student("did:example:alice", "Alice Zhang")
//!     .degree(DegreeType::Bachelor, "Bachelor of Science")
//!     .issuer(university.did(), "Example University")
//!     .valid_from(datetime!(2025-07-01 09:00 UTC))
//!     .build()?;
//! let signed = pollster::block_on(add_proof(diploma.as_object(), &ProofOptions::new(), &university))?;
//! let credential = Credential::from_value(signed.into())?;
//!
//! let report = pollster::block_on(verify_credential(&credential, &StatelessResolver::new(), &Policy::new()));
//! assert!(report.verified(), "{}", report.to_json());
//! assert!(report.outcomes(Check::KeyAuthorization).all(|c| c.outcome == Outcome::Passed));
//!
//! // Change one claim and the proof check fails, naming why.
//! let mut tampered = credential.to_value();
//! tampered["credentialSubject"]["name"] = "Mallory".into();
//! let tampered = Credential::from_value(tampered)?;
//! let report = pollster::block_on(verify_credential(&tampered, &StatelessResolver::new(), &Policy::new()));
//! assert!(report.failed(Check::Proof));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

/// The repository README's Rust examples, run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

pub mod credential;
mod error;
pub mod jose;
#[cfg(feature = "jsonld")]
pub mod jsonld;
pub mod limits;
pub mod proof;
pub mod records;
pub mod sd_jwt;
mod signer;
pub mod status;
pub mod trust;
pub mod verify;

pub use credential::{
    CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, Credential, CredentialBuilder, DataModelVersion, Presentation,
    PresentationBuilder,
};
pub use error::{Error, Result};
pub use limits::{Limit, Limits};
pub use proof::{Cryptosuite, DataIntegrityProof, ProofOptions, add_proof, verify_proof};
pub use signer::{KeySigner, Signer};
pub use verify::{
    Check, CheckOutcome, Outcome, Policy, SchemaLoader, VerificationReport, verify_credential, verify_presentation,
};
