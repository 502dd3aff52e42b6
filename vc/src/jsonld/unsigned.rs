//! Strict expansion's second half: what JSON-LD to RDF would silently drop.
//!
//! "Deserialize JSON-LD to RDF" leaves out a node whose `@id` is not an
//! absolute IRI (a relative reference in a credential, which has no base
//! IRI), every statement about it or pointing to it, and a value whose
//! language tag is not well-formed. What is left out is not signed: anyone
//! could change it without breaking the proof. jsonld.js's safe mode (which
//! vc-js canonicalizes with) refuses such documents, and so does Xinlian's
//! strict expansion.

use serde_json::{Map, Value};
use ssi_json_ld::json_ld::object::FragmentRef;
use ssi_json_ld::json_ld::{self, BlankIdBuf, ExpandedDocument, IriBuf};

use crate::error::{Error, Result};

/// An [`Error::JsonLd`] for the first IRI reference or language tag of
/// `expanded` that RDF conversion would drop, pointing into `document`
/// where it can.
pub(super) fn refuse_dropped(
    expanded: &ExpandedDocument<IriBuf, BlankIdBuf>,
    document: &Map<String, Value>,
) -> Result<()> {
    for fragment in expanded.traverse() {
        if let Some(json_ld::Id::Invalid(reference)) = fragment.as_id() {
            return Err(Error::JsonLd {
                path: pointer_to_string(document, &reference).unwrap_or_default(),
                reason: format!(
                    "{reference:?} is not an absolute IRI; JSON-LD to RDF would drop it and what it \
                     identifies, leaving them unsigned"
                ),
            });
        }
        let object = match fragment {
            FragmentRef::Object(o) => o,
            FragmentRef::IndexedObject(o) => o.inner(),
            _ => continue,
        };
        if let json_ld::Object::Value(json_ld::Value::LangString(s)) = object
            && let Some(tag) = s.language()
            && tag.as_well_formed().is_none()
        {
            return Err(Error::JsonLd {
                path: pointer_to_string(document, tag.as_str()).unwrap_or_default(),
                reason: format!(
                    "language tag {:?} is not well-formed (BCP 47); JSON-LD to RDF would drop the value, \
                     leaving it unsigned",
                    tag.as_str()
                ),
            });
        }
    }
    Ok(())
}

/// JSON pointer of the first string value equal to `wanted` (depth first,
/// document order, `@context` left out).
fn pointer_to_string(document: &Map<String, Value>, wanted: &str) -> Option<String> {
    fn walk(value: &Value, wanted: &str, path: String) -> Option<String> {
        match value {
            Value::String(s) if s == wanted => Some(path),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, wanted, format!("{path}/{i}"))),
            Value::Object(map) => in_map(map, wanted, &path),
            _ => None,
        }
    }
    fn in_map(map: &Map<String, Value>, wanted: &str, path: &str) -> Option<String> {
        map.iter()
            .filter(|(k, _)| *k != "@context")
            .find_map(|(k, v)| walk(v, wanted, format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"))))
    }
    in_map(document, wanted, "")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Error;
    use crate::jsonld::{ContextLoader, Expansion, canonicalize, to_rdf};

    fn refused(doc: serde_json::Value) -> (String, String) {
        match canonicalize(doc.as_object().unwrap(), &ContextLoader::new()) {
            Err(Error::JsonLd { path, reason }) => (path, reason),
            other => panic!("{other:?}"),
        }
    }

    /// Standard JSON-LD to RDF drops a relative `@id` (and everything said
    /// about the node) and a value with an ill-formed language tag, so they
    /// were not signed: anyone could change them. Strict expansion (signing
    /// and verifying) refuses them, as jsonld.js's safe mode does.
    #[test]
    fn regression_strict_expansion_refuses_what_rdf_would_leave_unsigned() {
        let context = json!({
            "name": "https://example.org/name",
            "knows": {"@id": "https://example.org/knows", "@type": "@id"}
        });
        let (path, reason) = refused(json!({
            "@context": context, "@id": "urn:example:s", "knows": "relative/thing", "name": "A"
        }));
        assert_eq!(path, "/knows");
        assert!(reason.contains("\"relative/thing\" is not an absolute IRI"), "{reason}");

        let (path, reason) = refused(json!({"@context": context, "@id": "relative", "name": "A"}));
        assert_eq!(path, "/@id");
        assert!(reason.contains("\"relative\" is not an absolute IRI"), "{reason}");

        let (path, reason) = refused(json!({
            "@context": context, "@id": "urn:example:s",
            "name": {"@value": "A", "@language": "not a tag!"}
        }));
        assert_eq!(path, "/name/@language");
        assert!(reason.contains("\"not a tag!\" is not well-formed"), "{reason}");

        // Standard expansion (conformance tests only) drops them silently.
        let standard = to_rdf(
            &json!({"@context": context, "@id": "relative", "name": "A"}),
            None,
            Expansion::Standard,
            &ContextLoader::new(),
        );
        assert_eq!(standard.unwrap(), "");
    }
}
