#!/usr/bin/env bash
# End to end, offline, on this machine: a university issues a diploma, the
# graduate keeps it in a wallet and presents it, an employer verifies it;
# the university revokes it and the employer refuses it; then the same with
# an SD-JWT that discloses only the degree (and graduation year, when the
# credential holds one).
#
# Usage: scripts/e2e.sh            (exits non-zero on any unexpected result)
# Env:   CARGO (default cargo), CARGO_TARGET_DIR, E2E_KEEP=1 keeps the temp dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO="${CARGO:-cargo}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET" = /* ]] || TARGET="$ROOT/$TARGET"

step() { printf '\n== %s\n' "$*"; }
die() { printf '\nE2E FAILED: %s\n' "$*" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/xinlian-e2e.XXXXXX")"
SERVER_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ "${E2E_KEEP:-0}" = 1 ]]; then
        echo "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( 20000 + RANDOM % 20000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# expect CODE CMD...: runs CMD, prints its output, fails unless it exits CODE.
expect() {
    local want=$1 got=0
    shift
    "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || got=$?
    cat "$WORK/out.txt"
    sed 's/^/  (stderr) /' "$WORK/err.txt"
    [[ "$got" = "$want" ]] || die "expected exit $want, got $got: $*"
}

step "0. Build registrar, wallet and verifier"
(cd "$ROOT" && "$CARGO" build --quiet -p registrar -p wallet -p verifier)
REGISTRAR="$TARGET/debug/registrar"
WALLET="$TARGET/debug/wallet"
VERIFIER="$TARGET/debug/verifier"
for b in "$REGISTRAR" "$WALLET" "$VERIFIER"; do [[ -x "$b" ]] || die "missing binary $b"; done

PORT="$(free_port)" || die "no free port on 127.0.0.1"
BASE="http://127.0.0.1:$PORT"
RESOLVER="$BASE/1.0/identifiers/"
UNI="$WORK/university"
WAL="$WORK/graduate-wallet"
CHALLENGE="c-$RANDOM$RANDOM"
DOMAIN="employer.example"
NONCE="n-$RANDOM$RANDOM"

step "1. The university creates its DID (did:ethr, embedded ledger), publishing at $BASE"
expect 0 "$REGISTRAR" --home "$UNI" init --name "Example University" --public-url "$BASE" --json
UNI_DID="$(sed -n 's/.*"did":"\([^"]*\)".*/\1/p' "$WORK/out.txt")"
[[ "$UNI_DID" = did:ethr:* ]] || die "no university DID in the init output"

step "2. The graduate creates a wallet"
expect 0 "$WALLET" --wallet "$WAL" init
GRAD_DID="$(head -n1 "$WORK/out.txt")"
[[ "$GRAD_DID" = did:key:* ]] || die "no graduate DID from wallet init"
[[ "$(stat -c %a "$WAL/holder.json")" = 600 ]] || die "holder key file is not 0600"

step "3. The university issues a diploma to $GRAD_DID (Data Integrity)"
expect 0 "$REGISTRAR" --home "$UNI" issue diploma --student-id 2026-0042 --name "Li Wei" \
    --degree "Bachelor of Science" --major "Computer Science" --graduated 2026-06-30 \
    --subject-did "$GRAD_DID" -o "$WORK/diploma.json"

step "4. The university serves DID resolution and status lists on $BASE"
"$REGISTRAR" --home "$UNI" serve --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log"; die "registrar serve exited"; }
    sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || die "registrar serve is not listening on $PORT"
echo "registrar serve running (pid $SERVER_PID)"

step "5. The ministry accredits the university for AchievementCredential"
expect 0 "$VERIFIER" trust-list create --authority-key "$WORK/ministry.key" --issuer "$UNI_DID" \
    --issuer-name "Example University" --types AchievementCredential -o "$WORK/trust-list.json"
MINISTRY_DID="$(head -n1 "$WORK/out.txt")"
[[ "$MINISTRY_DID" = did:key:* ]] || die "no ministry DID"

step "6. The graduate imports the diploma (verified against the university's resolver)"
expect 0 "$WALLET" --wallet "$WAL" --resolver-url "$RESOLVER" import "$WORK/diploma.json"
expect 0 "$WALLET" --wallet "$WAL" list

step "7. The employer asks for a presentation: challenge $CHALLENGE, domain $DOMAIN"
expect 0 "$WALLET" --wallet "$WAL" present --challenge "$CHALLENGE" --domain "$DOMAIN" -o "$WORK/presentation.json"

# The university serves its status lists on http://127.0.0.1 here: the
# verifier fetches such URLs only with --allow-local-http-status (in
# production status lists are served over https from a public address).
VERIFY=("$VERIFIER" --resolver-url "$RESOLVER" verify --allow-local-http-status --trust-list "$WORK/trust-list.json" --authority "$MINISTRY_DID")

step "8. The employer verifies it: expect VERIFIED"
expect 0 "${VERIFY[@]}" --challenge "$CHALLENGE" --domain "$DOMAIN" "$WORK/presentation.json"
for check in proof keyAuthorization trust status validityPeriod holderBinding challenge domain; do
    grep -q "\[ok  \] $check " "$WORK/out.txt" || die "check $check did not pass"
done

step "8b. The same check resolving did:ethr from the university's ledger file (--ledger) instead of HTTP"
expect 0 "$VERIFIER" --ledger "$UNI/ledger.sqlite" verify --allow-local-http-status --trust-list "$WORK/trust-list.json" \
    --authority "$MINISTRY_DID" --challenge "$CHALLENGE" --domain "$DOMAIN" --json "$WORK/presentation.json"
grep -q '"verified":true' "$WORK/out.txt" || die "the --json report does not say verified"

step "9. A replayed presentation (another challenge) is refused"
expect 1 "${VERIFY[@]}" --challenge "other-challenge" --domain "$DOMAIN" "$WORK/presentation.json"

step "10. The university revokes the diploma"
expect 0 "$REGISTRAR" --home "$UNI" revoke "$WORK/diploma.json"

step "11. The employer verifies again: expect NOT VERIFIED (exit 1), status failed"
expect 1 "${VERIFY[@]}" --challenge "$CHALLENGE" --domain "$DOMAIN" "$WORK/presentation.json"
grep -q "\[FAIL\] status " "$WORK/out.txt" || die "the status check did not fail after revocation"

step "12. The university issues the graduate's master's diploma as an SD-JWT VC"
expect 0 "$REGISTRAR" --home "$UNI" issue diploma --student-id 2026-0042 --name "Li Wei" \
    --degree "Master of Science" --major "Computer Science" --graduated 2028-06-30 \
    --subject-did "$GRAD_DID" --format sd-jwt -o "$WORK/diploma.sd-jwt"
expect 0 "$WALLET" --wallet "$WAL" --resolver-url "$RESOLVER" --json import "$WORK/diploma.sd-jwt"
SD_ID="$(sed -n 's/.*"localId":"\([^"]*\)".*/\1/p' "$WORK/out.txt")"
[[ -n "$SD_ID" ]] || die "no local id for the SD-JWT"

step "13. The graduate discloses only degree and graduation year, bound to nonce $NONCE"
expect 0 "$WALLET" --wallet "$WAL" present-sd --credential "$SD_ID" --disclose "degree,graduation year" \
    --audience "$DOMAIN" --nonce "$NONCE" -o "$WORK/presentation.sd-jwt"

step "14. The employer verifies the SD-JWT presentation: expect VERIFIED, no name, birth date or grades"
expect 0 "${VERIFY[@]}" --challenge "$NONCE" --domain "$DOMAIN" "$WORK/presentation.sd-jwt"
sed -n '/^disclosed claims:/,$p' "$WORK/out.txt" >"$WORK/claims.txt"
grep -q "Master of Science" "$WORK/claims.txt" || die "the degree is not among the disclosed claims"
if grep -Eiq 'birth|grade|gpa|identifier|Li Wei' "$WORK/claims.txt"; then
    die "the SD-JWT presentation disclosed more than the degree and graduation year"
fi
for check in holderBinding challenge domain trust status; do
    grep -q "\[ok  \] $check " "$WORK/out.txt" || die "SD-JWT check $check did not pass"
done

step "15. The same SD-JWT presentation for another verifier (wrong audience) is refused"
expect 1 "${VERIFY[@]}" --challenge "$NONCE" --domain "other.example" "$WORK/presentation.sd-jwt"

step "16. The university revokes the SD-JWT diploma; the employer refuses it"
expect 0 "$REGISTRAR" --home "$UNI" revoke "$WORK/diploma.sd-jwt"
expect 1 "${VERIFY[@]}" --challenge "$NONCE" --domain "$DOMAIN" "$WORK/presentation.sd-jwt"
grep -q "\[FAIL\] status " "$WORK/out.txt" || die "the SD-JWT status check did not fail after revocation"

printf '\nE2E PASSED: university -> graduate -> employer (Data Integrity and SD-JWT), revocation honoured.\n'
