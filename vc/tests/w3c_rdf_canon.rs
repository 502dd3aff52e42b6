//! The W3C RDF Dataset Canonicalization (RDFC-1.0) suite (w3c/rdf-canon,
//! `manifest.jsonld`) through both canonicalizers in the tree: `ssi-rdf`
//! (SHA-256, every RDF cryptosuite but P-384) and the Oxigraph path
//! (SHA-384 for ecdsa-rdfc-2019 on P-384, run here with the hash each test
//! names, so the SHA-256 tests check it too). Expected canonical N-Quads are
//! compared byte for byte; the poison graph (test074, the negative test)
//! must be refused by the RDFC work limit, quickly.
//!
//! Prints `rdfc (ssi-rdf): …` and `rdfc (oxrdf): N passed, M failed,
//! K not applicable` and fails on any test that does not pass and is not
//! listed in [`NOT_APPLICABLE`] with its reason.
#![cfg(feature = "jsonld")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod w3c;

use std::path::Path;

use serde_json::Value;
use xinlian_vc::Result;
use xinlian_vc::jsonld::{RdfcHash, canonicalize_dataset, canonicalize_dataset_with_oxrdf};

/// Tests that are not run, with the reason (besides the map tests, see
/// [`MAP_TEST_REASON`]).
const NOT_APPLICABLE: &[(&str, &str)] = &[];

/// Map tests check the issued-identifier map, which neither canonicalizer
/// returns to the cryptosuites; the eval test on the same input (`…c`)
/// checks the labels they issue, byte for byte.
const MAP_TEST_REASON: &str = "issued-identifier map (not an output of the canonicalizers as the cryptosuites \
                               use them); the eval test on the same input checks the canonical N-Quads";

type Canonicalizer = fn(&oxrdf::Dataset, RdfcHash) -> Result<String>;

fn run_suite(name: &str, canonicalize: Canonicalizer) {
    let root = w3c::vectors().join("w3c-rdf-canon-tests");
    let manifest: Value = serde_json::from_str(&w3c::read(&root.join("manifest.jsonld"))).unwrap();
    let tests = manifest["entries"].as_array().unwrap();
    let (mut passed, mut failed, mut na) = (0, 0, 0);
    let mut failures = Vec::new();
    for test in tests {
        let id = test["id"].as_str().unwrap();
        if NOT_APPLICABLE.iter().any(|(n, _)| *n == id) || test["type"] == "rdfc:RDFC10MapTest" {
            na += 1;
            continue;
        }
        let outcome = match test["type"].as_str() {
            Some("rdfc:RDFC10EvalTest") => run(&root, test, canonicalize),
            // A poison graph: refused for its cost (the work limit checked
            // before either canonicalizer runs), in well under a second.
            Some("rdfc:RDFC10NegativeEvalTest") => run_negative(&root, test, canonicalize),
            other => panic!("{id}: test type {other:?} this runner does not know"),
        };
        match outcome {
            Ok(()) => passed += 1,
            Err(why) => {
                failed += 1;
                failures.push(format!("{id} ({}): {why}", test["name"].as_str().unwrap_or("")));
            }
        }
    }
    for (id, _) in NOT_APPLICABLE {
        assert!(
            tests.iter().any(|t| t["id"] == *id),
            "{id} is listed but not in the manifest"
        );
    }
    assert!(!MAP_TEST_REASON.is_empty());
    println!("rdfc ({name}): {passed} passed, {failed} failed, {na} not applicable");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(passed + failed + na, tests.len());
}

fn run(root: &Path, test: &Value, canonicalize: Canonicalizer) -> std::result::Result<(), String> {
    let hash = match test.get("hashAlgorithm").and_then(Value::as_str) {
        None | Some("SHA256") => RdfcHash::Sha256,
        Some("SHA384") => RdfcHash::Sha384,
        Some(other) => return Err(format!("unknown hash algorithm {other}")),
    };
    let input = w3c::dataset(&w3c::read(&root.join(test["action"].as_str().unwrap())))?;
    let expected = w3c::read(&root.join(test["result"].as_str().unwrap()));
    let ours = canonicalize(&input, hash).map_err(|e| e.to_string())?;
    if ours == expected {
        Ok(())
    } else {
        Err(format!("ours:\n{ours}expected:\n{expected}"))
    }
}

fn run_negative(root: &Path, test: &Value, canonicalize: Canonicalizer) -> std::result::Result<(), String> {
    let input = w3c::dataset(&w3c::read(&root.join(test["action"].as_str().unwrap())))?;
    let started = std::time::Instant::now();
    match canonicalize(&input, RdfcHash::Sha256) {
        Ok(nquads) => Err(format!(
            "canonicalized a poison graph instead of refusing it:\n{nquads}"
        )),
        Err(e) if e.to_string().contains("poison graph") && started.elapsed().as_secs() < 5 => Ok(()),
        Err(e) => Err(format!(
            "refused after {:?}, for another reason: {e}",
            started.elapsed()
        )),
    }
}

#[test]
fn w3c_rdfc_suite_through_ssi_rdf() {
    run_suite("ssi-rdf", |dataset, hash| match hash {
        // ssi-rdf implements SHA-256 only; the cryptosuites hand SHA-384 to
        // the Oxigraph path, and so does canonicalize_dataset.
        RdfcHash::Sha256 | RdfcHash::Sha384 => canonicalize_dataset(dataset, hash),
        _ => unreachable!(),
    });
}

#[test]
fn w3c_rdfc_suite_through_oxrdf() {
    run_suite("oxrdf", canonicalize_dataset_with_oxrdf);
}
