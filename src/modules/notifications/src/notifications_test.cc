// The outbox on both engines: enqueue and dedupe, delivery with a fake Transport and a fake
// clock (sent, retries with backoff, failed), claims and leases, list/get.
#include "fondaco/notifications/notifications.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fondaco/base/limits.h"
#include "fondaco/testing/testing.h"

namespace fondaco::notifications {
namespace {

class FakeTransport final : public Transport {
 public:
  std::function<Result<void>(const OutgoingMessage&)> on_send;
  Result<void> send(const OutgoingMessage& m) override {
    {
      std::lock_guard lock(mu);
      sent.push_back(m);
    }
    return on_send ? on_send(m) : ok();
  }
  std::mutex mu;
  std::vector<OutgoingMessage> sent;  // every attempt, successful or not
};

EmailInput shipped_email(std::string key, std::string to = "mario.rossi@example.com") {
  return EmailInput{std::move(key), Locale::it, std::move(to), "Mario Rossi",
                    Shipped{"WEB-000012", "BRT", "123456789", "https://track.example.com/1"}};
}

class OutboxTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  Result<Enqueued> enqueue(const EmailInput& in) {
    return db_->write([&](storage::Tx& tx) { return ntf_.enqueue(tx, in, clock_.now_ms()); });
  }
  Email get(std::int64_t id) {
    return db_->read([&](storage::Tx& tx) { return Notifications::get(tx, id); }).value();
  }
  DeliveryReport deliver(Transport& t, int max = 50) {
    auto r = ntf_.deliver_due(*db_, t, clock_, random_, max);
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(DeliveryReport{});
  }
  std::vector<std::string> event_types() {
    auto events = db_->read([](storage::Tx& tx) {
                     return events::EventLog::read_after(tx, 0, 1000);
                   }).value();
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Notifications ntf_{log_, RenderOptions{"Bottega Rossi"}};
  testing::FakeClock clock_;
  testing::FakeRandom random_;
};

TEST_P(OutboxTest, EnqueueStoresTheRenderedMessage) {
  auto e = enqueue(shipped_email("order:12:shipped"));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_TRUE(e->created);
  const Email stored = get(e->email.id);
  EXPECT_EQ(stored.status, Status::queued);
  EXPECT_EQ(stored.kind, Kind::shipped);
  EXPECT_EQ(stored.locale, Locale::it);
  EXPECT_EQ(stored.to, "mario.rossi@example.com");
  EXPECT_EQ(stored.subject, "Il tuo ordine WEB-000012 è stato spedito");
  EXPECT_NE(stored.body_text.find("Bottega Rossi"), std::string::npos);
  EXPECT_NE(stored.body_html.find("https://track.example.com/1"), std::string::npos);
  EXPECT_EQ(stored.attempts, 0);
  EXPECT_EQ(stored.next_attempt_at, clock_.now_ms());
  EXPECT_EQ(event_types(), std::vector<std::string>{"email.queued"});
}

TEST_P(OutboxTest, SameDedupeKeyQueuesOnce) {
  auto first = enqueue(shipped_email("order:12:shipped"));
  ASSERT_TRUE(first);
  // A replayed chain step, even with different data, gets the stored message back.
  EmailInput again = shipped_email("order:12:shipped", "other@example.com");
  auto second = enqueue(again);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->email.id, first->email.id);
  EXPECT_EQ(second->email.to, "mario.rossi@example.com");
  auto all = db_->read([](storage::Tx& tx) { return Notifications::list(tx, {}); }).value();
  EXPECT_EQ(all.items.size(), 1u);
  EXPECT_EQ(event_types(), std::vector<std::string>{"email.queued"});
  // Inside one transaction too (a chain step that enqueues twice).
  auto both = db_->write([&](storage::Tx& tx) -> Result<bool> {
    auto a = FONDACO_TRY(ntf_.enqueue(tx, shipped_email("order:13:shipped"), 1));
    auto b = FONDACO_TRY(ntf_.enqueue(tx, shipped_email("order:13:shipped"), 1));
    return a.created && !b.created && a.email.id == b.email.id;
  });
  ASSERT_TRUE(both);
  EXPECT_TRUE(*both);
}

TEST_P(OutboxTest, InvalidInputWritesNothing) {
  auto bad_to = enqueue(shipped_email("order:1:shipped", "not an address"));
  ASSERT_FALSE(bad_to);
  EXPECT_EQ(bad_to.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad_to.error().field, "to");
  EXPECT_EQ(enqueue(shipped_email("has space")).error().field, "dedupe_key");
  EXPECT_EQ(enqueue(shipped_email("")).error().field, "dedupe_key");
  EmailInput bad_data = shipped_email("order:1:shipped");
  std::get<Shipped>(bad_data.data).carrier = "";
  EXPECT_EQ(enqueue(bad_data).error().field, "data.carrier");
  auto all = db_->read([](storage::Tx& tx) { return Notifications::list(tx, {}); }).value();
  EXPECT_TRUE(all.items.empty());
  EXPECT_TRUE(event_types().empty());
}

TEST_P(OutboxTest, DeliverSendsAndRecordsSent) {
  auto e = enqueue(shipped_email("order:12:shipped"));
  ASSERT_TRUE(e);
  FakeTransport t;
  clock_.advance_ms(1000);
  const DeliveryReport rep = deliver(t);
  EXPECT_EQ(rep.sent, 1);
  EXPECT_EQ(rep.retried + rep.failed + rep.lost_lease, 0);
  ASSERT_EQ(t.sent.size(), 1u);
  EXPECT_EQ(t.sent[0].to, "mario.rossi@example.com");
  EXPECT_EQ(t.sent[0].to_name, "Mario Rossi");
  EXPECT_EQ(t.sent[0].subject, "Il tuo ordine WEB-000012 è stato spedito");
  EXPECT_EQ(t.sent[0].date_ms, clock_.now_ms());
  EXPECT_FALSE(t.sent[0].message_id_local.empty());
  const Email stored = get(e->email.id);
  EXPECT_EQ(stored.status, Status::sent);
  EXPECT_EQ(stored.attempts, 1);
  EXPECT_EQ(stored.sent_at, clock_.now_ms());
  EXPECT_EQ(event_types(), (std::vector<std::string>{"email.queued", "email.sent"}));
  // Nothing is due any more.
  EXPECT_EQ(deliver(t).sent, 0);
  EXPECT_EQ(t.sent.size(), 1u);
}

TEST_P(OutboxTest, OneTimestampRoundIsBoundedByTheLease) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(enqueue(shipped_email("k" + std::to_string(i))));
  FakeTransport t;
  auto rep = ntf_.deliver_due(*db_, t, random_, clock_.now_ms(), 50);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->sent, limits::kEmailDeliverBatchAtOneTime);
  // Even if every send had taken the whole SMTP timeout, the round ended inside its leases.
  EXPECT_LT(limits::kEmailDeliverBatchAtOneTime * std::int64_t{limits::kSmtpTimeoutMs},
            limits::kEmailSendLeaseMs);
  EXPECT_EQ(ntf_.deliver_due(*db_, t, random_, clock_.now_ms(), 50)->sent,
            6 - limits::kEmailDeliverBatchAtOneTime);
  EXPECT_EQ(t.sent.size(), 6u);
}

TEST_P(OutboxTest, FailuresBackOffThenFail) {
  auto e = enqueue(shipped_email("order:12:shipped"));
  ASSERT_TRUE(e);
  FakeTransport t;
  t.on_send = [](const OutgoingMessage&) -> Result<void> {
    return fail(ErrorCode::unavailable, "451 4.3.0 try later");
  };
  std::int64_t previous_delay = 0;
  for (int attempt = 1; attempt <= limits::kMaxEmailAttempts; ++attempt) {
    const DeliveryReport rep = deliver(t);
    const Email stored = get(e->email.id);
    EXPECT_EQ(stored.attempts, attempt);
    if (attempt < limits::kMaxEmailAttempts) {
      EXPECT_EQ(rep.retried, 1) << attempt;
      EXPECT_EQ(stored.status, Status::queued);
      EXPECT_EQ(stored.last_error, "451 4.3.0 try later");
      // base · 2^(n-1), capped, jittered into [half, full).
      const std::int64_t full =
          std::min(limits::kEmailBaseBackoffMs << (attempt - 1), limits::kEmailMaxBackoffMs);
      const std::int64_t delay = stored.next_attempt_at - clock_.now_ms();
      EXPECT_GE(delay, full / 2) << attempt;
      EXPECT_LT(delay, full) << attempt;
      if (full < limits::kEmailMaxBackoffMs) {
        EXPECT_GT(delay, previous_delay / 2);
      }
      previous_delay = delay;
      // Not due a millisecond early.
      clock_.set_ms(stored.next_attempt_at - 1);
      EXPECT_EQ(deliver(t).retried, 0);
      clock_.set_ms(stored.next_attempt_at);
    } else {
      EXPECT_EQ(rep.failed, 1);
      EXPECT_EQ(stored.status, Status::failed);
    }
  }
  EXPECT_EQ(static_cast<int>(t.sent.size()), limits::kMaxEmailAttempts);
  clock_.advance_ms(limits::kEmailMaxBackoffMs * 10);
  EXPECT_EQ(deliver(t).failed + deliver(t).retried, 0);
  EXPECT_EQ(event_types(), (std::vector<std::string>{"email.queued", "email.failed"}));
}

TEST(RetryDelayTest, IsCappedAndJittered) {
  testing::FakeRandom r(7);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t d = retry_delay_ms(30, r);
    EXPECT_GE(d, limits::kEmailMaxBackoffMs / 2);
    EXPECT_LT(d, limits::kEmailMaxBackoffMs);
    seen.insert(d);
  }
  EXPECT_GT(seen.size(), 10u);  // jitter spreads retries
}

TEST_P(OutboxTest, OneFailingMessageDoesNotBlockOthers) {
  ASSERT_TRUE(enqueue(shipped_email("a", "bounce@example.com")));
  ASSERT_TRUE(enqueue(shipped_email("b", "boom@example.com")));
  ASSERT_TRUE(enqueue(shipped_email("c", "ok@example.com")));
  FakeTransport t;
  t.on_send = [](const OutgoingMessage& m) -> Result<void> {
    if (m.to == "boom@example.com") throw std::runtime_error("socket exploded");
    if (m.to == "bounce@example.com") return fail(ErrorCode::unavailable, "550 no such user");
    return ok();
  };
  const DeliveryReport rep = deliver(t);
  EXPECT_EQ(rep.sent, 1);
  EXPECT_EQ(rep.retried, 2);
  auto page = db_->read([](storage::Tx& tx) {
                   return Notifications::list(tx, EmailFilter{.to = "BOOM@example.com"});
                 }).value();
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].status, Status::queued);
  EXPECT_EQ(page.items[0].last_error, "transport threw: socket exploded");
}

TEST_P(OutboxTest, ClaimedMessageIsNotSentBySecondSender) {
  auto e = enqueue(shipped_email("order:12:shipped"));
  ASSERT_TRUE(e);
  auto other_db = tdb_->open();  // a second process: its own connections
  Notifications other(log_);
  FakeTransport other_transport;
  DeliveryReport nested;
  FakeTransport t;
  t.on_send = [&](const OutgoingMessage&) -> Result<void> {
    // While the first sender is in the middle of its SMTP conversation.
    EXPECT_EQ(get(e->email.id).status, Status::sending);
    nested = other.deliver_due(*other_db, other_transport, clock_, random_, 50).value();
    return ok();
  };
  EXPECT_EQ(deliver(t).sent, 1);
  EXPECT_EQ(nested.sent + nested.retried + nested.failed, 0);
  EXPECT_TRUE(other_transport.sent.empty());
  EXPECT_EQ(get(e->email.id).status, Status::sent);
}

TEST_P(OutboxTest, ExpiredLeaseIsTakenOverAtLeastOnce) {
  auto e = enqueue(shipped_email("order:12:shipped"));
  ASSERT_TRUE(e);
  auto other_db = tdb_->open();
  Notifications other(log_);
  FakeTransport other_transport;
  DeliveryReport nested;
  FakeTransport t;
  t.on_send = [&](const OutgoingMessage&) -> Result<void> {
    // This sender hangs past its lease (as if it had crashed); the other one takes over.
    clock_.advance_ms(limits::kEmailSendLeaseMs);
    nested = other.deliver_due(*other_db, other_transport, clock_, random_, 50).value();
    return ok();
  };
  const DeliveryReport rep = deliver(t);
  EXPECT_EQ(nested.sent, 1);
  EXPECT_EQ(other_transport.sent.size(), 1u);
  EXPECT_EQ(rep.lost_lease, 1);  // the late outcome is not recorded over the new owner's
  EXPECT_EQ(rep.sent, 0);
  const Email stored = get(e->email.id);
  EXPECT_EQ(stored.status, Status::sent);
  EXPECT_EQ(stored.attempts, 2);
  EXPECT_EQ(event_types(), (std::vector<std::string>{"email.queued", "email.sent"}));
}

TEST_P(OutboxTest, MessageWhoseSendersKeepDyingIsGivenUp) {
  auto e = enqueue(shipped_email("order:12:shipped"));
  ASSERT_TRUE(e);
  // As left by a sender that died mid-send on its last allowed attempt.
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return tx.exec(
        "UPDATE emails SET status = 'sending', attempts = ?, lease_until = ? WHERE id = ?",
        {std::int64_t{limits::kMaxEmailAttempts}, clock_.now_ms() + 1000, e->email.id});
  }));
  FakeTransport t;
  EXPECT_EQ(deliver(t).sent, 0);  // lease still running: not touched
  clock_.advance_ms(1000);
  const DeliveryReport rep = deliver(t);
  EXPECT_EQ(rep.failed, 1);
  EXPECT_TRUE(t.sent.empty());
  EXPECT_EQ(get(e->email.id).status, Status::failed);
}

TEST_P(OutboxTest, ConcurrentSendersSendEachMessageOnce) {
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i)
    ASSERT_TRUE(enqueue(shipped_email("order:" + std::to_string(i) + ":shipped")));
  FakeTransport t;
  std::map<std::int64_t, int> count;
  std::mutex mu;
  t.on_send = [&](const OutgoingMessage& m) -> Result<void> {
    std::lock_guard lock(mu);
    ++count[m.email_id];
    return ok();
  };
  auto run = [&]() {
    auto db = tdb_->open();
    Notifications n(log_);
    testing::FakeRandom r(1);
    for (int round = 0; round < 20; ++round) {
      auto rep = n.deliver_due(*db, t, clock_, r, 5);
      ASSERT_TRUE(rep) << rep.error().message;
    }
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
  EXPECT_EQ(static_cast<int>(count.size()), kMessages);
  for (const auto& [id, n] : count) EXPECT_EQ(n, 1) << id;
  auto sent = db_->read([](storage::Tx& tx) {
                   return Notifications::list(tx, {.status = Status::sent, .limit = 500});
                 }).value();
  EXPECT_EQ(static_cast<int>(sent.items.size()), kMessages);
}

TEST_P(OutboxTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(enqueue(shipped_email("k" + std::to_string(i),
                                      i % 2 == 0 ? "even@example.com" : "odd@example.com")));
  EmailInput refund{"r1", Locale::en, "even@example.com", "",
                    RefundIssued{"WEB-1", 100, "EUR", "card"}};
  ASSERT_TRUE(enqueue(refund));
  auto list = [&](EmailFilter f) {
    return db_->read([&](storage::Tx& tx) { return Notifications::list(tx, f); }).value();
  };
  auto p1 = list({.limit = 4});
  ASSERT_EQ(p1.items.size(), 4u);
  ASSERT_TRUE(p1.next_after);
  auto p2 = list({.after_id = *p1.next_after, .limit = 4});
  EXPECT_EQ(p2.items.size(), 2u);
  EXPECT_FALSE(p2.next_after);
  EXPECT_EQ(list({.to = "Even@Example.com"}).items.size(), 4u);
  EXPECT_EQ(list({.kind = Kind::refund_issued}).items.size(), 1u);
  EXPECT_EQ(list({.dedupe_key = "k3"}).items.at(0).to, "odd@example.com");
  EXPECT_EQ(list({.status = Status::sent}).items.size(), 0u);
  auto missing = db_->read([](storage::Tx& tx) { return Notifications::get(tx, 9999); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Engines, OutboxTest, ::testing::ValuesIn(testing::engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace fondaco::notifications
