#include <gtest/gtest.h>

#include "fondaco/channels/channels.h"
#include "fondaco/channels/listings.h"
#include "fondaco/channels/sync_queue.h"
#include "fondaco/testing/testing.h"

namespace fondaco::channels {
namespace {

TEST(StockPolicyTest, PublishableQuantityAppliesBuffersCapsAndStop) {
  EXPECT_EQ(publishable_quantity({}, 7), 7);
  EXPECT_EQ(publishable_quantity({}, 0), 0);
  EXPECT_EQ(publishable_quantity({}, -3), 0);
  EXPECT_EQ(publishable_quantity({.buffer_units = 2}, 7), 5);
  EXPECT_EQ(publishable_quantity({.buffer_units = 9}, 7), 0);
  // 10 % of 5 is 0.5: rounded up, one unit is kept back.
  EXPECT_EQ(publishable_quantity({.buffer_percent = 10}, 5), 4);
  EXPECT_EQ(publishable_quantity({.buffer_percent = 10}, 10), 9);
  EXPECT_EQ(publishable_quantity({.buffer_percent = 10}, 11), 9);
  EXPECT_EQ(publishable_quantity({.buffer_percent = 100}, 11), 0);
  EXPECT_EQ(publishable_quantity({.buffer_units = 1, .buffer_percent = 20}, 10), 7);
  EXPECT_EQ(publishable_quantity({.max_listed = 3}, 10), 3);
  EXPECT_EQ(publishable_quantity({.max_listed = 0}, 10), 0);
  EXPECT_EQ(publishable_quantity({.buffer_units = 2, .max_listed = 50}, 10), 8);
  // stop_below looks at the available quantity, before the buffers.
  EXPECT_EQ(publishable_quantity({.stop_below = 5}, 4), 0);
  EXPECT_EQ(publishable_quantity({.stop_below = 5}, 5), 5);
  EXPECT_EQ(publishable_quantity({.buffer_units = 1, .stop_below = 3}, 3), 2);
  for (std::int64_t a = -2; a < 200; ++a) {
    const StockPolicy p{
        .buffer_units = a % 3, .buffer_percent = a % 40, .max_listed = 150, .stop_below = a % 5};
    const auto q = publishable_quantity(p, a);
    EXPECT_GE(q, 0);
    EXPECT_LE(q, std::max<std::int64_t>(a, 0));
  }
}

class SyncQueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    auto c = db_->write([&](storage::Tx& tx) {
      return channels_.create(tx, {.code = "gen", .kind = Kind::generic, .name = "Generic"},
                              clock_.now_ms());
    });
    ASSERT_TRUE(c) << c.error().message;
    channel_id_ = c->id;
  }
  Result<bool> want(const std::string& sku, std::int64_t q, bool force = false) {
    return db_->write([&](storage::Tx& tx) {
      return SyncQueue::want(tx, channel_id_, SyncKind::stock, sku, q, "", clock_.now_ms(), force);
    });
  }
  std::vector<SyncItem> claim(int limit = 10) {
    return db_
        ->write([&](storage::Tx& tx) {
          return SyncQueue::claim(tx, channel_id_, SyncKind::stock, clock_.now_ms(), limit, 1000);
        })
        .value();
  }
  void record(const SyncItem& s, const SyncOutcome& o) {
    ASSERT_TRUE(
        db_->write([&](storage::Tx& tx) { return SyncQueue::record(tx, s, o, clock_.now_ms()); }));
  }
  SyncItem row(const std::string& sku) {
    return db_
        ->read(
            [&](storage::Tx& tx) { return SyncQueue::find(tx, channel_id_, SyncKind::stock, sku); })
        .value()
        .value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Channels channels_{log_};
  testing::FakeClock clock_;
  std::int64_t channel_id_ = 0;
};

TEST_P(SyncQueueTest, PolicyIsValidatedStoredAndPatched) {
  auto bad = db_->write([&](storage::Tx& tx) {
    return channels_.create(tx, {.code = "x", .name = "X", .policy = {.buffer_percent = 101}},
                            clock_.now_ms());
  });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::unprocessable);
  EXPECT_EQ(bad.error().field, "buffer_percent");
  auto c = db_->write([&](storage::Tx& tx) {
    return channels_.create(
        tx, {.code = "y", .name = "Y", .policy = {.buffer_units = 2, .max_listed = 10}},
        clock_.now_ms());
  });
  ASSERT_TRUE(c);
  EXPECT_EQ(c->policy.buffer_units, 2);
  EXPECT_EQ(c->policy.max_listed, 10);
  ChannelPatch p;
  p.max_listed = std::optional<std::int64_t>{};
  p.stop_below = 4;
  auto u =
      db_->write([&](storage::Tx& tx) { return channels_.update(tx, "y", p, clock_.now_ms()); });
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->policy.max_listed);
  EXPECT_EQ(u->policy.stop_below, 4);
  EXPECT_EQ(u->policy.buffer_units, 2);
  ChannelPatch neg;
  neg.buffer_units = -1;
  auto n =
      db_->write([&](storage::Tx& tx) { return channels_.update(tx, "y", neg, clock_.now_ms()); });
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().field, "buffer_units");
}

TEST_P(SyncQueueTest, ListingsMapExternalNamesBackToSkus) {
  auto up = db_->write([&](storage::Tx& tx) {
    return Listings::upsert(tx, channel_id_,
                            {.sku = "TEE-M",
                             .external_sku = "SHOP-TEE-M",
                             .external_id = "4711",
                             .title = "Tee (web)",
                             .price_minor = 1990},
                            clock_.now_ms());
  });
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_TRUE(up->second);
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return Listings::upsert(tx, channel_id_, {.sku = "MUG"}, clock_.now_ms());
  }));
  auto lookup = [&](std::string_view ext_sku, std::string_view ext_id) {
    return db_
        ->read([&](storage::Tx& tx) { return sku_for_external(tx, channel_id_, ext_sku, ext_id); })
        .value();
  };
  EXPECT_EQ(lookup("whatever", "4711"), "TEE-M");
  EXPECT_EQ(lookup("SHOP-TEE-M", ""), "TEE-M");
  EXPECT_EQ(lookup("SHOP-TEE-M", "999"), "TEE-M");
  EXPECT_EQ(lookup("MUG", ""), "MUG");  // unmapped external SKU = the Fondaco SKU
  EXPECT_EQ(lookup("NOPE", "1"), std::nullopt);
  auto again = db_->write([&](storage::Tx& tx) {
    return Listings::upsert(tx, channel_id_, {.sku = "TEE-M", .external_id = "4712"},
                            clock_.now_ms());
  });
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->second);
  EXPECT_EQ(again->first.external_sku, "TEE-M");
  EXPECT_FALSE(again->first.title);
  EXPECT_EQ(lookup("", "4711"), std::nullopt);
  auto bad = db_->write([&](storage::Tx& tx) {
    return Listings::upsert(tx, channel_id_, {.sku = "A", .price_minor = -1}, clock_.now_ms());
  });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "price_minor");
  auto list =
      db_->read([&](storage::Tx& tx) { return Listings::list(tx, channel_id_, "", 1); }).value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].sku, "MUG");
  ASSERT_TRUE(
      db_->write([&](storage::Tx& tx) { return Listings::remove(tx, channel_id_, "MUG"); }));
  auto gone = db_->write([&](storage::Tx& tx) { return Listings::remove(tx, channel_id_, "MUG"); });
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::not_found);
}

TEST_P(SyncQueueTest, CoalescingKeepsTheLatestValue) {
  EXPECT_TRUE(want("A", 10).value());
  EXPECT_FALSE(want("A", 10).value());  // unchanged: no new version
  EXPECT_TRUE(want("A", 9).value());
  EXPECT_TRUE(want("A", 7).value());
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].desired, 7);
  EXPECT_EQ(claimed[0].version, 3);
  EXPECT_TRUE(claim().empty());  // leased
  // Two more changes while the push is in flight: only the last is sent next.
  EXPECT_TRUE(want("A", 6).value());
  EXPECT_TRUE(want("A", 5).value());
  record(claimed[0], {.published = 7});
  auto r = row("A");
  EXPECT_EQ(r.published, 7);
  EXPECT_EQ(r.state(), "pending");
  auto next = claim();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].desired, 5);
  record(next[0], {.published = 5});
  EXPECT_EQ(row("A").state(), "synced");
  EXPECT_TRUE(claim().empty());
  EXPECT_FALSE(want("A", 5).value());
  EXPECT_TRUE(want("A", 5, true).value());  // resync forces a version
  EXPECT_EQ(claim().size(), 1u);
}

TEST_P(SyncQueueTest, RetryWaitsAndRejectedSettlesTheVersion) {
  ASSERT_TRUE(want("A", 3));
  ASSERT_TRUE(want("B", 4));
  auto claimed = claim(1);
  ASSERT_EQ(claimed.size(), 1u);
  const auto t0 = clock_.now_ms();
  record(claimed[0],
         {.kind = SyncOutcome::Kind::retry, .error = "HTTP 503", .retry_at = t0 + 5000});
  auto r = row(claimed[0].item);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.state(), "retrying");
  EXPECT_EQ(r.last_error, "HTTP 503");
  // The other row is due; the retried one is not until its time.
  auto other = claim();
  ASSERT_EQ(other.size(), 1u);
  EXPECT_NE(other[0].item, claimed[0].item);
  EXPECT_EQ(
      db_->read([&](storage::Tx& tx) { return SyncQueue::next_due(tx, channel_id_); }).value(),
      t0 + 1000);  // the other row's lease ends first
  record(other[0], {.kind = SyncOutcome::Kind::rejected, .error = "HTTP 400 unknown sku"});
  EXPECT_EQ(row(other[0].item).state(), "failed");
  // A new value while backing off keeps the backoff time.
  ASSERT_TRUE(want(claimed[0].item, 2));
  clock_.advance_ms(4999);
  EXPECT_TRUE(claim().empty());
  clock_.advance_ms(1);
  auto retried = claim();
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].desired, 2);
  record(retried[0], {.published = 2});
  r = row(claimed[0].item);
  EXPECT_EQ(r.attempts, 0);
  EXPECT_FALSE(r.last_error);
  EXPECT_EQ(r.state(), "synced");
}

TEST_P(SyncQueueTest, DeliveryLogIsNewestFirstAndPruned) {
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
      return SyncQueue::log_delivery(
          tx, {0, channel_id_, "stock", 1, 200, "ok", "n" + std::to_string(i), 3, clock_.now_ms()},
          10);
    }));
  auto page =
      db_->read([&](storage::Tx& tx) { return SyncQueue::deliveries(tx, channel_id_, 0, 5); })
          .value();
  ASSERT_EQ(page.size(), 5u);
  EXPECT_EQ(page[0].detail, "n99");
  auto rest = db_->read([&](storage::Tx& tx) {
                   return SyncQueue::deliveries(tx, channel_id_, page.back().id, 1000);
                 })
                  .value();
  EXPECT_LT(rest.size() + 5, 10u + 32u);  // pruned to `keep` every 32nd insert
  EXPECT_GE(rest.size() + 5, 10u);
}

INSTANTIATE_TEST_SUITE_P(Engines, SyncQueueTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::channels
