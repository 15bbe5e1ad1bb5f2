// WooCommerce's side of the channel sync: stock, listings and fulfilments sent through the
// WooCommerce REST API v3 ("api_base_url" = https://shop.example/wp-json/wc/v3). Implemented
// from WooCommerce's documented formats and tested against a local server that speaks them;
// no real shop is reachable from the tests.
//
// Auth: the "consumer_key"/"consumer_secret" secrets as HTTP basic auth, which WooCommerce
// accepts over HTTPS only. A plain-http shop would need OAuth 1.0a signatures, which are not
// supported: such a URL is refused, except on a loopback host (local tests and development).
//
// Ids: StockLevel/Listing::external_id is the product id ("123") or, for a variation,
// "PARENT:VARIATION" ("123:456") — WooCommerce addresses a variation under its parent, and the
// parent is known when the mapping is made (order webhooks carry both product_id and
// variation_id). Levels without an id are refused (no lookup by SKU).
//
// Stock: POST products/batch, or products/{parent}/variations/batch per parent, with
// {"update": [{id, manage_stock: true, stock_quantity}]}, at most 100 objects a call (the
// documented default). Items answered with an "error" member are reported in the detail;
// the rest of the batch has been applied (absolute values: resending is harmless).
// WooCommerce has no compare-and-set: last_published is not used.
// Listings: PUT products/{id} {name, regular_price, status publish|draft}; a variation gets
// PUT products/{parent}/variations/{id} {regular_price, status publish|private} (its name is
// the parent's). regular_price is the decimal string of price_minor; if the "currency"
// setting names the shop's currency, a listing in another one is refused.
// Fulfilments: a customer order note with carrier, tracking number and URL (POST
// orders/{id}/notes, customer_note true; skipped when an identical note is already there, so
// a retry does not repeat it), then PUT orders/{id} {"status": "completed"} once every line
// has shipped. Per-line shipping is not a WooCommerce notion and is not sent.
//
// Answers: transport failure, 429 (Retry-After), 5xx → retry; other 4xx → rejected.
// Thread-safety: stateless apart from the HTTP client; calls may run concurrently.
#pragma once

#include <memory>
#include <span>

#include "fondaco/channels/sync.h"
#include "fondaco/http/client.h"

namespace fondaco::woocommerce {

class WooClient final : public channels::ChannelClient {
 public:
  explicit WooClient(http::Client& http) : http_(http) {}

  std::size_t max_stock_batch() const override;
  channels::PushResult push_stock(const channels::Endpoint& endpoint,
                                  std::span<const channels::StockLevel> levels) override;
  channels::PushResult push_listing(const channels::Endpoint& endpoint,
                                    const channels::Listing& listing) override;
  channels::PushResult push_fulfillment(const channels::Endpoint& endpoint,
                                        const channels::Fulfillment& fulfillment) override;

 private:
  http::Client& http_;
};

std::unique_ptr<channels::ChannelClient> make_channel_client(http::Client& http);

}  // namespace fondaco::woocommerce
