#!/usr/bin/env bash
# Fuzzes the whole API with schemathesis, CI-sized: the committed OpenAPI
# document drives it, as a clerk and as an administrator (bearer tokens),
# against `gongshang serve` over a small demo database on SQLite. Fails on a
# server error (5xx) or a crash, and on answers that contradict the document
# (status, content type, schema).
#
# Usage: crates/gongshang-server/bench/schemathesis.sh [MAX_EXAMPLES] [WORKDIR]
#   MAX_EXAMPLES  test cases per operation and phase (default 10)
#   GONGSHANG_BIN the gongshang binary [default: $CARGO_TARGET_DIR or target, debug]
#
# Needs python3 with venv and pip; schemathesis (pinned below) is installed
# into WORKDIR/venv from PyPI on the first run. The server listens on
# loopback only and is stopped when the script ends.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
examples=${1:-10}
work=${2:-${TMPDIR:-/tmp}/gongshang-schemathesis}
schemathesis_version=4.32.5
mkdir -p "$work"
cd "$root"

bin=${GONGSHANG_BIN:-}
if [ -z "$bin" ]; then
  cargo build --quiet -p gongshang-cli
  bin="${CARGO_TARGET_DIR:-$root/target}/debug/gongshang"
fi

if [ ! -x "$work/venv/bin/schemathesis" ] ||
  ! "$work/venv/bin/schemathesis" --version | grep -q "$schemathesis_version"; then
  python3 -m venv "$work/venv"
  # Twice: a registry hiccup should not fail the run.
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" ||
    "$work/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

db="$work/fuzz.db"
"$bin" demo --no-serve --people 200 --db "$db" >"$work/demo.log"
export GONGSHANG_DATABASE_URL="$db"
GONGSHANG_PASSWORD='fuzzing password' "$bin" user add --role clerk --login fuzz-clerk >/dev/null
GONGSHANG_PASSWORD='fuzzing password' "$bin" user add --role administrator --login fuzz-admin >/dev/null
clerk=$("$bin" token create --login fuzz-clerk --label schemathesis 2>/dev/null)
admin=$("$bin" token create --login fuzz-admin --label schemathesis 2>/dev/null)

GONGSHANG_LOG=warn "$bin" serve --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
addr=
for _ in $(seq 1 100); do
  addr=$(sed -n 's#^gongshang serving on http://\([^/]*\)/.*#\1#p' "$work/serve.out")
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }

status=0
# schemathesis keeps a cache in the folder it runs in: the work folder.
cd "$work"
for who in clerk admin; do
  token=$clerk
  [ "$who" = admin ] && token=$admin
  echo "==> schemathesis as $who ($examples examples per operation)"
  # Sign-out and account changes would end the run's own credentials.
  "$work/venv/bin/schemathesis" run "$root/openapi.json" \
    --url "http://$addr" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$examples" \
    --seed 7 \
    --generation-deterministic \
    --exclude-path /api/v1/session \
    --exclude-path-regex '^/api/v1/(accounts/\{login\}/disable|tokens/)' \
    --no-color \
    --report junit --report-dir "$work/report-$who" \
    2>&1 | tee "$work/schemathesis-$who.log" || status=1
done
if grep -q "panicked" "$work/serve.err"; then
  echo "the server panicked:" >&2
  grep -A3 "panicked" "$work/serve.err" >&2
  status=1
fi
exit $status
