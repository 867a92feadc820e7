#!/usr/bin/env bash
# Measures the API with wrk on loopback, 64 connections, against a SQLite
# database with 100,000 people enrolled (README, Figures):
#   coverage lookups   GET  /api/v1/coverage (a clerk's bearer token)
#   calculate + trace  POST /api/v1/calculate (examples/cases/grade5-guangzhou.json)
# Usage: crates/gongshang-server/bench/wrk.sh [WORKDIR]   (needs wrk: apt-get install -y wrk)
# Stops the server it started when done.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=${1:-/tmp/gongshang-wrk}
mkdir -p "$work"
cd "$root"
cargo build --release -p gongshang-cli
bin="$root/target/release/gongshang"
export GONGSHANG_DATABASE_URL="$work/bench.db"
if [ ! -f "$work/bench.db" ]; then
  "$bin" synth registry --units 1000 --people 100000 --seed 7 --out "$work/reg" >/dev/null
  for k in units people enrollments declarations payments; do
    "$bin" import "$k" "$work/reg/$k.csv" --skip-invalid | tail -1
  done
  GONGSHANG_PASSWORD='bench password long' "$bin" user add --role clerk --login bench
  "$bin" token create --login bench --label wrk > "$work/token.txt"
fi
token=$(cat "$work/token.txt")
{
  printf 'ids = {'
  awk -F, 'NR > 1 && NR <= 5001 { printf "%s\"%s\"", (NR > 2 ? "," : ""), $1 }' "$work/reg/enrollments.csv"
  printf '}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n'
  printf '  return wrk.format("GET", "/api/v1/coverage?resident_id=" .. ids[(counter %% #ids) + 1] .. "&at=2025-03-15", {["Authorization"] = "Bearer %s"})\nend\n' "$token"
} > "$work/coverage.lua"
{
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[\n'
  cat examples/cases/grade5-guangzhou.json
  printf ']]\n'
} > "$work/calculate.lua"
"$bin" serve --addr 127.0.0.1:8089 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 1
wrk -t2 -c64 -d15s --latency -s "$work/coverage.lua" http://127.0.0.1:8089/
wrk -t2 -c64 -d15s --latency -s "$work/calculate.lua" http://127.0.0.1:8089/api/v1/calculate
