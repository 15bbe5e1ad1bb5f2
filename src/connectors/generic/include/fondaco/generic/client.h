// The generic channel: for a shop or system Fondaco has no connector for, every stock level,
// listing and fulfilment is a signed JSON POST to the endpoint the seller configures
// ("api_base_url"), in a format Fondaco documents (here and in ARCHITECTURE.md, connectors-out):
//
//   {"type": "stock.levels", "channel": "<code>", "sent_at": "<RFC 3339>",
//    "levels": [{"sku", "external_sku", "external_id", "quantity"}]}
//   {"type": "listing.updated", "channel", "sent_at", "listing": {"sku", "external_sku",
//    "external_id", "title", "description", "price_minor", "currency", "active"}}
//   {"type": "fulfillment.created", "channel", "sent_at", "fulfillment": {"external_order_id",
//    "tracking_number", "carrier", "tracking_url", "complete",
//    "lines": [{"external_line_id", "sku", "quantity"}]}}
//
// Signed like Fondaco's outbound webhooks, with the "signing_secret" secret:
//   Fondaco-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signing_secret, t + "." + body)>
// plus Fondaco-Type: <type>. Values are absolute (a quantity, not a delta), so a receiver may
// apply a repeated delivery again. Answers: 2xx ok; 429 (Retry-After) and 5xx retry, as does
// a transport failure; other statuses (4xx, 3xx: redirects are not followed) rejected.
// Thread-safety: stateless apart from the HTTP client and clock; calls may run concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/clock.h"
#include "fondaco/channels/sync.h"
#include "fondaco/http/client.h"

namespace fondaco::generic {

class GenericClient final : public channels::ChannelClient {
 public:
  // Both must outlive the client; the clock gives the signature's timestamp.
  GenericClient(http::Client& http, const Clock& clock) : http_(http), clock_(clock) {}

  std::size_t max_stock_batch() const override;
  channels::PushResult push_stock(const channels::Endpoint& endpoint,
                                  std::span<const channels::StockLevel> levels) override;
  channels::PushResult push_listing(const channels::Endpoint& endpoint,
                                    const channels::Listing& listing) override;
  channels::PushResult push_fulfillment(const channels::Endpoint& endpoint,
                                        const channels::Fulfillment& fulfillment) override;

  // The Fondaco-Signature header value for this body at unix second t.
  static std::string signature(std::string_view secret, std::int64_t t, std::string_view body);

 private:
  channels::PushResult post(const channels::Endpoint& endpoint, std::string_view type,
                            std::string body, std::int64_t now_ms);

  http::Client& http_;
  const Clock& clock_;
};

std::unique_ptr<channels::ChannelClient> make_channel_client(http::Client& http,
                                                             const Clock& clock);

}  // namespace fondaco::generic
