// Stripe and PayPal webhooks: verify, dedupe by provider event id, then capture, record a
// failure, update a refund, or put the money on the review list.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "internal.h"

namespace fondaco::payments {

using storage::Tx;

namespace {

// Records the provider's event id; false when it was already there (a repeated delivery).
// A concurrent duplicate waits on the key's lock and then finds the row.
Result<bool> first_delivery(Tx& tx, const char* provider, const std::string& event_id,
                            const std::string& type, std::int64_t now_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO payment_provider_events (provider, event_id, type, received_at) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (provider, event_id) DO NOTHING RETURNING event_id",
      {std::string(provider), event_id.substr(0, limits::kMaxShortTextChars),
       type.substr(0, limits::kMaxShortTextChars), now_ms}));
  return !rows.empty();
}

WebhookOutcome outcome_of(const ImportLine& line) {
  return WebhookOutcome{line.outcome == "matched" ? "captured" : line.outcome, line.payment_id,
                        line.review_id};
}

// Stripe refund statuses → ours (pending and requires_action are not final yet).
std::string refund_status_of(const std::string& stripe_status) {
  if (stripe_status == "succeeded") return "succeeded";
  if (stripe_status == "failed" || stripe_status == "canceled") return "failed";
  return "processing";
}

}  // namespace

Result<WebhookOutcome> Payments::stripe_webhook(Tx& tx, std::string_view signature_header,
                                                std::string_view raw_body, std::int64_t now_ms) {
  const Settings s = FONDACO_TRY(settings(tx));
  const std::string secrets[] = {s.stripe_webhook_secret, s.stripe_webhook_secret_previous};
  if (secrets[0].empty() && secrets[1].empty())
    return fail(ErrorCode::unauthorized, "no Stripe webhook secret configured", "Stripe-Signature");
  FONDACO_TRY(verify_stripe_signature(signature_header, raw_body, secrets, now_ms,
                                      limits::kStripeSignatureToleranceS));
  const StripeEvent ev = FONDACO_TRY(parse_stripe_event(raw_body));
  if (!FONDACO_TRY(first_delivery(tx, "stripe", ev.id, ev.type, now_ms)))
    return WebhookOutcome{"duplicate", {}, {}};
  if (ev.type == "payment_intent.succeeded") return on_payment_intent(tx, ev, now_ms);
  if (ev.type == "charge.refunded" || ev.type == "refund.updated" || ev.type == "refund.created" ||
      ev.type == "refund.failed")
    return on_stripe_refund(tx, ev, now_ms);
  if (ev.type == "payment_intent.payment_failed") {
    std::vector<Payment> found;
    if (ev.meta_order_id)
      found = FONDACO_TRY(find_payments(tx, "order_id = ? AND method = 'card'", {*ev.meta_order_id}));
    else if (!ev.meta_order_number.empty())
      found = FONDACO_TRY(find_payments(tx, "order_number = ? AND method = 'card'", {ev.meta_order_number}));
    if (found.size() != 1) return WebhookOutcome{"ignored", {}, {}};
    auto p = FONDACO_TRY(fail_payment(tx, found[0].id,
                                      ev.failure_message.empty() ? "payment failed" : ev.failure_message,
                                      ev.object_id, now_ms));
    return WebhookOutcome{"failed", p.id, {}};
  }
  return WebhookOutcome{"ignored", {}, {}};  // answered 2xx: Stripe retries anything else
}

Result<WebhookOutcome> Payments::on_payment_intent(Tx& tx, const StripeEvent& ev,
                                                   std::int64_t now_ms) {
  if (!ev.amount_minor)
    return fail(ErrorCode::invalid_argument, "amount_received missing", "data.object.amount_received");
  StatementEntry e;
  e.booking_date = format_rfc3339_ms(now_ms).substr(0, 10);
  e.amount_minor = *ev.amount_minor;
  e.currency = ev.currency;
  e.reference = ev.object_id;
  e.text = "Stripe " + ev.object_id;
  std::vector<Payment> found;
  std::string hint = ev.meta_order_number;
  if (ev.meta_order_id)
    found = FONDACO_TRY(find_payments(tx, "order_id = ? AND method = 'card'", {*ev.meta_order_id}));
  else if (!ev.meta_order_number.empty())
    found = FONDACO_TRY(find_payments(tx, "order_number = ? AND method = 'card'", {ev.meta_order_number}));
  if (hint.empty() && !found.empty()) hint = found[0].order_number;
  return outcome_of(FONDACO_TRY(settle(tx, "stripe", e, found, hint, now_ms)));
}

Result<WebhookOutcome> Payments::on_stripe_refund(Tx& tx, const StripeEvent& ev,
                                                  std::int64_t now_ms) {
  std::vector<StripeEvent::RefundRef> refs = ev.refunds;
  if (ev.object_type == "refund") refs.push_back({ev.object_id, ev.status, ev.meta_refund_id});
  int updated = 0;
  for (const auto& ref : refs) {
    // Ours by metadata.refund_id (we send it), else by Stripe's id recorded at send time.
    std::optional<Refund> r;
    if (auto id = parse_decimal_minor(ref.meta_refund_id, "refund_id", 0); id && *id > 0)
      if (auto got = get_refund(tx, *id)) r = *got;
    if (!r && !ref.id.empty()) {
      auto rows = FONDACO_TRY(tx.query(
          "SELECT id FROM payment_refunds WHERE provider_ref = ? ORDER BY id LIMIT 1", {ref.id}));
      if (!rows.empty()) r = FONDACO_TRY(get_refund(tx, rows.i64(0, 0)));
    }
    if (!r) continue;
    FONDACO_TRY(refund_outcome(tx, *r, refund_status_of(ref.status), ref.id, "", now_ms));
    ++updated;
  }
  return WebhookOutcome{updated > 0 ? "refund_updated" : "ignored", {}, {}};
}

Result<WebhookOutcome> Payments::paypal_webhook(Tx& tx, const PaypalHeaders& h,
                                                std::string_view raw_body, std::int64_t now_ms) {
  const Settings s = FONDACO_TRY(settings(tx));
  FONDACO_TRY(verify_paypal_signature(h, raw_body, s.paypal_webhook_id, s.paypal_cert_pem));
  const PaypalEvent ev = FONDACO_TRY(parse_paypal_event(raw_body));
  if (!FONDACO_TRY(first_delivery(tx, "paypal", ev.id, ev.event_type, now_ms)))
    return WebhookOutcome{"duplicate", {}, {}};
  const std::string number = !ev.custom_id.empty() ? ev.custom_id : ev.invoice_id;
  std::vector<Payment> found;
  if (!number.empty())
    found = FONDACO_TRY(find_payments(tx, "order_number = ? AND method = 'paypal'", {number}));
  if (ev.event_type == "PAYMENT.CAPTURE.COMPLETED") {
    if (!ev.amount_minor)
      return fail(ErrorCode::invalid_argument, "amount missing", "resource.amount.value");
    StatementEntry e;
    e.booking_date = format_rfc3339_ms(now_ms).substr(0, 10);
    e.amount_minor = *ev.amount_minor;
    e.currency = ev.currency;
    e.reference = ev.resource_id;
    e.text = "PayPal " + number;
    return outcome_of(FONDACO_TRY(settle(tx, "paypal", e, found, number, now_ms)));
  }
  if ((ev.event_type == "PAYMENT.CAPTURE.DENIED" || ev.event_type == "PAYMENT.CAPTURE.DECLINED") &&
      found.size() == 1) {
    auto p = FONDACO_TRY(fail_payment(tx, found[0].id, "PayPal: " + ev.event_type, ev.resource_id, now_ms));
    return WebhookOutcome{"failed", p.id, {}};
  }
  return WebhookOutcome{"ignored", {}, {}};
}

}  // namespace fondaco::payments
