// Outbound webhook endpoints for integrators: subscriptions, secrets (shown once), the
// delivery log with its attempts, manual redelivery and ping (src/modules/webhooks).
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/webhooks/webhooks.h"
#include "router.h"

namespace fondaco::api {
namespace {

using webhooks::Delivery;
using webhooks::Endpoint;
using webhooks::Webhooks;

constexpr json::StringRule kUrl{limits::kMaxWebhookUrlChars, 1, false};
constexpr json::StringRule kDescription{limits::kMaxWebhookDescriptionChars, 0, false};
constexpr json::StringRule kEventType{100, 1, false};

void write_endpoint(json::Writer& w, const Endpoint& e, const std::string* secret = nullptr) {
  w.begin_object().kv("id", e.id).kv("url", e.url).kv("description", e.description);
  w.key("event_types").begin_array();
  for (const auto& t : e.event_types) w.str(t);
  w.end_array();
  w.kv("status", webhooks::to_string(e.status)).kv("disabled_reason", e.disabled_reason);
  w.kv("disabled_at", e.disabled_at ? std::optional(format_rfc3339_ms(*e.disabled_at))
                                    : std::optional<std::string>());
  w.kv("failing_since", e.failing_since ? std::optional(format_rfc3339_ms(*e.failing_since))
                                        : std::optional<std::string>());
  w.kv("secret_hint", e.secret_hint);
  if (secret) w.kv("secret", *secret);
  w.kv("created_at", format_rfc3339_ms(e.created_at));
  w.kv("updated_at", format_rfc3339_ms(e.updated_at)).end_object();
}

void write_delivery(json::Writer& w, const Delivery& d,
                    const std::vector<webhooks::Attempt>* attempts = nullptr) {
  w.begin_object().kv("id", d.id).kv("endpoint_id", d.endpoint_id);
  w.kv("event_id", d.event_id).kv("event_type", d.event_type);
  w.kv("ordering_key", d.ordering_key).kv("status", webhooks::to_string(d.status));
  w.kv("attempts", d.attempts).key("last_status_code");
  if (d.last_status_code)
    w.i64(*d.last_status_code);
  else
    w.null();
  w.kv("last_error", d.last_error).kv("next_attempt_at", format_rfc3339_ms(d.next_attempt_at));
  w.kv("delivered_at", d.delivered_at ? std::optional(format_rfc3339_ms(*d.delivered_at))
                                      : std::optional<std::string>());
  w.kv("created_at", format_rfc3339_ms(d.created_at));
  if (attempts) {
    w.key("body").str(webhooks::event_body(d));
    w.key("attempt_log").begin_array();
    for (const auto& a : *attempts) {
      w.begin_object().kv("at", format_rfc3339_ms(a.at)).key("status_code");
      if (a.status_code)
        w.i64(*a.status_code);
      else
        w.null();
      w.kv("latency_ms", a.latency_ms).kv("response", a.response_snippet);
      w.kv("error", a.error).end_object();
    }
    w.end_array();
  }
  w.end_object();
}

Result<std::optional<std::vector<std::string>>> read_types(json::Object& o) {
  const json::Value* arr = FONDACO_TRY(o.opt_array("event_types", limits::kMaxWebhookEventTypes));
  if (!arr) return std::optional<std::vector<std::string>>{};
  std::vector<std::string> out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i)
    out.push_back(
        FONDACO_TRY(json::check_string((*arr)[i], json::index_path("event_types", i), kEventType)));
  return std::optional<std::vector<std::string>>(std::move(out));
}

Response secret_response(int status, const webhooks::WithSecret& made) {
  json::Writer w;
  write_endpoint(w, made.endpoint, &made.secret);
  Response r = json_response(status, w.take());
  r.set_header("Cache-Control", "no-store");
  return r;
}

Result<Response> create_endpoint(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  json::Object o = FONDACO_TRY(json::Object::of(doc->root()));
  webhooks::EndpointInput in;
  in.url = FONDACO_TRY(o.req_string("url", kUrl));
  in.description = FONDACO_TRY(o.opt_string("description", kDescription)).value_or("");
  auto types = FONDACO_TRY(read_types(o));
  if (!types) return fail(ErrorCode::invalid_argument, "is required", "event_types");
  in.event_types = std::move(*types);
  FONDACO_TRY(o.finish());
  Webhooks hooks(c.s.log);
  // The response holds the secret: an Idempotency-Key is honoured (no second endpoint on a
  // retry) but the body is not stored.
  return commit(
      c, [&](storage::Tx& tx) { return hooks.create(tx, in, c.s.random, c.now_ms()); },
      [](const webhooks::WithSecret& made) { return secret_response(201, made); },
      /*store_body=*/false);
}

Result<Response> list_endpoints(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  auto got = FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return Webhooks::list(tx, page.after_id, page.limit); }));
  json::Writer w;
  w.begin_array();
  for (const auto& e : got.items) write_endpoint(w, e);
  w.end_array();
  return page_response(w.view(), got.next_after);
}

Result<Response> get_endpoint(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto e = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return Webhooks::get(tx, id); }));
  json::Writer w;
  write_endpoint(w, e);
  return json_response(200, w.take());
}

Result<Response> patch_endpoint(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  json::Object o = FONDACO_TRY(json::Object::of(doc->root()));
  webhooks::EndpointPatch p;
  p.url = FONDACO_TRY(o.opt_string("url", kUrl));
  p.description = FONDACO_TRY(o.opt_string("description", kDescription));
  p.event_types = FONDACO_TRY(read_types(o));
  if (o.has("status")) {
    const auto status = FONDACO_TRY(o.req_string("status", {16, 1, false}));
    if (status != "active" && status != "disabled")
      return fail(ErrorCode::invalid_argument, "must be active or disabled", "status");
    p.enabled = status == "active";
  }
  FONDACO_TRY(o.finish());
  Webhooks hooks(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return hooks.update(tx, id, p, c.now_ms()); },
      [](const Endpoint& e) {
        json::Writer w;
        write_endpoint(w, e);
        return json_response(200, w.take());
      });
}

Result<Response> delete_endpoint(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  Webhooks hooks(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<bool> {
        FONDACO_TRY(hooks.remove(tx, id, c.now_ms()));
        return true;
      },
      [](bool) {
        Response r;
        r.status = 204;
        return r;
      });
}

Result<Response> rotate_secret(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  Webhooks hooks(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return hooks.rotate_secret(tx, id, c.s.random, c.now_ms()); },
      [](const webhooks::WithSecret& made) { return secret_response(200, made); },
      /*store_body=*/false);
}

Result<Response> list_deliveries(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  FONDACO_TRY(allow_query(c, {"status", "limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  webhooks::DeliveryFilter f;
  f.after_id = page.after_id;
  f.limit = page.limit;
  if (auto it = c.query.find("status"); it != c.query.end()) {
    f.status = webhooks::parse_delivery_status(it->second);
    if (!f.status)
      return fail(ErrorCode::invalid_argument, "must be pending, sending, delivered or failed",
                  "status");
  }
  auto got =
      FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return Webhooks::deliveries(tx, id, f); }));
  json::Writer w;
  w.begin_array();
  for (const auto& d : got.items) write_delivery(w, d);
  w.end_array();
  return page_response(w.view(), got.next_after);
}

Result<Response> get_delivery(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  const auto delivery_id = FONDACO_TRY(path_id(c, "delivery_id"));
  json::Writer w;
  FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<void> {
    const auto d = FONDACO_TRY(Webhooks::delivery(tx, id, delivery_id));
    const auto attempts = FONDACO_TRY(Webhooks::attempts(tx, delivery_id));
    write_delivery(w, d, &attempts);
    return ok();
  }));
  return json_response(200, w.take());
}

Response delivery_response(int status, const Delivery& d) {
  json::Writer w;
  write_delivery(w, d);
  return json_response(status, w.take());
}

Result<Response> redeliver(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  const auto delivery_id = FONDACO_TRY(path_id(c, "delivery_id"));
  return commit(
      c, [&](storage::Tx& tx) { return Webhooks::redeliver(tx, id, delivery_id, c.now_ms()); },
      [](const Delivery& d) { return delivery_response(202, d); });
}

Result<Response> ping(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  return commit(
      c, [&](storage::Tx& tx) { return Webhooks::ping(tx, id, c.s.random, c.now_ms()); },
      [](const Delivery& d) { return delivery_response(202, d); });
}

}  // namespace

std::vector<Route> webhooks_routes() {
  const Access who = roles({Role::manager, Role::integration});
  return {
      {"GET", "/api/v1/webhooks", who, list_endpoints},
      {"POST", "/api/v1/webhooks", who, create_endpoint},
      {"GET", "/api/v1/webhooks/{id}", who, get_endpoint},
      {"PATCH", "/api/v1/webhooks/{id}", who, patch_endpoint},
      {"DELETE", "/api/v1/webhooks/{id}", who, delete_endpoint},
      {"POST", "/api/v1/webhooks/{id}/rotate-secret", who, rotate_secret},
      {"GET", "/api/v1/webhooks/{id}/deliveries", who, list_deliveries},
      {"GET", "/api/v1/webhooks/{id}/deliveries/{delivery_id}", who, get_delivery},
      {"POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", who, redeliver},
      {"POST", "/api/v1/webhooks/{id}/ping", who, ping},
  };
}

}  // namespace fondaco::api
