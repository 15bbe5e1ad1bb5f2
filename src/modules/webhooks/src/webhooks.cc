// Endpoints (validation, secrets, rotation), fan-out of events into deliveries, pings,
// the delivery log reads and manual redelivery. Sending lives in delivery.cc.
#include "fondaco/webhooks/webhooks.h"

#include <algorithm>
#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "internal.h"

namespace fondaco::webhooks {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

// Aggregates of the domain events integrators may follow. Tokens, users and e-mails are
// left out on purpose: their events carry secrets' metadata or personal data of staff.
constexpr std::array<std::string_view, 16> kPrefixes = {
    "order",    "payment",     "invoice", "shipment",        "return", "product",
    "stock",    "cart",        "channel", "customer",        "refund", "price_list",
    "location", "reservation", "carrier", "webhook_endpoint"};

constexpr std::string_view kEndpointColumns =
    "id, url, description, event_types, status, disabled_reason, disabled_at, failing_since, "
    "secret, previous_secret_until, created_at, updated_at";

Endpoint endpoint_from(const Rows& r, std::size_t i) {
  Endpoint e;
  e.id = r.i64(i, 0);
  e.url = r.text(i, 1);
  e.description = r.text(i, 2);
  if (auto doc = json::parse(r.text(i, 3)); doc && (*doc)->root().IsArray())
    for (const auto& v : (*doc)->root().GetArray())
      if (v.IsString()) e.event_types.emplace_back(v.GetString(), v.GetStringLength());
  e.status = r.text(i, 4) == "disabled" ? EndpointStatus::disabled : EndpointStatus::active;
  e.disabled_reason = r.text(i, 5);
  e.disabled_at = r.opt_i64(i, 6);
  e.failing_since = r.opt_i64(i, 7);
  const std::string& secret = r.text(i, 8);
  e.secret_hint = secret.size() > 4 ? secret.substr(secret.size() - 4) : secret;
  e.previous_secret_until = r.opt_i64(i, 9);
  e.created_at = r.i64(i, 10);
  e.updated_at = r.i64(i, 11);
  return e;
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'); }

bool known_prefix(std::string_view p) {
  return std::find(kPrefixes.begin(), kPrefixes.end(), p) != kPrefixes.end();
}

// "*", "order.*" or "order.created" with a known aggregate.
bool valid_pattern(std::string_view p) {
  if (p == "*") return true;
  const auto dot = p.find('.');
  if (dot == std::string_view::npos || !known_prefix(p.substr(0, dot))) return false;
  const auto name = p.substr(dot + 1);
  if (name == "*") return true;
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), is_name_char);
}

// http(s)://host[:port][/path][?query]: no fragment, no whitespace or controls.
Result<void> check_url(std::string_view url) {
  if (url.size() > limits::kMaxWebhookUrlChars)
    return fail(ErrorCode::unprocessable, "must be at most 2048 characters", "url");
  std::string_view rest;
  if (url.starts_with("https://"))
    rest = url.substr(8);
  else if (url.starts_with("http://"))
    rest = url.substr(7);
  else
    return fail(ErrorCode::unprocessable, "must be an http:// or https:// URL", "url");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#' || c == '\\')
      return fail(ErrorCode::unprocessable, "must not contain spaces, controls or a fragment",
                  "url");
  const auto host = rest.substr(0, rest.find_first_of("/?"));
  if (host.empty() || host.starts_with(':') || host.find('@') != std::string_view::npos)
    return fail(ErrorCode::unprocessable, "must name a host (and no user info)", "url");
  return ok();
}

Result<void> check_description(std::string_view d) {
  if (!is_valid_utf8(d) || has_control_chars(d) ||
      utf8_length(d) > limits::kMaxWebhookDescriptionChars)
    return fail(ErrorCode::unprocessable, "must be at most 500 characters of text", "description");
  return ok();
}

Result<std::string> event_types_json(const std::vector<std::string>& types) {
  if (types.empty())
    return fail(ErrorCode::unprocessable, "must name at least one event type", "event_types");
  if (types.size() > limits::kMaxWebhookEventTypes)
    return fail(ErrorCode::unprocessable, "at most 50 event types", "event_types");
  json::Writer w;
  w.begin_array();
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (!valid_pattern(types[i]))
      return fail(ErrorCode::unprocessable,
                  "must be \"*\", \"<aggregate>.*\" or \"<aggregate>.<event>\" with a known "
                  "aggregate (order, payment, shipment, ...)",
                  json::index_path("event_types", i));
    w.str(types[i]);
  }
  w.end_array();
  return w.take();
}

std::string new_secret(Random& random) {
  std::array<std::byte, 24> bytes{};
  random.fill(bytes);
  return "whsec_" +
         hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string endpoint_payload(const Endpoint& e, std::string_view reason = {}) {
  json::Writer w;
  w.begin_object().kv("id", e.id).kv("url", e.url).kv("status", to_string(e.status));
  if (!reason.empty()) w.kv("reason", reason);
  w.end_object();
  return w.take();
}

}  // namespace

std::span<const std::string_view> known_prefixes() { return kPrefixes; }

bool matches(std::string_view pattern, std::string_view type) {
  if (pattern == "*") return true;
  if (pattern.ends_with(".*"))
    return type.size() > pattern.size() - 1 &&
           type.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == type;
}

std::string_view to_string(EndpointStatus s) {
  return s == EndpointStatus::active ? "active" : "disabled";
}

Result<WithSecret> Webhooks::create(Tx& tx, const EndpointInput& in, Random& random,
                                    std::int64_t now_ms) {
  FONDACO_TRY(check_url(in.url));
  FONDACO_TRY(check_description(in.description));
  const std::string types = FONDACO_TRY(event_types_json(in.event_types));
  auto count = FONDACO_TRY(tx.query("SELECT COUNT(*) FROM webhook_endpoints"));
  if (count.i64(0, 0) >= limits::kMaxWebhookEndpoints)
    return fail(ErrorCode::conflict, "at most 50 webhook endpoints", "url");
  const std::string secret = new_secret(random);
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO webhook_endpoints (url, description, event_types, status, disabled_reason, "
      "secret, previous_secret, created_at, updated_at) VALUES (?, ?, ?, 'active', '', ?, '', ?, "
      "?) RETURNING " +
          std::string(kEndpointColumns),
      {in.url, in.description, types, secret, now_ms, now_ms}));
  Endpoint e = endpoint_from(rows, 0);
  FONDACO_TRY(log_.append(tx, "webhook_endpoint.created", "webhook_endpoint", std::to_string(e.id),
                          endpoint_payload(e), now_ms));
  return WithSecret{std::move(e), secret};
}

Result<Endpoint> Webhooks::get(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kEndpointColumns) + " FROM webhook_endpoints WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "webhook endpoint not found", "id");
  return endpoint_from(rows, 0);
}

Result<Page<Endpoint>> Webhooks::list(Tx& tx, std::int64_t after_id, int limit) {
  limit = std::clamp(limit, 1, limits::kMaxPageSize);
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kEndpointColumns) +
                                       " FROM webhook_endpoints WHERE id > ? ORDER BY id LIMIT ?",
                                   {after_id, std::int64_t{limit + 1}}));
  Page<Endpoint> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(endpoint_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<Endpoint> Webhooks::update(Tx& tx, std::int64_t id, const EndpointPatch& p,
                                  std::int64_t now_ms) {
  const Endpoint before = FONDACO_TRY(get(tx, id));
  if (p.url) FONDACO_TRY(check_url(*p.url));
  if (p.description) FONDACO_TRY(check_description(*p.description));
  const std::string types =
      FONDACO_TRY(event_types_json(p.event_types ? *p.event_types : before.event_types));
  const bool enable = p.enabled && *p.enabled && before.status == EndpointStatus::disabled;
  const bool disable = p.enabled && !*p.enabled && before.status == EndpointStatus::active;
  FONDACO_TRY(tx.exec(
      "UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, updated_at = ? "
      "WHERE id = ?",
      {p.url.value_or(before.url), p.description.value_or(before.description), types, now_ms, id}));
  if (enable)
    FONDACO_TRY(tx.exec(
        "UPDATE webhook_endpoints SET status = 'active', disabled_reason = '', disabled_at = NULL, "
        "failing_since = NULL WHERE id = ?",
        {id}));
  if (disable)
    FONDACO_TRY(tx.exec(
        "UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = 'disabled by a user', "
        "disabled_at = ? WHERE id = ?",
        {now_ms, id}));
  Endpoint after = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(log_.append(tx, "webhook_endpoint.updated", "webhook_endpoint", std::to_string(id),
                          endpoint_payload(after), now_ms));
  if (enable || disable)
    FONDACO_TRY(log_.append(tx, enable ? "webhook_endpoint.enabled" : "webhook_endpoint.disabled",
                            "webhook_endpoint", std::to_string(id),
                            endpoint_payload(after, after.disabled_reason), now_ms));
  return after;
}

Result<void> Webhooks::remove(Tx& tx, std::int64_t id, std::int64_t now_ms) {
  const Endpoint e = FONDACO_TRY(get(tx, id));
  // Explicit deletes rather than relying on ON DELETE CASCADE alone: the log rows go too
  // even where foreign keys are not enforced.
  FONDACO_TRY(
      tx.exec("DELETE FROM webhook_attempts WHERE delivery_id IN "
              "(SELECT id FROM webhook_deliveries WHERE endpoint_id = ?)",
              {id}));
  FONDACO_TRY(tx.exec("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", {id}));
  FONDACO_TRY(tx.exec("DELETE FROM webhook_endpoints WHERE id = ?", {id}));
  return log_.append(tx, "webhook_endpoint.deleted", "webhook_endpoint", std::to_string(id),
                     endpoint_payload(e), now_ms);
}

Result<WithSecret> Webhooks::rotate_secret(Tx& tx, std::int64_t id, Random& random,
                                           std::int64_t now_ms) {
  FONDACO_TRY(get(tx, id));
  const std::string secret = new_secret(random);
  FONDACO_TRY(
      tx.exec("UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, "
              "secret = ?, updated_at = ? WHERE id = ?",
              {now_ms + limits::kWebhookSecretGraceMs, secret, now_ms, id}));
  Endpoint e = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(log_.append(tx, "webhook_endpoint.secret_rotated", "webhook_endpoint",
                          std::to_string(id), endpoint_payload(e), now_ms));
  return WithSecret{std::move(e), secret};
}

// ON CONFLICT DO NOTHING on (endpoint, event id): an event handed over twice (the
// automations API re-running it) still gives one delivery per endpoint.
Result<int> Webhooks::fan_out(Tx& tx, const events::Event& e) {
  auto endpoints = FONDACO_TRY(tx.query(
      "SELECT id, event_types FROM webhook_endpoints WHERE status = 'active' ORDER BY id"));
  int made = 0;
  const std::string event_id = "evt_" + std::to_string(e.seq);
  const std::string key = e.aggregate + ":" + e.aggregate_id;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    auto doc = json::parse(endpoints.text(i, 1));
    if (!doc || !(*doc)->root().IsArray()) continue;
    bool wanted = false;
    for (const auto& v : (*doc)->root().GetArray())
      wanted = wanted || (v.IsString() && matches(v.GetString(), e.type));
    if (!wanted) continue;
    made += static_cast<int>(FONDACO_TRY(tx.exec(
        "INSERT INTO webhook_deliveries (endpoint_id, event_seq, event_id, event_type, "
        "ordering_key, event_at, payload, status, attempts, next_attempt_at, lease_until, "
        "last_error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, 0, "
        "'', ?, ?) ON CONFLICT (endpoint_id, event_id) DO NOTHING",
        {endpoints.i64(i, 0), e.seq, event_id, e.type, key, e.at_ms,
         e.payload.empty() ? std::string("{}") : e.payload, e.at_ms, e.at_ms, e.at_ms})));
  }
  return made;
}

Result<Delivery> Webhooks::ping(Tx& tx, std::int64_t endpoint_id, Random& random,
                                std::int64_t now_ms) {
  FONDACO_TRY(get(tx, endpoint_id));
  std::array<std::byte, 8> bytes{};
  random.fill(bytes);
  const std::string event_id =
      "ping_" + hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), 8));
  json::Writer w;
  w.begin_object().kv("endpoint_id", endpoint_id).end_object();
  // Its own ordering key: a ping never waits behind an order's retries.
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, ordering_key, "
      "event_at, payload, status, attempts, next_attempt_at, lease_until, last_error, "
      "created_at, updated_at) VALUES (?, ?, 'webhook.ping', ?, ?, ?, 'pending', 0, ?, 0, '', "
      "?, ?) RETURNING id",
      {endpoint_id, event_id, "ping:" + event_id, now_ms, w.take(), now_ms, now_ms, now_ms}));
  return delivery(tx, endpoint_id, rows.i64(0, 0));
}

Result<Page<Delivery>> Webhooks::deliveries(Tx& tx, std::int64_t endpoint_id,
                                            const DeliveryFilter& f) {
  FONDACO_TRY(get(tx, endpoint_id));
  const int limit = std::clamp(f.limit, 1, limits::kMaxPageSize);
  // Newest first is what a log reader wants, but keyset pages run on ascending ids like
  // every other list of the API.
  std::string sql = "SELECT " + std::string(detail::kDeliveryColumns) +
                    " FROM webhook_deliveries WHERE endpoint_id = ? AND id > ?";
  std::vector<Value> params{endpoint_id, f.after_id};
  if (f.status) {
    sql += " AND status = ?";
    params.emplace_back(std::string(to_string(*f.status)));
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto rows = FONDACO_TRY(tx.query(sql, params));
  Page<Delivery> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(detail::delivery_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<Delivery> Webhooks::delivery(Tx& tx, std::int64_t endpoint_id, std::int64_t delivery_id) {
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(detail::kDeliveryColumns) +
                                       " FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?",
                                   {delivery_id, endpoint_id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "delivery not found", "delivery_id");
  return detail::delivery_from(rows, 0);
}

Result<std::vector<Attempt>> Webhooks::attempts(Tx& tx, std::int64_t delivery_id) {
  auto rows = FONDACO_TRY(
      tx.query("SELECT id, delivery_id, at, status_code, latency_ms, response_snippet, error FROM "
               "webhook_attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT ?",
               {delivery_id, std::int64_t{limits::kWebhookAttemptsShown}}));
  std::vector<Attempt> out;
  for (std::size_t i = rows.size(); i-- > 0;) {
    Attempt a;
    a.id = rows.i64(i, 0);
    a.delivery_id = rows.i64(i, 1);
    a.at = rows.i64(i, 2);
    if (auto s = rows.opt_i64(i, 3)) a.status_code = static_cast<int>(*s);
    a.latency_ms = rows.i64(i, 4);
    a.response_snippet = rows.text(i, 5);
    a.error = rows.text(i, 6);
    out.push_back(std::move(a));
  }
  return out;
}

Result<Delivery> Webhooks::redeliver(Tx& tx, std::int64_t endpoint_id, std::int64_t delivery_id,
                                     std::int64_t now_ms) {
  FONDACO_TRY(delivery(tx, endpoint_id, delivery_id));
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, "
      "lease_until = 0, updated_at = ? WHERE id = ? AND status IN ('delivered', 'failed')",
      {now_ms, now_ms, delivery_id}));
  if (changed == 0)
    return fail(ErrorCode::conflict, "the delivery is still pending or being sent", "delivery_id");
  return delivery(tx, endpoint_id, delivery_id);
}

Result<std::int64_t> Webhooks::prune(Tx& tx, std::int64_t before_ms) {
  FONDACO_TRY(tx.exec(
      "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries "
      "WHERE created_at < ? AND status IN ('delivered', 'failed'))",
      {before_ms}));
  return tx.exec(
      "DELETE FROM webhook_deliveries WHERE created_at < ? AND status IN ('delivered', 'failed')",
      {before_ms});
}

void register_fan_out(events::Dispatcher& d) {
  d.subscribe_tx("webhooks.fanout", [](Tx& tx, const events::Event& e) -> Result<void> {
    FONDACO_TRY(Webhooks::fan_out(tx, e));
    return ok();
  });
}

}  // namespace fondaco::webhooks
