// Outbound webhooks over real HTTP on both engines, with an HttpRecorder as the integrator's
// receiver: events of an order arrive in order and signed; a 500 is retried; a receiver
// that always fails ends with a failed delivery, a disabled endpoint and an e-mail to the
// seller; redelivery and ping; invalid input names its field. The worker runs with a fake
// clock so days of backoff pass in a loop.
#include <algorithm>
#include <mutex>

#include "api_fixture.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/system.h"
#include "fondaco/testing/http_recorder.h"

namespace fondaco::apitest {
namespace {

class WebhooksApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    clock_.set_ms(rt_->clock.now_ms());
    worker_ = std::make_unique<app::Runtime::WebhookWorker>(*rt_, clock_);
  }
  void TearDown() override {
    worker_.reset();
    ApiTest::TearDown();
  }
  // Runs the event subscribers and the webhook worker until neither has anything to do.
  void pump() {
    for (int i = 0; i < 200; ++i) {
      clock_.set_ms(std::max(clock_.now_ms(), rt_->clock.now_ms()));
      auto events = rt_->dispatcher->run_once();
      ASSERT_TRUE(events) << events.error().message;
      auto sent = worker_->run_once();
      ASSERT_TRUE(sent) << sent.error().message;
      if (*events == 0 && *sent == 0) return;
    }
    ADD_FAILURE() << "deliveries did not settle";
  }
  // Creates an endpoint at the recorder; returns {id, secret}.
  std::pair<std::string, std::string> subscribe(const std::string& types) {
    auto r =
        post("/api/v1/webhooks", R"({"url":")" + recorder_.url() +
                                     R"(/hook","description":"ERP","event_types":)" + types + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("Cache-Control"), "no-store");
    return {json_at(r.body, "id"), json_at(r.body, "secret")};
  }
  std::string place_order() {
    EXPECT_EQ(create_product("Olio", {"OIL-1"}).status, 201);
    EXPECT_EQ(receive("OIL-1", 10, "WH").status, 201);
    auto placed = post("/api/v1/orders", order_body(line("OIL-1", 2)));
    EXPECT_EQ(placed.status, 201) << placed.body;
    return json_at(placed.body, "id");
  }
  // Checks every v1 signature of the header against the secret; true when one matches.
  static bool verifies(const testing::RecordedRequest& r, const std::string& secret) {
    const std::string h(r.header("Fondaco-Signature"));
    if (!h.starts_with("t=")) return false;
    const std::string t = h.substr(2, h.find(',') - 2);
    const std::string expected = hex_encode(platform::hmac_sha256(secret, t + "." + r.body));
    return h.find(",v1=" + expected) != std::string::npos;
  }

  testing::FakeClock clock_;
  testing::HttpRecorder recorder_;
  std::unique_ptr<app::Runtime::WebhookWorker> worker_;
};

TEST_P(WebhooksApiTest, OrderEventsArriveInOrderSignedAndCanBeRedelivered) {
  const auto [id, secret] = subscribe(R"(["order.*"])");
  ASSERT_TRUE(secret.starts_with("whsec_")) << secret;
  auto shown = get("/api/v1/webhooks/" + id);
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body.find("whsec_"), std::string::npos);  // the secret is shown once
  const std::string order = place_order();
  ASSERT_EQ(post("/api/v1/orders/" + order + "/status", R"({"status":"paid"})").status, 200);
  pump();
  const auto got = recorder_.requests();
  ASSERT_GE(got.size(), 2u);
  std::int64_t last_seq = 0;
  for (const auto& r : got) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/hook");
    EXPECT_TRUE(verifies(r, secret)) << r.header("Fondaco-Signature");
    EXPECT_FALSE(r.header("Fondaco-Delivery-Id").empty());
    EXPECT_EQ(r.header("Fondaco-Event-Id"), json_at(r.body, "id"));
    EXPECT_EQ(r.header("Fondaco-Event-Type"), json_at(r.body, "type"));
    EXPECT_EQ(r.header("User-Agent"), "Fondaco-Webhooks/1");
    EXPECT_TRUE(json_at(r.body, "type").starts_with("order.")) << r.body;
    const std::string event_id(r.header("Fondaco-Event-Id"));
    const std::int64_t seq = std::stoll(event_id.substr(4));
    EXPECT_GT(seq, last_seq) << "events out of order";
    last_seq = seq;
  }
  EXPECT_EQ(json_at(got[0].body, "type"), "order.created");
  auto list = get("/api/v1/webhooks/" + id + "/deliveries?status=delivered");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json_at(list.body, "items"), "[" + std::to_string(got.size()) + "]");
  const std::string first(got[0].header("Fondaco-Delivery-Id"));
  auto one = get("/api/v1/webhooks/" + id + "/deliveries/" + first);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json_at(one.body, "attempt_log[0].status_code"), "200");
  // Redelivery: the same delivery (id and body) once more.
  auto again = post("/api/v1/webhooks/" + id + "/deliveries/" + first + "/redeliver", "");
  ASSERT_EQ(again.status, 202) << again.body;
  pump();
  const auto after = recorder_.requests();
  ASSERT_EQ(after.size(), got.size() + 1);
  EXPECT_EQ(after.back().header("Fondaco-Delivery-Id"), first);
  EXPECT_EQ(after.back().body, got[0].body);
  // Ping.
  ASSERT_EQ(post("/api/v1/webhooks/" + id + "/ping", "").status, 202);
  pump();
  ASSERT_EQ(recorder_.count(), after.size() + 1);
  EXPECT_EQ(recorder_.requests().back().header("Fondaco-Event-Type"), "webhook.ping");
}

TEST_P(WebhooksApiTest, A500IsRetriedThenDelivered) {
  int calls = 0;
  std::mutex mu;
  recorder_.set_responder([&](const api::Request&) {
    std::lock_guard lock(mu);
    return testing::json_reply(++calls == 1 ? 500 : 200, R"({"ok":true})");
  });
  const auto [id, secret] = subscribe(R"(["order.created"])");
  place_order();
  pump();
  ASSERT_EQ(recorder_.count(), 1u);
  clock_.advance_ms(limits::kWebhookBaseBackoffMs);
  pump();
  const auto got = recorder_.requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].header("Fondaco-Delivery-Id"), got[1].header("Fondaco-Delivery-Id"));
  auto d = get("/api/v1/webhooks/" + id + "/deliveries/" +
               std::string(got[0].header("Fondaco-Delivery-Id")));
  EXPECT_EQ(json_at(d.body, "status"), "delivered");
  EXPECT_EQ(json_at(d.body, "attempts"), "2");
  EXPECT_EQ(json_at(d.body, "attempt_log[0].status_code"), "500");
  EXPECT_EQ(json_at(d.body, "attempt_log[1].status_code"), "200");
}

TEST_P(WebhooksApiTest, AlwaysFailingEndsFailedDisabledAndTheSellerIsTold) {
  auto fiscal = send("PUT", "/api/v1/settings/fiscal",
                     R"({"company_name":"Bottega Fondaco S.r.l.","vat_number":"01234567897",)"
                     R"("regime_fiscale":"RF01","address":{"street":"Via Indipendenza 1",)"
                     R"("postcode":"40121","city":"Bologna","province":"BO","country":"IT"},)"
                     R"("email":"seller@example.com"})",
                     "");
  ASSERT_EQ(fiscal.status, 200) << fiscal.body;
  recorder_.set_responder(
      [](const api::Request&) { return testing::json_reply(500, R"({"error":"down"})"); });
  const auto [id, secret] = subscribe(R"(["order.*"])");
  const std::string order = place_order();
  // More events of the same order queue behind the first delivery.
  ASSERT_EQ(post("/api/v1/orders/" + order + "/status", R"({"status":"paid"})").status, 200);
  for (int i = 0; i < 40; ++i) {
    pump();
    if (json_at(get("/api/v1/webhooks/" + id).body, "status") == "disabled") break;
    clock_.advance_ms(limits::kWebhookMaxBackoffMs);
  }
  auto ep = get("/api/v1/webhooks/" + id);
  ASSERT_EQ(json_at(ep.body, "status"), "disabled") << ep.body;
  auto failed = get("/api/v1/webhooks/" + id + "/deliveries?status=failed");
  ASSERT_EQ(failed.status, 200);
  EXPECT_EQ(json_at(failed.body, "items[0].attempts"), std::to_string(limits::kWebhookMaxAttempts));
  EXPECT_EQ(json_at(failed.body, "items[0].last_status_code"), "500");
  pump();  // the notify subscriber sees webhook_endpoint.disabled
  auto mails = get("/api/v1/emails?kind=webhook_disabled");
  ASSERT_EQ(mails.status, 200) << mails.body;
  EXPECT_EQ(json_at(mails.body, "items[0].to"), "seller@example.com") << mails.body;
  // Disabled: nothing more is sent. Enabled again: pending deliveries resume.
  const auto before = recorder_.count();
  clock_.advance_ms(limits::kWebhookMaxBackoffMs);
  pump();
  EXPECT_EQ(recorder_.count(), before);
  recorder_.set_responder([](const api::Request&) { return testing::json_reply(200, "{}"); });
  auto enabled = patch("/api/v1/webhooks/" + id, R"({"status":"active"})");
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_EQ(json_at(enabled.body, "status"), "active");
  pump();
  EXPECT_GT(recorder_.count(), before);
}

TEST_P(WebhooksApiTest, InvalidInputNamesTheFieldAndRolesAreChecked) {
  auto bad_url = post("/api/v1/webhooks", R"({"url":"ftp://example.com","event_types":["*"]})");
  EXPECT_EQ(bad_url.status, 422) << bad_url.body;
  EXPECT_EQ(json_at(bad_url.body, "field"), "url");
  auto bad_type = post("/api/v1/webhooks",
                       R"({"url":"https://example.com/h","event_types":["order.*","nope.*"]})");
  EXPECT_EQ(bad_type.status, 422) << bad_type.body;
  EXPECT_EQ(json_at(bad_type.body, "field"), "event_types[1]");
  auto missing = post("/api/v1/webhooks", R"({"url":"https://example.com/h"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(json_at(missing.body, "field"), "event_types");
  auto unknown = post("/api/v1/webhooks", R"({"url":"https://e.com","event_types":["*"],"x":1})");
  EXPECT_EQ(unknown.status, 400);
  const auto care = token_for(governance::Role::customer_care);
  EXPECT_EQ(get("/api/v1/webhooks", care).status, 403);
  const auto integration = token_for(governance::Role::integration);
  auto made =
      post("/api/v1/webhooks", R"({"url":"https://e.com/h","event_types":["*"]})", integration);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = json_at(made.body, "id");
  auto rotated = post("/api/v1/webhooks/" + id + "/rotate-secret", "", integration);
  ASSERT_EQ(rotated.status, 200);
  EXPECT_NE(json_at(rotated.body, "secret"), json_at(made.body, "secret"));
  EXPECT_EQ(get("/api/v1/webhooks/" + id + "/deliveries/999").status, 404);
  EXPECT_EQ(get("/api/v1/webhooks/" + id + "/deliveries?status=bogus").status, 400);
  EXPECT_EQ(del("/api/v1/webhooks/" + id, integration).status, 204);
  EXPECT_EQ(get("/api/v1/webhooks/" + id).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Engines, WebhooksApiTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::apitest
