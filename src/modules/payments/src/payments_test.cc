// Payments on both engines: expected payments, capture, webhooks (Stripe, PayPal),
// statement and COD matching, the review list, refunds (limits, races, gateway processing)
// and settings.
#include "fondaco/payments/payments.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fondaco/base/limits.h"
#include "fondaco/testing/testing.h"
#include "test_support.h"

namespace fondaco::payments {
namespace {

using storage::Tx;

class FakeGateway final : public Gateway {
 public:
  std::vector<GatewayRefundResult> script;  // answers in order; the last one repeats
  std::vector<GatewayRefundRequest> seen;
  GatewayRefundResult refund(const GatewayRefundRequest& r) override {
    seen.push_back(r);
    const std::size_t i = std::min(seen.size() - 1, script.size() - 1);
    return script[i];
  }
};

class PaymentsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  std::int64_t now() const { return clock_.now_ms(); }
  Payment expect(std::int64_t order_id, const std::string& number, Method m, std::int64_t amount,
                 const std::string& ccy = "EUR") {
    auto p = db_->write([&](Tx& tx) {
      return pay_.expect(tx, {order_id, number, m, amount, ccy}, now());
    });
    EXPECT_TRUE(p) << p.error().message;
    return p.value_or(Payment{});
  }
  Payment get(std::int64_t id) {
    return db_->read([&](Tx& tx) { return Payments::get(tx, id); }).value();
  }
  std::vector<events::Event> events_of(const std::string& type) {
    auto all = db_->read([](Tx& tx) { return events::EventLog::read_after(tx, 0, 10000); }).value();
    std::vector<events::Event> out;
    for (auto& e : all)
      if (e.type == type) out.push_back(e);
    return out;
  }
  std::int64_t count(const std::string& table) {
    return db_->read([&](Tx& tx) -> Result<std::int64_t> {
                auto r = FONDACO_TRY(tx.query("SELECT COUNT(*) FROM " + table));
                return r.i64(0, 0);
              }).value();
  }
  void settings(const SettingsPatch& p) {
    auto s = db_->write([&](Tx& tx) { return Payments::update_settings(tx, p); });
    ASSERT_TRUE(s) << s.error().message;
  }
  Result<WebhookOutcome> stripe(const std::string& body, std::int64_t t_s,
                                const std::string& secret = "whsec_a") {
    const std::string header = stripe_signature_header(secret, t_s, body);
    return db_->write([&](Tx& tx) { return pay_.stripe_webhook(tx, header, body, now()); });
  }
  Result<ImportReport> import_csv(const std::string& csv) {
    auto entries = parse_statement_csv(csv);
    if (!entries) return std::unexpected(entries.error());
    return db_->write([&](Tx& tx) { return pay_.import_statement(tx, *entries, now()); });
  }
  Result<Refund> refund(std::int64_t payment_id, std::int64_t amount) {
    return db_->write([&](Tx& tx) { return pay_.refund(tx, payment_id, amount, "test", now()); });
  }
  Payment captured(std::int64_t order_id, const std::string& number, Method m, std::int64_t amount) {
    const Payment p = expect(order_id, number, m, amount);
    auto c = db_->write([&](Tx& tx) {
      return pay_.capture(tx, p.id, {"ref-" + number, amount, "EUR"}, now());
    });
    EXPECT_TRUE(c) << c.error().message;
    return c.value_or(Payment{});
  }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Payments pay_{log_};
  testing::FakeClock clock_;
};

std::string pi_event(const std::string& evt, const std::string& type, std::int64_t order_id,
                     std::int64_t amount, const std::string& ccy = "eur") {
  return R"({"id":")" + evt + R"(","object":"event","type":")" + type +
         R"(","data":{"object":{"id":"pi_)" + evt + R"(","object":"payment_intent","amount":)" +
         std::to_string(amount) + R"(,"amount_received":)" + std::to_string(amount) +
         R"(,"currency":")" + ccy + R"(","status":"succeeded","metadata":{"order_id":")" +
         std::to_string(order_id) + R"("},"last_payment_error":{"message":"card declined"}}}})";
}

TEST_P(PaymentsTest, ExpectIsIdempotentAndValidates) {
  const Payment a = expect(1, "WEB-000001", Method::card, 2500);
  EXPECT_EQ(a.status, "pending");
  const Payment again = expect(1, "WEB-000001", Method::card, 2500);
  EXPECT_EQ(again.id, a.id);
  auto repriced = db_->write([&](Tx& tx) { return pay_.reprice(tx, a.id, 2700, now()); });
  ASSERT_TRUE(repriced);
  EXPECT_EQ(repriced->amount_minor, 2700);
  EXPECT_EQ(db_->write([&](Tx& tx) { return pay_.reprice(tx, a.id, 0, now()); }).error().field,
            "amount_minor");
  EXPECT_NE(expect(1, "WEB-000001", Method::bank_transfer, 2500).id, a.id);
  EXPECT_EQ(count("payments"), 2);
  const std::vector<std::pair<ExpectedPayment, std::string>> bad = {
      {{0, "X-1", Method::card, 1, "EUR"}, "order_id"},
      {{2, "", Method::card, 1, "EUR"}, "order_number"},
      {{2, "X-1", Method::card, 0, "EUR"}, "amount_minor"},
      {{2, "X-1", Method::card, 1, "EU"}, "currency"},
  };
  for (const auto& [in, field] : bad) {
    auto r = db_->write([&](Tx& tx) { return pay_.expect(tx, in, now()); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, field);
  }
}

TEST_P(PaymentsTest, CaptureEmitsOnceAndRequiresTheExpectedMoney) {
  const Payment p = expect(7, "WEB-000007", Method::card, 2500);
  auto wrong = db_->write([&](Tx& tx) { return pay_.capture(tx, p.id, {"pi_1", 2400, "EUR"}, now()); });
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::unprocessable);
  for (int i = 0; i < 2; ++i) {
    auto c = db_->write([&](Tx& tx) { return pay_.capture(tx, p.id, {"pi_1", 2500, "EUR"}, now()); });
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, "captured");
    EXPECT_EQ(c->captured_minor, 2500);
  }
  const auto evs = events_of("payment.captured");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].aggregate, "payment");
  EXPECT_NE(evs[0].payload.find(R"("order_number":"WEB-000007")"), std::string::npos);
  EXPECT_NE(evs[0].payload.find(R"("amount_minor":2500)"), std::string::npos);
  EXPECT_NE(evs[0].payload.find(R"("method":"card")"), std::string::npos);
}

TEST_P(PaymentsTest, StripeWebhookVerifiesDedupesCapturesAndReviews) {
  SettingsPatch s;
  s.stripe_webhook_secret = "whsec_a";
  settings(s);
  const Payment p = expect(11, "WEB-000011", Method::card, 2500);
  const std::int64_t t = now() / 1000;
  const std::string body = pi_event("evt_1", "payment_intent.succeeded", 11, 2500);

  // Forged and stale: unauthorized, nothing stored.
  auto forged = stripe(body, t, "whsec_wrong");
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, ErrorCode::unauthorized);
  EXPECT_EQ(stripe(body, t - limits::kStripeSignatureToleranceS - 5).error().code, ErrorCode::unauthorized);
  EXPECT_EQ(count("payment_provider_events"), 0);
  EXPECT_EQ(get(p.id).status, "pending");

  auto ok1 = stripe(body, t);
  ASSERT_TRUE(ok1) << ok1.error().message;
  EXPECT_EQ(ok1->outcome, "captured");
  EXPECT_EQ(get(p.id).status, "captured");
  EXPECT_EQ(get(p.id).provider_ref, "pi_evt_1");
  EXPECT_EQ(stripe(body, t)->outcome, "duplicate");
  EXPECT_EQ(events_of("payment.captured").size(), 1u);

  // Amount mismatch and unknown order: review, not captured.
  const Payment q = expect(12, "WEB-000012", Method::card, 2500);
  auto short_paid = stripe(pi_event("evt_2", "payment_intent.succeeded", 12, 2000), t);
  EXPECT_EQ(short_paid->outcome, "review");
  EXPECT_EQ(get(q.id).status, "pending");
  auto wrong_ccy = stripe(pi_event("evt_3", "payment_intent.succeeded", 12, 2500, "usd"), t);
  EXPECT_EQ(wrong_ccy->outcome, "review");
  EXPECT_EQ(stripe(pi_event("evt_4", "payment_intent.succeeded", 999, 2500), t)->outcome, "review");
  auto open = db_->read([](Tx& tx) { return Payments::review_list(tx, "open", 0, 50); }).value();
  ASSERT_EQ(open.items.size(), 3u);
  EXPECT_EQ(open.items[0].reason, "partial");
  EXPECT_EQ(open.items[1].reason, "currency_mismatch");
  EXPECT_EQ(open.items[2].reason, "unknown_order");
  EXPECT_EQ(open.items[2].source, "stripe");

  // Failure recorded, payment stays pending; unknown types are acknowledged and ignored.
  auto failed = stripe(pi_event("evt_5", "payment_intent.payment_failed", 12, 2500), t);
  EXPECT_EQ(failed->outcome, "failed");
  EXPECT_EQ(get(q.id).failure_reason, "card declined");
  EXPECT_EQ(events_of("payment.failed").size(), 1u);
  EXPECT_EQ(stripe(pi_event("evt_6", "customer.created", 12, 1), t)->outcome, "ignored");

  // Rotation: a new secret; deliveries signed with the old one still verify.
  s.stripe_webhook_secret = "whsec_b";
  settings(s);
  EXPECT_TRUE(stripe(pi_event("evt_7", "customer.updated", 12, 1), t, "whsec_a"));
  EXPECT_TRUE(stripe(pi_event("evt_8", "customer.updated", 12, 1), t, "whsec_b"));
  EXPECT_FALSE(stripe(pi_event("evt_9", "customer.updated", 12, 1), t, "whsec_c"));
}

TEST_P(PaymentsTest, ConcurrentDuplicateDeliveriesCaptureOnce) {
  SettingsPatch s;
  s.stripe_webhook_secret = "whsec_a";
  settings(s);
  for (int round = 0; round < 6; ++round) {
    const Payment p = expect(200 + round, "WEB-2" + std::to_string(round), Method::card, 900);
    const std::string body =
        pi_event("evt_c" + std::to_string(round), "payment_intent.succeeded", 200 + round, 900);
    std::atomic<int> captured{0}, duplicate{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
      threads.emplace_back([&] {
        while (!go.load()) std::this_thread::yield();
        auto r = stripe(body, now() / 1000);
        if (r && r->outcome == "captured") ++captured;
        if (r && r->outcome == "duplicate") ++duplicate;
      });
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(captured.load(), 1) << "round " << round;
    EXPECT_EQ(duplicate.load(), 2) << "round " << round;
    EXPECT_EQ(get(p.id).status, "captured");
  }
  EXPECT_EQ(events_of("payment.captured").size(), 6u);
}

TEST_P(PaymentsTest, CancelPendingLeavesCapturedAlone) {
  const Payment card = expect(8, "WEB-000008", Method::card, 100);
  const Payment cod = captured(8, "WEB-000008", Method::cod, 100);
  auto cancelled = db_->write([&](Tx& tx) { return pay_.cancel_pending(tx, 8, now()); });
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  ASSERT_EQ(cancelled->size(), 1u);
  EXPECT_EQ(get(card.id).status, "cancelled");
  EXPECT_EQ(get(cod.id).status, "captured");
  EXPECT_EQ(events_of("payment.cancelled").size(), 1u);
  EXPECT_EQ(db_->write([&](Tx& tx) { return pay_.reprice(tx, card.id, 150, now()); }).error().code,
            ErrorCode::conflict);
  auto late = db_->write([&](Tx& tx) { return pay_.capture(tx, card.id, {"pi_late", 100, "EUR"}, now()); });
  EXPECT_EQ(late.error().code, ErrorCode::conflict);
  EXPECT_TRUE(db_->write([&](Tx& tx) { return pay_.cancel_pending(tx, 8, now()); })->empty());
}

TEST_P(PaymentsTest, PaypalWebhookCapturesWithStoredCertificate) {
  const test::PaypalKeys keys = test::make_paypal_keys();
  SettingsPatch s;
  s.paypal_webhook_id = "WHID-9";
  s.paypal_cert_pem = keys.cert_pem;
  settings(s);
  const Payment p = expect(21, "WEB-000021", Method::paypal, 1990);
  const std::string body = R"({"id":"WH-77","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{)"
                           R"("id":"CAP-5","status":"COMPLETED","amount":{"currency_code":"EUR",)"
                           R"("value":"19.90"},"custom_id":"WEB-000021"}})";
  const auto h = test::paypal_headers(keys, "T-1", "2026-11-24T10:00:00Z", "WHID-9", body);
  auto bad = db_->write([&](Tx& tx) { return pay_.paypal_webhook(tx, h, body + "\n", now()); });
  EXPECT_EQ(bad.error().code, ErrorCode::unauthorized);
  EXPECT_EQ(get(p.id).status, "pending");
  auto good = db_->write([&](Tx& tx) { return pay_.paypal_webhook(tx, h, body, now()); });
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->outcome, "captured");
  EXPECT_EQ(get(p.id).captured_minor, 1990);
  EXPECT_EQ(get(p.id).provider_ref, "CAP-5");
  auto dup = db_->write([&](Tx& tx) { return pay_.paypal_webhook(tx, h, body, now()); });
  EXPECT_EQ(dup->outcome, "duplicate");
  EXPECT_EQ(events_of("payment.captured").size(), 1u);
}

TEST_P(PaymentsTest, StatementMatchingExactPartialAmbiguousAndDuplicateImport) {
  const Payment one = expect(1, "WEB-000001", Method::bank_transfer, 12990);
  const Payment two = expect(2, "WEB-000002", Method::bank_transfer, 8000);
  expect(3, "WEB-000003", Method::bank_transfer, 5000);
  expect(4, "WEB-000004", Method::bank_transfer, 5000);
  auto entries = parse_camt053(test::kCamt053Sample).value();
  auto r = db_->write([&](Tx& tx) { return pay_.import_statement(tx, entries, now()); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->matched, 2);
  EXPECT_EQ(r->ignored, 1);  // the debit
  EXPECT_EQ(r->lines[0].outcome, "matched");
  EXPECT_EQ(r->lines[0].order_number, "WEB-000001");
  EXPECT_EQ(r->lines[2].order_number, "WEB-000002");
  EXPECT_EQ(get(one.id).status, "captured");
  EXPECT_EQ(get(one.id).provider_ref, "2026112300001");
  EXPECT_EQ(get(two.id).status, "captured");

  // The same statement again: every credit is a duplicate, nothing captured twice.
  auto again = db_->write([&](Tx& tx) { return pay_.import_statement(tx, entries, now()); });
  EXPECT_EQ(again->duplicate, 2);
  EXPECT_EQ(again->matched, 0);
  EXPECT_EQ(events_of("payment.captured").size(), 2u);

  auto csv = import_csv(
      "date,amount,currency,description,reference\n"
      "2026-11-24,40.00,EUR,WEB-000003 acconto,B-1\n"        // partial
      "2026-11-24,60.00,EUR,WEB-000004,B-2\n"                // overpayment
      "2026-11-24,50.00,EUR,ordini WEB-000003 WEB-000004,B-3\n"  // ambiguous
      "2026-11-24,50.00,EUR,grazie,B-4\n"                     // no order number
      "2026-11-24,50.00,CHF,WEB-000004,B-5\n"                 // currency
      "2026-11-24,129.90,EUR,WEB-000001 di nuovo,B-6\n"       // already captured
      "2026-11-24,50.00,EUR,WEB-999999,\n");                  // unknown, no reference
  ASSERT_TRUE(csv) << csv.error().message;
  std::vector<std::string> reasons;
  for (const auto& l : csv->lines) reasons.push_back(l.outcome + ":" + l.reason);
  EXPECT_EQ(reasons, (std::vector<std::string>{"review:partial", "review:overpayment", "review:ambiguous",
                                               "review:no_order_number", "review:currency_mismatch",
                                               "review:no_pending_payment", "review:unknown_order"}));
  EXPECT_EQ(count("payment_reviews"), 7);
  // A line without a reference is deduplicated by date + amount + currency + text.
  auto rerun = import_csv("date,amount,currency,description\n2026-11-24,50.00,EUR,WEB-999999\n");
  EXPECT_EQ(rerun->lines[0].outcome, "duplicate");
  EXPECT_EQ(count("payment_reviews"), 7);
}

TEST_P(PaymentsTest, ReviewMatchAndDismiss) {
  const Payment p = expect(3, "WEB-000003", Method::bank_transfer, 5000);
  auto csv = import_csv("date,amount,currency,description,reference\n"
                        "2026-11-24,50.00,EUR,bonifico Rossi,B-1\n"
                        "2026-11-24,49.00,EUR,bonifico Verdi,B-2\n");
  ASSERT_TRUE(csv);
  const auto first = *csv->lines[0].review_id, second = *csv->lines[1].review_id;
  auto mism = db_->write([&](Tx& tx) { return pay_.review_match(tx, second, "WEB-000003", now()); });
  EXPECT_EQ(mism.error().code, ErrorCode::unprocessable);
  auto none = db_->write([&](Tx& tx) { return pay_.review_match(tx, first, "WEB-000099", now()); });
  EXPECT_EQ(none.error().code, ErrorCode::conflict);
  auto matched = db_->write([&](Tx& tx) { return pay_.review_match(tx, first, "WEB-000003", now()); });
  ASSERT_TRUE(matched) << matched.error().message;
  EXPECT_EQ(matched->status, "matched");
  EXPECT_EQ(matched->payment_id, p.id);
  EXPECT_EQ(get(p.id).status, "captured");
  auto twice = db_->write([&](Tx& tx) { return pay_.review_match(tx, first, "WEB-000003", now()); });
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  auto dismissed = db_->write([&](Tx& tx) { return pay_.review_dismiss(tx, second, now()); });
  EXPECT_EQ(dismissed->status, "dismissed");
  EXPECT_EQ(db_->write([&](Tx& tx) { return pay_.review_dismiss(tx, second, now()); }).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(db_->write([&](Tx& tx) { return pay_.review_dismiss(tx, 999, now()); }).error().code,
            ErrorCode::not_found);
  EXPECT_TRUE(db_->read([](Tx& tx) { return Payments::review_list(tx, "open", 0, 50); })->items.empty());
}

TEST_P(PaymentsTest, CodRemittanceByTrackingNumber) {
  const Payment p = expect(5, "WEB-000005", Method::cod, 4990);
  ASSERT_TRUE(db_->write([&](Tx& tx) { return pay_.attach_tracking(tx, p.id, "BRT-1", now()); }));
  auto rows = parse_cod_csv("tracking_number,amount,currency,date\nBRT-1,49.90,EUR,2026-11-20\n"
                            "BRT-2,10.00,EUR,2026-11-20\n").value();
  auto r = db_->write([&](Tx& tx) { return pay_.import_cod(tx, rows, now()); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->lines[0].outcome, "matched");
  EXPECT_EQ(r->lines[1].reason, "unknown_order");
  EXPECT_EQ(get(p.id).status, "captured");
  EXPECT_EQ(db_->write([&](Tx& tx) { return pay_.import_cod(tx, rows, now()); })->duplicate, 2);
}

TEST_P(PaymentsTest, RefundLimitsEventsAndManualConfirmation) {
  const Payment card = captured(1, "WEB-000001", Method::card, 1000);
  EXPECT_EQ(refund(card.id, 0).error().field, "amount_minor");
  auto part = refund(card.id, 300);
  ASSERT_TRUE(part) << part.error().message;
  EXPECT_EQ(part->status, "pending");
  EXPECT_EQ(refund(card.id, 701).error().code, ErrorCode::unprocessable);
  ASSERT_TRUE(refund(card.id, 700));
  EXPECT_EQ(get(card.id).refunded_minor, 1000);
  EXPECT_EQ(refund(card.id, 1).error().code, ErrorCode::unprocessable);
  const auto evs = events_of("payment.refunded");
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_NE(evs[0].payload.find(R"("full":false)"), std::string::npos);
  EXPECT_NE(evs[1].payload.find(R"("full":true)"), std::string::npos);
  EXPECT_NE(evs[1].payload.find(R"("amount_minor":700)"), std::string::npos);

  const Payment pending = expect(2, "WEB-000002", Method::card, 1000);
  EXPECT_EQ(refund(pending.id, 1).error().code, ErrorCode::conflict);
  EXPECT_EQ(refund(999, 1).error().code, ErrorCode::not_found);

  const Payment bank = captured(3, "WEB-000003", Method::bank_transfer, 500);
  auto manual = refund(bank.id, 500);
  ASSERT_TRUE(manual);
  EXPECT_EQ(manual->status, "pending_manual");
  auto confirmed = db_->write([&](Tx& tx) { return Payments::confirm_refund(tx, manual->id, now()); });
  EXPECT_EQ(confirmed->status, "succeeded");
  EXPECT_EQ(db_->write([&](Tx& tx) { return Payments::confirm_refund(tx, manual->id, now()); }).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(db_->write([&](Tx& tx) { return Payments::confirm_refund(tx, part->id, now()); }).error().code,
            ErrorCode::conflict);  // card refunds are confirmed by the gateway, not by hand
}

TEST_P(PaymentsTest, TwoRefundsRacingForTheLastEuroOneWins) {
  for (int round = 0; round < 8; ++round) {
    const Payment p = captured(100 + round, "WEB-1" + std::to_string(round), Method::card, 1000);
    ASSERT_TRUE(refund(p.id, 900));
    std::atomic<int> ok{0}, refused{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
      threads.emplace_back([&] {
        while (!go.load()) std::this_thread::yield();
        auto r = refund(p.id, 100);
        if (r) ++ok;
        else if (r.error().code == ErrorCode::unprocessable) ++refused;
      });
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), 1) << "round " << round;
    EXPECT_EQ(get(p.id).refunded_minor, 1000);
    auto refunds = db_->read([&](Tx& tx) { return Payments::refunds_of(tx, p.id); }).value();
    std::int64_t sum = 0;
    for (const auto& r : refunds) sum += r.amount_minor;
    EXPECT_EQ(sum, 1000);
  }
}

TEST_P(PaymentsTest, PendingCardRefundsAreSentRetriedAndFinalised) {
  SettingsPatch s;
  s.stripe_secret_key = "sk_test_1";
  s.stripe_api_base = "http://127.0.0.1:9";
  settings(s);
  const Payment p = captured(1, "WEB-000001", Method::card, 1000);
  const Refund r1 = refund(p.id, 400).value();
  using K = GatewayRefundResult::Kind;
  FakeGateway gw;
  gw.script = {{K::retry, {}, "HTTP 503"}, {K::succeeded, "re_1", {}}};
  auto first = pay_.process_pending_refunds(*db_, gw, now());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->retried, 1);
  ASSERT_EQ(gw.seen.size(), 1u);
  EXPECT_EQ(gw.seen[0].idempotency_key, std::to_string(r1.id));
  EXPECT_EQ(gw.seen[0].payment_intent, "ref-WEB-000001");
  EXPECT_EQ(gw.seen[0].amount_minor, 400);
  EXPECT_EQ(gw.seen[0].secret_key, "sk_test_1");
  auto after = db_->read([&](Tx& tx) { return Payments::get_refund(tx, r1.id); }).value();
  EXPECT_EQ(after.status, "pending");
  EXPECT_EQ(after.attempts, 1);
  EXPECT_EQ(after.last_error, "HTTP 503");
  EXPECT_GT(after.next_attempt_at, now());
  // Not due yet: nothing sent.
  EXPECT_EQ(pay_.process_pending_refunds(*db_, gw, now())->sent, 0);
  clock_.advance_ms(limits::kRefundRetryBaseMs);
  EXPECT_EQ(pay_.process_pending_refunds(*db_, gw, now())->succeeded, 1);
  after = db_->read([&](Tx& tx) { return Payments::get_refund(tx, r1.id); }).value();
  EXPECT_EQ(after.status, "succeeded");
  EXPECT_EQ(after.provider_ref, "re_1");
  EXPECT_EQ(gw.seen[1].idempotency_key, gw.seen[0].idempotency_key);

  // Rejected: failed, and the amount becomes refundable again.
  const Refund r2 = refund(p.id, 600).value();
  EXPECT_EQ(get(p.id).refunded_minor, 1000);
  FakeGateway no;
  no.script = {{K::rejected, {}, "HTTP 400: charge already refunded"}};
  EXPECT_EQ(pay_.process_pending_refunds(*db_, no, now())->failed, 1);
  EXPECT_EQ(db_->read([&](Tx& tx) { return Payments::get_refund(tx, r2.id); })->status, "failed");
  EXPECT_EQ(get(p.id).refunded_minor, 400);
  EXPECT_EQ(events_of("payment.refund_failed").size(), 1u);

  // Processing, then Stripe's refund.updated webhook finishes it.
  const Refund r3 = refund(p.id, 600).value();
  FakeGateway slow;
  slow.script = {{K::processing, "re_3", {}}};
  ASSERT_TRUE(pay_.process_pending_refunds(*db_, slow, now()));
  EXPECT_EQ(db_->read([&](Tx& tx) { return Payments::get_refund(tx, r3.id); })->status, "processing");
  SettingsPatch w;
  w.stripe_webhook_secret = "whsec_a";
  settings(w);
  const std::string body = R"({"id":"evt_r","type":"refund.updated","data":{"object":{"id":"re_3",)"
                           R"("object":"refund","amount":600,"currency":"eur","status":"succeeded"}}})";
  auto hook = stripe(body, now() / 1000);
  ASSERT_TRUE(hook) << hook.error().message;
  EXPECT_EQ(hook->outcome, "refund_updated");
  EXPECT_EQ(db_->read([&](Tx& tx) { return Payments::get_refund(tx, r3.id); })->status, "succeeded");
}

TEST_P(PaymentsTest, SettingsRotateSecretsAndValidate) {
  SettingsPatch s;
  s.stripe_webhook_secret = "whsec_1";
  s.bank_iban = "IT60 X054 2811 1010 0000 0123 456";
  settings(s);
  SettingsPatch rotate;
  rotate.stripe_webhook_secret = "whsec_2";
  settings(rotate);
  auto got = db_->read([](Tx& tx) { return Payments::settings(tx); }).value();
  EXPECT_EQ(got.stripe_webhook_secret, "whsec_2");
  EXPECT_EQ(got.stripe_webhook_secret_previous, "whsec_1");
  EXPECT_EQ(got.stripe_api_base, "https://api.stripe.com");
  SettingsPatch bad;
  bad.bank_iban = "IT61X0542811101000000123456";
  auto r = db_->write([&](Tx& tx) { return Payments::update_settings(tx, bad); });
  EXPECT_EQ(r.error().code, ErrorCode::unprocessable);
  EXPECT_EQ(r.error().field, "bank_iban");
  for (const char* bad : {"ftp://x", "http://api.stripe.com", "http://127.0.0.1.evil.example",
                          "https://api.stripe.com/"}) {
    SettingsPatch url;
    url.stripe_api_base = bad;
    auto r2 = db_->write([&](Tx& tx) { return Payments::update_settings(tx, url); });
    ASSERT_FALSE(r2) << bad;
    EXPECT_EQ(r2.error().field, "stripe_api_base") << bad;
  }
  SettingsPatch local;
  local.stripe_api_base = "http://127.0.0.1:12111";
  settings(local);
  SettingsPatch clear;
  clear.stripe_webhook_secret_previous = "";
  settings(clear);
  EXPECT_EQ(db_->read([](Tx& tx) { return Payments::settings(tx); })->stripe_webhook_secret_previous, "");
}

INSTANTIATE_TEST_SUITE_P(Engines, PaymentsTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::payments
