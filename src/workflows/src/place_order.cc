#include "fondaco/workflows/place_order.h"

#include <algorithm>
#include <map>

#include "allocation.h"
#include "fondaco/base/limits.h"
#include "fondaco/workflows/carts.h"
#include "fondaco/workflows/channels.h"

namespace fondaco::workflows {

using storage::Tx;

namespace {

Result<std::vector<inventory::Reservation>> reservations_of(Tx& tx, const OrderServices& s,
                                                            const orders::Order& o) {
  std::vector<std::string> refs;
  for (const auto& l : o.lines) refs.push_back(reservation_reference(o.id, l.line_no));
  return s.inventory.reservations_for(tx, refs);
}

// Reserves every line of the order over the priority list.
Result<std::vector<inventory::Reservation>> reserve_order(Tx& tx, const OrderServices& s,
                                                          const orders::Order& order,
                                                          const std::vector<std::string>& codes,
                                                          std::int64_t now_ms) {
  std::vector<detail::Demand> demands;
  for (const auto& l : order.lines)
    demands.push_back({l.sku, l.qty, reservation_reference(order.id, l.line_no)});
  return detail::reserve(tx, s.inventory, demands, codes, std::nullopt, now_ms);
}

// The cart's holds become the order's: released, and the same quantities reserved at the
// same locations for the order line with the same position. The caller holds the cart row
// and the SKUs' balance rows, so nothing can take the stock in between.
Result<std::vector<inventory::Reservation>> take_over_holds(Tx& tx, const OrderServices& s,
                                                            const orders::Cart& cart,
                                                            const orders::Order& order,
                                                            std::int64_t now_ms) {
  std::vector<inventory::Reservation> out;
  for (std::size_t i = 0; i < cart.lines.size(); ++i) {
    const auto& cl = cart.lines[i];
    const std::string ref = cart_reference(cart.id, cl.line_no);
    auto held = FONDACO_TRY(s.inventory.reservations_for(tx, std::span<const std::string>(&ref, 1)));
    std::int64_t covered = 0;
    for (const auto& r : held)
      if (r.status == inventory::ReservationStatus::active) covered += r.qty;
    if (covered != cl.qty)
      return fail(ErrorCode::cart_expired, "the cart's stock holds have expired", "cart_id");
    for (const auto& r : held) {
      if (r.status != inventory::ReservationStatus::active) continue;
      FONDACO_TRY(s.inventory.release(tx, r.id, now_ms));
      inventory::ReservationInput in{r.sku, r.location, r.qty,
                                     reservation_reference(order.id, order.lines[i].line_no),
                                     std::nullopt};
      out.push_back(FONDACO_TRY(s.inventory.reserve(tx, in, now_ms)));
    }
  }
  return out;
}

}  // namespace

std::string reservation_reference(std::int64_t order_id, int line_no) {
  return "order:" + std::to_string(order_id) + ":line:" + std::to_string(line_no);
}

Result<PlacedOrder> order_with_reservations(Tx& tx, const OrderServices& s, std::int64_t order_id) {
  PlacedOrder out;
  out.order = FONDACO_TRY(s.orders.get(tx, order_id));
  out.reservations = FONDACO_TRY(reservations_of(tx, s, out.order));
  out.created = false;
  return out;
}

std::optional<payments::Method> expected_payment_method(orders::PaymentMethod m) {
  switch (m) {
    case orders::PaymentMethod::card: return payments::Method::card;
    case orders::PaymentMethod::paypal: return payments::Method::paypal;
    case orders::PaymentMethod::bank_transfer: return payments::Method::bank_transfer;
    case orders::PaymentMethod::cod: return payments::Method::cod;
    default: return std::nullopt;
  }
}

namespace {

// The payment the order waits for, recorded with the order (see OrderServices::payments).
Result<void> expect_payment(Tx& tx, const OrderServices& s, const orders::Order& o,
                            std::int64_t now_ms) {
  const auto method = expected_payment_method(o.payment_method);
  if (!s.payments || !method) return ok();
  FONDACO_TRY(s.payments->expect(tx, {o.id, o.number, *method, o.totals.total_minor, o.currency},
                                 now_ms));
  return ok();
}

// An edited order's pending payment follows its new total; a cancelled order's is cancelled.
Result<void> follow_payment(Tx& tx, const OrderServices& s, const orders::Order& o,
                            std::int64_t now_ms) {
  if (!s.payments) return ok();
  if (o.status == orders::Status::cancelled) {
    FONDACO_TRY(s.payments->cancel_pending(tx, o.id, now_ms));
    return ok();
  }
  payments::PaymentFilter f;
  f.order_id = o.id;
  f.status = "pending";
  for (const auto& p : FONDACO_TRY(payments::Payments::list(tx, f, 0, 10)).items)
    if (p.amount_minor != o.totals.total_minor)
      FONDACO_TRY(s.payments->reprice(tx, p.id, o.totals.total_minor, now_ms));
  return ok();
}

}  // namespace

Result<PlacedOrder> place_order(Tx& tx, const OrderServices& s, const PlaceOrderInput& in,
                                std::int64_t now_ms) {
  orders::OrderInput order = in.order;
  std::optional<orders::Cart> cart;
  if (in.cart_id) {
    if (!order.lines.empty())
      return fail(ErrorCode::invalid_argument, "an order from a cart takes the cart's lines",
                  "lines");
    if (!in.locations.empty())
      return fail(ErrorCode::invalid_argument, "an order from a cart keeps the cart's holds",
                  "locations");
    // The cart row first (then balance rows, then the event counter): two conversions of
    // one cart run one after the other, and the second finds it converted.
    auto locked = s.orders.lock_cart(tx, *in.cart_id);
    if (!locked) {
      if (locked.error().code == ErrorCode::not_found)
        return fail(ErrorCode::invalid_argument, "unknown cart", "cart_id");
      return fail(locked.error());
    }
    cart = FONDACO_TRY(s.orders.cart(tx, *in.cart_id, now_ms));
    if (order.channel.empty()) order.channel = cart->channel;
    if (order.channel != cart->channel)
      return fail(ErrorCode::invalid_argument, "the cart belongs to channel " + cart->channel,
                  "channel");
  }
  const channels::Channel channel = FONDACO_TRY(sales_channel(tx, order.channel));
  order.order_prefix = channel.order_prefix;
  if (order.external_ref) {
    auto existing = FONDACO_TRY(s.orders.find_by_external_ref(tx, order.channel, *order.external_ref));
    if (existing) return order_with_reservations(tx, s, existing->id);
  }
  if (cart) {
    FONDACO_TRY(orders::check_open(*cart, "cart_id"));
    for (const auto& l : cart->lines)
      order.lines.push_back({l.sku, l.qty, std::nullopt, 0, std::nullopt});
  }
  if (order.lines.size() > limits::kMaxOrderLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per order", "lines");
  for (std::size_t i = 0; i < order.lines.size(); ++i)
    FONDACO_TRY(detail::price_line(tx, s.catalog, order.lines[i], order.currency,
                                   "lines[" + std::to_string(i) + "]"));
  // Every stock writer takes the SKUs' balance rows before the event counter row (which
  // orders.create takes when it appends order.created): same order everywhere, no deadlock.
  std::vector<std::string> skus;
  for (const auto& l : order.lines) skus.push_back(l.sku);
  FONDACO_TRY(detail::lock_skus(tx, s.inventory, skus));
  auto created = FONDACO_TRY(s.orders.create(tx, order, now_ms));
  if (!created.created) return order_with_reservations(tx, s, created.order.id);
  PlacedOrder out;
  if (cart) {
    out.reservations = FONDACO_TRY(take_over_holds(tx, s, *cart, created.order, now_ms));
    FONDACO_TRY(s.orders.convert_cart(tx, cart->id, created.order.id, now_ms));
  } else {
    const auto& codes = in.locations.empty() ? channel.locations : in.locations;
    out.reservations = FONDACO_TRY(reserve_order(tx, s, created.order, codes, now_ms));
  }
  std::sort(out.reservations.begin(), out.reservations.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  out.order = std::move(created.order);
  FONDACO_TRY(expect_payment(tx, s, out.order, now_ms));
  return out;
}

Result<PlacedOrder> edit_order(Tx& tx, const OrderServices& s, std::int64_t order_id,
                               const EditOrderInput& in, std::int64_t now_ms) {
  // The order row first, then balance rows, then the event counter (see place_order.h).
  FONDACO_TRY(s.orders.lock(tx, order_id));
  const orders::Order before = FONDACO_TRY(s.orders.get(tx, order_id));
  if (!orders::is_editable(before.status))
    return fail(ErrorCode::invalid_transition,
                "an order can be edited only before fulfilment starts (pending_payment, "
                "confirmed, paid, on_hold); this one is " +
                    std::string(orders::to_string(before.status)),
                "status");
  // Stock already handed over (a committed hold, or any fulfilment) is not re-planned:
  // changes after that go through returns.
  bool shipped_any = before.fulfillment_status != orders::FulfillmentStatus::unfulfilled;
  for (const auto& r : FONDACO_TRY(reservations_of(tx, s, before)))
    shipped_any = shipped_any || r.status == inventory::ReservationStatus::committed;
  if (shipped_any)
    return fail(ErrorCode::invalid_transition,
                "part of this order has already left stock; change it through a return",
                "status");
  orders::OrderEdit edit = in.edit;
  if (!edit.lines) {
    if (!in.locations.empty())
      return fail(ErrorCode::invalid_argument, "only an edit of the lines re-plans the stock",
                  "locations");
    PlacedOrder out;
    out.order = FONDACO_TRY(s.orders.edit(tx, order_id, edit, now_ms));
    out.reservations = FONDACO_TRY(reservations_of(tx, s, out.order));
    out.created = false;
    return out;
  }
  if (edit.lines->size() > limits::kMaxOrderLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per order", "lines");
  if (s.payments) {
    // Money taken for these lines (and the invoice issued for them) is not re-priced.
    payments::PaymentFilter f;
    f.order_id = order_id;
    f.status = "captured";
    if (!FONDACO_TRY(payments::Payments::list(tx, f, 0, 1)).items.empty())
      return fail(ErrorCode::invalid_transition,
                  "the order is paid: its lines change through a refund or a return", "lines");
  }
  // New lines are checked and priced like placed ones; existing lines keep their prices.
  std::vector<std::string> skus;
  for (const auto& l : before.lines) skus.push_back(l.sku);
  for (std::size_t i = 0; i < edit.lines->size(); ++i) {
    auto& el = (*edit.lines)[i];
    if (el.line_no || !el.sku || !el.qty) continue;  // orders.edit names what is missing
    orders::LineInput l{*el.sku, *el.qty, el.unit_price_minor, el.discount_minor.value_or(0),
                        el.vat_rate_bp};
    FONDACO_TRY(detail::price_line(tx, s.catalog, l, before.currency,
                                   "lines[" + std::to_string(i) + "]"));
    el.unit_price_minor = l.unit_price_minor;
    el.vat_rate_bp = l.vat_rate_bp;
    skus.push_back(l.sku);
  }
  FONDACO_TRY(detail::lock_skus(tx, s.inventory, skus));
  FONDACO_TRY(detail::release_active(tx, s.inventory, FONDACO_TRY(reservations_of(tx, s, before)),
                                     now_ms));
  PlacedOrder out;
  out.order = FONDACO_TRY(s.orders.edit(tx, order_id, edit, now_ms));
  std::vector<std::string> codes = in.locations;
  if (codes.empty()) {
    // The channel's priority list, if it still has one (an edit of an order from a channel
    // deactivated since is still allowed: the order exists).
    if (auto ch = FONDACO_TRY(channels::Channels::find(tx, before.channel))) codes = ch->locations;
  }
  FONDACO_TRY(reserve_order(tx, s, out.order, codes, now_ms));
  out.reservations = FONDACO_TRY(reservations_of(tx, s, out.order));
  out.created = false;
  FONDACO_TRY(follow_payment(tx, s, out.order, now_ms));
  return out;
}

Result<PlacedOrder> cancel_order(Tx& tx, const OrderServices& s, std::int64_t order_id,
                                 std::string_view note, std::int64_t now_ms) {
  PlacedOrder out;
  // The order row, then balance rows, then the event counter (see place_order.h).
  FONDACO_TRY(s.orders.lock(tx, order_id));
  const orders::Order before = FONDACO_TRY(s.orders.get(tx, order_id));
  std::vector<std::string> skus;
  for (const auto& l : before.lines) skus.push_back(l.sku);
  FONDACO_TRY(detail::lock_skus(tx, s.inventory, skus));
  out.order = FONDACO_TRY(s.orders.transition(tx, order_id, orders::Status::cancelled, note, now_ms));
  out.reservations = FONDACO_TRY(
      detail::release_active(tx, s.inventory, FONDACO_TRY(reservations_of(tx, s, out.order)), now_ms));
  out.created = false;
  FONDACO_TRY(follow_payment(tx, s, out.order, now_ms));
  return out;
}

}  // namespace fondaco::workflows
