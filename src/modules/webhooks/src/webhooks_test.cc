// Outbound webhooks on both engines: subscription matching and validation, fan-out, the
// per-key order, retries with backoff, failure and disabling with an injected clock, leases,
// redelivery, and the signature against a hand-computed HMAC.
#include "fondaco/webhooks/webhooks.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/testing/testing.h"

namespace fondaco::webhooks {
namespace {

class FakeSender final : public Sender {
 public:
  std::function<Result<SenderResponse>(const OutgoingRequest&)> on_post;
  Result<SenderResponse> post(const OutgoingRequest& r) override {
    sent.push_back(r);
    return on_post ? on_post(r) : Result<SenderResponse>(SenderResponse{200, "ok", 3});
  }
  std::vector<OutgoingRequest> sent;  // every attempt
  static std::string header(const OutgoingRequest& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }
};

TEST(WebhooksPure, PatternsMatchExactPrefixAndStar) {
  EXPECT_TRUE(matches("order.created", "order.created"));
  EXPECT_FALSE(matches("order.created", "order.updated"));
  EXPECT_TRUE(matches("order.*", "order.status_changed"));
  EXPECT_FALSE(matches("order.*", "orders.created"));
  EXPECT_FALSE(matches("order.*", "order."));
  EXPECT_TRUE(matches("*", "stock.changed"));
}

TEST(WebhooksPure, SignatureIsHmacSha256OfTimestampDotBody) {
  // python3: hmac.new(b"whsec_test", b'1790000000.{"a":1}', hashlib.sha256).hexdigest()
  EXPECT_EQ(sign("whsec_test", 1'790'000'000, R"({"a":1})"),
            "f08690bbaaecbd1607eb9af71f092a9f7054e2b83f8b9d6a0690744d24fc6059");
  EXPECT_EQ(signature_header(1'790'000'000, R"({"a":1})", "whsec_test", "whsec_old"),
            "t=1790000000,v1=f08690bbaaecbd1607eb9af71f092a9f7054e2b83f8b9d6a0690744d24fc6059,"
            "v1=12cd33bfa4cfaf5c71b79b1793af285c67b39e55a7cf63406fc9fc445b3a3905");
}

TEST(WebhooksPure, BackoffDoublesCapsAndJitters) {
  testing::FakeRandom random(7);
  for (int a = 1; a <= 20; ++a) {
    std::int64_t full = limits::kWebhookBaseBackoffMs;
    for (int i = 1; i < a && full < limits::kWebhookMaxBackoffMs; ++i) full *= 2;
    full = std::min(full, limits::kWebhookMaxBackoffMs);
    const auto d = retry_delay_ms(a, random);
    EXPECT_GE(d, full / 2) << a;
    EXPECT_LT(d, full) << a;
  }
}

class WebhooksTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  WithSecret create(std::vector<std::string> types,
                    std::string url = "https://hooks.example.com/in") {
    return db_
        ->write([&](storage::Tx& tx) {
          return hooks_.create(tx, {url, "test", std::move(types)}, random_, clock_.now_ms());
        })
        .value();
  }
  // Appends an event and fans it out (what the subscriber does after commit).
  int emit(std::string type, std::string aggregate, std::string id) {
    db_->write([&](storage::Tx& tx) {
         return log_.append(tx, type, aggregate, id, R"({"n":1})", clock_.now_ms());
       })
        .value();
    auto events =
        db_->read([&](storage::Tx& tx) { return events::EventLog::read_after(tx, seen_, 100); })
            .value();
    int made = 0;
    for (const auto& e : events) {
      seen_ = e.seq;
      made += db_->write([&](storage::Tx& tx) { return Webhooks::fan_out(tx, e); }).value();
    }
    return made;
  }
  DeliveryReport deliver(Sender& s) {
    auto r = hooks_.deliver_due(*db_, s, clock_, random_, 50);
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(DeliveryReport{});
  }
  std::vector<Delivery> deliveries(std::int64_t endpoint) {
    return db_->read([&](storage::Tx& tx) { return Webhooks::deliveries(tx, endpoint, {}); })
        .value()
        .items;
  }
  Endpoint endpoint(std::int64_t id) {
    return db_->read([&](storage::Tx& tx) { return Webhooks::get(tx, id); }).value();
  }
  std::vector<std::string> event_types() {
    auto events =
        db_->read([](storage::Tx& tx) { return events::EventLog::read_after(tx, 0, 1000); })
            .value();
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_;
  testing::FakeRandom random_;
  events::EventLog log_;
  Webhooks hooks_{log_};
  std::int64_t seen_ = 0;
};

TEST_P(WebhooksTest, CreateValidatesAndShowsTheSecretOnce) {
  const auto bad = [&](EndpointInput in) {
    auto r = db_->write(
        [&](storage::Tx& tx) { return hooks_.create(tx, in, random_, clock_.now_ms()); });
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().field;
  };
  EXPECT_EQ(bad({"ftp://x.example.com", "", {"order.*"}}), "url");
  EXPECT_EQ(bad({"https://", "", {"order.*"}}), "url");
  EXPECT_EQ(bad({"https://a.example.com/x y", "", {"order.*"}}), "url");
  EXPECT_EQ(bad({"https://a.example.com", "", {}}), "event_types");
  EXPECT_EQ(bad({"https://a.example.com", "", {"order.*", "bogus.*"}}), "event_types[1]");
  EXPECT_EQ(bad({"https://a.example.com", "", {"token.created"}}), "event_types[0]");
  const auto made = create({"order.*", "payment.captured"});
  EXPECT_TRUE(made.secret.starts_with("whsec_"));
  EXPECT_EQ(made.endpoint.secret_hint, made.secret.substr(made.secret.size() - 4));
  EXPECT_EQ(made.endpoint.event_types, (std::vector<std::string>{"order.*", "payment.captured"}));
  EXPECT_EQ(event_types(), std::vector<std::string>{"webhook_endpoint.created"});
}

TEST_P(WebhooksTest, FanOutMakesOneDeliveryPerMatchingActiveEndpoint) {
  const auto orders = create({"order.*"});
  const auto payments = create({"payment.captured"});
  const auto off = create({"*"});
  db_->write([&](storage::Tx& tx) {
       return hooks_.update(tx, off.endpoint.id, {.enabled = false}, clock_.now_ms());
     })
      .value();
  seen_ = db_->read([](storage::Tx& tx) { return events::EventLog::last_seq(tx); }).value();
  EXPECT_EQ(emit("order.created", "order", "1"), 1);
  EXPECT_EQ(emit("payment.captured", "payment", "9"), 1);
  EXPECT_EQ(emit("stock.changed", "stock", "SKU-1"), 0);
  ASSERT_EQ(deliveries(orders.endpoint.id).size(), 1u);
  EXPECT_EQ(deliveries(orders.endpoint.id)[0].ordering_key, "order:1");
  EXPECT_EQ(deliveries(payments.endpoint.id).size(), 1u);
  EXPECT_TRUE(deliveries(off.endpoint.id).empty());
}

TEST_P(WebhooksTest, SendsSignedBodyWithHeaders) {
  const auto ep = create({"order.created"});
  emit("order.created", "order", "42");
  FakeSender sender;
  EXPECT_EQ(deliver(sender).delivered, 1);
  ASSERT_EQ(sender.sent.size(), 1u);
  const auto& r = sender.sent[0];
  const auto d = deliveries(ep.endpoint.id).at(0);
  EXPECT_EQ(d.status, DeliveryStatus::delivered);
  EXPECT_EQ(r.url, "https://hooks.example.com/in");
  EXPECT_EQ(r.body, R"({"id":")" + d.event_id + R"(","type":"order.created","created_at":")" +
                        format_rfc3339_ms(clock_.now_ms()) + R"(","data":{"n":1}})");
  const std::int64_t t = clock_.now_ms() / 1000;
  EXPECT_EQ(FakeSender::header(r, "Fondaco-Signature"),
            "t=" + std::to_string(t) + ",v1=" + sign(ep.secret, t, r.body));
  EXPECT_EQ(FakeSender::header(r, "Fondaco-Delivery-Id"), std::to_string(d.id));
  EXPECT_EQ(FakeSender::header(r, "Fondaco-Event-Id"), d.event_id);
  EXPECT_EQ(FakeSender::header(r, "Fondaco-Event-Type"), "order.created");
  EXPECT_EQ(FakeSender::header(r, "User-Agent"), "Fondaco-Webhooks/1");
  EXPECT_EQ(r.timeout_ms, limits::kWebhookTimeoutMs);
}

TEST_P(WebhooksTest, RotationSignsWithBothSecretsDuringTheGracePeriod) {
  const auto ep = create({"order.*"});
  const auto rotated =
      db_->write([&](storage::Tx& tx) {
           return hooks_.rotate_secret(tx, ep.endpoint.id, random_, clock_.now_ms());
         })
          .value();
  EXPECT_NE(rotated.secret, ep.secret);
  emit("order.created", "order", "1");
  FakeSender sender;
  deliver(sender);
  ASSERT_EQ(sender.sent.size(), 1u);
  const auto t = clock_.now_ms() / 1000;
  EXPECT_EQ(FakeSender::header(sender.sent[0], "Fondaco-Signature"),
            signature_header(t, sender.sent[0].body, rotated.secret, ep.secret));
  clock_.advance_ms(limits::kWebhookSecretGraceMs + 1);
  emit("order.updated", "order", "1");
  deliver(sender);
  ASSERT_EQ(sender.sent.size(), 2u);
  EXPECT_EQ(FakeSender::header(sender.sent[1], "Fondaco-Signature"),
            signature_header(clock_.now_ms() / 1000, sender.sent[1].body, rotated.secret));
}

TEST_P(WebhooksTest, OneOrderingKeyGoesOneAtATimeInEventOrder) {
  const auto ep = create({"order.*"});
  emit("order.created", "order", "1");
  emit("order.updated", "order", "1");
  emit("order.created", "order", "2");
  FakeSender sender;
  int calls = 0;
  sender.on_post = [&](const OutgoingRequest& r) -> Result<SenderResponse> {
    // The first attempt of order 1's first event fails.
    if (++calls == 1) return SenderResponse{503, "busy", 1};
    (void)r;
    return SenderResponse{200, "", 1};
  };
  auto rep = deliver(sender);
  EXPECT_EQ(rep.retried, 1);
  EXPECT_EQ(rep.delivered, 1);  // order 2 does not wait for order 1
  ASSERT_EQ(sender.sent.size(), 2u);
  EXPECT_EQ(FakeSender::header(sender.sent[1], "Fondaco-Event-Type"), "order.created");
  EXPECT_EQ(deliver(sender).delivered, 0);  // order 1's update waits for the retry
  clock_.advance_ms(limits::kWebhookBaseBackoffMs);
  EXPECT_EQ(deliver(sender).delivered, 1);  // the retried order.created
  EXPECT_EQ(deliver(sender).delivered, 1);  // then order.updated
  ASSERT_EQ(sender.sent.size(), 4u);
  EXPECT_EQ(FakeSender::header(sender.sent[2], "Fondaco-Event-Type"), "order.created");
  EXPECT_EQ(FakeSender::header(sender.sent[3], "Fondaco-Event-Type"), "order.updated");
  for (const auto& d : deliveries(ep.endpoint.id)) EXPECT_EQ(d.status, DeliveryStatus::delivered);
}

TEST_P(WebhooksTest, FailsAfterTheLimitUnblocksTheKeyAndDisablesAfterThreeDays) {
  const auto ep = create({"order.*"});
  emit("order.created", "order", "1");
  emit("order.updated", "order", "1");
  FakeSender sender;
  sender.on_post = [](const OutgoingRequest&) -> Result<SenderResponse> {
    return SenderResponse{500, std::string(5000, 'x'), 2};
  };
  for (int i = 0; i < limits::kWebhookMaxAttempts; ++i) {
    deliver(sender);
    clock_.advance_ms(limits::kWebhookBaseBackoffMs << i);
  }
  deliver(sender);  // the failed one no longer blocks its key
  auto ds = deliveries(ep.endpoint.id);
  EXPECT_EQ(ds[0].status, DeliveryStatus::failed);
  EXPECT_EQ(ds[0].attempts, limits::kWebhookMaxAttempts);
  EXPECT_EQ(ds[0].last_status_code, 500);
  auto attempts =
      db_->read([&](storage::Tx& tx) { return Webhooks::attempts(tx, ds[0].id); }).value();
  ASSERT_EQ(static_cast<int>(attempts.size()), limits::kWebhookMaxAttempts);
  EXPECT_EQ(attempts[0].response_snippet.size(), limits::kWebhookResponseSnippetBytes);
  EXPECT_EQ(attempts[0].status_code, 500);
  EXPECT_GT(ds[1].attempts, 0);
  EXPECT_EQ(endpoint(ep.endpoint.id).status, EndpointStatus::active);
  // Keep failing until three days have passed since the first failure.
  const std::int64_t first_failure = *endpoint(ep.endpoint.id).failing_since;
  for (int i = 0; i < 40 && endpoint(ep.endpoint.id).status == EndpointStatus::active; ++i) {
    clock_.advance_ms(limits::kWebhookMaxBackoffMs);
    deliver(sender);
  }
  const auto off = endpoint(ep.endpoint.id);
  EXPECT_EQ(off.status, EndpointStatus::disabled);
  EXPECT_GE(*off.disabled_at - first_failure, limits::kWebhookDisableAfterMs);
  EXPECT_EQ(event_types().back(), "webhook_endpoint.disabled");
  // Disabled: nothing is sent; re-enabled: the pending delivery resumes.
  const auto before = sender.sent.size();
  clock_.advance_ms(limits::kWebhookMaxBackoffMs);
  deliver(sender);
  EXPECT_EQ(sender.sent.size(), before);
  db_->write([&](storage::Tx& tx) {
       return hooks_.update(tx, ep.endpoint.id, {.enabled = true}, clock_.now_ms());
     })
      .value();
  sender.on_post = nullptr;
  clock_.advance_ms(limits::kWebhookMaxBackoffMs);
  EXPECT_EQ(deliver(sender).delivered, 1);
  EXPECT_EQ(deliveries(ep.endpoint.id)[1].status, DeliveryStatus::delivered);
}

TEST_P(WebhooksTest, ExpiredLeaseIsSentAgainAndALiveOneIsNot) {
  const auto ep = create({"order.*"});
  emit("order.created", "order", "1");
  const auto id = deliveries(ep.endpoint.id)[0].id;
  // A worker claimed it and died mid-send.
  db_->write([&](storage::Tx& tx) {
       return tx.exec(
           "UPDATE webhook_deliveries SET status = 'sending', attempts = 1, "
           "lease_until = ? WHERE id = ?",
           {clock_.now_ms() + limits::kWebhookSendLeaseMs, id});
     })
      .value();
  FakeSender sender;
  EXPECT_EQ(deliver(sender).delivered, 0);
  clock_.advance_ms(limits::kWebhookSendLeaseMs);
  EXPECT_EQ(deliver(sender).delivered, 1);
  ASSERT_EQ(sender.sent.size(), 1u);
  EXPECT_EQ(FakeSender::header(sender.sent[0], "Fondaco-Delivery-Id"), std::to_string(id));
  EXPECT_EQ(deliveries(ep.endpoint.id)[0].attempts, 2);
}

TEST_P(WebhooksTest, RedeliverySendsTheSameDeliveryAgain) {
  const auto ep = create({"order.*"});
  emit("order.created", "order", "1");
  FakeSender sender;
  deliver(sender);
  const auto d = deliveries(ep.endpoint.id)[0];
  auto again = db_->write([&](storage::Tx& tx) {
    return Webhooks::redeliver(tx, ep.endpoint.id, d.id, clock_.now_ms());
  });
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, DeliveryStatus::pending);
  EXPECT_EQ(again->attempts, 0);
  auto twice = db_->write([&](storage::Tx& tx) {
    return Webhooks::redeliver(tx, ep.endpoint.id, d.id, clock_.now_ms());
  });
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  EXPECT_EQ(deliver(sender).delivered, 1);
  ASSERT_EQ(sender.sent.size(), 2u);
  EXPECT_EQ(sender.sent[0].body, sender.sent[1].body);
  auto attempts = db_->read([&](storage::Tx& tx) { return Webhooks::attempts(tx, d.id); }).value();
  EXPECT_EQ(attempts.size(), 2u);
  auto other = db_->write([&](storage::Tx& tx) {
    return Webhooks::redeliver(tx, ep.endpoint.id + 1, d.id, clock_.now_ms());
  });
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().field, "delivery_id");
}

TEST_P(WebhooksTest, PingAndPruneAndRemove) {
  const auto ep = create({"order.created"});
  auto ping = db_->write([&](storage::Tx& tx) {
    return Webhooks::ping(tx, ep.endpoint.id, random_, clock_.now_ms());
  });
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->event_type, "webhook.ping");
  FakeSender sender;
  EXPECT_EQ(deliver(sender).delivered, 1);
  auto pruned =
      db_->write([&](storage::Tx& tx) { return Webhooks::prune(tx, clock_.now_ms() + 1); });
  EXPECT_EQ(pruned.value_or(-1), 1);
  emit("order.created", "order", "1");
  ASSERT_TRUE(db_->write(
      [&](storage::Tx& tx) { return hooks_.remove(tx, ep.endpoint.id, clock_.now_ms()); }));
  auto gone = db_->read([&](storage::Tx& tx) { return Webhooks::get(tx, ep.endpoint.id); });
  EXPECT_FALSE(gone);
}

INSTANTIATE_TEST_SUITE_P(Engines, WebhooksTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::webhooks
