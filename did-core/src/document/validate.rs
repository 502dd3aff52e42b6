//! DID document validation with JSON-path errors.

use std::collections::HashSet;

use serde_json::Value;

use super::{Document, Relationship, VerificationMethod, VerificationReference};
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

    for (i, vm) in doc.verification_method.iter().enumerate() {
        let path = format!("/verificationMethod/{i}");
        add_id(&path, &vm.id)?;
        validate_method(vm, &path)?;
    }
    for rel in Relationship::ALL {
        for (i, entry) in doc.relationship(rel).iter().enumerate() {
            if let VerificationReference::Embedded(vm) = entry {
                let path = format!("/{}/{i}", rel.as_str());
                add_id(&path, &vm.id)?;
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
                if url.did_str() == doc.id.as_str() && !ids.contains(&url) {
                    return Err(Error::invalid_document(
                        path,
                        format!("refers to {url}, which is not in the document"),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn validate_context(ctx: &Value) -> Result<()> {
    let ok = |v: &Value| matches!(v, Value::String(_) | Value::Object(_));
    match ctx {
        Value::Array(items) => {
            if let Some(i) = items.iter().position(|v| !ok(v)) {
                return Err(Error::invalid_document(
                    format!("/@context/{i}"),
                    "must be a URL string or a context object",
                ));
            }
            Ok(())
        }
        v if ok(v) => Ok(()),
        _ => Err(Error::invalid_document(
            "/@context",
            "must be a string, an object or an array of them",
        )),
    }
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
        vm.public_key().map_err(|e| {
            let property = if vm.public_key_jwk.is_some() {
                "publicKeyJwk"
            } else if vm.public_key_multibase.is_some() {
                "publicKeyMultibase"
            } else if vm.public_key_base58.is_some() {
                "publicKeyBase58"
            } else {
                "type"
            };
            Error::invalid_document(format!("{path}/{property}"), e.to_string())
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
