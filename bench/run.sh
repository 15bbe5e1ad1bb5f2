#!/usr/bin/env bash
# Runs the benchmarks of docs/BENCHMARKS.md against a Release build on loopback.
# Every load is bounded in time; servers started here are stopped on exit.
#   bench/run.sh              # SQLite and PostgreSQL
#   BENCH_SECONDS=10 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/src/fondaco
bench=build/release/bench/bench_stock
secs=${BENCH_SECONDS:-10}
work=$(mktemp -d)
chmod 755 "$work"  # the PostgreSQL test server runs as its own user
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  testing/pg_server stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  while :; do
    p=$((20000 + RANDOM % 30000))
    (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
  done
}

echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

run_http() {  # $1 = db url
  local port; port=$(free_port)
  (cd "$work" && exec "$OLDPWD/$bin" serve --demo --db "$1" --listen 127.0.0.1:$port --log-level warn) \
    > "$work/serve.out" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local token; token=$(sed -n 2p "$work/serve.out" | tr -d ' ')
  echo "## GET /api/v1/variants/BF-11-1 over HTTP ($1)"
  echo "\$ wrk -t2 -c64 -d${secs}s --latency -H 'Authorization: Bearer ...' http://127.0.0.1:$port/api/v1/variants/BF-11-1"
  wrk -t2 -c64 -d"${secs}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/variants/BF-11-1" | grep -E "Requests/sec|Latency|99%|50%"
  echo "RSS after load: $(awk '/VmRSS/{print $2" "$3}' /proc/$pid/status)"
  echo "## GET /api/v1/stock/BF-11-1 over HTTP ($1): not cached, one read transaction each"
  echo "\$ wrk -t2 -c64 -d${secs}s --latency -H 'Authorization: Bearer ...' http://127.0.0.1:$port/api/v1/stock/BF-11-1"
  wrk -t2 -c64 -d"${secs}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/stock/BF-11-1" | grep -E "Requests/sec|Latency|99%|50%"
  echo "## POST /api/v1/stock/moves over HTTP ($1), one transaction per request"
  cat > "$work/move.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"sku":"BF-11-1","qty":1,"from":"SUPPLIER","to":"WH-BO-A01","reason":"receipt"}'
LUA
  echo "\$ wrk -t2 -c16 -d${secs}s --latency -s move.lua http://127.0.0.1:$port/api/v1/stock/moves"
  wrk -t2 -c16 -d"${secs}s" --latency -s "$work/move.lua" "http://127.0.0.1:$port/api/v1/stock/moves" \
    | grep -E "Requests/sec|Latency|99%|50%|Non-2xx"
  kill -TERM "$pid"; wait "$pid" || true
}

run_http "sqlite:$work/data/fondaco.db"
echo "## stock moves through the module, SQLite"
echo "\$ $bench --db sqlite:$work/b/bench.db --moves 20000 --threads 4"
"$bench" --db "sqlite:$work/b/bench.db" --moves 20000 --threads 4 --max-seconds 60

testing/pg_server start "$work/pg" >/dev/null
pg=$(cat "$work/pg/url")
run_http "$pg"
echo "## stock moves through the module, PostgreSQL"
echo "\$ $bench --db <pg> --moves 20000 --threads 8"
"$bench" --db "$pg" --moves 20000 --threads 8 --max-seconds 60
