// The customer's e-mails of the chain. Each is queued in the step's transaction with a
// dedupe key, so a replayed event never sends a second one; the outbox delivers them (and retries)
// outside the chain, so a mail server that is down never holds an order up.
#include "o2c_common.h"

namespace fondaco::workflows {
namespace {

using notifications::EmailInput;

// Marketplace customers are the marketplace's to write to (their rules forbid it).
bool emails_customer(const orders::Order& o) {
  return o.payment_method != orders::PaymentMethod::marketplace && !o.customer.email.empty();
}

notifications::Address mail_address(const orders::Order& o) {
  const auto& a = o.shipping_address ? o.shipping_address : o.billing_address;
  if (!a) return {};
  return {a->name, a->line1, a->line2, a->postal_code, a->city, a->province, a->country};
}

Result<void> enqueue(const Chain& c, storage::Tx& tx, const orders::Order& o, std::string key,
                     notifications::TemplateData data) {
  EmailInput in;
  in.dedupe_key = std::move(key);
  in.locale = notifications::parse_locale(o.locale).value_or(notifications::Locale::it);
  in.to = o.customer.email;
  in.to_name = o.customer.name;
  in.data = std::move(data);
  FONDACO_TRY(c.notifications.enqueue(tx, in, c.clock.now_ms()));
  return ok();
}

Result<notifications::OrderConfirmed> confirmation(const Chain& c, storage::Tx& tx,
                                                   const orders::Order& o) {
  notifications::OrderConfirmed d;
  d.order_number = o.number;
  d.order_date_ms = o.created_at;
  d.currency = o.currency;
  for (const auto& l : o.lines) {
    std::string title = l.sku;
    if (auto v = c.catalog.variant(tx, l.sku))
      if (auto p = c.catalog.summary(tx, v->product_id)) title = p->title;
    const std::int64_t unit = l.unit_price_minor;
    d.lines.push_back({title, l.sku, l.qty, unit, l.amount_minor});
  }
  d.subtotal_minor = o.totals.lines_minor;
  d.shipping_minor = o.totals.shipping_minor;
  d.vat_minor = o.totals.vat_minor;
  d.total_minor = o.totals.total_minor;
  d.shipping_address = mail_address(o);
  return d;
}

Result<void> on_order_created(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const std::int64_t id = o2c::aggregate_id(e);
  const orders::Order o = FONDACO_TRY(c.orders.get(tx, id));
  if (!emails_customer(o)) return ok();
  auto data = FONDACO_TRY(confirmation(c, tx, o));
  return enqueue(c, tx, o, "order:" + std::to_string(id) + ":confirmed", std::move(data));
}

Result<void> on_shipment(const Chain& c, storage::Tx& tx, const events::Event& e, bool delivered) {
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto s = FONDACO_TRY(fulfillment::Fulfillment::get(tx, o2c::aggregate_id(e)));
    if (!s.order_id) return ok();
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, *s.order_id));
    if (!emails_customer(o)) return ok();
    const std::string key = "shipment:" + std::to_string(s.id);
    if (delivered)
      return enqueue(c, tx, o, key + ":delivered",
                     notifications::Delivered{o.number, s.delivered_at.value_or(e.at_ms)});
    std::string carrier = s.carrier;
    if (auto cr = fulfillment::Fulfillment::get_carrier(tx, s.carrier)) carrier = cr->name;
    return enqueue(c, tx, o, key + ":shipped",
                   notifications::Shipped{o.number, carrier, s.tracking_number.value_or(""),
                                          s.tracking_url.value_or("")});
  });
}

std::string method_name(payments::Method m, std::string_view locale) {
  const bool it = locale == "it";
  switch (m) {
    case payments::Method::card: return it ? "carta di pagamento" : "card";
    case payments::Method::paypal: return "PayPal";
    case payments::Method::bank_transfer: return it ? "bonifico bancario" : "bank transfer";
    // Cash collected by the courier goes back by bank transfer.
    case payments::Method::cod: return it ? "bonifico bancario" : "bank transfer";
  }
  return "";
}

Result<void> on_refunded(const Chain& c, storage::Tx& tx, const events::Event& e) {
  const auto refund_id = o2c::payload_int(e, "refund_id");
  const auto payment_id = o2c::payload_int(e, "payment_id");
  if (!refund_id || !payment_id) return fail(ErrorCode::internal, "payment.refunded without ids");
  return o2c::write(tx, [&](storage::Tx& tx) -> Result<void> {
    const auto p = FONDACO_TRY(payments::Payments::get(tx, *payment_id));
    const auto r = FONDACO_TRY(payments::Payments::get_refund(tx, *refund_id));
    const orders::Order o = FONDACO_TRY(c.orders.get(tx, p.order_id));
    if (!emails_customer(o)) return ok();
    return enqueue(c, tx, o, "refund:" + std::to_string(r.id) + ":issued",
                   notifications::RefundIssued{o.number, r.amount_minor, r.currency,
                                               method_name(p.method, o.locale)});
  });
}

}  // namespace

// Its own subscriber: without an IBAN in the payment settings it fails (and is parked,
// visible) without holding up the confirmation e-mail or any other message.
Result<void> bank_instructions_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  if (e.type != "order.created") return ok();
  const std::int64_t id = o2c::aggregate_id(e);
  const orders::Order o = FONDACO_TRY(c.orders.get(tx, id));
  if (!emails_customer(o) || o.payment_method != orders::PaymentMethod::bank_transfer) return ok();
  const auto bank = FONDACO_TRY(payments::Payments::settings(tx));
  if (bank.bank_iban.empty())
    return fail(ErrorCode::conflict,
                "no IBAN in the payment settings for the bank transfer instructions",
                "bank_iban");
  notifications::BankTransferInstructions d;
  d.order_number = o.number;
  d.iban = bank.bank_iban;
  d.beneficiary = bank.bank_holder;
  d.amount_minor = o.totals.total_minor;
  d.currency = o.currency;
  return enqueue(c, tx, o, "order:" + std::to_string(id) + ":bank_transfer", d);
}

Result<void> emails_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  if (e.type == "order.created") return on_order_created(c, tx, e);
  if (e.type == "shipment.shipped") return on_shipment(c, tx, e, false);
  if (e.type == "shipment.delivered") return on_shipment(c, tx, e, true);
  if (e.type == "payment.refunded") return on_refunded(c, tx, e);
  return ok();
}

}  // namespace fondaco::workflows
