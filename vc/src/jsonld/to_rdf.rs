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
use ssi_rdf::{LexicalQuad, NQuadsStatement};

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
    let mut lines: Vec<String> = quads(expanded)
        .iter()
        .map(|quad| NQuadsStatement(quad).to_string())
        .collect();
    lines.sort_unstable();
    lines.dedup();
    Ok(lines.concat())
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
