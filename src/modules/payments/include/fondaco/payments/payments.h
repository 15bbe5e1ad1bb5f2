// Payments: every payment an order expects and receives — card (Stripe), PayPal, bank
// transfer and cash on delivery — with refunds and a review list for money that could not
// be matched safely.
//
// The lifecycle: a workflow calls expect() when an order is placed (a `pending` payment
// per order and method; idempotent). Money arrives by a Stripe or PayPal webhook (signature
// verified, provider event ids recorded so a repeated delivery changes nothing), a bank
// statement import (camt.053 or CSV) or a carrier COD remittance; when order number, amount
// and currency all agree the payment becomes `captured` and `payment.captured` is appended
// in the same transaction. Anything else (unknown order, partial or over-payment, several
// candidate orders, wrong currency) goes to the review list, never guessed; a person then
// matches it to an order or dismisses it. Refunds are checked race-free in SQL (the sum
// never exceeds the captured amount) and append `payment.refunded`; card refunds are
// stored `pending` and sent to Stripe after commit by process_pending_refunds (retried with
// backoff, Idempotency-Key = our refund id), bank/COD refunds are `pending_manual` until
// someone confirms them.
//
// The module knows nothing of orders beyond the id, number and amount it is given.
// Functions take `now_ms`; nothing here reads the clock.
// Thread-safety: Payments holds no mutable state; use it from any thread. Gateway
// implementations must be thread-safe (StripeGateway is).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/payments/formats.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::payments {

std::span<const storage::Migration> migrations();

enum class Method { card, paypal, bank_transfer, cod };
std::string_view to_string(Method m);
std::optional<Method> parse_method(std::string_view s);

struct ExpectedPayment {
  std::int64_t order_id = 0;
  std::string order_number;
  Method method = Method::card;
  std::int64_t amount_minor = 0;
  std::string currency = "EUR";
};

// status: pending | captured | failed | cancelled.
struct Payment {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::string order_number;
  Method method = Method::card;
  std::string status;
  std::int64_t amount_minor = 0;  // expected
  std::string currency;
  std::int64_t captured_minor = 0;
  std::int64_t refunded_minor = 0;
  std::string provider_ref;  // pi_..., PayPal capture id, bank reference, tracking number
  std::string tracking_number;  // COD: the parcel carrying the cash
  std::string failure_reason;
  std::optional<std::int64_t> captured_at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// status: pending (card, to send) | processing (sent, gateway not final) | succeeded |
// failed | pending_manual (bank/COD, someone pays it back and confirms).
struct Refund {
  std::int64_t id = 0;
  std::int64_t payment_id = 0;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string reason;
  std::string status;
  std::string provider_ref;
  std::int64_t attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::string last_error;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// status: open | matched | dismissed. source: stripe | paypal | bank | cod.
struct ReviewItem {
  std::int64_t id = 0;
  std::string source;
  std::string reference;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string booking_date;
  std::string text;
  std::string counterparty;
  std::string order_number;  // the order it seemed to be for, when one was recognised
  std::string reason;  // unknown_order, no_order_number, ambiguous, partial, overpayment,
                       // currency_mismatch, amount_mismatch, no_pending_payment
  std::string status;
  std::optional<std::int64_t> payment_id;  // when matched
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct Capture {
  std::string provider_ref;
  std::int64_t amount_minor = 0;
  std::string currency;
};

struct PaymentFilter {
  std::optional<std::int64_t> order_id;
  std::optional<std::string> status;
  std::optional<Method> method;
};

// Secrets are write-only through the API (Settings::view says only whether they are set).
struct Settings {
  std::string stripe_webhook_secret;
  std::string stripe_webhook_secret_previous;  // still accepted: rotation without downtime
  std::string stripe_api_base = "https://api.stripe.com";
  std::string stripe_secret_key;
  std::string paypal_webhook_id;
  std::string paypal_cert_pem;
  std::string bank_iban;
  std::string bank_holder;
};
// Every member present is changed; an empty string clears. Setting a new
// stripe_webhook_secret moves the old one to stripe_webhook_secret_previous.
struct SettingsPatch {
  std::optional<std::string> stripe_webhook_secret;
  std::optional<std::string> stripe_webhook_secret_previous;
  std::optional<std::string> stripe_api_base;
  std::optional<std::string> stripe_secret_key;
  std::optional<std::string> paypal_webhook_id;
  std::optional<std::string> paypal_cert_pem;
  std::optional<std::string> bank_iban;
  std::optional<std::string> bank_holder;
};

// What one webhook delivery did: captured | failed | refund_updated | review | duplicate |
// ignored | already_captured.
struct WebhookOutcome {
  std::string outcome;
  std::optional<std::int64_t> payment_id;
  std::optional<std::int64_t> review_id;
};

// One line of a statement/remittance import report.
struct ImportLine {
  std::size_t index = 0;        // position in the file
  std::string outcome;          // matched | review | duplicate | ignored (debit)
  std::string order_number;     // matched
  std::optional<std::int64_t> payment_id;
  std::optional<std::int64_t> review_id;
  std::string reason;           // review: why
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string reference;
};
struct ImportReport {
  std::vector<ImportLine> lines;
  int matched = 0, review = 0, duplicate = 0, ignored = 0;
};

// A card gateway that can send refunds (StripeGateway; tests inject fakes or a local URL).
struct GatewayRefundRequest {
  std::string api_base;         // "https://api.stripe.com" (settings.stripe_api_base)
  std::string secret_key;       // Bearer
  std::string idempotency_key;  // our refund id: a retry can never refund twice
  std::string payment_intent;   // pi_...
  std::int64_t amount_minor = 0;
  std::int64_t refund_id = 0;
};
struct GatewayRefundResult {
  // succeeded / processing (accepted, not final) / rejected (permanent: do not retry) /
  // retry (network, 5xx, 429, 409: try again later).
  enum class Kind { succeeded, processing, rejected, retry } kind = Kind::retry;
  std::string provider_ref;  // re_...
  std::string error;
};
class Gateway {
 public:
  virtual ~Gateway() = default;
  virtual GatewayRefundResult refund(const GatewayRefundRequest& r) = 0;
};
// POST {api_base}/v1/refunds, form-encoded payment_intent, amount, metadata[refund_id];
// Authorization: Bearer; Idempotency-Key. libcurl, limits::kGatewayTimeoutMs.
class StripeGateway final : public Gateway {
 public:
  GatewayRefundResult refund(const GatewayRefundRequest& r) override;
};

struct ProcessStats {
  int sent = 0, succeeded = 0, failed = 0, retried = 0;
};

using fondaco::Page;

class Payments {
 public:
  explicit Payments(events::EventLog& log) : log_(log) {}

  // Records a pending payment; the same (order_id, method) returns the existing one
  // unchanged (use reprice() when the order's total changes).
  // invalid_argument naming the field (amount_minor > 0, currency, order_number).
  Result<Payment> expect(storage::Tx& tx, const ExpectedPayment& in, std::int64_t now_ms);
  // The order's total changed before it was paid (order edit): the pending payment now
  // expects amount_minor. conflict when it is no longer pending.
  Result<Payment> reprice(storage::Tx& tx, std::int64_t payment_id, std::int64_t amount_minor,
                          std::int64_t now_ms);
  // COD: the parcel whose remittance will carry the cash (called when it ships).
  Result<Payment> attach_tracking(storage::Tx& tx, std::int64_t payment_id,
                                  std::string_view tracking_number, std::int64_t now_ms);
  // pending → captured (+ payment.captured). Already captured: returned unchanged, no
  // event. conflict when failed/cancelled; the amount/currency must equal the expected ones
  // (unprocessable otherwise: callers put mismatches on the review list instead).
  Result<Payment> capture(storage::Tx& tx, std::int64_t payment_id, const Capture& c,
                          std::int64_t now_ms);
  Result<Payment> fail_payment(storage::Tx& tx, std::int64_t payment_id, std::string_view reason,
                               std::string_view provider_ref, std::int64_t now_ms);

  // The order was cancelled before paying: its pending payments become `cancelled`
  // (+ payment.cancelled each); captured ones are left for a refund. Returns those changed.
  Result<std::vector<Payment>> cancel_pending(storage::Tx& tx, std::int64_t order_id,
                                              std::int64_t now_ms);

  static Result<Payment> get(storage::Tx& tx, std::int64_t id);
  static Result<std::vector<Refund>> refunds_of(storage::Tx& tx, std::int64_t payment_id);
  static Result<Page<Payment>> list(storage::Tx& tx, const PaymentFilter& f, std::int64_t after_id,
                                    int limit);

  // Webhooks: verify (unauthorized, nothing written), dedupe by provider event id, act.
  Result<WebhookOutcome> stripe_webhook(storage::Tx& tx, std::string_view signature_header,
                                        std::string_view raw_body, std::int64_t now_ms);
  Result<WebhookOutcome> paypal_webhook(storage::Tx& tx, const PaypalHeaders& h,
                                        std::string_view raw_body, std::int64_t now_ms);

  // Statement import (bank transfers) and COD remittances: one transaction, per-entry report.
  Result<ImportReport> import_statement(storage::Tx& tx, std::span<const StatementEntry> entries,
                                        std::int64_t now_ms);
  Result<ImportReport> import_cod(storage::Tx& tx, std::span<const StatementEntry> entries,
                                  std::int64_t now_ms);

  static Result<Page<ReviewItem>> review_list(storage::Tx& tx, std::string_view status,
                                              std::int64_t after_id, int limit);
  // Captures order_number's pending payment (of the item's method) with the item's money.
  // not_found (item), conflict (item not open, no pending payment), unprocessable (amount or
  // currency differ).
  Result<ReviewItem> review_match(storage::Tx& tx, std::int64_t review_id,
                                  std::string_view order_number, std::int64_t now_ms);
  Result<ReviewItem> review_dismiss(storage::Tx& tx, std::int64_t review_id, std::int64_t now_ms);

  // Partial or full refund of a captured payment (+ payment.refunded). The check
  // "refunded + amount ≤ captured" and the write are one statement. invalid_argument
  // (amount), not_found, conflict (not captured), unprocessable (exceeds what is left).
  Result<Refund> refund(storage::Tx& tx, std::int64_t payment_id, std::int64_t amount_minor,
                        std::string_view reason, std::int64_t now_ms);
  // pending_manual → succeeded. conflict otherwise.
  static Result<Refund> confirm_refund(storage::Tx& tx, std::int64_t refund_id,
                                       std::int64_t now_ms);
  static Result<Refund> get_refund(storage::Tx& tx, std::int64_t refund_id);
  // Sends due card refunds through the gateway, each outside any transaction, and records
  // the outcome (succeeded / processing / failed; retry → attempts+1 with backoff, failed
  // after limits::kMaxRefundAttempts). Run by the housekeeper after commits.
  Result<ProcessStats> process_pending_refunds(storage::Database& db, Gateway& gateway,
                                               std::int64_t now_ms);

  static Result<Settings> settings(storage::Tx& tx);
  // invalid_argument / unprocessable (IBAN check digits) naming the field.
  static Result<Settings> update_settings(storage::Tx& tx, const SettingsPatch& p);

 private:
  Result<void> emit_captured(storage::Tx& tx, const Payment& p, std::int64_t now_ms);
  Result<std::int64_t> open_review(storage::Tx& tx, const std::string& source,
                                   const StatementEntry& e, const std::string& order_number,
                                   const std::string& reason, std::int64_t now_ms);
  // Captures the one candidate when amount and currency agree; otherwise opens a review.
  Result<ImportLine> settle(storage::Tx& tx, const std::string& source, const StatementEntry& e,
                            const std::vector<Payment>& candidates,
                            const std::string& order_hint, std::int64_t now_ms);
  Result<ImportLine> match_bank_entry(storage::Tx& tx, const StatementEntry& e,
                                      std::int64_t now_ms);
  Result<ImportLine> match_cod_entry(storage::Tx& tx, const StatementEntry& e, std::int64_t now_ms);
  Result<ImportReport> import(storage::Tx& tx, const std::string& source,
                              std::span<const StatementEntry> entries, std::int64_t now_ms);
  Result<WebhookOutcome> on_payment_intent(storage::Tx& tx, const StripeEvent& ev,
                                           std::int64_t now_ms);
  Result<WebhookOutcome> on_stripe_refund(storage::Tx& tx, const StripeEvent& ev,
                                          std::int64_t now_ms);
  Result<void> refund_outcome(storage::Tx& tx, const Refund& r, const std::string& status,
                              const std::string& provider_ref, const std::string& error,
                              std::int64_t now_ms);

  events::EventLog& log_;
};

// IBAN: ISO 13616 syntax and mod-97 check digits (spaces ignored).
bool is_valid_iban(std::string_view iban);

}  // namespace fondaco::payments
