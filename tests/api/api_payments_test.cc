// API tests of the payments resource over real HTTP (both engines): Stripe webhooks (forged,
// stale, valid, repeated), statement imports and the review list, refunds sent to a local
// fake Stripe server, settings that never return secrets, roles.
#include <mutex>

#include "api_fixture.h"
#include "fondaco/api/http.h"
#include "fondaco/payments/payments.h"

namespace fondaco::apitest {
namespace {

using payments::Method;

class PaymentsApi {
 public:
  explicit PaymentsApi(app::Runtime& rt) : rt_(rt), pay_(rt.log) {}
  // What the order-placed workflow does: a pending payment for the order.
  std::int64_t expect(std::int64_t order_id, const std::string& number, Method m,
                      std::int64_t amount) {
    auto p = rt_.db->write([&](storage::Tx& tx) {
      return pay_.expect(tx, {order_id, number, m, amount, "EUR"}, rt_.clock.now_ms());
    });
    EXPECT_TRUE(p) << p.error().message;
    return p ? p->id : 0;
  }
  payments::Payments& payments() { return pay_; }

 private:
  app::Runtime& rt_;
  payments::Payments pay_;
};

int count_of(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

std::string pi_succeeded(const std::string& evt, std::int64_t order_id, std::int64_t amount) {
  return R"({"id":")" + evt + R"(","object":"event","type":"payment_intent.succeeded","data":{"object":{)"
         R"("id":"pi_)" + evt + R"(","object":"payment_intent","amount":)" + std::to_string(amount) +
         R"(,"amount_received":)" + std::to_string(amount) +
         R"(,"currency":"eur","status":"succeeded","metadata":{"order_id":")" +
         std::to_string(order_id) + R"("}}}})";
}

TEST_P(ApiTest, PaymentsStripeWebhookForgedStaleValidAndRepeated) {
  PaymentsApi pa(*rt_);
  const auto id = pa.expect(41, "WEB-000041", Method::card, 2500);
  ASSERT_EQ(send("PUT", "/api/v1/payments/settings", R"({"stripe_webhook_secret":"whsec_api"})", "",
                 {{"Content-Type", "application/json"}})
                .status,
            200);
  const std::string body = pi_succeeded("evt_api_1", 41, 2500);
  const std::int64_t t = rt_->clock.now_ms() / 1000;
  auto hook = [&](const std::string& header, const std::string& b) {
    return client_->request("POST", "/api/v1/payments/webhooks/stripe", b,
                            {{"Content-Type", "application/json"}, {"Stripe-Signature", header}});
  };
  // Forged (wrong secret), stale (10 minutes old), tampered, missing: 401, nothing changed.
  EXPECT_EQ(hook(payments::stripe_signature_header("whsec_other", t, body), body).status, 401);
  EXPECT_EQ(hook(payments::stripe_signature_header("whsec_api", t - 600, body), body).status, 401);
  EXPECT_EQ(hook(payments::stripe_signature_header("whsec_api", t, body), body + " ").status, 401);
  auto none = hook("", body);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(json_at(none.body, "field"), "Stripe-Signature");
  auto before = get("/api/v1/payments/" + std::to_string(id));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(json_at(before.body, "status"), "pending");
  EXPECT_EQ(count_of(get("/api/v1/events?limit=1000").body, "\"payment.captured\""), 0);

  auto ok = hook(payments::stripe_signature_header("whsec_api", t, body), body);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json_at(ok.body, "outcome"), "captured");
  auto after = get("/api/v1/payments/" + std::to_string(id));
  EXPECT_EQ(json_at(after.body, "status"), "captured");
  EXPECT_EQ(json_at(after.body, "captured_minor"), "2500");
  EXPECT_EQ(json_at(after.body, "provider_ref"), "pi_evt_api_1");
  auto events = get("/api/v1/events?limit=1000");
  EXPECT_EQ(count_of(events.body, "\"payment.captured\""), 1) << events.body;
  EXPECT_NE(events.body.find(R"("order_number":"WEB-000041")"), std::string::npos);

  // Stripe retries the same event: acknowledged, nothing new.
  auto again = hook(payments::stripe_signature_header("whsec_api", t + 1, body), body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json_at(again.body, "outcome"), "duplicate");
  EXPECT_EQ(count_of(get("/api/v1/events?limit=1000").body, "\"payment.captured\""), 1);

  // Unknown order: 200 (Stripe must not retry) and a review item.
  const std::string stray = pi_succeeded("evt_api_2", 999, 700);
  auto review = hook(payments::stripe_signature_header("whsec_api", t, stray), stray);
  EXPECT_EQ(json_at(review.body, "outcome"), "review");
  auto list = get("/api/v1/payments/review");
  EXPECT_EQ(json_at(list.body, "items"), "[1]");
  EXPECT_EQ(json_at(list.body, "items[0].reason"), "unknown_order");
  EXPECT_EQ(json_at(list.body, "items[0].source"), "stripe");
}

TEST_P(ApiTest, PaymentsStatementImportReportReviewAndRoles) {
  PaymentsApi pa(*rt_);
  const auto one = pa.expect(1, "WEB-000001", Method::bank_transfer, 12990);
  pa.expect(2, "WEB-000002", Method::bank_transfer, 5000);
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-24T06:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id>
<Ntry><Amt Ccy="EUR">129.90</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-23</Dt></BookgDt><AcctSvcrRef>R-1</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>Mario Rossi</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>Ordine WEB-000001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-23</Dt></BookgDt><AcctSvcrRef>R-2</AcctSvcrRef><NtryDtls><TxDtls>
<RmtInf><Ustrd>acconto WEB-000002</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>)";
  const std::vector<std::pair<std::string, std::string>> xml_ct = {{"Content-Type", "application/xml"}};
  auto r = send("POST", "/api/v1/payments/statements", xml, "", xml_ct);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_at(r.body, "matched"), "1");
  EXPECT_EQ(json_at(r.body, "review"), "1");
  EXPECT_EQ(json_at(r.body, "entries[0].outcome"), "matched");
  EXPECT_EQ(json_at(r.body, "entries[0].order_number"), "WEB-000001");
  EXPECT_EQ(json_at(r.body, "entries[1].reason"), "partial");
  EXPECT_EQ(json_at(get("/api/v1/payments/" + std::to_string(one)).body, "status"), "captured");
  auto again = send("POST", "/api/v1/payments/statements", xml, "", xml_ct);
  EXPECT_EQ(json_at(again.body, "duplicate"), "2");
  EXPECT_EQ(json_at(again.body, "entries[0].outcome"), "duplicate");

  // Hostile or malformed: 400 naming the problem, nothing written.
  const std::string laughs = R"(<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><Document/>)";
  auto bad = send("POST", "/api/v1/payments/statements", laughs, "", xml_ct);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(json_at(bad.body, "detail").find("DOCTYPE"), std::string::npos) << bad.body;
  auto csv_bad = send("POST", "/api/v1/payments/statements",
                      "date,amount,currency,description\n2026-11-24,12.5.0,EUR,x\n", "",
                      {{"Content-Type", "text/csv"}});
  EXPECT_EQ(csv_bad.status, 400);
  EXPECT_EQ(json_at(csv_bad.body, "field"), "rows[0].amount");
  EXPECT_EQ(send("POST", "/api/v1/payments/statements", "{}", "", {{"Content-Type", "application/json"}}).status,
            415);
  EXPECT_EQ(json_at(get("/api/v1/payments/review").body, "items"), "[1]");

  // A person matches the partial payment... it does not agree: 422; dismiss it.
  const std::string review_id = json_at(r.body, "entries[1].review_id");
  auto m = send("POST", "/api/v1/payments/review/" + review_id + "/match", R"({"order_number":"web-000002"})",
                "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(m.status, 422) << m.body;
  EXPECT_EQ(post("/api/v1/payments/review/" + review_id + "/dismiss", "").status, 200);
  EXPECT_EQ(json_at(get("/api/v1/payments/review").body, "items"), "[0]");
  EXPECT_EQ(json_at(get("/api/v1/payments/review?status=all").body, "items[0].status"), "dismissed");

  // A CSV credit that matches exactly.
  auto csv = send("POST", "/api/v1/payments/statements",
                  "date,amount,currency,description,reference\n2026-11-24,\"50,00\",EUR,WEB000002,C-1\n",
                  "", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(json_at(csv.body, "matched"), "1") << csv.body;
  auto listed = get("/api/v1/payments?status=captured&method=bank_transfer&limit=1");
  EXPECT_EQ(json_at(listed.body, "items"), "[1]");
  EXPECT_NE(json_at(listed.body, "next_cursor"), "null");
  EXPECT_EQ(json_at(get("/api/v1/payments?method=cash").body, "field"), "method");

  // Only accounting (and admin) may see or touch payments.
  const auto logistics = token_for(governance::Role::logistics);
  EXPECT_EQ(get("/api/v1/payments", logistics).status, 403);
  EXPECT_EQ(send("POST", "/api/v1/payments/statements", xml, logistics, xml_ct).status, 403);
  const auto accounting = token_for(governance::Role::accounting);
  EXPECT_EQ(get("/api/v1/payments", accounting).status, 200);
}

// A local stand-in for api.stripe.com that records what it was sent.
struct FakeStripe {
  std::mutex mu;
  std::vector<api::Request> seen;
  int fail_first = 1;  // answer 500 to the first N calls
  std::unique_ptr<api::HttpServer> server;

  void start() {
    server = api::make_http_server({"127.0.0.1", 0, 1}, [this](const api::Request& req) {
      std::lock_guard lock(mu);
      seen.push_back(req);
      api::Response r;
      r.set_header("Content-Type", "application/json");
      if (fail_first-- > 0) {
        r.status = 500;
        r.body = R"({"error":{"type":"api_error","message":"try again"}})";
      } else {
        r.body = R"({"id":"re_fake_1","object":"refund","amount":400,"currency":"eur","status":"succeeded"})";
      }
      return r;
    });
    ASSERT_TRUE(server->start());
  }
};

TEST_P(ApiTest, PaymentsCardRefundGoesThroughStripeAfterCommit) {
  FakeStripe stripe;
  stripe.start();
  PaymentsApi pa(*rt_);
  const auto id = pa.expect(9, "WEB-000009", Method::card, 1000);
  auto cap = rt_->db->write([&](storage::Tx& tx) {
    return pa.payments().capture(tx, id, {"pi_123", 1000, "EUR"}, rt_->clock.now_ms());
  });
  ASSERT_TRUE(cap);
  const std::vector<std::pair<std::string, std::string>> json_ct = {{"Content-Type", "application/json"}};
  auto settings = send("PUT", "/api/v1/payments/settings",
                       R"({"stripe_api_base":"http://127.0.0.1:)" + std::to_string(stripe.server->port()) +
                           R"(","stripe_secret_key":"sk_test_abc"})",
                       "", json_ct);
  ASSERT_EQ(settings.status, 200) << settings.body;
  EXPECT_EQ(json_at(settings.body, "stripe_secret_key_set"), "true");
  EXPECT_EQ(settings.body.find("sk_test_abc"), std::string::npos);  // never returned
  EXPECT_EQ(get("/api/v1/payments/settings").body.find("sk_test_abc"), std::string::npos);

  const std::string target = "/api/v1/payments/" + std::to_string(id) + "/refunds";
  auto over = send("POST", target, R"({"amount_minor":1001})", "", json_ct);
  EXPECT_EQ(over.status, 422) << over.body;
  EXPECT_EQ(send("POST", target, R"({"amount_minor":0})", "", json_ct).status, 400);
  auto created = send("POST", target, R"({"amount_minor":400,"reason":"damaged"})", "", json_ct);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_at(created.body, "status"), "pending");
  const std::string refund_id = json_at(created.body, "id");
  EXPECT_EQ(stripe.seen.size(), 0u);  // nothing leaves inside the request's transaction

  payments::StripeGateway gateway;
  auto first = pa.payments().process_pending_refunds(*rt_->db, gateway, rt_->clock.now_ms());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->retried, 1);  // the fake answered 500: kept, retried later
  auto pending = get("/api/v1/payments/" + std::to_string(id));
  EXPECT_EQ(json_at(pending.body, "refunds[0].status"), "pending");
  EXPECT_EQ(json_at(pending.body, "refunds[0].attempts"), "1");

  auto second = pa.payments().process_pending_refunds(
      *rt_->db, gateway, rt_->clock.now_ms() + limits::kRefundRetryMaxMs);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->succeeded, 1);
  ASSERT_EQ(stripe.seen.size(), 2u);
  for (const auto& req : stripe.seen) {
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/v1/refunds");
    EXPECT_EQ(req.header("Idempotency-Key"), refund_id);
    EXPECT_EQ(req.header("Authorization"), "Bearer sk_test_abc");
    EXPECT_TRUE(req.header("Content-Type").starts_with("application/x-www-form-urlencoded"));
    EXPECT_EQ(req.body, "payment_intent=pi_123&amount=400&metadata%5Brefund_id%5D=" + refund_id);
  }
  auto done = get("/api/v1/payments/" + std::to_string(id));
  EXPECT_EQ(json_at(done.body, "refunds[0].status"), "succeeded");
  EXPECT_EQ(json_at(done.body, "refunds[0].provider_ref"), "re_fake_1");
  EXPECT_EQ(json_at(done.body, "refunded_minor"), "400");
  auto events = get("/api/v1/events?limit=1000");
  EXPECT_EQ(count_of(events.body, "\"payment.refunded\""), 1);
  EXPECT_NE(events.body.find(R"("full":false)"), std::string::npos);
  stripe.server->stop();

  // Bank transfer refunds are paid back by hand and confirmed.
  const auto bank = pa.expect(10, "WEB-000010", Method::bank_transfer, 500);
  ASSERT_TRUE(rt_->db->write([&](storage::Tx& tx) {
    return pa.payments().capture(tx, bank, {"R-9", 500, "EUR"}, rt_->clock.now_ms());
  }));
  auto manual = send("POST", "/api/v1/payments/" + std::to_string(bank) + "/refunds",
                     R"({"amount_minor":500})", "", json_ct);
  ASSERT_EQ(manual.status, 201);
  EXPECT_EQ(json_at(manual.body, "status"), "pending_manual");
  const std::string confirm = "/api/v1/payments/refunds/" + json_at(manual.body, "id") + "/confirm";
  EXPECT_EQ(json_at(post(confirm, "").body, "status"), "succeeded");
  EXPECT_EQ(post(confirm, "").status, 409);
}

TEST_P(ApiTest, PaymentsCodRemittanceAndPaypalWithoutConfiguration) {
  PaymentsApi pa(*rt_);
  const auto cod = pa.expect(5, "WEB-000005", Method::cod, 4990);
  ASSERT_TRUE(rt_->db->write([&](storage::Tx& tx) {
    return pa.payments().attach_tracking(tx, cod, "BRT-77", rt_->clock.now_ms());
  }));
  const std::vector<std::pair<std::string, std::string>> csv_ct = {{"Content-Type", "text/csv"}};
  const std::string remittance =
      "tracking_number,amount,currency,date\nBRT-77,49.90,EUR,2026-11-20\nBRT-78,5.00,EUR,2026-11-20\n";
  auto r = send("POST", "/api/v1/payments/cod-remittances", remittance, "", csv_ct);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_at(r.body, "matched"), "1");
  EXPECT_EQ(json_at(r.body, "entries[1].reason"), "unknown_order");
  EXPECT_EQ(json_at(get("/api/v1/payments/" + std::to_string(cod)).body, "status"), "captured");
  EXPECT_EQ(json_at(send("POST", "/api/v1/payments/cod-remittances", remittance, "", csv_ct).body,
                    "duplicate"),
            "2");
  auto bad = send("POST", "/api/v1/payments/cod-remittances", "amount,currency,date\n", "", csv_ct);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json_at(bad.body, "field"), "header");

  // PayPal without a stored certificate cannot verify anything: 401, nothing stored.
  auto paypal = client_->request(
      "POST", "/api/v1/payments/webhooks/paypal",
      R"({"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{}})",
      {{"Content-Type", "application/json"}, {"PAYPAL-TRANSMISSION-ID", "T"},
       {"PAYPAL-TRANSMISSION-TIME", "2026-11-24T10:00:00Z"}, {"PAYPAL-TRANSMISSION-SIG", "AAAA"},
       {"PAYPAL-CERT-URL", "https://api.paypal.com/cert"}, {"PAYPAL-AUTH-ALGO", "SHA256withRSA"}});
  EXPECT_EQ(paypal.status, 401) << paypal.body;
}

TEST_P(ApiTest, PaymentsSettingsValidateAndHideSecrets) {
  const std::vector<std::pair<std::string, std::string>> json_ct = {{"Content-Type", "application/json"}};
  auto s = send("PUT", "/api/v1/payments/settings",
                R"({"stripe_webhook_secret":"whsec_1","bank_iban":"IT60X0542811101000000123456",)"
                R"("bank_holder":"Fondaco Srl"})",
                "", json_ct);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(json_at(s.body, "stripe_webhook_secret_set"), "true");
  EXPECT_EQ(json_at(s.body, "stripe_webhook_secret_previous_set"), "false");
  EXPECT_EQ(json_at(s.body, "bank_holder"), "Fondaco Srl");
  EXPECT_EQ(s.body.find("whsec_1"), std::string::npos);
  auto rotated = send("PUT", "/api/v1/payments/settings", R"({"stripe_webhook_secret":"whsec_2"})", "", json_ct);
  EXPECT_EQ(json_at(rotated.body, "stripe_webhook_secret_previous_set"), "true");
  auto bad_iban = send("PUT", "/api/v1/payments/settings", R"({"bank_iban":"IT61X0542811101000000123456"})",
                       "", json_ct);
  EXPECT_EQ(bad_iban.status, 422);
  EXPECT_EQ(json_at(bad_iban.body, "field"), "bank_iban");
  auto unknown = send("PUT", "/api/v1/payments/settings", R"({"colour":"red"})", "", json_ct);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(json_at(unknown.body, "field"), "colour");
  EXPECT_EQ(get("/api/v1/payments/settings", token_for(governance::Role::marketing)).status, 403);
  EXPECT_EQ(get("/api/v1/payments/424242").status, 404);
}

}  // namespace
}  // namespace fondaco::apitest
