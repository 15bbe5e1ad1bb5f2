// The API layer without sockets: routing, auth order, problem mapping, URL decoding.
#include <gtest/gtest.h>

#include "router.h"

namespace fondaco::api {
namespace {

TEST(Problem, EveryCodeMapsToAStatus) {
  EXPECT_EQ(http_status(ErrorCode::invalid_argument), 400);
  EXPECT_EQ(http_status(ErrorCode::unauthorized), 401);
  EXPECT_EQ(http_status(ErrorCode::forbidden), 403);
  EXPECT_EQ(http_status(ErrorCode::not_found), 404);
  EXPECT_EQ(http_status(ErrorCode::insufficient_stock), 409);
  EXPECT_EQ(http_status(ErrorCode::payload_too_large), 413);
  EXPECT_EQ(http_status(ErrorCode::idempotency_mismatch), 422);
  EXPECT_EQ(http_status(ErrorCode::internal), 500);
}

TEST(Problem, RendersRfc9457WithCodeAndField) {
  Error e = make_error(ErrorCode::invalid_argument, "must be positive", "lines[0].qty");
  Response r = problem_response(e);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find(R"("code":"invalid_argument")"), std::string::npos);
  EXPECT_NE(r.body.find(R"("field":"lines[0].qty")"), std::string::npos);
  EXPECT_NE(r.body.find(R"("status":400)"), std::string::npos);
  Error internal = make_error(ErrorCode::internal, "SQL secret detail", "constraint:x");
  Response hidden = problem_response(internal);
  EXPECT_EQ(hidden.body.find("SQL secret"), std::string::npos);
  EXPECT_EQ(hidden.body.find("constraint"), std::string::npos);
}

TEST(UrlDecode, DecodesAndRejectsMalformed) {
  EXPECT_EQ(url_decode("Caff%C3%A8+bar", true), "Caffè bar");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
  EXPECT_FALSE(url_decode("%zz", true).has_value());
  EXPECT_FALSE(url_decode("%4", true).has_value());
  EXPECT_FALSE(url_decode("%00", true).has_value());
  EXPECT_FALSE(url_decode("%ff", true).has_value());
}

TEST(Cursor, RoundTripsAndRejectsTampering) {
  Params query;
  query["cursor"] = encode_cursor(42);
  query["limit"] = "7";
  auto p = page_request(query, 500);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->after_id, 42);
  EXPECT_EQ(p->limit, 7);
  query["cursor"] = "djE6LTE";  // "v1:-1"
  EXPECT_EQ(page_request(query, 500).error().field, "cursor");
  query["cursor"] = encode_cursor(1);
  query["limit"] = "9999999";
  EXPECT_EQ(page_request(query, 500).error().field, "limit");
}

TEST(Routes, EveryRouteDeclaresItsAccess) {
  for (const auto& r : route_table()) {
    EXPECT_TRUE(r.pattern.starts_with("/api/v1/") || r.pattern == "/healthz" ||
                r.pattern == "/readyz" || r.pattern == "/metrics")
        << r.pattern;
  }
  for (auto group : {system_routes, catalog_routes, inventory_routes, governance_routes})
    for (const auto& r : group()) {
      if (!r.access.public_route && r.pattern != "/api/v1/tokens" &&
          r.pattern != "/api/v1/tokens/{id}") {
        EXPECT_FALSE(r.access.roles.empty()) << r.method << " " << r.pattern;
      }
    }
}

}  // namespace
}  // namespace fondaco::api
