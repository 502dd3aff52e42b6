#!/usr/bin/env bash
# One version of each cryptography crate in what the library crates ship
# (issue 4: SpruceID ssi's tree must unify with ours). `cargo tree -d` lists
# crates that appear in more than one version; none of these may.
set -euo pipefail
cd "$(dirname "$0")/.."

crypto='^0(sha2|sha3|digest|block-buffer|crypto-common|ed25519|ed25519-dalek|curve25519-dalek|p256|p384|k256|ecdsa|elliptic-curve|signature|bs58|multibase) v'
status=0
for crate in xinlian-did-core xinlian-vc; do
    dups=$(cargo tree --locked -d -e normal -p "$crate" --prefix depth | grep -E "$crypto" | sed 's/^0//' | sort -u || true)
    if [ -n "$dups" ]; then
        echo "check-deps: $crate has more than one version of:" >&2
        echo "$dups" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "check-deps: one version of each cryptography crate in xinlian-did-core and xinlian-vc"
exit "$status"
