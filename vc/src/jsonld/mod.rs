//! JSON-LD for the RDF cryptosuites (feature `jsonld`, on by default).
//!
//! Expansion comes from SpruceID's `ssi-json-ld` (the `json-ld` crate),
//! the conversion to RDF from the `json-ld` crate's own implementation of
//! JSON-LD 1.1 "Deserialize JSON-LD to RDF" (the one its W3C tests run, not
//! the `linked-data` conversion `ssi-rdf` uses, which loses a term's type
//! mapping on booleans), and RDF Dataset Canonicalization (RDFC-1.0, the
//! former URDNA2015) from `ssi-rdf`. `ssi-rdf` runs RDFC-1.0 with SHA-256
//! only; ecdsa-rdfc-2019 on P-384 needs it with SHA-384
//! ([`RdfcHash::Sha384`]), which Oxigraph's `oxrdf` computes. The canonical
//! N-Quads are written here, with RDFC-1.0's escapes. The W3C JSON-LD
//! `toRdf` and `expand` suites and the RDFC-1.0 suite run through exactly
//! these steps (`vc/tests/w3c_to_rdf.rs`, `vc/tests/w3c_rdf_canon.rs`).
//! This module adds what a verifier needs around them:
//!
//! - a [`ContextLoader`] that serves only bundled contexts (credentials v1
//!   and v2, data integrity, multikey, ed25519-2020, Open Badges 3.0,
//!   Bitstring Status List, Xinlian's own) plus those a caller adds with
//!   [`ContextLoader::with`]. Nothing is ever fetched: an unknown context URL
//!   is an [`Error::UnknownContext`](crate::Error::UnknownContext);
//! - strict expansion: a term that no context defines is an error naming the
//!   term and its JSON pointer, where plain JSON-LD would silently drop it
//!   (and so leave it unsigned), and so is an `@id` that is not an absolute
//!   IRI or a language tag that is not well-formed, which RDF conversion
//!   would drop (as jsonld.js's safe mode refuses them);
//! - a work limit for RDFC-1.0: a dataset whose blank nodes would take
//!   exponential work to canonicalize (a "poison graph") is refused up front
//!   instead of keeping the verifier busy for hours;
//! - a cache of processed top-level `@context`s, so verifying many
//!   credentials that share contexts processes each context once. (Inside
//!   this workspace, the patched `json-ld-core` also remembers processed
//!   type- and property-scoped contexts; see `vendor/README.md`.)
//!
//! ```
//! use serde_json::json;
//! use xinlian_vc::jsonld::{ContextLoader, canonicalize};
//!
//! let credential = json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2"],
//!     "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
//!     "type": ["VerifiableCredential"],
//!     "issuer": "did:example:issuer",
//!     "credentialSubject": { "id": "did:example:subject" }
//! });
//! let loader = ContextLoader::new();
//! let nquads = canonicalize(credential.as_object().unwrap(), &loader)?;
//! assert!(nquads.starts_with("<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> "));
//! assert!(nquads.contains("<https://www.w3.org/2018/credentials#issuer> <did:example:issuer> .\n"));
//! # Ok::<(), xinlian_vc::Error>(())
//! ```

mod canonicalize;
mod dataset;
mod loader;
mod nquads;
mod rdfc_budget;
mod rdfc_sha384;
mod to_rdf;
mod unsigned;

pub use canonicalize::{RdfcHash, canonicalize, canonicalize_with};
pub use loader::{
    BITSTRING_STATUS_LIST_V1_CONTEXT, CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, ContextLoader,
    DATA_INTEGRITY_V1_CONTEXT, DATA_INTEGRITY_V2_CONTEXT, ED25519_2020_V1_CONTEXT, MULTIKEY_V1_CONTEXT,
    OPEN_BADGES_V3_0_3_CONTEXT,
};

pub use dataset::{canonicalize_dataset, canonicalize_dataset_with_oxrdf};
pub use to_rdf::{Expansion, to_rdf};

pub(crate) use canonicalize::canonicalize_view;
