#!/usr/bin/env bash
# Measures the API with wrk on loopback, 64 connections, against a SQLite
# database with 100,000 people enrolled (README, Figures):
#   coverage lookups   GET  /api/v1/coverage (a clerk's bearer token)
#   calculate + trace  POST /api/v1/calculate (examples/cases/grade5-guangzhou.json)
# Usage: crates/gongshang-server/bench/wrk.sh [WORKDIR]   (needs wrk: apt-get install -y wrk)
# GONGSHANG_BIN=path runs a binary built before instead of building one.
# See also wrk_import.sh (lookups while orders import) and wrk_postgres.sh.
# Stops the server it started when done.
set -euo pipefail
work=${1:-/tmp/gongshang-wrk}
source "$(dirname "$0")/common.sh"
cd "$root"
setup_registry "$work/bench.db" "$work/token.txt"
coverage_lua "$work/token.txt" "$work/coverage.lua"
{
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[\n'
  cat examples/cases/grade5-guangzhou.json
  printf ']]\n'
} > "$work/calculate.lua"
"$bin" serve --db "$work/bench.db" --addr 127.0.0.1:8089 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
wait_for_port 8089
wrk -t2 -c64 -d15s --latency -s "$work/coverage.lua" http://127.0.0.1:8089/
wrk -t2 -c64 -d15s --latency -s "$work/calculate.lua" http://127.0.0.1:8089/api/v1/calculate
