#!/usr/bin/env bash
# Where the CPU of a PostgreSQL coverage lookup goes: the server's, wrk's and
# PostgreSQL's processor time over a 10 s wrk run (64 connections), after a
# 3 s warm-up. Run wrk_postgres.sh once first (it sets up WORKDIR and the
# bench_wrk schema). Usage: cpu_split.sh WORKDIR [POSTGRES_URL]
# (GONGSHANG_BIN=path, default target/release/gongshang). PostgreSQL's time
# is summed from `ps` in whole seconds: read it as a rough share.
set -euo pipefail
work=${1:?WORKDIR}
url=${2:-postgres://postgres@127.0.0.1:5432/test}
bin=${GONGSHANG_BIN:-$(cd "$(dirname "$0")/../../.." && pwd)/target/release/gongshang}
sep='?'; case $url in *\?*) sep='&';; esac
"$bin" serve --db "$url${sep}options=-csearch_path%3Dbench_wrk" --addr 127.0.0.1:8089 > "$work/serve-split.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null || true' EXIT
sleep 2
ticks() { local s=0; for p in "$@"; do [ -r /proc/$p/stat ] && s=$((s + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $s; }
pgsum() { ps -u postgres -o times= | awk '{s+=$1} END {print s}'; }
wrk -t2 -c64 -d3s -s "$work/coverage-pg.lua" http://127.0.0.1:8089/ > /dev/null
s0=$(ticks $srv); p0=$(pgsum)
wrk -t2 -c64 -d10s -s "$work/coverage-pg.lua" http://127.0.0.1:8089/ > "$work/wrk-split.txt" &
w=$!; sleep 0.2; wp=$(pgrep -x wrk); w0=$(ticks $wp)
sleep 9.7; w1=$(ticks $wp); wait $w
s1=$(ticks $srv); p1=$(pgsum)
n=$(grep -oP 'Requests/sec:\s+\K[0-9.]+' "$work/wrk-split.txt")
awk -v n="$n" -v s=$(( (s1-s0)*10 )) -v p=$(( (p1-p0)*1000 )) -v w=$(( (w1-w0)*10 )) 'BEGIN {
  printf "%.0f lookups/s; CPU per lookup: server %.1f us, PostgreSQL %.1f us, wrk %.1f us\n", n, s*1000/(n*10), p*1000/(n*10), w*1000/(n*9.7) }'
