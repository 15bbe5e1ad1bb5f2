#include "fondaco/generic/client.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"

namespace fondaco::generic {
namespace {

using channels::PushResult;
using Outcome = PushResult::Outcome;
using channels::push_result;

// Opens the common envelope; the caller adds its member and closes the object.
void envelope(json::Writer& w, std::string_view type, const channels::Endpoint& ep,
              std::int64_t now_ms) {
  w.begin_object().kv("type", type).kv("channel", ep.channel_code);
  w.kv("sent_at", format_rfc3339_ms(now_ms));
}

}  // namespace

std::string GenericClient::signature(std::string_view secret, std::int64_t t,
                                     std::string_view body) {
  const std::string ts = std::to_string(t);
  std::string signed_text = ts + ".";
  signed_text += body;
  return "t=" + ts + ",v1=" + hex_encode(platform::hmac_sha256(secret, signed_text));
}

std::size_t GenericClient::max_stock_batch() const { return limits::kGenericMaxStockBatch; }

channels::PushResult GenericClient::post(const channels::Endpoint& endpoint, std::string_view type,
                                         std::string body, std::int64_t now_ms) {
  auto url = endpoint.config.settings.find("api_base_url");
  if (url == endpoint.config.settings.end() ||
      !(url->second.starts_with("https://") || url->second.starts_with("http://")))
    return push_result(Outcome::rejected, 0, "setting api_base_url: an http(s) URL is required");
  auto secret = endpoint.config.secrets.find("signing_secret");
  if (secret == endpoint.config.secrets.end() || secret->second.empty())
    return push_result(Outcome::rejected, 0, "secret signing_secret is not set");
  http::Request req;
  req.url = url->second;
  req.headers = {{"Content-Type", "application/json"},
                 {"Fondaco-Type", std::string(type)},
                 {"Fondaco-Signature", signature(secret->second, now_ms / 1000, body)}};
  req.body = std::move(body);
  req.timeout_ms = limits::kChannelCallTimeoutMs;
  auto res = http_.send(req);
  if (!res) return push_result(Outcome::retry, 0, res.error().message);
  const int st = res->status;
  const std::string answer = res->body.substr(0, 200);
  if (st >= 200 && st < 300) return push_result(Outcome::ok, st, std::string(type) + " delivered");
  if (st == 429)
    return push_result(Outcome::retry, st, "rate limited",
                       channels::parse_retry_after_ms(res->header("retry-after")));
  if (st >= 500)
    return push_result(Outcome::retry, st, "HTTP " + std::to_string(st) + ": " + answer,
                       channels::parse_retry_after_ms(res->header("retry-after")));
  return push_result(Outcome::rejected, st, "HTTP " + std::to_string(st) + ": " + answer);
}

channels::PushResult GenericClient::push_stock(const channels::Endpoint& endpoint,
                                               std::span<const channels::StockLevel> levels) {
  if (levels.empty()) return push_result(Outcome::ok, 0, "nothing to send");
  if (levels.size() > max_stock_batch())
    return push_result(Outcome::rejected, 0,
                       "batch of " + std::to_string(levels.size()) + " levels exceeds " +
                           std::to_string(max_stock_batch()));
  const std::int64_t now = clock_.now_ms();
  json::Writer w;
  envelope(w, "stock.levels", endpoint, now);
  w.key("levels").begin_array();
  for (const auto& l : levels) {
    w.begin_object().kv("sku", l.sku).kv("external_sku", l.external_sku);
    w.kv("external_id", l.external_id).kv("quantity", l.quantity).end_object();
  }
  w.end_array().end_object();
  return post(endpoint, "stock.levels", w.take(), now);
}

channels::PushResult GenericClient::push_listing(const channels::Endpoint& endpoint,
                                                 const channels::Listing& listing) {
  const std::int64_t now = clock_.now_ms();
  json::Writer w;
  envelope(w, "listing.updated", endpoint, now);
  w.key("listing").begin_object();
  w.kv("sku", listing.sku).kv("external_sku", listing.external_sku);
  w.kv("external_id", listing.external_id).kv("title", listing.title);
  w.kv("description", listing.description).kv("price_minor", listing.price_minor);
  w.kv("currency", listing.currency).kv_bool("active", listing.active);
  w.end_object().end_object();
  return post(endpoint, "listing.updated", w.take(), now);
}

channels::PushResult GenericClient::push_fulfillment(const channels::Endpoint& endpoint,
                                                     const channels::Fulfillment& f) {
  const std::int64_t now = clock_.now_ms();
  json::Writer w;
  envelope(w, "fulfillment.created", endpoint, now);
  w.key("fulfillment").begin_object();
  w.kv("external_order_id", f.external_order_id).kv("tracking_number", f.tracking_number);
  w.kv("carrier", f.carrier).kv("tracking_url", f.tracking_url).kv_bool("complete", f.complete);
  w.key("lines").begin_array();
  for (const auto& l : f.lines) {
    w.begin_object().kv("external_line_id", l.external_line_id).kv("sku", l.sku);
    w.kv("quantity", l.quantity).end_object();
  }
  w.end_array().end_object().end_object();
  return post(endpoint, "fulfillment.created", w.take(), now);
}

std::unique_ptr<channels::ChannelClient> make_channel_client(http::Client& http,
                                                             const Clock& clock) {
  return std::make_unique<GenericClient>(http, clock);
}

}  // namespace fondaco::generic
