//! The signer's key for a JWS whose header may carry the key itself (`jwk`),
//! as Open Badges 3.0 VC-JWTs do: the key is only trusted when the signer's
//! DID document lists it.

use xinlian_did_core::{Did, Document, Jwk, PublicKey, Relationship, ResolutionOptions, Resolver};

use super::jws::{Header, jwt_err};
use super::key::{KeySource, SigningKey, find_key};
use crate::error::Result;

/// [`find_key`] for a JWS `header`. Without a `jwk` header parameter this is
/// `find_key` with the header's `kid`. With one, the `jwk` must be a public
/// key that `signer_id`'s DID document lists as a method authorized for
/// `relationship` (the method `kid` names, when there is a `kid`); a `jwk`
/// the document does not list, or that differs from the key `kid` names, is
/// a key-authorization error, never a pass. With [`KeySource::Key`] the
/// `jwk` must be the supplied key.
pub(crate) async fn find_header_key(
    source: KeySource<'_>,
    header: &Header,
    signer_id: &str,
    relationship: Relationship,
    signed_at: Option<i64>,
) -> Result<SigningKey> {
    let Some(value) = header.get("jwk") else {
        return find_key(source, header.kid(), signer_id, relationship, signed_at).await;
    };
    let jwk: Jwk =
        serde_json::from_value(value.clone()).map_err(|e| jwt_err(format!("header jwk is not a JSON Web Key: {e}")))?;
    if jwk.is_private() {
        return Err(jwt_err("header jwk holds a private key (member d)"));
    }
    let key = PublicKey::from_jwk(&jwk).map_err(|e| jwt_err(format!("header jwk: {e}")))?;
    let kid = match (header.kid(), source) {
        (Some(kid), _) => Some(kid.to_owned()),
        (None, KeySource::Key(_)) => None,
        (None, KeySource::Resolver(resolver) | KeySource::Cached(resolver, _)) => Some(
            method_with_key(resolver, signer_id, &key, relationship, signed_at)
                .await?
                .ok_or_else(|| {
                    jwt_err(format!(
                        "header jwk is not a key {signer_id} lists for {}",
                        relationship.as_str()
                    ))
                })?,
        ),
    };
    let found = find_key(source, kid.as_deref(), signer_id, relationship, signed_at).await?;
    if found.key != key {
        let named = found.verification_method.as_deref().unwrap_or("the supplied key");
        return Err(jwt_err(format!("header jwk is not the key of {named}")));
    }
    Ok(found)
}

/// The absolute id of a method of `signer_id`'s DID document that holds
/// `key` and is authorized for `relationship`: in the current document, else
/// in the document as of `signed_at` (a key rotated out since).
async fn method_with_key(
    resolver: &dyn Resolver,
    signer_id: &str,
    key: &PublicKey,
    relationship: Relationship,
    signed_at: Option<i64>,
) -> Result<Option<String>> {
    let did = Did::parse(signer_id).map_err(|e| {
        jwt_err(format!(
            "{signer_id:?} is not a DID ({e}); a header jwk must be a key of the issuer's DID"
        ))
    })?;
    let current = resolver.resolve(&did, &ResolutionOptions::default()).await?;
    if let Some(id) = listed(&current.document, key, relationship) {
        return Ok(Some(id));
    }
    let Some(version_time) = signed_at
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
        .and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok())
    else {
        return Ok(None);
    };
    let options = ResolutionOptions {
        version_time: Some(version_time),
        ..Default::default()
    };
    // A method that has no history answers as now, or fails: either way the key is not listed.
    Ok(resolver
        .resolve(&did, &options)
        .await
        .ok()
        .and_then(|historical| listed(&historical.document, key, relationship)))
}

/// The absolute id of the method of `document` holding `key` for `relationship`.
fn listed(document: &Document, key: &PublicKey, relationship: Relationship) -> Option<String> {
    let method = document
        .methods_for(relationship)
        .into_iter()
        .find(|m| m.public_key().is_ok_and(|k| &k == key))?;
    Some(
        document
            .absolute_id(&method.id)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_else(|_| method.id.clone()),
    )
}
