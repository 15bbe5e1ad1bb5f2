// System resources: health, readiness, metrics, the OpenAPI document, the event log tail
// and "who am I".
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/metrics.h"
#include "router.h"

namespace fondaco::api {
namespace {

Response text(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Result<Response> healthz(Ctx&) { return json_response(200, R"({"status":"ok"})"); }

Result<Response> readyz(Ctx& c) {
  if (auto p = c.s.db.ping(); !p)
    return fail(ErrorCode::unavailable, "database not reachable: " + p.error().message);
  return json_response(200, R"({"status":"ready"})");
}

Result<Response> metrics_text(Ctx&) {
  return text(200, "text/plain; version=0.0.4; charset=utf-8", metrics::global().render());
}

Result<Response> openapi(Ctx&) {
  return text(200, "application/yaml", std::string(openapi_yaml()));
}

Result<Response> list_events(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"after", "limit"}));
  std::int64_t after = 0;
  if (auto it = c.query.find("after"); it != c.query.end()) {
    const auto& v = it->second;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
      return fail(ErrorCode::invalid_argument, "must be a non-negative integer", "after");
    after = std::stoll(v);
  }
  int limit = 100;
  if (auto it = c.query.find("limit"); it != c.query.end()) {
    const auto& v = it->second;
    if (v.empty() || v.size() > 5 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(v) < 1 || std::stoi(v) > limits::kMaxEventsPageSize)
      return fail(ErrorCode::invalid_argument,
                  "must be between 1 and " + std::to_string(limits::kMaxEventsPageSize), "limit");
    limit = std::stoi(v);
  }
  auto events = FONDACO_TRY(c.s.db.read(
      [&](storage::Tx& tx) { return events::EventLog::read_after(tx, after, limit); }));
  json::Writer w;
  w.begin_object().key("items").begin_array();
  for (const auto& e : events) {
    w.begin_object().kv("seq", e.seq).kv("type", e.type).kv("aggregate", e.aggregate);
    w.kv("aggregate_id", e.aggregate_id).kv("at", format_rfc3339_ms(e.at_ms));
    w.key("data").raw(e.payload).end_object();
  }
  w.end_array();
  w.kv("next_after", events.empty() ? after : events.back().seq).end_object();
  return json_response(200, w.take());
}

Result<Response> me(Ctx& c) {
  json::Writer w;
  if (c.session) {  // a console user (session cookie) rather than a token
    w.begin_object().kv("user_id", c.session->user.id).kv("name", c.session->user.name);
    w.kv("role", governance::to_string(c.session->user.role)).end_object();
    return json_response(200, w.take());
  }
  w.begin_object().kv("token_id", c.token->id).kv("name", c.token->name);
  w.kv("role", governance::to_string(c.token->role)).end_object();
  return json_response(200, w.take());
}

}  // namespace

std::vector<Route> system_routes() {
  return {
      {"GET", "/healthz", public_access(), healthz},
      {"GET", "/readyz", public_access(), readyz},
      {"GET", "/metrics", public_access(), metrics_text},
      {"GET", "/api/v1/openapi.yaml", public_access(), openapi},
      {"GET", "/api/v1/events", roles({Role::manager, Role::integration}), list_events},
      {"GET", "/api/v1/me", any_role(), me},
  };
}

}  // namespace fondaco::api
