// Returns in the chain: an inspected return puts its units where inspection sent them and
// refunds through the order's original payment, in one transaction (so a replay finds the
// return refunded and does nothing). The refund's own events then issue the credit note
// and the e-mail.
#include <map>

#include "allocation.h"
#include "fondaco/workflows/place_order.h"
#include "o2c_common.h"

namespace fondaco::workflows {
namespace {

Result<std::optional<payments::Payment>> captured_payment(storage::Tx& tx, std::int64_t order_id) {
  payments::PaymentFilter f;
  f.order_id = order_id;
  f.status = "captured";
  const auto page = FONDACO_TRY(payments::Payments::list(tx, f, 0, 10));
  for (const auto& p : page.items)
    if (p.captured_minor > p.refunded_minor) return std::optional<payments::Payment>(p);
  return std::optional<payments::Payment>();
}

Result<void> on_inspected(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const std::int64_t id = o2c::aggregate_id(e);
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto rma = FONDACO_TRY(returns::Returns::get(tx, id));
    if (rma.status != returns::Status::inspected) return ok();  // done already
    const auto now = c.clock.now_ms();
    std::vector<std::string> skus;
    for (const auto& l : rma.inspected) skus.push_back(l.sku);
    FONDACO_TRY(detail::lock_skus(tx, c.inventory, skus));
    for (const auto& l : rma.inspected) {
      if (l.qty <= 0) continue;
      inventory::MoveInput m;
      m.sku = l.sku;
      m.qty = l.qty;
      m.from = std::string(inventory::kCustomerLocation);
      m.to = l.location;
      m.reason = "return";
      m.reference = "rma:" + std::to_string(rma.id);
      FONDACO_TRY(c.inventory.move(tx, m, now));
    }
    if (rma.refund_minor == 0) {
      FONDACO_TRY(c.returns.close(tx, rma.id, "nothing to refund", now));
      return ok();
    }
    const auto payment = FONDACO_TRY(captured_payment(tx, rma.order_id));
    if (!payment)
      return fail(ErrorCode::conflict,
                  "order " + rma.order_number + " has no captured payment to refund through",
                  "payment");
    const auto refund =
        FONDACO_TRY(c.payments.refund(tx, payment->id, rma.refund_minor, rma.number, now));
    FONDACO_TRY(c.returns.mark_refunded(tx, rma.id, "refund:" + std::to_string(refund.id),
                                        rma.refund_minor, now));
    return ok();
  });
}

}  // namespace

Result<void> returns_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  if (e.type == "return.inspected") return on_inspected(c, tx, e);
  return ok();
}

// What an order can still return: per SKU, the units that left in a committed hold minus
// those already on a return that was not rejected or cancelled; the unit refund is the
// line's paid amount per unit (after discounts; the first line of a SKU decides).
Result<returns::ReturnableInfo> returnable(const Chain& c, storage::Tx& tx,
                                           std::int64_t order_id) {
  auto found = c.orders.get(tx, order_id);
  if (!found && found.error().code == ErrorCode::not_found)
    return fail(ErrorCode::not_found, "no such order", "order_id");
  const orders::Order o = FONDACO_TRY(std::move(found));
  std::vector<std::string> refs;
  std::map<std::string, std::int64_t> unit;
  for (const auto& l : o.lines) {
    refs.push_back(reservation_reference(o.id, l.line_no));
    if (unit.contains(l.sku) || l.qty <= 0) continue;
    // What the customer paid per unit: net prices get their VAT (half-up, as the totals).
    std::int64_t paid = l.amount_minor;
    if (!o.prices_include_vat)
      paid += (l.amount_minor * l.vat_rate_bp + 5'000) / 10'000;
    unit[l.sku] = paid / l.qty;
  }
  std::map<std::string, std::int64_t> shipped;
  for (const auto& r : FONDACO_TRY(c.inventory.reservations_for(tx, refs)))
    if (r.status == inventory::ReservationStatus::committed) shipped[r.sku] += r.qty;
  returns::ReturnFilter f;
  f.order_id = order_id;
  f.limit = 500;
  for (const auto& rma : FONDACO_TRY(returns::Returns::list(tx, f)).items) {
    if (rma.status == returns::Status::rejected || rma.status == returns::Status::cancelled)
      continue;
    for (const auto& l : rma.lines) shipped[l.sku] -= l.qty;
  }
  returns::ReturnableInfo info{o.id, o.number, o.customer.email, o.currency, {}};
  for (const auto& [sku, qty] : shipped)
    if (qty > 0) info.lines.push_back({sku, qty, unit[sku]});
  return info;
}

}  // namespace fondaco::workflows
