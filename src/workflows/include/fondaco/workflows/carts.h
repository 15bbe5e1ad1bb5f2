// Carts that hold stock: the chain over channels, catalog, orders (which keeps the cart)
// and inventory (which keeps the holds).
//
// A cart's lines are held as inventory reservations with references "cart:<id>:line:<n>"
// and the cart's TTL, allocated like an order (the channel's location priority, one
// location for everything when possible, else split). When the TTL runs out the server's
// housekeeper expires the holds (Inventory::expire) and the cart reads as expired. Changing
// the lines releases every hold and takes new ones in one transaction: all or nothing
// (insufficient_stock lists the short lines and leaves the cart as it was). Deleting
// releases. Converting a cart into an order is place_order with a cart_id. Every function
// runs in the caller's transaction and takes `now_ms`. Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/workflows/place_order.h"

namespace fondaco::workflows {

struct CartInput {
  std::string channel = "storefront";
  std::vector<orders::CartLineInput> lines;
  std::int64_t ttl_ms = 0;
};

struct HeldCart {
  orders::Cart cart;
  std::vector<inventory::Reservation> holds;  // for the current lines, any status
};

std::string cart_reference(std::int64_t cart_id, int line_no);

Result<HeldCart> create_cart(storage::Tx& tx, const OrderServices& s, const CartInput& in,
                             std::int64_t now_ms);
// Replaces the lines (and restarts the TTL; ttl_ms when given).
Result<HeldCart> update_cart(storage::Tx& tx, const OrderServices& s, std::int64_t cart_id,
                             const std::vector<orders::CartLineInput>& lines,
                             std::optional<std::int64_t> ttl_ms, std::int64_t now_ms);
// Releases the holds; the cart becomes released (cart_converted if it is an order already).
Result<HeldCart> release_cart(storage::Tx& tx, const OrderServices& s, std::int64_t cart_id,
                              std::int64_t now_ms);
Result<HeldCart> cart_with_holds(storage::Tx& tx, const OrderServices& s, std::int64_t cart_id,
                                 std::int64_t now_ms);

}  // namespace fondaco::workflows
