//! DID document validation with JSON-path errors.

use std::collections::HashSet;

use serde_json::Value;

use super::{Document, Relationship, VerificationMethod, VerificationMethodType, VerificationReference};
use crate::did::DidUrl;
use crate::error::{Error, Result};

pub(super) fn validate(doc: &Document) -> Result<()> {
    if let Some(ctx) = &doc.context {
        validate_context(ctx)?;
    }
    for (i, aka) in doc.also_known_as.iter().enumerate() {
        if !is_absolute_uri(aka) {
            return Err(Error::invalid_document(
                format!("/alsoKnownAs/{i}"),
                "must be an absolute URI",
            ));
        }
    }

    let mut ids: HashSet<DidUrl> = HashSet::new();
    let mut add_id = |path: &str, id: &str| -> Result<DidUrl> {
        let url = doc
            .absolute_id(id)
            .map_err(|e| Error::invalid_document(format!("{path}/id"), format!("not a DID URL: {e}")))?;
        if !ids.insert(url.clone()) {
            return Err(Error::invalid_document(
                format!("{path}/id"),
                format!("duplicate id {url}"),
            ));
        }
        Ok(url)
    };

    let mut method_ids: HashSet<DidUrl> = HashSet::new();
    for (i, vm) in doc.verification_method.iter().enumerate() {
        let path = format!("/verificationMethod/{i}");
        method_ids.insert(add_id(&path, &vm.id)?);
        validate_method(vm, &path)?;
    }
    for rel in Relationship::ALL {
        for (i, entry) in doc.relationship(rel).iter().enumerate() {
            if let VerificationReference::Embedded(vm) = entry {
                let path = format!("/{}/{i}", rel.as_str());
                method_ids.insert(add_id(&path, &vm.id)?);
                validate_method(vm, &path)?;
            }
        }
    }
    for (i, service) in doc.service.iter().enumerate() {
        let path = format!("/service/{i}");
        let id_ok = doc.absolute_id(&service.id).is_ok() || is_absolute_uri(&service.id);
        if !id_ok {
            return Err(Error::invalid_document(
                format!("{path}/id"),
                "must be a URI (or a relative DID URL)",
            ));
        }
        if let Ok(url) = doc.absolute_id(&service.id)
            && !ids.insert(url.clone())
        {
            return Err(Error::invalid_document(
                format!("{path}/id"),
                format!("duplicate id {url}"),
            ));
        }
        if service.type_.as_slice().is_empty() || service.type_.iter().any(String::is_empty) {
            return Err(Error::invalid_document(
                format!("{path}/type"),
                "must be a non-empty string or set of strings",
            ));
        }
        validate_endpoint(&service.service_endpoint, &format!("{path}/serviceEndpoint"))?;
    }

    // References that point into this document must name a method that exists.
    for rel in Relationship::ALL {
        for (i, entry) in doc.relationship(rel).iter().enumerate() {
            if let VerificationReference::Reference(r) = entry {
                let path = format!("/{}/{i}", rel.as_str());
                let url = doc
                    .absolute_id(r)
                    .map_err(|e| Error::invalid_document(&path, format!("not a DID URL: {e}")))?;
                if url.did_str() == doc.id.as_str() && !method_ids.contains(&url) {
                    let reason = if ids.contains(&url) {
                        format!("refers to {url}, which is a service, not a verification method")
                    } else {
                        format!("refers to {url}, which is not in the document")
                    };
                    return Err(Error::invalid_document(path, reason));
                }
            }
        }
    }
    Ok(())
}

/// The contexts a DID document's `@context` may start with: DID Core 1.0,
/// DID Core 1.1, and the pre-Recommendation URL still found in published
/// documents.
const DID_CONTEXTS: [&str; 3] = [
    super::DID_CONTEXT_V1,
    "https://www.w3.org/ns/did/v1.1",
    "https://w3id.org/did/v1",
];

fn validate_context(ctx: &Value) -> Result<()> {
    let ok = |v: &Value| matches!(v, Value::String(_) | Value::Object(_));
    let first = match ctx {
        Value::Array(items) => {
            if let Some(i) = items.iter().position(|v| !ok(v)) {
                return Err(Error::invalid_document(
                    format!("/@context/{i}"),
                    "must be a URL string or a context object",
                ));
            }
            items.first().ok_or_else(|| {
                Error::invalid_document("/@context", "must not be empty: the DID Core context comes first")
            })?
        }
        v if ok(v) => v,
        _ => {
            return Err(Error::invalid_document(
                "/@context",
                "must be a string, an object or an array of them",
            ));
        }
    };
    if first.as_str().is_some_and(|url| DID_CONTEXTS.contains(&url)) {
        return Ok(());
    }
    let path = if ctx.is_array() { "/@context/0" } else { "/@context" };
    Err(Error::invalid_document(
        path,
        format!(
            "the first context must be the DID Core context {:?}",
            super::DID_CONTEXT_V1
        ),
    ))
}

fn validate_method(vm: &VerificationMethod, path: &str) -> Result<()> {
    if vm.type_.is_empty() {
        return Err(Error::invalid_document(format!("{path}/type"), "must not be empty"));
    }
    if vm.public_key_jwk.as_ref().is_some_and(|j| j.is_private()) {
        return Err(Error::invalid_document(
            format!("{path}/publicKeyJwk/d"),
            "a DID document must not contain private key material",
        ));
    }
    for private in [
        "privateKeyJwk",
        "privateKeyMultibase",
        "privateKeyBase58",
        "secretKeyMultibase",
    ] {
        if vm.extra.contains_key(private) {
            return Err(Error::invalid_document(
                format!("{path}/{private}"),
                "a DID document must not contain private key material",
            ));
        }
    }
    let materials = [vm.public_key_jwk.is_some(), vm.public_key_multibase.is_some()];
    if materials.iter().filter(|m| **m).count() > 1 {
        return Err(Error::invalid_document(
            path,
            "a verification method must not express its key both as publicKeyJwk and publicKeyMultibase",
        ));
    }
    if vm.method_type().is_some() && vm.blockchain_account_id.is_none() {
        let decoded = match vm.public_key() {
            // Well-formed material of a key type Xinlian cannot use (an RSA
            // or BLS JWK, a P-521 Multikey) is still a valid document.
            Err(Error::UnsupportedKeyType { .. })
                if vm
                    .method_type()
                    .and_then(VerificationMethodType::required_key_type)
                    .is_none() =>
            {
                Ok(())
            }
            other => other.map(|_| ()),
        };
        decoded.map_err(|e| {
            // Point at the material that failed to decode, or at the method
            // itself when the material its type needs is missing.
            let property = [
                ("publicKeyJwk", vm.public_key_jwk.is_some()),
                ("publicKeyMultibase", vm.public_key_multibase.is_some()),
                ("publicKeyBase58", vm.public_key_base58.is_some()),
                ("publicKeyHex", vm.public_key_hex.is_some()),
            ]
            .into_iter()
            .find_map(|(name, present)| present.then_some(name));
            let at = match property {
                Some(name) => format!("{path}/{name}"),
                None => path.to_owned(),
            };
            Error::invalid_document(at, e.to_string())
        })?;
    }
    Ok(())
}

fn validate_endpoint(v: &Value, path: &str) -> Result<()> {
    match v {
        Value::String(s) if is_absolute_uri(s) => Ok(()),
        Value::String(_) => Err(Error::invalid_document(path, "must be an absolute URI")),
        Value::Object(_) => Ok(()),
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(_) => {}
                    Value::String(s) if is_absolute_uri(s) => {}
                    _ => {
                        return Err(Error::invalid_document(
                            format!("{path}/{i}"),
                            "must be an absolute URI or a map",
                        ));
                    }
                }
            }
            Ok(())
        }
        _ => Err(Error::invalid_document(
            path,
            "must be a URI, a map, or a non-empty set of URIs and maps",
        )),
    }
}

/// RFC 3986 `scheme ":" …` with a non-empty remainder and no whitespace.
pub(crate) fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}
