// Private to workflows/: what placing an order, editing it and holding a cart share —
// catalog checks and pricing of a line, and allocation of stock over a location priority
// list (one location for everything when possible, else each line split in priority order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/orders/orders.h"
#include "fondaco/storage/database.h"

namespace fondaco::workflows::detail {

bool placeable(inventory::LocationKind k);

// The SKU exists and its product is not archived (invalid_argument naming path + ".sku").
Result<void> check_sellable(storage::Tx& tx, catalog::Catalog& catalog, const std::string& sku,
                            const std::string& path);
// check_sellable, then fills a missing VAT rate from the variant and a missing unit price
// from the "default" price list's best quantity tier (which must be in `currency`).
Result<void> price_line(storage::Tx& tx, catalog::Catalog& catalog, orders::LineInput& l,
                        const std::string& currency, const std::string& path);

// Takes the SKUs' balance rows in ascending SKU order (see Inventory::lock_stock).
Result<void> lock_skus(storage::Tx& tx, inventory::Inventory& inv, std::vector<std::string> skus);

// One line to hold stock for: `reference` is what its reservations carry.
struct Demand {
  std::string sku;
  std::int64_t qty = 0;
  std::string reference;
};

// Reserves every demand over `codes` — the caller must have called lock_skus for every
// SKU first (before appending any event) (empty: every warehouse,
// store and bin holding the SKUs, in location id order). insufficient_stock naming "lines"
// with every short line ({"line": index, "sku", "requested", "available"}) otherwise.
// Returns the reservations in id order.
Result<std::vector<inventory::Reservation>> reserve(storage::Tx& tx, inventory::Inventory& inv,
                                                    const std::vector<Demand>& demands,
                                                    const std::vector<std::string>& codes,
                                                    std::optional<std::int64_t> ttl_ms,
                                                    std::int64_t now_ms);

// Releases the active ones; returns how each ended up.
Result<std::vector<inventory::Reservation>> release_active(
    storage::Tx& tx, inventory::Inventory& inv, std::vector<inventory::Reservation> held,
    std::int64_t now_ms);

}  // namespace fondaco::workflows::detail
