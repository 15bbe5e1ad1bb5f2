#!/usr/bin/env bash
# Black-box test of the fondaco binary: CLI surface, migrate, token create, a `make run`
# style start with the demo shop, restart on the same data, graceful SIGTERM, kill -9
# durability of an acknowledged write, and a malformed request over real HTTP.
#
# Usage: tests/cli/cli_test.sh PATH/TO/fondaco   (ctest passes the built binary)
# Needs bash and curl only. Every wait is bounded; servers listen on 127.0.0.1 on a port
# picked here; everything lives in one temporary directory, removed on exit together with
# any server still running.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PATH/TO/fondaco" >&2
  exit 2
fi
FONDACO=$(realpath "$1")
[[ -x $FONDACO ]] || { echo "not executable: $FONDACO" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is required (scripts/bootstrap installs it)" >&2; exit 2; }

# The environment of whoever runs the tests must not leak into the binary's configuration.
unset FONDACO_DB FONDACO_LISTEN FONDACO_LOG_LEVEL FONDACO_THREADS

TMP=$(mktemp -d "${TMPDIR:-/tmp}/fondaco-cli.XXXXXX")
SERVER_PIDS=()
PORT=0 PID=0 OUT=/dev/null ERR=/dev/null TOKEN="" EXIT_CODE=0

cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
pass() {
  PASSED=$((PASSED + 1))
  echo "ok - $1"
}
fail() {
  FAILED=$((FAILED + 1))
  echo "not ok - $1"
  shift
  local line
  for line in "$@"; do echo "#   $line"; done
}

TOKEN_RE='^fdc_[A-Za-z0-9_-]{43}$'

# ---- helpers: processes ----

# True while pid runs (a zombie child that has exited but is not reaped counts as gone).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# wait_exit PID SECONDS: waits for PID to exit, at most SECONDS; sets EXIT_CODE (or returns
# 1 if still running).
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.1
  done
  EXIT_CODE=0
  { wait "$pid"; } 2>/dev/null || EXIT_CODE=$?
  return 0
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

SERVE_COUNT=0
# start_server DIR [ARGS...]: runs `fondaco serve ARGS --listen 127.0.0.1:PORT` with DIR as
# working directory on a free port and waits (bounded) until /healthz answers. Sets PORT,
# PID, OUT and ERR (its stdout and stderr files). Retries with another port when the
# server could not bind.
start_server() {
  local dir=$1 i
  shift
  for _ in 1 2 3 4 5; do
    PORT=$((30000 + (RANDOM * 32768 + RANDOM) % 30001))
    port_in_use "$PORT" && continue
    SERVE_COUNT=$((SERVE_COUNT + 1))
    OUT="$TMP/serve-$SERVE_COUNT.out"
    ERR="$TMP/serve-$SERVE_COUNT.err"
    (cd "$dir" && exec "$FONDACO" serve "$@" --listen "127.0.0.1:$PORT" >"$OUT" 2>"$ERR") &
    PID=$!
    SERVER_PIDS+=("$PID")
    for ((i = 0; i < 100; i++)); do  # 10 s
      if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
        return 0
      fi
      alive "$PID" || break
      sleep 0.1
    done
    if alive "$PID"; then  # running but never healthy: give up
      kill -9 "$PID" 2>/dev/null || true
      return 1
    fi
    wait "$PID" 2>/dev/null || true
    grep -qi "address\|in use\|bind" "$ERR" || return 1  # died for another reason
  done
  return 1
}

# token_from FILE: the first fdc_ token in FILE, waiting up to 5 s for it to be printed
# (the server answers /healthz slightly before it writes the banner).
token_from() {
  local i t
  for ((i = 0; i < 50; i++)); do
    t=$(grep -oE 'fdc_[A-Za-z0-9_-]{43}' "$1" | head -n 1 || true)
    if [[ -n $t ]]; then
      echo "$t"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# ---- helpers: HTTP ----

# http METHOD PATH [BODY [CONTENT_TYPE]]: request with the admin token in $TOKEN against
# $PORT; sets STATUS, CTYPE and BODY (STATUS=000 when the connection failed).
http() {
  local method=$1 path=$2 meta
  local args=(-sS --max-time 10 -X "$method" -o "$TMP/http.body" -w '%{http_code} %{content_type}')
  [[ -n ${TOKEN:-} ]] && args+=(-H "Authorization: Bearer $TOKEN")
  if [[ $# -ge 3 ]]; then
    args+=(-H "Content-Type: ${4:-application/json}" --data-binary "$3")
  fi
  : >"$TMP/http.body"
  meta=$(curl "${args[@]}" "http://127.0.0.1:$PORT$path" 2>/dev/null) || true
  STATUS=${meta%% *}
  [[ -n $STATUS ]] || STATUS=000
  CTYPE=${meta#* }
  BODY=$(cat "$TMP/http.body")
}

# Total products, walking next_cursor (bounded); prints the count or nothing on error.
product_count() {
  local cursor="" total=0 page n
  for ((page = 0; page < 100; page++)); do
    http GET "/api/v1/products?limit=500${cursor:+&cursor=$cursor}"
    [[ $STATUS == 200 ]] || return 1
    n=$(grep -o '"handle":' <<<"$BODY" | wc -l || true)
    total=$((total + n))
    cursor=$(grep -o '"next_cursor":"[^"]*"' <<<"$BODY" | sed 's/.*:"\(.*\)"/\1/' || true)
    if [[ -z $cursor ]]; then
      echo "$total"
      return 0
    fi
  done
  return 1
}

# on_hand of a SKU from GET /api/v1/stock/{sku} (the first on_hand member is the total).
on_hand() {
  http GET "/api/v1/stock/$1"
  [[ $STATUS == 200 ]] || return 1
  grep -o '"on_hand":-\?[0-9]*' <<<"$BODY" | head -n 1 | cut -d: -f2
}

one_line() {  # FILE holds exactly one non-empty line
  [[ -s $1 && $(wc -l <"$1") -eq 1 ]]
}

# ---- 1. CLI surface ----

if "$FONDACO" --help >"$TMP/help.out" 2>&1; then
  missing=""
  for cmd in serve migrate demo token version; do
    grep -qE "^[[:space:]]+$cmd([[:space:]]|$)" "$TMP/help.out" || missing+=" $cmd"
  done
  if [[ -z $missing ]]; then pass "--help lists every subcommand"
  else fail "--help lists every subcommand" "missing:$missing"; fi
else
  fail "--help lists every subcommand" "exit code $?"
fi

if "$FONDACO" serve --help >"$TMP/serve-help.out" 2>&1 &&
  grep -q -- '--listen' "$TMP/serve-help.out" && grep -q -- '--db' "$TMP/serve-help.out"; then
  pass "serve --help shows --listen and --db"
else
  fail "serve --help shows --listen and --db" "$(head -c 300 "$TMP/serve-help.out")"
fi

if out=$("$FONDACO" version 2>&1) && [[ $out =~ ^fondaco\ [0-9]+\.[0-9]+\.[0-9]+ ]]; then
  pass "version prints the version"
else
  fail "version prints the version" "got: $out"
fi

rc=0
"$FONDACO" no-such-command >/dev/null 2>&1 || rc=$?
if [[ $rc -ne 0 ]]; then pass "unknown subcommand exits non-zero"
else fail "unknown subcommand exits non-zero"; fi

# ---- 2. migrate ----

DB_A="sqlite:$TMP/a/f.db"
rc=0
"$FONDACO" migrate --db "$DB_A" >"$TMP/migrate1.out" 2>&1 || rc=$?
if [[ $rc -eq 0 && -f $TMP/a/f.db ]]; then pass "migrate creates the directory and the database"
else fail "migrate creates the directory and the database" "exit $rc" "$(head -c 300 "$TMP/migrate1.out")"; fi

rc=0
"$FONDACO" migrate --db "$DB_A" >"$TMP/migrate2.out" 2>&1 || rc=$?
if [[ $rc -eq 0 ]]; then pass "migrate again is a no-op"
else fail "migrate again is a no-op" "exit $rc" "$(head -c 300 "$TMP/migrate2.out")"; fi

# ---- 3. token create ----

rc=0
"$FONDACO" token create --role admin --db "$DB_A" >"$TMP/token.out" 2>"$TMP/token.err" || rc=$?
if [[ $rc -eq 0 ]] && one_line "$TMP/token.out" && grep -qE "$TOKEN_RE" "$TMP/token.out"; then
  pass "token create prints exactly one token line"
else
  fail "token create prints exactly one token line" "exit $rc" "stdout: $(head -c 200 "$TMP/token.out")" \
    "stderr: $(head -c 200 "$TMP/token.err")"
fi

rc=0
"$FONDACO" token create --role nonsense --db "$DB_A" >"$TMP/badrole.out" 2>"$TMP/badrole.err" || rc=$?
if [[ $rc -ne 0 ]] && one_line "$TMP/badrole.err" && [[ ! -s $TMP/badrole.out ]]; then
  pass "token create --role nonsense fails with a one-line reason"
else
  fail "token create --role nonsense fails with a one-line reason" "exit $rc" \
    "stderr: $(head -c 300 "$TMP/badrole.err")"
fi

mkdir -p "$TMP/envcwd"
rc=0
(cd "$TMP/envcwd" && FONDACO_DB="sqlite:$TMP/envdb/f.db" "$FONDACO" token create --role manager) \
  >"$TMP/envtoken.out" 2>"$TMP/envtoken.err" || rc=$?
if [[ $rc -eq 0 && -f $TMP/envdb/f.db && ! -e $TMP/envcwd/fondaco-data ]] &&
  grep -qE "$TOKEN_RE" "$TMP/envtoken.out"; then
  pass "FONDACO_DB is honoured"
else
  fail "FONDACO_DB is honoured" "exit $rc" "stderr: $(head -c 300 "$TMP/envtoken.err")"
fi

# user create: the password from stdin; a duplicate e-mail or a short password fails with
# one line, and without --password-stdin a non-terminal stdin is refused.
rc=0
echo "a long enough password" | "$FONDACO" user create --email Ops@Example.it --role logistics \
  --password-stdin --db "$DB_A" >"$TMP/user.out" 2>"$TMP/user.err" || rc=$?
if [[ $rc -eq 0 ]] && one_line "$TMP/user.out" && grep -q "ops@example.it" "$TMP/user.out"; then
  pass "user create reads the password from stdin"
else
  fail "user create reads the password from stdin" "exit $rc" "stderr: $(head -c 300 "$TMP/user.err")"
fi
for args in "--email ops@example.it --password-stdin" "--email new@example.it --password-stdin" \
  "--email other@example.it"; do
  rc=0
  pw="a long enough password"
  [[ $args == *new@* ]] && pw="short"
  # shellcheck disable=SC2086
  echo "$pw" | "$FONDACO" user create $args --role admin --db "$DB_A" \
    >"$TMP/baduser.out" 2>"$TMP/baduser.err" || rc=$?
  if [[ $rc -ne 0 ]] && one_line "$TMP/baduser.err" && [[ ! -s $TMP/baduser.out ]]; then
    pass "user create $args (duplicate, short password or no terminal) fails with one line"
  else
    fail "user create $args fails with one line" "exit $rc" "stderr: $(head -c 300 "$TMP/baduser.err")"
  fi
done

# ---- 4. unreachable PostgreSQL ----

rc=0
timeout 30 "$FONDACO" migrate --db "postgresql://nobody@127.0.0.1:1/x" \
  >"$TMP/pg.out" 2>"$TMP/pg.err" || rc=$?
if [[ $rc -ne 0 && $rc -ne 124 ]] && one_line "$TMP/pg.err"; then
  pass "unreachable PostgreSQL fails fast with a one-line reason"
else
  fail "unreachable PostgreSQL fails fast with a one-line reason" \
    "exit $rc (124 = timed out)" "stderr: $(head -c 300 "$TMP/pg.err")"
fi

# ---- 5. make-run style start, restart ----

RUN="$TMP/run"
mkdir -p "$RUN"
if start_server "$RUN" --demo; then
  pass "serve --demo starts and answers /healthz"
  FIRST_PID=$PID
  if [[ -f $RUN/fondaco-data/fondaco.db ]]; then pass "serve creates ./fondaco-data/fondaco.db"
  else fail "serve creates ./fondaco-data/fondaco.db"; fi

  TOKEN=$(token_from "$OUT") || TOKEN=""
  if [[ -n $TOKEN ]]; then pass "serve --demo prints an admin token"
  else fail "serve --demo prints an admin token" "stdout: $(head -c 300 "$OUT")"; fi

  http GET "/api/v1/products?limit=5"
  n=$(grep -o '"handle":' <<<"$BODY" | wc -l || true)
  if [[ $STATUS == 200 && $n -eq 5 ]]; then pass "GET /api/v1/products?limit=5 returns 5 items"
  else fail "GET /api/v1/products?limit=5 returns 5 items" "status $STATUS, $n items" "${BODY:0:300}"; fi

  http GET "/api/v1/variants/BF-11-1"
  if [[ $STATUS == 200 && $BODY == *'"stock":{'* ]]; then pass "GET /api/v1/variants/BF-11-1 has stock"
  else fail "GET /api/v1/variants/BF-11-1 has stock" "status $STATUS" "${BODY:0:300}"; fi

  http GET "/api/v1/locations?limit=500"
  if [[ $STATUS == 200 && $BODY == *'"code":"WH-BO"'* && $BODY == *'"code":"STORE-MI"'* &&
    $BODY == *'"code":"RETURNS"'* ]]; then
    pass "GET /api/v1/locations lists WH-BO, STORE-MI and RETURNS"
  else
    fail "GET /api/v1/locations lists WH-BO, STORE-MI and RETURNS" "status $STATUS" "${BODY:0:300}"
  fi

  mode=$(stat -c %a "$RUN/fondaco-data/admin-token" 2>/dev/null || echo missing)
  if [[ $mode == 600 ]]; then pass "fondaco-data/admin-token exists with mode 600"
  else fail "fondaco-data/admin-token exists with mode 600" "mode: $mode"; fi

  PRODUCTS_BEFORE=$(product_count || echo "?")

  # ---- 6. graceful shutdown ----
  kill -TERM "$FIRST_PID"
  if wait_exit "$FIRST_PID" 10; then
    if [[ $EXIT_CODE -eq 0 ]]; then pass "SIGTERM while idle: exits 0 within 10 s"
    else fail "SIGTERM while idle: exits 0 within 10 s" "exit code $EXIT_CODE" "$(tail -n 5 "$ERR")"; fi
  else
    fail "SIGTERM while idle: exits 0 within 10 s" "still running after 10 s"
    kill -9 "$FIRST_PID" 2>/dev/null || true
  fi

  FIRST_TOKEN=$TOKEN
  if start_server "$RUN" --demo; then
    SECOND_PID=$PID
    TOKEN=$(token_from "$OUT") || TOKEN=""
    if [[ -n $TOKEN && $TOKEN == "$FIRST_TOKEN" ]]; then pass "restart prints the same token"
    else fail "restart prints the same token" "first $FIRST_TOKEN, second ${TOKEN:-none}"; fi
    TOKEN=$FIRST_TOKEN
    PRODUCTS_AFTER=$(product_count || echo "??")
    if [[ $PRODUCTS_BEFORE == "$PRODUCTS_AFTER" && $PRODUCTS_BEFORE =~ ^[0-9]+$ && $PRODUCTS_BEFORE -gt 0 ]]; then
      pass "restart does not load the demo twice ($PRODUCTS_AFTER products)"
    else
      fail "restart does not load the demo twice" "before: $PRODUCTS_BEFORE, after: $PRODUCTS_AFTER"
    fi
    kill -TERM "$SECOND_PID"
    wait_exit "$SECOND_PID" 10 || kill -9 "$SECOND_PID" 2>/dev/null || true
  else
    fail "restart on the same data" "$(tail -n 5 "$ERR")"
  fi
else
  fail "serve --demo starts and answers /healthz" "$(tail -n 5 "$ERR" 2>/dev/null)"
fi

# ---- 7. durability of an acknowledged write across kill -9 ----

DUR="$TMP/dur"
mkdir -p "$DUR"
TOKEN=""
if start_server "$DUR" --demo; then
  TOKEN=$(token_from "$OUT") || TOKEN=""
  before=$(on_hand BF-11-1 || echo "?")
  http POST /api/v1/stock/moves \
    '{"sku":"BF-11-1","qty":5,"from":"SUPPLIER","to":"WH-BO","reason":"receipt","reference":"cli durability"}'
  move_status=$STATUS
  kill -9 "$PID"
  wait_exit "$PID" 10 || true
  if [[ $move_status != 201 ]]; then
    fail "kill -9 after 201: the move survives" "POST /api/v1/stock/moves answered $move_status: ${BODY:0:300}"
  elif start_server "$DUR" --demo; then
    after=$(on_hand BF-11-1 || echo "?")
    if [[ $before =~ ^-?[0-9]+$ && $after =~ ^-?[0-9]+$ && $after -eq $((before + 5)) ]]; then
      pass "kill -9 after 201: the move survives (on_hand $before -> $after)"
    else
      fail "kill -9 after 201: the move survives" "on_hand before $before, after restart $after"
    fi

    # ---- 8. malformed JSON over real HTTP ----
    http POST /api/v1/stock/moves '{"sku":"BF-11-1","qty":'
    if [[ $STATUS == 400 && $CTYPE == application/problem+json* ]]; then
      pass "malformed JSON gets 400 application/problem+json"
    else
      fail "malformed JSON gets 400 application/problem+json" "status $STATUS, type $CTYPE" "${BODY:0:300}"
    fi
  else
    fail "restart after kill -9" "$(tail -n 5 "$ERR")"
  fi
else
  fail "serve --demo for the durability check" "$(tail -n 5 "$ERR" 2>/dev/null)"
fi

# ---- 9. import products (the shared Shopify sample), re-import, export ----
SAMPLE="$(dirname "$0")/../../../shared/data/formats/shopify/product_template.csv"
IMPORT_DB="sqlite:$TMP/import.db"
if [[ -f $SAMPLE ]]; then
  set +e
  report=$("$FONDACO" import products "$SAMPLE" --format shopify --db "$IMPORT_DB" 2>"$TMP/import.err")
  code=$?
  again=$("$FONDACO" import products "$SAMPLE" --format shopify --db "$IMPORT_DB" 2>>"$TMP/import.err")
  exported=$("$FONDACO" export products --format woocommerce --db "$IMPORT_DB" 2>>"$TMP/import.err")
  printf 'Handle,Title,Variant Price\nbad,Bad,1.234\n' >"$TMP/bad.csv"
  "$FONDACO" import products "$TMP/bad.csv" --format shopify --db "$IMPORT_DB" >/dev/null 2>&1
  bad_code=$?
  set -e
  if [[ $code -eq 0 && $report == *'"products":{"created":3,'* && $again == *'"unchanged":3,'* &&
        $exported == *SRT_COT_433* && $bad_code -eq 2 ]]; then
    pass "import products: sample imported, re-import unchanged, export, exit 2 on refused rows"
  else
    fail "import products" "exit $code/$bad_code: ${report:0:300} | ${again:0:200}" "$(tail -n 3 "$TMP/import.err")"
  fi
else
  fail "import products" "sample not found: $SAMPLE"
fi

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
