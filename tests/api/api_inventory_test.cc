// Inventory over HTTP: locations, moves, counts, ledger, reservations, concurrency.
#include <atomic>
#include <thread>

#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

TEST_P(ApiTest, LocationsWithBins) {
  auto bin = post("/api/v1/locations",
                  R"({"code":"WH-A1","name":"Aisle A shelf 1","kind":"bin","parent":"WH","pick_order":10})");
  ASSERT_EQ(bin.status, 201) << bin.body;
  EXPECT_EQ(json_at(bin.body, "parent"), "WH");
  EXPECT_EQ(get("/api/v1/locations/WH-A1").status, 200);
  EXPECT_EQ(get("/api/v1/locations/NOPE").status, 404);
  auto orphan = post("/api/v1/locations", R"({"code":"B2","name":"x","kind":"bin"})");
  EXPECT_EQ(json_at(orphan.body, "field"), "parent");
  auto external = post("/api/v1/locations", R"({"code":"S2","name":"x","kind":"supplier"})");
  EXPECT_EQ(json_at(external.body, "field"), "kind");
  // SUPPLIER, CUSTOMER, ADJUSTMENT, WH, WH-A1
  EXPECT_EQ(json_at(get("/api/v1/locations").body, "items"), "[5]");
}

TEST_P(ApiTest, MovesCountsAndLedger) {
  ASSERT_EQ(create_product("Olio", {"OIL-1"}).status, 201);
  ASSERT_EQ(post("/api/v1/locations", R"({"code":"SHOP","name":"Shop","kind":"store"})").status, 201);
  ASSERT_EQ(receive("OIL-1", 10, "WH").status, 201);
  auto transfer = post("/api/v1/stock/moves",
                       R"({"sku":"OIL-1","qty":4,"from":"WH","to":"SHOP","reason":"transfer","reference":"T-1"})");
  ASSERT_EQ(transfer.status, 201) << transfer.body;
  auto too_much = post("/api/v1/stock/moves",
                       R"({"sku":"OIL-1","qty":7,"from":"WH","to":"SHOP","reason":"transfer"})");
  EXPECT_EQ(too_much.status, 409);
  EXPECT_EQ(json_at(too_much.body, "code"), "insufficient_stock");
  EXPECT_EQ(json_at(too_much.body, "errors[0].available"), "6");
  EXPECT_EQ(json_at(too_much.body, "errors[0].requested"), "7");

  auto count = post("/api/v1/stock/counts", R"({"sku":"OIL-1","location":"SHOP","counted":3})");
  ASSERT_EQ(count.status, 201) << count.body;
  EXPECT_EQ(json_at(count.body, "move.to"), "ADJUSTMENT");

  auto stock = get("/api/v1/stock/OIL-1");
  ASSERT_EQ(stock.status, 200);
  EXPECT_EQ(json_at(stock.body, "on_hand"), "9");
  EXPECT_EQ(json_at(stock.body, "locations"), "[2]");

  auto ledger = get("/api/v1/stock/OIL-1/ledger?limit=2");
  ASSERT_EQ(ledger.status, 200);
  EXPECT_EQ(json_at(ledger.body, "items[0].from"), "SUPPLIER");
  EXPECT_EQ(json_at(ledger.body, "items[1].reference"), "T-1");
  auto next = get("/api/v1/stock/OIL-1/ledger?limit=2&cursor=" + json_at(ledger.body, "next_cursor"));
  EXPECT_EQ(json_at(next.body, "items[0].reason"), "cycle_count");
  EXPECT_EQ(json_at(next.body, "next_cursor"), "null");
}

TEST_P(ApiTest, BadMovesAreRejectedAndWriteNothing) {
  ASSERT_EQ(create_product("X", {"X-1"}).status, 201);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"sku":"NOPE","qty":1,"from":"SUPPLIER","to":"WH","reason":"receipt"})", "sku"},
      {R"({"sku":"X-1","qty":0,"from":"SUPPLIER","to":"WH","reason":"receipt"})", "qty"},
      {R"({"sku":"X-1","qty":-3,"from":"SUPPLIER","to":"WH","reason":"receipt"})", "qty"},
      {R"({"sku":"X-1","qty":"2","from":"SUPPLIER","to":"WH","reason":"receipt"})", "qty"},
      {R"({"sku":"X-1","qty":99999999,"from":"SUPPLIER","to":"WH","reason":"receipt"})", "qty"},
      {R"({"sku":"X-1","qty":1,"from":"MARS","to":"WH","reason":"receipt"})", "from"},
      {R"({"sku":"X-1","qty":1,"from":"SUPPLIER","to":"WH","reason":"magic"})", "reason"},
      {R"({"sku":"X-1","qty":1,"from":"SUPPLIER","reason":"receipt"})", "to"},
      {R"({"sku":"X-1","qty":1,"from":"SUPPLIER","to":"WH","reason":"receipt","by":"me"})", "by"},
  };
  for (const auto& [body, field] : cases) {
    auto r = post("/api/v1/stock/moves", body);
    EXPECT_EQ(r.status / 100, 4) << body;
    EXPECT_EQ(json_at(r.body, "field"), field) << body << " → " << r.body;
  }
  EXPECT_EQ(json_at(get("/api/v1/stock/X-1/ledger").body, "items"), "[0]");
  EXPECT_EQ(get("/api/v1/stock/NOPE").status, 404);
}

TEST_P(ApiTest, ReservationsOverHttp) {
  ASSERT_EQ(create_product("R", {"R-1"}).status, 201);
  ASSERT_EQ(receive("R-1", 2, "WH").status, 201);
  auto hold = post("/api/v1/reservations",
                   R"({"sku":"R-1","location":"WH","qty":2,"reference":"cart-1","ttl_ms":900000})");
  ASSERT_EQ(hold.status, 201) << hold.body;
  EXPECT_NE(json_at(hold.body, "expires_at"), "null");
  const std::string id = json_at(hold.body, "id");
  auto more = post("/api/v1/reservations", R"({"sku":"R-1","location":"WH","qty":1,"reference":"cart-2"})");
  EXPECT_EQ(more.status, 409);
  EXPECT_EQ(json_at(get("/api/v1/stock/R-1").body, "available"), "0");
  auto sold = post("/api/v1/reservations/" + id + "/commit", "");
  ASSERT_EQ(sold.status, 200) << sold.body;
  EXPECT_EQ(json_at(sold.body, "to"), "CUSTOMER");
  auto again = post("/api/v1/reservations/" + id + "/release", "");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json_at(again.body, "code"), "invalid_transition");
  EXPECT_EQ(json_at(get("/api/v1/reservations/" + id).body, "status"), "committed");
  EXPECT_EQ(get("/api/v1/reservations/12345").status, 404);
  // An order's holds are made by order placement only.
  auto spoof = post("/api/v1/reservations",
                    R"({"sku":"R-1","location":"WH","qty":1,"reference":"order:1:line:0"})");
  EXPECT_EQ(spoof.status, 400);
  EXPECT_EQ(json_at(spoof.body, "field"), "reference");
}

// Many clients race for the last units over HTTP: exactly the stock on hand is sold.
TEST_P(ApiTest, ConcurrentClientsNeverOversell) {
  ASSERT_EQ(create_product("Hot", {"HOT-1"}).status, 201);
  ASSERT_EQ(receive("HOT-1", 25, "WH").status, 201);
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      testing::HttpClient c(server_->port());
      for (int i = 0; i < 10; ++i) {
        auto r = c.request("POST", "/api/v1/stock/moves",
                           R"({"sku":"HOT-1","qty":1,"from":"WH","to":"CUSTOMER","reason":"sale"})",
                           {{"Authorization", "Bearer " + admin_}});
        if (r.status == 201) ++created;
        else if (r.status == 409) ++refused;
        else ++other;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 25);
  EXPECT_EQ(refused.load(), 35);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(json_at(get("/api/v1/stock/HOT-1").body, "on_hand"), "0");
}

}  // namespace
}  // namespace fondaco::apitest
