// Black-box tests over real HTTP: health, auth and roles, errors, pagination, events.
#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

using governance::Role;

TEST_P(ApiTest, HealthReadinessMetricsAndOpenApiArePublic) {
  EXPECT_EQ(client_->request("GET", "/healthz").status, 200);
  auto ready = client_->request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(json_at(ready.body, "status"), "ready");
  auto metrics = client_->request("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("fondaco_http_requests_total{route=\"/api/v1/locations\","
                              "method=\"POST\",status=\"201\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("fondaco_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("fondaco_db_commit_seconds_count"), std::string::npos);
  auto doc = client_->request("GET", "/api/v1/openapi.yaml");
  EXPECT_EQ(doc.status, 200);
  EXPECT_TRUE(doc.body.starts_with("openapi: 3.1.0"));
}

TEST_P(ApiTest, MissingOrInvalidTokenIs401AndWrongRoleIs403) {
  auto none = client_->request("GET", "/api/v1/products");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(json_at(none.body, "code"), "unauthorized");
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(get("/api/v1/products", "fdc_not-a-real-token").status, 401);
  auto basic = client_->request("GET", "/api/v1/products", "", {{"Authorization", "Basic abc"}});
  EXPECT_EQ(basic.status, 401);

  const std::string logistics = token_for(Role::logistics);
  EXPECT_EQ(get("/api/v1/products", logistics).status, 200);
  auto forbidden = create_product("X", {"X-1"});
  EXPECT_EQ(forbidden.status, 201);
  auto denied = post("/api/v1/products", R"({"title":"Y","variants":[{"sku":"Y-1"}]})", logistics);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(json_at(denied.body, "code"), "forbidden");
  EXPECT_EQ(get("/api/v1/tokens", logistics).status, 403);
  EXPECT_EQ(get("/api/v1/events", logistics).status, 403);
  EXPECT_EQ(get("/api/v1/events", token_for(Role::integration)).status, 200);
}

TEST_P(ApiTest, TokensCanBeCreatedListedAndRevoked) {
  auto created = post("/api/v1/tokens", R"({"name":"shopify sync","role":"integration"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("Cache-Control"), "no-store");
  const std::string secret = json_at(created.body, "token");
  const std::string id = json_at(created.body, "id");
  auto me = get("/api/v1/me", secret);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(json_at(me.body, "role"), "integration");
  auto list = get("/api/v1/tokens");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret), std::string::npos) << "secrets are never listed";
  EXPECT_EQ(del("/api/v1/tokens/" + id).status, 200);
  EXPECT_EQ(get("/api/v1/me", secret).status, 401);
  auto bad_role = post("/api/v1/tokens", R"({"name":"x","role":"root"})");
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_EQ(json_at(bad_role.body, "field"), "role");
}

TEST_P(ApiTest, BadRequestsGetProblemsNamingTheField) {
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{", 400, "invalid_argument", "body"},
      {"[1,2]", 400, "invalid_argument", "body"},
      {"{\"title\":\"\xff\xfe\",\"variants\":[{\"sku\":\"A\"}]}", 400, "invalid_argument", "body"},
      {R"({"variants":[{"sku":"A"}]})", 400, "invalid_argument", "title"},
      {R"({"title":5,"variants":[{"sku":"A"}]})", 400, "invalid_argument", "title"},
      {R"({"title":"T","variants":[]})", 400, "invalid_argument", "variants"},
      {R"({"title":"T","variants":[{"sku":"A"}],"colour":"red"})", 400, "invalid_argument", "colour"},
      {R"({"title":"T","variants":[{"sku":"A","gtin":"1234567890123"}]})", 400, "invalid_argument",
       "variants[0].gtin"},
      {R"({"title":"T","variants":[{"sku":"A","prices":[{"amount_minor":-5}]}]})", 400,
       "invalid_argument", "variants[0].prices[0].amount_minor"},
      {R"({"title":"T","variants":[{"sku":"A","prices":[{"amount_minor":1.5}]}]})", 400,
       "invalid_argument", "variants[0].prices[0].amount_minor"},
      {R"({"title":"T","variants":[{"sku":"A","weight_g":"heavy"}]})", 400, "invalid_argument",
       "variants[0].weight_g"},
      {R"({"title":"T","variants":[{"sku":"A"},{"sku":"A"}]})", 400, "invalid_argument",
       "variants[1].sku"},
  };
  for (const auto& c : cases) {
    auto r = post("/api/v1/products", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(json_at(r.body, "code"), c.code) << c.body;
    EXPECT_EQ(json_at(r.body, "field"), c.field) << c.body << " → " << r.body;
  }
  // Nothing was written by any of them.
  auto list = get("/api/v1/products");
  EXPECT_EQ(json_at(list.body, "items"), "[0]");
  auto events = get("/api/v1/events");
  EXPECT_EQ(events.body.find("product.created"), std::string::npos);
}

TEST_P(ApiTest, TransportLevelErrors) {
  auto wrong_type = send("POST", "/api/v1/products", R"({"title":"T"})", "",
                         {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_EQ(json_at(wrong_type.body, "code"), "unsupported_media_type");
  auto huge = post("/api/v1/products", std::string(2 << 20, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(json_at(huge.body, "code"), "payload_too_large");
  auto unknown = get("/api/v1/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_at(unknown.body, "code"), "not_found");
  auto method = send("PUT", "/api/v1/products", "{}", "");
  EXPECT_EQ(method.status, 405);
  EXPECT_NE(method.header("Allow").find("POST"), std::string::npos);
  auto garbage = client_->raw("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_TRUE(garbage.starts_with("HTTP/1.1 400")) << garbage;
}

TEST_P(ApiTest, ListsUseCursorsAndCapTheLimit) {
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(create_product("P" + std::to_string(i), {"P-" + std::to_string(i)}).status, 201);
  auto first = get("/api/v1/products?limit=2");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(json_at(first.body, "items"), "[2]");
  std::string cursor = json_at(first.body, "next_cursor");
  std::vector<std::string> titles = {json_at(first.body, "items[0].title"),
                                     json_at(first.body, "items[1].title")};
  while (cursor != "null") {
    auto page = get("/api/v1/products?limit=2&cursor=" + cursor);
    ASSERT_EQ(page.status, 200);
    for (int i = 0; json_at(page.body, "items[" + std::to_string(i) + "].title") != "<missing>"; ++i)
      titles.push_back(json_at(page.body, "items[" + std::to_string(i) + "].title"));
    cursor = json_at(page.body, "next_cursor");
  }
  EXPECT_EQ(titles, (std::vector<std::string>{"P0", "P1", "P2", "P3", "P4"}));
  // base64url("v1:99999999999999999999"): a number past int64 must be a 400, not a 500.
  for (std::string bad : {"limit=0", "limit=501", "limit=abc", "limit=-1", "cursor=%%%",
                          "cursor=bm9wZQ", "colour=red", "cursor=djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}) {
    auto r = get("/api/v1/products?" + bad);
    EXPECT_EQ(r.status, 400) << bad;
  }
  EXPECT_EQ(json_at(get("/api/v1/products?limit=501").body, "field"), "limit");
}

TEST_P(ApiTest, EventsTailInOrder) {
  ASSERT_EQ(create_product("E", {"E-1"}).status, 201);
  ASSERT_EQ(receive("E-1", 3, "WH").status, 201);
  auto all = get("/api/v1/events?after=0&limit=1000");
  ASSERT_EQ(all.status, 200);
  // The fixture created the admin token and the warehouse first.
  EXPECT_EQ(json_at(all.body, "items[0].type"), "token.created");
  EXPECT_EQ(json_at(all.body, "items[1].type"), "location.created");
  EXPECT_EQ(json_at(all.body, "items[2].type"), "product.created");
  EXPECT_EQ(json_at(all.body, "items[3].type"), "stock.changed");
  EXPECT_EQ(json_at(all.body, "items[3].data.available"), "3");
  EXPECT_EQ(json_at(all.body, "items[3].seq"), "4");
  EXPECT_EQ(json_at(all.body, "next_after"), "4");
  auto rest = get("/api/v1/events?after=3");
  EXPECT_EQ(json_at(rest.body, "items"), "[1]");
  auto none = get("/api/v1/events?after=4");
  EXPECT_EQ(json_at(none.body, "items"), "[0]");
  EXPECT_EQ(json_at(none.body, "next_after"), "4");
  EXPECT_EQ(get("/api/v1/events?limit=100000").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Engines, ApiTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::apitest
