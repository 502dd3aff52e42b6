//! Prints the RDFC-1.0 canonical N-Quads (SHA-256) Xinlian computes for
//! JSON-LD documents, the way eddsa-rdfc-2022 hashes the unsecured document:
//! top-level `proof` left out, contexts from the default (bundled)
//! `ContextLoader`. The differential test in tests/vcjs compares them with
//! jsonld.js.
//!
//! ```text
//! cargo run -p xinlian-vc --example canonicalize -- [--context URL=FILE]... FILE...
//! ```
//!
//! `--context URL=FILE` adds the context document in FILE at URL to the
//! loader (`ContextLoader::with`), for fixtures that use test contexts.
//!
//! Prints one JSON object mapping each FILE, as given, to
//! `{"nquads": "..."}` or `{"error": "..."}` (a file that is not a JSON
//! object is an error too). Exits 2 on bad usage or a bad `--context`.

use std::io::Write as _;
use std::process::ExitCode;

use serde_json::{Map, Value, json};
use xinlian_vc::jsonld::{ContextLoader, canonicalize};

fn canonical_nquads(path: &str, loader: &ContextLoader) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(mut document) = value else {
        return Err("not a JSON object".into());
    };
    document.remove("proof");
    canonicalize(&document, loader).map_err(|e| e.to_string())
}

/// The loader with the context `spec` (`URL=FILE`) added.
fn add_context(loader: ContextLoader, spec: &str) -> Result<ContextLoader, String> {
    let (url, file) = spec
        .split_once('=')
        .ok_or_else(|| format!("--context {spec}: expected URL=FILE"))?;
    let json = std::fs::read_to_string(file).map_err(|e| format!("--context {spec}: cannot read {file}: {e}"))?;
    loader.with(url, &json).map_err(|e| format!("--context {spec}: {e}"))
}

fn main() -> ExitCode {
    let mut loader = ContextLoader::new();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg != "--context" {
            files.push(arg);
            continue;
        }
        let added = match args.next() {
            Some(spec) => add_context(loader, &spec),
            None => Err("--context needs URL=FILE".into()),
        };
        loader = match added {
            Ok(loader) => loader,
            Err(e) => {
                eprintln!("canonicalize: {e}");
                return ExitCode::from(2);
            }
        };
    }
    if files.is_empty() {
        eprintln!("usage: canonicalize [--context URL=FILE]... FILE...");
        return ExitCode::from(2);
    }
    let mut out = Map::new();
    for file in files {
        let entry = match canonical_nquads(&file, &loader) {
            Ok(nquads) => json!({ "nquads": nquads }),
            Err(error) => json!({ "error": error }),
        };
        out.insert(file, entry);
    }
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{}", Value::Object(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("canonicalize: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}
