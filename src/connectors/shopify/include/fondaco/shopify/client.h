// Shopify's side of the channel sync: stock, listings and fulfilments sent through the
// GraphQL Admin API (POST {api_base_url}/admin/api/{api_version}/graphql.json, header
// X-Shopify-Access-Token). Implemented from Shopify's documented formats and tested against a
// local server that speaks them; no real shop is reachable from the tests.
//
// API version: the "api_version" setting, default kDefaultApiVersion; versions before
// 2026-01 are refused because the calls below use its compare-and-swap and idempotency forms
// (mandatory from 2026-04, when compareQuantity/ignoreCompareQuantity were removed).
//
// Stock: `inventorySetQuantities` with name "available", reason "correction", the
// "location_id" setting and StockLevel::inventory_item_id as GIDs (bare numeric ids are
// turned into gid://shopify/...). Each quantity carries `changeFromQuantity`: the level's
// last_published (compare-and-swap) or an explicit null when unknown (the documented
// opt-out). Every call carries `@idempotent(key: <random UUID>)`. A stale compare
// (CHANGE_FROM_QUANTITY_STALE) answers `retry` with the channel's current "available"
// read back into PushResult::observed; a level without inventory_item_id is refused
// (resolving it from the SKU is not done here).
//
// Listings: Listing::external_id is "PRODUCT:VARIANT" (numeric or GID)
// or a variant id alone (its product is then read first). One document runs `productUpdate`
// (title, status ACTIVE/DRAFT) and `productVariantsBulkUpdate` (price as a decimal string).
// The description is not sent: Fondaco cannot tell plain text from HTML. If the "currency"
// setting names the shop's currency, a listing in another one is refused.
//
// Fulfilments: the fulfillment-orders flow in GraphQL: read the order's fulfillment orders
// (`order.fulfillmentOrders`), pick the OPEN/IN_PROGRESS line items matching each
// FulfillmentLine (by line item id, else by SKU; no lines = everything left), then one
// `fulfillmentCreate` per assigned location with trackingInfo {number, company, url} and
// notifyCustomer (setting "notify_customer", default true). Lines with nothing left to
// fulfil mean an earlier attempt went through: `ok`, nothing sent.
//
// Answers: transport failure, HTTP 429 (Retry-After), 5xx, GraphQL THROTTLED (wait computed
// from extensions.cost.throttleStatus) → retry; 401/403/404 and other 4xx, GraphQL errors
// and userErrors → rejected. Not supported: the REST Admin API, multi-currency price lists,
// inventory "on_hand".
// Thread-safety: calls may run concurrently (the idempotency keys' Random is guarded).
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "fondaco/base/clock.h"
#include "fondaco/channels/sync.h"
#include "fondaco/http/client.h"

namespace fondaco::shopify {

inline constexpr std::string_view kDefaultApiVersion = "2026-10";
inline constexpr std::string_view kMinApiVersion = "2026-01";

class ShopifyClient final : public channels::ChannelClient {
 public:
  // `random` makes the idempotency keys; both must outlive the client.
  ShopifyClient(http::Client& http, Random& random) : http_(http), random_(random) {}

  std::size_t max_stock_batch() const override;
  channels::PushResult push_stock(const channels::Endpoint& endpoint,
                                  std::span<const channels::StockLevel> levels) override;
  channels::PushResult push_listing(const channels::Endpoint& endpoint,
                                    const channels::Listing& listing) override;
  channels::PushResult push_fulfillment(const channels::Endpoint& endpoint,
                                        const channels::Fulfillment& fulfillment) override;

  // "gid://shopify/<type>/<id>" for a bare id; a GID is returned as is.
  static std::string gid(std::string_view type, std::string_view id);
  // Shopify's tracking company name for Fondaco's carrier code (GLS, BRT, POSTE...); an
  // unknown code is passed through.
  static std::string tracking_company(std::string_view carrier);

 private:
  std::string idempotency_key();

  http::Client& http_;
  Random& random_;
  std::mutex random_mu_;
};

std::unique_ptr<channels::ChannelClient> make_channel_client(http::Client& http, Random& random);

}  // namespace fondaco::shopify
