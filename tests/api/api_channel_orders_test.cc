// Orders in from channels over real HTTP, on both engines: signed Shopify and WooCommerce
// webhooks (forged, missing, rotated, duplicated, out of order), Amazon report imports in
// every header version with their settlement fees, and three channels racing for one scarce
// SKU.
#include <fstream>
#include <latch>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "api_fixture.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/system.h"
#include "fondaco/testing/ledger_check.h"

namespace fondaco::apitest {
namespace {

std::string sign(std::string_view secret, std::string_view body) {
  std::string out = base64url_encode(platform::hmac_sha256(secret, body));
  for (char& ch : out) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (out.size() % 4) out += '=';
  return out;
}

// A Shopify order payload with one line.
std::string shopify_order(std::int64_t id, const std::string& updated_at, const std::string& sku,
                          int qty, const std::string& financial = "paid",
                          const std::string& extra = "") {
  return R"({"id":)" + std::to_string(id) + R"(,"name":"#)" + std::to_string(id) +
         R"(","updated_at":")" + updated_at + R"(","created_at":"2026-01-01T10:00:00Z",)" +
         R"("currency":"EUR","financial_status":")" + financial +
         R"(","taxes_included":true,"total_price":")" + std::to_string(12 * qty) +
         R"(.00","email":"buyer@example.com","line_items":[{"id":)" + std::to_string(id * 10) +
         R"(,"sku":")" + sku + R"(","variant_id":7,"quantity":)" + std::to_string(qty) +
         R"(,"price":"12.00","name":"Thing"}])" + extra + "}";
}

class ChannelOrdersApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    auto put = send("PUT", "/api/v1/channels/shopify/credentials",
                    R"({"secrets":{"webhook_secret":"shp-one"}})", admin_);
    ASSERT_EQ(put.status, 200) << put.body;
    put = send("PUT", "/api/v1/channels/woocommerce/credentials",
               R"({"secrets":{"webhook_secret":"woo-one"}})", admin_);
    ASSERT_EQ(put.status, 200) << put.body;
  }
  testing::HttpResult shopify(const std::string& body, const std::string& signature,
                              const std::string& topic = "orders/create") {
    std::vector<std::pair<std::string, std::string>> h = {{"X-Shopify-Topic", topic},
                                                          {"X-Shopify-Webhook-Id", "wh-1"}};
    if (!signature.empty()) h.emplace_back("X-Shopify-Hmac-Sha256", signature);
    return client_->request("POST", "/api/v1/channels/shopify/webhooks/shopify", body, h);
  }
  std::string orders_of(const std::string& channel) {
    return get("/api/v1/orders?channel=" + channel).body;
  }
  std::string order(const std::string& id) { return get("/api/v1/orders/" + id).body; }
};

TEST_P(ChannelOrdersApi, ShopifySignatureIsTheAuthentication) {
  ASSERT_EQ(create_product("Thing", {"THING-1"}).status, 201);
  ASSERT_EQ(receive("THING-1", 5, "WH").status, 201);
  const std::string body = shopify_order(1001, "2026-01-01T10:00:00Z", "THING-1", 1);
  EXPECT_EQ(shopify(body, sign("wrong", body)).status, 401);
  EXPECT_EQ(shopify(body, "").status, 401);
  EXPECT_EQ(shopify(body, sign("shp-one", body + " ")).status, 401);  // stale body
  EXPECT_EQ(json_at(orders_of("shopify"), "items"), "[0]");
  // The credentials show the secret's name, never its value.
  auto creds = get("/api/v1/channels/shopify/credentials");
  EXPECT_EQ(json_at(creds.body, "secrets[0].name"), "webhook_secret");
  EXPECT_EQ(creds.body.find("shp-one"), std::string::npos);

  auto created = shopify(body, sign("shp-one", body));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_at(created.body, "status"), "paid");
  auto again = shopify(body, sign("shp-one", body));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_at(again.body, "outcome"), "unchanged");
  EXPECT_EQ(json_at(orders_of("shopify"), "items"), "[1]");

  // Rotation: the previous secret is still accepted within the grace period.
  ASSERT_EQ(send("PUT", "/api/v1/channels/shopify/credentials",
                 R"({"secrets":{"webhook_secret":"shp-two"}})", admin_)
                .status,
            200);
  const std::string newer = shopify_order(1001, "2026-01-02T10:00:00Z", "THING-1", 1);
  auto rotated = shopify(newer, sign("shp-one", newer), "orders/updated");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_EQ(json_at(rotated.body, "outcome"), "updated");
  const std::string newest = shopify_order(1001, "2026-01-03T10:00:00Z", "THING-1", 1);
  EXPECT_EQ(shopify(newest, sign("shp-two", newest), "orders/updated").status, 200);
  EXPECT_EQ(shopify(newest, sign("shp-three", newest), "orders/updated").status, 401);
}

TEST_P(ChannelOrdersApi, OutOfOrderUpdatesKeepTheNewestState) {
  ASSERT_EQ(create_product("Thing", {"THING-1"}).status, 201);
  ASSERT_EQ(receive("THING-1", 5, "WH").status, 201);
  // The update (cancelled) arrives before the create.
  const std::string update = shopify_order(2002, "2026-02-02T10:00:00Z", "THING-1", 2, "paid",
                                           R"(,"cancelled_at":"2026-02-02T10:00:00Z")");
  auto first = shopify(update, sign("shp-one", update), "orders/updated");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json_at(first.body, "status"), "cancelled");
  const std::string create = shopify_order(2002, "2026-02-01T10:00:00Z", "THING-1", 2);
  auto late = shopify(create, sign("shp-one", create));
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(json_at(late.body, "outcome"), "unchanged");
  EXPECT_EQ(json_at(orders_of("shopify"), "items"), "[1]");
  EXPECT_EQ(json_at(order(json_at(first.body, "order_id")), "status"), "cancelled");
  EXPECT_EQ(json_at(get("/api/v1/stock/THING-1").body, "reserved"), "0");
}

TEST_P(ChannelOrdersApi, UnknownSkuIsOnHoldWithReason) {
  const std::string body = shopify_order(3003, "2026-03-01T10:00:00Z", "NOT-IN-CATALOG", 1);
  auto r = shopify(body, sign("shp-one", body));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string o = order(json_at(r.body, "order_id"));
  EXPECT_EQ(json_at(o, "status"), "on_hold");
  EXPECT_NE(json_at(o, "hold_reason").find("NOT-IN-CATALOG"), std::string::npos);
  EXPECT_EQ(json_at(o, "lines[0].sku"), "NOT-IN-CATALOG");
}

TEST_P(ChannelOrdersApi, WooCommercePingAndSignedOrder) {
  auto ping =
      client_->request("POST", "/api/v1/channels/woocommerce/webhooks/woocommerce", "webhook_id=12",
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(ping.status, 200) << ping.body;
  EXPECT_EQ(json_at(orders_of("woocommerce"), "items"), "[0]");
  std::ifstream in(std::string(FONDACO_SOURCE_DIR) +
                   "/../shared/data/formats/woocommerce/order_v3_sample.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();
  ASSERT_FALSE(body.empty());
  auto post_woo = [&](const std::string& sig) {
    return client_->request("POST", "/api/v1/channels/woocommerce/webhooks/woocommerce", body,
                            {{"X-WC-Webhook-Signature", sig},
                             {"X-WC-Webhook-Topic", "order.created"},
                             {"X-WC-Webhook-Delivery-ID", "d-1"}});
  };
  EXPECT_EQ(post_woo(sign("nope", body)).status, 401);
  EXPECT_EQ(json_at(orders_of("woocommerce"), "items"), "[0]");
  auto r = post_woo(sign("woo-one", body));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json_at(r.body, "status"), "on_hold");  // its SKUs are not in this catalog
  const std::string o = order(json_at(r.body, "order_id"));
  EXPECT_EQ(json_at(o, "channel_total_minor"), "2935");
  EXPECT_EQ(json_at(o, "external_ref"), "727");
}

std::string header_of(const std::string& file) {
  std::ifstream in(std::string(FONDACO_SOURCE_DIR) + "/../shared/data/formats/amazon/" + file);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// One data row for `header`: cells by column name.
std::string amazon_row(const std::string& header, const std::map<std::string, std::string>& v) {
  std::string out;
  std::stringstream ss(header);
  std::string name;
  bool first = true;
  while (std::getline(ss, name, '\t')) {
    if (!first) out += '\t';
    first = false;
    if (auto it = v.find(name); it != v.end()) out += it->second;
  }
  return out + "\n";
}

std::map<std::string, std::string> amazon_item(const std::string& id, const std::string& sku,
                                               int qty) {
  return {{"amazon-order-id", id},
          {"order-id", id},
          {"order-item-id", id + "-1"},
          {"sku", sku},
          {"quantity", std::to_string(qty)},
          {"quantity-purchased", std::to_string(qty)},
          {"currency", "EUR"},
          {"item-price", std::to_string(12 * qty) + ".00"},
          {"item-tax", "2.16"},
          {"purchase-date", "2026-04-01T10:00:00+00:00"},
          {"last-updated-date", "2026-04-01T11:00:00+00:00"},
          {"order-status", "Unshipped"}};
}

TEST_P(ChannelOrdersApi, AmazonReportsInEveryVersionAndSettlementFees) {
  ASSERT_EQ(create_product("Thing", {"THING-1"}).status, 201);
  ASSERT_EQ(receive("THING-1", 20, "WH").status, 201);
  const std::string manager = token_for(governance::Role::manager);
  int n = 0;
  for (const std::string file :
       {"all_orders_by_last_update_header.tsv", "all_orders_by_order_date_header.tsv",
        "new_orders_report_header.tsv"}) {
    const std::string h = header_of(file);
    const std::string id = "171-000000" + std::to_string(++n) + "-0000001";
    auto bad = amazon_item("171-9", "THING-1", 1);
    bad["item-price"] = "twelve";
    const std::string tsv =
        h + "\n" + amazon_row(h, amazon_item(id, "THING-1", 2)) + amazon_row(h, bad);
    auto r = send("POST", "/api/v1/channels/amazon/imports/amazon-orders", tsv, manager,
                  {{"Content-Type", "text/tab-separated-values"}});
    ASSERT_EQ(r.status, 200) << file << " " << r.body;
    EXPECT_EQ(json_at(r.body, "created"), "1") << file << " " << r.body;
    EXPECT_EQ(json_at(r.body, "orders[0].status"), "paid") << r.body;
    EXPECT_EQ(json_at(r.body, "refused[0].line"), "3") << r.body;
    EXPECT_EQ(json_at(r.body, "refused[0].column"), "item-price") << r.body;
  }
  EXPECT_EQ(json_at(get("/api/v1/stock/THING-1").body, "reserved"), "6");
  const std::string h = header_of("settlement_flat_file_v2_header.tsv");
  const std::string id = "171-0000001-0000001";
  auto fee = [&](const std::string& type, const std::string& amount) {
    return amazon_row(h, {{"settlement-id", "99"},
                          {"currency", "EUR"},
                          {"order-id", id},
                          {"transaction-type", "Order"},
                          {"item-related-fee-type", type},
                          {"item-related-fee-amount", amount}});
  };
  const std::string tsv = h + "\n" +
                          amazon_row(h, {{"settlement-id", "99"}, {"total-amount", "10"}}) +
                          fee("Commission", "-3.60") + fee("FBAPerUnitFulfillmentFee", "-2.70") +
                          amazon_row(h, {{"settlement-id", "99"},
                                         {"currency", "EUR"},
                                         {"order-id", "171-unknown"},
                                         {"price-type", "Principal"},
                                         {"price-amount", "5.00"}});
  auto s = send("POST", "/api/v1/channels/amazon/imports/amazon-settlement", tsv, manager,
                {{"Content-Type", "text/tab-separated-values"}});
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(json_at(s.body, "updated"), "1") << s.body;
  EXPECT_EQ(json_at(s.body, "refused_orders"), "1") << s.body;
  const std::string order_id = json_at(s.body, "orders[0].order_id");
  EXPECT_EQ(json_at(order(order_id), "fees_minor"), "630");
}

// Three channels race for 10 units: Shopify webhooks, Amazon imports and POS orders
// through the orders API, 12 orders of one unit each from every channel. Orders the stock
// cannot cover are refused (POS) or kept on hold (channels): never more than 10 sold.
TEST_P(ChannelOrdersApi, ThreeChannelsNeverOversellAScarceSku) {
  restart_server(6);
  ASSERT_EQ(create_product("Scarce", {"SCARCE-1"}).status, 201);
  ASSERT_EQ(receive("SCARCE-1", 10, "WH").status, 201);
  const std::string manager = token_for(governance::Role::manager);
  const std::string amazon_header = header_of("all_orders_by_order_date_header.tsv");
  std::mutex mu;
  std::vector<std::string> unexpected;
  int sold = 0;
  auto note = [&](bool is_sold, const testing::HttpResult& r, bool ok) {
    std::lock_guard lock(mu);
    if (!ok) unexpected.push_back(std::to_string(r.status) + " " + r.body.substr(0, 200));
    sold += is_sold ? 1 : 0;
  };
  std::latch go(3);
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    testing::HttpClient c(server_->port());
    go.arrive_and_wait();
    for (int i = 0; i < 12; ++i) {
      const std::string body = shopify_order(9000 + i, "2026-05-01T10:00:00Z", "SCARCE-1", 1);
      auto r = c.request(
          "POST", "/api/v1/channels/shopify/webhooks/shopify", body,
          {{"X-Shopify-Topic", "orders/create"}, {"X-Shopify-Hmac-Sha256", sign("shp-one", body)}});
      note(json_at(r.body, "status") == "paid", r, r.status == 201);
    }
  });
  threads.emplace_back([&] {
    testing::HttpClient c(server_->port());
    go.arrive_and_wait();
    for (int i = 0; i < 12; ++i) {
      const std::string tsv =
          amazon_header + "\n" +
          amazon_row(amazon_header, amazon_item("171-" + std::to_string(i), "SCARCE-1", 1));
      auto r = c.request("POST", "/api/v1/channels/amazon/imports/amazon-orders", tsv,
                         {{"Authorization", "Bearer " + manager}});
      note(json_at(r.body, "orders[0].status") == "paid", r, r.status == 200);
    }
  });
  threads.emplace_back([&] {
    testing::HttpClient c(server_->port());
    go.arrive_and_wait();
    for (int i = 0; i < 12; ++i) {
      auto r = c.request("POST", "/api/v1/orders",
                         order_body(line("SCARCE-1", 1), R"(,"channel":"pos")"),
                         {{"Authorization", "Bearer " + admin_}});
      note(r.status == 201, r, r.status == 201 || r.status == 409);
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  EXPECT_EQ(sold, 10);
  const auto stock = get("/api/v1/stock/SCARCE-1").body;
  EXPECT_EQ(json_at(stock, "reserved"), "10") << stock;
  EXPECT_EQ(json_at(stock, "available"), "0") << stock;
  auto violations = testing::ledger_violations(*rt_->db);
  ASSERT_TRUE(violations);
  EXPECT_TRUE(violations->empty()) << violations->front();
}

INSTANTIATE_TEST_SUITE_P(Engines, ChannelOrdersApi, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::apitest
