// Automations: the order-to-cash chain runs as event subscribers (src/workflows/
// order_to_cash.h). An event a chain step failed on for good is parked as a failure
// (events::Dispatcher); these routes list the failures and run one again once its cause is
// fixed.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "router.h"

namespace fondaco::api {
namespace {

void write_failure(json::Writer& w, const events::Failure& f) {
  w.begin_object().kv("id", f.id).kv("subscriber", f.subscriber).kv("event_seq", f.seq);
  w.kv("event_type", f.type).kv("aggregate", f.aggregate).kv("aggregate_id", f.aggregate_id);
  w.kv("status", f.status).kv("attempts", f.attempts).kv("last_error", f.last_error);
  w.kv("created_at", format_rfc3339_ms(f.created_at));
  w.kv("updated_at", format_rfc3339_ms(f.updated_at)).end_object();
}

Response failure_response(const events::Failure& f) {
  json::Writer w;
  write_failure(w, f);
  return json_response(200, w.take());
}

Result<Response> list_failures(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"status", "limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  std::string status = "open";
  if (auto it = c.query.find("status"); it != c.query.end()) {
    status = it->second == "all" ? "" : it->second;
    if (it->second != "open" && it->second != "resolved" && it->second != "all")
      return fail(ErrorCode::invalid_argument, "must be open, resolved or all", "status");
  }
  auto items = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return events::Dispatcher::failures(tx, status, page.after_id, page.limit + 1);
  }));
  std::optional<std::int64_t> next;
  if (items.size() > static_cast<std::size_t>(page.limit)) {
    items.pop_back();
    next = items.back().id;
  }
  json::Writer w;
  w.begin_array();
  for (const auto& f : items) write_failure(w, f);
  w.end_array();
  return page_response(w.take(), next);
}

Result<Response> get_failure(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  return failure_response(FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return events::Dispatcher::failure(tx, id); })));
}

Result<Response> retry_failure(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  if (!c.s.dispatcher) return fail(ErrorCode::unavailable, "automations are not running here");
  return failure_response(FONDACO_TRY(c.s.dispatcher->retry_failure(id)));
}

}  // namespace

std::vector<Route> automations_routes() {
  const Access readers =
      roles({Role::manager, Role::logistics, Role::accounting, Role::customer_care});
  return {
      {"GET", "/api/v1/automations/failures", readers, list_failures},
      {"GET", "/api/v1/automations/failures/{id}", readers, get_failure},
      {"POST", "/api/v1/automations/failures/{id}/retry", roles({Role::manager}), retry_failure},
  };
}

}  // namespace fondaco::api
