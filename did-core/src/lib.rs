//! # xinlian-did-core
//!
//! The foundation of Xinlian (信链): decentralized identifiers and
//! everything that needs no I/O.
//!
//! - [`Did`] and [`DidUrl`], parsed per the DID Core 1.0 ABNF;
//! - keys ([`SecretKey`], [`PublicKey`]): Ed25519, P-256, P-384 and
//!   secp256k1 for signing, X25519 for key agreement, as raw bytes,
//!   Multikey and JWK;
//! - [`Document`]: the DID Core data model with validation;
//! - the stateless methods [did:key](method::key) and
//!   [did:jwk](method::jwk);
//! - the [`Resolver`] trait with the DID Resolution data model, and DID URL
//!   dereferencing.
//!
//! ```
//! use xinlian_did_core::{
//!     method::{key, StatelessResolver}, DidUrl, KeyType, Relationship, ResolutionOptions,
//!     Resolver, SecretKey,
//! };
//!
//! # fn main() -> Result<(), xinlian_did_core::Error> {
//! // A university creates a key and the did:key DID for it.
//! let secret = SecretKey::generate(KeyType::Ed25519)?;
//! let did = key::did_for(&secret.public_key());
//!
//! // Anyone resolves the DID and finds the key authorized to issue.
//! let resolver = StatelessResolver::new();
//! let resolved = pollster::block_on(resolver.resolve(&did, &ResolutionOptions::default()))?;
//! let vm_id = format!("{did}#{}", did.method_specific_id());
//! let method = resolved
//!     .document
//!     .authorized_method(&vm_id, Relationship::AssertionMethod)
//!     .expect("did:key keys are assertion methods");
//!
//! // A signature made with the secret key verifies with the resolved key.
//! let signature = secret.sign(b"Bachelor of Science");
//! method.public_key()?.verify(b"Bachelor of Science", &signature)?;
//!
//! // DID URLs dereference to parts of the document.
//! let url = DidUrl::parse(&vm_id)?;
//! assert!(matches!(
//!     resolved.document.dereference(&url)?,
//!     xinlian_did_core::Dereferenced::VerificationMethod(_)
//! ));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod dereference;
mod did;
pub mod document;
mod error;
pub mod json;
pub mod key;
pub mod method;
pub mod resolution;

pub use dereference::{Dereferenced, Dereferencing, dereference, resolve_reference};
pub use did::{Did, DidUrl};
pub use document::{Document, Relationship, Service, VerificationMethod, VerificationReference};
pub use error::{Error, ErrorKind, Result};
pub use key::{Jwk, KeyType, PublicKey, SecretKey};
pub use method::StatelessResolver;
pub use resolution::{DocumentMetadata, Representation, Resolution, ResolutionMetadata, ResolutionOptions, Resolver};
