//! Data-model checks shared by credentials and presentations.
//!
//! Every check reports the JSON pointer of the offending value.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::DataModelVersion;
use super::context::{TermScope, check_context};
use super::datetime::parse_date_time_stamp;
use crate::Error;

/// A failed check: where and why. Becomes [`Error::Structure`].
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) path: String,
    pub(crate) reason: String,
}

impl Fail {
    pub(crate) fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Fail {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn into_error(self, what: &'static str) -> Error {
        Error::Structure {
            what,
            path: if self.path.is_empty() { "/".into() } else { self.path },
            reason: self.reason,
        }
    }
}

/// `base` extended by one reference token, escaped per RFC 6901.
pub(crate) fn pointer(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` is an absolute URL (RFC 3986 `scheme ":" rest`), which is
/// what the data model asks of every `id`. DIDs and URNs qualify.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !rest.is_empty()
        && !rest.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

/// The items of a property that may hold one value or an array of them.
pub(crate) fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v) => vec![v],
    }
}

/// Items of a one-or-many property with their pointers.
fn items_with_paths<'a>(value: &'a Value, path: &str) -> Vec<(&'a Value, String)> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (v, pointer(path, &i.to_string())))
            .collect(),
        v => vec![(v, path.to_string())],
    }
}

/// What a credential's checks found, for the accessors.
pub(crate) struct CheckedCredential {
    pub(crate) version: DataModelVersion,
    pub(crate) valid_from: Option<OffsetDateTime>,
    pub(crate) valid_until: Option<OffsetDateTime>,
}

/// Checks a credential object found at `base` ("" at the top level).
pub(crate) fn check_credential(object: &Map<String, Value>, base: &str) -> Result<CheckedCredential, Fail> {
    let scope = check_context(object, base)?;
    let version = scope.version();
    check_optional_id(object, base)?;
    check_types(object, base, &scope, "VerifiableCredential")?;
    check_issuer(object, base)?;
    check_language_value(object, base, "name")?;
    check_language_value(object, base, "description")?;

    let (from_key, until_key) = match version {
        DataModelVersion::V2_0 => ("validFrom", "validUntil"),
        DataModelVersion::V1_1 => ("issuanceDate", "expirationDate"),
    };
    let valid_from = date_time(object, base, from_key)?;
    let valid_until = date_time(object, base, until_key)?;
    if version == DataModelVersion::V1_1 && valid_from.is_none() {
        return Err(Fail::new(
            pointer(base, "issuanceDate"),
            "issuanceDate is required by VC Data Model 1.1",
        ));
    }
    if let (Some(from), Some(until)) = (valid_from, valid_until)
        && until < from
    {
        return Err(Fail::new(
            pointer(base, until_key),
            format!("{until_key} must not be earlier than {from_key}"),
        ));
    }

    check_subjects(object, base)?;
    check_typed_objects(object, base, &scope, "credentialStatus", IdRule::Optional)?;
    check_typed_objects(object, base, &scope, "credentialSchema", IdRule::Required)?;
    check_typed_objects(object, base, &scope, "evidence", IdRule::Optional)?;
    check_typed_objects(object, base, &scope, "termsOfUse", IdRule::Optional)?;
    check_typed_objects(object, base, &scope, "refreshService", IdRule::Optional)?;
    check_proofs(object, base)?;
    Ok(CheckedCredential {
        version,
        valid_from,
        valid_until,
    })
}

/// Checks the properties a presentation shares with nothing else; the
/// embedded credentials are checked by the caller.
pub(crate) fn check_presentation_envelope(object: &Map<String, Value>) -> Result<DataModelVersion, Fail> {
    let scope = check_context(object, "")?;
    check_optional_id(object, "")?;
    check_types(object, "", &scope, "VerifiablePresentation")?;
    match object.get("holder") {
        None => {}
        Some(Value::String(h)) if is_url(h) => {}
        Some(Value::String(h)) => return Err(Fail::new("/holder", format!("holder {h:?} is not a URL"))),
        Some(Value::Object(h)) => {
            match h.get("id") {
                Some(Value::String(id)) if is_url(id) => {}
                Some(_) => return Err(Fail::new("/holder/id", "holder.id must be a URL")),
                None => return Err(Fail::new("/holder/id", "a holder object must have an id")),
            }
            check_language_value(h, "/holder", "name")?;
            check_language_value(h, "/holder", "description")?;
        }
        Some(_) => return Err(Fail::new("/holder", "holder must be a URL or an object with an id")),
    }
    check_language_value(object, "", "name")?;
    check_language_value(object, "", "description")?;
    check_typed_objects(object, "", &scope, "termsOfUse", IdRule::Optional)?;
    check_proofs(object, "")?;
    Ok(scope.version())
}

/// Checks an `EnvelopedVerifiableCredential` object: a `data:` URL `id`.
pub(crate) fn check_enveloped(object: &Map<String, Value>, base: &str) -> Result<(), Fail> {
    check_context(object, base)?;
    match object.get("id") {
        Some(Value::String(id)) if id.starts_with("data:") && is_url(id) => Ok(()),
        Some(_) => Err(Fail::new(
            pointer(base, "id"),
            "an enveloped credential's id must be a data: URL",
        )),
        None => Err(Fail::new(
            pointer(base, "id"),
            "an enveloped credential must have an id (a data: URL)",
        )),
    }
}

/// Whether an object's `type` includes `name`.
pub(crate) fn has_type(object: &Map<String, Value>, name: &str) -> bool {
    one_or_many(object.get("type")).iter().any(|t| t.as_str() == Some(name))
}

fn check_optional_id(object: &Map<String, Value>, base: &str) -> Result<(), Fail> {
    match object.get("id") {
        None => Ok(()),
        Some(Value::String(id)) if is_url(id) => Ok(()),
        Some(Value::String(id)) => Err(Fail::new(pointer(base, "id"), format!("id {id:?} is not a URL"))),
        Some(_) => Err(Fail::new(pointer(base, "id"), "id must be a single URL")),
    }
}

/// `type` is a string or a non-empty array of strings, each mapping to a URL.
fn type_values<'a>(value: &'a Value, path: &str, scope: &TermScope) -> Result<Vec<&'a str>, Fail> {
    let mut out = Vec::new();
    for (item, item_path) in items_with_paths(value, path) {
        match item {
            Value::String(t) if !t.is_empty() => {
                if !scope.maps_to_url(t) {
                    return Err(Fail::new(
                        item_path,
                        format!("type {t:?} does not map to a URL under the @context"),
                    ));
                }
                out.push(t.as_str());
            }
            _ => return Err(Fail::new(item_path, "type values must be non-empty strings")),
        }
    }
    if out.is_empty() {
        return Err(Fail::new(path, "type must not be empty"));
    }
    Ok(out)
}

fn check_types(object: &Map<String, Value>, base: &str, scope: &TermScope, required: &str) -> Result<(), Fail> {
    let path = pointer(base, "type");
    let Some(value) = object.get("type") else {
        return Err(Fail::new(path, format!("type is missing (it must include {required})")));
    };
    if let Value::Array(items) = value
        && items.is_empty()
    {
        return Err(Fail::new(path, format!("type must include {required}")));
    }
    let types = type_values(value, &path, scope)?;
    if !types.contains(&required) {
        return Err(Fail::new(path, format!("type must include {required}")));
    }
    Ok(())
}

fn check_issuer(object: &Map<String, Value>, base: &str) -> Result<(), Fail> {
    let path = pointer(base, "issuer");
    match object.get("issuer") {
        None => Err(Fail::new(path, "issuer is missing")),
        Some(Value::String(url)) if is_url(url) => Ok(()),
        Some(Value::String(url)) => Err(Fail::new(path, format!("issuer {url:?} is not a URL"))),
        Some(Value::Object(issuer)) => {
            let id_path = pointer(&path, "id");
            match issuer.get("id") {
                Some(Value::String(id)) if is_url(id) => {}
                Some(Value::String(id)) => return Err(Fail::new(id_path, format!("issuer.id {id:?} is not a URL"))),
                Some(_) => return Err(Fail::new(id_path, "issuer.id must be a URL")),
                None => return Err(Fail::new(id_path, "an issuer object must have an id")),
            }
            check_language_value(issuer, &path, "name")?;
            check_language_value(issuer, &path, "description")
        }
        Some(_) => Err(Fail::new(path, "issuer must be a URL or an object with an id")),
    }
}

/// `name` / `description`: a string, a language value object
/// (`@value`, optional `@language` and `@direction`, nothing else), or an
/// array of those.
pub(crate) fn check_language_value(object: &Map<String, Value>, base: &str, key: &str) -> Result<(), Fail> {
    let Some(value) = object.get(key) else {
        return Ok(());
    };
    let path = pointer(base, key);
    if let Value::Array(items) = value
        && items.is_empty()
    {
        return Err(Fail::new(path, format!("{key} must not be an empty array")));
    }
    for (item, item_path) in items_with_paths(value, &path) {
        match item {
            Value::String(_) => {}
            Value::Object(lang) => {
                for (k, v) in lang {
                    let ok = match k.as_str() {
                        "@value" | "@language" => v.is_string(),
                        "@direction" => matches!(v.as_str(), Some("ltr" | "rtl")),
                        _ => {
                            return Err(Fail::new(
                                pointer(&item_path, k),
                                format!(
                                    "a language value object allows only @value, @language and @direction, not {k:?}"
                                ),
                            ));
                        }
                    };
                    if !ok {
                        return Err(Fail::new(pointer(&item_path, k), format!("{k} has the wrong type")));
                    }
                }
                if !lang.contains_key("@value") {
                    return Err(Fail::new(
                        pointer(&item_path, "@value"),
                        "a language value object needs @value",
                    ));
                }
            }
            _ => {
                return Err(Fail::new(
                    item_path,
                    format!("{key} must be a string or a language value object"),
                ));
            }
        }
    }
    Ok(())
}

fn date_time(object: &Map<String, Value>, base: &str, key: &str) -> Result<Option<OffsetDateTime>, Fail> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => parse_date_time_stamp(s).map(Some).map_err(|reason| {
            Fail::new(
                pointer(base, key),
                format!("{s:?} is not an XML Schema dateTimeStamp: {reason}"),
            )
        }),
        Some(_) => Err(Fail::new(
            pointer(base, key),
            format!("{key} must be a dateTimeStamp string"),
        )),
    }
}

fn check_subjects(object: &Map<String, Value>, base: &str) -> Result<(), Fail> {
    let path = pointer(base, "credentialSubject");
    let Some(value) = object.get("credentialSubject") else {
        return Err(Fail::new(path, "credentialSubject is missing"));
    };
    if let Value::Array(items) = value
        && items.is_empty()
    {
        return Err(Fail::new(path, "credentialSubject must not be an empty array"));
    }
    for (subject, subject_path) in items_with_paths(value, &path) {
        let Value::Object(subject) = subject else {
            return Err(Fail::new(subject_path, "a credential subject must be an object"));
        };
        if subject.is_empty() {
            return Err(Fail::new(
                subject_path,
                "a credential subject must make at least one claim",
            ));
        }
        check_optional_id(subject, &subject_path)?;
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum IdRule {
    Optional,
    Required,
}

/// Properties whose values are objects with a `type` (and maybe an `id`):
/// credentialStatus, credentialSchema, evidence, termsOfUse, refreshService.
fn check_typed_objects(
    object: &Map<String, Value>,
    base: &str,
    scope: &TermScope,
    key: &str,
    id_rule: IdRule,
) -> Result<(), Fail> {
    let Some(value) = object.get(key) else {
        return Ok(());
    };
    let path = pointer(base, key);
    if let Value::Array(items) = value
        && items.is_empty()
    {
        return Err(Fail::new(path, format!("{key} must not be an empty array")));
    }
    for (item, item_path) in items_with_paths(value, &path) {
        let Value::Object(item) = item else {
            return Err(Fail::new(item_path, format!("each {key} must be an object")));
        };
        if id_rule == IdRule::Required && !item.contains_key("id") {
            return Err(Fail::new(pointer(&item_path, "id"), format!("{key} must have an id")));
        }
        check_optional_id(item, &item_path)?;
        let type_path = pointer(&item_path, "type");
        match item.get("type") {
            None => return Err(Fail::new(type_path, format!("{key} must have a type"))),
            Some(t) => {
                type_values(t, &type_path, scope)?;
            }
        }
    }
    Ok(())
}

fn check_proofs(object: &Map<String, Value>, base: &str) -> Result<(), Fail> {
    let Some(value) = object.get("proof") else {
        return Ok(());
    };
    let path = pointer(base, "proof");
    for (proof, proof_path) in items_with_paths(value, &path) {
        let Value::Object(proof) = proof else {
            return Err(Fail::new(proof_path, "a proof must be an object"));
        };
        match proof.get("type") {
            Some(Value::String(t)) if !t.is_empty() => {}
            Some(_) => {
                return Err(Fail::new(
                    pointer(&proof_path, "type"),
                    "proof type must be a non-empty string",
                ));
            }
            None => return Err(Fail::new(pointer(&proof_path, "type"), "a proof must have a type")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "https://example.com/a",
            "did:example:123",
            "urn:uuid:1234",
            "data:application/vc+jwt,eyJ",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in [
            "fake-issuer",
            "https ://not-a-url/x",
            "z6MkpJySvETLnxhQ",
            "1http://x",
            "did:",
            ":x",
            "a:b c",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }

    #[test]
    fn pointers_escape() {
        assert_eq!(pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }
}
