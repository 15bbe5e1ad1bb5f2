#include "fondaco/inventory/inventory.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>

#include "fondaco/testing/ledger_check.h"
#include "fondaco/testing/testing.h"

namespace fondaco::inventory {
namespace {

class InventoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    for (auto [code, kind, parent] :
         {std::tuple{"WH", LocationKind::warehouse, ""}, {"BIN-1", LocationKind::bin, "WH"},
          {"SHOP", LocationKind::store, ""}, {"RET", LocationKind::returns, ""}}) {
      LocationInput in{code, std::string("Loc ") + code, kind, std::nullopt, 0};
      if (*parent) in.parent = parent;
      ASSERT_TRUE(db_->write([&](storage::Tx& tx) { return inv_.create_location(tx, in, 1); }));
    }
  }
  Result<Move> move(const std::string& sku, std::int64_t qty, const std::string& from,
                    const std::string& to, const std::string& reason = "transfer") {
    return db_->write([&](storage::Tx& tx) {
      return inv_.move(tx, {sku, qty, from, to, reason, "test"}, clock_.now_ms());
    });
  }
  StockLevel stock(const std::string& sku) {
    return db_->read([&](storage::Tx& tx) { return inv_.stock(tx, sku); }).value();
  }
  // Checks every invariant of the ledger against the balances (testing::LedgerCheck).
  void check_invariants() {
    auto violations = testing::ledger_violations(*db_);
    ASSERT_TRUE(violations.has_value()) << violations.error().message;
    for (const auto& v : *violations) ADD_FAILURE() << v;
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Inventory inv_{log_};
  testing::FakeClock clock_;
};

TEST_P(InventoryTest, ReceiveTransferAndReadLevels) {
  ASSERT_TRUE(move("A", 10, "SUPPLIER", "BIN-1", "receipt").has_value());
  ASSERT_TRUE(move("A", 3, "BIN-1", "SHOP").has_value());
  const auto s = stock("A");
  EXPECT_EQ(s.on_hand, 10);
  EXPECT_EQ(s.available, 10);
  ASSERT_EQ(s.locations.size(), 2u);
  EXPECT_EQ(s.locations[0].location, "BIN-1");
  EXPECT_EQ(s.locations[0].on_hand, 7);
  auto ledger = db_->read([&](storage::Tx& tx) { return inv_.ledger(tx, "A", 0, 10); }).value();
  ASSERT_EQ(ledger.items.size(), 2u);
  EXPECT_EQ(ledger.items[0].from, "SUPPLIER");
  check_invariants();
}

TEST_P(InventoryTest, CannotMoveMoreThanAvailable) {
  ASSERT_TRUE(move("A", 2, "SUPPLIER", "WH", "receipt").has_value());
  auto r = move("A", 3, "WH", "SHOP");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_stock);
  EXPECT_NE(r.error().details_json.find("\"available\":2"), std::string::npos);
  EXPECT_EQ(stock("A").on_hand, 2);
  EXPECT_EQ(move("A", 1, "SHOP", "WH").error().code, ErrorCode::insufficient_stock);
  check_invariants();
}

TEST_P(InventoryTest, RejectsBadMoves) {
  EXPECT_EQ(move("A", 0, "SUPPLIER", "WH", "receipt").error().field, "qty");
  EXPECT_EQ(move("A", -4, "SUPPLIER", "WH", "receipt").error().field, "qty");
  EXPECT_EQ(move("A", 1, "NOWHERE", "WH", "receipt").error().field, "from");
  EXPECT_EQ(move("A", 1, "WH", "WH").error().field, "to");
  EXPECT_EQ(move("A", 1, "SUPPLIER", "CUSTOMER").error().field, "to");
  EXPECT_EQ(move("A", 1, "SUPPLIER", "WH", "gift").error().field, "reason");
  EXPECT_EQ(move("bad sku", 1, "SUPPLIER", "WH", "receipt").error().field, "sku");
  auto n = db_->read([](storage::Tx& tx) { return tx.query("SELECT COUNT(*) FROM stock_moves"); });
  EXPECT_EQ(n->i64(0, 0), 0);
}

TEST_P(InventoryTest, ReservationsHoldCommitReleaseAndExpire) {
  ASSERT_TRUE(move("A", 5, "SUPPLIER", "WH", "receipt").has_value());
  auto reserve = [&](std::int64_t qty, std::optional<std::int64_t> ttl = std::nullopt) {
    return db_->write([&](storage::Tx& tx) {
      return inv_.reserve(tx, {"A", "WH", qty, "order-1/line-1", ttl}, clock_.now_ms());
    });
  };
  auto r1 = reserve(3);
  ASSERT_TRUE(r1.has_value()) << r1.error().message;
  EXPECT_EQ(stock("A").available, 2);
  EXPECT_EQ(reserve(3).error().code, ErrorCode::insufficient_stock);
  EXPECT_EQ(move("A", 3, "WH", "SHOP").error().code, ErrorCode::insufficient_stock);
  auto committed = db_->write([&](storage::Tx& tx) { return inv_.commit(tx, r1->id, 5); });
  ASSERT_TRUE(committed.has_value()) << committed.error().message;
  EXPECT_EQ(committed->to, "CUSTOMER");
  EXPECT_EQ(stock("A").on_hand, 2);
  EXPECT_EQ(stock("A").reserved, 0);
  auto twice = db_->write([&](storage::Tx& tx) { return inv_.commit(tx, r1->id, 6); });
  EXPECT_EQ(twice.error().code, ErrorCode::invalid_transition);

  auto r2 = reserve(1);
  auto released = db_->write([&](storage::Tx& tx) { return inv_.release(tx, r2->id, 7); });
  EXPECT_EQ(released->status, ReservationStatus::released);
  EXPECT_EQ(stock("A").available, 2);

  auto r3 = reserve(2, 60'000);
  ASSERT_TRUE(r3.has_value());
  EXPECT_EQ(stock("A").available, 0);
  EXPECT_EQ(db_->write([&](storage::Tx& tx) { return inv_.expire(tx, clock_.now_ms(), 10); }).value(), 0);
  clock_.advance_ms(60'001);
  EXPECT_EQ(db_->write([&](storage::Tx& tx) { return inv_.expire(tx, clock_.now_ms(), 10); }).value(), 1);
  EXPECT_EQ(stock("A").available, 2);
  check_invariants();
}

TEST_P(InventoryTest, CycleCountAdjustsToTheCountedQuantity) {
  ASSERT_TRUE(move("A", 10, "SUPPLIER", "WH", "receipt").has_value());
  auto count = [&](std::int64_t counted) {
    return db_->write([&](storage::Tx& tx) {
      return inv_.count(tx, "A", "WH", counted, "count-1", clock_.now_ms());
    });
  };
  auto down = count(7);
  ASSERT_TRUE(down.has_value() && down->has_value());
  EXPECT_EQ((*down)->to, "ADJUSTMENT");
  EXPECT_EQ((*down)->qty, 3);
  auto same = count(7);
  ASSERT_TRUE(same.has_value());
  EXPECT_FALSE(same->has_value());
  auto up = count(12);
  EXPECT_EQ((*up)->from, "ADJUSTMENT");
  EXPECT_EQ(stock("A").on_hand, 12);
  check_invariants();
}

TEST_P(InventoryTest, ConcurrentReservationsNeverOversell) {
  ASSERT_TRUE(move("HOT", 20, "SUPPLIER", "WH", "receipt").has_value());
  std::atomic<int> won{0}, short_of_stock{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto r = db_->write([&](storage::Tx& tx) {
          return inv_.reserve(tx, {"HOT", "WH", 1, "t" + std::to_string(t), std::nullopt}, 1);
        });
        if (r) ++won;
        else if (r.error().code == ErrorCode::insufficient_stock) ++short_of_stock;
        else ++other;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 20);
  EXPECT_EQ(short_of_stock.load() + other.load(), 60);
  EXPECT_EQ(stock("HOT").available, 0);
  check_invariants();
}

// Randomised operations, then every ledger invariant (seeded: failures reproduce).
TEST_P(InventoryTest, RandomOperationsKeepTheLedgerBalanced) {
  std::mt19937 rng(20261124);
  const std::vector<std::string> skus = {"A", "B", "C"};
  const std::vector<std::string> places = {"WH", "BIN-1", "SHOP", "RET", "SUPPLIER", "ADJUSTMENT",
                                           "CUSTOMER"};
  std::vector<std::int64_t> open_holds;
  for (int i = 0; i < 300; ++i) {
    const auto& sku = skus[rng() % skus.size()];
    const auto& from = places[rng() % places.size()];
    const auto& to = places[rng() % places.size()];
    const std::int64_t qty = 1 + rng() % 8;
    switch (rng() % 4) {
      case 0: (void)move(sku, qty, "SUPPLIER", places[rng() % 4], "receipt"); break;
      case 1: (void)move(sku, qty, from, to); break;
      case 2: {
        auto r = db_->write([&](storage::Tx& tx) {
          return inv_.reserve(tx, {sku, places[rng() % 4], qty, "ref", std::nullopt}, 1);
        });
        if (r) open_holds.push_back(r->id);
        break;
      }
      default:
        if (!open_holds.empty()) {
          const auto id = open_holds.back();
          open_holds.pop_back();
          (void)db_->write([&](storage::Tx& tx) -> Result<void> {
            if (rng() % 2) FONDACO_TRY(inv_.commit(tx, id, 1));
            else FONDACO_TRY(inv_.release(tx, id, 1));
            return ok();
          });
        }
    }
  }
  check_invariants();
}

TEST_P(InventoryTest, BinsNeedAWarehouse) {
  auto r = db_->write([&](storage::Tx& tx) {
    return inv_.create_location(tx, {"BIN-X", "x", LocationKind::bin, "SHOP", 1}, 1);
  });
  EXPECT_EQ(r.error().field, "parent");
  auto dup = db_->write([&](storage::Tx& tx) {
    return inv_.create_location(tx, {"WH", "again", LocationKind::warehouse, std::nullopt, 0}, 1);
  });
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
}

INSTANTIATE_TEST_SUITE_P(Engines, InventoryTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::inventory
