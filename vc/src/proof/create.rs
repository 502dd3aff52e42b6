//! Proof creation (Data Integrity "add proof", and "add proof set/chain").

use serde_json::{Map, Value};
use time::OffsetDateTime;
use xinlian_did_core::json::SERDE_JSON_MAX_DEPTH;

use super::jcs::View;
use super::options::Created;
use super::{Cryptosuite, DATA_INTEGRITY_PROOF, DataIntegrityProof, ProofOptions, proof_error, proofs_of};
use crate::Limit;
use crate::error::{Error, Result};
use crate::signer::Signer;

/// Secures `document` with a new Data Integrity proof made by `signer`.
///
/// Proofs already on the document are kept: the new proof joins them as a
/// proof set (`proof` becomes an array). With
/// [`ProofOptions::previous_proof`] the new proof also signs the proofs it
/// names (a proof chain); each must exist and carry that `id`.
///
/// Errors name what was wrong: a suite that does not take the signer's key,
/// a missing previous proof, a signer failure.
pub async fn add_proof(
    document: &Map<String, Value>,
    options: &ProofOptions,
    signer: &dyn Signer,
) -> Result<Map<String, Value>> {
    // Canonicalization walks the document recursively: no deeper than any
    // parsed JSON can be.
    if document
        .values()
        .any(|v| xinlian_did_core::json::depth_exceeds(v, SERDE_JSON_MAX_DEPTH - 1))
    {
        return Err(Error::LimitExceeded {
            what: "document to sign",
            limit: Limit::Depth,
            max: SERDE_JSON_MAX_DEPTH,
            actual: None,
            path: String::new(),
        });
    }
    let key_type = signer.key_type();
    let suite = match options.cryptosuite {
        Some(s) => s,
        None => Cryptosuite::for_key_type(key_type).ok_or_else(|| {
            proof_error(
                "/proof/cryptosuite",
                format!("no cryptosuite signs with {key_type} keys"),
            )
        })?,
    };
    let hash = suite.hash_for(key_type).ok_or_else(|| {
        proof_error(
            "/proof/cryptosuite",
            format!("{suite} signs with {} keys, not {key_type}", suite.key_types()),
        )
    })?;
    // The RDFC suites have their own transformation (JSON-LD expansion and
    // RDFC-1.0), with the process-wide cache of bundled contexts.
    #[cfg(feature = "jsonld")]
    if suite.is_rdfc() {
        return super::add_rdfc_proof(document, options, signer, crate::jsonld::ContextLoader::shared()).await;
    }
    let existing = proofs_of(document)?;
    if let Some(id) = &options.id
        && existing
            .iter()
            .any(|p| p.get("id").and_then(Value::as_str) == Some(id.as_str()))
    {
        return Err(proof_error(
            "/proof/id",
            format!("the document already has a proof with id {id:?}"),
        ));
    }
    let created = match options.created {
        Created::Now => Some(now_seconds()),
        Created::At(t) => Some(t),
        Created::Omitted => None,
    };
    let mut proof = DataIntegrityProof {
        id: options.id.clone(),
        proof_type: DATA_INTEGRITY_PROOF.to_owned(),
        cryptosuite: suite.as_str().to_owned(),
        created,
        expires: options.expires,
        verification_method: signer.verification_method().to_owned(),
        proof_purpose: options.purpose.as_str().to_owned(),
        challenge: options.challenge.clone(),
        domain: options.domain.clone(),
        nonce: options.nonce.clone(),
        previous_proof: options.previous_proof.clone(),
        context: document.get("@context").cloned(),
        proof_value: None,
        extra: Map::new(),
    };
    if let (Some(c), Some(e)) = (proof.created, proof.expires)
        && e <= c
    {
        return Err(proof_error("/proof/expires", "expires must be later than created"));
    }
    let chain = super::chained_proofs(&existing, &proof, "/proof")?;
    let config_map = proof.to_object();
    let config = View {
        base: &config_map,
        skip: &[],
        set: &[],
    };
    let hashes = super::hashes(document, &config, None, chain.as_ref(), hash)?;
    let signature = signer.sign(&hashes.hash_data()).await?;
    if signature.len() != key_type.signature_len() {
        return Err(crate::error::Error::Signer {
            verification_method: signer.verification_method().to_owned(),
            reason: format!(
                "returned a {}-byte signature, {key_type} signatures are {} bytes",
                signature.len(),
                key_type.signature_len()
            ),
        });
    }
    proof.proof_value = Some(multibase::encode(multibase::Base::Base58Btc, &signature));

    let mut secured = document.clone();
    let new_proof = Value::Object(proof.to_object());
    let all = match secured.shift_remove("proof") {
        None => new_proof,
        Some(Value::Array(mut items)) => {
            items.push(new_proof);
            Value::Array(items)
        }
        Some(one) => Value::Array(vec![one, new_proof]),
    };
    secured.insert("proof".into(), all);
    Ok(secured)
}

fn now_seconds() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}
