// Channel sync over real HTTP: channels with different stock policies, each pointing at its
// own recording HTTP server through the real GenericClient; POS orders race for a scarce
// SKU through the API while the channel worker pushes; once the load stops every channel's
// last received quantity must equal its computed availability.
#include <atomic>
#include <chrono>
#include <thread>

#include "api_fixture.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/credentials.h"
#include "fondaco/platform/json.h"
#include "fondaco/platform/system.h"
#include "fondaco/testing/http_recorder.h"

namespace fondaco::apitest {
namespace {

struct Pushed {
  std::int64_t quantity = -1;
  std::size_t pushes = 0;
};

// The last quantity of `sku` a generic endpoint received in stock.levels bodies.
Pushed last_pushed(const testing::HttpRecorder& rec, const std::string& sku) {
  Pushed out;
  for (const auto& r : rec.requests()) {
    auto doc = json::parse(r.body);
    if (!doc) continue;
    const auto& root = (*doc)->root();
    if (!root.IsObject() || !root.HasMember("levels")) continue;
    for (const auto& l : root["levels"].GetArray())
      if (l.HasMember("sku") && l["sku"].GetString() == sku && l.HasMember("quantity")) {
        out.quantity = l["quantity"].GetInt64();
        ++out.pushes;
      }
  }
  return out;
}

// Polls `done` every 10 ms for at most timeout_ms.
template <typename F>
bool eventually(std::int64_t timeout_ms, F&& done) {
  for (std::int64_t waited = 0; waited <= timeout_ms; waited += 10) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Shopify's Admin GraphQL API for one order (gid 4004) with one open fulfillment order
// holding 2 × SCARCE, and a fulfillmentCreate that succeeds.
api::Response shopify_fulfilment_api(const api::Request& req) {
  if (req.body.find("fulfillmentOrders") != std::string::npos)
    return testing::json_reply(
        200, R"({"data":{"order":{"id":"gid://shopify/Order/4004","fulfillmentOrders":{"nodes":[)"
             R"({"id":"gid://shopify/FulfillmentOrder/5501","status":"OPEN","assignedLocation":)"
             R"({"location":{"id":"gid://shopify/Location/77"}},"lineItems":{"nodes":[)"
             R"({"id":"gid://shopify/FulfillmentOrderLineItem/6601","remainingQuantity":2,)"
             R"("lineItem":{"id":"gid://shopify/LineItem/40040","sku":"SCARCE"}}]}}]}}}})");
  if (req.body.find("fulfillmentCreate") != std::string::npos)
    return testing::json_reply(200, R"({"data":{"fulfillmentCreate":{"fulfillment":)"
                                    R"({"id":"gid://shopify/Fulfillment/7701","status":)"
                                    R"("SUCCESS"},"userErrors":[]}}})");
  return testing::json_reply(404, R"({"errors":"Not Found"})");
}

// Whether `r` is a fulfillmentCreate of `qty` units of fulfillment order `fo` carrying this
// tracking number.
bool is_fulfilment(const testing::RecordedRequest& r, const std::string& fo, std::int64_t qty,
                   const std::string& tracking) {
  auto doc = json::parse(r.body);
  if (!doc) return false;
  const auto& root = (*doc)->root();
  if (!root.IsObject() || !root.HasMember("variables") || !root["variables"].IsObject() ||
      !root["variables"].HasMember("fulfillment"))
    return false;
  const auto& f = root["variables"]["fulfillment"];
  const auto& by_fo = f["lineItemsByFulfillmentOrder"];
  return by_fo.IsArray() && by_fo.Size() == 1 &&
         std::string(by_fo[0]["fulfillmentOrderId"].GetString()) == fo &&
         by_fo[0]["fulfillmentOrderLineItems"][0]["quantity"].GetInt64() == qty &&
         std::string(f["trackingInfo"]["number"].GetString()) == tracking;
}

class ChannelSyncApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    rt_->services->channel_sync_wake = [rt = rt_.get()](std::int64_t id) {
      rt->wake_channel_sync(id);
    };
    ASSERT_EQ(create_product("Scarce tee", {"SCARCE", "OTHER"}).status, 201);
    ASSERT_EQ(receive("SCARCE", 40, "WH").status, 201);
  }
  void TearDown() override {
    if (rt_) {
      rt_->stop_channel_sync();
      rt_->dispatcher->stop();
    }
    ApiTest::TearDown();
  }
  // Creates a generic channel with this policy JSON pointed at `rec`, listing SCARCE.
  void add_channel(const std::string& code, const std::string& policy,
                   const testing::HttpRecorder& rec) {
    auto c = post("/api/v1/channels", R"({"code":")" + code + R"(","kind":"generic","name":")" +
                                          code + "\"" + policy + "}");
    ASSERT_EQ(c.status, 201) << c.body;
    const auto id = std::stoll(json_at(c.body, "id"));
    ASSERT_TRUE(rt_->db->write([&](storage::Tx& tx) -> Result<void> {
      FONDACO_TRY(channels::Credentials::set_setting(tx, id, "api_base_url", rec.url() + "/stock",
                                                     rt_->clock.now_ms()));
      FONDACO_TRY(channels::Credentials::set_secret(tx, id, "signing_secret", "s3cret-" + code,
                                                    rt_->clock.now_ms()));
      return ok();
    }));
    auto l = send("PUT", "/api/v1/channels/" + code + "/listings/SCARCE",
                  R"({"external_id":"ext-)" + code + R"("})", "",
                  {{"Content-Type", "application/json"}});
    ASSERT_EQ(l.status, 201) << l.body;
  }
  std::int64_t publishable(const std::string& code) {
    auto s = get("/api/v1/channels/" + code + "/stock");
    EXPECT_EQ(s.status, 200) << s.body;
    return std::stoll(json_at(s.body, "items[0].publishable"));
  }
};

TEST_P(ChannelSyncApiTest, PolicyFieldsAreValidatedAndShown) {
  auto bad = post("/api/v1/channels", R"({"code":"bad","name":"Bad","buffer_percent":150})");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("buffer_percent"), std::string::npos);
  auto c = post("/api/v1/channels",
                R"({"code":"pol","kind":"generic","name":"P","buffer_units":2,"max_listed":9})");
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(json_at(c.body, "buffer_units"), "2");
  EXPECT_EQ(json_at(c.body, "max_listed"), "9");
  auto p = patch("/api/v1/channels/pol", R"({"max_listed":null,"stop_below":4})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(json_at(p.body, "max_listed"), "null");
  EXPECT_EQ(json_at(p.body, "stop_below"), "4");
  EXPECT_EQ(json_at(p.body, "buffer_units"), "2");
  auto unknown = send("PUT", "/api/v1/channels/pol/listings/NOPE", "{}", "",
                      {{"Content-Type", "application/json"}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  auto resync_pos = post("/api/v1/channels/pos/resync", "");
  EXPECT_EQ(resync_pos.status, 409) << resync_pos.body;
}

TEST_P(ChannelSyncApiTest, ConcurrentPosOrdersThenEveryChannelConverges) {
  testing::HttpRecorder a, b, c;
  add_channel("gen-a", "", a);
  add_channel("gen-b", R"(,"buffer_units":2,"buffer_percent":10)", b);
  add_channel("gen-c", R"(,"max_listed":5,"stop_below":3)", c);
  if (HasFatalFailure()) return;
  rt_->dispatcher->start();
  rt_->start_channel_sync();
  // Listing pushed the stock at once: 40, 40 − 2 − 4 = 34, capped at 5.
  for (auto [rec, want] : {std::pair{&a, 40}, {&b, 34}, {&c, 5}})
    EXPECT_TRUE(rec->wait_for([&, want = want, rec = rec](const auto&) {
      return last_pushed(*rec, "SCARCE").quantity == want;
    })) << want;
  restart_server(16);
  std::atomic<int> sold{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t)
    clients.emplace_back([&, t] {
      testing::HttpClient http(server_->port());
      for (int i = 0; i < 8; ++i) {
        const int qty = 1 + (t + i) % 2;
        auto r = http.request(
            "POST", "/api/v1/orders", order_body(line("SCARCE", qty), R"(,"channel":"pos")"),
            {{"Authorization", "Bearer " + admin_}, {"Content-Type", "application/json"}});
        if (r.status == 201) sold += qty;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_LE(sold.load(), 40);
  EXPECT_GT(sold.load(), 0);
  // Bounded wait: every channel converges to its computed availability.
  for (auto [rec, code] : {std::pair{&a, "gen-a"}, {&b, "gen-b"}, {&c, "gen-c"}}) {
    const std::int64_t want = publishable(code);
    EXPECT_TRUE(rec->wait_for([&, rec = rec, want](const auto&) {
      return last_pushed(*rec, "SCARCE").quantity == want;
    })) << code
        << " wants " << want << " last " << last_pushed(*rec, "SCARCE").quantity;
    auto s = get(std::string("/api/v1/channels/") + code + "/stock");
    EXPECT_TRUE(eventually(5000, [&] {
      s = get(std::string("/api/v1/channels/") + code + "/stock");
      return json_at(s.body, "items[0].state") == "synced";
    })) << s.body;
    EXPECT_EQ(json_at(s.body, "items[0].published"), std::to_string(want));
  }
  EXPECT_EQ(publishable("gen-a"), 40 - sold.load());
  // The delivery log shows the calls, newest first; a resync sends again.
  auto d = get("/api/v1/channels/gen-a/deliveries?limit=2");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(json_at(d.body, "items[0].outcome"), "ok");
  EXPECT_EQ(json_at(d.body, "items[0].http_status"), "200");
  const auto before = last_pushed(a, "SCARCE").pushes;
  auto r = post("/api/v1/channels/gen-a/resync", "");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json_at(r.body, "queued"), "1");
  EXPECT_TRUE(a.wait_for([&](const auto&) { return last_pushed(a, "SCARCE").pushes > before; }));
}

// Status back: a paid Shopify order ships through the chain (shipment, label, scan, ship) and
// the channel worker sends the parcel to Shopify as a fulfilment with its tracking number,
// after reading the order's fulfillment orders as the Admin GraphQL API documents them.
TEST_P(ChannelSyncApiTest, ShippedShopifyOrderIsSentBackAsAFulfilmentWithTracking) {
  testing::HttpRecorder shop;
  shop.set_responder(shopify_fulfilment_api);
  auto creds =
      send("PUT", "/api/v1/channels/shopify/credentials",
           R"({"settings":{"api_base_url":")" + shop.url() +
               R"("},"secrets":{"access_token":"shpat_test","webhook_secret":"shp-back"}})",
           admin_);
  ASSERT_EQ(creds.status, 200) << creds.body;
  rt_->dispatcher->start();
  rt_->start_channel_sync();

  const std::string order =
      R"({"id":4004,"name":"#4004","updated_at":"2026-04-01T10:00:00Z",)"
      R"("created_at":"2026-04-01T10:00:00Z","currency":"EUR","financial_status":"paid",)"
      R"("taxes_included":true,"total_price":"24.00","email":"buyer@example.com",)"
      R"("shipping_address":{"name":"Anna Rossi","address1":"Via Roma 1","city":"Firenze",)"
      R"("zip":"50123","province_code":"FI","country_code":"IT"},)"
      R"("line_items":[{"id":40040,"sku":"SCARCE","variant_id":7,"quantity":2,)"
      R"("price":"12.00","name":"Scarce tee"}]})";
  std::string sig = base64url_encode(platform::hmac_sha256("shp-back", order));
  for (char& ch : sig) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (sig.size() % 4) sig += '=';
  auto created = client_->request("POST", "/api/v1/channels/shopify/webhooks/shopify", order,
                                  {{"X-Shopify-Topic", "orders/create"},
                                   {"X-Shopify-Webhook-Id", "wh-back"},
                                   {"X-Shopify-Hmac-Sha256", sig}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string order_id = json_at(created.body, "order_id");

  // The chain ships the paid order: a shipment with its label, then a person packs and ships.
  std::string ship;
  ASSERT_TRUE(eventually(20'000,
                         [&] {
                           ship = get("/api/v1/shipments?order_id=" + order_id).body;
                           return json_at(ship, "items[0].has_label") == "true";
                         }))
      << ship << "\nfailures: " << get("/api/v1/automations/failures").body;
  const std::string base = "/api/v1/shipments/" + json_at(ship, "items[0].id");
  const std::string tracking = json_at(ship, "items[0].tracking_number");
  ASSERT_FALSE(tracking.empty());
  for (int i = 0; i < 2; ++i) {
    auto s = post(base + "/scan", R"({"code":"SCARCE"})");
    ASSERT_EQ(s.status, 200) << s.body;
  }
  auto shipped = post(base + "/ship", "{}");
  ASSERT_EQ(shipped.status, 200) << shipped.body;

  // Shopify receives a fulfilment of its fulfillment order's line, with the tracking number.
  EXPECT_TRUE(shop.wait_for([&](const auto& reqs) {
    for (const auto& r : reqs)
      if (is_fulfilment(r, "gid://shopify/FulfillmentOrder/5501", 2, tracking)) return true;
    return false;
  })) << shop.count()
      << " requests; deliveries " << get("/api/v1/channels/shopify/deliveries").body;
  bool asked_order = false;
  for (const auto& r : shop.requests()) {
    EXPECT_EQ(r.header("X-Shopify-Access-Token"), "shpat_test");
    asked_order = asked_order || (r.body.find("fulfillmentOrders") != std::string::npos &&
                                  r.body.find("gid://shopify/Order/4004") != std::string::npos);
  }
  EXPECT_TRUE(asked_order);
  std::string d;
  EXPECT_TRUE(eventually(5000, [&] {
    d = get("/api/v1/channels/shopify/deliveries").body;
    return json_at(d, "items[0].kind") == "fulfillment";
  })) << d;
  EXPECT_EQ(json_at(d, "items[0].outcome"), "ok") << d;
  EXPECT_NE(json_at(d, "items[0].detail").find("gid://shopify/Fulfillment/7701"), std::string::npos)
      << d;
}

// A deactivated channel's lane stops: later stock changes reach the other channels only;
// re-activating it starts a lane again and it catches up with the current quantity.
TEST_P(ChannelSyncApiTest, ADeactivatedChannelGetsNoPushesUntilReactivated) {
  testing::HttpRecorder a, b;
  add_channel("gen-a", "", a);
  add_channel("gen-b", "", b);
  if (HasFatalFailure()) return;
  rt_->dispatcher->start();
  rt_->start_channel_sync();
  for (auto* rec : {&a, &b})
    ASSERT_TRUE(
        rec->wait_for([&](const auto&) { return last_pushed(*rec, "SCARCE").quantity == 40; }));
  ASSERT_EQ(patch("/api/v1/channels/gen-b", R"({"active":false})").status, 200);
  const auto b_before = b.count();
  ASSERT_EQ(receive("SCARCE", 5, "WH").status, 201);
  EXPECT_TRUE(a.wait_for([&](const auto&) { return last_pushed(a, "SCARCE").quantity == 45; }));
  EXPECT_FALSE(b.wait_for([&](const auto& r) { return r.size() > b_before; }, 300));
  ASSERT_EQ(patch("/api/v1/channels/gen-b", R"({"active":true})").status, 200);
  EXPECT_TRUE(b.wait_for([&](const auto&) { return last_pushed(b, "SCARCE").quantity == 45; }));
}

INSTANTIATE_TEST_SUITE_P(Engines, ChannelSyncApiTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::apitest
