// Idempotency-Key on POST over HTTP: replay, mismatch, in-progress, secrets, pruning; for
// orders also: nothing is reserved twice, and concurrent retries place one order.
#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

TEST_P(ApiTest, ReplayingAKeyReturnsTheFirstResponseAndWritesNothingNew) {
  ASSERT_EQ(create_product("I", {"I-1"}).status, 201);
  const std::string move = R"({"sku":"I-1","qty":5,"from":"SUPPLIER","to":"WH","reason":"receipt"})";
  auto first = send("POST", "/api/v1/stock/moves", move, "", {{"Idempotency-Key", "rcpt-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("Idempotent-Replayed"), "");
  for (int i = 0; i < 3; ++i) {
    auto again = send("POST", "/api/v1/stock/moves", move, "", {{"Idempotency-Key", "rcpt-1"}});
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  }
  EXPECT_EQ(json_at(get("/api/v1/stock/I-1").body, "on_hand"), "5");
  EXPECT_EQ(json_at(get("/api/v1/stock/I-1/ledger").body, "items"), "[1]");

  auto other = send("POST", "/api/v1/stock/moves",
                    R"({"sku":"I-1","qty":6,"from":"SUPPLIER","to":"WH","reason":"receipt"})", "",
                    {{"Idempotency-Key", "rcpt-1"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(json_at(other.body, "code"), "idempotency_mismatch");

  // Keys are scoped to the token: another token may use the same key for its own request.
  const std::string integration = token_for(governance::Role::integration);
  auto theirs = send("POST", "/api/v1/stock/moves", move, integration, {{"Idempotency-Key", "rcpt-1"}});
  EXPECT_EQ(theirs.status, 201);
  EXPECT_EQ(theirs.header("Idempotent-Replayed"), "");
  EXPECT_EQ(json_at(get("/api/v1/stock/I-1").body, "on_hand"), "10");
}

TEST_P(ApiTest, FailedRequestsStoreNothingSoARetryRunsAgain) {
  ASSERT_EQ(create_product("F", {"F-1"}).status, 201);
  const std::string sale = R"({"sku":"F-1","qty":2,"from":"WH","to":"CUSTOMER","reason":"sale"})";
  auto refused = send("POST", "/api/v1/stock/moves", sale, "", {{"Idempotency-Key", "sale-1"}});
  EXPECT_EQ(refused.status, 409);
  ASSERT_EQ(receive("F-1", 2, "WH").status, 201);
  auto retried = send("POST", "/api/v1/stock/moves", sale, "", {{"Idempotency-Key", "sale-1"}});
  EXPECT_EQ(retried.status, 201) << retried.body;
  EXPECT_EQ(json_at(get("/api/v1/stock/F-1").body, "on_hand"), "0");
}

TEST_P(ApiTest, ConcurrentRetriesCreateOneProduct) {
  const std::string body = R"({"title":"Once","variants":[{"sku":"ONCE-1"}]})";
  std::atomic<int> created{0}, replayed{0}, in_progress{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      testing::HttpClient c(server_->port());
      auto r = c.request("POST", "/api/v1/products", body,
                         {{"Authorization", "Bearer " + admin_}, {"Idempotency-Key", "p-once"}});
      if (r.status == 201 && r.header("Idempotent-Replayed").empty()) ++created;
      else if (r.status == 201) ++replayed;
      else if (r.status == 409 && json_at(r.body, "field") == "Idempotency-Key") ++in_progress;
      else ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(created + replayed + in_progress, 6);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(json_at(get("/api/v1/products?q=once-1").body, "items"), "[1]");
}

// An order POST replayed with its key returns the stored response and changes nothing (no
// order, reservation or event); the key with another body is a 422 that changes nothing
// either; a refused order stores nothing, so its retry runs again once stock arrived.
TEST_P(ApiTest, OrderReplayAndMismatchChangeNothing) {
  ASSERT_EQ(create_product("K", {"K-1"}).status, 201);
  ASSERT_EQ(receive("K-1", 4, "WH").status, 201);
  auto last_event = [&]() -> std::string {  // the last event's sequence number
    std::string after = "0";
    for (int page = 0; page < 100; ++page) {
      auto r = get("/api/v1/events?after=" + after);
      if (r.status != 200) return "<" + std::to_string(r.status) + ">";
      if (json_at(r.body, "next_after") == after) return after;
      after = json_at(r.body, "next_after");
    }
    return "<too many events>";
  };
  const std::string body = order_body(line("K-1", 1));
  auto first = send("POST", "/api/v1/orders", body, "", {{"Idempotency-Key", "ord-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string events = last_event();

  auto replay = send("POST", "/api/v1/orders", body, "", {{"Idempotency-Key", "ord-1"}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.header("Idempotent-Replayed"), "true");
  auto other = send("POST", "/api/v1/orders", order_body(line("K-1", 2)), "",
                    {{"Idempotency-Key", "ord-1"}});
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(json_at(other.body, "code"), "idempotency_mismatch");
  EXPECT_EQ(json_at(other.body, "field"), "Idempotency-Key");
  // The same key on another route is another request too.
  auto elsewhere = send("POST", "/api/v1/stock/moves", body, "", {{"Idempotency-Key", "ord-1"}});
  EXPECT_EQ(elsewhere.status, 422) << elsewhere.body;

  EXPECT_EQ(last_event(), events);
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[1]");
  EXPECT_EQ(json_at(get("/api/v1/stock/K-1").body, "reserved"), "1");
  EXPECT_EQ(json_at(get("/api/v1/orders/" + json_at(first.body, "id")).body, "reservations"), "[1]");

  const std::string big = order_body(line("K-1", 5));
  auto refused = send("POST", "/api/v1/orders", big, "", {{"Idempotency-Key", "ord-2"}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(json_at(refused.body, "code"), "insufficient_stock");
  ASSERT_EQ(receive("K-1", 2, "WH").status, 201);
  auto retried = send("POST", "/api/v1/orders", big, "", {{"Idempotency-Key", "ord-2"}});
  EXPECT_EQ(retried.status, 201) << retried.body;
  EXPECT_EQ(retried.header("Idempotent-Replayed"), "");
  EXPECT_EQ(json_at(get("/api/v1/stock/K-1").body, "reserved"), "6");
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[2]");
}

// Many clients send the same order with the same key at the same moment, in three rounds:
// per key exactly one order is placed; every other answer is that order's stored 201 (the
// same bytes) or a 409 saying the key is in progress.
TEST_P(ApiTest, ConcurrentRetriesOfAnOrderPlaceOneOrder) {
  restart_server(8);
  ASSERT_EQ(create_product("C", {"C-1"}).status, 201);
  ASSERT_EQ(receive("C-1", 100, "WH").status, 201);
  const std::string body = order_body(line("C-1", 2));
  constexpr int kClients = 12;
  for (int round = 0; round < 3; ++round) {
    const std::string key = "ord-race-" + std::to_string(round);
    std::mutex mu;
    std::vector<testing::HttpResult> fresh, replayed, other;
    int in_progress = 0;
    std::latch go(kClients);
    std::vector<std::thread> threads;
    for (int t = 0; t < kClients; ++t)
      threads.emplace_back([&] {
        testing::HttpClient c(server_->port());
        go.arrive_and_wait();
        auto r = c.request("POST", "/api/v1/orders", body,
                           {{"Authorization", "Bearer " + admin_}, {"Idempotency-Key", key}});
        std::lock_guard lock(mu);
        if (r.status == 201 && r.header("Idempotent-Replayed").empty()) fresh.push_back(r);
        else if (r.status == 201) replayed.push_back(r);
        else if (r.status == 409 && json_at(r.body, "field") == "Idempotency-Key") ++in_progress;
        else other.push_back(r);
      });
    for (auto& t : threads) t.join();
    SCOPED_TRACE(key);
    ASSERT_EQ(fresh.size(), 1u);
    for (const auto& r : replayed) EXPECT_EQ(r.body, fresh[0].body);
    EXPECT_EQ(fresh.size() + replayed.size() + static_cast<std::size_t>(in_progress),
              static_cast<std::size_t>(kClients));
    EXPECT_TRUE(other.empty()) << other[0].status << " " << other[0].body;
    // After the race, the key replays the one order.
    auto after = send("POST", "/api/v1/orders", body, "", {{"Idempotency-Key", key}});
    EXPECT_EQ(after.status, 201);
    EXPECT_EQ(after.body, fresh[0].body);
  }
  EXPECT_EQ(json_at(get("/api/v1/orders").body, "items"), "[3]");
  EXPECT_EQ(json_at(get("/api/v1/stock/C-1").body, "reserved"), "6");
}

TEST_P(ApiTest, TokenCreationIsIdempotentButItsSecretIsNeverStored) {
  const std::string body = R"({"name":"retry me","role":"integration"})";
  auto first = send("POST", "/api/v1/tokens", body, "", {{"Idempotency-Key", "tok-1"}});
  ASSERT_EQ(first.status, 201);
  auto again = send("POST", "/api/v1/tokens", body, "", {{"Idempotency-Key", "tok-1"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body.find(json_at(first.body, "token")), std::string::npos);
  // Two tokens in all: the fixture's admin and this one.
  EXPECT_EQ(json_at(get("/api/v1/tokens").body, "items"), "[2]");
}

TEST_P(ApiTest, MalformedKeysAreRejectedAndOldKeysArePruned) {
  auto bad = send("POST", "/api/v1/locations", R"({"code":"L2","name":"x","kind":"store"})", "",
                  {{"Idempotency-Key", std::string(300, 'k')}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json_at(bad.body, "field"), "Idempotency-Key");
  auto ok = send("POST", "/api/v1/locations", R"({"code":"L3","name":"x","kind":"store"})", "",
                 {{"Idempotency-Key", "loc-3"}});
  ASSERT_EQ(ok.status, 201);
  auto pruned = api::prune_idempotency_keys(*rt_->db, rt_->clock.now_ms() + 1);
  ASSERT_TRUE(pruned.has_value());
  EXPECT_EQ(*pruned, 1);
  // Forgotten: the same key now runs again (and the location exists, so: conflict).
  auto after = send("POST", "/api/v1/locations", R"({"code":"L3","name":"x","kind":"store"})", "",
                    {{"Idempotency-Key", "loc-3"}});
  EXPECT_EQ(after.status, 409);
  EXPECT_EQ(json_at(after.body, "field"), "code");
}

}  // namespace
}  // namespace fondaco::apitest
