#include "fondaco/workflows/carts.h"

#include "allocation.h"
#include "fondaco/base/limits.h"
#include "fondaco/workflows/channels.h"

namespace fondaco::workflows {

using storage::Tx;

namespace {

Result<std::vector<inventory::Reservation>> holds_of(Tx& tx, const OrderServices& s,
                                                     const orders::Cart& c) {
  std::vector<std::string> refs;
  for (const auto& l : c.lines) refs.push_back(cart_reference(c.id, l.line_no));
  return s.inventory.reservations_for(tx, refs);
}

Result<void> check_lines(Tx& tx, const OrderServices& s,
                         const std::vector<orders::CartLineInput>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i)
    FONDACO_TRY(detail::check_sellable(tx, s.catalog, lines[i].sku,
                                       "lines[" + std::to_string(i) + "]"));
  return ok();
}

// Holds every line of the cart (its lines as stored, numbered) for the cart's remaining TTL.
Result<std::vector<inventory::Reservation>> hold(Tx& tx, const OrderServices& s,
                                                 const orders::Cart& c,
                                                 const channels::Channel& channel,
                                                 std::int64_t now_ms) {
  std::vector<detail::Demand> demands;
  for (const auto& l : c.lines) demands.push_back({l.sku, l.qty, cart_reference(c.id, l.line_no)});
  return detail::reserve(tx, s.inventory, demands, channel.locations, c.expires_at - now_ms, now_ms);
}

}  // namespace

std::string cart_reference(std::int64_t cart_id, int line_no) {
  return "cart:" + std::to_string(cart_id) + ":line:" + std::to_string(line_no);
}

Result<HeldCart> create_cart(Tx& tx, const OrderServices& s, const CartInput& in,
                             std::int64_t now_ms) {
  const auto channel = FONDACO_TRY(sales_channel(tx, in.channel));
  if (in.lines.size() > limits::kMaxCartLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per cart", "lines");
  FONDACO_TRY(check_lines(tx, s, in.lines));
  // Balance rows before the event counter (create_cart appends cart.created).
  std::vector<std::string> skus;
  for (const auto& l : in.lines) skus.push_back(l.sku);
  FONDACO_TRY(detail::lock_skus(tx, s.inventory, skus));
  HeldCart out;
  out.cart = FONDACO_TRY(s.orders.create_cart(tx, in.channel, in.lines, in.ttl_ms, now_ms));
  out.holds = FONDACO_TRY(hold(tx, s, out.cart, channel, now_ms));
  return out;
}

Result<HeldCart> update_cart(Tx& tx, const OrderServices& s, std::int64_t cart_id,
                             const std::vector<orders::CartLineInput>& lines,
                             std::optional<std::int64_t> ttl_ms, std::int64_t now_ms) {
  FONDACO_TRY(s.orders.lock_cart(tx, cart_id));
  const orders::Cart before = FONDACO_TRY(s.orders.cart(tx, cart_id, now_ms));
  FONDACO_TRY(orders::check_open(before, "id"));
  const auto channel = FONDACO_TRY(sales_channel(tx, before.channel));
  if (lines.size() > limits::kMaxCartLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per cart", "lines");
  FONDACO_TRY(check_lines(tx, s, lines));
  std::vector<std::string> skus;
  for (const auto& l : before.lines) skus.push_back(l.sku);
  for (const auto& l : lines) skus.push_back(l.sku);
  FONDACO_TRY(detail::lock_skus(tx, s.inventory, skus));
  FONDACO_TRY(detail::release_active(tx, s.inventory, FONDACO_TRY(holds_of(tx, s, before)), now_ms));
  HeldCart out;
  out.cart = FONDACO_TRY(s.orders.replace_cart_lines(tx, cart_id, lines, ttl_ms, now_ms));
  out.holds = FONDACO_TRY(hold(tx, s, out.cart, channel, now_ms));
  return out;
}

Result<HeldCart> release_cart(Tx& tx, const OrderServices& s, std::int64_t cart_id,
                              std::int64_t now_ms) {
  FONDACO_TRY(s.orders.lock_cart(tx, cart_id));
  const orders::Cart before = FONDACO_TRY(s.orders.cart(tx, cart_id, now_ms));
  if (before.status == orders::CartStatus::converted) FONDACO_TRY(orders::check_open(before, "id"));
  std::vector<std::string> skus;
  for (const auto& l : before.lines) skus.push_back(l.sku);
  FONDACO_TRY(detail::lock_skus(tx, s.inventory, skus));
  HeldCart out;
  out.holds = FONDACO_TRY(
      detail::release_active(tx, s.inventory, FONDACO_TRY(holds_of(tx, s, before)), now_ms));
  out.cart = FONDACO_TRY(s.orders.release_cart(tx, cart_id, now_ms));
  return out;
}

Result<HeldCart> cart_with_holds(Tx& tx, const OrderServices& s, std::int64_t cart_id,
                                 std::int64_t now_ms) {
  HeldCart out;
  out.cart = FONDACO_TRY(s.orders.cart(tx, cart_id, now_ms));
  out.holds = FONDACO_TRY(holds_of(tx, s, out.cart));
  return out;
}

}  // namespace fondaco::workflows
