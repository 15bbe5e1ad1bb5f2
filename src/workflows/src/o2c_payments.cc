// The payment side of the chain: what an order waits for, and the order becoming paid.
#include <spdlog/spdlog.h>

#include "fondaco/workflows/place_order.h"
#include "o2c_common.h"

namespace fondaco::workflows {
namespace {

using orders::PaymentMethod;
using orders::Status;

// A new order: expect its payment (placement records it already when it can — see
// OrderServices::payments —; this is the same idempotent call for any other path); cash
// and marketplace orders are paid already; a COD order is confirmed at once, since it ships
// before it is paid.
Result<void> on_order_created(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const std::int64_t id = o2c::aggregate_id(e);
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(c.orders.lock(tx, id));
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, id));
    if (o.status != Status::pending_payment) return ok();  // moved on (or cancelled) already
    const auto now = c.clock.now_ms();
    if (auto method = expected_payment_method(o.payment_method)) {
      FONDACO_TRY(c.payments.expect(
          tx, {o.id, o.number, *method, o.totals.total_minor, o.currency}, now));
      if (*method == payments::Method::cod)
        FONDACO_TRY(c.orders.transition(tx, id, Status::confirmed,
                                        "cash on delivery: ships before payment", now));
      return ok();
    }
    if (o.payment_method == PaymentMethod::cash)
      FONDACO_TRY(c.orders.transition(tx, id, Status::paid, "paid at the till", now));
    if (o.payment_method == PaymentMethod::marketplace)
      FONDACO_TRY(c.orders.transition(tx, id, Status::paid, "collected by the channel", now));
    return ok();
  });
}

// Money arrived: the order becomes paid. An order already on its way (COD) or held by a
// person keeps its status and records the payment only.
Result<void> on_payment_captured(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const auto order_id = o2c::payload_int(e, "order_id");
  if (!order_id) return fail(ErrorCode::internal, "payment.captured without order_id");
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(c.orders.lock(tx, *order_id));
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, *order_id));
    if (o.payment_status != orders::PaymentStatus::unpaid) return ok();
    const auto now = c.clock.now_ms();
    const std::string note = "payment " + o2c::payload_string(e, "method").value_or("") +
                             " captured";
    if (o.status == Status::pending_payment || o.status == Status::confirmed) {
      FONDACO_TRY(c.orders.transition(tx, o.id, Status::paid, note, now));
    } else if (o.status == Status::cancelled) {
      // Money for a cancelled order: it stays on the payment for accounting to refund.
      spdlog::warn("payment captured for cancelled order {}", o.number);
    } else {
      FONDACO_TRY(c.orders.set_payment_status(tx, o.id, orders::PaymentStatus::paid, note, now));
    }
    return ok();
  });
}

// A COD parcel left: its payment learns the tracking number the carrier's remittance will
// name.
Result<void> on_shipped(const Chain& c, storage::Tx& tx, const events::Event& e) {
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto s = FONDACO_TRY(fulfillment::Fulfillment::get(tx, o2c::aggregate_id(e)));
    if (!s.order_id || !s.cod_amount_minor || !s.tracking_number) return ok();
    payments::PaymentFilter f;
    f.order_id = *s.order_id;
    f.method = payments::Method::cod;
    const auto page = FONDACO_TRY(payments::Payments::list(tx, f, 0, 10));
    for (const auto& p : page.items)
      if (p.status == "pending" && p.tracking_number != *s.tracking_number)
        FONDACO_TRY(c.payments.attach_tracking(tx, p.id, *s.tracking_number, c.clock.now_ms()));
    return ok();
  });
}

// A refund went out: the order's payment status follows (refunded when nothing is left).
Result<void> on_refunded(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const auto order_id = o2c::payload_int(e, "order_id");
  const auto payment_id = o2c::payload_int(e, "payment_id");
  if (!order_id || !payment_id) return fail(ErrorCode::internal, "payment.refunded without ids");
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(c.orders.lock(tx, *order_id));
    const auto p = FONDACO_TRY(payments::Payments::get(tx, *payment_id));
    const auto to = p.refunded_minor >= p.captured_minor
                        ? orders::PaymentStatus::refunded
                        : orders::PaymentStatus::partially_refunded;
    FONDACO_TRY(c.orders.set_payment_status(tx, *order_id, to, "refund", c.clock.now_ms()));
    return ok();
  });
}

}  // namespace

Result<void> payments_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  if (e.type == "order.created") return on_order_created(c, tx, e);
  if (e.type == "payment.captured") return on_payment_captured(c, tx, e);
  if (e.type == "shipment.shipped") return on_shipped(c, tx, e);
  if (e.type == "payment.refunded") return on_refunded(c, tx, e);
  return ok();
}

}  // namespace fondaco::workflows
