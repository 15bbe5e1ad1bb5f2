// Listings: which Fondaco SKUs a channel sells and under which of the channel's own names
// (its SKU, its variant/listing id, Shopify's inventory item id), with per-channel
// overrides of title, price and active. Incoming orders map the channel's SKU or id back
// to Fondaco's SKU through here; stock and catalog pushes go only to listed SKUs.
// One listing per (channel, SKU); an empty external SKU means "the same as Fondaco's".
// This module checks syntax only: that the SKU exists in the catalog is checked by the
// caller (src/workflows/, the API) in the same transaction.
// Every function takes the caller's transaction. Thread-safety: stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"

namespace fondaco::channels {

// The Fondaco SKU a channel's line refers to: by the channel's listing/variant id when it
// has one and it is mapped, else by the channel's SKU when it is mapped, else nullopt (the
// caller may then try the channel's SKU as a Fondaco SKU).
Result<std::optional<std::string>> sku_for_external(storage::Tx& tx, std::int64_t channel_id,
                                                    std::string_view external_sku,
                                                    std::string_view external_id);

struct ListingInput {
  std::string sku{};                          // Fondaco SKU
  std::string external_sku{};                 // empty: the Fondaco SKU
  std::string external_id{};                  // the channel's variant / product / listing id
  std::string inventory_item_id{};            // Shopify's inventory item id
  std::optional<std::string> title{};         // overrides the product title
  std::optional<std::int64_t> price_minor{};  // overrides the default price list's price
  std::optional<bool> active{};               // overrides the product's status
};

struct ChannelListing {
  std::int64_t channel_id = 0;
  std::string sku;
  std::string external_sku;  // never empty: the Fondaco SKU when not mapped
  std::string external_id;
  std::string inventory_item_id;
  std::optional<std::string> title;
  std::optional<std::int64_t> price_minor;
  std::optional<bool> active;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

class Listings {
 public:
  // Creates or replaces the listing of (channel, in.sku). invalid_argument naming the field.
  // Returns the listing and whether it was created.
  static Result<std::pair<ChannelListing, bool>> upsert(storage::Tx& tx, std::int64_t channel_id,
                                                        const ListingInput& in,
                                                        std::int64_t now_ms);
  static Result<std::optional<ChannelListing>> find(storage::Tx& tx, std::int64_t channel_id,
                                                    std::string_view sku);
  // Ascending SKU, keyset-paginated: the SKUs after `after_sku` ("" for the first page).
  static Result<std::vector<ChannelListing>> list(storage::Tx& tx, std::int64_t channel_id,
                                                  std::string_view after_sku, int limit);
  // Every channel listing this SKU (for the stock and catalog subscribers).
  static Result<std::vector<ChannelListing>> for_sku(storage::Tx& tx, std::string_view sku);
  // not_found naming "sku" when the channel does not list it. Its queued pushes go too.
  static Result<void> remove(storage::Tx& tx, std::int64_t channel_id, std::string_view sku);
};

}  // namespace fondaco::channels
