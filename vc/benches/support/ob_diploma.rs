//! The Open Badges 3.0 diploma the eddsa-rdfc-2022 benchmarks sign
//! (`ob-diploma.json`; `#[path]`-included by `vc/benches/rdfc.rs` and
//! `tests/interop/benches/rdfc_vs_ssi.rs`).

use serde_json::{Map, Value, json};

/// The diploma, issued by `issuer`.
pub fn ob_diploma(issuer: &str) -> Map<String, Value> {
    let mut diploma: Map<String, Value> =
        serde_json::from_str(include_str!("ob-diploma.json")).expect("ob-diploma.json is a JSON object");
    diploma["issuer"]["id"] = json!(issuer);
    diploma
}
