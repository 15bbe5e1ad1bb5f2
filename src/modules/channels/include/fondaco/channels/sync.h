// What Fondaco sends to a channel, whatever the channel's format: stock levels, product
// listings, fulfilments (status back). The channel-sync queue (src/workflows/channel_sync.h)
// decides what to send and when; a ChannelClient per channel kind (src/connectors/shopify,
// src/connectors/woocommerce, the generic JSON webhook) turns these values into the
// channel's documented HTTP calls and classifies the answer.
// Thread-safety: ChannelClient implementations must allow concurrent calls.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/channels/credentials.h"

namespace fondaco::channels {

// The channel being called: its code and kind plus settings and secrets (credentials.h).
struct Endpoint {
  std::string channel_code;
  std::string kind;  // to_string(Kind)
  ChannelConfig config;

  // A setting or secret of the configuration; empty when it is not set.
  std::string_view setting(std::string_view name) const;
  std::string_view secret(std::string_view name) const;
};

// One SKU's quantity as the channel should show it.
struct StockLevel {
  std::string sku;                 // Fondaco SKU
  std::string external_sku;        // the channel's SKU (same as sku when not mapped)
  std::string external_id;         // the channel's variant / product / listing id, if known
  std::string inventory_item_id;   // Shopify's inventory item id, if known
  std::int64_t quantity = 0;       // to publish; never above what Fondaco can promise
  std::optional<std::int64_t> last_published;  // what we believe the channel shows now
};

// A product as the channel should list it (per-channel overrides applied).
struct Listing {
  std::string sku;
  std::string external_sku;
  std::string external_id;
  std::string title;
  std::string description;
  std::int64_t price_minor = 0;
  std::string currency;
  bool active = true;
};

struct FulfillmentLine {
  std::string external_line_id;  // the channel's line item id, when the order came from it
  std::string sku;
  std::int64_t quantity = 0;
};

// A parcel of an order that came from the channel, with its tracking.
struct Fulfillment {
  std::string external_order_id;
  std::string tracking_number;
  std::string carrier;        // GLS, BRT, POSTE, ...
  std::string tracking_url;   // may be empty
  std::vector<FulfillmentLine> lines;
  bool complete = false;      // every line of the order has shipped
};

struct PushResult {
  enum class Outcome { ok, retry, rejected };
  Outcome outcome = Outcome::ok;
  int http_status = 0;               // 0: no HTTP answer (transport failure)
  std::int64_t retry_after_ms = 0;   // the channel asked to wait (429 Retry-After)
  std::string detail;                // short, for the delivery log: error text or summary
  // For stock pushes: values the channel reported back (e.g. a compare-and-set conflict
  // gave the channel's current quantity), keyed by SKU; empty otherwise.
  std::vector<std::pair<std::string, std::int64_t>> observed;
};

// What connectors answer with: retry_after_ms is clamped to
// [0, limits::kChannelMaxRetryAfterMs].
PushResult push_result(PushResult::Outcome outcome, int http_status, std::string detail,
                       std::int64_t retry_after_ms = 0);
// A Retry-After header in delta-seconds, decimals accepted (Shopify sends "2.0"), in ms;
// 0 for anything else, an HTTP-date included (the sync queue's own backoff applies then).
std::int64_t parse_retry_after_ms(std::string_view value);

class ChannelClient {
 public:
  virtual ~ChannelClient() = default;
  // How many stock levels one push_stock call may carry (the channel's batch limit).
  virtual std::size_t max_stock_batch() const = 0;
  virtual PushResult push_stock(const Endpoint& endpoint, std::span<const StockLevel> levels) = 0;
  virtual PushResult push_listing(const Endpoint& endpoint, const Listing& listing) = 0;
  virtual PushResult push_fulfillment(const Endpoint& endpoint, const Fulfillment& fulfillment) = 0;
};

}  // namespace fondaco::channels
