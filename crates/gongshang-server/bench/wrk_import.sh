#!/usr/bin/env bash
# Coverage lookups over HTTP (wrk, 64 connections, as wrk.sh) on a SQLite
# database with 100,000 people enrolled, first idle, then while 1,000,000
# new orders are stored into the same database (issue 11's target: p99
# under 10 ms, under 10% of the idle throughput lost, no errors). Each round
# starts from a fresh copy of the database, so every round imports new
# orders. Two ways to import:
#   IMPORT=cli (default)  `gongshang import orders FILE`, another process
#   IMPORT=api            POST /api/v1/orders/imports to the same server, in
#                         10 requests of 100,000 orders as text/csv (the
#                         server stores them in transactions of 10,000): the
#                         reads and the writes share the server's store
# Usage: crates/gongshang-server/bench/wrk_import.sh [WORKDIR] [ROUNDS] [ORDERS]
# GONGSHANG_BIN=path runs a binary built before instead of building one;
# IMPORT_PRIORITY=normal runs the CLI import at the server's CPU priority
# (by default it runs as `gongshang import` does, in the idle CPU class:
# DESIGN.md); IMPORT_NICE=N runs it at that niceness (0 by default);
# WINDOW=S measures the lookups for S seconds of the import (5).
set -euo pipefail
work=${1:-/tmp/gongshang-wrk}
rounds=${2:-3}
orders=${3:-1000000}
source "$(dirname "$0")/common.sh"
setup_registry "$work/bench.db" "$work/token.txt"
coverage_lua "$work/token.txt" "$work/coverage.lua"
if [ ! -f "$work/orders-$orders.csv" ]; then
  "$bin" synth orders --count "$orders" --seed 11 --out "$work/orders-$orders.csv"
fi
if [ "${IMPORT:-cli}" = api ] && [ ! -f "$work/parts-$orders/part-00" ]; then
  mkdir -p "$work/parts-$orders"
  tail -n +2 "$work/orders-$orders.csv" | split -d -l 100000 - "$work/parts-$orders/rows-"
  for f in "$work/parts-$orders"/rows-*; do
    { head -1 "$work/orders-$orders.csv"; cat "$f"; } > "${f/rows-/part-}"
    rm "$f"
  done
fi
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null || true' EXIT
for round in $(seq "$rounds"); do
  rm -f "$work/run.db" "$work/run.db-wal" "$work/run.db-shm"
  cp "$work/bench.db" "$work/run.db"
  "$bin" serve --db "$work/run.db" --addr 127.0.0.1:8089 > "$work/serve.log" 2>&1 &
  server=$!
  wait_for_port 8089
  echo "== round $round: idle"
  wrk -t2 -c64 -d10s --latency -s "$work/coverage.lua" http://127.0.0.1:8089/ | grep -E 'Requests/sec|99%|errors|tail|Non-2xx|Socket'
  echo "== round $round: while $orders orders import"
  start=$(date +%s.%N)
  if [ "${IMPORT:-cli}" = api ]; then
    (
      token=$(cat "$work/token.txt")
      for f in "$work/parts-$orders"/part-*; do
        curl -s -o /dev/null -w "%{http_code} " -X POST -H "Authorization: Bearer $token" \
          -H 'Content-Type: text/csv' --data-binary "@$f" http://127.0.0.1:8089/api/v1/orders/imports
      done > "$work/import.log"
      echo " (HTTP statuses of the $(ls "$work/parts-$orders" | wc -l) imports)" >> "$work/import.log"
      date +%s.%N > "$work/import.end"
    ) &
  else
    (
      nice -n "${IMPORT_NICE:-0}" "$bin" import orders "$work/orders-$orders.csv" --db "$work/run.db" --priority "${IMPORT_PRIORITY:-background}" > "$work/import.log" 2>&1
      date +%s.%N > "$work/import.end"
    ) &
  fi
  import=$!
  # The import's first second is the check pass (parsing only); the
  # lookups are measured from then on, for WINDOW seconds (5 by default:
  # the import takes 6-10 s beside wrk on 2 cores; the script says if it
  # ended first).
  sleep 1
  wrk -t2 -c64 -d"${WINDOW:-5}"s --latency -s "$work/coverage.lua" http://127.0.0.1:8089/ | grep -E 'Requests/sec|99%|errors|tail|Non-2xx|Socket'
  if kill -0 $import 2>/dev/null; then still="still importing when wrk ended"; else still="the import ENDED BEFORE wrk: the window was partly idle"; fi
  wait $import
  echo "import: $(grep -v INFO "$work/import.log" | head -1); $(echo "$(cat "$work/import.end") - $start" | bc) s in all ($still)"
  kill $server; wait $server 2>/dev/null || true; server=
done
