// Orders coming in from channels: Shopify and WooCommerce order webhooks (public routes
// whose HMAC signature is the authentication) and Amazon flat-file report imports. The
// payload is verified and translated by its connector (pure functions); then
// workflows::ingest_channel_order stores it. A webhook is one unit of the group-commit
// writer; a report import is one transaction in which each order is its own savepoint, so a
// refused order is reported and the others are stored.
#include "fondaco/amazon/reports.h"
#include "fondaco/base/limits.h"
#include "fondaco/channels/channels.h"
#include "fondaco/channels/credentials.h"
#include "fondaco/shopify/orders.h"
#include "fondaco/woocommerce/orders.h"
#include "fondaco/workflows/channel_orders.h"
#include "idempotency.h"
#include "router.h"

namespace fondaco::api {

// In routes_channels.cc (its credentials region).
std::vector<Route> channel_credentials_routes();

namespace {

using channels::Kind;

// Orders and the workflow hold no state but the event log: built per request.
struct IngestContext {
  orders::Orders orders;
  workflows::OrderServices services;
  explicit IngestContext(Services& s)
      : orders(s.log),
        services{s.catalog, s.inventory, orders, s.chain ? &s.chain->payments : nullptr} {}
};

void write_result(json::Writer& w, const workflows::IngestResult& r) {
  w.kv("outcome", workflows::to_string(r.outcome));
  if (r.order_id == 0) return;
  w.kv("order_id", r.order_id).kv("number", r.number);
  w.kv("status", orders::to_string(r.status)).kv("hold_reason", r.hold_reason);
}

// The channel named in the path, of the kind the route serves, and the secrets that may
// have signed its webhooks (current and, during a rotation, previous).
struct WebhookChannel {
  channels::Channel channel;
  std::vector<std::string> secrets;
};

Result<WebhookChannel> webhook_channel(Ctx& c, Kind kind) {
  return c.s.db.read([&](storage::Tx& tx) -> Result<WebhookChannel> {
    auto ch = FONDACO_TRY(channels::Channels::find(tx, c.path.at("code")));
    // Unknown channel, wrong kind and missing secret all answer 401 alike: an unsigned
    // caller learns nothing about which channels exist.
    if (!ch || ch->kind != kind)
      return fail(ErrorCode::unauthorized, "signature does not match", "signature");
    auto secrets = FONDACO_TRY(
        channels::Credentials::secret_candidates(tx, ch->id, "webhook_secret", c.now_ms()));
    return WebhookChannel{std::move(*ch), std::move(secrets)};
  });
}

Response ignored(std::string_view topic) {
  json::Writer w;
  w.begin_object().kv("outcome", "ignored").kv("topic", topic).end_object();
  return json_response(200, w.take());
}

Result<Response> ingest(Ctx& c, const channels::Channel& ch, const channels::ExternalOrder& ext) {
  IngestContext ic(c.s);
  return commit(
      c,
      [&](storage::Tx& tx) {
        return workflows::ingest_channel_order(tx, ic.services, ch.code, ext, c.now_ms());
      },
      [](const workflows::IngestResult& r) {
        json::Writer w;
        w.begin_object();
        write_result(w, r);
        w.end_object();
        return json_response(r.outcome == workflows::IngestOutcome::created ? 201 : 200, w.take());
      });
}

Result<Response> shopify_webhook(Ctx& c) {
  const auto wc = FONDACO_TRY(webhook_channel(c, Kind::shopify));
  FONDACO_TRY(shopify::verify_webhook(c.req.body, c.req.header(shopify::kHmacHeader), wc.secrets));
  const std::string_view topic = c.req.header(shopify::kTopicHeader);
  if (!shopify::is_order_topic(topic)) return ignored(topic);
  const auto ext = FONDACO_TRY(shopify::parse_order(c.req.body));
  return ingest(c, wc.channel, ext);
}

Result<Response> woocommerce_webhook(Ctx& c) {
  // WooCommerce's unsigned creation ping: 200 or the webhook is disabled; nothing stored.
  if (woocommerce::is_ping(c.req.body)) return ignored("ping");
  const auto wc = FONDACO_TRY(webhook_channel(c, Kind::woocommerce));
  FONDACO_TRY(woocommerce::verify_webhook(c.req.body, c.req.header(woocommerce::kSignatureHeader),
                                          wc.secrets));
  const std::string_view topic = c.req.header(woocommerce::kTopicHeader);
  if (!woocommerce::is_order_topic(topic)) return ignored(topic);
  const auto ext = FONDACO_TRY(woocommerce::parse_order(c.req.body));
  return ingest(c, wc.channel, ext);
}

void write_refused(json::Writer& w, const std::vector<amazon::RowError>& refused) {
  w.key("refused").begin_array();
  for (const auto& e : refused) {
    w.begin_object().kv("line", e.line).kv("column", e.column).kv("reason", e.reason);
    w.kv("order_id", e.order_id).end_object();
  }
  w.end_array();
}

// Runs `one(tx, i)` for each of n orders in one transaction, each in its own savepoint: a
// failing order is rolled back alone and reported; the rest commit together with the
// Idempotency-Key record.
template <typename One, typename Render>
Result<Response> import_each(Ctx& c, std::size_t n, One&& one, Render&& render) {
  Response out;
  FONDACO_TRY(c.s.db.write([&](storage::Tx& tx) -> Result<void> {
    std::vector<Result<workflows::IngestResult>> results;
    for (std::size_t i = 0; i < n; ++i) {
      FONDACO_TRY(tx.savepoint());
      auto r = one(tx, i);
      if (!r && tx.must_rerun()) return fail(r.error());
      FONDACO_TRY(r ? tx.release_savepoint() : tx.rollback_to_savepoint());
      results.push_back(std::move(r));
    }
    out = render(results);
    if (c.idem) FONDACO_TRY(Idempotency::record(tx, *c.idem, out, true, c.now_ms()));
    return ok();
  }));
  c.idem_recorded = c.idem.has_value();
  return out;
}

void write_outcomes(json::Writer& w, const std::vector<std::string>& ids,
                    const std::vector<Result<workflows::IngestResult>>& results) {
  std::int64_t counts[4] = {0, 0, 0, 0};
  w.key("orders").begin_array();
  for (std::size_t i = 0; i < results.size(); ++i) {
    w.begin_object().kv("external_id", ids[i]);
    if (results[i]) {
      ++counts[static_cast<int>(results[i]->outcome)];
      write_result(w, *results[i]);
    } else {
      ++counts[3];
      w.kv("outcome", "refused").kv("reason", results[i].error().message);
      w.kv("field", results[i].error().field);
    }
    w.end_object();
  }
  w.end_array().kv("created", counts[0]).kv("updated", counts[1]).kv("unchanged", counts[2]);
  w.kv("refused_orders", counts[3]);
}

Result<channels::Channel> amazon_channel(Ctx& c) {
  auto ch = FONDACO_TRY(
      c.s.db.read([&](storage::Tx& tx) { return channels::Channels::get(tx, c.path.at("code")); }));
  if (ch.kind != Kind::amazon)
    return fail(ErrorCode::invalid_argument, "not an Amazon channel", "code");
  return ch;
}

Result<Response> import_amazon_orders(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto ch = FONDACO_TRY(amazon_channel(c));
  const auto report = FONDACO_TRY(amazon::read_order_report(c.req.body));
  std::vector<std::string> ids;
  for (const auto& o : report.orders) ids.push_back(o.external_id);
  IngestContext ic(c.s);
  return import_each(
      c, report.orders.size(),
      [&](storage::Tx& tx, std::size_t i) {
        return workflows::ingest_channel_order(tx, ic.services, ch.code, report.orders[i],
                                               c.now_ms());
      },
      [&](const std::vector<Result<workflows::IngestResult>>& results) {
        json::Writer w;
        w.begin_object().kv("rows", report.rows);
        write_outcomes(w, ids, results);
        write_refused(w, report.refused);
        w.end_object();
        return json_response(200, w.take());
      });
}

Result<Response> import_amazon_settlement(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto ch = FONDACO_TRY(amazon_channel(c));
  const auto report = FONDACO_TRY(amazon::read_settlement_report(c.req.body));
  std::vector<std::string> ids;
  for (const auto& o : report.orders) ids.push_back(o.order_id);
  IngestContext ic(c.s);
  return import_each(
      c, report.orders.size(),
      [&](storage::Tx& tx, std::size_t i) {
        std::vector<orders::ChannelFee> fees;
        for (const auto& f : report.orders[i].fees) fees.push_back({f.type, f.amount_minor});
        return workflows::set_channel_order_fees(tx, ic.services, ch.code,
                                                 report.orders[i].order_id, fees, c.now_ms());
      },
      [&](const std::vector<Result<workflows::IngestResult>>& results) {
        json::Writer w;
        w.begin_object().kv("rows", report.rows).kv("settlement_id", report.settlement_id);
        write_outcomes(w, ids, results);
        write_refused(w, report.refused);
        w.end_object();
        return json_response(200, w.take());
      });
}

// Integrations upload reports on a schedule; people upload them from Seller Central.
Access importers() { return roles({Role::manager, Role::integration}); }

}  // namespace

std::vector<Route> channel_inbound_routes() {
  std::vector<Route> routes = channel_credentials_routes();
  routes.push_back(
      {"POST", "/api/v1/channels/{code}/webhooks/shopify", public_access(), shopify_webhook});
  routes.push_back({"POST", "/api/v1/channels/{code}/webhooks/woocommerce", public_access(),
                    woocommerce_webhook});
  routes.push_back(
      {"POST", "/api/v1/channels/{code}/imports/amazon-orders", importers(), import_amazon_orders});
  routes.push_back({"POST", "/api/v1/channels/{code}/imports/amazon-settlement", importers(),
                    import_amazon_settlement});
  return routes;
}

}  // namespace fondaco::api
