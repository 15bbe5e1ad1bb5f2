// Placing and cancelling orders: the chain that spans catalog, orders and inventory.
//
// place_order runs inside the caller's transaction, so it is all or nothing: every SKU must
// exist in the catalog (missing unit prices and VAT rates are filled from the variant and
// the "default" price list), the order is created, then stock is reserved for every line.
// Location choice: a priority list of internal locations (given, or every warehouse, store
// and bin holding the SKUs, in location id order); one location that can serve the whole
// order is preferred, otherwise each line is split across locations in priority order.
// When any line is short the call fails with insufficient_stock listing every short line,
// and since nothing is committed the order and its reservations never existed. An order
// whose (channel, external_ref) exists is returned as it is (created = false).
//
// Reservations are made for references "order:<id>:line:<n>"; cancel_order moves the
// order to cancelled (state machine permitting) and releases its active reservations.
// Functions take `now_ms`; nothing reads the clock. Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/orders/orders.h"
#include "fondaco/storage/database.h"

namespace fondaco::workflows {

struct OrderServices {
  catalog::Catalog& catalog;
  inventory::Inventory& inventory;
  orders::Orders& orders;
};

struct PlaceOrderInput {
  orders::OrderInput order;
  // Internal location codes in priority order; empty = every warehouse/store/bin with stock
  // of the order's SKUs, in location id order.
  std::vector<std::string> locations;
};

struct PlacedOrder {
  orders::Order order;
  std::vector<inventory::Reservation> reservations;  // every hold made for the order
  bool created = true;
};

// The reference a line's reservations carry.
std::string reservation_reference(std::int64_t order_id, int line_no);

Result<PlacedOrder> place_order(storage::Tx& tx, const OrderServices& s,
                                const PlaceOrderInput& in, std::int64_t now_ms);
Result<PlacedOrder> cancel_order(storage::Tx& tx, const OrderServices& s, std::int64_t order_id,
                                 std::string_view note, std::int64_t now_ms);
// The order with its reservations (for reads).
Result<PlacedOrder> order_with_reservations(storage::Tx& tx, const OrderServices& s,
                                            std::int64_t order_id);

}  // namespace fondaco::workflows
