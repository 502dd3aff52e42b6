//! The one lookup of a signer's key "as of" the time it signed, shared by
//! Data Integrity proofs and JWTs (vc+jwt, VC 1.1 JWT, vp+jwt, SD-JWT).

use time::OffsetDateTime;
use xinlian_did_core::{Did, Document, KeyType, PublicKey, Relationship, ResolutionOptions, Resolver};

use super::check::{ProofFailure, ProofFailureKind};

/// The service type by which a DID document announces that one of its
/// controller's keys was stolen: its `serviceEndpoint` is the key's
/// `publicKeyMultibase` (Multikey), or an array of them.
pub const COMPROMISED_KEY_SERVICE: &str = "CompromisedKey";

/// A verification method's key, found authorized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundKey {
    /// The public key.
    pub(crate) key: PublicKey,
    /// The absolute DID URL of the verification method.
    pub(crate) method_id: String,
    /// The DID whose document authorized it.
    pub(crate) controller: String,
}

/// Finds the key of `method` (an absolute DID URL of `did`; `None` takes
/// the one method `did` has for `relationship`) authorized for
/// `relationship`, "as of" `signed_at`.
///
/// What "as of" means:
/// 1. The DID is resolved as it is **now**. A deactivated DID fails.
/// 2. If the method is in the current document and authorized, that is
///    the key.
/// 3. If it is not (an ordinary key rotation removed it) and the signer
///    says when it signed (`created` of a Data Integrity proof, `iat` of a
///    JWT), the DID is resolved again as of that time (`versionTime`) and
///    the method is looked up there, so credentials signed before a
///    rotation keep verifying. The claimed time is the signer's word: a
///    holder of a rotated-out key can backdate, which is why stolen keys
///    are announced as compromised.
/// 4. A key listed by a [`CompromisedKey`](COMPROMISED_KEY_SERVICE) service
///    in the **current** document is refused for every proof, whatever its
///    date, whether found in the current or in a historical document
///    ([`ProofFailureKind::CompromisedKey`]).
pub(crate) async fn key_as_of(
    resolver: &dyn Resolver,
    did: &Did,
    method: Option<&str>,
    relationship: Relationship,
    signed_at: Option<OffsetDateTime>,
) -> Result<FoundKey, ProofFailure> {
    use ProofFailureKind as K;

    // did:key: the document is a function of the key and cannot change, so
    // its one method is decoded directly.
    if let Some(found) = did_key_fast_path(did, method, relationship)? {
        return Ok(found);
    }

    let resolve = |options: ResolutionOptions| async move {
        resolver
            .resolve(did, &options)
            .await
            .map_err(|e| ProofFailure::new(K::ResolutionFailed, format!("{did} does not resolve: {e}")))
    };
    let current = resolve(ResolutionOptions::default()).await?;
    if current.document_metadata.is_deactivated() {
        return Err(ProofFailure::new(K::Deactivated, format!("{did} is deactivated")));
    }
    check_document_id(&current.document, did)?;

    let historical = match (method, signed_at) {
        (Some(url), Some(at)) if current.document.authorized_method(url, relationship).is_none() => {
            let options = ResolutionOptions {
                version_time: Some(super::format_date_time(at)),
                ..Default::default()
            };
            match resolve(options).await {
                Ok(h) if h.document.id == *did && h.document.authorized_method(url, relationship).is_some() => {
                    Some(h.document)
                }
                _ => None,
            }
        }
        _ => None,
    };
    let document = historical.as_ref().unwrap_or(&current.document);

    let vm = match method {
        Some(url) => match document.authorized_method(url, relationship) {
            Some(m) => m,
            None if document.verification_method(url).is_some() => {
                return Err(not_authorized(url, relationship));
            }
            None => {
                return Err(ProofFailure::new(
                    K::MethodNotFound,
                    format!("{did}'s DID document has no verification method {url}"),
                ));
            }
        },
        None => match document.methods_for(relationship).as_slice() {
            [only] => *only,
            methods => {
                return Err(ProofFailure::new(
                    K::MethodNotFound,
                    format!(
                        "no key is named and {did} has {} {} methods; a key id (kid) is needed",
                        methods.len(),
                        relationship.as_str()
                    ),
                ));
            }
        },
    };
    let method_id = document
        .absolute_id(&vm.id)
        .map(|u| u.as_str().to_owned())
        .unwrap_or_else(|_| vm.id.clone());
    let key = vm
        .public_key()
        .map_err(|e| ProofFailure::new(K::InvalidKey, format!("verification method {method_id}: {e}")))?;
    if is_compromised(&current.document, &key) {
        return Err(ProofFailure::new(
            K::CompromisedKey,
            format!(
                "the key of {method_id} is announced as compromised by {did}'s current DID document \
                 ({COMPROMISED_KEY_SERVICE} service): no proof by it is accepted, whatever its date"
            ),
        ));
    }
    Ok(FoundKey {
        key,
        method_id,
        controller: did.to_string(),
    })
}

/// The did:key shortcut: `Some` when `method` is the DID's own key.
fn did_key_fast_path(
    did: &Did,
    method: Option<&str>,
    relationship: Relationship,
) -> Result<Option<FoundKey>, ProofFailure> {
    let Some(url) = method.and_then(|m| xinlian_did_core::DidUrl::parse(m).ok()) else {
        return Ok(None);
    };
    if did.method() != "key"
        || url.did_str() != did.as_str()
        || url.path().is_some()
        || url.query().is_some()
        || url.fragment() != Some(did.method_specific_id())
    {
        return Ok(None);
    }
    let key = xinlian_did_core::method::key::public_key(did).map_err(|e| {
        ProofFailure::new(
            ProofFailureKind::ResolutionFailed,
            format!("{did} does not resolve: {e}"),
        )
    })?;
    let authorized = match key.key_type() {
        KeyType::X25519 => relationship == Relationship::KeyAgreement,
        KeyType::Ed25519 => relationship != Relationship::KeyAgreement,
        _ => true,
    };
    if !authorized {
        return Err(not_authorized(url.as_str(), relationship));
    }
    Ok(Some(FoundKey {
        key,
        method_id: url.as_str().to_owned(),
        controller: did.to_string(),
    }))
}

fn check_document_id(document: &Document, did: &Did) -> Result<(), ProofFailure> {
    if document.id != *did {
        return Err(ProofFailure::new(
            ProofFailureKind::ControllerDocumentIdMismatch,
            format!("resolving {did} returned the document of {}", document.id),
        ));
    }
    Ok(())
}

/// Whether `document` lists `key` in a [`CompromisedKey`](COMPROMISED_KEY_SERVICE)
/// service: a key its controller announced as stolen, refused for every
/// proof whatever its date.
pub fn is_compromised(document: &Document, key: &PublicKey) -> bool {
    document
        .service
        .iter()
        .filter(|s| s.has_type(COMPROMISED_KEY_SERVICE))
        .flat_map(|s| s.endpoint_uris())
        .any(|multikey| PublicKey::from_multikey(multikey).is_ok_and(|k| k == *key))
}

pub(crate) fn not_authorized(method: &str, relationship: Relationship) -> ProofFailure {
    ProofFailure::new(
        ProofFailureKind::MethodNotAuthorized,
        format!(
            "verification method {method} is not authorized for {}",
            relationship.as_str()
        ),
    )
}
