//! Reading and verifying the legacy `Ed25519Signature2020` proofs (W3C CCG
//! Ed25519Signature2020, feature `jsonld`).
//!
//! An `Ed25519Signature2020` proof has no `cryptosuite`; it canonicalizes
//! the document and the proof options (with the document's `@context`,
//! which must then include `https://w3id.org/security/suites/ed25519-2020/v1`,
//! or with the proof's own `@context` when it has one, as DIDKit and
//! SpruceID ssi write it; the document keeps its own `@context` then)
//! with RDFC-1.0, hashes both with SHA-256 and signs
//! `hash(proof options) || hash(document)` with Ed25519; `proofValue` is
//! multibase base58btc. That is eddsa-rdfc-2022's algorithm, so
//! [`verify_rdfc_proof`](super::verify_rdfc_proof) and
//! [`rdfc_proof_hashes`](super::rdfc_proof_hashes) read these proofs too.
//! Xinlian does not create them: new credentials use eddsa-rdfc-2022.

use serde_json::{Map, Value};

/// The proof `type` of Ed25519Signature2020 proofs.
pub const ED25519_SIGNATURE_2020: &str = "Ed25519Signature2020";

/// Whether `proof` is an `Ed25519Signature2020` proof.
pub fn is_ed25519_signature_2020(proof: &Map<String, Value>) -> bool {
    proof.get("type").and_then(Value::as_str) == Some(ED25519_SIGNATURE_2020)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognizes_the_proof_type() {
        let proof = json!({"type": "Ed25519Signature2020", "proofValue": "z1"});
        assert!(is_ed25519_signature_2020(proof.as_object().unwrap()));
        let di = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"});
        assert!(!is_ed25519_signature_2020(di.as_object().unwrap()));
    }
}
