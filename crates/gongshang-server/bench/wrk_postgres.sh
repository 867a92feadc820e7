#!/usr/bin/env bash
# Coverage lookups over HTTP (wrk, 64 connections, as wrk.sh) on PostgreSQL
# with 100,000 people enrolled (issue 11's target: at least 15,000/s).
# Usage: crates/gongshang-server/bench/wrk_postgres.sh [WORKDIR] [POSTGRES_URL]
# (default postgres://postgres@127.0.0.1:5432/test; the data go in schema
# bench_wrk, created once and kept for the next run).
# GONGSHANG_BIN=path runs a binary built before instead of building one.
set -euo pipefail
work=${1:-/tmp/gongshang-wrk}
url=${2:-postgres://postgres@127.0.0.1:5432/test}
source "$(dirname "$0")/common.sh"
psql "$url" -qc 'CREATE SCHEMA IF NOT EXISTS bench_wrk' >/dev/null
sep='?'; case $url in *\?*) sep='&';; esac
db="$url${sep}options=-csearch_path%3Dbench_wrk"
setup_registry "$db" "$work/token-pg.txt"
# The planner's statistics: the imports analyse the tables they filled, but
# not the ones filled beside them (coverage), and this machine's PostgreSQL
# runs without autovacuum; unanalysed, the same lookups ran at 8-10k/s
# instead of 13-15k/s (2026-12-07).
psql "$url" -qc 'SET search_path TO bench_wrk; ANALYZE' >/dev/null
coverage_lua "$work/token-pg.txt" "$work/coverage-pg.lua"
"$bin" serve --db "$db" --addr 127.0.0.1:8089 > "$work/serve-pg.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
wait_for_port 8089
wrk -t2 -c64 -d15s --latency -s "$work/coverage-pg.lua" http://127.0.0.1:8089/
