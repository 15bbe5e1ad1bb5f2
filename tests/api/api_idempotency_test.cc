// Idempotency-Key on POST over HTTP: replay, mismatch, in-progress, secrets, pruning.
#include <atomic>
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
