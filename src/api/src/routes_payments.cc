// Payment resources: payments and their refunds, the Stripe and PayPal webhooks (public:
// authenticated by their signatures, verified inside the write so a forgery writes
// nothing), bank statement and COD remittance imports, the review list and the settings
// (secrets are write-only: reads say only whether each is set). Accounting runs all of it.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/payments/payments.h"
#include "router.h"

namespace fondaco::api {
namespace {

using json::Object;
using payments::Payment;
using payments::Payments;
using payments::Refund;
using payments::ReviewItem;

void write_refund(json::Writer& w, const Refund& r) {
  w.begin_object().kv("id", r.id).kv("payment_id", r.payment_id).kv("amount_minor", r.amount_minor);
  w.kv("currency", r.currency).kv("reason", r.reason).kv("status", r.status);
  w.kv("provider_ref", r.provider_ref).kv("attempts", r.attempts).kv("last_error", r.last_error);
  w.kv("created_at", format_rfc3339_ms(r.created_at));
  w.kv("updated_at", format_rfc3339_ms(r.updated_at)).end_object();
}

void write_payment(json::Writer& w, const Payment& p, const std::vector<Refund>* refunds) {
  w.begin_object().kv("id", p.id).kv("order_id", p.order_id).kv("order_number", p.order_number);
  w.kv("method", payments::to_string(p.method)).kv("status", p.status);
  w.kv("amount_minor", p.amount_minor).kv("currency", p.currency);
  w.kv("captured_minor", p.captured_minor).kv("refunded_minor", p.refunded_minor);
  w.kv("provider_ref", p.provider_ref).kv("tracking_number", p.tracking_number);
  w.kv("failure_reason", p.failure_reason).key("captured_at");
  if (p.captured_at) w.str(format_rfc3339_ms(*p.captured_at));
  else w.null();
  w.kv("created_at", format_rfc3339_ms(p.created_at)).kv("updated_at", format_rfc3339_ms(p.updated_at));
  if (refunds) {
    w.key("refunds").begin_array();
    for (const auto& r : *refunds) write_refund(w, r);
    w.end_array();
  }
  w.end_object();
}

void write_review(json::Writer& w, const ReviewItem& r) {
  w.begin_object().kv("id", r.id).kv("source", r.source).kv("reference", r.reference);
  w.kv("amount_minor", r.amount_minor).kv("currency", r.currency).kv("booking_date", r.booking_date);
  w.kv("text", r.text).kv("counterparty", r.counterparty).kv("order_number", r.order_number);
  w.kv("reason", r.reason).kv("status", r.status).kv("payment_id", r.payment_id);
  w.kv("created_at", format_rfc3339_ms(r.created_at));
  w.kv("updated_at", format_rfc3339_ms(r.updated_at)).end_object();
}

Response webhook_response(const payments::WebhookOutcome& o) {
  json::Writer w;
  w.begin_object().kv_bool("received", true).kv("outcome", o.outcome);
  w.kv("payment_id", o.payment_id).kv("review_id", o.review_id).end_object();
  return json_response(200, w.take());
}

// Unauthenticated callers must not reach the single writer: the signature is checked on a
// read first (and again inside the write, against the settings it commits with).
Result<payments::Settings> read_settings(Ctx& c) {
  return c.s.db.read([](storage::Tx& tx) { return Payments::settings(tx); });
}

Result<Response> stripe_webhook(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto s = FONDACO_TRY(read_settings(c));
  const std::string secrets[] = {s.stripe_webhook_secret, s.stripe_webhook_secret_previous};
  FONDACO_TRY(payments::verify_stripe_signature(c.req.header("Stripe-Signature"), c.req.body,
                                                secrets, c.now_ms(),
                                                limits::kStripeSignatureToleranceS));
  Payments pay(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) {
        return pay.stripe_webhook(tx, c.req.header("Stripe-Signature"), c.req.body, c.now_ms());
      },
      webhook_response);
}

Result<Response> paypal_webhook(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const payments::PaypalHeaders h{std::string(c.req.header("PAYPAL-TRANSMISSION-ID")),
                                  std::string(c.req.header("PAYPAL-TRANSMISSION-TIME")),
                                  std::string(c.req.header("PAYPAL-TRANSMISSION-SIG")),
                                  std::string(c.req.header("PAYPAL-CERT-URL")),
                                  std::string(c.req.header("PAYPAL-AUTH-ALGO"))};
  const auto s = FONDACO_TRY(read_settings(c));
  FONDACO_TRY(payments::verify_paypal_signature(h, c.req.body, s.paypal_webhook_id, s.paypal_cert_pem));
  Payments pay(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return pay.paypal_webhook(tx, h, c.req.body, c.now_ms()); },
      webhook_response);
}

Response report_response(const payments::ImportReport& r) {
  json::Writer w;
  w.begin_object().kv("matched", r.matched).kv("review", r.review);
  w.kv("duplicate", r.duplicate).kv("ignored", r.ignored).key("entries").begin_array();
  for (const auto& l : r.lines) {
    w.begin_object().kv("index", static_cast<std::int64_t>(l.index)).kv("outcome", l.outcome);
    w.kv("order_number", l.order_number).kv("payment_id", l.payment_id);
    w.kv("review_id", l.review_id).kv("reason", l.reason).kv("amount_minor", l.amount_minor);
    w.kv("currency", l.currency).kv("reference", l.reference).end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

// Parsed before the transaction (pure); the whole import is then one unit.
Result<Response> import_statement(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const std::string_view ct = c.req.header("Content-Type");
  std::vector<payments::StatementEntry> entries;
  if (ct.starts_with("application/xml") || ct.starts_with("text/xml"))
    entries = FONDACO_TRY(payments::parse_camt053(c.req.body));
  else if (ct.starts_with("text/csv"))
    entries = FONDACO_TRY(payments::parse_statement_csv(c.req.body));
  else
    return fail(ErrorCode::unsupported_media_type,
                "Content-Type must be application/xml (camt.053) or text/csv", "Content-Type");
  Payments pay(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return pay.import_statement(tx, entries, c.now_ms()); },
      report_response);
}

Result<Response> import_cod(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  if (!c.req.header("Content-Type").starts_with("text/csv"))
    return fail(ErrorCode::unsupported_media_type, "Content-Type must be text/csv", "Content-Type");
  const auto entries = FONDACO_TRY(payments::parse_cod_csv(c.req.body));
  Payments pay(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return pay.import_cod(tx, entries, c.now_ms()); }, report_response);
}

Result<Response> list_review(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"status", "limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  std::string status = "open";
  if (auto it = c.query.find("status"); it != c.query.end()) {
    status = it->second == "all" ? "" : it->second;
    if (it->second != "all" && status != "open" && status != "matched" && status != "dismissed")
      return fail(ErrorCode::invalid_argument, "must be open, matched, dismissed or all", "status");
  }
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return Payments::review_list(tx, status, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& r : result.items) write_review(w, r);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Response review_response(const ReviewItem& r) {
  json::Writer w;
  write_review(w, r);
  return json_response(200, w.take());
}

// Bodiless actions accept no body or an empty JSON object.
Result<void> empty_body(const Ctx& c) {
  if (c.req.body.empty()) return ok();
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  return o.finish();
}

Result<Response> review_match(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  std::string number = FONDACO_TRY(o.req_string("order_number", {limits::kMaxShortTextChars, 1, false}));
  FONDACO_TRY(o.finish());
  for (auto& ch : number)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  Payments pay(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return pay.review_match(tx, id, number, c.now_ms()); },
      review_response);
}

Result<Response> review_dismiss(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  FONDACO_TRY(empty_body(c));
  Payments pay(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return pay.review_dismiss(tx, id, c.now_ms()); }, review_response);
}

Result<Response> create_refund(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const auto amount = FONDACO_TRY(o.req_int("amount_minor", {1, INT64_MAX}));
  const auto reason = FONDACO_TRY(o.opt_string("reason", {limits::kMaxShortTextChars, 0, false}));
  FONDACO_TRY(o.finish());
  Payments pay(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) { return pay.refund(tx, id, amount, reason.value_or(""), c.now_ms()); },
      [](const Refund& r) {
        json::Writer w;
        write_refund(w, r);
        return json_response(201, w.take());
      });
}

Result<Response> confirm_refund(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  FONDACO_TRY(empty_body(c));
  return commit(
      c, [&](storage::Tx& tx) { return Payments::confirm_refund(tx, id, c.now_ms()); },
      [](const Refund& r) {
        json::Writer w;
        write_refund(w, r);
        return json_response(200, w.take());
      });
}

Result<payments::PaymentFilter> read_filter(const Ctx& c) {
  payments::PaymentFilter f;
  if (auto it = c.query.find("order_id"); it != c.query.end()) {
    const std::string& v = it->second;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
      return fail(ErrorCode::invalid_argument, "must be an order id", "order_id");
    f.order_id = std::stoll(v);
  }
  if (auto it = c.query.find("status"); it != c.query.end()) {
    const std::string& v = it->second;
    if (v != "pending" && v != "captured" && v != "failed" && v != "cancelled")
      return fail(ErrorCode::invalid_argument, "must be pending, captured, failed or cancelled", "status");
    f.status = v;
  }
  if (auto it = c.query.find("method"); it != c.query.end()) {
    f.method = payments::parse_method(it->second);
    if (!f.method)
      return fail(ErrorCode::invalid_argument, "must be card, paypal, bank_transfer or cod", "method");
  }
  return f;
}

Result<Response> list_payments(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"order_id", "status", "method", "limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  const auto filter = FONDACO_TRY(read_filter(c));
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return Payments::list(tx, filter, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& p : result.items) write_payment(w, p, nullptr);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> get_payment(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  std::vector<Refund> refunds;
  auto p = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<Payment> {
    auto got = FONDACO_TRY(Payments::get(tx, id));
    refunds = FONDACO_TRY(Payments::refunds_of(tx, id));
    return got;
  }));
  json::Writer w;
  write_payment(w, p, &refunds);
  return json_response(200, w.take());
}

Response settings_response(const payments::Settings& s) {
  json::Writer w;
  w.begin_object().kv_bool("stripe_webhook_secret_set", !s.stripe_webhook_secret.empty());
  w.kv_bool("stripe_webhook_secret_previous_set", !s.stripe_webhook_secret_previous.empty());
  w.kv("stripe_api_base", s.stripe_api_base);
  w.kv_bool("stripe_secret_key_set", !s.stripe_secret_key.empty());
  w.kv("paypal_webhook_id", s.paypal_webhook_id);
  w.kv_bool("paypal_cert_pem_set", !s.paypal_cert_pem.empty());
  w.kv("bank_iban", s.bank_iban).kv("bank_holder", s.bank_holder).end_object();
  return json_response(200, w.take());
}

Result<Response> get_settings(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  auto s = FONDACO_TRY(c.s.db.read([](storage::Tx& tx) { return Payments::settings(tx); }));
  return settings_response(s);
}

Result<Response> put_settings(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  constexpr json::StringRule kSecret{limits::kMaxSecretChars, 0, false};
  payments::SettingsPatch p;
  p.stripe_webhook_secret = FONDACO_TRY(o.opt_string("stripe_webhook_secret", kSecret));
  p.stripe_webhook_secret_previous = FONDACO_TRY(o.opt_string("stripe_webhook_secret_previous", kSecret));
  p.stripe_api_base = FONDACO_TRY(o.opt_string("stripe_api_base", kSecret));
  p.stripe_secret_key = FONDACO_TRY(o.opt_string("stripe_secret_key", kSecret));
  p.paypal_webhook_id = FONDACO_TRY(o.opt_string("paypal_webhook_id", kSecret));
  p.paypal_cert_pem =
      FONDACO_TRY(o.opt_string("paypal_cert_pem", {limits::kMaxCertificatePemBytes, 0, true}));
  p.bank_iban = FONDACO_TRY(o.opt_string("bank_iban", {64, 0, false}));
  p.bank_holder = FONDACO_TRY(o.opt_string("bank_holder", {limits::kMaxShortTextChars, 0, false}));
  FONDACO_TRY(o.finish());
  return commit(
      c, [&](storage::Tx& tx) { return Payments::update_settings(tx, p); }, settings_response);
}

Access accounting() { return roles({Role::accounting}); }

}  // namespace

// Literal paths come before /api/v1/payments/{id}: the router takes the first match.
std::vector<Route> payments_routes() {
  return {
      {"POST", "/api/v1/payments/webhooks/stripe", public_access(), stripe_webhook},
      {"POST", "/api/v1/payments/webhooks/paypal", public_access(), paypal_webhook},
      {"GET", "/api/v1/payments/settings", accounting(), get_settings},
      {"PUT", "/api/v1/payments/settings", accounting(), put_settings},
      {"POST", "/api/v1/payments/statements", accounting(), import_statement},
      {"POST", "/api/v1/payments/cod-remittances", accounting(), import_cod},
      {"GET", "/api/v1/payments/review", accounting(), list_review},
      {"POST", "/api/v1/payments/review/{id}/match", accounting(), review_match},
      {"POST", "/api/v1/payments/review/{id}/dismiss", accounting(), review_dismiss},
      {"POST", "/api/v1/payments/refunds/{id}/confirm", accounting(), confirm_refund},
      {"GET", "/api/v1/payments", accounting(), list_payments},
      {"GET", "/api/v1/payments/{id}", accounting(), get_payment},
      {"POST", "/api/v1/payments/{id}/refunds", accounting(), create_refund},
  };
}

}  // namespace fondaco::api
