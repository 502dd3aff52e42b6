//! Shared by the W3C suite runners (`w3c_to_rdf.rs`, `w3c_rdf_canon.rs`):
//! where the suites are, and N-Quads read as RDF datasets.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use oxrdf::Dataset;
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxttl::NQuadsParser;

/// `shared/vectors`, beside the repository (`$REPO/../shared/vectors`), or
/// where `XINLIAN_SHARED_VECTORS` says (a worktree that is not beside
/// `shared/`): the W3C suites are read in place, never fetched. A missing
/// folder fails the test (it never skips).
pub fn vectors() -> PathBuf {
    let dir = match std::env::var_os("XINLIAN_SHARED_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
    };
    assert!(
        dir.is_dir(),
        "the W3C test vectors are missing: expected them in {} ($REPO/../shared/vectors, or set XINLIAN_SHARED_VECTORS)",
        dir.display()
    );
    dir
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An N-Quads document as an RDF dataset.
pub fn dataset(nquads: &str) -> Result<Dataset, String> {
    let mut dataset = Dataset::new();
    for quad in NQuadsParser::new().for_slice(nquads) {
        dataset.insert(&quad.map_err(|e| e.to_string())?);
    }
    Ok(dataset)
}

/// The statements of `dataset` with blank nodes labelled by RDFC-1.0
/// (Oxigraph's), sorted: two datasets are isomorphic exactly when these are
/// equal.
pub fn isomorphism_key(mut dataset: Dataset) -> Vec<String> {
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .")).collect();
    lines.sort();
    lines
}
