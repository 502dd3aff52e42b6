//! JSON-LD 1.1 "Deserialize JSON-LD to RDF" over an expanded document:
//! the step between expansion and RDFC-1.0 in every RDF cryptosuite.
//!
//! The conversion is the `json-ld` crate's own implementation of the W3C
//! algorithm (`json_ld::rdf`, the one its W3C `toRdf` tests run), not the
//! `linked-data` visitor that `ssi-rdf`'s `LdEnvironment` uses. That visitor
//! types every native boolean `xsd:boolean` even when the term has a type
//! mapping (Open Badges 3.0.3 maps `hashed` to
//! `https://www.w3.org/2001/XMLSchema#boolean`), writes typed numbers in the
//! JSON's lexical form, and so produces RDF that jsonld.js, pyld and the W3C
//! suite disagree with (see `vendor/README.md`, "Upstream bugs").

use serde_json::{Map, Value};
use ssi_json_ld::json_ld::rdf::RdfQuads as _;
use ssi_json_ld::json_ld::rdf_types::{Id, Quad, generator};
use ssi_json_ld::json_ld::{BlankIdBuf, ExpandedDocument, IriBuf};
use ssi_rdf::LexicalQuad;

use super::canonicalize::{Input, expand, run_to_completion, to_json_syntax};
use super::loader::ContextLoader;
use crate::error::{Error, Result};

/// How strictly [`to_rdf`] expands.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Expansion {
    /// As the RDF cryptosuites expand: a property or type that no context
    /// defines is an [`Error::JsonLd`] (JSON-LD would drop it, so it would
    /// escape the signature).
    #[default]
    Strict,
    /// Standard JSON-LD 1.1 expansion: undefined terms are dropped. Only for
    /// conformance testing; never used to sign or verify.
    Standard,
}

/// The RDF dataset of a JSON-LD document as N-Quads (one statement per
/// line, sorted, not canonicalized: blank node labels are arbitrary), by
/// exactly the steps the RDF cryptosuites take before RDFC-1.0: expansion
/// with contexts from `loader` (never fetched), then JSON-LD 1.1
/// "Deserialize JSON-LD to RDF" (`rdfDirection` null, no generalized RDF).
///
/// `document` is a JSON object or an array of them. `base` is the document's
/// base IRI, against which relative IRIs (in `@id`, and context URLs) are
/// resolved; without one, as for credentials, relative IRIs are dropped.
///
/// # Errors
///
/// [`Error::JsonLd`] when the base is not an absolute IRI or the document
/// does not expand (with the JSON-LD error code), and
/// [`Error::UnknownContext`] for a context the loader does not hold.
pub fn to_rdf(document: &Value, base: Option<&str>, expansion: Expansion, loader: &ContextLoader) -> Result<String> {
    let base = base
        .map(|b| {
            IriBuf::new(b.to_owned()).map_err(|_| Error::JsonLd {
                path: String::new(),
                reason: format!("the base {b:?} is not an absolute IRI"),
            })
        })
        .transpose()?;
    let no_entries = Map::new();
    let (context, body, object) = match document {
        Value::Object(map) => {
            let body = json_syntax::Value::Object(
                map.iter()
                    .filter(|(k, _)| *k != "@context")
                    .map(|(k, v)| json_syntax::object::Entry::new(k.as_str().into(), to_json_syntax(v)))
                    .collect(),
            );
            (map.get("@context"), body, map)
        }
        other => (None, to_json_syntax(other), &no_entries),
    };
    let input = Input {
        context,
        body,
        base,
        strict: expansion == Expansion::Strict,
        document: object,
    };
    let expanded = run_to_completion(expand(input, loader))??;
    Ok(super::nquads::document(&quads(expanded)))
}

/// The RDF quads of an expanded document (JSON-LD 1.1 "Deserialize JSON-LD
/// to RDF", with the `json-ld` crate's own implementation): every node gets
/// a fresh blank node label unless it has an IRI, numbers and JSON literals
/// are put in canonical form, and value objects keep their `@type`, native
/// booleans and numbers included.
pub(super) fn quads(mut expanded: ExpandedDocument<IriBuf, BlankIdBuf>) -> Vec<LexicalQuad> {
    let mut generator = generator::Blank::new_with_prefix("b".to_owned());
    expanded.relabel_and_canonicalize_with(&mut (), &mut generator);
    expanded
        .rdf_quads_full(&mut (), &mut generator, None, false)
        .cloned()
        .filter_map(|Quad(s, p, o, g)| match p {
            Id::Iri(p) => Some(Quad(s, p, o, g)),
            // A blank node predicate is generalized RDF, which is not produced.
            Id::Blank(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::jsonld::{OPEN_BADGES_V3_0_3_CONTEXT, canonicalize};

    /// Issue 12: the Open Badges 3.0.3 context maps `hashed` to
    /// `https://www.w3.org/2001/XMLSchema#boolean` and `creditsEarned` to
    /// `https://www.w3.org/2001/XMLSchema#float` (https, not http). JSON-LD
    /// 1.1 value expansion keeps a term's type mapping on a native boolean or
    /// number, and "object to RDF" writes the value's lexical form with that
    /// datatype (a number with a fraction as a canonical xsd:double,
    /// `3.5E0`). The linked-data conversion used before typed the boolean
    /// `http://www.w3.org/2001/XMLSchema#boolean` and wrote `3.5`, so
    /// eddsa-rdfc-2022 signatures disagreed with jsonld.js, pyld and vc-js.
    #[test]
    fn regression_native_boolean_and_number_keep_the_terms_type_mapping() {
        let subject = json!({
            "@context": [OPEN_BADGES_V3_0_3_CONTEXT],
            "id": "did:example:learner",
            "type": "AchievementSubject",
            "creditsEarned": 3.5,
            "identifier": [{
                "type": "IdentityObject",
                "hashed": true,
                "identityHash": "sha256$0b5bd1d6b6b4a3a6e2f0c3c8c4d4e5f6",
                "identityType": "emailAddress",
                "salt": "not-so-salty"
            }]
        });
        let vocab = "https://purl.imsglobal.org/spec/vc/ob/vocab.html";
        let expected = format!(
            "<did:example:learner> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{vocab}#AchievementSubject> .\n\
             <did:example:learner> <{vocab}#creditsEarned> \"3.5E0\"^^<https://www.w3.org/2001/XMLSchema#float> .\n\
             <did:example:learner> <{vocab}#identifier> _:c14n0 .\n\
             _:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{vocab}#IdentityObject> .\n\
             _:c14n0 <{vocab}#hashed> \"true\"^^<https://www.w3.org/2001/XMLSchema#boolean> .\n\
             _:c14n0 <{vocab}#identityHash> \"sha256$0b5bd1d6b6b4a3a6e2f0c3c8c4d4e5f6\" .\n\
             _:c14n0 <{vocab}#identityType> \"emailAddress\" .\n\
             _:c14n0 <{vocab}#salt> \"not-so-salty\" .\n"
        );
        let loader = ContextLoader::new();
        let canonical = canonicalize(subject.as_object().unwrap(), &loader).unwrap();
        assert_eq!(canonical, expected);
        let sha384 =
            crate::jsonld::canonicalize_with(subject.as_object().unwrap(), crate::jsonld::RdfcHash::Sha384, &loader)
                .unwrap();
        assert_eq!(sha384, expected);
        // to_rdf gives the same statements (one blank node, labelled _:b…).
        let plain = to_rdf(&subject, None, Expansion::Strict, &loader).unwrap();
        assert_eq!(plain.replace("_:b0", "_:c14n0"), expected);
    }

    /// An integral number with a type mapping is written as an integer, with
    /// the mapped datatype; without one it is xsd:integer, and a number with
    /// a fraction or an exponent of 21 and more is a canonical xsd:double.
    #[test]
    fn numbers_follow_json_ld_object_to_rdf() {
        let doc = json!({
            "@context": {
                "credits": {"@id": "https://example.org/credits", "@type": "https://www.w3.org/2001/XMLSchema#float"},
                "n": "https://example.org/n"
            },
            "@id": "urn:example:s",
            "credits": 3,
            "n": [5, 5.0, 1.1, 1e21]
        });
        assert_eq!(
            canonicalize(doc.as_object().unwrap(), &ContextLoader::new()).unwrap(),
            "<urn:example:s> <https://example.org/credits> \"3\"^^<https://www.w3.org/2001/XMLSchema#float> .\n\
             <urn:example:s> <https://example.org/n> \"1.0E21\"^^<http://www.w3.org/2001/XMLSchema#double> .\n\
             <urn:example:s> <https://example.org/n> \"1.1E0\"^^<http://www.w3.org/2001/XMLSchema#double> .\n\
             <urn:example:s> <https://example.org/n> \"5\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
        );
    }
}
