#include "fondaco/workflows/place_order.h"

#include <gtest/gtest.h>

#include "fondaco/platform/json.h"
#include "fondaco/testing/testing.h"

namespace fondaco::workflows {
namespace {

using inventory::LocationKind;

class PlaceOrderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    auto made = db_->write([&](storage::Tx& tx) -> Result<void> {
      for (auto [code, kind] : {std::pair{"WH1", LocationKind::warehouse},
                                {"WH2", LocationKind::warehouse}, {"SHOP", LocationKind::store}})
        FONDACO_TRY(inventory_.create_location(tx, {code, code, kind, std::nullopt, 0}, 1));
      auto p = testing::ProductBuilder("Olio").variant("OIL", 1000).variant("WINE", 1500).build();
      p.variants[0].prices->push_back({"default", 900, 6});  // 6+ bottles: 9.00
      p.variants[1].vat_rate_bp = 1000;
      FONDACO_TRY(catalog_.create(tx, p, 1));
      return ok();
    });
    ASSERT_TRUE(made) << made.error().message;
  }
  void receive(const std::string& sku, std::int64_t qty, const std::string& loc) {
    auto r = db_->write([&](storage::Tx& tx) {
      return inventory_.move(tx, {sku, qty, "SUPPLIER", loc, "receipt", ""}, 1);
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  PlaceOrderInput input(std::vector<std::pair<std::string, std::int64_t>> lines) {
    PlaceOrderInput in;
    in.order.customer.email = "a@b.it";
    for (auto& [sku, qty] : lines) in.order.lines.push_back({sku, qty, std::nullopt, 0, std::nullopt});
    return in;
  }
  Result<PlacedOrder> place(const PlaceOrderInput& in) {
    return db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, 100); });
  }
  inventory::StockLevel stock(const std::string& sku) {
    return db_->read([&](storage::Tx& tx) { return inventory_.stock(tx, sku); }).value();
  }
  std::int64_t count(const std::string& table) {
    return db_->read([&](storage::Tx& tx) -> Result<std::int64_t> {
                return FONDACO_TRY(tx.query("SELECT COUNT(*) FROM " + table)).i64(0, 0);
              }).value();
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  catalog::Catalog catalog_{log_};
  inventory::Inventory inventory_{log_};
  orders::Orders orders_{log_};
  OrderServices services_{catalog_, inventory_, orders_};
};

TEST_P(PlaceOrderTest, PricesFromCatalogAndPrefersOneLocation) {
  receive("OIL", 10, "WH1");
  receive("OIL", 10, "WH2");
  receive("WINE", 5, "WH2");
  auto placed = place(input({{"OIL", 6}, {"WINE", 2}}));
  ASSERT_TRUE(placed) << placed.error().message;
  EXPECT_TRUE(placed->created);
  const auto& o = placed->order;
  EXPECT_EQ(o.lines[0].unit_price_minor, 900);  // the 6+ tier
  EXPECT_EQ(o.lines[0].vat_rate_bp, 2200);
  EXPECT_EQ(o.lines[1].unit_price_minor, 1500);
  EXPECT_EQ(o.lines[1].vat_rate_bp, 1000);
  EXPECT_EQ(o.totals.total_minor, 5400 + 3000);
  // WH1 lacks WINE, WH2 has both: everything from WH2.
  ASSERT_EQ(placed->reservations.size(), 2u);
  for (const auto& r : placed->reservations) EXPECT_EQ(r.location, "WH2");
  EXPECT_EQ(placed->reservations[0].reference, reservation_reference(o.id, 1));
  EXPECT_EQ(stock("OIL").reserved, 6);
  EXPECT_EQ(stock("WINE").reserved, 2);
}

TEST_P(PlaceOrderTest, SplitsALineWhenNoLocationServesTheOrder) {
  receive("OIL", 4, "WH1");
  receive("OIL", 3, "SHOP");
  auto placed = place(input({{"OIL", 6}}));
  ASSERT_TRUE(placed) << placed.error().message;
  ASSERT_EQ(placed->reservations.size(), 2u);
  std::map<std::string, std::int64_t> by_loc;
  for (const auto& r : placed->reservations) by_loc[r.location] = r.qty;
  EXPECT_EQ(by_loc["WH1"], 4);
  EXPECT_EQ(by_loc["SHOP"], 2);
  // A given priority list is followed.
  receive("OIL", 10, "WH2");
  auto in = input({{"OIL", 1}});  // SHOP has 1 left, WH1 none, WH2 is not listed
  in.locations = {"SHOP", "WH1"};
  auto second = place(in);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->reservations.size(), 1u);
  EXPECT_EQ(second->reservations[0].location, "SHOP");
  in.locations = {"SUPPLIER"};
  EXPECT_EQ(place(in).error().field, "locations[0]");
}

TEST_P(PlaceOrderTest, ShortStockListsEveryShortLineAndWritesNothing) {
  receive("OIL", 2, "WH1");
  receive("WINE", 1, "WH2");
  const auto events_before = count("events");
  auto r = place(input({{"OIL", 3}, {"WINE", 1}, {"WINE", 4}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_stock);
  EXPECT_EQ(r.error().field, "lines");
  auto details = json::parse(r.error().details_json).value();
  const auto& arr = details->root();
  ASSERT_EQ(arr.Size(), 2u);
  EXPECT_EQ(arr[0]["sku"].GetString(), std::string("OIL"));
  EXPECT_EQ(arr[0]["requested"].GetInt64(), 3);
  EXPECT_EQ(arr[0]["available"].GetInt64(), 2);
  EXPECT_EQ(arr[1]["line"].GetInt64(), 2);
  EXPECT_EQ(arr[1]["available"].GetInt64(), 0);
  EXPECT_EQ(count("orders"), 0);
  EXPECT_EQ(count("reservations"), 0);
  EXPECT_EQ(count("events"), events_before);
  EXPECT_EQ(stock("OIL").reserved, 0);
  // The refused order consumed no number.
  EXPECT_EQ(place(input({{"OIL", 2}}))->order.number, "WEB-000001");
}

TEST_P(PlaceOrderTest, UnknownSkuAndCurrencyMismatchNameTheField) {
  receive("OIL", 5, "WH1");
  EXPECT_EQ(place(input({{"OIL", 1}, {"NOPE", 1}})).error().field, "lines[1].sku");
  auto in = input({{"OIL", 1}});
  in.order.currency = "USD";
  EXPECT_EQ(place(in).error().field, "currency");
  in.order.lines[0].unit_price_minor = 100;  // a given price needs no price list
  EXPECT_TRUE(place(in));
  EXPECT_EQ(count("orders"), 1);
}

TEST_P(PlaceOrderTest, ExternalRefReturnsTheExistingOrderWithoutReservingAgain) {
  receive("OIL", 5, "WH1");
  auto in = input({{"OIL", 2}});
  in.order.channel = "shopify";
  in.order.external_ref = "#1001";
  auto first = place(in);
  ASSERT_TRUE(first);
  auto second = place(in);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->order.id, first->order.id);
  EXPECT_EQ(second->reservations.size(), 1u);
  EXPECT_EQ(stock("OIL").reserved, 2);
  EXPECT_EQ(count("orders"), 1);
}

TEST_P(PlaceOrderTest, CancelReleasesReservations) {
  receive("OIL", 4, "WH1");
  receive("OIL", 4, "WH2");
  auto placed = place(input({{"OIL", 6}}));
  ASSERT_TRUE(placed);
  EXPECT_EQ(stock("OIL").available, 2);
  auto cancelled = db_->write([&](storage::Tx& tx) {
    return cancel_order(tx, services_, placed->order.id, "customer asked", 200);
  });
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  EXPECT_EQ(cancelled->order.status, orders::Status::cancelled);
  ASSERT_EQ(cancelled->reservations.size(), 2u);
  for (const auto& r : cancelled->reservations)
    EXPECT_EQ(r.status, inventory::ReservationStatus::released);
  EXPECT_EQ(stock("OIL").available, 8);
  EXPECT_EQ(stock("OIL").reserved, 0);
  auto again = db_->write([&](storage::Tx& tx) {
    return cancel_order(tx, services_, placed->order.id, "", 300);
  });
  EXPECT_EQ(again.error().code, ErrorCode::invalid_transition);
}

INSTANTIATE_TEST_SUITE_P(Engines, PlaceOrderTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::workflows
