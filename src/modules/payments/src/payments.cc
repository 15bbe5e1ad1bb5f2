// Payments: expected payments, capture, failure, reads, refunds and settings.
#include "fondaco/payments/payments.h"

#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "internal.h"

namespace fondaco::payments {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 4> kMethodNames = {"card", "paypal", "bank_transfer", "cod"};

constexpr std::string_view kColumns =
    "id, order_id, order_number, method, status, amount_minor, currency, captured_minor, "
    "refunded_minor, provider_ref, tracking_number, failure_reason, captured_at, created_at, "
    "updated_at";

Payment payment_from(const Rows& r, std::size_t i) {
  Payment p;
  p.id = r.i64(i, 0);
  p.order_id = r.i64(i, 1);
  p.order_number = r.text(i, 2);
  p.method = parse_method(r.text(i, 3)).value_or(Method::card);
  p.status = r.text(i, 4);
  p.amount_minor = r.i64(i, 5);
  p.currency = r.text(i, 6);
  p.captured_minor = r.i64(i, 7);
  p.refunded_minor = r.i64(i, 8);
  p.provider_ref = r.text(i, 9);
  p.tracking_number = r.text(i, 10);
  p.failure_reason = r.text(i, 11);
  p.captured_at = r.opt_i64(i, 12);
  p.created_at = r.i64(i, 13);
  p.updated_at = r.i64(i, 14);
  return p;
}

constexpr std::string_view kRefundColumns =
    "id, payment_id, amount_minor, currency, reason, status, provider_ref, attempts, "
    "next_attempt_at, last_error, created_at, updated_at";

Refund refund_from(const Rows& r, std::size_t i) {
  return Refund{r.i64(i, 0), r.i64(i, 1),  r.i64(i, 2), r.text(i, 3), r.text(i, 4),  r.text(i, 5),
                r.text(i, 6), r.i64(i, 7), r.i64(i, 8), r.text(i, 9), r.i64(i, 10), r.i64(i, 11)};
}

}  // namespace

std::string_view to_string(Method m) { return kMethodNames[static_cast<std::size_t>(m)]; }

std::optional<Method> parse_method(std::string_view s) {
  for (std::size_t i = 0; i < kMethodNames.size(); ++i)
    if (kMethodNames[i] == s) return static_cast<Method>(i);
  return std::nullopt;
}

Result<Payment> Payments::expect(Tx& tx, const ExpectedPayment& in, std::int64_t now_ms) {
  if (in.order_id <= 0) return fail(ErrorCode::invalid_argument, "must be positive", "order_id");
  if (in.order_number.empty() || in.order_number.size() > limits::kMaxShortTextChars ||
      !is_valid_utf8(in.order_number) || has_control_chars(in.order_number))
    return fail(ErrorCode::invalid_argument, "must be 1-255 characters", "order_number");
  if (in.amount_minor <= 0) return fail(ErrorCode::invalid_argument, "must be positive", "amount_minor");
  if (!is_known_currency(in.currency))
    return fail(ErrorCode::invalid_argument, "must be an ISO 4217 code", "currency");
  // ON CONFLICT DO NOTHING: a concurrent or repeated expect() finds the first one.
  FONDACO_TRY(tx.exec(
      "INSERT INTO payments (order_id, order_number, method, status, amount_minor, currency, "
      "created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?) "
      "ON CONFLICT (order_id, method) DO NOTHING",
      {in.order_id, in.order_number, std::string(to_string(in.method)), in.amount_minor,
       in.currency, now_ms, now_ms}));
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kColumns) + " FROM payments WHERE order_id = ? AND method = ?",
      {in.order_id, std::string(to_string(in.method))}));
  return payment_from(rows, 0);
}

Result<Payment> Payments::reprice(Tx& tx, std::int64_t payment_id, std::int64_t amount_minor,
                                  std::int64_t now_ms) {
  if (amount_minor <= 0) return fail(ErrorCode::invalid_argument, "must be positive", "amount_minor");
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payments SET amount_minor = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
      {amount_minor, now_ms, payment_id}));
  Payment p = FONDACO_TRY(get(tx, payment_id));
  if (n == 0) return fail(ErrorCode::conflict, "payment is " + p.status + ", not pending", "status");
  return p;
}

Result<Payment> Payments::attach_tracking(Tx& tx, std::int64_t payment_id,
                                          std::string_view tracking_number, std::int64_t now_ms) {
  if (tracking_number.empty() || tracking_number.size() > limits::kMaxShortTextChars ||
      has_control_chars(tracking_number) || !is_valid_utf8(tracking_number))
    return fail(ErrorCode::invalid_argument, "must be 1-255 characters", "tracking_number");
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payments SET tracking_number = ?, updated_at = ? WHERE id = ?",
      {std::string(tracking_number), now_ms, payment_id}));
  if (n == 0) return fail(ErrorCode::not_found, "payment not found", "id");
  return get(tx, payment_id);
}

Result<void> Payments::emit_captured(Tx& tx, const Payment& p, std::int64_t now_ms) {
  json::Writer w;
  w.begin_object().kv("payment_id", p.id).kv("order_id", p.order_id);
  w.kv("order_number", p.order_number).kv("method", to_string(p.method));
  w.kv("amount_minor", p.captured_minor).kv("currency", p.currency);
  w.kv("provider_ref", p.provider_ref).end_object();
  return log_.append(tx, "payment.captured", "payment", std::to_string(p.id), w.take(), now_ms);
}

Result<Payment> Payments::capture(Tx& tx, std::int64_t payment_id, const Capture& c,
                                  std::int64_t now_ms) {
  Payment p = FONDACO_TRY(get(tx, payment_id));
  if (p.status == "captured") return p;  // a repeated notification: nothing to do
  if (p.status != "pending")
    return fail(ErrorCode::conflict, "payment is " + p.status + ", not pending", "status");
  if (c.currency != p.currency || c.amount_minor != p.amount_minor)
    return fail(ErrorCode::unprocessable,
                "received " + std::to_string(c.amount_minor) + " " + c.currency + ", expected " +
                    std::to_string(p.amount_minor) + " " + p.currency,
                "amount_minor");
  // Conditional: of two concurrent captures only one changes the row (and emits).
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payments SET status = 'captured', captured_minor = ?, provider_ref = ?, "
      "captured_at = ?, updated_at = ? WHERE id = ? AND status = 'pending' AND amount_minor = ?",
      {c.amount_minor, c.provider_ref, now_ms, now_ms, payment_id, c.amount_minor}));
  p = FONDACO_TRY(get(tx, payment_id));
  if (n == 0) {
    if (p.status == "captured") return p;
    if (p.status == "pending")  // re-priced (the order was edited) since it was read
      return fail(ErrorCode::unprocessable,
                  "received " + std::to_string(c.amount_minor) + ", expected " +
                      std::to_string(p.amount_minor),
                  "amount_minor");
    return fail(ErrorCode::conflict, "payment is " + p.status + ", not pending", "status");
  }
  FONDACO_TRY(emit_captured(tx, p, now_ms));
  return p;
}

Result<Payment> Payments::fail_payment(Tx& tx, std::int64_t payment_id, std::string_view reason,
                                       std::string_view provider_ref, std::int64_t now_ms) {
  const std::string why = std::string(reason.substr(0, limits::kMaxShortTextChars));
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payments SET failure_reason = ?, provider_ref = ?, updated_at = ? "
      "WHERE id = ? AND status = 'pending'",
      {why, std::string(provider_ref), now_ms, payment_id}));
  Payment p = FONDACO_TRY(get(tx, payment_id));
  // A failed attempt leaves the payment pending: the customer may retry with another card.
  if (n > 0) {
    json::Writer w;
    w.begin_object().kv("payment_id", p.id).kv("order_id", p.order_id);
    w.kv("order_number", p.order_number).kv("method", to_string(p.method));
    w.kv("reason", why).end_object();
    FONDACO_TRY(log_.append(tx, "payment.failed", "payment", std::to_string(p.id), w.take(), now_ms));
  }
  return p;
}

Result<std::vector<Payment>> Payments::cancel_pending(Tx& tx, std::int64_t order_id,
                                                      std::int64_t now_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "UPDATE payments SET status = 'cancelled', updated_at = ? "
      "WHERE order_id = ? AND status = 'pending' RETURNING id",
      {now_ms, order_id}));
  std::vector<Payment> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Payment p = FONDACO_TRY(get(tx, rows.i64(i, 0)));
    json::Writer w;
    w.begin_object().kv("payment_id", p.id).kv("order_id", p.order_id);
    w.kv("order_number", p.order_number).kv("method", to_string(p.method)).end_object();
    FONDACO_TRY(log_.append(tx, "payment.cancelled", "payment", std::to_string(p.id), w.take(), now_ms));
    out.push_back(std::move(p));
  }
  return out;
}

Result<Payment> Payments::get(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(
      tx.query("SELECT " + std::string(kColumns) + " FROM payments WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "payment not found", "id");
  return payment_from(rows, 0);
}

Result<std::vector<Payment>> find_payments(Tx& tx, std::string_view where,
                                           std::initializer_list<Value> params) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kColumns) + " FROM payments WHERE " + std::string(where) + " ORDER BY id",
      params));
  std::vector<Payment> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(payment_from(rows, i));
  return out;
}

Result<std::vector<Refund>> Payments::refunds_of(Tx& tx, std::int64_t payment_id) {
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kRefundColumns) +
                                       " FROM payment_refunds WHERE payment_id = ? ORDER BY id",
                                   {payment_id}));
  std::vector<Refund> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(refund_from(rows, i));
  return out;
}

Result<Page<Payment>> Payments::list(Tx& tx, const PaymentFilter& f, std::int64_t after_id,
                                     int limit) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM payments WHERE id > ?";
  std::vector<Value> params{after_id};
  if (f.order_id) sql += " AND order_id = ?", params.emplace_back(*f.order_id);
  if (f.status) sql += " AND status = ?", params.emplace_back(*f.status);
  if (f.method) sql += " AND method = ?", params.emplace_back(std::string(to_string(*f.method)));
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(std::int64_t{limit + 1});
  auto rows = FONDACO_TRY(tx.query(sql, std::span<const Value>(params)));
  Page<Payment> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(payment_from(rows, i));
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

// ---- refunds ----

Result<Refund> Payments::refund(Tx& tx, std::int64_t payment_id, std::int64_t amount_minor,
                                std::string_view reason, std::int64_t now_ms) {
  if (amount_minor <= 0) return fail(ErrorCode::invalid_argument, "must be positive", "amount_minor");
  Payment p = FONDACO_TRY(get(tx, payment_id));
  if (p.status != "captured")
    return fail(ErrorCode::conflict, "only a captured payment can be refunded", "status");
  // The check and the write are one statement: two refunds racing for the last euro cannot
  // both pass (PostgreSQL re-checks the WHERE on the locked, updated row).
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payments SET refunded_minor = refunded_minor + ?, updated_at = ? "
      "WHERE id = ? AND status = 'captured' AND refunded_minor + ? <= captured_minor",
      {amount_minor, now_ms, payment_id, amount_minor}));
  if (n == 0)
    return fail(ErrorCode::unprocessable, "refunds would exceed the captured amount", "amount_minor");
  // Card refunds are sent by process_pending_refunds; PayPal, bank and COD are paid back by
  // a person (PayPal's refund API is not integrated yet) and confirmed.
  const std::string status = p.method == Method::card ? "pending" : "pending_manual";
  auto ins = FONDACO_TRY(tx.query(
      "INSERT INTO payment_refunds (payment_id, amount_minor, currency, reason, status, "
      "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {payment_id, amount_minor, p.currency, std::string(reason), status, now_ms, now_ms, now_ms}));
  const std::int64_t refund_id = ins.i64(0, 0);
  p = FONDACO_TRY(get(tx, payment_id));
  json::Writer w;
  w.begin_object().kv("payment_id", p.id).kv("refund_id", refund_id).kv("order_id", p.order_id);
  w.kv("order_number", p.order_number).kv("amount_minor", amount_minor).kv("currency", p.currency);
  w.kv_bool("full", p.refunded_minor == p.captured_minor).end_object();
  FONDACO_TRY(log_.append(tx, "payment.refunded", "payment", std::to_string(p.id), w.take(), now_ms));
  return get_refund(tx, refund_id);
}

Result<Refund> Payments::get_refund(Tx& tx, std::int64_t refund_id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kRefundColumns) + " FROM payment_refunds WHERE id = ?", {refund_id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "refund not found", "id");
  return refund_from(rows, 0);
}

Result<Refund> Payments::confirm_refund(Tx& tx, std::int64_t refund_id, std::int64_t now_ms) {
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payment_refunds SET status = 'succeeded', updated_at = ? "
      "WHERE id = ? AND status = 'pending_manual'",
      {now_ms, refund_id}));
  Refund r = FONDACO_TRY(get_refund(tx, refund_id));
  if (n == 0)
    return fail(ErrorCode::conflict, "refund is " + r.status + ", not pending_manual", "status");
  return r;
}

// A gateway or webhook verdict on a refund not yet final. A failed refund gives its amount
// back to the payment (nothing was paid back, so it may be refunded again).
Result<void> Payments::refund_outcome(Tx& tx, const Refund& r, const std::string& status,
                                      const std::string& provider_ref, const std::string& error,
                                      std::int64_t now_ms) {
  const auto n = FONDACO_TRY(tx.exec(
      "UPDATE payment_refunds SET status = ?, provider_ref = CASE WHEN ? = '' THEN provider_ref "
      "ELSE ? END, last_error = ?, updated_at = ? "
      "WHERE id = ? AND status IN ('pending', 'processing')",
      {status, provider_ref, provider_ref, error.substr(0, limits::kMaxShortTextChars), now_ms,
       r.id}));
  if (n == 0 || status != "failed") return ok();
  FONDACO_TRY(tx.exec(
      "UPDATE payments SET refunded_minor = refunded_minor - ?, updated_at = ? WHERE id = ?",
      {r.amount_minor, now_ms, r.payment_id}));
  json::Writer w;
  w.begin_object().kv("payment_id", r.payment_id).kv("refund_id", r.id);
  w.kv("amount_minor", r.amount_minor).kv("currency", r.currency).kv("error", error).end_object();
  return log_.append(tx, "payment.refund_failed", "payment", std::to_string(r.payment_id),
                     w.take(), now_ms);
}

}  // namespace fondaco::payments
