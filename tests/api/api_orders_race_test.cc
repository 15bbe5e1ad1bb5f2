// Races for the last units over real HTTP, on both engines: many clients on many
// connections order the same SKU at once; the server must sell exactly what it has, number
// the orders without gaps, and leave a ledger that balances.
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "api_fixture.h"
#include "fondaco/testing/ledger_check.h"

namespace fondaco::apitest {
namespace {

struct RaceOutcome {
  std::vector<testing::HttpResult> created;  // 201s
  int insufficient = 0;                      // 409 insufficient_stock
  std::vector<std::string> other;            // anything else: status and body
};

// `clients` threads, each on its own connection, released together, send `requests` POSTs
// of `body` to /api/v1/orders in all.
RaceOutcome race(std::uint16_t port, const std::string& token, const std::string& body, int clients,
                 int requests) {
  RaceOutcome out;
  std::mutex mu;
  std::latch go(clients);
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t)
    threads.emplace_back([&, t] {
      testing::HttpClient c(port);
      go.arrive_and_wait();
      for (int i = t; i < requests; i += clients) {
        auto r = c.request("POST", "/api/v1/orders", body, {{"Authorization", "Bearer " + token}});
        std::lock_guard lock(mu);
        if (r.status == 201)
          out.created.push_back(std::move(r));
        else if (r.status == 409 && json_at(r.body, "code") == "insufficient_stock")
          ++out.insufficient;
        else
          out.other.push_back(std::to_string(r.status) + " " + r.body.substr(0, 300));
      }
    });
  for (auto& t : threads) t.join();
  return out;
}

// 500 clients race for 100 units split 60 + 40 over two warehouses: exactly 100 orders are
// placed (numbered WEB-000001..WEB-000100, none skipped), the other 400 get
// insufficient_stock, each reservation holds one unit, and the ledger balances.
TEST_P(ApiTest, OrdersRaceFiveHundredClientsForAHundredUnits) {
  restart_server(8);  // eight requests in the database at once
  ASSERT_EQ(create_product("Hot", {"HOT-1"}).status, 201);
  ASSERT_EQ(
      post("/api/v1/locations", R"({"code":"WH2","name":"Second","kind":"warehouse"})").status,
      201);
  ASSERT_EQ(receive("HOT-1", 60, "WH").status, 201);
  ASSERT_EQ(receive("HOT-1", 40, "WH2").status, 201);

  const auto out = race(server_->port(), admin_, order_body(line("HOT-1", 1)), 25, 500);
  EXPECT_EQ(out.created.size(), 100u);
  EXPECT_EQ(out.insufficient, 400);
  EXPECT_TRUE(out.other.empty()) << out.other.size() << " unexpected, first: " << out.other[0];

  std::set<std::string> ids, numbers;
  std::map<std::string, int> held_at;
  for (const auto& r : out.created) {
    ids.insert(json_at(r.body, "id"));
    numbers.insert(json_at(r.body, "number"));
    ASSERT_EQ(json_at(r.body, "reservations"), "[1]") << r.body;
    EXPECT_EQ(json_at(r.body, "reservations[0].qty"), "1");
    EXPECT_EQ(json_at(r.body, "reservations[0].status"), "active");
    ++held_at[json_at(r.body, "reservations[0].location")];
  }
  EXPECT_EQ(ids.size(), 100u);
  std::set<std::string> expected_numbers;
  for (int n = 1; n <= 100; ++n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "WEB-%06d", n);
    expected_numbers.insert(buf);
  }
  EXPECT_EQ(numbers, expected_numbers);
  EXPECT_EQ(held_at["WH"], 60);
  EXPECT_EQ(held_at["WH2"], 40);

  auto stock = get("/api/v1/stock/HOT-1");
  EXPECT_EQ(json_at(stock.body, "on_hand"), "100");
  EXPECT_EQ(json_at(stock.body, "reserved"), "100");
  EXPECT_EQ(json_at(stock.body, "available"), "0");
  EXPECT_EQ(json_at(stock.body, "locations[0].location"), "WH");
  EXPECT_EQ(json_at(stock.body, "locations[0].reserved"), "60");
  EXPECT_EQ(json_at(stock.body, "locations[1].reserved"), "40");
  EXPECT_EQ(json_at(get("/api/v1/orders?limit=500").body, "items"), "[100]");
  auto violations = testing::ledger_violations(*rt_->db);
  ASSERT_TRUE(violations.has_value()) << violations.error().message;
  EXPECT_TRUE(violations->empty()) << violations->front();
}

// Orders of two SKUs race for the last units of both: an order is placed whole or not at
// all, so every reservation of the winners is accounted for and no SKU is oversold.
TEST_P(ApiTest, OrdersRaceMultiLineAllOrNothing) {
  restart_server(8);
  ASSERT_EQ(create_product("Pair", {"PA-1", "PA-2"}).status, 201);
  ASSERT_EQ(
      post("/api/v1/locations", R"({"code":"WH2","name":"Second","kind":"warehouse"})").status,
      201);
  ASSERT_EQ(receive("PA-1", 30, "WH").status, 201);
  ASSERT_EQ(receive("PA-1", 30, "WH2").status, 201);
  ASSERT_EQ(receive("PA-2", 25, "WH2").status, 201);  // PA-2 runs out first: 12 orders of 2

  const auto out =
      race(server_->port(), admin_, order_body(line("PA-1", 3) + "," + line("PA-2", 2)), 16, 60);
  EXPECT_EQ(out.created.size(), 12u);
  EXPECT_EQ(out.insufficient, 48);
  EXPECT_TRUE(out.other.empty()) << out.other.size() << " unexpected, first: " << out.other[0];
  EXPECT_EQ(json_at(get("/api/v1/stock/PA-1").body, "reserved"), "36");
  EXPECT_EQ(json_at(get("/api/v1/stock/PA-2").body, "reserved"), "24");
  EXPECT_EQ(json_at(get("/api/v1/orders?limit=500").body, "items"), "[12]");
  auto violations = testing::ledger_violations(*rt_->db);
  ASSERT_TRUE(violations.has_value()) << violations.error().message;
  EXPECT_TRUE(violations->empty()) << violations->front();
}

}  // namespace
}  // namespace fondaco::apitest
