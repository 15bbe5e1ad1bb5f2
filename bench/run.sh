#!/usr/bin/env bash
# Runs the benchmarks of docs/BENCHMARKS.md against a Release build on loopback.
# Every load is bounded in time; servers started here are stopped on exit.
#   bench/run.sh              # SQLite and PostgreSQL
#   BENCH_SECONDS=10 bench/run.sh
#   BENCH_ONLY=orders bench/run.sh     # only the order benchmarks
#   BENCH_MILLION=1 bench/run.sh       # also: RSS after 1,000,000 orders over HTTP (SQLite)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/src/fondaco
bench=build/release/bench/bench_stock
orders=build/release/bench/bench_orders
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

# Orders: 3 lines over 10,000 SKUs, unique Idempotency-Keys, over HTTP at 1, 64 and 256
# connections; then the same orders placed in-process (no HTTP) as the engine's limit.
# $1 = db url for the server, $2 = a second, fresh db url for the raw runs, $3 = label
run_orders() {
  local url=$1 raw_url=$2 label=$3 port pid token
  "$orders" seed --db "$url" >/dev/null
  token=$("$bin" token create --db "$url" --role admin --name bench | grep -o 'fdc_[A-Za-z0-9_-]*' | head -1)
  port=$(free_port)
  (cd "$work" && exec "$OLDPWD/$bin" serve --db "$url" --listen 127.0.0.1:$port --log-level warn) \
    > "$work/serve-orders.out" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  for c in 1 64 256; do
    local t=2; [[ $c == 1 ]] && t=1
    echo "## POST /api/v1/orders over HTTP ($label), $c connection(s)"
    echo "\$ FONDACO_TOKEN=... wrk -t$t -c$c -d${secs}s --latency -s bench/orders.lua http://127.0.0.1:$port"
    FONDACO_TOKEN=$token wrk -t$t -c$c -d"${secs}s" --latency -s bench/orders.lua "http://127.0.0.1:$port" \
      | grep -E "Requests/sec|orders:|Non-2xx|Socket errors"
  done
  echo "group commit: $(curl -s "http://127.0.0.1:$port/metrics" | grep -E '^fondaco_group_commit_(units|transactions) ' | tr '\n' ' ')"
  echo "RSS after load: $(awk '/VmRSS/{print $2" "$3}' /proc/$pid/status)"
  if [[ ${BENCH_MILLION:-0} == 1 && $label == sqlite ]]; then
    echo "## 1,000,000 orders over HTTP ($label), 64 connections, then RSS"
    local done=0
    while (( done < 1000000 )); do
      local n
      n=$(FONDACO_TOKEN=$token wrk -t2 -c64 -d30s -s bench/orders.lua "http://127.0.0.1:$port" \
        | awk '/^orders:/{print $2}')
      done=$((done + n))
      echo "  $done orders so far; RSS $(awk '/VmRSS/{print $2" "$3}' /proc/$pid/status)"
    done
  fi
  kill -TERM "$pid"; wait "$pid" || true
  "$orders" seed --db "$raw_url" >/dev/null
  for args in "--batch 1 --orders 3000" "--batch 100 --orders 30000" "--batch 1000 --orders 30000" \
              "--batch 1 --threads 64 --group --orders 30000"; do
    echo "## raw place_order, in process ($label): $args"
    echo "\$ bench_orders raw --db <$label> $args"
    # shellcheck disable=SC2086
    "$orders" raw --db "$raw_url" $args --max-seconds 60
  done
}

if [[ ${BENCH_ONLY:-all} != orders ]]; then
  run_http "sqlite:$work/data/fondaco.db"
  echo "## stock moves through the module, SQLite"
  echo "\$ $bench --db sqlite:$work/b/bench.db --moves 20000 --threads 4"
  "$bench" --db "sqlite:$work/b/bench.db" --moves 20000 --threads 4 --max-seconds 60
fi
mkdir -p "$work/o" "$work/r"
run_orders "sqlite:$work/o/orders.db" "sqlite:$work/r/raw.db" sqlite

testing/pg_server start "$work/pg" >/dev/null
pg=$(cat "$work/pg/url")
if [[ ${BENCH_ONLY:-all} != orders ]]; then
  run_http "$pg"
  echo "## stock moves through the module, PostgreSQL"
  echo "\$ $bench --db <pg> --moves 20000 --threads 8"
  "$bench" --db "$pg" --moves 20000 --threads 8 --max-seconds 60
fi
# A second database on the same server for the raw runs.
pg_raw=$(echo "$pg" | sed -E 's#/([^/?]+)(\?|$)#/fondaco_raw\2#')
psql_bin=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | head -1)
"$psql_bin" "$pg" -qc "DROP DATABASE IF EXISTS fondaco_raw" -c "CREATE DATABASE fondaco_raw" >/dev/null
run_orders "$pg" "$pg_raw" postgres
