#include <gtest/gtest.h>

#include <thread>

#include "fondaco/events/event_log.h"
#include "fondaco/testing/testing.h"

namespace fondaco::events {
namespace {

class EventsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  // Appends one event in its own transaction; returns the last sequence number after it.
  Result<std::int64_t> append(const std::string& type, bool commit = true) {
    FONDACO_TRY(db_->write([&](storage::Tx& tx) -> Result<void> {
      FONDACO_TRY(log_.append(tx, type, "thing", "1", R"({"k":1})", clock_.now_ms()));
      if (!commit) return fail(ErrorCode::conflict, "rolled back");
      return ok();
    }));
    return db_->read([](storage::Tx& tx) { return EventLog::last_seq(tx); });
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  EventLog log_;
  testing::FakeClock clock_;
};

TEST_P(EventsTest, SequenceIsGapFreeAcrossRollbacks) {
  EXPECT_EQ(append("a").value(), 1);
  EXPECT_FALSE(append("rolled", false).has_value());
  EXPECT_EQ(append("b").value(), 2);
  auto events = db_->read([](storage::Tx& tx) { return EventLog::read_after(tx, 0, 10); });
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type, "a");
  EXPECT_EQ((*events)[1].seq, 2);
  EXPECT_EQ((*events)[1].payload, R"({"k":1})");
}

TEST_P(EventsTest, ConcurrentAppendersProduceAGapFreeSequence) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) EXPECT_TRUE(append("c").has_value());
    });
  for (auto& t : threads) t.join();
  auto events = db_->read([](storage::Tx& tx) { return EventLog::read_after(tx, 0, 1000); });
  ASSERT_EQ(events->size(), 80u);
  for (std::size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].seq, std::int64_t(i + 1));
}

// One transaction's events take one block of numbers (written in multi-row chunks), and a
// unit undone to its savepoint (group commit) takes its events with it.
TEST_P(EventsTest, ATransactionsEventsAreWrittenTogetherAndFollowSavepoints) {
  ASSERT_TRUE(append("first").has_value());
  auto r = db_->write([&](storage::Tx& tx) -> Result<void> {
    for (int i = 0; i < 70; ++i)
      FONDACO_TRY(log_.append(tx, "bulk", "thing", std::to_string(i), "{}", clock_.now_ms()));
    FONDACO_TRY(tx.savepoint());
    FONDACO_TRY(log_.append(tx, "undone", "thing", "u", "{}", clock_.now_ms()));
    FONDACO_TRY(tx.rollback_to_savepoint());
    FONDACO_TRY(tx.savepoint());
    FONDACO_TRY(log_.append(tx, "kept", "thing", "k", "{}", clock_.now_ms()));
    return tx.release_savepoint();
  });
  ASSERT_TRUE(r.has_value()) << r.error().message;
  auto events = db_->read([](storage::Tx& tx) { return EventLog::read_after(tx, 0, 1000); });
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 72u);
  for (std::size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].seq, std::int64_t(i + 1));
  EXPECT_EQ((*events)[1].type, "bulk");
  EXPECT_EQ((*events)[1].aggregate_id, "0");
  EXPECT_EQ((*events)[70].aggregate_id, "69");
  EXPECT_EQ((*events)[71].type, "kept");
}

TEST_P(EventsTest, DispatcherDeliversInOrderAndKeepsDurableCursors) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(append("e" + std::to_string(i)).has_value());
  std::vector<std::int64_t> seen;
  {
    Dispatcher d(*db_, log_, clock_);
    d.subscribe("audit", [&](const Event& e) -> Result<void> {
      seen.push_back(e.seq);
      return ok();
    });
    EXPECT_EQ(d.run_once().value(), 5);
    EXPECT_EQ(d.pending().value(), 0);
  }
  ASSERT_TRUE(append("later").has_value());
  // A new dispatcher (as after a restart) resumes from the stored cursor.
  Dispatcher d2(*db_, log_, clock_);
  d2.subscribe("audit", [&](const Event& e) -> Result<void> {
    seen.push_back(e.seq);
    return ok();
  });
  EXPECT_EQ(d2.pending().value(), 1);
  EXPECT_EQ(d2.run_once().value(), 1);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_P(EventsTest, FailingSubscriberIsRetriedWithoutSkippingOrBlockingOthers) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(append("e").has_value());
  int flaky_calls = 0;
  std::vector<std::int64_t> flaky_ok, steady;
  Dispatcher d(*db_, log_, clock_);
  d.subscribe("flaky", [&](const Event& e) -> Result<void> {
    if (e.seq == 2 && ++flaky_calls < 3) return fail(ErrorCode::unavailable, "down");
    flaky_ok.push_back(e.seq);
    return ok();
  });
  d.subscribe("steady", [&](const Event& e) -> Result<void> {
    steady.push_back(e.seq);
    return ok();
  });
  ASSERT_TRUE(d.run_once().has_value());
  EXPECT_EQ(flaky_ok, std::vector<std::int64_t>{1});
  EXPECT_EQ(steady.size(), 3u);
  ASSERT_TRUE(d.run_once().has_value());  // still in backoff: nothing new
  EXPECT_EQ(flaky_calls, 1);
  for (int i = 0; i < 2; ++i) {
    clock_.advance_ms(120'000);
    ASSERT_TRUE(d.run_once().has_value());
  }
  EXPECT_EQ(flaky_ok, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_P(EventsTest, AnEventFailingMaxAttemptsTimesIsParkedAndCanBeRetried) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(append("e").has_value());
  bool broken = true;
  std::vector<std::int64_t> handled;
  Dispatcher d(*db_, log_, clock_);
  d.subscribe(
      "chain",
      [&](const Event& e) -> Result<void> {
        if (e.seq == 2 && broken) return fail(ErrorCode::unavailable, "printer on fire");
        handled.push_back(e.seq);
        return ok();
      },
      SubscribeOptions{3});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(d.run_once().has_value());
    clock_.advance_ms(120'000);
  }
  // Parked after the third attempt; the later event flowed.
  EXPECT_EQ(handled, (std::vector<std::int64_t>{1, 3}));
  auto open = db_->read([](storage::Tx& tx) { return Dispatcher::failures(tx, "open", 0, 10); });
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 1u);
  const Failure f = (*open)[0];
  EXPECT_EQ(f.subscriber, "chain");
  EXPECT_EQ(f.seq, 2);
  EXPECT_EQ(f.attempts, 3);
  EXPECT_EQ(f.last_error, "printer on fire");
  EXPECT_EQ(d.pending().value(), 0);
  // Still broken: the retry reports the error and counts the attempt.
  auto again = d.retry_failure(f.id);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::unavailable);
  broken = false;
  auto fixed = d.retry_failure(f.id);
  ASSERT_TRUE(fixed.has_value()) << fixed.error().message;
  EXPECT_EQ(fixed->status, "resolved");
  EXPECT_EQ(fixed->attempts, 5);
  EXPECT_EQ(handled, (std::vector<std::int64_t>{1, 3, 2}));
  EXPECT_EQ(d.retry_failure(f.id).error().code, ErrorCode::conflict);
  EXPECT_EQ(d.retry_failure(f.id + 100).error().code, ErrorCode::not_found);
  // A restarted dispatcher does not deliver the parked event again.
  Dispatcher d2(*db_, log_, clock_);
  int calls = 0;
  d2.subscribe("chain", [&](const Event&) -> Result<void> { ++calls; return ok(); });
  ASSERT_TRUE(d2.run_once().has_value());
  EXPECT_EQ(calls, 0);
}

TEST_P(EventsTest, ATransactionalSubscriberCommitsItsWorkWithItsCursor) {
  ASSERT_TRUE(db_->write([](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(tx.exec("CREATE TABLE seen (seq BIGINT PRIMARY KEY)"));
    return ok();
  }));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(append("e").has_value());
  int fail_on = 3;
  Dispatcher d(*db_, log_, clock_);
  d.subscribe_tx("tx", [&](storage::Tx& tx, const Event& e) -> Result<void> {
    // The insert would fail on a second delivery of the same event (primary key).
    FONDACO_TRY(tx.exec("INSERT INTO seen (seq) VALUES (?)", {e.seq}));
    if (e.seq == fail_on) return fail(ErrorCode::unavailable, "down");
    return ok();
  });
  ASSERT_TRUE(d.run_once().has_value());
  auto seen = [&] {
    return db_->read([](storage::Tx& tx) -> Result<std::int64_t> {
      auto r = FONDACO_TRY(tx.query("SELECT COUNT(*) FROM seen"));
      return r.i64(0, 0);
    }).value();
  };
  // 1 and 2 committed with the cursor; 3's insert was rolled back to its savepoint.
  EXPECT_EQ(seen(), 2);
  EXPECT_EQ(d.pending().value(), 2);
  fail_on = 0;
  clock_.advance_ms(120'000);
  ASSERT_TRUE(d.run_once().has_value());
  EXPECT_EQ(seen(), 4);
  EXPECT_EQ(d.pending().value(), 0);
  // A new dispatcher (a restart) delivers nothing twice.
  Dispatcher d2(*db_, log_, clock_);
  int calls = 0;
  d2.subscribe_tx("tx", [&](storage::Tx&, const Event&) -> Result<void> { ++calls; return ok(); });
  ASSERT_TRUE(d2.run_once().has_value());
  EXPECT_EQ(calls, 0);
}

TEST_P(EventsTest, BackgroundDispatcherWakesOnCommit) {
  std::atomic<int> delivered{0};
  Dispatcher d(*db_, log_, clock_);
  d.subscribe("bg", [&](const Event&) -> Result<void> {
    ++delivered;
    return ok();
  });
  d.start();
  ASSERT_TRUE(append("x").has_value());
  for (int i = 0; i < 200 && delivered.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  d.stop();
  EXPECT_EQ(delivered.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, EventsTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::events
