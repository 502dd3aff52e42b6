#!/usr/bin/env bash
# Runs every test of the workspace: unit, integration and doc tests, the
# EVM ledger tests against a local anvil node, the interop tests against
# Digital Bazaar's vc-js (tests/vcjs, node --test), and the end-to-end script
# (university -> graduate -> employer).
#
# Needs the Rust toolchain and npm (Node.js): anvil and the ERC-1056
# registry contract install from the npm registry into ./.tools on the
# first run. The tests start and stop their own anvil nodes on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-tools.sh
scripts/check-deps.sh
cargo test --workspace --locked
# The W3C conformance counts (JSON-LD toRdf and expand, RDFC-1.0 through both
# canonicalizers): those suites ran above and fail on any regression; this
# prints their lines (and fails if one is missing).
cargo test -p xinlian-vc --locked --test w3c_to_rdf --test w3c_rdf_canon -- --nocapture 2>/dev/null |
    grep -E '^(toRdf|expand|rdfc \()'
# vc-js checks registrar diplomas, and signs Open Badges for the registrar to
# verify; it runs the debug registrar binary.
# The differential test (canonical-differential.test.js) compares Xinlian's
# canonical N-Quads, printed by the canonicalize example, with jsonld.js's.
cargo build -p registrar --locked
cargo build -p xinlian-vc --example canonicalize --locked
XINLIAN_REGISTRAR="${CARGO_TARGET_DIR:-target}/debug/registrar" \
    XINLIAN_CANONICALIZE="${CARGO_TARGET_DIR:-target}/debug/examples/canonicalize" \
    node --test tests/vcjs/test/*.test.js
if [ -x scripts/e2e.sh ]; then
    scripts/e2e.sh
fi
