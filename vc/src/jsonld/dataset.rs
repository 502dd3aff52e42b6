//! RDFC-1.0 over an RDF dataset given directly (not from JSON-LD), with the
//! canonicalizers the RDF cryptosuites use: the W3C RDFC-1.0 suite runs
//! through these (`vc/tests/w3c_rdf_canon.rs`).

use oxrdf::{Dataset, NamedOrBlankNode};
use ssi_json_ld::json_ld::IriBuf;
use ssi_json_ld::json_ld::rdf_types::{self, BlankIdBuf, Id, Literal, LiteralType};
use ssi_json_ld::json_ld::syntax::LangTagBuf;
use ssi_rdf::LexicalQuad;

use super::canonicalize::{RdfcHash, canonical_nquads};
use crate::error::{Error, Result};

/// The RDFC-1.0 canonical N-Quads of `dataset`, by the canonicalizer the RDF
/// cryptosuites use for `hash`: `ssi-rdf` for SHA-256, Oxigraph's `oxrdf`
/// (labels) and `ssi-rdf` (N-Quads) for SHA-384.
///
/// # Errors
///
/// [`Error::JsonLd`] when a term of the dataset is not one `ssi-rdf` can
/// hold (an IRI it does not accept, a malformed language tag), or when its
/// blank nodes would need too much RDFC-1.0 work (a poison graph).
pub fn canonicalize_dataset(dataset: &Dataset, hash: RdfcHash) -> Result<String> {
    canonical_nquads(lexical_quads(dataset)?, hash)
}

/// [`canonicalize_dataset`] with Oxigraph's RDFC-1.0 whatever the hash, so
/// that the SHA-384 canonicalizer can be checked against every SHA-256 test
/// of the W3C suite too.
#[doc(hidden)]
pub fn canonicalize_dataset_with_oxrdf(dataset: &Dataset, hash: RdfcHash) -> Result<String> {
    let quads = lexical_quads(dataset)?;
    super::rdfc_budget::check(&quads)?;
    Ok(super::rdfc_sha384::canonical_nquads(quads, hash))
}

fn lexical_quads(dataset: &Dataset) -> Result<Vec<LexicalQuad>> {
    dataset
        .iter()
        .map(|quad| {
            let object = match quad.object {
                oxrdf::TermRef::NamedNode(n) => rdf_types::Object::Id(Id::Iri(iri(n.as_str())?)),
                oxrdf::TermRef::BlankNode(b) => rdf_types::Object::Id(Id::Blank(blank(b.as_str())?)),
                oxrdf::TermRef::Literal(l) => {
                    let type_ = match l.language() {
                        Some(tag) => LiteralType::LangString(
                            LangTagBuf::new(tag.to_owned())
                                .map_err(|_| invalid(format!("language tag {tag:?} is not well-formed")))?,
                        ),
                        None => LiteralType::Any(iri(l.datatype().as_str())?),
                    };
                    rdf_types::Object::Literal(Literal::new(l.value().to_owned(), type_))
                }
            };
            let graph = match quad.graph_name {
                oxrdf::GraphNameRef::DefaultGraph => None,
                oxrdf::GraphNameRef::NamedNode(n) => Some(Id::Iri(iri(n.as_str())?)),
                oxrdf::GraphNameRef::BlankNode(b) => Some(Id::Blank(blank(b.as_str())?)),
            };
            Ok(rdf_types::Quad(
                subject(quad.subject.into_owned())?,
                iri(quad.predicate.as_str())?,
                object,
                graph,
            ))
        })
        .collect()
}

fn subject(node: NamedOrBlankNode) -> Result<Id> {
    match node {
        NamedOrBlankNode::NamedNode(n) => Ok(Id::Iri(iri(n.as_str())?)),
        NamedOrBlankNode::BlankNode(b) => Ok(Id::Blank(blank(b.as_str())?)),
    }
}

fn iri(s: &str) -> Result<IriBuf> {
    IriBuf::new(s.to_owned()).map_err(|_| invalid(format!("{s:?} is not an IRI")))
}

fn blank(label: &str) -> Result<BlankIdBuf> {
    BlankIdBuf::new(format!("_:{label}")).map_err(|_| invalid(format!("_:{label} is not a blank node label")))
}

fn invalid(reason: String) -> Error {
    Error::JsonLd {
        path: String::new(),
        reason: format!("RDF dataset: {reason}"),
    }
}
