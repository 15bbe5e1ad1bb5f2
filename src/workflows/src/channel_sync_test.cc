#include "fondaco/workflows/channel_sync.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "fondaco/testing/testing.h"

namespace fondaco::workflows {
namespace {

using channels::PushResult;
using inventory::LocationKind;

// Records every call and answers as the test scripts it.
class FakeClient final : public channels::ChannelClient {
 public:
  std::size_t max_stock_batch() const override { return 50; }
  PushResult push_stock(const channels::Endpoint& ep,
                        std::span<const channels::StockLevel> levels) override {
    std::vector<channels::StockLevel> copy(levels.begin(), levels.end());
    stock_calls.push_back({ep.channel_code, copy});
    if (during_call) during_call(ep, copy);
    return next();
  }
  PushResult push_listing(const channels::Endpoint& ep, const channels::Listing& l) override {
    listings.push_back({ep.channel_code, l});
    return next();
  }
  PushResult push_fulfillment(const channels::Endpoint&, const channels::Fulfillment&) override {
    return next();
  }
  PushResult next() {
    if (answers.empty()) return {PushResult::Outcome::ok, 200, 0, "ok", {}};
    auto r = answers.front();
    answers.erase(answers.begin());
    return r;
  }
  std::vector<std::pair<std::string, std::vector<channels::StockLevel>>> stock_calls;
  std::vector<std::pair<std::string, channels::Listing>> listings;
  std::vector<PushResult> answers;
  std::function<void(const channels::Endpoint&, const std::vector<channels::StockLevel>&)>
      during_call;
};

class ChannelSyncTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    auto made = db_->write([&](storage::Tx& tx) -> Result<void> {
      for (auto [code, kind] :
           {std::pair{"WH1", LocationKind::warehouse}, {"SHOP", LocationKind::store}})
        FONDACO_TRY(inventory_.create_location(tx, {code, code, kind, std::nullopt, 0}, 1));
      FONDACO_TRY(catalog_.create(
          tx, testing::ProductBuilder("Tee").variant("TEE", 1990).variant("MUG", 900).build(), 1));
      // a: every location, keeps 1 back; b: WH1 only, at most 3 shown; pos gets no pushes.
      const std::pair<channels::ChannelInput, std::string> chans[] = {
          {{.code = "gen-a",
            .kind = channels::Kind::generic,
            .name = "A",
            .policy = {.buffer_units = 1}},
           "TEE"},
          {{.code = "gen-b",
            .kind = channels::Kind::generic,
            .name = "B",
            .locations = {"WH1"},
            .policy = {.max_listed = 3}},
           "TEE"},
      };
      for (const auto& [in, sku] : chans) {
        const auto ch = FONDACO_TRY(channels_.create(tx, in, 1));
        FONDACO_TRY(
            channels::Listings::upsert(tx, ch.id, {.sku = sku, .external_id = "v-" + sku}, 1));
      }
      const auto pos = FONDACO_TRY(channels::Channels::get(tx, "pos"));
      FONDACO_TRY(channels::Listings::upsert(tx, pos.id, {.sku = "TEE"}, 1));
      return ok();
    });
    ASSERT_TRUE(made) << made.error().message;
    sync_.reset(new ChannelSync{*db_, clock_, catalog_, inventory_, orders_, {}});
    dispatcher_ = std::make_unique<events::Dispatcher>(*db_, log_, clock_);
    register_channel_sync(*dispatcher_, *sync_);
    pusher_ = std::make_unique<ChannelPusher>(*sync_, random_);
    // The product's creation queued its listings: sent now, so each test starts clean.
    deliver();
    run("gen-a");
    run("gen-b");
    ASSERT_EQ(client_.listings.size(), 2u);
    client_.listings.clear();
  }
  void move(const std::string& sku, std::int64_t qty, const std::string& from,
            const std::string& to) {
    auto r = db_->write([&](storage::Tx& tx) {
      return inventory_.move(tx, {sku, qty, from, to, "adjustment", ""}, clock_.now_ms());
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  // Runs the dispatcher until every committed event is delivered (bounded).
  void deliver() {
    for (int round = 0; round < 20; ++round) {
      auto r = dispatcher_->run_once();
      ASSERT_TRUE(r) << r.error().message;
      if (*r == 0) return;
    }
    FAIL() << "events still pending after 20 rounds";
  }
  PushRound run(const std::string& code, int max_calls = 10) {
    auto r = pusher_->run_channel(code, client_, max_calls);
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(PushRound{});
  }
  channels::SyncItem row(const std::string& code, const std::string& sku) {
    return db_
        ->read([&](storage::Tx& tx) -> Result<channels::SyncItem> {
          const auto ch = FONDACO_TRY(channels::Channels::get(tx, code));
          auto r =
              FONDACO_TRY(channels::SyncQueue::find(tx, ch.id, channels::SyncKind::stock, sku));
          if (!r) return fail(ErrorCode::not_found, "no row");
          return *r;
        })
        .value();
  }
  std::int64_t available(const std::string& code, const std::string& sku) {
    return db_
        ->read([&](storage::Tx& tx) -> Result<std::int64_t> {
          const auto ch = FONDACO_TRY(channels::Channels::get(tx, code));
          return channel_available(tx, inventory_, ch, sku);
        })
        .value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_;
  testing::FakeRandom random_;
  events::EventLog log_;
  catalog::Catalog catalog_{log_};
  channels::Channels channels_{log_};
  inventory::Inventory inventory_{log_};
  orders::Orders orders_{log_};
  std::unique_ptr<ChannelSync> sync_;
  std::unique_ptr<events::Dispatcher> dispatcher_;
  std::unique_ptr<ChannelPusher> pusher_;
  FakeClient client_;
};

TEST_P(ChannelSyncTest, StockChangeGivesOnePushPerChannelWithItsPolicy) {
  move("TEE", 10, "SUPPLIER", "WH1");
  move("TEE", 5, "SUPPLIER", "SHOP");
  deliver();
  EXPECT_EQ(run("gen-a").calls, 1);
  ASSERT_EQ(client_.stock_calls.size(), 1u);
  ASSERT_EQ(client_.stock_calls[0].second.size(), 1u);
  const auto& level = client_.stock_calls[0].second[0];
  EXPECT_EQ(level.sku, "TEE");
  EXPECT_EQ(level.external_id, "v-TEE");
  EXPECT_EQ(level.quantity, 14);  // 15 − 1 kept back
  run("gen-b");
  ASSERT_EQ(client_.stock_calls.size(), 2u);
  EXPECT_EQ(client_.stock_calls[1].second[0].quantity, 3);  // 10 in WH1, capped at 3
  EXPECT_EQ(row("gen-a", "TEE").published, 14);
  EXPECT_EQ(row("gen-a", "TEE").state(), "synced");
  EXPECT_EQ(run("pos").calls, 0);    // storefront/pos/phone/amazon/ebay get no pushes
  EXPECT_EQ(run("gen-a").calls, 0);  // nothing new
  auto log = db_->read([&](storage::Tx& tx) -> Result<std::vector<channels::Delivery>> {
                  const auto ch = FONDACO_TRY(channels::Channels::get(tx, "gen-a"));
                  return channels::SyncQueue::deliveries(tx, ch.id, 0, 10);
                })
                 .value();
  ASSERT_EQ(log.size(), 2u);  // newest first: the stock, then the listing of SetUp
  EXPECT_EQ(log[0].kind, "stock");
  EXPECT_EQ(log[0].outcome, "ok");
  EXPECT_EQ(log[0].items, 1);
  EXPECT_EQ(log[0].http_status, 200);
  EXPECT_EQ(log[1].kind, "listing");
}

TEST_P(ChannelSyncTest, ChangesDuringAPushCoalesceToTheLastValue) {
  move("TEE", 10, "SUPPLIER", "WH1");
  deliver();
  int changes = 0;
  client_.during_call = [&](const channels::Endpoint&, const std::vector<channels::StockLevel>&) {
    if (changes++ > 0) return;
    for (int i = 0; i < 4; ++i) {
      move("TEE", 1, "WH1", "ADJUSTMENT");
      deliver();
    }
  };
  run("gen-a");
  ASSERT_EQ(client_.stock_calls.size(), 2u);  // the first value, then only the last one
  EXPECT_EQ(client_.stock_calls[0].second[0].quantity, 9);
  EXPECT_EQ(client_.stock_calls[1].second[0].quantity, 5);  // 6 − 1
  EXPECT_EQ(row("gen-a", "TEE").published, 5);
}

TEST_P(ChannelSyncTest, RetryAfterIsRespectedAndFailuresBackOff) {
  move("TEE", 10, "SUPPLIER", "WH1");
  deliver();
  client_.answers.push_back({PushResult::Outcome::retry, 429, 30'000, "HTTP 429", {}});
  const auto t0 = clock_.now_ms();
  auto round = run("gen-a");
  EXPECT_EQ(round.calls, 1);
  EXPECT_EQ(round.next_due, t0 + 30'000);
  EXPECT_EQ(row("gen-a", "TEE").state(), "retrying");
  clock_.advance_ms(29'999);
  EXPECT_EQ(run("gen-a").calls, 0);
  clock_.advance_ms(1);
  client_.answers.push_back({PushResult::Outcome::retry, 503, 0, "HTTP 503", {}});
  EXPECT_EQ(run("gen-a").calls, 1);
  // Second failure: 500 × 2 = 1000 ms plus at most 25 % jitter.
  const auto r = row("gen-a", "TEE");
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(r.next_attempt_at - clock_.now_ms(), 1000);
  EXPECT_LE(r.next_attempt_at - clock_.now_ms(), 1250);
  EXPECT_EQ(r.last_error, "HTTP 503");
  clock_.set_ms(r.next_attempt_at);
  EXPECT_EQ(run("gen-a").calls, 1);
  EXPECT_EQ(row("gen-a", "TEE").state(), "synced");
  EXPECT_EQ(client_.stock_calls.size(), 3u);
}

TEST_P(ChannelSyncTest, RejectedPushIsRecordedAndNotRetried) {
  move("TEE", 10, "SUPPLIER", "WH1");
  deliver();
  client_.answers.push_back({PushResult::Outcome::rejected, 422, 0, "unknown variant", {}});
  EXPECT_EQ(run("gen-a").calls, 1);
  EXPECT_EQ(row("gen-a", "TEE").state(), "failed");
  EXPECT_EQ(row("gen-a", "TEE").last_error, "unknown variant");
  clock_.advance_ms(3'600'000);
  EXPECT_EQ(run("gen-a").calls, 0);
  move("TEE", 1, "WH1", "ADJUSTMENT");  // a new value is tried again
  deliver();
  EXPECT_EQ(run("gen-a").calls, 1);
  EXPECT_EQ(row("gen-a", "TEE").state(), "synced");
}

TEST_P(ChannelSyncTest, PublishedNeverExceedsAvailable) {
  move("TEE", 40, "SUPPLIER", "WH1");
  move("TEE", 10, "SUPPLIER", "SHOP");
  deliver();
  // The stock drops after the row was queued and before it is sent (no event delivered):
  // what is sent is computed when it is claimed.
  move("TEE", 30, "WH1", "ADJUSTMENT");
  client_.during_call = [&](const channels::Endpoint& ep,
                            const std::vector<channels::StockLevel>& ls) {
    for (const auto& l : ls) EXPECT_LE(l.quantity, available(ep.channel_code, l.sku));
  };
  run("gen-a");
  run("gen-b");
  EXPECT_EQ(row("gen-a", "TEE").published, 19);  // 10 + 10 − 1
  EXPECT_EQ(row("gen-b", "TEE").published, 3);
  for (int i = 0; i < 12; ++i) {
    move("TEE", 1, i % 2 ? "WH1" : "SHOP", "ADJUSTMENT");
    if (i % 3 == 0) deliver();
    run(i % 2 ? "gen-a" : "gen-b");
  }
  deliver();
  run("gen-a");
  run("gen-b");
  EXPECT_EQ(row("gen-a", "TEE").published,
            channels::publishable_quantity({.buffer_units = 1}, available("gen-a", "TEE")));
  EXPECT_EQ(row("gen-b", "TEE").published,
            channels::publishable_quantity({.max_listed = 3}, available("gen-b", "TEE")));
}

TEST_P(ChannelSyncTest, ProductChangesPushListingsWithOverrides) {
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) -> Result<void> {
    const auto ch = FONDACO_TRY(channels::Channels::get(tx, "gen-a"));
    FONDACO_TRY(channels::Listings::upsert(
        tx, ch.id, {.sku = "TEE", .external_id = "v-TEE", .title = "Tee A", .price_minor = 2490},
        1));
    return ok();
  }));
  auto p = db_->read([&](storage::Tx& tx) { return catalog_.variant(tx, "TEE"); }).value();
  catalog::ProductPatch patch;
  patch.description = "Organic cotton";
  ASSERT_TRUE(db_->write(
      [&](storage::Tx& tx) { return catalog_.update(tx, p.product_id, patch, clock_.now_ms()); }));
  deliver();
  run("gen-a");
  run("gen-b");
  ASSERT_EQ(client_.listings.size(), 2u);
  EXPECT_EQ(client_.listings[0].first, "gen-a");
  EXPECT_EQ(client_.listings[0].second.title, "Tee A");
  EXPECT_EQ(client_.listings[0].second.price_minor, 2490);
  EXPECT_EQ(client_.listings[0].second.description, "Organic cotton");
  EXPECT_EQ(client_.listings[1].second.title, "Tee");
  EXPECT_EQ(client_.listings[1].second.price_minor, 1990);
}

INSTANTIATE_TEST_SUITE_P(Engines, ChannelSyncTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::workflows
