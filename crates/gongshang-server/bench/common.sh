# Shared by the bench scripts: the binary, a database with 100,000 people
# enrolled (synth registry, imported), a clerk's API token, the wrk scripts.
# Sourced with $work set; sets $bin, $token.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
mkdir -p "$work"
if [ -z "${GONGSHANG_BIN:-}" ]; then
  (cd "$root" && cargo build --release -p gongshang-cli)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/gongshang"
else
  bin=$GONGSHANG_BIN # a binary built before (to compare two versions)
fi
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

# setup_registry DB_URL TOKEN_FILE: imports the registry into DB_URL once.
setup_registry() {
  local db=$1 token_file=$2
  if [ ! -f "$work/reg/enrollments.csv" ]; then
    "$bin" synth registry --units 1000 --people 100000 --seed 7 --out "$work/reg" >/dev/null
  fi
  if [ ! -f "$token_file" ]; then
    for k in units people enrollments declarations payments; do
      "$bin" import "$k" "$work/reg/$k.csv" --db "$db" --skip-invalid | tail -1
    done
    GONGSHANG_PASSWORD='bench password long' "$bin" user add --db "$db" --role clerk --login bench
    "$bin" token create --db "$db" --login bench --label wrk > "$token_file"
  fi
}

# coverage_lua TOKEN_FILE LUA_FILE: the wrk script of coverage lookups of
# 5,000 people, with that token.
coverage_lua() {
  local token
  token=$(cat "$1")
  {
    printf 'ids = {'
    awk -F, 'NR > 1 && NR <= 5001 { printf "%s\"%s\"", (NR > 2 ? "," : ""), $1 }' "$work/reg/enrollments.csv"
    printf '}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n'
    printf '  return wrk.format("GET", "/api/v1/coverage?resident_id=" .. ids[(counter %% #ids) + 1] .. "&at=2025-03-15", {["Authorization"] = "Bearer %s"})\nend\n' "$token"
    # wrk prints errors only when there are some: say 0 too.
    printf 'done = function(summary, latency, requests)\n'
    printf '  io.write(string.format("errors: %%d socket, %%d timeouts, %%d non-2xx (status)\\n", summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout, summary.errors.status))\n'
    # A stall of the whole server (a read waiting for a write) touches few
    # requests: it shows in the tail and the maximum, not at p99.
    printf '  io.write(string.format("tail: p99.9 %%.2f ms, p99.99 %%.2f ms, max %%.2f ms\\n", latency:percentile(99.9) / 1000, latency:percentile(99.99) / 1000, latency.max / 1000))\nend\n'
  } > "$2"
}

# wait_for_port PORT: until the server answers /healthz.
wait_for_port() {
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "the server did not start on port $1" >&2
  return 1
}
