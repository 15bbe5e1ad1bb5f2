// The HTTP API of Fondaco: turns Requests into Responses for every route under /api/v1 plus
// /healthz, /readyz, /metrics. Routing, bearer-token authentication, role checks (each
// route lists its roles as data in its resource file), problem+json errors, cursor
// pagination and per-route metrics live here; business rules live in the modules.
// Thread-safety: the handler returned by make_api_handler is safe to call concurrently.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "fondaco/api/http.h"
#include "fondaco/base/clock.h"
#include "fondaco/base/limits.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/events/event_log.h"
#include "fondaco/governance/tokens.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/group_commit.h"
#include "fondaco/storage/migrations.h"
#include "fondaco/workflows/order_to_cash.h"

namespace fondaco::api {

// Everything a request may touch. Owned by the composition root (app/).
struct Services {
  storage::Database& db;
  // Every write of the API goes through this single group-commit writer (router.h commit()).
  storage::GroupCommit& writes;
  events::EventLog& log;
  events::Dispatcher* dispatcher;  // may be null (tests without delivery)
  catalog::Catalog& catalog;
  inventory::Inventory& inventory;
  governance::Tokens& tokens;
  const Clock& clock;
  Random& random;
  std::function<std::size_t()> open_connections;  // may be empty
  // The order-to-cash chain's modules (set by the composition root; null in tests that
  // build Services by hand): returns look orders up through it.
  const workflows::Chain* chain = nullptr;
  // How long a cart holds stock when the request names no TTL (serve --cart-ttl).
  std::int64_t cart_ttl_seconds = limits::kDefaultCartTtlSeconds;
  // ---- services channels-sync ----
  // Wakes the channel worker's thread for a channel after a request queued pushes for it
  // (listings, resync); empty when no worker runs (tests without one).
  std::function<void(std::int64_t channel_id)> channel_sync_wake{};
  // ---- end services channels-sync ----
  // ---- services webhooks ----
  // ---- end services webhooks ----
  // ---- services users ----
  // ---- end services users ----
};

Handler make_api_handler(Services& services);

struct RouteInfo {
  std::string method;
  std::string pattern;  // "/api/v1/products/{id}"
};
// Every route the handler serves (for the OpenAPI agreement test).
std::vector<RouteInfo> route_table();

// Tables the API layer owns (idempotency records).
std::span<const storage::Migration> migrations();
// Housekeeping: forgets Idempotency-Keys older than `before_ms`; returns how many.
Result<std::int64_t> prune_idempotency_keys(storage::Database& db, std::int64_t before_ms);

// The OpenAPI 3.1 document served at /api/v1/openapi.yaml (docs/openapi.yaml, compiled in).
std::string_view openapi_yaml();

}  // namespace fondaco::api
