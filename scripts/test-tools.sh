#!/usr/bin/env sh
# Installs the tools the EVM ledger tests need into <workspace>/.tools, from
# the npm registry, at pinned versions. Idempotent: a second run with the
# tools in place does nothing but print their paths.
#
#   anvil          a local Ethereum node (Foundry), run directly from its bin/
#   ethr-did-registry  the ERC-1056 EthereumDIDRegistry contract's compiled
#                  bytecode and ABI (the tests deploy it on anvil)
#   tests/vcjs/node_modules  Digital Bazaar's vc-js and its cryptosuites, the
#                  independent verifier of tests/vcjs (`npm ci` from the
#                  committed package-lock.json; reinstalled when it changes)
#
# The tests find them through XINLIAN_ANVIL and XINLIAN_ERC1056_ARTIFACT, or
# at the paths printed below.
set -eu

ANVIL_VERSION=1.7.1
REGISTRY_VERSION=1.3.0

root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
tools="$root/.tools"
anvil="$tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
artifact="$tools/node_modules/ethr-did-registry/dist/artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json"

installed_version() {
    # $1: package directory; prints its package.json version, or nothing.
    [ -f "$1/package.json" ] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/package.json" | head -n 1
    return 0
}

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "test-tools.sh: only linux x86_64 is set up (anvil-linux-amd64); install anvil and set XINLIAN_ANVIL" >&2; exit 1 ;;
esac

if ! command -v npm >/dev/null 2>&1; then
    echo "test-tools.sh: npm is needed to install the test tools" >&2
    exit 1
fi

mkdir -p "$tools"
want=""
if [ "$(installed_version "$tools/node_modules/@foundry-rs/anvil-linux-amd64")" != "$ANVIL_VERSION" ] || [ ! -x "$anvil" ]; then
    want="$want @foundry-rs/anvil-linux-amd64@$ANVIL_VERSION"
fi
if [ "$(installed_version "$tools/node_modules/ethr-did-registry")" != "$REGISTRY_VERSION" ] || [ ! -f "$artifact" ]; then
    want="$want ethr-did-registry@$REGISTRY_VERSION"
fi
if [ -n "$want" ]; then
    # shellcheck disable=SC2086 # $want is a list of package specs
    npm install --prefix "$tools" --no-audit --no-fund --save-exact $want >&2
fi
chmod +x "$anvil"
"$anvil" --version >/dev/null

vcjs="$root/tests/vcjs"
lock_sum=$(sha256sum "$vcjs/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$vcjs/node_modules/.xinlian-lock-sha256" 2>/dev/null)" != "$lock_sum" ]; then
    npm ci --prefix "$vcjs" --no-audit --no-fund >&2
    echo "$lock_sum" >"$vcjs/node_modules/.xinlian-lock-sha256"
fi

echo "XINLIAN_ANVIL=$anvil"
echo "XINLIAN_ERC1056_ARTIFACT=$artifact"
