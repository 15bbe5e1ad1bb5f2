// ShopifyClient against a local server answering as Shopify's GraphQL Admin API documents:
// the exact requests (path, token header, query, variables) and how every documented answer
// (success, userErrors, stale compare, THROTTLED, 429, 5xx, 4xx, no answer) is classified.
#include "fondaco/shopify/client.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <regex>

#include "fondaco/platform/json.h"
#include "fondaco/testing/http_recorder.h"
#include "fondaco/testing/testing.h"

namespace fondaco::shopify {
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

class ShopifyClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.set_responder(script_.responder());
    endpoint_.channel_code = "shopify";
    endpoint_.kind = "shopify";
    endpoint_.config.settings = {{"api_base_url", server_.url() + "/"}, {"location_id", "77"}};
    endpoint_.config.secrets = {{"access_token", "shpat_test"}};
  }
  // The GraphQL body of request i: {"query", "variables"}.
  std::unique_ptr<json::Document> body(std::size_t i) {
    auto doc = json::parse(server_.requests().at(i).body);
    EXPECT_TRUE(doc);
    return std::move(*doc);
  }
  static const json::Value& at(const json::Value& v, const char* key) {
    EXPECT_TRUE(v.IsObject() && v.HasMember(key)) << key;
    return v[key];
  }
  static std::string query_of(const json::Document& d) { return at(d.root(), "query").GetString(); }

  Script script_;
  testing::HttpRecorder server_;
  std::unique_ptr<http::Client> http_ = http::make_client();
  testing::FakeRandom random_;
  ShopifyClient client_{*http_, random_};
  channels::Endpoint endpoint_;
};

channels::StockLevel level(std::string sku, std::string item, std::int64_t quantity,
                           std::optional<std::int64_t> last_published) {
  channels::StockLevel l;
  l.sku = std::move(sku);
  l.external_sku = l.sku;
  l.inventory_item_id = std::move(item);
  l.quantity = quantity;
  l.last_published = last_published;
  return l;
}

std::vector<channels::StockLevel> two_levels() {
  return {level("SKU-A", "111", 3, 5),
          level("SKU-B", "gid://shopify/InventoryItem/222", 0, std::nullopt)};
}

TEST_F(ShopifyClientTest, StockIsSetWithCompareAndSwapAndAnIdempotencyKey) {
  script_.push(200, R"({"data":{"inventorySetQuantities":{"inventoryAdjustmentGroup":{"id":
    "gid://shopify/InventoryAdjustmentGroup/1"},"userErrors":[]}},"extensions":{"cost":{
    "requestedQueryCost":10,"actualQueryCost":10,"throttleStatus":{"maximumAvailable":2000.0,
    "currentlyAvailable":1990,"restoreRate":100.0}}}})");
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::ok) << r.detail;
  EXPECT_EQ(r.http_status, 200);
  ASSERT_EQ(server_.count(), 1u);
  auto req = server_.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/admin/api/2026-10/graphql.json");
  EXPECT_EQ(req.header("x-shopify-access-token"), "shpat_test");
  EXPECT_EQ(req.header("content-type"), "application/json");
  auto d = body(0);
  const std::string q = query_of(*d);
  EXPECT_NE(q.find("inventorySetQuantities(input: $input)"), std::string::npos) << q;
  EXPECT_TRUE(std::regex_search(
      q,
      std::regex(
          R"(@idempotent\(key: "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"\))")))
      << q;
  const auto& input = at(at(d->root(), "variables"), "input");
  EXPECT_STREQ(at(input, "name").GetString(), "available");
  EXPECT_STREQ(at(input, "reason").GetString(), "correction");
  const auto& qs = at(input, "quantities");
  ASSERT_EQ(qs.Size(), 2u);
  EXPECT_STREQ(at(qs[0], "inventoryItemId").GetString(), "gid://shopify/InventoryItem/111");
  EXPECT_STREQ(at(qs[0], "locationId").GetString(), "gid://shopify/Location/77");
  EXPECT_EQ(at(qs[0], "quantity").GetInt64(), 3);
  EXPECT_EQ(at(qs[0], "changeFromQuantity").GetInt64(), 5);
  EXPECT_STREQ(at(qs[1], "inventoryItemId").GetString(), "gid://shopify/InventoryItem/222");
  EXPECT_EQ(at(qs[1], "quantity").GetInt64(), 0);
  // Unknown published value: the documented opt-out is an explicit null, not an omission.
  EXPECT_TRUE(at(qs[1], "changeFromQuantity").IsNull());
  EXPECT_FALSE(input.HasMember("ignoreCompareQuantity"));
  EXPECT_EQ(qs[0].FindMember("compareQuantity"), qs[0].MemberEnd());
}

TEST_F(ShopifyClientTest, EveryCallGetsItsOwnIdempotencyKey) {
  script_.push(200, R"({"data":{"inventorySetQuantities":{"userErrors":[]}}})");
  script_.push(200, R"({"data":{"inventorySetQuantities":{"userErrors":[]}}})");
  auto levels = two_levels();
  EXPECT_EQ(client_.push_stock(endpoint_, levels).outcome, Outcome::ok);
  EXPECT_EQ(client_.push_stock(endpoint_, levels).outcome, Outcome::ok);
  EXPECT_NE(query_of(*body(0)), query_of(*body(1)));
}

TEST_F(ShopifyClientTest, StaleCompareRetriesWithTheChannelsCurrentQuantity) {
  script_.push(200, R"({"data":{"inventorySetQuantities":{"inventoryAdjustmentGroup":null,
    "userErrors":[{"code":"CHANGE_FROM_QUANTITY_STALE","field":["input","quantities","0",
    "changeFromQuantity"],"message":"The specified compare quantity does not match the current quantity."}]}}})");
  script_.push(200, R"({"data":{"q0":{"inventoryLevel":{"quantities":[{"name":"available",
    "quantity":4}]}}}})");
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_NE(r.detail.find("CHANGE_FROM_QUANTITY_STALE"), std::string::npos) << r.detail;
  ASSERT_EQ(r.observed.size(), 1u);
  EXPECT_EQ(r.observed[0].first, "SKU-A");
  EXPECT_EQ(r.observed[0].second, 4);
  ASSERT_EQ(server_.count(), 2u);
  auto d = body(1);
  EXPECT_NE(query_of(*d).find("q0: inventoryItem(id: $i0)"), std::string::npos);
  EXPECT_NE(query_of(*d).find("inventoryLevel(locationId: $location)"), std::string::npos);
  const auto& vars = at(d->root(), "variables");
  EXPECT_STREQ(at(vars, "i0").GetString(), "gid://shopify/InventoryItem/111");
  EXPECT_STREQ(at(vars, "location").GetString(), "gid://shopify/Location/77");
}

TEST_F(ShopifyClientTest, StaleCompareWithoutAReadableLevelStillRetries) {
  script_.push(200, R"({"data":{"inventorySetQuantities":{"userErrors":[{"code":
    "CHANGE_FROM_QUANTITY_STALE","field":["input","quantities","0","changeFromQuantity"],
    "message":"stale"}]}}})");
  script_.push(503, "unavailable");
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_TRUE(r.observed.empty());
}

TEST_F(ShopifyClientTest, OtherUserErrorsAreRejected) {
  script_.push(200, R"({"data":{"inventorySetQuantities":{"inventoryAdjustmentGroup":null,
    "userErrors":[{"code":"ITEM_NOT_STOCKED_AT_LOCATION","field":["input","quantities","1",
    "locationId"],"message":"The specified inventory item is not stocked at the location."}]}}})");
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("ITEM_NOT_STOCKED_AT_LOCATION"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("input.quantities.1.locationId"), std::string::npos) << r.detail;
  EXPECT_EQ(server_.count(), 1u);
}

TEST_F(ShopifyClientTest, ThrottledWaitsUntilTheBucketHasRefilled) {
  script_.push(200, R"({"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED",
    "documentation":"https://shopify.dev/api/usage/rate-limits"}}],"extensions":{"cost":{
    "requestedQueryCost":100,"actualQueryCost":null,"throttleStatus":{"maximumAvailable":2000.0,
    "currentlyAvailable":20,"restoreRate":100.0}}}})");
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.retry_after_ms, 800);  // (100 - 20) points at 100 points/s
}

TEST_F(ShopifyClientTest, HttpStatusesAreClassified) {
  auto too_many = testing::json_reply(429, R"({"errors":"Exceeded 2 calls per second"})");
  too_many.set_header("Retry-After", "2.0");
  script_.push(std::move(too_many));
  script_.push(500, R"({"errors":"Internal Server Error"})");
  script_.push(401, R"({"errors":"[API] Invalid API key or access token"})");
  script_.push(404, R"({"errors":"Not Found"})");
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(r.retry_after_ms, 2000);
  r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.http_status, 500);
  r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_EQ(r.http_status, 401);
  r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_EQ(r.http_status, 404);
}

TEST_F(ShopifyClientTest, GraphQLQueryErrorsAreRejected) {
  script_.push(
      200,
      R"({"errors":[{"message":"Variable $input of type InventorySetQuantitiesInput! was provided invalid value",
    "extensions":{"code":"INVALID_VARIABLE"}}]})");
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("INVALID_VARIABLE"), std::string::npos);
}

TEST_F(ShopifyClientTest, AnAnswerThatConfirmsNothingIsNotOk) {
  script_.push(200, R"({"data":{"inventorySetQuantities":null}})");
  script_.push(200, "<html>maintenance</html>");
  auto levels = two_levels();
  EXPECT_EQ(client_.push_stock(endpoint_, levels).outcome, Outcome::retry);
  EXPECT_EQ(client_.push_stock(endpoint_, levels).outcome, Outcome::retry);
}

TEST_F(ShopifyClientTest, NoAnswerIsARetry) {
  std::uint16_t closed_port = 0;
  {
    testing::HttpRecorder gone;
    closed_port = gone.port();
  }
  endpoint_.config.settings["api_base_url"] = "http://127.0.0.1:" + std::to_string(closed_port);
  auto levels = two_levels();
  PushResult r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.http_status, 0);
}

TEST_F(ShopifyClientTest, MissingOrUnsupportedSettingsAreRejectedWithoutACall) {
  auto levels = two_levels();
  auto no_location = endpoint_;
  no_location.config.settings.erase("location_id");
  EXPECT_EQ(client_.push_stock(no_location, levels).outcome, Outcome::rejected);
  auto old_version = endpoint_;
  old_version.config.settings["api_version"] = "2025-07";
  PushResult r = client_.push_stock(old_version, levels);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("api_version"), std::string::npos);
  auto no_token = endpoint_;
  no_token.config.secrets.clear();
  EXPECT_EQ(client_.push_stock(no_token, levels).outcome, Outcome::rejected);
  levels[1].inventory_item_id.clear();
  r = client_.push_stock(endpoint_, levels);
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("SKU-B"), std::string::npos);
  std::vector<channels::StockLevel> too_many(client_.max_stock_batch() + 1, levels[0]);
  EXPECT_EQ(client_.push_stock(endpoint_, too_many).outcome, Outcome::rejected);
  EXPECT_EQ(server_.count(), 0u);
  EXPECT_EQ(client_.max_stock_batch(), 250u);
}

TEST_F(ShopifyClientTest, ApiVersionSettingChoosesThePath) {
  endpoint_.config.settings["api_version"] = "2026-04";
  script_.push(200, R"({"data":{"inventorySetQuantities":{"userErrors":[]}}})");
  auto levels = two_levels();
  EXPECT_EQ(client_.push_stock(endpoint_, levels).outcome, Outcome::ok);
  EXPECT_EQ(server_.requests().at(0).target, "/admin/api/2026-04/graphql.json");
}

channels::Listing listing(std::string external_id) {
  channels::Listing l;
  l.sku = "SKU-A";
  l.external_sku = "A";
  l.external_id = std::move(external_id);
  l.title = "Maglia \"Lana\" blu";
  l.price_minor = 1250;
  l.currency = "EUR";
  l.active = false;
  return l;
}

TEST_F(ShopifyClientTest, ListingUpdatesProductTitleStatusAndVariantPrice) {
  script_.push(200, R"({"data":{"productUpdate":{"product":{"id":"gid://shopify/Product/10"},
    "userErrors":[]},"productVariantsBulkUpdate":{"productVariants":[{"id":
    "gid://shopify/ProductVariant/20"}],"userErrors":[]}}})");
  PushResult r = client_.push_listing(endpoint_, listing("10:20"));
  EXPECT_EQ(r.outcome, Outcome::ok) << r.detail;
  ASSERT_EQ(server_.count(), 1u);
  auto d = body(0);
  const std::string q = query_of(*d);
  EXPECT_NE(q.find("productUpdate(product: $product)"), std::string::npos);
  EXPECT_NE(q.find("productVariantsBulkUpdate(productId: $productId, variants: $variants)"),
            std::string::npos);
  const auto& vars = at(d->root(), "variables");
  EXPECT_STREQ(at(at(vars, "product"), "id").GetString(), "gid://shopify/Product/10");
  EXPECT_STREQ(at(at(vars, "product"), "title").GetString(), "Maglia \"Lana\" blu");
  EXPECT_STREQ(at(at(vars, "product"), "status").GetString(), "DRAFT");
  EXPECT_STREQ(at(vars, "productId").GetString(), "gid://shopify/Product/10");
  const auto& variants = at(vars, "variants");
  ASSERT_EQ(variants.Size(), 1u);
  EXPECT_STREQ(at(variants[0], "id").GetString(), "gid://shopify/ProductVariant/20");
  EXPECT_STREQ(at(variants[0], "price").GetString(), "12.50");
}

TEST_F(ShopifyClientTest, ListingByVariantIdReadsItsProductAndReportsUserErrors) {
  script_.push(200, R"({"data":{"productVariant":{"id":"gid://shopify/ProductVariant/20",
    "product":{"id":"gid://shopify/Product/10"}}}})");
  script_.push(200, R"({"data":{"productUpdate":{"product":{"id":"gid://shopify/Product/10"},
    "userErrors":[]},"productVariantsBulkUpdate":{"productVariants":null,"userErrors":[{
    "field":["variants","0","price"],"message":"Price must be greater than or equal to 0"}]}}})");
  PushResult r = client_.push_listing(endpoint_, listing("20"));
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("variants.0.price"), std::string::npos) << r.detail;
  ASSERT_EQ(server_.count(), 2u);
  auto first = body(0);
  EXPECT_NE(query_of(*first).find("productVariant(id: $id)"), std::string::npos);
  EXPECT_STREQ(at(at(first->root(), "variables"), "id").GetString(),
               "gid://shopify/ProductVariant/20");
  EXPECT_STREQ(at(at(body(1)->root(), "variables"), "productId").GetString(),
               "gid://shopify/Product/10");
}

TEST_F(ShopifyClientTest, ListingRejectsAnUnknownVariantAndAForeignCurrency) {
  script_.push(200, R"({"data":{"productVariant":null}})");
  EXPECT_EQ(client_.push_listing(endpoint_, listing("99")).outcome, Outcome::rejected);
  endpoint_.config.settings["currency"] = "USD";
  EXPECT_EQ(client_.push_listing(endpoint_, listing("10:20")).outcome, Outcome::rejected);
  EXPECT_EQ(server_.count(), 1u);
}

constexpr const char* kFulfillmentOrders = R"({"data":{"order":{"id":"gid://shopify/Order/1001",
  "fulfillmentOrders":{"nodes":[
   {"id":"gid://shopify/FulfillmentOrder/1","status":"OPEN","assignedLocation":{"location":{
    "id":"gid://shopify/Location/77"}},"lineItems":{"nodes":[
     {"id":"gid://shopify/FulfillmentOrderLineItem/11","remainingQuantity":2,"lineItem":{
      "id":"gid://shopify/LineItem/5001","sku":"A"}},
     {"id":"gid://shopify/FulfillmentOrderLineItem/12","remainingQuantity":1,"lineItem":{
      "id":"gid://shopify/LineItem/5002","sku":"B"}}]}},
   {"id":"gid://shopify/FulfillmentOrder/2","status":"CLOSED","assignedLocation":{"location":{
    "id":"gid://shopify/Location/78"}},"lineItems":{"nodes":[
     {"id":"gid://shopify/FulfillmentOrderLineItem/21","remainingQuantity":0,"lineItem":{
      "id":"gid://shopify/LineItem/5003","sku":"C"}}]}}]}}}})";

channels::FulfillmentLine line(std::string external_line_id, std::string sku,
                               std::int64_t quantity) {
  channels::FulfillmentLine l;
  l.external_line_id = std::move(external_line_id);
  l.sku = std::move(sku);
  l.quantity = quantity;
  return l;
}

channels::Fulfillment parcel(std::vector<channels::FulfillmentLine> lines) {
  channels::Fulfillment f;
  f.external_order_id = "1001";
  f.tracking_number = "RR123456785IT";
  f.carrier = "POSTE";
  f.tracking_url = "https://www.poste.it/cerca/index.html#/risultati-spedizioni/RR123456785IT";
  f.lines = std::move(lines);
  return f;
}

TEST_F(ShopifyClientTest, FulfillmentReadsFulfillmentOrdersThenCreatesOneWithTracking) {
  script_.push(200, kFulfillmentOrders);
  script_.push(200, R"({"data":{"fulfillmentCreate":{"fulfillment":{"id":
    "gid://shopify/Fulfillment/9","status":"SUCCESS"},"userErrors":[]}}})");
  PushResult r =
      client_.push_fulfillment(endpoint_, parcel({line("5001", "SKU-A", 1), line("", "B", 1)}));
  EXPECT_EQ(r.outcome, Outcome::ok) << r.detail;
  ASSERT_EQ(server_.count(), 2u);
  auto read = body(0);
  EXPECT_NE(query_of(*read).find("fulfillmentOrders(first: 50)"), std::string::npos);
  EXPECT_STREQ(at(at(read->root(), "variables"), "id").GetString(), "gid://shopify/Order/1001");
  auto create = body(1);
  EXPECT_NE(query_of(*create).find("fulfillmentCreate(fulfillment: $fulfillment)"),
            std::string::npos);
  const auto& f = at(at(create->root(), "variables"), "fulfillment");
  EXPECT_TRUE(at(f, "notifyCustomer").GetBool());
  EXPECT_STREQ(at(at(f, "trackingInfo"), "number").GetString(), "RR123456785IT");
  EXPECT_STREQ(at(at(f, "trackingInfo"), "company").GetString(), "Poste Italiane");
  EXPECT_NE(std::string(at(at(f, "trackingInfo"), "url").GetString()).find("poste.it"),
            std::string::npos);
  const auto& by_fo = at(f, "lineItemsByFulfillmentOrder");
  ASSERT_EQ(by_fo.Size(), 1u);
  EXPECT_STREQ(at(by_fo[0], "fulfillmentOrderId").GetString(), "gid://shopify/FulfillmentOrder/1");
  const auto& lines = at(by_fo[0], "fulfillmentOrderLineItems");
  ASSERT_EQ(lines.Size(), 2u);
  EXPECT_STREQ(at(lines[0], "id").GetString(), "gid://shopify/FulfillmentOrderLineItem/11");
  EXPECT_EQ(at(lines[0], "quantity").GetInt64(), 1);
  EXPECT_STREQ(at(lines[1], "id").GetString(), "gid://shopify/FulfillmentOrderLineItem/12");
  EXPECT_EQ(at(lines[1], "quantity").GetInt64(), 1);
}

TEST_F(ShopifyClientTest, FulfillmentAlreadyDoneSendsNothingAndUnknownLinesAreRejected) {
  script_.push(200, kFulfillmentOrders);
  PushResult r =
      client_.push_fulfillment(endpoint_, parcel({line("gid://shopify/LineItem/5003", "", 1)}));
  EXPECT_EQ(r.outcome, Outcome::ok) << r.detail;
  EXPECT_EQ(server_.count(), 1u);
  script_.push(200, kFulfillmentOrders);
  r = client_.push_fulfillment(endpoint_, parcel({line("9999", "", 1)}));
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("LineItem/9999"), std::string::npos) << r.detail;
  EXPECT_EQ(server_.count(), 2u);
}

TEST_F(ShopifyClientTest, FulfillmentOfAWholeOrderAndItsUserErrors) {
  endpoint_.config.settings["notify_customer"] = "false";
  script_.push(200, kFulfillmentOrders);
  script_.push(200, R"({"data":{"fulfillmentCreate":{"fulfillment":null,"userErrors":[{"field":
    ["fulfillment"],"message":"Fulfillment order 1 has an unfulfillable status= closed."}]}}})");
  PushResult r = client_.push_fulfillment(endpoint_, parcel({}));
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("unfulfillable"), std::string::npos);
  ASSERT_EQ(server_.count(), 2u);
  auto create = body(1);
  const auto& f = at(at(create->root(), "variables"), "fulfillment");
  EXPECT_FALSE(at(f, "notifyCustomer").GetBool());
  const auto& lines = at(at(f, "lineItemsByFulfillmentOrder")[0], "fulfillmentOrderLineItems");
  ASSERT_EQ(lines.Size(), 2u);  // everything left: 2 × A, 1 × B
  EXPECT_EQ(at(lines[0], "quantity").GetInt64(), 2);
  EXPECT_EQ(at(lines[1], "quantity").GetInt64(), 1);
}

TEST_F(ShopifyClientTest, FulfillmentForAnUnknownOrderIsRejected) {
  script_.push(200, R"({"data":{"order":null}})");
  PushResult r = client_.push_fulfillment(endpoint_, parcel({}));
  EXPECT_EQ(r.outcome, Outcome::rejected);
  EXPECT_NE(r.detail.find("not found"), std::string::npos);
}

TEST(ShopifyIds, GidsAndTrackingCompanies) {
  EXPECT_EQ(ShopifyClient::gid("Location", "77"), "gid://shopify/Location/77");
  EXPECT_EQ(ShopifyClient::gid("Location", "gid://shopify/Location/77"),
            "gid://shopify/Location/77");
  EXPECT_EQ(ShopifyClient::tracking_company("GLS"), "GLS");
  EXPECT_EQ(ShopifyClient::tracking_company("POSTE"), "Poste Italiane");
  EXPECT_EQ(ShopifyClient::tracking_company("Nexive"), "Nexive");
}

}  // namespace
}  // namespace fondaco::shopify
