//! RDFC-1.0 with SHA-384 as its hash function, for ecdsa-rdfc-2019 with
//! P-384 keys.
//!
//! `ssi-rdf` implements RDFC-1.0 with SHA-256 only. For SHA-384 the quads
//! that `ssi-json-ld` produced are handed to Oxigraph's `oxrdf`, whose
//! RDFC-1.0 takes the hash function as a parameter, only to compute the
//! canonical blank node labels; the relabelled quads are then written as
//! canonical N-Quads exactly as on the SHA-256 path.

use std::collections::HashMap;

use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxrdf::{BlankNode, Dataset, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use ssi_json_ld::json_ld::rdf_types::{self, BlankIdBuf, Id, LiteralType};
use ssi_rdf::LexicalQuad;

use super::canonicalize::RdfcHash;

/// The canonical N-Quads of `quads` under Oxigraph's RDFC-1.0 with `hash`
/// (SHA-384 for ecdsa-rdfc-2019 on P-384; SHA-256 only to check this path
/// against the whole W3C suite).
pub(super) fn canonical_nquads(mut quads: Vec<LexicalQuad>, hash: RdfcHash) -> String {
    let mut dataset = Dataset::new();
    for quad in &quads {
        dataset.insert(&to_oxrdf(quad));
    }
    let labels: HashMap<String, String> = dataset
        .canonicalize_blank_nodes(CanonicalizationAlgorithm::Rdfc10 {
            hash_algorithm: match hash {
                RdfcHash::Sha256 => CanonicalizationHashAlgorithm::Sha256,
                RdfcHash::Sha384 => CanonicalizationHashAlgorithm::Sha384,
            },
        })
        .into_iter()
        .map(|(from, to)| (from.as_str().to_owned(), to.as_str().to_owned()))
        .collect();
    let relabel = |id: &mut BlankIdBuf| {
        if let Some(new) = labels.get(id.suffix())
            && let Ok(label) = BlankIdBuf::new(format!("_:{new}"))
        {
            *id = label;
        }
    };
    for rdf_types::Quad(s, _, o, g) in &mut quads {
        if let Id::Blank(b) = s {
            relabel(b);
        }
        if let rdf_types::Object::Id(Id::Blank(b)) = o {
            relabel(b);
        }
        if let Some(Id::Blank(b)) = g {
            relabel(b);
        }
    }
    super::nquads::document(&quads)
}

fn to_oxrdf(quad: &LexicalQuad) -> Quad {
    let rdf_types::Quad(s, p, o, g) = quad;
    let object: Term = match o {
        rdf_types::Object::Id(id) => node(id).into(),
        rdf_types::Object::Literal(literal) => match &literal.type_ {
            LiteralType::Any(ty) => {
                Literal::new_typed_literal(literal.value.as_str(), NamedNode::new_unchecked(ty.as_str())).into()
            }
            LiteralType::LangString(tag) => {
                Literal::new_language_tagged_literal_unchecked(literal.value.as_str(), tag.as_str()).into()
            }
        },
    };
    let graph = match g {
        None => GraphName::DefaultGraph,
        Some(id) => match node(id) {
            NamedOrBlankNode::NamedNode(n) => GraphName::NamedNode(n),
            NamedOrBlankNode::BlankNode(b) => GraphName::BlankNode(b),
        },
    };
    Quad::new(node(s), NamedNode::new_unchecked(p.as_str()), object, graph)
}

fn node(id: &Id) -> NamedOrBlankNode {
    match id {
        Id::Iri(iri) => NamedNode::new_unchecked(iri.as_str()).into(),
        Id::Blank(b) => BlankNode::new_unchecked(b.suffix()).into(),
    }
}
