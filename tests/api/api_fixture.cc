#include "api_fixture.h"

namespace fondaco::apitest {

void ApiTest::SetUp() {
  tdb_ = std::make_unique<testing::TestDb>(GetParam());
  auto rt = app::make_runtime(tdb_->url(), smtp_config());
  ASSERT_TRUE(rt.has_value()) << rt.error().message;
  rt_ = std::move(*rt);
  server_ = api::make_http_server({"127.0.0.1", 0, 2}, api::make_api_handler(*rt_->services));
  auto started = server_->start();
  ASSERT_TRUE(started.has_value()) << started.error().message;
  client_ = std::make_unique<testing::HttpClient>(server_->port());
  admin_ = token_for(governance::Role::admin);
  // A warehouse to put stock in.
  auto wh = post("/api/v1/locations", R"({"code":"WH","name":"Warehouse","kind":"warehouse"})");
  ASSERT_EQ(wh.status, 201) << wh.body;
}

void ApiTest::restart_server(int threads) {
  client_.reset();
  server_->stop();
  server_ = api::make_http_server({"127.0.0.1", 0, threads}, api::make_api_handler(*rt_->services));
  auto started = server_->start();
  ASSERT_TRUE(started.has_value()) << started.error().message;
  client_ = std::make_unique<testing::HttpClient>(server_->port());
}

void ApiTest::TearDown() {
  client_.reset();
  if (server_) server_->stop();
  server_.reset();
  rt_.reset();
  tdb_.reset();
}

std::string ApiTest::token_for(governance::Role role) {
  auto created = rt_->db->write([&](storage::Tx& tx) {
    return rt_->tokens->create(tx, "test", role, rt_->random, rt_->clock.now_ms());
  });
  EXPECT_TRUE(created.has_value());
  return created ? created->secret : std::string();
}

testing::HttpResult ApiTest::send(const std::string& method, const std::string& target,
                                  const std::string& body, const std::string& token,
                                  std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("Authorization", "Bearer " + (token.empty() ? admin_ : token));
  return client_->request(method, target, body, std::move(headers));
}

testing::HttpResult ApiTest::get(const std::string& target, const std::string& token) {
  return send("GET", target, "", token);
}
testing::HttpResult ApiTest::post(const std::string& target, const std::string& body,
                                  const std::string& token) {
  return send("POST", target, body, token);
}
testing::HttpResult ApiTest::patch(const std::string& target, const std::string& body,
                                   const std::string& token) {
  return send("PATCH", target, body, token);
}
testing::HttpResult ApiTest::del(const std::string& target, const std::string& token) {
  return send("DELETE", target, "", token);
}

testing::HttpResult ApiTest::create_product(const std::string& title,
                                            std::vector<std::string> skus) {
  std::string variants;
  for (const auto& s : skus)
    variants += (variants.empty() ? "" : ",") + std::string(R"({"sku":")") + s +
                R"(","prices":[{"amount_minor":1000}]})";
  return post("/api/v1/products",
              R"({"title":")" + title + R"(","status":"active","variants":[)" + variants + "]}");
}

testing::HttpResult ApiTest::receive(const std::string& sku, int qty, const std::string& location) {
  return post("/api/v1/stock/moves", R"({"sku":")" + sku + R"(","qty":)" + std::to_string(qty) +
                                         R"(,"from":"SUPPLIER","to":")" + location +
                                         R"(","reason":"receipt"})");
}

std::string order_body(const std::string& lines, const std::string& extra) {
  return R"({"customer":{"email":"anna@example.it","name":"Anna"},)"
         R"("shipping_address":{"name":"Anna","line1":"Via Roma 1","city":"Firenze","postal_code":"50123","country":"IT"},)"
         R"("shipping_minor":500,"lines":[)" + lines + "]" + extra + "}";
}

std::string line(const std::string& sku, int qty) {
  return R"({"sku":")" + sku + R"(","qty":)" + std::to_string(qty) + "}";
}

}  // namespace fondaco::apitest
