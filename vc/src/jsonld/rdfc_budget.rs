//! A work limit for RDFC-1.0, checked before canonicalizing.
//!
//! RDFC-1.0 tells blank nodes with the same first-degree hash apart by
//! hashing their neighbourhoods over every permutation of related blank
//! nodes that hash alike, recursively: exponential work for "poison" graphs
//! such as a clique of identical blank nodes (RDFC-1.0 §4.8 and its
//! "Dataset Poisoning" section; W3C rdf-canon test074). Neither `ssi-rdf`
//! nor `oxrdf` bounds that work, so a credential of a few hundred bytes
//! could keep a verifier busy for hours. Implementations are expected to
//! refuse such datasets (jsonld.js's `rdf-canonize` does, by default, after
//! as many deep iterations per blank node as there are blank nodes).
//!
//! This module counts an upper bound on that work without hashing: blank
//! nodes are grouped by a first-degree key (their quads with their own
//! label as `_:a` and others as `_:z`, which is what RDFC-1.0 hashes), and
//! the N-degree step is replayed with every permutation of every group of
//! alike related nodes counted and recursion into each related node that
//! is not yet issued. Hash comparisons can only prune that work, so the
//! count bounds it. Past [`WORK_LIMIT`] the dataset is refused.

use std::collections::{BTreeMap, HashMap};

use ssi_json_ld::json_ld::rdf_types::{self, BlankIdBuf, Id, Object};
use ssi_rdf::LexicalQuad;

use crate::error::{Error, Result};

/// Units of N-degree work (one per call, and one per related node per
/// permutation) a dataset may need. Datasets without alike blank nodes
/// need none; the bound for most W3C rdf-canon tests is under 300, for its
/// three "poison, computable given defined limits" tests (044 to 046)
/// 1,103,340, and for its 10-node clique (test074) more than 10^10.
pub(super) const WORK_LIMIT: u64 = 2_000_000;

/// Refuses a dataset whose blank nodes could need more than [`WORK_LIMIT`]
/// units of RDFC-1.0 N-degree work.
pub(super) fn check(quads: &[LexicalQuad]) -> Result<()> {
    let graph = Graph::new(quads);
    let mut budget = WORK_LIMIT;
    for n in 0..graph.nodes.len() {
        if !graph.unique[n] {
            let mut issued = vec![false; graph.nodes.len()];
            if graph.count(n, &mut issued, &mut budget).is_err() {
                return Err(Error::JsonLd {
                    path: String::new(),
                    reason: format!(
                        "the RDF dataset's blank nodes need more than {WORK_LIMIT} steps of RDFC-1.0 to tell \
                         apart (a poison graph, e.g. a clique of identical blank nodes); refused"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The budget ran out.
struct Exceeded;

fn spend(budget: &mut u64, units: u64) -> std::result::Result<(), Exceeded> {
    *budget = budget.checked_sub(units).ok_or(Exceeded)?;
    Ok(())
}

struct Graph {
    nodes: Vec<BlankIdBuf>,
    /// For each blank node: the groups of related blank nodes that hash
    /// alike (same position, predicate and first-degree key), as RDFC-1.0's
    /// "hash to related blank nodes" map; a node may be listed twice.
    related: Vec<Vec<Vec<usize>>>,
    /// Whether the node's first-degree key is unique (it is issued its
    /// canonical label before the N-degree step).
    unique: Vec<bool>,
}

impl Graph {
    fn new(quads: &[LexicalQuad]) -> Graph {
        let mut index: HashMap<BlankIdBuf, usize> = HashMap::new();
        let mut nodes = Vec::new();
        let mut mentions: Vec<Vec<usize>> = Vec::new();
        for (q, quad) in quads.iter().enumerate() {
            for b in blanks(quad) {
                let i = *index.entry(b.clone()).or_insert_with(|| {
                    nodes.push(b.clone());
                    mentions.push(Vec::new());
                    nodes.len() - 1
                });
                if mentions[i].last() != Some(&q) {
                    mentions[i].push(q);
                }
            }
        }
        let keys: Vec<String> = (0..nodes.len())
            .map(|i| first_degree_key(&nodes[i], mentions[i].iter().map(|&q| &quads[q])))
            .collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for k in &keys {
            *counts.entry(k.as_str()).or_default() += 1;
        }
        let unique: Vec<bool> = keys.iter().map(|k| counts.get(k.as_str()) == Some(&1)).collect();
        let related = (0..nodes.len())
            .map(|n| {
                let mut groups: BTreeMap<(char, String, String), Vec<usize>> = BTreeMap::new();
                for &q in &mentions[n] {
                    let rdf_types::Quad(s, p, o, g) = &quads[q];
                    let mut add = |position: char, id: &Id| {
                        if let Id::Blank(b) = id
                            && *b != nodes[n]
                            && let Some(&r) = index.get(b)
                        {
                            // A unique node is told apart by its own label.
                            let key = if unique[r] { b.to_string() } else { keys[r].clone() };
                            let predicate = if position == 'g' { String::new() } else { p.to_string() };
                            groups.entry((position, predicate, key)).or_default().push(r);
                        }
                    };
                    add('s', s);
                    if let Object::Id(o) = o {
                        add('o', o);
                    }
                    if let Some(g) = g {
                        add('g', g);
                    }
                }
                groups.into_values().collect()
            })
            .collect();
        Graph { nodes, related, unique }
    }

    /// Upper bound on the Hash N-Degree Quads work for `n` with the nodes
    /// in `issued` already issued (by the canonical issuer or the issuer
    /// copy); spends it from `budget`.
    fn count(&self, n: usize, issued: &mut [bool], budget: &mut u64) -> std::result::Result<(), Exceeded> {
        spend(budget, 1)?;
        let was_issued = std::mem::replace(&mut issued[n], true);
        for group in &self.related[n] {
            let size = group.len() as u64;
            let permutations = factorial(size).ok_or(Exceeded)?;
            spend(budget, permutations.checked_mul(size).ok_or(Exceeded)?)?;
            // Within a permutation every member is issued before the
            // recursion into those that were not issued yet.
            let recurse: Vec<usize> = group
                .iter()
                .copied()
                .filter(|&r| !issued[r] && !self.unique[r])
                .collect();
            if recurse.is_empty() {
                continue;
            }
            let newly: Vec<usize> = group.iter().copied().filter(|&r| !issued[r]).collect();
            for &r in &newly {
                issued[r] = true;
            }
            let before = *budget;
            let mut result = Ok(());
            for &r in &recurse {
                issued[r] = false;
                result = self.count(r, issued, budget);
                issued[r] = true;
                if result.is_err() {
                    break;
                }
            }
            for &r in &newly {
                issued[r] = false;
            }
            result?;
            // The same recursion runs once per permutation.
            let once = before - *budget;
            spend(budget, once.checked_mul(permutations - 1).ok_or(Exceeded)?)?;
        }
        issued[n] = was_issued;
        Ok(())
    }
}

fn factorial(n: u64) -> Option<u64> {
    (2..=n).try_fold(1u64, |acc, k| acc.checked_mul(k))
}

fn blanks(quad: &LexicalQuad) -> impl Iterator<Item = &BlankIdBuf> {
    let rdf_types::Quad(s, _, o, g) = quad;
    let object = match o {
        Object::Id(id) => Some(id),
        Object::Literal(_) => None,
    };
    [Some(s), object, g.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|id| match id {
            Id::Blank(b) => Some(b),
            Id::Iri(_) => None,
        })
}

/// RDFC-1.0's first-degree input for `node`: its quads with its own label
/// written `_:a` and every other blank node `_:z`, sorted.
fn first_degree_key<'a>(node: &BlankIdBuf, quads: impl Iterator<Item = &'a LexicalQuad>) -> String {
    let (a, z) = match (BlankIdBuf::new("_:a".to_owned()), BlankIdBuf::new("_:z".to_owned())) {
        (Ok(a), Ok(z)) => (a, z),
        _ => return String::new(),
    };
    let relabel = |id: &Id| match id {
        Id::Blank(b) if b == node => Id::Blank(a.clone()),
        Id::Blank(_) => Id::Blank(z.clone()),
        iri => iri.clone(),
    };
    let mut lines: Vec<String> = quads
        .map(|rdf_types::Quad(s, p, o, g)| {
            let o = match o {
                Object::Id(id) => Object::Id(relabel(id)),
                literal => literal.clone(),
            };
            super::nquads::statement(&rdf_types::Quad(relabel(s), p.clone(), o, g.as_ref().map(relabel)))
        })
        .collect();
    lines.sort_unstable();
    lines.concat()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Error;
    use crate::jsonld::{ContextLoader, canonicalize};

    /// RDFC-1.0 "Dataset Poisoning": a clique of identical blank nodes made
    /// ssi-rdf run for hours; it is refused before canonicalization.
    #[test]
    fn regression_a_blank_node_clique_is_refused_not_canonicalized() {
        let knows = |i: usize| -> Vec<serde_json::Value> {
            (0..10)
                .filter(|&j| j != i)
                .map(|j| json!({"@id": format!("_:n{j}")}))
                .collect()
        };
        let nodes: Vec<_> = (0..10)
            .map(|i| json!({"@id": format!("_:n{i}"), "https://example.org/knows": knows(i)}))
            .collect();
        let doc = json!({"@context": {}, "@graph": nodes});
        let started = std::time::Instant::now();
        let err = canonicalize(doc.as_object().unwrap(), &ContextLoader::new()).unwrap_err();
        assert!(
            matches!(&err, Error::JsonLd { reason, .. } if reason.contains("poison graph")),
            "{err:?}"
        );
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    /// Alike blank nodes that RDFC-1.0 tells apart cheaply still canonicalize.
    #[test]
    fn many_identical_leaves_and_a_small_cycle_are_fine() {
        let leaves: Vec<_> = (0..12).map(|_| json!({"@type": "https://example.org/Leaf"})).collect();
        let doc = json!({
            "@id": "urn:example:s",
            "https://example.org/leaf": leaves,
            "https://example.org/pair": [
                {"@id": "_:x", "https://example.org/next": {"@id": "_:y"}},
                {"@id": "_:y", "https://example.org/next": {"@id": "_:x"}}
            ]
        });
        let nquads = canonicalize(doc.as_object().unwrap(), &ContextLoader::new()).unwrap();
        assert_eq!(nquads.lines().count(), 12 * 2 + 4);
    }
}
