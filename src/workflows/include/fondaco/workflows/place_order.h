// Placing, editing and cancelling orders: the chain that spans catalog, channels, orders
// and inventory.
//
// place_order runs inside the caller's transaction, so it is all or nothing: the channel
// must be registered and active (its order prefix numbers the order), every SKU must exist
// in the catalog (missing unit prices and VAT rates are filled from the variant and the
// "default" price list), the order is created, then stock is reserved for every line.
// Location choice: a priority list of internal locations (given per request, else the
// channel's configured list, else every warehouse, store and bin holding the SKUs, in
// location id order); one location that can serve the whole order is preferred, otherwise
// each line is split across locations in priority order. Given a cart, the order takes the
// cart's lines and its holds: they are released and the same quantities reserved at the
// same locations for the order in the same transaction, so no other order can take the
// stock in between, and the cart becomes converted.
// When any line is short the call fails with insufficient_stock listing every short line,
// and since nothing is committed the order and its reservations never existed. An order
// whose (channel, external_ref) exists is returned as it is (created = false).
//
// Reservations are made for references "order:<id>:line:<n>"; cancel_order moves the
// order to cancelled (state machine permitting) and releases its active reservations;
// edit_order changes an order before fulfilment and re-plans its holds (all released, all
// taken anew) in one transaction, or fails leaving order and holds exactly as they were.
// Lock order everywhere: the order (or cart) row, the SKUs' balance rows in ascending SKU
// order, then the event counter row.
// Functions take `now_ms`; nothing reads the clock. Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/orders/orders.h"
#include "fondaco/payments/payments.h"
#include "fondaco/storage/database.h"

namespace fondaco::workflows {

struct OrderServices {
  catalog::Catalog& catalog;
  inventory::Inventory& inventory;
  orders::Orders& orders;
  // When set, placing an order also records its expected payment in the same transaction
  // (so a gateway webhook arriving right after the order's 2xx always finds it), an edit
  // re-prices a pending one, and a cancellation cancels it.
  payments::Payments* payments = nullptr;
};

struct PlaceOrderInput {
  // With cart_id: no lines (they come from the cart) and an empty channel means the cart's.
  orders::OrderInput order;
  // Internal location codes in priority order; empty = the channel's list, or when it has
  // none every warehouse/store/bin with stock of the order's SKUs, in location id order.
  // Not with a cart (its holds decide).
  std::vector<std::string> locations;
  std::optional<std::int64_t> cart_id;
};

struct EditOrderInput {
  orders::OrderEdit edit;
  std::vector<std::string> locations;  // as in PlaceOrderInput, for the re-planned holds
};

struct PlacedOrder {
  orders::Order order;
  std::vector<inventory::Reservation> reservations;  // every hold made for the order
  bool created = true;
};

// The payment an order of this method waits for (none: cash, marketplace, none).
std::optional<payments::Method> expected_payment_method(orders::PaymentMethod m);

// The reference a line's reservations carry.
std::string reservation_reference(std::int64_t order_id, int line_no);

Result<PlacedOrder> place_order(storage::Tx& tx, const OrderServices& s,
                                const PlaceOrderInput& in, std::int64_t now_ms);
// Before fulfilment only (invalid_transition naming "status" otherwise). New lines are
// checked and priced against the catalog like placed ones; when `lines` change, every
// active hold of the order is released and the new lines reserved (insufficient_stock
// listing the short lines, with nothing changed).
Result<PlacedOrder> edit_order(storage::Tx& tx, const OrderServices& s, std::int64_t order_id,
                               const EditOrderInput& in, std::int64_t now_ms);
Result<PlacedOrder> cancel_order(storage::Tx& tx, const OrderServices& s, std::int64_t order_id,
                                 std::string_view note, std::int64_t now_ms);
// The order with its reservations (for reads).
Result<PlacedOrder> order_with_reservations(storage::Tx& tx, const OrderServices& s,
                                            std::int64_t order_id);

}  // namespace fondaco::workflows
