-- wrk script: POST /api/v1/orders with 3 distinct random SKUs of the benchmark catalog
-- (bench_orders seed), 1 unit each, and a unique Idempotency-Key per request.
--   FONDACO_TOKEN=... BENCH_SKUS=10000 wrk -t2 -c64 -d10s --latency -s bench/orders.lua http://HOST:PORT
-- Prints the count of responses other than 201 at the end (wrk counts only non-2xx).
local token = os.getenv("FONDACO_TOKEN") or ""
local skus = tonumber(os.getenv("BENCH_SKUS") or "10000")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
local not_created = 0

function init(args)
  math.randomseed(os.time() * 1000 + tid)
end

local function sku()
  return string.format("BN-%05d", math.random(skus))
end

function request()
  counter = counter + 1
  local a, b, c = sku(), sku(), sku()
  while b == a do b = sku() end
  while c == a or c == b do c = sku() end
  local body = string.format(
    '{"customer":{"email":"w%d.%d@example.com","name":"Bench"},"lines":[' ..
    '{"sku":"%s","qty":1},{"sku":"%s","qty":1},{"sku":"%s","qty":1}],' ..
    '"shipping_method":"courier","shipping_minor":590}', tid, counter, a, b, c)
  return wrk.format("POST", "/api/v1/orders", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, tid, counter),
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    not_created = not_created + 1
    if not_created <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local other = 0
  for _, t in ipairs(threads) do other = other + (t:get("not_created") or 0) end
  io.write(string.format("orders: %d requests, %d not 201; p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, other, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
