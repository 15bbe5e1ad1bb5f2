// The real libcurl client against a local recorder: methods, headers, bodies, basic auth,
// statuses passed through, transport failures as `unavailable`, oversized bodies refused.
#include "fondaco/http/client.h"

#include <gtest/gtest.h>

#include "fondaco/base/limits.h"
#include "fondaco/testing/http_recorder.h"

namespace fondaco::http {
namespace {

TEST(HttpClient, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  testing::HttpRecorder server;
  server.set_responder([](const api::Request&) {
    auto r = testing::json_reply(201, R"({"ok":true})");
    r.set_header("X-Request-Id", "abc");
    return r;
  });
  auto client = make_client();
  Request req;
  req.method = "PUT";
  req.url = server.url() + "/admin/api/x.json?a=1";
  req.headers = {{"Content-Type", "application/json"}, {"X-Shopify-Access-Token", "shpat"}};
  req.body = R"({"k":"v"})";
  auto res = client->send(req);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, R"({"ok":true})");
  EXPECT_EQ(res->header("x-request-id"), "abc");
  auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].target, "/admin/api/x.json?a=1");
  EXPECT_EQ(got[0].body, R"({"k":"v"})");
  EXPECT_EQ(got[0].header("x-shopify-access-token"), "shpat");
}

TEST(HttpClient, BasicAuthAndErrorStatusesAreResponses) {
  testing::HttpRecorder server;
  server.set_responder([](const api::Request&) { return testing::json_reply(503, "{}"); });
  auto client = make_client();
  Request req;
  req.url = server.url() + "/wp-json/wc/v3/products/batch";
  req.basic_user = "ck_1";
  req.basic_password = "cs_2";
  auto res = client->send(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  // "ck_1:cs_2" in base64.
  EXPECT_EQ(server.requests().at(0).header("authorization"), "Basic Y2tfMTpjc18y");
}

TEST(HttpClient, TransportFailuresAndBadUrlsAreErrors) {
  auto client = make_client();
  std::uint16_t closed_port = 0;
  {
    testing::HttpRecorder gone;
    closed_port = gone.port();
  }
  Request req;
  req.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  req.timeout_ms = 2000;
  auto res = client->send(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::unavailable);
  req.url = "file:///etc/passwd";
  res = client->send(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(res.error().field, "url");
}

TEST(HttpClient, RefusesAnOversizedResponse) {
  testing::HttpRecorder server;
  server.set_responder([](const api::Request&) {
    return testing::json_reply(200, std::string(limits::kHttpClientMaxResponseBytes + 1, 'x'));
  });
  Request req;
  req.method = "GET";
  req.url = server.url() + "/big";
  auto res = make_client()->send(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace fondaco::http
