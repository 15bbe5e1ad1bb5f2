// WooClient against a local server answering as the WooCommerce REST API v3 documents: the
// exact requests (method, path, basic auth, JSON bodies) and how the answers (batch items with
// errors, 429, 5xx, 4xx error bodies, no answer) are classified.
#include "fondaco/woocommerce/client.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "fondaco/platform/json.h"
#include "fondaco/testing/http_recorder.h"

namespace fondaco::woocommerce {
namespace {

using channels::PushResult;
using Outcome = PushResult::Outcome;

// Answers in the order scripted; an unscripted request gets a 500 the test will notice.
class Script {
 public:
  void push(int status, std::string body) {
    std::lock_guard lock(mu_);
    replies_.push_back(testing::json_reply(status, std::move(body)));
  }
  void push(api::Response r) {
    std::lock_guard lock(mu_);
    replies_.push_back(std::move(r));
  }
  testing::HttpRecorder::Responder responder() {
    return [this](const api::Request&) {
      std::lock_guard lock(mu_);
      if (replies_.empty()) return testing::json_reply(500, R"({"unscripted":true})");
      auto r = std::move(replies_.front());
      replies_.pop_front();
      return r;
    };
  }

 private:
  std::mutex mu_;
  std::deque<api::Response> replies_;
};

class WooClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.set_responder(script_.responder());
    endpoint_.channel_code = "woo";
    endpoint_.kind = "woocommerce";
    endpoint_.config.settings = {{"api_base_url", server_.url() + "/wp-json/wc/v3/"}};
    endpoint_.config.secrets = {{"consumer_key", "ck_1"}, {"consumer_secret", "cs_2"}};
  }
  std::unique_ptr<json::Document> body(std::size_t i) {
    auto doc = json::parse(server_.requests().at(i).body);
    EXPECT_TRUE(doc) << server_.requests().at(i).body;
    return std::move(*doc);
  }
  static const json::Value& at(const json::Value& v, const char* key) {
    EXPECT_TRUE(v.IsObject() && v.HasMember(key)) << key;
    return v[key];
  }

  Script script_;
  testing::HttpRecorder server_;
  std::unique_ptr<http::Client> http_ = http::make_client();
  WooClient client_{*http_};
  channels::Endpoint endpoint_;
};

channels::StockLevel level(std::string sku, std::string external_id, std::int64_t quantity) {
  channels::StockLevel l;
  l.sku = std::move(sku);
  l.external_sku = l.sku;
  l.external_id = std::move(external_id);
  l.quantity = quantity;
  return l;
}

std::vector<channels::StockLevel> levels() {
  auto variation = level("SKU-V", "20:21", 0);
  variation.last_published = 4;  // WooCommerce has no compare-and-set: not sent
  return {level("SKU-A", "11", 3), variation, level("SKU-B", "12", 5)};
}

TEST_F(WooClientTest, StockGoesToProductAndVariationBatchesWithBasicAuth) {
  script_.push(200, R"({"update":[{"id":11,"stock_quantity":3},{"id":12,"stock_quantity":5}]})");
  script_.push(200, R"({"update":[{"id":21,"stock_quantity":0}]})");
  auto l = levels();
  PushResult r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::ok) << r.detail;
  ASSERT_EQ(server_.count(), 2u);
  auto reqs = server_.requests();
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/wp-json/wc/v3/products/batch");
  EXPECT_EQ(reqs[0].header("authorization"), "Basic Y2tfMTpjc18y");  // ck_1:cs_2
  EXPECT_EQ(reqs[0].header("content-type"), "application/json");
  EXPECT_EQ(reqs[0].body, R"({"update":[{"id":11,"manage_stock":true,"stock_quantity":3},)"
                          R"({"id":12,"manage_stock":true,"stock_quantity":5}]})");
  EXPECT_EQ(reqs[1].target, "/wp-json/wc/v3/products/20/variations/batch");
  EXPECT_EQ(reqs[1].body, R"({"update":[{"id":21,"manage_stock":true,"stock_quantity":0}]})");
  EXPECT_EQ(client_.max_stock_batch(), 100u);
}

TEST_F(WooClientTest, PerItemErrorsInTheBatchAnswerAreReported) {
  script_.push(200, R"({"update":[{"id":11,"stock_quantity":3},{"id":12,"error":{"code":
    "woocommerce_rest_product_invalid_id","message":"Invalid ID.","data":{"status":400}}}]})");
  std::vector<channels::StockLevel> l = {levels()[0], levels()[2]};
  PushResult r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("SKU-B: woocommerce_rest_product_invalid_id"), std::string::npos)
      << r.detail;
  EXPECT_EQ(r.detail.find("SKU-A"), std::string::npos);
}

TEST_F(WooClientTest, HttpStatusesAreClassified) {
  auto too_many = testing::json_reply(429, "{}");
  too_many.set_header("Retry-After", "30");
  script_.push(std::move(too_many));
  script_.push(502, "<html>Bad Gateway</html>");
  script_.push(
      401,
      R"({"code":"woocommerce_rest_cannot_edit","message":"Sorry, you are not allowed to edit this resource.","data":{"status":401}})");
  script_.push(
      404,
      R"({"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}})");
  std::vector<channels::StockLevel> l = {levels()[0]};
  PushResult r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.retry_after_ms, 30'000);
  r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.http_status, 502);
  r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_EQ(r.http_status, 401);
  EXPECT_NE(r.detail.find("woocommerce_rest_cannot_edit"), std::string::npos);
  r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("rest_no_route"), std::string::npos);
}

TEST_F(WooClientTest, NoAnswerIsARetry) {
  std::uint16_t closed_port = 0;
  {
    testing::HttpRecorder gone;
    closed_port = gone.port();
  }
  endpoint_.config.settings["api_base_url"] =
      "http://127.0.0.1:" + std::to_string(closed_port) + "/wp-json/wc/v3";
  std::vector<channels::StockLevel> l = {levels()[0]};
  PushResult r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.http_status, 0);
}

TEST_F(WooClientTest, PlainHttpShopsMissingSecretsAndIdsAreRejectedWithoutACall) {
  auto l = levels();
  auto plain = endpoint_;
  plain.config.settings["api_base_url"] = "http://shop.example/wp-json/wc/v3";
  PushResult r = client_.push_stock(plain, l);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("OAuth 1.0a"), std::string::npos);
  auto no_secret = endpoint_;
  no_secret.config.secrets.erase("consumer_secret");
  EXPECT_EQ(client_.push_stock(no_secret, l).outcome, Outcome::rejected);
  l[1].external_id = "SKU-V";
  r = client_.push_stock(endpoint_, l);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("PARENT:VARIATION"), std::string::npos);
  std::vector<channels::StockLevel> too_many(101, levels()[0]);
  EXPECT_EQ(client_.push_stock(endpoint_, too_many).outcome, Outcome::rejected);
  EXPECT_EQ(server_.count(), 0u);
}

channels::Listing listing(std::string external_id, bool active) {
  channels::Listing l;
  l.sku = "SKU-A";
  l.external_id = std::move(external_id);
  l.title = "Tazza \"Caffè\"";
  l.price_minor = 1990;
  l.currency = "EUR";
  l.active = active;
  return l;
}

TEST_F(WooClientTest, ListingPutsNamePriceAndStatus) {
  script_.push(200, R"({"id":11,"name":"Tazza \"Caffè\"","regular_price":"19.90"})");
  script_.push(200, R"({"id":21,"regular_price":"19.90"})");
  EXPECT_EQ(client_.push_listing(endpoint_, listing("11", false)).outcome, Outcome::ok);
  EXPECT_EQ(client_.push_listing(endpoint_, listing("20:21", true)).outcome, Outcome::ok);
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].target, "/wp-json/wc/v3/products/11");
  EXPECT_EQ(reqs[0].body, R"({"name":"Tazza \"Caffè\"","status":"draft","regular_price":"19.90"})");
  EXPECT_EQ(reqs[1].method, "PUT");
  EXPECT_EQ(reqs[1].target, "/wp-json/wc/v3/products/20/variations/21");
  EXPECT_EQ(reqs[1].body, R"({"status":"publish","regular_price":"19.90"})");
  endpoint_.config.settings["currency"] = "USD";
  EXPECT_EQ(client_.push_listing(endpoint_, listing("11", true)).outcome, Outcome::rejected);
  EXPECT_EQ(server_.count(), 2u);
}

channels::Fulfillment parcel(bool complete) {
  channels::Fulfillment f;
  f.external_order_id = "727";
  f.tracking_number = "GLS123";
  f.carrier = "GLS";
  f.tracking_url = "https://gls-group.com/track/GLS123";
  f.complete = complete;
  return f;
}
constexpr const char* kNote =
    "Shipped with GLS, tracking number GLS123: https://gls-group.com/track/GLS123";

TEST_F(WooClientTest, FulfillmentAddsACustomerNoteThenCompletesTheOrder) {
  script_.push(
      200,
      R"([{"id":280,"note":"Order status changed from Pending payment to Processing.","customer_note":false}])");
  script_.push(201, R"({"id":281,"note":"Shipped with GLS","customer_note":true})");
  script_.push(200, R"({"id":727,"status":"completed"})");
  PushResult r = client_.push_fulfillment(endpoint_, parcel(true));
  EXPECT_EQ(r.outcome, Outcome::ok) << r.detail;
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/wp-json/wc/v3/orders/727/notes");
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].target, "/wp-json/wc/v3/orders/727/notes");
  auto note = body(1);
  EXPECT_STREQ(at(note->root(), "note").GetString(), kNote);
  EXPECT_TRUE(at(note->root(), "customer_note").GetBool());
  EXPECT_EQ(reqs[2].method, "PUT");
  EXPECT_EQ(reqs[2].target, "/wp-json/wc/v3/orders/727");
  EXPECT_EQ(reqs[2].body, R"({"status":"completed"})");
}

TEST_F(WooClientTest, ARetriedFulfillmentDoesNotRepeatTheNoteAndAPartialOneLeavesTheStatus) {
  script_.push(200, std::string(R"([{"id":281,"note":")") + kNote + R"(","customer_note":true}])");
  script_.push(200, R"({"id":727,"status":"completed"})");
  EXPECT_EQ(client_.push_fulfillment(endpoint_, parcel(true)).outcome, Outcome::ok);
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].method, "PUT");
  server_.clear();
  script_.push(200, "[]");
  script_.push(201, R"({"id":282})");
  EXPECT_EQ(client_.push_fulfillment(endpoint_, parcel(false)).outcome, Outcome::ok);
  reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].method, "POST");
}

TEST_F(WooClientTest, FulfillmentForAMissingOrderIsRejected) {
  script_.push(
      404,
      R"({"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}})");
  PushResult r = client_.push_fulfillment(endpoint_, parcel(true));
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_EQ(r.http_status, 404);
  EXPECT_EQ(server_.count(), 1u);
  auto bad = parcel(true);
  bad.external_order_id = "#727";
  EXPECT_EQ(client_.push_fulfillment(endpoint_, bad).outcome, Outcome::rejected);
  EXPECT_EQ(server_.count(), 1u);
}

}  // namespace
}  // namespace fondaco::woocommerce
